//! cpdblog: a static site generator for CPD reflection blogs.
//!
//! The pipeline runs one way: [`config`] → [`content`] → [`site`] → [`render`] (with
//! [`markdown`] and [`highlight`]) → [`output`], driven by [`pipeline`]. The commands in
//! [`cmd`] are thin clients of it; integration tests use this library API and the binary.

pub mod cli;
pub mod cmd;
pub mod config;
pub mod content;
pub mod diagnostic;
pub mod highlight;
pub mod import;
pub mod incremental;
pub mod lint;
pub mod markdown;
pub mod output;
pub mod panic;
pub mod pipeline;
pub mod programme;
pub mod render;
pub mod scaffold;
pub mod serve;
pub mod site;
pub mod yaml;
