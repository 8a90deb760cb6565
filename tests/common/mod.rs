//! Helpers shared by the CLI tests: a stet command on a temporary repository, fixed clock.
#![allow(dead_code)]

use assert_cmd::Command;
use std::path::{Path, PathBuf};

/// The folder holding the test fixtures.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// A `stet` command on `repo`, no colour, a pinned clock, run from the fixtures folder.
pub fn stet(repo: &Path) -> Command {
    let mut c = Command::cargo_bin("stet").expect("stet binary");
    c.env("STET_REPO", repo)
        .env("NO_COLOR", "1")
        .env("STET_NOW", "2026-01-02T03:04:05Z")
        .env_remove("STET_LOG")
        .current_dir(fixtures());
    c
}

/// Parses JSON Lines.
pub fn json_lines(out: &[u8]) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(out)
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("bad JSON line {l:?}: {e}")))
        .collect()
}
