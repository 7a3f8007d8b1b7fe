//! The workloads built in Rust, for machines without CPython: the same objects
//! `generators/bench_cpython.py` builds (pyperformance's data seeded as pyperformance seeds
//! it, with CPython's Mersenne Twister), pickled by [`crate::pywriter`] the way CPython's C
//! pickler pickles them. A test checks the bytes against CPython's when it is installed.

use std::rc::Rc;

use picklejar_codec::canon::py_float_repr;

use crate::pywriter::{Obj, dict, global, global_with, list, newobj, reduce, s, tuple};

/// One workload: name, the protocols it is written at, a description, and its object.
pub struct Spec {
    /// File-name stem.
    pub name: &'static str,
    /// Protocols it is written at.
    pub protocols: &'static [u8],
    /// One line (the same as bench_cpython.py's).
    pub description: &'static str,
    /// Builds the object at a scale (1.0 = full size).
    pub build: fn(f64) -> Obj,
}

const ALL: &[u8] = &[2, 4, 5];

/// Every workload, in the order bench_cpython.py lists them.
pub const SPECS: &[Spec] = &[
    Spec {
        name: "pyperf_dict",
        protocols: ALL,
        description: "pyperformance bm_pickle DICT: a 33-key user-profile dict",
        build: |_| pyperf_dict(&DictKeys::new()),
    },
    Spec {
        name: "pyperf_tuple",
        protocols: ALL,
        description: "pyperformance bm_pickle TUPLE: ([20 ints], 60)",
        build: |_| pyperf_tuple(),
    },
    Spec {
        name: "pyperf_dict_group",
        protocols: ALL,
        description: "pyperformance bm_pickle DICT_GROUP: 3 copies of DICT mutated with random.Random(5)",
        build: |_| pyperf_dict_group(),
    },
    Spec {
        name: "pyperf_list",
        protocols: ALL,
        description: "pyperformance bm_pickle LIST: 10 x [range(10), range(10)]",
        build: |_| {
            let range10 = || list((0..10).map(Obj::Int).collect());
            list((0..10).map(|_| list(vec![range10(), range10()])).collect())
        },
    },
    Spec {
        name: "pyperf_micro_dict",
        protocols: ALL,
        description: "pyperformance bm_pickle MICRO_DICT: 100 dicts of dict.fromkeys(range(10))",
        build: |_| {
            dict(
                (0..100)
                    .map(|k| {
                        (
                            Obj::Int(k),
                            dict((0..10).map(|i| (Obj::Int(i), Obj::None)).collect()),
                        )
                    })
                    .collect(),
            )
        },
    },
    Spec {
        name: "ints_1m",
        protocols: ALL,
        description: "list(range(1_000_000))",
        build: |sc| list((0..n(1_000_000, sc) as i64).map(Obj::Int).collect()),
    },
    Spec {
        name: "str_float_dict_100k",
        protocols: ALL,
        description: "{'key%d' % i: i * 0.5 for i in range(100_000)}",
        build: |sc| {
            dict(
                (0..n(100_000, sc))
                    .map(|i| (s(&format!("key{i}")), Obj::Float(i as f64 * 0.5)))
                    .collect(),
            )
        },
    },
    Spec {
        name: "unicode_100k",
        protocols: ALL,
        description: "100,000 short non-ASCII strings ('%d-été-中文')",
        build: |sc| {
            list(
                (0..n(100_000, sc))
                    .map(|i| s(&format!("{i}-\u{e9}t\u{e9}-\u{4e2d}\u{6587}")))
                    .collect(),
            )
        },
    },
    Spec {
        name: "bytes_64m",
        protocols: ALL,
        description: "64 MiB bytes (protocol 2: _codecs.encode(str, 'latin1'))",
        build: |sc| Obj::Bytes(Rc::from(big_bytes(sc))),
    },
    Spec {
        name: "bytearray_64m",
        protocols: &[5],
        description: "64 MiB bytearray at protocol 5 (BYTEARRAY8, in band)",
        build: |sc| Obj::ByteArray(Rc::from(big_bytes(sc))),
    },
    Spec {
        name: "instances_100k",
        protocols: ALL,
        description: "100,000 pjfixtures.Plain(x=i, y=-i): NEWOBJ + BUILD",
        build: |sc| {
            let cls = global("pjfixtures", "Plain");
            let (x, y) = (s("x"), s("y"));
            list(
                (0..n(100_000, sc) as i64)
                    .map(|i| {
                        let state = dict(vec![(x.clone(), Obj::Int(i)), (y.clone(), Obj::Int(-i))]);
                        newobj(cls.clone(), tuple(vec![]), Some(state))
                    })
                    .collect(),
            )
        },
    },
    Spec {
        name: "shared_graph",
        protocols: ALL,
        description: "100,000 tuples sharing 1,000 lists and 1,000 strings: memo-heavy",
        build: |sc| {
            let leaves: Vec<Obj> = (0..1000)
                .map(|i| list(vec![Obj::Int(i), s(&format!("leaf{i}"))]))
                .collect();
            let names: Vec<Obj> = (0..1000).map(|i| s(&format!("n{i}"))).collect();
            let nodes = (0..n(100_000, sc))
                .map(|i| {
                    tuple(vec![
                        leaves[i % 1000].clone(),
                        leaves[(i * 7 + 3) % 1000].clone(),
                        names[(i * 13) % 1000].clone(),
                        Obj::Int(i as i64),
                    ])
                })
                .collect();
            dict(vec![(s("leaves"), list(leaves)), (s("nodes"), list(nodes))])
        },
    },
    Spec {
        name: "numpy_like",
        protocols: ALL,
        description: "500 numpy-style float64 arrays of 512 (numpy 1.x reduce form, shared dtype)",
        build: numpy_like,
    },
];

/// `max(1, int(x * scale))`, as bench_cpython.py scales counts.
fn n(x: usize, scale: f64) -> usize {
    ((x as f64 * scale) as usize).max(1)
}

fn big_bytes(scale: f64) -> Vec<u8> {
    let reps = n(256 * 1024, scale);
    let mut v = Vec::with_capacity(reps * 256);
    for _ in 0..reps {
        v.extend(0..=255u8);
    }
    v
}

/// DICT's keys (the same str objects in DICT and in every DICT_GROUP copy).
struct DictKeys(Vec<Obj>);

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

impl DictKeys {
    fn new() -> DictKeys {
        DictKeys(DICT_KEYS.iter().map(|k| s(k)).collect())
    }
}

fn pyperf_dict(keys: &DictKeys) -> Obj {
    let empty = s(""); // CPython's empty string is a singleton
    let date = reduce(
        global("datetime", "date"),
        tuple(vec![Obj::Bytes(Rc::from(&b"\x07\xbc\x05\x07"[..]))]),
        None,
    );
    let tags = list(
        ["a", "b", "c", "d", "e", "f", "g"]
            .iter()
            .map(|t| s(t))
            .collect(),
    );
    let values: Vec<Obj> = vec![
        Obj::Int(0),
        Obj::Int(18),
        date,
        Obj::Int(0),
        Obj::Int(0),
        s("BR"),
        s("G9urXXAJwjE"),
        Obj::Int(9),
        empty.clone(),
        Obj::Int(412317970704),
        Obj::Int(0),
        s("m"),
        s("Male"),
        Obj::Int(302935349),
        Obj::Int(0),
        empty.clone(),
        s("pt_BR"),
        Obj::Int(0),
        tags,
        Obj::Int(827119638),
        s("Z_xxx2dYx3t4YAdnmfgyKw"),
        Obj::Int(2),
        s("201-19225-223"),
        s("A"),
        Obj::Int(1),
        Obj::Int(1225237014),
        Obj::Int(1233134493),
        Obj::Int(0),
        s("0"),
        s("collinwinter"),
        Obj::Int(9),
        Obj::Int(7),
        empty,
    ];
    dict(keys.0.iter().cloned().zip(values).collect())
}

fn pyperf_tuple() -> Obj {
    let ints: [i64; 20] = [
        265867233, 265868503, 265252341, 265243910, 265879514, 266219766, 266021701, 265843726,
        265592821, 265246784, 265853180, 45526486, 265463699, 265848143, 265863062, 265392591,
        265877490, 265823665, 265828884, 265753032,
    ];
    tuple(vec![
        list(ints.iter().map(|&i| Obj::Int(i)).collect()),
        Obj::Int(60),
    ])
}

/// `[mutate_dict(DICT, random.Random(5)) for _ in range(3)]`: every key is a str, so every
/// value becomes `str(random() * sys.maxsize)`.
fn pyperf_dict_group() -> Obj {
    let keys = DictKeys::new();
    let mut rng = Mt19937::seed_python_int(5);
    let maxsize = i64::MAX as f64; // float(sys.maxsize) on 64-bit CPython
    list(
        (0..3)
            .map(|_| {
                dict(
                    keys.0
                        .iter()
                        .map(|k| (k.clone(), s(&py_float_repr(rng.random() * maxsize))))
                        .collect(),
                )
            })
            .collect(),
    )
}

fn numpy_like(sc: f64) -> Obj {
    let numpy = s("numpy");
    let reconstruct = global("numpy.core.multiarray", "_reconstruct");
    let ndarray = global_with(numpy.clone(), s("ndarray"));
    let dtype_cls = global_with(numpy, s("dtype"));
    let f8 = reduce(
        dtype_cls,
        tuple(vec![s("f8"), Obj::Bool(false), Obj::Bool(true)]),
        Some(tuple(vec![
            Obj::Int(3),
            s("<"),
            Obj::None,
            Obj::None,
            Obj::None,
            Obj::Int(-1),
            Obj::Int(-1),
            Obj::Int(0),
        ])),
    );
    let zero = tuple(vec![Obj::Int(0)]); // the constant (0,)
    let b = Obj::Bytes(Rc::from(&b"b"[..])); // the constant b'b'
    let shape = tuple(vec![Obj::Int(512)]); // the constant (512,)
    list(
        (0..n(500, sc))
            .map(|k| {
                let mut raw = Vec::with_capacity(512 * 8);
                for j in 0..512 {
                    raw.extend_from_slice(&(k as f64 + j as f64 * 0.5).to_le_bytes());
                }
                let state = tuple(vec![
                    Obj::Int(1),
                    shape.clone(),
                    f8.clone(),
                    Obj::Bool(false),
                    Obj::Bytes(Rc::from(raw)),
                ]);
                reduce(
                    reconstruct.clone(),
                    tuple(vec![ndarray.clone(), zero.clone(), b.clone()]),
                    Some(state),
                )
            })
            .collect(),
    )
}

/// CPython's `random.Random` core: MT19937 seeded from an int with `init_by_array`.
pub struct Mt19937 {
    mt: [u32; 624],
    i: usize,
}

impl Mt19937 {
    fn init_genrand(s: u32) -> Mt19937 {
        let mut mt = [0u32; 624];
        mt[0] = s;
        for i in 1..624 {
            mt[i] = 1812433253u32
                .wrapping_mul(mt[i - 1] ^ (mt[i - 1] >> 30))
                .wrapping_add(i as u32);
        }
        Mt19937 { mt, i: 624 }
    }

    /// `random.seed(n)` for a non-negative int that fits in 32 bits.
    pub fn seed_python_int(n: u32) -> Mt19937 {
        let key = [n];
        let mut r = Mt19937::init_genrand(19650218);
        let (mut i, mut j) = (1usize, 0usize);
        for _ in 0..624.max(key.len()) {
            r.mt[i] = (r.mt[i] ^ (r.mt[i - 1] ^ (r.mt[i - 1] >> 30)).wrapping_mul(1664525))
                .wrapping_add(key[j])
                .wrapping_add(j as u32);
            i += 1;
            j += 1;
            if i >= 624 {
                r.mt[0] = r.mt[623];
                i = 1;
            }
            if j >= key.len() {
                j = 0;
            }
        }
        for _ in 0..623 {
            r.mt[i] = (r.mt[i] ^ (r.mt[i - 1] ^ (r.mt[i - 1] >> 30)).wrapping_mul(1566083941))
                .wrapping_sub(i as u32);
            i += 1;
            if i >= 624 {
                r.mt[0] = r.mt[623];
                i = 1;
            }
        }
        r.mt[0] = 0x8000_0000;
        r
    }

    fn genrand_u32(&mut self) -> u32 {
        if self.i >= 624 {
            for k in 0..624 {
                let y = (self.mt[k] & 0x8000_0000) | (self.mt[(k + 1) % 624] & 0x7fff_ffff);
                let mut v = self.mt[(k + 397) % 624] ^ (y >> 1);
                if y & 1 != 0 {
                    v ^= 0x9908_b0df;
                }
                self.mt[k] = v;
            }
            self.i = 0;
        }
        let mut y = self.mt[self.i];
        self.i += 1;
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c_5680;
        y ^= (y << 15) & 0xefc6_0000;
        y ^ (y >> 18)
    }

    /// `random.random()`: 53 random bits in [0, 1).
    pub fn random(&mut self) -> f64 {
        let a = self.genrand_u32() >> 5;
        let b = self.genrand_u32() >> 6;
        (f64::from(a) * 67108864.0 + f64::from(b)) * (1.0 / 9007199254740992.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mersenne_twister_matches_cpython() {
        // python3 -c "import random; r = random.Random(5); print([r.random() for _ in range(3)])"
        let mut r = Mt19937::seed_python_int(5);
        assert_eq!(py_float_repr(r.random()), "0.6229016948897019");
        assert_eq!(py_float_repr(r.random()), "0.7417869892607294");
        assert_eq!(py_float_repr(r.random()), "0.7951935655656966");
    }
}
