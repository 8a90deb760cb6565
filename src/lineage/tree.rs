//! The lineage of one article: its ancestors, its descendants and its undirected relatives,
//! and the tree that draws them.
//!
//! Main items: [`lineage`] (walks both ways from an article), [`Lineage`], [`Member`] and
//! [`Role`], [`Edge`], and [`TreeRow`] (one line of the drawn tree, from [`Lineage::tree`]).
//!
//! An article reachable several ways is drawn in full once, under its parent nearest the root
//! (ties: the stronger relation), and as a repeat line elsewhere: see [`Lineage::tree`].

use super::graph::RelationSource;
use super::walk::{predecessors, successors, Direction, Step};
use crate::error::Result;
use crate::model::{ArticleId, Relation};
use std::collections::{BTreeSet, HashMap, HashSet};

/// An article's family as seen from it.
#[derive(Clone, Debug)]
pub struct Lineage {
    /// The article the lineage is about.
    pub root: ArticleId,
    /// Edges followed upwards (child -> parent), nearest first.
    pub ancestors: Vec<Step>,
    /// Edges followed downwards (parent -> child), nearest first.
    pub descendants: Vec<Step>,
    /// The root's relations without a direction (parent unknown), strongest first.
    pub related: Vec<Relation>,
    /// Ancestors at the depth limit that have parents not shown.
    pub more_above: BTreeSet<ArticleId>,
    /// Descendants at the depth limit that have children not shown.
    pub more_below: BTreeSet<ArticleId>,
}

/// How a member of a lineage relates to its root.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// The article the lineage is about.
    #[serde(rename = "self")]
    Root,
    /// Something it derives from.
    Ancestor,
    /// Something that derives from it.
    Descendant,
    /// Related to it, direction unknown.
    Related,
}

/// One article of a lineage.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Member {
    /// The article.
    pub id: ArticleId,
    /// How it relates to the root.
    pub role: Role,
    /// Edges between it and the root (0 for the root, 1 for related articles).
    pub depth: usize,
}

/// One relation of a lineage, with its direction when known.
#[derive(Clone, Copy, Debug)]
pub struct Edge<'a> {
    /// The parent, or for an undirected relation the root.
    pub from: ArticleId,
    /// The child, or for an undirected relation the other article.
    pub to: ArticleId,
    /// Whether `from` is the parent of `to`.
    pub directed: bool,
    /// The relation.
    pub relation: &'a Relation,
}

/// One line of the drawn lineage tree.
#[derive(Clone, Debug)]
pub struct TreeRow<'a> {
    /// The article on this line.
    pub id: ArticleId,
    /// The relation to the parent line (`None` on a top line).
    pub via: Option<&'a Relation>,
    /// For each level above and including this one, whether that line is the last child of
    /// its parent; empty on a top line. Enough to draw box-drawing prefixes.
    pub lasts: Vec<bool>,
    /// The article is drawn in full on another line (above or below this one, see the
    /// placement rule of [`Lineage::tree`]); its children are not drawn here.
    pub repeat: bool,
}

/// Walks up and down from `id`, at most `max_depth` edges each way when given.
pub fn lineage<G: RelationSource + ?Sized>(graph: &G, id: ArticleId, max_depth: Option<usize>) -> Result<Lineage> {
    let mut up = predecessors(graph, id, max_depth);
    let ancestors = up.by_ref().collect::<Result<Vec<_>>>()?;
    let more_above = up.cut().clone();
    let mut down = successors(graph, id, max_depth);
    let descendants = down.by_ref().collect::<Result<Vec<_>>>()?;
    let more_below = down.cut().clone();
    let mut related: Vec<Relation> = graph
        .relations(&id)?
        .into_iter()
        .filter(|r| r.a != r.b && Direction::Up.next(&id, r).is_none() && Direction::Down.next(&id, r).is_none())
        .collect();
    related.sort_by(|x, y| y.score.total_cmp(&x.score).then(x.other(&id).cmp(&y.other(&id))));
    related.dedup_by(|x, y| x.other(&id) == y.other(&id));
    Ok(Lineage { root: id, ancestors, descendants, related, more_above, more_below })
}

impl Lineage {
    /// Every article once: the root, ancestors nearest first, descendants nearest first, then
    /// related articles.
    pub fn members(&self) -> Vec<Member> {
        let mut seen = HashSet::from([self.root]);
        let mut out = vec![Member { id: self.root, role: Role::Root, depth: 0 }];
        let steps = self.ancestors.iter().map(|s| (s, Role::Ancestor)).chain(self.descendants.iter().map(|s| (s, Role::Descendant)));
        for (s, role) in steps {
            if seen.insert(s.to) {
                out.push(Member { id: s.to, role, depth: s.depth });
            }
        }
        for r in &self.related {
            let o = r.other(&self.root);
            if seen.insert(o) {
                out.push(Member { id: o, role: Role::Related, depth: 1 });
            }
        }
        out
    }

    /// Every relation once: parent -> child edges in walk order (ancestors, then
    /// descendants), then the root's undirected relations.
    pub fn edges(&self) -> Vec<Edge<'_>> {
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        for (s, dir) in self.steps() {
            let (p, c) = (s.parent(dir), s.child(dir));
            if seen.insert((p, c)) {
                out.push(Edge { from: p, to: c, directed: true, relation: &s.relation });
            }
        }
        for r in &self.related {
            out.push(Edge { from: self.root, to: r.other(&self.root), directed: false, relation: r });
        }
        out
    }

    fn steps(&self) -> impl Iterator<Item = (&Step, Direction)> {
        self.ancestors.iter().map(|s| (s, Direction::Up)).chain(self.descendants.iter().map(|s| (s, Direction::Down)))
    }

    /// The directed part of the lineage as a tree to draw, top ancestors first.
    ///
    /// Lines start at the articles without a parent in the lineage and go down parent ->
    /// child; `key` orders top lines and siblings (e.g. by date). Every article of the
    /// directed part appears, even on inconsistent data with cycles.
    ///
    /// Placement rule: an article with several parents in the lineage is drawn in full (with
    /// its own children) exactly once, under its *home* parent, and as a `repeat` line under
    /// each other parent. The home parent is, in this order of preference:
    ///
    /// 1. the parent nearest the root (fewest edges from the article the lineage is about,
    ///    as the breadth-first walks found them: a direct edge from the root beats any path
    ///    through another article);
    /// 2. among parents equally near, the one with the stronger relation (higher score);
    /// 3. then the parent first in `key` order, then the lower id.
    ///
    /// So `A -> C` (near-duplicate 0.97) drawn from `A` puts `C` under `A` even when `A -> B
    /// -> C` also exists, and `B -> C` is the repeat line. A repeat line may come before or
    /// after the full one, depending on the sibling order `key` gives. On cycles, where
    /// following home parents up never reaches a top line, the root (then the others in
    /// `key` order) starts a line of its own.
    pub fn tree<K: Ord>(&self, key: impl Fn(&ArticleId) -> K) -> Vec<TreeRow<'_>> {
        let directed: Vec<Edge<'_>> = self.edges().into_iter().filter(|e| e.directed).collect();
        let mut nodes: Vec<ArticleId> = vec![self.root];
        for e in &directed {
            for id in [e.from, e.to] {
                if !nodes.contains(&id) {
                    nodes.push(id);
                }
            }
        }
        let mut children: HashMap<ArticleId, Vec<&Edge<'_>>> = HashMap::new();
        for e in &directed {
            children.entry(e.from).or_default().push(e);
        }
        for list in children.values_mut() {
            list.sort_by_key(|e| (key(&e.to), e.to));
        }
        let mut home = self.home_parents(&directed, &key);
        let has_parent: HashSet<ArticleId> = directed.iter().map(|e| e.to).collect();
        let mut tops: Vec<ArticleId> = nodes.iter().copied().filter(|n| !has_parent.contains(n)).collect();
        tops.sort_by_key(|n| (key(n), *n));
        // Articles on a cycle have parents but no top above them: they start lines of their own.
        let mut rest: Vec<ArticleId> = nodes.clone();
        rest.sort_by_key(|n| (*n != self.root, key(n), *n));

        // Which articles start lines: the tops, then one article of each cycle of home parents
        // (a start line is its article's full placement, so it loses its home parent).
        let mut home_children: HashMap<ArticleId, Vec<ArticleId>> = HashMap::new();
        for (child, parent) in &home {
            home_children.entry(*parent).or_default().push(*child);
        }
        let mut placed: HashSet<ArticleId> = HashSet::new();
        let mut starts: Vec<ArticleId> = Vec::new();
        for start in tops.into_iter().chain(rest) {
            if placed.contains(&start) {
                continue;
            }
            starts.push(start);
            home.remove(&start);
            let mut stack = vec![start];
            while let Some(n) = stack.pop() {
                if placed.insert(n) {
                    stack.extend(home_children.get(&n).into_iter().flatten().copied());
                }
            }
        }

        let mut rows = Vec::new();
        let mut drawn: HashSet<ArticleId> = HashSet::new();
        for start in starts {
            let mut stack: Vec<(ArticleId, Option<&Relation>, Vec<bool>, bool)> = vec![(start, None, Vec::new(), true)];
            while let Some((id, via, lasts, at_home)) = stack.pop() {
                let repeat = !(at_home && drawn.insert(id));
                if !repeat {
                    if let Some(kids) = children.get(&id) {
                        for (i, e) in kids.iter().enumerate().rev() {
                            let mut l = lasts.clone();
                            l.push(i + 1 == kids.len());
                            stack.push((e.to, Some(e.relation), l, home.get(&e.to) == Some(&id)));
                        }
                    }
                }
                rows.push(TreeRow { id, via, lasts, repeat });
            }
        }
        rows
    }

    /// For each article with a parent in `directed`, the parent it is drawn under in full
    /// (the placement rule of [`Lineage::tree`]).
    fn home_parents<K: Ord>(&self, directed: &[Edge<'_>], key: &impl Fn(&ArticleId) -> K) -> HashMap<ArticleId, ArticleId> {
        // Distance from the root: the walks are breadth-first, so a step's depth is the
        // shortest; an article met both ways (a cycle) keeps the smaller.
        let mut dist: HashMap<ArticleId, usize> = HashMap::from([(self.root, 0)]);
        for (s, _) in self.steps() {
            let d = dist.entry(s.to).or_insert(s.depth);
            *d = (*d).min(s.depth);
        }
        let near = |id: &ArticleId| dist.get(id).copied().unwrap_or(usize::MAX);
        let better = |x: &Edge<'_>, y: &Edge<'_>| {
            near(&x.from)
                .cmp(&near(&y.from))
                .then(y.relation.score.total_cmp(&x.relation.score))
                .then_with(|| key(&x.from).cmp(&key(&y.from)))
                .then(x.from.cmp(&y.from))
                .is_lt()
        };
        let mut best: HashMap<ArticleId, &Edge<'_>> = HashMap::new();
        for e in directed {
            match best.get(&e.to) {
                Some(b) if !better(e, b) => {}
                _ => {
                    best.insert(e.to, e);
                }
            }
        }
        best.into_iter().map(|(child, e)| (child, e.from)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lineage::MemoryGraph;
    use crate::model::RelationKind;

    use crate::lineage::fixtures::id;

    fn rel(parent: u8, child: u8) -> Relation {
        crate::lineage::fixtures::rel(parent, child, RelationKind::Rewrite, f32::from(child) / 100.0)
    }

    fn rows(l: &Lineage) -> Vec<(u8, usize, bool)> {
        l.tree(|i| i.0[0]).iter().map(|r| (r.id.0[0], r.lasts.len(), r.repeat)).collect()
    }

    #[test]
    fn diamond_from_the_middle() {
        // 1 -> 2 -> 4, 1 -> 3 -> 4, 4 -> 5; 6 related to 2 without direction; 7 a cousin.
        let mut und = rel(2, 6);
        und.parent = None;
        let g = MemoryGraph::new([rel(1, 2), rel(1, 3), rel(2, 4), rel(3, 4), rel(4, 5), rel(3, 7), und]);
        let l = lineage(&g, id(2), None).unwrap();
        let members: Vec<(u8, Role)> = l.members().iter().map(|m| (m.id.0[0], m.role)).collect();
        assert_eq!(members, vec![(2, Role::Root), (1, Role::Ancestor), (4, Role::Descendant), (5, Role::Descendant), (6, Role::Related)]);
        assert_eq!(rows(&l), vec![(1, 0, false), (2, 1, false), (4, 2, false), (5, 3, false)]);
        assert_eq!(l.edges().iter().filter(|e| !e.directed).count(), 1);

        let l = lineage(&g, id(4), None).unwrap();
        assert_eq!(rows(&l), vec![(1, 0, false), (2, 1, false), (4, 2, false), (5, 3, false), (3, 1, false), (4, 2, true)]);
        let last_flags: Vec<Vec<bool>> = l.tree(|i| i.0[0]).into_iter().map(|r| r.lasts).collect();
        assert_eq!(last_flags[1], vec![false]);
        assert_eq!(last_flags[4], vec![true]);
    }

    #[test]
    fn cycle_still_draws_every_article_once_in_full() {
        let g = MemoryGraph::new([rel(1, 2), rel(2, 3), rel(3, 1)]);
        let l = lineage(&g, id(2), None).unwrap();
        let r = rows(&l);
        assert_eq!(r.iter().filter(|x| !x.2).count(), 3);
        assert_eq!(r[0].0, 2);
    }

    fn scored(parent: u8, child: u8, kind: RelationKind, score: f32) -> Relation {
        crate::lineage::fixtures::rel(parent, child, kind, score)
    }

    #[test]
    fn direct_strong_edge_beats_indirect_weak_path() {
        // The seeds case: 1 -> 2 rewrite 0.29, 1 -> 3 near-duplicate 0.97, 2 -> 3 rewrite 0.25.
        // Sibling order puts 2 first, but 3 belongs under 1 (direct), the 2 -> 3 line a repeat.
        let g = MemoryGraph::new([
            scored(1, 2, RelationKind::Rewrite, 0.29),
            scored(1, 3, RelationKind::NearDuplicate, 0.97),
            scored(2, 3, RelationKind::Rewrite, 0.25),
        ]);
        let l = lineage(&g, id(1), None).unwrap();
        assert_eq!(rows(&l), vec![(1, 0, false), (2, 1, false), (3, 2, true), (3, 1, false)]);
        let full = l.tree(|i| i.0[0]).into_iter().find(|r| r.id == id(3) && !r.repeat).unwrap();
        assert_eq!(full.via.map(|r| r.kind), Some(RelationKind::NearDuplicate));
        // Seen from 3: both parents are one edge away; the stronger relation wins.
        let l = lineage(&g, id(3), None).unwrap();
        let full = l.tree(|i| i.0[0]).into_iter().find(|r| r.id == id(3) && !r.repeat).unwrap();
        assert_eq!(full.via.map(|r| r.score), Some(0.97));
    }

    #[test]
    fn nearer_parent_beats_stronger_farther_one() {
        // 1 -> 2 -> 4 -> 5 and 1 -> 3 -> 5 strong: from 1, 5 is two edges away through 3
        // and three through 4; the nearer path wins whatever the scores.
        let g = MemoryGraph::new([
            scored(1, 2, RelationKind::Rewrite, 0.9),
            scored(2, 4, RelationKind::Rewrite, 0.9),
            scored(4, 5, RelationKind::NearDuplicate, 0.99),
            scored(1, 3, RelationKind::Rewrite, 0.3),
            scored(3, 5, RelationKind::Rewrite, 0.3),
        ]);
        let l = lineage(&g, id(1), None).unwrap();
        assert_eq!(rows(&l), vec![(1, 0, false), (2, 1, false), (4, 2, false), (5, 3, true), (3, 1, false), (5, 2, false)]);
    }

    #[test]
    fn equal_parents_fall_back_to_key_order() {
        // Two parents of 3, same distance and score: the first in key order keeps it.
        let g = MemoryGraph::new([scored(1, 3, RelationKind::Version, 0.0), scored(2, 3, RelationKind::Version, 0.0)]);
        let l = lineage(&g, id(3), None).unwrap();
        assert_eq!(rows(&l), vec![(1, 0, false), (3, 1, false), (2, 0, false), (3, 1, true)]);
    }

    #[test]
    fn depth_limit_marks_more() {
        let g = MemoryGraph::new((1..10).map(|n| rel(n, n + 1)));
        let l = lineage(&g, id(5), Some(1)).unwrap();
        assert_eq!(rows(&l), vec![(4, 0, false), (5, 1, false), (6, 2, false)]);
        assert!(l.more_above.contains(&id(4)));
        assert!(l.more_below.contains(&id(6)));
    }
}
