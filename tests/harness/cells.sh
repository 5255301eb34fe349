#!/usr/bin/env bash
# Cells under budgets and limits, through the fitbench command line.
#   cells.sh FITBENCH partial   a pass cut short by its budget (in ops, so the
#                               cut is the same on any machine) gives status
#                               partial and the figures of the prefix: the
#                               same as a whole run of the trace cut there
#   cells.sh FITBENCH orphan    a run killed with SIGKILL mid-cell leaves no
#                               cell behind, and nothing more is written into
#                               its results folder, once its --timeout has passed
set -u
fb=$1
mode=$2
. "$(dirname "$0")/../kit/check.sh"

# field CSV ALLOCATOR COLUMN...: the row's values, by column name.
field() {
    python3 - "$@" <<'PY'
import csv, sys
path, alloc, cols = sys.argv[1], sys.argv[2], sys.argv[3:]
for r in csv.DictReader(open(path)):
    if r["allocator"] == alloc:
        print(" ".join(r[c] for c in cols))
PY
}

case $mode in
partial)
    "$fb" gen random --ops 20000 --live 500 --seed 7 -o "$tmp/t.rep" >/dev/null || bad "gen failed"
    # The same trace cut to its first 3000 ops (header: ops = 3000).
    awk 'NR == 3 { print 3000; next } NR <= 4 + 3000' "$tmp/t.rep" >"$tmp/cut.rep"
    FITBENCH_BUDGET_OPS=3000 "$fb" run -q -r 3 -a first,tlsf,mems -o "$tmp/p" "$tmp/t.rep" 2>"$tmp/err"
    rc=$?
    [ "$rc" -eq 1 ] && ok || bad "a run with partial cells exited $rc, want 1: $(cat "$tmp/err")"
    "$fb" run -q -r 3 -a first,tlsf,mems -o "$tmp/w" "$tmp/cut.rep" >/dev/null 2>&1 || bad "cut trace run failed"
    space="peak_payload heap_peak util frag4 frag3 ext_frag int_frag"
    for a in first tlsf mems; do
        read -r st ops so co to lo <<<"$(field "$tmp/p/results.csv" $a status ops space_ops check_ops timed_ops lat_ops)"
        [ "$st" = partial ] && [ "$ops" = 20000 ] && [ "$so $co $to $lo" = "3000 3000 3000 3000" ] && ok ||
            bad "$a: status $st, ops $ops, pass ops $so $co $to $lo; want partial, 20000, 3000 each"
        field "$tmp/p/results.csv" $a detail | grep -q "space 3000/20000 ops" && ok ||
            bad "$a: detail '$(field "$tmp/p/results.csv" $a detail)' does not name the prefix"
        got=$(field "$tmp/p/results.csv" $a $space)
        want=$(field "$tmp/w/results.csv" $a $space)
        [ -n "$got" ] && [ "$got" = "$want" ] && ok ||
            bad "$a: the prefix's space figures '$got' differ from the cut trace's '$want'"
        read -r k s reps <<<"$(field "$tmp/p/results.csv" $a kops replay_s reps)"
        # The throughput is the prefix's ops over their time (kops has one decimal).
        awk -v k="$k" -v s="$s" -v r="$reps" 'BEGIN { w = 3000 / s / 1000; exit !(r >= 1 && k > 0 && (k - w) ^ 2 < (0.01 * w + 0.1) ^ 2) }' &&
            ok || bad "$a: kops $k over $s s a replay ($reps reps), want 3000 ops over it"
    done
    FITBENCH_BUDGET_OPS=lots "$fb" run -q -a first -o "$tmp/e" "$tmp/t.rep" >/dev/null 2>&1
    grep -q 'first,error,FITBENCH_BUDGET_OPS=lots is not a count' "$tmp/e/results.csv" && ok ||
        bad "a bad FITBENCH_BUDGET_OPS: $(tail -1 "$tmp/e/results.csv")"
    ;;
orphan)
    # dmm walks one list per op: a cell that runs for its whole --timeout.
    "$fb" gen random --ops 400000 --live 20000 --seed 1 -o "$tmp/slow.rep" >/dev/null || bad "gen failed"
    timeout=4
    start=$(date +%s.%N)
    "$fb" run -q -a dmm --timeout $timeout -o "$tmp/res" "$tmp/slow.rep" >/dev/null 2>&1 &
    run=$!
    cells() { # pids of cells writing into $tmp/res (a zombie's cmdline is empty)
        local f
        for f in $(grep -l -a -F -- "$tmp/res" /proc/[0-9]*/cmdline 2>/dev/null); do
            grep -q -a -F -- __cell "$f" 2>/dev/null && { f=${f#/proc/}; echo "${f%/cmdline}"; }
        done
    }
    cell=
    for _ in $(seq 100); do
        cell=$(cells)
        [ -n "$cell" ] && break
        sleep 0.05
    done
    [ -n "$cell" ] && ok || bad "no cell process seen for the run"
    sleep 0.5
    kill -0 $run 2>/dev/null && ok || bad "the run ended before it could be killed mid-cell"
    kill -KILL $run 2>/dev/null
    wait $run 2>/dev/null
    sleep 0.3
    snap() { find "$tmp/res" -type f -printf '%p %s %T@\n' | sort; }
    before=$(snap)
    # Past the run's --timeout, and a second more.
    left=$(awk -v s="$start" -v n="$(date +%s.%N)" -v t=$timeout 'BEGIN { d = s + t + 1 - n; print (d > 0 ? d : 0) }')
    sleep "$left"
    [ -z "$(cells)" ] && ok || bad "cell(s) $(cells) still running $timeout s after their run was killed"
    [ "$(snap)" = "$before" ] && ok || bad "the results folder was written to after the run was killed"
    ;;
*)
    echo "usage: cells.sh FITBENCH partial|orphan" >&2
    exit 2
    ;;
esac
echo "$pass passed, $fails failed"
[ "$fails" -eq 0 ]
