#!/usr/bin/env bash
# How much of the search index one query downloads on a big blog, measured in Chromium.
# Builds the benchmark corpus of N posts (default 10000), serves the output on a local port
# and runs the ignored browser test `search_download_per_query_at_scale`, which prints a
# table: per query, the index files fetched and their size (meta.json and word files), and
# the document files of the first ten results. Needs chromium and chromedriver.
#
#   bash bench/search.sh [N]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/bench/out"
seed=${SEED:-1}
gen="$root/target/release/examples/gen_corpus"
source "$root/bench/common.sh"
n=${1:-10000}
mkdir -p "$out"
cargo build --release --quiet --example gen_corpus --bin cpdblog
generate "$n" 0 >/dev/null
site="$out/cpd-$n"
public="${PUBLIC_DIR:-$out}/search-public-$n"
rm -rf "$public"
port=$((20000 + RANDOM % 20000))
"$root/target/release/cpdblog" build --site "$site" --output "$public" --base-url "http://127.0.0.1:$port/" 2>/dev/null
say "index: $(du -sh "$public/search/words" | cut -f1) of word files ($(ls "$public/search/words" | wc -l) files), $(du -sh "$public/search/docs" | cut -f1) of document files"
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$public" >/dev/null 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
sleep 1
CPDBLOG_SEARCH_BENCH_URL="http://127.0.0.1:$port/search/" \
    cargo test --release --quiet --test browser -- --ignored --nocapture search_download_per_query_at_scale 2>&1 |
    grep -E '^\||largest|panicked|FAILED|SKIPPED' | tee "$out/last-search-run.md"
