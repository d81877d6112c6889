//! The live-reload channel: Server-Sent Events from the preview to its open pages. It only
//! pushes; nothing a page sends is read. Pages reload after a rebuild, swap stylesheets after
//! a stylesheet-only change, and show an overlay with the errors of a failed rebuild until
//! the next good one.
//!
//! Sending never waits for a page: each page's connection is written without blocking, what
//! it cannot take at once waits in that page's own queue (sent by [`Reload::pump`], on its own
//! thread), and a page whose queue would pass [`QUEUE_LIMIT`] has fallen behind and is let
//! go. So a rebuild is never held up by a page that does not read.

use std::io::{ErrorKind, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::diagnostic::Diagnostics;

/// Where pages listen.
pub const EVENTS_PATH: &str = "/__cpdblog/events";
/// Where the script is served.
pub const SCRIPT_PATH: &str = "/__cpdblog/livereload.js";
/// The script pages load; it builds the overlay with `textContent`, never HTML.
pub const SCRIPT: &str = include_str!("livereload.js");

/// The most a page may have waiting to be sent: past this it has fallen behind and is let go
/// (a page that reconnects catches up by itself). One event is always queued whole, however
/// big, when nothing else is waiting.
pub const QUEUE_LIMIT: usize = 1024 * 1024;

/// The most pages listening at once (a browser opens at most 6 connections to one host).
pub const MAX_LISTENERS: usize = 64;

/// How often idle event streams get a keep-alive comment.
pub const PING_EVERY: Duration = Duration::from_secs(15);

/// How soon what a page could not take is offered again.
const RETRY_EVERY: Duration = Duration::from_millis(50);

/// Adds the live-reload script to a served HTML page, before its last `</body>` (or at the
/// end), with the build the page comes from, so a page that missed a reload while it loaded
/// catches up. Only the preview does this; built files never contain it.
pub fn inject_script(mut html: Vec<u8>, build: &str) -> Vec<u8> {
    let tag = format!("<script src=\"{SCRIPT_PATH}\" data-build=\"{build}\"></script>\n");
    let at = html.windows(7).rposition(|w| w.eq_ignore_ascii_case(b"</body>")).unwrap_or(html.len());
    html.splice(at..at, tag.into_bytes());
    html
}

/// One error for the overlay.
#[derive(Debug, Serialize)]
struct Problem {
    /// `posts/x.md:3:7`, or empty.
    location: String,
    message: String,
    /// The whole diagnostic as the terminal shows it, without colour.
    text: String,
}

#[derive(Debug, Serialize)]
struct Hello<'a> {
    build: &'a str,
}

/// A page listening: its connection (written without blocking) and what waits for it.
struct Client {
    sink: Box<dyn Write + Send>,
    queue: Vec<u8>,
    /// How much of `queue` is sent.
    sent: usize,
}

impl Client {
    /// Queues `message` and sends what the connection takes now; false if the page is gone
    /// or has fallen behind.
    fn push(&mut self, message: &[u8]) -> bool {
        let waiting = self.queue.len() - self.sent;
        if waiting > 0 && waiting + message.len() > QUEUE_LIMIT {
            return false;
        }
        self.queue.drain(..self.sent);
        self.sent = 0;
        self.queue.extend_from_slice(message);
        self.send()
    }

    /// Sends what the connection takes without waiting; false if it failed.
    fn send(&mut self) -> bool {
        while self.sent < self.queue.len() {
            match self.sink.write(&self.queue[self.sent..]) {
                Ok(0) => return false,
                Ok(n) => self.sent += n,
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) if e.kind() == ErrorKind::WouldBlock => return true,
                Err(_) => return false,
            }
        }
        self.queue.clear();
        self.sent = 0;
        !matches!(self.sink.flush(), Err(e) if e.kind() != ErrorKind::WouldBlock)
    }

    fn waiting(&self) -> bool {
        self.sent < self.queue.len()
    }
}

/// The open pages, and what a page connecting now should be told.
pub struct Reload {
    clients: Mutex<Vec<Client>>,
    /// Wakes [`Reload::pump`] when something could not be sent at once, or to stop.
    wake: Condvar,
    stopped: AtomicBool,
    state: Mutex<State>,
}

struct State {
    /// Changes with every good rebuild, so a page reconnecting after a missed reload knows.
    build: String,
    generation: u64,
    /// The `problems` event of the failed rebuild now shown, if any.
    problems: Option<String>,
}

impl Default for Reload {
    fn default() -> Self {
        Self::new()
    }
}

impl Reload {
    /// No pages yet.
    pub fn new() -> Self {
        Self {
            clients: Mutex::default(),
            wake: Condvar::new(),
            stopped: AtomicBool::new(false),
            state: Mutex::new(State { build: build_id(0), generation: 0, problems: None }),
        }
    }

    /// Takes over a connection as an event stream, and tells the page the current build and
    /// any errors showing. `sink` must not block (a socket in non-blocking mode): a write it
    /// cannot take at once must fail with [`ErrorKind::WouldBlock`]. Returns whether the page
    /// listens now: not if [`MAX_LISTENERS`] pages listen already, or its connection failed.
    pub fn subscribe(&self, sink: Box<dyn Write + Send>) -> bool {
        let (hello, problems) = {
            let state = self.state.lock().unwrap_or_else(|e| e.into_inner());
            (event("hello", &json(&Hello { build: &state.build })), state.problems.clone())
        };
        let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\n\
                    X-Content-Type-Options: nosniff\r\nConnection: keep-alive\r\n\r\nretry: 500\n\n";
        let mut greeting = format!("{head}{hello}");
        if let Some(problems) = problems {
            greeting.push_str(&problems);
        }
        let mut clients = self.clients.lock().unwrap_or_else(|e| e.into_inner());
        if clients.len() >= MAX_LISTENERS {
            return false;
        }
        let mut client = Client { sink, queue: Vec::new(), sent: 0 };
        if !client.push(greeting.as_bytes()) {
            return false;
        }
        if client.waiting() {
            self.wake.notify_all();
        }
        clients.push(client);
        true
    }

    /// Pages reload (after a rebuild that changed pages).
    pub fn reload(&self) {
        let build = self.next_build();
        self.broadcast(&event("reload", &json(&Hello { build: &build })));
    }

    /// Pages swap their stylesheets (after a change to stylesheets only).
    pub fn stylesheets(&self) {
        let build = self.next_build();
        self.broadcast(&event("css", &json(&Hello { build: &build })));
    }

    /// Some pages changed after the others: pages showing one of these URLs reload.
    pub fn pages(&self, urls: &[String]) {
        #[derive(Serialize)]
        struct Pages<'a> {
            urls: &'a [String],
        }
        self.broadcast(&event("pages", &json(&Pages { urls })));
    }

    /// A rebuild succeeded without changing any page: clear any overlay.
    pub fn ok(&self) {
        self.state.lock().unwrap_or_else(|e| e.into_inner()).problems = None;
        self.broadcast(&event("ok", "{}"));
    }

    /// A rebuild failed: pages show these errors until the next good rebuild.
    pub fn problems(&self, problems: &Diagnostics) {
        let list: Vec<Problem> = problems
            .iter()
            .filter(|d| d.is_error())
            .map(|d| Problem {
                location: d.location().unwrap_or_default(),
                message: d.message.clone(),
                text: d.render(false),
            })
            .collect();
        let message = event("problems", &json(&list));
        self.state.lock().unwrap_or_else(|e| e.into_inner()).problems = Some(message.clone());
        self.broadcast(&message);
    }

    /// Keeps idle connections alive and lets go of pages that closed.
    pub fn ping(&self) {
        self.broadcast(": ping\n\n");
    }

    /// The current build's id (digits and a dash).
    pub fn build(&self) -> String {
        self.state.lock().unwrap_or_else(|e| e.into_inner()).build.clone()
    }

    /// Pages listening now.
    pub fn listeners(&self) -> usize {
        self.clients.lock().unwrap_or_else(|e| e.into_inner()).len()
    }

    /// Sends, on the calling thread until [`Reload::stop`], what pages could not take at once
    /// (again every 50 ms while any waits) and a keep-alive comment every [`PING_EVERY`].
    pub fn pump(&self) {
        let mut pinged = Instant::now();
        let mut clients = self.clients.lock().unwrap_or_else(|e| e.into_inner());
        while !self.stopped.load(Ordering::Acquire) {
            let wait = if clients.iter().any(Client::waiting) {
                RETRY_EVERY
            } else {
                PING_EVERY.saturating_sub(pinged.elapsed()).max(Duration::from_millis(1))
            };
            clients = self.wake.wait_timeout(clients, wait).unwrap_or_else(|e| e.into_inner()).0;
            if pinged.elapsed() >= PING_EVERY {
                pinged = Instant::now();
                clients.retain_mut(|client| client.push(b": ping\n\n"));
            } else {
                clients.retain_mut(|client| !client.waiting() || client.send());
            }
        }
    }

    /// Ends [`Reload::pump`].
    pub fn stop(&self) {
        self.stopped.store(true, Ordering::Release);
        self.wake.notify_all();
    }

    fn next_build(&self) -> String {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.generation += 1;
        state.build = build_id(state.generation);
        state.problems = None;
        state.build.clone()
    }

    /// Queues `message` for every page and sends what each takes now, never waiting.
    fn broadcast(&self, message: &str) {
        let mut clients = self.clients.lock().unwrap_or_else(|e| e.into_inner());
        clients.retain_mut(|client| client.push(message.as_bytes()));
        if clients.iter().any(Client::waiting) {
            self.wake.notify_all();
        }
    }
}

fn build_id(generation: u64) -> String {
    format!("{}-{generation}", std::process::id())
}

/// JSON for an event's data line. `<` is escaped too, so no value can close a tag if the data
/// ever reaches HTML.
fn json(value: &impl Serialize) -> String {
    serde_json::to_string(value).expect("plain data serialises").replace('<', "\\u003c")
}

/// One Server-Sent Event. JSON text has no raw newlines, so one data line holds it.
fn event(name: &str, data: &str) -> String {
    format!("event: {name}\ndata: {data}\n\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Diagnostic;
    use std::sync::Arc;

    #[derive(Clone, Default)]
    struct Sink(Arc<Mutex<Vec<u8>>>);
    impl Write for Sink {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    /// A page that takes `room` bytes, then nothing more (its socket buffer is full).
    struct Stalled {
        room: usize,
    }
    impl Write for Stalled {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            if self.room == 0 {
                return Err(ErrorKind::WouldBlock.into());
            }
            let n = buf.len().min(self.room);
            self.room -= n;
            Ok(n)
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_page_that_does_not_read_is_let_go_and_never_waited_for() {
        let reload = Reload::new();
        assert!(reload.subscribe(Box::new(Stalled { room: 1000 })));
        let reading = Sink::default();
        assert!(reload.subscribe(Box::new(reading.clone())));
        let big = Diagnostics::from(Diagnostic::error("x".repeat(100_000)));
        // Each event is about 200 KB: the stalled page's queue passes 1 MiB at the sixth.
        for _ in 0..5 {
            reload.problems(&big);
        }
        assert_eq!(reload.listeners(), 2, "a page a little behind is kept");
        reload.problems(&big);
        assert_eq!(reload.listeners(), 1, "a page too far behind is let go");
        let got = String::from_utf8(reading.0.lock().unwrap().clone()).unwrap();
        assert_eq!(got.matches("event: problems").count(), 6, "the reading page got everything");
        let full: Vec<Sink> = (0..MAX_LISTENERS).map(|_| Sink::default()).collect();
        let joined = full.iter().filter(|sink| reload.subscribe(Box::new((*sink).clone()))).count();
        assert_eq!(joined, MAX_LISTENERS - 1, "at most {MAX_LISTENERS} pages listen");
    }

    #[test]
    fn the_script_goes_before_the_body_closes() {
        let page = inject_script(b"<html><body><p>x</p></BODY></html>".to_vec(), "7-1");
        let page = String::from_utf8(page).unwrap();
        assert!(
            page.contains("<p>x</p><script src=\"/__cpdblog/livereload.js\" data-build=\"7-1\"></script>\n</BODY>"),
            "{page}"
        );
        let bare = String::from_utf8(inject_script(b"<p>no body</p>".to_vec(), "7-1")).unwrap();
        assert!(bare.ends_with("</script>\n"));
    }

    #[test]
    fn pages_get_events_and_late_comers_see_current_errors() {
        let reload = Reload::new();
        let early = Sink::default();
        reload.subscribe(Box::new(early.clone()));
        let problems = Diagnostics::from(Diagnostic::error("bad <script>alert(1)</script>").at("posts/<x>.md", 3, 7));
        reload.problems(&problems);
        let late = Sink::default();
        reload.subscribe(Box::new(late.clone()));
        reload.reload();
        let early = String::from_utf8(early.0.lock().unwrap().clone()).unwrap();
        let late = String::from_utf8(late.0.lock().unwrap().clone()).unwrap();
        assert!(early.starts_with("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream"));
        for stream in [&early, &late] {
            assert!(stream.contains("event: problems\ndata: [{\"location\":\"posts/\\u003cx>.md:3:7\""), "{stream}");
            assert!(!stream.contains("<script>"), "escaped for HTML too: {stream}");
            assert!(stream.contains("event: reload\n"), "{stream}");
        }
        let after = Sink::default();
        reload.subscribe(Box::new(after.clone()));
        let after = String::from_utf8(after.0.lock().unwrap().clone()).unwrap();
        assert!(!after.contains("problems"), "fixed errors are not shown to new pages");
        assert_eq!(reload.listeners(), 3);
    }
}
