//! What the tables hold, and how it becomes the domain's types again. Shared by both
//! backends: the row types decode from any sqlx database whose types fit.

use std::time::{SystemTime, UNIX_EPOCH};

use innozone_domain::Date;
use innozone_domain::accounts::{Binding, Role, Username};
use innozone_domain::registry::import::StoredEnterprise;
use innozone_domain::registry::{
    CreditCode, Enterprise, EnterpriseDraft, EnterpriseId, HighTechField, IndustryCode, Location,
    Membership, Recognition, RegistrationType, SizeClass, SpatialRole, Tier, Unit, UnitCode,
    UnitDraft, UnitId, UnitKind,
};
use innozone_store::{AuditEntry, SessionRecord, StoreError, StoreResult, UserRecord};
use sqlx::{Database, QueryBuilder};
use time::{Month, OffsetDateTime, UtcOffset};

pub(crate) fn corrupt(what: &str, value: &str) -> StoreError {
    StoreError::Corrupt(format!("{what} '{value}' is not valid"))
}

/// Dates are stored as `YYYY-MM-DD` so that string comparison in SQL is date order.
pub(crate) fn date_text(date: Date) -> String {
    format!(
        "{:04}-{:02}-{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    )
}

pub(crate) fn parse_date(text: &str) -> StoreResult<Date> {
    let mut parts = text.splitn(3, '-');
    let mut next = || parts.next().and_then(|p| p.parse::<i32>().ok());
    let (Some(y), Some(m), Some(d)) = (next(), next(), next()) else {
        return Err(corrupt("the date", text));
    };
    let month = u8::try_from(m)
        .ok()
        .and_then(|m| Month::try_from(m).ok())
        .ok_or_else(|| corrupt("the date", text))?;
    let day = u8::try_from(d).map_err(|_| corrupt("the date", text))?;
    Date::from_calendar_date(y, month, day).map_err(|_| corrupt("the date", text))
}

fn parse_opt_date(text: Option<&str>) -> StoreResult<Option<Date>> {
    text.map(parse_date).transpose()
}

/// Unix seconds, for audit entries and account timestamps.
pub(crate) fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// Today in China (UTC+8), for the reads whose signature carries no date: an enterprise's
/// current tiers. Everything that takes a date uses the caller's.
pub(crate) fn today() -> Date {
    let china = UtcOffset::from_hms(8, 0, 0).expect("a valid offset");
    OffsetDateTime::now_utc().to_offset(china).date()
}

/// Reads an enum back from its `code()`.
fn from_code<T: Copy>(
    all: &[T],
    code: fn(T) -> &'static str,
    what: &str,
    text: &str,
) -> StoreResult<T> {
    all.iter()
        .copied()
        .find(|v| code(*v) == text)
        .ok_or_else(|| corrupt(what, text))
}

pub(crate) fn tier_from_code(text: &str) -> StoreResult<Tier> {
    from_code(&Tier::ALL, Tier::code, "the tier", text)
}

pub(crate) fn size_class_from_code(text: &str) -> StoreResult<SizeClass> {
    from_code(&SizeClass::ALL, SizeClass::code, "the size class", text)
}

/// `LIKE` patterns match `%` and `_` literally only when escaped; queries use `ESCAPE '\'`.
pub(crate) fn like_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\\' | '%' | '_') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Starts the next condition of a WHERE clause.
pub(crate) fn push_condition<DB: Database>(qb: &mut QueryBuilder<DB>, started: &mut bool) {
    qb.push(if *started { " AND " } else { " WHERE " });
    *started = true;
}

#[derive(sqlx::FromRow)]
pub(crate) struct UnitRow {
    pub id: i64,
    pub code: String,
    pub name_zh: String,
    pub name_en: Option<String>,
    pub kind: String,
    pub area_km2: Option<f64>,
    pub population: Option<i64>,
    pub leading_industries: String,
    pub spatial_role: Option<String>,
}

macro_rules! unit_columns {
    () => {
        "id, code, name_zh, name_en, kind, area_km2, population, leading_industries, spatial_role"
    };
}
pub(crate) use unit_columns;

impl UnitRow {
    pub fn into_unit(self) -> StoreResult<Unit> {
        let code = UnitCode::parse(&self.code).map_err(|_| corrupt("the unit code", &self.code))?;
        let kind = from_code(&UnitKind::ALL, UnitKind::code, "the unit kind", &self.kind)?;
        let spatial_role = self
            .spatial_role
            .as_deref()
            .map(|r| from_code(&SpatialRole::ALL, SpatialRole::code, "the spatial role", r))
            .transpose()?;
        let leading_industries: Vec<String> = serde_json::from_str(&self.leading_industries)
            .map_err(|_| corrupt("the list of leading industries", &self.leading_industries))?;
        Ok(Unit {
            id: UnitId(self.id),
            details: UnitDraft {
                code,
                name_zh: self.name_zh,
                name_en: self.name_en,
                kind,
                area_km2: self.area_km2,
                population: self.population,
                leading_industries,
                spatial_role,
            },
        })
    }
}

pub(crate) fn industries_json(list: &[String]) -> String {
    serde_json::to_string(list).expect("a list of strings serialises")
}

#[derive(sqlx::FromRow)]
pub(crate) struct MembershipRow {
    pub id: i64,
    pub child_id: i64,
    pub parent_id: i64,
    pub from_date: String,
    pub until_date: Option<String>,
}

impl MembershipRow {
    pub fn to_membership(&self) -> StoreResult<Membership> {
        Ok(Membership {
            child: UnitId(self.child_id),
            parent: UnitId(self.parent_id),
            from: parse_date(&self.from_date)?,
            until: parse_opt_date(self.until_date.as_deref())?,
        })
    }
}

/// An enterprise with its location (the open one, or the one valid on a date, depending
/// on the query).
#[derive(sqlx::FromRow)]
pub(crate) struct EnterpriseRow {
    pub id: i64,
    pub credit_code: String,
    pub name: String,
    pub industry_code: String,
    pub high_tech_field: Option<String>,
    pub size_class: String,
    pub registration_type: String,
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
    pub in_survey: bool,
    pub park_id: Option<i64>,
    pub located_from: Option<String>,
    pub located_until: Option<String>,
}

/// The columns [`EnterpriseRow`] reads, from `enterprises e` joined with
/// `enterprise_locations l`.
macro_rules! enterprise_columns {
    () => {
        "e.id, e.credit_code, e.name, e.industry_code, e.high_tech_field, e.size_class, \
         e.registration_type, e.contact_name, e.contact_phone, e.in_survey, l.park_id, \
         l.from_date AS located_from, l.until_date AS located_until"
    };
}
pub(crate) use enterprise_columns;

/// Enterprises with their open location, ready for a WHERE clause.
macro_rules! enterprise_from {
    () => {
        concat!(
            "SELECT ",
            crate::model::enterprise_columns!(),
            " FROM enterprises e LEFT JOIN enterprise_locations l ON l.enterprise_id = e.id AND l.until_date IS NULL"
        )
    };
}
pub(crate) use enterprise_from;

impl EnterpriseRow {
    pub fn draft(&self) -> StoreResult<EnterpriseDraft> {
        Ok(EnterpriseDraft {
            credit_code: CreditCode::parse(&self.credit_code)
                .map_err(|_| corrupt("the credit code", &self.credit_code))?,
            name: self.name.clone(),
            industry: IndustryCode::parse(&self.industry_code)
                .map_err(|_| corrupt("the industry code", &self.industry_code))?,
            high_tech_field: self
                .high_tech_field
                .as_deref()
                .map(|f| {
                    from_code(
                        &HighTechField::ALL,
                        HighTechField::code,
                        "the high-tech field",
                        f,
                    )
                })
                .transpose()?,
            size_class: size_class_from_code(&self.size_class)?,
            registration_type: from_code(
                &RegistrationType::ALL,
                RegistrationType::code,
                "the registration type",
                &self.registration_type,
            )?,
            contact_name: self.contact_name.clone(),
            contact_phone: self.contact_phone.clone(),
            in_survey: self.in_survey,
        })
    }

    pub fn location(&self) -> StoreResult<Option<Location>> {
        match (self.park_id, &self.located_from) {
            (Some(park), Some(from)) => Ok(Some(Location {
                enterprise: EnterpriseId(self.id),
                park: UnitId(park),
                from: parse_date(from)?,
                until: parse_opt_date(self.located_until.as_deref())?,
            })),
            _ => Ok(None),
        }
    }

    pub fn into_enterprise(self, mut tiers: Vec<Tier>) -> StoreResult<Enterprise> {
        tiers.sort();
        tiers.dedup();
        Ok(Enterprise {
            id: EnterpriseId(self.id),
            details: self.draft()?,
            park: self.park_id.map(UnitId),
            park_since: self
                .park_id
                .and(parse_opt_date(self.located_from.as_deref())?),
            tiers,
        })
    }

    pub fn into_stored(self) -> StoreResult<StoredEnterprise> {
        Ok(StoredEnterprise {
            id: EnterpriseId(self.id),
            draft: self.draft()?,
            location: self.location()?,
        })
    }
}

/// What the audit trail keeps of an enterprise: its details, its id and its park.
pub(crate) fn enterprise_json(
    id: i64,
    draft: &EnterpriseDraft,
    park: Option<UnitId>,
) -> serde_json::Value {
    let mut value = serde_json::to_value(draft).expect("an enterprise serialises");
    if let serde_json::Value::Object(map) = &mut value {
        map.insert("id".into(), id.into());
        map.insert("park".into(), park.map(|p| p.0).into());
    }
    value
}

pub(crate) fn to_json<T: serde::Serialize>(value: &T) -> serde_json::Value {
    serde_json::to_value(value).expect("domain records serialise")
}

#[derive(sqlx::FromRow)]
pub(crate) struct LocationRow {
    pub enterprise_id: i64,
    pub park_id: i64,
    pub from_date: String,
    pub until_date: Option<String>,
}

impl LocationRow {
    pub fn to_location(&self) -> StoreResult<Location> {
        Ok(Location {
            enterprise: EnterpriseId(self.enterprise_id),
            park: UnitId(self.park_id),
            from: parse_date(&self.from_date)?,
            until: parse_opt_date(self.until_date.as_deref())?,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct RecognitionRow {
    pub tier: String,
    pub certificate_no: String,
    pub issued_on: String,
    pub expires_on: Option<String>,
}

impl RecognitionRow {
    pub fn into_recognition(self) -> StoreResult<Recognition> {
        Ok(Recognition {
            tier: tier_from_code(&self.tier)?,
            certificate_no: self.certificate_no,
            issued_on: parse_date(&self.issued_on)?,
            expires_on: parse_opt_date(self.expires_on.as_deref())?,
        })
    }
}

/// The three binding columns of a user.
pub(crate) fn binding_columns(binding: Binding) -> (&'static str, Option<i64>, Option<i64>) {
    match binding {
        Binding::Everything => ("everything", None, None),
        Binding::Unit(u) => ("unit", Some(u.0), None),
        Binding::Enterprise(e) => ("enterprise", None, Some(e.0)),
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct UserRow {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub binding_kind: String,
    pub binding_unit_id: Option<i64>,
    pub binding_enterprise_id: Option<i64>,
    pub password_hash: String,
    pub active: bool,
    pub failed_logins: i64,
    pub locked_until: Option<i64>,
    pub must_change_password: bool,
    pub created_at: i64,
}

macro_rules! user_columns {
    () => {
        "id, username, display_name, role, binding_kind, binding_unit_id, binding_enterprise_id, \
         password_hash, active, failed_logins, locked_until, must_change_password, created_at"
    };
}
pub(crate) use user_columns;

impl UserRow {
    pub fn into_user(self) -> StoreResult<UserRecord> {
        let binding = match (
            self.binding_kind.as_str(),
            self.binding_unit_id,
            self.binding_enterprise_id,
        ) {
            ("everything", _, _) => Binding::Everything,
            ("unit", Some(u), _) => Binding::Unit(UnitId(u)),
            ("enterprise", _, Some(e)) => Binding::Enterprise(EnterpriseId(e)),
            (kind, _, _) => return Err(corrupt("the binding", kind)),
        };
        Ok(UserRecord {
            id: self.id,
            username: Username::parse(&self.username)
                .map_err(|_| corrupt("the user name", &self.username))?,
            display_name: self.display_name,
            role: Role::parse(&self.role).ok_or_else(|| corrupt("the role", &self.role))?,
            binding,
            password_hash: self.password_hash,
            active: self.active,
            failed_logins: self.failed_logins,
            locked_until: self.locked_until,
            must_change_password: self.must_change_password,
            created_at: self.created_at,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct SessionRow {
    pub token_hash: String,
    pub user_id: i64,
    pub csrf_token: String,
    pub created_at: i64,
    pub expires_at: i64,
}

impl SessionRow {
    pub fn into_session(self) -> SessionRecord {
        SessionRecord {
            token_hash: self.token_hash,
            user_id: self.user_id,
            csrf_token: self.csrf_token,
            created_at: self.created_at,
            expires_at: self.expires_at,
        }
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct AuditRow {
    pub id: i64,
    pub at: i64,
    pub actor_id: Option<i64>,
    pub actor_name: String,
    pub action: String,
    pub entity: String,
    pub entity_key: String,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
}

impl AuditRow {
    pub fn into_entry(self) -> StoreResult<AuditEntry> {
        let parse = |text: Option<String>| -> StoreResult<Option<serde_json::Value>> {
            text.map(|t| serde_json::from_str(&t).map_err(|_| corrupt("the audit record", &t)))
                .transpose()
        };
        Ok(AuditEntry {
            id: self.id,
            at: self.at,
            actor_id: self.actor_id,
            actor_name: self.actor_name,
            action: self.action,
            entity: self.entity,
            entity_key: self.entity_key,
            before: parse(self.before_json)?,
            after: parse(self.after_json)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn dates_round_trip_as_sortable_text() {
        assert_eq!(date_text(date!(2024 - 03 - 05)), "2024-03-05");
        assert_eq!(parse_date("2024-03-05").unwrap(), date!(2024 - 03 - 05));
        assert!(parse_date("2024-13-05").is_err());
        assert!(parse_date("yesterday").is_err());
        assert!(date_text(date!(2019 - 12 - 31)) < date_text(date!(2020 - 01 - 01)));
    }

    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(like_escape("50%_a\\b"), "50\\%\\_a\\\\b");
        assert_eq!(like_escape("兰州"), "兰州");
    }
}
