#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Runs veil-cli's help in German and checks that the German catalogue is used.

Every msgid of po/de.po that appears verbatim in the English help must appear translated in the
German help; at least one must. The uninstalled veil-cli finds the catalogue built in the build
tree through VEIL_LOCALEDIR. Exit 77 (skip) when veil-cli has not been built.

Usage: check-translation.py VEIL_CLI BUILD_LOCALEDIR DE_PO
"""
import os
import re
import subprocess
import sys

SKIP = 77


def read_po(path):
    """msgid -> msgstr for the translated, non-fuzzy singular entries of a .po file."""
    entries, current, field, fuzzy = {}, {}, None, False

    def flush():
        if current.get('msgid') and current.get('msgstr') and not fuzzy:
            entries[current['msgid']] = current['msgstr']

    with open(path, encoding='utf-8') as f:
        for line in f:
            line = line.strip()
            if not line:
                flush()
                current, field, fuzzy = {}, None, False
            elif line.startswith('#,') and 'fuzzy' in line:
                fuzzy = True
            elif line.startswith('#'):
                continue
            elif re.match(r'^(msgid|msgstr|msgctxt|msgid_plural|msgstr\[\d+\]) ', line):
                field, value = line.split(' ', 1)
                current[field] = decode(value)
            elif line.startswith('"') and field:
                current[field] = current.get(field, '') + decode(line)
    flush()
    return entries


def decode(quoted):
    """The text of a C-quoted .po string."""
    escapes = {'n': '\n', 't': '\t', '"': '"', '\\': '\\'}
    return re.sub(r'\\(.)', lambda m: escapes.get(m.group(1), m.group(1)), quoted[1:-1])


def run(cli, args, env_extra, localedir):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith('LC_') and k not in ('LANG', 'LANGUAGE')}
    env['VEIL_LOCALEDIR'] = localedir
    env.update(env_extra)
    result = subprocess.run([cli] + args, env=env, capture_output=True, timeout=20)
    return result.stdout.decode('utf-8', 'replace') + result.stderr.decode('utf-8', 'replace')


def german_locales():
    """LANG values under which LANGUAGE=de selects German: C.UTF-8 always (glibc honours
    LANGUAGE for any locale but plain C), de_DE.UTF-8 when it has been generated."""
    envs = [{'LANG': 'C.UTF-8', 'LANGUAGE': 'de'}]
    try:
        available = subprocess.run(['locale', '-a'], capture_output=True, text=True).stdout
    except OSError:
        available = ''
    if re.search(r'^de_DE\.utf-?8$', available, re.M | re.I):
        envs.append({'LANG': 'de_DE.UTF-8', 'LANGUAGE': 'de'})
    return envs


def main():
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    cli, localedir, po_path = sys.argv[1:]
    if not os.access(cli, os.X_OK):
        print(f'SKIP: {cli} has not been built')
        return SKIP
    mo = os.path.join(localedir, 'de', 'LC_MESSAGES', 'veil.mo')
    if not os.path.isfile(mo):
        print(f'FAIL: the German catalogue {mo} was not built')
        return 1

    with open(cli, 'rb') as f:
        if b'VEIL_LOCALEDIR' not in f.read():
            print(f'FAIL: {cli} does not read VEIL_LOCALEDIR, so an uninstalled run cannot find '
                  'its translations: call bindtextdomain (GETTEXT_PACKAGE, '
                  'g_getenv ("VEIL_LOCALEDIR") ?: LOCALEDIR)')
            return 1

    catalogue = read_po(po_path)
    english = run(cli, ['--help'], {'LANG': 'C.UTF-8', 'LANGUAGE': 'en'}, localedir)
    # Only whole strings without format directives can be looked for in the output.
    pairs = {mid: mstr for mid, mstr in catalogue.items()
             if '%' not in mid and len(mid) >= 8 and mid.strip() in english and mid != mstr}
    if not pairs:
        print('FAIL: none of the strings in the English output of `veil-cli --help` is in '
              f'{po_path}:\n{english}')
        return 1

    failures = 0
    for env in german_locales():
        german = run(cli, ['--help'], env, localedir)
        missing = [mid for mid, mstr in pairs.items() if mstr.strip() not in german]
        label = ' '.join(f'{k}={v}' for k, v in env.items())
        if missing:
            failures += 1
            print(f'FAIL ({label}): {len(missing)} of {len(pairs)} strings are not translated, '
                  f'for example “{missing[0]}”; output:\n{german}')
        else:
            print(f'ok ({label}): {len(pairs)} strings of `veil-cli --help` appear in German')
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
