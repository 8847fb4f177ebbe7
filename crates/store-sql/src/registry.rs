//! `RegistryStore`: units and their dated hierarchy, enterprises and their dated
//! locations, imports and whole data sets, written once and expanded for each database
//! like the other areas; the rows it reads live here, outside the template.

use innozone_domain::registry::import::StoredEnterprise;
use innozone_domain::registry::{
    CreditCode, Enterprise, EnterpriseDraft, EnterpriseId, HighTechField, IndustryCode, Location,
    Membership, RegistrationType, SpatialRole, Tier, Unit, UnitCode, UnitDraft, UnitId, UnitKind,
};
use innozone_store::StoreResult;

use crate::model::{corrupt, from_code, parse_date, parse_opt_date, size_class_from_code};

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
            crate::registry::enterprise_columns!(),
            " FROM enterprises e LEFT JOIN enterprise_locations l ON l.enterprise_id = e.id AND l.until_date IS NULL"
        )
    };
}

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

macro_rules! sql_registry {
    (
        store: $store:ident,
        db: $db:ty,
        max_binds: $max_binds:expr,
        analyze_after_load: $analyze:expr $(,)?
    ) => {
        mod registry_impl {
            use std::collections::{HashMap, HashSet};

            use async_trait::async_trait;
            use innozone_domain::Date;
            use innozone_domain::registry::import::{EnterpriseImportPlan, StoredEnterprise, UnitImportPlan};
            use innozone_domain::registry::{
                CreditCode, Dataset, Enterprise, EnterpriseDraft, EnterpriseId, Hierarchy, Location, Membership,
                Recognition, SizeClass, Tier, Unit, UnitDraft, UnitId,
            };
            use innozone_store::{
                Actor, CachedArea, EnterpriseList, EnterpriseQuery, ImportSummary, Progress, RegistryStore, StoreError,
                StoreResult, UnitFigures,
            };
            use sqlx::QueryBuilder;

            use super::$store;
            use super::audit_impl::{Change, audit};
            use super::versions_impl::raise;
            use crate::error::{db_error, keyed};
            use crate::model::{date_text, like_escape, push_condition, tier_from_code, to_json};
            use crate::registry::{
                EnterpriseRow, LocationRow, MembershipRow, UnitRow, enterprise_json, industries_json,
            };

            type Conn = <$db as sqlx::Database>::Connection;
            type Tx = sqlx::Transaction<'static, $db>;

            /// Bulk statements stay below the database's limit of bind parameters, and below a
            /// few thousand rows so that one statement's text and arguments stay small.
            fn rows_per_statement(columns: usize) -> usize {
                ($max_binds / columns).min(4000)
            }

            /// Lists bound into `IN (…)` are cut into pieces of this size.
            const IN_LIST_CHUNK: usize = 1000;

            async fn unit_by_code(conn: &mut Conn, code: &str) -> StoreResult<Option<Unit>> {
                let row: Option<UnitRow> =
                    sqlx::query_as(concat!("SELECT ", unit_columns!(), " FROM units WHERE code = $1"))
                        .bind(code)
                        .fetch_optional(&mut *conn)
                        .await
                        .map_err(db_error)?;
                row.map(UnitRow::into_unit).transpose()
            }

            /// The id of a unit by code: created earlier in the same plan, or stored before.
            async fn unit_id(conn: &mut Conn, known: &HashMap<String, i64>, code: &str) -> StoreResult<i64> {
                if let Some(id) = known.get(code) {
                    return Ok(*id);
                }
                let id: Option<i64> = sqlx::query_scalar("SELECT id FROM units WHERE code = $1")
                    .bind(code)
                    .fetch_optional(&mut *conn)
                    .await
                    .map_err(db_error)?;
                id.ok_or_else(|| StoreError::NotFound { entity: "unit", key: code.to_string() })
            }

            async fn enterprise_row_by_code(conn: &mut Conn, code: &str) -> StoreResult<Option<EnterpriseRow>> {
                sqlx::query_as(concat!(enterprise_from!(), " WHERE e.credit_code = $1"))
                .bind(code)
                .fetch_optional(&mut *conn)
                .await
                .map_err(db_error)
            }

            fn bind_unit<'a>(
                query: sqlx::query::Query<'a, $db, <$db as sqlx::Database>::Arguments>,
                u: &UnitDraft,
            ) -> sqlx::query::Query<'a, $db, <$db as sqlx::Database>::Arguments> {
                query
                    .bind(u.code.as_str().to_string())
                    .bind(u.name_zh.clone())
                    .bind(u.name_en.clone())
                    .bind(u.kind.code())
                    .bind(u.area_km2)
                    .bind(u.population)
                    .bind(industries_json(&u.leading_industries))
                    .bind(u.spatial_role.map(|r| r.code()))
            }

            fn bind_enterprise<'a>(
                query: sqlx::query::Query<'a, $db, <$db as sqlx::Database>::Arguments>,
                e: &EnterpriseDraft,
            ) -> sqlx::query::Query<'a, $db, <$db as sqlx::Database>::Arguments> {
                query
                    .bind(e.credit_code.as_str().to_string())
                    .bind(e.name.clone())
                    .bind(e.industry.as_str().to_string())
                    .bind(e.high_tech_field.map(|f| f.code()))
                    .bind(e.size_class.code())
                    .bind(e.registration_type.code())
                    .bind(e.contact_name.clone())
                    .bind(e.contact_phone.clone())
                    .bind(e.in_survey)
            }

            /// The tiers each enterprise holds on `date`.
            async fn tiers_on<'e, E>(executor: E, ids: &[i64], date: Date) -> StoreResult<HashMap<i64, Vec<Tier>>>
            where
                E: sqlx::Executor<'e, Database = $db> + Copy,
            {
                let day = date_text(date);
                let mut out: HashMap<i64, Vec<Tier>> = HashMap::new();
                for chunk in ids.chunks(IN_LIST_CHUNK) {
                    let mut qb = QueryBuilder::<$db>::new("SELECT enterprise_id, tier FROM recognitions WHERE issued_on <= ");
                    qb.push_bind(day.clone())
                        .push(" AND (expires_on IS NULL OR expires_on > ")
                        .push_bind(day.clone())
                        .push(") AND enterprise_id IN (");
                    let mut list = qb.separated(", ");
                    for id in chunk {
                        list.push_bind(*id);
                    }
                    list.push_unseparated(")");
                    let rows: Vec<(i64, String)> = qb.build_query_as().fetch_all(executor).await.map_err(db_error)?;
                    for (id, tier) in rows {
                        out.entry(id).or_default().push(tier_from_code(&tier)?);
                    }
                }
                Ok(out)
            }

            /// Which location of an enterprise counts: the open one, or the one valid on
            /// `date` when the query gives a date.
            fn push_location_condition(qb: &mut QueryBuilder<$db>, date: Option<&str>) {
                match date {
                    None => {
                        qb.push("l.until_date IS NULL");
                    }
                    Some(d) => {
                        qb.push("l.from_date <= ")
                            .push_bind(d.to_string())
                            .push(" AND (l.until_date IS NULL OR l.until_date > ")
                            .push_bind(d.to_string())
                            .push(")");
                    }
                }
            }

            fn push_location_join(qb: &mut QueryBuilder<$db>, join: &str, date: Option<&str>) {
                qb.push(" ").push(join).push(" enterprise_locations l ON l.enterprise_id = e.id AND ");
                push_location_condition(qb, date);
            }

            /// Past this many units, a page of enterprises is read in name order with each
            /// one's location checked, rather than every enterprise of the units gathered and
            /// sorted: with a large part of the registry in scope, SQLite would otherwise sort
            /// a quarter of a million rows to show fifty. Figures are counted in one pass.
            const MANY_UNITS: usize = 100;

            fn push_units_in(qb: &mut QueryBuilder<$db>, column: &str, units: &[UnitId]) {
                qb.push(column).push(" IN (");
                let mut list = qb.separated(", ");
                for u in units {
                    list.push_bind(u.0);
                }
                list.push_unseparated(")");
            }

            /// The conditions of a search; `started` tells whether the WHERE clause is open.
            fn push_search_filters(qb: &mut QueryBuilder<$db>, q: &EnterpriseQuery, tier_date: &str, mut started: bool) {
                if let Some(units) = &q.units {
                    push_condition(qb, &mut started);
                    push_units_in(qb, "l.park_id", units);
                }
                if let Some(only) = &q.only {
                    push_condition(qb, &mut started);
                    qb.push("e.id IN (");
                    let mut list = qb.separated(", ");
                    for e in only {
                        list.push_bind(e.0);
                    }
                    list.push_unseparated(")");
                }
                if let Some(text) = q.text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
                    // SQL LOWER folds ASCII only (SQLite always, PostgreSQL under the "C"
                    // collation of the name), so the pattern is folded the same way.
                    let pattern = like_escape(text);
                    push_condition(qb, &mut started);
                    qb.push("(LOWER(e.name) LIKE ")
                        .push_bind(format!("%{}%", pattern.to_ascii_lowercase()))
                        .push(" ESCAPE '\\' OR e.credit_code LIKE ")
                        .push_bind(format!("%{}%", pattern.to_ascii_uppercase()))
                        .push(" ESCAPE '\\')");
                }
                if let Some(prefix) = q.industry_prefix.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
                    push_condition(qb, &mut started);
                    qb.push("e.industry_code LIKE ").push_bind(format!("{}%", like_escape(prefix))).push(" ESCAPE '\\'");
                }
                if let Some(size) = q.size_class {
                    push_condition(qb, &mut started);
                    qb.push("e.size_class = ").push_bind(size.code());
                }
                if let Some(in_survey) = q.in_survey {
                    push_condition(qb, &mut started);
                    qb.push("e.in_survey = ").push_bind(in_survey);
                }
                if let Some(tier) = q.tier {
                    push_condition(qb, &mut started);
                    // A semi-join on the set of holders, not a probe per enterprise: counting
                    // the high-tech enterprises of the nation reads the tier's index once.
                    qb.push("e.id IN (SELECT r.enterprise_id FROM recognitions r WHERE r.tier = ")
                        .push_bind(tier.code())
                        .push(" AND r.issued_on <= ")
                        .push_bind(tier_date.to_string())
                        .push(" AND (r.expires_on IS NULL OR r.expires_on > ")
                        .push_bind(tier_date.to_string())
                        .push("))");
                }
            }

            /// The first and last two-digit division of industry (sections B, C and D), from the
            /// domain's own rule so that the two cannot drift apart.
            fn industrial_divisions() -> (String, String) {
                let industrial: Vec<u8> = (1..=97u8)
                    .filter(|d| {
                        innozone_domain::registry::IndustryCode::parse(&format!("{d:02}00"))
                            .is_ok_and(|c| c.is_industrial())
                    })
                    .collect();
                let first = industrial.first().copied().unwrap_or(0);
                let last = industrial.last().copied().unwrap_or(0);
                debug_assert_eq!(industrial.len(), usize::from(last - first) + 1, "industry is one range of divisions");
                (format!("{first:02}"), format!("{last:02}"))
            }

            /// Refuses a data set that cannot load whole, before anything is written, with the
            /// offending key.
            fn check_dataset(dataset: &Dataset) -> StoreResult<()> {
                let mut units = HashSet::new();
                for u in &dataset.units {
                    if !units.insert(u.code.as_str()) {
                        return Err(StoreError::Duplicate { entity: "unit", key: u.code.to_string() });
                    }
                }
                let known = |code: &innozone_domain::registry::UnitCode| {
                    if units.contains(code.as_str()) {
                        Ok(())
                    } else {
                        Err(StoreError::NotFound { entity: "unit", key: code.to_string() })
                    }
                };
                for m in &dataset.memberships {
                    known(&m.child)?;
                    known(&m.parent)?;
                }
                let mut codes = HashSet::new();
                let mut certificates = HashSet::new();
                for e in &dataset.enterprises {
                    if !codes.insert(e.draft.credit_code.as_str()) {
                        return Err(StoreError::Duplicate { entity: "enterprise", key: e.draft.credit_code.to_string() });
                    }
                    for l in &e.locations {
                        known(&l.park)?;
                    }
                    for r in &e.recognitions {
                        if !certificates.insert((r.tier, r.certificate_no.as_str())) {
                            return Err(StoreError::Duplicate { entity: "recognition", key: r.certificate_no.clone() });
                        }
                    }
                }
                Ok(())
            }

            /// Inserts locations or recognitions of loaded enterprises, in statements below
            /// the bind limit.
            async fn insert_locations(tx: &mut Tx, rows: &[(i64, i64, String, Option<String>)]) -> StoreResult<()> {
                for chunk in rows.chunks(rows_per_statement(4)) {
                    let mut qb = QueryBuilder::<$db>::new(
                        "INSERT INTO enterprise_locations (enterprise_id, park_id, from_date, until_date) ",
                    );
                    qb.push_values(chunk, |mut b, (enterprise, park, from, until)| {
                        b.push_bind(*enterprise).push_bind(*park).push_bind(from.clone()).push_bind(until.clone());
                    });
                    qb.build().execute(&mut **tx).await.map_err(db_error)?;
                }
                Ok(())
            }

            /// A loaded data set's recognitions have the source `example`.
            async fn insert_recognitions(tx: &mut Tx, rows: &[(i64, &Recognition)], at: i64, actor: &Actor) -> StoreResult<()> {
                for chunk in rows.chunks(rows_per_statement(8)) {
                    let mut qb = QueryBuilder::<$db>::new(
                        "INSERT INTO recognitions (enterprise_id, tier, certificate_no, issued_on, expires_on, source, \
                         recorded_at, recorded_by) ",
                    );
                    qb.push_values(chunk, |mut b, (enterprise, r)| {
                        b.push_bind(*enterprise)
                            .push_bind(r.tier.code())
                            .push_bind(r.certificate_no.clone())
                            .push_bind(date_text(r.issued_on))
                            .push_bind(r.expires_on.map(date_text))
                            .push_bind("example")
                            .push_bind(at)
                            .push_bind(actor.name.clone());
                    });
                    qb.build().execute(&mut **tx).await.map_err(db_error)?;
                }
                Ok(())
            }


            #[async_trait]
            impl RegistryStore for $store {
                async fn is_empty(&self) -> StoreResult<bool> {
                    let any: Option<i64> = sqlx::query_scalar("SELECT id FROM units LIMIT 1")
                        .fetch_optional(&self.pool)
                        .await
                        .map_err(db_error)?;
                    Ok(any.is_none())
                }

                async fn hierarchy(&self) -> StoreResult<Hierarchy> {
                    let units: Vec<UnitRow> = sqlx::query_as(concat!("SELECT ", unit_columns!(), " FROM units ORDER BY id"))
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db_error)?;
                    let memberships: Vec<MembershipRow> = sqlx::query_as(
                        "SELECT id, child_id, parent_id, from_date, until_date FROM unit_memberships \
                         ORDER BY child_id, from_date, id",
                    )
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db_error)?;
                    let units = units.into_iter().map(UnitRow::into_unit).collect::<StoreResult<Vec<_>>>()?;
                    let memberships =
                        memberships.iter().map(MembershipRow::to_membership).collect::<StoreResult<Vec<_>>>()?;
                    Ok(Hierarchy::new(units, memberships))
                }

                async fn enterprise(&self, id: EnterpriseId, on: Date) -> StoreResult<Option<Enterprise>> {
                    let row: Option<EnterpriseRow> = sqlx::query_as(concat!(enterprise_from!(), " WHERE e.id = $1"))
                    .bind(id.0)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(db_error)?;
                    let Some(row) = row else { return Ok(None) };
                    let mut tiers = tiers_on(&self.pool, &[row.id], on).await?;
                    let tiers = tiers.remove(&row.id).unwrap_or_default();
                    row.into_enterprise(tiers).map(Some)
                }

                async fn enterprise_by_code(&self, code: &CreditCode, on: Date) -> StoreResult<Option<Enterprise>> {
                    // The connection goes back to the pool before the tiers are read.
                    let row = {
                        let mut conn = self.pool.acquire().await.map_err(db_error)?;
                        enterprise_row_by_code(&mut conn, code.as_str()).await?
                    };
                    let Some(row) = row else { return Ok(None) };
                    let mut tiers = tiers_on(&self.pool, &[row.id], on).await?;
                    let tiers = tiers.remove(&row.id).unwrap_or_default();
                    row.into_enterprise(tiers).map(Some)
                }

                async fn stored_enterprises(
                    &self,
                    codes: &[CreditCode],
                ) -> StoreResult<HashMap<CreditCode, StoredEnterprise>> {
                    let mut out = HashMap::new();
                    for chunk in codes.chunks(IN_LIST_CHUNK) {
                        let mut qb = QueryBuilder::<$db>::new(enterprise_from!());
                        qb.push(" WHERE e.credit_code IN (");
                        let mut list = qb.separated(", ");
                        for code in chunk {
                            list.push_bind(code.as_str().to_string());
                        }
                        list.push_unseparated(")");
                        let rows: Vec<EnterpriseRow> = qb.build_query_as().fetch_all(&self.pool).await.map_err(db_error)?;
                        for row in rows {
                            let stored = row.into_stored()?;
                            out.insert(stored.draft.credit_code.clone(), stored);
                        }
                    }
                    Ok(out)
                }

                async fn enterprise_locations(&self, id: EnterpriseId) -> StoreResult<Vec<Location>> {
                    let rows: Vec<LocationRow> = sqlx::query_as(
                        "SELECT enterprise_id, park_id, from_date, until_date FROM enterprise_locations \
                         WHERE enterprise_id = $1 ORDER BY from_date, id",
                    )
                    .bind(id.0)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db_error)?;
                    rows.iter().map(LocationRow::to_location).collect()
                }

                async fn search_enterprises(&self, query: &EnterpriseQuery) -> StoreResult<EnterpriseList> {
                    let nothing = EnterpriseList { items: Vec::new(), total: 0 };
                    if query.units.as_ref().is_some_and(Vec::is_empty) || query.only.as_ref().is_some_and(Vec::is_empty) {
                        return Ok(nothing);
                    }
                    // Without a day no tier is held (the store does not read the clock).
                    if query.tier.is_some() && query.today.is_none() {
                        return Ok(nothing);
                    }
                    let location_day = query.today.map(date_text);
                    let tier_day = location_day.clone().unwrap_or_default();

                    // Counting by park alone reads only the covering location index.
                    let by_location_only = query.only.is_none()
                        && query.text.as_deref().is_none_or(|t| t.trim().is_empty())
                        && query.industry_prefix.as_deref().is_none_or(|p| p.trim().is_empty())
                        && query.size_class.is_none()
                        && query.in_survey.is_none()
                        && query.tier.is_none();
                    let total: i64 = match &query.units {
                        Some(units) if by_location_only => {
                            let mut count = QueryBuilder::<$db>::new("SELECT COUNT(*) FROM enterprise_locations l WHERE ");
                            push_location_condition(&mut count, location_day.as_deref());
                            count.push(" AND ");
                            push_units_in(&mut count, "l.park_id", units);
                            count.build_query_scalar().fetch_one(&self.pool).await.map_err(db_error)?
                        }
                        _ => {
                            let mut count = QueryBuilder::<$db>::new("SELECT COUNT(*) FROM enterprises e");
                            if query.units.is_some() {
                                push_location_join(&mut count, "JOIN", location_day.as_deref());
                            }
                            push_search_filters(&mut count, query, &tier_day, false);
                            count.build_query_scalar().fetch_one(&self.pool).await.map_err(db_error)?
                        }
                    };
                    let offset = query.offset.max(0);
                    if total == 0 || query.limit <= 0 || offset >= total {
                        return Ok(EnterpriseList { items: Vec::new(), total });
                    }

                    let mut page = QueryBuilder::<$db>::new(concat!("SELECT ", enterprise_columns!(), " FROM enterprises e"));
                    match &query.units {
                        Some(units) if units.len() > MANY_UNITS => {
                            // SQLite keeps the left table of a CROSS JOIN as the outer loop, so
                            // enterprises are read in name order (whatever its statistics say);
                            // PostgreSQL plans it as the inner join it is.
                            page.push(" CROSS JOIN enterprise_locations l WHERE l.enterprise_id = e.id AND ");
                            push_location_condition(&mut page, location_day.as_deref());
                            push_search_filters(&mut page, query, &tier_day, true);
                        }
                        units => {
                            let join = if units.is_some() { "JOIN" } else { "LEFT JOIN" };
                            push_location_join(&mut page, join, location_day.as_deref());
                            push_search_filters(&mut page, query, &tier_day, false);
                        }
                    }
                    page.push(" ORDER BY e.name, e.id LIMIT ").push_bind(query.limit).push(" OFFSET ").push_bind(offset);
                    let rows: Vec<EnterpriseRow> = page.build_query_as().fetch_all(&self.pool).await.map_err(db_error)?;

                    let mut tiers = match query.today {
                        Some(day) => {
                            let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
                            tiers_on(&self.pool, &ids, day).await?
                        }
                        None => HashMap::new(),
                    };
                    let items = rows
                        .into_iter()
                        .map(|r| {
                            let t = tiers.remove(&r.id).unwrap_or_default();
                            r.into_enterprise(t)
                        })
                        .collect::<StoreResult<Vec<_>>>()?;
                    Ok(EnterpriseList { items, total })
                }

                async fn unit_figures(&self, units: &[UnitId], date: Date) -> StoreResult<HashMap<UnitId, UnitFigures>> {
                    let day = date_text(date);
                    let (first_division, last_division) = industrial_divisions();
                    let mut out: HashMap<UnitId, UnitFigures> =
                        units.iter().map(|u| (*u, UnitFigures::default())).collect();
                    if units.is_empty() {
                        return Ok(out);
                    }
                    // When most of the registry is asked for, one pass over every location in
                    // table order is cheaper than a walk of the park index, whose order makes
                    // each enterprise lookup a random read; `+ 0` keeps SQLite (without
                    // statistics) off that index, and the units not asked for are dropped
                    // afterwards.
                    let many = units.len() > MANY_UNITS;
                    let park = if many { "l.park_id + 0" } else { "l.park_id" };
                    let mut qb = QueryBuilder::<$db>::new("SELECT ");
                    qb.push(park)
                        .push(", COUNT(*), COUNT(CASE WHEN e.size_class = ")
                        .push_bind(SizeClass::AboveScale.code())
                        .push(" THEN 1 END), COUNT(CASE WHEN EXISTS (SELECT 1 FROM recognitions r ")
                        .push("WHERE r.enterprise_id = e.id AND r.tier = ")
                        .push_bind(Tier::HighTech.code())
                        .push(" AND r.issued_on <= ")
                        .push_bind(day.clone())
                        .push(" AND (r.expires_on IS NULL OR r.expires_on > ")
                        .push_bind(day.clone())
                        .push(")) THEN 1 END), COUNT(CASE WHEN SUBSTR(e.industry_code, 1, 2) BETWEEN ")
                        .push_bind(first_division)
                        .push(" AND ")
                        .push_bind(last_division)
                        .push(" THEN 1 END) FROM enterprise_locations l JOIN enterprises e ON e.id = l.enterprise_id WHERE ");
                    push_location_condition(&mut qb, Some(&day));
                    if !many {
                        qb.push(" AND ");
                        push_units_in(&mut qb, "l.park_id", units);
                    }
                    qb.push(" GROUP BY ").push(park);
                    let rows: Vec<(i64, i64, i64, i64, i64)> =
                        qb.build_query_as().fetch_all(&self.pool).await.map_err(db_error)?;
                    for (park, enterprises, above_scale, high_tech, industrial) in rows {
                        if let Some(figures) = out.get_mut(&UnitId(park)) {
                            *figures = UnitFigures { enterprises, above_scale, high_tech, industrial };
                        }
                    }
                    Ok(out)
                }

                async fn apply_unit_plan(&self, plan: &UnitImportPlan, actor: &Actor) -> StoreResult<ImportSummary> {
                    let mut tx = self.write().await?;
                    let mut summary = ImportSummary::default();
                    let mut ids: HashMap<String, i64> = HashMap::new();
                    for change in &plan.units {
                        let code = change.draft.code.as_str();
                        let stored = unit_by_code(&mut tx, code).await?;
                        let id = match (&change.existing, stored) {
                            // The plan was checked against a registry that has changed since:
                            // applying it anyway could bypass the checks of scope.
                            (None, Some(_)) => {
                                return Err(StoreError::Duplicate { entity: "unit", key: code.to_string() });
                            }
                            (Some(_), None) => {
                                return Err(StoreError::NotFound { entity: "unit", key: code.to_string() });
                            }
                            (None, None) => {
                                let id: i64 = bind_unit(
                                    sqlx::query(
                                        "INSERT INTO units (code, name_zh, name_en, kind, area_km2, population, \
                                         leading_industries, spatial_role) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                                    ),
                                    &change.draft,
                                )
                                .fetch_one(&mut *tx)
                                .await
                                .map_err(keyed("unit", code))
                                .and_then(|row| sqlx::Row::try_get(&row, 0).map_err(db_error))?;
                                let unit = Unit { id: UnitId(id), details: change.draft.clone() };
                                let entry = Change {
                                    action: "unit.create",
                                    entity: "unit",
                                    key: code.to_string(),
                                    before: None,
                                    after: Some(to_json(&unit)),
                                };
                                audit(&mut tx, actor, entry).await?;
                                summary.created += 1;
                                id
                            }
                            (Some(_), Some(stored)) if stored.details == change.draft => {
                                summary.unchanged += 1;
                                stored.id.0
                            }
                            (Some(_), Some(stored)) => {
                                bind_unit(
                                    sqlx::query(
                                        "UPDATE units SET code = $1, name_zh = $2, name_en = $3, kind = $4, area_km2 = $5, \
                                         population = $6, leading_industries = $7, spatial_role = $8 WHERE id = $9",
                                    ),
                                    &change.draft,
                                )
                                .bind(stored.id.0)
                                .execute(&mut *tx)
                                .await
                                .map_err(keyed("unit", code))?;
                                let after = Unit { id: stored.id, details: change.draft.clone() };
                                let entry = Change {
                                    action: "unit.update",
                                    entity: "unit",
                                    key: code.to_string(),
                                    before: Some(to_json(&stored)),
                                    after: Some(to_json(&after)),
                                };
                                audit(&mut tx, actor, entry).await?;
                                summary.updated += 1;
                                stored.id.0
                            }
                        };
                        ids.insert(code.to_string(), id);
                    }

                    for m in &plan.memberships {
                        let child = unit_id(&mut tx, &ids, m.child.as_str()).await?;
                        let parent = unit_id(&mut tx, &ids, m.parent.as_str()).await?;
                        let from = date_text(m.from);
                        if let Some(previous) = &m.ends_previous {
                            let previous_id = unit_id(&mut tx, &ids, previous.as_str()).await?;
                            let current: Option<MembershipRow> = sqlx::query_as(
                                "SELECT id, child_id, parent_id, from_date, until_date FROM unit_memberships \
                                 WHERE child_id = $1 AND parent_id = $2 AND from_date <= $3 \
                                 AND (until_date IS NULL OR until_date > $3)",
                            )
                            .bind(child)
                            .bind(previous_id)
                            .bind(from.clone())
                            .fetch_optional(&mut *tx)
                            .await
                            .map_err(db_error)?;
                            let current = current.ok_or_else(|| StoreError::NotFound {
                                entity: "membership",
                                key: format!("{} in {} on {}", m.child, previous, from),
                            })?;
                            let before = current.to_membership()?;
                            // A membership that would end the day it began never held: it is
                            // removed, as the domain's planning does.
                            let after = if current.from_date == from {
                                sqlx::query("DELETE FROM unit_memberships WHERE id = $1")
                                    .bind(current.id)
                                    .execute(&mut *tx)
                                    .await
                                    .map_err(db_error)?;
                                None
                            } else {
                                sqlx::query("UPDATE unit_memberships SET until_date = $1 WHERE id = $2")
                                    .bind(from.clone())
                                    .bind(current.id)
                                    .execute(&mut *tx)
                                    .await
                                    .map_err(db_error)?;
                                Some(Membership { until: Some(m.from), ..before.clone() })
                            };
                            let change = Change {
                                action: "membership.end",
                                entity: "membership",
                                key: m.child.to_string(),
                                before: Some(to_json(&before)),
                                after: after.as_ref().map(to_json),
                            };
                            audit(&mut tx, actor, change).await?;
                            summary.moved += 1;
                        }
                        let overlapping: i64 = sqlx::query_scalar(
                            "SELECT COUNT(*) FROM unit_memberships WHERE child_id = $1 \
                             AND (until_date IS NULL OR until_date > $2)",
                        )
                        .bind(child)
                        .bind(from.clone())
                        .fetch_one(&mut *tx)
                        .await
                        .map_err(db_error)?;
                        if overlapping > 0 {
                            return Err(StoreError::Duplicate {
                                entity: "membership",
                                key: format!("{} on {}", m.child, from),
                            });
                        }
                        sqlx::query("INSERT INTO unit_memberships (child_id, parent_id, from_date, until_date) VALUES ($1, $2, $3, NULL)")
                            .bind(child)
                            .bind(parent)
                            .bind(from.clone())
                            .execute(&mut *tx)
                            .await
                            .map_err(db_error)?;
                        let membership = Membership {
                            child: UnitId(child),
                            parent: UnitId(parent),
                            from: m.from,
                            until: None,
                        };
                        let change = Change {
                            action: "membership.add",
                            entity: "membership",
                            key: m.child.to_string(),
                            before: None,
                            after: Some(to_json(&membership)),
                        };
                        audit(&mut tx, actor, change).await?;
                    }
                    if summary.created + summary.updated > 0 || !plan.memberships.is_empty() {
                        raise(&mut tx, CachedArea::Hierarchy).await?;
                    }
                    tx.commit().await.map_err(db_error)?;
                    Ok(summary)
                }

                async fn apply_enterprise_plan(
                    &self,
                    plan: &EnterpriseImportPlan,
                    actor: &Actor,
                ) -> StoreResult<ImportSummary> {
                    let mut tx = self.write().await?;
                    let mut summary = ImportSummary::default();
                    for change in &plan.enterprises {
                        let code = change.draft.credit_code.as_str();
                        let stored = enterprise_row_by_code(&mut tx, code).await?;
                        // `kept`: stored before, and its details stay as they are.
                        let (id, open, kept) = match (&change.existing, stored) {
                            (None, Some(_)) => {
                                return Err(StoreError::Duplicate { entity: "enterprise", key: code.to_string() });
                            }
                            (Some(_), None) => {
                                return Err(StoreError::NotFound { entity: "enterprise", key: code.to_string() });
                            }
                            (Some(planned), Some(row)) if planned.id.0 != row.id => {
                                return Err(StoreError::NotFound {
                                    entity: "enterprise",
                                    key: format!("{code} (id {})", planned.id),
                                });
                            }
                            (None, None) => {
                                let id: i64 = bind_enterprise(
                                    sqlx::query(
                                        "INSERT INTO enterprises (credit_code, name, industry_code, high_tech_field, size_class, \
                                         registration_type, contact_name, contact_phone, in_survey) \
                                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
                                    ),
                                    &change.draft,
                                )
                                .fetch_one(&mut *tx)
                                .await
                                .map_err(keyed("enterprise", code))
                                .and_then(|row| sqlx::Row::try_get(&row, 0).map_err(db_error))?;
                                let park = change.new_location.map(|(p, _)| p);
                                let record = enterprise_json(id, &change.draft, park);
                                let entry = Change {
                                    action: "enterprise.create",
                                    entity: "enterprise",
                                    key: code.to_string(),
                                    before: None,
                                    after: Some(record),
                                };
                                audit(&mut tx, actor, entry).await?;
                                summary.created += 1;
                                (id, None, false)
                            }
                            (Some(_), Some(row)) => {
                                let open = row.location()?;
                                let before = row.draft()?;
                                let park = row.park_id.map(UnitId);
                                let kept = before == change.draft;
                                if !kept {
                                    bind_enterprise(
                                        sqlx::query(
                                            "UPDATE enterprises SET credit_code = $1, name = $2, industry_code = $3, \
                                             high_tech_field = $4, size_class = $5, registration_type = $6, \
                                             contact_name = $7, contact_phone = $8, in_survey = $9 WHERE id = $10",
                                        ),
                                        &change.draft,
                                    )
                                    .bind(row.id)
                                    .execute(&mut *tx)
                                    .await
                                    .map_err(keyed("enterprise", code))?;
                                    let entry = Change {
                                        action: "enterprise.update",
                                        entity: "enterprise",
                                        key: code.to_string(),
                                        before: Some(enterprise_json(row.id, &before, park)),
                                        after: Some(enterprise_json(row.id, &change.draft, park)),
                                    };
                                    audit(&mut tx, actor, entry).await?;
                                    summary.updated += 1;
                                }
                                (row.id, open, kept)
                            }
                        };
                        let relocation =
                            change.new_location.filter(|(park, _)| open.as_ref().is_none_or(|l| l.park != *park));
                        let Some((park, date)) = relocation else {
                            if kept {
                                summary.unchanged += 1;
                            }
                            continue;
                        };
                        let day = date_text(date);
                        if let Some(current) = &open {
                            if date <= current.from {
                                return Err(StoreError::Backend(format!(
                                    "{code} cannot move on {day}: its current location begins on {}",
                                    date_text(current.from)
                                )));
                            }
                            sqlx::query("UPDATE enterprise_locations SET until_date = $1 WHERE enterprise_id = $2 AND until_date IS NULL")
                                .bind(day.clone())
                                .bind(id)
                                .execute(&mut *tx)
                                .await
                                .map_err(db_error)?;
                            summary.moved += 1;
                        }
                        sqlx::query("INSERT INTO enterprise_locations (enterprise_id, park_id, from_date, until_date) VALUES ($1, $2, $3, NULL)")
                            .bind(id)
                            .bind(park.0)
                            .bind(day)
                            .execute(&mut *tx)
                            .await
                            .map_err(db_error)?;
                        let location = Location { enterprise: EnterpriseId(id), park, from: date, until: None };
                        let entry = Change {
                            action: "enterprise.move",
                            entity: "enterprise",
                            key: code.to_string(),
                            before: open.as_ref().map(to_json),
                            after: Some(to_json(&location)),
                        };
                        audit(&mut tx, actor, entry).await?;
                    }
                    tx.commit().await.map_err(db_error)?;
                    Ok(summary)
                }

                async fn load_dataset(
                    &self,
                    dataset: &Dataset,
                    actor: &Actor,
                    progress: Progress<'_>,
                ) -> StoreResult<ImportSummary> {
                    check_dataset(dataset)?;
                    let mut tx = self.write().await?;
                    let stored_unit: Option<String> = sqlx::query_scalar("SELECT code FROM units ORDER BY id LIMIT 1")
                        .fetch_optional(&mut *tx)
                        .await
                        .map_err(db_error)?;
                    if let Some(code) = stored_unit {
                        return Err(StoreError::Duplicate { entity: "unit", key: code });
                    }
                    let stored_enterprise: Option<String> =
                        sqlx::query_scalar("SELECT credit_code FROM enterprises ORDER BY id LIMIT 1")
                            .fetch_optional(&mut *tx)
                            .await
                            .map_err(db_error)?;
                    if let Some(code) = stored_enterprise {
                        return Err(StoreError::Duplicate { entity: "enterprise", key: code });
                    }

                    let mut unit_ids: HashMap<String, i64> = HashMap::with_capacity(dataset.units.len());
                    for chunk in dataset.units.chunks(rows_per_statement(8)) {
                        let mut qb = QueryBuilder::<$db>::new(
                            "INSERT INTO units (code, name_zh, name_en, kind, area_km2, population, leading_industries, spatial_role) ",
                        );
                        qb.push_values(chunk, |mut b, u| {
                            b.push_bind(u.code.as_str().to_string())
                                .push_bind(u.name_zh.clone())
                                .push_bind(u.name_en.clone())
                                .push_bind(u.kind.code())
                                .push_bind(u.area_km2)
                                .push_bind(u.population)
                                .push_bind(industries_json(&u.leading_industries))
                                .push_bind(u.spatial_role.map(|r| r.code()));
                        });
                        qb.push(" RETURNING id, code");
                        let rows: Vec<(i64, String)> = qb.build_query_as().fetch_all(&mut *tx).await.map_err(db_error)?;
                        unit_ids.extend(rows.into_iter().map(|(id, code)| (code, id)));
                    }
                    let unit = |code: &innozone_domain::registry::UnitCode| -> StoreResult<i64> {
                        unit_ids
                            .get(code.as_str())
                            .copied()
                            .ok_or_else(|| StoreError::NotFound { entity: "unit", key: code.to_string() })
                    };

                    let memberships = dataset
                        .memberships
                        .iter()
                        .map(|m| Ok((unit(&m.child)?, unit(&m.parent)?, date_text(m.from), m.until.map(date_text))))
                        .collect::<StoreResult<Vec<_>>>()?;
                    for chunk in memberships.chunks(rows_per_statement(4)) {
                        let mut qb = QueryBuilder::<$db>::new(
                            "INSERT INTO unit_memberships (child_id, parent_id, from_date, until_date) ",
                        );
                        qb.push_values(chunk, |mut b, (child, parent, from, until)| {
                            b.push_bind(*child).push_bind(*parent).push_bind(from.clone()).push_bind(until.clone());
                        });
                        qb.build().execute(&mut *tx).await.map_err(db_error)?;
                    }

                    let loaded_at = actor.at;
                    let mut done = 0u64;
                    let mut location_count = 0usize;
                    let mut recognition_count = 0usize;
                    for chunk in dataset.enterprises.chunks(rows_per_statement(9)) {
                        let mut qb = QueryBuilder::<$db>::new(
                            "INSERT INTO enterprises (credit_code, name, industry_code, high_tech_field, size_class, \
                             registration_type, contact_name, contact_phone, in_survey) ",
                        );
                        qb.push_values(chunk, |mut b, e| {
                            let d = &e.draft;
                            b.push_bind(d.credit_code.as_str().to_string())
                                .push_bind(d.name.clone())
                                .push_bind(d.industry.as_str().to_string())
                                .push_bind(d.high_tech_field.map(|f| f.code()))
                                .push_bind(d.size_class.code())
                                .push_bind(d.registration_type.code())
                                .push_bind(d.contact_name.clone())
                                .push_bind(d.contact_phone.clone())
                                .push_bind(d.in_survey);
                        });
                        qb.push(" RETURNING id, credit_code");
                        let rows: Vec<(i64, String)> = qb.build_query_as().fetch_all(&mut *tx).await.map_err(db_error)?;
                        let ids: HashMap<String, i64> = rows.into_iter().map(|(id, code)| (code, id)).collect();
                        let id_of = |code: &CreditCode| -> StoreResult<i64> {
                            ids.get(code.as_str()).copied().ok_or_else(|| {
                                StoreError::Backend(format!("the database returned no id for {code}"))
                            })
                        };

                        let mut locations = Vec::new();
                        let mut recognitions = Vec::new();
                        for e in chunk {
                            let id = id_of(&e.draft.credit_code)?;
                            for l in &e.locations {
                                locations.push((id, unit(&l.park)?, date_text(l.from), l.until.map(date_text)));
                            }
                            recognitions.extend(e.recognitions.iter().map(|r| (id, r)));
                        }
                        insert_locations(&mut tx, &locations).await?;
                        insert_recognitions(&mut tx, &recognitions, loaded_at, actor).await?;
                        location_count += locations.len();
                        recognition_count += recognitions.len();
                        done += chunk.len() as u64;
                        progress(done);
                    }

                    let counts = serde_json::json!({
                        "units": dataset.units.len(),
                        "memberships": dataset.memberships.len(),
                        "enterprises": dataset.enterprises.len(),
                        "locations": location_count,
                        "recognitions": recognition_count,
                    });
                    let entry = Change {
                        action: "dataset.load",
                        entity: "dataset",
                        key: "registry".to_string(),
                        before: None,
                        after: Some(counts),
                    };
                    audit(&mut tx, actor, entry).await?;
                    raise(&mut tx, CachedArea::Hierarchy).await?;
                    tx.commit().await.map_err(db_error)?;
                    let analyze: Option<&'static str> = $analyze;
                    if let Some(statement) = analyze {
                        // The load is committed whatever happens here: a failure only leaves
                        // the planner with older statistics until the database gathers new ones.
                        let _ = sqlx::raw_sql(statement).execute(&self.pool).await;
                    }
                    Ok(ImportSummary {
                        created: (dataset.units.len() + dataset.enterprises.len()) as u64,
                        ..ImportSummary::default()
                    })
                }

            }
        }
    };
}
