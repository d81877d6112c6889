//! The build cache: what a `build` wrote (each page's fingerprint, the static files), kept in
//! the output folder itself (`.cpdblog-cache`, a dotfile: nothing is written outside the
//! output, and a Pages upload leaves hidden files out), so that the next build into the same
//! output renders only the pages whose inputs changed. It is used only when everything a fingerprint leaves out
//! is unchanged: the cpdblog version, site.yaml, the templates and theme overrides, programme
//! files, and the build's options. Otherwise, or when the output was touched (a page file
//! missing), the build renders everything, as without a cache; either way the output is what
//! a clean build writes, byte for byte.

use std::collections::BTreeSet;
use std::hash::{BuildHasher, Hash, Hasher};
use std::path::{Path, PathBuf};

use super::BuildOptions;
use crate::layout::CONFIG_FILE;
use crate::output::MARKER;

type HashMap<K, V> = std::collections::HashMap<K, V, ahash::RandomState>;

/// The cache's file in the output folder.
pub const CACHE_FILE: &str = ".cpdblog-cache";

/// Fingerprints and static files of an earlier build, and what they are valid for.
#[derive(Debug, Default)]
pub struct BuildCache {
    /// Output path to fingerprint, for every page.
    pub pages: HashMap<String, u64>,
    /// The static files copied.
    pub statics: BTreeSet<String>,
}

/// Where the cache of a build into `output` lives.
fn cache_file(output: &Path) -> PathBuf {
    output.join(CACHE_FILE)
}

fn hasher() -> ahash::RandomState {
    ahash::RandomState::with_seeds(0x62, 0x75, 0x69, 0x6c)
}

/// What the fingerprints leave out: the version, the options, and every file that is read
/// whole into every page (site.yaml, templates, theme overrides, programme files). Taken
/// once, before a build reads anything: a file edited during the build makes the next one
/// full.
pub fn key(options: &BuildOptions) -> String {
    let mut state = hasher().build_hasher();
    env!("CARGO_PKG_VERSION").hash(&mut state);
    (&options.base_url, options.drafts, options.future, options.now.date_naive()).hash(&mut state);
    std::fs::read(options.site_dir.join(CONFIG_FILE)).ok().hash(&mut state);
    for folder in [crate::layout::TEMPLATES_DIR, crate::layout::THEMES_DIR, crate::layout::PROGRAMMES_DIR] {
        let root = options.site_dir.join(folder);
        let mut files: Vec<PathBuf> = walkdir::WalkDir::new(&root)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(|e| e.into_path())
            .collect();
        files.sort();
        for file in files {
            file.hash(&mut state);
            std::fs::read(&file).ok().hash(&mut state);
        }
    }
    format!("cpdblog build cache {:016x}", state.finish())
}

impl BuildCache {
    /// The cache of the last build into `output`, if it was made under `key` and the output
    /// still holds every page it lists.
    pub fn load(key: &str, output: &Path) -> Option<Self> {
        let text = std::fs::read_to_string(cache_file(output)).ok()?;
        let mut lines = text.lines();
        if lines.next()? != key || !output.join(MARKER).is_file() {
            return None;
        }
        // A build killed during its swap left a staging folder: the next full build finishes it.
        if crate::output::staging_dir(output).exists() {
            return None;
        }
        let mut cache = BuildCache::default();
        for line in lines {
            let (kind, rest) = line.split_once(' ')?;
            match kind {
                "static" => {
                    cache.statics.insert(rest.to_string());
                }
                "page" => {
                    let (fingerprint, path) = rest.split_once(' ')?;
                    cache.pages.insert(path.to_string(), u64::from_str_radix(fingerprint, 16).ok()?);
                }
                _ => return None,
            }
        }
        let all_there = cache.pages.keys().chain(&cache.statics).all(|path| output.join(path).is_file());
        all_there.then_some(cache)
    }

    /// Forgets the cache of builds into `output`: called just before the output changes, so
    /// that a build killed while changing it leaves no cache that could hide a change.
    pub fn forget(output: &Path) {
        let _ = std::fs::remove_file(cache_file(output));
    }

    /// Keeps `pages` and `statics`, made under `key`, for the next build into `output`. A
    /// cache that cannot be written only makes the next build a full one.
    pub fn save(key: &str, output: &Path, pages: &HashMap<String, u64>, statics: &BTreeSet<String>) {
        let mut text = key.to_string();
        text.push('\n');
        let mut sorted: Vec<(&String, &u64)> = pages.iter().collect();
        sorted.sort();
        for (path, fingerprint) in sorted {
            text.push_str(&format!("page {fingerprint:016x} {path}\n"));
        }
        for path in statics {
            text.push_str(&format!("static {path}\n"));
        }
        let file = cache_file(output);
        if std::fs::read_to_string(&file).is_ok_and(|kept| kept == text) {
            return;
        }
        let temporary = output.join(format!("{CACHE_FILE}.tmp"));
        let written = std::fs::write(&temporary, text).and_then(|()| std::fs::rename(&temporary, &file));
        if written.is_err() {
            Self::forget(output);
        }
    }
}
