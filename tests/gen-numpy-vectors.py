#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Writes the test vectors of the filter derivation under tests/data/:

numpy-vectors.json: what numpy's legacy global generator produces for the seed-key mode, so the
C code can be checked against numpy itself, bit for bit.

keyed-vectors.json: the secret-key derivation of doc/filter-derivation.md, implemented here a
second time from the document alone with Python's hmac module, so the C code is checked against
an independent implementation of the specification.

Run from the source tree with Debian's python3-numpy:  /usr/bin/python3 tests/gen-numpy-vectors.py
Floats are stored as exact bit patterns (float32 as uint32, float64 with float.hex) so that no
decimal round trip can blur the comparison.
"""

import hashlib
import hmac
import json
import os
import struct
import sys

import numpy as np


def f32_bits(value):
    return struct.unpack("<I", struct.pack("<f", value))[0]


def reference_filters(n_classes, k, pb):
    """The reference procedure, after np.random.seed(): per class in dataset order, a
    (3, 1, k, k) uniform draw of which the first k*k values are used as float32, then a row and a
    column from randint(k) for the cell set to 1."""
    filters = []
    for _ in range(n_classes):
        draw = np.random.uniform(0, pb, size=(3, 1, k, k))
        weights = draw[0, 0].astype(np.float32)
        row = np.random.randint(k)
        col = np.random.randint(k)
        weights[row, col] = 1.0
        filters.append({
            "weights": [f32_bits(float(w)) for w in weights.reshape(-1)],
            "one": [int(row), int(col)],
        })
    return filters


def generator_case(seed):
    np.random.seed(seed)
    # randint with the full 32-bit range hands out the generator's raw outputs. 700 of them cross
    # the 624-word regeneration boundary.
    raw = [int(np.random.randint(0, 2**32, dtype=np.uint64)) for _ in range(700)]
    doubles = [float(np.random.random_sample()).hex() for _ in range(50)]
    uniforms = [float(np.random.uniform(0, 0.3)).hex() for _ in range(20)]
    small = {str(h): [int(np.random.randint(h)) for _ in range(40)] for h in (1, 2, 3, 5, 9, 31)}
    large = [int(np.random.randint(2**40 + 12345)) for _ in range(10)]
    after = float(np.random.random_sample()).hex()
    return {
        "seed": seed,
        "uint32": raw,
        "random_sample": doubles,
        "uniform_0_0.3": uniforms,
        "randint": small,
        "randint_2^40+12345": large,
        "random_sample_after": after,
    }


def filter_case(seed, n_classes, k, pb):
    np.random.seed(seed)
    return {"seed": seed, "n_classes": n_classes, "k": k, "pb": pb,
            "filters": reference_filters(n_classes, k, pb)}


def mix_case(seed, n_classes, k, pb, n_images, mix):
    np.random.seed(seed)
    reference_filters(n_classes, k, pb)
    draws = [np.random.random() for _ in range(n_images)]
    return {"seed": seed, "n_classes": n_classes, "k": k, "pb": pb, "n_images": n_images,
            "mix": mix, "draws": [float(d).hex() for d in draws],
            "protected": [1 if d < mix else 0 for d in draws]}


class KeyStream:
    """HMAC-SHA256(secret, context || counter as 8 bytes big-endian), read as big-endian uint64s."""

    def __init__(self, secret, context):
        self.secret = secret
        self.context = context
        self.counter = 0
        self.buf = b""

    def next_uint64(self):
        if not self.buf:
            msg = self.context + self.counter.to_bytes(8, "big")
            self.buf = hmac.new(self.secret, msg, hashlib.sha256).digest()
            self.counter += 1
        value, self.buf = int.from_bytes(self.buf[:8], "big"), self.buf[8:]
        return value

    def next_double(self):
        return (self.next_uint64() >> 11) * 2.0**-53

    def next_below(self, n):
        limit = 2**64 - (2**64 % n)
        while True:
            value = self.next_uint64()
            if value < limit:
                return value % n


def keyed_filter(secret, name, k, pb):
    context = b"veil-filter-v1\x00" + bytes([k]) + b"\x00" + name.encode("utf-8")
    stream = KeyStream(secret, context)
    weights = [f32_bits(float(np.float32(stream.next_double() * pb))) for _ in range(k * k)]
    weights[stream.next_below(k * k)] = f32_bits(1.0)
    return weights


def keyed_mix_draw(secret, relative_path):
    stream = KeyStream(secret, b"veil-mix-v1\x00" + relative_path.encode("utf-8"))
    return stream.next_double()


def keyed_decoy(secret, class_names):
    """Section 9: the lowest first stream value of "veil-decoy-v1" 0x00 name; the first class
    keeps a tie; no decoy (-1) below two classes."""
    if len(class_names) < 2:
        return -1
    scores = [KeyStream(secret, b"veil-decoy-v1\x00" + name.encode("utf-8")).next_uint64()
              for name in class_names]
    return scores.index(min(scores))


DECOY_CLASS_LISTS = (
    ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"],
    ["cat", "dog"],
    ["only"],
    ["", "Ünïcode class", "n01440764"],
)


def keyed_vectors():
    secrets = [bytes(range(32)), hashlib.sha256(b"veil test key").digest()]
    stream = KeyStream(secrets[0], b"test context")
    out = {
        "stream": {
            "secret": secrets[0].hex(), "context": "test context",
            "uint64": [str(stream.next_uint64()) for _ in range(9)],
            "below_1000003": [stream.next_below(1000003) for _ in range(5)],
        },
        "filters": [],
        "mix": [],
        "decoy": [],
    }
    for secret in secrets:
        for name, k, pb in (("cat", 3, 0.3), ("dog", 3, 0.3), ("n01440764", 9, 0.06),
                            ("Ünïcode class", 31, 1.0), ("", 5, 0.5)):
            out["filters"].append({"secret": secret.hex(), "class": name, "k": k, "pb": pb,
                                   "weights": keyed_filter(secret, name, k, pb)})
        for names in DECOY_CLASS_LISTS:
            out["decoy"].append({"secret": secret.hex(), "classes": names,
                                 "decoy": keyed_decoy(secret, names)})
        for path in ("cat/0001.png", "dog/nested/ä b.jpg", "x"):
            out["mix"].append({"secret": secret.hex(), "path": path,
                               "draw": keyed_mix_draw(secret, path).hex()})
    return out


def write_json(name, data):
    here = os.path.dirname(os.path.abspath(__file__))
    path = os.path.join(here, "data", name)
    with open(path, "w") as f:
        json.dump(data, f, separators=(",", ":"), ensure_ascii=False)
        f.write("\n")
    print(f"wrote {path} ({os.path.getsize(path)} bytes)", file=sys.stderr)


def main():
    out = {
        "numpy_version": np.__version__,
        "generator": [generator_case(s) for s in (0, 1, 5489, 2**32 - 1)],
        "filters": [
            filter_case(0, 10, 3, 0.3),
            filter_case(1234, 4, 9, 0.06),
            filter_case(2**32 - 1, 3, 31, 0.5),
            filter_case(0, 2, 31, 1.0),
            filter_case(42, 5, 5, 0.1),
            filter_case(7, 3, 15, 0.9),
            filter_case(2**32 - 1, 10, 3, 0.3),
        ],
        "mix": [
            mix_case(0, 10, 3, 0.3, 200, 0.5),
            mix_case(1234, 4, 9, 0.06, 100, 0.2),
            mix_case(2**32 - 1, 3, 31, 0.5, 50, 0.8),
            mix_case(42, 1, 3, 0.3, 30, 1.0),
            mix_case(42, 1, 3, 0.3, 30, 0.0),
        ],
    }
    write_json("numpy-vectors.json", out)
    write_json("keyed-vectors.json", keyed_vectors())


if __name__ == "__main__":
    main()
