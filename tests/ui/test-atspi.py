#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Drives Veil from outside through the accessibility tree, as an assistive technology would.

Run by ui-harness.sh (private D-Bus session with the accessibility bus, Xvfb). Usage:
    test-atspi.py PATH-TO-veil
Starts `veil FOLDER` on a labeled folder made here, finds the p_b slider by its accessible
name, moves it, checks the exact-value field follows, presses the compare-mode buttons, and
opens a second folder with a second `veil FOLDER`, which must reach the running instance.
Prints TAP."""

import os
import shutil
import subprocess
import sys
import tempfile
import time

import gi

gi.require_version("Atspi", "2.0")
gi.require_version("GdkPixbuf", "2.0")
from gi.repository import Atspi, GdkPixbuf  # noqa: E402

results = []


def tap(ok, name, detail=""):
    results.append(ok)
    line = "%s %d - %s" % ("ok" if ok else "not ok", len(results), name)
    if detail and not ok:
        line += " # " + detail
    print(line, flush=True)


def make_dataset(root, classes, n_images):
    for c, name in enumerate(classes):
        folder = os.path.join(root, name)
        os.makedirs(folder)
        for i in range(n_images):
            pixbuf = GdkPixbuf.Pixbuf.new(GdkPixbuf.Colorspace.RGB, False, 8, 96, 64)
            pixbuf.fill(((40 * c + 30 * i) << 24) | (0x80 << 16) | ((200 - 20 * i) << 8) | 0xFF)
            pixbuf.savev(os.path.join(folder, "img-%02d.png" % i), "png", [], [])


def walk(node, depth=0):
    if node is None or depth > 60:
        return
    yield node
    try:
        n = node.get_child_count()
    except Exception:
        return
    for i in range(n):
        try:
            child = node.get_child_at_index(i)
        except Exception:
            continue
        yield from walk(child, depth + 1)


def find_app(pid):
    desktop = Atspi.get_desktop(0)
    for i in range(desktop.get_child_count()):
        app = desktop.get_child_at_index(i)
        try:
            if app is not None and app.get_process_id() == pid:
                return app
        except Exception:
            pass
    return None


def wait_for(what, fn, timeout=20.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = fn()
        if value:
            return value
        time.sleep(0.2)
    return None


def find(app, role, name):
    for node in walk(app):
        try:
            if (role is None or node.get_role() == role) and node.get_name() == name:
                return node
        except Exception:
            continue
    return None


def find_name_prefix(app, prefix):
    for node in walk(app):
        try:
            if (node.get_name() or "").startswith(prefix):
                return node
        except Exception:
            continue
    return None


def is_checked(node):
    states = node.get_state_set()
    return states.contains(Atspi.StateType.CHECKED) or states.contains(Atspi.StateType.PRESSED)


def main():
    veil = sys.argv[1]
    tmp = tempfile.mkdtemp(prefix="veil-atspi-")
    first = os.path.join(tmp, "first")
    second = os.path.join(tmp, "second")
    make_dataset(first, ["apples", "pears"], 3)
    make_dataset(second, ["zebras", "yaks"], 2)

    env = dict(os.environ)
    env.pop("GTK_A11Y", None)
    print("1..8", flush=True)
    proc = subprocess.Popen([veil, first], env=env)
    try:
        app = wait_for("application", lambda: find_app(proc.pid))
        tap(app is not None, "the application is on the accessibility bus")
        if app is None:
            return

        slider = wait_for("slider", lambda: find(app, Atspi.Role.SLIDER, "Strength (p_b)"))
        tap(slider is not None, "the p_b slider is found by its accessible name")
        spin = find(app, Atspi.Role.SPIN_BUTTON, "Strength value")
        tap(spin is not None, "the exact p_b value field is found by its accessible name")
        if slider is None or spin is None:
            return

        slider.set_current_value(0.42)
        ok = wait_for("value", lambda: abs(spin.get_current_value() - 0.42) < 1e-6, 5)
        tap(bool(ok), "moving the slider changes the exact value",
            "spin shows %r" % spin.get_current_value())

        split = find(app, None, "Split")
        tap(split is not None, "the Split button is found")
        if split is not None:
            split.do_action(0)
            ok = wait_for("split", lambda: is_checked(split), 5)
            tap(bool(ok), "pressing Split turns it on")
        else:
            tap(False, "pressing Split turns it on")

        difference = find(app, None, "Difference")
        if difference is not None:
            difference.do_action(0)
            ok = wait_for("difference", lambda: is_checked(difference) and not is_checked(split), 5)
            tap(bool(ok), "pressing Difference turns it on and Split off")
        else:
            tap(False, "pressing Difference turns it on and Split off", "button not found")

        # A second `veil FOLDER` hands the folder to the running instance and exits.
        second_run = subprocess.run([veil, second], env=env, timeout=30)
        row = wait_for("new classes", lambda: find_name_prefix(app, "zebras"), 20)
        tap(second_run.returncode == 0 and row is not None and proc.poll() is None,
            "a second invocation opens its folder in the running instance",
            "exit %r, row %r" % (second_run.returncode, row))
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(tmp, ignore_errors=True)


main()
sys.exit(0 if results and all(results) else 1)
