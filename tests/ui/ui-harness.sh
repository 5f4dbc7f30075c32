#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs one UI test in a world of its own: a private D-Bus session where only the accessibility
# bus can be started (no portals, keyring or dconf), its own X server, temporary XDG folders
# and in-memory GSettings. Usage: ui-harness.sh PROGRAM [ARGS...]
set -u

tmp=$(mktemp -d "${TMPDIR:-/tmp}/veil-ui-XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT INT TERM
mkdir -p "$tmp/services" "$tmp/data" "$tmp/config" "$tmp/cache" "$tmp/runtime"
chmod 700 "$tmp/runtime"
if [ -f /usr/share/dbus-1/services/org.a11y.Bus.service ]; then
  cp /usr/share/dbus-1/services/org.a11y.Bus.service "$tmp/services/"
fi
cat > "$tmp/session.conf" <<CONF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:tmpdir=$tmp</listen>
  <servicedir>$tmp/services</servicedir>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
CONF

export XDG_DATA_HOME="$tmp/data" XDG_CONFIG_HOME="$tmp/config" XDG_CACHE_HOME="$tmp/cache"
export XDG_RUNTIME_DIR="$tmp/runtime"
export GSETTINGS_BACKEND=memory GDK_DEBUG=gl-disable GSK_RENDERER=cairo GDK_BACKEND=x11
unset WAYLAND_DISPLAY DISPLAY DBUS_SESSION_BUS_ADDRESS

for tool in dbus-run-session xvfb-run; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "1..0 # SKIP $tool is not installed"
    exit 0
  fi
done

# The bus daemons and the X server print to stdout; only the test's own output (fd 3) is TAP.
dbus-run-session --config-file="$tmp/session.conf" -- \
  xvfb-run -a -s "-screen 0 1280x800x24 -nolisten tcp" \
  sh -c 'exec "$@" 1>&3 3>&-' veil-ui-test "$@" 3>&1 1>/dev/null 2>"$tmp/stderr"
status=$?
# dbus-daemon complains about its fd limit when not root-capable; keep the rest.
grep -v "Failed to set fd limit" "$tmp/stderr" >&2
exit $status
