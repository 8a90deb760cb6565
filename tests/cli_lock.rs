//! A second process on the same repository gets a clear "locked" error at once.

mod common;
use common::stet;
use std::time::Duration;

#[test]
fn second_process_gets_locked_error_at_once() {
    let repo = tempfile::tempdir().unwrap();
    stet(repo.path()).args(["add", "seeds/000_856e4ff5e2b4e0a7.txt"]).assert().success();
    let held = stet::Archive::open(repo.path(), stet::OpenOptions::default()).expect("open");
    // A process that waited for the lock would hang here: the timeout turns that into a
    // failure instead of a stuck test run.
    let a = stet(repo.path()).args(["log"]).timeout(Duration::from_secs(120)).assert().code(1);
    let err = String::from_utf8_lossy(&a.get_output().stderr).to_string();
    assert!(err.contains("locked by another stet process"), "{err}");
    assert_eq!(err.lines().filter(|l| l.starts_with("error:")).count(), 1, "{err}");
    drop(held);
    stet(repo.path()).args(["log"]).assert().success();
}
