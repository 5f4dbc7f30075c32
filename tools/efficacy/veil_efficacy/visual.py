# SPDX-License-Identifier: GPL-3.0-or-later
"""How much protection changes the pictures: PSNR and SSIM of protected against original."""
import numpy as np
from PIL import Image


def load(path):
    with Image.open(path) as image:
        return np.asarray(image.convert('RGB'), dtype=np.float64)


def psnr(a, b):
    """Peak signal-to-noise ratio in dB over all channels (peak 255); inf when equal."""
    mse = np.mean((a - b) ** 2)
    return float('inf') if mse == 0 else 10 * np.log10(255.0 ** 2 / mse)


def _gaussian_blur(x, sigma=1.5, radius=5):
    taps = np.exp(-0.5 * (np.arange(-radius, radius + 1) / sigma) ** 2)
    taps /= taps.sum()
    # Separable, 'valid' part only (as the usual SSIM implementations do).
    rows = np.apply_along_axis(lambda r: np.convolve(r, taps, mode='valid'), 1, x)
    return np.apply_along_axis(lambda c: np.convolve(c, taps, mode='valid'), 0, rows)


def ssim(a, b):
    """Structural similarity (Wang et al. 2004: Gaussian window 11, sigma 1.5, K1 0.01, K2 0.03)
    on the luma (ITU-R BT.601) of two RGB arrays; 1 when equal."""
    weights = np.array([0.299, 0.587, 0.114])
    x, y = a @ weights, b @ weights
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
    mx, my = _gaussian_blur(x), _gaussian_blur(y)
    vx = _gaussian_blur(x * x) - mx * mx
    vy = _gaussian_blur(y * y) - my * my
    cxy = _gaussian_blur(x * y) - mx * my
    index = ((2 * mx * my + c1) * (2 * cxy + c2)) / ((mx * mx + my * my + c1) * (vx + vy + c2))
    return float(index.mean())
