// Command testadapter is the test adapter of the Go kit (run by
// crates/runner/tests/kits.rs; not an example). Its "codec" reads canon JSON instead of a
// pickle and builds the Go values it describes, so the kit's writer is checked on every canon
// value of the corpus; a few inputs ask for the other outcomes: reject:KIND, crash, panic,
// exit:N, sleep, unwritable, options.
package main

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/big"
	"os"
	"strconv"
	"strings"
	"time"

	kit "picklejar.invalid/kit"
)

func unescape(s string) []byte {
	out := []byte{}
	for i := 0; i < len(s); {
		switch {
		case s[i] != '\\':
			out = append(out, s[i])
			i++
		case s[i+1] == '\\':
			out = append(out, '\\')
			i += 2
		default:
			b, _ := strconv.ParseUint(s[i+2:i+4], 16, 8)
			out = append(out, byte(b))
			i += 4
		}
	}
	return out
}

type decoder map[string]any // anchor -> value

func (d decoder) pairs(x any) []kit.Pair {
	ps := []kit.Pair{}
	for _, p := range list(x) {
		kv := p.([]any)
		ps = append(ps, kit.Pair{K: d.value(kv[0]), V: d.value(kv[1])})
	}
	return ps
}

func list(x any) []any {
	if x == nil {
		return nil
	}
	return x.([]any)
}

func (d decoder) values(x any) []any {
	out := []any{}
	for _, e := range list(x) {
		out = append(out, d.value(e))
	}
	return out
}

func (d decoder) value(x any) any {
	n := x.(map[string]any)
	str := func(k string) string { s, _ := n[k].(string); return s }
	var v any
	switch t := str("t"); t {
	case "ref":
		return d[n["v"].(json.Number).String()]
	case "none":
		return nil
	case "bool":
		return n["v"]
	case "int":
		if i, err := strconv.ParseInt(str("v"), 10, 64); err == nil {
			return i
		}
		b, _ := new(big.Int).SetString(str("v"), 10)
		return b
	case "float":
		switch str("v") {
		case "nan":
			return math.NaN()
		case "inf":
			return math.Inf(1)
		case "-inf":
			return math.Inf(-1)
		}
		f, _ := strconv.ParseFloat(str("v"), 64)
		return f
	case "str":
		if h, ok := n["hex"]; ok {
			b, _ := hex.DecodeString(h.(string))
			return string(b)
		}
		return str("v")
	case "bytes":
		return unescape(str("v"))
	case "global":
		return kit.Global{Module: str("module"), Name: str("name")}
	case "buffer", "persid":
		b, _ := json.Marshal(n)
		return kit.Raw(b)
	case "list":
		l := &[]any{}
		d.anchor(n, l)
		*l = d.values(n["v"])
		v = l
	case "tuple", "set", "frozenset":
		s := &kit.Seq{T: t}
		d.anchor(n, s)
		s.V = d.values(n["v"])
		v = s
	case "dict":
		m := &kit.Dict{}
		d.anchor(n, m)
		*m = d.pairs(n["v"])
		v = m
	case "bytearray":
		b := kit.ByteArray(unescape(str("v")))
		v = &b
		d.anchor(n, v)
	case "object", "reduce":
		o := &kit.Object{Reduce: t == "reduce"}
		d.anchor(n, o)
		if t == "reduce" {
			o.Class = d.value(n["callable"])
		} else {
			o.Class = d.value(n["class"])
		}
		o.Args, o.Kwargs = d.values(n["args"]), d.pairs(n["kwargs"])
		if s, ok := n["state"]; ok {
			o.State = d.value(s)
		}
		o.Items, o.DictItems = d.values(n["items"]), d.pairs(n["dictitems"])
		if s, ok := n["setter"]; ok {
			o.Setter = d.value(s)
		}
		v = o
	}
	return v
}

func (d decoder) anchor(n map[string]any, v any) {
	if id, ok := n["id"]; ok {
		d[id.(json.Number).String()] = v
	}
}

func main() {
	kit.Serve(func(data []byte, o kit.Options) (any, error) {
		text := string(data)
		switch {
		case strings.HasPrefix(text, "reject:"):
			return nil, &kit.Reject{Kind: text[7:], Message: "asked to reject"}
		case text == "crash":
			return nil, errors.New("asked to crash")
		case text == "panic":
			panic("asked to panic")
		case strings.HasPrefix(text, "exit:"):
			code, _ := strconv.Atoi(text[5:])
			os.Exit(code)
		case text == "sleep":
			time.Sleep(time.Minute)
		case text == "unwritable":
			return struct{}{}, nil
		case text == "options":
			hexes := []string{}
			if bufs, ok := o["buffers"].([][]byte); ok {
				for _, b := range bufs {
					hexes = append(hexes, hex.EncodeToString(b))
				}
			}
			o["buffers"] = hexes
			b, _ := json.Marshal(o)
			return string(b), nil
		}
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		var tree any
		if err := dec.Decode(&tree); err != nil {
			return nil, fmt.Errorf("not canon JSON: %w", err)
		}
		return decoder{}.value(tree), nil
	})
}
