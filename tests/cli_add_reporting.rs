//! How `add` reports: a reader that goes away, an empty folder, `-v`.

mod common;
use common::{fixtures, json_lines, stet};

#[test]
fn add_whose_stdout_is_closed_still_archives_every_input() {
    let repo = tempfile::tempdir().unwrap();
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("stet"))
        .args(["add", "seeds"])
        .env("STET_REPO", repo.path())
        .env("NO_COLOR", "1")
        .current_dir(fixtures())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // The reader is gone before the first line is written (`stet add DIR | head -0`).
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
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
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("stet"))
        .args(["add", "seeds/000_856e4ff5e2b4e0a7.txt", "bad/empty.txt", "seeds/001_1848e0611e54fac2.txt"])
        .env("STET_REPO", repo.path())
        .env("NO_COLOR", "1")
        .current_dir(fixtures())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stderr.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", String::from_utf8_lossy(&out.stdout));
    let logged = stet(repo.path()).args(["log", "--json"]).assert().success().get_output().stdout.clone();
    assert_eq!(json_lines(&logged).len(), 2);
}
