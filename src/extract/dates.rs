//! Date parsing: the many forms news pages and clippers write, to RFC 3339 UTC.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, SecondsFormat, TimeZone, Utc};

/// Earliest and latest years accepted as publication dates.
const YEARS: std::ops::RangeInclusive<i32> = 1900..=2200;

/// Parses a date or date-time and returns it as RFC 3339 UTC (`2022-09-10T12:00:00Z`).
///
/// Date-only values are taken as midnight UTC. Returns `None` when nothing parses.
pub fn to_rfc3339_utc(raw: &str) -> Option<String> {
    let s = raw.trim().trim_matches('"');
    if s.is_empty() || s.len() > 80 {
        return None;
    }
    let dt = parse(s)?;
    if !YEARS.contains(&chrono::Datelike::year(&dt)) {
        return None;
    }
    Some(dt.to_rfc3339_opts(SecondsFormat::Secs, true))
}

/// Finds a numeric date (`2023-11-17 20:52:15`, `2023/11/17`, `2023年11月17日`) inside running
/// text and returns it as RFC 3339 UTC.
pub fn find_in_text(text: &str) -> Option<String> {
    let chars: Vec<char> = text.chars().take(2000).collect();
    let digits_at = |i: usize, max: usize| -> usize {
        chars[i.min(chars.len())..]
            .iter()
            .take(max)
            .take_while(|c| c.is_ascii_digit())
            .count()
    };
    let mut i = 0;
    while i + 8 <= chars.len() {
        let starts_number = i == 0 || !chars[i - 1].is_ascii_digit();
        if starts_number && digits_at(i, 5) == 4 {
            let sep = chars[i + 4];
            let cjk = sep == '年';
            if matches!(sep, '-' | '/' | '.') || cjk {
                let m = digits_at(i + 5, 3);
                let sep2 = chars.get(i + 5 + m).copied();
                let ok2 = if cjk {
                    sep2 == Some('月')
                } else {
                    sep2 == Some(sep)
                };
                if (1..=2).contains(&m) && ok2 {
                    let d = digits_at(i + 6 + m, 3);
                    if (1..=2).contains(&d) {
                        let num = |a: usize, n: usize| chars[a..a + n].iter().collect::<String>();
                        let date = format!(
                            "{}-{:0>2}-{:0>2}",
                            num(i, 4),
                            num(i + 5, m),
                            num(i + 6 + m, d)
                        );
                        let mut end = i + 6 + m + d;
                        if cjk && chars.get(end) == Some(&'日') {
                            end += 1;
                        }
                        // An optional time after a space.
                        let mut time = String::new();
                        if chars.get(end) == Some(&' ')
                            && digits_at(end + 1, 3) == 2
                            && chars.get(end + 3) == Some(&':')
                            && digits_at(end + 4, 3) == 2
                        {
                            time = format!("T{}:00", num(end + 1, 2) + ":" + &num(end + 4, 2));
                            if chars.get(end + 6) == Some(&':') && digits_at(end + 7, 3) == 2 {
                                time = format!(
                                    "T{}:{}:{}",
                                    num(end + 1, 2),
                                    num(end + 4, 2),
                                    num(end + 7, 2)
                                );
                            }
                        }
                        if let Some(v) = to_rfc3339_utc(&format!("{date}{time}")) {
                            return Some(v);
                        }
                    }
                }
            }
        }
        i += 1;
    }
    None
}

/// Tries the known forms in turn.
fn parse(s: &str) -> Option<DateTime<Utc>> {
    if let Ok(d) = DateTime::parse_from_rfc3339(s) {
        return Some(d.with_timezone(&Utc));
    }
    if let Ok(d) = DateTime::parse_from_rfc2822(s) {
        return Some(d.with_timezone(&Utc));
    }
    let with_zone = [
        "%Y-%m-%dT%H:%M:%S%.f%z",
        "%Y-%m-%dT%H:%M:%S%z",
        "%Y-%m-%dT%H:%M%z",
        "%Y-%m-%d %H:%M:%S%.f%z",
        "%Y-%m-%d %H:%M:%S %z",
        "%Y-%m-%d %H:%M:%S%z",
        "%Y-%m-%d %H:%M%z",
        "%a, %d %b %Y %H:%M:%S %z",
        "%a %b %d %H:%M:%S %z %Y",
        "%Y%m%dT%H%M%S%z",
    ];
    for f in with_zone {
        if let Ok(d) = DateTime::<FixedOffset>::parse_from_str(s, f) {
            return Some(d.with_timezone(&Utc));
        }
    }
    // Trailing zone names that chrono does not parse: treat UTC/GMT/Z as UTC, drop others.
    let mut t = s.to_string();
    for z in [
        " UTC", " GMT", "Z", " Z", " EST", " EDT", " CST", " CDT", " PST", " PDT", " ET", " BST",
        " CET", " CEST",
    ] {
        if let Some(stripped) = t.strip_suffix(z) {
            let off = zone_offset(z.trim());
            t = stripped.trim().to_string();
            if let Some(naive) = parse_naive(&t) {
                return FixedOffset::east_opt(off)?
                    .from_local_datetime(&naive)
                    .single()
                    .map(|d| d.with_timezone(&Utc));
            }
            return None;
        }
    }
    parse_naive(&t).map(|n| Utc.from_utc_datetime(&n))
}

/// Offset in seconds of a few zone abbreviations news pages use.
fn zone_offset(z: &str) -> i32 {
    let h = match z {
        "EST" | "CDT" => -5,
        "EDT" | "ET" => -4,
        "CST" | "PDT" => {
            if z == "CST" {
                -6
            } else {
                -7
            }
        }
        "PST" => -8,
        "BST" | "CET" => 1,
        "CEST" => 2,
        _ => 0,
    };
    h * 3600
}

/// Parses a date-time without a zone, or a bare date.
fn parse_naive(s: &str) -> Option<NaiveDateTime> {
    let s = s.trim().trim_end_matches(',');
    let dt_forms = [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y/%m/%d %H:%M:%S",
        "%Y/%m/%d %H:%M",
        "%Y%m%dT%H%M%S",
        "%B %d, %Y %I:%M %p",
        "%B %d, %Y, %I:%M %p",
        "%b %d, %Y %I:%M %p",
        "%b %d, %Y, %I:%M %p",
        "%B %d, %Y %H:%M",
        "%A, %B %d, %Y, %I:%M %p",
        "%A, %B %d, %Y %I:%M %p",
        "%a, %b %d, %Y, %I:%M %p",
        "%b %d, %Y %H:%M",
        "%a, %d %b %Y %H:%M:%S",
        "%a, %d %b %Y %H:%M",
        "%d %B %Y %H:%M",
        "%d %b %Y %H:%M",
    ];
    for f in dt_forms {
        if let Ok(d) = NaiveDateTime::parse_from_str(s, f) {
            return Some(d);
        }
    }
    let date_forms = [
        "%Y-%m-%d",
        "%Y/%m/%d",
        "%Y%m%d",
        "%B %d, %Y",
        "%b %d, %Y",
        "%b. %d, %Y",
        "%A, %B %d, %Y",
        "%a, %b %d, %Y",
        "%d %B %Y",
        "%d %b %Y",
        "%a, %d %b %Y",
        "%A, %d %B %Y",
        "%Y年%m月%d日",
        "%Y.%m.%d",
        "%d.%m.%Y",
    ];
    for f in date_forms {
        if let Ok(d) = NaiveDate::parse_from_str(s, f) {
            return d.and_hms_opt(0, 0, 0);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::to_rfc3339_utc as p;

    #[test]
    fn forms() {
        assert_eq!(
            p("2022-09-10T12:00:00+02:00").as_deref(),
            Some("2022-09-10T10:00:00Z")
        );
        assert_eq!(
            p("2022-09-10T12:00:00.123Z").as_deref(),
            Some("2022-09-10T12:00:00Z")
        );
        assert_eq!(p("2022-09-10").as_deref(), Some("2022-09-10T00:00:00Z"));
        assert_eq!(
            p("2022-09-10 08:30:00").as_deref(),
            Some("2022-09-10T08:30:00Z")
        );
        assert_eq!(
            p("Sat, 10 Sep 2022 12:00:00 GMT").as_deref(),
            Some("2022-09-10T12:00:00Z")
        );
        assert_eq!(
            p("2013-11-27T13:14:33-0500").as_deref(),
            Some("2013-11-27T18:14:33Z")
        );
        assert_eq!(
            p("September 10, 2022").as_deref(),
            Some("2022-09-10T00:00:00Z")
        );
        assert_eq!(
            p("Saturday, March 25, 2023").as_deref(),
            Some("2023-03-25T00:00:00Z")
        );
        assert_eq!(
            p("2014-05-21 12:00 EDT").as_deref(),
            Some("2014-05-21T16:00:00Z")
        );
        assert_eq!(
            p("Saturday, December 27, 2014, 12:06 PM").as_deref(),
            Some("2014-12-27T12:06:00Z")
        );
        assert_eq!(p("not a date"), None);
        assert_eq!(
            super::find_in_text(" 2023-11-17 20:52:15 来源： 新华网").as_deref(),
            Some("2023-11-17T20:52:15Z")
        );
        assert_eq!(
            super::find_in_text("发布时间：2023年11月7日").as_deref(),
            Some("2023-11-07T00:00:00Z")
        );
        assert_eq!(super::find_in_text("call 12345-67-89 now"), None);
        assert_eq!(p(""), None);
        assert_eq!(p("0001-01-01"), None);
    }
}
