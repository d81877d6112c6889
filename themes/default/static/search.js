// Search for the default cpdblog theme, without a server. cpdblog writes the index in small
// files (docs/theming.md): meta.json says which word files exist; words/XY.json holds the
// words beginning with XY and the documents holding each, by where they hold it (title,
// Thing/network/tag, heading, text); docs/N.json holds what a result shows. A query fetches
// only the word files of its words and the documents shown. Everything is shown with
// textContent: nothing typed or indexed is ever read as HTML.
(() => {
  "use strict";
  const form = document.querySelector(".search-form");
  if (!form) return;
  const input = form.querySelector("input[type=search]");
  const status = document.getElementById("search-status");
  const jumps = document.getElementById("search-jumps");
  const results = document.getElementById("search-results");
  const help = document.getElementById("search-help");
  const more = document.getElementById("search-more");
  const PAGE = 10;
  // Points for a query word by where a document holds it: title, Thing/network/tag, heading, text.
  const WEIGHTS = [16, 8, 4, 1];
  const LONGEST_WORD = 40;

  // ---- Words, folded exactly as cpdblog folds them (src/render/search/words.rs) ----
  const PLAIN = { "ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i", "ħ": "h" };
  const MARK = /\p{M}/u;
  const WORD_CHAR = /[\p{Alphabetic}\p{N}]/u;
  const ASCII_WORD_CHAR = /[0-9A-Za-z]/;
  const encoder = new TextEncoder();

  // The words of `text` with where each starts and ends in it.
  function tokens(text) {
    const out = [];
    let word = "";
    let start = 0;
    let end = 0;
    let at = 0;
    const flush = () => {
      if (word && (word.length * 3 <= LONGEST_WORD || encoder.encode(word).length <= LONGEST_WORD)) {
        out.push({ word, start, end });
      }
      word = "";
    };
    const add = (piece, next) => {
      if (!word) start = at;
      word += piece;
      end = next;
    };
    for (const c of text) {
      const next = at + c.length;
      if (c < "\u0080") {
        if (ASCII_WORD_CHAR.test(c)) add(c.toLowerCase(), next);
        else flush();
      } else {
        for (const d of c.normalize("NFKD")) {
          if (MARK.test(d)) continue;
          for (const lower of d.toLowerCase()) {
            if (MARK.test(lower)) continue;
            if (PLAIN[lower]) add(PLAIN[lower], next);
            else if (WORD_CHAR.test(lower)) add(lower, next);
            else flush();
          }
        }
      }
      at = next;
    }
    flush();
    return out;
  }

  // The word file a word is in: its first two characters, `_` for any but a-z and 0-9.
  function keyOf(word) {
    return [...word].slice(0, 2).map((c) => (/[0-9a-z]/.test(c) ? c : "_")).join("");
  }

  // ---- The index, fetched a file at a time ----
  const fetched = new Map();
  function load(url) {
    if (!fetched.has(url)) {
      const loading = fetch(url).then((response) => {
        if (!response.ok) throw new Error(url + ": " + response.status);
        return response.json();
      });
      // A failed fetch is forgotten, so the next query tries the file again.
      loading.catch(() => fetched.delete(url));
      fetched.set(url, loading);
    }
    return fetched.get(url);
  }
  let meta = null;

  // A set of document numbers: gaps in base 36, or `~` and a bitmap in base64.
  function decodeSet(text) {
    const out = [];
    if (!text) return out;
    if (text[0] === "~") {
      const bytes = atob(text.slice(1));
      for (let i = 0; i < bytes.length; i++) {
        const byte = bytes.charCodeAt(i);
        for (let bit = 0; bit < 8; bit++) if (byte & (1 << bit)) out.push(i * 8 + bit);
      }
      return out;
    }
    let n = 0;
    for (const gap of text.split(",")) {
      n += parseInt(gap, 36);
      out.push(n);
    }
    return out;
  }

  // Whether query word `q` also finds the words it begins: not a single letter, and not a
  // number ("2" must not find "23").
  const findsLonger = (q) => q.length >= 2 && !/^\d+$/.test(q);

  // The words of file `key` that query word `word` finds: itself, and the words it begins.
  function found(file, word) {
    const exact = Object.prototype.hasOwnProperty.call(file, word) ? [word] : [];
    if (!findsLonger(word)) return { exact, prefixed: [] };
    const prefixed = Object.keys(file).filter((w) => w !== word && w.startsWith(word));
    return { exact, prefixed };
  }

  // Document number -> points, for one query word.
  async function scores(word) {
    const key = keyOf(word);
    const result = new Map();
    if (!meta.words.includes(key)) return { result, file: null };
    const file = await load(meta.words_url + key + ".json");
    const { exact, prefixed } = found(file, word);
    const credit = (w, factor) => {
      file[w].forEach((set, field) => {
        for (const doc of decodeSet(set)) {
          const points = WEIGHTS[field] * factor;
          if ((result.get(doc) || 0) < points) result.set(doc, points);
        }
      });
    };
    exact.forEach((w) => credit(w, 2));
    prefixed.forEach((w) => credit(w, 1));
    return { result, file };
  }

  // ---- Suggestions: the closest word of the same file ----
  function distance(a, b) {
    const rows = [...Array(a.length + 1)].map((_, i) => [i, ...Array(b.length).fill(0)]);
    for (let j = 1; j <= b.length; j++) rows[0][j] = j;
    for (let i = 1; i <= a.length; i++) {
      for (let j = 1; j <= b.length; j++) {
        const cost = a[i - 1] === b[j - 1] ? 0 : 1;
        rows[i][j] = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
          rows[i][j] = Math.min(rows[i][j], rows[i - 2][j - 2] + 1);
        }
      }
    }
    return rows[a.length][b.length];
  }

  function suggestion(word, file) {
    if (!file) return null;
    const limit = word.length <= 4 ? 1 : 2;
    let best = null;
    for (const candidate of Object.keys(file)) {
      const d = distance(word, candidate);
      const uses = file[candidate].reduce((n, set) => n + decodeSet(set).length, 0);
      if (d <= limit && (!best || d < best.d || (d === best.d && uses > best.uses))) best = { word: candidate, d, uses };
    }
    return best && best.word;
  }

  // ---- Jumps: "thing 6", a network's or a tag's name ----
  function jumpsFor(words) {
    const out = [];
    words.forEach((word, i) => {
      if ((word === "thing" || word === "things") && /^\d+$/.test(words[i + 1] || "")) {
        const thing = meta.things.find((t) => t.number === Number(words[i + 1]));
        if (thing) out.push({ jump: thing, kind: "Thing" });
      }
    });
    const has = (label) => {
      const named = tokens(label).map((t) => t.word);
      return named.length > 0 && named.every((w) => words.includes(w));
    };
    meta.networks.filter((n) => has(n.label)).forEach((jump) => out.push({ jump, kind: "network" }));
    meta.tags.filter((t) => has(t.label)).forEach((jump) => out.push({ jump, kind: "tag" }));
    return out.slice(0, 4);
  }

  function showJumps(list) {
    jumps.replaceChildren();
    for (const { jump, kind } of list) {
      const item = document.createElement("li");
      const link = document.createElement("a");
      link.href = jump.url;
      link.textContent = jump.label;
      const count = jump.posts === 1 ? "1 post" : jump.posts + " posts";
      item.append(kind === "Thing" ? "Go to " : "Go to the " + kind + " ", link, " (" + count + ")");
      jumps.append(item);
    }
    jumps.hidden = list.length === 0;
  }

  // ---- Excerpts ----
  function matcher(queryWords) {
    return (word) => queryWords.findIndex((q) => word === q || (findsLonger(q) && word.startsWith(q)));
  }

  function excerpt(text, queryWords) {
    const words = tokens(text);
    const which = matcher(queryWords);
    const hits = words.map((t) => which(t.word));
    const SPAN = 30;
    let best = 0;
    let bestCount = -1;
    hits.forEach((hit, i) => {
      if (hit < 0) return;
      const seen = new Set(hits.slice(i, i + SPAN).filter((h) => h >= 0));
      if (seen.size > bestCount) {
        best = Math.max(0, i - 6);
        bestCount = seen.size;
      }
    });
    const paragraph = document.createElement("p");
    paragraph.className = "search-excerpt";
    const window = words.slice(best, best + SPAN);
    if (window.length === 0) return paragraph;
    let at = window[0].start;
    if (best > 0) paragraph.append("… ");
    window.forEach((t, i) => {
      if (hits[best + i] < 0) return;
      paragraph.append(text.slice(at, t.start));
      const mark = document.createElement("mark");
      mark.textContent = text.slice(t.start, t.end);
      paragraph.append(mark);
      at = t.end;
    });
    paragraph.append(text.slice(at, window[window.length - 1].end).replace(/\s+/g, " "));
    if (best + SPAN < words.length) paragraph.append(" …");
    return paragraph;
  }

  // ---- Results ----
  let shown = [];
  let queryWords = [];
  let run = 0;

  async function showMore(focus) {
    const mine = run;
    const start = results.children.length;
    const batch = shown.slice(start, start + PAGE);
    // Hidden while the batch loads, so a second click cannot add it twice.
    more.hidden = true;
    let docs;
    try {
      docs = await Promise.all(batch.map((n) => load(meta.docs_url + n + ".json")));
    } catch (error) {
      if (mine === run) more.hidden = false;
      throw error;
    }
    if (mine !== run) return;
    docs.forEach((doc) => {
      const item = document.createElement("li");
      item.className = "search-result";
      const link = document.createElement("a");
      link.href = doc.url;
      link.textContent = doc.title;
      const heading = document.createElement("h2");
      heading.className = "post-card-title";
      heading.append(link);
      item.append(heading);
      // A Thing the title already names ("Thing 14: Zotero…") is not said again.
      const details = [doc.date, ...doc.things.filter((thing) => thing !== doc.title)].filter(Boolean);
      if (details.length) {
        const line = document.createElement("p");
        line.className = "post-meta";
        line.textContent = details.join(" · ");
        item.append(line);
      }
      item.append(excerpt(doc.text, queryWords));
      results.append(item);
    });
    more.hidden = results.children.length >= shown.length;
    if (focus && results.children[start]) results.children[start].querySelector("a").focus();
  }

  function showHelp(suggested) {
    help.replaceChildren();
    if (suggested) {
      const line = document.createElement("p");
      const link = document.createElement("a");
      const url = new URL(location.href);
      url.searchParams.set("q", suggested);
      link.href = url.pathname + url.search;
      link.textContent = suggested;
      link.addEventListener("click", (event) => {
        event.preventDefault();
        input.value = suggested;
        update();
      });
      line.append("Did you mean ", link, "?");
      help.append(line);
    }
    const browse = document.createElement("p");
    browse.append("Try fewer or shorter words, or browse the reflections ");
    const places = [["by Thing", form.dataset.things], ["by network", form.dataset.networks], ["by tag", form.dataset.tags]];
    places.forEach(([label, url], i) => {
      const link = document.createElement("a");
      link.href = url;
      link.textContent = label;
      browse.append(link, i === 0 ? ", " : i === 1 ? " or " : ".");
    });
    help.append(browse);
    help.hidden = false;
  }

  async function search(query) {
    const mine = ++run;
    const words = [...new Set(tokens(query).map((t) => t.word))];
    results.replaceChildren();
    help.hidden = true;
    more.hidden = true;
    if (words.length === 0) {
      jumps.hidden = true;
      status.textContent = "";
      return;
    }
    status.textContent = "Searching…";
    const perWord = await Promise.all(words.map(scores));
    if (mine !== run) return;
    showJumps(jumpsFor(words));
    let total = null;
    perWord.forEach(({ result }) => {
      const next = new Map();
      for (const [doc, points] of result) {
        if (total === null || total.has(doc)) next.set(doc, (total ? total.get(doc) : 0) + points);
      }
      total = next;
    });
    shown = [...total.entries()].sort((a, b) => b[1] - a[1] || b[0] - a[0]).map(([doc]) => doc);
    queryWords = words;
    const quoted = "“" + query.trim() + "”";
    if (shown.length === 0) {
      status.textContent = "Nothing found for " + quoted + ".";
      const missing = words.map((w, i) => (perWord[i].result.size === 0 ? suggestion(w, perWord[i].file) : w));
      const changed = missing.some((w, i) => w && w !== words[i]) && missing.every(Boolean);
      showHelp(changed ? missing.join(" ") : null);
      return;
    }
    await showMore(false);
    if (mine !== run) return;
    status.textContent = (shown.length === 1 ? "1 result" : shown.length + " results") + " for " + quoted;
  }

  function update() {
    const url = new URL(location.href);
    if (input.value) url.searchParams.set("q", input.value);
    else url.searchParams.delete("q");
    history.replaceState(null, "", url);
    if (meta) search(input.value).catch(failed);
  }

  function failed() {
    status.textContent = "The search index could not be loaded. Try again, or browse by Thing, network or tag.";
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    update();
  });
  input.addEventListener("input", update);
  more.addEventListener("click", () => showMore(true).catch(failed));

  input.value = new URL(location.href).searchParams.get("q") || "";
  load(form.dataset.index)
    .then((data) => {
      meta = data;
      return search(input.value);
    })
    .catch(failed);
})();
