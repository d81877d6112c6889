//! The live preview in a real browser: headless Chromium, driven through ChromeDriver's
//! WebDriver API, watches a post while its Markdown changes on disk. The test never reloads
//! the page itself; the preview's script must.
//!
//! Needs Debian's `chromium`, `chromium-driver` and `poppler-utils` (CI installs them).
//! Without them each test is skipped locally, with a SKIPPED banner on stderr naming what is
//! missing, and fails when `CI=true`.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::Fixture;
use common::serve::Server;
use serde_json::{Value, json};

/// ChromeDriver and one browser session, closed when dropped.
struct Browser {
    driver: Child,
    port: u16,
    session: String,
}

/// How to install every tool these tests use.
const INSTALL: &str = "apt-get install -y chromium chromium-driver poppler-utils";

/// A tool found on this machine: `$ENV` if set (and a file), else the first of `paths` that
/// exists.
fn find(env: &str, paths: &[&str]) -> Option<PathBuf> {
    if let Some(path) = std::env::var_os(env) {
        return Some(PathBuf::from(path)).filter(|p| p.is_file());
    }
    paths.iter().map(PathBuf::from).find(|p| p.is_file())
}

fn chromedriver() -> Option<PathBuf> {
    find("CHROMEDRIVER", &["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"])
}

fn chromium() -> Option<PathBuf> {
    find("CHROMIUM", &["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"])
}

fn pdftotext() -> Option<PathBuf> {
    find("PDFTOTEXT", &["/usr/bin/pdftotext", "/usr/local/bin/pdftotext"])
}

/// The paths of every tool of `tools` (name, where found), or None when one is missing and
/// `test` cannot run: with `CI=true` that fails it; elsewhere it is skipped, said loudly. The
/// banner goes straight to the process's stderr, past the test harness's capture (which
/// `eprintln!` would go through, hiding it whenever the test "passes").
fn require<const N: usize>(test: &str, tools: [(&str, Option<PathBuf>); N]) -> Option<[PathBuf; N]> {
    let missing: Vec<&str> = tools.iter().filter(|(_, found)| found.is_none()).map(|(name, _)| *name).collect();
    if missing.is_empty() {
        return Some(tools.map(|(_, found)| found.expect("found")));
    }
    let missing = missing.join(", ");
    assert!(std::env::var("CI").as_deref() != Ok("true"), "CI must run {test}, but {missing} not found: {INSTALL}");
    let rule = "=".repeat(78);
    let banner = format!(
        "\n{rule}\nSKIPPED: {test} did not run and checked nothing.\n  Not found: {missing}\n  \
         Install with: {INSTALL}\n  (or point CHROMIUM, CHROMEDRIVER, PDFTOTEXT at them; with CI=true this fails)\n{rule}\n"
    );
    let _ = std::io::stderr().write_all(banner.as_bytes());
    None
}

impl Browser {
    /// Starts ChromeDriver and a headless Chromium for `test`, or says loudly why it cannot
    /// (see [`require`]).
    fn start(test: &str) -> Option<Self> {
        let [chromium, driver] = require(test, [("chromium", chromium()), ("chromedriver", chromedriver())])?;
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let child = Command::new(&driver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", driver.display()));
        let mut browser = Self { driver: child, port, session: String::new() };
        let deadline = Instant::now() + Duration::from_secs(60);
        // Ready when /status says so; until then connections may be refused or reset.
        while !browser.try_call("GET", "/status", None).is_ok_and(|v| v["value"]["ready"] == json!(true)) {
            assert!(Instant::now() < deadline, "chromedriver did not become ready");
            std::thread::sleep(Duration::from_millis(50));
        }
        let capabilities = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium,
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                         "--no-first-run", "--window-size=1024,768"]
            }
        }}});
        let created = browser.call("POST", "/session", Some(capabilities));
        browser.session = created["value"]["sessionId"].as_str().expect("a session id").to_string();
        // Through ChromeDriver's DevTools passthrough: every page loaded from now on notes when
        // its live-reload stream is open (see [`Browser::wait_until_listening`]).
        browser.call(
            "POST",
            &format!("/session/{}/goog/cdp/execute", browser.session),
            Some(json!({"cmd": "Page.addScriptToEvaluateOnNewDocument", "params": {"source": NOTE_LISTENING}})),
        );
        Some(browser)
    }

    /// Waits until the page shown listens for reloads: the preview has greeted its event
    /// stream, so every later event reaches it. An edit saved before that may be missed
    /// (or, for a stylesheet, turn into a full reload when the page catches up).
    fn wait_until_listening(&self) {
        self.wait_for("the page listening for reloads", "return window.cpdblogTestListening === true", WAIT, |v| {
            v == &json!(true)
        });
    }

    /// One WebDriver command; panics on a WebDriver error.
    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let value = self.try_call(method, path, body).unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        assert!(value["value"]["error"].is_null(), "{method} {path}: {value}");
        value
    }

    /// One WebDriver command, or the connection error.
    fn try_call(&self, method: &str, path: &str, body: Option<Value>) -> std::io::Result<Value> {
        let body = body.map(|b| b.to_string()).unwrap_or_default();
        let mut stream = TcpStream::connect(("127.0.0.1", self.port))?;
        stream.set_read_timeout(Some(Duration::from_secs(60)))?;
        write!(
            stream,
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            self.port,
            body.len()
        )?;
        // ChromeDriver keeps connections open: read the head, then Content-Length bytes.
        let mut bytes = Vec::new();
        let mut byte = [0u8; 1];
        while !bytes.ends_with(b"\r\n\r\n") {
            if stream.read(&mut byte)? != 1 {
                return Err(std::io::Error::other("chromedriver closed the connection"));
            }
            bytes.push(byte[0]);
        }
        let head = String::from_utf8_lossy(&bytes).to_ascii_lowercase();
        let length: usize = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .and_then(|v| v.trim().parse().ok())
            .expect("a Content-Length");
        let mut body = vec![0u8; length];
        stream.read_exact(&mut body)?;
        serde_json::from_slice(&body).map_err(std::io::Error::other)
    }

    fn open(&self, url: &str) {
        self.call("POST", &format!("/session/{}/url", self.session), Some(json!({ "url": url })));
    }

    fn eval(&self, script: &str) -> Value {
        let path = format!("/session/{}/execute/sync", self.session);
        self.call("POST", &path, Some(json!({ "script": script, "args": [] })))["value"].clone()
    }

    /// Polls `script` until `accept` holds of its value; panics with the last value after `timeout`.
    fn wait_for(&self, what: &str, script: &str, timeout: Duration, accept: impl Fn(&Value) -> bool) -> Duration {
        let started = Instant::now();
        loop {
            let value = self.eval(script);
            if accept(&value) {
                return started.elapsed();
            }
            assert!(started.elapsed() < timeout, "{what}: not within {timeout:?}; last value: {value}");
            std::thread::sleep(Duration::from_millis(25));
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                self.call("DELETE", &format!("/session/{}", self.session), None)
            }));
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// How long to wait for the browser to show something: generous, as a test waits for the
/// event itself, and only a missing event should fail it, never a slow machine.
const WAIT: Duration = Duration::from_secs(30);

/// Run before any script of each page: wraps `EventSource` so that the preview's `hello` on a
/// stream sets `window.cpdblogTestListening`.
const NOTE_LISTENING: &str = r#"(() => {
  const Real = window.EventSource;
  if (!Real) return;
  function Noting(url, init) {
    const source = new Real(url, init);
    source.addEventListener("hello", () => { window.cpdblogTestListening = true; });
    return source;
  }
  Noting.prototype = Real.prototype;
  window.EventSource = Noting;
})();"#;

const BODY_TEXT: &str = "return document.querySelector('.post-body').innerText";
const OVERLAY_TEXT: &str = "const o = document.getElementById('cpdblog-error-overlay'); return o ? o.innerText : null";

#[test]
fn the_open_page_follows_edits_errors_and_fixes() {
    let Some(browser) = Browser::start("the_open_page_follows_edits_errors_and_fixes") else { return };
    let fixture = Fixture::new("basic");
    let server = Server::start(&fixture.site, &[]);
    let path = "posts/2011-07-18-online-networks.md";
    let original = std::fs::read_to_string(fixture.site.join(path)).unwrap();

    browser.open(&format!("{}posts/online-networks/", server.url));
    browser.wait_for("the post", BODY_TEXT, WAIT, |v| v.as_str().is_some_and(|t| t.contains("LinkedIn and LISNPN.")));
    browser.wait_until_listening();

    // Each save is whole (see Fixture::save), so the page goes straight to what is expected.
    fixture.save(path, &original.replace("LinkedIn and LISNPN.", "LinkedIn, LISNPN and now Mastodon."));
    let took = browser.wait_for("the edit", BODY_TEXT, WAIT, |v| {
        v.as_str().is_some_and(|t| t.contains("LinkedIn, LISNPN and now Mastodon."))
    });
    eprintln!("edit shown after {took:?}");
    browser.wait_until_listening();

    let broken = original.replacen("date: 2011-07-18", "date: 2011-07-32", 1);
    fixture.save(path, &broken);
    browser.wait_for("the error overlay", OVERLAY_TEXT, WAIT, |v| {
        v.as_str().is_some_and(|t| t.contains("posts/2011-07-18-online-networks.md:3:7") && t.contains("error"))
    });
    assert!(
        browser.eval(BODY_TEXT).as_str().is_some_and(|t| t.contains("now Mastodon")),
        "the last good page stays under the overlay"
    );

    fixture.save(path, &original.replace("LinkedIn and LISNPN.", "Fixed: LinkedIn and LISNPN."));
    browser.wait_for("the fix", BODY_TEXT, WAIT, |v| {
        v.as_str().is_some_and(|t| t.contains("Fixed: LinkedIn and LISNPN."))
    });
    assert!(browser.eval(OVERLAY_TEXT).is_null(), "the overlay is gone");
    browser.wait_until_listening();

    // A stylesheet change is swapped in: the page is not reloaded.
    browser.eval("window.cpdblogTestMarker = 'still here'; return null");
    fixture.save("static/style.css", "body { outline: 7px solid rgb(1, 2, 3); }");
    browser.wait_for("the new stylesheet", "return getComputedStyle(document.body).outlineColor", WAIT, |v| {
        v.as_str() == Some("rgb(1, 2, 3)")
    });
    assert_eq!(browser.eval("return window.cpdblogTestMarker"), json!("still here"), "no reload for CSS");
}

#[test]
fn the_overlay_shows_markup_in_errors_as_text() {
    let Some(browser) = Browser::start("the_overlay_shows_markup_in_errors_as_text") else { return };
    let fixture = Fixture::new("basic");
    let server = Server::start(&fixture.site, &[]);
    browser.open(&server.url);
    browser.wait_until_listening();
    fixture
        .save("posts/<img src=x onerror=alert(1)>.md", "---\ntitle: \"<script>alert(2)</script>\"\ndate: soon\n---\n");
    browser.wait_for("the error overlay", OVERLAY_TEXT, WAIT, |v| {
        v.as_str().is_some_and(|t| t.contains("posts/<img src=x onerror=alert(1)>.md:3:7"))
    });
    let injected = browser
        .eval("return document.querySelectorAll('#cpdblog-error-overlay img, #cpdblog-error-overlay script').length");
    assert_eq!(injected, json!(0), "markup in file names and messages is shown as text, never parsed");
}

/// A copy of example-site in a temporary folder.
fn example_site() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    common::copy_dir(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("example-site"), &site);
    let _ = std::fs::remove_dir_all(site.join("public"));
    (dir, site)
}

/// Standard base64, as WebDriver returns a printed PDF.
fn from_base64(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        _ => 63,
    };
    let digits: Vec<u8> = text.bytes().filter(|c| c.is_ascii_alphanumeric() || *c == b'+' || *c == b'/').collect();
    let mut out = Vec::with_capacity(digits.len() * 3 / 4);
    for chunk in digits.chunks(4) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, &c)| n | (value(c) as u32) << (18 - 6 * i));
        out.extend(n.to_be_bytes()[1..chunk.len()].iter());
    }
    out
}

/// For each page of `pdf`, how far down its text reaches, as a share of the page's height
/// (page numbers in the margin left out).
fn page_fill(pdftotext: &Path, pdf: &Path) -> Vec<f64> {
    let out = Command::new(pdftotext).arg("-bbox").arg(pdf).arg("-").output().unwrap();
    let html = String::from_utf8_lossy(&out.stdout);
    let page = regex::Regex::new(r#"<page width="[0-9.]+" height="([0-9.]+)">([\s\S]*?)</page>"#).unwrap();
    let word = regex::Regex::new(r#"yMax="([0-9.]+)">([^<]*)</word>"#).unwrap();
    page.captures_iter(&html)
        .map(|p| {
            let height: f64 = p[1].parse().unwrap();
            let words: Vec<(f64, &str)> = word
                .captures_iter(p.get(2).unwrap().as_str())
                .map(|w| (w[1].parse().unwrap(), w.get(2).unwrap().as_str()))
                .collect();
            // The page number ("3 / 6") is the last three words, at the foot.
            let text = &words[..words.len().saturating_sub(3)];
            text.iter().map(|(y, _)| *y).fold(0.0, f64::max) / height
        })
        .collect()
}

#[test]
fn the_portfolio_prints_on_a_few_full_a4_pages_with_every_reflection() {
    let test = "the_portfolio_prints_on_a_few_full_a4_pages_with_every_reflection";
    let Some([pdftotext]) = require(test, [("pdftotext", pdftotext())]) else { return };
    let Some(browser) = Browser::start(test) else { return };
    let (dir, site) = example_site();
    let server = Server::start(&site, &["--verbose"]);
    browser.open(&format!("{}portfolio/", server.url));
    // A4, as printed from the browser's dialog with its defaults (no backgrounds).
    let printed = browser.call(
        "POST",
        &format!("/session/{}/print", browser.session),
        Some(json!({"page": {"width": 21.0, "height": 29.7}, "background": false})),
    );
    let pdf = dir.path().join("portfolio.pdf");
    std::fs::write(&pdf, from_base64(printed["value"].as_str().expect("a PDF"))).unwrap();
    let text = Command::new(&pdftotext).arg(&pdf).arg("-").output().unwrap();
    let text = String::from_utf8_lossy(&text.stdout).replace('\u{a0}', " ");
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");

    // Every post, as the search index lists them (its documents hold their titles).
    let search = server_output_of(&server).join("search");
    let meta: Value = serde_json::from_str(&std::fs::read_to_string(search.join("meta.json")).unwrap()).unwrap();
    let entries: Vec<Value> = (0..meta["docs"].as_u64().unwrap())
        .map(|n| {
            serde_json::from_str(&std::fs::read_to_string(search.join(format!("docs/{n}.json"))).unwrap()).unwrap()
        })
        .filter(|doc: &Value| doc["url"].as_str().unwrap().contains("/posts/"))
        .collect();
    assert!(entries.len() >= 12, "the example's posts, as the index lists them: {entries:?}");
    for entry in &entries {
        let title = entry["title"].as_str().unwrap().split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(flat.contains(&title), "{title} is in the printed portfolio");
    }
    // The whole reflections, the cover, the statement; no navigation, no screen-only hint.
    assert!(flat.contains("who would read it?") || flat.contains("Who would read it?"), "full text: {flat}");
    assert!(
        flat.to_lowercase().contains("compiled")
            && flat.contains("Reflective statement: My reflective statement for revalidation, 233 words"),
        "{flat}"
    );
    assert!(flat.contains("Professional networks used"), "{flat}");
    // The hours against the target, the evidence with its gap, the action plan.
    assert!(flat.contains("25 hours of CPD in all, against a target of 20 hours a year"), "{flat}");
    assert!(flat.contains("LEAD: Leading and managing change No evidence yet."), "{flat}");
    assert!(flat.contains("Action plan") && flat.contains("Submit my Chartership portfolio"), "{flat}");
    for absent in ["Skip to content", "Subscribe", "print this page", "Home Things Networks"] {
        assert!(!flat.contains(absent), "`{absent}` is not printed");
    }
    // The site's own address, once (on the cover), not again under the title or in a footer.
    let address = regex::Regex::new(&format!(r"{}(\s|$)", regex::escape(&server.url))).unwrap();
    assert_eq!(address.find_iter(&flat).count(), 1, "{flat}");

    let fill = page_fill(&pdftotext, &pdf);
    eprintln!("printed on {} A4 pages, filled to {fill:.2?}", fill.len());
    assert!(fill.len() <= 6, "{} pages", fill.len());
    for (n, share) in fill.iter().enumerate().take(fill.len() - 1) {
        assert!(*share > 0.25, "page {} of {} is more than three-quarters empty ({share:.2})", n + 1, fill.len());
    }
}

/// The folder a test server writes: the private preview folder from its verbose log line,
/// or, without it, a fresh build of the same site.
fn server_output_of(server: &Server) -> PathBuf {
    let log = server.log.lock().unwrap().join("\n");
    if let Some(dir) = log.split("writing to ").nth(1) {
        return PathBuf::from(dir.lines().next().unwrap().trim());
    }
    panic!("start the server with --verbose to know its folder: {log}");
}

impl Browser {
    /// The WebDriver id of the first element matching `css`.
    fn element(&self, css: &str) -> String {
        let found = self.call(
            "POST",
            &format!("/session/{}/element", self.session),
            Some(json!({"using": "css selector", "value": css})),
        );
        found["value"]
            .as_object()
            .and_then(|o| o.values().next())
            .and_then(|v| v.as_str())
            .unwrap_or_else(|| panic!("no {css}: {found}"))
            .to_string()
    }

    /// Types `text` into element `id` as a person would, key by key.
    fn type_into(&self, id: &str, text: &str) {
        self.call("POST", &format!("/session/{}/element/{id}/clear", self.session), Some(json!({})));
        self.call("POST", &format!("/session/{}/element/{id}/value", self.session), Some(json!({ "text": text })));
    }
}

const SEARCH_TITLES: &str = "return [...document.querySelectorAll('#search-results li h2 a')].map(a => a.textContent)";
const SEARCH_STATUS: &str = "return document.getElementById('search-status').textContent";

/// Waits for the search page to finish a query; returns the titles found, best first.
fn search_titles(browser: &Browser) -> Vec<String> {
    browser.wait_for("the search to finish", SEARCH_STATUS, WAIT, |v| {
        v.as_str().is_some_and(|t| t.contains(" for “") && (t.starts_with("Nothing") || t.contains("result")))
    });
    let titles = browser.eval(SEARCH_TITLES);
    titles.as_array().unwrap().iter().map(|t| t.as_str().unwrap().to_string()).collect()
}

#[test]
fn search_ranks_things_finds_body_words_and_helps_when_nothing_matches() {
    let Some(browser) = Browser::start("search_ranks_things_finds_body_words_and_helps_when_nothing_matches") else {
        return;
    };
    let (_dir, site) = example_site();
    let server = Server::start(&site, &[]);
    let search = format!("{}search/", server.url);

    // "thing 23": the Thing 23 post first (not Thing 1 or 2 because "cpd23" holds a 2), and a
    // jump to the Thing's page.
    browser.open(&format!("{search}?q=thing%2023"));
    let titles = search_titles(&browser);
    assert_eq!(titles[0], "Thing 23: Reflection and what next", "{titles:?}");
    let jump = browser.eval(
        "const a = document.querySelector('#search-jumps a'); return a && [a.textContent, a.getAttribute('href')]",
    );
    assert_eq!(jump, json!(["Thing 23: Reflection and what next", "/things/23/"]));
    // "thing 1" puts Thing 1 above Things 10, 11, 14 and 15.
    browser.open(&format!("{search}?q=thing+1"));
    assert_eq!(search_titles(&browser)[0], "Thing 1: Blogging");

    // A word only the body of one post holds, typed into the box: found, and shown in context.
    let input = browser.element("#search-query");
    browser.type_into(&input, "football");
    browser.wait_for("the body word", SEARCH_TITLES, WAIT, |v| v == &json!(["Thing 3: Consider your personal brand"]));
    let excerpt = browser.eval("return document.querySelector('.search-excerpt').innerHTML");
    assert!(excerpt.as_str().unwrap().contains("about <mark>football</mark> and my nephews"), "{excerpt}");
    assert!(browser.eval("return location.search") == json!("?q=football"), "the address holds the query");

    // A misspelt word: nothing found, a suggestion that works, and places to browse.
    browser.open(&format!("{search}?q=fotball"));
    assert!(search_titles(&browser).is_empty());
    let status = browser.eval(SEARCH_STATUS);
    assert_eq!(status, json!("Nothing found for “fotball”."));
    let help = browser.eval("return document.getElementById('search-help').innerText");
    let help = help.as_str().unwrap();
    assert!(help.contains("Did you mean football?") && help.contains("by Thing, by network or by tag."), "{help}");
    let suggestion = browser.element("#search-help a");
    browser.call("POST", &format!("/session/{}/element/{suggestion}/click", browser.session), Some(json!({})));
    browser.wait_for("the suggestion's results", SEARCH_TITLES, WAIT, |v| {
        v == &json!(["Thing 3: Consider your personal brand"])
    });

    // Markup typed into the box is text.
    let input = browser.element("#search-query");
    browser.type_into(&input, "<img src=x onerror=alert(1)>");
    browser.wait_for("no results", SEARCH_STATUS, WAIT, |v| v.as_str().is_some_and(|t| t.starts_with("Nothing found")));
    assert_eq!(browser.eval("return document.querySelectorAll('main img').length"), json!(0));

    // Only the index files the queries needed were fetched, never all of them.
    let fetched = browser.eval(
        "return performance.getEntriesByType('resource').filter(e => e.name.includes('/search/')).map(e => e.name.split('/search/')[1])",
    );
    let fetched: Vec<&str> = fetched.as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    let all_words = browser.eval(
        "const r = new XMLHttpRequest(); r.open('GET', 'meta.json', false); r.send(); return JSON.parse(r.responseText).words.length",
    );
    let all_words = all_words.as_u64().unwrap();
    assert!(fetched.contains(&"meta.json") && fetched.contains(&"words/fo.json"), "{fetched:?}");
    // (Typed key by key, "<img src=x…" asks for the files of "i", "im", "s", "a", "al"…)
    let words_fetched = fetched.iter().filter(|f| f.starts_with("words/")).count() as u64;
    assert!(words_fetched <= 12 && all_words > 150, "{fetched:?} of {all_words}");
}

/// The figure in the README: how much of the search index a query downloads on a big blog.
/// Run by `bench/search.sh`, which builds the 10,000-post benchmark corpus and serves it at
/// `CPDBLOG_SEARCH_BENCH_URL`; ignored otherwise.
#[test]
#[ignore = "a benchmark: run bench/search.sh"]
fn search_download_per_query_at_scale() {
    let Ok(url) = std::env::var("CPDBLOG_SEARCH_BENCH_URL") else {
        panic!("set CPDBLOG_SEARCH_BENCH_URL to the search page of a built corpus (bench/search.sh does)");
    };
    let Some(browser) = Browser::start("search_download_per_query_at_scale") else { return };
    let queries =
        ["thing 23", "linkedin", "reflective practice", "mentoring", "the", "chartership portfolio evidence", "refl"];
    println!("| query | results | index files | KiB of index | KiB of results (10 shown) |");
    println!("| --- | ---: | ---: | ---: | ---: |");
    let mut worst = 0.0f64;
    for query in queries {
        browser.open(&format!("{url}?q={}", query.replace(' ', "+")));
        let status = browser.wait_for("the search", SEARCH_STATUS, Duration::from_secs(120), |v| {
            v.as_str().is_some_and(|t| t.contains(" for “"))
        });
        let _ = status;
        let sizes = browser.eval(
            "const e = performance.getEntriesByType('resource').filter(e => e.name.includes('/search/'));\
             const sum = (f) => e.filter(f).reduce((n, x) => n + x.decodedBodySize, 0);\
             return [e.filter(x => !x.name.includes('/docs/')).length, sum(x => !x.name.includes('/docs/')), sum(x => x.name.includes('/docs/')),\
                     document.getElementById('search-status').textContent]",
        );
        let index_kib = sizes[1].as_f64().unwrap() / 1024.0;
        let docs_kib = sizes[2].as_f64().unwrap() / 1024.0;
        worst = worst.max(index_kib);
        println!("| {query} | {} | {} | {index_kib:.0} | {docs_kib:.0} |", sizes[3].as_str().unwrap(), sizes[0]);
    }
    println!("largest index download: {worst:.0} KiB");
    assert!(worst < 300.0, "a query downloaded {worst:.0} KiB of index");
}

#[test]
fn every_page_fits_a_phone_and_the_first_post_is_on_the_first_screen() {
    let Some(browser) = Browser::start("every_page_fits_a_phone_and_the_first_post_is_on_the_first_screen") else {
        return;
    };
    let (_dir, site) = example_site();
    let server = Server::start(&site, &[]);
    let cdp = |cmd: &str, params: Value| {
        browser.call(
            "POST",
            &format!("/session/{}/goog/cdp/execute", browser.session),
            Some(json!({"cmd": cmd, "params": params})),
        );
    };
    // An iPhone 14's screen: 390 × 844 CSS pixels.
    cdp(
        "Emulation.setDeviceMetricsOverride",
        json!({"width": 390, "height": 844, "deviceScaleFactor": 3, "mobile": true}),
    );
    let pages = [
        "",
        "posts/things-6-and-7-networks/",
        "things/",
        "things/6/",
        "networks/linkedin/",
        "portfolio/",
        "search/?q=networks",
        "about/",
        "no-such-page/",
    ];
    for scheme in ["light", "dark"] {
        cdp("Emulation.setEmulatedMedia", json!({"features": [{"name": "prefers-color-scheme", "value": scheme}]}));
        for page in pages {
            browser.open(&format!("{}{page}", server.url));
            browser.wait_for("the page", "return document.readyState", WAIT, |v| v == "complete");
            let widths = browser.eval("return [document.documentElement.scrollWidth, window.innerWidth]");
            assert_eq!(widths[1], json!(390), "/{page} is laid out wider than the phone ({scheme})");
            assert!(
                widths[0].as_u64() <= widths[1].as_u64(),
                "/{page} scrolls sideways at 390 px ({scheme}): {widths}"
            );
            // Nothing is cut off at the right edge either, unless it sits in a box that
            // scrolls sideways (a wide table).
            let clipped = browser.eval(
                "const scrolls = (e) => { for (; e; e = e.parentElement) { if (['auto', 'scroll'].includes(getComputedStyle(e).overflowX)) return true; } return false; };\
                 return [...document.querySelectorAll('main *')].filter(e => e.getClientRects().length && e.getBoundingClientRect().right > innerWidth + 1 && !scrolls(e)).slice(0, 3).map(e => e.tagName + '.' + e.className + ': ' + e.textContent.trim().slice(0, 40))",
            );
            assert_eq!(clipped, json!([]), "/{page} is cut off at the right at 390 px ({scheme})");
        }
    }
    browser.open(&server.url);
    let first = browser.eval(
        "const t = document.querySelector('.post-card-title'); const r = t.getBoundingClientRect(); return [t.textContent.trim(), r.bottom, window.innerHeight]",
    );
    assert!(
        first[1].as_f64().unwrap() <= first[2].as_f64().unwrap(),
        "the first post's title is below the first screen: {first}"
    );
}
