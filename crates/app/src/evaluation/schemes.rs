//! Evaluation schemes as versioned files the zone edits: checked against the monitoring
//! catalogue in force before a version is saved, and read back either as the version in
//! force or as the very version a kept run was made with.

use innozone_domain::accounts::Principal;
use innozone_domain::evaluation::scheme::Scheme;
use innozone_domain::monitoring::Catalogue;
use innozone_domain::reporting::authority::may_define_forms;
use innozone_store::{SchemeRecord, Store};

use crate::AppError;
use crate::accounts::actor_of;
use crate::monitoring::current_catalogue;

/// Parses a scheme against a catalogue: its monitoring indicators and denominators must
/// be the catalogue's. Without a catalogue only entered indicators are possible.
pub fn parse_against(source: &str, catalogue: Option<&Catalogue>) -> Result<Scheme, AppError> {
    let is_indicator = |code: &str| catalogue.is_some_and(|c| c.indicator(code).is_some());
    let is_statistic = |code: &str| catalogue.is_some_and(|c| c.statistic(code).is_some());
    Ok(Scheme::parse(source, &is_indicator, &is_statistic)?)
}

/// Checks a scheme against the catalogue in force without saving it.
pub async fn check_scheme(store: &dyn Store, source: &str) -> Result<Scheme, AppError> {
    let catalogue = current_catalogue(store).await?;
    parse_against(source, catalogue.as_ref())
}

/// Saves a new version of a scheme (zone staff and administrators), under the code it
/// declares.
pub async fn install_scheme(
    store: &dyn Store,
    principal: &Principal,
    source: &str,
) -> Result<(Scheme, SchemeRecord), AppError> {
    if !may_define_forms(principal) {
        return Err(AppError::Forbidden);
    }
    let scheme = check_scheme(store, source).await?;
    let record = store
        .save_scheme(&scheme.code, source, &actor_of(principal))
        .await?;
    Ok((scheme, record))
}

/// A kept version read back as it was saved. It was checked when saved; the catalogue
/// may have changed since, and a kept run must still be readable, so the codes are not
/// checked against today's catalogue again.
pub fn parse_kept(record: &SchemeRecord) -> Result<Scheme, AppError> {
    Ok(Scheme::parse(&record.source, &|_| true, &|_| true)?)
}

/// The version in force of the scheme `code`.
pub async fn current_scheme(
    store: &dyn Store,
    code: &str,
) -> Result<(Scheme, SchemeRecord), AppError> {
    let record = store
        .latest_scheme(code)
        .await?
        .ok_or_else(|| AppError::NotFound {
            entity: "evaluation_scheme",
            key: code.to_string(),
        })?;
    Ok((parse_kept(&record)?, record))
}

/// One saved version, by its id.
pub async fn scheme_version(
    store: &dyn Store,
    id: i64,
) -> Result<(Scheme, SchemeRecord), AppError> {
    let record = store
        .scheme_version(id)
        .await?
        .ok_or_else(|| AppError::NotFound {
            entity: "evaluation_scheme",
            key: id.to_string(),
        })?;
    Ok((parse_kept(&record)?, record))
}

/// The version in force of every scheme, by code.
pub async fn installed_schemes(store: &dyn Store) -> Result<Vec<(Scheme, SchemeRecord)>, AppError> {
    let mut out = Vec::new();
    for record in store.latest_schemes().await? {
        out.push((parse_kept(&record)?, record));
    }
    Ok(out)
}

/// The version in force of every scheme, by code, each with how many versions were saved.
pub async fn schemes_with_version_counts(
    store: &dyn Store,
) -> Result<Vec<(Scheme, SchemeRecord, usize)>, AppError> {
    let mut out = Vec::new();
    for (scheme, record) in installed_schemes(store).await? {
        let versions = store.scheme_versions(&scheme.code).await?.len();
        out.push((scheme, record, versions));
    }
    Ok(out)
}

/// The installed schemes of development indices (those with a base year), by code.
pub async fn index_schemes(store: &dyn Store) -> Result<Vec<(Scheme, SchemeRecord)>, AppError> {
    Ok(installed_schemes(store)
        .await?
        .into_iter()
        .filter(|(s, _)| s.base_year.is_some())
        .collect())
}
