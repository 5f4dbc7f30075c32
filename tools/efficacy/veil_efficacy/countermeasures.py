# SPDX-License-Identifier: GPL-3.0-or-later
"""What a trainer may do to a scraped training set to defeat unlearnable examples.

Each countermeasure is written from its paper's description:
- jpeg10, grayscale: Image Shortcut Squeezing (Liu, Zhao and Larson, ICML 2023). The training
  images are saved as JPEG at quality 10, or all images (training and test) are turned grey.
- rsk-ff: Kim and Sandoval-Segura, "Learning from Convolution-based Unlearnable Datasets" (2024).
  Each training image, every time it is drawn, is sharpened with its own random 3 x 3 cross-shaped
  kernel (centre ~ N(2.5, 0.1), each of the four neighbours ~ N(-(centre - 1) / 4, 0.1), applied
  without padding, result clipped to [0, 1]), then low-pass filtered in the DCT domain keeping
  only the lowest 30 % of the rows and of the columns of coefficients (clipped again), before the
  usual crop and flip.
- scrape: what a scraper does to a downloaded photo: shrink to the training size, then save as
  JPEG at quality 75.
- train-2r: train at twice the short side Veil assumed with --training-res.
- crop-border: a trainer who suspects a frame (the paper's zero padding darkens a border as wide
  as half the filter) cuts a sixteenth of each side off every training and test picture (2 pixels
  at 32) and trains at the smaller size. Not from a paper: it checks whether protection lives in
  the frame.
"""
import io
import math

import numpy as np
import torch
from PIL import Image

NAMES = ('none', 'jpeg10', 'grayscale', 'rsk-ff', 'scrape', 'train-2r', 'crop-border')

RSK_CENTRE_MEAN = 2.5
RSK_SPREAD = 0.1
FF_KEPT_PERCENT = 30


def parse(text):
    """'scrape,train-2r' -> ['scrape', 'train-2r'] ('none' or empty -> [])."""
    names = [n.strip() for n in (text or 'none').split(',') if n.strip()]
    for name in names:
        if name not in NAMES:
            raise SystemExit(f"veil-efficacy: unknown countermeasure {name!r} "
                             f"(choose from {', '.join(NAMES)})")
    return [n for n in names if n != 'none']


def jpeg(images, quality):
    """Every image of the N x H x W x 3 uint8 array through a JPEG encoder at QUALITY."""
    out = np.empty_like(images)
    for i, image in enumerate(images):
        buffer = io.BytesIO()
        Image.fromarray(image).save(buffer, format='JPEG', quality=quality)
        buffer.seek(0)
        with Image.open(buffer) as decoded:
            out[i] = np.asarray(decoded.convert('RGB'))
    return out


def grayscale(images):
    """ITU-R BT.601 luma copied into all three channels."""
    luma = images.astype(np.float32) @ np.array([0.299, 0.587, 0.114], dtype=np.float32)
    luma = np.clip(np.rint(luma), 0, 255).astype(np.uint8)
    return np.repeat(luma[..., None], 3, axis=-1)


def crop_border(images):
    """The N x H x W x 3 array without a border of max(1, side // 16) pixels on every side."""
    _, h, w, _ = images.shape
    border = max(1, min(h, w) // 16)
    return np.ascontiguousarray(images[:, border:h - border, border:w - border])


def _dct_matrix(n):
    """Orthonormal DCT-II matrix: row f is the f-th cosine basis vector."""
    k = torch.arange(n, dtype=torch.float32)
    basis = torch.cos(math.pi * (k[None, :] + 0.5) * k[:, None] / n)
    basis[0] *= 1 / math.sqrt(2)
    return basis * math.sqrt(2 / n)


def low_pass_projection(n, kept_percent=FF_KEPT_PERCENT):
    """N x N matrix that keeps the lowest int(N * kept_percent / 100) DCT frequencies."""
    d = _dct_matrix(n)
    kept = int(n * kept_percent / 100)
    return d[:kept].T @ d[:kept]


class RandomSharpenLowPass:
    """RSK+FF on a batch of float images in [0, 1], B x 3 x H x W; returns B x 3 x (H-2) x (W-2)."""

    def __init__(self, generator):
        self.generator = generator
        self.projections = {}

    def _kernels(self, count):
        g = self.generator
        centre = RSK_CENTRE_MEAN + RSK_SPREAD * torch.randn(count, generator=g)
        neighbour = (centre - 1)[:, None] / 4 + RSK_SPREAD * torch.randn(count, 4, generator=g)
        kernels = torch.zeros(count, 3, 3)
        kernels[:, 1, 1] = centre
        kernels[:, 0, 1], kernels[:, 1, 0] = -neighbour[:, 0], -neighbour[:, 1]
        kernels[:, 1, 2], kernels[:, 2, 1] = -neighbour[:, 2], -neighbour[:, 3]
        return kernels

    def __call__(self, batch):
        b, c, h, w = batch.shape
        # One kernel per image, shared by its three channels: a grouped convolution over B*C.
        kernels = self._kernels(b).repeat_interleave(c, dim=0)[:, None]
        sharp = torch.nn.functional.conv2d(batch.reshape(1, b * c, h, w), kernels, groups=b * c)
        sharp = sharp.reshape(b, c, h - 2, w - 2).clamp(0, 1)
        rows = self.projections.setdefault(h - 2, low_pass_projection(h - 2))
        cols = self.projections.setdefault(w - 2, low_pass_projection(w - 2))
        return (rows @ sharp @ cols.T).clamp(0, 1)


class Plan:
    """What the chosen countermeasures do: to the training array once, to the test array once,
    to every training batch, and to the size the model trains at."""

    def __init__(self, names, training_res):
        self.names = names
        self.training_res = training_res

    def image_size(self, native_size):
        base = self.training_res if isinstance(self.training_res, int) else native_size
        if 'train-2r' in self.names:
            if not isinstance(self.training_res, int):
                raise SystemExit("veil-efficacy: train-2r needs a numeric --training-res")
            return 2 * base
        return base

    def train_images(self, images):
        if 'scrape' in self.names:
            images = jpeg(images, 75)
        if 'jpeg10' in self.names:
            images = jpeg(images, 10)
        if 'grayscale' in self.names:
            images = grayscale(images)
        if 'crop-border' in self.names:
            images = crop_border(images)
        return images

    def test_images(self, images):
        if 'grayscale' in self.names:
            images = grayscale(images)
        if 'crop-border' in self.names:
            images = crop_border(images)
        return images

    def batch_transform(self, generator):
        return RandomSharpenLowPass(generator) if 'rsk-ff' in self.names else None
