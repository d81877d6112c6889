//! The build pipeline, one way through: config → content → site model → render → output.
//! `build` runs all of it; `check` and `serve` reuse [`load`] and [`write`] rather than copying
//! them.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use rayon::prelude::*;

use std::sync::Arc;

use crate::config::SiteConfig;
use crate::content::{self, Post, PostContext};
use crate::diagnostic::{Diagnostic, Diagnostics, display_path};
use crate::output::{Sink, Staging};
use crate::programme::{NetworkRegistry, Programme};
use crate::render::{Page, Renderer, Templates, templates::DEFAULT_THEME};
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
        self.output.clone().unwrap_or_else(|| self.site_dir.join("public"))
    }
}

/// A loaded, checked site with its templates, ready to render.
#[derive(Debug)]
pub struct Loaded {
    /// The site model.
    pub site: Site,
    /// Parsed templates with the site's globals installed.
    pub templates: Templates,
    /// Warnings found while loading.
    pub warnings: Diagnostics,
}

/// What a successful build did.
#[derive(Debug)]
pub struct BuildReport {
    /// Posts built.
    pub posts: usize,
    /// Posts left out (drafts, future posts).
    pub left_out: usize,
    /// Files written, static files included.
    pub files: usize,
    /// Where.
    pub output: PathBuf,
    /// How long the whole build took.
    pub elapsed: Duration,
    /// Warnings, for the user.
    pub warnings: Diagnostics,
    /// What changed in the output folder.
    pub changes: crate::output::Changes,
    /// How long each stage took, in order, for `--verbose`.
    pub stages: Vec<(&'static str, Duration)>,
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
        let programme = Programme::from_config(&config);
        let networks = NetworkRegistry::from_config(&config)?;
        Ok(Self { config, programme, networks })
    }

    /// What posts are checked against.
    pub fn post_context(&self) -> PostContext<'_> {
        PostContext { programme: &self.programme, networks: &self.networks }
    }

    /// The site model of these posts, with the drafts and future posts `options` asks for.
    pub fn assemble(&self, posts: Vec<Arc<Post>>, options: &BuildOptions) -> Result<Site, Diagnostics> {
        let selection = Selection { drafts: options.drafts, future: options.future, now: options.now };
        Site::assemble(self.config.clone(), self.programme.clone(), self.networks.clone(), posts, selection)
    }
}

/// Loads config, posts and templates, reporting every error of every file at once.
pub fn load(options: &BuildOptions) -> Result<Loaded, Diagnostics> {
    let site_dir = &options.site_dir;
    let settings = Settings::load(options)?;
    let mut problems = Diagnostics::default();

    let (posts_and_problems, templates) = rayon::join(
        || -> Result<_, Diagnostics> {
            let files = content::find_posts(site_dir)?;
            Ok(content::load_posts(site_dir, &files, &settings.post_context()))
        },
        || Templates::load(site_dir, &settings.config.theme),
    );
    let posts = match posts_and_problems {
        Ok((posts, found)) => {
            problems.extend(found.0);
            posts
        }
        Err(found) => {
            problems.extend(found.0);
            Vec::new()
        }
    };
    // Checks of the posts that loaded run even when others failed, so one run reports all.
    problems.extend(crate::site::duplicate_slugs(posts.iter()).0);
    problems.extend(posts.iter().filter_map(|p| crate::lint::dates(p, options.now)));
    let templates = templates.map_err(|found| problems.extend(found.0.clone())).ok();
    if problems.has_errors() {
        problems.sort();
        return Err(problems);
    }
    let posts = posts.into_iter().map(Arc::new).collect();
    let site = settings.assemble(posts, options).map_err(|mut e| {
        e.extend(problems.0.clone());
        e.sort();
        e
    })?;
    let mut templates = templates.expect("no errors, so templates loaded");
    templates.set_globals(Renderer::globals(&site));
    problems.sort();
    Ok(Loaded { site, templates, warnings: problems })
}

/// Renders every page and copies static files into `sink`, in parallel. Returns the paths
/// written, or every rendering error.
pub fn write(loaded: &Loaded, site_dir: &Path, sink: &dyn Sink) -> Result<HashSet<String>, Diagnostics> {
    let renderer = Renderer::new(&loaded.site, &loaded.templates);
    let pages = renderer.pages();
    let rendered = render_pages(&renderer, &pages, sink);
    let statics = copy_static(&loaded.site, site_dir, sink);
    match (rendered, statics) {
        (Ok(()), Ok(statics)) => Ok(pages.iter().map(|&p| renderer.output_path(p)).chain(statics).collect()),
        (Err(mut problems), Err(more)) => {
            problems.extend(more.0);
            problems.sort();
            Err(problems)
        }
        (Err(problems), _) | (_, Err(problems)) => Err(problems),
    }
}

/// Renders `pages` in parallel into `sink`. Returns every rendering or writing error.
pub fn render_pages(renderer: &Renderer<'_>, pages: &[Page], sink: &dyn Sink) -> Result<(), Diagnostics> {
    let errors: Vec<Diagnostic> = pages
        .par_iter()
        .filter_map(|&page| {
            let path = renderer.output_path(page);
            let bytes = match renderer.render(page) {
                Ok(bytes) => bytes,
                Err(d) => return Some(d),
            };
            sink.write(&path, &bytes).err().map(|e| Diagnostic::error(format!("cannot write {path}: {e}")))
        })
        .collect();
    let mut problems = Diagnostics(errors);
    problems.sort();
    if problems.has_errors() { Err(problems) } else { Ok(()) }
}

/// Builds the site: load, render into a staging folder, swap it in. On any error the previous
/// output is left exactly as it was.
pub fn build(options: &BuildOptions) -> Result<BuildReport, Diagnostics> {
    let started = Instant::now();
    let mut stages = Vec::new();
    let mut lap = Instant::now();
    let mut stage = |name: &'static str| {
        stages.push((name, lap.elapsed()));
        lap = Instant::now();
    };
    let loaded = load(options)?;
    stage("load config, posts and templates");
    let staging = Staging::begin(&options.site_dir, &options.output_dir(), options.force)?;
    let produced = write(&loaded, &options.site_dir, &staging)?;
    stage("render and write pages, copy static files");
    let mut warnings = loaded.warnings;
    warnings.extend(crate::lint::links(&loaded.site, &produced));
    warnings.sort();
    let output = staging.output().to_path_buf();
    let changes = staging.commit().map_err(|e| {
        Diagnostics::from(Diagnostic::error(format!("cannot move the new site into {}: {e}", output.display())))
    })?;
    stage("swap the new output in");
    Ok(BuildReport {
        posts: loaded.site.posts.len(),
        left_out: loaded.site.left_out,
        files: produced.len() + 1,
        output,
        elapsed: started.elapsed(),
        warnings,
        stages,
        changes,
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
    let loaded = load(options)?;
    let produced = write(&loaded, &options.site_dir, &crate::output::Discard).map_err(|mut e| {
        e.extend(loaded.warnings.0.clone());
        e.sort();
        e
    })?;
    let mut warnings = loaded.warnings;
    warnings.extend(crate::lint::links(&loaded.site, &produced));
    warnings.sort();
    Ok(CheckReport { posts: loaded.site.posts.len(), left_out: loaded.site.left_out, warnings })
}

/// Writes the generated files that are not pages (`syntax.css`, `.nojekyll`, `CNAME`) and the
/// static layers: default theme, site theme, site `static/`; a later file of the same path wins.
/// Returns the paths written, sorted.
pub fn copy_static(site: &Site, site_dir: &Path, sink: &dyn Sink) -> Result<Vec<String>, Diagnostics> {
    use std::collections::BTreeMap;
    enum Source {
        Bytes(Vec<u8>),
        Embedded(&'static [u8]),
        Disk(PathBuf),
    }
    let mut files: BTreeMap<String, Source> = BTreeMap::new();
    files.insert("syntax.css".into(), Source::Bytes(crate::highlight::stylesheet().into_bytes()));
    files.insert(".nojekyll".into(), Source::Bytes(Vec::new()));
    if let Some(cname) = &site.config.cname {
        files.insert("CNAME".into(), Source::Bytes(format!("{cname}\n").into_bytes()));
    }
    if let Some(dir) = DEFAULT_THEME.get_dir("static") {
        add_embedded(dir, &mut |path, bytes| {
            files.insert(path, Source::Embedded(bytes));
        });
    }
    let mut problems = Diagnostics::default();
    let mut layers = Vec::new();
    if site.config.theme != "default" {
        layers.push(Path::new("themes").join(&site.config.theme).join("static"));
    }
    layers.push(PathBuf::from("static"));
    for layer in layers {
        let folder = site_dir.join(&layer);
        if !folder.is_dir() {
            continue;
        }
        for entry in walkdir::WalkDir::new(&folder).follow_links(false).sort_by_file_name() {
            let entry = match entry {
                Ok(entry) => entry,
                Err(err) => {
                    problems.push(Diagnostic::error(format!("cannot read: {err}")).in_file(&layer));
                    continue;
                }
            };
            let relative_to_site = entry.path().strip_prefix(site_dir).unwrap_or(entry.path()).to_path_buf();
            if entry.path_is_symlink() {
                if !content::symlink_inside(site_dir, entry.path()).unwrap_or(false) {
                    problems.push(
                        Diagnostic::error("this symlink points outside the site, so it is not published")
                            .in_file(relative_to_site)
                            .with_hint("copy the file into the site instead of linking to it"),
                    );
                    continue;
                }
                if !entry.path().is_file() {
                    continue;
                }
            } else if !entry.file_type().is_file() {
                continue;
            }
            let path = display_path(entry.path().strip_prefix(&folder).unwrap_or(entry.path()));
            files.insert(path, Source::Disk(entry.path().to_path_buf()));
        }
    }
    if problems.has_errors() {
        return Err(problems);
    }
    let errors: Vec<Diagnostic> = files
        .par_iter()
        .filter_map(|(path, source)| {
            let result = match source {
                Source::Bytes(bytes) => sink.write(path, bytes),
                Source::Embedded(bytes) => sink.write(path, bytes),
                Source::Disk(from) => std::fs::read(from).and_then(|bytes| sink.write(path, &bytes)),
            };
            result.err().map(|e| Diagnostic::error(format!("cannot copy {path}: {e}")))
        })
        .collect();
    if errors.is_empty() { Ok(files.into_keys().collect()) } else { Err(Diagnostics(errors)) }
}

fn add_embedded(dir: &'static include_dir::Dir<'static>, add: &mut dyn FnMut(String, &'static [u8])) {
    for file in dir.files() {
        let path = file.path().strip_prefix("static").unwrap_or(file.path());
        add(display_path(path), file.contents());
    }
    for sub in dir.dirs() {
        add_embedded(sub, add);
    }
}
