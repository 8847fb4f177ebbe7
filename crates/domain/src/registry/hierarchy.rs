//! The dated tree of units. A unit belongs to at most one parent at any date; parks join a
//! zone in a given year (seed 004), so the tree is read as of a date.

use std::collections::{BTreeSet, HashMap};

use serde::{Deserialize, Serialize};
use time::Date;

use super::unit::{Unit, UnitCode, UnitId, UnitKind};

/// `child` belongs to `parent` from `from` (inclusive) until `until` (exclusive, open if
/// `None`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Membership {
    pub child: UnitId,
    pub parent: UnitId,
    pub from: Date,
    pub until: Option<Date>,
}

impl Membership {
    pub fn is_valid_on(&self, date: Date) -> bool {
        self.from <= date && self.until.is_none_or(|u| date < u)
    }

    fn overlaps(&self, from: Date, until: Option<Date>) -> bool {
        let starts_before_other_ends = until.is_none_or(|u| self.from < u);
        let other_starts_before_self_ends = self.until.is_none_or(|u| from < u);
        starts_before_other_ends && other_starts_before_self_ends
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum HierarchyError {
    #[error("unit {code} does not exist")]
    UnknownUnit { code: String },
    #[error("a {parent_kind:?} cannot contain a {child_kind:?}")]
    KindCannotContain {
        parent_kind: UnitKind,
        child_kind: UnitKind,
    },
    #[error("the membership ends ({until}) before it begins ({from})")]
    EmptyPeriod { from: Date, until: Date },
    #[error("{child} already belongs to {parent} from {from}")]
    AlreadyMember {
        child: UnitCode,
        parent: UnitCode,
        from: Date,
    },
    #[error("putting {child} under {parent} would make a cycle: {}", path.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(" → "))]
    Cycle {
        child: UnitCode,
        parent: UnitCode,
        path: Vec<UnitCode>,
    },
}

/// All units and all their memberships, over time.
#[derive(Debug, Clone, Default)]
pub struct Hierarchy {
    units: HashMap<UnitId, Unit>,
    by_code: HashMap<UnitCode, UnitId>,
    memberships: Vec<Membership>,
}

impl Hierarchy {
    pub fn new(units: Vec<Unit>, memberships: Vec<Membership>) -> Self {
        let by_code = units.iter().map(|u| (u.code.clone(), u.id)).collect();
        let units = units.into_iter().map(|u| (u.id, u)).collect();
        Hierarchy {
            units,
            by_code,
            memberships,
        }
    }

    pub fn unit(&self, id: UnitId) -> Option<&Unit> {
        self.units.get(&id)
    }

    pub fn unit_by_code(&self, code: &str) -> Option<&Unit> {
        self.by_code.get(code).and_then(|id| self.units.get(id))
    }

    pub fn units(&self) -> impl Iterator<Item = &Unit> {
        self.units.values()
    }

    pub fn memberships(&self) -> &[Membership] {
        &self.memberships
    }

    pub fn memberships_of(&self, child: UnitId) -> Vec<&Membership> {
        let mut list: Vec<_> = self
            .memberships
            .iter()
            .filter(|m| m.child == child)
            .collect();
        list.sort_by_key(|m| m.from);
        list
    }

    fn code(&self, id: UnitId) -> UnitCode {
        self.units
            .get(&id)
            .map(|u| u.code.clone())
            .unwrap_or_else(|| UnitCode::parse(&format!("id-{id}")).expect("valid code"))
    }

    fn parent_on(&self, child: UnitId, date: Date) -> Option<UnitId> {
        self.memberships
            .iter()
            .find(|m| m.child == child && m.is_valid_on(date))
            .map(|m| m.parent)
    }

    /// Checks a new membership against the units and every existing membership: kinds must
    /// nest, a unit has one parent at a time, and no date may see a cycle.
    pub fn check_membership(&self, new: &Membership) -> Result<(), HierarchyError> {
        let child = self
            .units
            .get(&new.child)
            .ok_or(HierarchyError::UnknownUnit {
                code: new.child.to_string(),
            })?;
        let parent = self
            .units
            .get(&new.parent)
            .ok_or(HierarchyError::UnknownUnit {
                code: new.parent.to_string(),
            })?;
        if let Some(until) = new.until
            && until <= new.from
        {
            return Err(HierarchyError::EmptyPeriod {
                from: new.from,
                until,
            });
        }
        if new.child == new.parent {
            return Err(HierarchyError::Cycle {
                child: child.code.clone(),
                parent: parent.code.clone(),
                path: vec![child.code.clone(), child.code.clone()],
            });
        }
        // The cycle check comes before the kind check so that the user is told the real
        // problem when both apply.
        let mut dates: BTreeSet<Date> = BTreeSet::from([new.from]);
        for m in &self.memberships {
            if m.overlaps(new.from, new.until) && m.from > new.from {
                dates.insert(m.from);
            }
        }
        for date in dates {
            let mut path = vec![child.code.clone(), parent.code.clone()];
            let mut cursor = new.parent;
            let mut steps = 0;
            while let Some(up) = self.parent_on(cursor, date) {
                path.push(self.code(up));
                if up == new.child {
                    return Err(HierarchyError::Cycle {
                        child: child.code.clone(),
                        parent: parent.code.clone(),
                        path,
                    });
                }
                cursor = up;
                steps += 1;
                if steps > self.units.len() {
                    break;
                }
            }
        }
        if !parent.kind.may_contain(child.kind) {
            return Err(HierarchyError::KindCannotContain {
                parent_kind: parent.kind,
                child_kind: child.kind,
            });
        }
        if let Some(existing) = self
            .memberships
            .iter()
            .find(|m| m.child == new.child && m.overlaps(new.from, new.until))
        {
            return Err(HierarchyError::AlreadyMember {
                child: child.code.clone(),
                parent: self.code(existing.parent),
                from: existing.from,
            });
        }
        Ok(())
    }

    /// Checks and records a membership.
    pub fn add_membership(&mut self, new: Membership) -> Result<(), HierarchyError> {
        self.check_membership(&new)?;
        self.memberships.push(new);
        Ok(())
    }

    /// Adds or replaces a unit in memory (used while checking a batch before storing it).
    pub fn put_unit(&mut self, unit: Unit) {
        self.by_code.insert(unit.code.clone(), unit.id);
        self.units.insert(unit.id, unit);
    }

    /// The tree as it stood on `date`.
    pub fn as_of(&self, date: Date) -> Tree {
        let mut parent = HashMap::new();
        let mut children: HashMap<UnitId, Vec<UnitId>> = HashMap::new();
        for m in self.memberships.iter().filter(|m| m.is_valid_on(date)) {
            parent.insert(m.child, m.parent);
            children.entry(m.parent).or_default().push(m.child);
        }
        let by_code = |a: &UnitId, b: &UnitId| {
            let ca = self.units.get(a).map(|u| u.code.as_str());
            let cb = self.units.get(b).map(|u| u.code.as_str());
            ca.cmp(&cb)
        };
        for list in children.values_mut() {
            list.sort_by(by_code);
        }
        let mut roots: Vec<UnitId> = self
            .units
            .values()
            .filter(|u| !parent.contains_key(&u.id) && u.kind.level() <= UnitKind::Zone.level())
            .map(|u| u.id)
            .collect();
        roots.sort_by(by_code);
        let mut detached: Vec<UnitId> = self
            .units
            .values()
            .filter(|u| !parent.contains_key(&u.id) && u.kind.level() > UnitKind::Zone.level())
            .map(|u| u.id)
            .collect();
        detached.sort_by(by_code);
        Tree {
            date,
            parent,
            children,
            roots,
            detached,
        }
    }
}

/// The hierarchy on one date.
#[derive(Debug, Clone)]
pub struct Tree {
    pub date: Date,
    parent: HashMap<UnitId, UnitId>,
    children: HashMap<UnitId, Vec<UnitId>>,
    /// Provinces, cities and zones with no parent on this date.
    pub roots: Vec<UnitId>,
    /// Districts and parks that belong to nothing on this date (not yet joined, or left).
    pub detached: Vec<UnitId>,
}

impl Tree {
    pub fn parent(&self, id: UnitId) -> Option<UnitId> {
        self.parent.get(&id).copied()
    }

    pub fn children(&self, id: UnitId) -> &[UnitId] {
        self.children.get(&id).map(Vec::as_slice).unwrap_or(&[])
    }

    /// From the root down to `id` itself.
    pub fn path(&self, id: UnitId) -> Vec<UnitId> {
        let mut path = vec![id];
        let mut cursor = id;
        while let Some(p) = self.parent(cursor) {
            if path.contains(&p) {
                break;
            }
            path.push(p);
            cursor = p;
        }
        path.reverse();
        path
    }

    /// Whether `id` is `ancestor` or lies below it.
    pub fn is_within(&self, id: UnitId, ancestor: UnitId) -> bool {
        self.path(id).contains(&ancestor)
    }

    /// `id` and everything below it, depth first.
    pub fn subtree(&self, id: UnitId) -> Vec<UnitId> {
        let mut out = Vec::new();
        let mut stack = vec![id];
        while let Some(next) = stack.pop() {
            if out.contains(&next) {
                continue;
            }
            out.push(next);
            for c in self.children(next).iter().rev() {
                stack.push(*c);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::unit::UnitDraft;
    use time::macros::date;

    fn unit(id: i64, code: &str, kind: UnitKind) -> Unit {
        Unit {
            id: UnitId(id),
            details: UnitDraft {
                code: UnitCode::parse(code).unwrap(),
                name_zh: code.to_string(),
                name_en: None,
                kind,
                area_km2: None,
                population: None,
                leading_industries: vec![],
                spatial_role: None,
            },
        }
    }

    fn member(child: i64, parent: i64, from: Date, until: Option<Date>) -> Membership {
        Membership {
            child: UnitId(child),
            parent: UnitId(parent),
            from,
            until,
        }
    }

    fn panzhihua() -> Hierarchy {
        // The zone, a park that is in it from the start and one that joins in 2020.
        Hierarchy::new(
            vec![
                unit(1, "PZH", UnitKind::Zone),
                unit(2, "PZH-CORE", UnitKind::Park),
                unit(3, "PZH-NS", UnitKind::Park),
                unit(4, "PZH-NS-YZ", UnitKind::SubPark),
            ],
            vec![
                member(2, 1, date!(2015 - 01 - 01), None),
                member(3, 1, date!(2020 - 01 - 01), None),
                member(4, 3, date!(2020 - 01 - 01), None),
            ],
        )
    }

    #[test]
    fn reads_the_tree_as_of_a_date() {
        let h = panzhihua();
        let before = h.as_of(date!(2019 - 06 - 30));
        assert_eq!(before.children(UnitId(1)), &[UnitId(2)]);
        assert_eq!(before.detached, vec![UnitId(3), UnitId(4)]);
        let after = h.as_of(date!(2020 - 01 - 01));
        assert_eq!(after.children(UnitId(1)), &[UnitId(2), UnitId(3)]);
        assert_eq!(after.path(UnitId(4)), vec![UnitId(1), UnitId(3), UnitId(4)]);
        assert!(after.is_within(UnitId(4), UnitId(1)));
        assert!(!before.is_within(UnitId(3), UnitId(1)));
        assert_eq!(
            after.subtree(UnitId(1)),
            vec![UnitId(1), UnitId(2), UnitId(3), UnitId(4)]
        );
        assert_eq!(after.roots, vec![UnitId(1)]);
    }

    #[test]
    fn refuses_a_cycle_with_its_path() {
        let mut h = panzhihua();
        h.put_unit(unit(5, "PZH-SP", UnitKind::SpecialtyPark));
        h.add_membership(member(5, 4, date!(2021 - 01 - 01), None))
            .unwrap();
        // PZH-NS-YZ (sub-park) under PZH-SP (specialty park) would close PZH-SP → PZH-NS-YZ → PZH-SP.
        let err = h
            .check_membership(&member(4, 5, date!(2022 - 01 - 01), None))
            .unwrap_err();
        match err {
            HierarchyError::Cycle { path, .. } => {
                let path: Vec<&str> = path.iter().map(|c| c.as_str()).collect();
                assert_eq!(path, ["PZH-NS-YZ", "PZH-SP", "PZH-NS-YZ"]);
            }
            other => panic!("expected a cycle, got {other:?}"),
        }
        assert!(matches!(
            h.check_membership(&member(1, 1, date!(2022 - 01 - 01), None)),
            Err(HierarchyError::Cycle { .. })
        ));
    }

    #[test]
    fn refuses_wrong_nesting_overlap_and_empty_periods() {
        let h = panzhihua();
        assert_eq!(
            h.check_membership(&member(1, 2, date!(2022 - 01 - 01), None)),
            Err(HierarchyError::Cycle {
                child: UnitCode::parse("PZH").unwrap(),
                parent: UnitCode::parse("PZH-CORE").unwrap(),
                path: ["PZH", "PZH-CORE", "PZH"]
                    .iter()
                    .map(|c| UnitCode::parse(c).unwrap())
                    .collect(),
            })
        );
        let mut h2 = panzhihua();
        h2.put_unit(unit(6, "OTHER", UnitKind::Zone));
        assert_eq!(
            h2.check_membership(&member(6, 2, date!(2022 - 01 - 01), None)),
            Err(HierarchyError::KindCannotContain {
                parent_kind: UnitKind::Park,
                child_kind: UnitKind::Zone
            })
        );
        assert!(matches!(
            h2.check_membership(&member(3, 6, date!(2021 - 01 - 01), None)),
            Err(HierarchyError::AlreadyMember { .. })
        ));
        // Moving a park is fine once its earlier membership has ended.
        assert!(
            h2.check_membership(&member(
                3,
                6,
                date!(2019 - 01 - 01),
                Some(date!(2020 - 01 - 01))
            ))
            .is_ok()
        );
        assert_eq!(
            h2.check_membership(&member(
                3,
                6,
                date!(2019 - 01 - 01),
                Some(date!(2018 - 01 - 01))
            )),
            Err(HierarchyError::EmptyPeriod {
                from: date!(2019 - 01 - 01),
                until: date!(2018 - 01 - 01)
            })
        );
    }
}
