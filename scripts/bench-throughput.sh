#!/usr/bin/env bash
# Hedging steps per second: the f64 SIMD research path and the exact fixed-point path
# (`hedge-research throughput`) against a numpy version of the same loop
# (scripts/bench/numpy_backtest.py), in one run on this machine. Installs numpy and scipy
# into target/bench-venv (pinned) on first use.
#
#   scripts/bench-throughput.sh [--paths 1000] [--steps 2000]
set -euo pipefail
cd "$(dirname "$0")/.."
paths=1000
steps=2000
while [ $# -gt 0 ]; do
  case "$1" in
    --paths) paths="$2"; shift 2 ;;
    --steps) steps="$2"; shift 2 ;;
    *) echo "usage: $0 [--paths N] [--steps N]" >&2; exit 2 ;;
  esac
done
venv=target/bench-venv
if [ ! -x "$venv/bin/python" ]; then
  echo "bench: creating $venv with numpy and scipy" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q numpy==2.2.6 scipy==1.15.3
fi
echo "bench: building hedge-research (release)" >&2
cargo build --release --locked -q -p hedge-research
rust=$(target/release/hedge-research throughput --paths "$paths" --steps "$steps" --json)
py=$("$venv/bin/python" scripts/bench/numpy_backtest.py --paths "$paths" --steps "$steps" --json)
python3 - "$rust" "$py" <<'PY'
import json, sys
r, p = json.loads(sys.argv[1]), json.loads(sys.argv[2])
m = lambda x: x / 1e6
print(f"hedging steps per second, {r['paths']} paths x {r['steps']} steps (protective put, Whalley-Wilmott, paths generated beforehand)")
print(f"  numpy (vectorised across paths, one core)   {m(p['numpy_all_paths']):8.2f} M/s")
print(f"  f64 SIMD path, {r['threads']} threads                  {m(r['f64_all_cores']):8.2f} M/s   x{r['f64_all_cores'] / p['numpy_all_paths']:.2f} numpy")
print(f"  f64 SIMD path, 1 thread                     {m(r['f64_one_core']):8.2f} M/s   x{r['f64_one_core'] / p['numpy_all_paths']:.2f} numpy")
print(f"  exact fixed-point path, {r['threads']} threads          {m(r['exact_all_cores']):8.2f} M/s   x{r['exact_all_cores'] / p['numpy_all_paths']:.2f} numpy")
print(f"  one path: numpy {m(p['numpy_single_path']):.4f} M/s, f64 {m(r['single_path_f64']):.2f} M/s (x{r['single_path_f64'] / p['numpy_single_path']:.0f}), exact {m(r['single_path_exact']):.2f} M/s (x{r['single_path_exact'] / p['numpy_single_path']:.0f})")
PY
