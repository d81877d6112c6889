//! `cpdblog serve` as a user (and an attacker) meets it: what it serves, what it refuses,
//! how it rebuilds, and how it stops.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use common::Fixture;
use common::serve::Server;

/// How long to wait for an event (a rebuild, a page): generous, since a test waits for the
/// event itself and only a missing event should fail, never a slow machine.
const WAIT: Duration = Duration::from_secs(30);

#[test]
fn serves_pages_with_the_reload_script_and_correct_types() {
    let fixture = Fixture::new("basic");
    let dir = tempfile::tempdir().unwrap();
    let output = dir.path().join("preview");
    let server = Server::start(&fixture.site, &["--output", output.to_str().unwrap()]);

    let home = server.get("/");
    assert_eq!(home.status, 200);
    assert_eq!(home.header("content-type"), Some("text/html; charset=utf-8"));
    assert!(home.body.contains("<script src=\"/__cpdblog/livereload.js\" data-build="), "{}", home.body);
    assert!(home.body.contains("href=\"/things/\""), "links use the local root");
    let on_disk = std::fs::read_to_string(output.join("index.html")).unwrap();
    assert!(!on_disk.contains("livereload"), "the script is added when serving, never written");

    let post = server.get("/posts/online-networks/");
    assert_eq!(post.status, 200);
    assert!(post.body.contains("Online networks matter."));
    assert_eq!(server.get("/posts/online-networks").header("location"), Some("/posts/online-networks/"));
    for (path, kind) in [
        ("/style.css", "text/css; charset=utf-8"),
        ("/atom.xml", "application/xml; charset=utf-8"),
        ("/img/dot.svg", "image/svg+xml"),
        ("/__cpdblog/livereload.js", "text/javascript; charset=utf-8"),
    ] {
        let response = server.get(path);
        assert_eq!(response.status, 200, "{path}");
        assert_eq!(response.header("content-type"), Some(kind), "{path}");
    }
    let head =
        server.request(&format!("HEAD / HTTP/1.1\r\nHost: localhost:{}\r\nConnection: close\r\n\r\n", server.port));
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());

    let missing = server.get("/posts/no-such-post/");
    assert_eq!(missing.status, 404);
    assert!(missing.body.contains("livereload.js"), "the 404 page reloads too");
    assert!(missing.body.contains("<html"), "the theme's 404.html");
}

#[test]
fn refuses_traversal_foreign_hosts_other_methods_and_listings() {
    let fixture = Fixture::new("basic");
    std::fs::write(fixture.site.join("secret.txt"), "TOP SECRET").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let output = dir.path().join("preview");
    let server = Server::start(&fixture.site, &["--output", output.to_str().unwrap()]);
    std::fs::create_dir_all(output.join("empty-folder")).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(fixture.site.join("secret.txt"), output.join("leak.txt")).unwrap();

    let traversals = [
        "/../secret.txt",
        "/../../../../etc/passwd",
        "/%2e%2e/secret.txt",
        "/%2E%2E/%2E%2E/etc/passwd",
        "/posts/..%2f..%2fsecret.txt",
        "/%252e%252e/secret.txt",
        "/..\\secret.txt",
        "/..%5c..%5csecret.txt",
        "/index.html%00.png",
        "//etc/passwd",
        "/leak.txt",
        "/.cpdblog-output",
        "/empty-folder/",
    ];
    for path in traversals {
        let response = server.get(path);
        assert_eq!(response.status, 404, "{path}");
        assert!(!response.body.contains("TOP SECRET") && !response.body.contains("root:"), "{path}");
        assert!(!response.body.contains("Index of"), "{path}: no listings");
    }
    let absolute = server.request(&format!(
        "GET http://evil.example/../secret.txt HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n\r\n",
        server.port
    ));
    // An absolute-form target is not a path of the site: refused like any other miss.
    assert_eq!(absolute.status, 404, "{absolute:?}");
    assert!(!absolute.body.contains("TOP SECRET"));

    let foreign = server.request("GET / HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n");
    assert_eq!(foreign.status, 403, "DNS rebinding: a foreign Host is refused");
    let rebound =
        server.request(&format!("GET / HTTP/1.1\r\nHost: evil.example:{}\r\nConnection: close\r\n\r\n", server.port));
    assert_eq!(rebound.status, 403);
    for method in ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"] {
        let response = server.request(&format!(
            "{method} / HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            server.port
        ));
        assert_eq!(response.status, 405, "{method}");
        assert_eq!(response.header("allow"), Some("GET, HEAD"));
    }
    let upgrade = server.request(&format!(
        "GET /__cpdblog/events HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nOrigin: http://evil.example\r\n\r\n",
        server.port
    ));
    assert_eq!(upgrade.status, 400);
    let foreign_origin = server.request(&format!(
        "GET /__cpdblog/events HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nOrigin: http://evil.example\r\nConnection: close\r\n\r\n",
        server.port
    ));
    assert_eq!(foreign_origin.status, 403);
    for path in ["/", "/style.css", "/nope", "/__cpdblog/livereload.js"] {
        let response = server.request(&format!(
            "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nOrigin: http://evil.example\r\nConnection: close\r\n\r\n",
            server.port
        ));
        assert!(response.header("access-control-allow-origin").is_none(), "{path}: no CORS grant");
    }
}

#[test]
fn answers_many_requests_at_once() {
    let fixture = Fixture::new("basic");
    let server = Server::start(&fixture.site, &[]);
    let port = server.port;
    let threads: Vec<_> = (0..64)
        .map(|i| {
            std::thread::spawn(move || {
                let path = if i % 2 == 0 { "/" } else { "/posts/online-networks/" };
                common::serve::request(
                    port,
                    &format!("GET {path} HTTP/1.1\r\nHost: localhost:{port}\r\nConnection: close\r\n\r\n"),
                )
                .status
            })
        })
        .collect();
    for thread in threads {
        assert_eq!(thread.join().unwrap(), 200);
    }
}

#[test]
fn rebuilds_on_save_and_removes_deleted_pages() {
    let fixture = Fixture::new("basic");
    let server = Server::start(&fixture.site, &[]);
    let path = "posts/2011-07-18-online-networks.md";
    let text = std::fs::read_to_string(fixture.site.join(path)).unwrap();
    // Each save is whole (see Fixture::save), so it is one rebuild, the next "changed:" line.
    fixture.save(path, &text.replace("LinkedIn and LISNPN.", "LinkedIn and LISNPN, every day."));
    let line = server.wait_for_line("changed:", WAIT);
    // The post page first; the seven feeds that carry its full text follow on a line of
    // their own ("then 7 pages listing many posts").
    assert!(line.contains("posts/2011-07-18-online-networks.md changed: 1 page rendered, 1 file written in"), "{line}");
    assert!(server.get("/posts/online-networks/").body.contains("LinkedIn and LISNPN, every day."));
    // The first paragraph is the summary lists show: they are rendered again too.
    fixture.save(path, &text.replace("Online networks matter.", "Online networks matter a lot."));
    let line = server.wait_for_line("changed:", WAIT);
    assert!(line.contains("posts/2011-07-18-online-networks.md changed:"), "{line}");
    assert!(!line.contains("1 page rendered"), "{line}");
    server.wait_for("/tags/networking/", "the new summary", WAIT, |r| r.body.contains("Online networks matter a lot."));

    // An editor's burst: swap file, backup, probe file, and 100 writes in a row. How many
    // rebuilds that makes depends on how the writes fall against the debounce window (a loaded
    // machine pauses between them); what matters is that they are gathered into far fewer
    // rebuilds than writes, that the files an editor leaves around are not read, and that
    // the last write is what is served.
    let seen = server.log_lines().len();
    fixture.write("posts/.2011-07-18-online-networks.md.swp", "swap");
    fixture.write("posts/2011-07-18-online-networks.md~", "backup");
    fixture.write("posts/4913", "");
    const WRITES: usize = 100;
    // Each write differs from the last save only in punctuation: the same words, so no search
    // index file comes or goes, and the only "removed" in the log is the deletion's below.
    let saved = text.replace("LinkedIn and LISNPN.", "LinkedIn and LISNPN, every day.");
    let burst = |i: usize| format!("Online networks matter a lot{}", "!".repeat(i + 1));
    for i in 0..WRITES {
        fixture.write(path, &saved.replace("Online networks matter.", &burst(i)));
    }
    let last = format!("{}</p>", burst(WRITES - 1));
    server.wait_for("/posts/online-networks/", "the last write of the burst", WAIT, |r| r.body.contains(&last));

    // Pages are written before their rebuild is reported, so count the burst's rebuilds once
    // the next rebuild, the deletion's, is reported: the lines come in order.
    std::fs::remove_file(fixture.site.join(path)).unwrap();
    let line = server.wait_for_line(" removed in ", WAIT);
    assert!(line.contains("posts/2011-07-18-online-networks.md changed:"), "{line}");
    let log = server.log_lines();
    let deletion = log.iter().rposition(|l| l == &line).unwrap();
    let rebuilds: Vec<&String> = log[seen..deletion].iter().filter(|l| l.contains("changed:")).collect();
    eprintln!("{WRITES} writes gave {} rebuilds", rebuilds.len());
    assert!(!rebuilds.is_empty(), "the burst was rebuilt: {log:#?}");
    assert!(rebuilds.len() * 5 <= WRITES, "{WRITES} writes gave {} rebuilds: {rebuilds:#?}", rebuilds.len());
    for line in &rebuilds {
        assert!(!line.contains(".swp") && !line.contains("md~") && !line.contains("4913"), "{line}");
    }
    assert_eq!(server.get("/posts/online-networks/").status, 404, "a deleted post's URL is gone");
    server.wait_for("/networks/lisnpn/", "gone with the only post naming it", WAIT, |r| r.status == 404);
}

#[test]
fn a_broken_save_keeps_the_last_good_pages_and_reports_escaped_errors() {
    let fixture = Fixture::new("basic");
    let server = Server::start(&fixture.site, &[]);
    let mut events = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    events.set_read_timeout(Some(WAIT)).unwrap();
    write!(events, "GET /__cpdblog/events HTTP/1.1\r\nHost: 127.0.0.1:{}\r\n\r\n", server.port).unwrap();
    let greeting = read_until(&mut events, "event: hello");
    assert!(greeting.contains("Content-Type: text/event-stream"), "{greeting}");

    fixture.save("posts/<script>alert(1)</script>.md", "---\ntitle: x\ndate: 2011-13-45\n---\nbody\n");
    let line = server.wait_for_line("changed:", WAIT);
    assert!(line.contains("1 error; still serving the last good build"), "{line}");
    let log = server.log_lines().join("\n");
    assert!(log.contains("posts/<script>alert(1)</script>.md:3:7: error:"), "{log}");
    let event = next_event(&mut events);
    assert!(event.starts_with("event: problems\n"), "{event}");
    assert!(event.contains("\\u003cscript>alert(1)\\u003c/script>.md:3:7"), "escaped in the event: {event}");
    assert!(!event.contains("<script>"), "{event}");
    assert_eq!(server.get("/").status, 200, "the last good build is still served");

    std::fs::remove_file(fixture.site.join("posts/<script>alert(1)</script>.md")).unwrap();
    server.wait_for_line("changed:", WAIT);
    // The broken post never reached the pages, so none changed: the overlay is cleared, no reload.
    assert_eq!(next_event(&mut events), "event: ok\ndata: {}\n\n");
}

/// The next event of an event stream, skipping keep-alive comments (`: ping`).
fn next_event(stream: &mut TcpStream) -> String {
    loop {
        let event = read_until(stream, "\n\n");
        if !event.starts_with(':') {
            return event;
        }
    }
}

fn read_until(stream: &mut TcpStream, needle: &str) -> String {
    let mut seen = Vec::new();
    let mut byte = [0u8; 1];
    while !String::from_utf8_lossy(&seen).contains(needle) {
        match stream.read(&mut byte) {
            Ok(1) => seen.push(byte[0]),
            _ => panic!("stream ended before {needle:?}: {}", String::from_utf8_lossy(&seen)),
        }
    }
    // Read the rest of this event.
    while !seen.ends_with(b"\n\n") {
        match stream.read(&mut byte) {
            Ok(1) => seen.push(byte[0]),
            _ => break,
        }
    }
    String::from_utf8_lossy(&seen).into_owned()
}

#[test]
fn drafts_only_with_drafts_and_output_folder_changes_never_rebuild() {
    let fixture = Fixture::new("basic");
    let server = Server::start(&fixture.site, &[]);
    assert_eq!(server.get("/posts/calendar-draft/").status, 404);
    drop(server);

    let output = fixture.site.join("preview");
    let server = Server::start(&fixture.site, &["--drafts", "--output", output.to_str().unwrap()]);
    assert_eq!(server.get("/posts/calendar-draft/").status, 200);
    std::fs::write(output.join("touched.html"), "x").unwrap();
    std::fs::write(fixture.site.join("public-notes.txt"), "not a site file").unwrap();
    // Nothing to wait for, so wait for something else: two saves of a post, each the next
    // rebuild. Had the files above (or the output the first save wrote) caused a rebuild, it
    // would be reported before the save's, or name them beside the post in the same line.
    let post = "posts/2011-07-18-online-networks.md";
    let text = std::fs::read_to_string(fixture.site.join(post)).unwrap();
    for (i, edit) in ["Edited once.", "Edited twice."].into_iter().enumerate() {
        fixture.save(post, &text.replace("Online networks matter.", edit));
        let line = server.wait_for_line("changed:", WAIT);
        assert!(line.contains(&format!(" {post} changed: ")), "save {}: {line}", i + 1);
    }
    let log = server.log_lines();
    assert_eq!(log.iter().filter(|l| l.contains("changed")).count(), 2, "only the two saves rebuilt: {log:#?}");
}

#[test]
fn ctrl_c_stops_cleanly_and_deletes_nothing_of_the_user() {
    let fixture = Fixture::new("basic");
    fixture.build();
    let before = common::tree(&fixture.site);
    let server = Server::start(&fixture.site, &["--verbose"]);
    let log = server.log.lock().unwrap().join("\n");
    assert!(log.contains("Listening on 127.0.0.1:"), "loopback by default: {log}");
    let private = log.split("writing to ").nth(1).unwrap().lines().next().unwrap().trim().to_string();
    assert!(std::path::Path::new(&private).join("index.html").is_file());
    let status = server.interrupt();
    assert!(status.success(), "{status:?}");
    assert!(!std::path::Path::new(&private).exists(), "the private preview folder is cleaned up");
    assert_eq!(common::tree(&fixture.site), before, "the site and its public/ are untouched");
}

#[test]
fn a_port_in_use_is_a_clear_error() {
    let fixture = Fixture::new("basic");
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let out = fixture.run(&["serve", "--port", &port]);
    assert_eq!(out.status.code(), Some(1));
    let err = common::stderr(&out);
    assert!(err.contains(&format!("error: port {port} is already in use on 127.0.0.1")), "{err}");
    assert!(err.contains("--port"), "{err}");
}

#[test]
fn loopback_by_default_on_ipv4_and_ipv6_and_a_warning_when_exposed() {
    let fixture = Fixture::new("basic");
    let server = Server::start(&fixture.site, &["--verbose"]);
    let port = server.port;
    let log = server.log_lines();
    let listening = log.iter().find(|line| line.starts_with("Listening on ")).expect("a Listening line");
    let both = format!("Listening on 127.0.0.1:{port} and [::1]:{port};");
    if listening.starts_with(&both) {
        // It says it listens on ::1 too, so it must answer there.
        let mut v6 = TcpStream::connect(("::1", port)).expect("connect to [::1]");
        write!(v6, "GET / HTTP/1.1\r\nHost: [::1]:{port}\r\nConnection: close\r\n\r\n").unwrap();
        let mut response = String::new();
        v6.read_to_string(&mut response).unwrap();
        assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    } else {
        // A machine without IPv6: only the IPv4 loopback, and the IPv6 half is unchecked.
        assert!(listening.starts_with(&format!("Listening on 127.0.0.1:{port};")), "{listening}");
        let _ = std::io::stderr().write_all(b"NOTE: no IPv6 loopback here; serving on [::1] was not checked\n");
    }
    drop(server);

    let exposed = Server::start(&fixture.site, &["--bind", "0.0.0.0"]);
    let log = exposed.log.lock().unwrap().join("\n");
    assert!(log.contains("warning: listening on 0.0.0.0: anyone on your network can see this preview"), "{log}");
}

#[test]
fn the_preview_shows_scheduled_posts_marked() {
    let fixture = Fixture::new("basic");
    fixture.write("posts/2099-01-01-later.md", "---\ntitle: Later\ndate: 2099-01-01\n---\nSoon.\n");
    let server = Server::start(&fixture.site, &[]);
    let page = server.get("/posts/later/");
    assert_eq!(page.status, 200, "scheduled posts are previewed");
    assert!(page.body.contains("badge-scheduled\">Scheduled"), "{}", page.body);
}
