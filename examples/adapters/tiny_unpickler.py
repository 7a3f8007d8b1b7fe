#!/usr/bin/env python3
"""A tiny pickle codec speaking picklejar's adapter protocol (docs/ADAPTERS.md).

It is deliberately small: a data-only loader for the plain types (None, bool, int, float,
str, bytes, list, tuple, dict, set, frozenset) of protocols 0-5, written against
pickletools.genops so that it never imports or runs anything. Whatever it does not know
it rejects with exit status 1, which picklejar counts as a failure to list in the
codec's expectations file. Try it:

    cargo run --release -p picklejar-runner -- conformance \
        --codec 'cmd:tiny=python3 examples/adapters/tiny_unpickler.py' --show 3

Protocol: pickle bytes on stdin; options as JSON in $PICKLEJAR_OPTIONS; canon JSON
(docs/CANON.md) on stdout and exit 0, or {"error": KIND, "message": ...} and exit 1.
"""
import io
import json
import os
import pickletools
import sys

MARK = object()


class Reject(Exception):
    def __init__(self, kind, message):
        Exception.__init__(self, message)
        self.kind = kind


def esc_bytes(b):
    out = []
    for c in bytearray(b):
        if c == 0x5C:
            out.append('\\\\')
        elif 0x20 <= c <= 0x7E:
            out.append(chr(c))
        else:
            out.append('\\x%02x' % c)
    return ''.join(out)


def float_repr(x):
    return repr(x)


class Node(object):
    """A container on the stack: kept mutable until canon time, for APPEND and friends."""

    def __init__(self, tag, items):
        self.tag = tag
        self.items = items


def canon(v, seen, counts, ids):
    if v is None:
        return {'t': 'none'}
    if isinstance(v, bool):
        return {'t': 'bool', 'v': v}
    if isinstance(v, int):
        return {'t': 'int', 'v': str(v)}
    if isinstance(v, float):
        return {'t': 'float', 'v': float_repr(v)}
    if isinstance(v, str):
        return {'t': 'str', 'v': v}
    if isinstance(v, bytes):
        return {'t': 'bytes', 'v': esc_bytes(v)}
    if not isinstance(v, Node):
        raise Reject('unsupported', 'cannot describe %r' % type(v))
    shared = counts.get(id(v), 0) > 1 and (v.tag not in ('tuple', 'frozenset') or v.items)
    if shared and id(v) in ids:
        return {'t': 'ref', 'v': ids[id(v)]}
    out = {'t': v.tag}
    if shared:
        ids[id(v)] = len(ids) + 1
        out['id'] = ids[id(v)]
    if v.tag == 'dict':
        out['v'] = [[canon(k, seen, counts, ids), canon(x, seen, counts, ids)] for k, x in v.items]
    else:
        items = [canon(x, seen, counts, ids) for x in v.items]
        out['v'] = items
    return out


def count(v, counts):
    if isinstance(v, Node):
        counts[id(v)] = counts.get(id(v), 0) + 1
        if counts[id(v)] > 1:
            return
        for x in v.items:
            if v.tag == 'dict':
                count(x[0], counts)
                count(x[1], counts)
            else:
                count(x, counts)


def load(data, opts):
    stack, memo = [], {}
    encoding = opts.get('encoding', 'ASCII')

    def pop_mark():
        items = []
        while True:
            if not stack:
                raise Reject('bad-mark', 'could not find MARK')
            x = stack.pop()
            if x is MARK:
                return items[::-1]
            items.append(x)

    try:
        ops = list(pickletools.genops(io.BytesIO(data)))
    except ValueError as e:
        raise Reject('truncated' if 'truncated' in str(e) or 'EOF' in str(e) else 'unknown-opcode', str(e))
    for op, arg, pos in ops:
        n = op.name
        if n in ('PROTO', 'FRAME'):
            continue
        if n == 'STOP':
            if not stack:
                raise Reject('stack-underflow', 'STOP on an empty stack')
            return stack[-1]
        if n == 'MARK':
            stack.append(MARK)
        elif n in ('INT', 'BININT', 'BININT1', 'BININT2', 'LONG', 'LONG1', 'LONG4', 'FLOAT',
                   'BINFLOAT', 'UNICODE', 'SHORT_BINUNICODE', 'BINUNICODE', 'BINUNICODE8',
                   'BINBYTES', 'SHORT_BINBYTES', 'BINBYTES8'):
            stack.append(arg)
        elif n in ('STRING', 'BINSTRING', 'SHORT_BINSTRING'):
            raw = arg.encode('latin-1') if isinstance(arg, str) else arg
            stack.append(raw if encoding == 'bytes' else raw.decode(encoding))
        elif n == 'NONE':
            stack.append(None)
        elif n in ('NEWTRUE', 'NEWFALSE'):
            stack.append(n == 'NEWTRUE')
        elif n == 'EMPTY_LIST':
            stack.append(Node('list', []))
        elif n == 'EMPTY_DICT':
            stack.append(Node('dict', []))
        elif n == 'EMPTY_SET':
            stack.append(Node('set', []))
        elif n == 'EMPTY_TUPLE':
            stack.append(Node('tuple', []))
        elif n in ('TUPLE1', 'TUPLE2', 'TUPLE3'):
            k = int(n[-1])
            items = stack[-k:]
            del stack[-k:]
            stack.append(Node('tuple', items))
        elif n in ('TUPLE', 'LIST', 'FROZENSET'):
            stack.append(Node(n.lower(), pop_mark()))
        elif n == 'DICT':
            items = pop_mark()
            stack.append(Node('dict', list(zip(items[::2], items[1::2]))))
        elif n in ('APPEND', 'APPENDS', 'ADDITEMS'):
            items = [stack.pop()] if n == 'APPEND' else pop_mark()
            stack[-1].items.extend(items)
        elif n in ('SETITEM', 'SETITEMS'):
            items = stack[-2:] if n == 'SETITEM' else pop_mark()
            if n == 'SETITEM':
                del stack[-2:]
            stack[-1].items.extend(zip(items[::2], items[1::2]))
        elif n in ('PUT', 'BINPUT', 'LONG_BINPUT'):
            memo[arg] = stack[-1]
        elif n == 'MEMOIZE':
            memo[len(memo)] = stack[-1]
        elif n in ('GET', 'BINGET', 'LONG_BINGET'):
            if arg not in memo:
                raise Reject('bad-memo', 'Memo value not found at index %d' % arg)
            stack.append(memo[arg])
        elif n == 'POP':
            stack.pop()
        elif n == 'POP_MARK':
            pop_mark()
        else:
            raise Reject('unsupported', 'opcode %s is not supported by this tiny codec' % n)
    raise Reject('truncated', 'no STOP')


def main():
    opts = json.loads(os.environ.get('PICKLEJAR_OPTIONS') or '{}')
    data = sys.stdin.buffer.read()
    try:
        value = load(data, opts)
        counts = {}
        count(value, counts)
        out = canon(value, set(), counts, {})
    except Reject as e:
        print(json.dumps({'error': e.kind, 'message': str(e)}))
        return 1
    except (IndexError, KeyError, UnicodeDecodeError, AttributeError) as e:
        print(json.dumps({'error': 'unsupported', 'message': '%s: %s' % (type(e).__name__, e)}))
        return 1
    sys.stdout.write(json.dumps(out, ensure_ascii=False, separators=(',', ':')) + '\n')
    return 0


if __name__ == '__main__':
    sys.exit(main())
