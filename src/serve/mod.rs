//! `cpdblog serve`: the live preview. It builds the site with base_url pointing at the local
//! address, serves the output over HTTP, watches the site's files and, on each save (debounced,
//! so an editor's burst of events gives one rebuild), rebuilds incrementally through
//! [`crate::pipeline::Session`] and tells open pages to reload. A failed rebuild leaves the
//! last good pages served and shows its errors over them.
//!
//! The output goes to a private temporary folder (or `--output`), never to the site's
//! `public/`, so previewing never disturbs what `cpdblog build` deploys. The private folder
//! (the site goes in its `site/`) only its owner can open, and Ctrl-C stops at once: rebuilds
//! run on their own thread, so stopping never waits for one, and the folder is moved aside and
//! deleted in the background.
//!
//! What a client can cost is bounded ([`server`]): a fixed pool of threads, request heads of
//! 16 KiB, idle connections closed after 15 s, and pages that do not read their live-reload
//! stream let go ([`reload`]), so a rebuild never waits for a client. For tests, the
//! environment variable `CPDBLOG_SERVE_IDLE_TIMEOUT_MS` sets the idle timeout in milliseconds.

mod folder;
pub mod http;
pub mod message;
pub mod reload;
pub mod server;

use std::net::{IpAddr, Ipv6Addr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use notify::event::{AccessKind, AccessMode, EventKind};
use notify::{RecursiveMode, Watcher};

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::pipeline::{BuildOptions, Changed, Finished, Rebuilt, Session, Target};
use reload::Reload;

/// Quiet time after the last file event before a rebuild starts: long enough to gather an
/// editor's save (backup, write, rename, chmod: a few milliseconds) or a burst of writes into
/// one rebuild, short enough to feel instant.
pub const DEBOUNCE: Duration = Duration::from_millis(25);

/// A stream of events that never goes quiet still gets a rebuild this often.
const LONGEST_WAIT: Duration = Duration::from_millis(500);

/// How long stopping waits for a rebuild under way to end, so it does not write into the
/// folder being removed; past this the process leaves anyway.
const STOP_GRACE: Duration = Duration::from_millis(100);

/// What `cpdblog serve` was asked for.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// Site, drafts, future; base_url and output are set by [`Preview::start`].
    pub build: BuildOptions,
    /// Address to listen on.
    pub bind: IpAddr,
    /// Port; 0 picks a free one.
    pub port: u16,
    /// Where to write the preview; default a private temporary folder, removed on exit.
    pub output: Option<PathBuf>,
}

/// Something the terminal should show while serving.
#[derive(Debug)]
pub enum Report<'a> {
    /// A rebuild after files changed.
    Rebuild {
        /// What changed.
        changed: &'a Changed,
        /// What the rebuild did, or its errors.
        result: &'a Result<Rebuilt, Diagnostics>,
    },
    /// After a rebuild, the pages listing very many posts were brought up to date too.
    Finished(&'a Result<Option<Finished>, Diagnostics>),
    /// The file watcher reported a problem.
    WatchError(String),
}

/// Whether a file event can mean new content. Opening and reading files (as every rebuild
/// does) must not count, or each rebuild would trigger the next.
fn changes_content(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        _ => true,
    }
}

enum Message {
    Changed(Vec<PathBuf>),
    WatchError(String),
    Stop,
}

/// A running preview: listening sockets, the session and the pages listening for reloads.
pub struct Preview {
    session: Session,
    listeners: Vec<TcpListener>,
    server: Option<server::Server>,
    url: String,
    addresses: Vec<SocketAddr>,
    reload: Arc<Reload>,
    root: PathBuf,
    private_output: Option<PathBuf>,
    messages: Option<Receiver<Message>>,
    watcher: Option<Box<dyn std::any::Any + Send>>,
}

/// Binds `address`; a port in use is an error naming `--port`.
fn bind(address: SocketAddr) -> Result<TcpListener, Diagnostic> {
    TcpListener::bind(address).map_err(|e| {
        let (ip, port) = (address.ip(), address.port());
        let message = if e.kind() == std::io::ErrorKind::AddrInUse || e.to_string().contains("in use") {
            format!("port {port} is already in use on {ip}")
        } else {
            format!("cannot listen on {ip}:{port}: {e}")
        };
        Diagnostic::error(message).with_hint(format!(
            "is another `cpdblog serve` running? Choose another port with --port {}, or --port 0 for any free one",
            port.saturating_add(1)
        ))
    })
}

impl Preview {
    /// Binds the address (a port in use is an error naming `--port`) and prepares the output
    /// folder; nothing is built yet.
    pub fn start(options: ServeOptions) -> Result<Self, Diagnostic> {
        let primary = bind(SocketAddr::new(options.bind, options.port))?;
        let port = primary.local_addr().map_or(options.port, |a| a.port());
        let mut listeners = vec![primary];
        if options.bind == IpAddr::from([127, 0, 0, 1]) {
            // Browsers may resolve `localhost` to ::1 first; answer there too when we can.
            if let Ok(v6) = TcpListener::bind(SocketAddr::new(Ipv6Addr::LOCALHOST.into(), port)) {
                listeners.push(v6);
            }
        }
        let addresses = listeners.iter().filter_map(|l| l.local_addr().ok()).collect();
        let host = match options.bind {
            ip if ip.is_unspecified() => "127.0.0.1".to_string(),
            IpAddr::V6(ip) => format!("[{ip}]"),
            IpAddr::V4(ip) => ip.to_string(),
        };
        let url = format!("http://{host}:{port}/");

        let (output, private_output) = match &options.output {
            Some(output) => (output.clone(), None),
            None => {
                let temp = std::env::temp_dir();
                let name = format!("cpdblog-serve-{}", std::process::id());
                let private = folder::create_private(&temp, &name).map_err(|e| {
                    Diagnostic::error(format!("cannot create a private preview folder in {}: {e}", temp.display()))
                        .with_hint("set TMPDIR (TEMP on Windows) to a folder you can write, or use --output")
                })?;
                // The site goes one level down: builds swap a new folder in for it (made
                // beside it), and both stay inside the private one.
                (private.join("site"), Some(private))
            }
        };
        let prepared = crate::output::check_location(&options.build.site_dir, &output, false).and_then(|()| {
            std::fs::create_dir_all(&output)
                .map_err(|e| Diagnostic::error(format!("cannot create {}: {e}", output.display())))
        });
        if let Err(problem) = prepared {
            if let Some(private) = &private_output {
                let _ = std::fs::remove_dir_all(private);
            }
            return Err(problem);
        }
        let root = output.canonicalize().unwrap_or_else(|_| output.clone());
        let mut build = options.build;
        build.base_url = Some(url.clone());
        build.output = Some(root.clone());
        let mut session = Session::new(build, Target::Folder(root.clone()));
        session.defer_long_lists(true);
        Ok(Self {
            session,
            listeners,
            server: None,
            url,
            addresses,
            reload: Arc::new(Reload::new()),
            root,
            private_output,
            messages: None,
            watcher: None,
        })
    }

    /// The address to open.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Every address listened on.
    pub fn addresses(&self) -> &[SocketAddr] {
        &self.addresses
    }

    /// The folder being served.
    pub fn output(&self) -> &Path {
        &self.root
    }

    /// Builds everything. On errors the preview still serves, showing them.
    pub fn first_build(&mut self) -> Result<Rebuilt, Diagnostics> {
        let result = self.session.rebuild(&Changed::everything());
        if let Err(problems) = &result {
            self.reload.problems(problems);
        }
        result
    }

    /// Starts watching the site and answering requests; from here on a save triggers a
    /// rebuild (handled by [`Preview::run`]) and Ctrl-C stops.
    pub fn listen(&mut self) -> Result<(), Diagnostic> {
        let (sender, messages) = mpsc::channel();
        let stop = sender.clone();
        ctrlc::set_handler(move || {
            let _ = stop.send(Message::Stop);
        })
        .map_err(|e| Diagnostic::error(format!("cannot handle Ctrl-C: {e}")))?;

        // Debouncing is done by `run`, which waits for a quiet moment; notify's debouncer
        // crates either drop event kinds (so the reads of each rebuild would trigger the
        // next) or emit each event after a fixed delay rather than after a quiet period.
        let watched = sender;
        let mut watcher = notify::recommended_watcher(move |result: notify::Result<notify::Event>| {
            let message = match result {
                Ok(event) if changes_content(&event.kind) => Message::Changed(event.paths),
                Ok(_) => return,
                Err(e) => Message::WatchError(e.to_string()),
            };
            let _ = watched.send(message);
        })
        .map_err(|e| Diagnostic::error(format!("cannot watch the site for changes: {e}")))?;
        let site_dir = &self.session.options().site_dir;
        watcher
            .watch(site_dir, RecursiveMode::Recursive)
            .map_err(|e| Diagnostic::error(format!("cannot watch {}: {e}", site_dir.display())))?;
        self.watcher = Some(Box::new(watcher));
        self.messages = Some(messages);

        let cannot = |e: std::io::Error| Diagnostic::error(format!("cannot start the preview's threads: {e}"));
        let site = http::Site { root: self.root.clone(), reload: Arc::clone(&self.reload) };
        let listeners = std::mem::take(&mut self.listeners);
        let server = server::Server::start(listeners, server::Limits::from_env(), Arc::new(site)).map_err(cannot)?;
        self.server = Some(server);
        let reload = Arc::clone(&self.reload);
        std::thread::Builder::new().name("serve-events".into()).spawn(move || reload.pump()).map_err(cannot)?;
        Ok(())
    }

    /// Rebuilds on every change until Ctrl-C, after [`Preview::listen`], calling `report`
    /// for what the terminal should show. Stops at once, even during a rebuild (which is left
    /// to the process's end); removes the private output folder on the way out, in the
    /// background; a folder given with `--output` is left as it is. An error if rebuilding
    /// could not start at all.
    pub fn run(self, report: impl FnMut(Report<'_>) + Send + 'static) -> Result<(), Diagnostic> {
        let Preview { session, server, reload, root, private_output, messages, watcher, .. } = self;
        let report: Shared<dyn FnMut(Report<'_>) + Send> = Arc::new(Mutex::new(report));
        let gate = Arc::new(Gate::default());
        let mut outcome = Ok(());
        if let Some(messages) = messages {
            let (batches, pending) = mpsc::channel();
            let rebuilder = Rebuilder {
                session,
                watcher,
                reload: Arc::clone(&reload),
                output: root,
                gate: Arc::clone(&gate),
                report: Arc::clone(&report),
            };
            let thread = std::thread::Builder::new().name("serve-rebuild".into());
            match thread.spawn(move || rebuilder.run(&pending)) {
                Ok(_) => gather_changes(&messages, &batches, &report),
                Err(e) => outcome = Err(Diagnostic::error(format!("cannot start the rebuild thread: {e}"))),
            }
        }
        if let Some(server) = &server {
            server.stop();
        }
        reload.stop();
        if let Some(private) = private_output {
            // A rebuild still under way writes into the folder until the process ends: it is
            // removed after that, or (where that cannot be arranged) once the rebuild is done.
            if !gate.close(STOP_GRACE) && !folder::remove_after_exit(&private) {
                gate.wait_idle();
            }
            if gate.is_idle() {
                folder::remove_soon(&private);
            }
        }
        outcome
    }
}

/// A value the rebuild thread and the calling thread share.
type Shared<T> = Arc<Mutex<T>>;

fn call(report: &Shared<dyn FnMut(Report<'_>) + Send>, event: Report<'_>) {
    (report.lock().unwrap_or_else(|e| e.into_inner()))(event);
}

/// Passes file changes on to the rebuild thread in bursts (a burst ends after [`DEBOUNCE`]
/// of quiet, or [`LONGEST_WAIT`]), until Ctrl-C.
fn gather_changes(
    messages: &Receiver<Message>,
    batches: &Sender<Vec<PathBuf>>,
    report: &Shared<dyn FnMut(Report<'_>) + Send>,
) {
    loop {
        let mut paths = match messages.recv() {
            Ok(Message::Changed(paths)) => paths,
            Ok(Message::WatchError(e)) => {
                call(report, Report::WatchError(e));
                continue;
            }
            Ok(Message::Stop) | Err(_) => return,
        };
        let first = Instant::now();
        while first.elapsed() < LONGEST_WAIT {
            match messages.recv_timeout(DEBOUNCE) {
                Ok(Message::Changed(more)) => paths.extend(more),
                Ok(Message::WatchError(e)) => call(report, Report::WatchError(e)),
                Ok(Message::Stop) | Err(RecvTimeoutError::Disconnected) => return,
                Err(RecvTimeoutError::Timeout) => break,
            }
        }
        if batches.send(paths).is_err() {
            return;
        }
    }
}

/// Whether a rebuild is under way, and whether the preview is stopping: a rebuild starts
/// only while not stopping, and stopping can wait (a little) for one to end.
#[derive(Default)]
struct Gate {
    state: Mutex<GateState>,
    changed: Condvar,
}

#[derive(Default)]
struct GateState {
    busy: bool,
    stopping: bool,
}

impl Gate {
    /// Marks a rebuild under way; false if stopping (then none may start).
    fn enter(&self) -> bool {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.busy = !state.stopping;
        state.busy
    }

    fn leave(&self) {
        self.state.lock().unwrap_or_else(|e| e.into_inner()).busy = false;
        self.changed.notify_all();
    }

    fn stopping(&self) -> bool {
        self.state.lock().unwrap_or_else(|e| e.into_inner()).stopping
    }

    fn is_idle(&self) -> bool {
        !self.state.lock().unwrap_or_else(|e| e.into_inner()).busy
    }

    /// Waits for the rebuild under way, if any, to end.
    fn wait_idle(&self) {
        let state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        drop(self.changed.wait_while(state, |state| state.busy).unwrap_or_else(|e| e.into_inner()));
    }

    /// Lets no rebuild start, and waits up to `grace` for one under way; true if none is.
    fn close(&self, grace: Duration) -> bool {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.stopping = true;
        let (state, _) =
            self.changed.wait_timeout_while(state, grace, |state| state.busy).unwrap_or_else(|e| e.into_inner());
        !state.busy
    }
}

/// The rebuild thread: owns the session (and the watcher, so a slow drop of it never delays
/// stopping).
struct Rebuilder {
    session: Session,
    watcher: Option<Box<dyn std::any::Any + Send>>,
    reload: Arc<Reload>,
    output: PathBuf,
    gate: Arc<Gate>,
    report: Shared<dyn FnMut(Report<'_>) + Send>,
}

impl Rebuilder {
    /// Rebuilds for each burst of changes (those that queued during a rebuild as one).
    fn run(mut self, pending: &Receiver<Vec<PathBuf>>) {
        let site_dir = self.session.options().site_dir.clone();
        while let Ok(mut paths) = pending.recv() {
            paths.extend(pending.try_iter().flatten());
            let changed = Changed::classify(&site_dir, &self.output, &paths);
            if changed.is_empty() {
                continue;
            }
            if !self.gate.enter() {
                break;
            }
            self.rebuild(&changed);
            self.gate.leave();
        }
        drop(self.watcher.take());
    }

    fn rebuild(&mut self, changed: &Changed) {
        let result = self.session.rebuild(changed);
        match &result {
            Ok(rebuilt) if rebuilt.changes.written + rebuilt.changes.removed == 0 => self.reload.ok(),
            Ok(_) if changed.stylesheets_only => self.reload.stylesheets(),
            Ok(_) => self.reload.reload(),
            Err(problems) => self.reload.problems(problems),
        }
        call(&self.report, Report::Rebuild { changed, result: &result });
        if result.is_err() || self.gate.stopping() {
            return;
        }
        // The edited page is served; now the long lists (portfolio, search index…).
        let finished = self.session.finish();
        match &finished {
            Ok(Some(done)) if done.changes.written > 0 => self.reload.pages(&done.urls),
            Err(problems) => self.reload.problems(problems),
            _ => {}
        }
        if !matches!(finished, Ok(None)) {
            call(&self.report, Report::Finished(&finished));
        }
    }
}
