//! `stet cat`: the original bytes of an article's first capture, verified against their hash.

use super::ui::Ui;
use super::{exit, Cli, CliError};
use std::io::Write;

/// Arguments of `stet cat`.
#[derive(clap::Args, Debug)]
pub struct CatArgs {
    /// Article id or unique prefix (4+ hex digits)
    id: String,
    /// Print the normalised text instead of the original bytes
    #[arg(long)]
    text: bool,
}

/// Runs `stet cat`.
pub fn cmd_cat(cli: &Cli, _ui: &Ui, args: &CatArgs) -> Result<i32, CliError> {
    let archive = cli.open(false)?;
    let id = archive.resolve(&args.id)?;
    let rec = archive.article_required(&id)?;
    let bytes = if args.text { archive.text(&rec).map(String::into_bytes) } else { archive.original(&rec) };
    let bytes = bytes.map_err(|e| CliError::from(e).about(&id))?;
    let mut out = std::io::stdout().lock();
    out.write_all(&bytes)?;
    out.flush()?;
    Ok(exit::OK)
}
