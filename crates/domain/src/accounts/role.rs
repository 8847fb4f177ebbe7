use serde::{Deserialize, Serialize};

/// The roles of the platform (DOMAIN.md, "Who uses it").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Administrator,
    ZoneStaff,
    ParkStaff,
    EnterpriseFiler,
    Leadership,
    Evaluator,
    Public,
}

impl Role {
    pub const ALL: [Role; 7] = [
        Role::Administrator,
        Role::ZoneStaff,
        Role::ParkStaff,
        Role::EnterpriseFiler,
        Role::Leadership,
        Role::Evaluator,
        Role::Public,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Role::Administrator => "administrator",
            Role::ZoneStaff => "zone_staff",
            Role::ParkStaff => "park_staff",
            Role::EnterpriseFiler => "enterprise_filer",
            Role::Leadership => "leadership",
            Role::Evaluator => "evaluator",
            Role::Public => "public",
        }
    }

    pub fn parse(input: &str) -> Option<Role> {
        let s = input.trim();
        Role::ALL
            .into_iter()
            .find(|r| r.code().eq_ignore_ascii_case(s))
    }

    /// Whether the role is bound to an enterprise rather than to a unit.
    pub fn binds_to_enterprise(self) -> bool {
        self == Role::EnterpriseFiler
    }

    /// Roles that only read.
    pub fn is_read_only(self) -> bool {
        matches!(self, Role::Leadership | Role::Evaluator | Role::Public)
    }
}
