//! Families as lists: connected groups of related articles with the relations inside them.
//!
//! Main items: [`Family`] and [`family_groups`].

use super::families;
use crate::model::{ArticleId, Relation};
use std::collections::HashMap;

/// A connected group of related articles.
#[derive(Clone, Debug, PartialEq)]
pub struct Family {
    /// Its articles, sorted by id.
    pub members: Vec<ArticleId>,
    /// The relations between them, strongest first.
    pub pairs: Vec<Relation>,
    /// The score of its strongest relation.
    pub score: f32,
}

/// Groups `pairs` into families, strongest family first (by strongest relation, then size,
/// then first member); each family's pairs strongest first.
pub fn family_groups(pairs: &[Relation]) -> Vec<Family> {
    let groups = families(pairs);
    let mut index: HashMap<ArticleId, usize> = HashMap::new();
    for (i, g) in groups.iter().enumerate() {
        for id in g {
            index.insert(*id, i);
        }
    }
    let mut out: Vec<Family> = groups.into_iter().map(|members| Family { members, pairs: Vec::new(), score: 0.0 }).collect();
    for r in pairs {
        if let Some(&i) = index.get(&r.a) {
            out[i].pairs.push(r.clone());
        }
    }
    for f in &mut out {
        f.pairs.sort_by(|x, y| y.score.total_cmp(&x.score).then(x.a.cmp(&y.a)).then(x.b.cmp(&y.b)));
        f.score = f.pairs.first().map(|r| r.score).unwrap_or(0.0);
    }
    out.sort_by(|x, y| y.score.total_cmp(&x.score).then(y.members.len().cmp(&x.members.len())).then(x.members.cmp(&y.members)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::RelationKind;

    fn rel(a: u8, b: u8, score: f32) -> Relation {
        Relation {
            a: ArticleId([a; 32]),
            b: ArticleId([b; 32]),
            kind: RelationKind::NearDuplicate,
            parent: None,
            score,
            coverage_a: 0.0,
            coverage_b: 0.0,
            verbatim: 0.0,
            evidence: Vec::new(),
            found: String::new(),
        }
    }

    #[test]
    fn strongest_family_first_with_its_pairs() {
        let fams = family_groups(&[rel(1, 2, 0.5), rel(2, 3, 0.6), rel(4, 5, 0.9)]);
        assert_eq!(fams.len(), 2);
        assert_eq!(fams[0].members.len(), 2);
        assert_eq!(fams[0].score, 0.9);
        assert_eq!(fams[1].members.len(), 3);
        assert_eq!(fams[1].pairs.iter().map(|r| r.score).collect::<Vec<_>>(), vec![0.6, 0.5]);
    }
}
