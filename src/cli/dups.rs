//! `stet dups`: related pairs and families, strongest first.

use super::add::quote_title;
use super::ui::{json_line, Style, Ui};
use super::{exit, Cli, CliError};
use serde::Serialize;
use std::collections::HashMap;
use std::io::Write;
use stet::archive::PairFilter;
use stet::{ArticleId, Relation, RelationKind};

/// Arguments of `stet dups`.
#[derive(clap::Args, Debug)]
pub struct DupsArgs {
    /// Only pairs involving this article (id or unique prefix)
    id: Option<String>,
    /// Only this kind (repeat for several): near-duplicate, excerpt, rewrite, version
    #[arg(long, value_parser = parse_kind)]
    kind: Vec<RelationKind>,
    /// Only pairs scoring at least this
    #[arg(long, default_value_t = 0.0)]
    min_score: f32,
    /// JSON Lines on stdout: one object per pair
    #[arg(long)]
    json: bool,
}

fn parse_kind(s: &str) -> Result<RelationKind, String> {
    RelationKind::parse(s).ok_or_else(|| format!("unknown kind '{s}': near-duplicate, excerpt, rewrite, version, identical"))
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

/// Runs `stet dups`; exit 0 when there are pairs, 1 when none.
pub fn cmd_dups(cli: &Cli, ui: &Ui, args: &DupsArgs) -> Result<i32, CliError> {
    let archive = cli.open(false)?;
    let id = args.id.as_deref().map(|p| archive.resolve(p)).transpose()?;
    let pairs = archive.pairs(&PairFilter { id, kinds: args.kind.clone(), min_score: args.min_score })?;
    let mut out = std::io::stdout().lock();
    if args.json {
        for r in &pairs {
            json_line(&mut out, &PairJson { a: r.a, b: r.b, kind: r.kind, score: r.score, parent: r.parent, coverage_a: r.coverage_a, coverage_b: r.coverage_b, verbatim: r.verbatim })?;
        }
    } else {
        render_families(&archive, ui, &pairs, &mut out)?;
    }
    if pairs.is_empty() {
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
    let mut titles: HashMap<ArticleId, String> = HashMap::new();
    let mut label = |id: &ArticleId| -> Result<String, CliError> {
        if !titles.contains_key(id) {
            let t = archive.article(id)?.and_then(|r| r.title);
            titles.insert(*id, quote_title(t.as_deref()));
        }
        Ok(format!("{} {}", ui.paint(Style::Id, &archive.short_id(id, 8)), titles[id]))
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
            writeln!(
                out,
                "  {} {:.2}  {}  {}  {}",
                ui.paint(Style::Warn, &format!("{:<14}", r.kind.as_str())),
                r.score,
                label(&parent)?,
                ui.paint(Style::Dim, "->"),
                label(&child)?
            )?;
        }
    }
    Ok(())
}
