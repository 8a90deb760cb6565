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
    let mut rows: Vec<(String, String)> = vec![("articles".into(), s.articles.to_string()), ("captures".into(), s.captures.to_string())];
    for (k, n) in &s.relations {
        rows.push((format!("relations: {k}"), n.to_string()));
    }
    rows.push(("raw inputs".into(), human_bytes(s.raw_bytes)));
    // Distinct blobs are the raw inputs and the extracted texts, before compression.
    rows.push(("inputs and texts".into(), human_bytes(s.blob_bytes)));
    rows.push(("stored (compressed)".into(), format!("{} ({})", human_bytes(s.stored_bytes), count(s.delta_blobs, "delta", "deltas"))));
    rows.push(("on disk".into(), human_bytes(s.disk_bytes)));
    rows.push(("raw inputs / on disk".into(), format!("{:.2}x", s.ratio)));
    // Two plain columns: no leading space, no trailing padding.
    let mut t = comfy_table::Table::new();
    t.load_preset(comfy_table::presets::NOTHING);
    for (k, v) in rows {
        t.add_row(vec![k, v]);
    }
    for (i, pad) in [(0, (0, 1)), (1, (1, 0))] {
        if let Some(c) = t.column_mut(i) {
            c.set_padding(pad);
        }
    }
    println!("{}", t.trim_fmt());
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
