//! HTTP/1.1 messages as the preview needs them: a request head read within a size limit and
//! a deadline, and a response written whole, within a deadline too. It parses only what a
//! GET or HEAD for a file needs (no bodies, no chunked encoding), and must not decide what to
//! answer: that is [`super::http`]'s job.

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

/// The largest request head (request line and headers) read: browsers send 1-2 KiB, and a
/// head past this is refused with 431 without reading the rest.
pub const MAX_HEAD: usize = 16 * 1024;

/// HTTP version of a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    /// HTTP/1.0: the connection closes after the response unless asked to stay open.
    Http10,
    /// HTTP/1.1: the connection stays open unless asked to close.
    Http11,
}

/// A parsed request head.
#[derive(Debug, Clone)]
pub struct Request {
    /// `GET`, `HEAD`, … as sent (methods are case-sensitive).
    pub method: String,
    /// The request target as sent: `/posts/x/?q=1`, or another form a client may send.
    pub target: String,
    /// The HTTP version.
    pub version: Version,
    /// Header names and values in order, values trimmed.
    pub headers: Vec<(String, String)>,
}

impl Request {
    /// The first value of header `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(field, _)| field.eq_ignore_ascii_case(name)).map(|(_, value)| value.as_str())
    }

    /// Whether the client may send another request on this connection; not after asking to
    /// switch protocols (`Connection: Upgrade`), which the preview refuses.
    pub fn keep_alive(&self) -> bool {
        let connection = self.header("Connection").unwrap_or_default().to_ascii_lowercase();
        let has = |token: &str| connection.split(',').any(|t| t.trim() == token);
        match self.version {
            Version::Http11 => !has("close") && !has("upgrade"),
            Version::Http10 => has("keep-alive"),
        }
    }

    /// Whether a body follows the head. The preview reads none, so such a connection is
    /// closed after its response.
    pub fn has_body(&self) -> bool {
        self.header("Transfer-Encoding").is_some()
            || self.header("Content-Length").is_some_and(|length| length.trim() != "0")
    }
}

/// Why no request head could be read.
#[derive(Debug)]
pub enum HeadError {
    /// Past [`MAX_HEAD`] without the blank line ending a head.
    TooLarge,
    /// Not an HTTP/1.x request head.
    Malformed,
    /// An HTTP version other than 1.0 and 1.1.
    Version,
    /// The deadline passed; `partial` if part of a head had come.
    TimedOut {
        /// Some bytes of a head had arrived.
        partial: bool,
    },
    /// No more bytes came within the patience given: try again once more are there.
    Waiting,
    /// The client closed the connection or it failed.
    Closed,
}

impl HeadError {
    /// The response telling the client, if any is due; the connection closes after it.
    pub fn response(&self) -> Option<Response> {
        let (status, message) = match self {
            Self::TooLarge => (431, "431 Request Header Fields Too Large: the request head is over 16 KiB"),
            Self::Malformed => (400, "400 Bad Request: not an HTTP/1.1 request"),
            Self::Version => (505, "505 HTTP Version Not Supported: the preview speaks HTTP/1.0 and HTTP/1.1"),
            Self::TimedOut { partial: true } => (408, "408 Request Timeout: the request did not arrive in time"),
            Self::TimedOut { partial: false } | Self::Waiting | Self::Closed => return None,
        };
        Some(Response::text(status, message))
    }
}

/// Where the head ends (just past the blank line), if it has.
fn head_end(bytes: &[u8]) -> Option<usize> {
    let crlf = bytes.windows(4).position(|w| w == b"\r\n\r\n").map(|at| at + 4);
    let lf = bytes.windows(2).position(|w| w == b"\n\n").map(|at| at + 2);
    match (crlf, lf) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// Whether `buffered` holds a whole request head (a pipelined request, say).
pub fn has_head(buffered: &[u8]) -> bool {
    head_end(skip_blank_lines(buffered)).is_some()
}

/// Empty lines before a request line are to be ignored (RFC 9112, 2.2).
fn skip_blank_lines(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|&b| b != b'\r' && b != b'\n').unwrap_or(bytes.len());
    &bytes[start..]
}

/// Reads one request head from `stream`, starting with the bytes already `buffered`; what
/// follows the head stays in `buffered`. Gives up at `deadline`, past [`MAX_HEAD`] bytes, or
/// (with [`HeadError::Waiting`]) when nothing more arrives within `patience`.
pub fn read_head(
    stream: &mut TcpStream,
    buffered: &mut Vec<u8>,
    deadline: Instant,
    patience: Duration,
) -> Result<Request, HeadError> {
    let mut chunk = [0u8; 4096];
    loop {
        let skipped = buffered.len() - skip_blank_lines(buffered).len();
        buffered.drain(..skipped);
        if let Some(end) = head_end(buffered) {
            if end > MAX_HEAD {
                return Err(HeadError::TooLarge);
            }
            let head: Vec<u8> = buffered.drain(..end).collect();
            return parse_head(&head);
        }
        if buffered.len() > MAX_HEAD {
            return Err(HeadError::TooLarge);
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(HeadError::TimedOut { partial: !buffered.is_empty() });
        }
        if stream.set_read_timeout(Some(left.min(patience))).is_err() {
            return Err(HeadError::Closed);
        }
        let room = (MAX_HEAD + 4 - buffered.len()).min(chunk.len());
        match stream.read(&mut chunk[..room]) {
            Ok(0) => return Err(HeadError::Closed),
            Ok(n) => buffered.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut) => {
                if Instant::now() < deadline {
                    return Err(HeadError::Waiting);
                }
            }
            Err(_) => return Err(HeadError::Closed),
        }
    }
}

/// A header name or method: an RFC 9110 token.
fn is_token(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// Parses a whole head (request line, headers, blank line).
pub fn parse_head(head: &[u8]) -> Result<Request, HeadError> {
    let text = std::str::from_utf8(head).map_err(|_| HeadError::Malformed)?;
    let mut lines = text.split('\n').map(|line| line.strip_suffix('\r').unwrap_or(line));
    let mut parts = lines.next().unwrap_or_default().split(' ');
    let (Some(method), Some(target), Some(version), None) = (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(HeadError::Malformed);
    };
    if !is_token(method) || target.is_empty() || target.bytes().any(|b| b.is_ascii_control()) {
        return Err(HeadError::Malformed);
    }
    let version = match version {
        "HTTP/1.1" => Version::Http11,
        "HTTP/1.0" => Version::Http10,
        v if v.starts_with("HTTP/") => return Err(HeadError::Version),
        _ => return Err(HeadError::Malformed),
    };
    let mut headers = Vec::new();
    for line in lines.take_while(|line| !line.is_empty()) {
        let (name, value) = line.split_once(':').ok_or(HeadError::Malformed)?;
        if !is_token(name) {
            // Also refuses a line folded onto the one before (it starts with a space).
            return Err(HeadError::Malformed);
        }
        headers.push((name.to_string(), value.trim_matches([' ', '\t']).to_string()));
    }
    Ok(Request { method: method.to_string(), target: target.to_string(), version, headers })
}

/// A response, held whole in memory (the preview's files are small).
#[derive(Debug, Clone)]
pub struct Response {
    /// Status code.
    pub status: u16,
    /// Headers besides Content-Length and Connection, which [`Response::write`] adds.
    pub headers: Vec<(String, String)>,
    /// The body (not sent for HEAD).
    pub body: Vec<u8>,
}

impl Response {
    /// A response with this status and body, and no headers yet.
    pub fn new(status: u16, body: Vec<u8>) -> Self {
        Self { status, headers: Vec::new(), body }
    }

    /// A plain-text response: `message` and a newline.
    pub fn text(status: u16, message: &str) -> Self {
        Self::new(status, format!("{message}\n").into_bytes()).with_header("Content-Type", "text/plain; charset=utf-8")
    }

    /// Adds a header. Names and values come from this program, never from a request.
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    /// The first value of header `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(field, _)| field.eq_ignore_ascii_case(name)).map(|(_, value)| value.as_str())
    }

    /// The bytes on the wire: status line, headers, Content-Length, Connection, and the body
    /// unless `head_only`.
    pub fn to_bytes(&self, head_only: bool, keep_alive: bool) -> Vec<u8> {
        let mut head = format!("HTTP/1.1 {} {}\r\n", self.status, reason(self.status));
        for (name, value) in &self.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        let connection = if keep_alive { "keep-alive" } else { "close" };
        head.push_str(&format!("Content-Length: {}\r\nConnection: {connection}\r\n\r\n", self.body.len()));
        let mut bytes = head.into_bytes();
        if !head_only {
            bytes.extend_from_slice(&self.body);
        }
        bytes
    }

    /// Writes the response in one go, giving up at `deadline` (a client that does not read).
    pub fn write(
        &self,
        stream: &mut TcpStream,
        head_only: bool,
        keep_alive: bool,
        deadline: Instant,
    ) -> io::Result<()> {
        write_by(stream, &self.to_bytes(head_only, keep_alive), deadline)
    }
}

/// Writes all of `bytes`, each wait for the client bounded by what is left until `deadline`.
pub fn write_by(stream: &mut TcpStream, mut bytes: &[u8], deadline: Instant) -> io::Result<()> {
    while !bytes.is_empty() {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(io::ErrorKind::TimedOut.into());
        }
        stream.set_write_timeout(Some(left))?;
        match stream.write(bytes) {
            Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
            Ok(n) => bytes = &bytes[n..],
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// The reason phrase of the statuses the preview sends.
fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        431 => "Request Header Fields Too Large",
        503 => "Service Unavailable",
        505 => "HTTP Version Not Supported",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;

    fn pair() -> (TcpStream, TcpStream) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        (client, listener.accept().unwrap().0)
    }

    fn read(sent: &[u8], patience: Duration) -> (Result<Request, HeadError>, Vec<u8>) {
        let (mut client, mut server) = pair();
        client.write_all(sent).unwrap();
        let mut buffered = Vec::new();
        let deadline = Instant::now() + Duration::from_secs(5);
        (read_head(&mut server, &mut buffered, deadline, patience), buffered)
    }

    #[test]
    fn reads_a_head_and_keeps_what_follows() {
        let sent = b"\r\nGET /a?b HTTP/1.1\r\nHost: x\r\nconnection: Close\r\n\r\nGET /next HTTP/1.1\r\n";
        let (request, rest) = read(sent, Duration::from_secs(5));
        let request = request.unwrap();
        assert_eq!((request.method.as_str(), request.target.as_str()), ("GET", "/a?b"));
        assert_eq!(request.header("HOST"), Some("x"));
        assert!(!request.keep_alive());
        assert_eq!(rest, b"GET /next HTTP/1.1\r\n");
        assert!(!has_head(&rest));
        let old = parse_head(b"GET / HTTP/1.0\r\n\r\n").unwrap();
        assert!(!old.keep_alive() && !old.has_body());
        let posted = parse_head(b"POST / HTTP/1.1\nContent-Length: 3\n\n").unwrap();
        assert!(posted.keep_alive() && posted.has_body());
        let upgrade = parse_head(b"GET / HTTP/1.1\r\nConnection: keep-alive, Upgrade\r\n\r\n").unwrap();
        assert!(!upgrade.keep_alive());
    }

    #[test]
    fn refuses_huge_malformed_and_slow_heads() {
        let mut huge = b"GET / HTTP/1.1\r\nX: ".to_vec();
        huge.resize(MAX_HEAD + 100, b'a');
        assert!(matches!(read(&huge, Duration::from_secs(5)).0, Err(HeadError::TooLarge)));
        for bad in [&b"GET /\r\n\r\n"[..], b"GET / HTTP/1.1\r\n folded\r\n\r\n", b"G\xffT / HTTP/1.1\r\n\r\n"] {
            assert!(matches!(parse_head(bad), Err(HeadError::Malformed)), "{bad:?}");
        }
        assert!(matches!(parse_head(b"GET / HTTP/2.0\r\n\r\n"), Err(HeadError::Version)));
        assert!(matches!(read(b"GET / HTTP/1.1\r\n", Duration::from_millis(20)).0, Err(HeadError::Waiting)));
        let (mut client, mut server) = pair();
        client.write_all(b"GET / HTTP/1.1\r\n").unwrap();
        let gone = Instant::now() + Duration::from_millis(30);
        let timed_out = read_head(&mut server, &mut Vec::new(), gone, Duration::from_secs(1));
        assert!(matches!(timed_out, Err(HeadError::TimedOut { partial: true })), "{timed_out:?}");
        assert_eq!(HeadError::TooLarge.response().map(|r| r.status), Some(431));
    }

    #[test]
    fn responses_carry_length_and_connection() {
        let response = Response::text(404, "gone").with_header("X-A", "b");
        let wire = String::from_utf8(response.to_bytes(false, true)).unwrap();
        assert_eq!(
            wire,
            "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain; charset=utf-8\r\nX-A: b\r\nContent-Length: 5\r\nConnection: keep-alive\r\n\r\ngone\n"
        );
        let head = String::from_utf8(response.to_bytes(true, false)).unwrap();
        assert!(head.ends_with("Content-Length: 5\r\nConnection: close\r\n\r\n"), "{head}");
    }
}
