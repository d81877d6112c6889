//! Where each page of the output lives (CONTRACT §4). A [`Route`] is the one owner of every
//! output path and URL: templates, feeds, the sitemap, link checks and the live preview all
//! ask it, and none builds or parses a path string of its own.

use crate::config::BaseUrl;

/// One page of the output, by what it shows.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Route {
    /// Home page n (1-based): `/`, then `page/N/`.
    Home(usize),
    /// A post: `posts/SLUG/`.
    Post(String),
    /// `things/`.
    Things,
    /// `things/N/`.
    Thing(u32),
    /// `things/N/atom.xml`.
    ThingFeed(u32),
    /// `networks/`.
    Networks,
    /// `networks/SLUG/`.
    Network(String),
    /// `tags/`.
    Tags,
    /// `tags/SLUG/`.
    Tag(String),
    /// `networks/SLUG/atom.xml`.
    NetworkFeed(String),
    /// `tags/SLUG/atom.xml`.
    TagFeed(String),
    /// `atom.xml`.
    Feed,
    /// `sitemap.xml`.
    Sitemap,
    /// `404.html`.
    NotFound,
    /// `portfolio/`.
    Portfolio,
    /// `search/`.
    Search,
    /// `search/meta.json`: which word files exist, and the pages a query can jump to.
    SearchMeta,
    /// `search/words/KEY.json`: the words beginning with KEY and the documents holding them.
    SearchWords(String),
    /// `search/docs/N.json`: what a search result shows of document N.
    SearchDoc(usize),
    /// A standalone page: `SLUG/`.
    Page(String),
    /// An old address that redirects: a folder (`2011/07/18/old/`) or a file (`old.html`).
    Alias(String),
    /// Page N (from 2) of a Thing's, network's or tag's list: `things/6/page/2/`. Page 1 is
    /// the list's own route.
    More(Box<Route>, usize),
}

/// The first path segments the site's own sections use: a page may not take one as its slug.
pub const SECTIONS: [&str; 7] = ["posts", "things", "networks", "tags", "page", "portfolio", "search"];

impl Route {
    /// The address relative to the site root, as linked: `posts/x/` for a page (a folder),
    /// `atom.xml` for a file; empty for the home page.
    pub fn address(&self) -> String {
        match self {
            Route::Home(n) if *n <= 1 => String::new(),
            Route::Home(n) => format!("page/{n}/"),
            Route::Post(slug) => format!("posts/{slug}/"),
            Route::Things => "things/".into(),
            Route::Thing(n) => format!("things/{n}/"),
            Route::ThingFeed(n) => format!("things/{n}/atom.xml"),
            Route::Networks => "networks/".into(),
            Route::Network(slug) => format!("networks/{slug}/"),
            Route::Tags => "tags/".into(),
            Route::Tag(slug) => format!("tags/{slug}/"),
            Route::NetworkFeed(slug) => format!("networks/{slug}/atom.xml"),
            Route::TagFeed(slug) => format!("tags/{slug}/atom.xml"),
            Route::Feed => "atom.xml".into(),
            Route::Sitemap => "sitemap.xml".into(),
            Route::NotFound => "404.html".into(),
            Route::Portfolio => "portfolio/".into(),
            Route::Search => "search/".into(),
            Route::SearchMeta => "search/meta.json".into(),
            Route::SearchWords(key) => format!("search/words/{key}.json"),
            Route::SearchDoc(n) => format!("search/docs/{n}.json"),
            Route::Page(slug) => format!("{slug}/"),
            Route::Alias(path) => path.clone(),
            Route::More(list, n) => format!("{}page/{n}/", list.address()),
        }
    }

    /// Page `n` (1-based) of the list at this route: the route itself for page 1; the home
    /// page's own numbering for the home list.
    pub fn page(self, n: usize) -> Route {
        match self {
            Route::Home(_) => Route::Home(n),
            list if n <= 1 => list,
            list => Route::More(Box::new(list), n),
        }
    }

    /// The redirect route of an old address as written in `aliases:`: a path
    /// (`/2011/07/18/old-slug/`) or an absolute URL, whose path part is used. A path without a
    /// file extension is a folder (`…/index.html`). Paths that could leave the output (`..`),
    /// empty ones and the site's root are refused, with the reason.
    pub fn alias(written: &str) -> Result<Route, String> {
        let written = written.trim();
        let path = if crate::text::is_web_url(written) {
            let after_scheme = &written[written.find("//").map_or(0, |i| i + 2)..];
            after_scheme.find('/').map_or("/", |i| &after_scheme[i..])
        } else {
            written
        };
        let path = path.split(['?', '#']).next().unwrap_or_default();
        if !path.starts_with('/') {
            return Err(format!("alias `{written}` must be a path from the site's root (starting with /) or a URL"));
        }
        let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        if segments.is_empty() {
            return Err(format!("alias `{written}` is the site's home page"));
        }
        if segments.iter().any(|s| matches!(*s, "." | "..") || s.contains(['\\', '\0'])) {
            return Err(format!("alias `{written}` must not contain `.`, `..` or backslashes"));
        }
        let last = segments[segments.len() - 1];
        let is_file = !path.ends_with('/') && last.contains('.');
        let mut address = segments.join("/");
        if !is_file {
            address.push('/');
        }
        Ok(Route::Alias(address))
    }

    /// The file written, relative to the output folder: a folder address gets `index.html`.
    pub fn file(&self) -> String {
        let address = self.address();
        if address.is_empty() || address.ends_with('/') { format!("{address}index.html") } else { address }
    }

    /// The path-absolute URL (`/cpd/posts/x/`), for links between pages.
    pub fn url(&self, base: &BaseUrl) -> String {
        base.path(&self.address())
    }

    /// The absolute URL (`https://alex.github.io/cpd/posts/x/`), for feeds and sitemaps.
    pub fn permalink(&self, base: &BaseUrl) -> String {
        base.absolute(&self.address())
    }

    /// The feed of a page that has one (a Thing's, a network's, a tag's, the home page's).
    pub fn feed(&self) -> Option<Route> {
        match self {
            Route::Thing(n) => Some(Route::ThingFeed(*n)),
            Route::Network(slug) => Some(Route::NetworkFeed(slug.clone())),
            Route::Tag(slug) => Some(Route::TagFeed(slug.clone())),
            Route::Home(_) => Some(Route::Feed),
            Route::More(list, _) => list.feed(),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_files_and_urls() {
        let base = BaseUrl::parse("https://alex.github.io/cpd/").unwrap();
        assert_eq!(Route::Home(1).file(), "index.html");
        assert_eq!(Route::Home(3).file(), "page/3/index.html");
        assert_eq!(Route::Post("x".into()).file(), "posts/x/index.html");
        assert_eq!(Route::ThingFeed(6).file(), "things/6/atom.xml");
        assert_eq!(Route::NotFound.file(), "404.html");
        assert_eq!(Route::Thing(6).url(&base), "/cpd/things/6/");
        assert_eq!(Route::Tag("cpd".into()).page(1), Route::Tag("cpd".into()));
        assert_eq!(Route::Tag("cpd".into()).page(3).file(), "tags/cpd/page/3/index.html");
        assert_eq!(Route::Thing(6).page(2).feed(), Some(Route::ThingFeed(6)));
        assert_eq!(Route::Home(1).page(3), Route::Home(3));
        assert_eq!(Route::Tag("cpd".into()).permalink(&base), "https://alex.github.io/cpd/tags/cpd/");
        assert_eq!(Route::Home(1).url(&base), "/cpd/");
        assert_eq!(Route::Page("about".into()).file(), "about/index.html");
    }

    #[test]
    fn aliases_are_paths_inside_the_site() {
        let file = |w: &str| Route::alias(w).map(|r| r.file());
        assert_eq!(file("/2011/07/18/old-slug/").unwrap(), "2011/07/18/old-slug/index.html");
        assert_eq!(file("/2011/07/18/old-slug").unwrap(), "2011/07/18/old-slug/index.html");
        assert_eq!(file("https://old.example.org/2011/07/x.html?p=1").unwrap(), "2011/07/x.html");
        assert_eq!(
            file("http://old.example.org/?p=123").unwrap_err(),
            "alias `http://old.example.org/?p=123` is the site's home page"
        );
        assert!(file("/a/../../etc/").is_err());
        assert!(file("relative/path").is_err());
        assert!(file("/").is_err());
    }
}
