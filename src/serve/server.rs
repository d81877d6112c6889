//! The preview's connections, with bounded threads and memory whatever clients do: a thread
//! accepting on each listening socket, one thread watching every connection that waits for a
//! request (new or kept alive), and a fixed pool of workers that read a request head (at most
//! [`MAX_HEAD`] bytes), answer it through a [`Service`] and hand the connection back.
//!
//! An idle connection costs a socket and a few bytes, never a thread: it is closed after
//! [`Limits::idle`] without a request, and a request head must arrive within that time too.
//! A worker never waits on one client for longer than [`PATIENCE`] while reading; a client
//! that sends its head slowly waits with the idle ones in between. Past
//! [`Limits::connections`] open connections (or when the system has no file descriptor left
//! for a new one), the ones that have waited longest are closed, as browsers expect of idle
//! connections, so a page asking now is answered.
//!
//! It knows nothing of files or live reload: [`super::http`] decides every answer.

use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender, SyncSender, TrySendError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::message::{HeadError, MAX_HEAD, Request, Response, has_head, read_head};

/// The longest a worker waits for more bytes of a request head before putting the connection
/// back with the idle ones.
pub const PATIENCE: Duration = Duration::from_millis(50);

/// How often connections waiting for a request are looked at.
const TICK: Duration = Duration::from_millis(5);

/// The environment variable that sets [`Limits::idle`] in milliseconds; meant for tests.
pub const IDLE_TIMEOUT_VARIABLE: &str = "CPDBLOG_SERVE_IDLE_TIMEOUT_MS";

/// What a connection may cost.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Worker threads answering requests.
    pub workers: usize,
    /// Open connections (waiting or being answered), live-reload streams aside; past this
    /// the idle ones that have waited longest are closed.
    pub connections: usize,
    /// How long a connection may wait for a request, and a request head take to arrive.
    pub idle: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self { workers: 8, connections: 512, idle: Duration::from_secs(15) }
    }
}

impl Limits {
    /// The defaults, with the idle timeout from [`IDLE_TIMEOUT_VARIABLE`] when it is set to a
    /// number of milliseconds.
    pub fn from_env() -> Self {
        let idle = std::env::var(IDLE_TIMEOUT_VARIABLE).ok().and_then(|ms| ms.trim().parse::<u64>().ok());
        let defaults = Self::default();
        Self { idle: idle.map_or(defaults.idle, |ms| Duration::from_millis(ms.max(1))), ..defaults }
    }
}

/// What to do with a request.
pub enum Answer {
    /// Send this response.
    Response(Response),
    /// The connection becomes the service's (an event stream): see [`Service::take_over`].
    TakeOver,
}

/// Answers requests; shared by every worker.
pub trait Service: Send + Sync + 'static {
    /// The answer to `request`.
    fn answer(&self, request: &Request) -> Answer;
    /// Takes a connection answered with [`Answer::TakeOver`]; the server forgets it.
    fn take_over(&self, stream: TcpStream);
}

/// A connection with the bytes read past the last request head.
struct Connection {
    stream: TcpStream,
    buffered: Vec<u8>,
    /// When it is closed if no whole request head has come.
    deadline: Instant,
    _counted: Counted,
}

/// One of the open connections, counted until dropped.
struct Counted(Arc<AtomicUsize>);

impl Drop for Counted {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Shared by the server's threads.
struct Shared {
    limits: Limits,
    service: Arc<dyn Service>,
    open: Arc<AtomicUsize>,
    /// Accepting failed (no file descriptor left, say): close some idle connections.
    squeezed: AtomicBool,
    stopped: AtomicBool,
}

/// A running server; its threads end when it is stopped (or with the process).
pub struct Server {
    shared: Arc<Shared>,
}

impl Server {
    /// Starts answering on `listeners`.
    pub fn start(listeners: Vec<TcpListener>, limits: Limits, service: Arc<dyn Service>) -> std::io::Result<Self> {
        let shared = Arc::new(Shared {
            limits,
            service,
            open: Arc::default(),
            squeezed: AtomicBool::new(false),
            stopped: AtomicBool::new(false),
        });
        let (waiting, arrivals) = mpsc::channel::<Connection>();
        let (work, jobs) = mpsc::sync_channel::<Connection>(limits.workers * 4);
        let jobs = Arc::new(Mutex::new(jobs));
        for i in 0..limits.workers {
            let (shared, jobs, waiting) = (Arc::clone(&shared), Arc::clone(&jobs), waiting.clone());
            spawn(&format!("serve-worker-{i}"), move || work_on(&shared, &jobs, &waiting))?;
        }
        for listener in listeners {
            let (shared, waiting) = (Arc::clone(&shared), waiting.clone());
            spawn("serve-accept", move || accept(&listener, &shared, &waiting))?;
        }
        let watcher = Arc::clone(&shared);
        spawn("serve-idle", move || watch_idle(&watcher, &arrivals, &work))?;
        Ok(Self { shared })
    }

    /// Connections open now (waiting or being answered).
    pub fn open_connections(&self) -> usize {
        self.shared.open.load(Ordering::Acquire)
    }

    /// Stops answering: connections are closed as their threads next look, and a thread
    /// waiting to accept ends with the next connection (or the process).
    pub fn stop(&self) {
        self.shared.stopped.store(true, Ordering::Release);
    }
}

fn spawn(name: &str, work: impl FnOnce() + Send + 'static) -> std::io::Result<()> {
    std::thread::Builder::new().name(name.to_string()).spawn(work).map(drop)
}

/// Accepts connections and passes them to the idle watcher.
fn accept(listener: &TcpListener, shared: &Shared, waiting: &Sender<Connection>) {
    loop {
        let accepted = listener.accept();
        if shared.stopped.load(Ordering::Acquire) {
            return;
        }
        let stream = match accepted {
            Ok((stream, _)) => stream,
            Err(_) => {
                // Out of file descriptors, say: have idle connections closed, and wait for
                // that rather than spin.
                shared.squeezed.store(true, Ordering::Release);
                std::thread::sleep(Duration::from_millis(20));
                continue;
            }
        };
        shared.open.fetch_add(1, Ordering::AcqRel);
        let counted = Counted(Arc::clone(&shared.open));
        let _ = stream.set_nodelay(true);
        let deadline = Instant::now() + shared.limits.idle;
        let connection = Connection { stream, buffered: Vec::new(), deadline, _counted: counted };
        if waiting.send(connection).is_err() {
            return;
        }
    }
}

/// What became of a connection waiting for a request.
enum Waiting {
    /// Still waiting.
    Keep(Connection),
    /// A request is coming: a worker should read it.
    Ready(Connection),
    /// Closed, timed out, or failed: dropped.
    Gone,
}

/// Puts a connection into the mode it waits in: reads never block, so one thread can look
/// at many. None if the socket failed.
fn waiting_mode(connection: Connection) -> Option<Connection> {
    connection.stream.set_nonblocking(true).ok().map(|()| connection)
}

fn look_at(connection: Connection, now: Instant) -> Waiting {
    if has_head(&connection.buffered) {
        return Waiting::Ready(connection);
    }
    let mut byte = [0u8; 1];
    match connection.stream.peek(&mut byte) {
        Ok(0) => Waiting::Gone,
        Ok(_) => Waiting::Ready(connection),
        Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::Interrupted) => {
            if now >= connection.deadline { Waiting::Gone } else { Waiting::Keep(connection) }
        }
        Err(_) => Waiting::Gone,
    }
}

/// Watches the connections waiting for a request and passes on each one whose request is
/// arriving; closes those that time out or that the client closed.
fn watch_idle(shared: &Shared, arrivals: &Receiver<Connection>, work: &SyncSender<Connection>) {
    let mut idle: Vec<Connection> = Vec::new();
    loop {
        let arrived = if idle.is_empty() {
            arrivals.recv().map_err(|_| RecvTimeoutError::Disconnected)
        } else {
            arrivals.recv_timeout(TICK)
        };
        match arrived {
            Ok(connection) => idle.extend(waiting_mode(connection)),
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => return,
        }
        idle.extend(arrivals.try_iter().filter_map(waiting_mode));
        if shared.stopped.load(Ordering::Acquire) {
            idle.clear();
            continue;
        }
        make_room(shared, &mut idle);
        let now = Instant::now();
        let mut still = Vec::with_capacity(idle.len());
        for connection in idle.drain(..) {
            match look_at(connection, now) {
                Waiting::Keep(connection) => still.push(connection),
                Waiting::Gone => {}
                Waiting::Ready(connection) => match work.try_send(connection) {
                    Ok(()) => {}
                    // Every worker is busy: it waits here a little longer.
                    Err(TrySendError::Full(connection)) => still.push(connection),
                    Err(TrySendError::Disconnected(_)) => return,
                },
            }
        }
        idle = still;
    }
}

/// Closes the idle connections that have waited longest while more than the limit are open,
/// or half of them when accepting failed.
fn make_room(shared: &Shared, idle: &mut Vec<Connection>) {
    let squeezed = shared.squeezed.swap(false, Ordering::AcqRel);
    let over = shared.open.load(Ordering::Acquire).saturating_sub(shared.limits.connections);
    let close = if squeezed { over.max(idle.len().div_ceil(2)) } else { over }.min(idle.len());
    if close > 0 {
        idle.sort_by_key(|connection| connection.deadline);
        idle.drain(..close);
    }
}

/// A worker: answers requests on the connections passed to it, one at a time.
fn work_on(shared: &Shared, jobs: &Mutex<Receiver<Connection>>, waiting: &Sender<Connection>) {
    loop {
        let job = jobs.lock().unwrap_or_else(|e| e.into_inner()).recv();
        let Ok(connection) = job else { return };
        if shared.stopped.load(Ordering::Acquire) {
            continue;
        }
        if let Some(connection) = serve(shared, connection) {
            let _ = waiting.send(connection);
        }
    }
}

/// Reads one request from `connection` and answers it; returns the connection if it should
/// wait for another request (or for the rest of this one).
fn serve(shared: &Shared, mut connection: Connection) -> Option<Connection> {
    connection.stream.set_nonblocking(false).ok()?;
    let read = read_head(&mut connection.stream, &mut connection.buffered, connection.deadline, PATIENCE);
    let request = match read {
        Ok(request) => request,
        Err(HeadError::Waiting) => return Some(connection),
        Err(error) => {
            if let Some(response) = error.response() {
                let deadline = Instant::now() + shared.limits.idle.min(Duration::from_secs(1));
                let _ = response.write(&mut connection.stream, false, false, deadline);
                linger(&mut connection.stream);
            }
            return None;
        }
    };
    match shared.service.answer(&request) {
        Answer::TakeOver => {
            let Connection { stream, .. } = connection;
            shared.service.take_over(stream);
            None
        }
        Answer::Response(response) => {
            let keep_alive = request.keep_alive() && !request.has_body();
            let head_only = request.method == "HEAD";
            let deadline = Instant::now() + shared.limits.idle;
            response.write(&mut connection.stream, head_only, keep_alive, deadline).ok()?;
            if request.has_body() {
                // Unread, it would reset the connection and could lose the response.
                linger(&mut connection.stream);
            }
            if !keep_alive {
                return None;
            }
            connection.deadline = Instant::now() + shared.limits.idle;
            Some(connection)
        }
    }
}

/// After an error response, reads (and forgets) a little of what the client is still sending
/// before closing, so the response is not lost to a reset; bounded in time and bytes.
fn linger(stream: &mut TcpStream) {
    let _ = stream.shutdown(std::net::Shutdown::Write);
    let until = Instant::now() + Duration::from_millis(100);
    let mut sink = [0u8; 4096];
    let mut drained = 0;
    while drained < 4 * MAX_HEAD {
        let left = until.saturating_duration_since(Instant::now());
        if left.is_zero() || stream.set_read_timeout(Some(left)).is_err() {
            return;
        }
        match std::io::Read::read(stream, &mut sink) {
            Ok(0) | Err(_) => return,
            Ok(n) => drained += n,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};

    struct Hello;
    impl Service for Hello {
        fn answer(&self, request: &Request) -> Answer {
            Answer::Response(Response::text(200, &format!("hello {}", request.target)))
        }
        fn take_over(&self, _stream: TcpStream) {}
    }

    fn get(port: u16, path: &str) -> String {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        write!(stream, "GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").unwrap();
        let mut answer = String::new();
        let _ = stream.read_to_string(&mut answer);
        answer
    }

    #[test]
    fn idle_connections_make_room_and_time_out() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let limits = Limits { workers: 2, connections: 8, idle: Duration::from_millis(300) };
        let server = Server::start(vec![listener], limits, Arc::new(Hello)).unwrap();
        let opened = Instant::now();
        let idle: Vec<TcpStream> = (0..20).map(|_| TcpStream::connect(("127.0.0.1", port)).unwrap()).collect();
        // More idle connections than the limit: the oldest are closed, and a request is answered.
        assert!(get(port, "/a").ends_with("hello /a\n"));
        for mut stream in idle {
            stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
            assert!(matches!(stream.read(&mut [0u8; 1]), Ok(0) | Err(_)));
        }
        assert!(opened.elapsed() < Duration::from_secs(5));
        let deadline = Instant::now() + Duration::from_secs(5);
        while server.open_connections() > 0 {
            assert!(Instant::now() < deadline, "{} still open", server.open_connections());
            std::thread::sleep(Duration::from_millis(10));
        }
        // Kept alive between requests, pipelined too.
        let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        stream
            .write_all(b"GET /1 HTTP/1.1\r\nHost: x\r\n\r\nGET /2 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .unwrap();
        let mut answers = String::new();
        let _ = stream.read_to_string(&mut answers);
        assert!(answers.contains("hello /1\n") && answers.ends_with("hello /2\n"), "{answers}");
        server.stop();
    }
}
