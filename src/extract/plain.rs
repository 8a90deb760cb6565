//! Plain text: paragraphs, a title from the first line, and site furniture removed.

use super::{boilerplate, Extracted};

/// True when a line ends like a sentence (closing quotes and brackets allowed after the mark).
pub(crate) fn ends_sentence(line: &str) -> bool {
    let t = line
        .trim_end()
        .trim_end_matches(['"', '\'', '”', '’', '»', ')', ']', '」', '』', '*']);
    t.ends_with(['.', '!', '?', '…', '。', '！', '？', '؟', '۔', '।'])
}

/// A line that reads as article body: a sentence of some length.
fn is_body_line(line: &str) -> bool {
    let words = line.split_whitespace().count();
    let chars = line.chars().count();
    words >= 35
        || chars >= 300
        || (words >= 6 && ends_sentence(line))
        || (chars >= 40 && ends_sentence(line) && words <= 2)
}

/// A line that can be a headline.
fn looks_like_title(line: &str) -> bool {
    let words = line.split_whitespace().count();
    let chars = line.chars().count();
    (1..=30).contains(&words)
        && chars <= 250
        && !line
            .trim_end()
            .ends_with(['.', ',', ';', ':', '。', '．', '，', '；', '：'])
        && line.chars().any(char::is_alphabetic)
}

/// Splits text into paragraphs: blank-line blocks, and inside a block one paragraph per line
/// unless the text is hard-wrapped (then the lines of a block are joined).
pub(crate) fn paragraphs(text: &str) -> Vec<String> {
    let lines: Vec<&str> = text
        .lines()
        .map(|l| l.trim_matches(|c: char| c.is_whitespace()))
        .collect();
    let wrapped = is_hard_wrapped(&lines);
    let mut out: Vec<String> = Vec::new();
    let mut cur = String::new();
    for line in lines {
        if line.is_empty() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            continue;
        }
        if wrapped {
            if !cur.is_empty() {
                cur.push(' ');
            }
            cur.push_str(line);
        } else {
            out.push(line.to_string());
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// True when most lines of multi-line blocks stop near a fixed width without ending sentences.
fn is_hard_wrapped(lines: &[&str]) -> bool {
    let mut candidates = 0usize;
    let mut wrapped = 0usize;
    for w in lines.windows(2) {
        if w[0].is_empty() || w[1].is_empty() {
            continue;
        }
        candidates += 1;
        let len = w[0].chars().count();
        if (40..=100).contains(&len) && !ends_sentence(w[0]) {
            wrapped += 1;
        }
    }
    candidates >= 3 && wrapped * 2 > candidates
}

/// Drops furniture from a list of paragraphs, returning the kept ones, a title and a byline.
///
/// `find_title`: take the first title-like line of the header as the headline.
/// `regions`: also drop short non-sentence lines before the first and after the last sentence.
pub(crate) fn clean(
    paras: Vec<String>,
    find_title: bool,
    regions: bool,
) -> (Vec<String>, Option<String>, Option<String>) {
    let mut title = None;
    let mut byline = None;
    // End matter: reader comments after most of the text end the article; lists of other
    // stories are skipped up to the next full paragraph.
    let paras = if regions {
        drop_end_matter(paras)
    } else {
        paras
    };
    let paras: Vec<String> = paras
        .into_iter()
        .filter(|p| !boilerplate::is_boilerplate(p))
        .collect();
    let first_body = paras
        .iter()
        .position(|p| is_body_line(p))
        .unwrap_or(paras.len());
    let last_body = paras
        .iter()
        .rposition(|p| is_body_line(p) && (ends_sentence(p) || p.chars().count() >= 200));
    // Scripts such as Thai end paragraphs without sentence marks.
    let long: Vec<&String> = paras.iter().filter(|p| p.chars().count() >= 100).collect();
    let uses_marks =
        long.is_empty() || long.iter().filter(|p| ends_sentence(p)).count() * 2 >= long.len();
    let mut kept = Vec::new();
    for (i, p) in paras.into_iter().enumerate() {
        if let Some(b) = boilerplate::byline(&p) {
            byline.get_or_insert(b);
            continue;
        }
        if regions && i < first_body {
            // The header: the headline, then labels, credits, teasers.
            if find_title && title.is_none() && looks_like_title(&p) {
                title = Some(p);
                continue;
            }
            // A teaser that repeats the start of the title ("…City...").
            if p.ends_with("...") || p.ends_with('…') {
                continue;
            }
            if p.split_whitespace().count() <= 4 && !ends_sentence(&p) {
                continue;
            }
        }
        if let Some(last) = last_body.filter(|_| regions) {
            // The footer: after the last sentence, lines that are not sentences.
            let short = if uses_marks {
                !ends_sentence(&p) && p.chars().count() < 200
            } else {
                p.chars().count() < 60
            };
            if i > last && (short || p.split_whitespace().count() <= 3) {
                continue;
            }
        }
        kept.push(p);
    }
    (kept, title, byline)
}

/// A paragraph long enough to be article text again after a list of links.
fn is_full_paragraph(p: &str) -> bool {
    p.chars().count() >= 250 || (p.split_whitespace().count() >= 12 && ends_sentence(p))
}

/// Drops comment sections and lists of other stories (see [`boilerplate::end_marker`]).
fn drop_end_matter(paras: Vec<String>) -> Vec<String> {
    let total: usize = paras.iter().map(|p| p.chars().count()).sum();
    let mut before = 0usize;
    let mut skipping = false;
    let mut out = Vec::with_capacity(paras.len());
    for p in paras {
        match boilerplate::end_marker(&p) {
            Some(boilerplate::EndMarker::Comments)
                if before >= 600 || (before >= 300 && before * 100 >= total * 35) =>
            {
                break
            }
            Some(boilerplate::EndMarker::List) => {
                skipping = true;
                continue;
            }
            _ => {}
        }
        if skipping && !is_full_paragraph(&p) {
            continue;
        }
        skipping = false;
        before += p.chars().count();
        out.push(p);
    }
    out
}

/// Extracts a plain-text article.
pub(crate) fn extract(text: &str) -> Extracted {
    let paras = paragraphs(text);
    let (kept, title, byline) = clean(paras, true, true);
    if kept.is_empty() {
        // Nothing reads as body text (e.g. one line without a final full stop, taken as the
        // headline): the file is all there is, so keep its lines rather than refuse it.
        let (kept, _, byline) = clean(paragraphs(text), false, false);
        return Extracted {
            text: kept.join("\n\n"),
            byline,
            ..Default::default()
        };
    }
    Extracted {
        text: kept.join("\n\n"),
        title,
        byline,
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn title_and_furniture() {
        let t = "Saturday, March 25, 2023\nHomeWorldBig News Today...\n\nBig News Today\n\n- Advertisement -\n\n\
                 The first sentence of the article is long enough to be body text, clearly.\n\n\
                 scenes of destruction\n\nAnother sentence of the article follows here, also long.\n\n\
                 Source: Some Outlet\n\nPlease enter your comment!\nPlease enter your name here\n\nHot Topics";
        let e = extract(t);
        assert_eq!(e.title.as_deref(), Some("Big News Today"));
        assert_eq!(
            e.text,
            "The first sentence of the article is long enough to be body text, clearly.\n\n\
             scenes of destruction\n\nAnother sentence of the article follows here, also long."
        );
    }

    #[test]
    fn no_title_when_first_line_is_a_sentence() {
        let e = extract("The army announced on Friday that it had sent reinforcements to the region.\nMore text here.");
        assert_eq!(e.title, None);
        assert!(e.text.starts_with("The army"));
    }

    #[test]
    fn a_single_line_without_full_stop_is_kept_as_text() {
        let line = "The council voted on Tuesday to approve the new budget for the coming year, officials said one";
        let e = extract(line);
        assert_eq!(e.text, line);
        assert_eq!(e.title, None);
    }

    #[test]
    fn a_cjk_sentence_is_not_a_headline() {
        let t = "市议会周二投票批准了来年的新预算，官员们说。\n\n市长表示，该计划将帮助居民支付暴风雨后的维修费用。\n";
        let e = extract(t);
        assert_eq!(e.title, None);
        assert!(e.text.starts_with("市议会周二"), "{}", e.text);
    }

    #[test]
    fn hard_wrapped_lines_join() {
        let t = "Title\n\nThis paragraph was wrapped at a fixed width by the tool\nthat saved it, so its lines do not end with\nsentence marks at all until the very end.\n\nA second paragraph that is also wrapped by\nthe same tool at the same width as before.";
        let p = paragraphs(t);
        assert_eq!(p.len(), 3);
    }
}
