#!/usr/bin/env bash
# tests/user/user.sh: `fitbench run -a mm:PATH` and `-a so:PATH` end to end.
# The test allocators of this folder in each malloc-lab interface replay the
# copied classic traces with the utilization a plain memlib driver
# (plain_driver.c, built here with the system's compiler) gives them, to
# 0.001; a small malloc library runs as so:; every user error exits 2 before
# any cell, with its message; every broken allocator gets its status and op.
# usage: user.sh FITBENCH SRCDIR [CLASSIC_DIR]
# (CLASSIC_DIR: a folder of the classic traces, whose eleven -bal ones are
# added to the copies here; ctest runs it without.)
set -u
fb=$1
src=$2
extra=${3:-}
cc=${CC:-cc}
if ! command -v "$cc" >/dev/null || ! command -v objcopy >/dev/null; then
    echo "skipped: no C compiler or objcopy"
    exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fails=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL: $*"; fails=$((fails + 1)); }
field() { # field FILE TRACE ALLOC COLUMN
    awk -F, -v t="$2" -v a="$3" -v c="$4" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == c) k = i }
        $1 == t && $2 == a { print $k }' "$1"
}
inc=$src/../../harness/user/include
traces=("$src"/traces/*.rep)
if [ -n "$extra" ] && [ -d "$extra" ]; then
    for t in amptjp cccp cp-decl expr coalescing random random2 binary binary2 realloc realloc2; do
        [ -f "$extra/$t-bal.rep" ] && [ ! -f "$src/traces/$t-bal.rep" ] && traces+=("$extra/$t-bal.rep")
    done
fi

# --- the plain driver for each interface
"$cc" -O2 -c "$src/plain_memlib.c" -o "$tmp/pm16.o" &&
"$cc" -O2 -DSBRK_INT -c "$src/plain_memlib.c" -o "$tmp/pm8.o" &&
"$cc" -O2 -DDRIVER -I"$inc/2002" -c "$src/mm2002.c" -o "$tmp/m2002.o" &&
"$cc" -O2 -DDRIVER -Dmalloc=mm_malloc -Dfree=mm_free -Drealloc=mm_realloc -Dcalloc=mm_calloc \
    -I"$inc/2010" -c "$src/mm2010.c" -o "$tmp/m2010.o" &&
"$cc" -O2 -DDRIVER -I"$inc/2016" -c "$src/mm2016.c" -o "$tmp/m2016.o" &&
"$cc" -O2 "$src/plain_driver.c" "$tmp/m2002.o" "$tmp/pm8.o" -o "$tmp/pd2002" &&
"$cc" -O2 "$src/plain_driver.c" "$tmp/m2010.o" "$tmp/pm8.o" -o "$tmp/pd2010" &&
"$cc" -O2 -DINIT_BOOL "$src/plain_driver.c" "$tmp/m2016.o" "$tmp/pm16.o" -o "$tmp/pd2016" &&
"$cc" -O2 -shared -fPIC "$src/testmalloc.c" -o "$tmp/libtestmalloc.so" || {
    echo "FAIL: cannot build the reference drivers"
    exit 1
}

# --- the good ones: every interface told apart, util as the plain driver's
"$fb" run -a "a02=mm:$src/mm2002.c,a10=mm:$src/mm2010.c,a16=mm:$src/mm2016.c,tm=so:$tmp/libtestmalloc.so" \
    -r 1 --min-time 0 -o "$tmp/good" "${traces[@]}" >"$tmp/good.out" 2>"$tmp/good.err"
rc=$?
[ $rc -eq 0 ] && ok || { bad "good run exited $rc"; cat "$tmp/good.err"; }
for v in 2002 2010 2016; do
    grep -q "^a${v#20}: .* built as the $v" "$tmp/good.out" && ok ||
        bad "mm$v.c not told apart as $v: $(grep "^a${v#20}:" "$tmp/good.out")"
    "$tmp/pd$v" "${traces[@]}" >"$tmp/plain$v" || bad "plain driver $v failed"
    while read -r t u; do
        st=$(field "$tmp/good/results.csv" "$t" "a${v#20}" status)
        fu=$(field "$tmp/good/results.csv" "$t" "a${v#20}" util)
        fm=$(field "$tmp/good/results.csv" "$t" "a${v#20}" footprint_method)
        if [ "$st" = ok ] && [ "$fm" = mem_heapsize ] &&
            awk -v a="$u" -v b="$fu" 'BEGIN { d = a - b; exit !(d < 0.001 && d > -0.001) }'; then
            ok
        else
            bad "$t/mm$v: status $st, util $fu, plain driver $u, footprint $fm"
        fi
    done <"$tmp/plain$v"
done
for t in "${traces[@]}"; do
    n=$(basename "$t" .rep)
    st=$(field "$tmp/good/results.csv" "$n" tm status)
    fm=$(field "$tmp/good/results.csv" "$n" tm footprint_method)
    [ "$st" = ok ] && [ "$fm" = rss ] && ok || bad "$n/so: status $st, footprint $fm"
done
grep -q "Results for a16 (yours)" "$tmp/good/malloclab.txt" &&
    grep -q "Perf index = " "$tmp/good/malloclab.txt" && grep -q "Results for libc:" "$tmp/good/malloclab.txt" &&
    ok || bad "malloclab.txt lacks the user's table, the perf index or libc's"
[ "$(sed -n 2p "$tmp/good/results.csv" | cut -d, -f2)" = a02 ] && ok || bad "the user's rows are not first"
# The report marks them in its tables and in every chart's key.
if command -v gnuplot >/dev/null; then
    "$fb" report "$tmp/good" >/dev/null 2>&1
    grep -q "a16 <strong>(yours)</strong>" "$tmp/good/report.html" && ok || bad "report tables lack (yours)"
    grep -q "a16 (yours)" "$tmp/good/plots/kops.svg" && grep -q "a16 (yours)" "$tmp/good/plots/util.svg" &&
        ok || bad "chart keys lack 'a16 (yours)'"
fi

# --- a folder: every .c but the handout's driver files, compiled together
mkdir -p "$tmp/folder"
cp "$src/mm2002.c" "$tmp/folder/mm.c"
echo 'this is not C' >"$tmp/folder/mdriver.c"
printf '#include <stddef.h>\nint fb_test_helper(void) { return 1; }\n' >"$tmp/folder/helper.c"
"$fb" run -q -a "folder=mm:$tmp/folder/" -r 1 --min-time 0 -o "$tmp/fold" "$src/traces/short1-bal.rep" \
    2>"$tmp/fold.err"
rc=$?
[ $rc -eq 0 ] && ok || { bad "a folder: exit $rc"; cat "$tmp/fold.err"; }

# --- user errors: exit 2, the message, no cell run
expect2() { # expect2 WHAT PATTERN ARGS...
    local what=$1 pat=$2
    shift 2
    rm -rf "$tmp/e"
    "$fb" run -q -r 1 --min-time 0 -o "$tmp/e" "$@" "$src/traces/short1-bal.rep" >"$tmp/e.out" 2>"$tmp/e.err"
    local rc=$?
    if [ $rc -eq 2 ] && grep -q -- "$pat" "$tmp/e.err" && [ ! -e "$tmp/e/results.csv" ]; then
        ok
    else
        bad "$what: exit $rc (want 2), results $(ls "$tmp/e" 2>/dev/null), stderr: $(head -5 "$tmp/e.err")"
    fi
}
sed '30i int broken = ;' "$src/mm2016.c" >"$tmp/syntax.c"
expect2 "syntax error" "syntax.c:30:.*error" -a "mm:$tmp/syntax.c"
expect2 "syntax error names the file" "does not compile" -a "mm:$tmp/syntax.c"
expect2 "no mm_init" "no mm_init defined" --cflags -DBREAK_NOINIT -a "mm:$src/mm2016.c"
expect2 "wrong interface forced" "conflicting types" --mm-interface 2016 -a "mm:$src/mm2010.c"
expect2 "no such file" "No such file" -a "mm:$tmp/nothere.c"
echo 'not a library' >"$tmp/notlib.so"
expect2 "so: not loading" "does not load" -a "so:$tmp/notlib.so"
printf 'int fb_not_malloc(void) { return 0; }\n' >"$tmp/nomalloc.c"
"$cc" -shared -fPIC "$tmp/nomalloc.c" -o "$tmp/libnomalloc.so"
expect2 "so: no malloc" "does not define malloc" -a "so:$tmp/libnomalloc.so"
expect2 "bad interface option" "mm-interface wants" --mm-interface 1999 -a "mm:$src/mm2016.c"
expect2 "taken name" "is taken" -a "libc=mm:$src/mm2016.c"

# --- broken allocators: their status, at their op, and the run goes on
{
    printf '0\n40\n80\n1\n'
    for i in $(seq 0 39); do echo "a $i $((24 + i * 8))"; done
    for i in $(seq 0 39); do echo "f $i"; done
} >"$tmp/tiny.rep"
expect_status() { # expect_status BREAK STATUS PATTERN
    rm -rf "$tmp/b"
    "$fb" run -q -r 1 --min-time 0 --timeout 2 --cflags "-DBREAK_$1" -a "mm:$src/mm2016.c" \
        -o "$tmp/b" "$tmp/tiny.rep" "$src/traces/short1-bal.rep" >/dev/null 2>"$tmp/b.err"
    local st det lst
    st=$(field "$tmp/b/results.csv" tiny mm2016 status)
    det=$(field "$tmp/b/results.csv" tiny mm2016 detail)
    lst=$(field "$tmp/b/results.csv" tiny libc status)
    if [ "$st" = "$2" ] && grep -q -- "$3" <<<"$det" && [ "$lst" = ok ]; then
        ok
    else
        bad "BREAK_$1: status $st (want $2), detail '$det' (want /$3/), libc $lst"
    fi
}
expect_status CRASH crash "signal 11 .* at op 19"
expect_status HANG timeout "at op 19"
expect_status OVERLAP invalid "op 19 .*overlaps live block"
expect_status ALIGN invalid "op 0 .*not 16-byte aligned"
expect_status CORRUPT invalid "payload byte 0 of id 18 corrupted"
expect_status CHECK invalid "heap check found"

# --- a plan with your own allocator: each command builds it with the run's
# options and leaves libc to its own cell; merged, every cell once, ok.
t1=${traces[0]}
if "$fb" run --plan -a "a16=mm:$src/mm2016.c" --cflags -O1 -r 1 --min-time 0 -o "$tmp/plan" "$t1" \
    >"$tmp/plan.txt" 2>"$tmp/plan.err"; then
    [ "$(wc -l <"$tmp/plan.txt")" = 2 ] && grep -q -- "-a 'a16=mm:/.*mm2016.c' --no-reference --cflags -O1" \
        "$tmp/plan.txt" && ok || bad "plan with mm: $(cat "$tmp/plan.txt")"
    bash "$tmp/plan.txt" && "$fb" merge "$tmp/merged" "$tmp/plan" >/dev/null 2>"$tmp/merge.err" &&
        [ "$(tail -n +2 "$tmp/merged/results.csv" | cut -d, -f2,3 | sort | tr '\n' ' ')" = "a16,ok libc,ok " ] &&
        ok || bad "plan with mm: merged: $(cat "$tmp/merge.err" "$tmp/merged/results.csv" 2>&1)"
else
    bad "plan with mm: exited $?: $(cat "$tmp/plan.err")"
fi

echo "$pass passed, $fails failed"
[ "$fails" -eq 0 ]
