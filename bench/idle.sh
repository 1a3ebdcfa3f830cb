#!/usr/bin/env bash
# The idle daemon on the demo data: CPU and RSS over a minute (target < 0.5 % CPU, < 150 MB).
#   bench/idle.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
work="$(mktemp -d)"
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
cp config.toml "$work/" && cp -r demo "$work/"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
sed -i "s/^port = 8080/port = $port/" "$work/config.toml"
bin="$PWD/.venv/bin"
( cd "$work"
  for kind in partners suppliers buyers contacts; do "$bin/rituel" import "$kind" "demo/$kind.csv" >/dev/null; done
  "$bin/rituel" run --once >/dev/null 2>&1 )
( cd "$work" && exec "$bin/rituel" run >"$work/daemon.log" 2>&1 ) &
pid=$!
sleep 5   # start-up (plan, first export) is not idle time
ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
hz=$(getconf CLK_TCK)
t0=$(ticks); s0=$(date +%s.%N)
sleep "$seconds"
t1=$(ticks); s1=$(date +%s.%N)
rss_kb=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
hwm_kb=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")
python3 - "$t0" "$t1" "$s0" "$s1" "$hz" "$rss_kb" "$hwm_kb" <<'PY'
import sys
t0, t1, s0, s1, hz, rss, hwm = map(float, sys.argv[1:])
cpu = (t1 - t0) / hz / (s1 - s0) * 100
print(f"idle daemon over {s1 - s0:.0f} s: CPU {cpu:.2f} %  RSS {rss / 1024:.0f} MB  (peak {hwm / 1024:.0f} MB)")
print(f"targets: CPU < 0.5 % {'ok' if cpu < 0.5 else 'MISSED'}, RSS < 150 MB {'ok' if rss / 1024 < 150 else 'MISSED'}")
PY
