//! `stet history`: the versions archived under one url, oldest first, with the size of each
//! change.
//!
//! Main items: [`HistoryArgs`] and [`cmd_history`]; the versions come from
//! [`stet::lineage::history`].
//!
//! Versions are numbered from 1, the numbers `stet diff URL@N URL@M` takes. `--json` writes
//! one object per version: `{"n","id","short","title","url","archived","published","source",
//! "change"}`, where `change` is null for the first version and otherwise
//! `{"same","edited","moved","added","removed","chars_added","chars_removed"}` (sentences, then
//! characters, against the version before).

use super::add::quote_title;
use super::ui::{json_line, Style, Ui};
use super::{exit, Cli, CliError};
use serde::Serialize;
use std::io::Write;
use stet::lineage::{url_key, ChangeSize, Version};
use stet::ArticleId;

/// Arguments of `stet history`.
#[derive(clap::Args, Debug)]
#[command(after_long_help = "\
Versions are numbered from 1, oldest first: `stet diff URL@1 URL@2` compares two of them. The
change column counts sentences added, removed, edited and moved against the version before,
then characters added and removed.

--json writes one object per version:
  {\"n\", \"id\", \"short\", \"title\", \"url\", \"archived\", \"published\", \"source\",
   \"change\": null for the first version, else {\"same\", \"edited\", \"moved\", \"added\",
   \"removed\", \"chars_added\", \"chars_removed\"}}")]
pub struct HistoryArgs {
    /// The url (compared without scheme, `www.`, fragment and trailing slash), or an article
    /// whose url to use
    target: String,
    /// JSON Lines on stdout: one object per version, oldest first
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
struct VersionJson<'a> {
    n: usize,
    id: ArticleId,
    short: &'a str,
    title: Option<&'a str>,
    url: Option<&'a str>,
    archived: &'a str,
    published: Option<&'a str>,
    source: Option<&'a str>,
    change: Option<ChangeSize>,
}

/// `1 added, 1 edited; +31/-0 chars`, zero counts left out.
fn change_text(c: &Option<ChangeSize>) -> String {
    let Some(c) = c else { return "first version".to_string() };
    let parts: Vec<String> = [(c.added, "added"), (c.removed, "removed"), (c.edited, "edited"), (c.moved, "moved")]
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| format!("{n} {what}"))
        .collect();
    let sentences = if parts.is_empty() { "no sentence changed".to_string() } else { parts.join(", ") };
    format!("{sentences}; +{}/-{} chars", c.chars_added, c.chars_removed)
}

/// Control characters and line breaks become spaces (titles come from user files).
fn one_line(s: &str) -> String {
    s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect()
}

/// `YYYY-MM-DD HH:MM` from RFC 3339.
fn minute(t: &str) -> String {
    t.get(..16).unwrap_or(t).replace('T', " ")
}

/// Runs `stet history`; exit 1 when the url has no versions, or when the target is an
/// article without a url.
///
/// The target is a url first. When no version is archived under it and it names an article
/// (an id or a unique prefix), a note on stderr says that history takes a url, and the
/// versions of that article's url are shown; an article without a url is an error saying so.
pub fn cmd_history(cli: &Cli, ui: &Ui, args: &HistoryArgs) -> Result<i32, CliError> {
    let archive = cli.open(false)?;
    let mut url = args.target.clone();
    let mut versions = stet::lineage::history(&archive, &url)?;
    if versions.is_empty() {
        url = article_url(&archive, ui, &args.target)?;
        versions = stet::lineage::history(&archive, &url)?;
        if versions.is_empty() {
            return Err(CliError::msg(format!("no versions archived under {} (the url of article {})", one_line(&url), args.target.trim()))
                .hint("`stet log --json` shows archived urls"));
        }
    }
    let mut out = std::io::stdout().lock();
    let shorts: Vec<String> = versions.iter().map(|v| archive.short_id(&v.record.id, 8)).collect();
    if args.json {
        for (v, short) in versions.iter().zip(&shorts) {
            let r = &v.record;
            json_line(
                &mut out,
                &VersionJson {
                    n: v.n,
                    id: r.id,
                    short,
                    title: r.title.as_deref(),
                    // The url asked about: an article archived first under another url (or
                    // none) and again under this one was listed with its first url, or null.
                    url: r.url.as_deref().filter(|u| url_key(u) == url_key(&url)).or(Some(url.as_str())),
                    archived: &r.archived,
                    published: r.published.as_deref(),
                    source: r.source.as_deref(),
                    change: v.change,
                },
            )?;
        }
    } else {
        write_table(&mut out, ui, &url_key(&url), &versions, &shorts)?;
    }
    out.flush()?;
    Ok(exit::OK)
}

/// The url of the article `target` names, for a target under which no version is archived;
/// the error when it names no article (no versions under that url) or one without a url.
fn article_url(archive: &stet::Archive, ui: &Ui, target: &str) -> Result<String, CliError> {
    let not_found = || {
        CliError::msg(format!("no versions archived under {}", one_line(target)))
            .hint("urls match without scheme, `www.`, fragment and trailing slash; `stet log --json` shows archived urls")
    };
    let id = match archive.resolve(target) {
        Ok(id) => id,
        Err(stet::Error::Ambiguous { .. }) => {
            return Err(CliError::msg(format!("no versions archived under {}, and as an article id it matches several articles", one_line(target)))
                .hint("`stet history` takes a url; give more of the id to use the url of one article"));
        }
        Err(stet::Error::BadId(_) | stet::Error::NotFound(_)) => return Err(not_found()),
        Err(e) => return Err(e.into()),
    };
    let Some(rec) = archive.article(&id)? else { return Err(not_found()) };
    let short = archive.short_id(&id, 8);
    match rec.url {
        Some(u) => {
            ui.status(&format!("note: {} is an article id, not a url (`stet history` takes a url): showing the versions of its url {}", one_line(target.trim()), one_line(&u)));
            Ok(u)
        }
        None => Err(CliError::msg(format!("{} is an article id, not a url, and article {short} has no url", one_line(target.trim())))
            .hint(format!("`stet history` takes a url (the versions archived under it); `stet lineage {short}` shows the articles related to it"))),
    }
}

fn write_table(out: &mut impl Write, ui: &Ui, key: &str, versions: &[Version], shorts: &[String]) -> Result<(), CliError> {
    let n = versions.len();
    writeln!(out, "{}", ui.paint(Style::Bold, &format!("{n} version{} of {key}, oldest first", if n == 1 { "" } else { "s" })))?;
    let changes: Vec<String> = versions.iter().map(|v| change_text(&v.change)).collect();
    let wn = n.to_string().len().max(1);
    let wid = shorts.iter().map(|s| s.len()).max().unwrap_or(8).max(2);
    let wch = changes.iter().map(|c| c.chars().count()).max().unwrap_or(6).max(6);
    writeln!(
        out,
        "{}",
        ui.paint(Style::Dim, &format!("{:>wn$}  {:<16}  {:<10}  {:<wid$}  {:<wch$}  title", "#", "archived", "published", "id", "change"))
    )?;
    for ((v, short), change) in versions.iter().zip(shorts).zip(&changes) {
        let r = &v.record;
        let published = r.published.as_deref().map(|p| p.get(..10).unwrap_or(p)).unwrap_or("-");
        writeln!(
            out,
            "{:>wn$}  {:<16}  {:<10}  {}  {:<wch$}  {}",
            v.n,
            minute(&r.archived),
            published,
            ui.paint(Style::Id, &format!("{short:<wid$}")),
            change,
            quote_title(r.title.as_deref().map(one_line).as_deref())
        )?;
    }
    Ok(())
}
