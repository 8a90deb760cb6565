//! `stet verify`: re-hash every blob and check every reference.

use super::ui::{count, json_line, one_line, Bar, Style, Ui};
use super::{exit, Cli, CliError};

/// Arguments of `stet verify`.
#[derive(clap::Args, Debug)]
pub struct VerifyArgs {
    /// The report as one JSON object on stdout
    #[arg(long)]
    json: bool,
}

/// Runs `stet verify`; exit 1 when anything is damaged.
pub fn cmd_verify(cli: &Cli, ui: &Ui, args: &VerifyArgs) -> Result<i32, CliError> {
    let archive = cli.open(false)?;
    let bar = Bar::new(ui, 0, 0);
    let rep = archive.verify(&bar)?;
    if args.json {
        json_line(&mut std::io::stdout().lock(), &rep)?;
    } else {
        for d in &rep.damaged {
            println!("{} {}", ui.paint(Style::Bad, "damaged:"), one_line(d));
        }
        let summary = format!(
            "{} re-hashed, {} and {} checked",
            count(rep.blobs, "blob", "blobs"),
            count(rep.articles, "article", "articles"),
            count(rep.relations, "relation", "relations")
        );
        if rep.damaged.is_empty() {
            println!("{} {summary}", ui.paint(Style::Good, "ok:"));
        } else {
            println!("{} {} damaged objects; {summary}", ui.paint(Style::Bad, "FAILED:"), rep.damaged.len());
        }
    }
    Ok(if rep.damaged.is_empty() { exit::OK } else { exit::ERROR })
}
