#!/bin/sh
# record_tests.sh CASE: the command-line tests of `fitbench record`, `gen`
# and `convert` (FBTOOL is the fitbench binary). ctest passes the paths
# in the environment (see CMakeLists.txt): FBTOOL, VERIFY, KNOWN, THREADS,
# FORKEXEC, SRC, WORK. Each case prints what it checks and exits 0 (pass),
# 1 (fail) or 77 (skip, with the reason).
set -u
case_name=$1
dir="$WORK/$case_name"
rm -rf "$dir"
mkdir -p "$dir"
cd "$dir" || exit 1

failures=0
fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}
# expect_status WANT CMD...: runs CMD, output to out.txt/err.txt.
expect_status() {
    want=$1
    shift
    "$@" >out.txt 2>err.txt
    got=$?
    if [ "$got" != "$want" ]; then
        fail "exit $got, expected $want: $*"
        sed 's/^/    stderr: /' err.txt | head -5
    fi
}
# same FILE EXPECTED: byte-for-byte equal, with a diff when not.
same() {
    if ! cmp -s "$1" "$2"; then
        fail "$1 differs from $2"
        diff "$2" "$1" | head -20
    fi
}
verify() {
    "$VERIFY" "$@" || fail "rec_verify $*"
}
finish() {
    if [ "$failures" -ne 0 ]; then
        echo "$case_name: $failures failure(s)"
        exit 1
    fi
    echo "$case_name: passed"
    exit 0
}

case "$case_name" in
exact)
    # Every wrapped entry point, id reuse, realloc(NULL)/realloc(p,0),
    # free(NULL), a failed malloc, final frees: one exact trace.
    expect_status 0 "$FBTOOL" record -o known.rep -- "$KNOWN"
    same known.rep "$SRC/rec_known.expected.rep"
    grep -q '1 free(NULL)' err.txt || fail "free(NULL) not counted"
    grep -q '1 failed calls' err.txt || fail "failed malloc not counted"
    grep -q '6 blocks live at exit' err.txt || fail "live blocks not counted"
    ls known.*.rep >/dev/null 2>&1 && fail "unexpected extra traces"
    # The same, compressed by name.
    expect_status 0 "$FBTOOL" record -q -o known.rep.gz -- "$KNOWN"
    gzip -dc known.rep.gz >unzipped.rep || fail "not gzip"
    same unzipped.rep "$SRC/rec_known.expected.rep"
    [ -s err.txt ] && fail "-q printed something"
    verify known.rep.gz --range a 0 1000 9
    finish
    ;;
threads)
    # 4 threads x 20000 iterations; every program call must be there once,
    # and in an order where no address is handed out while still live.
    n=20000
    expect_status 0 "$FBTOOL" record -o thr.rep -- "$THREADS" 4 $n
    total=$((4 * n))
    verify thr.rep --range a 20000 23999 $total --range r 30000 33999 $total
    grep -q ' 0 frees of unknown blocks' err.txt ||
        fail "frees of unknown blocks (lost order?)"
    grep -q ' 0 unseen frees' err.txt || fail "unseen frees (lost order?)"
    finish
    ;;
forkexec)
    expect_status 0 "$FBTOOL" record -o fe.rep -- "$FORKEXEC"
    same fe.rep "$SRC/forkexec.root.rep"
    child=$(ls fe.[0-9]*-rec_forkexec.rep 2>/dev/null | grep -v '\.[0-9]*\.[0-9]*-')
    stage2=$(ls fe.[0-9]*.1-rec_forkexec.rep 2>/dev/null)
    [ "$(echo "$child" | wc -w)" = 1 ] || fail "child trace: '$child'"
    [ "$(echo "$stage2" | wc -w)" = 1 ] || fail "exec'd image trace: '$stage2'"
    [ -n "$child" ] && same "$child" "$SRC/forkexec.child.rep"
    [ -n "$stage2" ] && same "$stage2" "$SRC/forkexec.stage2.rep"
    grep -q '1 frees of unknown blocks' err.txt ||
        fail "the child's free of an inherited block was not counted"
    grep -q 'did not exit normally' err.txt &&
        fail "a flush at _exit or execve was missed"
    # --first-only: the fork child is not recorded; the exec'd image is
    # still the same process.
    expect_status 0 "$FBTOOL" record --first-only -o fo.rep -- "$FORKEXEC"
    same fo.rep "$SRC/forkexec.root.rep"
    [ "$(ls fo.*.rep | wc -l)" = 1 ] || fail "--first-only: $(ls fo.*.rep)"
    finish
    ;;
real)
    # A real program doing real work: sort, on this folder's sources.
    cat "$SRC"/*.c "$SRC"/*.sh >input.txt
    expect_status 0 "$FBTOOL" record -o sort.rep -- sort -r input.txt
    verify sort.rep --min-ops 10
    cmp -s out.txt /dev/null && fail "the program's own output was lost"
    sort -r input.txt | cmp -s - out.txt ||
        fail "the recorded program's output differs from a plain run"
    # A program that fails: traces written, status 1.
    expect_status 1 "$FBTOOL" record -o false.rep -- sort /nonexistent/file
    [ -f false.rep ] || fail "no trace for a failing program"
    grep -q 'exited with status' err.txt || fail "no word on the failure"
    # Killed by a signal: status 1, said so, and the trace of what was
    # written before is still there.
    expect_status 1 "$FBTOOL" record -o killed.rep -- \
        sh -c 'sort input.txt >/dev/null; kill -9 $$'
    grep -q 'killed by signal 9' err.txt || fail "no word on the signal"
    grep -q 'did not exit normally' err.txt || fail "no warning on lost calls"
    verify killed.rep
    finish
    ;;
children)
    cat "$SRC"/*.c >input.txt
    expect_status 0 "$FBTOOL" record -o pipe.rep -- \
        sh -c 'sort input.txt | uniq -c | sort -rn >sorted.txt'
    [ -f pipe.rep ] || fail "no trace for the shell"
    for prog in sort uniq; do
        ls pipe.[0-9]*-$prog.rep >/dev/null 2>&1 ||
            fail "no trace named after $prog: $(ls)"
    done
    for f in pipe.*.rep; do
        verify "$f"
        grep -q "$f: pid" err.txt || fail "$f not listed in the report"
    done
    expect_status 0 "$FBTOOL" record --first-only -o first.rep -- \
        sh -c 'sort input.txt | uniq -c | sort -rn >sorted.txt'
    [ "$(ls first*.rep)" = "first.rep" ] ||
        fail "--first-only wrote $(ls first*.rep)"
    finish
    ;;
gen_determinism)
    # Same options, same bytes (plain and compressed); another seed, other
    # bytes; every kind.
    for kind in $("$FBTOOL" gen --list | awk '/^[a-z]/{print $1}'); do
        "$FBTOOL" gen "$kind" --seed 7 --ops 20000 -o "$kind.1.rep" ||
            fail "gen $kind"
        "$FBTOOL" gen "$kind" --seed 7 --ops 20000 -o "$kind.2.rep"
        "$FBTOOL" gen "$kind" --seed 8 --ops 20000 -o "$kind.3.rep"
        "$FBTOOL" gen "$kind" --seed 7 --ops 20000 -o "$kind.1.rep.gz"
        "$FBTOOL" gen "$kind" --seed 7 --ops 20000 -o "$kind.2.rep.gz"
        same "$kind.2.rep" "$kind.1.rep"
        same "$kind.2.rep.gz" "$kind.1.rep.gz"
        gzip -dc "$kind.1.rep.gz" | cmp -s - "$kind.1.rep" ||
            fail "$kind: .gz holds other ops"
        cmp -s "$kind.1.rep" "$kind.3.rep" && fail "$kind: seed ignored"
    done
    [ -f random.1.rep ] || fail "kind list is empty"
    # The bytes do not depend on the machine: a pinned digest of a few
    # traces, computed when they were first generated. A change here means
    # every bundled generated trace changes too.
    "$FBTOOL" gen random --dist exp --seed 1 --ops 1000 -o e.rep
    "$FBTOOL" gen random --dist power --seed 1 --ops 1000 -o p.rep
    "$FBTOOL" gen lifetime --seed 1 --ops 1000 -o l.rep
    digest=$(cat e.rep p.rep l.rep | cksum | awk '{print $1}')
    want=$(cat "$SRC/gen_digest.txt")
    [ "$digest" = "$want" ] || fail "digest $digest, pinned $want"
    finish
    ;;
gen_valid)
    # Every kind, several seeds and sizes: the loader accepts the trace,
    # the header matches, it is balanced, within the op budget and close
    # to it; the options do what they say.
    for kind in $("$FBTOOL" gen --list | awk '/^[a-z]/{print $1}'); do
        for ops in 1 2 7 1000 50001; do
            for seed in 0 1 2; do
                "$FBTOOL" gen "$kind" --seed $seed --ops $ops -o t.rep ||
                    fail "gen $kind --ops $ops"
                # Close to the budget once it holds a few rounds.
                min=0
                [ $ops -ge 1000 ] && min=$((ops * 9 / 10))
                "$VERIFY" t.rep --max-ops $ops --min-ops $min >v.txt ||
                    fail "$kind seed $seed ops $ops: $(cat v.txt)"
            done
        done
    done
    for dist in uniform exp power; do
        "$FBTOOL" gen random --dist $dist --min 100 --max 200 --ops 5000 \
            -o d.rep
        verify d.rep --range a 0 99 0 --range a 201 999999999 0
    done
    "$FBTOOL" gen binary --min 16 --max 112 --live 100 --ops 6000 -o b.rep
    # 10 rounds of 100 pairs: 1000 small, 1000 large, 1000 bigger.
    verify b.rep --range a 16 18 1000 --range a 112 126 1000 \
        --range a 128 9999 1000
    "$FBTOOL" gen realloc --ops 20000 -o r.rep
    "$VERIFY" r.rep | grep -q ' r [1-9]' || fail "realloc kind has no r"
    finish
    ;;
gen_errors)
    expect_status 2 "$FBTOOL" gen
    expect_status 2 "$FBTOOL" gen nosuchkind -o x.rep
    grep -q "unknown kind 'nosuchkind'" err.txt || fail "unknown kind"
    expect_status 2 "$FBTOOL" gen random
    expect_status 2 "$FBTOOL" gen random --ops -5 -o x.rep
    expect_status 2 "$FBTOOL" gen random --ops 12abc -o x.rep
    expect_status 2 "$FBTOOL" gen random --ops 0 -o x.rep
    expect_status 2 "$FBTOOL" gen random --seed 99999999999999999999999 -o x.rep
    expect_status 2 "$FBTOOL" gen random --min 500 --max 100 -o x.rep
    grep -q 'larger than --max' err.txt || fail "min > max"
    expect_status 2 "$FBTOOL" gen random --dist gauss -o x.rep
    expect_status 2 "$FBTOOL" gen random --dist exp --min 100 --max 200 \
        --mean 50 -o x.rep
    expect_status 2 "$FBTOOL" gen random --alpha 0 --dist power -o x.rep
    expect_status 2 "$FBTOOL" gen lifetime --frac 1.5 -o x.rep
    expect_status 2 "$FBTOOL" gen random --max 99999999999999 -o x.rep
    expect_status 2 "$FBTOOL" gen random random -o x.rep
    expect_status 2 "$FBTOOL" gen random --bogus 1 -o x.rep
    expect_status 2 "$FBTOOL" gen random --seed
    [ -f x.rep ] && fail "a trace was written despite an error"
    expect_status 1 "$FBTOOL" gen random -o /nonexistent/dir/x.rep
    expect_status 0 "$FBTOOL" gen --help
    grep -q 'usage: fitbench gen' out.txt || fail "gen --help"
    expect_status 0 "$FBTOOL" gen --list
    [ "$(grep -c '^[a-z]' out.txt)" -ge 6 ] || fail "gen --list"
    finish
    ;;
convert)
    expect_status 0 "$FBTOOL" convert --from mtrace "$SRC/mtrace_sample.log" \
        -o sample.rep
    same sample.rep "$SRC/mtrace_sample.expected.rep"
    grep -q '1 free(NULL), 1 frees of unknown blocks; 2 failed calls' \
        err.txt || fail "drop counts: $(cat err.txt)"
    verify sample.rep
    expect_status 0 "$FBTOOL" convert "$SRC/mtrace_sample.log" -o s.rep.gz
    gzip -dc s.rep.gz | cmp -s - "$SRC/mtrace_sample.expected.rep" ||
        fail "gz output differs"
    finish
    ;;
convert_real)
    # A log written by glibc's own mtrace() for a program with known calls.
    dbg=$(ldconfig -p 2>/dev/null | awk '/libc_malloc_debug.so.0 /{print $NF; exit}')
    if [ -z "$dbg" ]; then
        echo "SKIP: glibc's libc_malloc_debug.so.0 is not installed"
        exit 77
    fi
    MALLOC_TRACE="$dir/real.log" LD_PRELOAD="$dbg" "$MTRACE" ||
        fail "the mtrace program failed"
    grep -q '^@ .* + 0x' real.log || fail "no mtrace log written"
    expect_status 0 "$FBTOOL" convert --from mtrace real.log -o real.rep
    same real.rep "$SRC/rec_mtrace.expected.rep"
    finish
    ;;
convert_errors)
    # Each bad log: status 2 and "LOG:LINE: reason".
    bad() {
        line=$1
        shift
        printf "$@" >bad.log
        expect_status 2 "$FBTOOL" convert bad.log -o bad.rep
        grep -q "bad.log:$line: " err.txt ||
            fail "log '$*': expected bad.log:$line:, got: $(cat err.txt)"
        [ -f bad.rep ] && fail "a trace was written for a bad log"
    }
    bad 1 '+ 0x1000\n'
    bad 2 '= Start\n* 0x1000 0x10\n'
    bad 2 '< 0x1000\n+ 0x2000 0x10\n'
    bad 1 '> 0x1000 0x10\n'
    bad 1 '< 0x1000\n'
    bad 1 '+ 0x1000 0x10 junk\n'
    bad 1 '+ 0xZZ 0x10\n'
    bad 1 '+ 0x1000 -5\n'
    bad 3 '+ 0x1 0x10\n\n+ 0x2 0x1ffffffffffffffff\n'
    bad 1 '@ ./prog:[0x40 + 0x1000 0x10\n'
    bad 1 '+0x1000 0x10\n'
    printf '+ 0x1 0x10\n\000\n' >nul.log
    expect_status 2 "$FBTOOL" convert nul.log -o bad.rep
    grep -q 'not a text file' err.txt || fail "NUL bytes not refused"
    expect_status 2 "$FBTOOL" convert /nonexistent.log -o bad.rep
    grep -q '/nonexistent.log: No such file' err.txt || fail "missing file"
    expect_status 2 "$FBTOOL" convert "$SRC/mtrace_sample.log"
    expect_status 2 "$FBTOOL" convert --from valgrind x.log -o bad.rep
    expect_status 2 "$FBTOOL" convert --bogus
    expect_status 0 "$FBTOOL" convert --help
    grep -q 'usage: fitbench convert' out.txt || fail "convert --help"
    expect_status 1 "$FBTOOL" convert "$SRC/mtrace_sample.log" \
        -o /nonexistent/dir/x.rep
    # An empty log is a valid, empty trace.
    : >empty.log
    expect_status 0 "$FBTOOL" convert empty.log -o empty.rep
    verify empty.rep
    finish
    ;;
check_real)
    # `fitbench check` (the main program) accepts a recorded trace.
    if [ -z "${FITBENCH:-}" ] || [ ! -x "$FITBENCH" ]; then
        echo "SKIP: the fitbench program is not built in this tree"
        exit 77
    fi
    cat "$SRC"/*.c >input.txt
    expect_status 0 "$FITBENCH" record -o sort.rep.gz -- sort input.txt
    expect_status 0 "$FITBENCH" check sort.rep.gz
    finish
    ;;
suite)
    # The bundled suite: every trace loads clean and balanced, the README
    # table gives each one's real ops and peak, at least 8 recorded
    # programs, under 30 MB in all.
    traces=$SRC/../../traces
    n_rec=0
    for f in "$traces"/*.rep.gz; do
        name=$(basename "$f" .rep.gz)
        verify "$f" >/dev/null
        set -- $(gzip -dc "$f" | head -4)
        grep -q "^| $name | .* | $3 | $4 |\$" "$traces/README.md" ||
            fail "README has no row for $name with $3 ops, peak $4"
        case "$name" in rec-*) n_rec=$((n_rec + 1)) ;; esac
    done
    [ "$n_rec" -ge 8 ] || fail "only $n_rec recorded traces"
    kb=$(du -sk "$traces" | awk '{print $1}')
    [ "$kb" -lt 30720 ] || fail "traces/ is $kb KB"
    rows=$(grep -c '^| [a-z]*-' "$traces/README.md")
    [ "$rows" = "$(ls "$traces"/*.rep.gz | wc -l)" ] ||
        fail "$rows README rows for $(ls "$traces"/*.rep.gz | wc -l) traces"
    finish
    ;;
usage)
    expect_status 0 "$FBTOOL" record --help
    grep -q 'usage: fitbench record' out.txt || fail "record --help"
    expect_status 2 "$FBTOOL" record
    expect_status 2 "$FBTOOL" record -o
    expect_status 2 "$FBTOOL" record --bogus -- true
    expect_status 2 "$FBTOOL" record -o x.rep -- /nonexistent/program
    grep -q 'cannot run /nonexistent/program' err.txt || fail "no reason"
    [ -f x.rep ] && fail "a trace for a program that never ran"
    expect_status 2 "$FBTOOL" record --lib /nonexistent.so -- true
    expect_status 1 "$FBTOOL" record -o /nonexistent/dir/x.rep -- "$KNOWN"
    grep -q '/nonexistent/dir/x.rep' err.txt || fail "no path in the message"
    # No raw-log folder left behind, whatever happened above.
    mkdir tmp
    TMPDIR=$dir/tmp "$FBTOOL" record -q -o k.rep -- "$KNOWN" || fail "TMPDIR"
    TMPDIR=$dir/tmp "$FBTOOL" record -q -o k.rep -- /nonexistent 2>/dev/null
    TMPDIR=$dir/tmp "$FBTOOL" record -q -o k.rep -- sh -c 'kill -9 $$' \
        2>/dev/null
    [ -z "$(ls tmp)" ] || fail "left in TMPDIR: $(ls tmp)"
    finish
    ;;
*)
    echo "record_tests.sh: unknown case $case_name"
    exit 2
    ;;
esac
