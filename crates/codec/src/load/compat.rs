//! `fix_imports`: CPython's Python 2 → 3 name mapping, applied by `find_class` when the
//! stream's protocol is below 3.

use crate::compat_tables::{
    IMPORT_MAPPING, NAME_MAPPING, NamePairs, REVERSE_IMPORT_MAPPING, REVERSE_NAME_MAPPING,
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

/// The Python 3 `(module, name)` for a Python 2 one: the given strs themselves if no table
/// has it (so a caller can tell with a pointer compare), else the tables' own.
pub(crate) fn fix_import<'a>(module: &'a str, name: &'a str) -> (&'a str, &'a str) {
    if !FORWARD_MODULES.may_hold(module) {
        return (module, name);
    }
    if let Some((m, n)) = py2_to_py3(module, name) {
        return (m, n);
    }
    if let Some(m) = py2_module_to_py3(module) {
        return (m, name);
    }
    (module, name)
}

/// The Python 2 `(module, name)` a protocol 0–2 pickler writes for a Python 3 one
/// (`fix_imports=True`): `builtins.str` → `__builtin__.unicode`, `copyreg` → `copy_reg`.
pub(crate) fn py3_to_py2<'a>(module: &'a str, name: &'a str) -> (&'a str, &'a str) {
    if !REVERSE_MODULES.may_hold(module) {
        return (module, name);
    }
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
/// The [`module_hash`]es of every module the reverse tables (Python 3 to 2) have a row
/// for, as a 1024-bit set. A module outside it has none, and is looked up no further: most
/// modules a pickle names (its own classes', `datetime`, `_codecs`) are settled by one hash
/// and one bit, not two binary searches.
static REVERSE_MODULES: ModuleSet = ModuleSet::new(REVERSE_NAME_MAPPING, REVERSE_IMPORT_MAPPING);
/// The same for the forward tables (Python 2 to 3, `fix_imports` on load).
static FORWARD_MODULES: ModuleSet = ModuleSet::new(NAME_MAPPING, IMPORT_MAPPING);

/// A set of module-name hashes ([`module_hash`]), built at compile time from a name table
/// and an import table.
struct ModuleSet([u64; 16]);

impl ModuleSet {
    const fn new(names: NamePairs, imports: &[(&str, &str)]) -> ModuleSet {
        let mut set = ModuleSet([0; 16]);
        let mut i = 0;
        while i < names.len() {
            set.add(names[i].0.0);
            i += 1;
        }
        let mut i = 0;
        while i < imports.len() {
            set.add(imports[i].0);
            i += 1;
        }
        set
    }

    const fn add(&mut self, m: &str) {
        let h = module_hash(m);
        self.0[h / 64] |= 1 << (h % 64);
    }

    /// Whether the tables may have a row for `module`.
    #[inline(always)]
    fn may_hold(&self, module: &str) -> bool {
        let h = module_hash(module);
        self.0[h / 64] & (1 << (h % 64)) != 0
    }
}

/// A hash of a module name's length, its first, middle and last bytes, below 1024.
#[inline(always)]
const fn module_hash(m: &str) -> usize {
    let b = m.as_bytes();
    let n = b.len();
    if n == 0 {
        return 0;
    }
    let h = (b[0] as usize) * 31 + (b[n / 2] as usize) * 7 + (b[n - 1] as usize) * 17 + n * 131;
    h & 1023
}

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
    fn the_module_sets_hold_every_table_module_and_few_others() {
        for ((m, _), _) in REVERSE_NAME_MAPPING {
            assert!(REVERSE_MODULES.may_hold(m), "{m}");
        }
        for (m, _) in REVERSE_IMPORT_MAPPING {
            assert!(REVERSE_MODULES.may_hold(m), "{m}");
        }
        for ((m, _), _) in NAME_MAPPING {
            assert!(FORWARD_MODULES.may_hold(m), "{m}");
        }
        for (m, _) in IMPORT_MAPPING {
            assert!(FORWARD_MODULES.may_hold(m), "{m}");
        }
        // Modules of no row in either direction: settled by the sets (were one to collide,
        // the lookups would only search in vain, and this table would say so).
        for m in [
            "datetime",
            "_codecs",
            "pjfixtures",
            "numpy",
            "pandas.core.frame",
            "__main__",
        ] {
            assert!(!REVERSE_MODULES.may_hold(m), "{m}");
            assert!(!FORWARD_MODULES.may_hold(m), "{m}");
            assert_eq!(py3_to_py2(m, "x"), (m, "x"));
            let (fm, fx) = fix_import(m, "x");
            assert!(std::ptr::eq(fm, m) && fx == "x", "{m}");
        }
        for set in [&REVERSE_MODULES, &FORWARD_MODULES] {
            let bits: u32 = set.0.iter().map(|w| w.count_ones()).sum();
            assert!(bits < 200, "{bits} of 1024 bits set");
        }
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
            assert_eq!(fix_import(m, n), (wm, wn), "{m}.{n}");
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
