(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("pj-data").textContent);
  var DET = null; // details, parsed on first use
  function details() {
    if (!DET) DET = JSON.parse(document.getElementById("pj-details").textContent);
    return DET;
  }
  var SEV = { "pass": 0, "skip": 1, "expected-fail": 2, "unexpected-pass": 3, "fail": 4, "timeout": 5, "crash": 6 };
  function sev(s) { return s in SEV ? SEV[s] : 4; }
  function esc(s) {
    return String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
  }
  function $(id) { return document.getElementById(id); }

  // ---- matrix -------------------------------------------------------------------
  function filters() {
    return {
      cat: $("f-cat").value, prod: $("f-prod").value === "" ? -1 : +$("f-prod").value,
      proto: $("f-proto").value === "" ? -1 : +$("f-proto").value,
      kind: $("f-kind").value === "" ? -1 : +$("f-kind").value, nonpass: $("f-nonpass").checked
    };
  }
  function active(f) { return f.cat || f.prod >= 0 || f.proto >= 0 || f.kind >= 0 || f.nonpass; }
  function trialMatches(t, f) {
    if (f.kind >= 0 && t[1] !== f.kind) return false;
    if (f.proto >= 0 && t[2] !== f.proto) return false;
    if (f.prod >= 0 && t[3].indexOf(f.prod) < 0) return false;
    if (f.cat && D.cases[t[0]][1] !== f.cat) return false;
    return true;
  }
  function cellOf(counts) {
    var total = 0, pass = counts["pass"] || 0, worst = null, parts = [], segs = "";
    D.statuses.forEach(function (s) {
      var n = counts[s] || 0;
      if (!n) return;
      total += n;
      parts.push(n + " " + s);
      if (worst === null || sev(s) > sev(worst)) worst = s;
    });
    if (!total) return { worst: "na", text: "", title: "no trials", html: "" };
    D.statuses.forEach(function (s) {
      var n = counts[s] || 0;
      if (n) segs += '<i class="st-' + s + '" style="width:' + (n * 100 / total).toFixed(3) + '%"></i>';
    });
    var mixed = pass > 0 && pass < total;
    return {
      worst: worst, title: parts.join(", "), total: total, nonpass: total - pass,
      text: pass === total ? "\u2713 " + total : pass + "/" + total,
      bar: mixed ? '<span class="bar" title="' + esc(parts.join(", ")) + '">' + segs + "</span>" : ""
    };
  }
  function td(c, kase, codec) {
    return '<td class="c w-' + c.worst + '" title="' + esc(c.title) + '" data-case="' + esc(kase) +
      '" data-codec="' + esc(codec) + '">' + esc(c.text) + (c.bar || "") + "</td>";
  }
  function rebuild() {
    var f = filters(), nc = D.codecs.length;
    var per = D.cases.map(function () { var a = []; for (var i = 0; i < nc; i++) a.push({}); return a; });
    var shown = 0;
    D.trials.forEach(function (t) {
      if (!trialMatches(t, f)) return;
      shown++;
      for (var ci = 0; ci < nc; ci++) {
        var si = t[4][ci];
        if (si < 0) continue;
        var s = D.statuses[si];
        per[t[0]][ci][s] = (per[t[0]][ci][s] || 0) + 1;
      }
    });
    var full = [], groups = [], bySig = {};
    D.cases.forEach(function (c, i) {
      var cells = per[i], any = false, bad = false, sig = [];
      cells.forEach(function (m) {
        var keys = Object.keys(m).sort();
        if (keys.length) any = true;
        if (keys.some(function (k) { return k !== "pass"; })) bad = true;
        sig.push(keys.join("+"));
      });
      if (!any || (f.nonpass && !bad)) return;
      var row = '<tr data-cat="' + esc(c[1]) + '"><td class="case">' + esc(c[0]) + "</td>";
      cells.forEach(function (m, ci) { row += td(cellOf(m), c[0], D.codecs[ci]); });
      full.push(row + "</tr>");
      var k = sig.join("|");
      if (!(k in bySig)) { bySig[k] = groups.length; groups.push({ rep: c[0], members: [], sums: cells.map(function () { return {}; }) }); }
      var g = groups[bySig[k]];
      if (g.rep !== c[0]) g.members.push(c[0]);
      cells.forEach(function (m, ci) { for (var s in m) g.sums[ci][s] = (g.sums[ci][s] || 0) + m[s]; });
    });
    $("full").tBodies[0].innerHTML = full.join("");
    $("pruned").tBodies[0].innerHTML = groups.map(function (g) {
      var h = '<tr><td class="case">' + esc(g.rep);
      if (g.members.length) h += '<details class="members"><summary>+' + g.members.length + " more</summary><div>" +
        g.members.map(esc).join("<br>") + "</div></details>";
      h += '</td><td class="num">' + (g.members.length + 1) + "</td>";
      g.sums.forEach(function (m, ci) { h += td(cellOf(m), g.rep, D.codecs[ci]); });
      return h + "</tr>";
    }).join("");
    $("f-info").textContent = active(f) ? shown + " trials, " + full.length + " cases, " + groups.length + " distinct rows" : "";
  }
  ["f-cat", "f-prod", "f-proto", "f-kind", "f-nonpass"].forEach(function (id) { $(id).addEventListener("change", function () { rebuild(); renderList(true); }); });
  function tab(which) {
    $("v-pruned").hidden = which !== "pruned"; $("v-full").hidden = which !== "full";
    $("t-pruned").classList.toggle("on", which === "pruned"); $("t-full").classList.toggle("on", which === "full");
  }
  $("t-pruned").addEventListener("click", function () { tab("pruned"); });
  $("t-full").addEventListener("click", function () { tab("full"); });

  // ---- failure list -----------------------------------------------------------------
  var PAGE = 100, limit = PAGE;
  function listMatches(it, f, codec, sts, text) {
    var t = D.trials[it[1]];
    if (codec >= 0 && it[0] !== codec) return false;
    if (!sts[D.statuses[it[2]]]) return false;
    if (text && t[5].indexOf(text) < 0) return false;
    return trialMatches(t, f);
  }
  function renderList(reset) {
    if (reset) limit = PAGE;
    var det = details(), f = filters(), codec = $("l-codec").value === "" ? -1 : +$("l-codec").value;
    var sts = {}; document.querySelectorAll(".l-st").forEach(function (b) { if (b.checked) sts[b.value] = true; });
    var text = $("l-text").value.trim(), out = [], n = 0;
    det.items.forEach(function (it, k) {
      if (!listMatches(it, f, codec, sts, text)) return;
      n++;
      if (out.length >= limit) return;
      var t = D.trials[it[1]], st = D.statuses[it[2]];
      out.push('<details class="failure s-' + st + '" data-k="' + k + '"><summary><b>' + esc(D.codecs[it[0]]) + "</b> \u00b7 " +
        esc(st) + " \u00b7 " + esc(t[5]) + "</summary></details>");
    });
    $("list").innerHTML = out.length ? out.join("") : '<p class="note">Nothing matches.</p>';
    $("l-info").textContent = n + " matching" + (n > out.length ? ", showing " + out.length : "");
    $("l-more").hidden = n <= out.length;
  }
  $("list").addEventListener("toggle", function (e) {
    var el = e.target;
    if (!el.open || el.dataset.done) return;
    el.dataset.done = "1";
    var det = details(), it = det.items[+el.dataset.k], t = D.trials[it[1]];
    var h = '<div class="msg">' + esc(it[3] >= 0 ? det.strs[it[3]] : "") + "</div>";
    h += '<div class="muted">written by ' + esc(t[3].map(function (p) { return D.producers[p]; }).join(", ")) + " \u00b7 protocol " + t[2] + "</div>";
    if (it[4] >= 0) h += '<div class="muted">canon diff</div><pre class="diff">' + det.strs[it[4]] + "</pre>";
    if (it[5] >= 0) h += '<div class="muted">' + (it[6] ? "disassembly diff" : "disassembly") + '</div><pre class="diff">' + det.strs[it[5]] + "</pre>";
    el.insertAdjacentHTML("beforeend", h);
  }, true);
  ["l-codec", "l-text"].forEach(function (id) { $(id).addEventListener("input", function () { renderList(true); }); });
  document.querySelectorAll(".l-st").forEach(function (b) { b.addEventListener("change", function () { renderList(true); }); });
  $("l-more").addEventListener("click", function () { limit += PAGE; renderList(false); });

  // a matrix cell opens the list on that case and codec
  document.addEventListener("click", function (e) {
    var c = e.target.closest && e.target.closest("td.c");
    if (!c || c.classList.contains("w-na") || c.classList.contains("w-pass")) return;
    var codec = D.codecs.indexOf(c.dataset.codec);
    $("l-codec").value = codec >= 0 ? String(codec) : "";
    $("l-text").value = c.dataset.case ? c.dataset.case + "/" : "";
    if (!c.dataset.case && c.closest("table.cats")) {
      $("f-cat").value = c.parentNode.firstElementChild.textContent;
      rebuild();
    }
    renderList(true);
    $("failures").scrollIntoView();
  });

  renderList(true);
})();
