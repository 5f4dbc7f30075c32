# SPDX-License-Identifier: GPL-3.0-or-later
"""Content-addressed caches: decoded image arrays and finished training runs.

A clean baseline depends only on the training and test pixels, the budget, the training seed
and the countermeasures, so many rows of a table share it; keying by a hash of the pixels (not
of paths) keeps a cached result from being reused for different data.
"""
import hashlib
import json
import os

import numpy as np

VERSION = 1


def default_dir():
    base = os.environ.get('XDG_CACHE_HOME') or os.path.join(os.path.expanduser('~'), '.cache')
    return os.path.join(base, 'veil-efficacy')


def digest_arrays(*arrays):
    h = hashlib.sha256()
    for array in arrays:
        h.update(str(array.shape).encode())
        h.update(np.ascontiguousarray(array).tobytes())
    return h.hexdigest()


def run_key(data_digest, facts):
    text = json.dumps([VERSION, data_digest, facts], sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def load_run(cache_dir, key):
    if not cache_dir:
        return None
    path = os.path.join(cache_dir, f"run-{key}.json")
    try:
        with open(path) as stream:
            run = json.load(stream)
        return run['accuracy'], run.get('per_class')
    except (OSError, ValueError, KeyError):
        return None


def store_run(cache_dir, key, accuracy, per_class):
    if not cache_dir:
        return
    os.makedirs(cache_dir, exist_ok=True)
    path = os.path.join(cache_dir, f"run-{key}.json")
    partial = f"{path}.{os.getpid()}.partial"
    with open(partial, 'w') as stream:
        json.dump({'accuracy': accuracy, 'per_class': per_class}, stream)
    os.replace(partial, path)
