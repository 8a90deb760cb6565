//! End-to-end tests of `stet history URL`: numbering, dates, change sizes, JSON Lines, the
//! `URL@N` numbers `stet diff` takes, and the error for an unknown url.

mod common;
use common::{json_lines, stet};
use std::path::Path;

const URL: &str = "https://www.Example.com/news/flood/";

const S1: &str = "The river Vah burst its banks near Zilina on Sunday night.";
const S2: &str = "Firefighters evacuated two hundred residents from the lower town.";
const S3: &str = "The regional government declared a state of emergency.";
const S4: &str = "Rail traffic between Zilina and Kosice was suspended.";
const S5: &str = "Water levels are expected to fall by Wednesday, forecasters said.";

fn add(repo: &Path, url: &str, title: &str, text: &str) -> String {
    let out = stet(repo).args(["add", "--json", "-", "--url", url, "--title", title]).write_stdin(text.to_string()).assert().success().get_output().stdout.clone();
    json_lines(&out)[0]["id"].as_str().unwrap().to_string()
}

/// Three versions: the second adds a sentence, the third drops one and adds another.
fn versions(repo: &Path) -> Vec<String> {
    vec![
        add(repo, URL, "Flood on the Vah", &format!("{S1} {S2} {S3}")),
        add(repo, "http://example.com/news/flood", "Flood on the Vah: trains stop", &format!("{S1} {S2} {S3} {S4}")),
        add(repo, "https://example.com/news/flood#update", "Flood on the Vah: waters to fall", &format!("{S1} {S3} {S4} {S5}")),
    ]
}

fn stdout(a: &assert_cmd::assert::Assert) -> String {
    String::from_utf8(a.get_output().stdout.clone()).unwrap()
}

#[test]
fn table_numbers_versions_oldest_first_with_change_sizes() {
    let repo = tempfile::tempdir().unwrap();
    versions(repo.path());
    // Any spelling of the url finds the same versions.
    let out = stdout(&stet(repo.path()).args(["history", "example.com/news/flood"]).assert().success());
    let again = stdout(&stet(repo.path()).args(["history", URL]).assert().success());
    assert_eq!(out, again);
    insta::assert_snapshot!("table", out);
}

#[test]
fn json_lines_one_object_per_version() {
    let repo = tempfile::tempdir().unwrap();
    let ids = versions(repo.path());
    let lines = json_lines(&stet(repo.path()).args(["history", "--json", URL]).assert().success().get_output().stdout);
    assert_eq!(lines.len(), 3);
    for (i, (o, id)) in lines.iter().zip(&ids).enumerate() {
        assert_eq!(o["n"], i + 1);
        assert_eq!(o["id"], id.as_str());
        assert_eq!(o["archived"], "2026-01-02T03:04:05Z");
    }
    assert!(lines[0]["change"].is_null());
    let c2 = &lines[1]["change"];
    assert_eq!((c2["same"].as_u64(), c2["added"].as_u64(), c2["removed"].as_u64()), (Some(3), Some(1), Some(0)));
    assert_eq!(c2["chars_added"].as_u64(), Some(S4.chars().count() as u64));
    assert_eq!(c2["chars_removed"], 0);
    let c3 = &lines[2]["change"];
    assert_eq!((c3["added"].as_u64(), c3["removed"].as_u64()), (Some(1), Some(1)));
    assert_eq!(c3["chars_added"].as_u64(), Some(S5.chars().count() as u64));
    assert_eq!(c3["chars_removed"].as_u64(), Some(S2.chars().count() as u64));
    assert_eq!(lines[2]["title"], "Flood on the Vah: waters to fall");
}

#[test]
fn numbers_are_the_ones_diff_takes_and_sizes_agree_with_diff() {
    let repo = tempfile::tempdir().unwrap();
    let ids = versions(repo.path());
    // A fourth version with an edited sentence.
    let edited = S5.replace("Wednesday", "Thursday");
    add(repo.path(), URL, "Flood on the Vah: later", &format!("{S1} {S3} {S4} {edited}"));
    let hist = json_lines(&stet(repo.path()).args(["history", "--json", URL]).assert().success().get_output().stdout);
    assert_eq!(hist.len(), 4);
    for n in 2..=4 {
        let d = json_lines(
            &stet(repo.path()).args(["diff", "--json", &format!("{URL}@{}", n - 1), &format!("{URL}@{n}")]).assert().success().get_output().stdout,
        );
        assert_eq!(d[0]["a"], hist[n - 2]["id"]);
        assert_eq!(d[0]["b"], hist[n - 1]["id"]);
        let (s, c) = (&d[0]["summary"], &hist[n - 1]["change"]);
        for k in ["same", "edited", "moved", "added", "removed"] {
            assert_eq!(s[k], c[k], "version {n}: {k}");
        }
        assert!(c["chars_added"].as_u64().unwrap() > 0 || c["chars_removed"].as_u64().unwrap() > 0);
    }
    // The inline diff of two versions names both.
    let out = stdout(&stet(repo.path()).args(["diff", &format!("{URL}@1"), &format!("{URL}@2")]).assert().success());
    assert!(out.starts_with(&format!("a {} ", &ids[0][..8])), "{out}");
    assert!(out.contains(S4));
    // No such version.
    let e = stet(repo.path()).args(["diff", &format!("{URL}@1"), &format!("{URL}@9")]).assert().code(1);
    assert!(String::from_utf8_lossy(&e.get_output().stderr).contains("has 4 archived versions, not 9"));
}

#[test]
fn an_article_id_stands_for_its_url() {
    let repo = tempfile::tempdir().unwrap();
    let ids = versions(repo.path());
    let by_id = stdout(&stet(repo.path()).args(["history", &ids[1][..8]]).assert().success());
    let by_url = stdout(&stet(repo.path()).args(["history", URL]).assert().success());
    assert_eq!(by_id, by_url);
}

#[test]
fn unknown_url_is_an_error() {
    let repo = tempfile::tempdir().unwrap();
    versions(repo.path());
    let a = stet(repo.path()).args(["history", "https://example.com/nothing"]).assert().code(1);
    assert!(a.get_output().stdout.is_empty());
    let err = String::from_utf8_lossy(&a.get_output().stderr).to_string();
    assert!(err.starts_with("error: no versions archived under https://example.com/nothing\nhint: "), "{err}");
    // An empty repository too.
    let empty = tempfile::tempdir().unwrap();
    stet(empty.path()).args(["add", "-"]).write_stdin("One sentence without a url.").assert().success();
    stet(empty.path()).args(["history", "--json", URL]).assert().code(1).stdout("");
}

#[test]
fn single_version() {
    let repo = tempfile::tempdir().unwrap();
    add(repo.path(), "https://solo.example/a", "Solo", S1);
    let out = stdout(&stet(repo.path()).args(["history", "solo.example/a"]).assert().success());
    assert!(out.starts_with("1 version of solo.example/a, oldest first\n"), "{out}");
    assert!(out.contains("first version"));
}

/// Regression: only the url's latest version was related as a `version`; an earlier version
/// that detection found was a `near-duplicate` of the new one, and the relation to the previous
/// version could hide behind "+1 more" in `add`'s line.
#[test]
fn every_earlier_version_of_the_url_is_a_version_and_the_previous_one_leads() {
    let repo = tempfile::tempdir().unwrap();
    let ids = versions(repo.path());
    let pairs = json_lines(&stet(repo.path()).args(["dups", "--json"]).assert().success().get_output().stdout);
    assert!(!pairs.is_empty());
    assert!(pairs.iter().all(|p| p["kind"] == "version"), "{pairs:?}");
    let out = stet(repo.path())
        .args(["add", "--json", "-", "--url", URL])
        .write_stdin(format!("{S1} {S2} {S3} {S4} {S5}"))
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let rels = json_lines(&out)[0]["relations"].as_array().unwrap().clone();
    assert!(rels.len() >= 2, "{rels:?}");
    assert!(rels.iter().all(|r| r["kind"] == "version"), "{rels:?}");
    assert_eq!(rels[0]["other"], ids[2].as_str(), "the previous version first");
}

/// Regression: an article archived first without a url and again (identical) under one was
/// listed by `history URL` with url null.
#[test]
fn history_names_the_url_asked_about_for_a_text_archived_first_without_it() {
    let repo = tempfile::tempdir().unwrap();
    stet(repo.path()).args(["add", "-q", "-"]).write_stdin(format!("{S1} {S2} {S3}")).assert().success();
    stet(repo.path()).args(["add", "-q", "-", "--url", URL]).write_stdin(format!("{S1} {S2} {S3}")).assert().success();
    let out = stet(repo.path()).args(["history", "--json", URL]).assert().success().get_output().stdout.clone();
    let v = json_lines(&out);
    assert_eq!(v.len(), 1);
    assert_eq!(v[0]["url"], URL);
}
