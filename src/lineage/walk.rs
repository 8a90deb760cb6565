//! Walking parent edges: the predecessors (ancestors) or successors (descendants) of an article.
//!
//! Main items: [`Walk`] (a breadth-first iterator over [`Step`]s), [`predecessors`],
//! [`successors`] and [`Direction`].
//!
//! Like jj's predecessor walk, the walk is lazy: it reads the relations of one article at a
//! time from a [`RelationSource`]. Every article is expanded at most once, so a walk ends even
//! on inconsistent data with cycles; an edge that reaches an article already visited is
//! yielded once with `repeat` set and not followed. An optional depth limit stops the walk
//! that many edges away from the start and remembers which articles had more to follow.

use super::graph::RelationSource;
use crate::error::Result;
use crate::model::{ArticleId, Relation};
use std::collections::{BTreeSet, HashSet, VecDeque};

/// Which way a walk follows parent edges.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// From child to parent: what an article derives from.
    Up,
    /// From parent to child: what derives from an article.
    Down,
}

impl Direction {
    /// The article one step from `node` over `rel` in this direction, if `rel` is directed
    /// that way (relations without a parent lead nowhere).
    pub fn next(self, node: &ArticleId, rel: &Relation) -> Option<ArticleId> {
        if rel.a != *node && rel.b != *node {
            return None;
        }
        let other = rel.other(node);
        let parent = rel.parent?;
        if other == *node {
            return None;
        }
        match self {
            Direction::Up => (parent == other).then_some(other),
            Direction::Down => (parent == *node).then_some(other),
        }
    }
}

/// One edge followed by a walk.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    /// The article the edge was followed from.
    pub from: ArticleId,
    /// The article it leads to (the parent of `from` going up, a child going down).
    pub to: ArticleId,
    /// The relation between them.
    pub relation: Relation,
    /// How many edges `to` is from the start of the walk (1 for direct neighbours).
    pub depth: usize,
    /// `to` was reached before: the edge is reported but not followed again. This is the
    /// walk's discovery order (nearest first, then the order the source lists relations);
    /// where the drawn tree places an article with several parents is decided by
    /// [`crate::lineage::Lineage::tree`] (nearest the root, then the strongest relation).
    pub repeat: bool,
}

impl Step {
    /// The parent end of the edge.
    pub fn parent(&self, dir: Direction) -> ArticleId {
        match dir {
            Direction::Up => self.to,
            Direction::Down => self.from,
        }
    }

    /// The child end of the edge.
    pub fn child(&self, dir: Direction) -> ArticleId {
        match dir {
            Direction::Up => self.from,
            Direction::Down => self.to,
        }
    }
}

/// A breadth-first walk over parent edges; yields [`Step`]s nearest first.
///
/// After a read error the walk yields that error once and stops.
pub struct Walk<'g, G: RelationSource + ?Sized> {
    graph: &'g G,
    dir: Direction,
    max_depth: Option<usize>,
    queue: VecDeque<(ArticleId, usize)>,
    pending: VecDeque<Step>,
    seen: HashSet<ArticleId>,
    cut: BTreeSet<ArticleId>,
    failed: bool,
}

impl<'g, G: RelationSource + ?Sized> Walk<'g, G> {
    /// A walk from `start` in direction `dir`, at most `max_depth` edges away when given.
    pub fn new(graph: &'g G, start: ArticleId, dir: Direction, max_depth: Option<usize>) -> Self {
        Walk {
            graph,
            dir,
            max_depth,
            queue: VecDeque::from([(start, 0)]),
            pending: VecDeque::new(),
            seen: HashSet::from([start]),
            cut: BTreeSet::new(),
            failed: false,
        }
    }

    /// The direction of the walk.
    pub fn direction(&self) -> Direction {
        self.dir
    }

    /// Articles at the depth limit that have further edges the walk did not follow (complete
    /// once the walk is exhausted).
    pub fn cut(&self) -> &BTreeSet<ArticleId> {
        &self.cut
    }
}

impl<G: RelationSource + ?Sized> Iterator for Walk<'_, G> {
    type Item = Result<Step>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(step) = self.pending.pop_front() {
                return Some(Ok(step));
            }
            if self.failed {
                return None;
            }
            let (node, depth) = self.queue.pop_front()?;
            let rels = match self.graph.relations(&node) {
                Ok(r) => r,
                Err(e) => {
                    self.failed = true;
                    return Some(Err(e));
                }
            };
            let mut next: Vec<(ArticleId, Relation)> = Vec::new();
            for r in rels {
                if let Some(n) = self.dir.next(&node, &r) {
                    if !next.iter().any(|(m, _)| *m == n) {
                        next.push((n, r));
                    }
                }
            }
            if self.max_depth.is_some_and(|m| depth >= m) {
                if !next.is_empty() {
                    self.cut.insert(node);
                }
                continue;
            }
            for (to, relation) in next {
                let repeat = !self.seen.insert(to);
                if !repeat {
                    self.queue.push_back((to, depth + 1));
                }
                self.pending.push_back(Step { from: node, to, relation, depth: depth + 1, repeat });
            }
        }
    }
}

/// The ancestors of `id`: a walk up its parent edges.
pub fn predecessors<G: RelationSource + ?Sized>(graph: &G, id: ArticleId, max_depth: Option<usize>) -> Walk<'_, G> {
    Walk::new(graph, id, Direction::Up, max_depth)
}

/// The descendants of `id`: a walk down its child edges.
pub fn successors<G: RelationSource + ?Sized>(graph: &G, id: ArticleId, max_depth: Option<usize>) -> Walk<'_, G> {
    Walk::new(graph, id, Direction::Down, max_depth)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lineage::MemoryGraph;
    use crate::model::RelationKind;

    use crate::lineage::fixtures::id;

    fn rel(parent: u8, child: u8) -> Relation {
        crate::lineage::fixtures::rel(parent, child, RelationKind::Version, 0.5)
    }

    fn walk_ids(w: Walk<'_, MemoryGraph>) -> Vec<(u8, u8, usize, bool)> {
        w.map(|s| s.unwrap()).map(|s| (s.from.0[0], s.to.0[0], s.depth, s.repeat)).collect()
    }

    #[test]
    fn chain_up_and_down_nearest_first() {
        let g = MemoryGraph::new([rel(1, 2), rel(2, 3), rel(3, 4)]);
        assert_eq!(walk_ids(predecessors(&g, id(3), None)), vec![(3, 2, 1, false), (2, 1, 2, false)]);
        assert_eq!(walk_ids(successors(&g, id(2), None)), vec![(2, 3, 1, false), (3, 4, 2, false)]);
        assert!(walk_ids(predecessors(&g, id(1), None)).is_empty());
    }

    #[test]
    fn undirected_relations_are_not_followed() {
        let mut r = rel(1, 2);
        r.parent = None;
        let g = MemoryGraph::new([r]);
        assert!(walk_ids(successors(&g, id(1), None)).is_empty());
        assert!(walk_ids(predecessors(&g, id(2), None)).is_empty());
    }

    #[test]
    fn diamond_reports_the_second_path_as_a_repeat() {
        let g = MemoryGraph::new([rel(1, 2), rel(1, 3), rel(2, 4), rel(3, 4)]);
        assert_eq!(walk_ids(successors(&g, id(1), None)), vec![(1, 2, 1, false), (1, 3, 1, false), (2, 4, 2, false), (3, 4, 2, true)]);
    }

    #[test]
    fn cycles_end() {
        // Inconsistent data: 1 -> 2 -> 3 -> 1, and a self-relation.
        let mut self_rel = rel(2, 2);
        self_rel.b = id(2);
        let g = MemoryGraph::new([rel(1, 2), rel(2, 3), rel(3, 1), self_rel]);
        let down = walk_ids(successors(&g, id(1), None));
        assert_eq!(down, vec![(1, 2, 1, false), (2, 3, 2, false), (3, 1, 3, true)]);
        let up = walk_ids(predecessors(&g, id(1), None));
        assert_eq!(up, vec![(1, 3, 1, false), (3, 2, 2, false), (2, 1, 3, true)]);
    }

    #[test]
    fn depth_limit_stops_and_remembers_the_cut() {
        let g = MemoryGraph::new((1..50).map(|n| rel(n, n + 1)));
        let mut w = successors(&g, id(1), Some(2));
        let steps: Vec<_> = w.by_ref().map(|s| s.unwrap().to.0[0]).collect();
        assert_eq!(steps, vec![2, 3]);
        assert_eq!(w.cut().iter().map(|i| i.0[0]).collect::<Vec<_>>(), vec![3]);
        let mut w = predecessors(&g, id(50), Some(0));
        assert_eq!(w.by_ref().count(), 0);
        assert_eq!(w.cut().len(), 1);
        let mut w = successors(&g, id(48), Some(5));
        assert_eq!(w.by_ref().count(), 2);
        assert!(w.cut().is_empty());
    }

    #[test]
    fn a_read_error_is_yielded_once() {
        struct Broken;
        impl RelationSource for Broken {
            fn relations(&self, id: &ArticleId) -> Result<Vec<Relation>> {
                Err(crate::error::Error::NotFound(id.hex()))
            }
        }
        let mut w = successors(&Broken, id(1), None);
        assert!(matches!(w.next(), Some(Err(_))));
        assert!(w.next().is_none());
    }

    #[test]
    fn large_dense_graph_walks_each_article_once() {
        // Every pair of 40 articles related, parent the lower number: 780 edges.
        let rels: Vec<Relation> = (1..=40u8).flat_map(|p| (p + 1..=40).map(move |c| rel(p, c))).collect();
        let g = MemoryGraph::new(rels);
        let steps: Vec<Step> = successors(&g, id(1), None).map(|s| s.unwrap()).collect();
        assert_eq!(steps.iter().filter(|s| !s.repeat).count(), 39);
        assert_eq!(steps.len(), 780);
    }
}
