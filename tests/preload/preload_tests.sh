#!/bin/sh
# preload_tests.sh CASE [POLICY]: the tests of libfitmalloc.so and of
# `fitbench programs`. ctest passes the paths in the environment (see
# CMakeLists.txt): POLICIES (the core's policies, comma-separated, from
# allocator/policies.h), LIB (the library), STRESS (pl_stress), DRIVER
# (pl_programs), SRC, WORK. Each case prints what it checks and exits 0
# (pass) or 1 (fail); every failure is listed, not just the first.
# HOSTILE is pl_hostile.
set -u
case_name=$1
policy=${2:-}
dir="$WORK/$case_name${policy:+.$policy}"
rm -rf "$dir"
mkdir -p "$dir"
cd "$dir" || exit 1
# Debian's programs, not a version manager's shims.
PATH=/usr/bin:/bin
export PATH
unset LD_PRELOAD FITBENCH_POLICY FITBENCH_HEAPS FITBENCH_STATS FITBENCH_STATS_FILE FITBENCH_STRICT

failures=0
fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}
finish() {
    if [ "$failures" -ne 0 ]; then
        echo "$case_name $policy: $failures failure(s)"
        exit 1
    fi
    echo "$case_name $policy: passed"
    exit 0
}
# expect_status WANT CMD...: runs CMD, output in out.txt and err.txt.
expect_status() {
    want=$1
    shift
    "$@" >out.txt 2>err.txt
    got=$?
    if [ "$got" != "$want" ]; then
        fail "exit $got, expected $want: $*"
        sed 's/^/    stderr: /' err.txt | head -8
    fi
}
has() { grep -q -e "$2" "$1" || fail "$1 lacks '$2'"; }
# field FILE LINE KEY: the value of KEY=... on line LINE of a stats file.
field() { sed -n "${2}p" "$1" | tr ' ' '\n' | sed -n "s/^$3=//p"; }
# The workloads and the Debian program each needs.
workloads="python perl sqlite git gcc xz zstd"
need_of() {
    case $1 in
    python) echo python3 ;; sqlite) echo sqlite3 ;; *) echo "$1" ;;
    esac
}
ms() { date +%s%3N; }

# check_stats FILE POLICY: every line is a sane report of POLICY.
check_stats() {
    [ -s "$1" ] || { fail "no statistics in $1: was the library loaded?"; return; }
    n=$(wc -l <"$1")
    i=1
    while [ "$i" -le "$n" ]; do
        [ "$(field "$1" $i policy)" = "$2" ] || fail "$1:$i: policy is not $2"
        fp=$(field "$1" $i peak_footprint)
        pl=$(field "$1" $i peak_payload)
        [ "$fp" -gt 0 ] && [ "$pl" -le "$fp" ] ||
            fail "$1:$i: peak payload $pl above peak footprint $fp"
        [ "$(field "$1" $i bad_frees)" = 0 ] || fail "$1:$i: bad frees"
        i=$((i + 1))
    done
}

case "$case_name" in
glibc)
    # The stress program's own checks hold under glibc: they test the C
    # library's contract, not fitmalloc's choices.
    expect_status 0 "$STRESS" --threads 4 --iters 20000
    has out.txt "^pl_stress: all [0-9]* checks passed$"
    finish
    ;;
stress | stress_thread)
    [ "$case_name" = stress_thread ] && export FITBENCH_HEAPS=thread
    s=$(ms)
    expect_status 0 env LD_PRELOAD="$LIB" FITBENCH_POLICY="$policy" \
        FITBENCH_STATS_FILE="$dir/stats.txt" "$STRESS" --threads 4 --iters 40000
    echo "pl_stress under $policy ${FITBENCH_HEAPS:-one}: $(($(ms) - s)) ms"
    has out.txt "^pl_stress: all [0-9]* checks passed$"
    grep -q cannot.be.preloaded err.txt && fail "the library was not loaded"
    check_stats stats.txt "$policy"
    # The parent and the child of the fork each report.
    [ "$(wc -l <stats.txt)" = 2 ] || fail "expected 2 reports (parent, child)"
    [ "$(field stats.txt 1 pid)" != "$(field stats.txt 2 pid)" ] || fail "same pid twice"
    heaps=$(field stats.txt 2 heaps)
    if [ "$case_name" = stress ]; then
        [ "$heaps" = 1 ] || fail "one heap expected, got $heaps"
    else
        [ "$heaps" -ge 2 ] || fail "a heap per thread expected, got $heaps"
    fi
    [ "$(field stats.txt 2 allocs)" -ge 40000 ] || fail "too few allocations counted"
    [ "$(field stats.txt 2 foreign_frees)" = 0 ] || fail "foreign frees in a plain program"
    cat stats.txt
    finish
    ;;
hostile)
    expect_status 0 env LD_PRELOAD="$LIB" FITBENCH_POLICY="$policy" \
        FITBENCH_STATS_FILE="$dir/stats.txt" "$STRESS" --threads 2 --iters 5000 --hostile
    has out.txt "^pl_stress: all [0-9]* checks passed$"
    # Each bad pointer is named for what it is.
    has err.txt "^fitmalloc: pointer into the middle of a block: 0x[0-9a-f]*, at free(); ignored$"
    has err.txt "^fitmalloc: double free of 0x[0-9a-f]*, at free(); ignored$"
    has err.txt "^fitmalloc: pointer outside every heap .*: 0x[0-9a-f]*, at free(); ignored$"
    has err.txt "^fitmalloc: pointer outside every heap .*, at realloc(); ignored, returning NULL$"
    # Line 2 is the parent (the child exits first, before the bad calls).
    [ "$(field stats.txt 2 bad_frees)" = 2 ] || fail "bad_frees is not 2 (interior, double)"
    [ "$(field stats.txt 2 foreign_frees)" = 1 ] || fail "foreign_frees is not 1"
    [ "$(field stats.txt 2 foreign_reallocs)" = 1 ] || fail "foreign_reallocs is not 1"
    # One bug each: named, survived, no SIGSEGV. An overflow is a header's
    # corruption only where a header follows the block (not in segstore's
    # headerless runs: there it is the neighbour's data, and nothing to see).
    headers=$(env LD_PRELOAD="$LIB" FITBENCH_POLICY="$policy" "$HOSTILE" layout)
    case $headers in headers | "no headers") ;; *) fail "layout: '$headers'" ;; esac
    for mode in overflow overflow-free double stack low; do
        expect_status 0 env LD_PRELOAD="$LIB" FITBENCH_POLICY="$policy" "$HOSTILE" $mode
        has out.txt "^pl_hostile: $mode survived$"
        case $mode in
        overflow*) [ "$headers" = headers ] || { [ -s err.txt ] && fail "$mode: said $(cat err.txt)"; continue; }
            has err.txt "^fitmalloc: heap corruption: a block header at or next to 0x[0-9a-f]* was overwritten (a buffer overflow?), at free(); ignored$" ;;
        double)
            [ "$(grep -c '^fitmalloc: double free of 0x[0-9a-f]*, at free(); ignored$' err.txt)" = 2 ] ||
                fail "double: two double frees named: $(cat err.txt)" ;;
        stack | low) has err.txt "^fitmalloc: pointer outside every heap" ;;
        esac
        [ "$mode" = low ] && has err.txt ": 0x100000, at free()"
    done
    # Strict mode: the first bad pointer, said, then abort (SIGABRT: 134).
    strict="double low"
    [ "$headers" = headers ] && strict="overflow $strict"
    for mode in $strict; do
        expect_status 134 env LD_PRELOAD="$LIB" FITBENCH_POLICY="$policy" FITBENCH_STRICT=1 \
            "$HOSTILE" $mode
        has err.txt "; aborting (FITBENCH_STRICT=1)$"
        [ "$(grep -c '^fitmalloc:' err.txt)" = 1 ] || fail "strict $mode: more than one line"
        [ -s out.txt ] && fail "strict $mode: the program went on"
    done
    has err.txt "^fitmalloc: pointer outside every heap"
    expect_status 127 env LD_PRELOAD="$LIB" FITBENCH_STRICT=yes /bin/true
    has err.txt "^fitmalloc: FITBENCH_STRICT=yes is not one of: 0, 1; stopping"
    # The first 8 are shown, the rest counted.
    expect_status 0 env LD_PRELOAD="$LIB" FITBENCH_POLICY="$policy" FITBENCH_STATS=1 "$HOSTILE" many
    [ "$(grep -c '^fitmalloc: double free of' err.txt)" = 8 ] || fail "many: not 8 lines shown"
    has err.txt "^fitmalloc: later bad pointers are counted, not shown"
    has err.txt " bad_frees=20 "
    finish
    ;;
valgrind)
    # The library's own code under memcheck. memcheck must not put its
    # malloc in front of the library's (somalloc=nouserintercepts), so it
    # checks the library's reads and writes rather than replacing it.
    if ! command -v valgrind >/dev/null; then
        echo "valgrind is not installed (Debian package valgrind): skipped"
        exit 77
    fi
    for mode in one thread; do
        expect_status 0 env LD_PRELOAD="$LIB" FITBENCH_POLICY="$policy" FITBENCH_HEAPS=$mode \
            FITBENCH_STATS=1 valgrind -q --error-exitcode=9 \
            --soname-synonyms=somalloc=nouserintercepts "$STRESS" --threads 2 --iters 3000 --hostile
        has out.txt "^pl_stress: all [0-9]* checks passed$"
        has err.txt "prog=pl_stress policy=$policy"
        grep -q '^==[0-9]*== ' err.txt && fail "memcheck: $(grep '^==[0-9]*== ' err.txt | head -5)"
    done
    finish
    ;;
env)
    # A wrong policy or heap mode stops the process with one clear line.
    expect_status 127 env LD_PRELOAD="$LIB" FITBENCH_POLICY=tslf /bin/true
    has err.txt "^fitmalloc: FITBENCH_POLICY=tslf is not one of: $POLICIES; stopping"
    [ "$(wc -l <err.txt)" = 1 ] || fail "more than one line for a wrong policy"
    expect_status 127 env LD_PRELOAD="$LIB" FITBENCH_HEAPS=many /bin/true
    has err.txt "FITBENCH_HEAPS=many is not one of: one, thread"
    # Unset or empty: tlsf; FITBENCH_STATS=1 reports on stderr.
    expect_status 0 env LD_PRELOAD="$LIB" FITBENCH_POLICY= FITBENCH_STATS=1 /bin/echo hi
    has out.txt "^hi$"
    has err.txt "^fitmalloc: pid=[0-9]* prog=echo policy=tlsf heaps=1 peak_footprint="
    expect_status 0 env LD_PRELOAD="$LIB" FITBENCH_STATS=0 /bin/echo hi
    [ -s err.txt ] && fail "FITBENCH_STATS=0 printed something"
    # An unwritable statistics file: said once, report on stderr instead.
    expect_status 0 env LD_PRELOAD="$LIB" FITBENCH_STATS_FILE="$dir/no/such/dir/s.txt" /bin/echo hi
    has err.txt "cannot open FITBENCH_STATS_FILE"
    has err.txt "^fitmalloc: pid=.* policy=tlsf"
    # Reports append, one line per process.
    for p in best worst; do
        env LD_PRELOAD="$LIB" FITBENCH_POLICY=$p FITBENCH_STATS_FILE="$dir/s.txt" /bin/echo >/dev/null
    done
    [ "$(wc -l <s.txt)" = 2 ] || fail "two runs, not two report lines"
    [ "$(field s.txt 1 policy)/$(field s.txt 2 policy)" = best/worst ] || fail "policies in s.txt"
    # The library exports the malloc family and nothing else.
    if command -v nm >/dev/null; then
        nm -D --defined-only "$LIB" | awk '{print $3}' | sort >exports.txt
        printf '%s\n' aligned_alloc calloc free malloc malloc_usable_size memalign \
            posix_memalign pvalloc realloc reallocarray valloc | sort >want.txt
        cmp -s exports.txt want.txt || { fail "exported names differ:"; diff want.txt exports.txt; }
    else
        echo "nm not installed (binutils): export list not checked"
    fi
    finish
    ;;
programs_ref)
    # Inputs, and glibc's output of every workload.
    expect_status 0 "$DRIVER" prepare "$dir" test
    for w in $workloads; do
        [ -x "/usr/bin/$(need_of $w)" ] ||
            fail "$(need_of $w) is not installed: the Makefile installs it (Debian package)"
        [ -f "run-$w.sh" ] || { fail "run-$w.sh not written"; continue; }
        s=$(ms)
        sh "run-$w.sh" >"$w.out" 2>"$w.err" || fail "$w fails under glibc: $(head -3 "$w.err")"
        echo "$w under glibc: $(($(ms) - s)) ms"
        [ -s "$w.out" ] || fail "$w printed nothing"
    done
    finish
    ;;
programs | programs_thread | programs_stats)
    ref="$WORK/programs_ref"
    [ -f "$ref/python.out" ] || { fail "no reference outputs: preload.programs_ref did not run"; finish; }
    [ "$case_name" = programs_thread ] && export FITBENCH_HEAPS=thread
    [ "$case_name" = programs_stats ] && export FITBENCH_STATS_FILE="$dir/stats.txt"
    total=$(ms)
    for w in $workloads; do
        s=$(ms)
        LD_PRELOAD="$LIB" FITBENCH_POLICY="$policy" sh "$ref/run-$w.sh" >"$w.out" 2>"$w.err"
        rc=$?
        echo "$w under $policy ${FITBENCH_HEAPS:-one}: $(($(ms) - s)) ms"
        [ "$rc" = 0 ] || fail "$w exits $rc under $policy: $(head -3 "$w.err")"
        cmp -s "$w.out" "$ref/$w.out" ||
            { fail "$w prints something else under $policy than under glibc"; diff "$ref/$w.out" "$w.out" | head -10; }
        grep -q -e cannot.be.preloaded -e '^fitmalloc:' "$w.err" &&
            fail "$w: $(grep -e cannot.be.preloaded -e '^fitmalloc:' "$w.err" | head -2)"
    done
    echo "all programs under $policy: $(($(ms) - total)) ms"
    if [ "$case_name" = programs_stats ]; then
        # Every program really ran on the library, and none made a bad call.
        check_stats stats.txt "$policy"
        for prog in python3 perl sqlite3 git gcc cc1 as xz zstd; do
            grep -q " prog=$prog " stats.txt || fail "no report from $prog"
        done
        echo "reports: $(wc -l <stats.txt), foreign frees: $(tr ' ' '\n' <stats.txt | sed -n 's/^foreign_frees=//p' | sort | uniq -c | tr '\n' ' ')"
    fi
    finish
    ;;
cmd)
    # `fitbench programs` on small commands: rows for every cell, failures
    # recorded and the run going on, output compared with glibc's.
    if ! command -v hyperfine >/dev/null; then
        expect_status 1 "$DRIVER" programs -o "$dir/res" --cmd 'true=true'
        has err.txt "hyperfine not found"
        echo "hyperfine is not installed (Debian package hyperfine): the rest skipped"
        [ "$failures" = 0 ] || finish
        exit 77
    fi
    printf 'b\na\nc\n' >words.txt
    expect_status 1 "$DRIVER" programs -o "$dir/res" -a tlsf,first,jemalloc --runs 2 \
        --warmup 0 --timeout 2 \
        --cmd "sort=sort $dir/words.txt" \
        --cmd 'bad=exit 3' \
        --cmd 'differs=echo "$LD_PRELOAD"' \
        --cmd 'slow=sleep 20'
    csv=res/programs.csv
    [ -f $csv ] || { fail "no programs.csv"; finish; }
    [ "$(head -1 $csv)" = "program,allocator,mean_s,stddev_s,median_s,rss_kb,time_rel_libc,rss_rel_libc,status" ] ||
        fail "programs.csv header"
    [ "$(wc -l <$csv)" = 17 ] || fail "expected 16 rows (4 programs x 4 allocators)"
    row() { grep "^$1,$2," $csv; }
    row sort libc | grep -q ',1.0000,1.0000,ok$' || fail "sort/libc: $(row sort libc)"
    for a in tlsf first; do
        row sort $a | grep -q ',ok$' || fail "sort/$a: $(row sort $a)"
        [ -f res/programs/sort.$a.json ] || fail "no hyperfine JSON for sort/$a"
    done
    for a in libc tlsf first; do
        row bad $a | grep -q ',failed$' || fail "bad/$a: $(row bad $a)"
        row slow $a | grep -q ',timeout$' || fail "slow/$a: $(row slow $a)"
    done
    # glibc's output is the reference: the others print another path.
    row differs libc | grep -q ',ok$' || fail "differs/libc: $(row differs libc)"
    row differs tlsf | grep -q ',failed$' || fail "differs/tlsf: $(row differs tlsf)"
    has err.txt "differs under tlsf: output differs from glibc's"
    if [ -f /usr/lib/x86_64-linux-gnu/libjemalloc.so.2 ] || [ -f /usr/lib/aarch64-linux-gnu/libjemalloc.so.2 ]; then
        row sort jemalloc | grep -q ',ok$' || fail "sort/jemalloc: $(row sort jemalloc)"
    else
        row sort jemalloc | grep -q ',unavailable$' || fail "sort/jemalloc: $(row sort jemalloc)"
    fi
    # rss_kb is a number for every cell that ran.
    awk -F, 'NR > 1 && $9 == "ok" && !($6 > 0) { bad = 1 } END { exit bad }' $csv ||
        fail "an ok row without peak RSS"
    has res/programs.dat "^program libc tlsf first jemalloc$"
    [ "$(grep -c '^program ' res/programs.dat)" = 2 ] || fail "programs.dat needs two blocks"
    if command -v gnuplot >/dev/null; then
        grep -q '</svg>' res/programs.svg 2>/dev/null || fail "programs.svg is not a complete SVG"
    fi
    cat $csv
    finish
    ;;
cmd_usage)
    expect_status 0 "$DRIVER" programs --help
    has out.txt "^usage: fitbench programs"
    expect_status 2 "$DRIVER" programs --bogus
    has err.txt "unknown option --bogus"
    expect_status 2 "$DRIVER" programs -a tlsf,nosuch
    has err.txt "unknown allocator 'nosuch'"
    expect_status 2 "$DRIVER" programs -p python,nosuch
    has err.txt "unknown program 'nosuch'"
    expect_status 2 "$DRIVER" programs --runs 0
    has err.txt "runs '0'"
    expect_status 2 "$DRIVER" programs --cmd noequals
    has err.txt "expected NAME=COMMAND"
    expect_status 2 "$DRIVER" programs --cmd 'a b=true'
    has err.txt "NAME may hold"
    expect_status 2 "$DRIVER" programs -p none
    has err.txt "no programs to run"
    expect_status 2 "$DRIVER" programs extra
    has err.txt "unexpected argument 'extra'"
    expect_status 2 "$DRIVER" programs -o
    has err.txt "needs a value"
    if command -v hyperfine >/dev/null; then
        expect_status 1 "$DRIVER" programs -o "$dir/res" --lib /nonexistent -a tlsf \
            --runs 2 --warmup 0 --no-plot --cmd 'true=true'
        grep -q '^true,tlsf,.*,unavailable$' res/programs.csv || fail "a missing library is not unavailable"
    else
        echo "hyperfine is not installed: the missing-library case skipped"
    fi
    finish
    ;;
*)
    echo "unknown case $case_name"
    exit 1
    ;;
esac
