#!/usr/bin/env bash
# fitbench-bench's replay benchmarks on a one-trace folder: the JSON names
# BM_replay/<trace>/<allocator> for each allocator asked for, with ops as
# items per second and the utilization counter in (0, 1].
# usage: replay_check.sh FITBENCH_BENCH TRACE_DIR OUT_JSON
set -u
"$1" --traces="$2" --allocators=tlsf,bump --benchmark_filter='^BM_replay/' \
    --benchmark_min_time=0.001 --benchmark_out="$3" --benchmark_out_format=json >/dev/null || exit 1
python3 - "$3" <<'PY'
import json, sys
runs = {b["name"]: b for b in json.load(open(sys.argv[1]))["benchmarks"]}
want = {"BM_replay/small/tlsf", "BM_replay/small/bump"}
assert set(runs) == want, sorted(runs)
for n in want:
    b = runs[n]
    assert b["items_per_second"] > 0, (n, b)
    assert 0 < b["util"] <= 1, (n, b["util"])
# bump: 500 bytes of peak payload in 752 bytes (16-byte headers, rounding)
assert abs(runs["BM_replay/small/bump"]["util"] - 500 / 752) < 1e-6
print("2 passed, 0 failed")
PY
