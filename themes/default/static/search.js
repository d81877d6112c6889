// Search for the default cpdblog theme: loads search.json (written at build, on this site)
// and filters it as you type. Results are built with textContent: nothing typed or indexed
// is ever read as HTML.
(() => {
  "use strict";
  const form = document.querySelector(".search-form");
  if (!form) return;
  const input = form.querySelector("input[type=search]");
  const status = document.getElementById("search-status");
  const results = document.getElementById("search-results");
  let entries = null;

  const normalise = (text) => text.toLocaleLowerCase().normalize("NFKD").replace(/[\u0300-\u036f]/g, "");

  function haystack(entry) {
    return normalise([entry.title, entry.things.join(" "), entry.networks.join(" "), entry.tags.join(" "), entry.text].join(" "));
  }

  function show(query) {
    results.replaceChildren();
    const words = normalise(query).split(/\s+/).filter(Boolean);
    if (!entries || words.length === 0) {
      status.textContent = entries ? "" : "Loading…";
      return;
    }
    const found = entries.filter((entry) => words.every((word) => entry.haystack.includes(word)));
    status.textContent = found.length === 1 ? "1 reflection found" : found.length + " reflections found";
    for (const entry of found.slice(0, 100)) {
      const item = document.createElement("li");
      item.className = "search-result";
      const link = document.createElement("a");
      link.href = entry.url;
      link.textContent = entry.title;
      const heading = document.createElement("h2");
      heading.className = "post-card-title";
      heading.append(link);
      const meta = document.createElement("p");
      meta.className = "post-meta";
      // A Thing the title already names ("Thing 14: Zotero…") is not said again.
      meta.textContent = [entry.date, ...entry.things.filter((thing) => thing !== entry.title)].join(" · ");
      item.append(heading, meta);
      if (entry.text) {
        const text = document.createElement("p");
        text.className = "post-summary";
        text.textContent = entry.text;
        item.append(text);
      }
      results.append(item);
    }
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    show(input.value);
  });
  input.addEventListener("input", () => {
    const url = new URL(location.href);
    if (input.value) url.searchParams.set("q", input.value); else url.searchParams.delete("q");
    history.replaceState(null, "", url);
    show(input.value);
  });

  input.value = new URL(location.href).searchParams.get("q") || "";
  status.textContent = "Loading…";
  fetch(form.dataset.index)
    .then((response) => response.json())
    .then((data) => {
      entries = data.map((entry) => Object.assign(entry, { haystack: haystack(entry) }));
      status.textContent = "";
      show(input.value);
    })
    .catch(() => {
      status.textContent = "The search index could not be loaded.";
    });
})();
