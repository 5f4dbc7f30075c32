#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks po/POTFILES.in against the sources.

Fails when a C file, a .ui template or a data template with translatable strings is missing from
po/POTFILES.in, when POTFILES.in names a file that does not exist, or when it is not sorted.
With --print, writes the list POTFILES.in should have instead.

Usage: check-potfiles.py SOURCE_ROOT [--print]
       check-potfiles.py --self-test   (checks the check on small trees it makes)
"""
import os
import re
import sys
import tempfile

# _("…"), N_("…"), C_("ctx", "…"), NC_(…), ngettext (…), g_dngettext (…), g_dpgettext2 (…)
C_MARKERS = re.compile(r'(?<![A-Za-z0-9_])(?:N?C?_|ngettext|g_dngettext|g_dpgettext2?)\s*\(')
UI_MARKERS = re.compile(r'translatable\s*=\s*"(?:yes|true|1)"')
SCHEMA_MARKERS = re.compile(r'gettext-domain\s*=')
# Merged with i18n.merge_file: every Name/Comment/Keywords or <summary>/<p> is translatable.
ALWAYS_TRANSLATABLE = ('.desktop.in', '.metainfo.xml.in', '.appdata.xml.in')
FOLDERS = ('src', 'ui', 'data')


def has_strings(path):
    with open(path, encoding='utf-8', errors='replace') as f:
        text = f.read()
    name = os.path.basename(path)
    if name.endswith(ALWAYS_TRANSLATABLE):
        return True
    if name.endswith(('.c', '.h')):
        # Comments can mention _() without marking anything.
        text = re.sub(r'/\*.*?\*/', '', text, flags=re.S)
        text = re.sub(r'//[^\n]*', '', text)
        return C_MARKERS.search(text) is not None
    if name.endswith('.ui'):
        return UI_MARKERS.search(text) is not None
    if name.endswith('.gschema.xml'):
        return SCHEMA_MARKERS.search(text) is not None
    return False


def candidates(root):
    for folder in FOLDERS:
        top = os.path.join(root, folder)
        for dirpath, dirnames, filenames in os.walk(top):
            # The sample photographs hold no strings.
            dirnames[:] = sorted(d for d in dirnames if d != 'samples')
            for name in filenames:
                if name.endswith(('.c', '.h', '.ui', '.gschema.xml') + ALWAYS_TRANSLATABLE):
                    yield os.path.relpath(os.path.join(dirpath, name), root)


def problems_in(root):
    expected = sorted(p for p in candidates(root) if has_strings(os.path.join(root, p)))
    potfiles = os.path.join(root, 'po', 'POTFILES.in')
    with open(potfiles, encoding='utf-8') as f:
        listed = [l.strip() for l in f if l.strip() and not l.startswith('#')]

    problems = []
    for p in expected:
        if p not in listed:
            problems.append(f'{p}: has translatable strings but is missing from po/POTFILES.in')
    for p in listed:
        if not os.path.isfile(os.path.join(root, p)):
            problems.append(f'po/POTFILES.in: lists {p}, which does not exist')
        elif p not in expected:
            problems.append(f'po/POTFILES.in: lists {p}, which has no translatable strings')
    if listed != sorted(listed):
        problems.append('po/POTFILES.in: the list is not sorted')
    if len(set(listed)) != len(listed):
        problems.append('po/POTFILES.in: a file is listed twice')
    return listed, expected, problems


SELF_TEST_FILES = {
    'src/a.c': 'g_print ("%s", _("Hello"));\n',
    'src/cli/b.c': 'static const char *s = N_("Bye");\n',
    'src/c.c': '/* no _("strings") here, only in a comment */\nint x = foo_(1);\n',
    'ui/d.ui': '<object><property name="label" translatable="yes">Hi</property></object>\n',
    'ui/e.ui': '<object><property name="label">not marked</property></object>\n',
    'data/f.desktop.in': '[Desktop Entry]\nName=F\n',
}
SELF_TEST_CASES = {
    # name: (POTFILES.in lines, should pass)
    'complete list': (['data/f.desktop.in', 'src/a.c', 'src/cli/b.c', 'ui/d.ui'], True),
    'a C file missing': (['data/f.desktop.in', 'src/a.c', 'ui/d.ui'], False),
    'a .ui file missing': (['data/f.desktop.in', 'src/a.c', 'src/cli/b.c'], False),
    'the desktop file missing': (['src/a.c', 'src/cli/b.c', 'ui/d.ui'], False),
    'a file that does not exist': (['data/f.desktop.in', 'src/a.c', 'src/cli/b.c', 'src/gone.c',
                                    'ui/d.ui'], False),
    'a file without strings': (['data/f.desktop.in', 'src/a.c', 'src/cli/b.c', 'ui/d.ui',
                                'ui/e.ui'], False),
    'not sorted': (['src/a.c', 'data/f.desktop.in', 'src/cli/b.c', 'ui/d.ui'], False),
}


def self_test():
    failures = 0
    for name, (lines, should_pass) in SELF_TEST_CASES.items():
        with tempfile.TemporaryDirectory() as root:
            for path, text in SELF_TEST_FILES.items():
                os.makedirs(os.path.dirname(os.path.join(root, path)), exist_ok=True)
                with open(os.path.join(root, path), 'w', encoding='utf-8') as f:
                    f.write(text)
            os.makedirs(os.path.join(root, 'po'))
            with open(os.path.join(root, 'po', 'POTFILES.in'), 'w', encoding='utf-8') as f:
                f.write('# comment\n' + '\n'.join(lines) + '\n')
            problems = problems_in(root)[2]
        if (not problems) == should_pass:
            print(f'ok: {name}' + (f' is rejected ({problems[0]})' if problems else ''))
        else:
            failures += 1
            print(f'FAIL: {name}: ' + ('; '.join(problems) if problems else 'accepted'))
    return 1 if failures else 0


def main():
    if sys.argv[1:2] == ['--self-test']:
        return self_test()
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    root = sys.argv[1]
    expected = sorted(p for p in candidates(root) if has_strings(os.path.join(root, p)))
    if '--print' in sys.argv[2:]:
        print('\n'.join(expected))
        return 0

    listed, expected, problems = problems_in(root)
    for line in problems:
        print(line)
    print(f'{len(listed)} files listed, {len(expected)} with translatable strings, '
          f'{len(problems)} problems')
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
