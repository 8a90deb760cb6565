//! Snapshots of the human output of the everyday commands on the sample articles
//! (no colour, pinned clock).

mod common;
use common::{json_lines, stet};

fn seeded() -> tempfile::TempDir {
    let repo = tempfile::tempdir().unwrap();
    stet(repo.path()).args(["add", "seeds"]).assert().success();
    repo
}

fn stdout(repo: &std::path::Path, args: &[&str]) -> String {
    String::from_utf8(stet(repo).args(args).assert().get_output().stdout.clone()).unwrap()
}

#[test]
fn add_human_output() {
    let repo = tempfile::tempdir().unwrap();
    insta::assert_snapshot!(stdout(repo.path(), &["add", "seeds"]));
}

#[test]
fn log_human_output() {
    let repo = seeded();
    insta::assert_snapshot!(stdout(repo.path(), &["log"]));
}

#[test]
fn dups_finds_exactly_the_rewrite_of_000() {
    let repo = seeded();
    let pairs = json_lines(&stet(repo.path()).args(["dups", "--json"]).assert().success().get_output().stdout);
    let log = json_lines(&stet(repo.path()).args(["log", "--json"]).assert().success().get_output().stdout);
    let id_of = |name: &str| log.iter().find(|o| o["input"].as_str().unwrap().contains(name)).unwrap()["id"].clone();
    assert_eq!(pairs.len(), 1, "{pairs:?}");
    assert_eq!(pairs[0]["kind"], "rewrite");
    assert_eq!(pairs[0]["parent"], id_of("seeds/000"));
    let ids = [pairs[0]["a"].clone(), pairs[0]["b"].clone()];
    assert!(ids.contains(&id_of("seeds/000")) && ids.contains(&id_of("seeds/002")));
    insta::assert_snapshot!(stdout(repo.path(), &["dups"]));
}

#[test]
fn show_human_output() {
    let repo = seeded();
    let log = json_lines(&stet(repo.path()).args(["log", "--json"]).assert().success().get_output().stdout);
    let id = log.iter().find(|o| o["input"].as_str().unwrap().contains("seeds/002")).unwrap()["id"].as_str().unwrap().to_string();
    // Captures record absolute paths: the fixtures folder differs from machine to machine.
    let fixtures = common::fixtures().canonicalize().unwrap();
    let shown = stdout(repo.path(), &["show", &id[..8]]).replace(fixtures.to_str().unwrap(), "[fixtures]");
    insta::assert_snapshot!(shown);
}

#[test]
fn stats_and_verify_human_output() {
    let repo = seeded();
    let s = stdout(repo.path(), &["verify"]);
    insta::assert_snapshot!(s);
    let stats = stdout(repo.path(), &["stats"]);
    assert!(stats.contains("articles") && stats.contains("on disk"), "{stats}");
}
