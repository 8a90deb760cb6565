//! `stet export`: the whole archive as JSON Lines (records, texts, original bytes, relations,
//! a blake3 manifest), skipping and listing what does not verify.

use super::ui::{count, one_line, Style, Ui};
use super::{exit, Cli, CliError};
use std::io::Write;
use std::path::PathBuf;

/// Arguments of `stet export`.
#[derive(clap::Args, Debug)]
pub struct ExportArgs {
    /// Write to FILE (through a temporary file, renamed when complete) instead of stdout
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
}

/// Runs `stet export`; exit 1 when some objects did not verify (each listed on stderr).
pub fn cmd_export(cli: &Cli, ui: &Ui, args: &ExportArgs) -> Result<i32, CliError> {
    let archive = cli.open(false)?;
    let report = match &args.output {
        None => {
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::new(stdout.lock());
            let r = archive.export(&mut out).map_err(stream_error)?;
            out.flush()?;
            r
        }
        Some(path) => {
            let dir = path
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(std::path::Path::new("."));
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("export");
            let tmp = dir.join(format!(".{name}.tmp{}", std::process::id()));
            let written = (|| -> Result<stet::archive::ExportReport, CliError> {
                let f = std::fs::File::create(&tmp)
                    .map_err(|e| CliError::msg(format!("cannot write {}: {e}", tmp.display())))?;
                let mut out = std::io::BufWriter::new(f);
                let r = archive.export(&mut out).map_err(stream_error)?;
                let f = out
                    .into_inner()
                    .map_err(|e| CliError::msg(format!("cannot write {}: {e}", tmp.display())))?;
                f.sync_all()
                    .map_err(|e| CliError::msg(format!("cannot write {}: {e}", tmp.display())))?;
                std::fs::rename(&tmp, path)
                    .map_err(|e| CliError::msg(format!("cannot write {}: {e}", path.display())))?;
                Ok(r)
            })();
            if written.is_err() {
                let _ = std::fs::remove_file(&tmp);
            }
            written?
        }
    };
    Ok(report_transfer(ui, "exported", &report))
}

/// Prints what an export or import lost (one line each) and its summary; the exit code.
pub(super) fn report_transfer(ui: &Ui, verb: &str, report: &stet::archive::TransferReport) -> i32 {
    for l in &report.lost {
        eprintln!("{} {}", ui.paint_err(Style::Bad, "lost:"), one_line(l));
    }
    let summary = format!(
        "{verb} {} ({}), {}, {}, {}",
        count(report.articles, "article", "articles"),
        count(report.originals, "original", "originals"),
        count(report.relations, "relation", "relations"),
        count(report.urls, "url entry", "url entries"),
        count(report.records, "other record", "other records")
    );
    if report.lost.is_empty() {
        ui.status(&summary);
        exit::OK
    } else {
        ui.status(&format!("{summary}; {} lost", count(report.lost.len() as u64, "object", "objects")));
        exit::ERROR
    }
}

/// A failed export: a closed pipe stays quiet, like other commands.
fn stream_error(e: stet::Error) -> CliError {
    match &e {
        stet::Error::Stream { reason, .. } if reason.contains("Broken pipe") => {
            CliError::from(std::io::Error::from(std::io::ErrorKind::BrokenPipe))
        }
        _ => CliError::from(e),
    }
}
