# SPDX-License-Identifier: GPL-3.0-or-later
"""Labeled folders: listing, subsets, hold-out splits and decoding into one uint8 array.

Decoding thousands of small JPEGs is the slowest step of a short training run, so a folder is
decoded once into an N x S x S x 3 array and cached on disk, keyed by the files' contents (so a
protected copy written again with the same key hits the cache too).
"""
import hashlib
import json
import os
import sys

import numpy as np
from PIL import Image

IMAGE_SUFFIXES = ('.jpg', '.jpeg', '.png', '.webp', '.tif', '.tiff', '.bmp')
CACHE_VERSION = 1


class LabeledFiles:
    """Image paths with class indices; `classes` are the folder names, sorted."""

    def __init__(self, root, classes, items):
        self.root = root
        self.classes = classes
        self.items = items  # list of (relative path, class index)

    def __len__(self):
        return len(self.items)

    def path(self, i):
        return os.path.join(self.root, self.items[i][0])

    def labels(self):
        return np.array([c for _, c in self.items], dtype=np.int64)


def scan(root):
    """Lists the regular image files of ROOT/<class>/ (one level, sorted by name)."""
    if not os.path.isdir(root):
        raise SystemExit(f"veil-efficacy: {root} is not a folder")
    classes = sorted(d for d in os.listdir(root)
                     if not d.startswith('.') and os.path.isdir(os.path.join(root, d))
                     and not os.path.islink(os.path.join(root, d)))
    items = []
    for index, name in enumerate(classes):
        folder = os.path.join(root, name)
        for entry in sorted(os.listdir(folder)):
            full = os.path.join(folder, entry)
            if entry.lower().endswith(IMAGE_SUFFIXES) and os.path.isfile(full) \
                    and not os.path.islink(full):
                items.append((os.path.join(name, entry), index))
    if len(classes) < 2:
        raise SystemExit(f"veil-efficacy: {root} needs at least two class folders")
    return LabeledFiles(root, classes, items)


def _per_class(files):
    groups = {}
    for item in files.items:
        groups.setdefault(item[1], []).append(item)
    return groups


def subset(files, count):
    """The first COUNT / classes files of every class (balanced, deterministic)."""
    groups = _per_class(files)
    per_class = max(1, count // len(files.classes))
    items = [item for c in sorted(groups) for item in groups[c][:per_class]]
    return LabeledFiles(files.root, files.classes, items)


def split_holdout(files, every=5):
    """Every EVERY-th file of each class becomes the test set (used when no --test is given)."""
    train, test = [], []
    for c, group in sorted(_per_class(files).items()):
        for i, item in enumerate(group):
            (test if i % every == every - 1 else train).append(item)
    return (LabeledFiles(files.root, files.classes, train),
            LabeledFiles(files.root, files.classes, test))


def short_side(path):
    with Image.open(path) as image:
        return min(image.size)


def fit_square(image, size):
    """Shrinks or enlarges the short side to SIZE (antialiased) and crops the centre square."""
    image = image.convert('RGB')
    w, h = image.size
    scale = size / min(w, h)
    if (w, h) != (size, size):
        nw, nh = max(size, round(w * scale)), max(size, round(h * scale))
        if (nw, nh) != (w, h):
            image = image.resize((nw, nh), Image.BICUBIC, reducing_gap=None)
        left, top = (nw - size) // 2, (nh - size) // 2
        image = image.crop((left, top, left + size, top + size))
    return image


def _cache_key(files, size):
    digest = hashlib.sha256()
    digest.update(json.dumps([CACHE_VERSION, size, files.classes]).encode())
    for rel, label in files.items:
        with open(os.path.join(files.root, rel), 'rb') as stream:
            digest.update(hashlib.sha256(stream.read()).digest())
        digest.update(f"{label}\n".encode())
    return digest.hexdigest()[:32]


def decode(files, size, cache_dir=None, log=None):
    """Returns an N x SIZE x SIZE x 3 uint8 array of FILES, from the cache when possible."""
    path = None
    if cache_dir:
        path = os.path.join(cache_dir, f"images-{_cache_key(files, size)}.npy")
        if os.path.exists(path):
            return np.load(path)
    out = np.empty((len(files), size, size, 3), dtype=np.uint8)
    for i in range(len(files)):
        try:
            with Image.open(files.path(i)) as image:
                out[i] = np.asarray(fit_square(image, size))
        except (OSError, ValueError) as error:
            raise SystemExit(f"veil-efficacy: cannot read {files.path(i)}: {error}")
        if log and (i + 1) % 5000 == 0:
            log(f"decoded {i + 1} of {len(files)} images")
    if path:
        os.makedirs(cache_dir, exist_ok=True)
        partial = path + f".{os.getpid()}.partial.npy"
        np.save(partial, out)
        os.replace(partial, path)
    return out


def log_stderr(message):
    print(f"veil-efficacy: {message}", file=sys.stderr, flush=True)
