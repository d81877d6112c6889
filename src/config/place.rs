//! Problems found in site.yaml after it was read (a menu page that does not exist, a Thing
//! without a title), told at their line from the text the config keeps.

use crate::diagnostic::Diagnostic;
use crate::layout::CONFIG_FILE;
use crate::yaml;

/// An error about site.yaml at `token` inside the block of `key` (or at `key` itself, or its
/// first line), with the line shown.
pub fn error_in_config(config_text: &str, key: &str, token: &str, message: String) -> Diagnostic {
    let (line, column) = yaml::position_within(config_text, key, 1, token, false)
        .or_else(|| yaml::key_position(config_text, key, 1))
        .unwrap_or((1, 1));
    Diagnostic::error(message).at(CONFIG_FILE, line, column).with_source(config_text)
}
