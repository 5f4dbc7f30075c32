# SPDX-License-Identifier: GPL-3.0-or-later
"""veil-efficacy's command line: protect, train on clean and protected data, compare."""
import argparse
import json
import os
import statistics
import sys
import tempfile
import time

import torch

from . import countermeasures, dataset, models, protect, results_cache, training

DESCRIPTION = """\
Measures whether Veil's protection works on a labeled folder: protects the training images with
veil-cli, trains the same network with the same budget and seeds on the clean and on the
protected copy, and reports the accuracy of both on clean test images. A low protected accuracy
next to a high clean one means the protection works. Options not listed here (for example --mix,
--format, --quality) are passed to "veil-cli protect"."""


def _parser():
    p = argparse.ArgumentParser(prog='veil-efficacy', description=DESCRIPTION)
    p.add_argument('--train', required=True, metavar='DIR',
                   help='labeled folder (one subfolder per class) to protect and train on')
    p.add_argument('--test', metavar='DIR',
                   help='labeled folder of clean test images (default: every 5th image of '
                        '--train is held out)')
    key = p.add_mutually_exclusive_group(required=True)
    key.add_argument('--key', metavar='NAME', help='key NAME from your key store')
    key.add_argument('--key-file', metavar='FILE', help='key in FILE')
    key.add_argument('--seed', metavar='N', help="the paper's integer seed N (Veil's seed mode)")
    p.add_argument('-k', '--kernel-size', metavar='K', help='filter size (veil-cli default 3)')
    p.add_argument('--pb', metavar='PB', help='filter strength (veil-cli default 0.3)')
    p.add_argument('--training-res', metavar='R', default='224',
                   help='short side Veil assumes a model trains at, or "native" (default 224); '
                        'the lab trains at min(R, image size)')
    p.add_argument('--countermeasure', metavar='NAME', default='none',
                   help='what the trainer does, comma-separated: '
                        + ', '.join(countermeasures.NAMES) + ' (default none)')
    p.add_argument('--subset', type=int, metavar='N',
                   help='use only N training images (balanced over classes)')
    p.add_argument('--test-subset', type=int, metavar='N',
                   help='use only N test images (balanced over classes)')
    p.add_argument('--enlarge', type=int, default=1, metavar='F',
                   help='enlarge the training images F times (JPEG quality 95) before protecting '
                        'them: small images standing in for photos larger than R')
    p.add_argument('--epochs', type=int, default=10, metavar='N', help='default 10')
    p.add_argument('--seeds', type=int, default=2, metavar='N',
                   help='training seeds 0 .. N-1 (default 2); results are means over seeds')
    p.add_argument('--model', choices=sorted(models.MODELS), default='small',
                   help='small VGG-style CNN (default) or resnet18 (for more cores)')
    p.add_argument('--batch-size', type=int, default=128, metavar='N')
    p.add_argument('--learning-rate', type=float, default=0.05, metavar='LR')
    p.add_argument('--threads', type=int, metavar='N',
                   help='CPU threads for training (default 1: on a shared machine more threads '
                        'are slower)')
    p.add_argument('--veil-cli', metavar='PATH', help='veil-cli to use (default: the build tree)')
    p.add_argument('--cache-dir', metavar='DIR',
                   help='where decoded images and finished runs are cached '
                        '(default $XDG_CACHE_HOME/veil-efficacy)')
    p.add_argument('--no-cache', action='store_true', help='neither read nor write the cache')
    p.add_argument('--json', required=True, metavar='OUT', help='write the results to OUT')
    return p


def _find_veil_cli(explicit):
    if explicit:
        return explicit
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
        os.path.abspath(__file__)))))
    built = os.path.join(root, 'build', 'src', 'cli', 'veil-cli')
    if os.access(built, os.X_OK):
        return built
    for folder in os.environ.get('PATH', '').split(os.pathsep):
        candidate = os.path.join(folder, 'veil-cli')
        if os.access(candidate, os.X_OK):
            return candidate
    raise SystemExit("veil-efficacy: veil-cli not found; build Veil or pass --veil-cli PATH")


def _protect_options(args, passthrough):
    options = []
    if args.key is not None:
        options += ['--key', args.key]
    elif args.key_file is not None:
        options += ['--key-file', args.key_file]
    else:
        options += ['--seed', args.seed]
    if args.kernel_size is not None:
        options += ['-k', args.kernel_size]
    if args.pb is not None:
        options += ['--pb', args.pb]
    options += ['--training-res', args.training_res]
    return options + passthrough


def _training_res(text):
    if text == 'native':
        return 'native'
    try:
        return int(text)
    except ValueError:
        raise SystemExit(f"veil-efficacy: --training-res must be a number or native, not {text}")


def _summary(values):
    return {'mean': round(statistics.mean(values), 2),
            'per_seed': [round(v, 2) for v in values],
            'min': round(min(values), 2), 'max': round(max(values), 2)}


def _class_means(runs):
    """Per-class accuracy averaged over seeds (None where a cached run predates it)."""
    if not runs or any(r is None for r in runs):
        return []
    return [round(statistics.mean(values), 1) if None not in values else None
            for values in zip(*runs)]


def main(argv=None):
    args, passthrough = _parser().parse_known_args(argv)
    for option in passthrough:
        if option in ('--json', '--quiet', '-q', '--no-check', '--resume', '--shard'):
            raise SystemExit(f"veil-efficacy: {option} cannot be passed to veil-cli here")
    if args.epochs < 1 or args.seeds < 1 or args.enlarge < 1:
        raise SystemExit("veil-efficacy: --epochs, --seeds and --enlarge must be at least 1")
    torch.set_num_threads(args.threads or 1)
    log = dataset.log_stderr
    veil_cli = _find_veil_cli(args.veil_cli)
    cache_dir = None if args.no_cache else (args.cache_dir or results_cache.default_dir())
    plan = countermeasures.Plan(countermeasures.parse(args.countermeasure),
                                _training_res(args.training_res))
    budget = training.Budget(args.epochs, args.batch_size, args.learning_rate, args.model)

    train_files = dataset.scan(args.train)
    if args.test:
        test_files = dataset.scan(args.test)
        if test_files.classes != train_files.classes:
            raise SystemExit("veil-efficacy: --train and --test have different class folders")
    else:
        train_files, test_files = dataset.split_holdout(train_files)
    if args.subset:
        train_files = dataset.subset(train_files, args.subset)
    if args.test_subset:
        test_files = dataset.subset(test_files, args.test_subset)
    if len(train_files) == 0 or len(test_files) == 0:
        raise SystemExit("veil-efficacy: no training or no test images found")

    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix='veil-efficacy-') as work:
        staged = protect.stage(train_files, os.path.join(work, 'clean'), args.enlarge)
        native = dataset.short_side(staged.path(0))
        size = plan.image_size(native)
        if isinstance(plan.training_res, int) and 'train-2r' not in plan.names:
            size = min(size, native)
        protected, facts = protect.protect(veil_cli, staged, os.path.join(work, 'protected'),
                                           _protect_options(args, passthrough), log)
        log(f"decoding {len(staged)} training images at {size} x {size} pixels")
        clean_x = dataset.decode(staged, size, cache_dir, log)
        protected_x = dataset.decode(protected, size, cache_dir, log)
    test_x = dataset.decode(test_files, size, cache_dir, log)
    train_y, test_y = staged.labels(), test_files.labels()

    if plan.names:
        log(f"applying {', '.join(plan.names)} to the training images")
    clean_x, protected_x = plan.train_images(clean_x), plan.train_images(protected_x)
    test_x = plan.test_images(test_x)
    test_digest = results_cache.digest_arrays(test_x, test_y)

    accuracies = {'clean': [], 'protected': []}
    per_class = {'clean': [], 'protected': []}
    for seed in range(args.seeds):
        for name, images in (('clean', clean_x), ('protected', protected_x)):
            run = results_cache.run_key(
                results_cache.digest_arrays(images, train_y) + test_digest,
                {'budget': budget.as_dict(), 'seed': seed, 'countermeasures': plan.names})
            cached = results_cache.load_run(cache_dir, run)
            if cached is None:
                accuracy, classes = training.train_and_test(
                    images, train_y, test_x, test_y, len(train_files.classes), budget, seed,
                    plan.batch_transform, log, f"{name}, training seed {seed}")
                results_cache.store_run(cache_dir, run, accuracy, classes)
                log(f"{name}, training seed {seed}: test accuracy {accuracy:.2f} %")
            else:
                accuracy, classes = cached
                log(f"{name}, training seed {seed}: test accuracy {accuracy:.2f} % (cached)")
            accuracies[name].append(accuracy)
            per_class[name].append(classes)

    clean, prot = _summary(accuracies['clean']), _summary(accuracies['protected'])
    result = {
        'clean_acc': clean['mean'],
        'protected_acc': prot['mean'],
        'clean': clean,
        'protected': prot,
        'drop': round(clean['mean'] - prot['mean'], 2),
        'chance': round(100 / len(train_files.classes), 2),
        'per_class': {name: dict(zip(train_files.classes, _class_means(runs)))
                      for name, runs in per_class.items()},
        'countermeasures': plan.names,
        'protection': facts,
        'enlarge': args.enlarge,
        'image_size': size,
        'train_images': len(train_files),
        'test_images': len(test_files),
        'classes': train_files.classes,
        'budget': budget.as_dict(),
        'seconds': round(time.monotonic() - started),
    }
    partial = args.json + '.partial'
    with open(partial, 'w') as stream:
        json.dump(result, stream, indent=2)
        stream.write('\n')
    os.replace(partial, args.json)
    print(f"clean test accuracy {clean['mean']:.1f} % "
          f"({', '.join(f'{v:.1f}' for v in clean['per_seed'])}); "
          f"protected {prot['mean']:.1f} % ({', '.join(f'{v:.1f}' for v in prot['per_seed'])}); "
          f"chance {result['chance']:.1f} %")
    return 0


if __name__ == '__main__':
    sys.exit(main())
