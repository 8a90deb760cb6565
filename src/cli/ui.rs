//! Terminal output: colour choice, styled text, JSON lines, progress bars, messages on stderr.

use super::CliError;
use std::io::{IsTerminal, Write};

/// When to colour output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    /// On a terminal, unless NO_COLOR is set.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// Output settings for one command.
pub struct Ui {
    /// Colour on stdout.
    pub color: bool,
    /// Colour on stderr.
    pub color_err: bool,
    /// Errors only.
    pub quiet: bool,
    /// Verbosity level.
    pub verbose: u8,
}

/// Styles used in human output.
#[derive(Clone, Copy)]
pub enum Style {
    /// Article ids.
    Id,
    /// Good news (added).
    Good,
    /// Warnings and relation kinds.
    Warn,
    /// Errors.
    Bad,
    /// Less important text.
    Dim,
    /// Headings.
    Bold,
}

impl Ui {
    /// Settles colour from the flag, NO_COLOR and whether the streams are terminals.
    pub fn new(choice: ColorChoice, quiet: bool, verbose: u8) -> Ui {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let decide = |tty: bool| match choice {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => tty && !no_color,
        };
        Ui {
            color: decide(std::io::stdout().is_terminal()),
            color_err: decide(std::io::stderr().is_terminal()),
            quiet,
            verbose,
        }
    }

    /// Sets up tracing on stderr: warnings by default; -v: what each input's detection found and
    /// took, and what closing the repository took; -vv: stet's debug lines; -vvv: its libraries'.
    pub fn init_tracing(&self) {
        // sled logs its own view of damage (one line per retry, sometimes thousands) and its
        // internals at debug; stet reports damage itself, so sled speaks only at -vvv.
        let level = match (self.quiet, self.verbose) {
            (true, _) => "error,sled=off",
            (_, 0) => "warn,sled=off",
            (_, 1) => "info,sled=off",
            (_, 2) => "info,stet=debug,stet_store=debug,sled=off",
            _ => "debug",
        };
        let filter = tracing_subscriber::EnvFilter::try_from_env("STET_LOG").unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(level));
        let _ = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).without_time().with_target(false).with_ansi(self.color_err).try_init();
    }

    /// Paints `s` for stdout.
    pub fn paint(&self, style: Style, s: &str) -> String {
        paint(self.color, style, s)
    }

    /// Paints `s` for stderr.
    pub fn paint_err(&self, style: Style, s: &str) -> String {
        paint(self.color_err, style, s)
    }

    /// Prints an error (and its hint) on stderr.
    pub fn error(&self, e: &CliError) {
        if e.is_silent() {
            return;
        }
        let mut err = std::io::stderr().lock();
        let _ = writeln!(err, "{} {}", self.paint_err(Style::Bad, "error:"), one_line(&e.to_string()));
        if let Some(h) = e.hint_text() {
            let _ = writeln!(err, "{} {h}", self.paint_err(Style::Dim, "hint:"));
        }
    }

    /// Prints a warning on stderr unless quiet.
    pub fn warn(&self, msg: &str) {
        if !self.quiet {
            // Not `eprintln!`, which panics on a closed stderr once `add` ignores SIGPIPE.
            let _ = writeln!(std::io::stderr().lock(), "{} {}", self.paint_err(Style::Warn, "warning:"), one_line(msg));
        }
    }

    /// Prints a status line on stderr unless quiet.
    pub fn status(&self, msg: &str) {
        if !self.quiet {
            let _ = writeln!(std::io::stderr().lock(), "{msg}");
        }
    }
}

/// `n` and the noun for it: `one` when `n` is 1, else `many` ("1 relation", "2 relations").
pub fn count(n: impl Into<u64>, one: &str, many: &str) -> String {
    let n = n.into();
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Escapes what would drive the terminal ([`stet::extract::drives_terminal`]: newlines, escape
/// sequences, bidirectional overrides in file names or in titles archived before extraction
/// cleaned them) so that a message stays on one line and shows as written.
pub fn one_line(s: &str) -> std::borrow::Cow<'_, str> {
    use stet::extract::drives_terminal;
    if !s.chars().any(drives_terminal) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if drives_terminal(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

fn paint(on: bool, style: Style, s: &str) -> String {
    if !on {
        return s.to_string();
    }
    let code = match style {
        Style::Id => "33",
        Style::Good => "32",
        Style::Warn => "35",
        Style::Bad => "1;31",
        Style::Dim => "2",
        Style::Bold => "1",
    };
    format!("\x1b[{code}m{s}\x1b[0m")
}

/// Writes one JSON value as a line on stdout.
pub fn json_line<T: serde::Serialize>(out: &mut impl Write, v: &T) -> Result<(), CliError> {
    serde_json::to_writer(&mut *out, v).map_err(|e| CliError::msg(format!("cannot write JSON: {e}")))?;
    out.write_all(b"\n")?;
    Ok(())
}

/// A progress bar on stderr, shown only on a terminal and for long runs.
pub struct Bar(Option<indicatif::ProgressBar>);

impl Bar {
    /// A bar for `total` steps, hidden off a terminal, when quiet, or for fewer than `min` steps.
    pub fn new(ui: &Ui, total: u64, min: u64) -> Bar {
        if ui.quiet || total < min || !std::io::stderr().is_terminal() {
            return Bar(None);
        }
        let pb = indicatif::ProgressBar::new(total);
        // `wide_bar` takes what the terminal's width leaves: a fixed 30 columns wrapped on
        // narrow terminals and left a stray line behind at every redraw.
        if let Ok(style) = indicatif::ProgressStyle::with_template("{wide_bar} {pos}/{len} {rate} eta {eta} {msg}") {
            // indicatif's own {per_sec} prints four decimals ("603.8922/s").
            let style = style.with_key("rate", |s: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                let _ = write!(w, "{:.0}/s", s.per_sec());
            });
            pb.set_style(style);
        }
        Bar(Some(pb))
    }

    /// Prints a line on standard output, the bar (on stderr) hidden while it is written.
    ///
    /// Not `ProgressBar::println`, which writes above the bar on stderr: `stet add DIR >
    /// report.txt` lost its whole report once the bar showed (regression test by hand: `script
    /// -qc "stet add DIR > out.txt" /dev/null`, which gives the bar a terminal).
    /// A closed standard output is an error (`BrokenPipe`), not a panic.
    pub fn println(&self, line: &str) -> std::io::Result<()> {
        let print = || {
            let mut out = std::io::stdout().lock();
            writeln!(out, "{line}")?;
            out.flush()
        };
        match &self.0 {
            Some(pb) => pb.suspend(print),
            None => print(),
        }
    }

    /// Runs `f` (which writes to stderr) with the bar hidden.
    pub fn suspend<R>(&self, f: impl FnOnce() -> R) -> R {
        match &self.0 {
            Some(pb) => pb.suspend(f),
            None => f(),
        }
    }
}

impl stet::Progress for Bar {
    fn start(&self, what: &str, total: u64) {
        if let Some(pb) = &self.0 {
            pb.set_length(total);
            pb.set_message(what.to_string());
        }
    }
    fn inc(&self, n: u64) {
        if let Some(pb) = &self.0 {
            pb.inc(n);
        }
    }
    fn finish(&self) {
        if let Some(pb) = &self.0 {
            pb.finish_and_clear();
        }
    }
}

/// The width of the terminal standard output goes to: `$COLUMNS` when set, else what the
/// terminal says; `None` when standard output is not a terminal (a file or a pipe gets whole
/// lines).
pub fn terminal_width() -> Option<usize> {
    if !std::io::stdout().is_terminal() {
        return None;
    }
    if let Some(c) = columns_env() {
        return Some(c);
    }
    let mut ws = libc::winsize { ws_row: 0, ws_col: 0, ws_xpixel: 0, ws_ypixel: 0 };
    // SAFETY: TIOCGWINSZ writes one winsize into the struct it is given, which lives on this
    // stack frame for the whole call.
    let ok = unsafe { libc::ioctl(libc::STDOUT_FILENO, libc::TIOCGWINSZ, &mut ws) } == 0;
    (ok && ws.ws_col > 0).then_some(usize::from(ws.ws_col))
}

/// `$COLUMNS`, when it is set to a positive number.
pub fn columns_env() -> Option<usize> {
    std::env::var("COLUMNS").ok().and_then(|c| c.trim().parse::<usize>().ok()).filter(|&c| c > 0)
}

/// `s` cut to at most `cols` terminal columns (wide characters count two), with `…` when cut.
pub fn fit_columns(s: &str, cols: usize) -> String {
    use unicode_width::UnicodeWidthChar;
    let total: usize = s.chars().map(|c| c.width().unwrap_or(0)).sum();
    if total <= cols {
        return s.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > cols {
            break;
        }
        used += w;
        out.push(c);
    }
    out.push('…');
    out
}

/// The day to show for an article where one date stands for it: the publication day, else
/// "archived DAY", so that an archive date is never read as a publication date (a family's
/// "2026-12-04" parent of a "2021-03-04" child was the day it was archived).
pub fn day_label(published: Option<&str>, archived: &str) -> String {
    match published {
        Some(p) => day(p).to_string(),
        None => format!("archived {}", day(archived)),
    }
}

/// The day (`YYYY-MM-DD`) of an RFC 3339 date.
pub fn day(date: &str) -> &str {
    date.get(..10).unwrap_or(date)
}

#[cfg(test)]
mod tests {
    #[test]
    fn one_line_escapes_bidi_overrides_too() {
        assert_eq!(super::one_line("evil\u{202E}txt.exe\n"), "evil\\u{202e}txt.exe\\n");
        assert!(matches!(super::one_line("plain title"), std::borrow::Cow::Borrowed(_)));
    }

    #[test]
    fn titles_are_cut_by_columns_not_characters() {
        use super::fit_columns;
        assert_eq!(fit_columns("short", 10), "short");
        assert_eq!(fit_columns("abcdefghij", 5), "abcd…");
        // Chinese characters are two columns wide: 43 of them are 86 columns.
        let zh = "中".repeat(43);
        let cut = fit_columns(&zh, 70);
        assert_eq!(cut, format!("{}…", "中".repeat(34)));
    }

}
