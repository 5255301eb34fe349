#!/usr/bin/env bash
# Runs beyond one go: -j N, the progress lines, a folder that already
# holds results (refused, --force, --resume, a torn last row), runs killed
# by SIGINT, SIGTERM and SIGKILL and resumed, and a --plan run through GNU
# parallel and merged: each must give the same cells and statuses as one
# uninterrupted run. Then what merge refuses, and its machines column.
# usage: runs.sh FITBENCH
set -u
fb=$1
. "$(dirname "$0")/../kit/check.sh"
check() { # description command...
    local what=$1; shift
    if "$@"; then ok; else bad "$what"; fi
}
# The cells of a results folder and their statuses, sorted.
cells() { tail -n +2 "$1/results.csv" | cut -d, -f1-3 | sort; }
# Every line of results.csv has the header's number of fields.
whole_rows() {
    python3 - "$1/results.csv" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
sys.exit(0 if rows and all(len(r) == len(rows[0]) for r in rows) else 1)
PY
}

printf '0\n3\n6\n0\na 0 100\na 1 200\nr 0 300\nf 1\na 2 50\nf 0\n' >"$tmp/small.rep"
printf '20000\n2\n4\n1\na 0 64\na 1 4000\nf 0\nf 1\n' >"$tmp/two.rep"
printf '0\n1\n2\n0\na 0 1152921504606846976\nf 0\n' >"$tmp/giant.rep"
mkdir "$tmp/tr"
cp "$tmp/small.rep" "$tmp/two.rep" "$tmp/giant.rep" "$tmp/tr/"
for s in 1 2; do
    "$fb" gen random --seed $s --ops 20000 -o "$tmp/tr/med$s.rep" >/dev/null 2>&1 ||
        bad "gen random --seed $s"
done
args=(-a first,bump -r 1 --min-time 0)

# The reference: one uninterrupted run, -j 1. giant is oom for every
# allocator, so statuses other than ok are compared too.
"$fb" run -q "${args[@]}" -o "$tmp/ref" "$tmp/tr" >/dev/null 2>&1
[ "$(cells "$tmp/ref" | wc -l)" -eq 10 ] && ok || bad "reference run: $(cells "$tmp/ref" | wc -l) cells, want 10"
grep -q '^giant,first,oom$' <(cells "$tmp/ref") && ok || bad "giant x first should be oom"

# -j 2: the same cells and statuses; the lock file is where it should be.
"$fb" run -q -j 2 "${args[@]}" -o "$tmp/j2" "$tmp/tr" >/dev/null 2>&1
check "-j 2 gives other cells or statuses than -j 1" diff <(cells "$tmp/ref") <(cells "$tmp/j2")
check "-j 2 left no timing lock file" test -e "$tmp/j2/.timing.lock"
"$fb" run -q -j 0 -o "$tmp/j0" "$tmp/small.rep" 2>"$tmp/err"
[ $? -eq 2 ] && grep -q -- "-j wants" "$tmp/err" && ok || bad "-j 0: $(cat "$tmp/err")"

# While another process holds the timing lock, a cell cannot start its
# timed passes: it runs out of time without a throughput figure.
mkdir "$tmp/locked"
flock "$tmp/locked/.timing.lock" sleep 6 &
lockpid=$!
sleep 0.3
"$fb" run -q -a first --timeout 1.5 -o "$tmp/locked" "$tmp/small.rep" >/dev/null 2>&1
python3 - "$tmp/locked/results.csv" <<'PY' && ok || bad "a cell ran its timed pass while the lock was held: $(tail -1 "$tmp/locked/results.csv")"
import csv, sys
r = list(csv.DictReader(open(sys.argv[1])))[0]
sys.exit(0 if r["status"] != "ok" and float(r["kops"] or 0) == 0 and float(r["util"]) > 0 else 1)
PY
kill $lockpid 2>/dev/null
wait $lockpid 2>/dev/null

# Progress: one line per finished cell when stderr is not a terminal,
# nothing with -q, a line rewritten in place on a terminal.
"$fb" run -a first,bump -o "$tmp/p1" "$tmp/small.rep" "$tmp/two.rep" >/dev/null 2>"$tmp/err"
[ "$(grep -cE '^\[[1-4]/4\] [0-9:]+ elapsed, ETA [0-9:?]+ \| (small|two) x (first|bump): ok' "$tmp/err")" -eq 4 ] &&
    ok || bad "progress lines in a log: $(cat "$tmp/err")"
"$fb" run -q -a first -o "$tmp/p2" "$tmp/small.rep" >/dev/null 2>"$tmp/err"
[ ! -s "$tmp/err" ] && ok || bad "-q must keep stderr quiet: $(cat "$tmp/err")"
if command -v script >/dev/null; then
    script -qec "'$fb' run -a first -o '$tmp/p3' '$tmp/small.rep'" /dev/null >"$tmp/tty" 2>&1
    grep -q $'\r\033\[K\[0/1\]' "$tmp/tty" && ok || bad "no progress line on a terminal: $(head -c 300 "$tmp/tty" | od -c | head)"
fi

# A folder holding another run's rows: refused without --resume or
# --force, and left as it was.
cp "$tmp/p1/results.csv" "$tmp/before.csv"
"$fb" run -q -a first -o "$tmp/p1" "$tmp/small.rep" >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && grep -q -- "--resume" "$tmp/err" && grep -q -- "--force" "$tmp/err" && ok ||
    bad "a rerun into a full folder: $(cat "$tmp/err")"
check "a refused rerun changed results.csv" cmp -s "$tmp/before.csv" "$tmp/p1/results.csv"
"$fb" run -q --resume --force -o "$tmp/p1" "$tmp/small.rep" >/dev/null 2>&1
[ $? -eq 2 ] && ok || bad "--resume with --force must be a usage error"
# --resume with every cell there runs nothing and changes no row.
"$fb" run -q --resume -a first,bump -o "$tmp/p1" "$tmp/small.rep" "$tmp/two.rep" >/dev/null 2>&1
check "--resume of a complete folder changed a row" cmp -s "$tmp/before.csv" "$tmp/p1/results.csv"
# A missing row and a torn last row: only those cells run again, and the
# kept rows stay byte for byte.
head -n 3 "$tmp/before.csv" >"$tmp/p1/results.csv"
printf 'two,bump,ok,,4,40' >>"$tmp/p1/results.csv"
"$fb" run --resume -a first,bump -o "$tmp/p1" "$tmp/small.rep" "$tmp/two.rep" >"$tmp/out" 2>"$tmp/err"
grep -q "cut short" "$tmp/err" && ok || bad "a torn last row was not reported: $(cat "$tmp/err")"
grep -q "2 run now" "$tmp/out" && ok || bad "--resume should run 2 cells: $(tail -3 "$tmp/out")"
check "--resume lost or changed a kept row" cmp -s <(head -n 3 "$tmp/before.csv") <(head -n 3 "$tmp/p1/results.csv")
check "--resume: other cells than the first run" diff <(cells "$tmp/p1") <(tail -n +2 "$tmp/before.csv" | cut -d, -f1-3 | sort)
check "results.csv after --resume has a broken row" whole_rows "$tmp/p1"
# --force replaces: only the new run's cells remain.
"$fb" run -q --force -a bump -o "$tmp/p1" "$tmp/small.rep" >/dev/null 2>&1
[ "$(cells "$tmp/p1")" = "small,bump,ok" ] && ok || bad "--force: $(cells "$tmp/p1" | tr '\n' ' ')"
# A trace of the same name with other contents is not resumed into.
mkdir "$tmp/two2"
printf '20000\n2\n4\n1\na 0 64\na 1 4001\nf 0\nf 1\n' >"$tmp/two2/two.rep"
"$fb" run -q -a first -o "$tmp/p4" "$tmp/two.rep" >/dev/null 2>&1
"$fb" run -q --resume -a first,bump -o "$tmp/p4" "$tmp/two2/two.rep" >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && grep -q "trace 'two'" "$tmp/err" && ok || bad "--resume with another trace 'two': $(cat "$tmp/err")"

# Killed at some moment by SIGINT, SIGTERM or SIGKILL, then resumed:
# the same cells and statuses as the uninterrupted run, whole rows only.
delay=0.3
hits=0
for sig in INT TERM KILL; do
    d="$tmp/kill-$sig-$delay"
    "$fb" run -q -j 2 "${args[@]}" -o "$d" "$tmp/tr" >/dev/null 2>&1 &
    pid=$!
    sleep $delay
    kill -$sig $pid 2>/dev/null
    wait $pid
    rc=$?
    [ $rc -gt 1 ] && [ "$(cells "$d" | grep -vc interrupted)" -lt 10 ] && hits=$((hits + 1))
    check "SIG$sig'd run left half a row" whole_rows "$d"
    "$fb" run -q --resume -j 2 "${args[@]}" -o "$d" "$tmp/tr" >/dev/null 2>&1
    check "killed by SIG$sig after ${delay}s (status $rc) and resumed: other cells or statuses" \
        diff <(cells "$tmp/ref") <(cells "$d")
    check "resumed results.json does not hold what results.csv does" python3 -c "
import csv, json, sys
j = json.load(open('$d/results.json')); c = list(csv.DictReader(open('$d/results.csv')))
sys.exit(0 if [(r['trace'], r['allocator'], r['status']) for r in j] == [(r['trace'], r['allocator'], r['status']) for r in c] else 1)"
    delay=$(python3 -c "print(round($delay * 2, 2))")
done
[ $hits -ge 1 ] && ok || bad "no kill came before the run ended: nothing was resumed"

# A plan: one command per cell, run by GNU parallel -j 2, merged.
"$fb" run --plan "${args[@]}" -o "$tmp/plan" "$tmp/tr" >"$tmp/plan.txt" 2>"$tmp/err"
[ "$(wc -l <"$tmp/plan.txt")" -eq 10 ] && ok || bad "--plan printed $(wc -l <"$tmp/plan.txt") commands, want 10: $(cat "$tmp/err")"
"$fb" run --plan -o "$tmp/planp" <(cat "$tmp/small.rep") >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && grep -q "plan needs trace files" "$tmp/err" && ok || bad "--plan of a pipe: $(cat "$tmp/err")"
if ! command -v parallel >/dev/null; then
    bad "GNU parallel is not installed (make deps installs it)"
else
    parallel -j 2 <"$tmp/plan.txt" >/dev/null 2>&1
    check "parallel: not every plan command succeeded or failed as a cell" test "$(ls "$tmp/plan" | wc -l)" -eq 10
    "$fb" merge "$tmp/merged" "$tmp/plan" >"$tmp/out" 2>"$tmp/err"
    [ $? -eq 0 ] && ok || bad "merge of the plan: $(cat "$tmp/err")"
    check "plan run by parallel and merged: other cells or statuses than one go" \
        diff <(cells "$tmp/ref") <(cells "$tmp/merged")
    python3 - "$tmp/merged" <<'PY' && ok || bad "merged folder: meta.json parts, results.json or summary.csv wrong"
import csv, json, sys
d = sys.argv[1]
meta = json.load(open(d + "/meta.json"))
assert len(meta["parts"]) == 10 and all(p["host"] for p in meta["parts"])
assert set(meta["traces"]) == {"small", "two", "giant", "med1", "med2"}
assert len(json.load(open(d + "/results.json"))) == 10
s = {r["allocator"]: r for r in csv.DictReader(open(d + "/summary.csv"))}
assert set(s) == {"first", "bump"} and all(r["machines"] == "1" for r in s.values())
PY
    check "merged folder lacks a timeline" test -s "$tmp/merged/timeline/med1__first.csv"
    "$fb" tables "$tmp/merged" summary >/dev/null 2>"$tmp/err" && ok || bad "fitbench tables on the merged folder: $(cat "$tmp/err")"
    # A plan run again skips what is done.
    parallel -j 2 <"$tmp/plan.txt" >/dev/null 2>&1
    "$fb" merge --force "$tmp/merged" "$tmp/plan" >/dev/null 2>&1
    check "a plan run twice: other cells" diff <(cells "$tmp/ref") <(cells "$tmp/merged")

    # What merge refuses, each with the part named.
    "$fb" merge "$tmp/merged" "$tmp/plan" >/dev/null 2>"$tmp/err"
    [ $? -eq 2 ] && grep -q -- "--force" "$tmp/err" && ok || bad "merge into a full folder: $(cat "$tmp/err")"
    cp -r "$tmp/plan/med1__bump" "$tmp/oldver"
    sed -i 's/"fitbench": "[^"]*"/"fitbench": "0.0-other"/' "$tmp/oldver/meta.json"
    "$fb" merge "$tmp/m2" "$tmp/plan/med1__first" "$tmp/oldver" >/dev/null 2>"$tmp/err"
    [ $? -eq 2 ] && grep -q "oldver: written by fitbench 0.0-other" "$tmp/err" && ok || bad "merge of another version: $(cat "$tmp/err")"
    cp -r "$tmp/plan/med1__bump" "$tmp/otherhash"
    sed -i 's/"med1": "[0-9a-f]*"/"med1": "0123456789abcdef"/' "$tmp/otherhash/meta.json"
    "$fb" merge "$tmp/m3" "$tmp/plan/med1__first" "$tmp/otherhash" >/dev/null 2>"$tmp/err"
    [ $? -eq 2 ] && grep -q "otherhash: trace 'med1' has other contents" "$tmp/err" && ok || bad "merge of another med1: $(cat "$tmp/err")"
    "$fb" merge "$tmp/m4" "$tmp/plan/med1__first" "$tmp/plan/med1__first" >/dev/null 2>"$tmp/err"
    [ $? -eq 2 ] && grep -q "med1 x first is in another part" "$tmp/err" && ok || bad "merge of one cell twice: $(cat "$tmp/err")"
    # Parts from two machines: the summary says so for the allocator whose
    # throughput mixes them.
    cp -r "$tmp/plan/med2__first" "$tmp/elsewhere"
    sed -i 's/"host": "[^"]*"/"host": "another-host"/' "$tmp/elsewhere/meta.json"
    "$fb" merge "$tmp/m5" "$tmp/plan/med1__first" "$tmp/plan/med1__bump" "$tmp/elsewhere" >"$tmp/out" 2>"$tmp/err"
    grep -q "(2 machines)" "$tmp/out" && grep -q '^first,.*,2$' "$tmp/m5/summary.csv" &&
        grep -q '^bump,.*,1$' "$tmp/m5/summary.csv" && ok || bad "machines column: $(cat "$tmp/m5/summary.csv" "$tmp/err")"
fi

echo "$pass passed, $fails failed"
[ "$fails" -eq 0 ]
