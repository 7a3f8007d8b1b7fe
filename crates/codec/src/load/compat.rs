//! `fix_imports`: CPython's Python 2 → 3 name mapping, applied by `find_class` when the
//! stream's protocol is below 3.

use crate::compat_tables::{
    IMPORT_MAPPING, NAME_MAPPING, REVERSE_IMPORT_MAPPING, REVERSE_NAME_MAPPING,
};

/// Maps a Python 2 `(module, name)` to its Python 3 spelling, as `Unpickler.find_class`
/// does with `fix_imports=True`: first the name mapping, then the module mapping.
fn py2_to_py3(module: &str, name: &str) -> Option<(&'static str, &'static str)> {
    if let Ok(i) = NAME_MAPPING.binary_search_by(|(k, _)| (k.0, k.1).cmp(&(module, name))) {
        return Some(NAME_MAPPING[i].1);
    }
    None
}

/// Maps a Python 2 module name to Python 3 (`copy_reg` → `copyreg`).
fn py2_module_to_py3(module: &str) -> Option<&'static str> {
    IMPORT_MAPPING
        .binary_search_by(|(k, _)| (*k).cmp(module))
        .ok()
        .map(|i| IMPORT_MAPPING[i].1)
}

/// The Python 3 `(module, name)` for a Python 2 one (unchanged if no table has it).
pub(crate) fn fix_import(module: &str, name: &str) -> (String, String) {
    if let Some((m, n)) = py2_to_py3(module, name) {
        return (m.to_owned(), n.to_owned());
    }
    if let Some(m) = py2_module_to_py3(module) {
        return (m.to_owned(), name.to_owned());
    }
    (module.to_owned(), name.to_owned())
}

/// The Python 2 `(module, name)` a protocol 0–2 pickler writes for a Python 3 one
/// (`fix_imports=True`): `builtins.str` → `__builtin__.unicode`, `copyreg` → `copy_reg`.
pub(crate) fn py3_to_py2<'a>(module: &'a str, name: &'a str) -> (&'a str, &'a str) {
    let by_name = REVERSE_NAME_MAPPING
        .binary_search_by(|(k, _)| cmp_str(k.0, module).then_with(|| cmp_str(k.1, name)));
    if let Ok(i) = by_name {
        return REVERSE_NAME_MAPPING[i].1;
    }
    if let Ok(i) = REVERSE_IMPORT_MAPPING.binary_search_by(|(k, _)| cmp_str(k, module)) {
        return (REVERSE_IMPORT_MAPPING[i].1, name);
    }
    (module, name)
}

/// `a.cmp(b)`, settled by the first bytes where they differ (most steps of a search over
/// module names) before a call to compare the rest.
#[inline(always)]
fn cmp_str(a: &str, b: &str) -> std::cmp::Ordering {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    a.first().cmp(&b.first()).then_with(|| a.cmp(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_are_sorted_for_binary_search() {
        assert!(NAME_MAPPING.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(IMPORT_MAPPING.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(REVERSE_NAME_MAPPING.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(REVERSE_IMPORT_MAPPING.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn mapping_table() {
        let table = [
            (("__builtin__", "xrange"), ("builtins", "range")),
            (("__builtin__", "set"), ("builtins", "set")),
            (
                ("copy_reg", "_reconstructor"),
                ("copyreg", "_reconstructor"),
            ),
            (("exceptions", "StandardError"), ("builtins", "Exception")),
            (
                ("UserDict", "IterableUserDict"),
                ("collections", "UserDict"),
            ),
            (("__builtin__", "unicode"), ("builtins", "str")),
            (("pjfixtures", "Plain"), ("pjfixtures", "Plain")),
        ];
        for ((m, n), (wm, wn)) in table {
            assert_eq!(fix_import(m, n), (wm.to_owned(), wn.to_owned()), "{m}.{n}");
        }
        assert_eq!(py3_to_py2("builtins", "str"), ("__builtin__", "unicode"));
        assert_eq!(
            py3_to_py2("copyreg", "_reconstructor"),
            ("copy_reg", "_reconstructor")
        );
        assert_eq!(py3_to_py2("builtins", "range"), ("__builtin__", "xrange"));
        assert_eq!(py3_to_py2("pjfixtures", "Plain"), ("pjfixtures", "Plain"));
        for a in ["", "a", "b", "ab", "abc", "b\u{e9}", "\u{e9}"] {
            for b in ["", "a", "b", "ab", "abc", "b\u{e9}", "\u{e9}"] {
                assert_eq!(cmp_str(a, b), a.cmp(b), "{a:?} {b:?}");
            }
        }
    }
}
