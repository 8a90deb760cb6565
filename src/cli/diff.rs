//! `stet diff`: what changed between two articles, sentence by sentence and word by word.

use super::ui::{json_line, Ui};
use super::{exit, Cli, CliError};
use serde::Serialize;
use std::io::Write;
use std::path::PathBuf;
use stet::diff::{self, SideMeta};
use stet::{ArticleId, ArticleRecord, Archive};

/// Arguments of `stet diff`.
#[derive(clap::Args, Debug)]
pub struct DiffArgs {
    /// The first article: id, unique prefix, a url (its latest version) or URL@N (its N-th version)
    a: String,
    /// The second article
    b: String,
    /// One JSON object on stdout: summary and operations
    #[arg(long, conflicts_with_all = ["side_by_side", "html"])]
    json: bool,
    /// Two columns, fitted to the terminal width
    #[arg(long, short = 's', conflicts_with = "html")]
    side_by_side: bool,
    /// Write a self-contained HTML report to FILE ("-": standard output)
    #[arg(long, value_name = "FILE")]
    html: Option<PathBuf>,
    /// Show only the changes and N unchanged sentences around each; longer unchanged runs are
    /// folded into one line (the plain output only)
    #[arg(long, value_name = "N", conflicts_with_all = ["json", "side_by_side", "html"])]
    context: Option<usize>,
    /// Terminal width for --side-by-side, 40 or more [default: the terminal's ($COLUMNS first),
    /// else 100]
    #[arg(long, value_parser = clap::value_parser!(u16).range(40..))]
    width: Option<u16>,
}

#[derive(Serialize)]
struct DiffJson<'a> {
    a: ArticleId,
    b: ArticleId,
    kind: Option<&'a str>,
    /// What detection recorded for the pair (its figures, as `dups --json` gives them, oriented
    /// to a and b), or null.
    relation: Option<&'a diff::Detected>,
    summary: &'a diff::Summary,
    ops: &'a [diff::Op],
}

/// The relation recorded between `a` and `b`, oriented to them; `identical` for one article.
fn detected(archive: &Archive, a: &ArticleId, b: &ArticleId) -> Result<Option<diff::Detected>, CliError> {
    if a == b {
        let kind = "identical".to_string();
        return Ok(Some(diff::Detected { kind, score: 1.0, parent: None, coverage_a: 1.0, coverage_b: 1.0, verbatim: 1.0 }));
    }
    let Some(r) = archive.relations_of(a)?.into_iter().find(|r| r.other(a) == *b) else { return Ok(None) };
    let (coverage_a, coverage_b) = if r.a == *a { (r.coverage_a, r.coverage_b) } else { (r.coverage_b, r.coverage_a) };
    let parent = r.parent.map(|p| if p == *a { "a" } else { "b" });
    Ok(Some(diff::Detected { kind: r.kind.as_str().to_string(), score: r.score, parent, coverage_a, coverage_b, verbatim: r.verbatim }))
}

/// The summary's `label  value` lines fitted to `width` columns (when known): a longer line is
/// broken after its ` · ` and `; ` separators, continued under its value. Without a width
/// (piped), lines stay whole for scripts.
fn wrap_summary(summary: &str, width: Option<usize>) -> String {
    let Some(width) = width else { return summary.to_string() };
    const INDENT: &str = "           ";
    let cols = |s: &str| unicode_width::UnicodeWidthStr::width(s);
    let mut out = String::new();
    for line in summary.lines() {
        let mut current = String::new();
        let mut rest = line;
        while !rest.is_empty() {
            // The next piece: up to and including the next separator, or the rest.
            let cut = [" · ", "; "].iter().filter_map(|sep| rest.find(sep).map(|i| i + sep.len())).min().unwrap_or(rest.len());
            let (piece, tail) = rest.split_at(cut);
            if !current.trim().is_empty() && cols(&current) + cols(piece.trim_end()) > width {
                out.push_str(current.trim_end());
                out.push('\n');
                current = INDENT.to_string();
            }
            current.push_str(piece);
            rest = tail;
        }
        out.push_str(current.trim_end());
        out.push('\n');
    }
    out
}

/// The header of one side of the HTML report; the page shows the side's letter itself.
fn meta(archive: &Archive, rec: &ArticleRecord) -> SideMeta {
    SideMeta {
        label: archive.short_id(&rec.id, 8),
        title: rec.title.clone(),
        published: rec.published.clone(),
        source: rec.source.clone(),
        url: rec.url.clone().or_else(|| rec.captures.first().map(|c| c.input.clone())),
        id: Some(rec.id.hex()),
    }
}

/// Runs `stet diff`.
pub fn cmd_diff(cli: &Cli, ui: &Ui, args: &DiffArgs) -> Result<i32, CliError> {
    let archive = cli.open(false)?;
    let ida = super::target::resolve_target(&archive, &args.a)?;
    let idb = super::target::resolve_target(&archive, &args.b)?;
    let (ra, rb) = (archive.article_required(&ida)?, archive.article_required(&idb)?);
    let ta = archive.text(&ra).map_err(|e| CliError::from(e).about(&ida))?;
    let tb = archive.text(&rb).map_err(|e| CliError::from(e).about(&idb))?;
    let d = diff::diff_texts(&ta, &tb);
    let detected = detected(&archive, &ida, &idb)?;
    let kind = detected.as_ref().map(|r| r.kind.as_str());
    let mut out = std::io::stdout().lock();
    if args.json {
        json_line(&mut out, &DiffJson { a: ida, b: idb, kind, relation: detected.as_ref(), summary: &d.summary, ops: &d.ops })?;
        return Ok(exit::OK);
    }
    if let Some(path) = &args.html {
        let label = detected.as_ref().map(|r| r.describe(("A", "B")));
        let page = diff::render_html_report(&d, &meta(&archive, &ra), &meta(&archive, &rb), label.as_deref());
        if path.as_os_str() == "-" {
            out.write_all(page.as_bytes())?;
            return Ok(exit::OK);
        }
        write_atomically(path, page.as_bytes()).map_err(|e| CliError::msg(format!("cannot write {}: {e}", path.display())))?;
        ui.status(&format!("wrote {}", path.display()));
        return Ok(exit::OK);
    }
    // The relation line carries the kind; the summary below is the diff's own alignment.
    let summary = format!("{}{}", diff::render_detected(detected.as_ref()), diff::render_summary(&d, None));
    // COLUMNS is honoured when piped too (`COLUMNS=60 stet diff -s A B | less`).
    let width = args.width.map(usize::from).or_else(super::ui::columns_env).or_else(super::ui::terminal_width);
    let (short_a, short_b) = (archive.short_id(&ida, 8), archive.short_id(&idb, 8));
    // Titles fit the line with their side's letter, id and quotes.
    let title_cols = |short: &str| width.map_or(super::add::TITLE_COLUMNS, |w| super::add::TITLE_COLUMNS.min(w.saturating_sub(short.len() + 5)));
    let header = format!(
        "a {short_a} {}\nb {short_b} {}\n",
        super::add::title_label(Some(&ra), title_cols(&short_a)),
        super::add::title_label(Some(&rb), title_cols(&short_b))
    );
    writeln!(out, "{header}{}", wrap_summary(&summary, width))?;
    if args.side_by_side {
        write!(out, "{}", diff::render_side_by_side(&d, width.unwrap_or(100).max(40), ui.color))?;
    } else {
        write!(out, "{}", diff::render_inline_context(&d, ui.color, args.context))?;
    }
    out.flush()?;
    Ok(exit::OK)
}

/// Writes a file through a temporary sibling and a rename, so no half-written file stays.
fn write_atomically(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(std::path::Path::new("."));
    let tmp = dir.join(format!(".{}.tmp{}", path.file_name().and_then(|n| n.to_str()).unwrap_or("stet"), std::process::id()));
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}
