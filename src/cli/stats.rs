//! `stet stats`: figures about the repository.

use super::ui::{count, json_line, Ui};
use super::{exit, Cli, CliError};

/// Arguments of `stet stats`.
#[derive(clap::Args, Debug)]
pub struct StatsArgs {
    /// One JSON object on stdout
    #[arg(long)]
    json: bool,
}

/// Runs `stet stats`.
pub fn cmd_stats(cli: &Cli, _ui: &Ui, args: &StatsArgs) -> Result<i32, CliError> {
    let archive = cli.open(false)?;
    let s = archive.stats()?;
    if args.json {
        json_line(&mut std::io::stdout().lock(), &s)?;
        return Ok(exit::OK);
    }
    let mut t = comfy_table::Table::new();
    t.load_preset(comfy_table::presets::NOTHING);
    t.add_row(vec!["articles".to_string(), s.articles.to_string()]);
    t.add_row(vec!["captures".to_string(), s.captures.to_string()]);
    for (k, n) in &s.relations {
        t.add_row(vec![format!("relations: {k}"), n.to_string()]);
    }
    t.add_row(vec!["raw input".to_string(), human_bytes(s.raw_bytes)]);
    t.add_row(vec!["distinct blobs".to_string(), human_bytes(s.blob_bytes)]);
    t.add_row(vec!["stored (compressed)".to_string(), format!("{} ({})", human_bytes(s.stored_bytes), count(s.delta_blobs, "delta", "deltas"))]);
    t.add_row(vec!["on disk".to_string(), human_bytes(s.disk_bytes)]);
    t.add_row(vec!["raw / on disk".to_string(), format!("{:.2}x", s.ratio)]);
    println!("{t}");
    Ok(exit::OK)
}

/// Bytes in KiB/MiB/GiB.
pub fn human_bytes(n: u64) -> String {
    let f = n as f64;
    if f >= 1024.0 * 1024.0 * 1024.0 {
        format!("{:.2} GiB", f / 1024.0 / 1024.0 / 1024.0)
    } else if f >= 1024.0 * 1024.0 {
        format!("{:.2} MiB", f / 1024.0 / 1024.0)
    } else if f >= 1024.0 {
        format!("{:.1} KiB", f / 1024.0)
    } else {
        format!("{n} B")
    }
}
