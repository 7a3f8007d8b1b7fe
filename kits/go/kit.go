// Package kit is the picklejar kit for Go: adapter protocol 2 in worker mode, and the loose canon of
// protocol 2 (docs/ADAPTERS.md, docs/CANON.md) of Go values. Use: kits/README.md, testadapter/.
package kit

import (
	"encoding/json"
	"fmt"
	"math/big"
	"os"
	"reflect"
)

type (
	Seq struct { // a tuple, set or frozenset (T), in any order; []any is a list
		T string
		V []any
	}
	ByteArray []byte
	Dict      []Pair // a dict in its order; a Go map is a dict in Go's order (dict-unordered)
	Pair      struct{ K, V any }
	Global    struct{ Module, Name string }
	Raw       string   // canon JSON written as it is (a persid, a buffer, …)
	Object    struct { // Class.__new__(Class, *Args, **Kwargs), or Class(*Args) when Reduce is set
		Class, State, Setter any
		Args, Items          []any
		Kwargs, DictItems    []Pair
		Reduce               bool
	}
	Reject  struct{ Kind, Message string } // a clean rejection (docs/CANON.md section 10)
	Options map[string]any                 // protocol, encoding, …; "buffers": [][]byte
	node    = map[string]any
	writer  map[any]int // identity (a pointer, a map) -> its anchor
)

func (r *Reject) Error() string { return r.Kind + ": " + r.Message }

func escapeBytes(bs []byte) string { // section 5
	s := []byte{}
	for _, c := range bs {
		if c >= 0x20 && c < 0x7f && c != '\\' {
			s = append(s, c)
		} else {
			s = fmt.Appendf(s, `\x%02x`, c)
		}
	}
	return string(s)
}

func each[T any](xs []T, f func(T) any) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = f(x)
	}
	return out
}

func (w writer) pair(p Pair) any { return []any{w.node(p.K), w.node(p.V)} }

func (w writer) node(x any) (out any) {
	switch v := x.(type) {
	case nil:
		return node{"t": "none"}
	case bool:
		return node{"t": "bool", "v": v}
	case int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64, *big.Int:
		return node{"t": "int", "v": fmt.Sprint(v)}
	case float64: // any spelling that reads back as the same double: the runner respells it
		return node{"t": "float", "v": fmt.Sprint(v)}
	case string: // as hex, so that invalid UTF-8 (a lone surrogate's surrogatepass UTF-8) survives: section 4
		return node{"t": "str", "hex": fmt.Sprintf("%x", v)}
	case []byte:
		return node{"t": "bytes", "v": escapeBytes(v)}
	case Global:
		return node{"t": "global", "module": v.Module, "name": v.Name}
	case Raw:
		return json.RawMessage(v)
	case []any:
		return node{"t": "list", "v": each(v, w.node)}
	case Seq: // sets in any order: the runner sorts them (section 6)
		return node{"t": v.T, "v": each(v.V, w.node)}
	case ByteArray:
		return node{"t": "bytearray", "v": escapeBytes(v)}
	case Dict:
		return node{"t": "dict", "v": each(v, w.pair)}
	case Object: // section 7, members in this order (the runner drops empty ones)
		n := node{"t": "reduce", "callable": w.node(v.Class), "args": each(v.Args, w.node)}
		if !v.Reduce {
			n = node{"t": "object", "class": n["callable"], "args": n["args"], "kwargs": each(v.Kwargs, w.pair)}
		}
		n["state"], n["items"], n["dictitems"] = w.node(v.State), each(v.Items, w.node), each(v.DictItems, w.pair)
		if v.Setter != nil {
			n["setter"] = w.node(v.Setter)
		}
		return n
	}
	r, key := reflect.ValueOf(x), x // a pointer or a map: an id at its first visit, a ref after (section 8)
	if r.Kind() == reflect.Map {
		key = r.Pointer()
	} else if r.Kind() != reflect.Pointer || r.IsNil() {
		panic(fmt.Sprintf("no canon for %T: use the kit's Object, Global, Seq, Raw or containers", x))
	}
	if id, seen := w[key]; seen {
		return node{"t": "ref", "v": id}
	}
	w[key] = len(w) + 1
	defer func() { out.(node)["id"] = w[key] }()
	if r.Kind() == reflect.Pointer {
		return w.node(r.Elem().Interface())
	}
	d := Dict{} // in Go's order
	for it := r.MapRange(); it.Next(); {
		d = append(d, Pair{it.Key().Interface(), it.Value().Interface()})
	}
	return w.node(d)
}

// Answer runs one request: a *Reject rejects, other errors and panics are crashes, an unwritable value an adapter error.
func Answer(load func([]byte, Options) (any, error), data []byte, o Options) (reply node) {
	stage, why := "crash", "panic: "
	defer func() {
		if p := recover(); p != nil {
			reply = node{stage: fmt.Sprint(why, p)}
		}
	}()
	value, err := load(data, o)
	if r, ok := err.(*Reject); ok {
		return node{"error": r.Kind, "message": r.Message}
	} else if err != nil {
		return node{"crash": err.Error()}
	}
	stage, why = "adapter_error", "cannot write canon: "
	return node{"value": writer{}.node(value)}
}

// Serve answers the runner's requests, one per line (manifest: mode: worker), until stdin ends.
func Serve(load func([]byte, Options) (any, error)) {
	in, out := json.NewDecoder(os.Stdin), json.NewEncoder(os.Stdout)
	for in.More() {
		var req struct {
			Data    []byte // base64, decoded by encoding/json
			Options Options
			Buffers [][]byte
		}
		if in.Decode(&req) != nil {
			return // not a request: the runner sees the worker end and starts a fresh one
		}
		req.Options["buffers"] = req.Buffers
		out.Encode(Answer(load, req.Data, req.Options)) // one line
	}
}
