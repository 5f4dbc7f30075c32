#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The peak number of threads of one veil-cli export, and its wall time.
#   bench/count-threads.sh VEIL_CLI INPUT OUTPUT [protect options…]
# OUTPUT is removed first. Threads: in /proc/PID/status is sampled every 50 ms.
cli=$1 input=$2 output=$3
shift 3
rm -rf "$output"
start=$(date +%s.%N)
"$cli" protect --no-check -q "$@" "$input" "$output" &
pid=$!
max=0
while kill -0 "$pid" 2>/dev/null; do
  t=$(awk '/^Threads:/ { print $2 }' "/proc/$pid/status" 2>/dev/null)
  [ -n "$t" ] && [ "$t" -gt "$max" ] && max=$t
  sleep 0.05
done
wait "$pid"
status=$?
end=$(date +%s.%N)
echo "exit $status, peak threads $max, wall $(echo "$end - $start" | bc) s"
