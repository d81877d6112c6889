#!/usr/bin/env bash
# The default theme as readers see it: builds example-site, serves it on a local port and
# photographs six pages (home, a post, the Things, a Thing, the portfolio, a search) at a
# desktop width (1280 px) and a phone's (390 px), in light and dark mode, into
# docs/screenshots/PAGE-WIDTH-SCHEME.png. Needs chromium and python3.
#
#   bash docs/screenshots.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
shots="$root/docs/screenshots"
work="$(mktemp -d)"
trap 'kill "${server:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT
chromium=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || command -v google-chrome)}
port=$((20000 + RANDOM % 20000))
cargo build --release --quiet --bin cpdblog
"$root/target/release/cpdblog" build --site "$root/example-site" --output "$work/public" \
    --base-url "http://127.0.0.1:$port/" >/dev/null 2>&1
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$work/public" >/dev/null 2>&1 &
server=$!
sleep 1
mkdir -p "$shots"
pages=(
    "home|"
    "post|posts/things-6-and-7-networks/"
    "things|things/"
    "thing|things/6/"
    "portfolio|portfolio/"
    "search|search/?q=networks"
)
for entry in "${pages[@]}"; do
    name=${entry%%|*}
    path=${entry#*|}
    for size in 1280,900 390,844; do
        width=${size%%,*}
        for scheme in light dark; do
            flags=()
            [[ $scheme == dark ]] && flags+=(--force-dark-mode --blink-settings=preferredColorScheme=0)
            "$chromium" --headless=new --no-sandbox --disable-gpu --hide-scrollbars --no-first-run \
                --disable-background-networking --disable-component-update --disable-sync \
                --user-data-dir="$work/profile" "${flags[@]}" --window-size="$size" \
                --virtual-time-budget=3000 --screenshot="$shots/$name-$width-$scheme.png" \
                "http://127.0.0.1:$port/$path" >/dev/null 2>&1
        done
    done
done
ls "$shots"
