#!/usr/bin/env bash
# numbers.sh: every figure of the README's measured sections, from a fresh
# run, so that the README cannot drift from the code (`make numbers` runs
# it). Each section measures, writes its Markdown to $OUT/NAME.md, and
# replaces what stands between the README's markers
#   <!-- numbers:NAME -->  ...  <!-- /numbers:NAME -->
# with it, under a line saying when, on what machine and at which commit
# it was made. The prose around the markers carries no figures.
#
# usage: plots/numbers.sh [SECTION ...]     (default: every section)
# sections: classic jobs suite tails trim preload loading bench record programs
# environment:
#   BUILD    the build folder (default build)
#   OUT      where the runs and snippets go (default results/numbers)
#   CLASSIC  the CS:APP malloc-lab traces (default ../shared/traces/
#            malloclab-classic when it exists; the section is skipped,
#            saying so, without them)
#   README   the file to update (default README.md; NO_README=1: none)
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
OUT=${OUT:-results/numbers}
README=${README:-README.md}
CLASSIC=${CLASSIC:-../shared/traces/malloclab-classic}
FB=$BUILD/harness/fitbench
mkdir -p "$OUT"
for tool in "$FB" "$BUILD/harness/trim_sweep" "$BUILD/harness/replay_loop" "$BUILD/harness/trace_bench"; do
    [ -x "$tool" ] || { echo "numbers.sh: $tool not built (run make)" >&2; exit 2; }
done

stamp() { # the line under every section's heading
    local cpu cores commit dirty
    cpu=$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')
    cores=$(nproc)
    commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
    [ -n "$(git status --porcelain 2>/dev/null)" ] && dirty=" (with uncommitted changes)" || dirty=""
    printf '_Made by `make numbers` (section %s) on %s, %s, %s cores, load average %s, commit %s%s._\n\n' \
        "$1" "$(date -u '+%Y-%m-%d %H:%M UTC')" "$cpu" "$cores" "$(cut -d' ' -f1-3 /proc/loadavg)" \
        "$commit" "$dirty"
}

# Replaces the README's block NAME by the file $OUT/NAME.md.
splice() {
    local name=$1 file=$OUT/$1.md
    [ "${NO_README:-0}" = 1 ] && return 0
    if ! grep -q "<!-- numbers:$name -->" "$README"; then
        echo "numbers.sh: $README has no <!-- numbers:$name --> block; $file left as it is" >&2
        return 0
    fi
    awk -v name="$name" -v file="$file" '
        $0 == "<!-- numbers:" name " -->" { print; while ((getline l < file) > 0) print l; skip = 1; next }
        $0 == "<!-- /numbers:" name " -->" { skip = 0 }
        !skip { print }' "$README" >"$README.tmp" && mv "$README.tmp" "$README"
}

classic_traces() {
    local t
    for t in amptjp cccp cp-decl expr coalescing random random2 binary binary2 realloc realloc2; do
        [ -f "$CLASSIC/$t-bal.rep" ] && echo "$CLASSIC/$t-bal.rep"
    done
}

# The eleven default traces of the classic driver: every fit policy, glibc
# and the production allocators in one run.
sec_classic() {
    local traces
    traces=$(classic_traces)
    if [ -z "$traces" ]; then
        echo "numbers.sh: classic: no traces in $CLASSIC (set CLASSIC=...); skipped" >&2
        return 1
    fi
    # shellcheck disable=SC2086
    "$FB" run -q --force -a fit,libc,jemalloc,tcmalloc,mimalloc -o "$OUT/classic" $traces
    { stamp classic
      echo "Each cell: utilization / throughput (median of the timed replays)."
      echo
      "$FB" tables "$OUT/classic" cells
      echo
      "$FB" tables "$OUT/classic" summary; } >"$OUT/classic.md"
}

# -j 2 against -j 1: the classic eleven with fit and libc, three runs of
# each, alternating; per cell the median over the runs of the throughput
# (itself the median of the timed replays), and the noise floor: -j 1
# against -j 1, run by run.
sec_jobs() {
    local traces i j
    traces=$(classic_traces)
    if [ -z "$traces" ]; then
        echo "numbers.sh: jobs: no traces in $CLASSIC (set CLASSIC=...); skipped" >&2
        return 1
    fi
    mkdir -p "$OUT/jobs"
    for i in 1 2 3; do
        for j in 1 2; do
            # shellcheck disable=SC2086
            "$FB" run -q --force -j $j -a fit,libc -o "$OUT/jobs/j$j-$i" $traces >/dev/null
            [ $? -le 1 ] || return 1
        done
    done
    { stamp jobs
      python3 - "$OUT/jobs" <<'PY'
import csv, statistics, sys
d = sys.argv[1]
def kops(run, col):
    return {(r["trace"], r["allocator"]): float(r[col])
            for r in csv.DictReader(open(f"{d}/{run}/results.csv")) if r["status"] == "ok"}
print("| throughput, per cell | within 10% | median ratio | min | max |")
print("|---|---:|---:|---:|---:|")
for col, what in (("kops", "median replay"), ("kops_max", "fastest replay")):
    j1 = [kops(f"j1-{i}", col) for i in (1, 2, 3)]
    j2 = [kops(f"j2-{i}", col) for i in (1, 2, 3)]
    cells = sorted(set.intersection(*map(set, j1 + j2)))
    def line(how, a, b):
        r = [b[c] / a[c] for c in cells if a[c] > 0]
        n = sum(abs(x - 1) <= 0.10 for x in r)
        print(f"| {what}: {how} | {n} of {len(r)} | {statistics.median(r):.3f} | {min(r):.2f} | {max(r):.2f} |")
    med = lambda runs: {c: statistics.median(x[c] for x in runs) for c in cells}
    line("-j 2 / -j 1, medians of 3 runs", med(j1), med(j2))
    line("-j 1 / -j 1, run 2 / run 1", j1[0], j1[1])
    line("-j 1 / -j 1, run 3 / run 1", j1[0], j1[2])
PY
    } >"$OUT/jobs.md"
}

# The bundled suite against every allocator, as `make report` runs it.
sec_suite() {
    local t0 t1 t2 cells
    t0=$(date +%s)
    "$FB" run -q --force -j "${RUN_JOBS:-$(nproc)}" -o "$OUT/suite"
    t1=$(date +%s)
    "$FB" report "$OUT/suite" >/dev/null 2>&1
    t2=$(date +%s)
    cells=$(($(wc -l <"$OUT/suite/results.csv") - 1))
    { stamp suite
      printf 'The run (`-j %s`, as `make report` runs it) took %d min %02d s for %d cells (%s not ok); `fitbench report` %d s.\n\n' "${RUN_JOBS:-$(nproc)}" \
          $(((t1 - t0) / 60)) $(((t1 - t0) % 60)) "$cells" \
          "$(tail -n +2 "$OUT/suite/results.csv" | cut -d, -f3 | grep -cv '^ok$')" $((t2 - t1))
      "$FB" tables "$OUT/suite" summary; } >"$OUT/suite.md"
}

# Latency tails of the two good-fit policies on the suite (needs suite).
sec_tails() {
    [ -f "$OUT/suite/results.csv" ] || sec_suite
    { stamp tails
      "$FB" tables "$OUT/suite" tails -a tlsf,segfit
      echo
      echo "The same with the core's heaps never giving memory back (FITBENCH_TRIM_DECAY=1G):"
      echo
      FITBENCH_TRIM_DECAY=1G "$FB" run -q --force -a tlsf,segfit -o "$OUT/tails-nodecay"
      "$FB" tables "$OUT/tails-nodecay" tails; } >"$OUT/tails.md"
}

# Faults against committed memory for the core's trim settings.
sec_trim() {
    { stamp trim
      "$BUILD/harness/trim_sweep" traces; } >"$OUT/trim.md"
}

# A plain replay loop under glibc, under libfitmalloc (tlsf) and under
# tcmalloc, on the classic traces the timing issue named and on the suite.
sec_preload() {
    local lib=$BUILD/harness/libfitmalloc.so tc t
    tc=$(ls /usr/lib/*-linux-gnu/libtcmalloc.so.4 2>/dev/null | head -1)
    { stamp preload
      echo "| trace | glibc ops/s | libfitmalloc tlsf ops/s | tlsf / glibc | tcmalloc ops/s | faults / 1000 ops (glibc, tlsf) |"
      echo "|---|---:|---:|---:|---:|---:|"
      for t in $(classic_traces | grep -E '/(random|cp-decl)-bal') traces/*.rep.gz; do
          local g f c
          g=$("$BUILD/harness/replay_loop" "$t" 200)
          f=$(LD_PRELOAD=$PWD/$lib FITBENCH_POLICY=tlsf "$BUILD/harness/replay_loop" "$t" 200)
          c=${tc:+$(LD_PRELOAD=$tc "$BUILD/harness/replay_loop" "$t" 200)}
          awk -v g="$g" -v f="$f" -v c="$c" 'BEGIN {
              split(g, G, " "); split(f, F, " "); split(c, C, " ")
              # "NAME: OPS ops, REPS reps, RATE ops/s (median), FAULTS minor faults per 1000 ops"
              printf "| %s | %.3gM | %.3gM | %.2f | %s | %s, %s |\n", substr(G[1], 1, length(G[1]) - 1),
                  G[6] / 1e6, F[6] / 1e6, F[6] / G[6], c == "" ? "-" : sprintf("%.3gM", C[6] / 1e6),
                  G[9], F[9] }'
      done; } >"$OUT/preload.md"
}

# Trace loading against a plain fscanf loop.
sec_loading() {
    { stamp loading
      echo '```'
      "$BUILD/harness/trace_bench"
      echo '```'; } >"$OUT/loading.md"
}

# The core's micro-benchmarks (Google Benchmark), ns per malloc+free pair.
sec_bench() {
    local bench=$BUILD/harness/fitbench-bench
    [ -x "$bench" ] || { echo "numbers.sh: bench: $bench not built" >&2; return 1; }
    "$bench" --benchmark_filter='BM_(random|small|pair|cached)/' --benchmark_repetitions=3 \
        --benchmark_report_aggregates_only=true \
        --benchmark_out="$OUT/bench.json" --benchmark_out_format=json >/dev/null || return 1
    { stamp bench
      "$bench" --ns-table "$OUT/bench.json"; } >"$OUT/bench.md"
}

# What recording costs a program: jq building 20,000 objects.
sec_record() {
    local jqcmd='jq -n "[range(0;20000) | {id: ., name: \"item\(.)\"}] | length"'
    command -v jq >/dev/null && command -v hyperfine >/dev/null ||
        { echo "numbers.sh: record: needs jq and hyperfine" >&2; return 1; }
    hyperfine -N --warmup 2 --runs 10 --export-markdown "$OUT/record-raw.md" \
        -n plain "$jqcmd" \
        -n "record .rep" "$FB record -o $OUT/rec.rep -- $jqcmd" \
        -n "record .rep.gz" "$FB record -o $OUT/rec.rep.gz -- $jqcmd" >/dev/null 2>&1 || return 1
    { stamp record
      cat "$OUT/record-raw.md"; } >"$OUT/record.md"
}

# Real programs under every allocator (hyperfine), relative to glibc.
sec_programs() {
    "$FB" programs -o "$OUT/programs" >/dev/null || [ $? -eq 1 ] || return 1
    { stamp programs
      # programs.dat: block 0 time / glibc, block 1 peak RSS / glibc; a
      # header row of allocator names, then a row per program.
      awk '/^#/ { next }
           NF == 0 { block++; next }
           { if (!seen[block]++) { printf "%s| %s |", block ? "\n" : "", block ? "peak RSS / glibc" : "time / glibc"
                                   for (i = 2; i <= NF; i++) printf " %s |", $i; printf "\n|---|"
                                   for (i = 2; i <= NF; i++) printf "---:|"; printf "\n"; next }
             printf "| %s |", $1; for (i = 2; i <= NF; i++) printf " %s |", $i; printf "\n" }' \
          "$OUT/programs/programs.dat"; } >"$OUT/programs.md"
}

all="classic jobs suite tails trim preload loading bench record programs"
want=${*:-$all}
status=0
for s in $want; do
    case " $all " in *" $s "*) ;; *) echo "numbers.sh: unknown section '$s' ($all)" >&2; exit 2 ;; esac
    echo "numbers.sh: $s ..." >&2
    if "sec_$s"; then splice "$s"; else echo "numbers.sh: $s failed or was skipped; README block left as it was" >&2; status=1; fi
done
exit $status
