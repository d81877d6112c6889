//! The files of the output that are not pages: generated ones (`syntax.css`, `.nojekyll`,
//! `CNAME`) and the static layers (default theme, site theme, site `static/`), a later layer's
//! file replacing an earlier one of the same path.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::config::Theme;
use crate::diagnostic::{Diagnostic, Diagnostics, display_path};
use crate::layout::{self, STATIC_DIR, Walk};
use crate::output::Sink;
use crate::render::templates::DEFAULT_THEME;
use crate::site::Site;

enum Source {
    Bytes(Vec<u8>),
    Embedded(&'static [u8]),
    Disk(PathBuf),
}

/// Writes every non-page file into `sink`. Returns the paths written, sorted.
pub fn copy_static(site: &Site, site_dir: &Path, sink: &dyn Sink) -> Result<Vec<String>, Diagnostics> {
    let mut files: BTreeMap<String, Source> = BTreeMap::new();
    files.insert("syntax.css".into(), Source::Bytes(crate::highlight::stylesheet().into_bytes()));
    files.insert(".nojekyll".into(), Source::Bytes(Vec::new()));
    if let Some(cname) = &site.config.cname {
        files.insert("CNAME".into(), Source::Bytes(format!("{cname}\n").into_bytes()));
    }
    if let Some(dir) = DEFAULT_THEME.get_dir(STATIC_DIR) {
        add_embedded(dir, &mut files);
    }
    let mut layers = Vec::new();
    if let Theme::Local(name) = &site.config.theme {
        layers.push(layout::theme_dir(name).join(STATIC_DIR));
    }
    layers.push(PathBuf::from(STATIC_DIR));
    let mut problems = Diagnostics::default();
    for layer in &layers {
        let spec = Walk { folder: layer, skip_hidden: false, keep: |_| true, verb: "published" };
        match layout::walk(site_dir, spec) {
            Ok(found) => files.extend(found.into_iter().map(|f| (f.in_folder, Source::Disk(f.path)))),
            Err(found) => problems.extend(found),
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
            result.err().map(|e| Diagnostic::io(format!("cannot copy {path}: {e}")))
        })
        .collect();
    if errors.is_empty() { Ok(files.into_keys().collect()) } else { Err(errors.into_iter().collect()) }
}

fn add_embedded(dir: &'static include_dir::Dir<'static>, files: &mut BTreeMap<String, Source>) {
    for file in dir.files() {
        let path = file.path().strip_prefix(STATIC_DIR).unwrap_or(file.path());
        files.insert(display_path(path), Source::Embedded(file.contents()));
    }
    for sub in dir.dirs() {
        add_embedded(sub, files);
    }
}
