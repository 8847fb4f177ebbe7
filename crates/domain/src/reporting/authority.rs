//! Who may do what to a filing. Filing is writing the enterprise's data; reviewing is
//! for the staff of the park (or above) where the enterprise is; closing and reopening
//! a period is for the zone.

use crate::accounts::{Binding, Principal, Role};
use crate::registry::hierarchy::Tree;
use crate::registry::{EnterpriseId, UnitId};

use super::lifecycle::FilingAction;

fn within(principal: &Principal, unit: UnitId, tree: &Tree) -> bool {
    match principal.binding {
        Binding::Everything => true,
        Binding::Unit(node) => tree.is_within(unit, node),
        Binding::Enterprise(_) => false,
    }
}

/// Whether `principal` may take `action` on the filing of `enterprise`, located in
/// `park` on the period's date.
pub fn may_act(
    principal: &Principal,
    action: FilingAction,
    enterprise: EnterpriseId,
    park: Option<UnitId>,
    tree: &Tree,
) -> bool {
    match action {
        FilingAction::SaveDraft | FilingAction::Submit => {
            principal.may_write_enterprise(enterprise, park, tree)
        }
        FilingAction::Approve | FilingAction::Return => match principal.role {
            Role::Administrator => true,
            Role::ZoneStaff | Role::ParkStaff => park.is_some_and(|p| within(principal, p, tree)),
            _ => false,
        },
        FilingAction::Lock | FilingAction::Reopen => match principal.role {
            Role::Administrator => true,
            Role::ZoneStaff => park.is_some_and(|p| within(principal, p, tree)),
            _ => false,
        },
    }
}

/// Whether `principal` may close (or see the closing of) the period for `unit`.
pub fn may_close_period(principal: &Principal, unit: UnitId, tree: &Tree) -> bool {
    match principal.role {
        Role::Administrator => true,
        Role::ZoneStaff => within(principal, unit, tree),
        _ => false,
    }
}

/// Whether `principal` may load a new version of a form definition.
pub fn may_define_forms(principal: &Principal) -> bool {
    matches!(principal.role, Role::Administrator | Role::ZoneStaff)
}
