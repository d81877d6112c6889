//! A panic is a bug in cpdblog, never the user's fault: say so plainly, say how to report it,
//! and exit with status 101.

/// Replaces the default panic message with one that asks for a bug report.
pub fn install_hook() {
    std::panic::set_hook(Box::new(|info| {
        let place = info.location().map(|l| format!(" at {}:{}", l.file(), l.line())).unwrap_or_default();
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown cause".into());
        eprintln!(
            "cpdblog {} crashed: {message}{place}\n\nThis is a bug in cpdblog, not in your site. Your previous output is untouched.\nPlease report it at https://github.com/cpdblog/cpdblog/issues with the command you ran.",
            env!("CARGO_PKG_VERSION")
        );
        std::process::exit(101);
    }));
}
