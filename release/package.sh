#!/usr/bin/env bash
# The crate as crates.io would get it: `cargo package`, then the unpacked .crate (not this
# tree) is built on its own and must build the example site and a fresh `init` site, which
# shows the theme and the scaffold are embedded in what was packaged. Run by .ci/run; after
# its `cargo run --release`, so the dependencies are already compiled.
set -euo pipefail
cd "$(dirname "$0")/.."

target_dir="${CARGO_TARGET_DIR:-$PWD/target}"
version="$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)"
crate="$target_dir/package/cpdblog-$version.crate"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Verification (building the unpacked crate) is done below, in release mode, so that it
# reuses the dependencies the example-site build compiled instead of compiling them again.
# (Cargo names each test and example it leaves out of the crate: by design, not a fault.)
cargo package --locked --no-verify --allow-dirty 2>&1 | { grep -v '^warning: ignoring \(test\|example\) ' || true; }
echo "packaged: $(du -h "$crate" | cut -f1) in $(tar -tzf "$crate" | wc -l) files"
if tar -tzf "$crate" | grep -E '/(tests|example-site|bench|docs|\.github)/'; then
  echo "error: the crate carries files only the repository needs (above)" >&2
  exit 1
fi

tar -xzf "$crate" -C "$work"
# Into the repository's target folder: the dependencies are reused, and the binary run below
# is the one built from the crate.
cargo build --release --locked --manifest-path "$work/cpdblog-$version/Cargo.toml" --target-dir "$target_dir"
bin="$target_dir/release/cpdblog"
"$bin" --version

"$bin" --quiet build --site example-site --output "$work/example-public"
for page in index.html portfolio/index.html things/index.html style.css search.js atom.xml; do
  test -s "$work/example-public/$page" || { echo "error: the packaged crate built no $page" >&2; exit 1; }
done

"$bin" --quiet init "$work/new-blog" --github alex/cpd
"$bin" --quiet build --site "$work/new-blog"
test -s "$work/new-blog/.github/workflows/pages.yml"
grep -q "CPDBLOG_VERSION: \"$version\"" "$work/new-blog/.github/workflows/pages.yml"
grep -q 'href="/cpd/style.css"' "$work/new-blog/public/index.html"
echo "the packaged crate builds, embeds the theme and the scaffold, and builds both sites"
