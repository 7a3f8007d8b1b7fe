//! Who wrote or read a pickle: the one spelling of every producer and reader id.
//!
//! The corpus (`docs/CORPUS.md`), the results document and the reports all name
//! implementations the same way, and this module is the only place that parses them:
//!
//! | id | what |
//! |---|---|
//! | `cpython-3.13` | CPython 3.13's C pickler / unpickler (`_pickle`) |
//! | `cpython-3.13-py` | CPython 3.13's pure-Python `pickle._Pickler` / `_Unpickler` |
//! | `cpython-2.7` | as a producer, Python 2.7's `pickle.py` pickler; as a reader, its `cPickle` unpickler (`pickle.loads` semantics of a 2.7 program that uses the fast one) |
//! | `cpython-2.7-py` | Python 2.7's pure-Python `pickle.Unpickler` (reader) |
//! | `cpython-2.7-cPickle` | Python 2.7's `cPickle` pickler (producer) |
//! | `cpython-3.13-dataonly` | CPython 3.13's pure-Python unpickler with inert stand-ins for third-party classes (the reading data-only codecs are held to); `cpython-2.7-dataonly` the same on 2.7, for codecs compared with a 2.7 reader |
//! | `pypy-3.9` | PyPy 3.9's pickle (pure Python: `pickle.dumps` is `pickle._Pickler`, `pickle.loads` `pickle._Unpickler`), as a producer and a reader |
//! | `dill-3.12`, `cloudpickle-3.12` | that third-party pickler on CPython 3.12 |
//! | `numpy-3.12`, `pandas-3.12`, `sklearn-3.12` | as a producer, CPython 3.12's `pickle.dumps` (2.7: `cPickle.dumps`) of objects of the real library pinned for 3.12; as a reader (a variant's `resolves`), `pickle.loads` with that library |
//! | `handwritten` | bytes written by hand in a case file (`DATA`) |
//!
//! A CPython codec under test is named by the reader id it runs (`cpython-3.13`,
//! `cpython-3.13-py`).

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// What kind of implementation an [`ImplId`] names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Family {
    /// CPython's C pickler/unpickler: `cpython-X.Y`.
    CPython,
    /// CPython's pure-Python pickler/unpickler: `cpython-X.Y-py`.
    CPythonPy,
    /// Python 2's `cPickle`: `cpython-2.7-cPickle`.
    CPickle,
    /// CPython's pure-Python unpickler with inert stand-ins: `cpython-X.Y-dataonly`.
    DataOnly,
    /// PyPy implementing Python X.Y (its pickle is pure Python): `pypy-X.Y`.
    PyPy,
    /// dill on that CPython: `dill-X.Y`.
    Dill,
    /// cloudpickle on that CPython: `cloudpickle-X.Y`.
    Cloudpickle,
    /// That CPython's own pickler / unpickler with the real numpy: `numpy-X.Y`.
    Numpy,
    /// The same with the real pandas: `pandas-X.Y`.
    Pandas,
    /// The same with the real scikit-learn: `sklearn-X.Y`.
    Sklearn,
    /// joblib on that CPython: `joblib-X.Y`, producer (`joblib.dump`: its pure-Python
    /// `NumpyPickler`, each array's bytes in the stream) and reader (`joblib.load`).
    Joblib,
    /// Bytes written by hand: `handwritten`.
    Handwritten,
}

/// A Python version, `major.minor`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct PyVersion {
    /// 2 or 3.
    pub major: u8,
    /// The minor version.
    pub minor: u8,
}

impl PyVersion {
    /// `major.minor`.
    ///
    /// ```
    /// use picklejar_runner::ids::PyVersion;
    /// assert_eq!(PyVersion::new(3, 13).to_string(), "3.13");
    /// ```
    pub const fn new(major: u8, minor: u8) -> PyVersion {
        PyVersion { major, minor }
    }
}

impl fmt::Display for PyVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

impl FromStr for PyVersion {
    type Err = IdError;

    /// `3.13` → 3.13.
    ///
    /// ```
    /// use picklejar_runner::ids::PyVersion;
    /// assert_eq!("2.7".parse::<PyVersion>().unwrap(), PyVersion::new(2, 7));
    /// assert!("3".parse::<PyVersion>().is_err());
    /// ```
    fn from_str(s: &str) -> Result<PyVersion, IdError> {
        let bad = || IdError(format!("{s:?} is not a Python version such as 3.13"));
        let (maj, min) = s.split_once('.').ok_or_else(bad)?;
        Ok(PyVersion {
            major: maj.parse().map_err(|_| bad())?,
            minor: min.parse().map_err(|_| bad())?,
        })
    }
}

/// An id that does not follow the grammar in the [module docs](self).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct IdError(String);

/// A producer or reader of the corpus (see the [module docs](self) for the spellings).
///
/// ```
/// use picklejar_runner::ids::{Family, ImplId, PyVersion};
///
/// let id: ImplId = "cpython-3.12-py".parse()?;
/// assert_eq!(id.family, Family::CPythonPy);
/// assert_eq!(id.version, Some(PyVersion::new(3, 12)));
/// assert_eq!(id.to_string(), "cpython-3.12-py");
/// assert!("cpython-c-3.13".parse::<ImplId>().is_err()); // one spelling per reader
/// # Ok::<(), picklejar_runner::ids::IdError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ImplId {
    /// Which implementation.
    pub family: Family,
    /// The Python it ran on (`None` only for [`Family::Handwritten`]).
    pub version: Option<PyVersion>,
}

/// A reader of the corpus (a CPython unpickler).
pub type ReaderId = ImplId;
/// A producer of the corpus (a pickler, or the hand-written bytes of a case).
pub type ProducerId = ImplId;

/// The reader every codec is compared with, and the producer the cross-version tables
/// compare bytes with: CPython 3.13's C unpickler / pickler.
pub const REFERENCE: ImplId = ImplId::cpython(3, 13);

/// The reading data-only codecs are held to where [`REFERENCE`] can only fail to resolve
/// or construct a class (dill and cloudpickle cases): CPython 3.13's pure-Python
/// unpickler with inert stand-ins for what it cannot import.
pub const DATA_ONLY_REFERENCE: ImplId = ImplId {
    family: Family::DataOnly,
    version: Some(PyVersion::new(3, 13)),
};

impl ImplId {
    /// CPython `major.minor`'s C pickler / unpickler.
    ///
    /// ```
    /// use picklejar_runner::ids::ImplId;
    /// assert_eq!(ImplId::cpython(3, 8).to_string(), "cpython-3.8");
    /// ```
    pub const fn cpython(major: u8, minor: u8) -> ImplId {
        ImplId {
            family: Family::CPython,
            version: Some(PyVersion::new(major, minor)),
        }
    }

    /// CPython `major.minor`'s pure-Python pickler / unpickler.
    ///
    /// ```
    /// use picklejar_runner::ids::ImplId;
    /// assert_eq!(ImplId::cpython_py(3, 8).to_string(), "cpython-3.8-py");
    /// ```
    pub const fn cpython_py(major: u8, minor: u8) -> ImplId {
        ImplId {
            family: Family::CPythonPy,
            version: Some(PyVersion::new(major, minor)),
        }
    }

    /// Whether this is a CPython C unpickler of Python 3 (the readers the reference falls
    /// back to when 3.13 did not read a variant).
    ///
    /// ```
    /// use picklejar_runner::ids::ImplId;
    /// let id: ImplId = "cpython-3.12".parse()?;
    /// assert!(id.is_c3());
    /// assert!(!"cpython-2.7".parse::<ImplId>()?.is_c3());
    /// # Ok::<(), picklejar_runner::ids::IdError>(())
    /// ```
    pub fn is_c3(&self) -> bool {
        self.family == Family::CPython && self.version.is_some_and(|v| v.major >= 3)
    }

    /// The data-only reading of this reader's Python version, `cpython-X.Y-dataonly`
    /// (CPython X.Y's pure-Python unpickler with inert stand-ins); `None` for an id without
    /// a version.
    ///
    /// ```
    /// use picklejar_runner::ids::ImplId;
    /// let id: ImplId = "cpython-2.7-py".parse()?;
    /// assert_eq!(id.data_only_reading().map(|d| d.to_string()).as_deref(), Some("cpython-2.7-dataonly"));
    /// assert_eq!("handwritten".parse::<ImplId>()?.data_only_reading(), None);
    /// # Ok::<(), picklejar_runner::ids::IdError>(())
    /// ```
    pub fn data_only_reading(&self) -> Option<ImplId> {
        match self.version {
            Some(v) if self.family != Family::Handwritten => Some(ImplId {
                family: Family::DataOnly,
                version: Some(v),
            }),
            _ => None,
        }
    }

    /// The real library a library producer or reader has (`numpy`, `pandas`, `sklearn`,
    /// `joblib`); `None` for every other id.
    ///
    /// ```
    /// use picklejar_runner::ids::ImplId;
    /// assert_eq!("pandas-3.12".parse::<ImplId>()?.library(), Some("pandas"));
    /// assert_eq!("cpython-3.12".parse::<ImplId>()?.library(), None);
    /// # Ok::<(), picklejar_runner::ids::IdError>(())
    /// ```
    pub fn library(&self) -> Option<&'static str> {
        match self.family {
            Family::Numpy => Some("numpy"),
            Family::Pandas => Some("pandas"),
            Family::Sklearn => Some("sklearn"),
            Family::Joblib => Some("joblib"),
            _ => None,
        }
    }

    /// The CPython version whose pickler wrote these bytes, for the profile a re-dump
    /// uses (`cpython-3.12-py`, `dill-3.12` and `cloudpickle-3.12` all ran on 3.12).
    ///
    /// ```
    /// use picklejar_runner::ids::{ImplId, PyVersion};
    /// let id: ImplId = "cloudpickle-3.12".parse()?;
    /// assert_eq!(id.python(), Some(PyVersion::new(3, 12)));
    /// # Ok::<(), picklejar_runner::ids::IdError>(())
    /// ```
    pub fn python(&self) -> Option<PyVersion> {
        self.version
    }

    /// The order reports list ids in: by Python version, then C, pure-Python, cPickle,
    /// data-only, PyPy, dill, cloudpickle, numpy, pandas, sklearn, joblib; hand-written
    /// bytes last.
    ///
    /// ```
    /// use picklejar_runner::ids::ImplId;
    /// let mut ids: Vec<ImplId> = ["cpython-3.10", "cpython-3.9-py", "handwritten", "cpython-3.9"]
    ///     .iter().map(|s| s.parse().unwrap()).collect();
    /// ids.sort_by(ImplId::report_order);
    /// let names: Vec<String> = ids.iter().map(|i| i.to_string()).collect();
    /// assert_eq!(names, ["cpython-3.9", "cpython-3.9-py", "cpython-3.10", "handwritten"]);
    /// ```
    pub fn report_order(a: &ImplId, b: &ImplId) -> Ordering {
        let key = |i: &ImplId| (i.version.is_none(), i.version, i.family);
        key(a).cmp(&key(b))
    }
}

impl fmt::Display for ImplId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let v = self.version.unwrap_or_default();
        match self.family {
            Family::CPython => write!(f, "cpython-{v}"),
            Family::CPythonPy => write!(f, "cpython-{v}-py"),
            Family::CPickle => write!(f, "cpython-{v}-cPickle"),
            Family::DataOnly => write!(f, "cpython-{v}-dataonly"),
            Family::PyPy => write!(f, "pypy-{v}"),
            Family::Dill => write!(f, "dill-{v}"),
            Family::Cloudpickle => write!(f, "cloudpickle-{v}"),
            Family::Numpy => write!(f, "numpy-{v}"),
            Family::Pandas => write!(f, "pandas-{v}"),
            Family::Sklearn => write!(f, "sklearn-{v}"),
            Family::Joblib => write!(f, "joblib-{v}"),
            Family::Handwritten => f.write_str("handwritten"),
        }
    }
}

impl FromStr for ImplId {
    type Err = IdError;

    fn from_str(s: &str) -> Result<ImplId, IdError> {
        if s == "handwritten" {
            return Ok(ImplId {
                family: Family::Handwritten,
                version: None,
            });
        }
        let bad = |why: &str| {
            IdError(format!(
                "{s:?} is not a producer or reader id ({why}); ids look like cpython-3.13, \
                 cpython-3.13-py, cpython-2.7-cPickle, cpython-3.13-dataonly, pypy-3.9, \
                 dill-3.12, cloudpickle-3.12, numpy-3.12, pandas-3.12, sklearn-3.12, \
                 joblib-3.12 or handwritten"
            ))
        };
        let (family, rest) = if let Some(rest) = s.strip_prefix("cpython-") {
            match rest.split_once('-') {
                None => (Family::CPython, rest),
                Some((v, "py")) => (Family::CPythonPy, v),
                Some((v, "cPickle")) => (Family::CPickle, v),
                Some((v, "dataonly")) => (Family::DataOnly, v),
                Some(_) => return Err(bad("unknown CPython implementation")),
            }
        } else if let Some(v) = s.strip_prefix("pypy-") {
            (Family::PyPy, v)
        } else if let Some(v) = s.strip_prefix("dill-") {
            (Family::Dill, v)
        } else if let Some(v) = s.strip_prefix("cloudpickle-") {
            (Family::Cloudpickle, v)
        } else if let Some(v) = s.strip_prefix("numpy-") {
            (Family::Numpy, v)
        } else if let Some(v) = s.strip_prefix("pandas-") {
            (Family::Pandas, v)
        } else if let Some(v) = s.strip_prefix("sklearn-") {
            (Family::Sklearn, v)
        } else if let Some(v) = s.strip_prefix("joblib-") {
            (Family::Joblib, v)
        } else {
            return Err(bad("unknown implementation"));
        };
        let version = rest
            .parse::<PyVersion>()
            .map_err(|_| bad("no X.Y version"))?;
        Ok(ImplId {
            family,
            version: Some(version),
        })
    }
}

impl TryFrom<String> for ImplId {
    type Error = IdError;
    fn try_from(s: String) -> Result<ImplId, IdError> {
        s.parse()
    }
}

impl From<ImplId> for String {
    fn from(id: ImplId) -> String {
        id.to_string()
    }
}

impl PartialEq<&str> for ImplId {
    fn eq(&self, other: &&str) -> bool {
        other.parse::<ImplId>().is_ok_and(|o| o == *self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_spelling_round_trips() {
        for s in [
            "cpython-2.7",
            "cpython-2.7-py",
            "cpython-2.7-cPickle",
            "cpython-3.6",
            "cpython-3.13-py",
            "cpython-3.13-dataonly",
            "pypy-3.9",
            "dill-3.9",
            "cloudpickle-2.7",
            "numpy-2.7",
            "pandas-3.13",
            "sklearn-3.6",
            "joblib-3.13",
            "handwritten",
        ] {
            let id: ImplId = s.parse().unwrap_or_else(|e| panic!("{s}: {e}"));
            assert_eq!(id.to_string(), s);
        }
    }

    #[test]
    fn other_spellings_are_refused_with_the_grammar() {
        for s in [
            "cpython-c-3.13",
            "cpython-py-3.13",
            "cpython-3",
            "cpython-3.13-PY",
            "pypy-3",
            "pypy3.9",
            "",
        ] {
            let e = s.parse::<ImplId>().expect_err(s);
            assert!(e.to_string().contains("cpython-3.13-py"), "{e}");
        }
    }

    #[test]
    fn serde_uses_the_spelling() {
        let id: ImplId = serde_json::from_str("\"cpython-3.12-py\"").expect("parses");
        assert_eq!(id, ImplId::cpython_py(3, 12));
        assert_eq!(
            serde_json::to_string(&id).expect("writes"),
            "\"cpython-3.12-py\""
        );
        assert!(serde_json::from_str::<ImplId>("\"cpython-c-3.12\"").is_err());
    }
}
