#!/bin/sh
# make-suite.sh: re-records and regenerates the whole bundled trace suite
# (this folder), then rewrites the table in README.md between its
# "suite:begin" and "suite:end" markers with each trace's figures.
#
# usage: traces/make-suite.sh            (from anywhere)
#   FITBENCH=path   the fitbench program (default: build/harness/fitbench,
#                   else the stand-in build/tests/record/fbtool)
#   ONLY=name       redo only the traces whose name contains this
#
# Needs the Debian packages that the recorded programs come from:
#   gcc python3 perl sqlite3 bc jq groff imagemagick zlib1g-dev base-files
# Recording is deterministic where the programs are: hash seeds and thread
# counts are pinned below, so the same Debian versions give the same ops.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
inputs=$here/inputs
licences=/usr/share/common-licenses
if [ -z "${FITBENCH:-}" ]; then
    for cand in "$root/build/harness/fitbench" \
                "$root/build/tests/record/fbtool"; do
        [ -x "$cand" ] && FITBENCH=$cand && break
    done
fi
if [ -z "${FITBENCH:-}" ] || [ ! -x "$FITBENCH" ]; then
    echo "make-suite.sh: no fitbench program; build first or set FITBENCH" >&2
    exit 2
fi
only=${ONLY:-}

work=$(mktemp -d "${TMPDIR:-/tmp}/fitbench-suite.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
rows=$work/rows.md
: >"$rows"

# Environment for deterministic recordings.
export PYTHONHASHSEED=0 PERL_HASH_SEED=0 PERL_PERTURB_KEYS=0
export OMP_NUM_THREADS=1 MAGICK_THREAD_LIMIT=1 LC_ALL=C
# Python's small-object allocator would hide most of its allocations from
# the recorder; with this every object goes through malloc.
export PYTHONMALLOC=malloc

wanted() {
    [ -z "$only" ] && return 0
    case "$1" in *"$only"*) return 0 ;; esac
    return 1
}

# header FILE: "ops peak" from a trace's header.
header() {
    gzip -dcf "$1" | head -4 | tr '\n' ' ' | awk '{print $3, $4}'
}

# quote ARGS...: the command as one would type it (single quotes where
# needed), with | escaped for the markdown table.
quote() {
    for a in "$@"; do
        case "$a" in
        *[!A-Za-z0-9_./:=%+,-]*) printf "'%s' " "$a" ;;
        *) printf '%s ' "$a" ;;
        esac
    done | sed 's/ $//; s/|/\\|/g'
}

# row NAME WHAT COMMAND...: one line of the README table.
row() {
    name=$1 what=$2
    shift 2
    cmd=$(quote "$@")
    set -- $(header "$here/$name.rep.gz")
    printf '| %s | %s | `%s` | %s | %s |\n' "$name" "$what" "$cmd" "$1" "$2" \
        >>"$rows"
}

# record NAME PROCESS WHAT CMD...: records CMD in the scratch folder and
# keeps the trace of PROCESS (an executable's base name), or of the
# process started when PROCESS is "-".
record() {
    name=$1 proc=$2 what=$3
    shift 3
    wanted "$name" || return 0
    echo "== $name"
    rm -rf "$work/rec"
    mkdir "$work/rec"
    if ! (cd "$work" && "$FITBENCH" record -o "$work/rec/t.rep.gz" -- "$@" \
            >/dev/null 2>"$work/rec/log"); then
        cat "$work/rec/log" >&2
        echo "make-suite.sh: recording $name failed" >&2
        exit 1
    fi
    if [ "$proc" = - ]; then
        src=$work/rec/t.rep.gz
    else
        src=$(ls "$work"/rec/t.*-"$proc".rep.gz 2>/dev/null || true)
        if [ "$(echo "$src" | wc -w)" != 1 ]; then
            cat "$work/rec/log" >&2
            echo "make-suite.sh: $name: expected one $proc process" >&2
            exit 1
        fi
    fi
    grep -F "$(basename "$src"):" "$work/rec/log" | sed 's/^[^:]*: //'
    mv "$src" "$here/$name.rep.gz"
    row "$name" "$what" "$@"
}

# generate NAME WHAT ARGS...: `fitbench gen ARGS -o NAME.rep.gz`.
generate() {
    name=$1 what=$2
    shift 2
    wanted "$name" || return 0
    echo "== $name"
    "$FITBENCH" gen "$@" -o "$here/$name.rep.gz"
    row "$name" "$what" fitbench gen "$@"
}

# ---- recorded from real programs ----------------------------------------

cp "$inputs"/* "$work"/
# A document for groff: two licence texts as -ms paragraphs.
awk 'BEGIN { print ".TL"; print "GNU General Public Licenses"; print ".LP" }
     /^[ \t]*$/ { print ".LP"; next }
     { sub(/^[ \t]+/, ""); if ($0 ~ /^[.\047]/) $0 = "\\&" $0; print }' \
    "$licences/GPL-3" "$licences/GPL-2" >"$work/licences.ms"

record rec-gcc cc1 "gcc -O2 compiling zlib's gzlog.c example (the cc1 process)" \
    gcc -O2 -c /usr/share/doc/zlib1g-dev/examples/gzlog.c -o gzlog.o
record rec-python - "python3 (PYTHONMALLOC=malloc): JSON round trip of a 300-customer order book" \
    /usr/bin/python3 json_roundtrip.py 300
record rec-perl - "perl: word and word-pair counts over seven licence texts" \
    perl wordfreq.pl "$licences/GPL-3" "$licences/GPL-2" \
    "$licences/GFDL-1.3" "$licences/Apache-2.0" "$licences/LGPL-2.1" \
    "$licences/MPL-2.0" "$licences/Artistic"
record rec-sqlite - "sqlite3: build, index, join, group, update, vacuum an on-disk database" \
    sqlite3 work.db ".read sqlite_work.sql"
record rec-bash - "bash: string, array and associative-array work, 400 rounds" \
    bash shell_work.sh 400
record rec-bc - "bc -l: pi to 900 digits" \
    bc -l pi.bc
record rec-jq - "jq: build 20000 objects, group and aggregate them" \
    jq -n '[range(0;20000) | {id: ., name: "item\(.)", tags: [range(0; . % 7) | tostring]}] | group_by(.id % 13) | map({k: (.[0].id % 13), n: length, t: (map(.tags | length) | add)})'
record rec-groff troff "groff -ms: typesetting two licence texts (the troff process)" \
    groff -ms -Tutf8 licences.ms
record rec-imagemagick - "ImageMagick: 400 copies of a picture resized, blurred, averaged" \
    convert-im6.q16 rose: -duplicate 399 -resize 120% -blur 0x1 -evaluate-sequence mean out.png

# ---- generated patterns ---------------------------------------------------

generate gen-random-uniform "uniform sizes 16..8192, about 2000 live" \
    random --dist uniform --seed 1 --ops 200000
generate gen-random-exp "exponential sizes (mean ~1k), about 2000 live" \
    random --dist exp --min 16 --max 65536 --mean 1024 --seed 2 --ops 200000
generate gen-random-power "power-law sizes (alpha 1.2) up to 1 MiB" \
    random --dist power --min 16 --max 1048576 --seed 3 --ops 200000
generate gen-binary "64/448 alternating, large freed, 512-ish refills" \
    binary --seed 4 --ops 200000
generate gen-coalesce "neighbours freed and re-asked as one block" \
    coalesce --seed 5 --ops 200000
generate gen-realloc "vectors and strings growing by realloc" \
    realloc --seed 6 --ops 200000
generate gen-lifetime "short-lived (mean 16 ops) with 5% long-lived" \
    lifetime --seed 7 --ops 200000
generate gen-phases "ramp to 20000 live, plateau, drain; power-law sizes" \
    phases --seed 8 --ops 200000

# ---- the README table -------------------------------------------------------

if [ -n "$only" ]; then
    echo "ONLY given: README table left as it was"
    exit 0
fi
readme=$here/README.md
{
    sed -n '1,/<!-- suite:begin -->/p' "$readme"
    echo "| trace | what ran | command | ops | peak payload (bytes) |"
    echo "|---|---|---|---|---|"
    cat "$rows"
    sed -n '/<!-- suite:end -->/,$p' "$readme"
} >"$work/README.md"
mv "$work/README.md" "$readme"
du -sh "$here"
