// cpdblog live preview: reloads the page after a rebuild, swaps stylesheets after a
// stylesheet-only change, and shows the errors of a failed rebuild. Served only by
// `cpdblog serve`; built sites never contain it. Everything shown is set as text, never HTML.
(() => {
  "use strict";
  const OVERLAY = "cpdblog-error-overlay";
  // The build this page was served from; a different one on connecting means a reload was missed.
  let build = (document.currentScript && document.currentScript.dataset.build) || null;

  function clearOverlay() {
    const old = document.getElementById(OVERLAY);
    if (old) old.remove();
  }

  function showProblems(problems) {
    clearOverlay();
    const overlay = document.createElement("div");
    overlay.id = OVERLAY;
    overlay.setAttribute("role", "alertdialog");
    overlay.setAttribute("aria-labelledby", OVERLAY + "-title");
    overlay.style.cssText =
      "position:fixed;inset:0;z-index:2147483647;overflow:auto;padding:2rem;" +
      "background:rgba(20,20,24,.94);color:#f5f5f5;font:16px/1.5 system-ui,sans-serif;";
    const title = document.createElement("h2");
    title.id = OVERLAY + "-title";
    title.style.cssText = "margin:0 0 .5rem;color:#ff8a80;font-size:1.25rem;";
    title.textContent = problems.length === 1
      ? "cpdblog: 1 error in your last save"
      : "cpdblog: " + problems.length + " errors in your last save";
    const note = document.createElement("p");
    note.style.cssText = "margin:0 0 1rem;";
    note.textContent = "The page below is the last good build. Fix the file and save: this goes away by itself.";
    overlay.append(title, note);
    for (const problem of problems) {
      const pre = document.createElement("pre");
      pre.className = "cpdblog-error";
      pre.style.cssText =
        "white-space:pre-wrap;margin:0 0 1rem;padding:1rem;border-left:4px solid #ff8a80;" +
        "background:#000;color:#f5f5f5;font:14px/1.45 ui-monospace,monospace;";
      pre.textContent = problem.text;
      overlay.append(pre);
    }
    const close = document.createElement("button");
    close.type = "button";
    close.textContent = "Hide";
    close.style.cssText = "font:inherit;padding:.25rem 1rem;";
    close.addEventListener("click", clearOverlay);
    overlay.append(close);
    document.body.append(overlay);
    close.focus();
  }

  function swapStylesheets() {
    for (const link of document.querySelectorAll('link[rel~="stylesheet"]')) {
      const url = new URL(link.href, location.href);
      if (url.origin !== location.origin) continue;
      url.searchParams.set("cpdblog-reload", Date.now().toString());
      const fresh = link.cloneNode();
      fresh.href = url.href;
      fresh.addEventListener("load", () => link.remove());
      fresh.addEventListener("error", () => link.remove());
      link.after(fresh);
    }
  }

  function noteBuild(data) {
    const next = JSON.parse(data).build;
    const changed = build !== null && build !== next;
    build = next;
    return changed;
  }

  const events = new EventSource("/__cpdblog/events");
  events.addEventListener("hello", (e) => {
    // A reconnect after a rebuild this page missed: catch up.
    if (noteBuild(e.data)) location.reload();
  });
  events.addEventListener("reload", (e) => {
    noteBuild(e.data);
    location.reload();
  });
  events.addEventListener("css", (e) => {
    noteBuild(e.data);
    clearOverlay();
    swapStylesheets();
  });
  events.addEventListener("pages", (e) => {
    // Long lists (portfolio, search index) written after the edited page: reload if shown.
    const here = location.pathname.replace(/index\.html$/, "");
    if (JSON.parse(e.data).urls.includes(here)) location.reload();
  });
  events.addEventListener("ok", clearOverlay);
  events.addEventListener("problems", (e) => showProblems(JSON.parse(e.data)));
})();
