//! Site furniture recognised line by line: ad markers, prompts, share and related lines,
//! breadcrumbs, lone dates and bylines.
//!
//! The rules look at one line (a paragraph) at a time and only ever match short lines, so an
//! article sentence that merely mentions "share" or "comment" is never dropped.

use super::dates;

/// Words of a line, split on whitespace.
fn word_count(s: &str) -> usize {
    s.split_whitespace().count()
}

/// Lower-cased line with surrounding dashes, bullets, pipes and spaces removed.
fn core(line: &str) -> String {
    line.trim_matches(|c: char| {
        c.is_whitespace()
            || matches!(
                c,
                '-' | '–'
                    | '—'
                    | '|'
                    | '•'
                    | '·'
                    | '*'
                    | '='
                    | '_'
                    | '>'
                    | '<'
                    | '»'
                    | '«'
                    | '['
                    | ']'
                    | '('
                    | ')'
                    | ':'
            )
    })
    .to_lowercase()
}

/// An advertisement marker such as "- Advertisement -" or "- Article Inline Advertisement 1-".
#[cfg(test)]
pub fn is_ad_marker(line: &str) -> bool {
    let c = core(line);
    ad_marker(&c, word_count(&c))
}

/// `is_ad_marker` of a line whose [`core`] is `c`, of `words` words.
fn ad_marker(c: &str, words: usize) -> bool {
    if c.is_empty() || words > 7 {
        return false;
    }
    c == "ad"
        || c == "ads"
        || c.contains("advertisement")
        || c.contains("advertisment")
        || c.contains("advertising")
        || c == "sponsored"
        || c == "sponsored content"
        || c.starts_with("story continues below")
        || c.starts_with("article continues below")
        || c.starts_with("continue reading below")
}

/// Exact short lines (after [`core`]) that are furniture on news sites.
const FURNITURE: &[&str] = &[
    "share",
    "share this",
    "share this article",
    "share this story",
    "share article",
    "shares",
    "tweet",
    "email",
    "e-mail",
    "print",
    "print this",
    "print article",
    "comments",
    "comment",
    "no comments",
    "no comments found",
    "no comments yet",
    "leave a reply",
    "leave a comment",
    "post a comment",
    "add a comment",
    "add comment",
    "view comments",
    "show comments",
    "related",
    "related articles",
    "related news",
    "related posts",
    "related stories",
    "related content",
    "related links",
    "related topics",
    "more on this story",
    "read more",
    "read also",
    "see also",
    "also read",
    "more stories",
    "more news",
    "hot topics",
    "must read",
    "latest posts",
    "latest news",
    "latest headlines",
    "latest",
    "stay connected",
    "most popular",
    "most read",
    "popular",
    "trending",
    "trending now",
    "recommended",
    "recommended for you",
    "you may also like",
    "you might also like",
    "don't miss",
    "top stories",
    "editor's picks",
    "editors' picks",
    "breaking news",
    "skip to main content",
    "skip to content",
    "sign in",
    "log in",
    "login",
    "register",
    "subscribe",
    "subscribe now",
    "sign up",
    "newsletter",
    "follow us",
    "menu",
    "search",
    "home",
    "back to top",
    "next article",
    "previous article",
    "next",
    "previous",
    "advertise with us",
    "contact us",
    "about us",
    "privacy policy",
    "terms of use",
    "cookie policy",
    "all rights reserved",
    "loading",
    "loading...",
    "close",
    "open",
    "facebook",
    "twitter",
    "whatsapp",
    "linkedin",
    "pinterest",
    "reddit",
    "telegram",
    "copy link",
    "link copied",
    "listen",
    "listen to this article",
    "watch",
    "video",
    "photo",
    "image",
    "gallery",
    "tags",
    "topics",
    "filed under",
    "categories",
];

/// Prefixes of short furniture lines ("Tags: …", "Follow us on …", "Share on Facebook").
const FURNITURE_PREFIXES: &[&str] = &[
    "tags:",
    "tagged:",
    "topics:",
    "filed under",
    "categories:",
    "category:",
    "share on ",
    "share via",
    "share this",
    "follow us",
    "follow @",
    "follow on ",
    "like us on",
    "subscribe to",
    "subscribe for",
    "sign up for",
    "sign up to",
    "join our",
    "get our",
    "click here",
    "click to ",
    "please enter your",
    "you have entered an incorrect",
    "save my name",
    "would love your thoughts",
    "please comment",
    "notify me of",
    "you must be logged in",
    "log in to comment",
    "comments are closed",
    "be the first to comment",
    "copyright ©",
    "copyright (c)",
    "© ",
    "(c) ",
    "all rights reserved",
    "you are here",
    "related:",
    "related articles",
    "related stories",
    "read more:",
    "read more at",
    "read also:",
    "also read:",
    "see also:",
    "more:",
    "recommended:",
    "watch:",
    "listen:",
    "photo:",
    "image:",
    "file photo",
    "getty images",
    "(photo",
    "photograph:",
    "credit:",
    "this article was",
    "this story was",
    "report an error",
    "send us feedback",
    "posted in ",
    "share your thoughts",
    "what do you think",
    "join the conversation",
    "download our app",
    "get the app",
    "trending now",
    "loading comments",
];

/// A short line that is site furniture: prompts, share/follow/subscribe lines, section labels.
#[cfg(test)]
pub fn is_furniture(line: &str) -> bool {
    let c = core(line);
    furniture(&c, word_count(&c))
}

/// `is_furniture` of a line whose [`core`] is `c`, of `words` words.
fn furniture(c: &str, words: usize) -> bool {
    if c.is_empty() {
        return false;
    }
    if words <= 6 && FURNITURE.contains(&c) {
        return true;
    }
    if words <= 14 && FURNITURE_PREFIXES.iter().any(|p| c.starts_with(p)) {
        return true;
    }
    // "Share Facebook Twitter Email": a row of sharing targets.
    let share_words = [
        "share",
        "facebook",
        "twitter",
        "email",
        "whatsapp",
        "linkedin",
        "pinterest",
        "reddit",
        "print",
        "tweet",
        "comments",
        "copy",
        "link",
        "x",
        "telegram",
        "messenger",
        "sms",
    ];
    (2..=10).contains(&words)
        && c.split_whitespace()
            .all(|w| share_words.contains(&w.trim_matches(|ch: char| !ch.is_alphanumeric())))
}

/// A breadcrumb trail: "HomeNEWSAfter Five Months…", "Home > World > Europe", "News | Politics".
pub fn is_breadcrumb(line: &str) -> bool {
    let t = line.trim();
    // Concatenated links: "Home" glued to the next capitalised item.
    if let Some(rest) = t.strip_prefix("Home") {
        if rest.chars().next().is_some_and(|c| c.is_uppercase()) {
            return true;
        }
    }
    if starts_with_lowercased(t, "you are here") {
        return true;
    }
    // Every rule below needs a first part of at most 6 words, so the first separator must start
    // before the 7th word: only that head is searched for it (article paragraphs are long).
    let seventh = t.split_whitespace().nth(6).map_or(t.len(), |w| w.as_ptr() as usize - t.as_ptr() as usize);
    for sep in [" > ", " » ", " › ", " / ", " | ", " :: ", " → "] {
        let mut head_end = (seventh + sep.len()).min(t.len());
        while !t.is_char_boundary(head_end) {
            head_end += 1;
        }
        if !t[..head_end].contains(sep) {
            continue;
        }
        // Parts of at most 5 words and at least 3 parts; or a "Home" first part and parts of
        // at most 6 words. Parts are counted without collecting them: the first long part
        // settles it.
        let mut parts = t.split(sep);
        let Some(first) = parts.next() else { continue };
        let home = first.trim().eq_ignore_ascii_case("home");
        let (mut n, mut max_words) = (1usize, word_count(first));
        if max_words > 6 {
            continue;
        }
        for p in parts {
            n += 1;
            max_words = max_words.max(word_count(p));
            if max_words > 6 {
                break;
            }
        }
        if (n >= 3 && max_words <= 5) || (n >= 2 && home && max_words <= 6) {
            return true;
        }
    }
    false
}

/// Whether the lower-cased `t` starts with `prefix` (lower case), lower-casing only as much of
/// `t` as the comparison needs.
fn starts_with_lowercased(t: &str, prefix: &str) -> bool {
    let mut lower = String::with_capacity(prefix.len() + 4);
    for ch in t.chars() {
        if lower.len() >= prefix.len() {
            break;
        }
        lower.extend(ch.to_lowercase());
    }
    lower.starts_with(prefix)
}

/// Words that may appear in a dateline such as "Updated: Saturday, March 25, 2023 at 10:04 am EDT".
fn is_date_word(w: &str) -> bool {
    const WORDS: &[&str] = &[
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "mon",
        "tue",
        "tues",
        "wed",
        "thu",
        "thur",
        "thurs",
        "fri",
        "sat",
        "sun",
        "am",
        "pm",
        "a.m",
        "p.m",
        "at",
        "on",
        "published",
        "updated",
        "posted",
        "last",
        "modified",
        "date",
        "utc",
        "gmt",
        "est",
        "edt",
        "cst",
        "cdt",
        "pst",
        "pdt",
        "et",
        "bst",
        "cet",
        "cest",
        "ist",
        "of",
        "the",
        "th",
        "st",
        "nd",
        "rd",
        "and",
        "created",
        "time",
    ];
    let w = w
        .trim_matches(|c: char| !c.is_alphanumeric() && c != '.')
        .trim_end_matches('.');
    if w.is_empty() {
        return true;
    }
    if w.chars()
        .all(|c| c.is_ascii_digit() || matches!(c, ':' | '/' | '-' | '.' | '+'))
    {
        return true;
    }
    // "25th", "1st", "10:04am"
    let lower = w.to_lowercase();
    let alpha: String = lower.chars().filter(|c| c.is_alphabetic()).collect();
    let has_digit = lower.chars().any(|c| c.is_ascii_digit());
    (has_digit
        && matches!(
            alpha.as_str(),
            "th" | "st" | "nd" | "rd" | "am" | "pm" | "h" | "z" | "t"
        ))
        || WORDS.contains(&lower.as_str())
}

/// A line holding only a date or a dateline ("Saturday, March 25, 2023", "Updated 10:04 AM EDT").
pub fn is_lone_date(line: &str) -> bool {
    let t = line.trim();
    if t.is_empty() || word_count(t) > 12 {
        return false;
    }
    if dates::to_rfc3339_utc(t).is_some() {
        return true;
    }
    let has_digit = t.chars().any(|c| c.is_ascii_digit());
    (has_digit && t.split_whitespace().all(is_date_word)) || is_dateline(t)
}

/// A short line dominated by date and time tokens in any language
/// ("Submitted on Mon, 2019-01-21 13:49", "2018年6月18日 10:01 発信地：…").
fn is_dateline(t: &str) -> bool {
    let tokens: Vec<&str> = t
        .split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .collect();
    if tokens.is_empty() || tokens.len() > 12 {
        return false;
    }
    let digits: Vec<&str> = tokens
        .iter()
        .copied()
        .filter(|w| w.chars().any(|c| c.is_ascii_digit()))
        .collect();
    if digits.len() * 100 < tokens.len() * 35 {
        return false;
    }
    let num = |w: &str| -> Option<u32> {
        let d: String = w.chars().filter(char::is_ascii_digit).collect();
        (d.len() == w.trim_matches(|c: char| !c.is_alphanumeric()).len())
            .then(|| d.parse().ok())
            .flatten()
    };
    let year = |w: &str| num(w).is_some_and(|n| (1900..=2099).contains(&n));
    let has_year = digits.iter().any(|w| year(w));
    let has_time = digits.iter().any(|w| {
        let b = w.as_bytes();
        b.windows(3)
            .any(|x| x[0].is_ascii_digit() && x[1] == b':' && x[2].is_ascii_digit())
    });
    let has_day = digits
        .iter()
        .any(|w| num(w).is_some_and(|n| (1..=31).contains(&n)));
    let iso = digits.iter().any(|w| {
        let b = w.as_bytes();
        b.len() >= 8 && b[..4].iter().all(u8::is_ascii_digit) && matches!(b[4], b'-' | b'/' | b'.')
    });
    let cjk = digits
        .iter()
        .any(|w| w.contains('年') && (w.contains('月') || w.contains('日')));
    iso || cjk || (has_year && (has_time || has_day))
}

/// A byline line ("By Jane Doe", "By Jane Doe and John Roe, CNN"); returns the names.
pub fn byline(line: &str) -> Option<String> {
    let t = line.trim();
    let rest = t
        .strip_prefix("By ")
        .or_else(|| t.strip_prefix("BY "))
        .or_else(|| t.strip_prefix("by "))?;
    let words = word_count(rest);
    if words == 0 || words > 10 || rest.ends_with('.') && words > 4 {
        return None;
    }
    // Names are capitalised.
    let caps = rest
        .split_whitespace()
        .filter(|w| w.chars().next().is_some_and(char::is_uppercase))
        .count();
    (caps * 2 >= words).then(|| rest.trim().to_string())
}

/// Labels that open a page's comment section: everything after them is dropped.
const COMMENT_MARKERS: &[&str] = &[
    "comments",
    "reader comments",
    "readers' comments",
    "readers comments",
    "your comments",
    "user comments",
    "add your comment",
    "add a comment",
    "post a comment",
    "leave a comment",
    "leave a reply",
    "join the discussion",
    "join the conversation",
    "thanks for your comments",
    "comments are closed",
    "discussion",
    "responses",
];

/// Labels that open a list of links to other stories (related, most read, jobs): the list is
/// dropped up to the next full paragraph.
const LIST_MARKERS: &[&str] = &[
    "related",
    "related content",
    "related stories",
    "related articles",
    "related news",
    "related links",
    "related posts",
    "related coverage",
    "related topics",
    "related industry news",
    "more news",
    "more stories",
    "more headlines",
    "more on this story",
    "more from",
    "also in",
    "most viewed",
    "most viewed stories",
    "most read",
    "most read stories",
    "most emailed",
    "most emailed stories",
    "most popular",
    "most commented",
    "top stories",
    "latest news",
    "you may also like",
    "you might also like",
    "recommended",
    "recommended stories",
    "see also",
    "featured jobs",
    "marketplace",
    "sponsored links",
    "from around the web",
    "trending",
    "trending now",
    "elsewhere on the web",
    "around the web",
    "editor's picks",
];

/// What kind of end matter a label opens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EndMarker {
    /// Reader comments: the rest of the page.
    Comments,
    /// A list of other stories: up to the next full paragraph.
    List,
}

/// The kind of end matter a line opens ("Comments (3)", "Most Viewed Stories",
/// "R E L A T E D  C O N T E N T", "Posted by: name on 8:21pm Tue 1 Jan 08"), if any.
pub fn end_marker(line: &str) -> Option<EndMarker> {
    let t = line.trim();
    // "R E L A T E D  C O N T E N T": letters spaced out.
    let spaced = t.chars().count() > 4
        && t.split(' ')
            .filter(|w| !w.is_empty())
            .all(|w| w.chars().count() == 1);
    let joined = if spaced {
        t.split("  ")
            .map(|w| w.replace(' ', ""))
            .collect::<Vec<_>>()
            .join(" ")
    } else {
        t.to_string()
    };
    let c = core(&joined);
    let c = c.trim_end_matches(|ch: char| {
        ch.is_ascii_digit() || ch == '(' || ch == ')' || ch.is_whitespace()
    });
    let squashed: String = c.chars().filter(|ch| !ch.is_whitespace()).collect();
    let matches = |list: &[&str]| {
        list.contains(&c) || (spaced && list.iter().any(|m| m.replace(' ', "") == squashed))
    };
    if matches(COMMENT_MARKERS) {
        return Some(EndMarker::Comments);
    }
    if matches(LIST_MARKERS) {
        return Some(EndMarker::List);
    }
    // "12 comments"
    let rest = c.trim_start_matches(|ch: char| ch.is_ascii_digit() || ch.is_whitespace());
    if rest != c && matches!(rest, "comments" | "comment" | "responses" | "replies") {
        return Some(EndMarker::Comments);
    }
    (c.starts_with("posted by") && t.split_whitespace().count() <= 16 && is_dateline_like(t))
        .then_some(EndMarker::Comments)
}

/// True when a line carries a time or a date (for comment signatures).
fn is_dateline_like(t: &str) -> bool {
    t.split_whitespace().any(|w| {
        let b = w.as_bytes();
        b.windows(3)
            .any(|x| x[0].is_ascii_digit() && x[1] == b':' && x[2].is_ascii_digit())
    }) || t
        .split_whitespace()
        .any(|w| is_date_word(w) && w.chars().any(char::is_alphabetic) && w.len() >= 3)
}

/// A copyright or reuse notice ("© 2007 Reuters. All rights reserved. This material may not
/// be published, broadcast, rewritten or redistributed.").
#[cfg(test)]
pub fn is_legal(line: &str) -> bool {
    let c = core(line);
    legal(&c, word_count(&c))
}

/// `is_legal` of a line whose [`core`] is `c`, of `words` words.
fn legal(c: &str, words: usize) -> bool {
    if words > 80 {
        return false;
    }
    if c.starts_with('©') || c.starts_with("copyright") || c.starts_with("(c) ") {
        // "© Reuters", "Copyright 2008 Associated Press...", "Copyright © 2023 Example Media":
        // short, or a year among the first words. Article text may open with the word too
        // ("Copyright holders have long argued...", "(C) - Sales made on exporters' own
        // account."), and then it stays unless a notice phrase follows (below).
        if words <= SHORT_NOTICE_WORDS || c.split_whitespace().take(4).any(is_year) || c.contains("rights reserved") {
            return true;
        }
    }
    // A notice phrase early in the line (a sentence of article text may come before it in
    // the same paragraph: then the paragraph stays).
    [
        "all rights reserved",
        "may not be published, broadcast",
        "without permission is prohibited",
        "without prior written permission",
    ]
    .iter()
    .filter_map(|k| find_in_first_half(c, k))
    .min()
    .is_some()
}

/// Most words of a line that is a copyright notice by its first word alone.
const SHORT_NOTICE_WORDS: usize = 6;

/// True for a word that is a year from 1900 to 2099 ("2008", "©2023", "2023.").
fn is_year(w: &str) -> bool {
    let d = w.trim_matches(|c: char| !c.is_ascii_digit());
    d.len() == 4 && (d.starts_with("19") || d.starts_with("20")) && w.chars().filter(char::is_ascii_digit).count() == 4
}

/// The first position of `k` in `c` when it is at most half of `c`'s length: only that part
/// (and `k`'s length beyond it) is searched.
fn find_in_first_half(c: &str, k: &str) -> Option<usize> {
    let mut end = (c.len() / 2 + k.len()).min(c.len());
    while !c.is_char_boundary(end) {
        end += 1;
    }
    c[..end].find(k).filter(|pos| pos * 2 <= c.len())
}

/// A short credit line ("Palm Beach Post Staff Writer", "CanWest News Service; with files
/// from Reuters", "Associated Press Writer").
#[cfg(test)]
pub fn is_credit(line: &str) -> bool {
    let c = core(line);
    credit(line, &c, word_count(&c))
}

/// `is_credit` of `line`, whose [`core`] is `c`, of `words` words.
fn credit(line: &str, c: &str, words: usize) -> bool {
    if words == 0 || words > 9 || crate::extract::plain::ends_sentence(line) {
        return false;
    }
    [
        "staff writer",
        "staff reporter",
        "news service",
        "with files from",
        "press writer",
        "contributed to this report",
        "contributing writer",
        "special correspondent",
        "wire services",
        "wire service",
        "staff and agencies",
        "and agencies",
    ]
    .iter()
    .any(|k| c.contains(k))
}

/// Any of the line rules that apply anywhere in an article.
pub fn is_boilerplate(line: &str) -> bool {
    // The line lower-cased once for the rules that read it so.
    let c = core(line);
    let words = word_count(&c);
    ad_marker(&c, words)
        || furniture(&c, words)
        || is_breadcrumb(line)
        || is_lone_date(line)
        || legal(&c, words)
        || credit(line, &c, words)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers() {
        for l in [
            "- Advertisement -",
            "- Article Top Advertisement -",
            "- Article Inline Advertisement 1-",
            "ADVERTISEMENT",
        ] {
            assert!(is_ad_marker(l), "{l}");
        }
        assert!(!is_ad_marker(
            "The advertisement campaign cost the company millions of dollars last year."
        ));
        assert!(!is_ad_marker("- 'Big operational defeat' -"));
    }

    #[test]
    fn furniture() {
        for l in [
            "Please enter your comment!",
            "Please enter your name here",
            "Related Articles",
            "Share",
            "Tags: Ukraine, Russia",
            "Hot Topics",
            "Share Facebook Twitter Email",
            "No Comments Found",
        ] {
            assert!(is_furniture(l), "{l}");
        }
        assert!(!is_furniture("Three bodies lay in white bags in a yard."));
        assert!(!is_furniture(
            "Shares in the company fell 5% on Monday after the announcement."
        ));
    }

    #[test]
    fn breadcrumbs_and_dates() {
        assert!(is_breadcrumb(
            "HomeNEWSAfter Five Months Of Russian Occupation..."
        ));
        assert!(is_breadcrumb("Home > World > Europe"));
        assert!(!is_breadcrumb("Homes were destroyed in the blast."));
        assert!(is_lone_date("Saturday, March 25, 2023"));
        assert!(is_lone_date("Updated 10:04 AM EDT, Sat September 10, 2022"));
        assert!(!is_lone_date(
            "On September 9, military trucks from Russia will arrive in Kharkiv."
        ));
        assert!(is_lone_date("Submitted on Mon, 2019-01-21 13:49"));
        assert!(is_lone_date(
            "2018年6月18日 10:01 発信地：カノ/ナイジェリア [ ナイジェリア アフリカ ]"
        ));
        assert!(!is_lone_date("In 2019: 45,000 deaths"));
        assert_eq!(byline("By Jane Doe, CNN").as_deref(), Some("Jane Doe, CNN"));
        assert!(is_legal("Copyright 2008 Associated Press. All rights reserved. This material may not be published, broadcast, rewritten, or redistributed."));
        assert!(is_legal("© 2007 The Blade. By using this service, you accept the terms of our privacy statement."));
        assert!(!is_legal(
            "The copyright dispute between the two firms went to court on Monday."
        ));
        assert!(is_legal("© Reuters"));
        assert!(is_legal("Copyright © 2023 Example Media Group"));
        assert!(is_legal("Copyright (c) 2019 Example News, a division of Example Corp. Terms of use apply to all content on this site."));
        assert!(is_legal("Copyright Example Media Group. All rights reserved."));
        assert!(!is_legal(
            "Copyright holders have long argued that file-sharing networks cost the music industry billions, a claim the networks dispute."
        ));
        assert!(!is_legal("Copyright infringement cost the industry $2bn in 2004, the BPI said."));
        assert!(!is_legal("(C) - Sales made on exporters' own account."));
        assert!(is_credit("Palm Beach Post Staff Writer"));
        assert!(is_credit("CanWest News Service; with files from Reuters"));
        assert!(!is_credit(
            "The staff writer who broke the story won an award for it."
        ));
        for l in [
            "R E L A T E D  C O N T E N T",
            "Most Viewed Stories",
            "Related Industry News",
        ] {
            assert_eq!(end_marker(l), Some(EndMarker::List), "{l}");
        }
        for l in [
            "12 Comments",
            "Posted by: tom, farnworth on 8:21pm Tue 1 Jan 08",
            "Comments (3)",
        ] {
            assert_eq!(end_marker(l), Some(EndMarker::Comments), "{l}");
        }
        assert_eq!(
            end_marker("Related shares rose 5% on the news, traders said."),
            None
        );
        assert_eq!(byline("By the end of the day, the troops had left."), None);
    }
}
