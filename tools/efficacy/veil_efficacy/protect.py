# SPDX-License-Identifier: GPL-3.0-or-later
"""Stages the training images in a private folder and protects them with veil-cli."""
import json
import os
import shutil
import subprocess

from PIL import Image

from . import dataset


def stage(files, folder, enlarge=1):
    """Copies FILES into FOLDER/<class>/ (enlarged ENLARGE times, as JPEG quality 95, when
    ENLARGE > 1: photos larger than the training resolution, as a photographer's are)."""
    staged = []
    for rel, label in files.items:
        source = os.path.join(files.root, rel)
        if enlarge > 1:
            rel = os.path.splitext(rel)[0] + '.jpg'
        target = os.path.join(folder, rel)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        if enlarge > 1:
            with Image.open(source) as image:
                image = image.convert('RGB')
                big = image.resize((image.width * enlarge, image.height * enlarge),
                                   Image.BICUBIC)
                big.save(target, quality=95)
        else:
            shutil.copyfile(source, target)
        staged.append((rel, label))
    return dataset.LabeledFiles(folder, files.classes, staged)


def protect(veil_cli, staged, out_folder, options, log):
    """Runs `veil-cli protect` on STAGED with OPTIONS; returns the protected files (same order)
    and the manifest's facts that are safe to report (never the key)."""
    command = [veil_cli, 'protect', staged.root, out_folder, '--quiet', '--no-check'] + options
    log(f"protecting {len(staged)} images with veil-cli")
    result = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if result.returncode != 0:
        raise SystemExit(f"veil-efficacy: veil-cli protect failed (exit {result.returncode}):\n"
                         f"{result.stderr.strip()}")
    with open(os.path.join(out_folder, 'veil-manifest.json')) as stream:
        manifest = json.load(stream)
    outputs = {entry['source']: entry for entry in manifest.get('images', [])}
    items = []
    for rel, label in staged.items:
        entry = outputs.get(rel)
        if entry is None or entry.get('status') not in ('protected', 'unchanged'):
            raise SystemExit(f"veil-efficacy: veil-cli wrote no protected copy of {rel}")
        items.append((entry['output'], label))
    summary = manifest.get('summary', {})
    facts = {'parameters': manifest.get('parameters'),
             'key_kind': manifest.get('key', {}).get('kind'),
             'key_fingerprint': manifest.get('key', {}).get('fingerprint'),
             'protected_images': summary.get('protected'),
             'unchanged_images': summary.get('unchanged')}
    return dataset.LabeledFiles(out_folder, staged.classes, items), facts
