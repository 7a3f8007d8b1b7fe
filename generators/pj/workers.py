"""Running pjrun.py inside an interpreter.

    python pjrun.py produce|read JOB.json OUT.jsonl

make.py writes JOB.json; pjrun writes one JSON object a line to OUT.jsonl, flushed as it
goes.  A reader writes {"begin": [task, reader, option set]} before each read, so when an
interpreter dies (a segfault, an abort) run_worker records a `crash` result for that read
and runs the interpreter again on the reads not yet done.
"""
import concurrent.futures
import json
import os
import subprocess

from . import WORKER
from .discovery import worker_env


def run_jobs(jobs, jobs_n):
    """Run the callables `jobs`, jobs_n at a time; returns when all finished (re-raising the
    first failure)."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs_n) as ex:
        futs = [ex.submit(j) for j in jobs]
        for f in futs:
            f.result()


def run_worker(python, mode, job, workdir, label):
    """Run pjrun.py `mode` ('produce' or 'read') with `job` under `python`; returns the
    records it wrote (with `crash` results for reads that killed the interpreter)."""
    jobfile = os.path.join(workdir, '%s-%s.json' % (mode, label))
    outfile = os.path.join(workdir, '%s-%s.jsonl' % (mode, label))
    if os.path.exists(outfile):
        os.unlink(outfile)
    records = []
    done = set()
    crashes = []
    for attempt in range(200):
        job['done'] = sorted(done)
        with open(jobfile, 'w') as f:
            json.dump(job, f)
        proc = subprocess.run([python, WORKER, mode, jobfile, outfile], env=worker_env(),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=workdir)
        records = []
        begun = None
        with open(outfile, encoding='utf-8') as f:
            for line in f:
                if not line.endswith('\n'):
                    break
                r = json.loads(line)
                if 'begin' in r:
                    begun = r['begin']
                    continue
                records.append(r)
                if 'task' in r:
                    done.add('%d|%s|%d' % (r['task'], r['reader'], r['opt']))
                    begun = None
        if proc.returncode == 0:
            return records
        if mode == 'read' and begun is not None:
            key = '%d|%s|%d' % tuple(begun)
            done.add(key)
            crashes.append({'task': begun[0], 'reader': begun[1], 'opt': begun[2],
                            'error': {'kind': 'crash', 'type': 'crash',
                                      'message': 'interpreter exited with status %d' % proc.returncode}})
            # keep the crash record in the output file for the next attempt's parse
            with open(outfile, 'a', encoding='utf-8') as f:
                f.write(json.dumps(crashes[-1]) + '\n')
            continue
        raise SystemExit('%s %s failed (status %d):\n%s' % (
            label, mode, proc.returncode, proc.stderr.decode('utf-8', 'replace')[-4000:]))
    raise SystemExit('%s: too many crashes' % label)
