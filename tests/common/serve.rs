//! Running `cpdblog serve` in a test, and talking HTTP to it with raw requests (so hostile
//! requests reach the server exactly as written).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long serve may take to stop after Ctrl-C: generous, as only a hang should fail.
const STOP_WAIT: Duration = Duration::from_secs(30);

/// Starts `cpdblog serve --port 0 ARGS --site SITE` with `env` added, and follows its stderr.
pub fn spawn(site: &Path, args: &[&str], env: &[(&str, &str)]) -> (Child, Receiver<String>, Arc<Mutex<Vec<String>>>) {
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
            kept.lock().unwrap_or_else(|e| e.into_inner()).push(line.clone());
            let _ = send.send(line);
        }
    });
    (child, lines, log)
}

/// A running `cpdblog serve`, stopped with Ctrl-C (SIGINT) when dropped.
pub struct Server {
    child: Child,
    /// `http://127.0.0.1:PORT/`.
    pub url: String,
    /// The port.
    pub port: u16,
    lines: Receiver<String>,
    /// Every stderr line so far.
    pub log: Arc<Mutex<Vec<String>>>,
}

impl Server {
    /// Starts `cpdblog serve --port 0 ARGS --site SITE` and waits until it serves.
    pub fn start(site: &Path, args: &[&str]) -> Self {
        let (child, lines, log) = spawn(site, args, &[]);
        let mut server = Self { child, url: String::new(), port: 0, lines, log };
        let line = server.wait_for_line("Serving ", Duration::from_secs(60));
        server.url = line.split(" at ").nth(1).expect("URL in the Serving line").trim().to_string();
        server.port = server.url.rsplit(':').next().unwrap().trim_end_matches('/').parse().unwrap();
        server
    }

    /// Waits for the next stderr line containing `needle`; panics with the log on timeout.
    pub fn wait_for_line(&self, needle: &str, timeout: Duration) -> String {
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) if line.contains(needle) => return line,
                Ok(_) => {}
                Err(_) => {
                    // The log is copied first: panicking while holding its lock would poison it.
                    let log = self.log_lines().join("\n");
                    panic!("no line with {needle:?} within {timeout:?}; log:\n{log}")
                }
            }
        }
    }

    /// Every stderr line so far, in order.
    pub fn log_lines(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }

    /// `GET path` again and again until `accept` holds of the response, which is returned;
    /// panics with `what`, the last response and the log at the deadline. For what is brought
    /// up to date after the line reporting a rebuild (the pages listing many posts).
    pub fn wait_for(&self, path: &str, what: &str, timeout: Duration, accept: impl Fn(&Response) -> bool) -> Response {
        let deadline = Instant::now() + timeout;
        loop {
            let response = self.get(path);
            if accept(&response) {
                return response;
            }
            if Instant::now() >= deadline {
                panic!(
                    "{path}: {what}, not within {timeout:?}; last response: {response:?}\nlog:\n{}",
                    self.log_lines().join("\n")
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// `GET path` with a proper Host header.
    pub fn get(&self, path: &str) -> Response {
        self.request(&format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n\r\n", self.port))
    }

    /// Sends `raw` as written and reads the whole response.
    pub fn request(&self, raw: &str) -> Response {
        request(self.port, raw)
    }

    /// Sends SIGINT, as Ctrl-C does, and waits for the exit status.
    pub fn interrupt(mut self) -> std::process::ExitStatus {
        self.signal_interrupt();
        self.wait_for_exit(STOP_WAIT).expect("serve did not stop after Ctrl-C")
    }

    /// The exit status, once the process has exited, or None after `timeout`.
    fn wait_for_exit(&mut self, timeout: Duration) -> Option<std::process::ExitStatus> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return Some(status);
            }
            if Instant::now() >= deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn signal_interrupt(&self) {
        let _ = Command::new("kill").args(["-INT", &self.child.id().to_string()]).status();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if self.child.try_wait().ok().flatten().is_none() {
            // Ctrl-C first, so it removes its private output folder; killed only if it hangs.
            self.signal_interrupt();
            if self.wait_for_exit(STOP_WAIT).is_none() {
                let _ = self.child.kill();
                let _ = self.child.wait();
            }
        }
    }
}

/// An HTTP response, parsed just enough for tests.
#[derive(Debug)]
pub struct Response {
    /// Status code.
    pub status: u16,
    /// Headers, names lowercased.
    pub headers: Vec<(String, String)>,
    /// Body as text (lossy).
    pub body: String,
}

impl Response {
    /// The first value of header `name`.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k == &name.to_ascii_lowercase()).map(|(_, v)| v.as_str())
    }
}

/// Sends `raw` to 127.0.0.1:`port` and reads until the server closes the connection.
pub fn request(port: u16, raw: &str) -> Response {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    stream.write_all(raw.as_bytes()).unwrap();
    let mut bytes = Vec::new();
    let _ = stream.read_to_end(&mut bytes);
    parse(&bytes)
}

fn parse(bytes: &[u8]) -> Response {
    let text = String::from_utf8_lossy(bytes);
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let mut lines = head.lines();
    let status = lines.next().and_then(|l| l.split(' ').nth(1)).and_then(|s| s.parse().ok()).unwrap_or(0);
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    Response { status, headers, body: body.to_string() }
}
