#!/usr/bin/env bash
# bench/import-fidelity.sh — how faithfully `cpdblog import` carries old blog posts across.
#
#   bash bench/import-fidelity.sh EXPORT.xml [EXPORT.xml …]
#   CPDBLOG=target/release/cpdblog bash bench/import-fidelity.sh wp.xml blogger.xml
#   KEEP=1 bash bench/import-fidelity.sh wp.xml      # keep the temp sites (printed) to look at
#   VERBOSE=1 bash bench/import-fidelity.sh wp.xml   # also list each post's lost words
#
# For each export (WordPress WXR when its root is <rss>, Blogger Atom when it is <feed>) it
# runs `cpdblog init` in a fresh temporary folder, `cpdblog import wordpress|blogger FILE`,
# and `cpdblog build --drafts --future`, then compares the built post pages with the export's posts
# (matched by their old address, which the import keeps as an alias, else by title) and prints
# one line per file:
#
#   posts       posts imported (the "Imported N posts" summary line)
#   lost        words of the source's post text (HTML stripped, entities decoded, shortcode
#               tags removed) that appear nowhere in the text of that post's built page;
#               also given per 2,000 source words
#   backslash   stray backslashes ending a paragraph or line in the built post bodies
#               (`\</p>`, `\<br`, `\` at a line end) outside <pre>
#   tables      tables printed as text: `|---`/`| ---` in a body's text outside <pre>/<table>
#   no-table    the source's tables that are not a <table> in the built post (flattened into
#               paragraphs, or printed as text)
#   code        the source's <pre> blocks whose text (tags stripped, <br> as a line break) is
#               not found byte for byte (ends trimmed) in a <pre> of the built post
#
# Needs python3 (standard library only) and bash. Builds nothing: CPDBLOG defaults to
# target/debug/cpdblog of this repository (run `cargo build` first).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bin=${CPDBLOG:-$root/target/debug/cpdblog}
[[ -x $bin ]] || { echo "import-fidelity: no $bin (cargo build, or set CPDBLOG)" >&2; exit 1; }
(($# > 0)) || { sed -n '2,26p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 1; }

printf '%-40s %6s %7s %7s %10s %9s %6s %9s %4s\n' file posts words lost per2000 backslash tables no-table code
for export in "$@"; do
    site=$(mktemp -d)/site
    case $(head -c 4096 "$export" | tr -d '\n' | grep -o '<rss\|<feed' | head -n1) in
        "<rss") kind=wordpress ;;
        "<feed") kind=blogger ;;
        *) echo "import-fidelity: $export is neither WordPress (<rss>) nor Blogger (<feed>)" >&2; continue ;;
    esac
    "$bin" --site "$site" init >/dev/null 2>&1
    rm -f "$site"/posts/*.md
    log=$("$bin" --site "$site" import "$kind" "$export" 2>&1) || { echo "$export: import failed: $log" >&2; continue; }
    "$bin" --site "$site" build --drafts --future >/dev/null 2>&1 || echo "$export: build failed" >&2
    posts=$(printf '%s\n' "$log" | sed -n 's/^Imported \([0-9]*\) post.*/\1/p')
    python3 - "$export" "$kind" "$site" "${posts:-0}" <<'PY'
import html, os, re, sys, glob
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

export, kind, site, posts = sys.argv[1:5]
NS = {"content": "http://purl.org/rss/1.0/modules/content/", "wp": None, "atom": "http://www.w3.org/2005/Atom"}

def local(tag):
    return tag.rsplit("}", 1)[-1]

sources = []  # (old url, title, html)
try:
    tree = ET.parse(export)
except ET.ParseError as e:
    # Python's parser is stricter than an export needs to be; say so and go on.
    print(f"{os.path.basename(export):<42} {posts:>5}  (source not readable by Python's XML parser: {e})")
    sys.exit(0)
r = tree.getroot()
if kind == "wordpress":
    for item in r.iter("item"):
        fields = {local(c.tag): (c.text or "") for c in item}
        content = item.findtext("{http://purl.org/rss/1.0/modules/content/}encoded") or ""
        if fields.get("post_type") != "post" or fields.get("status") in ("trash", "auto-draft", "inherit"):
            continue
        sources.append((fields.get("link", "").strip(), fields.get("title", ""), content))
else:
    for entry in r.iter("{http://www.w3.org/2005/Atom}entry"):
        kinds = [c.get("term", "") for c in entry if local(c.tag) == "category"]
        btype = [c.text for c in entry if local(c.tag) == "type"]
        if not (any(k.endswith("#post") for k in kinds) or (btype and btype[0].strip().upper() == "POST")):
            continue
        link = next((c.get("href", "") for c in entry if local(c.tag) == "link" and c.get("rel") == "alternate"), "")
        title = next((c.text or "" for c in entry if local(c.tag) == "title"), "")
        content = next((c.text or "" for c in entry if local(c.tag) == "content"), "")
        sources.append((link.strip(), title, content))

BLOCK = set("""br p div li tr td th h1 h2 h3 h4 h5 h6 dt dd dl ul ol blockquote table caption figure
    figcaption pre section article header footer aside nav address hr details summary""".split())

class Text(HTMLParser):
    """Text of HTML, and the text of each <pre> and <table> kept apart."""
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out, self.pres, self.outside = [], [], []
        self.pre, self.table, self.skip = 0, 0, 0
    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"): self.skip += 1
        if tag == "pre":
            self.pre += 1
            if self.pre == 1: self.pres.append([])
        if tag == "table": self.table += 1
        if tag == "br" and self.pre: self.pres[-1].append("\n")
        if tag in BLOCK:
            self.out.append(" ")
            if not self.pre and not self.table: self.outside.append("\n")
    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
    def handle_endtag(self, tag):
        if tag in ("script", "style"): self.skip = max(0, self.skip - 1)
        if tag == "pre": self.pre = max(0, self.pre - 1)
        if tag == "table": self.table = max(0, self.table - 1)
        if tag in BLOCK: self.out.append(" ")
    def handle_data(self, data):
        if self.skip: return
        self.out.append(data)
        if self.pre: self.pres[-1].append(data)
        elif not self.table: self.outside.append(data)

def parse(text):
    p = Text(); p.feed(text); p.close(); return p

WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*", re.UNICODE)
SHORTCODE = re.compile(r"\[/?[a-zA-Z_][\w-]*(?:\s[^\]]*)?\]")

def words(text):
    return [w.lower() for w in WORD.findall(text.replace("\u2019", "'").replace("\u2018", "'"))]

# The built pages, by alias (old address) and by title.
by_alias, by_title = {}, {}
for md in glob.glob(os.path.join(site, "posts", "**", "*.md"), recursive=True):
    text = open(md, encoding="utf-8").read()
    slug = re.sub(r"^\d{4}-\d{2}-\d{2}-", "", os.path.basename(md)[:-3])
    page = os.path.join(site, "public", "posts", slug, "index.html")
    if not os.path.exists(page): continue
    front = text.split("\n---", 1)[0]
    for alias in re.findall(r"^- (https?://\S+)$", front, re.M): by_alias[alias.strip()] = page
    t = re.search(r"^title: (.*)$", front, re.M)
    if t: by_title[t.group(1).strip().strip("'\"")] = page

def body(page):
    text = open(page, encoding="utf-8").read()
    m = re.search(r'<div class="post-body">(.*?)</article>', text, re.S)
    return m.group(1) if m else text

total = lost = backslash = tables = tables_lost = code = 0
for link, title, src in sources:
    page = by_alias.get(link) or by_title.get(html.unescape(re.sub(r"<[^>]*>", "", title)).strip())
    built_html = body(page) if page else ""
    src_text = parse(SHORTCODE.sub(" ", src))
    built = parse(built_html)
    have = set(words("".join(built.out)))
    ws = words("".join(src_text.out))
    total += len(ws)
    missing = [w for w in ws if w not in have]
    lost += len(missing)
    if os.environ.get("VERBOSE") and missing:
        print(f"  {title.strip()[:50]!r}: {' '.join(missing[:40])}", file=sys.stderr)
    built_pres = ["".join(p).strip("\n") for p in built.pres]
    for pre in src_text.pres:
        want = "".join(pre).strip("\n")
        if want.strip() and not any(want.strip() == b.strip() for b in built_pres):
            code += 1
    # Backslashes and pipe tables in the page's HTML outside <pre> and <table>.
    outside = re.sub(r"<pre.*?</pre>|<table.*?</table>", "", built_html, flags=re.S)
    backslash += len(re.findall(r"\\(?=\s*(?:</p>|<br|\n|$))", outside))
    tables += len(re.findall(r"\|\s*:?-{3,}", re.sub(r"<[^>]*>", "", outside)))
    missing_tables = max(0, len(re.findall(r"<table[\s>]", src, re.I)) - len(re.findall(r"<table[\s>]", built_html)))
    tables_lost += missing_tables

per = (lost * 2000 / total) if total else 0
name = os.path.basename(export)
print(f"{name[:40]:<40} {posts:>6} {total:>7} {lost:>7} {per:>10.1f} {backslash:>9} {tables:>6} {tables_lost:>9} {code:>4}")
PY
    if [[ -n ${KEEP:-} ]]; then echo "  site kept: $site" >&2; else rm -rf "$(dirname "$site")"; fi
done
