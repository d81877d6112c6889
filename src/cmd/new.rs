//! `cpdblog new`: a post file with its frontmatter filled in, ready to write in.

use std::path::{Path, PathBuf};

use super::{EXIT_ERRORS, EXIT_OK, Verbosity, report};
use crate::cli::NewArgs;
use crate::config::ReflectionModel;
use crate::content::frontmatter::{ThingNumbers, Written};
use crate::diagnostic::{Diagnostic, Diagnostics, display_path};
use crate::layout::POSTS_DIR;
use crate::pipeline::{BuildOptions, Settings};
use crate::text::slugify;

/// The body of a new post that follows no reflective model.
const PLAIN_BODY: &str = "What did you do, what did you learn, and what will you do next?\n";

/// Writes the post, prints its path on stdout, and returns the exit status.
pub fn run(site: &Path, args: NewArgs, verbosity: Verbosity) -> u8 {
    match write(site, args) {
        Ok(path) => {
            println!("{}", path.display());
            if verbosity != Verbosity::Quiet {
                eprintln!("Open it in your editor, write, and preview with `cpdblog serve`.");
            }
            EXIT_OK
        }
        Err(problems) => {
            report(&problems, verbosity);
            EXIT_ERRORS
        }
    }
}

fn write(site: &Path, args: NewArgs) -> Result<PathBuf, Diagnostics> {
    let settings = Settings::load(&BuildOptions::new(site))?;
    let mut problems = Diagnostics::default();
    let range = settings.programme.things().map(|(n, _)| n).collect::<Vec<_>>();
    for &n in &args.things {
        if settings.programme.title(n).is_none() {
            let (first, last) = (range.first().copied().unwrap_or(1), range.last().copied().unwrap_or(1));
            problems.push(
                Diagnostic::error(format!("--thing {n} is not a Thing of the programme ({first}-{last})"))
                    .with_hint("run `cpdblog things` to see them"),
            );
        }
    }
    let mut networks = Vec::new();
    for name in &args.networks {
        match settings.networks.resolve(name) {
            Some(network) => networks.push(network.name.clone()),
            None => {
                problems.push(Diagnostic::error(format!("--network {name}: not a network cpdblog knows")).with_hint(
                    match crate::diagnostic::closest(name, settings.networks.names()) {
                        Some(best) => format!("did you mean `{best}`? Or add it under `networks:` in site.yaml"),
                        None => "add it under `networks:` in site.yaml".into(),
                    },
                ))
            }
        }
    }
    let model = model(&args, &settings, &mut problems);
    let title = match (&args.title, args.things.as_slice()) {
        (Some(title), _) if !title.trim().is_empty() => title.trim().to_string(),
        (_, [one]) => settings.programme.label(*one),
        _ => {
            problems.push(
                Diagnostic::error("a new post needs a title")
                    .with_hint("cpdblog new \"Thing 6: Online networks\", or --thing 6"),
            );
            String::new()
        }
    };
    if problems.has_errors() {
        return Err(problems);
    }
    let slug = slugify(&title);
    if slug.is_empty() {
        return Err(Diagnostics::from(
            Diagnostic::error(format!("the title `{title}` has no letters or digits to make a file name from"))
                .with_hint("use a title with words in it"),
        ));
    }
    let today = chrono::Local::now().format("%Y-%m-%d").to_string();
    let frontmatter = Written {
        title,
        date: today.clone(),
        thing: ThingNumbers::of(args.things),
        networks,
        tags: Some(Vec::new()),
        draft: args.draft,
        model: model.map(|m| m.name().to_string()),
        ..Written::default()
    };
    let body = model.map_or_else(|| PLAIN_BODY.to_string(), ReflectionModel::skeleton);
    let text = frontmatter.to_file(&body).map_err(Diagnostic::error)?;
    let relative = Path::new(POSTS_DIR).join(format!("{today}-{slug}.md"));
    let path = site.join(&relative);
    std::fs::create_dir_all(site.join(POSTS_DIR))
        .map_err(|e| Diagnostic::error(format!("cannot create {POSTS_DIR}/: {e}")))?;
    let mut file = std::fs::OpenOptions::new().write(true).create_new(true).open(&path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            Diagnostic::error(format!("{} already exists; it was left as it is", display_path(&relative)))
                .with_hint("choose another title, or edit that post")
        } else {
            Diagnostic::error(format!("cannot write {}: {e}", display_path(&relative)))
        }
    })?;
    std::io::Write::write_all(&mut file, text.as_bytes())
        .map_err(|e| Diagnostic::error(format!("cannot write {}: {e}", display_path(&relative))))?;
    Ok(path)
}

/// The model of `--model`, else site.yaml's `reflection_model:`; `--model none` for none.
/// An unknown name is reported, naming the closest model.
fn model(args: &NewArgs, settings: &Settings, problems: &mut Diagnostics) -> Option<ReflectionModel> {
    match args.model.as_deref().map(str::trim) {
        None => settings.config.reflection_model,
        Some("none") => None,
        Some(name) => ReflectionModel::parse(name)
            .map_err(|(_, hint)| {
                let message = format!("--model {name}: not a reflective model cpdblog knows");
                problems.push(Diagnostic::error(message).with_hint(hint))
            })
            .ok(),
    }
}
