(function () {
  "use strict";

  // ---- pure parts: anchors and the view state in the URL ------------------------------
  // (no DOM; under Node, without the page, they are exported for the tests)

  var HEX = "0123456789ABCDEF";
  // `s` as an id and URL fragment that needs no escaping: ASCII letters, digits and `._-`
  // (in a trial name also `/@=,`) kept, every other UTF-8 byte written `~XX`.
  // Mirrors `anchor_part` in crates/report/src/conformance.rs.
  function anchorPart(s, name) {
    var bytes = new TextEncoder().encode(String(s)), out = "";
    for (var i = 0; i < bytes.length; i++) {
      var b = bytes[i], c = String.fromCharCode(b);
      if (b < 128 && (/[A-Za-z0-9._-]/.test(c) || (name && /[\/@=,]/.test(c)))) out += c;
      else out += "~" + HEX[b >> 4] + HEX[b & 15];
    }
    return out;
  }
  // The element id of a failure: `f-<codec>/<trial name>` (as `anchor` in conformance.rs).
  function anchor(codec, name) { return "f-" + anchorPart(codec, false) + "/" + anchorPart(name, true); }

  // The view state is kept in the URL's query by name, never by index, so a link still
  // means the same view after a re-run: the matrix filters (cat, producer, protocol, kind,
  // nonpass), the view (pruned or full), the list filters (codec, status, q, case...).
  // Defaults are left out; `status` is absent while the status boxes are as shipped.
  // The open failure is the URL's fragment: its anchor.
  function emptyState() {
    return {
      cat: "", producer: "", protocol: "", kind: "", nonpass: false, view: "pruned",
      codec: "", status: null, q: "", cases: []
    };
  }
  var TEXT_KEYS = ["cat", "producer", "protocol", "kind", "codec", "q"];
  function enc(v) {
    return encodeURIComponent(v).replace(/%2F/g, "/").replace(/%2C/g, ",").replace(/%3A/g, ":")
      .replace(/%40/g, "@").replace(/'/g, "%27");
  }
  function dec(v) {
    try { return decodeURIComponent(v.replace(/\+/g, " ")); } catch (e) { return v; }
  }
  function parseState(search) {
    var s = emptyState();
    String(search || "").replace(/^\?/, "").split("&").forEach(function (kv) {
      if (!kv) return;
      var i = kv.indexOf("="), k = dec(i < 0 ? kv : kv.slice(0, i)), v = i < 0 ? "" : dec(kv.slice(i + 1));
      if (TEXT_KEYS.indexOf(k) >= 0) s[k] = v;
      else if (k === "nonpass") s.nonpass = v !== "0";
      else if (k === "view") s.view = v === "full" ? "full" : "pruned";
      else if (k === "status") s.status = v.split(",").filter(Boolean);
      else if (k === "case" && v) s.cases.push(v);
    });
    return s;
  }
  function formatState(s) {
    var p = [];
    function add(k, v) { p.push(k + "=" + enc(v)); }
    ["cat", "producer", "protocol", "kind"].forEach(function (k) { if (s[k]) add(k, s[k]); });
    if (s.nonpass) p.push("nonpass=1");
    if (s.view === "full") p.push("view=full");
    if (s.codec) add("codec", s.codec);
    if (s.status) add("status", s.status.join(","));
    if (s.q) add("q", s.q);
    (s.cases || []).forEach(function (c) { add("case", c); });
    return p.length ? "?" + p.join("&") : "";
  }
  var API = { anchor: anchor, anchorPart: anchorPart, emptyState: emptyState, parseState: parseState, formatState: formatState };
  if (typeof document === "undefined" || !document.getElementById("pj-data")) {
    if (typeof module === "object" && module.exports) module.exports = API;
    return;
  }

  // ---- the page -----------------------------------------------------------------------
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
  var CASE_IDX = {};
  D.cases.forEach(function (c, i) { CASE_IDX[c[0]] = i; });

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
  var rebuilt = false; // the tables no longer are the static (unfiltered) ones
  function rebuild() {
    rebuilt = true;
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
      var row = '<tr data-case="' + esc(c[0]) + '" data-cat="' + esc(c[1]) + '"><td class="case">' + esc(c[0]) + "</td>";
      cells.forEach(function (m, ci) { row += td(cellOf(m), c[0], D.codecs[ci]); });
      full.push(row + "</tr>");
      var k = sig.join("|");
      if (!(k in bySig)) { bySig[k] = groups.length; groups.push({ rep: c[0], members: [], sums: cells.map(function () { return {}; }) }); }
      var g = groups[bySig[k]];
      if (g.rep !== c[0]) g.members.push(c[0]);
      cells.forEach(function (m, ci) { for (var s in m) g.sums[ci][s] = (g.sums[ci][s] || 0) + m[s]; });
    });
    $("full").tBodies[0].innerHTML = full.join("");
    $("pruned").tBodies[0].innerHTML = groups.map(function (g, gi) {
      var n = g.members.length + 1;
      var h = '<tr data-sig="' + gi + '" data-case="' + esc(g.rep) + '"' + (g.members.length ? ' class="group"' : "") +
        '><td class="case">' + esc(g.rep);
      if (g.members.length) {
        h += ' <button type="button" class="expand" aria-expanded="false" title="show each of these ' + n +
          ' cases as its own row">expand ' + n + "</button>" +
          '<details class="members"><summary>+' + g.members.length + " more</summary><div>" +
          g.members.map(function (m) { return '<span class="m">' + esc(m) + "</span>"; }).join("") + "</div></details>";
      }
      h += '</td><td class="num">' + n + "</td>";
      g.sums.forEach(function (m, ci) { h += td(cellOf(m), g.rep, D.codecs[ci]); });
      return h + "</tr>";
    }).join("");
    $("f-info").textContent = active(f) ? shown + " trials, " + full.length + " cases, " + groups.length + " distinct rows" : "";
  }
  function tab(which) {
    $("v-pruned").hidden = which !== "pruned"; $("v-full").hidden = which !== "full";
    $("t-pruned").classList.toggle("on", which === "pruned"); $("t-full").classList.toggle("on", which === "full");
  }

  // The cases of a matrix row: a folded row's representative and members, or its one case.
  function rowCases(tr) {
    var out = tr.dataset.case ? [tr.dataset.case] : [];
    if (tr.classList.contains("group")) {
      tr.querySelectorAll(".members .m").forEach(function (m) { out.push(m.textContent); });
    }
    return out;
  }
  // "expand N": a folded row shows each of its cases as its own row (the full matrix's rows,
  // which follow the same filters), and folds them again.
  function expand(button) {
    var tr = button.closest("tr"), open = button.getAttribute("aria-expanded") !== "true";
    while (tr.nextElementSibling && tr.nextElementSibling.classList.contains("member")) tr.nextElementSibling.remove();
    if (open) {
      var byCase = {};
      $("full").tBodies[0].querySelectorAll("tr[data-case]").forEach(function (r) { byCase[r.dataset.case] = r; });
      var after = tr;
      rowCases(tr).forEach(function (c) {
        if (!byCase[c]) return;
        var r = byCase[c].cloneNode(true);
        r.classList.add("member");
        r.removeAttribute("data-sig");
        r.cells[0].insertAdjacentHTML("afterend", '<td class="num muted">1</td>');
        after.after(r);
        after = r;
      });
    }
    button.setAttribute("aria-expanded", open ? "true" : "false");
    button.textContent = open ? "fold" : "expand " + rowCases(tr).length;
  }

  // ---- failure list -----------------------------------------------------------------
  var PAGE = 100, limit = PAGE;
  var CASES = [];   // the list's case filter (a clicked matrix row's cases)
  var PINNED = -1;  // the linked failure shown above the list, outside its filters
  var STATIC = {};  // anchors of the statically rendered gate failures
  document.querySelectorAll("#gate-failures details.failure[id]").forEach(function (el) { STATIC[el.id] = true; });
  var DEFAULT_STATUS = [];
  document.querySelectorAll(".l-st").forEach(function (b) { if (b.defaultChecked) DEFAULT_STATUS.push(b.value); });

  function itemAnchor(k) {
    var it = details().items[k];
    return anchor(D.codecs[it[0]], D.trials[it[1]][5]);
  }
  var ANCHORS = null;
  function itemOfAnchor(a) {
    if (!ANCHORS) {
      ANCHORS = {};
      details().items.forEach(function (it, k) { ANCHORS[itemAnchor(k)] = k; });
    }
    return a in ANCHORS ? ANCHORS[a] : -1;
  }
  function checkedStatuses() {
    var on = [];
    document.querySelectorAll(".l-st").forEach(function (b) { if (b.checked) on.push(b.value); });
    return on;
  }
  function listFilters() {
    var sts = {}, cases = null;
    checkedStatuses().forEach(function (s) { sts[s] = true; });
    if (CASES.length) {
      cases = {};
      CASES.forEach(function (c) { if (c in CASE_IDX) cases[CASE_IDX[c]] = true; });
    }
    return {
      f: filters(), codec: $("l-codec").value === "" ? -1 : +$("l-codec").value,
      sts: sts, text: $("l-text").value.trim(), cases: cases
    };
  }
  function listMatches(it, L) {
    var t = D.trials[it[1]];
    if (L.codec >= 0 && it[0] !== L.codec) return false;
    if (!L.sts[D.statuses[it[2]]]) return false;
    if (L.cases && !L.cases[t[0]]) return false;
    if (L.text && t[5].indexOf(L.text) < 0) return false;
    return trialMatches(t, L.f);
  }
  // A failure's row; the id only where no other element on the page has it (the static
  // gate failures and the pinned one keep theirs).
  function itemHtml(k, withId) {
    var it = details().items[k], t = D.trials[it[1]], st = D.statuses[it[2]], a = itemAnchor(k);
    return '<details class="failure s-' + st + '"' + (withId ? ' id="' + esc(a) + '"' : "") + ' data-anchor="' + esc(a) +
      '" data-k="' + k + '"><summary><b>' + esc(D.codecs[it[0]]) + "</b> \u00b7 " + esc(st) + " \u00b7 " + esc(t[5]) +
      ' <a class="anchor" href="#' + esc(a) + '" title="link to this failure">#</a></summary></details>';
  }
  function renderList(reset) {
    if (reset) limit = PAGE;
    var det = details(), L = listFilters(), out = [], n = 0;
    det.items.forEach(function (it, k) {
      if (!listMatches(it, L)) return;
      n++;
      if (out.length >= limit) return;
      out.push(itemHtml(k, k !== PINNED && !STATIC[itemAnchor(k)]));
    });
    $("list").innerHTML = out.length ? out.join("") : '<p class="note">Nothing matches.</p>';
    $("l-info").textContent = n + " matching" + (n > out.length ? ", showing " + out.length : "");
    $("l-more").hidden = n <= out.length;
    $("l-cases").hidden = !CASES.length;
    $("l-cases-text").textContent = CASES.length ? CASES[0] + (CASES.length > 1 ? " +" + (CASES.length - 1) + " more" : "") : "";
    $("l-cases-text").title = CASES.join("\n");
  }
  function diffHead(what, ref, codec) {
    return '<div class="muted dh">' + what + ': <span class="del">expected</span> = what <b>' + esc(ref) +
      '</b> (the reference reader) got \u00b7 <span class="ins">actual</span> = <b>' + esc(codec) + "</b></div>";
  }
  // A lazily rendered failure's body, on first opening.
  function fill(el) {
    if (!el.dataset.k || el.dataset.done) return;
    el.dataset.done = "1";
    var det = details(), it = det.items[+el.dataset.k], t = D.trials[it[1]], codec = D.codecs[it[0]];
    var ref = it[7] >= 0 ? det.strs[it[7]] : "the reference reader";
    var h = '<div class="msg">' + esc(it[3] >= 0 ? det.strs[it[3]] : "") + "</div>";
    h += '<div class="muted">written by ' + esc(t[3].map(function (p) { return D.producers[p]; }).join(", ")) + " \u00b7 protocol " + t[2] + "</div>";
    if (it[4] >= 0) h += diffHead("canon diff", ref, codec) + '<pre class="diff">' + det.strs[it[4]] + "</pre>";
    if (it[5] >= 0) {
      h += it[6] ? '<div class="muted dh">disassembly diff: <span class="del">expected</span> = the variant\'s bytes \u00b7 <span class="ins">actual</span> = <b>' +
        esc(codec) + "</b>'s dump</div>" : '<div class="muted">disassembly</div>';
      h += '<pre class="diff">' + det.strs[it[5]] + "</pre>";
    }
    el.insertAdjacentHTML("beforeend", h);
  }
  document.addEventListener("toggle", function (e) {
    if (e.target.open && e.target.classList && e.target.classList.contains("failure")) fill(e.target);
  }, true);

  // ---- the URL ----------------------------------------------------------------------
  function setSelect(id, value) {
    var el = $(id);
    el.value = value;
    if (el.value !== value) el.value = "";
  }
  function indexOf(list, name) { var i = name ? list.indexOf(name) : -1; return i < 0 ? "" : String(i); }
  function readControls() {
    var s = emptyState(), on = checkedStatuses();
    s.cat = $("f-cat").value;
    s.producer = $("f-prod").value === "" ? "" : D.producers[+$("f-prod").value];
    s.protocol = $("f-proto").value;
    s.kind = $("f-kind").value === "" ? "" : D.kinds[+$("f-kind").value];
    s.nonpass = $("f-nonpass").checked;
    s.view = $("v-full").hidden ? "pruned" : "full";
    s.codec = $("l-codec").value === "" ? "" : D.codecs[+$("l-codec").value];
    s.status = on.join(",") === DEFAULT_STATUS.join(",") ? null : on;
    s.q = $("l-text").value;
    s.cases = CASES.slice();
    return s;
  }
  function apply(s) {
    setSelect("f-cat", s.cat);
    setSelect("f-prod", indexOf(D.producers, s.producer));
    setSelect("f-proto", s.protocol);
    setSelect("f-kind", indexOf(D.kinds, s.kind));
    $("f-nonpass").checked = s.nonpass;
    tab(s.view);
    setSelect("l-codec", indexOf(D.codecs, s.codec));
    var sts = s.status || DEFAULT_STATUS;
    document.querySelectorAll(".l-st").forEach(function (b) { b.checked = sts.indexOf(b.value) >= 0; });
    $("l-text").value = s.q;
    CASES = s.cases.slice();
    if (rebuilt || active(filters())) rebuild();
    renderList(true);
  }
  function base() { return location.href.replace(/[?#].*$/, ""); }
  function hashId() {
    var h = location.hash.replace(/^#/, "");
    try { return decodeURIComponent(h); } catch (e) { return h; }
  }
  var lastSearch = null, lastHash = null;
  function go(url, push) {
    try { history[push ? "pushState" : "replaceState"](null, "", url); } catch (e) { /* an opaque origin */ }
    lastSearch = location.search;
    lastHash = hashId();
  }
  // After a control changed: the URL's query follows (a new history entry, or the same
  // one while typing).
  function commit(push) {
    var search = formatState(readControls());
    if (search !== location.search) go(base() + search + location.hash, push);
  }
  // Opening or closing a failure by its summary: the URL's fragment follows.
  function setHash(id) { go(base() + location.search + (id ? "#" + id : ""), false); }

  function clearPin(keep) {
    if (PINNED < 0 || itemAnchor(PINNED) === keep) return;
    PINNED = -1;
    $("pinned").innerHTML = "";
    $("pinned").hidden = true;
  }
  // Makes a lazily listed failure present: in the list (raising its length) when the
  // filters let it through, else pinned above the list.
  function reveal(k) {
    var L = listFilters(), items = details().items;
    if (listMatches(items[k], L)) {
      var pos = 0;
      for (var j = 0; j < k; j++) if (listMatches(items[j], L)) pos++;
      if (pos >= limit) limit = (Math.floor(pos / PAGE) + 1) * PAGE;
      renderList(false);
      return $("list").querySelector('details[data-k="' + k + '"]');
    }
    PINNED = k;
    $("pinned").innerHTML = '<p class="note">The linked failure (the filters above do not list it):</p>' + itemHtml(k, true);
    $("pinned").hidden = false;
    return $("pinned").querySelector("details");
  }
  function openAnchor(id) {
    clearPin(id);
    if (id.indexOf("f-") !== 0) return;
    var el = $(id);
    if (!el) {
      var k = itemOfAnchor(id);
      if (k < 0) return;
      el = reveal(k);
    }
    if (!el || el.tagName !== "DETAILS") return;
    el.open = true;
    fill(el);
    document.querySelectorAll(".failure.linked").forEach(function (x) { x.classList.remove("linked"); });
    el.classList.add("linked");
    el.scrollIntoView({ block: "start" });
  }
  // The page follows the URL: on load, back/forward and fragment links.
  function sync() {
    if (location.search !== lastSearch) {
      lastSearch = location.search;
      apply(parseState(location.search));
    }
    var h = hashId();
    if (h !== lastHash) {
      lastHash = h;
      openAnchor(h);
    }
  }

  // ---- events -----------------------------------------------------------------------
  ["f-cat", "f-prod", "f-proto", "f-kind", "f-nonpass"].forEach(function (id) {
    $(id).addEventListener("change", function () { rebuild(); renderList(true); commit(true); });
  });
  $("t-pruned").addEventListener("click", function () { tab("pruned"); commit(true); });
  $("t-full").addEventListener("click", function () { tab("full"); commit(true); });
  $("l-codec").addEventListener("change", function () { renderList(true); commit(true); });
  // typing: the first keystroke makes a history entry, the rest update it
  var typing = false;
  $("l-text").addEventListener("input", function () { renderList(true); commit(!typing); typing = true; });
  $("l-text").addEventListener("change", function () { typing = false; });
  document.querySelectorAll(".l-st").forEach(function (b) { b.addEventListener("change", function () { renderList(true); commit(true); }); });
  $("l-more").addEventListener("click", function () { limit += PAGE; renderList(false); });
  $("l-cases-clear").addEventListener("click", function () { CASES = []; renderList(true); commit(true); });

  document.addEventListener("click", function (e) {
    var t = e.target;
    if (!t.closest) return;
    var b = t.closest("button.expand");
    if (b) { expand(b); return; }
    // a failure's summary: the URL names the open failure
    var s = t.closest("details.failure > summary");
    if (s) {
      if (t.closest("a")) return; // its "#" link navigates (and opens it)
      var el = s.parentNode, a = el.dataset.anchor;
      if (!el.open) setHash(a);
      else if (hashId() === a) setHash("");
      return;
    }
    // a matrix cell lists its non-passing trials: that codec, the row's cases (every case
    // of a folded row) or, in codec x category, that category
    var c = t.closest("td.c");
    if (!c || c.classList.contains("w-na") || c.classList.contains("w-pass")) return;
    var codec = D.codecs.indexOf(c.dataset.codec);
    $("l-codec").value = codec >= 0 ? String(codec) : "";
    $("l-text").value = "";
    if (c.closest("table.cats")) {
      $("f-cat").value = c.parentNode.firstElementChild.textContent;
      CASES = [];
      rebuild();
    } else {
      CASES = rowCases(c.parentNode);
    }
    renderList(true);
    commit(true);
    $("failures").scrollIntoView();
  });
  window.addEventListener("popstate", sync);
  window.addEventListener("hashchange", sync);

  sync();
})();
