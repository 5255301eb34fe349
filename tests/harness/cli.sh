#!/usr/bin/env bash
# The fitbench command line: exit codes, messages, the files a run writes
# and their schema, and that an interrupted run keeps what it measured.
# usage: cli.sh FITBENCH TESTDIR
set -u
fb=$1
here=$2
. "$(dirname "$0")/../kit/check.sh"
expect_rc() { # want cmd...
    local want=$1; shift
    "$@" >"$tmp/out" 2>"$tmp/err"
    local rc=$?
    if [ "$rc" -eq "$want" ]; then ok; else bad "'$*' exited $rc, want $want: $(head -c 300 "$tmp/err")"; fi
}
expect_err() { # pattern
    if grep -q -- "$1" "$tmp/err"; then ok; else bad "stderr lacks '$1': $(head -c 300 "$tmp/err")"; fi
}

printf '0\n3\n6\n0\na 0 100\na 1 200\nr 0 300\nf 1\na 2 50\nf 0\n' >"$tmp/small.rep"
printf '20000\n2\n4\n1\na 0 64\na 1 4000\nf 0\nf 1\n' >"$tmp/two.rep"
printf '0\n2\n3\n0\na 0 64\nx 1 2\nf 0\n' >"$tmp/badop.rep"
printf '0\n1\n2\n0\na 0 1152921504606846976\nf 0\n' >"$tmp/giant.rep"
mkdir "$tmp/dir" && cp "$tmp/small.rep" "$tmp/two.rep" "$tmp/dir/"

# Usage errors and help.
expect_rc 0 "$fb" --help
expect_rc 2 "$fb"
expect_rc 2 "$fb" frobnicate
expect_err "unknown command"
for c in run list check stats record gen convert plot report merge; do
    expect_rc 0 "$fb" "$c" --help
done
expect_rc 2 "$fb" run -a nosuch "$tmp/small.rep"
expect_err "unknown allocator or group 'nosuch'"
expect_rc 2 "$fb" run -r 0 "$tmp/small.rep"
expect_rc 2 "$fb" run --timeout abc "$tmp/small.rep"
expect_rc 2 "$fb" run --max-rss 0 "$tmp/small.rep"
expect_err "max-rss wants MiB"
# A cell over the memory limit (1 MiB: any process is) is an `oom` row.
expect_rc 1 "$fb" run -q --max-rss 1 -a first -o "$tmp/rss" "$tmp/small.rep"
grep -q '^small,first,oom,"\?resident memory passed the 1 MiB limit' "$tmp/rss/results.csv" && ok ||
    bad "--max-rss 1: $(cat "$tmp/rss/results.csv" 2>/dev/null | tail -1)"
# An empty selection is a usage error, not a run of nothing.
expect_rc 2 "$fb" run -a '' "$tmp/small.rep"
expect_err "no allocator given"
expect_rc 2 "$fb" run -a 'first,,best' "$tmp/small.rep"
expect_err "empty allocator name"
# A trace given as a pipe has one writer: it must be read once.
expect_rc 0 "$fb" run -q -a first -o "$tmp/pipe" <(cat "$tmp/small.rep")
grep -q ',first,ok,' "$tmp/pipe/results.csv" && ok || bad "trace from a pipe: $(tail -1 "$tmp/pipe/results.csv")"
expect_rc 2 "$fb" run --bogus "$tmp/small.rep"
expect_rc 2 "$fb" run -o "$tmp/r0" "$tmp/missing.rep"
expect_err "missing.rep"
expect_rc 2 "$fb" run -o "$tmp/r0" "$tmp/small.rep" "$tmp/badop.rep"
expect_err "badop.rep:6:"
[ ! -e "$tmp/r0/results.csv" ] && ok || bad "a bad trace must stop the run before any cell"

# list shows every allocator of the one list, each once; --names and a
# selection agree with it.
expect_rc 0 "$fb" list --names
names=$(cat "$tmp/out")
[ "$(wc -l <<<"$names")" -ge 17 ] && ok || bad "list --names: only $(wc -l <<<"$names") names"
expect_rc 0 "$fb" list
[ "$(($(wc -l <"$tmp/out") - 1))" -eq "$(wc -l <<<"$names")" ] && ok || bad "list and list --names disagree"
for a in $names; do
    [ "$(grep -c "^$a " "$tmp/out")" -eq 1 ] && ok || bad "list shows $a $(grep -c "^$a " "$tmp/out") times"
done
expect_rc 0 "$fb" list --names fit,bump
grep -qx bump "$tmp/out" && grep -qx tlsf "$tmp/out" && ! grep -qx libc "$tmp/out" && ok ||
    bad "list --names fit,bump: $(tr '\n' ' ' <"$tmp/out")"
expect_rc 2 "$fb" list nosuch
expect_err "unknown allocator or group 'nosuch'"

# check and stats.
expect_rc 0 "$fb" check "$tmp/small.rep"
grep -q "peak payload 500 bytes" "$tmp/out" && ok || bad "check output: $(cat "$tmp/out")"
expect_rc 2 "$fb" check "$tmp/badop.rep"
expect_err "badop.rep:6:"
expect_rc 0 "$fb" stats "$tmp/small.rep"
grep -q "500" "$tmp/out" && ok || bad "stats should show the peak payload 500"

# A run: files, schema, rows.
expect_rc 0 "$fb" run -q -a first,bump -r 2 -o "$tmp/r1" "$tmp/dir"
if diff <(head -1 "$tmp/r1/results.csv") "$here/results_header.golden" >/dev/null; then ok; else
    bad "results.csv header differs from results_header.golden: $(head -1 "$tmp/r1/results.csv")"; fi
[ "$(wc -l <"$tmp/r1/results.csv")" -eq 5 ] && ok || bad "want 4 rows in results.csv"
grep -q '^small,first,ok,,6,500,' "$tmp/r1/results.csv" && ok || bad "small/first row: $(grep ^small,first "$tmp/r1/results.csv")"
grep -q '^two,bump,ok,,4,4064,' "$tmp/r1/results.csv" && ok || bad "two/bump row: $(grep ^two,bump "$tmp/r1/results.csv")"
[ "$(head -1 "$tmp/r1/summary.csv")" = "allocator,group,traces,ok,mean_util,kops,kops_gmean,perf_index,machines" ] && ok || bad "summary.csv header"
grep -q '^first,fit,2,2,' "$tmp/r1/summary.csv" && ok || bad "summary row for first: $(cat "$tmp/r1/summary.csv")"
for f in timeline/small__first.csv heapmap/small__first.csv latency/small__first.csv timeline/two__bump.csv meta.json results.json; do
    [ -s "$tmp/r1/$f" ] && ok || bad "missing $f"
done
[ ! -e "$tmp/r1/heapmap/small__bump.csv" ] && ok || bad "bump cannot walk its heap: no heap map expected"
[ "$(head -1 "$tmp/r1/timeline/small__first.csv")" = "op,live_payload,footprint" ] && ok || bad "timeline header"
# Undefined figures (figure.h): a trace with no ops and one of size-0
# allocations only have no util (and the first no throughput): empty in
# results.csv, null in results.json, "-" in the printed table, and left out
# of the mean, which is that of small alone.
printf '0\n0\n0\n0\n' >"$tmp/noops.rep"
printf '0\n2\n4\n0\na 0 0\na 1 0\nf 0\nf 1\n' >"$tmp/zeros.rep"
expect_rc 0 "$fb" run -a first -r 1 -o "$tmp/u0" "$tmp/noops.rep" "$tmp/zeros.rep" "$tmp/small.rep"
grep -Eq '^noops +yes +- +0 .* -$' "$tmp/out" && ok || bad "noops not shown with '-': $(grep ^noops "$tmp/out")"
expect_rc 0 "$fb" run -q -a first -r 1 -o "$tmp/u1" "$tmp/small.rep"
if python3 - "$tmp/u0" "$tmp/u1" <<'PY'
import csv, json, sys
d0, d1 = sys.argv[1:3]
rows = {r["trace"]: r for r in csv.DictReader(open(d0 + "/results.csv"))}
js = {r["trace"]: r for r in json.load(open(d0 + "/results.json"))}
assert rows["noops"]["util"] == "" and rows["noops"]["kops"] == "", rows["noops"]
assert rows["zeros"]["util"] == "" and rows["zeros"]["kops"] != "", rows["zeros"]
assert js["noops"]["util"] is None and js["noops"]["kops"] is None, js["noops"]
assert rows["small"]["util"] not in ("", "0.0000"), rows["small"]
s0 = next(csv.DictReader(open(d0 + "/summary.csv")))
s1 = next(csv.DictReader(open(d1 + "/summary.csv")))
assert s0["ok"] == "3" and s0["mean_util"] == s1["mean_util"] == rows["small"]["util"], (s0, s1)
PY
then ok; else bad "undefined figures in results.csv, results.json or summary.csv"; fi
[ "$(head -1 "$tmp/r1/heapmap/small__first.csv")" = "offset,size,used" ] && ok || bad "heapmap header"
python3 - "$tmp/r1" <<'PY' && ok || bad "results.json / meta.json do not hold what results.csv does"
import csv, json, sys
d = sys.argv[1]
rows = json.load(open(d + "/results.json"))
csvrows = list(csv.DictReader(open(d + "/results.csv")))
assert len(rows) == len(csvrows) == 4, (len(rows), len(csvrows))
for j, c in zip(rows, csvrows):
    assert list(j.keys()) == list(c.keys()), (list(j.keys()), list(c.keys()))
    assert j["trace"] == c["trace"] and j["status"] == c["status"] == "ok"
    assert j["peak_payload"] == int(c["peak_payload"])
    assert 0 < j["util"] <= 1
meta = json.load(open(d + "/meta.json"))
for k in ("date", "cpu", "kernel", "compiler", "glibc", "libraries"):
    assert k in meta, k
PY

# A cell that cannot allocate: status oom, exit 1, and the run goes on.
expect_rc 1 "$fb" run -q -a tlsf,bump -r 1 -o "$tmp/r2" "$tmp/giant.rep" "$tmp/small.rep"
grep -q '^giant,tlsf,oom,' "$tmp/r2/results.csv" && ok || bad "giant/tlsf should be oom: $(cat "$tmp/r2/results.csv")"
grep -q '^small,tlsf,ok,' "$tmp/r2/results.csv" && ok || bad "the run must go on after an oom cell"

# Interrupted: the rows already written stay, and both files stay valid.
awk 'BEGIN { n = 20000; print 0; print n; print 2 * n; print 0;
             for (i = 0; i < n; i++) print "a " i " " (i * 37 % 3000 + 1);
             for (i = 0; i < n; i++) print "f " i }' >"$tmp/big.rep"
"$fb" run -q -a fit -o "$tmp/r3" --min-time 1 "$tmp/big.rep" >/dev/null 2>&1 &
pid=$!
sleep 2.5
kill -INT $pid
wait $pid
rc=$?
[ "$rc" -eq 130 ] && ok || bad "interrupted run exited $rc, want 130"
n=$(($(wc -l <"$tmp/r3/results.csv") - 1))
[ "$n" -ge 1 ] && ok || bad "an interrupted run must keep its finished rows"
python3 -c "import json,sys; r=json.load(open('$tmp/r3/results.json')); sys.exit(0 if len(r)==$n else 1)" && ok ||
    bad "results.json of an interrupted run must be valid with the same $n rows"

# What the harness holds per op: a cell of a 1.5 M-op trace against one of
# a few ops, minus the heap's footprint, must stay under 16 bytes an op
# (the op array is the cell's only per-op table). Small blocks keep the
# heap, and the tables the checker keeps per heap byte, small; a long
# --timeout, so that no pass runs out of budget on a slow machine.
"$fb" gen random --dist uniform --min 16 --max 64 --seed 3 --ops 1500000 -o "$tmp/mem.rep" >/dev/null 2>&1
"$fb" run -q -a tlsf -r 1 --min-time 0 --timeout 600 -o "$tmp/mem" "$tmp/mem.rep" "$tmp/small.rep" >/dev/null 2>&1
python3 - "$tmp/mem/results.csv" <<'PY' && ok || bad "the harness holds 16 bytes or more per op"
import csv, sys
rows = {r["trace"]: r for r in csv.DictReader(open(sys.argv[1]))}
big, small = rows["mem"], rows["small"]
extra = (int(big["rss_peak_kb"]) - int(small["rss_peak_kb"])) * 1024 - int(big["heap_peak"])
per_op = extra / int(big["ops"])
print(f"harness memory per op: {per_op:.1f} bytes", file=sys.stderr)
sys.exit(0 if big["status"] == "ok" and per_op < 16 else 1)
PY

echo "$pass passed, $fails failed"
[ "$fails" -eq 0 ]
