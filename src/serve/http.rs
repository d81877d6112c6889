//! Answering one HTTP request of the live preview, safely: only files inside the output
//! folder, GET and HEAD only, no directory listings, no cross-origin grants, and only for
//! requests addressed to this machine by name or IP (so a web page on another site cannot
//! reach the preview through DNS rebinding). HTML pages get the live-reload script. Reading
//! requests and writing responses is [`super::server`]'s job, not this module's.

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use percent_encoding::percent_decode_str;

use super::message::{Request, Response};
use super::reload::{EVENTS_PATH, MAX_LISTENERS, Reload, SCRIPT, SCRIPT_PATH, inject_script};
use super::server::{Answer, Service};

/// Where files come from, and the pages listening for reloads.
#[derive(Clone)]
pub struct Site {
    /// The output folder, canonical.
    pub root: PathBuf,
    /// The live-reload channel; event-stream requests join it.
    pub reload: Arc<Reload>,
}

impl Service for Site {
    fn answer(&self, request: &Request) -> Answer {
        answer(request, &self.root, &self.reload)
    }

    fn take_over(&self, stream: TcpStream) {
        // The channel never waits for a page: its writes must not block.
        if stream.set_nonblocking(true).is_ok() {
            self.reload.subscribe(Box::new(stream));
        }
    }
}

/// What a URL path resolves to.
#[derive(Debug, PartialEq, Eq)]
pub enum Resolved {
    /// A file inside the root.
    File(PathBuf),
    /// A folder asked for without its trailing slash: redirect to this location.
    Redirect(String),
    /// Nothing, or something that is not to be served.
    NotFound,
}

/// Maps a request target (`/posts/x/?q=1`) to a file of `root`. Percent-decoding happens
/// once, then any `..`, `.`, hidden name, backslash or NUL in a segment is refused, and the
/// file found is checked, symlinks resolved, to be inside `root`.
pub fn resolve(root: &Path, target: &str) -> Resolved {
    let path = target.split(['?', '#']).next().unwrap_or_default();
    if !path.starts_with('/') {
        return Resolved::NotFound;
    }
    let Ok(decoded) = percent_decode_str(path).decode_utf8() else { return Resolved::NotFound };
    let mut file = root.to_path_buf();
    for segment in decoded.split('/').filter(|s| !s.is_empty()) {
        let refused = segment == ".."
            || (segment.starts_with('.') && segment != ".well-known")
            || segment.contains(['\\', '\0', ':']);
        if refused {
            return Resolved::NotFound;
        }
        file.push(segment);
    }
    let Ok(canonical) = file.canonicalize() else { return Resolved::NotFound };
    if !canonical.starts_with(root) {
        return Resolved::NotFound;
    }
    if canonical.is_dir() {
        if !path.ends_with('/') {
            // One leading slash only: `//posts/` would be read as the host `posts`.
            return Resolved::Redirect(format!("/{}/", path.trim_start_matches('/')));
        }
        let index = canonical.join("index.html");
        return match index.canonicalize() {
            Ok(index) if index.starts_with(root) && index.is_file() => Resolved::File(index),
            _ => Resolved::NotFound,
        };
    }
    if canonical.is_file() { Resolved::File(canonical) } else { Resolved::NotFound }
}

/// The Content-Type of a file, by extension.
pub fn content_type(path: &Path) -> &'static str {
    let extension = path.extension().and_then(|e| e.to_str()).unwrap_or_default().to_ascii_lowercase();
    match extension.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" | "map" => "application/json",
        "xml" => "application/xml; charset=utf-8",
        "txt" | "md" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "pdf" => "application/pdf",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "mp3" => "audio/mpeg",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        "wasm" => "application/wasm",
        _ => "application/octet-stream",
    }
}

/// True for a Host (or Origin host) naming this machine: `localhost`, a `.localhost` name, or
/// an IP address. Any other name could be an attacker's domain rebound to 127.0.0.1.
pub fn is_local_host(host: &str) -> bool {
    let host = host.trim();
    let name = if let Some(rest) = host.strip_prefix('[') {
        // [::1]:1111
        return rest.split(']').next().is_some_and(|ip| ip.parse::<std::net::Ipv6Addr>().is_ok());
    } else {
        host.rsplit_once(':').map_or(host, |(name, port)| if port.parse::<u16>().is_ok() { name } else { host })
    };
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    name == "localhost" || name.ends_with(".localhost") || name.parse::<std::net::Ipv4Addr>().is_ok()
}

/// The preview's headers on every response: the type, no caching, no sniffing.
fn with_common_headers(response: Response, content_type: &str) -> Response {
    response
        .with_header("Content-Type", content_type)
        .with_header("Cache-Control", "no-store")
        .with_header("X-Content-Type-Options", "nosniff")
        .with_header("Server", "cpdblog")
}

fn text(status: u16, message: &str) -> Response {
    with_common_headers(Response::new(status, format!("{message}\n").into_bytes()), "text/plain; charset=utf-8")
}

/// The answer to `request` for the files of `root`, with `reload` for the script's build and
/// for event streams.
pub fn answer(request: &Request, root: &Path, reload: &Reload) -> Answer {
    let local = request.header("Host").is_some_and(is_local_host);
    if !local {
        return Answer::Response(text(
            403,
            "403 Forbidden: this preview answers only requests for localhost or an IP address (DNS rebinding protection)",
        ));
    }
    if request.header("Upgrade").is_some() {
        return Answer::Response(text(400, "400 Bad Request: no WebSocket here; live reload uses Server-Sent Events"));
    }
    if !matches!(request.method.as_str(), "GET" | "HEAD") {
        let response = text(405, "405 Method Not Allowed: the preview only serves files (GET, HEAD)");
        return Answer::Response(response.with_header("Allow", "GET, HEAD"));
    }
    let target = request.target.as_str();
    let path = target.split('?').next().unwrap_or_default();
    if path == EVENTS_PATH && request.method == "GET" {
        if request.header("Origin").is_some_and(|origin| !is_local_host(origin_host(origin))) {
            return Answer::Response(text(403, "403 Forbidden: foreign origin"));
        }
        if reload.listeners() >= MAX_LISTENERS {
            let busy = "503 Service Unavailable: too many pages are listening for reloads; close some tabs";
            return Answer::Response(text(503, busy));
        }
        return Answer::TakeOver;
    }
    if path == SCRIPT_PATH {
        let response = Response::new(200, SCRIPT.as_bytes().to_vec());
        return Answer::Response(with_common_headers(response, "text/javascript; charset=utf-8"));
    }
    Answer::Response(file(root, target, reload))
}

/// A file of the site, a redirect to a folder's page, or the 404 page.
fn file(root: &Path, target: &str, reload: &Reload) -> Response {
    match resolve(root, target) {
        Resolved::File(file) => match std::fs::read(&file) {
            Ok(bytes) => {
                let kind = content_type(&file);
                let bytes = if kind.starts_with("text/html") { inject_script(bytes, &reload.build()) } else { bytes };
                with_common_headers(Response::new(200, bytes), kind)
            }
            // Removed by a rebuild since it was found.
            Err(_) => not_found(root, reload),
        },
        Resolved::Redirect(location) => text(301, &format!("Moved to {location}")).with_header("Location", &location),
        Resolved::NotFound => not_found(root, reload),
    }
}

fn not_found(root: &Path, reload: &Reload) -> Response {
    let bytes = std::fs::read(root.join("404.html")).unwrap_or_else(|_| {
        b"<!doctype html><title>Not found</title><h1>Not found</h1><p>Nothing is built here yet.</p>".to_vec()
    });
    with_common_headers(Response::new(404, inject_script(bytes, &reload.build())), "text/html; charset=utf-8")
}

/// `http://localhost:1111` → `localhost:1111`.
fn origin_host(origin: &str) -> &str {
    origin.split_once("://").map_or(origin, |(_, rest)| rest).trim_end_matches('/')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_only_inside_the_root() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("out");
        std::fs::create_dir_all(root.join("posts/a")).unwrap();
        std::fs::create_dir_all(root.join("empty")).unwrap();
        std::fs::write(root.join("posts/a/index.html"), "a").unwrap();
        std::fs::write(root.join(".cpdblog-output"), "").unwrap();
        std::fs::write(dir.path().join("secret.txt"), "s").unwrap();
        let root = root.canonicalize().unwrap();
        assert_eq!(resolve(&root, "/posts/a/"), Resolved::File(root.join("posts/a/index.html")));
        assert_eq!(resolve(&root, "/posts/a/?x=1"), Resolved::File(root.join("posts/a/index.html")));
        assert_eq!(resolve(&root, "/posts/%61/"), Resolved::File(root.join("posts/a/index.html")));
        assert_eq!(resolve(&root, "/posts/a"), Resolved::Redirect("/posts/a/".into()));
        assert_eq!(resolve(&root, "//posts/a"), Resolved::Redirect("/posts/a/".into()), "never scheme-relative");
        assert_eq!(resolve(&root, "///posts?x"), Resolved::Redirect("/posts/".into()));
        for bad in [
            "/../secret.txt",
            "/%2e%2e/secret.txt",
            "/%2E%2E%2Fsecret.txt",
            "/posts/..%2f..%2fsecret.txt",
            "/%252e%252e/secret.txt",
            "/..\\secret.txt",
            "/..%5csecret.txt",
            "/posts/a/index.html%00.png",
            "//secret.txt",
            "/empty/",
            "/.cpdblog-output",
            "secret.txt",
            "/C:/secret.txt",
        ] {
            assert_eq!(resolve(&root, bad), Resolved::NotFound, "{bad}");
        }
    }

    #[test]
    fn only_local_hosts_are_accepted() {
        for ok in ["localhost", "localhost:1111", "127.0.0.1:1111", "[::1]:1111", "192.168.1.5", "blog.localhost:80"] {
            assert!(is_local_host(ok), "{ok}");
        }
        for bad in ["evil.example", "evil.example:1111", "localhost.evil.example", "", "127.0.0.1.nip.io"] {
            assert!(!is_local_host(bad), "{bad}");
        }
    }
}
