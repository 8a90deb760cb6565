//! How `add` reports: a reader that goes away, an empty folder, `-v`.

mod common;
use common::{fixtures, json_lines, stet};

/// Which output stream of `stet add` has no reader from the start.
enum Closed {
    Stdout,
    Stderr,
}

/// Runs `stet add INPUTS` (from the fixtures folder, into `repo`) with one output stream's
/// reading end closed before it writes anything.
fn add_with_a_stream_closed(repo: &std::path::Path, inputs: &[&str], closed: Closed) -> std::process::Output {
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("stet"))
        .arg("add")
        .args(inputs)
        .env("STET_REPO", repo)
        .env("NO_COLOR", "1")
        .current_dir(fixtures())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    match closed {
        Closed::Stdout => drop(child.stdout.take()),
        Closed::Stderr => drop(child.stderr.take()),
    }
    child.wait_with_output().unwrap()
}

#[test]
fn add_whose_stdout_is_closed_still_archives_every_input() {
    let repo = tempfile::tempdir().unwrap();
    // The reader is gone before the first line is written (`stet add DIR | head -0`).
    let out = add_with_a_stream_closed(repo.path(), &["seeds"], Closed::Stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("standard output was closed early"), "{stderr}");
    let logged = stet(repo.path()).args(["log", "--json"]).assert().success().get_output().stdout.clone();
    assert_eq!(json_lines(&logged).len(), 5);
}

#[test]
fn an_empty_folder_is_named_in_the_error_and_creates_no_repository() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("nothing-here");
    std::fs::create_dir(&empty).unwrap();
    std::fs::write(empty.join(".hidden.txt"), "A hidden file is skipped.").unwrap();
    let repo = dir.path().join("repo");
    let out = stet(&repo).args(["add", empty.to_str().unwrap()]).assert().code(1).get_output().clone();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("no input files found in") && stderr.contains("nothing-here"), "{stderr}");
    assert!(stderr.contains("hidden"), "{stderr}");
    assert!(!repo.exists());
}

#[test]
fn verbose_add_logs_each_inputs_detection_and_the_close() {
    let repo = tempfile::tempdir().unwrap();
    let out = stet(repo.path()).args(["-v", "add", "seeds"]).assert().success().get_output().clone();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.matches("detection input=").count(), 5, "{stderr}");
    assert!(stderr.contains("related=1"), "{stderr}");
    assert!(stderr.contains("closed:"), "{stderr}");
    let quiet = stet(repo.path()).args(["add", "seeds"]).assert().success().get_output().clone();
    assert!(!String::from_utf8_lossy(&quiet.stderr).contains("INFO"));
}

#[test]
fn add_whose_stderr_is_closed_still_archives_every_input() {
    let repo = tempfile::tempdir().unwrap();
    // An empty file fails (an error line on stderr) between good inputs; the summary goes there too.
    let inputs = ["seeds/000_856e4ff5e2b4e0a7.txt", "bad/empty.txt", "seeds/001_1848e0611e54fac2.txt"];
    let out = add_with_a_stream_closed(repo.path(), &inputs, Closed::Stderr);
    assert_eq!(out.status.code(), Some(3), "{}", String::from_utf8_lossy(&out.stdout));
    let logged = stet(repo.path()).args(["log", "--json"]).assert().success().get_output().stdout.clone();
    assert_eq!(json_lines(&logged).len(), 2);
}
