"""Running the producers, and the variants they wrote.

Every interpreter runs `pjrun.py produce` once with its two picklers (ids.producers_of);
each third-party producer (thirdparty.py) runs it once with its package.  Each pickle is
stored once in the blob directory under its SHA-256; a variant is one distinct byte string
(plus its out-of-band buffers) of a case, with every producer that wrote exactly it.
"""
import hashlib
import os
import pickletools
import threading

import pjcompress
from pjcanon import pickle_protocol

from . import ROOT
from .ids import (HANDWRITTEN, LIBRARIES, PRODUCER_ORDER, THIRD_PARTY_PROTOCOLS, producers_of,
                  third_party_producer, version_matches)
from .workers import run_jobs, run_worker

# A variant is looked inside (compressed: after decompressing) for its protocol and Python 2
# str opcodes only; past this size (the bombs) not further.
SCAN_CAP = 16 * 1024 * 1024


def case_job(c):
    """What pjrun's produce needs of a case."""
    return {'id': c['id'], 'path': c['path'], 'protocols': c['protocols'],
            'extensions': c['load'].get('extensions'),
            'persistent': bool(c['load'].get('persistent_load')),
            'oob': c['oob'], 'compress': c['compress'], 'needs': c['needs'],
            'relpath': os.path.relpath(c['path'], ROOT).replace(os.sep, '/')}


def produce(cases, interps, third_party, blobdir, workdir, jobs_n, warnings):
    """Run every producer that can write `cases` (and take the hand-written cases' DATA);
    returns {case id: {(sha, buffer shas): {'producers': {id}, 'written': {protocol}}}}.

    third_party: {(version, package): env} for the third-party producers that can run
    (env: 'python' and 'sys_path' to run pjrun with)."""
    produced = {c['id']: {} for c in cases}
    lock = threading.Lock()

    def collect(v, recs):
        with lock:
            for r in recs:
                if 'skip' in r:
                    continue
                if 'error' in r:
                    warnings.append('producer %s, %s p%s: %s' % (
                        r.get('producer', v), r['case'], r.get('proto', '?'), r['error']))
                    continue
                key = (r['sha'], tuple(r['bufs']))
                ent = produced[r['case']].setdefault(key, {'producers': set(), 'written': set()})
                if 'cut' in r:
                    ent['cut'] = r['cut']   # a joblib file (pjrun.produce_joblib)
                ent['producers'].add(r['producer'])
                ent['written'].add(r['proto'])

    def make_prod(v, info):
        def job():
            todo = []
            for c in cases:
                if c['handwritten'] or c['needs']:
                    continue
                if c['pythons'] and not any(version_matches(s, v) for s in c['pythons']):
                    continue
                todo.append(case_job(c))
            recs = run_worker(info['path'], 'produce',
                              {'impls': producers_of(v), 'blobdir': blobdir, 'cases': todo},
                              workdir, v)
            collect(v, recs)
        return job

    def make_third_party(v, pkg, env):
        def job():
            todo = []
            for c in cases:
                if pkg not in c['needs']:
                    continue
                if c['pythons'] and not any(version_matches(s, v) for s in c['pythons']):
                    continue
                cj = case_job(c)
                cj['protocols'] = [p for p in cj['protocols'] if p in THIRD_PARTY_PROTOCOLS.get(pkg, [])]
                todo.append(cj)
            if not todo:
                return
            impl = 'lib:' + pkg if pkg in LIBRARIES else pkg
            recs = run_worker(env['python'], 'produce',
                              {'impls': [[impl, third_party_producer(pkg, v)]], 'blobdir': blobdir,
                               'cases': todo, 'sys_path': env['sys_path']},
                              workdir, '%s-%s' % (pkg, v))
            collect(v, recs)
        return job

    jobs = []
    for v, info in sorted(interps.items(), key=lambda kv: -len(kv[0])):
        jobs.append(make_prod(v, info))
    for (v, pkg), env in sorted(third_party.items()):
        if v in interps:
            jobs.append(make_third_party(v, pkg, env))
    run_jobs(jobs, jobs_n)
    for c in cases:
        if c['handwritten']:
            data = c['data']
            sha = hashlib.sha256(data).hexdigest()
            with open(os.path.join(blobdir, sha), 'wb') as f:
                f.write(data)
            produced[c['id']][(sha, ())] = {'producers': {HANDWRITTEN},
                                             'written': {inspect_variant(data)[1]}}
    return produced


def py2_str_opcodes(data):
    """Whether the pickle has a Python 2 str opcode (STRING, BINSTRING, SHORT_BINSTRING)."""
    try:
        for op, arg, pos in pickletools.genops(data):
            if op.name in ('STRING', 'BINSTRING', 'SHORT_BINSTRING'):
                return True
    except Exception:
        pass
    return False


def inspect_variant(data, cut=None):
    """(compression, protocol, has py2 str opcodes) of a variant's bytes: the protocol and
    opcodes of the pickle inside when the file is compressed (a joblib file's without its
    `cut` ranges, its arrays)."""
    method = pjcompress.detect(data)
    if method is None:
        data = pjcompress.apply_cut(data, cut)
        return None, pickle_protocol(data), py2_str_opcodes(data)
    try:
        inner = pjcompress.apply_cut(pjcompress.decompress(data, SCAN_CAP), cut)
    except pjcompress.Error:
        inner = None
    if inner is None:
        # Too big or corrupt: the protocol from the first bytes that decompress.
        return method, pickle_protocol(pjcompress.head(data, 2)), False
    return method, pickle_protocol(inner), py2_str_opcodes(inner)


def option_sets(c, py2_str):
    """The option sets a variant is read with (on top of the case's LOAD): the plain read,
    encoding latin1 and bytes when it has Python 2 str opcodes, then EXTRA_READS."""
    optsets = [{}]
    if py2_str:
        for enc in ('latin1', 'bytes'):
            if c['load'].get('encoding') != enc:
                optsets.append({'encoding': enc})
    for x in c['extra_reads']:
        if x not in optsets:
            optsets.append(x)
    return optsets


def variants(cases, produced, blobdir):
    """{case id: [variant]}, each case's variants sorted by protocol, first producer, sha.

    A variant: sha, bufs (buffer shas), protocol, size, compression, written_at, producers,
    optsets, and results ({(option set index, reader): outcome}, filled by read.read)."""
    out = {}
    for c in cases:
        vl = []
        for (sha, bufs), ent in produced[c['id']].items():
            with open(os.path.join(blobdir, sha), 'rb') as f:
                data = f.read()
            compression, proto, py2_str = inspect_variant(data, ent.get('cut'))
            prods = sorted(ent['producers'], key=lambda p: PRODUCER_ORDER[p])
            var = {'sha': sha, 'bufs': list(bufs), 'protocol': proto, 'size': len(data),
                   'compression': compression, 'written_at': sorted(ent['written']),
                   'producers': prods, 'optsets': option_sets(c, py2_str), 'results': {}}
            if 'cut' in ent:
                var['container'] = 'joblib'
                var['cut'] = ent['cut']
            vl.append(var)
        vl.sort(key=lambda x: (x['protocol'], PRODUCER_ORDER[x['producers'][0]], x['sha']))
        out[c['id']] = vl
    return out
