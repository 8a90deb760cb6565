//! `stet dups`: related pairs and families, strongest first.
//!
//! Main items: [`DupsArgs`] and [`cmd_dups`]. `--families` lists whole families (connected
//! groups, from [`stet::lineage::family_groups`]) with their members and the relations inside;
//! with `--json` one object per family: `{"family","size","score","members":[{"id","short",
//! "title","date","published","archived","source","url"}],"pairs":[{"a","b","kind","score","parent",...}]}`
//! (`date` is `published` when known, else `archived`).

use super::add::{title_label, TITLE_COLUMNS};
use super::ui::{json_line, Style, Ui};
use super::{exit, Cli, CliError};
use serde::Serialize;
use std::collections::HashMap;
use std::io::Write;
use stet::archive::PairFilter;
use stet::lineage::{family_groups, Family};
use stet::{ArticleId, ArticleRecord, Relation, RelationKind};

/// Arguments of `stet dups`.
#[derive(clap::Args, Debug)]
pub struct DupsArgs {
    /// Only pairs involving this article (id, unique prefix, url or URL@N)
    id: Option<String>,
    /// Only this kind (repeat for several): near-duplicate, excerpt, rewrite, version, identical
    /// (an article archived from several inputs: listed with ID, or when asked for by kind)
    #[arg(long, value_parser = kind_parser())]
    kind: Vec<RelationKind>,
    /// Only pairs scoring at least this (0 to 1)
    #[arg(long, default_value_t = 0.0, value_parser = parse_score, allow_negative_numbers = true)]
    min_score: f32,
    /// List whole families (connected groups): members and the relations inside, strongest
    /// family first; with ID, only that article's family
    #[arg(long)]
    families: bool,
    /// JSON Lines on stdout: one object per pair (per family with --families)
    #[arg(long)]
    json: bool,
}

fn parse_score(s: &str) -> Result<f32, String> {
    match s.parse::<f32>() {
        Ok(v) if (0.0..=1.0).contains(&v) => Ok(v),
        _ => Err(format!("'{s}' is not a score: give a number from 0 to 1")),
    }
}

/// The kinds `--kind` takes, listed by `--help` and offered by shell completion.
fn kind_parser() -> impl clap::builder::TypedValueParser<Value = RelationKind> {
    use clap::builder::TypedValueParser;
    use clap::builder::PossibleValue;
    clap::builder::PossibleValuesParser::new([
        PossibleValue::new("near-duplicate").aliases(["near", "duplicate"]),
        PossibleValue::new("excerpt"),
        PossibleValue::new("rewrite"),
        PossibleValue::new("version"),
        PossibleValue::new("identical"),
    ])
        .try_map(|s| RelationKind::parse(&s).ok_or_else(|| format!("unknown kind '{s}'")))
}

#[derive(Serialize)]
struct FamilyJson<'a> {
    family: usize,
    size: usize,
    score: f32,
    members: Vec<MemberJson<'a>>,
    pairs: Vec<PairJson>,
}

#[derive(Serialize)]
struct MemberJson<'a> {
    id: ArticleId,
    short: String,
    title: Option<&'a str>,
    /// The publication date, else the archive time (what members are sorted by).
    date: Option<&'a str>,
    /// The publication date, when known.
    published: Option<&'a str>,
    /// When the article was first archived.
    archived: Option<&'a str>,
    source: Option<&'a str>,
    url: Option<&'a str>,
}

/// An article archived from several identical inputs: `a` and `b` are both its id.
#[derive(Serialize)]
struct IdenticalJson<'a> {
    a: ArticleId,
    b: ArticleId,
    kind: RelationKind,
    score: f32,
    parent: Option<ArticleId>,
    captures: Vec<&'a str>,
}

impl IdenticalJson<'_> {
    fn of(r: &ArticleRecord) -> IdenticalJson<'_> {
        IdenticalJson { a: r.id, b: r.id, kind: RelationKind::Identical, score: 1.0, parent: None, captures: r.captures.iter().map(|c| c.input.as_str()).collect() }
    }
}

#[derive(Serialize)]
struct PairJson {
    a: ArticleId,
    b: ArticleId,
    kind: RelationKind,
    score: f32,
    parent: Option<ArticleId>,
    coverage_a: f32,
    coverage_b: f32,
    verbatim: f32,
}

impl PairJson {
    fn of(r: &Relation) -> PairJson {
        PairJson { a: r.a, b: r.b, kind: r.kind, score: r.score, parent: r.parent, coverage_a: r.coverage_a, coverage_b: r.coverage_b, verbatim: r.verbatim }
    }
}

/// Runs `stet dups`; exit 0 when there are pairs, 1 when none.
pub fn cmd_dups(cli: &Cli, ui: &Ui, args: &DupsArgs) -> Result<i32, CliError> {
    let archive = cli.open(false)?;
    let id = args.id.as_deref().map(|p| super::target::resolve_target(&archive, p)).transpose()?;
    if args.families {
        let pairs = archive.pairs(&PairFilter { id: None, kinds: args.kind.clone(), min_score: args.min_score })?;
        let fams: Vec<Family> = family_groups(&pairs).into_iter().filter(|f| id.is_none_or(|i| f.members.contains(&i))).collect();
        let mut out = std::io::stdout().lock();
        list_families(&archive, ui, &fams, args.json, &mut out)?;
        if fams.is_empty() {
            if !args.json {
                ui.status("no families");
            }
            return Ok(exit::ERROR);
        }
        return Ok(exit::OK);
    }
    let pairs = archive.pairs(&PairFilter { id, kinds: args.kind.clone(), min_score: args.min_score })?;
    // Identical captures are one article: finding them all reads every record, so a listing of
    // the whole archive shows them only when asked for by kind.
    let wants_identical = if args.kind.is_empty() { id.is_some() } else { args.kind.contains(&RelationKind::Identical) };
    let identical = if wants_identical { archive.identical_captures(id.as_ref())? } else { Vec::new() };
    let mut out = std::io::stdout().lock();
    if args.json {
        for r in &pairs {
            json_line(&mut out, &PairJson::of(r))?;
        }
        for r in &identical {
            json_line(&mut out, &IdenticalJson::of(r))?;
        }
    } else {
        render_families(&archive, ui, &pairs, &mut out)?;
        render_identical(&archive, ui, &identical, !pairs.is_empty(), &mut out)?;
    }
    if pairs.is_empty() && identical.is_empty() {
        if !args.json {
            ui.status("no related pairs");
        }
        return Ok(exit::ERROR);
    }
    Ok(exit::OK)
}

fn render_families(archive: &stet::Archive, ui: &Ui, pairs: &[Relation], out: &mut impl Write) -> Result<(), CliError> {
    let fams = stet::lineage::families(pairs);
    let mut fam_of: HashMap<ArticleId, usize> = HashMap::new();
    for (i, f) in fams.iter().enumerate() {
        for id in f {
            fam_of.insert(*id, i);
        }
    }
    // Families in order of their strongest pair (pairs are sorted strongest first).
    let mut order: Vec<usize> = Vec::new();
    for r in pairs {
        let f = fam_of[&r.a];
        if !order.contains(&f) {
            order.push(f);
        }
    }
    // A pair's line holds two titles; on a terminal they share its width (the line took 185
    // columns of an 80-column terminal), elsewhere they keep the usual length. Where sharing
    // would leave each title fewer than 20 columns, the child goes on a line of its own.
    let (two_lines, title_cols) = pair_layout(super::ui::terminal_width());
    let mut labels: HashMap<ArticleId, (String, String)> = HashMap::new();
    let mut label = |id: &ArticleId| -> Result<String, CliError> {
        if !labels.contains_key(id) {
            let short = archive.short_id(id, 8);
            // An id longer than 8 digits (two ids share a prefix) takes its extra from the title.
            let cols = title_cols.saturating_sub(short.len().saturating_sub(8)).max(8);
            let r = archive.article(id)?;
            labels.insert(*id, (short, super::add::title_label(r.as_ref(), cols)));
        }
        let (short, title) = &labels[id];
        Ok(format!("{} {}", ui.paint(Style::Id, short), title))
    };
    for (n, f) in order.iter().enumerate() {
        if n > 0 {
            writeln!(out)?;
        }
        writeln!(out, "{}", ui.paint(Style::Bold, &format!("family of {} articles", fams[*f].len())))?;
        for r in pairs.iter().filter(|r| fam_of[&r.a] == *f) {
            let (parent, child) = match r.parent {
                Some(p) if p == r.b => (r.b, r.a),
                _ => (r.a, r.b),
            };
            let gap = if two_lines { format!("\n{:17}", "") } else { String::new() };
            writeln!(
                out,
                "  {} {}  {}{gap}  {}  {}",
                ui.paint(Style::Warn, &format!("{:<14}", r.kind.as_str())),
                stet::model::score_text(r.score),
                label(&parent)?,
                ui.paint(Style::Dim, "->"),
                label(&child)?
            )?;
        }
    }
    Ok(())
}

/// Lists articles archived from several inputs, with those inputs.
fn render_identical(archive: &stet::Archive, ui: &Ui, recs: &[ArticleRecord], after: bool, out: &mut impl Write) -> Result<(), CliError> {
    for (n, r) in recs.iter().enumerate() {
        if n == 0 && after {
            writeln!(out)?;
        }
        let inputs: Vec<String> = r.captures.iter().map(|c| one_line(&c.input)).collect();
        writeln!(
            out,
            "  {} 1.00  {} {}  {} captures: {}",
            ui.paint(Style::Warn, &format!("{:<14}", RelationKind::Identical.as_str())),
            ui.paint(Style::Id, &archive.short_id(&r.id, 8)),
            title_label(Some(r), TITLE_COLUMNS),
            r.captures.len(),
            inputs.join(", ")
        )?;
    }
    Ok(())
}

/// Control characters and line breaks become spaces (titles come from user files).
fn one_line(s: &str) -> String {
    s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect()
}

/// The date shown for an article: published, else archived.
fn date_of(r: &ArticleRecord) -> &str {
    r.published.as_deref().unwrap_or(&r.archived)
}

/// Lists whole families: members oldest first, then the relations inside, strongest first.
fn list_families(archive: &stet::Archive, ui: &Ui, fams: &[Family], json: bool, out: &mut impl Write) -> Result<(), CliError> {
    for (n, f) in fams.iter().enumerate() {
        let mut recs: HashMap<ArticleId, ArticleRecord> = HashMap::new();
        for id in &f.members {
            if let Some(r) = archive.article(id)? {
                recs.insert(*id, r);
            }
        }
        let mut members = f.members.clone();
        members.sort_by_key(|id| (recs.get(id).map(|r| date_of(r).to_string()), recs.get(id).map(|r| r.seq), *id));
        let shorts: HashMap<ArticleId, String> = members.iter().map(|id| (*id, archive.short_id(id, 8))).collect();
        if json {
            let members = members
                .iter()
                .map(|id| {
                    let r = recs.get(id);
                    MemberJson {
                        id: *id,
                        short: shorts[id].clone(),
                        title: r.and_then(|r| r.title.as_deref()),
                        date: r.map(date_of),
                        published: r.and_then(|r| r.published.as_deref()),
                        archived: r.map(|r| r.archived.as_str()),
                        source: r.and_then(|r| r.source.as_deref()),
                        url: r.and_then(|r| r.url.as_deref()),
                    }
                })
                .collect();
            let pairs = f.pairs.iter().map(PairJson::of).collect();
            json_line(out, &FamilyJson { family: n + 1, size: f.members.len(), score: f.score, members, pairs })?;
            continue;
        }
        if n > 0 {
            writeln!(out)?;
        }
        let plural = if f.pairs.len() == 1 { "" } else { "s" };
        let head = format!("family {}: {} articles, {} relation{plural}, strongest {}", n + 1, f.members.len(), f.pairs.len(), stet::model::score_text(f.score));
        writeln!(out, "{}", ui.paint(Style::Bold, &head))?;
        for id in &members {
            let r = recs.get(id);
            let date = r.map(|r| super::ui::day_label(r.published.as_deref(), &r.archived)).unwrap_or_else(|| "-".into());
            let source = r.and_then(|r| r.source.as_deref()).map(|s| format!("  {s}")).unwrap_or_default();
            writeln!(
                out,
                "  {} {} {}{}",
                ui.paint(Style::Id, &shorts[id]),
                ui.paint(Style::Dim, &date),
                title_label(r, TITLE_COLUMNS),
                ui.paint(Style::Dim, &one_line(&source))
            )?;
        }
        for r in &f.pairs {
            let (from, to, arrow) = match r.parent {
                Some(p) if p == r.b => (r.b, r.a, "->"),
                Some(_) => (r.a, r.b, "->"),
                None => (r.a, r.b, "--"),
            };
            writeln!(
                out,
                "    {} {}  {} {} {}",
                ui.paint(Style::Warn, &format!("{:<14}", r.kind.as_str())),
                stet::model::score_text(r.score),
                ui.paint(Style::Id, &shorts.get(&from).cloned().unwrap_or_default()),
                ui.paint(Style::Dim, arrow),
                ui.paint(Style::Id, &shorts.get(&to).cloned().unwrap_or_default())
            )?;
        }
    }
    Ok(())
}

/// Columns of a pair's line besides its two titles: indent, kind, score, ids, quotes, arrow.
const PAIR_FIXED_COLUMNS: usize = 51;
/// Columns of each line of a pair shown on two lines, besides its title.
const PAIR_LINE_FIXED_COLUMNS: usize = 34;
/// The fewest columns a title gets before the pair is split over two lines.
const MIN_SHARED_TITLE: usize = 20;

/// How a pair is laid out for a terminal `width` columns wide (`None`: not a terminal): on two
/// lines or one, and how many columns each title may take.
fn pair_layout(width: Option<usize>) -> (bool, usize) {
    let most = super::add::TITLE_COLUMNS;
    match width {
        None => (false, most),
        Some(w) if w < PAIR_FIXED_COLUMNS + 2 * MIN_SHARED_TITLE => (true, w.saturating_sub(PAIR_LINE_FIXED_COLUMNS).clamp(8, most)),
        Some(w) => (false, ((w - PAIR_FIXED_COLUMNS) / 2).min(most)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_fit_narrow_terminals_on_two_lines() {
        assert_eq!(pair_layout(None), (false, super::super::add::TITLE_COLUMNS));
        assert_eq!(pair_layout(Some(80)), (true, 46));
        assert_eq!(pair_layout(Some(91)), (false, 20));
        assert_eq!(pair_layout(Some(90)), (true, 56));
        assert_eq!(pair_layout(Some(60)), (true, 26));
        // Each line of a two-line pair fits: the fixed columns plus the title's.
        for w in 40..91 {
            let (two, cols) = pair_layout(Some(w));
            assert!(two && PAIR_LINE_FIXED_COLUMNS + cols <= w.max(PAIR_LINE_FIXED_COLUMNS + 8), "{w}");
        }
        for w in 91..300 {
            let (two, cols) = pair_layout(Some(w));
            assert!(!two && PAIR_FIXED_COLUMNS + 2 * cols <= w, "{w}");
        }
    }
}
