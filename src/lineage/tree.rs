//! The lineage of one article: its ancestors, its descendants and its undirected relatives,
//! and the tree that draws them.
//!
//! Main items: [`lineage`] (walks both ways from an article), [`Lineage`], [`Member`] and
//! [`Role`], [`Edge`], and [`TreeRow`] (one line of the drawn tree, from [`Lineage::tree`]).

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
    /// The article was drawn before; its children are not drawn again.
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
    /// child; `key` orders top lines and siblings (e.g. by date). An article with several
    /// parents is drawn in full once, then as a `repeat` line. Every article of the directed
    /// part appears, even on inconsistent data with cycles.
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
        let has_parent: HashSet<ArticleId> = directed.iter().map(|e| e.to).collect();
        let mut tops: Vec<ArticleId> = nodes.iter().copied().filter(|n| !has_parent.contains(n)).collect();
        tops.sort_by_key(|n| (key(n), *n));
        // Articles on a cycle have parents but no top above them: they start lines of their own.
        let mut rest: Vec<ArticleId> = nodes.clone();
        rest.sort_by_key(|n| (*n != self.root, key(n), *n));

        let mut rows = Vec::new();
        let mut drawn: HashSet<ArticleId> = HashSet::new();
        for top in tops.into_iter().chain(rest) {
            if drawn.contains(&top) {
                continue;
            }
            let mut stack: Vec<(ArticleId, Option<&Relation>, Vec<bool>)> = vec![(top, None, Vec::new())];
            while let Some((id, via, lasts)) = stack.pop() {
                let repeat = !drawn.insert(id);
                if !repeat {
                    if let Some(kids) = children.get(&id) {
                        for (i, e) in kids.iter().enumerate().rev() {
                            let mut l = lasts.clone();
                            l.push(i + 1 == kids.len());
                            stack.push((e.to, Some(e.relation), l));
                        }
                    }
                }
                rows.push(TreeRow { id, via, lasts, repeat });
            }
        }
        rows
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

    #[test]
    fn depth_limit_marks_more() {
        let g = MemoryGraph::new((1..10).map(|n| rel(n, n + 1)));
        let l = lineage(&g, id(5), Some(1)).unwrap();
        assert_eq!(rows(&l), vec![(4, 0, false), (5, 1, false), (6, 2, false)]);
        assert!(l.more_above.contains(&id(4)));
        assert!(l.more_below.contains(&id(6)));
    }
}
