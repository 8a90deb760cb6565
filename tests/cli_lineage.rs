//! End-to-end tests of `stet lineage` (tree, JSON Lines, DOT, Mermaid) and `stet dups
//! --families` on a family built from url versions.
//!
//! The family: A, B, D archived under one url, B, C, D, E under a mirror url, so that
//! A -> B -> {C, D}, and E (published earliest) is a second parent of D. Each text is about
//! something else, so that only the url versions relate them, whatever detection finds.

mod common;
use common::{json_lines, stet};
use std::collections::HashMap;
use std::path::Path;

const U1: &str = "https://news.example/quake";
const U2: &str = "https://www.mirror.example/quake/";

const TEXTS: [(&str, &str); 5] = [
    ("A", "Volcanic ash closed the northern airport for six hours on Tuesday. Pilots reported reduced visibility above the ridge."),
    ("B", "The chess federation elected a new president after three rounds of voting. Delegates from forty clubs took part."),
    ("C", "Orchard owners expect a record apple harvest thanks to a mild spring. Prices at the wholesale market fell slightly."),
    ("D", "A new ferry line will link the two islands from June, the harbour office said. Tickets go on sale next month."),
    ("E", "The museum reopened its textile gallery after a two-year restoration. Visitors queued before the doors opened."),
];

fn text(name: &str) -> &'static str {
    TEXTS.iter().find(|(n, _)| *n == name).map(|(_, t)| *t).unwrap()
}

fn add(repo: &Path, name: &str, url: &str, title: &str, published: &str) -> String {
    add_bytes(repo, text(name).to_string(), url, title, published)
}

/// Archives the same text again under another url: different bytes (trailing blank lines),
/// the same normalised text, so the url gets it as its latest version.
fn add_again(repo: &Path, name: &str, url: &str) -> String {
    add_bytes(repo, format!("{}\n\n", text(name)), url, "again", "2026-01-01")
}

fn add_bytes(repo: &Path, bytes: String, url: &str, title: &str, published: &str) -> String {
    let out = stet(repo)
        .args(["add", "--json", "-", "--url", url, "--title", title, "--published", published, "--source", "Wire"])
        .write_stdin(bytes)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    json_lines(&out)[0]["id"].as_str().unwrap().to_string()
}

/// Builds the family and returns the ids by name.
fn family(repo: &Path) -> HashMap<&'static str, String> {
    let mut ids = HashMap::new();
    ids.insert("A", add(repo, "A", U1, "Quake: first report", "2026-01-01"));
    ids.insert("B", add(repo, "B", U1, "Quake: toll rises", "2026-01-02"));
    add_again(repo, "B", U2);
    ids.insert("C", add(repo, "C", U2, "Quake (mirror)", "2026-01-03"));
    ids.insert("D", add(repo, "D", U1, "Quake: rescue ends", "2026-01-04"));
    add_again(repo, "D", U2);
    ids.insert("E", add(repo, "E", U2, "Eyewitness \"quake\" notes & <b>#1</b> \\ draft", "2025-12-31"));
    ids
}

fn run(repo: &Path, args: &[&str]) -> String {
    String::from_utf8(stet(repo).args(args).assert().success().get_output().stdout.clone()).unwrap()
}

#[test]
fn tree_of_a_branching_family() {
    let repo = tempfile::tempdir().unwrap();
    let ids = family(repo.path());
    insta::assert_snapshot!("tree_b", run(repo.path(), &["lineage", &ids["B"][..8]]));
}

#[test]
fn tree_with_two_parents_draws_a_repeat() {
    let repo = tempfile::tempdir().unwrap();
    let ids = family(repo.path());
    let out = run(repo.path(), &["lineage", &ids["D"]]);
    assert_eq!(out.matches("(repeat, shown above)").count(), 1, "{out}");
    assert_eq!(out.matches('●').count(), 2, "D is drawn in full once and once as a repeat: {out}");
    insta::assert_snapshot!("tree_d", out);
}

#[test]
fn url_targets_and_depth_limit() {
    let repo = tempfile::tempdir().unwrap();
    let ids = family(repo.path());
    // A url names its latest version; URL@N a given one.
    let latest = run(repo.path(), &["lineage", "--json", U1]);
    assert_eq!(json_lines(latest.as_bytes())[0]["id"], ids["D"].as_str());
    let first = run(repo.path(), &["lineage", "--json", &format!("{U1}@1")]);
    assert_eq!(json_lines(first.as_bytes())[0]["id"], ids["A"].as_str());
    let out = run(repo.path(), &["lineage", &format!("{U1}@1"), "--depth", "1"]);
    assert!(out.contains("(more below: raise --depth)"), "{out}");
    assert!(!out.contains(&ids["C"][..8]), "{out}");
    insta::assert_snapshot!("tree_a_depth_1", out);
}

#[test]
fn json_lines_nodes_then_edges() {
    let repo = tempfile::tempdir().unwrap();
    let ids = family(repo.path());
    let raw = run(repo.path(), &["lineage", "--json", &ids["B"]]);
    let lines = json_lines(raw.as_bytes());
    let nodes: Vec<_> = lines.iter().filter(|o| o["type"] == "node").collect();
    let edges: Vec<_> = lines.iter().filter(|o| o["type"] == "edge").collect();
    assert_eq!(nodes.len() + edges.len(), lines.len());
    assert!(lines.iter().position(|o| o["type"] == "edge").unwrap() >= nodes.len(), "nodes come first");
    let role = |name: &str| nodes.iter().find(|o| o["id"] == ids[name].as_str()).map(|o| o["role"].as_str().unwrap().to_string());
    assert_eq!(role("B").as_deref(), Some("self"));
    assert_eq!(role("A").as_deref(), Some("ancestor"));
    assert_eq!(role("C").as_deref(), Some("descendant"));
    assert_eq!(role("D").as_deref(), Some("descendant"));
    assert_eq!(role("E"), None, "E is D's other parent, not B's relative");
    assert_eq!(nodes[0]["date"], "2026-01-02T00:00:00Z");
    assert_eq!(nodes[0]["archived"], "2026-01-02T03:04:05Z");
    assert_eq!(edges.len(), 3);
    assert!(edges.iter().all(|e| e["kind"] == "version" && e["parent"].is_string() && e["child"].is_string()));
    assert!(edges.iter().any(|e| e["parent"] == ids["A"].as_str() && e["child"] == ids["B"].as_str()));
    insta::assert_snapshot!("json_b", raw);
}

#[test]
fn dot_and_mermaid_escape_titles() {
    let repo = tempfile::tempdir().unwrap();
    let ids = family(repo.path());
    let dot = run(repo.path(), &["lineage", "--dot", &ids["D"]]);
    assert!(dot.starts_with("digraph lineage {\n") && dot.ends_with("}\n"));
    assert!(dot.contains(r#"Eyewitness \"quake\" notes & <b>#1</b> \\ draft"#), "{dot}");
    assert_eq!(dot.matches(" -> ").count(), 3, "E -> D, B -> D, A -> B: {dot}");
    insta::assert_snapshot!("dot_d", dot);
    let mermaid = run(repo.path(), &["lineage", "--mermaid", &ids["D"]]);
    assert!(mermaid.starts_with("graph TD\n"));
    assert!(mermaid.contains("Eyewitness #34;quake#34; notes #38; #60;b#62;#35;1#60;/b#62; #92; draft"), "{mermaid}");
    assert!(!mermaid.contains("<b>"));
    insta::assert_snapshot!("mermaid_d", mermaid);
    if std::process::Command::new("dot").arg("-V").output().is_ok() {
        let mut child = std::process::Command::new("dot")
            .arg("-Tsvg")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        use std::io::Write;
        child.stdin.take().unwrap().write_all(dot.as_bytes()).unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "dot rejected the output: {}", String::from_utf8_lossy(&out.stderr));
    }
}

#[test]
fn lone_article_and_unknown_id() {
    let repo = tempfile::tempdir().unwrap();
    let id = add(repo.path(), "A", "https://solo.example/x", "Alone", "2026-01-01");
    let a = stet(repo.path()).args(["lineage", &id]).assert().success();
    assert_eq!(String::from_utf8_lossy(&a.get_output().stdout).lines().count(), 1);
    assert!(String::from_utf8_lossy(&a.get_output().stderr).contains("no related articles"));
    let e = stet(repo.path()).args(["lineage", "abcdef12"]).assert().code(1);
    assert!(String::from_utf8_lossy(&e.get_output().stderr).starts_with("error: no article matches 'abcdef12'"));
    stet(repo.path()).args(["lineage", "--dot", "--json", &id]).assert().code(2);
}

#[test]
fn dups_families() {
    let repo = tempfile::tempdir().unwrap();
    let ids = family(repo.path());
    add(repo.path(), "A", "https://other.example/a", "Other A", "2026-02-01");
    let text = run(repo.path(), &["dups", "--families"]);
    assert_eq!(text.matches("family ").count(), 1, "{text}");
    insta::assert_snapshot!("dups_families", text);
    let fams = json_lines(run(repo.path(), &["dups", "--families", "--json", &ids["C"][..8]]).as_bytes());
    assert_eq!(fams.len(), 1);
    assert_eq!(fams[0]["size"], 5);
    assert_eq!(fams[0]["members"].as_array().unwrap().len(), 5);
    assert_eq!(fams[0]["pairs"].as_array().unwrap().len(), 4);
    assert_eq!(fams[0]["members"][0]["id"], ids["E"].as_str(), "members oldest first");
    stet(repo.path()).args(["dups", "--families", "--kind", "rewrite"]).assert().code(1);
}

#[test]
fn control_characters_in_titles_stay_on_one_line() {
    let repo = tempfile::tempdir().unwrap();
    let url = "https://evil.example/a";
    let a = add_bytes(repo.path(), text("A").to_string(), url, "Line\nbreak \u{1b}[31mred\u{1b}[0m", "2026-01-01");
    add(repo.path(), "B", url, "Tab\there", "2026-01-02");
    for args in [vec!["lineage", &a[..]], vec!["history", url], vec!["dups", "--families"], vec!["dups"]] {
        let out = run(repo.path(), &args);
        assert!(!out.contains('\u{1b}') && !out.contains('\t'), "{args:?}: {out:?}");
        assert_eq!(out.lines().filter(|l| l.contains("Line")).count(), 1, "{args:?}: {out}");
    }
}
