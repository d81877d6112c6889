//! `cpdblog import … --images` against a real HTTP server on 127.0.0.1: images fetched into
//! static/images/, links rewritten, a failing address listed and left as it was, retries,
//! and a second run that fetches nothing new.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use common::{Fixture, stderr};

/// Serves `/img/map.png`, `/img/photo.jpg`, `/img/flaky.png` (fails once, then answers) and
/// 404 for the rest, counting the requests.
fn image_server() -> (String, Arc<AtomicUsize>) {
    let server = tiny_http::Server::http("127.0.0.1:0").unwrap();
    let port = server.server_addr().to_ip().unwrap().port();
    let requests = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&requests);
    std::thread::spawn(move || {
        let flaky = AtomicUsize::new(0);
        for request in server.incoming_requests() {
            counted.fetch_add(1, Ordering::SeqCst);
            let (status, body): (u16, &[u8]) = match request.url() {
                "/img/map.png" => (200, b"\x89PNG map"),
                "/img/photo.jpg" => (200, b"\xff\xd8 photo"),
                "/img/flaky.png" if flaky.fetch_add(1, Ordering::SeqCst) == 0 => (500, b"busy"),
                "/img/flaky.png" => (200, b"\x89PNG flaky"),
                _ => (404, b"not found"),
            };
            let _ = request.respond(tiny_http::Response::from_data(body).with_status_code(status));
        }
    });
    (format!("http://127.0.0.1:{port}"), requests)
}

fn export(host: &str) -> String {
    let item = |title: &str, date: &str, slug: &str, body: &str| {
        format!(
            "<item><title>{title}</title><wp:post_type>post</wp:post_type><wp:status>publish</wp:status>\
             <wp:post_date>{date}</wp:post_date><wp:post_date_gmt>{date}</wp:post_date_gmt>\
             <wp:post_name>{slug}</wp:post_name><content:encoded><![CDATA[{body}]]></content:encoded></item>\n"
        )
    };
    format!(
        "<?xml version=\"1.0\"?>\n<rss version=\"2.0\" xmlns:content=\"http://purl.org/rss/1.0/modules/content/\" \
         xmlns:wp=\"http://wordpress.org/export/1.2/\"><channel><title>Old</title>\n{}{}</channel></rss>\n",
        item(
            "Thing 6: Online networks",
            "2011-07-18 10:00:00",
            "networks",
            &format!(
                "<p>My map:</p><p><img src=\"{host}/img/map.png\" alt=\"A map of my networks\"></p><p><img src=\"{host}/img/gone.png\" alt=\"Gone\"></p>"
            ),
        ),
        item(
            "Thing 7: Face-to-face",
            "2012-01-02 10:00:00",
            "meetups",
            &format!(
                "<p><img src=\"{host}/img/photo.jpg\" alt=\"The room\"> and <img src=\"{host}/img/flaky.png\" alt=\"A slide\"></p>"
            ),
        ),
    )
}

#[test]
fn images_come_home_and_a_failure_is_listed_not_fatal() {
    let (host, requests) = image_server();
    let site = Fixture::new("basic");
    let file = site.site.join("../old.xml");
    std::fs::write(&file, export(&host)).unwrap();
    let out = site.run(&["import", "wordpress", file.to_str().unwrap(), "--images"]);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains(
            "Images: 3 downloaded into static/images/, 0 already there, 1 could not be fetched; 2 files rewritten"
        ),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "image not fetched: posts/2011/2011-07-18-networks.md: {host}/img/gone.png: the server answered 404"
        )),
        "{err}"
    );

    let images = common::tree(&site.site.join("static/images"));
    let names: Vec<&String> = images.keys().collect();
    assert_eq!(names.len(), 3, "{names:?}");
    assert!(names.iter().any(|n| n.starts_with("2011/map-") && n.ends_with(".png")), "{names:?}");
    assert!(images.iter().any(|(n, bytes)| n.starts_with("2012/photo-") && bytes == b"\xff\xd8 photo"));
    assert!(images.iter().any(|(n, bytes)| n.starts_with("2012/flaky-") && bytes == b"\x89PNG flaky"), "retried");

    let post = std::fs::read_to_string(site.site.join("posts/2011/2011-07-18-networks.md")).unwrap();
    assert!(post.contains("](/blog/images/2011/map-"), "the link points at the copy:\n{post}");
    assert!(post.contains(&format!("{host}/img/gone.png")), "a failed image keeps its link:\n{post}");
    let built = site.run(&["build"]);
    assert!(built.status.success(), "{}", stderr(&built));
    let page = site.page("posts/networks/index.html");
    assert!(page.contains("src=\"/blog/images/2011/map-"), "{page}");

    // Again: everything that is there stays; only the missing one is asked for again.
    let before = requests.load(Ordering::SeqCst);
    let again = site.run(&["import", "wordpress", file.to_str().unwrap(), "--images"]);
    let err = stderr(&again);
    assert!(again.status.success(), "{err}");
    assert!(err.contains("Images: 0 downloaded into static/images/, 0 already there, 1 could not be fetched"), "{err}");
    assert_eq!(requests.load(Ordering::SeqCst) - before, 1, "only gone.png is asked for again (404 is not retried)");
}
