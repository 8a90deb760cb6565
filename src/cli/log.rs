//! `stet log`: archived articles, newest first.

use super::add::{title_label, TITLE_COLUMNS};
use super::ui::{json_line, Style, Ui};
use super::{exit, Cli, CliError};
use serde::Serialize;
use std::io::Write;

/// Arguments of `stet log`.
#[derive(clap::Args, Debug)]
pub struct LogArgs {
    /// Show at most this many articles
    #[arg(short = 'n', long)]
    limit: Option<usize>,
    /// JSON Lines on stdout: one object per article
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
struct LogJson<'a> {
    id: stet::ArticleId,
    title: Option<&'a str>,
    url: Option<&'a str>,
    published: Option<&'a str>,
    source: Option<&'a str>,
    archived: &'a str,
    captures: usize,
    input: Option<&'a str>,
}

/// Runs `stet log`.
pub fn cmd_log(cli: &Cli, ui: &Ui, args: &LogArgs) -> Result<i32, CliError> {
    let archive = cli.open(false)?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for rec in archive.log().take(args.limit.unwrap_or(usize::MAX)) {
        let rec = rec?;
        if args.json {
            json_line(
                &mut out,
                &LogJson {
                    id: rec.id,
                    title: rec.title.as_deref(),
                    url: rec.url.as_deref(),
                    published: rec.published.as_deref(),
                    source: rec.source.as_deref(),
                    archived: &rec.archived,
                    captures: rec.captures.len(),
                    input: rec.captures.first().map(|c| c.input.as_str()),
                },
            )?;
        } else {
            // The archive day, which the list is ordered by; the publication day after the
            // title (the one date column mixed the two, so "newest first" looked unsorted).
            let day = super::ui::day;
            writeln!(
                out,
                "{} {} {}{}{}",
                ui.paint(Style::Id, &archive.short_id(&rec.id, 8)),
                ui.paint(Style::Dim, day(&rec.archived)),
                title_label(Some(&rec), TITLE_COLUMNS),
                rec.source.as_deref().map(|s| ui.paint(Style::Dim, &format!("  {}", super::ui::one_line(s)))).unwrap_or_default(),
                rec.published.as_deref().map(|p| ui.paint(Style::Dim, &format!("  published {}", day(p)))).unwrap_or_default()
            )?;
        }
    }
    Ok(exit::OK)
}
