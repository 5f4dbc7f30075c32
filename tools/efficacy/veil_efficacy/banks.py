# SPDX-License-Identifier: GPL-3.0-or-later
"""The filter banks Veil derives (doc/filter-derivation.md, sections 3 and 5), rebuilt here from
that specification, and the properties that may predict how well a bank protects.

Two classes whose filters have nearly the same frequency response give the network nearly the
same shortcut for both, so the bank's *separation* (the smallest distance between two classes'
normalised magnitude responses at the training size) is the candidate predictor.
"""
import hashlib
import hmac
import itertools

import numpy as np


def seed_bank(seed, n_classes, k, pb):
    """Seed mode: numpy's legacy generator, all classes from one stream in dataset order."""
    state = np.random.RandomState(seed)
    bank = []
    for _ in range(n_classes):
        weights = state.uniform(0, pb, size=(3, 1, k, k))[0, 0].astype(np.float32)
        row, col = state.randint(k), state.randint(k)
        weights[row, col] = 1.0
        bank.append(weights)
    return np.stack(bank)


def _stream(secret, context):
    counter = 0
    while True:
        block = hmac.new(secret, context + counter.to_bytes(8, 'big'), hashlib.sha256).digest()
        counter += 1
        for i in range(0, 32, 8):
            yield int.from_bytes(block[i:i + 8], 'big')


def _draw_filter(values, k, pb):
    """One filter as derivation 1 draws it: k*k weights in [0, pb), then the cell of the 1."""
    weights = np.array([np.float32((next(values) >> 11) * 2.0 ** -53 * pb)
                        for _ in range(k * k)], dtype=np.float32)
    cell = _below(values, k * k)
    weights[cell] = 1.0
    return weights.reshape(k, k)


def _below(values, n):
    limit = 2 ** 64 - (2 ** 64 % n)
    return next(v for v in values if v < limit) % n


# "Derivation 2", a rule tried and measured (doc/EFFICACY.md; not in Veil, since it did not
# protect better): each class draws CANDIDATES filters from the stream "veil-filter-v2" and
# keeps the least or the most blurring one, so that classes differ more in blur.
CANDIDATES = 4
BLUR_GRID = 32


def blur(weights):
    """1 - the mean of the magnitude response on a BLUR_GRID x BLUR_GRID grid divided by the
    response at frequency 0 (0 = no blur)."""
    spectrum = np.abs(np.fft.fft2(weights.astype(np.float64), s=(BLUR_GRID, BLUR_GRID)))
    return 1.0 - spectrum.mean() / spectrum[0, 0]


def key_filter(secret, class_name, k, pb, derivation=1):
    """Key mode: one HMAC-SHA256 stream per class name."""
    context = bytes([k]) + b'\x00' + class_name.encode('utf-8')
    if derivation == 1:
        return _draw_filter(_stream(secret, b'veil-filter-v1\x00' + context), k, pb)
    values = _stream(secret, b'veil-filter-v2\x00' + context)
    sharpest = _below(values, 2) == 0
    candidates = [_draw_filter(values, k, pb) for _ in range(CANDIDATES)]
    blurs = [blur(c) for c in candidates]
    pick = blurs.index(min(blurs) if sharpest else max(blurs))
    return candidates[pick]


def key_bank(secret, class_names, k, pb, derivation=1):
    return np.stack([key_filter(secret, name, k, pb, derivation) for name in class_names])


def read_secret(key_file):
    """The 32-byte secret of a Veil key file (used only in memory, never printed)."""
    with open(key_file) as stream:
        for line in stream:
            if line.startswith('Secret='):
                return bytes.fromhex(line.strip().split('=', 1)[1])
    raise SystemExit(f"veil-efficacy: {key_file} holds no secret key")


def responses(bank, size):
    """Magnitude frequency responses at SIZE x SIZE, each divided by its gain at frequency 0
    (Veil rescales every protected image, so only the shape of a response matters)."""
    spectra = np.abs(np.fft.rfft2(bank, s=(size, size)))
    return spectra / spectra[:, :1, :1]


def distances(bank, size):
    """Root-mean-square distance between every pair of classes' normalised responses."""
    r = responses(bank, size)
    n = len(bank)
    d = np.zeros((n, n))
    for i, j in itertools.combinations(range(n), 2):
        d[i, j] = d[j, i] = np.sqrt(np.mean((r[i] - r[j]) ** 2))
    return d


def properties(bank, size):
    d = distances(bank, size)
    pairs = d[np.triu_indices(len(bank), 1)]
    k = bank.shape[1]
    ones = [divmod(int(np.argmax(f)), k) for f in bank]
    centre = k // 2
    r = responses(bank, size)
    return {
        'min_distance': float(pairs.min()),
        'mean_distance': float(pairs.mean()),
        'ones_in_centre': sum(1 for p in ones if p == (centre, centre)),
        'ones_in_corners': sum(1 for p in ones if p[0] != centre and p[1] != centre),
        # How much a filter blurs: 1 - mean normalised response (0 = none).
        'mean_blur': float(1 - r.mean()),
        'blur_spread': float((1 - r.mean(axis=(1, 2))).std()),
        # Per class: the distance to the nearest other class's filter, and how much it blurs.
        'nearest': [float(row[np.arange(len(row)) != i].min()) for i, row in enumerate(d)],
        'blur': [float(v) for v in 1 - r.mean(axis=(1, 2))],
        'one_at': [list(p) for p in ones],
    }
