//! The import log a [`Machine`](super::machine::Machine) keeps when asked
//! ([`Loader::load_with_imports`](super::Loader::load_with_imports)): the finds and calls
//! CPython would make (`crate::imports`), and what it needs to name them: which nodes a
//! find or a call made (CPython's stand-ins, `generators/pjimports.py`).

use rustc_hash::FxHashMap;

use crate::imports::{ImportEvent, Via};
use crate::value::{Graph, Node, NodeId, Value};

/// Where a node came from, for the events that involve it.
#[derive(Clone, Copy, Debug)]
enum Origin {
    /// A find made it: the index of that event.
    Found(usize),
    /// A call made it: the index of that event.
    Made(usize),
}

/// The events of one load, and the bookkeeping that names them.
#[derive(Debug, Default)]
pub(crate) struct Recorder {
    pub(crate) events: Vec<ImportEvent>,
    /// The nodes a find or a call made: those CPython's unpickler would hand to class code.
    origins: FxHashMap<NodeId, Origin>,
    /// EXT code → its find (copyreg caches what the first lookup returned).
    ext: FxHashMap<i64, usize>,
    /// A `__setstate__` attribute a BUILD's state put on the object.
    setstate: FxHashMap<NodeId, Value>,
}

impl Recorder {
    /// `find_class(module, name)` returned `v`.
    pub(crate) fn find(&mut self, v: Value, module: &str, name: &str) {
        self.events.push(ImportEvent::Find {
            module: module.to_owned(),
            name: name.to_owned(),
        });
        if let Value::Node(id) = v {
            self.origins
                .insert(id, Origin::Found(self.events.len() - 1));
        }
    }

    /// An EXT opcode of `code` pushed `v`; `names` gives the lookup the first time.
    pub(crate) fn extension(
        &mut self,
        v: Value,
        code: i64,
        names: impl FnOnce() -> (String, String),
    ) {
        let i = match self.ext.get(&code) {
            Some(&i) => i,
            None => {
                let (module, name) = names();
                self.events.push(ImportEvent::Find { module, name });
                let i = self.events.len() - 1;
                self.ext.insert(code, i);
                i
            }
        };
        if let Value::Node(id) = v {
            self.origins.insert(id, Origin::Found(i));
        }
    }

    /// The names of `v` when a find made it.
    fn found(&self, v: Value) -> Option<(String, String)> {
        let Value::Node(id) = v else { return None };
        match self.origins.get(&id)? {
            Origin::Found(i) => match &self.events[*i] {
                ImportEvent::Find { module, name } => Some((module.clone(), name.clone())),
                ImportEvent::Call { .. } => None,
            },
            Origin::Made(_) => None,
        }
    }

    fn is_stand_in(&self, v: Value) -> bool {
        matches!(v, Value::Node(id) if self.origins.contains_key(&id))
    }

    /// `callable` was called `via` this opcode; returns the event, when it is one (only
    /// what a find or a call made is called: anything else CPython refuses).
    pub(crate) fn call(&mut self, callable: Value, via: Via) -> Option<usize> {
        if !self.is_stand_in(callable) {
            return None;
        }
        let callee = self.found(callable);
        self.events.push(ImportEvent::Call { callee, via });
        Some(self.events.len() - 1)
    }

    /// The call `event` returned `v`.
    pub(crate) fn made(&mut self, v: Value, event: usize) {
        if let Value::Node(id) = v {
            self.origins.insert(id, Origin::Made(event));
        }
    }

    /// The unpickler's `persistent_load` was called.
    pub(crate) fn persistent_load(&mut self) {
        self.events.push(ImportEvent::Call {
            callee: None,
            via: Via::PersistentLoad,
        });
    }

    /// BUILD gave `state` to `target`.
    pub(crate) fn build(&mut self, graph: &Graph, target: Value, state: Value) {
        let Value::Node(id) = target else { return };
        let Some(&origin) = self.origins.get(&id) else {
            return;
        };
        if let Some(&over) = self.setstate.get(&id) {
            // A __setstate__ attribute an earlier BUILD set: that is what is called.
            let callee = self.found(over);
            self.events.push(ImportEvent::Call {
                callee,
                via: Via::SetState,
            });
            return;
        }
        let callee = match origin {
            Origin::Made(e) => match &self.events[e] {
                ImportEvent::Call {
                    callee: Some(names),
                    via,
                } if via.instantiates() => Some(names.clone()),
                _ => None,
            },
            Origin::Found(_) => None,
        };
        self.events.push(ImportEvent::Call {
            callee,
            via: Via::SetState,
        });
        // What a BUILD without __setstate__ leaves on the object.
        if let Some(v) = setstate_attribute(graph, state) {
            self.setstate.insert(id, v);
        }
    }
}

/// The value of a `'__setstate__'` key of a dict state, or of the dict or slot state of a
/// `(state, slotstate)` pair (the slot state is applied last).
fn setstate_attribute(graph: &Graph, state: Value) -> Option<Value> {
    let parts: &[Value] = match graph.deref(state) {
        Some(Node::Tuple(items)) if items.len() == 2 => items,
        _ => std::slice::from_ref(&state),
    };
    let mut found = None;
    for &part in parts {
        if let Some(Node::Dict(pairs)) = graph.deref(part) {
            for &(k, v) in pairs {
                if graph.as_str(k) == Some("__setstate__") {
                    found = Some(v);
                }
            }
        }
    }
    found
}
