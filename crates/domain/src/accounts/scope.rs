//! Scope: every user is bound to a node of the hierarchy and reads and writes only inside
//! it.

use serde::{Deserialize, Serialize};

use super::role::Role;
use crate::registry::{EnterpriseId, Tree, UnitId};

/// The node a user is bound to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Binding {
    /// The whole platform (administrators, and the public, who see what is published).
    Everything,
    Unit(UnitId),
    Enterprise(EnterpriseId),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BindingError {
    #[error("an enterprise filer must be bound to an enterprise")]
    FilerNeedsEnterprise,
    #[error("a {role:?} must be bound to a unit")]
    NeedsUnit { role: Role },
    #[error("only enterprise filers are bound to an enterprise")]
    OnlyFilersBindToEnterprises,
}

impl Binding {
    /// Checks that a role and a binding go together.
    pub fn check_for(self, role: Role) -> Result<(), BindingError> {
        match (role, self) {
            (Role::Administrator | Role::Public, Binding::Everything) => Ok(()),
            (Role::EnterpriseFiler, Binding::Enterprise(_)) => Ok(()),
            (Role::EnterpriseFiler, _) => Err(BindingError::FilerNeedsEnterprise),
            (_, Binding::Enterprise(_)) => Err(BindingError::OnlyFilersBindToEnterprises),
            (Role::Administrator | Role::Public, Binding::Unit(_)) => Ok(()),
            (role, Binding::Everything) => Err(BindingError::NeedsUnit { role }),
            (_, Binding::Unit(_)) => Ok(()),
        }
    }

    /// Whether the user acts for one enterprise (an enterprise filer).
    pub fn is_enterprise(self) -> bool {
        matches!(self, Binding::Enterprise(_))
    }
}

/// The user on whose behalf something is done.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Principal {
    pub user_id: i64,
    pub username: String,
    pub role: Role,
    pub binding: Binding,
}

impl Principal {
    fn within(&self, unit: UnitId, tree: &Tree) -> bool {
        match self.binding {
            Binding::Everything => true,
            Binding::Unit(node) => tree.is_within(unit, node),
            Binding::Enterprise(_) => false,
        }
    }

    /// The unit whose subtree the user sees, if the user is bound to one.
    pub fn home_unit(&self) -> Option<UnitId> {
        match self.binding {
            Binding::Unit(u) => Some(u),
            _ => None,
        }
    }

    /// Unit pages: structure, key figures and the enterprises listed there. The public
    /// sees the published registry of units, but none of the enterprise data.
    pub fn may_read_unit(&self, unit: UnitId, tree: &Tree) -> bool {
        match self.role {
            Role::Administrator | Role::Public => true,
            Role::EnterpriseFiler => false,
            _ => self.within(unit, tree),
        }
    }

    pub fn may_write_unit(&self, unit: UnitId, tree: &Tree) -> bool {
        match self.role {
            Role::Administrator => true,
            Role::ZoneStaff => self.within(unit, tree),
            _ => false,
        }
    }

    /// Whether the user may create a unit under `parent` (or at the top when `None`).
    pub fn may_create_unit_under(&self, parent: Option<UnitId>, tree: &Tree) -> bool {
        match (self.role, parent) {
            (Role::Administrator, _) => true,
            (Role::ZoneStaff, Some(p)) => self.within(p, tree),
            _ => false,
        }
    }

    /// Whether the user sees enterprise data at all (lists, figures).
    pub fn sees_enterprises(&self) -> bool {
        self.role != Role::Public
    }

    /// `park` is where the enterprise is located today, if anywhere.
    pub fn may_read_enterprise(
        &self,
        enterprise: EnterpriseId,
        park: Option<UnitId>,
        tree: &Tree,
    ) -> bool {
        match (self.role, self.binding) {
            (Role::Public, _) => false,
            (Role::Administrator, _) => true,
            (Role::EnterpriseFiler, Binding::Enterprise(own)) => own == enterprise,
            (Role::EnterpriseFiler, _) => false,
            _ => park.is_some_and(|p| self.within(p, tree)),
        }
    }

    pub fn may_write_enterprise(
        &self,
        enterprise: EnterpriseId,
        park: Option<UnitId>,
        tree: &Tree,
    ) -> bool {
        match self.role {
            Role::Administrator => true,
            Role::ZoneStaff | Role::ParkStaff => park.is_some_and(|p| self.within(p, tree)),
            Role::EnterpriseFiler => self.binding == Binding::Enterprise(enterprise),
            _ => false,
        }
    }

    /// Whether an enterprise may be placed in (or moved to) `park` by this user.
    pub fn may_place_enterprise_in(&self, park: UnitId, tree: &Tree) -> bool {
        match self.role {
            Role::Administrator => true,
            Role::ZoneStaff | Role::ParkStaff => self.within(park, tree),
            _ => false,
        }
    }

    pub fn may_manage_users(&self) -> bool {
        matches!(self.role, Role::Administrator | Role::ZoneStaff)
    }

    /// Whether the user may create or change an account with this role and binding.
    /// `enterprise_park` is the park of the enterprise for a filer binding.
    pub fn may_assign(
        &self,
        role: Role,
        binding: Binding,
        enterprise_park: Option<UnitId>,
        tree: &Tree,
    ) -> bool {
        match self.role {
            Role::Administrator => true,
            Role::ZoneStaff => {
                role != Role::Administrator
                    && role != Role::Public
                    && match binding {
                        Binding::Everything => false,
                        Binding::Unit(u) => self.within(u, tree),
                        Binding::Enterprise(_) => {
                            enterprise_park.is_some_and(|p| self.within(p, tree))
                        }
                    }
            }
            _ => false,
        }
    }

    /// The whole audit log spans every node, so only administrators read it; the history
    /// of one enterprise is shown to whoever may read that enterprise.
    pub fn may_read_audit(&self) -> bool {
        self.role == Role::Administrator
    }

    /// Imports touch many enterprises and units at once; staff and administrators only.
    pub fn may_import(&self) -> bool {
        matches!(
            self.role,
            Role::Administrator | Role::ZoneStaff | Role::ParkStaff
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::{Hierarchy, Membership, Unit, UnitCode, UnitDraft, UnitKind};
    use time::macros::date;

    fn tree() -> Tree {
        let unit = |id: i64, kind| Unit {
            id: UnitId(id),
            details: UnitDraft {
                code: UnitCode::parse(&format!("U{id}")).unwrap(),
                name_zh: format!("U{id}"),
                name_en: None,
                kind,
                area_km2: None,
                population: None,
                leading_industries: vec![],
                spatial_role: None,
            },
        };
        let m = |c: i64, p: i64| Membership {
            child: UnitId(c),
            parent: UnitId(p),
            from: date!(2015 - 01 - 01),
            until: None,
        };
        // 1 zone; 2, 3 parks of zone 1; 9 another zone with park 10.
        Hierarchy::new(
            vec![
                unit(1, UnitKind::Zone),
                unit(2, UnitKind::Park),
                unit(3, UnitKind::Park),
                unit(9, UnitKind::Zone),
                unit(10, UnitKind::Park),
            ],
            vec![m(2, 1), m(3, 1), m(10, 9)],
        )
        .as_of(date!(2024 - 01 - 01))
    }

    fn who(role: Role, binding: Binding) -> Principal {
        Principal {
            user_id: 1,
            username: "u".into(),
            role,
            binding,
        }
    }

    #[test]
    fn park_staff_stay_in_their_park() {
        let t = tree();
        let p = who(Role::ParkStaff, Binding::Unit(UnitId(2)));
        assert!(p.may_read_unit(UnitId(2), &t));
        assert!(!p.may_read_unit(UnitId(3), &t));
        assert!(!p.may_read_unit(UnitId(1), &t));
        assert!(p.may_read_enterprise(EnterpriseId(5), Some(UnitId(2)), &t));
        assert!(!p.may_read_enterprise(EnterpriseId(6), Some(UnitId(3)), &t));
        assert!(p.may_write_enterprise(EnterpriseId(5), Some(UnitId(2)), &t));
        assert!(!p.may_write_unit(UnitId(2), &t));
        assert!(!p.may_manage_users());
    }

    #[test]
    fn filers_see_only_their_enterprise() {
        let t = tree();
        let f = who(Role::EnterpriseFiler, Binding::Enterprise(EnterpriseId(5)));
        assert!(f.may_read_enterprise(EnterpriseId(5), Some(UnitId(2)), &t));
        assert!(!f.may_read_enterprise(EnterpriseId(6), Some(UnitId(2)), &t));
        assert!(f.may_write_enterprise(EnterpriseId(5), Some(UnitId(2)), &t));
        assert!(!f.may_read_unit(UnitId(2), &t));
    }

    #[test]
    fn zone_staff_reach_their_zone_only() {
        let t = tree();
        let z = who(Role::ZoneStaff, Binding::Unit(UnitId(1)));
        assert!(z.may_write_unit(UnitId(3), &t));
        assert!(!z.may_read_unit(UnitId(10), &t));
        assert!(z.may_assign(Role::ParkStaff, Binding::Unit(UnitId(2)), None, &t));
        assert!(!z.may_assign(Role::ParkStaff, Binding::Unit(UnitId(10)), None, &t));
        assert!(!z.may_assign(Role::Administrator, Binding::Everything, None, &t));
        assert!(z.may_assign(
            Role::EnterpriseFiler,
            Binding::Enterprise(EnterpriseId(5)),
            Some(UnitId(3)),
            &t
        ));
    }

    #[test]
    fn readers_do_not_write_and_the_public_sees_no_enterprises() {
        let t = tree();
        let l = who(Role::Leadership, Binding::Unit(UnitId(1)));
        assert!(l.may_read_enterprise(EnterpriseId(5), Some(UnitId(2)), &t));
        assert!(!l.may_write_enterprise(EnterpriseId(5), Some(UnitId(2)), &t));
        let public = who(Role::Public, Binding::Everything);
        assert!(public.may_read_unit(UnitId(10), &t));
        assert!(!public.may_read_enterprise(EnterpriseId(5), Some(UnitId(2)), &t));
        assert!(!public.sees_enterprises());
    }

    #[test]
    fn bindings_match_roles() {
        assert_eq!(
            Binding::Everything.check_for(Role::EnterpriseFiler),
            Err(BindingError::FilerNeedsEnterprise)
        );
        assert_eq!(
            Binding::Everything.check_for(Role::ParkStaff),
            Err(BindingError::NeedsUnit {
                role: Role::ParkStaff
            })
        );
        assert!(Binding::Unit(UnitId(1)).check_for(Role::Leadership).is_ok());
        assert_eq!(
            Binding::Enterprise(EnterpriseId(1)).check_for(Role::ParkStaff),
            Err(BindingError::OnlyFilersBindToEnterprises)
        );
    }
}
