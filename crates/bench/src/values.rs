//! The workload values, built as [`picklejar_codec::Graph`]s: the objects a Python program
//! would hold, with the sharing CPython's objects have (a str or list reached twice is one
//! node), so that [`picklejar_codec::dump`] with the CPython 3.13 profile writes the bytes
//! CPython 3.13's C pickler writes for the same value. `tests/cpython.rs` holds them to
//! that, workload by workload, with the same values built in Python by
//! `tests/cpython_workloads.py`.
//!
//! pyperformance's DICT_GROUP mutates DICT with `random.Random(5)`; here the random source
//! is a formula both languages compute exactly ([`weyl`]).

use picklejar_codec::canon::py_float_repr;
use picklejar_codec::{Graph, Node, Object, ObjectForm, Reduce, Value};

/// One workload: name, the protocols it is written at, a description, and its value.
pub struct Spec {
    /// File-name stem.
    pub name: &'static str,
    /// Protocols it is written at.
    pub protocols: &'static [u8],
    /// One line.
    pub description: &'static str,
    /// Builds the value at a scale (1.0 = full size; counts are `max(1, int(count *
    /// scale))`, as `tests/cpython_workloads.py` scales them).
    pub build: fn(f64) -> Graph,
}

const ALL: &[u8] = &[2, 4, 5];

/// Every workload, in file order.
pub const SPECS: &[Spec] = &[
    Spec {
        name: "pyperf_dict",
        protocols: ALL,
        description: "pyperformance bm_pickle DICT: a 33-key user-profile dict",
        build: |_| {
            let mut b = Builder::new();
            let keys = b.dict_keys();
            let d = b.pyperf_dict(&keys);
            b.finish(d)
        },
    },
    Spec {
        name: "pyperf_tuple",
        protocols: ALL,
        description: "pyperformance bm_pickle TUPLE: ([20 ints], 60)",
        build: |_| {
            let mut b = Builder::new();
            let ints = TUPLE_INTS.iter().map(|&i| Value::Int(i)).collect();
            let ints = b.list(ints);
            let t = b.tuple(vec![ints, Value::Int(60)]);
            b.finish(t)
        },
    },
    Spec {
        name: "pyperf_dict_group",
        protocols: ALL,
        description: "pyperformance bm_pickle DICT_GROUP: 3 copies of DICT mutated \
                      (random.Random(5) replaced by a Weyl sequence)",
        build: |_| {
            let mut b = Builder::new();
            let g = b.pyperf_dict_group();
            b.finish(g)
        },
    },
    Spec {
        name: "pyperf_list",
        protocols: ALL,
        description: "pyperformance bm_pickle LIST: 10 x [range(10), range(10)]",
        build: |_| {
            let mut b = Builder::new();
            let outer = (0..10)
                .map(|_| {
                    let pair = vec![b.range_list(10), b.range_list(10)];
                    b.list(pair)
                })
                .collect();
            let l = b.list(outer);
            b.finish(l)
        },
    },
    Spec {
        name: "pyperf_micro_dict",
        protocols: ALL,
        description: "pyperformance bm_pickle MICRO_DICT: 100 dicts of dict.fromkeys(range(10))",
        build: |_| {
            let mut b = Builder::new();
            let pairs = (0..100)
                .map(|k| {
                    let inner = b.dict((0..10).map(|i| (Value::Int(i), Value::None)).collect());
                    (Value::Int(k), inner)
                })
                .collect();
            let d = b.dict(pairs);
            b.finish(d)
        },
    },
    Spec {
        name: "ints_1m",
        protocols: ALL,
        description: "list(range(1_000_000))",
        build: |sc| {
            let mut b = Builder::new();
            let l = b.range_list(n(1_000_000, sc));
            b.finish(l)
        },
    },
    Spec {
        name: "str_float_dict_100k",
        protocols: ALL,
        description: "{'key%d' % i: i * 0.5 for i in range(100_000)}",
        build: |sc| {
            let mut b = Builder::new();
            let pairs = (0..n(100_000, sc))
                .map(|i| (b.str(&format!("key{i}")), Value::Float(i as f64 * 0.5)))
                .collect();
            let d = b.dict(pairs);
            b.finish(d)
        },
    },
    Spec {
        name: "unicode_100k",
        protocols: ALL,
        description: "100,000 short non-ASCII strings ('%d-été-中文')",
        build: |sc| {
            let mut b = Builder::new();
            let items = (0..n(100_000, sc))
                .map(|i| b.str(&format!("{i}-\u{e9}t\u{e9}-\u{4e2d}\u{6587}")))
                .collect();
            let l = b.list(items);
            b.finish(l)
        },
    },
    Spec {
        name: "bytes_64m",
        protocols: ALL,
        description: "64 MiB bytes (protocol 2: _codecs.encode(str, 'latin1'))",
        build: |sc| {
            let mut b = Builder::new();
            let v = b.g.bytes(&big_bytes(sc));
            b.finish(v)
        },
    },
    Spec {
        name: "bytearray_64m",
        protocols: &[5],
        description: "64 MiB bytearray at protocol 5 (BYTEARRAY8, in band)",
        build: |sc| {
            let mut b = Builder::new();
            let v = b.g.value(Node::ByteArray(big_bytes(sc).into()));
            b.finish(v)
        },
    },
    Spec {
        name: "instances_100k",
        protocols: ALL,
        description: "100,000 pjfixtures.Plain(x=i, y=-i): NEWOBJ + BUILD",
        build: |sc| {
            let mut b = Builder::new();
            let cls = b.g.global("pjfixtures", "Plain");
            // the attribute names are the same two str objects in every instance's __dict__
            let (x, y) = (b.str("x"), b.str("y"));
            let items = (0..n(100_000, sc) as i64)
                .map(|i| {
                    let state = b.dict(vec![(x, Value::Int(i)), (y, Value::Int(-i))]);
                    b.newobj(cls, state)
                })
                .collect();
            let l = b.list(items);
            b.finish(l)
        },
    },
    Spec {
        name: "shared_graph",
        protocols: ALL,
        description: "100,000 tuples sharing 1,000 lists and 1,000 strings: memo-heavy",
        build: |sc| {
            let mut b = Builder::new();
            let leaves: Vec<Value> = (0..1000)
                .map(|i| {
                    let name = b.str(&format!("leaf{i}"));
                    b.list(vec![Value::Int(i), name])
                })
                .collect();
            let names: Vec<Value> = (0..1000).map(|i| b.str(&format!("n{i}"))).collect();
            let nodes = (0..n(100_000, sc))
                .map(|i| {
                    b.tuple(vec![
                        leaves[i % 1000],
                        leaves[(i * 7 + 3) % 1000],
                        names[(i * 13) % 1000],
                        Value::Int(i as i64),
                    ])
                })
                .collect();
            let (kl, kn) = (b.str("leaves"), b.str("nodes"));
            let (ll, ln) = (b.list(leaves), b.list(nodes));
            let d = b.dict(vec![(kl, ll), (kn, ln)]);
            b.finish(d)
        },
    },
    Spec {
        name: "numpy_like",
        protocols: ALL,
        description: "500 numpy-style float64 arrays of 512 (numpy 1.x reduce form, shared dtype)",
        build: numpy_like,
    },
];

/// The workload called `name`.
pub fn spec(name: &str) -> Option<&'static Spec> {
    SPECS.iter().find(|s| s.name == name)
}

/// `max(1, int(x * scale))`: a count at a scale.
pub fn n(x: usize, scale: f64) -> usize {
    ((x as f64 * scale) as usize).max(1)
}

/// The `i`-th value (from 1) of the sequence that stands in for `random.Random(5).random()`
/// in DICT_GROUP: the top 53 bits of `i × 0x9E3779B97F4A7C15 mod 2⁶⁴` (a Weyl sequence with
/// the golden-ratio increment) over 2⁵³, a float in [0, 1) that both Rust and Python
/// compute exactly: `(((i * 0x9E3779B97F4A7C15) % 2**64) >> 11) / 2**53`.
pub fn weyl(i: u64) -> f64 {
    (i.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 11) as f64 / (1u64 << 53) as f64
}

/// `float(sys.maxsize)` on a 64-bit CPython (2⁶³).
const MAXSIZE: f64 = i64::MAX as f64;

/// The graph under construction.
struct Builder {
    g: Graph,
}

impl Builder {
    fn new() -> Builder {
        Builder { g: Graph::new() }
    }

    fn finish(mut self, root: Value) -> Graph {
        self.g.set_root(root);
        self.g
    }

    fn str(&mut self, s: &str) -> Value {
        self.g.str(s)
    }

    fn list(&mut self, items: Vec<Value>) -> Value {
        self.g.value(Node::List(items))
    }

    fn tuple(&mut self, items: Vec<Value>) -> Value {
        self.g.value(Node::Tuple(items))
    }

    fn dict(&mut self, pairs: Vec<(Value, Value)>) -> Value {
        self.g.value(Node::Dict(pairs))
    }

    /// `list(range(count))`.
    fn range_list(&mut self, count: usize) -> Value {
        self.list((0..count as i64).map(Value::Int).collect())
    }

    /// `callable(*args)`, then `state` (BUILD).
    fn reduce(&mut self, callable: Value, args: Value, state: Option<Value>) -> Value {
        let mut r = Reduce::new(callable, args);
        r.state = state;
        self.g.value(Node::Reduce(Box::new(r)))
    }

    /// `cls.__new__(cls)` (NEWOBJ), then `state` (BUILD).
    fn newobj(&mut self, cls: Value, state: Value) -> Value {
        let mut o = Object::new(cls, None, None, ObjectForm::NewObj);
        o.state = Some(state);
        self.g.value(Node::Object(Box::new(o)))
    }

    /// DICT's keys: the same str objects in DICT and in every DICT_GROUP copy.
    fn dict_keys(&mut self) -> Vec<Value> {
        DICT_KEYS.iter().map(|k| self.str(k)).collect()
    }

    fn pyperf_dict(&mut self, keys: &[Value]) -> Value {
        let s = |b: &mut Builder, t: &str| b.str(t);
        // datetime.date(1980, 5, 7).__reduce__() == (date, (b'\x07\xbc\x05\x07',))
        let date_cls = self.g.global("datetime", "date");
        let payload = self.g.bytes(b"\x07\xbc\x05\x07");
        let date_args = self.tuple(vec![payload]);
        let date = self.reduce(date_cls, date_args, None);
        let tags = ["a", "b", "c", "d", "e", "f", "g"]
            .iter()
            .map(|t| s(self, t))
            .collect();
        let tags = self.list(tags);
        // '' is one object in CPython; the pickler memoizes every empty str as one
        let values: Vec<Value> = vec![
            Value::Int(0),
            Value::Int(18),
            date,
            Value::Int(0),
            Value::Int(0),
            s(self, "BR"),
            s(self, "G9urXXAJwjE"),
            Value::Int(9),
            s(self, ""),
            Value::Int(412317970704),
            Value::Int(0),
            s(self, "m"),
            s(self, "Male"),
            Value::Int(302935349),
            Value::Int(0),
            s(self, ""),
            s(self, "pt_BR"),
            Value::Int(0),
            tags,
            Value::Int(827119638),
            s(self, "Z_xxx2dYx3t4YAdnmfgyKw"),
            Value::Int(2),
            s(self, "201-19225-223"),
            s(self, "A"),
            Value::Int(1),
            Value::Int(1225237014),
            Value::Int(1233134493),
            Value::Int(0),
            s(self, "0"),
            s(self, "collinwinter"),
            Value::Int(9),
            Value::Int(7),
            s(self, ""),
        ];
        self.dict(keys.iter().copied().zip(values).collect())
    }

    /// `[mutate_dict(DICT, source) for _ in range(3)]`: every key is a str, so every value
    /// becomes `str(source.random() * sys.maxsize)`, with `source.random()` the next
    /// [`weyl`] value (1, 2, … 99 across the three copies).
    fn pyperf_dict_group(&mut self) -> Value {
        let keys = self.dict_keys();
        let mut i = 0u64;
        let copies = (0..3)
            .map(|_| {
                let pairs = keys
                    .iter()
                    .map(|&k| {
                        i += 1;
                        (k, self.str(&py_float_repr(weyl(i) * MAXSIZE)))
                    })
                    .collect();
                self.dict(pairs)
            })
            .collect();
        self.list(copies)
    }
}

fn big_bytes(scale: f64) -> Vec<u8> {
    let reps = n(256 * 1024, scale);
    let mut v = Vec::with_capacity(reps * 256);
    for _ in 0..reps {
        v.extend(0..=255u8);
    }
    v
}

const DICT_KEYS: [&str; 33] = [
    "ads_flags",
    "age",
    "birthday",
    "bulletin_count",
    "comment_count",
    "country",
    "encrypted_id",
    "favorite_count",
    "first_name",
    "flags",
    "friend_count",
    "gender",
    "gender_for_display",
    "id",
    "is_custom_profile_icon",
    "last_name",
    "locale_preference",
    "member",
    "tags",
    "profile_foo_id",
    "secure_encrypted_id",
    "session_number",
    "signup_id",
    "status",
    "theme",
    "time_created",
    "time_updated",
    "unread_message_count",
    "user_group",
    "username",
    "play_count",
    "view_count",
    "zip",
];

const TUPLE_INTS: [i64; 20] = [
    265867233, 265868503, 265252341, 265243910, 265879514, 266219766, 266021701, 265843726,
    265592821, 265246784, 265853180, 45526486, 265463699, 265848143, 265863062, 265392591,
    265877490, 265823665, 265828884, 265753032,
];

/// `[np_array(f8, (512,), raw_k) for k in range(500)]` as numpy 1.x pickles arrays:
/// `numpy.core.multiarray._reconstruct(numpy.ndarray, (0,), b'b')` then BUILD with
/// `(1, (512,), dtype('f8'), False, raw)`; one dtype object, and the constants `(0,)`,
/// `b'b'` and `(512,)` shared by every array (each array's argument and state tuples are
/// its own).
fn numpy_like(sc: f64) -> Graph {
    let mut b = Builder::new();
    let reconstruct = b.g.global("numpy.core.multiarray", "_reconstruct");
    let ndarray = b.g.global("numpy", "ndarray");
    let dtype_cls = b.g.global("numpy", "dtype");
    let f8 = b.str("f8");
    let dtype_args = b.tuple(vec![f8, Value::Bool(false), Value::Bool(true)]);
    let lt = b.str("<");
    let dtype_state = b.tuple(vec![
        Value::Int(3),
        lt,
        Value::None,
        Value::None,
        Value::None,
        Value::Int(-1),
        Value::Int(-1),
        Value::Int(0),
    ]);
    let dtype = b.reduce(dtype_cls, dtype_args, Some(dtype_state));
    let zero = b.tuple(vec![Value::Int(0)]);
    let bb = b.g.bytes(b"b");
    let shape = b.tuple(vec![Value::Int(512)]);
    let arrays = (0..n(500, sc))
        .map(|k| {
            let mut raw = Vec::with_capacity(512 * 8);
            for j in 0..512 {
                raw.extend_from_slice(&(k as f64 + j as f64 * 0.5).to_le_bytes());
            }
            let raw = b.g.bytes(&raw);
            let state = b.tuple(vec![Value::Int(1), shape, dtype, Value::Bool(false), raw]);
            let args = b.tuple(vec![ndarray, zero, bb]);
            b.reduce(reconstruct, args, Some(state))
        })
        .collect();
    let l = b.list(arrays);
    b.finish(l)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_weyl_sequence_is_what_python_computes() {
        // python3 -c "import sys; print([str((((i * 0x9E3779B97F4A7C15) % 2**64) >> 11)
        //     / 2**53 * sys.maxsize) for i in (1, 2, 99)])"
        let v: Vec<String> = [1, 2, 99]
            .iter()
            .map(|&i| py_float_repr(weyl(i) * MAXSIZE))
            .collect();
        assert_eq!(
            v,
            [
                "5.700357409661599e+18",
                "2.1773427824684227e+18",
                "1.7096893083570002e+18"
            ]
        );
    }

    #[test]
    fn names_are_unique_and_counts_scale_as_python_does() {
        for (i, s) in SPECS.iter().enumerate() {
            assert!(SPECS[..i].iter().all(|t| t.name != s.name), "{}", s.name);
            assert!(spec(s.name).is_some());
        }
        assert_eq!(n(1_000_000, 0.1), 100_000);
        assert_eq!(n(500, 0.001), 1);
    }
}
