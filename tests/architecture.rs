//! The shape of the code, checked on every `cargo test`: modules are layers that only point
//! down (the order src/lib.rs documents), no source file over 500 lines, no function over 80.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The layers, bottom first; a module may use modules of lower layers only.
const LAYERS: &[&[&str]] = &[
    &["text", "diagnostic"],
    &["layout", "yaml", "highlight"],
    &["config", "markdown"],
    &["route", "programme"],
    &["content"],
    &["site"],
    &["lint"],
    &["render"],
    &["output"],
    &["pipeline"],
    &["import", "serve", "scaffold"],
    &["cli", "panic"],
    &["cmd"],
];

const LONGEST_FILE: usize = 500;
const LONGEST_FUNCTION: usize = 80;

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|layer| layer.contains(&module))
}

fn sources() -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut folders = vec![PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src")];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// `src/pipeline/write.rs` → `pipeline`; None for the crate root files.
fn module_of(path: &Path) -> Option<String> {
    let src = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src");
    let relative = path.strip_prefix(&src).unwrap();
    let first = relative.components().next()?.as_os_str().to_string_lossy().into_owned();
    let name = first.strip_suffix(".rs").unwrap_or(&first).to_string();
    (!matches!(name.as_str(), "lib" | "main")).then_some(name)
}

/// Code with comments, strings and character literals blanked out (same length, same lines),
/// so braces and paths inside them are not counted.
fn code_only(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let blank = |c: char| if c == '\n' { '\n' } else { ' ' };
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                out.push(' ');
                i += 1;
            }
        } else if c == 'r' && (next == Some('"') || next == Some('#')) && !prev_is_ident(&chars, i) {
            let hashes = chars[i + 1..].iter().take_while(|&&c| c == '#').count();
            if chars.get(i + 1 + hashes) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            let end: String = std::iter::once('"').chain(std::iter::repeat_n('#', hashes)).collect();
            let body_start = i + 2 + hashes;
            let rest: String = chars[body_start..].iter().collect();
            let len = rest.find(&end).map_or(rest.chars().count(), |b| rest[..b].chars().count()) + end.len();
            for &c in &chars[i..(body_start + len).min(chars.len())] {
                out.push(blank(c));
            }
            i = body_start + len;
        } else if c == '"' {
            out.push(' ');
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                let skip = if chars[i] == '\\' { 2 } else { 1 };
                for &c in &chars[i..(i + skip).min(chars.len())] {
                    out.push(blank(c));
                }
                i += skip;
            }
            out.push(' ');
            i += 1;
        } else if c == '\'' && (chars.get(i + 2) == Some(&'\'') || next == Some('\\')) {
            let len = chars[i + 1..].iter().position(|&c| c == '\'').map_or(1, |p| p + 2);
            let len = if next == Some('\\') {
                chars[i + 2..].iter().position(|&c| c == '\'').map_or(1, |p| p + 3)
            } else {
                len
            };
            out.extend(std::iter::repeat_n(' ', len));
            i += len;
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

fn prev_is_ident(chars: &[char], i: usize) -> bool {
    i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_')
}

/// Every `crate::NAME` a file refers to, with its line.
fn crate_references(code: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    for (number, line) in code.lines().enumerate() {
        for (at, _) in line.match_indices("crate::") {
            if at > 0 && prev_is_ident(&line.chars().collect::<Vec<_>>(), line[..at].chars().count()) {
                continue;
            }
            let name: String = line[at + 7..].chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            found.push((number + 1, name));
        }
    }
    found
}

/// (name, first line, lines) of every function with a body.
fn functions(code: &str) -> Vec<(String, usize, usize)> {
    let lines: Vec<&str> = code.lines().collect();
    let mut found = Vec::new();
    for (start, line) in lines.iter().enumerate() {
        let words: Vec<&str> = line.split_whitespace().collect();
        let Some(at) = words.iter().position(|w| *w == "fn") else { continue };
        let Some(name) = words.get(at + 1).map(|w| w.split(['(', '<']).next().unwrap_or(w).to_string()) else {
            continue;
        };
        let mut depth = 0i32;
        let mut opened = false;
        for (offset, line) in lines[start..].iter().enumerate() {
            for c in line.chars() {
                match c {
                    '{' => {
                        depth += 1;
                        opened = true;
                    }
                    '}' => depth -= 1,
                    _ => {}
                }
            }
            if !opened && line.trim_end().ends_with(';') {
                break;
            }
            if opened && depth <= 0 {
                found.push((name.clone(), start + 1, offset + 1));
                break;
            }
        }
    }
    found
}

fn relative(path: &Path) -> String {
    path.strip_prefix(env!("CARGO_MANIFEST_DIR")).unwrap().display().to_string()
}

#[test]
fn modules_only_use_the_layers_below_them() {
    let mut wrong = Vec::new();
    let mut unknown = BTreeMap::new();
    for path in sources() {
        let Some(module) = module_of(&path) else { continue };
        let Some(own) = layer_of(&module) else {
            unknown.insert(module, relative(&path));
            continue;
        };
        let code = code_only(&std::fs::read_to_string(&path).unwrap());
        for (line, used) in crate_references(&code) {
            match layer_of(&used) {
                Some(layer) if used == module || layer < own => {}
                Some(_) => wrong
                    .push(format!("{}:{line}: `{module}` uses `{used}`, a layer above or beside it", relative(&path))),
                None => {
                    unknown.insert(used, relative(&path));
                }
            }
        }
    }
    assert!(unknown.is_empty(), "modules missing from LAYERS (and from src/lib.rs's list): {unknown:?}");
    assert!(wrong.is_empty(), "layers must only point down:\n{}", wrong.join("\n"));
}

#[test]
fn no_file_over_500_lines_and_no_function_over_80() {
    let mut long = Vec::new();
    for path in sources() {
        let text = std::fs::read_to_string(&path).unwrap();
        let count = text.lines().count();
        if count > LONGEST_FILE {
            long.push(format!("{}: {count} lines (at most {LONGEST_FILE})", relative(&path)));
        }
        for (name, line, lines) in functions(&code_only(&text)) {
            if lines > LONGEST_FUNCTION {
                long.push(format!(
                    "{}:{line}: fn {name} is {lines} lines (at most {LONGEST_FUNCTION})",
                    relative(&path)
                ));
            }
        }
    }
    assert!(long.is_empty(), "split these:\n{}", long.join("\n"));
}

#[test]
fn the_checks_themselves_see_what_they_look_for() {
    let code = code_only(
        "fn a() {\n    let s = \"}{ crate::cmd\"; // crate::serve }\n    let c = '{';\n}\nfn b<'x>(v: &'x str) -> usize { crate::text::slugify(v).len() }\n",
    );
    assert_eq!(crate_references(&code), vec![(5, "text".to_string())]);
    let found = functions(&code);
    assert_eq!(found, vec![("a".to_string(), 1, 4), ("b".to_string(), 5, 1)]);
    let raw = code_only("let x = r#\"{ crate::cmd \"# ;\nfn c() {}\n");
    assert_eq!(crate_references(&raw), vec![]);
    assert_eq!(functions(&raw), vec![("c".to_string(), 2, 1)]);
}
