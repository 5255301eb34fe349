#!/usr/bin/env bash
# The four teaching allocators on every classic malloc-lab trace, through
# the fitbench command: each valid on every trace it can hold. Only the
# fixed-region designs (ostep, dmm) may run out (status oom); nothing may be
# invalid or crash, and valid rows have the reference peak payloads and a
# utilization in (0, 1]. Skipped (77) when the reference folder is absent.
# usage: seed_classic.sh FITBENCH SHARED_TRACES
set -u
fb=$1
dir=$2/malloclab-classic
if [ ! -d "$dir" ]; then
    echo "skipped: $dir is not here (the reference traces are not part of a clone)"
    exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$fb" run -q -a seed -r 1 --min-time 0 -o "$tmp/r" "$dir" >/dev/null
rc=$?
fails=0
pass=0
[ "$rc" -le 1 ] && pass=$((pass + 1)) || { echo "FAIL: run exited $rc"; fails=$((fails + 1)); }
rows=$(tail -n +2 "$tmp/r/results.csv" | wc -l)
[ "$rows" -eq $((26 * 4)) ] && pass=$((pass + 1)) || { echo "FAIL: $rows rows, want 104"; fails=$((fails + 1)); }
while IFS=, read -r tr al st rest; do
    case "$st" in
    ok) pass=$((pass + 1)) ;;
    oom)
        if [ "$al" = ostep ] || [ "$al" = dmm ]; then pass=$((pass + 1)); else
            echo "FAIL: $tr/$al ran out of memory: $rest"; fails=$((fails + 1)); fi ;;
    *) echo "FAIL: $tr/$al: $st $rest"; fails=$((fails + 1)) ;;
    esac
done < <(tail -n +2 "$tmp/r/results.csv")
# Utilization in (0, 1] for every valid row; reference peaks for two traces.
bad_util=$(awk -F, 'NR > 1 && $3 == "ok" && !($8 > 0 && $8 <= 1) {print $1 "/" $2 "=" $8}' "$tmp/r/results.csv")
[ -z "$bad_util" ] && pass=$((pass + 1)) || { echo "FAIL: util out of (0,1]: $bad_util"; fails=$((fails + 1)); }
for a in mems pagefamily ostep dmm; do
    grep -q "^amptjp-bal,$a,ok,,5694,2012279," "$tmp/r/results.csv" && pass=$((pass + 1)) ||
        { echo "FAIL: amptjp-bal/$a row: $(grep "^amptjp-bal,$a," "$tmp/r/results.csv")"; fails=$((fails + 1)); }
done
echo "$pass passed, $fails failed"
[ "$fails" -eq 0 ]
