//! cpdblog: a static site generator for CPD reflection blogs.
//!
//! The modules are layers, listed here from the bottom up; a module uses only modules of the
//! layers below it (`tests/architecture.rs` checks this on every `cargo test`). A post travels
//! up through them once: docs/ARCHITECTURE.md tells the way.
//!
//! 1. [`text`], [`diagnostic`]: shared text rules; the one problem type.
//! 2. [`layout`], [`yaml`], [`highlight`]: a site's files and folders; the YAML parser; code colours.
//! 3. [`config`], [`markdown`]: site.yaml, typed; the Markdown dialect.
//! 4. [`route`], [`programme`]: where each page goes; Things and networks.
//! 5. [`content`]: a post file, read and validated.
//! 6. [`site`]: the site model: posts grouped by Thing, network and tag.
//! 7. [`lint`]: warnings over posts and the model.
//! 8. [`render`]: typed page contexts through the Tera templates.
//! 9. [`output`]: staged, atomic writing of the output folder.
//! 10. [`pipeline`]: the one driver (a session) behind `build`, `check` and `serve`.
//! 11. [`import`], [`serve`], [`scaffold`]: clients of the pipeline.
//! 12. [`cli`], [`panic`]: the command line, parsed; the crash report.
//! 13. [`cmd`]: each command, from its arguments to the engine and back to the terminal.

pub mod text;

pub mod diagnostic;

pub mod highlight;
pub mod layout;
pub mod yaml;

pub mod config;
pub mod markdown;

pub mod programme;
pub mod route;

pub mod content;

pub mod site;

pub mod lint;

pub mod render;

pub mod output;

pub mod pipeline;

pub mod import;
pub mod scaffold;
pub mod serve;

pub mod cli;
pub mod panic;

pub mod cmd;
