//! `stet show`: an article's metadata, captures, relations and normalised text.

use super::add::quote_title;
use super::ui::{json_line, Style, Ui};
use super::{exit, Cli, CliError};
use serde::Serialize;
use std::io::Write;
use stet::model::Capture;

/// Arguments of `stet show`.
#[derive(clap::Args, Debug)]
pub struct ShowArgs {
    /// Article: id or unique prefix (4+ hex digits), a url (its latest version) or URL@N
    id: String,
    /// One JSON object on stdout (with `text`)
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
struct RelJson {
    kind: stet::RelationKind,
    other: stet::ArticleId,
    score: f32,
    parent: Option<stet::ArticleId>,
}

#[derive(Serialize)]
struct ShowJson<'a> {
    id: stet::ArticleId,
    title: Option<&'a str>,
    url: Option<&'a str>,
    published: Option<&'a str>,
    byline: Option<&'a str>,
    source: Option<&'a str>,
    archived: &'a str,
    captures: &'a [Capture],
    relations: Vec<RelJson>,
    text: &'a str,
}

/// Runs `stet show`.
pub fn cmd_show(cli: &Cli, ui: &Ui, args: &ShowArgs) -> Result<i32, CliError> {
    let archive = cli.open(false)?;
    let id = super::target::resolve_target(&archive, &args.id)?;
    let rec = archive.article_required(&id)?;
    let text = archive.text(&rec).map_err(|e| CliError::from(e).about(&id))?;
    let rels = archive.relations_of(&id)?;
    let mut out = std::io::stdout().lock();
    if args.json {
        let relations = rels.iter().map(|r| RelJson { kind: r.kind, other: r.other(&id), score: r.score, parent: r.parent }).collect();
        json_line(
            &mut out,
            &ShowJson {
                id,
                title: rec.title.as_deref(),
                url: rec.url.as_deref(),
                published: rec.published.as_deref(),
                byline: rec.byline.as_deref(),
                source: rec.source.as_deref(),
                archived: &rec.archived,
                captures: &rec.captures,
                relations,
                text: &text,
            },
        )?;
        return Ok(exit::OK);
    }
    writeln!(out, "{} {}", ui.paint(Style::Bold, "article"), ui.paint(Style::Id, &id.hex()))?;
    let field = |name: &str, v: Option<&str>| v.map(|v| format!("{:<10} {v}\n", format!("{name}:")));
    let mut head = String::new();
    for (n, v) in [
        ("title", rec.title.as_deref()),
        ("url", rec.url.as_deref()),
        ("published", rec.published.as_deref()),
        ("byline", rec.byline.as_deref()),
        ("source", rec.source.as_deref()),
        ("archived", Some(rec.archived.as_str())),
    ] {
        head.push_str(&field(n, v).unwrap_or_default());
    }
    write!(out, "{head}")?;
    writeln!(out, "captures:")?;
    for c in &rec.captures {
        let fmt = c.format.map(|f| format!(", {}", serde_json::to_value(f).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default())).unwrap_or_default();
        writeln!(out, "  {} {} ({} bytes{fmt})", ui.paint(Style::Dim, &c.at), c.input, c.size)?;
    }
    if !rels.is_empty() {
        writeln!(out, "relations:")?;
        for r in &rels {
            let other = r.other(&id);
            let role = match r.parent {
                Some(p) if p == id => "parent of",
                Some(_) => "derived from",
                None => "related to",
            };
            // A damaged record of the other article only costs its title here.
            let title = archive.article(&other).unwrap_or(None).and_then(|o| o.title);
            writeln!(
                out,
                "  {} {role} {} ({}) {}",
                ui.paint(Style::Warn, &format!("{:<14}", r.kind.as_str())),
                ui.paint(Style::Id, &archive.short_id(&other, 8)),
                stet::model::score_text(r.score),
                quote_title(title.as_deref())
            )?;
        }
    }
    writeln!(out)?;
    writeln!(out, "{text}")?;
    Ok(exit::OK)
}
