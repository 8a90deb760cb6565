//! Regression: `stet lineage` drew an article under an indirect weak path instead of its
//! direct strong edge from the root.
//!
//! Seeds 000 and 002 plus a lightly edited copy of 000 (Kupiansk spelt Kupyansk, "Moscow" for
//! the first "Russia"): 000 -> 002 is a rewrite (0.29), 000 -> copy a near-duplicate (0.97),
//! and 002 -> copy a weak rewrite (0.25). The tree of 000 drew the copy in full under 002 and
//! its direct near-duplicate edge from 000 as "(repeat, shown above)", as if the copy derived
//! from 002. The copy belongs under 000; the 002 -> copy line is the repeat.

mod common;
use common::stet;
use std::path::Path;
use stet::lineage::{lineage, TreeRow};
use stet::{AddRequest, Archive, ArticleId, OpenOptions, RelationKind};

fn seed(name: &str) -> String {
    let path = common::fixtures().join("seeds").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Archives 000, 002 and the edited copy of 000, in that order; returns their ids.
fn build(repo: &Path) -> (Archive, [ArticleId; 3]) {
    let archive = Archive::open(repo, OpenOptions { create: true, now: Some("2026-01-02T03:04:05Z".into()), ..Default::default() }).unwrap();
    let original = seed("000_856e4ff5e2b4e0a7.txt");
    assert!(original.contains("Russia is reinforcing") && original.contains("Kupiansk"), "seed 000 changed");
    let copy = original.replacen("Russia is reinforcing", "Moscow is reinforcing", 1).replace("Kupiansk", "Kupyansk");
    let inputs = [("000.txt", original), ("002.txt", seed("002_cd06db6dfbca252d.txt")), ("000edit.txt", copy)];
    let mut ids = Vec::new();
    for (name, text) in inputs {
        let req = AddRequest { input: name.to_string(), bytes: text.into_bytes(), ..AddRequest::default() };
        ids.push(archive.add(&req).unwrap().id);
    }
    archive.flush().unwrap();
    (archive, [ids[0], ids[1], ids[2]])
}

/// The row above `i` one level up: the line `rows[i]` is drawn under.
fn parent_row<'a>(rows: &'a [TreeRow<'a>], i: usize) -> &'a TreeRow<'a> {
    let level = rows[i].lasts.len();
    rows[..i].iter().rev().find(|r| r.lasts.len() + 1 == level).expect("a line above")
}

#[test]
fn lineage_prefers_direct_strong_edge_over_indirect_weak_path() {
    let repo = tempfile::tempdir().unwrap();
    let (archive, [a, b, copy]) = build(repo.path());
    let l = lineage(&archive, a, None).unwrap();
    let edge = |p: ArticleId, c: ArticleId| l.edges().into_iter().find(|e| e.directed && e.from == p && e.to == c).map(|e| (e.relation.kind, e.relation.score));
    let direct = edge(a, copy).expect("000 -> copy found");
    assert_eq!(direct.0, RelationKind::NearDuplicate);
    assert!(edge(a, b).is_some(), "000 -> 002 found");
    let weak = edge(b, copy);

    let rows = l.tree(|id| archive.article(id).ok().flatten().map(|r| r.seq));
    let full: Vec<usize> = (0..rows.len()).filter(|&i| rows[i].id == copy && !rows[i].repeat).collect();
    assert_eq!(full.len(), 1, "the copy is drawn in full once");
    let at = full[0];
    assert_eq!(parent_row(&rows, at).id, a, "drawn in full under 000, not 002");
    assert_eq!(rows[at].via.map(|r| r.kind), Some(RelationKind::NearDuplicate));
    if weak.is_some() {
        let repeats: Vec<usize> = (0..rows.len()).filter(|&i| rows[i].id == copy && rows[i].repeat).collect();
        assert_eq!(repeats.len(), 1);
        assert_eq!(parent_row(&rows, repeats[0]).id, b, "the weak 002 -> copy line is the repeat");
    }
    // The members agree: the copy is one edge from 000.
    assert_eq!(l.members().iter().find(|m| m.id == copy).map(|m| m.depth), Some(1));
    drop(archive);

    // The terminal tree says where the full line is.
    let out = stet(repo.path()).args(["lineage", &a.hex()[..8]]).assert().success().get_output().stdout.clone();
    let out = String::from_utf8(out).unwrap();
    let short = &copy.hex()[..8];
    let line = out.lines().find(|l| l.contains(short) && l.contains("near-duplicate")).unwrap_or_else(|| panic!("{out}"));
    assert!(!line.contains("repeat"), "{out}");
    if weak.is_some() {
        assert!(out.contains("(repeat, shown below)"), "{out}");
        assert!(!out.contains("(repeat, shown above)"), "{out}");
    }
}
