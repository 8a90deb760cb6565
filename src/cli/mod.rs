//! Command-line definitions and dispatch; one file per command, each with its clap args
//! struct and one `cmd_*` function.

mod add;
mod cat;
mod completions;
mod diff;
mod dups;
mod error;
mod export;
mod history;
mod import;
mod lineage;
mod log;
mod show;
mod reindex;
mod stats;
mod target;
mod ui;
mod verify;

use clap::{Parser, Subcommand};
pub use error::CliError;
use std::path::PathBuf;
use stet::{Archive, OpenOptions};
use ui::Ui;

/// Exit codes (documented in the README).
pub mod exit {
    /// Success.
    pub const OK: i32 = 0;
    /// An error (or, for `dups`, no pairs; for `verify`, damage found).
    pub const ERROR: i32 = 1;
    /// Bad usage.
    pub const USAGE: i32 = 2;
    /// Some inputs failed, the rest were archived.
    pub const PARTIAL: i32 = 3;
}

/// The help heading of the options every command takes, listed apart from each command's own
/// (they were mixed in among them).
const GLOBAL: &str = "Global options";

/// stet: a deduplicating article archiver. Stores each article once, finds republished,
/// excerpted and rewritten copies, shows their differences, and records their lineage.
#[derive(Parser, Debug)]
#[command(name = "stet", version, about, long_about = None, max_term_width = 100)]
pub struct Cli {
    /// Repository folder [default: $STET_REPO, else $XDG_DATA_HOME/stet]
    #[arg(long, global = true, value_name = "PATH", help_heading = GLOBAL)]
    repo: Option<PathBuf>,
    /// When to use colour
    #[arg(long, global = true, value_enum, default_value_t = ui::ColorChoice::Auto, help_heading = GLOBAL)]
    color: ui::ColorChoice,
    /// Print less (errors only)
    #[arg(short, long, global = true, help_heading = GLOBAL)]
    quiet: bool,
    /// Print more: -v detection and write timings, -vv stet's debug logs, -vvv its libraries' too
    #[arg(short, long, global = true, action = clap::ArgAction::Count, help_heading = GLOBAL)]
    verbose: u8,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Archive files, folders (recursively) or standard input ("-")
    Add(add::AddArgs),
    /// List related pairs: near-duplicates, excerpts, rewrites, versions
    Dups(dups::DupsArgs),
    /// Show what changed between two articles, sentence by sentence
    Diff(diff::DiffArgs),
    /// Show an article's family: what it derives from and what derives from it
    Lineage(lineage::LineageArgs),
    /// List the archived versions of one url
    History(history::HistoryArgs),
    /// Show an article: metadata, captures, relations and text
    Show(show::ShowArgs),
    /// Print the original bytes of an article's first capture, verified
    Cat(cat::CatArgs),
    /// List archived articles, newest first
    Log(log::LogArgs),
    /// Re-hash every blob and check every reference
    Verify(verify::VerifyArgs),
    /// Figures about the repository
    Stats(stats::StatsArgs),
    /// Write the whole archive as JSON Lines, skipping and listing what does not verify
    Export(export::ExportArgs),
    /// Read an export into a new repository, keeping what verifies
    Import(import::ImportArgs),
    /// Rebuild the candidate index from the archived texts
    Reindex(reindex::ReindexArgs),
    /// Print a shell completion script
    Completions(completions::CompletionsArgs),
}

/// Parses the command line, runs it, and returns the exit code.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { exit::USAGE } else { exit::OK };
            let _ = e.print();
            return code;
        }
    };
    // `add` finishes its work when its reader goes away (`stet add DIR | head`, or `2>&1 |
    // head`): a closed pipe is a write error it handles (stdout) or ignores (stderr), not a
    // signal that kills it half-way through the inputs. main sets SIGPIPE to die quietly for
    // the other commands.
    if matches!(cli.command, Command::Add(_)) {
        #[cfg(unix)]
        // SAFETY: setting a signal disposition before any thread starts.
        unsafe {
            libc::signal(libc::SIGPIPE, libc::SIG_IGN);
        }
    }
    let ui = Ui::new(cli.color, cli.quiet, cli.verbose);
    ui.init_tracing();
    // A panic (a bug, or a dependency failing on damaged files it did not check) ends in one
    // error line with exit 1, not a Rust panic dump; RUST_BACKTRACE=1 shows the dump as well.
    install_panic_hook();
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run(&cli, &ui))) {
        Ok(Ok(code)) => code,
        Ok(Err(e)) => {
            ui.error(&e);
            e.exit_code()
        }
        Err(_) => {
            let what = PANIC.lock().ok().and_then(|mut p| p.take()).unwrap_or_else(|| "unknown".into());
            let repo = cli.repo_path().map(|p| p.display().to_string()).unwrap_or_else(|_| "the repository".into());
            let e = CliError::msg(format!("internal error: {what}"))
                .hint(format!("this is a bug in stet, or damage it did not catch: `stet --repo {repo} verify` checks the repository"));
            ui.error(&e);
            exit::ERROR
        }
    }
}

/// The message and place of the last panic, for the one-line error [`main`] prints.
static PANIC: std::sync::Mutex<Option<String>> = std::sync::Mutex::new(None);

/// Records each panic's message and place instead of printing Rust's dump (unless
/// `RUST_BACKTRACE` is set, for developers).
fn install_panic_hook() {
    let previous = std::panic::take_hook();
    let dump = std::env::var_os("RUST_BACKTRACE").is_some_and(|v| v != "0");
    std::panic::set_hook(Box::new(move |info| {
        let msg = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "panic".into());
        let place = info.location().map(|l| format!(" ({}:{})", l.file(), l.line())).unwrap_or_default();
        if let Ok(mut p) = PANIC.lock() {
            p.get_or_insert(format!("{}{place}", ui::one_line(&msg)));
        }
        if dump {
            previous(info);
        }
    }));
}

fn run(cli: &Cli, ui: &Ui) -> Result<i32, CliError> {
    // Debug builds only: a way for the tests to reach the panic net above.
    if cfg!(debug_assertions) && std::env::var_os("STET_TEST_PANIC").is_some() {
        panic!("a test asked for a panic");
    }
    match &cli.command {
        Command::Add(a) => add::cmd_add(cli, ui, a),
        Command::Dups(a) => dups::cmd_dups(cli, ui, a),
        Command::Diff(a) => diff::cmd_diff(cli, ui, a),
        Command::Lineage(a) => lineage::cmd_lineage(cli, ui, a),
        Command::History(a) => history::cmd_history(cli, ui, a),
        Command::Show(a) => show::cmd_show(cli, ui, a),
        Command::Cat(a) => cat::cmd_cat(cli, ui, a),
        Command::Log(a) => log::cmd_log(cli, ui, a),
        Command::Verify(a) => verify::cmd_verify(cli, ui, a),
        Command::Stats(a) => stats::cmd_stats(cli, ui, a),
        Command::Export(a) => export::cmd_export(cli, ui, a),
        Command::Import(a) => import::cmd_import(cli, ui, a),
        Command::Reindex(a) => reindex::cmd_reindex(cli, ui, a),
        Command::Completions(a) => completions::cmd_completions(a),
    }
}

impl Cli {
    /// The repository folder: --repo, else STET_REPO, else the XDG data dir.
    fn repo_path(&self) -> Result<PathBuf, CliError> {
        if let Some(p) = &self.repo {
            return Ok(p.clone());
        }
        if let Some(p) = std::env::var_os("STET_REPO").filter(|p| !p.is_empty()) {
            return Ok(PathBuf::from(p));
        }
        if let Some(p) = std::env::var_os("XDG_DATA_HOME").filter(|p| !p.is_empty()) {
            return Ok(PathBuf::from(p).join("stet"));
        }
        match std::env::var_os("HOME").filter(|p| !p.is_empty()) {
            Some(h) => Ok(PathBuf::from(h).join(".local/share/stet")),
            None => Err(CliError::msg("no repository: give --repo PATH or set STET_REPO")),
        }
    }

    /// Opens the repository (created on first use when `create`).
    fn open(&self, create: bool) -> Result<Archive, CliError> {
        self.open_with(create, false)
    }

    /// Opens the repository for a command that writes many records (`add`, `import`, `reindex`).
    fn open_bulk(&self, create: bool) -> Result<Archive, CliError> {
        self.open_with(create, true)
    }

    fn open_with(&self, create: bool, bulk_writes: bool) -> Result<Archive, CliError> {
        let path = self.repo_path()?;
        let now = std::env::var("STET_NOW").ok().filter(|s| !s.is_empty());
        let mut opts = OpenOptions { create, now, bulk_writes, ..OpenOptions::default() };
        if let Some(mb) = std::env::var("STET_PROFILE_CACHE_MB").ok().filter(|s| !s.is_empty()) {
            let mb: usize = mb.trim().parse().map_err(|_| CliError::msg(format!("STET_PROFILE_CACHE_MB: '{mb}' is not a number of megabytes")))?;
            opts.profile_cache_bytes = mb.saturating_mul(1 << 20);
        }
        Archive::open(&path, opts).map_err(|e| CliError::from(e).with_repo(&path))
    }
}
