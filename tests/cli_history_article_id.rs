//! `stet history` given an article id instead of a url: it says that history takes a url, and
//! shows the versions of the article's url, or says that the article has no url.
//!
//! Regression: `stet history d20e` (an article archived without a url) answered `no versions
//! archived under d20e`, as if d20e were a url nobody archived.

mod common;
use common::{json_lines, stet};
use std::path::Path;

const URL: &str = "https://news.example/ferry";

fn add(repo: &Path, text: &str, url: Option<&str>) -> String {
    let mut cmd = stet(repo);
    cmd.args(["add", "--json", "-", "--title", "Ferry"]);
    if let Some(u) = url {
        cmd.args(["--url", u]);
    }
    let out = cmd.write_stdin(text.to_string()).assert().success().get_output().stdout.clone();
    json_lines(&out)[0]["id"].as_str().expect("id").to_string()
}

fn text(a: &assert_cmd::assert::Assert, err: bool) -> String {
    let o = a.get_output();
    String::from_utf8_lossy(if err { &o.stderr } else { &o.stdout }).into_owned()
}

#[test]
fn history_of_an_article_id_without_url_says_it_has_none() {
    let repo = tempfile::tempdir().unwrap();
    let id = add(repo.path(), "A new ferry line will link the two islands from June, the harbour office said.", None);
    let a = stet(repo.path()).args(["history", &id[..4]]).assert().code(1);
    assert!(text(&a, false).is_empty(), "nothing on stdout");
    let err = text(&a, true);
    let first = err.lines().next().unwrap_or_default();
    assert_eq!(first, format!("error: {} is an article id, not a url, and article {} has no url", &id[..4], &id[..8]), "{err}");
    assert!(err.contains("`stet history` takes a url"), "{err}");
    assert!(!err.contains("no versions archived under"), "{err}");
    // The same with --json: stdout stays empty.
    let a = stet(repo.path()).args(["history", "--json", &id]).assert().code(1);
    assert!(text(&a, false).is_empty());
    assert!(text(&a, true).contains("has no url"));
}

#[test]
fn history_of_an_article_id_with_a_url_shows_that_url() {
    let repo = tempfile::tempdir().unwrap();
    let first = add(repo.path(), "A new ferry line will link the two islands from June.", Some(URL));
    let second = add(repo.path(), "A new ferry line will link the two islands from June. Tickets go on sale next month.", Some(URL));
    let by_url = stet(repo.path()).args(["history", URL]).assert().success();
    // Either version's id names the url.
    for id in [&first, &second] {
        let a = stet(repo.path()).args(["history", &id[..8]]).assert().success();
        assert_eq!(text(&a, false), text(&by_url, false));
        let err = text(&a, true);
        assert!(err.contains(&format!("{} is an article id, not a url (`stet history` takes a url)", &id[..8])), "{err}");
        assert!(err.contains(URL), "{err}");
    }
    // --json: the versions on stdout, the note on stderr only.
    let a = stet(repo.path()).args(["history", "--json", &second]).assert().success();
    let lines = json_lines(&a.get_output().stdout);
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[1]["id"], second.as_str());
    assert!(text(&a, true).contains("takes a url"));
    // -q drops the note, not the versions.
    let a = stet(repo.path()).args(["-q", "history", &first]).assert().success();
    assert!(text(&a, true).is_empty());
    assert_eq!(text(&a, false), text(&by_url, false));
}

#[test]
fn unknown_urls_and_ids_keep_their_error_and_exit_codes() {
    let repo = tempfile::tempdir().unwrap();
    add(repo.path(), "A new ferry line will link the two islands from June.", Some(URL));
    for target in ["https://news.example/other", "abcdef12", "zz"] {
        let a = stet(repo.path()).args(["history", target]).assert().code(1);
        assert!(text(&a, true).starts_with(&format!("error: no versions archived under {target}")), "{target}: {}", text(&a, true));
    }
    // No argument: usage error.
    stet(repo.path()).args(["history"]).assert().code(2);
}
