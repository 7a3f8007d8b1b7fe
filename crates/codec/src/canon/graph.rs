//! Canon → graph: build the value graph a canon tree describes (for dumping values given as
//! canon JSON). Anchors become shared nodes, refs point back at them.

use std::collections::HashMap;

use num_bigint::BigInt;

use super::{Canon, Pair};
use crate::error::{Error, ErrorKind, Result};
use crate::value::{Global, Graph, Node, NodeId, Object, ObjectForm, Reduce, Value};

fn bad(msg: impl Into<String>) -> Error {
    Error::new(ErrorKind::BadCanon, msg)
}

impl Canon {
    /// The graph this canon describes: each anchor one node, each `ref` that node.
    /// Objects are given the NEWOBJ form; `float` text is parsed back to its value.
    ///
    /// ```
    /// use picklejar_codec::{Canon, DumpOptions, Profile, dump, to_canon};
    ///
    /// let c = Canon::from_json(r#"{"t":"list","id":1,"v":[{"t":"ref","v":1}]}"#)?;
    /// let g = c.to_graph()?;
    /// assert_eq!(to_canon(&g)?, c);
    /// // l = []; l.append(l); pickle.dumps(l, 2)
    /// assert_eq!(dump(&g, 2, &DumpOptions::new(Profile::Py38))?.bytes, b"\x80\x02]q\x00h\x00a.");
    /// # Ok::<(), picklejar_codec::Error>(())
    /// ```
    pub fn to_graph(&self) -> Result<Graph> {
        let mut b = Build {
            g: Graph::new(),
            anchors: HashMap::new(),
        };
        let root = b.value(self)?;
        b.g.set_root(root);
        Ok(b.g)
    }
}

struct Build {
    g: Graph,
    anchors: HashMap<u32, NodeId>,
}

impl Build {
    fn value(&mut self, c: &Canon) -> Result<Value> {
        super::grow(|| self.value_inner(c))
    }

    fn node(&mut self, n: Node) -> Value {
        Value::Node(self.g.push_node(n))
    }

    fn values(&mut self, v: &[Canon]) -> Result<Vec<Value>> {
        v.iter().map(|c| self.value(c)).collect()
    }

    fn pairs(&mut self, p: &[Pair]) -> Result<Vec<(Value, Value)>> {
        p.iter()
            .map(|(k, v)| Ok((self.value(k)?, self.value(v)?)))
            .collect()
    }

    fn value_inner(&mut self, c: &Canon) -> Result<Value> {
        Ok(match c {
            Canon::None => Value::None,
            Canon::Bool(b) => Value::Bool(*b),
            Canon::Int(s) => {
                let i: BigInt = super::bigint::from_canon_text(s)
                    .ok_or_else(|| bad(format!("bad int {s:?}")))?;
                match i64::try_from(&i) {
                    Ok(v) => Value::Int(v),
                    Err(_) => self.node(Node::Int(Box::new(i))),
                }
            }
            Canon::Float(s) => Value::Float(match s.as_str() {
                "nan" => f64::NAN,
                "inf" => f64::INFINITY,
                "-inf" => f64::NEG_INFINITY,
                _ => s.parse().map_err(|_| bad(format!("bad float {s:?}")))?,
            }),
            Canon::Str(t) => self.node(Node::Str {
                text: t.clone(),
                py2: false,
            }),
            Canon::Bytes(b) => self.node(Node::Bytes {
                data: b.clone().into(),
                py2: false,
            }),
            Canon::ByteArray(b) => self.node(Node::ByteArray(b.as_slice().into())),
            Canon::List(v) => {
                let items = self.values(v)?;
                self.node(Node::List(items))
            }
            Canon::Tuple(v) => {
                let items = self.values(v)?;
                self.node(Node::Tuple(items))
            }
            Canon::Set(v) => {
                let items = self.values(v)?;
                self.node(Node::Set(items))
            }
            Canon::FrozenSet(v) => {
                let items = self.values(v)?;
                self.node(Node::FrozenSet(items))
            }
            Canon::Dict(p) => {
                let pairs = self.pairs(p)?;
                self.node(Node::Dict(pairs))
            }
            Canon::Global { module, name } => self.node(Node::Global(Box::new(Global::new(
                module.clone(),
                name.clone(),
            )))),
            Canon::Object(o) => {
                let class = self.value(&o.class)?;
                let args = if o.args.is_empty() {
                    None
                } else {
                    let a = self.values(&o.args)?;
                    Some(self.node(Node::Tuple(a)))
                };
                let kwargs = if o.kwargs.is_empty() {
                    None
                } else {
                    let p = self.pairs(&o.kwargs)?;
                    Some(self.node(Node::Dict(p)))
                };
                let state = o.state.as_ref().map(|s| self.value(s)).transpose()?;
                let items = self.values(&o.items)?;
                let dictitems = self.pairs(&o.dictitems)?;
                let setter = o.setter.as_ref().map(|s| self.value(s)).transpose()?;
                let form = if kwargs.is_some() {
                    ObjectForm::NewObjEx
                } else {
                    ObjectForm::NewObj
                };
                self.node(Node::Object(Box::new(Object {
                    class,
                    args,
                    kwargs,
                    state,
                    items,
                    dictitems,
                    setter,
                    form,
                })))
            }
            Canon::Reduce(r) => {
                let callable = self.value(&r.callable)?;
                let a = self.values(&r.args)?;
                let args = self.node(Node::Tuple(a));
                let state = r.state.as_ref().map(|s| self.value(s)).transpose()?;
                let items = self.values(&r.items)?;
                let dictitems = self.pairs(&r.dictitems)?;
                let setter = r.setter.as_ref().map(|s| self.value(s)).transpose()?;
                self.node(Node::Reduce(Box::new(Reduce {
                    state,
                    items,
                    dictitems,
                    setter,
                    ..Reduce::new(callable, args)
                })))
            }
            Canon::PersId(v) => {
                let pid = self.value(v)?;
                self.node(Node::PersId(pid))
            }
            Canon::Buffer {
                index,
                readonly,
                data,
            } => self.node(Node::Buffer {
                index: *index as usize,
                readonly: *readonly,
                data: data.as_ref().map(|d| d.clone().into()),
            }),
            Canon::Ref(a) => match self.anchors.get(a) {
                Some(&id) => Value::Node(id),
                None => return Err(bad(format!("ref #{a} before its anchor"))),
            },
            Canon::Anchor(a, inner) => {
                // Reserve the node first so refs inside it (cycles) resolve to it.
                let id = self.g.push_node(Node::List(Vec::new()));
                self.anchors.insert(*a, id);
                let v = self.value(inner)?;
                let Value::Node(built) = v else {
                    return Err(bad(format!("anchor #{a} on a scalar")));
                };
                let node = std::mem::replace(self.g.node_mut(built), Node::List(Vec::new()));
                *self.g.node_mut(id) = node;
                Value::Node(id)
            }
        })
    }
}
