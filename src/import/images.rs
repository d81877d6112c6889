//! `cpdblog import … --images`: the images imported posts show are downloaded from the old
//! blog into `static/images/YEAR/` and the posts point at the copies, so the blog survives
//! the old one being closed. Bounded: a few downloads at a time, timeouts, a size limit and
//! retries; an image that cannot be fetched is listed (post, address, why) and its link left
//! as it was, never fatal. Running it again fetches only what is missing.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use pulldown_cmark::{Event, Parser, Tag};

use crate::config::BaseUrl;
use crate::diagnostic::display_path;
use crate::layout::STATIC_DIR;
use crate::markdown::OPTIONS;
use crate::text::is_web_url;

/// Largest image fetched.
pub const IMAGE_SIZE_LIMIT: u64 = 20 * 1024 * 1024;
/// Downloads at a time: polite to the old host.
const AT_A_TIME: usize = 4;
/// Tries per image.
const TRIES: u32 = 3;

/// What bringing the images home did.
#[derive(Debug, Default)]
pub struct Fetched {
    /// Images downloaded now.
    pub downloaded: usize,
    /// Images already there from an earlier run.
    pub already_there: usize,
    /// Files whose links now point at the copies.
    pub rewritten: usize,
    /// Images that could not be fetched: (file, address, why).
    pub failed: Vec<(PathBuf, String, String)>,
}

/// One image to bring home, and where it goes.
struct Wanted {
    url: String,
    /// Relative to the site (`static/images/2011/map-1a2b3c4d.png`).
    local: PathBuf,
    /// The files that show it.
    shown_in: Vec<PathBuf>,
}

/// Downloads the web images that `files` (relative to `site_dir`) show, and rewrites their
/// links to the copies, as `base` publishes them.
pub fn bring_home(site_dir: &Path, files: &[PathBuf], base: &BaseUrl) -> Fetched {
    let mut wanted: BTreeMap<String, Wanted> = BTreeMap::new();
    for file in files {
        let Ok(text) = std::fs::read_to_string(site_dir.join(file)) else { continue };
        for url in image_urls(&text) {
            let entry = wanted.entry(url.clone()).or_insert_with(|| Wanted {
                local: local_path(&url, year_of(file)),
                url,
                shown_in: Vec::new(),
            });
            entry.shown_in.push(file.clone());
        }
    }
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(30)))
        .timeout_connect(Some(Duration::from_secs(10)))
        .build()
        .into();
    let report = Mutex::new(Fetched::default());
    let queue = Mutex::new(wanted.values().collect::<Vec<&Wanted>>());
    std::thread::scope(|scope| {
        for _ in 0..AT_A_TIME {
            scope.spawn(|| {
                while let Some(image) = queue.lock().unwrap_or_else(|e| e.into_inner()).pop() {
                    let result = fetch_once(&agent, site_dir, image);
                    let mut report = report.lock().unwrap_or_else(|e| e.into_inner());
                    match result {
                        Ok(true) => report.downloaded += 1,
                        Ok(false) => report.already_there += 1,
                        Err(why) => report
                            .failed
                            .extend(image.shown_in.iter().map(|file| (file.clone(), image.url.clone(), why.clone()))),
                    }
                }
            });
        }
    });
    let mut report = report.into_inner().unwrap_or_else(|e| e.into_inner());
    report.rewritten = rewrite(site_dir, files, &wanted, base);
    report.failed.sort();
    report
}

/// Brings one image home unless it is there: true when downloaded now.
fn fetch_once(agent: &ureq::Agent, site_dir: &Path, image: &Wanted) -> Result<bool, String> {
    let target = site_dir.join(&image.local);
    if target.is_file() {
        return Ok(false);
    }
    let mut last = String::new();
    for attempt in 0..TRIES {
        if attempt > 0 {
            std::thread::sleep(Duration::from_millis(300 * u64::from(attempt)));
        }
        match download(agent, &image.url) {
            Ok(bytes) => {
                if let Some(parent) = target.parent() {
                    std::fs::create_dir_all(parent).map_err(|e| e.to_string())?;
                }
                let temporary = target.with_extension("cpdblog-part");
                std::fs::write(&temporary, bytes).map_err(|e| e.to_string())?;
                std::fs::rename(&temporary, &target).map_err(|e| e.to_string())?;
                return Ok(true);
            }
            Err((why, worth_retrying)) => {
                last = why;
                if !worth_retrying {
                    break;
                }
            }
        }
    }
    Err(last)
}

/// The image's bytes, or why not and whether trying again may help.
fn download(agent: &ureq::Agent, url: &str) -> Result<Vec<u8>, (String, bool)> {
    let response = agent.get(url).call().map_err(|e| match e {
        ureq::Error::StatusCode(code) => (format!("the server answered {code}"), code >= 500 || code == 429),
        other => (other.to_string(), true),
    })?;
    let mut bytes = Vec::new();
    response
        .into_body()
        .into_reader()
        .take(IMAGE_SIZE_LIMIT + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| (e.to_string(), true))?;
    if bytes.len() as u64 > IMAGE_SIZE_LIMIT {
        return Err((format!("larger than {} MiB", IMAGE_SIZE_LIMIT / (1024 * 1024)), false));
    }
    Ok(bytes)
}

/// Points every link to a copy that is there at the copy; returns how many files changed.
fn rewrite(site_dir: &Path, files: &[PathBuf], wanted: &BTreeMap<String, Wanted>, base: &BaseUrl) -> usize {
    let mut changed = 0;
    for file in files {
        let path = site_dir.join(file);
        let Ok(text) = std::fs::read_to_string(&path) else { continue };
        let mut new = text.clone();
        for image in wanted.values().filter(|w| w.shown_in.contains(file)) {
            if site_dir.join(&image.local).is_file() {
                let published = image.local.strip_prefix(STATIC_DIR).unwrap_or(&image.local);
                new = new.replace(&image.url, &base.path(&display_path(published)));
            }
        }
        if new != text && std::fs::write(&path, new).is_ok() {
            changed += 1;
        }
    }
    changed
}

/// The web addresses of the images a post shows: Markdown images and `<img src>` in HTML.
fn image_urls(text: &str) -> Vec<String> {
    let mut urls: Vec<String> = Parser::new_ext(text, OPTIONS)
        .filter_map(|event| match event {
            Event::Start(Tag::Image { dest_url, .. }) => Some(dest_url.to_string()),
            _ => None,
        })
        .collect();
    let lower = text.to_ascii_lowercase();
    for (at, _) in lower.match_indices("<img") {
        let tag = &text[at..text[at..].find('>').map_or(text.len(), |end| at + end)];
        let Some(src) = tag.to_ascii_lowercase().find("src=") else { continue };
        let value = &tag[src + 4..];
        let quote = value.chars().next().filter(|c| *c == '"' || *c == '\'');
        let value = quote.map_or(value, |q| value[1..].split(q).next().unwrap_or_default());
        urls.push(value.split_whitespace().next().unwrap_or_default().to_string());
    }
    urls.retain(|url| is_web_url(url));
    urls.sort();
    urls.dedup();
    urls
}

/// `posts/2011/…` → `2011`; other files (pages) → `pages`.
fn year_of(file: &Path) -> String {
    let parts: Vec<String> = file.iter().map(|p| p.to_string_lossy().into_owned()).collect();
    match parts.get(1) {
        Some(year) if parts.len() > 2 && year.len() == 4 && year.chars().all(|c| c.is_ascii_digit()) => year.clone(),
        _ => "pages".to_string(),
    }
}

/// `static/images/YEAR/NAME-HASH.EXT`: the address's file name made safe, with a hash of
/// the whole address so two images of one name never share a file, and a re-run finds it.
fn local_path(url: &str, year: String) -> PathBuf {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    let last = path.rsplit('/').next().unwrap_or_default();
    let (stem, extension) = last.rsplit_once('.').unwrap_or((last, ""));
    let extension = extension.to_ascii_lowercase();
    let extension = match extension.as_str() {
        "jpg" | "jpeg" | "png" | "gif" | "webp" | "svg" | "avif" | "bmp" => extension,
        _ => "img".to_string(),
    };
    let mut stem = crate::text::slugify(stem);
    stem.truncate(60);
    if stem.is_empty() {
        stem = "image".into();
    }
    let name = format!("{stem}-{:08x}.{extension}", fnv1a(url) as u32);
    Path::new(STATIC_DIR).join("images").join(year).join(name)
}

/// A small hash that is the same on every machine and run.
fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_images_and_names_their_copies() {
        let text = "![a](https://x.files.wordpress.com/2011/07/map.png?w=300)\n\n<p><img alt=\"b\" src='http://y.bp.blogspot.com/s1600/Photo%201.JPG'></p>\n![local](/images/x.png)\n";
        assert_eq!(
            image_urls(text),
            ["http://y.bp.blogspot.com/s1600/Photo%201.JPG", "https://x.files.wordpress.com/2011/07/map.png?w=300"]
        );
        let local = local_path("https://x.files.wordpress.com/2011/07/map.png?w=300", "2011".into());
        assert!(display_path(&local).starts_with("static/images/2011/map-"), "{}", local.display());
        assert!(display_path(&local).ends_with(".png"));
        assert_eq!(local, local_path("https://x.files.wordpress.com/2011/07/map.png?w=300", "2011".into()));
        assert_eq!(year_of(Path::new("posts/2011/2011-07-18-x.md")), "2011");
        assert_eq!(year_of(Path::new("pages/about.md")), "pages");
    }
}
