//! `stet import`: read an export into a new repository, keeping what verifies.

use super::ui::{Bar, Ui};
use super::{Cli, CliError};
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
    // Look at the first line before creating a repository for something that is no export.
    let mut first = Vec::new();
    std::io::BufRead::read_until(&mut input, b'\n', &mut first)
        .map_err(|e| CliError::msg(format!("cannot read {}: {e}", args.file.display())))?;
    let header: Option<serde_json::Value> = serde_json::from_slice(&first).ok();
    if !header
        .as_ref()
        .is_some_and(|h| h["type"] == "header" && h["format"] == "stet-export")
    {
        return Err(CliError::msg(format!(
            "{}: not a stet export (no stet-export header line)",
            args.file.display()
        )));
    }
    let mut input = std::io::Read::chain(std::io::Cursor::new(first), input);
    let archive = cli.open_bulk(true)?;
    let bar = Bar::new(ui, 0, 20);
    let report = archive
        .import(&mut input, &bar)
        .map_err(|e| CliError::msg(format!("{}: {e}", args.file.display())))?;
    archive.close()?;
    super::add::compact_after(archive);
    Ok(super::export::report_transfer(ui, "imported", &report))
}
