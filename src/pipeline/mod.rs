//! The one way through: config → content → site model → lints → render → output, driven by
//! one [`Session`]. `build` is a session's first (full) rebuild into the output folder,
//! `check` the same into nowhere, and `serve` keeps a session and rebuilds what each save
//! changed. One load, one list of checks: all three report the same warnings for one site.

mod cache;
mod changed;
mod read;
mod session;
mod statics;
mod write;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};

pub use changed::{Changed, is_editor_temporary};
pub use session::{Finished, Rebuilt, Session, Target};
pub use statics::copy_static;

use crate::config::SiteConfig;
use crate::content::{Post, PostContext, SitePage};
use crate::diagnostic::Diagnostics;
use crate::layout::OUTPUT_DIR;
use crate::programme::{NetworkRegistry, Programme};
use crate::site::{Selection, Site};

/// What to build and how.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// The site folder (holds site.yaml).
    pub site_dir: PathBuf,
    /// Output folder; default `SITE/public`.
    pub output: Option<PathBuf>,
    /// Include drafts.
    pub drafts: bool,
    /// Include posts dated in the future.
    pub future: bool,
    /// Overrides site.yaml's base_url.
    pub base_url: Option<String>,
    /// The moment that separates past from future posts.
    pub now: DateTime<Utc>,
    /// Replace an output folder cpdblog did not write (`--force`).
    pub force: bool,
}

impl BuildOptions {
    /// Defaults for the site in `site_dir`.
    pub fn new(site_dir: impl Into<PathBuf>) -> Self {
        Self {
            site_dir: site_dir.into(),
            output: None,
            drafts: false,
            future: false,
            base_url: None,
            now: Utc::now(),
            force: false,
        }
    }

    /// The output folder this build writes.
    pub fn output_dir(&self) -> PathBuf {
        self.output.clone().unwrap_or_else(|| self.site_dir.join(OUTPUT_DIR))
    }

    /// Which posts the site model includes.
    pub fn selection(&self) -> Selection {
        Selection { drafts: self.drafts, future: self.future, now: self.now }
    }
}

/// The site-wide inputs every post is read against: site.yaml and what it defines.
#[derive(Debug, Clone)]
pub struct Settings {
    /// site.yaml, with `--base-url` applied.
    pub config: SiteConfig,
    /// The programme's Things.
    pub programme: Programme,
    /// Known networks.
    pub networks: NetworkRegistry,
}

impl Settings {
    /// Reads and checks site.yaml.
    pub fn load(options: &BuildOptions) -> Result<Self, Diagnostics> {
        let mut config = SiteConfig::load(&options.site_dir)?;
        if let Some(base_url) = &options.base_url {
            config = config.with_base_url(base_url)?;
        }
        let programme = Programme::load(&options.site_dir, &config)?;
        let networks = NetworkRegistry::from_config(&config)?;
        Ok(Self { config, programme, networks })
    }

    /// What posts are checked against.
    pub fn post_context(&self) -> PostContext<'_> {
        PostContext { programme: &self.programme, networks: &self.networks, frameworks: &self.config.frameworks }
    }

    /// The site model of these posts, with the drafts and future posts `options` asks for.
    pub fn assemble(
        &self,
        posts: Vec<Arc<Post>>,
        pages: Vec<Arc<SitePage>>,
        options: &BuildOptions,
    ) -> Result<Site, Diagnostics> {
        let (config, programme, networks) = (self.config.clone(), self.programme.clone(), self.networks.clone());
        Site::assemble(config, programme, networks, posts, pages, options.selection())
    }
}

/// What a successful build did.
#[derive(Debug)]
pub struct BuildReport {
    /// Posts built.
    pub posts: usize,
    /// Posts left out (drafts, future posts).
    pub left_out: usize,
    /// Files written, static files and the output marker included.
    pub files: usize,
    /// Where.
    pub output: PathBuf,
    /// How long the whole build took.
    pub elapsed: Duration,
    /// Warnings, for the user.
    pub warnings: Diagnostics,
    /// What changed in the output folder.
    pub changes: crate::output::Changes,
    /// How long each step took, in order, for `--verbose`.
    pub stages: Vec<(&'static str, Duration)>,
}

/// Builds the site: load, check, render into a staging folder, swap it in. On any error the
/// previous output is left exactly as it was.
pub fn build(options: &BuildOptions) -> Result<BuildReport, Diagnostics> {
    let output = options.output_dir();
    let mut session = Session::new(options.clone(), Target::Folder(output.clone()));
    let key = cache::key(options);
    if let Some(cache) = cache::BuildCache::load(&key, &output) {
        session.resume(cache);
    }
    let everything = Changed { everything: true, statics: true, ..Changed::default() };
    let built = session.rebuild(&everything)?;
    let (pages, statics) = session.written();
    cache::BuildCache::save(&key, &output, pages, statics);
    Ok(BuildReport {
        posts: built.posts,
        left_out: built.left_out,
        files: built.files + 1,
        output: session.output().map(|o| o.to_path_buf()).unwrap_or_default(),
        elapsed: built.elapsed,
        warnings: built.warnings,
        changes: built.changes,
        stages: built.stages,
    })
}

/// What `cpdblog check` found in a site that would build.
#[derive(Debug)]
pub struct CheckReport {
    /// Posts the build would include.
    pub posts: usize,
    /// Posts it would leave out.
    pub left_out: usize,
    /// Every warning.
    pub warnings: Diagnostics,
}

/// Loads and validates everything a build would and renders every page to find template
/// errors, writing nothing. Returns the warnings, or every error and warning.
pub fn check(options: &BuildOptions) -> Result<CheckReport, Diagnostics> {
    let mut session = Session::once(options.clone(), Target::Nowhere);
    let checked = session.rebuild(&Changed::everything())?;
    Ok(CheckReport { posts: checked.posts, left_out: checked.left_out, warnings: checked.warnings })
}

/// The site model alone, for commands that show it rather than render it (`cpdblog things`),
/// with its warnings.
pub fn model(options: &BuildOptions) -> Result<(Site, Diagnostics), Diagnostics> {
    let mut session = Session::once(options.clone(), Target::Nowhere);
    session.model(&Changed::everything())
}
