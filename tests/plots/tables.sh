#!/usr/bin/env bash
# `fitbench tables` on the plots fixture: each table shows the fixture's
# own figures, formatted (util as a percentage, throughput in ops/s), and
# bad usage exits 2.
# usage: tables.sh FITBENCH FIXTURE
set -u
fb=$1
fix=$2
fails=0
want() { # description, output, fixed string it must contain
    if grep -qF -- "$3" <<<"$2"; then :; else echo "FAIL: $1: no '$3' in:"; echo "$2"; fails=$((fails + 1)); fi
}
# binary-bal/first: util 0.5928, 41234.5 Kops/s; tlsf 0.8369, 52011.0.
out=$("$fb" tables "$fix" cells -a first,tlsf) || { echo "FAIL: cells exited $?"; fails=$((fails + 1)); }
want cells "$out" "| trace | first | tlsf |"
want cells "$out" "| binary-bal | 59.3% / 41M | 83.7% / 52M |"
# summary.csv: first 2/2 0.6165 14118.2 19393.2 53.7.
out=$("$fb" tables "$fix" summary)
want summary "$out" "| first | 2/2 | 61.7% | 14M | 19M | 53.7 |"
# lat_a 22/180/900, lat_f 18/95/700, faults 0.125.
out=$("$fb" tables "$fix" tails -a first)
want tails "$out" "| binary-bal | first | 22 / 180 / 900 | 18 / 95 / 700 | 0.12 |"
"$fb" tables "$fix" nosuch >/dev/null 2>&1; [ $? -eq 2 ] || { echo "FAIL: an unknown table must exit 2"; fails=$((fails + 1)); }
"$fb" tables "$fix" cells -a nosuch >/dev/null 2>&1; [ $? -eq 2 ] || { echo "FAIL: an unknown allocator must exit 2"; fails=$((fails + 1)); }
"$fb" tables /nonexistent cells >/dev/null 2>&1; [ $? -eq 2 ] || { echo "FAIL: a missing folder must exit 2"; fails=$((fails + 1)); }
[ "$fails" -eq 0 ] && echo "tables: all checks passed"
[ "$fails" -eq 0 ]
