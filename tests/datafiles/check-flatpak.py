#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks the Flatpak manifest's structure, keys and types, since it cannot be built offline.

Usage: check-flatpak.py MANIFEST SOURCE_ROOT [--self-test]

--self-test instead breaks a copy of the manifest in several ways and fails unless the check
rejects every broken copy, so a check that accepts anything cannot pass.
"""
import copy
import glob
import json
import os
import re
import sys

APP_ID_RE = re.compile(r'^[A-Za-z_][\w-]*(\.[A-Za-z_][\w-]*){2,}$')
REQUIRED_FINISH_ARGS = {'--share=ipc', '--socket=fallback-x11', '--socket=wayland', '--device=dri'}
# Broader than the app needs: folders come through the file chooser portal, the app talks to no
# network and no other service.
FORBIDDEN_FINISH_ARGS = re.compile(
    r'^--(filesystem=(host|host-os|host-etc|home|/|~)(:.*)?|filesystem=xdg-[a-z-]+.*|'
    r'device=all|socket=x11|socket=session-bus|socket=system-bus|share=network|'
    r'talk-name=org\.freedesktop\.Flatpak|socket=ssh-auth|socket=pcsc)$')
TOP_KEYS = {
    'app-id': str, 'id': str, 'runtime': str, 'runtime-version': str, 'sdk': str, 'command': str,
    'finish-args': list, 'modules': list, 'cleanup': list, 'cleanup-commands': list,
    'build-options': dict, 'sdk-extensions': list, 'add-extensions': dict, 'rename-icon': str,
    'rename-desktop-file': str, 'rename-appdata-file': str, 'separate-locales': bool,
}
MODULE_KEYS = {
    'name': str, 'buildsystem': str, 'sources': list, 'config-opts': list, 'make-args': list,
    'make-install-args': list, 'build-commands': list, 'post-install': list, 'cleanup': list,
    'build-options': dict, 'builddir': bool, 'subdir': str, 'no-autogen': bool,
    'modules': list, 'disabled': bool, 'only-arches': list, 'skip-arches': list,
    'cleanup-platform': list, 'run-tests': bool, 'test-commands': list, 'test-rule': str,
    'ensure-writable': list, 'install-rule': str, 'no-make-install': bool,
    'no-parallel-make': bool, 'rm-configure': bool, 'x-checker-data': dict,
}
BUILDSYSTEMS = {'autotools', 'cmake', 'cmake-ninja', 'meson', 'simple', 'qmake'}
SOURCE_TYPES = {'archive', 'git', 'bzr', 'svn', 'dir', 'file', 'script', 'shell', 'patch',
                'extra-data'}
BUILD_OPTION_KEYS = {
    'cflags': str, 'cppflags': str, 'cxxflags': str, 'ldflags': str, 'prefix': str,
    'libdir': str, 'append-path': str, 'prepend-path': str, 'append-ld-library-path': str,
    'prepend-ld-library-path': str, 'append-pkg-config-path': str, 'env': dict,
    'build-args': list, 'config-opts': list, 'make-args': list, 'make-install-args': list,
    'strip': bool, 'no-debuginfo': bool, 'arch': dict,
}


def is_str_list(value):
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


# Lists whose items are objects; every other list in a manifest holds strings.
OBJECT_LISTS = {'modules', 'sources', 'sdk-extensions'}


def check_keys(obj, allowed, where, problems):
    for key, value in obj.items():
        kind = allowed.get(key)
        if kind is None:
            problems.append(f'{where}: unknown key “{key}”')
        elif not isinstance(value, kind):
            problems.append(f'{where}: “{key}” must be a {kind.__name__}')
        elif kind is list and key not in OBJECT_LISTS and not is_str_list(value):
            problems.append(f'{where}: “{key}” must be a list of strings')


def check_build_options(options, where, problems):
    check_keys(options, BUILD_OPTION_KEYS, where, problems)
    for arch, arch_options in options.get('arch', {}).items():
        if not isinstance(arch_options, dict):
            problems.append(f'{where}.arch.{arch}: must be an object')
        else:
            check_build_options(arch_options, f'{where}.arch.{arch}', problems)


def check_source(source, where, problems):
    if not isinstance(source, dict):
        problems.append(f'{where}: a source must be an object')
        return
    kind = source.get('type')
    if kind not in SOURCE_TYPES:
        problems.append(f'{where}: unknown source type {kind!r}')
        return
    if kind in ('archive', 'file'):
        url = source.get('url')
        if not isinstance(url, str) or not url.startswith('https://'):
            if 'path' not in source:
                problems.append(f'{where}: an {kind} source needs an https “url” (or a “path”)')
        if 'url' in source and not re.fullmatch(r'[0-9a-f]{64}', str(source.get('sha256', ''))):
            problems.append(f'{where}: a downloaded {kind} needs a “sha256” of 64 hex digits')
    elif kind == 'dir':
        if not isinstance(source.get('path'), str):
            problems.append(f'{where}: a dir source needs a “path” string')
        if 'skip' in source and not is_str_list(source['skip']):
            problems.append(f'{where}: “skip” must be a list of strings')
    elif kind == 'git':
        if not isinstance(source.get('url'), str):
            problems.append(f'{where}: a git source needs a “url”')
        if not any(isinstance(source.get(k), str) for k in ('commit', 'tag')):
            problems.append(f'{where}: a git source must pin a “commit” or “tag”')


def check_module(module, where, problems):
    if not isinstance(module, dict):
        problems.append(f'{where}: a module must be an object')
        return
    check_keys(module, MODULE_KEYS, where, problems)
    name = module.get('name')
    if not isinstance(name, str) or not name:
        problems.append(f'{where}: a module needs a non-empty “name”')
    if module.get('buildsystem', 'autotools') not in BUILDSYSTEMS:
        problems.append(f'{where}: unknown buildsystem {module.get("buildsystem")!r}')
    if module.get('buildsystem') == 'simple' and not is_str_list(module.get('build-commands')):
        problems.append(f'{where}: a simple module needs “build-commands”')
    sources = module.get('sources')
    if not isinstance(sources, list) or not sources:
        problems.append(f'{where}: “sources” must be a non-empty list')
    else:
        for i, source in enumerate(sources):
            check_source(source, f'{where}.sources[{i}]', problems)
    if isinstance(module.get('build-options'), dict):
        check_build_options(module['build-options'], f'{where}.build-options', problems)
    for i, child in enumerate(module.get('modules', [])):
        check_module(child, f'{where}.modules[{i}]', problems)


def desktop_ids(root):
    return {os.path.basename(p)[:-len('.desktop.in')]
            for p in glob.glob(os.path.join(root, 'data', '*.desktop.in'))}


def check(manifest, manifest_dir, root):
    problems = []
    if not isinstance(manifest, dict):
        return ['the manifest must be a JSON object']
    check_keys(manifest, TOP_KEYS, 'manifest', problems)

    app_id = manifest.get('app-id', manifest.get('id'))
    if not isinstance(app_id, str) or not APP_ID_RE.match(app_id):
        problems.append(f'app-id {app_id!r} is not a reverse-DNS application id')
    elif app_id not in desktop_ids(root):
        problems.append(f'app-id {app_id} differs from the desktop file id(s) '
                        f'{sorted(desktop_ids(root))}')
    if manifest.get('runtime') != 'org.gnome.Platform':
        problems.append('runtime must be org.gnome.Platform')
    if manifest.get('sdk') != 'org.gnome.Sdk':
        problems.append('sdk must be org.gnome.Sdk')
    version = manifest.get('runtime-version')
    if not isinstance(version, str) or not re.fullmatch(r'\d+(\.\d+)?', version):
        problems.append(f'runtime-version {version!r} must be a GNOME release string such as "47"')
    elif int(version.split('.')[0]) < 44:
        problems.append(f'runtime-version {version} is not a current GNOME release')
    if manifest.get('command') != 'veil':
        problems.append('command must be "veil"')

    finish_args = manifest.get('finish-args')
    if not is_str_list(finish_args):
        problems.append('finish-args must be a list of strings')
    else:
        for arg in finish_args:
            if not arg.startswith('--'):
                problems.append(f'finish-args: {arg!r} is not an option')
            if FORBIDDEN_FINISH_ARGS.match(arg):
                problems.append(f'finish-args: {arg} grants more than the app needs')
        for arg in sorted(REQUIRED_FINISH_ARGS - set(finish_args)):
            problems.append(f'finish-args: {arg} is missing')
        if len(set(finish_args)) != len(finish_args):
            problems.append('finish-args: an argument is given twice')

    modules = manifest.get('modules')
    if not isinstance(modules, list) or not modules:
        problems.append('modules must be a non-empty list')
        return problems
    for i, module in enumerate(modules):
        check_module(module, f'modules[{i}]', problems)
    if not all(isinstance(m, dict) for m in modules):
        return problems
    names = [m.get('name') for m in modules]
    if len(set(names)) != len(names):
        problems.append('two modules have the same name')

    # The app itself comes last, built with meson from this checkout.
    app = modules[-1]
    if app.get('name') != 'veil' or app.get('buildsystem') != 'meson':
        problems.append('the last module must be “veil”, built with meson')
    dirs = [s for s in app.get('sources', []) if isinstance(s, dict) and s.get('type') == 'dir']
    if len(dirs) != 1 or not isinstance(dirs[0].get('path'), str):
        problems.append('the veil module must have one “dir” source: the local checkout')
    else:
        checkout = os.path.realpath(os.path.join(manifest_dir, dirs[0]['path']))
        if checkout != os.path.realpath(root):
            problems.append(f'the veil module builds {checkout}, not the checkout {root}')
        elif "project('veil'" not in open(os.path.join(checkout, 'meson.build')).read():
            problems.append(f'{checkout}/meson.build is not Veil’s')

    # FFTW is not in the GNOME runtime: single precision, as meson.build asks (threads come from
    # OpenMP, not FFTW's threads library).
    fftw = [m for m in modules if 'fftw' in str(m.get('name', ''))]
    if not fftw:
        problems.append('no fftw module: the GNOME runtime has no FFTW')
    else:
        opts = fftw[0].get('config-opts', [])
        for opt in ('--enable-float',):
            if opt not in opts:
                problems.append(f'the fftw module lacks {opt}')
        if not any('fftw-3.3.10' in s.get('url', '') for s in fftw[0].get('sources', [])
                   if isinstance(s, dict)):
            problems.append('the fftw module does not build fftw-3.3.10')

    # OpenMP: libgomp must end up in the app.
    commands = ' '.join(c for m in modules for key in ('post-install', 'build-commands')
                        for c in m.get(key, []) if isinstance(c, str))
    if 'libgomp' not in commands:
        problems.append('no module installs libgomp, so OpenMP may be missing in the sandbox')
    return problems


def self_test(manifest, manifest_dir, root):
    def broken(change):
        m = copy.deepcopy(manifest)
        change(m)
        return m

    cases = {
        'host filesystem': broken(lambda m: m['finish-args'].append('--filesystem=host')),
        'home filesystem': broken(lambda m: m['finish-args'].append('--filesystem=home:ro')),
        'network': broken(lambda m: m['finish-args'].append('--share=network')),
        'finish-args not strings': broken(lambda m: m['finish-args'].append(3)),
        'no wayland': broken(lambda m: m['finish-args'].remove('--socket=wayland')),
        'wrong app id': broken(lambda m: m.update({'app-id': 'org.example.Other'})),
        'numeric runtime-version': broken(lambda m: m.update({'runtime-version': 47})),
        'freedesktop runtime': broken(lambda m: m.update({'runtime': 'org.freedesktop.Platform'})),
        'wrong command': broken(lambda m: m.update({'command': 'veil-cli'})),
        'modules not a list': broken(lambda m: m.update({'modules': {}})),
        'misspelt key': broken(lambda m: m['modules'][-1].update({'config_opts': []})),
        'unknown buildsystem': broken(lambda m: m['modules'][0].update({'buildsystem': 'make'})),
        'sources not a list': broken(lambda m: m['modules'][0].update({'sources': 'fftw.tar'})),
        'archive without sha256': broken(lambda m: m['modules'][0]['sources'][0].pop('sha256')),
        'app not from the checkout': broken(
            lambda m: m['modules'][-1]['sources'][0].update({'path': '/tmp'})),
        'app built with cmake': broken(lambda m: m['modules'][-1].update({'buildsystem': 'cmake'})),
        'config-opts not strings': broken(lambda m: m['modules'][-1].update({'config-opts': [1]})),
        'no libgomp': broken(lambda m: [mod.pop('post-install', None) for mod in m['modules']]),
        'double-precision fftw': broken(
            lambda m: m['modules'][0]['config-opts'].remove('--enable-float')),
    }
    failures = 0
    for name, case in cases.items():
        problems = check(case, manifest_dir, root)
        if problems:
            print(f'ok: {name} is rejected ({problems[0]})')
        else:
            failures += 1
            print(f'FAIL: {name} is accepted')
    return failures


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    path, root = sys.argv[1], sys.argv[2]
    try:
        with open(path, encoding='utf-8') as f:
            manifest = json.load(f)
    except (OSError, ValueError) as e:
        print(f'{path}: {e}')
        return 1
    manifest_dir = os.path.dirname(os.path.abspath(path))
    problems = check(manifest, manifest_dir, root)
    if '--self-test' in sys.argv[3:]:
        if problems:
            print(f'{path} must pass before the self-test can run: {problems}')
            return 1
        return 1 if self_test(manifest, manifest_dir, root) else 0
    for p in problems:
        print(f'{path}: {p}')
    print(f'{len(problems)} problems')
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
