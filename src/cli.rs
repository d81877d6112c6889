//! The command line, declared with clap derive. Raw arguments become these typed structs before
//! the engine sees them; `cmd/` turns them into engine options.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// A fast static site generator for CPD reflection blogs.
#[derive(Debug, Parser)]
#[command(name = "cpdblog", version, about, long_about = None)]
pub struct Cli {
    /// The site folder (the one holding site.yaml).
    #[arg(long, global = true, value_name = "DIR", default_value = ".")]
    pub site: PathBuf,
    /// Print only errors.
    #[arg(long, short, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Print more detail (timings of each stage).
    #[arg(long, short, global = true)]
    pub verbose: bool,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the site into the output folder (default: SITE/public).
    Build(BuildArgs),
    /// Build, serve on localhost and rebuild on every save; open pages reload by themselves.
    Serve(ServeArgs),
    /// Check everything a build would (configuration, posts, templates, links) and report
    /// every problem; writes nothing.
    Check(CheckArgs),
    /// Bring posts and their comments over from a WordPress or Blogger export.
    Import(ImportArgs),
    /// Create a new blog: site.yaml, a first post, and a GitHub Pages workflow.
    Init(InitArgs),
    /// Start a new post: writes posts/YYYY-MM-DD-SLUG.md with its frontmatter and prints the path.
    New(NewArgs),
    /// Show your progress through the programme's Things in the terminal.
    Things(ThingsArgs),
}

/// `cpdblog init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// The folder for the new blog (default: --site, the current folder).
    pub dir: Option<PathBuf>,
    /// Write into a folder that is not empty, replacing files of the same names.
    #[arg(long)]
    pub force: bool,
    /// The GitHub repository the blog will be published from: sets base_url to its GitHub
    /// Pages address and the comment link to a new issue there.
    #[arg(long, value_name = "OWNER/REPO")]
    pub github: Option<String>,
}

/// `cpdblog new`.
#[derive(Debug, Args)]
pub struct NewArgs {
    /// The post's title (default, with one --thing: the Thing's own, "Thing 6: Online networks").
    pub title: Option<String>,
    /// A Thing the post reflects on (repeat for several).
    #[arg(long = "thing", value_name = "N")]
    pub things: Vec<u32>,
    /// A network the post is about (repeat for several).
    #[arg(long = "network", value_name = "NAME")]
    pub networks: Vec<String>,
    /// Mark it as a draft (built only with --drafts).
    #[arg(long)]
    pub draft: bool,
    /// Write the headings of a reflective model as prompts: rolfe, gibbs, kolb or driscoll
    /// (default: `reflection_model:` in site.yaml; `none` for a blank post).
    #[arg(long, value_name = "NAME")]
    pub model: Option<String>,
}

/// `cpdblog things`.
#[derive(Debug, Args)]
pub struct ThingsArgs {
    /// Count drafts as well.
    #[arg(long)]
    pub drafts: bool,
}

/// `cpdblog import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Where the export comes from.
    #[command(subcommand)]
    pub from: ImportFrom,
}

/// The export formats.
#[derive(Debug, Subcommand)]
pub enum ImportFrom {
    /// A WordPress export (WXR), from Tools → Export in WordPress.
    Wordpress(ImportFile),
    /// A Blogger export (Atom), from Settings → Back up content, or Google Takeout.
    Blogger(ImportFile),
}

/// The file to import and how.
#[derive(Debug, Args)]
pub struct ImportFile {
    /// The export file (.xml).
    #[arg(value_name = "FILE.xml")]
    pub file: PathBuf,
    /// Replace posts that already exist in posts/ (otherwise they are skipped and listed).
    #[arg(long)]
    pub force: bool,
    /// Download the images the posts show into static/images/ and point the posts at them.
    #[arg(long)]
    pub images: bool,
}

/// `cpdblog check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Treat warnings as errors (exit 1 if there are any).
    #[arg(long)]
    pub strict: bool,
    /// Include posts marked `draft: true`, as `build --drafts` would.
    #[arg(long)]
    pub drafts: bool,
    /// Include posts dated in the future, as `build --future` would.
    #[arg(long)]
    pub future: bool,
}

/// `cpdblog build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Include posts marked `draft: true`.
    #[arg(long)]
    pub drafts: bool,
    /// Include posts dated in the future.
    #[arg(long)]
    pub future: bool,
    /// Where to write the site (default: SITE/public).
    #[arg(long, short, value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// Override base_url from site.yaml (e.g. for a CI preview); also read from the
    /// CPDBLOG_BASE_URL environment variable.
    #[arg(long, value_name = "URL", env = "CPDBLOG_BASE_URL")]
    pub base_url: Option<String>,
    /// Replace the output folder even if cpdblog did not write it (its top-level dotfiles,
    /// such as .git, are kept).
    #[arg(long)]
    pub force: bool,
}

/// `cpdblog serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Port to listen on (0: any free port).
    #[arg(long, short, default_value_t = 1111)]
    pub port: u16,
    /// Address to listen on. The default keeps the preview on this machine; 0.0.0.0 shows it
    /// to your whole network.
    #[arg(long, alias = "interface", default_value = "127.0.0.1", value_name = "ADDRESS")]
    pub bind: std::net::IpAddr,
    /// Include posts marked `draft: true`.
    #[arg(long)]
    pub drafts: bool,
    /// Accepted for symmetry with build: the preview always shows scheduled posts, marked.
    #[arg(long, hide = true)]
    pub future: bool,
    /// Open the preview in your web browser.
    #[arg(long)]
    pub open: bool,
    /// Write the preview here instead of a private temporary folder (never your public/).
    #[arg(long, short, value_name = "DIR")]
    pub output: Option<PathBuf>,
}
