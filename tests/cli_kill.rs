//! Kill `stet add` with SIGKILL at random moments; the repository must open, verify, and
//! hold every article `add` had reported. Rounds: 4 by default, `STET_KILL_ROUNDS` for more.
#![cfg(unix)]

mod common;
use common::{fixtures, json_lines, stet};
use std::io::Read;
use std::process::{Command, Stdio};
use std::time::Duration;

/// Writes `n` distinct article files built from the sample articles.
fn make_inputs(dir: &std::path::Path, n: usize) {
    let seeds: Vec<String> = std::fs::read_dir(fixtures().join("seeds"))
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    for i in 0..n {
        let s = &seeds[i % seeds.len()];
        let lines: Vec<&str> = s.lines().filter(|l| l.split_whitespace().count() > 8).collect();
        let mut text = format!("Bulletin number {i}\n\nThis is report number {i} of the overnight desk, filed in sequence.\n\n");
        for (j, l) in lines.iter().enumerate() {
            if (i + j) % 3 != 0 {
                text.push_str(l);
                text.push_str("\n\n");
            }
        }
        std::fs::write(dir.join(format!("{i:04}.txt")), text).unwrap();
    }
}

#[test]
fn sigkill_during_add_loses_nothing_reported() {
    let rounds: usize = std::env::var("STET_KILL_ROUNDS").ok().and_then(|v| v.parse().ok()).unwrap_or(4);
    let inputs = tempfile::tempdir().unwrap();
    make_inputs(inputs.path(), 600);
    let repo = tempfile::tempdir().unwrap();
    let bin = assert_cmd::cargo::cargo_bin("stet");
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut reported = std::collections::BTreeSet::new();
    let mut killed = 0;
    for round in 0..rounds {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let delay = Duration::from_millis(5 + seed % 150);
        let mut child = Command::new(&bin)
            .args(["add", "--json"])
            .arg(inputs.path())
            .env("STET_REPO", repo.path())
            .env("NO_COLOR", "1")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        let _ = child.kill(); // SIGKILL
        if child.wait().map(|s| s.code().is_none()).unwrap_or(false) {
            killed += 1;
        }
        let mut out = Vec::new();
        child.stdout.take().unwrap().read_to_end(&mut out).unwrap();
        // Only complete lines were reported; a torn last line is ignored.
        let text = String::from_utf8_lossy(&out);
        for line in text.lines().filter(|l| l.ends_with('}')) {
            if let Ok(o) = serde_json::from_str::<serde_json::Value>(line) {
                if let Some(id) = o["id"].as_str() {
                    reported.insert(id.to_string());
                }
            }
        }
        stet(repo.path()).arg("verify").assert().success();
        let log = json_lines(&stet(repo.path()).args(["log", "--json"]).assert().success().get_output().stdout);
        let have: std::collections::BTreeSet<String> = log.iter().map(|o| o["id"].as_str().unwrap().to_string()).collect();
        for id in &reported {
            assert!(have.contains(id), "round {round}: article {id} was reported but is missing");
        }
    }
    assert!(killed > 0, "no round killed add while it was running");
    // Finishing the job gives every input.
    stet(repo.path()).args(["add", "--json"]).arg(inputs.path()).assert().success();
    stet(repo.path()).arg("verify").assert().success();
    let log = json_lines(&stet(repo.path()).args(["log", "--json"]).assert().success().get_output().stdout);
    assert_eq!(log.len(), 600);
}
