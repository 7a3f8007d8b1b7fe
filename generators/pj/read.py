"""Running the readers: every interpreter loads every variant with both its unpicklers
(`pjrun.py read`), with each of the variant's option sets (Python 2.7: the plain read
only); CPython 2.7 and 3.13 also give their data-only reading (cpython-2.7-dataonly,
cpython-3.13-dataonly) of the variants of cases that NEED a third-party pickler.  Results
land in each variant's `results`:
{(option set index, reader id): {'canon': text} | {'error': {kind, type, message}}}, with
'imports' (the events of the stand-in reading, pjimports.py) when there are any; the
globals the safety gate refused land in the variant's `blocked` (same keys).
"""
import os
import threading

from .ids import DATAONLY_VERSIONS, LIBRARIES, dataonly_reader, readers_of, third_party_producer
from .workers import run_jobs, run_worker


def read(cases, variants, interps, blobdir, workdir, jobs_n, warnings):
    """Run every interpreter's readers on every variant of `cases`; fills each variant's
    `results` (variants: what produce.variants returned)."""
    tasks = [(c, var) for c in cases for var in variants[c['id']]]
    lock = threading.Lock()

    def make_read(v, info):
        def job():
            tlist = []
            for c, var in tasks:
                opts = var['optsets'] if v != '2.7' else [{}]
                t = {'file': os.path.join(blobdir, var['sha']),
                     'bufs': [os.path.join(blobdir, b) for b in var['bufs']],
                     'protocol': var['protocol'], 'load': c['load'], 'optsets': opts}
                if c['needs'] and v in DATAONLY_VERSIONS:
                    t['dataonly'] = dataonly_reader(v)
                if any(n in LIBRARIES for n in c['needs']):
                    t['libraries'] = True
                if var.get('cut') is not None:
                    t['cut'] = var['cut']   # a joblib file: its pickle is the rest
                tlist.append(t)
            recs = run_worker(info['path'], 'read', {'impls': readers_of(v), 'tasks': tlist},
                              workdir, v)
            with lock:
                for r in recs:
                    c, var = tasks[r['task']]
                    opt = r['opt']
                    if 'skip' in r:
                        # this interpreter cannot decompress the file (2.7 has no lzma)
                        continue
                    if 'imports_failure' in r:
                        warnings.append('reader %s, %s %s: imports not recorded: %s' % (
                            r['reader'], c['id'], var['sha'][:12], r['imports_failure']))
                    if r.get('blocked'):
                        # the safety gate refused these globals (pjimports.py): check.py
                        # allows it only in evasion/ cases
                        var.setdefault('blocked', {})[(opt, r['reader'])] = r['blocked']
                    if 'canon_failure' in r:
                        warnings.append('reader %s, %s %s: canon failed: %s\n%s' % (
                            r['reader'], c['id'], var['sha'][:12], r['canon_failure'],
                            r.get('trace', '')))
                        out = {'error': {'kind': 'canon-failure', 'type': 'CanonError',
                                         'message': r['canon_failure']}}
                    elif 'canon' in r:
                        out = {'canon': r['canon']}
                    else:
                        out = {'error': r['error']}
                    if r.get('imports'):
                        out['imports'] = r['imports']
                    var['results'][(opt, r['reader'])] = out
        return job

    jobs = [make_read(v, info)
            for v, info in sorted(interps.items(), key=lambda kv: -len(kv[0]))]
    run_jobs(jobs, jobs_n)


def resolve(cases, variants, envs, blobdir, workdir, jobs_n):
    """The library readings: each library environment (envs: {(version, library): env} of
    pj/libraries.py; other packages' are passed over) loads every variant of the cases that
    NEED that library with the real classes (`pjrun.py resolve`); joblib's environments
    load the joblib files (`container: joblib`) with joblib.load.  Results land in each
    variant's `resolves`: {reader id: {'ok': True} | {'error': {kind, type, message}}}."""
    lock = threading.Lock()

    def make_job(v, lib, env):
        def job():
            # a joblib file is read by joblib's readers (joblib.load), the rest by the
            # readers of the library the case NEEDS (pickle.loads)
            if lib == 'joblib':
                tasks = [(c, var) for c in cases if lib in c['needs']
                         for var in variants[c['id']] if var.get('container') == 'joblib']
            else:
                tasks = [(c, var) for c in cases if lib in c['needs']
                         for var in variants[c['id']] if not var.get('container')]
            if not tasks:
                return
            reader = third_party_producer(lib, v)
            tlist = [{'file': os.path.join(blobdir, var['sha']),
                      'bufs': [os.path.join(blobdir, b) for b in var['bufs']],
                      'protocol': var['protocol'], 'container': var.get('container')}
                     for c, var in tasks]
            recs = run_worker(env['python'], 'resolve',
                              {'reader': reader, 'tasks': tlist, 'sys_path': env['sys_path']},
                              workdir, reader)
            with lock:
                for r in recs:
                    c, var = tasks[r['task']]
                    out = {'ok': True} if r.get('ok') else {'error': r['error']}
                    var.setdefault('resolves', {})[r['reader']] = out
        return job

    jobs = [make_job(v, lib, env) for (v, lib), env in sorted(envs.items())
            if lib in LIBRARIES]
    run_jobs(jobs, jobs_n)
