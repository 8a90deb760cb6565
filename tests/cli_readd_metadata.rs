//! Metadata given again with a text archived already corrects the article (regression: it was
//! dropped silently, so a direction taken from archive order could never be put right).

mod common;
use common::{json_lines, stet};

const A: &str = "seeds/000_856e4ff5e2b4e0a7.txt";
const B: &str = "seeds/002_cd06db6dfbca252d.txt";

fn parent(repo: &std::path::Path) -> String {
    let out = stet(repo).args(["dups", "--json"]).assert().success().get_output().stdout.clone();
    let pairs = json_lines(&out);
    assert_eq!(pairs.len(), 1, "{pairs:?}");
    pairs[0]["parent"].as_str().unwrap().to_string()
}

#[test]
fn publication_dates_given_on_a_second_add_redirect_the_relation() {
    let repo = tempfile::tempdir().unwrap();
    // Archived in the wrong order and undated: the rewrite is taken for the parent.
    stet(repo.path()).args(["add", B, A]).assert().success();
    assert!(parent(repo.path()).starts_with("2192182f"));
    let out = stet(repo.path()).args(["add", "--published", "2022-09-09", A]).assert().success().get_output().clone();
    assert!(String::from_utf8_lossy(&out.stderr).contains("publication date updated"), "{}", String::from_utf8_lossy(&out.stderr));
    // One side dated: archive order still decides.
    assert!(parent(repo.path()).starts_with("2192182f"));
    let out = stet(repo.path()).args(["add", "--json", "--published", "2022-09-12", B]).assert().success().get_output().clone();
    let line = &json_lines(&out.stdout)[0];
    assert_eq!(line["status"], "identical");
    assert!(line["warnings"][0].as_str().unwrap().contains("1 relation now directed by date"), "{line}");
    assert!(parent(repo.path()).starts_with("d20eb98e"));
    // The same again changes nothing and says nothing.
    let out = stet(repo.path()).args(["add", "--published", "2022-09-12", B]).assert().success().get_output().clone();
    assert!(!String::from_utf8_lossy(&out.stderr).contains("updated"));
    stet(repo.path()).args(["verify"]).assert().success();
}

#[test]
fn a_title_given_on_a_second_add_replaces_the_extracted_one() {
    let repo = tempfile::tempdir().unwrap();
    stet(repo.path()).args(["add", A]).assert().success();
    stet(repo.path()).args(["add", "--title", "Kharkiv: reinforcements", A]).assert().success();
    let shown = stet(repo.path()).args(["show", "--json", "d20e"]).assert().success().get_output().stdout.clone();
    assert_eq!(json_lines(&shown)[0]["title"], "Kharkiv: reinforcements");
}

#[test]
fn a_url_given_later_is_kept_and_another_url_leaves_the_metadata_alone() {
    let repo = tempfile::tempdir().unwrap();
    stet(repo.path()).args(["add", A]).assert().success();
    // The same file again with the url and title it was archived without: a correction.
    stet(repo.path()).args(["add", "--url", "https://news.example/kharkiv", "--title", "Kharkiv", A]).assert().success();
    // The same url spelled another way is the same input.
    stet(repo.path()).args(["add", "--url", "http://www.news.example/kharkiv/", "--title", "Kharkiv, again", A]).assert().success();
    let shown = json_lines(&stet(repo.path()).args(["show", "--json", "d20e"]).assert().success().get_output().stdout);
    assert_eq!(shown[0]["url"], "https://news.example/kharkiv");
    assert_eq!(shown[0]["title"], "Kharkiv, again");
    // Under another url the metadata describes that copy: the article keeps its own, and says so.
    let out = stet(repo.path()).args(["add", "--url", "https://mirror.example/k", "--title", "Mirror", A]).assert().success().get_output().clone();
    assert!(String::from_utf8_lossy(&out.stderr).contains("under another url"), "{}", String::from_utf8_lossy(&out.stderr));
    let shown = json_lines(&stet(repo.path()).args(["show", "--json", "d20e"]).assert().success().get_output().stdout);
    assert_eq!(shown[0]["title"], "Kharkiv, again");
}
