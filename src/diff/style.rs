//! Styled text for the terminal renderings: spans, ANSI or plain markers, and wrapping.
//!
//! Main items: [`Style`], [`Span`], [`clean`], [`paint`], [`word_spans`], [`wrap`],
//! [`Line`] (a wrapped line, rendered with [`Line::render`]).

use super::words::{split_ws, WordOp, WordTag};
use unicode_width::UnicodeWidthChar;

/// How a piece of terminal text is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Style {
    /// Plain text.
    Plain,
    /// Deleted words: red and struck through; `[-…-]` without colour.
    Del,
    /// Inserted words: green; `{+…+}` without colour.
    Ins,
    /// A whole added sentence: green.
    Added,
    /// A whole removed sentence: red.
    Removed,
    /// Notes and sentence numbers: dim.
    Dim,
    /// Moved markers: cyan.
    Moved,
    /// Edit markers: yellow.
    Edit,
}

impl Style {
    /// The ANSI SGR parameters of the style (empty for plain).
    fn sgr(self) -> &'static str {
        match self {
            Style::Plain => "",
            Style::Del => "31;9",
            Style::Ins => "32;4",
            Style::Added => "32",
            Style::Removed => "31",
            Style::Dim => "2",
            Style::Moved => "36",
            Style::Edit => "33",
        }
    }
}

/// A run of text with one style.
pub(crate) type Span = (String, Style);

/// Replaces control characters (escape sequences, tabs, line breaks) with spaces, so that
/// text from an article cannot move the cursor or recolour the terminal.
pub(crate) fn clean(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// Renders `text` in `style`: ANSI colour when `color`, else plain with the `[-…-]` /
/// `{+…+}` markers for deleted and inserted words.
pub(crate) fn paint(out: &mut String, text: &str, style: Style, color: bool) {
    if text.is_empty() {
        return;
    }
    let text = clean(text);
    if color && style != Style::Plain {
        out.push_str("\x1b[");
        out.push_str(style.sgr());
        out.push('m');
        out.push_str(&text);
        out.push_str("\x1b[0m");
    } else {
        match (color, style) {
            (false, Style::Del) => {
                out.push_str("[-");
                out.push_str(&text);
                out.push_str("-]");
            }
            (false, Style::Ins) => {
                out.push_str("{+");
                out.push_str(&text);
                out.push_str("+}");
            }
            _ => out.push_str(&text),
        }
    }
}

/// The spans of one side of a word diff: equal runs plain, plus the side's own changes
/// (`keep` is [`WordTag::Delete`] for side a, [`WordTag::Insert`] for side b, or both when
/// `keep` is `None`, as in the inline rendering). Without colour, markers become text.
///
/// A changed run's outer whitespace is shown outside its markers (`the {+town+} hall`). In
/// the inline form a deletion directly followed by an insertion reads as one replacement,
/// `[-old-]{+new+}`, with the whitespace around it shown once.
pub(crate) fn word_spans(words: &[WordOp], keep: Option<WordTag>, color: bool) -> Vec<Span> {
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(w) = words.get(i) {
        i += 1;
        match w.op {
            WordTag::Equal => out.push((clean(&w.text), Style::Plain)),
            op if keep.is_some_and(|k| k != op) => {}
            WordTag::Delete if keep.is_none() => {
                let next_ins = words.get(i).filter(|n| n.op == WordTag::Insert);
                match next_ins {
                    Some(n) => {
                        i += 1;
                        let (dl, dc, dt) = split_ws(&w.text);
                        let (il, ic, it) = split_ws(&n.text);
                        let lead = if dl.is_empty() { il } else { dl };
                        let trail = if it.is_empty() { dt } else { it };
                        out.push((clean(lead), Style::Plain));
                        marked(&mut out, dc, Style::Del, color);
                        marked(&mut out, ic, Style::Ins, color);
                        out.push((clean(trail), Style::Plain));
                    }
                    None => changed(&mut out, &w.text, Style::Del, color),
                }
            }
            WordTag::Delete => changed(&mut out, &w.text, Style::Del, color),
            WordTag::Insert => changed(&mut out, &w.text, Style::Ins, color),
        }
    }
    out.retain(|(t, _)| !t.is_empty());
    out
}

/// Pushes a changed run: outer whitespace plain, the rest marked.
fn changed(out: &mut Vec<Span>, text: &str, style: Style, color: bool) {
    let (lead, core, trail) = split_ws(text);
    if core.is_empty() {
        // A change of whitespace only: shown in the style, without markers.
        out.push((clean(text), if color { style } else { Style::Plain }));
        return;
    }
    out.push((clean(lead), Style::Plain));
    marked(out, core, style, color);
    out.push((clean(trail), Style::Plain));
}

/// Pushes `core` coloured, or between `[-…-]` / `{+…+}` markers without colour.
fn marked(out: &mut Vec<Span>, core: &str, style: Style, color: bool) {
    if core.is_empty() {
        return;
    }
    if color {
        out.push((clean(core), style));
    } else {
        let (open, close) = if style == Style::Del {
            ("[-", "-]")
        } else {
            ("{+", "+}")
        };
        out.push((format!("{open}{}{close}", clean(core)), Style::Plain));
    }
}

/// One wrapped line: characters with their styles, and its display width.
#[derive(Clone, Debug, Default)]
pub(crate) struct Line {
    cells: Vec<(char, Style)>,
    width: usize,
}

impl Line {
    /// The display width of the line.
    pub(crate) fn width(&self) -> usize {
        self.width
    }

    /// Renders the line, padded with spaces to `pad` columns when `pad` is given.
    pub(crate) fn render(&self, out: &mut String, color: bool, pad: Option<usize>) {
        let mut run = String::new();
        let mut run_style = Style::Plain;
        for &(c, st) in &self.cells {
            if st != run_style && !run.is_empty() {
                paint_raw(out, &run, run_style, color);
                run.clear();
            }
            run_style = st;
            run.push(c);
        }
        paint_raw(out, &run, run_style, color);
        if let Some(p) = pad {
            for _ in self.width..p {
                out.push(' ');
            }
        }
    }

    fn push(&mut self, c: char, st: Style, w: usize) {
        self.cells.push((c, st));
        self.width += w;
    }
}

/// Like [`paint`] but without markers: wrapped spans carry their markers as text already.
fn paint_raw(out: &mut String, text: &str, style: Style, color: bool) {
    if text.is_empty() {
        return;
    }
    if color && style != Style::Plain {
        out.push_str("\x1b[");
        out.push_str(style.sgr());
        out.push('m');
        out.push_str(text);
        out.push_str("\x1b[0m");
    } else {
        out.push_str(text);
    }
}

/// Display width of a character (control characters count 0; they are cleaned earlier).
fn cw(c: char) -> usize {
    c.width().unwrap_or(0)
}

/// Wraps spans into lines of at most `width` columns (at least 1), breaking at whitespace,
/// and inside words only when a word is wider than a line. Always returns at least one line.
pub(crate) fn wrap(spans: &[Span], width: usize) -> Vec<Line> {
    let width = width.max(1);
    // Split into words and spaces, each a list of styled characters.
    let mut pieces: Vec<(bool, Vec<(char, Style)>)> = Vec::new();
    for (text, st) in spans {
        for c in text.chars() {
            let c = if c.is_control() { ' ' } else { c };
            let space = c.is_whitespace();
            match pieces.last_mut() {
                Some((sp, cells)) if *sp == space => cells.push((c, *st)),
                _ => pieces.push((space, vec![(c, *st)])),
            }
        }
    }
    let mut lines = vec![Line::default()];
    let mut pending_space: Vec<(char, Style)> = Vec::new();
    for (space, cells) in pieces {
        if space {
            pending_space = cells.into_iter().map(|(_, st)| (' ', st)).collect();
            continue;
        }
        let word_w: usize = cells.iter().map(|&(c, _)| cw(c)).sum();
        let cur = lines.last().map_or(0, Line::width);
        let space_w = if cur == 0 { 0 } else { pending_space.len() };
        if cur > 0 && cur + space_w + word_w > width {
            lines.push(Line::default());
        }
        if let Some(line) = lines.last_mut() {
            if line.width() > 0 {
                for &(c, st) in &pending_space {
                    line.push(c, st, 1);
                }
            }
        }
        pending_space.clear();
        for (c, st) in cells {
            let w = cw(c);
            let full = lines
                .last()
                .is_some_and(|l| l.width() > 0 && l.width() + w > width);
            if full {
                lines.push(Line::default());
            }
            if let Some(line) = lines.last_mut() {
                line.push(c, st, w);
            }
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(lines: &[Line]) -> Vec<String> {
        lines
            .iter()
            .map(|l| {
                let mut s = String::new();
                l.render(&mut s, false, None);
                s
            })
            .collect()
    }

    #[test]
    fn wraps_at_spaces_and_splits_long_words() {
        let spans = vec![("aaa bbb ccc dddddddddd".to_string(), Style::Plain)];
        let lines = wrap(&spans, 7);
        assert_eq!(plain(&lines), ["aaa bbb", "ccc", "ddddddd", "ddd"]);
        assert!(lines.iter().all(|l| l.width() <= 7));
    }

    #[test]
    fn wide_characters_count_double() {
        let spans = vec![("日本語テキスト".to_string(), Style::Plain)];
        let lines = wrap(&spans, 5);
        assert!(lines.iter().all(|l| l.width() <= 5));
        assert_eq!(plain(&lines).concat(), "日本語テキスト");
    }

    #[test]
    fn control_characters_are_cleaned() {
        assert_eq!(clean("a\x1b[31mb\tc\n"), "a [31mb c ");
    }
}
