//! `stet import`: read an export into a new repository, keeping what verifies.

use super::ui::{one_line, Style, Ui};
use super::{exit, Cli, CliError};
use std::path::PathBuf;

/// Arguments of `stet import`.
#[derive(clap::Args, Debug)]
pub struct ImportArgs {
    /// The export to read ("-" for standard input)
    #[arg(value_name = "FILE")]
    file: PathBuf,
}

/// Runs `stet import` into the repository (created when missing; it must hold no article);
/// exit 1 when something could not be kept (each listed on stderr).
pub fn cmd_import(cli: &Cli, ui: &Ui, args: &ImportArgs) -> Result<i32, CliError> {
    let mut input: Box<dyn std::io::BufRead> = if args.file.as_os_str() == "-" {
        Box::new(std::io::BufReader::new(std::io::stdin().lock()))
    } else {
        let f = std::fs::File::open(&args.file)
            .map_err(|e| CliError::msg(format!("cannot read {}: {e}", args.file.display())))?;
        Box::new(std::io::BufReader::new(f))
    };
    let archive = cli.open(true)?;
    let report = archive
        .import(&mut input)
        .map_err(|e| CliError::msg(format!("{}: {e}", args.file.display())))?;
    for l in &report.lost {
        eprintln!("{} {}", ui.paint_err(Style::Bad, "lost:"), one_line(l));
    }
    let summary = format!(
        "imported {} articles ({} originals), {} relations, {} url entries, {} other records",
        report.articles, report.originals, report.relations, report.urls, report.records
    );
    if report.lost.is_empty() {
        ui.status(&summary);
        Ok(exit::OK)
    } else {
        ui.status(&format!("{summary}; {} objects lost", report.lost.len()));
        Ok(exit::ERROR)
    }
}
