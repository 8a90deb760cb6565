//! `stet add`: archive files, folders or standard input.

use stet::archive::Archive;
use super::ui::{json_line, Bar, Style, Ui};
use super::{exit, Cli, CliError};
use serde::Serialize;
use std::io::Write;
use std::path::PathBuf;
use rayon::prelude::*;
use stet::archive::{FoundRelation, PreparedInput};
use stet::inputs::{read_input, read_limited, walk};
use stet::{AddRequest, AddStatus, ArticleId};

/// Arguments of `stet add`.
#[derive(clap::Args, Debug)]
pub struct AddArgs {
    /// Files or folders to archive; "-" reads standard input
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<String>,
    /// The article's url (overrides what the input says; one input only)
    #[arg(long)]
    url: Option<String>,
    /// The article's title (one input only)
    #[arg(long)]
    title: Option<String>,
    /// Publication date (RFC 3339 or YYYY-MM-DD)
    #[arg(long)]
    published: Option<String>,
    /// Source label (outlet, collection)
    #[arg(long)]
    source: Option<String>,
    /// Refuse inputs larger than this many bytes
    #[arg(long, default_value_t = 50 * 1024 * 1024, value_name = "BYTES")]
    max_size: u64,
    /// JSON Lines on stdout: one object per input
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
struct AddJson<'a> {
    input: &'a str,
    status: &'static str,
    id: Option<ArticleId>,
    title: Option<&'a str>,
    relations: &'a [FoundRelation],
    error: Option<String>,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    warnings: &'a [String],
}

/// Inputs from which an `add` opens the store for bulk writes: copying sled's folder into larger
/// segments and back costs about 11 ms, a tenth of a one-file `add`'s time (23 -> 34 ms
/// measured), and pays back within some tens of inputs.
const BULK_INPUTS: usize = 32;

/// Inputs prepared together on the thread pool while earlier ones are archived.
const PREPARE_CHUNK: usize = 8;

/// Runs `stet add`.
pub fn cmd_add(cli: &Cli, ui: &Ui, args: &AddArgs) -> Result<i32, CliError> {
    if let Some(p) = &args.published {
        if stet::lineage::parse_date(p).is_none() {
            return Err(CliError::usage(format!("--published '{p}' is not a date")).hint("use RFC 3339 (2022-09-10T12:00:00Z) or YYYY-MM-DD"));
        }
    }
    // Standard input can be read once: a second "-" only ever found it empty.
    if args.paths.iter().filter(|p| *p == "-").count() > 1 {
        return Err(CliError::usage("\"-\" (standard input) is given more than once"));
    }
    // Expand folders first so the progress bar knows the total (and the store how much is coming).
    let mut items: Vec<(String, Result<Option<PathBuf>, String>)> = Vec::new();
    let mut assets = 0usize;
    for p in &args.paths {
        if p == "-" {
            items.push(("-".to_string(), Ok(None)));
            continue;
        }
        let walked = walk(&[PathBuf::from(p)]);
        for (path, res) in walked.inputs {
            items.push((path.display().to_string(), res.map(|_| Some(path.clone())).map_err(|e| e.to_string())));
        }
        for a in &walked.assets {
            tracing::info!("{}: skipped, a saved page's asset (style, script, image, font or media)", a.display());
        }
        assets += walked.assets.len();
    }
    if assets > 0 {
        ui.status(&format!(
            "{} skipped: a saved page's NAME_files folder, styles, scripts, images, fonts, media (-v lists them)",
            super::ui::count(assets as u64, "page asset", "page assets")
        ));
    }
    if items.is_empty() {
        return Err(CliError::msg(format!("no input files found in {}", args.paths.join(", ")))
            .hint("folders are walked recursively; hidden files and folders (names starting with '.') are skipped"));
    }
    // One url or title for many articles would make unrelated inputs versions of each other.
    if items.len() > 1 {
        for (flag, given) in [("--url", args.url.is_some()), ("--title", args.title.is_some())] {
            if given {
                return Err(CliError::usage(format!("{flag} names one article, but {} inputs were given", items.len()))
                    .hint("add such inputs one at a time; --published and --source apply to every input"));
            }
        }
    }
    let archive = if items.len() >= BULK_INPUTS { cli.open_bulk(true)? } else { cli.open(true)? };
    let bar = Bar::new(ui, items.len() as u64, 20);
    stet::Progress::start(&bar, "archiving", items.len() as u64);
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let (mut ok, mut failed) = (0usize, 0usize);
    // For the closing summary of a run of several inputs.
    let (mut identical, mut related) = (0usize, 0usize);
    let inputs = items.len();
    // Lines are reported only once what they report is flushed to disk, so that a kill
    // never loses an article that was reported archived. Flushes are batched.
    let mut pending: Vec<Report> = Vec::new();
    // Whether standard output is still read: `stet add DIR | head` archives everything all the
    // same, and says so on stderr.
    let mut stdout_open = true;
    let mut last_flush = std::time::Instant::now();
    // Reading, extraction and profiling run ahead on other threads (in order, a few inputs at a
    // time), archiving and detection on this one: the single writer.
    let (tx, rx) = std::sync::mpsc::sync_channel::<(String, Result<PreparedInput, String>)>(32);
    let encoder = archive.shared_encoder();
    let prepare = |input: String, item: Result<Option<PathBuf>, String>| {
        // A capture records where its file was, absolute (symlinks and `..` resolved): a path
        // relative to wherever `add` ran says nothing later. The report names the input as typed.
        let origin = match &item {
            Ok(Some(path)) => std::fs::canonicalize(path).or_else(|_| std::path::absolute(path)).map(|p| p.display().to_string()).unwrap_or_else(|_| input.clone()),
            _ => input.clone(),
        };
        let bytes = match item {
            Ok(Some(path)) => read_input(&path, args.max_size).map_err(|e| e.to_string()),
            Ok(None) => read_limited(std::io::stdin().lock(), args.max_size).map_err(|e| e.to_string()),
            Err(e) => Err(e),
        };
        let prepared = bytes.map(|bytes| {
            PreparedInput::new_with(AddRequest {
                input: origin,
                bytes,
                url: args.url.clone(),
                title: args.title.clone(),
                published: args.published.clone(),
                source: args.source.clone(),
            }, &encoder)
        });
        (input, prepared)
    };
    std::thread::scope(|scope| -> Result<(), CliError> {
        scope.spawn(move || {
            // Preparing runs on a pool of its own: the writer's parallel work (rebuilding the
            // profiles of candidates, verifying them) goes to the global pool, where it would
            // otherwise wait behind a whole chunk of preparing.
            let pool = rayon::ThreadPoolBuilder::new().thread_name(|i| format!("prepare-{i}")).build().ok();
            let mut items = items.into_iter().peekable();
            while items.peek().is_some() {
                let chunk: Vec<_> = items.by_ref().take(PREPARE_CHUNK).collect();
                let run = move || chunk.into_par_iter().map(|(input, item)| prepare(input, item)).collect::<Vec<_>>();
                let done = match &pool {
                    Some(pool) => pool.install(run),
                    None => run(),
                };
                for d in done {
                    if tx.send(d).is_err() {
                        return; // the writer stopped (an error); nothing more to do
                    }
                }
            }
        });
    for (input, prepared) in rx {
        let result = prepared.and_then(|p| archive.add_prepared(p).map_err(|e| e.to_string()));
        stet::Progress::inc(&bar, 1);
        match result {
            Ok(o) => {
                ok += 1;
                identical += usize::from(o.status == AddStatus::Identical);
                related += usize::from(!o.relations.is_empty());
                for w in &o.warnings {
                    pending.push(Report::Warning(format!("{input}: {w}")));
                }
                if args.json {
                    let status = match o.status {
                        AddStatus::Added => "added",
                        AddStatus::Identical => "identical",
                    };
                    let mut line = Vec::new();
                    json_line(&mut line, &AddJson { input: &input, status, id: Some(o.id), title: o.title.as_deref(), relations: &o.relations, error: None, warnings: &o.warnings })?;
                    pending.push(Report::Line(String::from_utf8_lossy(&line).trim_end().to_string()));
                } else if !ui.quiet {
                    pending.push(Report::Line(human_line(&archive, ui, &input, &o)));
                }
            }
            Err(e) => {
                failed += 1;
                if args.json {
                    let mut line = Vec::new();
                    json_line(&mut line, &AddJson { input: &input, status: "error", id: None, title: None, relations: &[], error: Some(e.clone()), warnings: &[] })?;
                    pending.push(Report::Line(String::from_utf8_lossy(&line).trim_end().to_string()));
                }
                pending.push(Report::Error(CliError::msg(format!("{input}: {e}"))));
            }
        }
        if pending.len() >= 64 || last_flush.elapsed().as_millis() >= 200 {
            if let Err(e) = archive.flush() {
                emit_failures(&bar, ui, &mut pending);
                return Err(e.into());
            }
            emit(&bar, ui, &mut out, &mut pending, args.json, &mut stdout_open)?;
            last_flush = std::time::Instant::now();
        }
    }
        Ok(())
    })?;
    if let Err(e) = archive.close() {
        emit_failures(&bar, ui, &mut pending);
        return Err(e.into());
    }
    emit(&bar, ui, &mut out, &mut pending, args.json, &mut stdout_open)?;
    stet::Progress::finish(&bar);
    compact_after(archive);
    if !stdout_open {
        ui.warn("standard output was closed early: the rest of the report was not printed, but every input was processed");
    }
    if inputs > 1 {
        // A run over a folder scrolls by; what it came to, on stderr.
        ui.status(&format!(
            "{}: {} added ({related} related to archived articles), {identical} identical, {failed} failed",
            super::ui::count(inputs as u64, "input", "inputs"),
            ok - identical
        ));
    }
    Ok(match (ok, failed) {
        (_, 0) => exit::OK,
        (0, _) => exit::ERROR,
        _ => exit::PARTIAL,
    })
}

/// Prints the warnings and errors among the reports when writing to the repository failed: the
/// inputs that failed still failed, while the others are not reported archived (they may not be).
fn emit_failures(bar: &Bar, ui: &Ui, pending: &mut Vec<Report>) {
    for report in pending.drain(..) {
        match report {
            Report::Warning(w) => bar.suspend(|| ui.warn(&w)),
            Report::Error(e) => bar.suspend(|| ui.error(&e)),
            Report::Line(_) => {}
        }
    }
}

/// What `add` reports of one input, kept in input order until its article is flushed.
enum Report {
    /// A line for standard output (human or JSON).
    Line(String),
    /// A warning for stderr.
    Warning(String),
    /// An input that failed, for stderr.
    Error(CliError),
}

/// Prints the reports in input order (after their articles were flushed): results on stdout,
/// warnings and errors on stderr, so that on a terminal each error stands where its input does.
/// Once stdout is closed (`BrokenPipe`) its lines are dropped and archiving goes on.
fn emit(bar: &Bar, ui: &Ui, out: &mut impl Write, pending: &mut Vec<Report>, json: bool, stdout_open: &mut bool) -> Result<(), CliError> {
    for report in pending.drain(..) {
        match report {
            Report::Line(line) if *stdout_open => {
                let written = if json { writeln!(out, "{line}").and_then(|()| out.flush()) } else { bar.println(&line) };
                match written {
                    Ok(()) => {}
                    Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => *stdout_open = false,
                    Err(e) => return Err(e.into()),
                }
            }
            Report::Line(_) => {}
            Report::Warning(w) => bar.suspend(|| ui.warn(&w)),
            Report::Error(e) => bar.suspend(|| ui.error(&e)),
        }
    }
    Ok(())
}

fn human_line(archive: &stet::Archive, ui: &Ui, input: &str, o: &stet::AddOutcome) -> String {
    let (word, style) = match o.status {
        AddStatus::Added => ("added", Style::Good),
        AddStatus::Identical => ("identical", Style::Dim),
    };
    let mut line = format!(
        "{} {} {}",
        ui.paint(style, &format!("{word:<9}")),
        ui.paint(Style::Id, &archive.short_id(&o.id, 8)),
        title_or_lead(o.title.as_deref(), o.lead.as_deref(), TITLE_COLUMNS)
    );
    if let Some(r) = o.relations.first() {
        line.push_str(&format!(
            " - {} {} ({})",
            ui.paint(Style::Warn, &relation_phrase(r.kind, r.parent == Some(o.id), r.contains_other)),
            ui.paint(Style::Id, &archive.short_id(&r.other, 8)),
            stet::model::score_text(r.score)
        ));
        if o.relations.len() > 1 {
            line.push_str(&format!(" +{} more", o.relations.len() - 1));
        }
    }
    line.push_str(&ui.paint(Style::Dim, &format!("  {}", super::ui::one_line(input))));
    line
}

/// How a new article relates to an archived one, read before the other's id: "rewrite of" when
/// the archived one is the parent, "rewritten as" when the new one is (an earlier publication
/// date archived later), so that the line agrees with `dups` and `lineage`. For an excerpt the
/// wording also follows which side holds the other (`new_contains`): a longer new article
/// "quotes" its parent or is "excerpted in" its child; a shorter one is an "excerpt of" its parent
/// or "quoted in" its child.
pub fn relation_phrase(kind: stet::RelationKind, new_is_parent: bool, new_contains: bool) -> String {
    use stet::RelationKind as K;
    let s = match (kind, new_is_parent, new_contains) {
        (K::Excerpt, false, true) => "quotes",
        (K::Excerpt, true, true) => "excerpted in",
        (K::Excerpt, true, false) => "quoted in",
        (K::Rewrite, true, _) => "rewritten as",
        (K::NearDuplicate, true, _) => "republished as",
        (K::Version, true, _) => "earlier version of",
        (K::Identical, true, _) => "identical to",
        (k, _, _) => return format!("{} of", k.as_str()),
    };
    s.to_string()
}

/// Terminal columns a title takes at most in one-line listings.
pub const TITLE_COLUMNS: usize = 71;

/// A title in quotes, shortened to [`TITLE_COLUMNS`] (control characters escaped: records of
/// older builds may hold them).
pub fn quote_title(t: Option<&str>) -> String {
    quote_title_in(t, TITLE_COLUMNS)
}

/// An article's title for one-line listings, quoted and shortened to `cols` columns; an article
/// without one shows `(untitled)` and the opening words kept as its lead, so that untitled
/// articles can be told apart (`log` listed them as "(untitled)" alike).
pub fn title_label(rec: Option<&stet::ArticleRecord>, cols: usize) -> String {
    title_or_lead(rec.and_then(|r| r.title.as_deref()), rec.and_then(|r| r.lead.as_deref()), cols)
}

/// [`title_label`] from the title and lead themselves.
pub fn title_or_lead(title: Option<&str>, lead: Option<&str>, cols: usize) -> String {
    match (title, lead) {
        (None, Some(lead)) => format!("(untitled) {}", quote_title_in(Some(lead), cols.saturating_sub(11).max(8))),
        _ => quote_title_in(title, cols),
    }
}

/// A title in quotes, shortened to `cols` terminal columns (wide characters count two).
pub fn quote_title_in(t: Option<&str>, cols: usize) -> String {
    match t {
        Some(t) => format!("\"{}\"", super::ui::fit_columns(&super::ui::one_line(t), cols.max(2))),
        None => "(untitled)".to_string(),
    }
}

/// Releases a closed archive and gives back sled's dead space (see
/// [`Archive::compact_database`]); a failure only leaves that space until the next time.
pub(super) fn compact_after(archive: Archive) {
    let path = archive.store().path().to_path_buf();
    drop(archive);
    if let Err(e) = Archive::compact_database(&path) {
        tracing::warn!("{}: could not compact the database: {e}", path.display());
    }
}
