#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
# Smoke test of the efficacy lab: a tiny synthetic dataset of three texture classes, one epoch,
# through veil-cli; checks the JSON, the cache and the countermeasures. Exit 77 without torch.
import json
import os
import subprocess
import sys
import tempfile

try:
    import numpy as np
    import torch
    from PIL import Image
except ImportError as error:
    print(f"# SKIP {error.name} is not installed (tools/install-deps --efficacy)")
    sys.exit(77)

ROOT = os.environ.get('VEIL_SOURCE_ROOT',
                      os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
LAB = os.path.join(ROOT, 'tools', 'efficacy', 'veil-efficacy')
VEIL_CLI = os.environ['VEIL_CLI']
sys.path.insert(0, os.path.join(ROOT, 'tools', 'efficacy'))
from veil_efficacy import banks, countermeasures, models, training, visual  # noqa: E402

failures = 0


def check(condition, what):
    global failures
    print(('ok' if condition else 'FAILED') + ' - ' + what)
    if not condition:
        failures += 1


def texture(kind, rng):
    """32 x 32 RGB: horizontal stripes, vertical stripes or a checkerboard, with noise."""
    y, x = np.mgrid[0:32, 0:32]
    period = rng.integers(3, 7)
    pattern = {'rows': y // period % 2, 'columns': x // period % 2,
               'checks': (x // period + y // period) % 2}[kind]
    base = pattern[..., None] * rng.uniform(120, 200, 3) + rng.uniform(20, 60, 3)
    return np.clip(base + rng.normal(0, 12, base.shape), 0, 255).astype(np.uint8)


def make_dataset(folder, per_class, seed):
    rng = np.random.default_rng(seed)
    for kind in ('checks', 'columns', 'rows'):
        os.makedirs(os.path.join(folder, kind))
        for i in range(per_class):
            Image.fromarray(texture(kind, rng)).save(os.path.join(folder, kind, f"{i:03}.png"))


def run_lab(work, out, *options):
    command = [LAB, '--train', os.path.join(work, 'train'), '--test', os.path.join(work, 'test'),
               '--epochs', '1', '--seeds', '2', '--batch-size', '8', '--training-res', 'native',
               '--veil-cli', VEIL_CLI, '--cache-dir', os.path.join(work, 'cache'),
               '--json', out] + list(options)
    return subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_countermeasures():
    images = torch.rand(4, 3, 32, 32)
    flat = torch.full((1, 3, 30, 30), 0.4)
    rows = countermeasures.low_pass_projection(30)
    check(torch.allclose(rows @ flat @ rows.T, flat, atol=1e-5),
          "the DCT low-pass keeps a flat image")
    check(abs(torch.trace(rows).item() - 9) < 1e-4, "the low-pass keeps 30 % of 30 frequencies")
    rsk = countermeasures.RandomSharpenLowPass(torch.Generator().manual_seed(1))
    out = rsk(images)
    check(out.shape == (4, 3, 30, 30) and out.min() >= 0 and out.max() <= 1,
          "RSK+FF gives clipped images two pixels smaller")
    kernels = rsk._kernels(20000)
    check(abs(kernels[:, 1, 1].mean().item() - 2.5) < 0.01
          and abs(kernels[:, 0, 1].mean().item() + 0.375) < 0.01
          and kernels[:, 0, 0].abs().max().item() == 0,
          "sharpening kernels: centre about 2.5, cross neighbours about -0.375, corners 0")
    grey = countermeasures.grayscale(np.array([[[[255, 0, 0]]]], dtype=np.uint8))
    check(grey.tolist() == [[[[76, 76, 76]]]], "grayscale is BT.601 luma in three channels")
    framed = np.zeros((2, 32, 32, 3), dtype=np.uint8)
    framed[:, 2:30, 2:30] = 200
    cut = countermeasures.Plan(['crop-border'], 'native')
    check(cut.train_images(framed).shape == (2, 28, 28, 3) and cut.train_images(framed).min() == 200
          and cut.test_images(framed).shape == (2, 28, 28, 3),
          "crop-border cuts a frame of 2 pixels off 32-pixel training and test pictures")
    with torch.no_grad():
        shapes = [models.build(name, 3).eval()(torch.rand(2, 3, 32, 32)).shape
                  for name in ('small', 'resnet18')]
    check(shapes == [(2, 3), (2, 3)], "both networks give one score per class")
    crop = training.random_crop_flip(torch.rand(3, 3, 30, 30), 32, torch.Generator())
    check(crop.shape == (3, 3, 32, 32), "crop and flip give the training size")
    try:
        countermeasures.parse('sharpen')
        check(False, "an unknown countermeasure is refused")
    except SystemExit as error:
        check('sharpen' in str(error), "an unknown countermeasure is refused by name")


def test_banks():
    """The lab's copy of the derivation gives doc/filter-derivation.md's examples."""
    def bits(bank):
        return [f"{v:08x}" for v in bank.view(np.uint32).reshape(-1)]
    check(bits(banks.key_filter(bytes(range(32)), 'cat', 3, 0.3))
          == ['3e88a9df', '3e90ae5a', '3d845fd0', '3e397fbc', '3e5f8a4f', '3dcec617',
              '3f800000', '3c01e925', '3e6aac24'], "key-mode filter of the specification")
    check(bits(banks.key_filter(bytes(range(32)), 'dog', 3, 0.3, derivation=2))
          == ['3e52078c', '3e5945a5', '3e041d41', '3e2251eb', '3e971989', '3f800000',
              '3dbc4f9b', '3dabc386', '3e8a1cb6'], "filter of the rule tried in doc/EFFICACY.md (derivation 2)")
    check(bits(banks.seed_bank(0, 1, 3, 0.3))
          == ['3e289873', '3e5bb4c8', '3f800000', '3e27635b', '3e022592', '3e466b2e',
              '3e066d42', '3e88f9f1', '3e9404c3'], "seed-mode filter of the specification")
    same = np.stack([banks.seed_bank(0, 1, 3, 0.3)[0]] * 2)
    check(banks.distances(same, 32)[0, 1] == 0
          and banks.properties(banks.seed_bank(0, 10, 3, 0.3), 32)['min_distance'] > 0,
          "identical filters are at distance 0, a seed bank's are apart")


def test_visual():
    rng = np.random.default_rng(5)
    y, x = np.mgrid[0:32, 0:32]
    image = np.repeat((100.0 + 3 * x + y)[..., None], 3, axis=2)
    noisy = image + rng.normal(0, 10, image.shape)
    check(visual.psnr(image, image) == float('inf') and abs(visual.ssim(image, image) - 1) < 1e-9,
          "PSNR and SSIM of an image against itself: infinite and 1")
    check(27 < visual.psnr(image, noisy) < 29.5 and visual.ssim(image, noisy) < 0.9,
          "noise of 10 grey levels on a smooth picture: PSNR about 28 dB, SSIM well below 1")


def test_lab(work):
    env_home = os.path.join(work, 'home')
    os.environ['XDG_DATA_HOME'] = env_home
    subprocess.run([VEIL_CLI, 'keygen', 'smoke'], check=True, stdout=subprocess.DEVNULL)
    key_file = os.path.join(work, 'smoke.key')
    subprocess.run([VEIL_CLI, 'keys', 'export', 'smoke', key_file], check=True,
                   stdout=subprocess.DEVNULL)
    with open(key_file) as stream:
        secret = [line.split('=', 1)[1].strip() for line in stream if line.startswith('Secret=')]
    check(len(secret) == 1 and len(secret[0]) == 64, "the exported key file holds a secret")

    out = os.path.join(work, 'key.json')
    result = run_lab(work, out, '--key-file', key_file, '--mix', '0.5')
    check(result.returncode == 0, "the lab runs with a key file"
          + (f" ({result.stderr[-400:]!r})" if result.returncode else ""))
    with open(out) as stream:
        data = json.load(stream)
    for name in ('clean_acc', 'protected_acc'):
        check(0 <= data[name] <= 100, f"{name} is a percentage")
        check(len(data[name.split('_')[0]]['per_seed']) == 2, f"{name} has one value per seed")
    check(data['train_images'] == 24 and data['test_images'] == 12, "image counts")
    check(sorted(data['per_class']['protected']) == ['checks', 'columns', 'rows']
          and all(0 <= v <= 100 for v in data['per_class']['clean'].values()),
          "per-class accuracies are reported")
    check(data['protection']['key_kind'] == 'secret'
          and data['protection']['parameters']['mix'] == 0.5,
          "the manifest's settings are reported, the --mix option was passed on")
    check(data['protection']['unchanged_images'] > 0, "mix 0.5 left some images unchanged")
    check('epoch 1/1' in result.stderr, "progress lines are printed")
    raw = open(out, 'rb').read()
    check(secret[0].lower().encode() not in raw.lower() and key_file.encode() not in raw,
          "neither the key nor its file name reaches the JSON")

    again = os.path.join(work, 'again.json')
    result = run_lab(work, again, '--key-file', key_file, '--mix', '0.5')
    with open(again) as stream:
        repeated = json.load(stream)
    check('(cached)' in result.stderr and repeated['clean'] == data['clean']
          and repeated['protected'] == data['protected'], "a repeated run comes from the cache")

    out = os.path.join(work, 'rsk.json')
    result = run_lab(work, out, '--seed', '0', '--countermeasure',
                     'rsk-ff,scrape,grayscale,crop-border',
                     '--no-cache')
    check(result.returncode == 0, "the lab runs with countermeasures"
          + (f" ({result.stderr[-400:]!r})" if result.returncode else ""))
    with open(out) as stream:
        check(json.load(stream)['countermeasures'] == ['rsk-ff', 'scrape', 'grayscale',
                                                        'crop-border'],
              "the countermeasures are reported")

    result = run_lab(work, out, '--seed', '0', '--countermeasure', 'train-2r')
    check(result.returncode != 0 and 'train-2r' in result.stderr,
          "train-2r without a numeric training resolution is refused")
    missing = os.path.join(work, 'missing')
    result = subprocess.run([LAB, '--train', missing, '--seed', '0', '--json', out,
                             '--veil-cli', VEIL_CLI], stderr=subprocess.PIPE, text=True)
    check(result.returncode != 0 and missing in result.stderr, "a missing folder is named")

    visual_tool = os.path.join(ROOT, 'tools', 'efficacy', 'veil-efficacy-visual')
    result = subprocess.run([visual_tool, '--train', os.path.join(work, 'train'), '--images', '6',
                             '--seed', '0', '-k', '3', '--pb', '0.3', '--training-res', 'native',
                             '--veil-cli', VEIL_CLI, '--json', out],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    with open(out) as stream:
        cost = json.load(stream)
    check(result.returncode == 0 and cost['images'] == 6 and 5 < cost['psnr_mean'] < 60
          and 0 < cost['ssim_mean'] < 1, "the visual cost of protection is measured")


test_countermeasures()
test_banks()
test_visual()
with tempfile.TemporaryDirectory(prefix='veil-efficacy-test-') as work:
    make_dataset(os.path.join(work, 'train'), 8, 1)
    make_dataset(os.path.join(work, 'test'), 4, 2)
    test_lab(work)
sys.exit(1 if failures else 0)
