//! Faults of `cpdblog serve` under slow, idle, hostile or huge use, each test named after
//! what it guards. Each starts the real binary; the figures they depend on (times, memory,
//! threads) are printed, so a run shows how much room each bound leaves.

mod common;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::Fixture;
use common::serve::{Response, request};

/// How long to wait for an event (a rebuild, a page): generous, since only a missing event
/// should fail, never a slow machine.
const WAIT: Duration = Duration::from_secs(30);

/// A running `cpdblog serve` whose process id the test knows (to read its memory and threads
/// on Linux, and to time its Ctrl-C), stopped with Ctrl-C (then killed) when dropped.
struct Serve {
    child: Child,
    port: u16,
    lines: Receiver<String>,
    log: Arc<Mutex<Vec<String>>>,
}

impl Serve {
    /// Starts `cpdblog serve --port 0 ARGS --site SITE` with `env` added to its environment,
    /// and waits until it serves.
    fn start(site: &Path, args: &[&str], env: &[(&str, &str)]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_cpdblog"))
            .args(["serve", "--port", "0"])
            .args(args)
            .arg("--site")
            .arg(site)
            .env("NO_COLOR", "1")
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start cpdblog serve");
        let stderr = child.stderr.take().unwrap();
        let (send, lines) = mpsc::channel();
        let log = Arc::new(Mutex::new(Vec::new()));
        let kept = Arc::clone(&log);
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                kept.lock().unwrap().push(line.clone());
                let _ = send.send(line);
            }
        });
        let mut serve = Self { child, port: 0, lines, log };
        let line = serve.wait_for_line("Serving ", common::RUNAWAY);
        let url = line.split(" at ").nth(1).expect("URL in the Serving line").trim();
        serve.port = url.rsplit(':').next().unwrap().trim_end_matches('/').parse().unwrap();
        serve
    }

    /// Waits for the next stderr line containing `needle`; panics with the log's end on timeout.
    fn wait_for_line(&self, needle: &str, timeout: Duration) -> String {
        self.wait_for_line_after(needle, timeout, "")
    }

    /// [`Serve::wait_for_line`], saying what was done before (`what`) if it fails.
    fn wait_for_line_after(&self, needle: &str, timeout: Duration, what: &str) -> String {
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) if line.contains(needle) => return line,
                Ok(_) => {}
                Err(_) => {
                    let log: Vec<String> = self.log.lock().unwrap().iter().map(|l| shorten(l)).collect();
                    let tail = log[log.len().saturating_sub(40)..].join("\n");
                    panic!("no line with {needle:?} within {timeout:?}{what}; the log ends:\n{tail}")
                }
            }
        }
    }

    /// The folder served, from the `--verbose` line naming it.
    fn served_folder(&self) -> PathBuf {
        let log = self.log.lock().unwrap().join("\n");
        let folder = log.split("writing to ").nth(1).expect("start with --verbose").lines().next().unwrap();
        PathBuf::from(folder.trim())
    }

    /// The private folder serve made for its output: the folder of the temporary folder that
    /// holds the folder served (or is it).
    fn private_folder(&self) -> PathBuf {
        let served = self.served_folder();
        let temp = std::env::temp_dir().canonicalize().unwrap();
        let private = served.ancestors().find(|folder| folder.parent() == Some(temp.as_path()));
        private.unwrap_or_else(|| panic!("{} is not in {}", served.display(), temp.display())).to_path_buf()
    }

    fn get(&self, path: &str) -> Response {
        request(
            self.port,
            &format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n\r\n", self.port),
        )
    }

    /// Sends SIGINT, as Ctrl-C does, and returns the exit status and how long the process took
    /// to end; None if it is still running after `limit` (it is killed then).
    #[cfg(unix)]
    fn interrupt(&mut self, limit: Duration) -> Option<(std::process::ExitStatus, Duration)> {
        let sent = Instant::now();
        let _ = Command::new("kill").args(["-INT", &self.child.id().to_string()]).status();
        while sent.elapsed() < limit {
            if let Some(status) = self.child.try_wait().unwrap() {
                return Some((status, sent.elapsed()));
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        None
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        if self.child.try_wait().ok().flatten().is_some() {
            return;
        }
        #[cfg(unix)]
        if self.interrupt(WAIT).is_some() {
            return;
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A log line cut to a readable length (some carry 60 KB of a hostile date).
fn shorten(line: &str) -> String {
    if line.len() <= 300 {
        return line.to_string();
    }
    let cut = (0..=300).rev().find(|&i| line.is_char_boundary(i)).unwrap_or(0);
    format!("{}… ({} bytes)", &line[..cut], line.len())
}

#[test]
fn folders_asked_for_with_leading_slashes_redirect_within_the_site() {
    let fixture = Fixture::new("basic");
    let serve = Serve::start(&fixture.site, &[], &[]);
    for (path, location) in [
        ("//posts", "/posts/"),
        ("///posts", "/posts/"),
        ("//posts/online-networks", "/posts/online-networks/"),
        ("/posts", "/posts/"),
    ] {
        let response = serve.get(path);
        assert_eq!((response.status, response.header("location")), (301, Some(location)), "{path}");
    }
    // Never a Location a browser would read as another host (`//host/…`).
    for path in ["/%2Fposts", "/%2F/posts", "//%2Fposts", "/.//posts", "//\\posts", "//posts?x=//y"] {
        let response = serve.get(path);
        let location = response.header("location").unwrap_or_default();
        assert!(!location.starts_with("//") && !location.starts_with("/\\"), "{path}: {location}");
    }
}

#[cfg(unix)]
#[test]
fn the_private_preview_folder_is_readable_by_its_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let fixture = Fixture::new("basic");
    let serve = Serve::start(&fixture.site, &["--drafts", "--verbose"], &[]);
    let served = serve.served_folder();
    assert!(served.join("posts/calendar-draft/index.html").is_file(), "drafts are in it");
    let private = serve.private_folder();
    let mode = std::fs::metadata(&private).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o700, "{}: mode {mode:o}", private.display());
    // Still so after a rebuild has swapped new pages in.
    let post = "posts/2011-07-18-online-networks.md";
    let text = std::fs::read_to_string(fixture.site.join(post)).unwrap();
    fixture.save(post, &text.replace("Online networks matter.", "Private matters."));
    serve.wait_for_line("changed:", WAIT);
    let mode = std::fs::metadata(&private).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o700, "{}: mode {mode:o} after a rebuild", private.display());
}
