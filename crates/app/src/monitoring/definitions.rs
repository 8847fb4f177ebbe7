//! The indicator catalogue and the targets: installing a new version (checked as a whole
//! first, so a bad formula is refused with its place and nothing is saved) and reading
//! the one in force.

use innozone_domain::accounts::Principal;
use innozone_domain::monitoring::{Catalogue, TargetSet};
use innozone_domain::reporting::Form;
use innozone_domain::reporting::authority::may_define_forms;
use innozone_store::{DocumentRecord, Store};

use crate::AppError;
use crate::accounts::actor_of;

/// The latest version of every installed form.
async fn latest_forms(store: &dyn Store) -> Result<Vec<Form>, AppError> {
    let mut forms = store.forms().await?;
    forms.sort_by(|a, b| a.code.cmp(&b.code).then(b.version.cmp(&a.version)));
    forms.dedup_by(|a, b| a.code == b.code);
    Ok(forms)
}

/// Checks a catalogue against the installed forms without saving it.
pub async fn check_catalogue(store: &dyn Store, source: &str) -> Result<Catalogue, AppError> {
    let forms = latest_forms(store).await?;
    Ok(Catalogue::parse(source, &forms)?)
}

/// Installs a new version of the indicator catalogue (zone staff and administrators).
/// The targets in force must still hold against it: a target of an indicator the new
/// version drops is refused, not left dangling.
pub async fn install_catalogue(
    store: &dyn Store,
    principal: &Principal,
    source: &str,
) -> Result<(Catalogue, DocumentRecord), AppError> {
    if !may_define_forms(principal) {
        return Err(AppError::Forbidden);
    }
    let catalogue = check_catalogue(store, source).await?;
    if let Some(targets) = store.latest_targets().await? {
        let hierarchy = store.hierarchy().await?;
        TargetSet::parse(&targets.source, &catalogue, &|code| {
            hierarchy.unit_by_code(code).is_some()
        })?;
    }
    let record = store.save_catalogue(source, &actor_of(principal)).await?;
    Ok((catalogue, record))
}

/// The catalogue in force, if one was installed.
pub async fn current_catalogue(store: &dyn Store) -> Result<Option<Catalogue>, AppError> {
    Ok(catalogue_in_force(store)
        .await?
        .map(|(catalogue, _)| catalogue))
}

/// The catalogue in force with the saved version it was read from, if one was installed.
pub async fn catalogue_in_force(
    store: &dyn Store,
) -> Result<Option<(Catalogue, DocumentRecord)>, AppError> {
    let Some(record) = store.latest_catalogue().await? else {
        return Ok(None);
    };
    let forms = latest_forms(store).await?;
    let catalogue = Catalogue::parse(&record.source, &forms)?;
    Ok(Some((catalogue, record)))
}

/// Checks targets against the catalogue in force and the registry's units, saving
/// nothing: the same checks `install_targets` makes.
pub async fn check_targets(store: &dyn Store, source: &str) -> Result<TargetSet, AppError> {
    let catalogue = current_catalogue(store).await?.ok_or(AppError::NotFound {
        entity: "catalogue",
        key: "current".to_string(),
    })?;
    let hierarchy = store.hierarchy().await?;
    Ok(TargetSet::parse(source, &catalogue, &|code| {
        hierarchy.unit_by_code(code).is_some()
    })?)
}

/// Installs a new version of the targets, checked against the catalogue in force and
/// the units of the registry.
pub async fn install_targets(
    store: &dyn Store,
    principal: &Principal,
    source: &str,
) -> Result<(TargetSet, DocumentRecord), AppError> {
    if !may_define_forms(principal) {
        return Err(AppError::Forbidden);
    }
    let targets = check_targets(store, source).await?;
    let record = store.save_targets(source, &actor_of(principal)).await?;
    Ok((targets, record))
}

/// The targets in force (none when never installed).
pub async fn current_targets(
    store: &dyn Store,
    catalogue: &Catalogue,
) -> Result<TargetSet, AppError> {
    let Some(record) = store.latest_targets().await? else {
        return Ok(TargetSet::default());
    };
    let hierarchy = store.hierarchy().await?;
    Ok(TargetSet::parse(&record.source, catalogue, &|code| {
        hierarchy.unit_by_code(code).is_some()
    })?)
}
