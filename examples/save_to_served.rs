//! Measures a live preview from the writer's side: the time from saving a post to the new text
//! being served over HTTP. Works against any preview server (`cpdblog serve`, `hugo server`).
//!
//! ```sh
//! cargo run --release --example save_to_served -- --url http://127.0.0.1:1111/posts/x/ \
//!     --file site/posts/2025/x.md --runs 5 [--where end|summary] [--pid PID]
//! ```
//!
//! Each run writes the file with a new marker sentence (at the end of the body, or at the start
//! of it, where it changes the summary lists show), then polls the URL every millisecond until
//! the marker is in the page. Prints each run's milliseconds and the median; with `--pid`, also
//! the server's resident memory (VmRSS) and peak (VmHWM) from /proc. The file is restored after.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::time::{Duration, Instant};

const USAGE: &str =
    "usage: save_to_served --url URL --file POST.md [--runs N] [--where end|summary] [--pid PID] [--timeout-ms MS]";

fn main() {
    if let Err(e) = run() {
        eprintln!("save_to_served: {e}\n{USAGE}");
        std::process::exit(2);
    }
}

fn run() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let (mut url, mut file, mut runs, mut place, mut pid, mut timeout) =
        (None, None, 5usize, "end".to_string(), None, 30_000u64);
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--url" => url = Some(value()?),
            "--file" => file = Some(PathBuf::from(value()?)),
            "--runs" => runs = value()?.parse().map_err(|_| "--runs takes a number")?,
            "--where" => place = value()?,
            "--pid" => pid = Some(value()?),
            "--timeout-ms" => timeout = value()?.parse().map_err(|_| "--timeout-ms takes a number")?,
            other => return Err(format!("unknown argument {other}")),
        }
    }
    let url = url.ok_or("--url is required")?;
    let file = file.ok_or("--file is required")?;
    let (host, path) = split_url(&url)?;
    let original = std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
    let nonce = std::process::id();

    let mut times = Vec::new();
    let result = (|| -> Result<(), String> {
        for run in 1..=runs {
            let marker = format!("Marker{nonce}x{run} was saved just now.");
            let edited = edit(&original, &marker, &place)?;
            let started = Instant::now();
            std::fs::write(&file, edited).map_err(|e| e.to_string())?;
            loop {
                if get(&host, &path).is_ok_and(|page| page.contains(&marker)) {
                    break;
                }
                if started.elapsed() > Duration::from_millis(timeout) {
                    return Err(format!("run {run}: the edit was not served within {timeout} ms"));
                }
                std::thread::sleep(Duration::from_millis(1));
            }
            let ms = started.elapsed().as_secs_f64() * 1000.0;
            println!("run {run}: {ms:.1} ms");
            times.push(ms);
            std::thread::sleep(Duration::from_millis(1500));
        }
        Ok(())
    })();
    std::fs::write(&file, &original).map_err(|e| format!("restoring {}: {e}", file.display()))?;
    result?;
    times.sort_by(f64::total_cmp);
    let median = if times.len() % 2 == 1 {
        times[times.len() / 2]
    } else {
        (times[times.len() / 2 - 1] + times[times.len() / 2]) / 2.0
    };
    println!("median: {median:.1} ms over {} runs", times.len());
    if let Some(pid) = pid {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).map_err(|e| format!("pid {pid}: {e}"))?;
        for key in ["VmRSS", "VmHWM"] {
            if let Some(line) = status.lines().find(|l| l.starts_with(key)) {
                let kib: f64 = line.split_whitespace().nth(1).and_then(|v| v.parse().ok()).unwrap_or(0.0);
                println!("{key}: {:.0} MiB", kib / 1024.0);
            }
        }
    }
    Ok(())
}

/// The post with `marker` added: as the last paragraph, or as the first words of the body.
fn edit(original: &str, marker: &str, place: &str) -> Result<String, String> {
    match place {
        "end" => Ok(format!("{}\n\n{marker}\n", original.trim_end())),
        "summary" => {
            let body_start = original
                .match_indices("\n---\n")
                .next()
                .map(|(i, _)| i + 5)
                .ok_or("no frontmatter end (---) found in the post")?;
            Ok(format!("{}{marker} {}", &original[..body_start], original[body_start..].trim_start()))
        }
        other => Err(format!("--where takes end or summary, not {other}")),
    }
}

fn split_url(url: &str) -> Result<(String, String), String> {
    let rest = url.strip_prefix("http://").ok_or("only http:// URLs")?;
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    Ok((host.to_string(), format!("/{path}")))
}

/// One plain GET; the body (not parsed beyond that).
fn get(host: &str, path: &str) -> std::io::Result<String> {
    let mut stream = TcpStream::connect(host)?;
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n")?;
    let mut bytes = Vec::new();
    stream.read_to_end(&mut bytes)?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}
