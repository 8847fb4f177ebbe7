use innozone_domain::accounts::{Binding, Role, Username};
use innozone_domain::registry::{Enterprise, EnterpriseId, SizeClass, Tier, UnitId};
use serde::Serialize;

#[derive(Debug, Clone, Default)]
pub struct EnterpriseQuery {
    /// Part of the name or of the credit code.
    pub text: Option<String>,
    /// Located today in one of these units; `None` means anywhere. The scope of the user
    /// is expressed here by the caller.
    pub units: Option<Vec<UnitId>>,
    /// Only these enterprises (an enterprise filer's own).
    pub only: Option<Vec<EnterpriseId>>,
    /// Industry code prefix: "27" for a division, "2710" for a class.
    pub industry_prefix: Option<String>,
    pub size_class: Option<SizeClass>,
    /// Holding a recognition of this tier valid today.
    pub tier: Option<Tier>,
    /// In (true) or out of (false) the statistical survey (入统).
    pub in_survey: Option<bool>,
    /// Today's date, for locations and recognitions (the store does not read the clock).
    pub today: Option<innozone_domain::Date>,
    pub offset: i64,
    pub limit: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EnterpriseList {
    pub items: Vec<Enterprise>,
    pub total: i64,
}

/// Key figures of the enterprises located directly in a unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct UnitFigures {
    pub enterprises: i64,
    pub above_scale: i64,
    pub high_tech: i64,
    pub industrial: i64,
}

impl std::ops::AddAssign for UnitFigures {
    fn add_assign(&mut self, o: UnitFigures) {
        self.enterprises += o.enterprises;
        self.above_scale += o.above_scale;
        self.high_tech += o.high_tech;
        self.industrial += o.industrial;
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct ImportSummary {
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub moved: u64,
}

#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: Username,
    pub display_name: String,
    pub role: Role,
    pub binding: Binding,
    pub password_hash: String,
    pub must_change_password: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UserRecord {
    pub id: i64,
    pub username: Username,
    pub display_name: String,
    pub role: Role,
    pub binding: Binding,
    #[serde(skip)]
    pub password_hash: String,
    pub active: bool,
    pub failed_logins: i64,
    /// Unix seconds until which log-in is refused.
    pub locked_until: Option<i64>,
    pub must_change_password: bool,
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct UserUpdate {
    pub display_name: String,
    pub role: Role,
    pub binding: Binding,
    pub active: bool,
}

/// A log-in session. Only the hash of the cookie's token is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    pub token_hash: String,
    pub user_id: i64,
    pub csrf_token: String,
    pub created_at: i64,
    pub expires_at: i64,
}
