//! `ErrorKind` is the project's one vocabulary of error kinds: every name round-trips, and
//! the reader kinds are exactly the kinds table of `docs/CANON.md` section 10, in order.

use picklejar_codec::ErrorKind;

/// The kinds that only picklejar reports (dumping, canon input); no reader can, so
/// `docs/CANON.md`'s table of reader kinds does not list them.
const PICKLEJAR_ONLY: &[ErrorKind] = &[ErrorKind::Unpicklable, ErrorKind::BadCanon];

/// The first cell of every row of the table under `## 10. Errors` in `docs/CANON.md`, with
/// its backquotes removed.
fn canon_md_kinds() -> Vec<String> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/CANON.md");
    let doc = std::fs::read_to_string(path).expect("docs/CANON.md is readable");
    let section = doc
        .split("\n## ")
        .find(|s| s.starts_with("10. Errors"))
        .expect("docs/CANON.md has a section `## 10. Errors`");
    let mut rows = section
        .lines()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'));
    let header = rows.next().expect("the section has a table");
    assert!(
        header.contains("kind"),
        "first column is the kind: {header}"
    );
    let rule = rows.next().expect("the table has a rule line");
    assert!(rule.starts_with("|---"), "{rule}");
    rows.map(|row| {
        let cell = row.split('|').nth(1).expect("a row has cells").trim();
        let name = cell.trim_matches('`');
        assert_eq!(cell.len(), name.len() + 2, "kind cell {cell:?} is `quoted`");
        name.to_owned()
    })
    .collect()
}

#[test]
fn every_name_round_trips() {
    for &k in ErrorKind::ALL {
        let name = k.as_str();
        assert_eq!(k.to_string(), name);
        assert_eq!(ErrorKind::from_name(name), Some(k));
        assert_eq!(name.parse::<ErrorKind>().ok(), Some(k));
        assert!(
            name.bytes()
                .all(|c| c.is_ascii_lowercase() || c == b'-' || c.is_ascii_digit()),
            "{name} is kebab-case"
        );
    }
    let mut names: Vec<&str> = ErrorKind::ALL.iter().map(|k| k.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), ErrorKind::ALL.len(), "names are distinct");
}

#[test]
fn unknown_names_are_errors() {
    for bad in ["", "nope", "Truncated", "bad_mark", " truncated"] {
        assert_eq!(ErrorKind::from_name(bad), None, "{bad:?}");
        let e = bad.parse::<ErrorKind>().expect_err(bad);
        assert_eq!(e.kind(), ErrorKind::BadArgument);
    }
}

#[test]
fn reader_kinds_are_the_canon_md_table() {
    let table = canon_md_kinds();
    let readers: Vec<&str> = ErrorKind::ALL
        .iter()
        .filter(|k| !PICKLEJAR_ONLY.contains(k))
        .map(|k| k.as_str())
        .collect();
    assert_eq!(
        readers, table,
        "ErrorKind::ALL (less picklejar-only kinds) vs docs/CANON.md"
    );
    // The picklejar-only kinds come last, after every reader kind.
    let tail = &ErrorKind::ALL[ErrorKind::ALL.len() - PICKLEJAR_ONLY.len()..];
    assert_eq!(tail, PICKLEJAR_ONLY);
}

#[test]
fn resolve_phase_kinds() {
    let resolve: Vec<&str> = ErrorKind::ALL
        .iter()
        .filter(|k| k.is_resolve_phase())
        .map(|k| k.as_str())
        .collect();
    assert_eq!(resolve, ["unresolved", "construct"]);
}
