//! Reading values out of a loaded graph, and finding the ids of its nodes.

use picklejar_codec::{Graph, Node, NodeId, Value};

/// A `str`, or ASCII `bytes` (what a Python 2 `str` becomes with `encoding="bytes"`).
pub(crate) fn text(g: &Graph, v: Value) -> Option<String> {
    match g.deref(v)? {
        Node::Str { text, .. } => text.as_str().map(str::to_owned),
        Node::Bytes { data, .. } if data.is_ascii() => {
            Some(data.iter().map(|&b| char::from(b)).collect())
        }
        _ => None,
    }
}

/// An int that fits in `i64` (a bool is not one).
pub(crate) fn int(v: Value) -> Option<i64> {
    match v {
        Value::Int(i) => Some(i),
        _ => None,
    }
}

/// `module.name` of a global.
pub(crate) fn global(g: &Graph, v: Value) -> Option<(String, String)> {
    g.as_global(v)
        .map(|gl| (gl.module.clone(), gl.name.clone()))
}

/// The values a node refers to.
fn children(n: &Node, out: &mut Vec<Value>) {
    match n {
        Node::List(v) | Node::Tuple(v) | Node::Set(v) | Node::FrozenSet(v) => {
            out.extend_from_slice(v)
        }
        Node::Dict(p) => pairs(p, out),
        Node::Object(o) => {
            out.push(o.class);
            out.extend(o.args);
            out.extend(o.kwargs);
            built(o.state, &o.items, &o.dictitems, o.setter, out);
        }
        Node::Reduce(r) => {
            out.extend([r.callable, r.args]);
            built(r.state, &r.items, &r.dictitems, r.setter, out);
        }
        Node::PersId(v) => out.push(*v),
        Node::Int(_)
        | Node::Str { .. }
        | Node::Bytes { .. }
        | Node::ByteArray(_)
        | Node::Global(_)
        | Node::Buffer { .. } => {}
    }
}

fn pairs(p: &[(Value, Value)], out: &mut Vec<Value>) {
    out.extend(p.iter().flat_map(|&(k, v)| [k, v]));
}

/// What BUILD, APPENDS and SETITEMS gave an object or a reduction.
fn built(
    state: Option<Value>,
    items: &[Value],
    dictitems: &[(Value, Value)],
    setter: Option<Value>,
    out: &mut Vec<Value>,
) {
    out.extend(state);
    out.extend_from_slice(items);
    pairs(dictitems, out);
    out.extend(setter);
}

/// The id of every node reachable from the root, by node index (`None` for nodes the
/// root does not reach). Iterative: no recursion on deep graphs.
pub(crate) fn reachable(g: &Graph) -> Vec<Option<NodeId>> {
    let mut ids: Vec<Option<NodeId>> = vec![None; g.nodes().len()];
    let mut todo = vec![g.root()];
    let mut kids = Vec::new();
    while let Some(v) = todo.pop() {
        let Value::Node(id) = v else { continue };
        let Some(slot) = ids.get_mut(id.index()) else {
            continue;
        };
        if slot.is_some() {
            continue;
        }
        *slot = Some(id);
        if let Some(n) = g.get(id) {
            kids.clear();
            children(n, &mut kids);
            todo.extend_from_slice(&kids);
        }
    }
    ids
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reachable_skips_unreachable_nodes() {
        let mut g = Graph::new();
        let a = g.str("a");
        let _orphan = g.str("b");
        let t = g.value(Node::Tuple(vec![a, a, Value::Int(1)]));
        g.set_root(t);
        let ids = reachable(&g);
        assert_eq!(ids.iter().filter(|x| x.is_some()).count(), 2);
        assert!(ids[1].is_none());
        assert_eq!(text(&g, a).as_deref(), Some("a"));
        assert_eq!(int(Value::Int(3)), Some(3));
        assert_eq!(int(Value::Bool(true)), None);
    }
}
