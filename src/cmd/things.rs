//! `cpdblog things`: the programme's Things, each with its posts and whether it is done, and
//! the total, as a table in the terminal.

use std::io::IsTerminal;
use std::path::Path;

use anstyle::{AnsiColor, Style};

use super::{EXIT_ERRORS, EXIT_OK, Verbosity, report};
use crate::cli::ThingsArgs;
use crate::pipeline::{self, BuildOptions};

/// Prints the table and returns the exit status.
pub fn run(site: &Path, args: ThingsArgs, verbosity: Verbosity) -> u8 {
    let mut options = BuildOptions::new(site);
    options.drafts = args.drafts;
    let (site, _warnings) = match pipeline::model(&options) {
        Ok(model) => model,
        Err(problems) => {
            report(&problems, verbosity);
            eprintln!("Fix these first: `cpdblog check` lists them.");
            return EXIT_ERRORS;
        }
    };
    let site = &site;
    let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let paint = |style: Style, text: &str| {
        if color { format!("{}{text}{}", style.render(), style.render_reset()) } else { text.to_string() }
    };
    let done_style = Style::new().fg_color(Some(AnsiColor::Green.into())).bold();
    let dim = Style::new().dimmed();
    let width = site.programme.things().map(|(_, t)| t.chars().count()).max().unwrap_or(5).clamp(5, 40);
    use std::fmt::Write as _;
    let mut out = String::new();
    let _ = writeln!(out, "{:>5}  {:<width$}  {:>5}  Latest reflection", "Thing", "Title", "Posts");
    for (number, title) in site.programme.things() {
        let posts = site.thing_posts(number);
        let title = cut_at_word(title, width);
        let latest = posts.first().map(|&i| {
            let post = &site.posts[i];
            format!("{} ({})", post.title, post.date.iso().get(..10).unwrap_or_default())
        });
        let count = posts.len().to_string();
        let (count, latest) = match latest {
            Some(latest) => (paint(done_style, &format!("{count:>5}")), latest),
            None => (paint(dim, &format!("{:>5}", "-")), paint(dim, "not yet")),
        };
        let _ = writeln!(out, "{number:>5}  {title:<width$}  {count}  {latest}");
    }
    let done = site.things_done();
    let total = site.programme.core_len();
    let percent = (done * 100).checked_div(total).unwrap_or(0);
    let programme = site.programme.name.as_deref().unwrap_or("the programme");
    let bonus = site.bonus_done();
    let bonus = if bonus > 0 { format!(", plus {bonus} bonus") } else { String::new() };
    let _ = writeln!(out, "\n{done} of {total} Things reflected on ({percent}%){bonus} in {programme}.");
    let general = site.posts.iter().filter(|p| p.things.is_empty()).count();
    if general > 0 {
        let _ = writeln!(out, "Plus {general} general reflection{}.", if general == 1 { "" } else { "s" });
    }
    out.push_str(&hours_lines(&site.cpd_hours()));
    // A closed pipe (`cpdblog things | head`) is not an error.
    let _ = std::io::Write::write_all(&mut std::io::stdout().lock(), out.as_bytes());
    EXIT_OK
}

/// The CPD hours, a line a year against the target, then the total; nothing when no post
/// records hours.
fn hours_lines(hours: &crate::site::HoursSummary) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    if hours.activities.is_empty() {
        return out;
    }
    let activities = |n: usize| format!("{n} activit{}", if n == 1 { "y" } else { "ies" });
    let target = hours.target.map_or_else(String::new, |target| format!(" (target: {target} a year)"));
    let _ = writeln!(out, "\nCPD hours{target}");
    for year in &hours.years {
        let status = match hours.target.map(|target| year.hours.short_of(target)) {
            Some(None) => ", target met".to_string(),
            Some(Some(short)) => format!(", {short} short"),
            None => String::new(),
        };
        let _ =
            writeln!(out, "{:>6}  {:>7}  {}{status}", year.year, year.hours.to_string(), activities(year.activities));
    }
    let _ = writeln!(out, "{:>6}  {:>7}  {}", "Total", hours.total.to_string(), activities(hours.activities.len()));
    out
}

/// `text` in at most `width` characters: cut at the last whole word, with an ellipsis.
fn cut_at_word(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_string();
    }
    let head: String = text.chars().take(width.saturating_sub(1)).collect();
    let cut = head.rsplit_once(' ').map_or(head.as_str(), |(words, _)| words);
    format!("{}…", cut.trim_end_matches([',', ':', ';', ' ']))
}

#[cfg(test)]
mod tests {
    #[test]
    fn titles_are_cut_at_a_word() {
        let title = "Face-to-face networks and professional organisations";
        assert_eq!(super::cut_at_word(title, 40), "Face-to-face networks and professional…");
        assert_eq!(super::cut_at_word("Blogging", 40), "Blogging");
    }
}
