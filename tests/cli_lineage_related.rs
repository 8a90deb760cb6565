//! `stet lineage` on relations `add` does not make today: an undirected relation (shown as a
//! related sibling), content relations with scores, and inconsistent parent edges forming a
//! cycle (the walk ends and draws every article once in full). The relations are written into
//! the repository through the library's store before the CLI reads it.

mod common;
use common::{json_lines, stet};
use std::path::Path;
use stet::{AddRequest, Archive, ArticleId, OpenOptions, Relation, RelationKind};

/// Held by each test for its whole run. A test that opens the repository in-process holds its
/// lock (an `flock`), and a `stet` process the other test forks inherits every open file until
/// it execs, that lock included: the first test's own `stet` then found its repository "locked
/// by another stet process" (regression, seen once in CI). One test at a time closes the window.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn relation(a: ArticleId, b: ArticleId, kind: RelationKind, parent: Option<ArticleId>, score: f32) -> Relation {
    Relation { a, b, kind, parent, score, coverage_a: 0.5, coverage_b: 0.4, verbatim: 0.3, evidence: Vec::new(), found: "2026-01-02T03:04:05Z".into() }
}

/// Archives four articles P, R, C, X and relates them: P -> R (version), R -> C (excerpt),
/// R -- X (rewrite, direction unknown), and, when `cycle`, C -> P (inconsistent).
fn build(repo: &Path, cycle: bool) -> [String; 4] {
    let archive = Archive::open(repo, OpenOptions { create: true, now: Some("2026-01-02T03:04:05Z".into()), detect: false, ..Default::default() }).unwrap();
    let texts = [
        ("P", "Volcanic ash closed the northern airport for six hours on Tuesday."),
        ("R", "The chess federation elected a new president after three rounds."),
        ("C", "Orchard owners expect a record apple harvest thanks to a mild spring."),
        ("X", "A new ferry line will link the two islands from June."),
    ];
    let ids: Vec<ArticleId> = texts
        .iter()
        .enumerate()
        .map(|(i, (name, text))| {
            let req = AddRequest {
                input: format!("{name}.txt"),
                bytes: text.as_bytes().to_vec(),
                title: Some(format!("Article {name}")),
                published: Some(format!("2026-01-0{}", i + 1)),
                source: Some(format!("Outlet {name}")),
                ..AddRequest::default()
            };
            archive.add(&req).unwrap().id
        })
        .collect();
    let (p, r, c, x) = (ids[0], ids[1], ids[2], ids[3]);
    let mut rels = vec![
        relation(p, r, RelationKind::Version, Some(p), 0.97),
        relation(r, c, RelationKind::Excerpt, Some(r), 0.88),
        relation(r, x, RelationKind::Rewrite, None, 0.71),
    ];
    if cycle {
        rels.push(relation(p, c, RelationKind::NearDuplicate, Some(c), 0.5));
    }
    let mut batch = archive.store().batch();
    for rel in &rels {
        stet::Archive::put_relation(&mut batch, rel);
    }
    archive.store().commit(batch).unwrap();
    archive.flush().unwrap();
    [p.hex(), r.hex(), c.hex(), x.hex()]
}

fn run(repo: &Path, args: &[&str]) -> String {
    String::from_utf8(stet(repo).args(args).assert().success().get_output().stdout.clone()).unwrap()
}

#[test]
fn related_siblings_and_scores() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    let repo = tempfile::tempdir().unwrap();
    let [p, r, c, x] = build(repo.path(), false);
    let tree = run(repo.path(), &["lineage", &r]);
    assert!(tree.contains("related, direction unknown:\n~ rewrite 0.71 ─ ○ "), "{tree}");
    insta::assert_snapshot!("tree", tree);

    let lines = json_lines(run(repo.path(), &["lineage", "--json", &r]).as_bytes());
    let node = |id: &str| lines.iter().find(|o| o["type"] == "node" && o["id"] == id).unwrap().clone();
    assert_eq!(node(&x)["role"], "related");
    assert_eq!(node(&p)["role"], "ancestor");
    assert_eq!(node(&c)["role"], "descendant");
    let und: Vec<_> = lines.iter().filter(|o| o["type"] == "edge" && o["parent"].is_null()).collect();
    assert_eq!(und.len(), 1);
    assert!(und[0]["child"].is_null());
    assert_eq!(und[0]["kind"], "rewrite");
    assert!((und[0]["score"].as_f64().unwrap() - 0.71).abs() < 1e-6);

    let dot = run(repo.path(), &["lineage", "--dot", &r]);
    assert!(dot.contains(&format!("\"{r}\" -> \"{x}\" [label=\"rewrite 0.71\", dir=none, style=dashed];")), "{dot}");
    assert!(dot.contains(&format!("\"{p}\" -> \"{r}\" [label=\"version 0.97\"];")), "{dot}");
    let mermaid = run(repo.path(), &["lineage", "--mermaid", &r]);
    assert!(mermaid.contains("n0 -.-|\"rewrite 0.71\"| n3"), "{mermaid}");

    // Seen from X, R is only a relative: no tree above it.
    let from_x = run(repo.path(), &["lineage", &x]);
    assert_eq!(from_x.lines().count(), 3, "{from_x}");
}

#[test]
fn a_cycle_of_parent_edges_ends() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    let repo = tempfile::tempdir().unwrap();
    let [p, r, c, _] = build(repo.path(), true);
    for id in [&p, &r, &c] {
        let tree = run(repo.path(), &["lineage", id]);
        for other in [&p, &r, &c] {
            let full = tree.lines().filter(|l| l.contains(&other[..8]) && !l.contains("(repeat")).count();
            assert_eq!(full, 1, "{} drawn in full once: {tree}", &other[..8]);
        }
    }
    insta::assert_snapshot!("cycle_from_r", run(repo.path(), &["lineage", &r]));
    let dot = run(repo.path(), &["lineage", "--dot", &r]);
    assert_eq!(dot.matches(" -> ").count(), 4, "{dot}");
}
