//! The physical floor of a blog build, for `bench/run.sh`: read every post, render its
//! Markdown with pulldown-cmark, write one HTML file per post, in parallel, and nothing else
//! (no templates, no lists, no feeds, no highlighting). cpdblog's CPU time is reported as a
//! multiple of this program's.
//!
//! ```text
//! cargo run --release --example floor -- SITE_DIR OUT_DIR
//! ```

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use rayon::prelude::*;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [site, out] = args.as_slice() else {
        eprintln!("usage: floor SITE_DIR OUT_DIR");
        return ExitCode::from(2);
    };
    let posts: Vec<PathBuf> = walkdir::WalkDir::new(Path::new(site).join("posts"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| e.into_path())
        .collect();
    let out = Path::new(out);
    let written: Result<usize, std::io::Error> = posts
        .par_iter()
        .map(|path| {
            let text = std::fs::read_to_string(path)?;
            // The body after the frontmatter's closing `---`.
            let body = text
                .strip_prefix("---\n")
                .and_then(|rest| rest.split_once("\n---\n"))
                .map_or(text.as_str(), |(_, b)| b);
            let mut html = String::with_capacity(body.len() * 3 / 2);
            pulldown_cmark::html::push_html(
                &mut html,
                pulldown_cmark::Parser::new_ext(body, cpdblog::markdown::OPTIONS),
            );
            let dir = out.join("posts").join(path.file_stem().unwrap_or_default());
            std::fs::create_dir_all(&dir)?;
            std::fs::write(dir.join("index.html"), html)?;
            Ok(1)
        })
        .sum();
    match written {
        Ok(n) => {
            eprintln!("floor: {n} posts rendered");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("floor: {e}");
            ExitCode::FAILURE
        }
    }
}
