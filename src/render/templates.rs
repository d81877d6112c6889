//! Loading the Tera templates: the default theme embedded in the binary, then the site's
//! `themes/NAME/templates/`, then the site's `templates/`, a later file replacing an earlier
//! one of the same name. Parsed once per build; errors name the template file and line.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use include_dir::{Dir, include_dir};
use tera::{Context, ErrorKind, Tera};

use crate::config::Theme;
use crate::diagnostic::{Diagnostic, Diagnostics, display_path};
use crate::layout::{self, CONFIG_FILE, TEMPLATES_DIR, Walk};

/// The built-in theme, embedded so an installed `cpdblog` works anywhere.
pub static DEFAULT_THEME: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

/// Parsed templates, and where each came from for error messages.
pub struct Templates {
    tera: Tera,
    origins: BTreeMap<String, PathBuf>,
}

impl std::fmt::Debug for Templates {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Templates").field("origins", &self.origins).finish()
    }
}

/// Template name → (text, where it came from).
type Sources = BTreeMap<String, (String, PathBuf)>;

impl Templates {
    /// Loads the default theme, the site's theme (unless `default`) and the site's overrides.
    pub fn load(site_dir: &Path, theme: &Theme) -> Result<Self, Diagnostics> {
        let mut sources = Sources::new();
        let mut problems = Diagnostics::default();
        if let Some(dir) = DEFAULT_THEME.get_dir(TEMPLATES_DIR) {
            for file in embedded_files(dir) {
                let name = display_path(file.path().strip_prefix(TEMPLATES_DIR).unwrap_or(file.path()));
                let text = file.contents_utf8().unwrap_or_default().to_string();
                sources.insert(name.clone(), (text, PathBuf::from(format!("(built-in theme) templates/{name}"))));
            }
        }
        let mut layers = Vec::new();
        if let Theme::Local(name) = theme {
            let theme_dir = layout::theme_dir(name);
            if !site_dir.join(&theme_dir).is_dir() {
                problems.push(
                    Diagnostic::error(format!(
                        "theme `{name}` not found: there is no folder {}",
                        display_path(&theme_dir)
                    ))
                    .in_file(CONFIG_FILE)
                    .with_hint("create themes/NAME/templates/ in the site, or use theme: default"),
                );
            }
            layers.push(theme_dir.join(TEMPLATES_DIR));
        }
        layers.push(PathBuf::from(TEMPLATES_DIR));
        for layer in layers {
            read_layer(site_dir, &layer, &mut sources, &mut problems);
        }
        if problems.has_errors() {
            return Err(problems);
        }

        let origins: BTreeMap<String, PathBuf> =
            sources.iter().map(|(name, (_, origin))| (name.clone(), origin.clone())).collect();
        // Parse one by one first, so every broken template is reported, not only the first.
        for (name, (text, _)) in &sources {
            if let Err(err) = Tera::new().add_raw_template(name, text).or_else(ignore_non_syntax) {
                problems.push(template_error(&err, &origins, None, &sources));
            }
        }
        if problems.has_errors() {
            return Err(problems);
        }
        let mut tera = Tera::new();
        tera.autoescape_on([".html", ".xml"]);
        if let Err(err) = tera.add_raw_templates(sources.iter().map(|(name, (text, _))| (name.as_str(), text.as_str())))
        {
            return Err(template_error(&err, &origins, None, &sources).into());
        }
        Ok(Self { tera, origins })
    }

    /// Sets the variables every template sees (`site`).
    pub fn set_globals(&mut self, globals: Context) {
        self.tera.global_context().extend(globals);
    }

    /// True when a template of this name exists.
    pub fn has(&self, name: &str) -> bool {
        self.origins.contains_key(name)
    }

    /// Renders `name` into `out`. `page` names the content being rendered, for the message.
    pub fn render_to(&self, name: &str, context: &Context, page: &str, out: &mut Vec<u8>) -> Result<(), Diagnostic> {
        self.tera.render_to(name, context, &mut *out).map_err(|err| {
            let d = template_error(&err, &self.origins, Some(page), &Sources::new());
            if d.path.is_none() {
                d.in_file(self.origins.get(name).cloned().unwrap_or_else(|| PathBuf::from(name)))
            } else {
                d
            }
        })
    }
}

/// Reads every template file under `site_dir/layer` into `sources`, replacing same names.
fn read_layer(site_dir: &Path, layer: &Path, sources: &mut Sources, problems: &mut Diagnostics) {
    let spec = Walk { folder: layer, skip_hidden: true, keep: |_| true, verb: "read" };
    let files = match layout::walk(site_dir, spec) {
        Ok(files) => files,
        Err(found) => return problems.extend(found),
    };
    for file in files {
        match std::fs::read_to_string(&file.path) {
            Ok(text) => {
                sources.insert(file.in_folder, (text, file.in_site));
            }
            Err(err) => problems.push(Diagnostic::io(format!("cannot read template: {err}")).in_file(file.in_site)),
        }
    }
}

/// A template parsed on its own may extend or include one that is not loaded yet: only
/// syntax errors count at that stage.
fn ignore_non_syntax(err: tera::Error) -> Result<(), tera::Error> {
    match err.kind() {
        ErrorKind::SyntaxError(_) => Err(err),
        _ => Ok(()),
    }
}

fn embedded_files<'a>(dir: &'a Dir<'a>) -> Vec<&'a include_dir::File<'a>> {
    let mut files: Vec<&include_dir::File<'_>> = dir.files().collect();
    for sub in dir.dirs() {
        files.extend(embedded_files(sub));
    }
    files.sort_by_key(|f| f.path());
    files
}

/// Turns a Tera error into a diagnostic at the template file and line.
fn template_error(
    err: &tera::Error,
    origins: &BTreeMap<String, PathBuf>,
    page: Option<&str>,
    sources: &Sources,
) -> Diagnostic {
    let (message, file, span) = match err.kind() {
        ErrorKind::SyntaxError(report) | ErrorKind::RenderingError(report) => {
            (report.message().to_string(), Some(report.filename().to_string()), Some(report.span().clone()))
        }
        other => (other.to_string(), None, None),
    };
    let message = match (page, err.kind()) {
        (Some(page), _) => format!("template error while rendering {page}: {message}"),
        (None, ErrorKind::SyntaxError(_)) => format!("template syntax error: {message}"),
        (None, _) => format!("template error: {message}"),
    };
    let mut d = Diagnostic::error(message);
    if let Some(file) = file {
        let origin = origins.get(&file).cloned().unwrap_or_else(|| PathBuf::from(&file));
        d = match span {
            Some(span) if span.start_line > 0 => d.at(origin, span.start_line, span.start_col + 1),
            _ => d.in_file(origin),
        };
        if let Some((text, _)) = sources.get(&file) {
            d = d.with_source(text);
        }
    }
    d
}
