//! The HTML report: one self-contained page with both sides' metadata, the summary, a legend
//! and the aligned rows side by side.
//!
//! Main items: [`render_html`], [`render_html_report`] (the same with the recorded relation),
//! [`SideMeta`].

use super::summary::percent;
use super::words::{split_ws, WordOp, WordTag};
use super::{Diff, Op};
use std::fmt::Write as _;

/// What the report shows about one side in its header. Every field is escaped.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SideMeta {
    /// A short name for the side (e.g. `A`, a short id, or a file name).
    pub label: String,
    /// The article's title.
    pub title: Option<String>,
    /// Publication date as given.
    pub published: Option<String>,
    /// Source label or outlet.
    pub source: Option<String>,
    /// Where it came from; linked only when it is an `http(s)` URL.
    pub url: Option<String>,
    /// The article id (64 hex digits); shown shortened, in full on hover.
    pub id: Option<String>,
}

/// Renders the diff as one self-contained HTML page (no scripts, no external assets, inline
/// CSS, a Content-Security-Policy that forbids loading anything).
///
/// Same as [`render_html_report`] for two texts that are not in an archive: no relation line.
pub fn render_html(diff: &Diff, a: &SideMeta, b: &SideMeta) -> String {
    render_page(diff, a, b, None)
}

/// Renders the diff as one self-contained HTML page, with `relation` (the relation detection
/// recorded: its kind, or a line describing it) in the summary, "none recorded" without one.
///
/// The page has a header card per side (title, date, source, URL, id), the summary figures
/// with coverage and verbatim meters, a legend, then a table with one row per operation in
/// b's reading order: sentence numbers (from 1) and text of a on the left, a gutter marker,
/// number and text of b on the right. Word changes inside aligned pairs are `<del>` on the
/// left and `<ins>` on the right; moved rows carry a "moved from A #N" badge. Each row has
/// `data-op`, `data-a` and `data-b` attributes (1-based; empty when the side has no sentence)
/// for tools and tests. Follows the reader's light or dark colour scheme.
pub fn render_html_report(diff: &Diff, a: &SideMeta, b: &SideMeta, relation: Option<&str>) -> String {
    render_page(diff, a, b, Some(relation))
}

/// The page; `relation` is `None` outside an archive (no relation line).
fn render_page(diff: &Diff, a: &SideMeta, b: &SideMeta, relation: Option<Option<&str>>) -> String {
    let mut h = String::with_capacity(16_384 + diff.ops.len() * 400);
    let name = |m: &SideMeta, dflt: &str| {
        m.title
            .clone()
            .filter(|t| !t.trim().is_empty())
            .unwrap_or_else(|| {
                if m.label.is_empty() {
                    dflt.to_string()
                } else {
                    m.label.clone()
                }
            })
    };
    h.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    h.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    h.push_str(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n",
    );
    let _ = writeln!(
        h,
        "<title>stet diff: {} ↔ {}</title>",
        esc(&name(a, "A")),
        esc(&name(b, "B"))
    );
    h.push_str("<style>\n");
    h.push_str(CSS);
    h.push_str("</style>\n</head>\n<body>\n<main>\n");
    h.push_str("<p class=\"app\">stet diff</p>\n");

    h.push_str("<section class=\"sides\">\n");
    side_card(&mut h, a, "a", "A");
    side_card(&mut h, b, "b", "B");
    h.push_str("</section>\n");

    summary_section(&mut h, diff, relation);
    legend(&mut h);
    table(&mut h, diff, a, b);

    h.push_str(
        "<footer>Sentences are numbered from 1 on each side. Rows follow B's reading order; \
         sentences only in A stand where they were between their aligned neighbours.</footer>\n",
    );
    h.push_str("</main>\n</body>\n</html>\n");
    h
}

/// Escapes text for HTML element content and attribute values; drops control characters
/// other than tab and line breaks.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(' '),
            c if c.is_control() => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// One side's header card.
fn side_card(h: &mut String, m: &SideMeta, class: &str, letter: &str) {
    let _ = writeln!(h, "<article class=\"side side-{class}\">");
    let label = if m.label.trim().is_empty() || m.label == letter {
        String::new()
    } else {
        format!(" <span class=\"label\">{}</span>", esc(&m.label))
    };
    let _ = writeln!(
        h,
        "<div class=\"side-head\"><span class=\"tag tag-{class}\">{letter}</span>{label}</div>"
    );
    match m.title.as_deref().filter(|t| !t.trim().is_empty()) {
        Some(t) => {
            let _ = writeln!(h, "<h2 dir=\"auto\">{}</h2>", esc(t));
        }
        None => h.push_str("<h2 class=\"untitled\">Untitled</h2>\n"),
    }
    h.push_str("<dl>\n");
    let mut row = |k: &str, v: String| {
        let _ = writeln!(h, "<dt>{k}</dt><dd>{v}</dd>");
    };
    if let Some(p) = m.published.as_deref().filter(|s| !s.trim().is_empty()) {
        row("Published", esc(p));
    }
    if let Some(s) = m.source.as_deref().filter(|s| !s.trim().is_empty()) {
        row("Source", esc(s));
    }
    if let Some(u) = m.url.as_deref().filter(|s| !s.trim().is_empty()) {
        let u = u.trim();
        let lower = u.to_ascii_lowercase();
        if lower.starts_with("http://") || lower.starts_with("https://") {
            row(
                "URL",
                format!(
                    "<a href=\"{0}\" rel=\"noreferrer noopener\">{0}</a>",
                    esc(u)
                ),
            );
        } else {
            // A file path or "-": where the input was read from, not a URL.
            row("Input", esc(u));
        }
    }
    if let Some(id) = m.id.as_deref().filter(|s| !s.trim().is_empty()) {
        let short: String = id.chars().take(12).collect();
        row(
            "Id",
            format!("<code title=\"{}\">{}</code>", esc(id), esc(&short)),
        );
    }
    h.push_str("</dl>\n</article>\n");
}

/// The summary: counts and meters.
fn summary_section(h: &mut String, diff: &Diff, relation: Option<Option<&str>>) {
    let s = &diff.summary;
    let aligned = s.same + s.edited + s.moved;
    h.push_str("<section class=\"summary\">\n");
    match relation.map(|r| r.filter(|k| !k.trim().is_empty())) {
        Some(Some(k)) => {
            let _ = writeln!(h, "<div class=\"kind\">Relation <strong>{}</strong></div>", esc(k));
        }
        Some(None) => h.push_str("<div class=\"kind\">Relation <strong>none recorded</strong></div>\n"),
        None => {}
    }
    h.push_str("<div class=\"stats\">\n");
    let moved_note = if s.moved_edited > 0 {
        format!("<small>{} edited</small>", s.moved_edited)
    } else {
        String::new()
    };
    for (class, n, label, note) in [
        ("same", s.same, "same", String::new()),
        ("edit", s.edited, "edited", String::new()),
        ("moved", s.moved, "moved", moved_note),
        ("added", s.added, "added", String::new()),
        ("removed", s.removed, "removed", String::new()),
    ] {
        let _ = writeln!(
            h,
            "<div class=\"stat stat-{class}\"><span class=\"n\">{n}</span><span class=\"l\">{label}</span>{note}</div>"
        );
    }
    h.push_str("</div>\n<div class=\"meters\">\n");
    let meter = |h: &mut String, label: &str, x: f64, note: String| {
        let w = (x * 100.0).clamp(0.0, 100.0);
        let _ = writeln!(
            h,
            "<div class=\"meter\"><span class=\"ml\">{label}</span><span class=\"bar\"><i style=\"width:{w:.1}%\"></i></span><b>{}</b><small>{note}</small></div>",
            percent(x)
        );
    };
    meter(
        h,
        "Coverage of A",
        s.coverage_a_chars,
        format!("of characters · {aligned} of {} sentences", s.sentences_a),
    );
    meter(
        h,
        "Coverage of B",
        s.coverage_b_chars,
        format!("of characters · {aligned} of {} sentences", s.sentences_b),
    );
    meter(
        h,
        "Verbatim",
        s.verbatim,
        format!(
            "of the words in aligned sentences ({} equal)",
            s.equal_words
        ),
    );
    h.push_str("</div>\n</section>\n");
}

/// The legend.
fn legend(h: &mut String) {
    h.push_str(
        "<section class=\"legend\" aria-label=\"Legend\">\
<span><i class=\"g\">&nbsp;</i>unchanged</span>\
<span><i class=\"g g-edit\">~</i>edited: <del>deleted</del> <ins>inserted</ins> words</span>\
<span><i class=\"g g-moved\">↕</i>moved (out of order)</span>\
<span><i class=\"g g-added\">+</i>only in B</span>\
<span><i class=\"g g-removed\">−</i>only in A</span>\
</section>\n",
    );
}

/// One side of a word diff as HTML: equal runs plain, the side's own changes wrapped.
fn words_html(words: &[WordOp], keep: WordTag) -> String {
    let mut out = String::new();
    for w in words {
        match w.op {
            WordTag::Equal => out.push_str(&esc(&w.text)),
            op if op == keep => {
                let tag = if op == WordTag::Delete { "del" } else { "ins" };
                let (lead, core, trail) = split_ws(&w.text);
                if core.is_empty() {
                    out.push_str(&esc(&w.text));
                } else {
                    let _ = write!(
                        out,
                        "{}<{tag}>{}</{tag}>{}",
                        esc(lead),
                        esc(core),
                        esc(trail)
                    );
                }
            }
            _ => {}
        }
    }
    out
}

/// The aligned rows.
fn table(h: &mut String, diff: &Diff, a: &SideMeta, b: &SideMeta) {
    let head = |m: &SideMeta, letter: &str| {
        if m.label.trim().is_empty() || m.label == letter {
            letter.to_string()
        } else {
            format!("{letter} · {}", esc(&m.label))
        }
    };
    h.push_str("<table class=\"diff\">\n<colgroup><col class=\"c-num\"><col class=\"c-txt\"><col class=\"c-gut\"><col class=\"c-num\"><col class=\"c-txt\"></colgroup>\n");
    let _ = writeln!(
        h,
        "<thead><tr><th class=\"num\">#</th><th>{}</th><th class=\"gut\"></th><th class=\"num\">#</th><th>{}</th></tr></thead>",
        head(a, "A"),
        head(b, "B")
    );
    h.push_str("<tbody>\n");
    if diff.ops.is_empty() {
        h.push_str(
            "<tr class=\"row empty-diff\"><td colspan=\"5\">Both texts are empty.</td></tr>\n",
        );
    }
    for op in &diff.ops {
        let (left, right, gut, class) = match op {
            Op::Same { text, .. } => (Some(esc(text)), Some(esc(text)), "", "same"),
            Op::Edit { words, .. } => (
                Some(words_html(words, WordTag::Delete)),
                Some(words_html(words, WordTag::Insert)),
                "~",
                "edit",
            ),
            Op::Moved { a: ia, words, .. } => (
                Some(words_html(words, WordTag::Delete)),
                Some(format!(
                    "<span class=\"badge\">↕ moved from A #{}</span>{}",
                    ia + 1,
                    words_html(words, WordTag::Insert)
                )),
                "↕",
                "moved",
            ),
            Op::Added { text, .. } => (None, Some(esc(text)), "+", "added"),
            Op::Removed { text, .. } => (Some(esc(text)), None, "−", "removed"),
        };
        let na = op.a().map(|i| (i + 1).to_string()).unwrap_or_default();
        let nb = op.b().map(|i| (i + 1).to_string()).unwrap_or_default();
        let _ = write!(
            h,
            "<tr class=\"row {class}\" data-op=\"{}\" data-a=\"{na}\" data-b=\"{nb}\">",
            op.name()
        );
        let cell = |h: &mut String, n: &str, t: Option<String>, side: &str| match t {
            Some(t) => {
                let _ = write!(
                    h,
                    "<td class=\"num\">{n}</td><td class=\"txt txt-{side}\" dir=\"auto\">{t}</td>"
                );
            }
            None => {
                let _ = write!(
                    h,
                    "<td class=\"num\"></td><td class=\"txt txt-{side} none\"></td>"
                );
            }
        };
        cell(h, &na, left, "a");
        let _ = write!(h, "<td class=\"gut\" title=\"{class}\">{gut}</td>");
        cell(h, &nb, right, "b");
        h.push_str("</tr>\n");
    }
    h.push_str("</tbody>\n</table>\n");
}

/// The page's style sheet: calm, readable, light and dark.
const CSS: &str = r#":root {
  --bg: #ffffff; --fg: #1f2328; --muted: #656d76; --line: #d8dee4; --soft: #eef1f4;
  --panel: #f6f8fa; --none: #f3f5f7;
  --del-row: #fff5f4; --del-word: #ffd7d5; --del-fg: #a40e26; --del-strike: rgba(164, 14, 38, .45);
  --ins-row: #f1fbf3; --ins-word: #c9f0d1; --ins-fg: #116329;
  --mov-row: #f6f3ff; --mov: #6e40c9; --edit: #9a6700; --bar: #0969da;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0d1117; --fg: #e6edf3; --muted: #8d96a0; --line: #30363d; --soft: #21262d;
    --panel: #161b22; --none: #131820;
    --del-row: #22161a; --del-word: #6e2a2f; --del-fg: #ffa198; --del-strike: rgba(255, 161, 152, .5);
    --ins-row: #13201a; --ins-word: #235a35; --ins-fg: #7ee2a8;
    --mov-row: #1c1830; --mov: #b392f0; --edit: #d29922; --bar: #4493f8;
  }
}
* { box-sizing: border-box; }
html { background: var(--bg); }
body { margin: 0; color: var(--fg); background: var(--bg);
  font: 15px/1.6 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1440px; margin: 0 auto; padding: 20px 28px 40px; }
.app { margin: 0 0 12px; font-size: 12px; font-weight: 600; letter-spacing: .08em; text-transform: uppercase; color: var(--muted); }
.sides { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; }
.side { border: 1px solid var(--line); border-radius: 8px; padding: 14px 18px 12px; background: var(--panel); min-width: 0; }
.side-head { display: flex; align-items: center; gap: 8px; font-size: 13px; color: var(--muted); }
.tag { display: inline-block; min-width: 22px; padding: 1px 6px; border-radius: 5px; text-align: center;
  font-size: 12px; font-weight: 700; color: #fff; }
.tag-a { background: #57606a; } .tag-b { background: #0969da; }
.side h2 { margin: 8px 0 10px; font-size: 18px; line-height: 1.35; font-weight: 600; }
.side h2.untitled { color: var(--muted); font-style: italic; font-weight: 400; }
.side dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 0; font-size: 13px; }
.side dt { color: var(--muted); }
.side dd { margin: 0; min-width: 0; overflow-wrap: anywhere; }
.side a { color: var(--bar); text-decoration: none; }
.side a:hover { text-decoration: underline; }
code { font: 12.5px/1.4 ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "Liberation Mono", monospace; }
.summary { display: flex; flex-wrap: wrap; align-items: center; gap: 18px 40px; margin: 18px 0 10px;
  padding: 14px 18px; border: 1px solid var(--line); border-radius: 8px; }
.kind { font-size: 14px; color: var(--muted); }
.kind strong { color: var(--fg); font-size: 16px; margin-left: 4px; }
.stats { display: flex; gap: 10px; flex-wrap: wrap; }
.stat { display: flex; flex-direction: column; align-items: center; min-width: 74px; padding: 6px 10px;
  border-radius: 6px; background: var(--panel); border-top: 3px solid var(--line); }
.stat .n { font-size: 20px; font-weight: 650; line-height: 1.2; font-variant-numeric: tabular-nums; }
.stat .l { font-size: 12px; color: var(--muted); }
.stat small { font-size: 11px; color: var(--muted); }
.stat-edit { border-top-color: var(--edit); } .stat-moved { border-top-color: var(--mov); }
.stat-added { border-top-color: var(--ins-fg); } .stat-removed { border-top-color: var(--del-fg); }
.meters { display: grid; grid-template-columns: max-content 160px max-content auto; gap: 4px 12px; align-items: center; font-size: 13px; }
.meter { display: contents; }
.meter .ml { color: var(--muted); }
.meter .bar { height: 8px; border-radius: 4px; background: var(--soft); overflow: hidden; }
.meter .bar i { display: block; height: 100%; background: var(--bar); border-radius: 4px; }
.meter b { font-variant-numeric: tabular-nums; text-align: right; }
.meter small { color: var(--muted); }
.legend { display: flex; flex-wrap: wrap; gap: 6px 22px; margin: 6px 2px 14px; font-size: 13px; color: var(--muted); }
.legend .g { display: inline-block; width: 20px; margin-right: 6px; text-align: center; font-style: normal; font-weight: 700;
  border-radius: 4px; background: var(--panel); border: 1px solid var(--line); }
.g-edit { color: var(--edit); } .g-moved { color: var(--mov); }
.g-added { color: var(--ins-fg); } .g-removed { color: var(--del-fg); }
table.diff { width: 100%; border-collapse: separate; border-spacing: 0; table-layout: fixed;
  border: 1px solid var(--line); border-radius: 8px; }
col.c-num { width: 3.4em; } col.c-gut { width: 2.2em; }
thead th { position: sticky; top: 0; z-index: 1; background: var(--panel); text-align: left; font-size: 13px;
  font-weight: 600; padding: 8px 12px; border-bottom: 1px solid var(--line); }
thead th:first-child { border-top-left-radius: 8px; } thead th:last-child { border-top-right-radius: 8px; }
th.num, td.num { text-align: right; padding-right: 8px; padding-left: 4px; }
td { vertical-align: top; padding: 7px 12px; border-top: 1px solid var(--soft); }
tbody tr:first-child td { border-top: 0; }
td.num { color: var(--muted); font: 12px/2 ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace;
  background: var(--panel); user-select: none; font-variant-numeric: tabular-nums; }
td.gut { text-align: center; font-weight: 700; color: var(--muted); background: var(--panel); user-select: none;
  border-left: 1px solid var(--line); border-right: 1px solid var(--line); }
td.txt { overflow-wrap: anywhere; }
td.none { background: var(--none); }
tr.edit td.gut { color: var(--edit); }
tr.moved td.txt { background: var(--mov-row); }
tr.moved td.gut { color: var(--mov); }
tr.added td.txt-b { background: var(--ins-row); }
tr.added td.gut { color: var(--ins-fg); }
tr.removed td.txt-a { background: var(--del-row); }
tr.removed td.gut { color: var(--del-fg); }
tr.same td.txt { color: var(--fg); }
del { background: var(--del-word); color: inherit; text-decoration: line-through; text-decoration-color: var(--del-strike);
  text-decoration-thickness: 1px; border-radius: 3px; padding: 0 1px; }
ins { background: var(--ins-word); color: inherit; text-decoration: none; border-radius: 3px; padding: 0 1px; }
.badge { display: inline-block; margin-right: 8px; padding: 0 8px; border-radius: 999px; font-size: 11.5px; font-weight: 600;
  line-height: 1.6; color: var(--mov); border: 1px solid var(--mov); vertical-align: 1px; white-space: nowrap; }
.empty-diff td { text-align: center; color: var(--muted); padding: 24px; }
footer { margin-top: 14px; font-size: 12px; color: var(--muted); }
@media (max-width: 800px) { .sides { grid-template-columns: 1fr; } main { padding: 12px; } }
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_everything() {
        assert_eq!(
            esc("<a href='x'>&\"</a>\u{1b}"),
            "&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;\u{FFFD}"
        );
    }
}
