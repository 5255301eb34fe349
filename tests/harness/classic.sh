#!/usr/bin/env bash
# Every fit policy and libc on the eleven default traces of the classic
# malloc lab: valid everywhere, and the peak payloads are the ones the
# reference folder's README gives. Skipped (77) when the folder is absent.
# usage: classic.sh FITBENCH SHARED_TRACES
set -u
fb=$1
dir=$2/malloclab-classic
if [ ! -d "$dir" ]; then
    echo "skipped: $dir is not here (the reference traces are not part of a clone)"
    exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
declare -A peak=(
    [amptjp-bal]=2012279 [cccp-bal]=1679165 [cp-decl-bal]=3165325 [expr-bal]=3421135
    [coalescing-bal]=8190 [random-bal]=14756035 [random2-bal]=14432586 [binary-bal]=1152000
    [binary2-bal]=576000 [realloc-bal]=615040 [realloc2-bal]=28119)
files=()
for t in "${!peak[@]}"; do files+=("$dir/$t.rep"); done
"$fb" run -q -a fit,libc -r 1 --min-time 0 -o "$tmp/r" "${files[@]}"
rc=$?
fails=0
pass=0
[ "$rc" -eq 0 ] && pass=$((pass + 1)) || { echo "FAIL: run exited $rc"; fails=$((fails + 1)); }
for t in "${!peak[@]}"; do
    for a in $("$fb" list --names fit,libc); do
        row=$(grep "^$t,$a," "$tmp/r/results.csv")
        st=$(cut -d, -f3 <<<"$row")
        pp=$(cut -d, -f6 <<<"$row")
        util=$(cut -d, -f8 <<<"$row")
        if [ "$st" = ok ] && [ "$pp" = "${peak[$t]}" ] && awk -v u="$util" 'BEGIN{exit !(u > 0 && u <= 1)}'; then
            pass=$((pass + 1))
        else
            echo "FAIL: $t/$a: status $st, peak $pp (want ${peak[$t]}), util $util"
            fails=$((fails + 1))
        fi
    done
done
echo "$pass passed, $fails failed"
[ "$fails" -eq 0 ]
