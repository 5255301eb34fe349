#!/usr/bin/env bash
# Replays traces through mems, dmm, pagefamily and worst with
# FITBENCH_CHECK_SEARCH=1 (allocator/searchcheck.h): every search runs the
# design's own list walk beside the index and the heap check fails the
# cell when the two ever pick different blocks. Every cell must be ok.
# The traces: four generated patterns of 20000 ops (the bundled recorded
# traces take minutes with the walks on; the same check over them is a
# one-liner in the README).
# usage: search_check.sh FITBENCH
set -u
fb=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
pass=0
"$fb" gen random --dist power --min 16 --max 65536 --seed 11 --ops 20000 -o "$tmp/power.rep" &&
    "$fb" gen phases --seed 12 --ops 20000 -o "$tmp/phases.rep" &&
    "$fb" gen coalesce --seed 13 --ops 20000 -o "$tmp/coalesce.rep" &&
    "$fb" gen lifetime --seed 14 --ops 20000 -o "$tmp/lifetime.rep" ||
    { echo "FAIL: fitbench gen"; exit 1; }
FITBENCH_CHECK_SEARCH=1 "$fb" run -q -r 1 --min-time 0 --check-every 200 \
    -a mems,dmm,pagefamily,worst -o "$tmp/r" \
    "$tmp/power.rep" "$tmp/phases.rep" "$tmp/coalesce.rep" "$tmp/lifetime.rep" >/dev/null
rc=$?
[ "$rc" -eq 0 ] && pass=$((pass + 1)) || { echo "FAIL: run exited $rc"; fails=$((fails + 1)); }
rows=$(tail -n +2 "$tmp/r/results.csv" | wc -l)
[ "$rows" -eq 16 ] && pass=$((pass + 1)) || { echo "FAIL: $rows rows, want 16"; fails=$((fails + 1)); }
while IFS=, read -r tr al st rest; do
    [ "$st" = ok ] && pass=$((pass + 1)) || { echo "FAIL: $tr/$al: $st $rest"; fails=$((fails + 1)); }
done < <(tail -n +2 "$tmp/r/results.csv")
echo "$pass passed, $fails failed"
[ "$fails" -eq 0 ]
