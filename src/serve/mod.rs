//! `cpdblog serve`: the live preview. It builds the site with base_url pointing at the local
//! address, serves the output over HTTP, watches the site's files and, on each save (debounced,
//! so an editor's burst of events gives one rebuild), rebuilds incrementally through
//! [`crate::incremental::Session`] and tells open pages to reload. A failed rebuild leaves the
//! last good pages served and shows its errors over them.
//!
//! The output goes to a private temporary folder (or `--output`), never to the site's
//! `public/`, so previewing never disturbs what `cpdblog build` deploys.

pub mod http;
pub mod reload;

use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::Duration;

use notify::RecursiveMode;
use notify::event::{AccessKind, AccessMode, EventKind};
use notify_debouncer_full::{DebounceEventResult, new_debouncer};

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::incremental::{Changed, Rebuilt, Session};
use crate::pipeline::BuildOptions;
use reload::Reload;

/// Quiet time after the last file event before a rebuild starts: long enough to gather an
/// editor's save (write, rename, chmod), short enough to feel instant.
pub const DEBOUNCE: Duration = Duration::from_millis(30);

/// How often idle event streams get a keep-alive comment.
const PING_EVERY: Duration = Duration::from_secs(15);

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
    servers: Vec<Arc<tiny_http::Server>>,
    url: String,
    addresses: Vec<SocketAddr>,
    reload: Arc<Reload>,
    root: PathBuf,
    private_output: Option<PathBuf>,
}

impl Preview {
    /// Binds the address (a port in use is an error naming `--port`) and prepares the output
    /// folder; nothing is built yet.
    pub fn start(options: ServeOptions) -> Result<Self, Diagnostic> {
        let primary = tiny_http::Server::http(SocketAddr::new(options.bind, options.port)).map_err(|e| {
            let in_use = e.to_string().contains("in use");
            let message = if in_use {
                format!("port {} is already in use on {}", options.port, options.bind)
            } else {
                format!("cannot listen on {}:{}: {e}", options.bind, options.port)
            };
            Diagnostic::error(message).with_hint(format!(
                "is another `cpdblog serve` running? Choose another port with --port {}, or --port 0 for any free one",
                options.port.saturating_add(1)
            ))
        })?;
        let port = primary.server_addr().to_ip().map_or(options.port, |a| a.port());
        let mut servers = vec![Arc::new(primary)];
        if options.bind == IpAddr::from([127, 0, 0, 1]) {
            // Browsers may resolve `localhost` to ::1 first; answer there too when we can.
            if let Ok(v6) = tiny_http::Server::http(SocketAddr::new(Ipv6Addr::LOCALHOST.into(), port)) {
                servers.push(Arc::new(v6));
            }
        }
        let addresses = servers.iter().filter_map(|s| s.server_addr().to_ip()).collect();
        let host = match options.bind {
            ip if ip.is_unspecified() => "127.0.0.1".to_string(),
            IpAddr::V6(ip) => format!("[{ip}]"),
            IpAddr::V4(ip) => ip.to_string(),
        };
        let url = format!("http://{host}:{port}/");

        let (output, private_output) = match &options.output {
            Some(output) => (output.clone(), None),
            None => {
                let private = std::env::temp_dir().join(format!("cpdblog-serve-{}", std::process::id()));
                if private.exists() {
                    // Left by an earlier process with our id; it is ours by name.
                    let _ = std::fs::remove_dir_all(&private);
                }
                (private.clone(), Some(private))
            }
        };
        crate::output::check_location(&options.build.site_dir, &output)?;
        std::fs::create_dir_all(&output)
            .map_err(|e| Diagnostic::error(format!("cannot create {}: {e}", output.display())))?;
        let root = output.canonicalize().unwrap_or_else(|_| output.clone());
        let mut build = options.build;
        build.base_url = Some(url.clone());
        build.output = Some(root.clone());
        Ok(Self {
            session: Session::new(build),
            servers,
            url,
            addresses,
            reload: Arc::new(Reload::new()),
            root,
            private_output,
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

    /// Serves and rebuilds on change until Ctrl-C. Removes the private output folder on the
    /// way out; a folder given with `--output` is left as it is.
    pub fn run(mut self, report: &mut dyn FnMut(Report<'_>)) -> Result<(), Diagnostic> {
        let (sender, messages) = mpsc::channel();
        let stop = sender.clone();
        ctrlc::set_handler(move || {
            let _ = stop.send(Message::Stop);
        })
        .map_err(|e| Diagnostic::error(format!("cannot handle Ctrl-C: {e}")))?;

        let watched = sender.clone();
        let mut debouncer = new_debouncer(DEBOUNCE, None, move |result: DebounceEventResult| {
            let message = match result {
                Ok(events) => {
                    let paths: Vec<PathBuf> = events
                        .into_iter()
                        .filter(|e| changes_content(&e.event.kind))
                        .flat_map(|e| e.event.paths.clone())
                        .collect();
                    if paths.is_empty() {
                        return;
                    }
                    Message::Changed(paths)
                }
                Err(errors) => {
                    Message::WatchError(errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))
                }
            };
            let _ = watched.send(message);
        })
        .map_err(|e| Diagnostic::error(format!("cannot watch the site for changes: {e}")))?;
        let site_dir = self.session.options().site_dir.clone();
        debouncer
            .watch(&site_dir, RecursiveMode::Recursive)
            .map_err(|e| Diagnostic::error(format!("cannot watch {}: {e}", site_dir.display())))?;

        let site = http::Site { root: self.root.clone() };
        for server in &self.servers {
            let (server, site, reload) = (Arc::clone(server), site.clone(), Arc::clone(&self.reload));
            std::thread::spawn(move || {
                for request in server.incoming_requests() {
                    let (site, reload) = (site.clone(), Arc::clone(&reload));
                    std::thread::spawn(move || http::handle(request, &site, &reload));
                }
            });
        }

        let output = self.session.output().to_path_buf();
        loop {
            let mut paths = match messages.recv_timeout(PING_EVERY) {
                Ok(Message::Changed(paths)) => paths,
                Ok(Message::WatchError(e)) => {
                    report(Report::WatchError(e));
                    continue;
                }
                Ok(Message::Stop) | Err(RecvTimeoutError::Disconnected) => break,
                Err(RecvTimeoutError::Timeout) => {
                    self.reload.ping();
                    continue;
                }
            };
            let mut stopping = false;
            while let Ok(message) = messages.try_recv() {
                match message {
                    Message::Changed(more) => paths.extend(more),
                    Message::WatchError(e) => report(Report::WatchError(e)),
                    Message::Stop => stopping = true,
                }
            }
            if stopping {
                break;
            }
            let changed = Changed::classify(&site_dir, &output, &paths);
            if changed.is_empty() {
                continue;
            }
            let result = self.session.rebuild(&changed);
            match &result {
                Ok(rebuilt) if rebuilt.changes.written + rebuilt.changes.removed == 0 => self.reload.ok(),
                Ok(_) if changed.stylesheets_only => self.reload.stylesheets(),
                Ok(_) => self.reload.reload(),
                Err(problems) => self.reload.problems(problems),
            }
            report(Report::Rebuild { changed: &changed, result: &result });
        }
        drop(debouncer);
        for server in &self.servers {
            server.unblock();
        }
        if let Some(private) = self.private_output.take() {
            let _ = std::fs::remove_dir_all(private);
        }
        Ok(())
    }
}
