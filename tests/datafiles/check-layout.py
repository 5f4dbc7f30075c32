#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks the README's "Where things are" against the tree: every folder it names in backticks
exists, and every folder of src/, tests/ and tools/ is named. Exit 0 when both hold.

check-layout.py SOURCE_ROOT | --self-test"""

import os
import re
import sys
import tempfile

SECTION = '## Where things are'
CHECKED_PARENTS = ('src', 'tests', 'tools')


def named_folders(readme):
    if SECTION not in readme:
        return None
    body = readme.split(SECTION, 1)[1].split('\n## ', 1)[0]
    return {name.rstrip('/') for name in re.findall(r'`([^`\s]+/)`', body)}


def problems(root):
    with open(os.path.join(root, 'README.md'), encoding='utf-8') as f:
        named = named_folders(f.read())
    if named is None:
        return [f'README.md has no “{SECTION}” section']
    found = []
    for name in sorted(named):
        if not os.path.isdir(os.path.join(root, name)):
            found.append(f'README.md names {name}/, which is not a folder of the tree')
    for parent in CHECKED_PARENTS:
        for entry in sorted(os.listdir(os.path.join(root, parent))):
            path = f'{parent}/{entry}'
            if os.path.isdir(os.path.join(root, path)) and not entry.startswith('.') \
                    and entry != '__pycache__' and path not in named:
                found.append(f'{path}/ is not described in README.md “{SECTION}”')
    return found


def self_test():
    failures = 0
    with tempfile.TemporaryDirectory() as root:
        for folder in ('src/core', 'tests', 'tools'):
            os.makedirs(os.path.join(root, folder))
        cases = {
            'complete': (f'{SECTION}\n\n- `src/core/`: the core\n- `tests/`, `tools/`\n', 0),
            'names a missing folder': (f'{SECTION}\n\n- `src/core/`, `src/gone/`\n', 1),
            'misses a folder': (f'{SECTION}\n\n- `tests/`\n', 1),
            'no section': ('# Readme\n', 1),
        }
        for name, (readme, want) in cases.items():
            with open(os.path.join(root, 'README.md'), 'w', encoding='utf-8') as f:
                f.write(readme)
            got = problems(root)
            if bool(got) != bool(want):
                print(f'not ok: {name}: {got}')
                failures += 1
            else:
                print(f'ok: {name}')
    return failures


def main():
    if sys.argv[1:] == ['--self-test']:
        sys.exit(1 if self_test() else 0)
    found = problems(sys.argv[1])
    for problem in found:
        print(problem)
    sys.exit(1 if found else 0)


if __name__ == '__main__':
    main()
