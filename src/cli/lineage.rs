//! `stet lineage`: an article's family: what it derives from and what derives from it, as a
//! tree in the terminal, JSON Lines, a Graphviz digraph or a Mermaid flowchart.
//!
//! Main items: [`LineageArgs`] and [`cmd_lineage`]; the walk itself is
//! [`stet::lineage::lineage`].
//!
//! The terminal tree starts at the oldest ancestors shown and goes down parent -> child; each
//! line is `kind score ─ ○ short-id "title" · date · source`, the given article marked `●`;
//! an article with several parents is drawn in full once, under the parent nearest the given
//! article (ties: the stronger relation; the rule is [`stet::lineage::Lineage::tree`]'s), and
//! under its other parents as `(repeat, shown above)` or `(repeat, shown below)`.
//! Relations without a known direction are listed under `related, direction unknown`.
//!
//! `--json` writes JSON Lines: first one object per article,
//! `{"type":"node","id","short","role":"self"|"ancestor"|"descendant"|"related","depth",
//! "title","date","published","archived","source","url","truncated"}` (`date` is `published`,
//! else `archived`; `truncated`: `--depth` hid relations beyond it), then one per relation,
//! `{"type":"edge","parent","child","a","b","kind","score","coverage_a","coverage_b","verbatim"}`
//! (`parent` and `child` are null when the direction is unknown).

use super::target::resolve_target;
use super::ui::{json_line, Style, Ui};
use super::{exit, Cli, CliError};
use serde::Serialize;
use std::collections::HashMap;
use std::io::Write;
use stet::lineage::{Lineage, Role};
use stet::{ArticleId, ArticleRecord, Archive, RelationKind};

/// Arguments of `stet lineage`.
#[derive(clap::Args, Debug)]
#[command(after_long_help = "\
The tree starts at the oldest ancestors and goes down parent -> child; the given article is
marked ●. An article with several parents is drawn in full once, under the parent nearest
the given article (a direct relation first; among equally near parents, the strongest), and
under its other parents as \"(repeat, shown above)\" or \"(repeat, shown below)\".
Relations whose direction is unknown are listed under \"related, direction unknown\".

--json writes one object per article, then one per relation:
  {\"type\":\"node\", \"id\", \"short\", \"role\": self|ancestor|descendant|related, \"depth\",
   \"title\", \"date\" (published, else archived), \"published\", \"archived\", \"source\", \"url\",
   \"truncated\" (--depth hid relations beyond it)}
  {\"type\":\"edge\", \"parent\", \"child\" (null when the direction is unknown), \"a\", \"b\",
   \"kind\", \"score\", \"coverage_a\", \"coverage_b\", \"verbatim\"}

Example: stet lineage --dot 3f2a | dot -Tsvg > family.svg")]
pub struct LineageArgs {
    /// Article: id, unique prefix, URL (its latest version) or URL@N
    target: String,
    /// JSON Lines on stdout: one object per article, then one per relation
    #[arg(long, conflicts_with_all = ["dot", "mermaid"])]
    json: bool,
    /// A Graphviz digraph (parent -> child) on stdout, for `dot -Tsvg`
    #[arg(long, conflicts_with = "mermaid")]
    dot: bool,
    /// A Mermaid flowchart (graph TD) on stdout
    #[arg(long)]
    mermaid: bool,
    /// Follow at most N relations up and N down
    #[arg(long, value_name = "N")]
    depth: Option<usize>,
}

#[derive(Serialize)]
struct NodeJson<'a> {
    r#type: &'static str,
    id: ArticleId,
    short: &'a str,
    role: Role,
    depth: usize,
    title: Option<&'a str>,
    date: Option<&'a str>,
    published: Option<&'a str>,
    archived: Option<&'a str>,
    source: Option<&'a str>,
    url: Option<&'a str>,
    truncated: bool,
}

#[derive(Serialize)]
struct EdgeJson {
    r#type: &'static str,
    parent: Option<ArticleId>,
    child: Option<ArticleId>,
    a: ArticleId,
    b: ArticleId,
    kind: RelationKind,
    score: f32,
    coverage_a: f32,
    coverage_b: f32,
    verbatim: f32,
}

/// What the renderings need to know about each article of the lineage.
struct Info {
    short: HashMap<ArticleId, String>,
    recs: HashMap<ArticleId, ArticleRecord>,
}

impl Info {
    fn load(archive: &Archive, l: &Lineage) -> Result<Info, CliError> {
        let mut info = Info { short: HashMap::new(), recs: HashMap::new() };
        for m in l.members() {
            info.short.insert(m.id, archive.short_id(&m.id, 8));
            if let Some(r) = archive.article(&m.id)? {
                info.recs.insert(m.id, r);
            }
        }
        Ok(info)
    }

    fn short(&self, id: &ArticleId) -> String {
        self.short.get(id).cloned().unwrap_or_else(|| id.hex()[..8].to_string())
    }

    /// The quoted title as listings show it (an untitled article's opening words).
    fn label(&self, id: &ArticleId) -> String {
        let lead = self.recs.get(id).and_then(|r| r.lead.as_deref());
        super::add::title_or_lead(self.title(id).map(clean).as_deref(), lead, super::add::TITLE_COLUMNS)
    }

    fn title(&self, id: &ArticleId) -> Option<&str> {
        self.recs.get(id).and_then(|r| r.title.as_deref())
    }

    /// The published date, else the archived one (full RFC 3339).
    fn date(&self, id: &ArticleId) -> Option<&str> {
        self.recs.get(id).map(|r| r.published.as_deref().unwrap_or(&r.archived))
    }

    fn day(&self, id: &ArticleId) -> Option<String> {
        self.recs.get(id).map(|r| super::ui::day_label(r.published.as_deref(), &r.archived))
    }

    fn source(&self, id: &ArticleId) -> Option<&str> {
        self.recs.get(id).and_then(|r| r.source.as_deref())
    }

    /// Oldest first: date, then archive order.
    fn order(&self, id: &ArticleId) -> (Option<String>, u64) {
        (self.date(id).map(str::to_string), self.recs.get(id).map(|r| r.seq).unwrap_or(u64::MAX))
    }
}

/// Runs `stet lineage`.
pub fn cmd_lineage(cli: &Cli, ui: &Ui, args: &LineageArgs) -> Result<i32, CliError> {
    let archive = cli.open(false)?;
    let id = resolve_target(&archive, &args.target)?;
    archive.article_required(&id)?;
    let l = stet::lineage::lineage(&archive, id, args.depth)?;
    let info = Info::load(&archive, &l)?;
    let mut out = std::io::stdout().lock();
    if args.json {
        write_json(&l, &info, &mut out)?;
    } else if args.dot {
        write!(out, "{}", render_dot(&l, &info))?;
    } else if args.mermaid {
        write!(out, "{}", render_mermaid(&l, &info))?;
    } else {
        write_tree(&l, &info, ui, &mut out)?;
        if l.members().len() == 1 && l.more_above.is_empty() && l.more_below.is_empty() {
            ui.status("no related articles");
        }
    }
    out.flush()?;
    Ok(exit::OK)
}

fn write_json(l: &Lineage, info: &Info, out: &mut impl Write) -> Result<(), CliError> {
    for m in l.members() {
        let rec = info.recs.get(&m.id);
        let short = info.short(&m.id);
        json_line(
            out,
            &NodeJson {
                r#type: "node",
                id: m.id,
                short: &short,
                role: m.role,
                depth: m.depth,
                title: info.title(&m.id),
                date: info.date(&m.id),
                published: rec.and_then(|r| r.published.as_deref()),
                archived: rec.map(|r| r.archived.as_str()),
                source: info.source(&m.id),
                url: rec.and_then(|r| r.url.as_deref()),
                truncated: l.more_above.contains(&m.id) || l.more_below.contains(&m.id),
            },
        )?;
    }
    for e in l.edges() {
        let r = e.relation;
        json_line(
            out,
            &EdgeJson {
                r#type: "edge",
                parent: e.directed.then_some(e.from),
                child: e.directed.then_some(e.to),
                a: r.a,
                b: r.b,
                kind: r.kind,
                score: r.score,
                coverage_a: r.coverage_a,
                coverage_b: r.coverage_b,
                verbatim: r.verbatim,
            },
        )?;
    }
    Ok(())
}

/// `○ short "title" · date · source`, the root as `●` and highlighted.
fn node_label(l: &Lineage, info: &Info, ui: &Ui, id: &ArticleId) -> String {
    let is_root = *id == l.root;
    let mut s = if is_root {
        format!("{} {} {}", ui.paint(Style::Bold, "●"), ui.paint(Style::Id, &info.short(id)), ui.paint(Style::Bold, &info.label(id)))
    } else {
        format!("○ {} {}", ui.paint(Style::Id, &info.short(id)), info.label(id))
    };
    for part in [info.day(id), info.source(id).map(str::to_string)].into_iter().flatten() {
        s.push_str(&ui.paint(Style::Dim, &format!(" · {}", clean(&part))));
    }
    s
}

fn write_tree(l: &Lineage, info: &Info, ui: &Ui, out: &mut impl Write) -> Result<(), CliError> {
    let rows = l.tree(|id| info.order(id));
    let full_at: HashMap<ArticleId, usize> = rows.iter().enumerate().filter(|(_, r)| !r.repeat).map(|(i, r)| (r.id, i)).collect();
    for (i, row) in rows.iter().enumerate() {
        let mut line = String::new();
        if let Some((last, above)) = row.lasts.split_last() {
            for l in above {
                line.push_str(if *l { "   " } else { "│  " });
            }
            line.push_str(if *last { "└─ " } else { "├─ " });
        }
        if let Some(r) = row.via {
            line.push_str(&format!("{} {} ─ ", ui.paint(Style::Warn, r.kind.as_str()), stet::model::score_text(r.score)));
        }
        line.push_str(&node_label(l, info, ui, &row.id));
        if row.repeat {
            let where_ = if full_at.get(&row.id).is_some_and(|&f| f > i) { "below" } else { "above" };
            line.push_str(&ui.paint(Style::Dim, &format!(" (repeat, shown {where_})")));
        } else {
            let more = match (l.more_above.contains(&row.id), l.more_below.contains(&row.id)) {
                (true, true) => " (more above and below: raise --depth)",
                (true, false) => " (more above: raise --depth)",
                (false, true) => " (more below: raise --depth)",
                (false, false) => "",
            };
            if !more.is_empty() {
                line.push_str(&ui.paint(Style::Dim, more));
            }
        }
        writeln!(out, "{line}")?;
    }
    if !l.related.is_empty() {
        writeln!(out, "{}", ui.paint(Style::Bold, "related, direction unknown:"))?;
        for r in &l.related {
            let other = r.other(&l.root);
            writeln!(out, "~ {} {} ─ {}", ui.paint(Style::Warn, r.kind.as_str()), stet::model::score_text(r.score), node_label(l, info, ui, &other))?;
        }
    }
    Ok(())
}

/// Control characters and line breaks become spaces (titles come from user files).
fn clean(s: &str) -> String {
    s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect()
}

/// A title for a graph label: cleaned and cut to 60 characters.
fn short_title(info: &Info, id: &ArticleId) -> String {
    match info.title(id) {
        Some(t) => {
            let t = clean(t);
            let cut: String = t.chars().take(60).collect();
            if cut.len() < t.len() {
                format!("{cut}…")
            } else {
                cut
            }
        }
        None => "(untitled)".to_string(),
    }
}

/// The lines of a node's label: short id, title, then date and source.
fn label_lines(info: &Info, id: &ArticleId) -> Vec<String> {
    let mut lines = vec![info.short(id), short_title(info, id)];
    let meta: Vec<String> = [info.day(id), info.source(id).map(str::to_string)].into_iter().flatten().map(|m| clean(&m)).collect();
    if !meta.is_empty() {
        lines.push(meta.join(" · "));
    }
    lines
}

/// Escapes text for a DOT double-quoted string (backslash and quote; no line breaks).
fn dot_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// The lineage as a Graphviz digraph: parent -> child, undirected relations dashed.
fn render_dot(l: &Lineage, info: &Info) -> String {
    let mut s = String::from("digraph lineage {\n");
    s.push_str("  graph [rankdir=TB];\n");
    s.push_str("  node [shape=box, style=rounded, fontname=\"Helvetica\"];\n");
    s.push_str("  edge [fontname=\"Helvetica\", fontsize=10];\n");
    for m in l.members() {
        let label = label_lines(info, &m.id).iter().map(|x| dot_escape(x)).collect::<Vec<_>>().join("\\n");
        let extra = if m.id == l.root { ", style=\"rounded,bold,filled\", fillcolor=\"lightyellow\", penwidth=2" } else { "" };
        s.push_str(&format!("  \"{}\" [label=\"{label}\"{extra}];\n", m.id.hex()));
    }
    for e in l.edges() {
        let label = format!("{} {}", e.relation.kind.as_str(), stet::model::score_text(e.relation.score));
        let extra = if e.directed { "" } else { ", dir=none, style=dashed" };
        s.push_str(&format!("  \"{}\" -> \"{}\" [label=\"{label}\"{extra}];\n", e.from.hex(), e.to.hex()));
    }
    s.push_str("}\n");
    s
}

/// Escapes text for a Mermaid quoted label with Mermaid's numeric entity codes.
fn mermaid_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' | '#' | '&' | '<' | '>' | '`' | '|' | '\\' => out.push_str(&format!("#{};", u32::from(c))),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// The lineage as a Mermaid flowchart: nodes `n0`, `n1`... (the given article `n0`).
fn render_mermaid(l: &Lineage, info: &Info) -> String {
    let members = l.members();
    let index: HashMap<ArticleId, usize> = members.iter().enumerate().map(|(i, m)| (m.id, i)).collect();
    let name = |id: &ArticleId| index.get(id).map(|i| format!("n{i}")).unwrap_or_else(|| format!("x{}", id.hex()));
    let mut s = String::from("graph TD\n");
    for m in &members {
        let label = label_lines(info, &m.id).iter().map(|x| mermaid_escape(x)).collect::<Vec<_>>().join("<br/>");
        s.push_str(&format!("  {}[\"{label}\"]\n", name(&m.id)));
    }
    for e in l.edges() {
        let label = format!("{} {}", e.relation.kind.as_str(), stet::model::score_text(e.relation.score));
        let arrow = if e.directed { "-->" } else { "-.-" };
        s.push_str(&format!("  {} {arrow}|\"{label}\"| {}\n", name(&e.from), name(&e.to)));
    }
    s.push_str("  classDef self stroke-width:3px,font-weight:bold\n");
    s.push_str(&format!("  class {} self\n", name(&l.root)));
    s
}
