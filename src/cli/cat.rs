//! `stet cat`: the original bytes of an article's first capture, verified against their hash.

use super::ui::Ui;
use super::{exit, Cli, CliError};
use std::io::Write;

/// Arguments of `stet cat`.
#[derive(clap::Args, Debug)]
pub struct CatArgs {
    /// Article: id or unique prefix (4+ hex digits), a url (its latest version) or URL@N
    id: String,
    /// Print the normalised text instead of the original bytes
    #[arg(long)]
    text: bool,
}

/// Runs `stet cat`.
pub fn cmd_cat(cli: &Cli, _ui: &Ui, args: &CatArgs) -> Result<i32, CliError> {
    let archive = cli.open(false)?;
    let id = super::target::resolve_target(&archive, &args.id)?;
    let rec = archive.article_required(&id)?;
    let bytes = if args.text { archive.text(&rec).map(String::into_bytes) } else { archive.original(&rec) };
    let bytes = bytes.map_err(|e| CliError::from(e).about(&id))?;
    let mut out = std::io::stdout().lock();
    out.write_all(&bytes)?;
    // The normalised text ends where its last sentence does; a terminal wants the line ended.
    // The original bytes are printed as they are.
    if args.text && !bytes.ends_with(b"\n") {
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(exit::OK)
}
