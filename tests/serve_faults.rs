//! Faults of `cpdblog serve` under slow, idle, hostile or huge use, each test named after
//! what it guards. Each starts the real binary; the figures they depend on (times, memory,
//! threads) are printed, so a run shows how much room each bound leaves.

mod common;

use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream};
use std::path::Path;
use std::process::{Child, Command};
use std::sync::mpsc::Receiver;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::Fixture;
use common::serve::{Response, request};

/// How long to wait for an event (a rebuild, a page): generous, since only a missing event
/// should fail, never a slow machine.
const WAIT: Duration = Duration::from_secs(30);

/// Held by the tests that build big sites or time a stop, so they run one at a time: the
/// timed ones measure serve, not the other tests.
static HEAVY: Mutex<()> = Mutex::new(());

fn heavy() -> std::sync::MutexGuard<'static, ()> {
    HEAVY.lock().unwrap_or_else(|e| e.into_inner())
}

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
        let (child, lines, log) = common::serve::spawn(site, args, env);
        let mut serve = Self { child, port: 0, lines, log };
        let line = serve.wait_for_line("Serving ", common::RUNAWAY);
        let url = line.split(" at ").nth(1).expect("URL in the Serving line").trim();
        serve.port = url.rsplit(':').next().unwrap().trim_end_matches('/').parse().unwrap();
        serve
    }

    fn pid(&self) -> u32 {
        self.child.id()
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
    #[cfg(unix)]
    fn served_folder(&self) -> std::path::PathBuf {
        let log = self.log.lock().unwrap().join("\n");
        let folder = log.split("writing to ").nth(1).expect("start with --verbose").lines().next().unwrap();
        std::path::PathBuf::from(folder.trim())
    }

    /// The private folder serve made for its output: the folder of the temporary folder that
    /// holds the folder served (or is it).
    #[cfg(unix)]
    fn private_folder(&self) -> std::path::PathBuf {
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

    fn connect(&self) -> TcpStream {
        TcpStream::connect(("127.0.0.1", self.port)).expect("connect")
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

/// A field of /proc/PID/status (`VmRSS`, `Threads`) as a number (kB for sizes); None where
/// there is no /proc.
fn proc_status(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with(&format!("{field}:")))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Reads from `stream` until `needle` has been seen; panics if the stream ends first.
fn read_until(stream: &mut TcpStream, needle: &str) -> String {
    let mut seen = Vec::new();
    let mut byte = [0u8; 1];
    while !String::from_utf8_lossy(&seen).contains(needle) {
        match stream.read(&mut byte) {
            Ok(1) => seen.push(byte[0]),
            other => panic!("stream ended ({other:?}) before {needle:?}: {}", String::from_utf8_lossy(&seen)),
        }
    }
    String::from_utf8_lossy(&seen).into_owned()
}

/// A post whose date is `junk` (about 60 KB): its error message and snippet carry it, so the
/// `problems` event of each failed rebuild is well over 100 KB.
fn hostile_post(junk: &str) -> String {
    format!("---\ntitle: Flood\ndate: {junk}\n---\nbody\n")
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

#[test]
fn a_huge_request_head_is_refused_early_and_costs_no_memory() {
    let fixture = Fixture::new("basic");
    let serve = Serve::start(&fixture.site, &[], &[]);
    assert_eq!(serve.get("/").status, 200);
    let before = proc_status(serve.pid(), "VmRSS");

    let mut stream = serve.connect();
    let mut writer = stream.try_clone().unwrap();
    let port = serve.port;
    let sending = std::thread::spawn(move || {
        let head = format!("GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nX-Huge: ");
        let mut sent = writer.write_all(head.as_bytes()).map(|()| head.len());
        let chunk = vec![b'a'; 64 * 1024];
        for _ in 0..160 {
            // 10 MiB of one header's value, unless the server closes first.
            sent = sent.and_then(|n| writer.write_all(&chunk).map(|()| n + chunk.len()));
        }
        let _ = writer.write_all(b"\r\n\r\n");
        sent
    });
    let started = Instant::now();
    stream.set_read_timeout(Some(WAIT)).unwrap();
    // The time to the answer's first byte (or the close), then the rest.
    let mut answer = vec![0u8; 1];
    let first = stream.read(&mut answer);
    let took = started.elapsed();
    answer.truncate(*first.as_ref().unwrap_or(&0));
    let rest = if answer.is_empty() { Ok(0) } else { stream.read_to_end(&mut answer) };
    let answer = String::from_utf8_lossy(&answer);
    let status = answer.split(' ').nth(1).unwrap_or("none");
    let sent = sending.join().unwrap();
    eprintln!("a 10 MiB header: status {status} after {took:?} ({first:?}, then {rest:?}); the client sent {sent:?}");
    let memory = (before, proc_status(serve.pid(), "VmRSS"));
    if let (Some(before), Some(after)) = memory {
        eprintln!("server memory: {before} kB before, {after} kB after (+{} kB)", after.saturating_sub(before));
    }
    assert!(
        status.starts_with('4') || answer.is_empty(),
        "a huge head is refused (4xx) or the connection closed: {}",
        shorten(&answer)
    );
    assert!(took < Duration::from_secs(5), "refused at once, not after reading it all: {took:?}");
    if let (Some(before), Some(after)) = memory {
        let grown = after.saturating_sub(before);
        // A worker's first request may add its stack and heap (about 2 MiB); the head is not kept.
        assert!(grown < 8 * 1024, "memory grew by {grown} kB for one hostile request");
    }
    assert_eq!(serve.get("/").status, 200, "still serving");
}

#[test]
fn idle_connections_hold_no_thread_and_are_closed_after_the_idle_timeout() {
    let fixture = Fixture::new("basic");
    let timeout = Duration::from_millis(1500);
    let knob = timeout.as_millis().to_string();
    let serve = Serve::start(&fixture.site, &[], &[("CPDBLOG_SERVE_IDLE_TIMEOUT_MS", &knob)]);
    assert_eq!(serve.get("/").status, 200);
    let before = proc_status(serve.pid(), "Threads");

    const IDLE: usize = 300;
    let opened = Instant::now();
    let idle: Vec<TcpStream> = (0..IDLE).map(|_| serve.connect()).collect();
    // One more that starts a request and never finishes it (a slow client).
    let mut slow = serve.connect();
    write!(slow, "GET / HTTP/1.1\r\nHost: 127.0.0.1:{}\r\n", serve.port).unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let during = proc_status(serve.pid(), "Threads");
    let page = serve.get("/posts/online-networks/");
    assert_eq!(page.status, 200, "served while {IDLE} connections idle");
    eprintln!("threads: {before:?} before, {during:?} with {IDLE} idle connections open");
    if let (Some(before), Some(during)) = (before, during) {
        assert!(during <= before + 2, "{IDLE} idle connections raised the threads from {before} to {during}");
    }

    for (i, mut stream) in idle.into_iter().chain([slow]).enumerate() {
        let left = (opened + timeout + WAIT / 3).saturating_duration_since(Instant::now());
        stream.set_read_timeout(Some(left.max(Duration::from_millis(1)))).unwrap();
        let mut rest = Vec::new();
        match stream.read_to_end(&mut rest) {
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => {}
            Err(e) => {
                panic!("connection {i} still open {:?} after opening ({e}); idle timeout {timeout:?}", opened.elapsed())
            }
        }
        let _ = stream.shutdown(Shutdown::Both);
    }
    let closed = opened.elapsed();
    eprintln!("all {} idle connections were closed {closed:?} after opening", IDLE + 1);
    assert!(closed >= timeout - Duration::from_millis(100), "not closed before the timeout: {closed:?}");
    if let (Some(before), Some(after)) = (before, proc_status(serve.pid(), "Threads")) {
        assert!(after <= before + 2, "threads {before} before, {after} after the connections closed");
    }
    assert_eq!(serve.get("/").status, 200, "still serving");
}

#[test]
fn a_page_that_never_reads_its_event_stream_does_not_stop_rebuilds() {
    let _heavy = heavy();
    let fixture = Fixture::new("basic");
    let serve = Serve::start(&fixture.site, &[], &[]);
    // A page that connects, is greeted, then never reads again: everything sent to it piles
    // up in the socket buffers (a few MiB at most) and then could only wait.
    let mut stalled = serve.connect();
    write!(stalled, "GET /__cpdblog/events HTTP/1.1\r\nHost: 127.0.0.1:{}\r\n\r\n", serve.port).unwrap();
    stalled.set_read_timeout(Some(WAIT)).unwrap();
    read_until(&mut stalled, "event: hello");

    // Eight broken posts, then one of them saved again and again: every failed rebuild sends
    // every error, so each event is about 1 MB, some 25 MB in all.
    const BROKEN: usize = 8;
    const RESAVES: usize = 16;
    let junk = |i: usize| format!("{i}-{}", "x".repeat(60_000));
    let started = Instant::now();
    let mut saves = 0;
    for i in 0..BROKEN + RESAVES {
        fixture.save(&format!("posts/flood-{}.md", i % BROKEN), &hostile_post(&junk(i)));
        saves += 1;
        let line = serve.wait_for_line_after("changed:", WAIT, &format!(" of save {saves}"));
        let errors = (i + 1).min(BROKEN);
        let expected = if errors == 1 { "1 error;".to_string() } else { format!("{errors} errors;") };
        assert!(line.contains(&expected), "save {saves}: {}", shorten(&line));
    }
    for i in 0..BROKEN {
        std::fs::remove_file(fixture.site.join(format!("posts/flood-{i}.md"))).unwrap();
        saves += 1;
        let line = serve.wait_for_line_after("changed:", WAIT, &format!(" of save {saves}"));
        assert!(line.contains(&format!("posts/flood-{i}.md changed:")), "save {saves}: {}", shorten(&line));
    }
    let post = "posts/2011-07-18-online-networks.md";
    let text = std::fs::read_to_string(fixture.site.join(post)).unwrap();
    fixture.save(post, &text.replace("LinkedIn and LISNPN.", "After the flood."));
    saves += 1;
    let line = serve.wait_for_line("changed:", WAIT);
    // The post page first; the seven feeds that carry its full text follow.
    assert!(line.contains("1 file written"), "{line}");
    let page = serve.get("/posts/online-networks/");
    assert!(page.body.contains("After the flood."), "the edited page is served: {page:?}");
    eprintln!("{saves} saves rebuilt and reported in {:?} with a stalled page open", started.elapsed());

    // The page that fell behind was let go: what reached its socket, then the end.
    stalled.set_read_timeout(Some(WAIT)).unwrap();
    let mut rest = Vec::new();
    let ended = stalled.read_to_end(&mut rest);
    assert!(
        !matches!(&ended, Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut)),
        "the stalled page is still held open after {} bytes",
        rest.len()
    );
    eprintln!("the stalled page got {} bytes, then its connection was closed", rest.len());

    // And a page that reads is told of the next rebuild.
    let mut fresh = serve.connect();
    fresh.set_read_timeout(Some(WAIT)).unwrap();
    write!(fresh, "GET /__cpdblog/events HTTP/1.1\r\nHost: 127.0.0.1:{}\r\n\r\n", serve.port).unwrap();
    read_until(&mut fresh, "event: hello");
    fixture.save(post, &text.replace("LinkedIn and LISNPN.", "Once more."));
    serve.wait_for_line("changed:", WAIT);
    read_until(&mut fresh, "event: reload");
}

/// Writes `count` small posts, each with its own tag and a shared one, so the output holds
/// a few files per post.
#[cfg(unix)]
fn many_posts(fixture: &Fixture, count: usize) {
    for i in 0..count {
        let day = i % 28 + 1;
        let month = i / 28 % 12 + 1;
        let year = 2012 + i / (28 * 12);
        fixture.write(
            &format!("posts/many/{year}-{month:02}-{day:02}-post-{i}.md"),
            &format!(
                "---\ntitle: Post {i}\ndate: {year}-{month:02}-{day:02}\ntags: [many, tag-{i}]\n---\nReflection number {i}.\n"
            ),
        );
    }
}

/// The entries of the temporary folder named like `private` (`NAME`, `NAME.removing`…).
#[cfg(unix)]
fn left_of(private: &Path) -> Vec<String> {
    let name = private.file_name().unwrap().to_string_lossy().into_owned();
    std::fs::read_dir(private.parent().unwrap())
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(&name))
        .collect()
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_at_once_however_big_the_site() {
    // A fair bound: the process only has to notice the signal and leave, 5-25 ms in a debug
    // build here. Before the fix it first deleted the preview, file by file: 0.23 s here at
    // this size on a quiet disk, 1-2.5 s on a busy one (and 1.7-1.9 s at 10,000 posts).
    const BOUND: Duration = Duration::from_millis(150);
    let _heavy = heavy();
    let fixture = Fixture::new("basic");
    many_posts(&fixture, 600);
    let mut serve = Serve::start(&fixture.site, &["--verbose"], &[]);
    let served = serve.served_folder();
    let private = serve.private_folder();
    assert!(served.join("posts/post-599/index.html").is_file());
    // Written to disk, as after a while of serving (the system writes back within 30 s).
    let _ = Command::new("sync").status();
    let (status, took) = serve.interrupt(WAIT).expect("serve stops after Ctrl-C");
    eprintln!("stopped {took:?} after Ctrl-C");
    assert!(status.success(), "{status:?}");
    assert!(!private.exists(), "{} is gone when serve has stopped", private.display());
    assert!(took < BOUND, "Ctrl-C took {took:?} to stop serve (at most {BOUND:?})");
    // What was moved aside is deleted in the background, soon after.
    let deadline = Instant::now() + common::RUNAWAY;
    while !left_of(&private).is_empty() {
        assert!(Instant::now() < deadline, "left: {:?}", left_of(&private));
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[cfg(unix)]
#[test]
fn ctrl_c_during_a_rebuild_stops_at_once_and_leaves_nothing() {
    // Stopping gives a rebuild under way 100 ms to end, then leaves without it.
    const BOUND: Duration = Duration::from_millis(1000);
    let _heavy = heavy();
    let fixture = Fixture::new("basic");
    many_posts(&fixture, 600);
    let mut serve = Serve::start(&fixture.site, &["--verbose"], &[]);
    let private = serve.private_folder();
    // A change to site.yaml rebuilds everything: about 2 s here in a debug build. Before the
    // fix, Ctrl-C waited for it to end.
    let config = std::fs::read_to_string(fixture.site.join("site.yaml")).unwrap();
    fixture.save("site.yaml", &config.replace("A fixture blog", "A fixture blog, edited"));
    std::thread::sleep(Duration::from_millis(150));
    let (status, took) = serve.interrupt(WAIT).expect("serve stops after Ctrl-C");
    eprintln!("stopped {took:?} after Ctrl-C during a full rebuild");
    assert!(status.success(), "{status:?}");
    assert!(took < BOUND, "Ctrl-C took {took:?} to stop serve during a rebuild (at most {BOUND:?})");
    // What the rebuild was writing is removed once the process has ended, so nothing of it
    // is left, not even what it wrote in its last moments.
    let deadline = Instant::now() + common::RUNAWAY;
    while !left_of(&private).is_empty() {
        assert!(Instant::now() < deadline, "left: {:?}", left_of(&private));
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[cfg(unix)]
#[test]
fn closing_the_terminal_or_kill_removes_the_preview_folder_too() {
    // SIGTERM is what `kill` and a system shutdown send, SIGHUP what closing the terminal sends.
    for signal in ["-TERM", "-HUP"] {
        let fixture = Fixture::new("basic");
        let mut serve = Serve::start(&fixture.site, &["--verbose"], &[]);
        let private = serve.private_folder();
        assert!(serve.served_folder().join("index.html").is_file());
        let _ = Command::new("kill").args([signal, &serve.pid().to_string()]).status();
        let deadline = Instant::now() + WAIT;
        let status = loop {
            if let Some(status) = serve.child.try_wait().unwrap() {
                break status;
            }
            assert!(Instant::now() < deadline, "serve still running after kill {signal}");
            std::thread::sleep(Duration::from_millis(5));
        };
        assert!(status.success(), "kill {signal}: {status:?}");
        while !left_of(&private).is_empty() || private.exists() {
            assert!(Instant::now() < deadline, "kill {signal} left {}: {:?}", private.display(), left_of(&private));
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}
