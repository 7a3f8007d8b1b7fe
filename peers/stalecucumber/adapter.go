// Command adapter is the picklejar adapter (protocol 2, worker, raw output) for stalecucumber
// (github.com/hydrogen18/stalecucumber, Debian's 0.0~git20180226.6de214d), with the Go kit.
//
// stalecucumber resolves REDUCE (and BUILD after INST) through a PythonResolver; its own
// PythonBuiltinResolver knows __builtin__.set and __builtin__.bytearray. Every other global gets
// an inert stand-in (as in examples/adapters/dataonly): the call, written as a reduction.
package main

import (
	"math/big"
	"reflect"
	"runtime"
	"strings"
	"unicode/utf8"

	sc "github.com/hydrogen18/stalecucumber"
	kit "picklejar.invalid/kit"
)

// call is what the stand-in resolver returns: module.name(*Args) for REDUCE; for BUILD after
// INST, stalecucumber passes INST's arguments followed by the state.
type call struct {
	Module, Name string
	Args         []any
	Build        bool
}

type standins struct{}

func (standins) Resolve(module, name string, args []any) (any, error) {
	if module == "" || name == "" { // no name Python could import
		return nil, sc.ErrUnresolvablePythonGlobal
	}
	pcs := make([]uintptr, 8)
	frames := runtime.CallersFrames(pcs[:runtime.Callers(2, pcs)])
	build := false
	for f, more := frames.Next(); more && !build; f, more = frames.Next() {
		build = strings.HasSuffix(f.Function, ".opcode_BUILD")
	}
	return &call{module, name, args, build}, nil
}

var resolver = sc.MakePythonResolverChain(sc.PythonBuiltinResolver{}, standins{})

// text: a Go string as canon: UTF-8 (surrogates allowed, the kit writes those as hex) is text;
// other bytes (a py2 str's, from BINSTRING) are taken one character per byte (Latin-1).
func text(s string) string {
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n <= 1 && !(i+2 < len(s) && s[i] == 0xed && s[i+1]&0xe0 == 0xa0 && s[i+2]&0xc0 == 0x80) {
			rs := make([]rune, len(s))
			for j := 0; j < len(s); j++ {
				rs[j] = rune(s[j])
			}
			return string(rs)
		}
		if n <= 1 && r == utf8.RuneError {
			n = 3 // a surrogate, surrogatepass-encoded
		}
		i += n
	}
	return s
}

type conv struct {
	seen map[uintptr]any // identity of maps
}

// hashable: x sat where Python needs a hashable value (a set element): a slice was a tuple.
func (c *conv) value(x any, hashable bool) any {
	switch v := x.(type) {
	case nil, sc.PickleNone:
		return nil
	case bool, int64, float64, *big.Int:
		return v
	case string:
		return text(v)
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = c.value(e, hashable)
		}
		if hashable {
			return kit.Seq{T: "tuple", V: out}
		}
		return out
	case map[any]any:
		p := reflect.ValueOf(v).Pointer()
		if d, ok := c.seen[p]; ok {
			return d
		}
		d := &kit.Dict{}
		c.seen[p] = d
		for k, e := range v {
			*d = append(*d, kit.Pair{K: c.value(k, true), V: c.value(e, false)})
		}
		return d
	case map[any]bool: // PythonBuiltinResolver's set
		s := kit.Seq{T: "set"}
		for k := range v {
			s.V = append(s.V, c.value(k, true))
		}
		return s
	case *strings.Reader: // PythonBuiltinResolver's bytearray
		b := make([]byte, v.Size())
		v.ReadAt(b, 0)
		return kit.ByteArray(b)
	case sc.PickleMark: // the codec returned its internal mark object
		return kit.Global{Module: "stalecucumber", Name: "PickleMark"}
	case *call:
		cls := kit.Global{Module: v.Module, Name: v.Name}
		args := v.Args
		var state any
		if v.Build { // INST's arguments, then the state
			args, state = args[:len(args)-1], c.value(args[len(args)-1], false)
		}
		set := !v.Build && (v.Name == "set" || v.Name == "frozenset") && len(args) > 0
		out := make([]any, len(args))
		for i, a := range args {
			out[i] = c.value(a, set && i == 0)
			if set && i == 0 { // the elements of set(list) are what must be hashable
				if l, ok := a.([]any); ok {
					es := make([]any, len(l))
					for j, e := range l {
						es[j] = c.value(e, true)
					}
					out[i] = es
				}
			}
		}
		return kit.Object{Class: cls, Args: out, State: state, Reduce: len(out) > 0 || !v.Build}
	}
	// the package's unexported sentinels: globalSentinel{Package, Name}, instanceSentinel{..., Args}
	r := reflect.ValueOf(x)
	if r.Kind() == reflect.Struct && r.FieldByName("Package").IsValid() {
		cls := kit.Global{Module: r.FieldByName("Package").String(), Name: r.FieldByName("Name").String()}
		if a := r.FieldByName("Args"); a.IsValid() { // INST without BUILD
			args, _ := a.Interface().([]any)
			out := make([]any, len(args))
			for i, e := range args {
				out[i] = c.value(e, false)
			}
			return kit.Object{Class: cls, Args: out, Reduce: len(out) > 0}
		}
		return cls
	}
	return x // the kit says what it cannot write (an adapter error)
}

func main() {
	kit.Serve(func(data []byte, o kit.Options) (any, error) {
		v, err := sc.UnpickleWithResolver(strings.NewReader(string(data)), resolver)
		if err != nil {
			if strings.Contains(err.Error(), "runtime error") { // a Go panic it recovered
				return nil, err
			}
			return nil, &kit.Reject{Kind: "rejected", Message: err.Error()} // its documented errors
		}
		return (&conv{seen: map[uintptr]any{}}).value(v, false), nil
	})
}
