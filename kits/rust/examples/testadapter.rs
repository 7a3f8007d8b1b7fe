//! The test adapter of the Rust kit (run by crates/runner/tests/kits.rs; not an example). Its
//! "codec" reads canon JSON instead of a pickle and writes it again with the kit's functions, an
//! anchored node at each `id` and `ref`, so the kit's writer is checked on every canon value of the
//! corpus; a few inputs ask for the other outcomes: reject:KIND, crash, panic, exit:N, sleep,
//! unwritable, options.
use picklejar_kit::{self as kit, Anchors, Fail, Json};
use serde::Deserialize;

fn text(n: &Json, key: &str) -> String {
    n[key].as_str().unwrap_or_default().to_string()
}

fn unescape(s: &str) -> Vec<u8> {
    let (s, mut out, mut i) = (s.as_bytes(), Vec::new(), 0);
    while i < s.len() {
        if s[i] != b'\\' {
            out.push(s[i]);
        } else if s[i + 1] == b'\\' {
            out.push(b'\\');
            i += 1;
        } else {
            out.extend(unhex(std::str::from_utf8(&s[i + 2..i + 4]).unwrap()));
            i += 3;
        }
        i += 1;
    }
    out
}

fn unhex(h: &str) -> Vec<u8> {
    (0..h.len()).step_by(2).map(|i| u8::from_str_radix(&h[i..i + 2], 16).unwrap()).collect()
}

fn list(a: &mut Anchors, n: &Json) -> Vec<Json> {
    n.as_array().map(|xs| xs.iter().map(|x| write(a, x)).collect()).unwrap_or_default()
}

fn pairs(a: &mut Anchors, n: &Json) -> Json {
    let pairs = n.as_array().map(Vec::as_slice).unwrap_or_default();
    kit::pairs(pairs.iter().map(|p| (write(a, &p[0]), write(a, &p[1]))))
}

/// The canon node `n`, written again with the kit; an anchor's number stands for its address.
fn write(a: &mut Anchors, n: &Json) -> Json {
    let t = text(n, "t");
    if t == "ref" {
        return a.anchored(n["v"].as_u64().unwrap() as usize, |_| {
            unreachable!("a ref before its anchor")
        });
    }
    let Some(id) = n["id"].as_u64() else { return unanchored(a, n, &t) };
    a.anchored(id as usize, |a| unanchored(a, n, &t))
}

fn unanchored(a: &mut Anchors, n: &Json, t: &str) -> Json {
    match t {
        "none" => kit::none(),
        "bool" => kit::node("bool", n["v"].clone()),
        "int" => kit::int(text(n, "v")),
        "float" => kit::float(text(n, "v").parse().unwrap()),
        "str" if n.get("hex").is_some() => kit::str_hex(&unhex(&text(n, "hex"))),
        "str" => kit::str(&text(n, "v")),
        "bytes" | "bytearray" => kit::bytes(t, &unescape(&text(n, "v"))),
        "global" => kit::global(&text(n, "module"), &text(n, "name")),
        "persid" => kit::node("persid", write(a, &n["v"])),
        "list" | "tuple" | "set" | "frozenset" => kit::seq(t, list(a, &n["v"])),
        "dict" => kit::node("dict", pairs(a, &n["v"])),
        "object" | "reduce" => {
            let class = write(a, if t == "reduce" { &n["callable"] } else { &n["class"] });
            let mut o = kit::object(t, class, list(a, &n["args"]));
            if n.get("kwargs").is_some() {
                o["kwargs"] = pairs(a, &n["kwargs"]);
            }
            if n.get("state").is_some() {
                o["state"] = write(a, &n["state"]);
            }
            o["items"] = list(a, &n["items"]).into();
            o["dictitems"] = pairs(a, &n["dictitems"]);
            if n.get("setter").is_some() {
                o["setter"] = write(a, &n["setter"]);
            }
            o
        }
        _ => n.clone(), // buffer: as it is
    }
}

fn main() {
    kit::serve(|data, options| {
        let input = String::from_utf8_lossy(data);
        match input.as_ref() {
            s if s.starts_with("reject:") => {
                Err(Fail::Reject(s[7..].into(), "asked to reject".into()))
            }
            "crash" => Err(Fail::Crash("asked to crash".into())),
            "panic" => panic!("asked to panic"),
            s if s.starts_with("exit:") => std::process::exit(s[5..].parse().unwrap()),
            "sleep" => {
                std::thread::sleep(std::time::Duration::from_secs(60));
                Ok(kit::none())
            }
            "unwritable" => Err(Fail::Unwritable("asked for a value it cannot write".into())),
            "options" => {
                let hex = |b: &Vec<u8>| b.iter().map(|c| format!("{c:02x}")).collect::<String>();
                let mut o = options.json.clone();
                o["buffers"] = options.buffers.iter().flatten().map(hex).collect();
                Ok(kit::str(&o.to_string()))
            }
            _ => {
                let mut de = serde_json::Deserializer::from_slice(data);
                de.disable_recursion_limit();
                let tree = Json::deserialize(&mut de)
                    .map_err(|e| Fail::Crash(format!("not canon JSON: {e}")))?;
                Ok(write(&mut Anchors::default(), &tree))
            }
        }
    });
}
