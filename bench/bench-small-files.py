#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Small-file throughput: Veil's export against the paper's reference pipeline on the same files.

    /usr/bin/python3 bench/bench-small-files.py INPUT [--veil build/src/cli/veil-cli]
        [--work /dev/shm/veil-bench] [--rounds 3] [--threads 1] [-k 3] [--pb 0.3]
        [--veil-before OLD-veil-cli] [--make-from /work/data/cifar/train --count 10000]

INPUT is a labeled folder (one subfolder per class) of small PNGs, e.g. 10 000 CIFAR images;
with --make-from CIFAR --count N it is first made (when missing) from the first N / classes
images of each class folder of CIFAR, saved as RGB PNGs with PIL.
Three passes write to WORK, interleaved round by round so that machine load affects all alike;
each pass reports the median of its rounds (and its best):

  reference  Python: PIL load, one batched torch convolution per class (a k×k filter mixing the
             three colours, as the paper's code does), clamp and round, PIL PNG save.
  plain      Python: PIL load and PNG save, nothing else (decode + re-encode).
  veil       veil-cli protect (--seed 0, --training-res native, --no-check) (plan, decode, protect, encode, write through a temporary file,
             SHA-256, journal, manifest, sync), a separate process, timed whole.

Wall time and CPU time (user + system, all threads) are printed per pass, with the ratios.
The Python passes run in child processes and time themselves after their imports.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time

PYTHON = "/usr/bin/python3"

# The Python passes, run as `python3 THIS --child MODE INPUT OUTPUT K THREADS`.
def child(mode, input_dir, output_dir, k, threads):
    import resource
    import numpy as np
    from PIL import Image
    if mode == "reference":
        import torch
        import torch.nn.functional as F
        torch.set_num_threads(threads)

    def cpu():
        r = resource.getrusage(resource.RUSAGE_SELF)
        return r.ru_utime + r.ru_stime

    classes = sorted(d for d in os.listdir(input_dir)
                     if os.path.isdir(os.path.join(input_dir, d)))
    gen = None
    if mode == "reference":
        gen = torch.Generator().manual_seed(0)
    wall0, cpu0 = time.perf_counter(), cpu()
    for c in classes:
        names = sorted(os.listdir(os.path.join(input_dir, c)))
        os.makedirs(os.path.join(output_dir, c), exist_ok=True)
        images = [Image.open(os.path.join(input_dir, c, n)).convert("RGB") for n in names]
        if mode == "reference":
            batch = torch.from_numpy(np.stack([np.asarray(im) for im in images]))
            batch = batch.permute(0, 3, 1, 2).float()
            kernel = torch.rand(3, 3, k, k, generator=gen)
            kernel = kernel / kernel.sum(dim=(1, 2, 3), keepdim=True)
            out = F.conv2d(batch, kernel, padding=k // 2)
            out = out.clamp(0, 255).round().to(torch.uint8).permute(0, 2, 3, 1).numpy()
            images = [Image.fromarray(a) for a in out]
        for n, im in zip(names, images):
            im.save(os.path.join(output_dir, c, n))
    print(json.dumps({"wall": time.perf_counter() - wall0, "cpu": cpu() - cpu0}))


def make_input(source, input_dir, count):
    from PIL import Image
    classes = sorted(d for d in os.listdir(source) if os.path.isdir(os.path.join(source, d)))
    per_class = count // len(classes)
    for c in classes:
        os.makedirs(os.path.join(input_dir, c))
        for n in sorted(os.listdir(os.path.join(source, c)))[:per_class]:
            stem = os.path.splitext(n)[0]
            Image.open(os.path.join(source, c, n)).convert("RGB").save(
                os.path.join(input_dir, c, stem + ".png"))


def run_python(mode, args, output):
    res = subprocess.run([PYTHON, os.path.abspath(__file__), "--child", mode, args.input, output,
                          str(args.kernel_size), str(args.threads)],
                         check=True, capture_output=True, text=True)
    return json.loads(res.stdout.strip().splitlines()[-1])


def run_veil(args, output, veil):
    cmd = [veil, "protect", "--seed", "0", "--kernel-size", str(args.kernel_size),
           "--pb", str(args.pb), "--training-res", "native", "--threads", str(args.threads),
           "--no-check", "-q", args.input, output]
    before = os.times()
    wall0 = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - wall0
    after = os.times()
    return {"wall": wall, "cpu": (after.children_user - before.children_user)
                                 + (after.children_system - before.children_system)}


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]), int(sys.argv[6]))
        return
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("input")
    p.add_argument("--veil", default="build/src/cli/veil-cli")
    p.add_argument("--veil-before", help="an older veil-cli, timed as a fourth pass")
    p.add_argument("--work", default="/dev/shm/veil-bench")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("-k", "--kernel-size", type=int, default=3)
    p.add_argument("--pb", type=float, default=0.3)
    p.add_argument("--make-from", help="a labeled folder of images to make INPUT from")
    p.add_argument("--count", type=int, default=10000, help="images to make (with --make-from)")
    args = p.parse_args()
    if args.make_from and not os.path.exists(args.input):
        make_input(args.make_from, args.input, args.count)

    n = sum(len(files) for _, _, files in os.walk(args.input))
    times = {}
    modes = ("reference", "plain", "veil") + (("veil-before",) if args.veil_before else ())
    for r in range(args.rounds):
        for mode in modes:
            out = os.path.join(args.work, mode)
            shutil.rmtree(out, ignore_errors=True)
            os.sync()
            if mode.startswith("veil"):
                t = run_veil(args, out, args.veil if mode == "veil" else args.veil_before)
            else:
                t = run_python(mode, args, out)
            print(f"round {r + 1} {mode:11s} wall {t['wall']:7.3f} s  cpu {t['cpu']:7.3f} s",
                  flush=True)
            for key in ("wall", "cpu"):
                times.setdefault(mode, {}).setdefault(key, []).append(t[key])
            shutil.rmtree(out, ignore_errors=True)

    med = {m: {k: statistics.median(v) for k, v in times[m].items()} for m in modes}
    print(f"\n{n} files, {args.threads} thread(s), k {args.kernel_size}; "
          f"median of {args.rounds} rounds (best in brackets):")
    print(f"{'pass':11s} {'wall s':>16s} {'cpu s':>16s} {'img/s':>8s} {'cpu µs/img':>11s}")
    for mode in modes:
        m, t = med[mode], times[mode]
        print(f"{mode:11s} {m['wall']:7.3f} ({min(t['wall']):6.3f}) "
              f"{m['cpu']:7.3f} ({min(t['cpu']):6.3f}) {n / m['wall']:8.0f} "
              f"{m['cpu'] / n * 1e6:11.0f}")
    v = med["veil"]
    for other in modes[:2] + modes[3:]:
        o = med[other]
        print(f"veil vs {other:11s}: {o['wall'] / v['wall']:.2f}× wall, "
              f"{o['cpu'] / v['cpu']:.2f}× cpu (medians; higher: Veil faster)")

if __name__ == "__main__":
    main()
