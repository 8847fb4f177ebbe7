//! A whole registry in one value, referring to units by code: what the example generator
//! produces and what a store loads in bulk.

use serde::Serialize;
use time::Date;

use std::collections::HashMap;

use super::credit_code::CreditCode;
use super::enterprise::EnterpriseDraft;
use super::hierarchy::{Hierarchy, HierarchyError, Membership};
use super::tier::Recognition;
use super::unit::{Unit, UnitCode, UnitDraft, UnitId};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DatasetMembership {
    pub child: UnitCode,
    pub parent: UnitCode,
    pub from: Date,
    pub until: Option<Date>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DatasetLocation {
    pub park: UnitCode,
    pub from: Date,
    pub until: Option<Date>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DatasetEnterprise {
    pub draft: EnterpriseDraft,
    /// In date order; only the last may be open.
    pub locations: Vec<DatasetLocation>,
    pub recognitions: Vec<Recognition>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Dataset {
    pub units: Vec<UnitDraft>,
    pub memberships: Vec<DatasetMembership>,
    pub enterprises: Vec<DatasetEnterprise>,
}

/// Why a data set's tree is not sound: the membership that fails and the domain's reason.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{} → {}: {reason}", membership.child, membership.parent)]
pub struct DatasetError {
    pub membership: DatasetMembership,
    pub reason: HierarchyError,
}

impl Dataset {
    /// The data set's units and memberships as a `Hierarchy`, with ids numbered from 1 in
    /// the order of `units`, every membership checked as an import would check it.
    pub fn hierarchy(&self) -> Result<(Hierarchy, HashMap<UnitCode, UnitId>), Box<DatasetError>> {
        let ids: HashMap<UnitCode, UnitId> = self
            .units
            .iter()
            .enumerate()
            .map(|(i, u)| (u.code.clone(), UnitId(i as i64 + 1)))
            .collect();
        let units = self
            .units
            .iter()
            .map(|u| Unit {
                id: ids[&u.code],
                details: u.clone(),
            })
            .collect();
        let mut h = Hierarchy::new(units, Vec::new());
        for m in &self.memberships {
            let fail = |reason| {
                Box::new(DatasetError {
                    membership: m.clone(),
                    reason,
                })
            };
            let id = |code: &UnitCode| {
                ids.get(code).copied().ok_or_else(|| {
                    fail(HierarchyError::UnknownUnit {
                        code: code.to_string(),
                    })
                })
            };
            let new = Membership {
                child: id(&m.child)?,
                parent: id(&m.parent)?,
                from: m.from,
                until: m.until,
            };
            h.add_membership(new).map_err(fail)?;
        }
        Ok((h, ids))
    }

    pub fn credit_codes(&self) -> impl Iterator<Item = &CreditCode> {
        self.enterprises.iter().map(|e| &e.draft.credit_code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::UnitKind;
    use time::macros::date;

    fn unit(code: &str, kind: UnitKind) -> UnitDraft {
        UnitDraft {
            code: UnitCode::parse(code).unwrap(),
            name_zh: code.to_string(),
            name_en: None,
            kind,
            area_km2: None,
            population: None,
            leading_industries: vec![],
            spatial_role: None,
        }
    }

    fn member(child: &str, parent: &str) -> DatasetMembership {
        DatasetMembership {
            child: UnitCode::parse(child).unwrap(),
            parent: UnitCode::parse(parent).unwrap(),
            from: date!(2020 - 01 - 01),
            until: None,
        }
    }

    #[test]
    fn builds_the_tree_and_refuses_what_an_import_refuses() {
        let mut data = Dataset {
            units: vec![unit("PZH", UnitKind::Zone), unit("PZH-NS", UnitKind::Park)],
            memberships: vec![member("PZH-NS", "PZH")],
            enterprises: vec![],
        };
        let (h, ids) = data.hierarchy().unwrap();
        assert_eq!((ids["PZH"], ids["PZH-NS"]), (UnitId(1), UnitId(2)));
        assert_eq!(
            h.as_of(date!(2021 - 01 - 01)).children(UnitId(1)),
            &[UnitId(2)]
        );

        data.memberships.push(member("PZH-NS", "NOWHERE"));
        let e = data.hierarchy().unwrap_err();
        assert_eq!(
            e.reason,
            HierarchyError::UnknownUnit {
                code: "NOWHERE".into()
            }
        );

        data.memberships.pop();
        data.memberships.push(member("PZH", "PZH-NS"));
        assert!(matches!(
            data.hierarchy().unwrap_err().reason,
            HierarchyError::Cycle { .. }
        ));
    }
}
