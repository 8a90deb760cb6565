//! A second process on the same repository gets a clear "locked" error at once.

mod common;
use common::stet;
use std::time::{Duration, Instant};

#[test]
fn second_process_gets_locked_error_at_once() {
    let repo = tempfile::tempdir().unwrap();
    stet(repo.path()).args(["add", "seeds/000_856e4ff5e2b4e0a7.txt"]).assert().success();
    let held = stet::Archive::open(repo.path(), stet::OpenOptions::default()).expect("open");
    let t = Instant::now();
    let a = stet(repo.path()).args(["log"]).assert().code(1);
    assert!(t.elapsed() < Duration::from_secs(20), "waited for the lock instead of failing");
    let err = String::from_utf8_lossy(&a.get_output().stderr).to_string();
    assert!(err.contains("locked by another stet process"), "{err}");
    assert_eq!(err.lines().filter(|l| l.starts_with("error:")).count(), 1, "{err}");
    drop(held);
    stet(repo.path()).args(["log"]).assert().success();
}
