//! The ladder of tiers (梯度培育 认定条件) as versions a zone installs: a file checked
//! against the latest Torch annual form before it is kept, kept once per version number
//! and never overwritten, and read back as the ladder in force (the highest version
//! installed). Until a zone installs one, the ladder shipped with the software is in
//! force.

use innozone_domain::accounts::Principal;
use innozone_domain::cultivation::TierSet;
use innozone_domain::reporting::Form;
use innozone_domain::reporting::authority::may_define_forms;
use innozone_store::{Actor, LadderRecord, LadderSummary, NewLadder, Store, StoreError};

use crate::AppError;
use crate::accounts::actor_of;
use crate::cultivation::{LADDER_FORM, may_read_lists};

/// The ladder shipped with the software, in force until a zone installs its own.
pub const SHIPPED: &str = innozone_example::cultivation::TIERS;

/// The ladder in force and where it comes from.
#[derive(Debug, Clone)]
pub struct LadderInForce {
    pub set: TierSet,
    /// The form its criteria read (the latest version of `torch_annual`).
    pub form: Form,
    /// The installed version in force; `None` when none is installed and the shipped
    /// ladder is in force.
    pub installed: Option<LadderSummary>,
}

/// The latest version of the form the ladder's formulas read.
pub async fn ladder_form(store: &dyn Store) -> Result<Form, AppError> {
    store
        .forms()
        .await?
        .into_iter()
        .find(|f| f.code == LADDER_FORM)
        .ok_or(AppError::NotFound {
            entity: "form",
            key: LADDER_FORM.to_string(),
        })
}

fn parse(source: &str, form: &Form) -> Result<TierSet, AppError> {
    TierSet::parse(source, form).map_err(|e| AppError::Ladder(Box::new(e)))
}

/// The ladder in force: the installed version with the highest number, or the shipped
/// ladder when the zone has installed none, parsed against the latest annual form.
pub async fn current_ladder(store: &dyn Store) -> Result<LadderInForce, AppError> {
    let form = ladder_form(store).await?;
    let (source, installed) = match store.latest_ladder().await? {
        Some(record) => (record.source, Some(record.summary)),
        None => (SHIPPED.to_string(), None),
    };
    let set = parse(&source, &form)?;
    Ok(LadderInForce {
        set,
        form,
        installed,
    })
}

/// Checks a ladder file against the latest annual form without installing it. A
/// problem of the file is `AppError::Ladder`, with its line and column.
pub async fn check_ladder(store: &dyn Store, source: &str) -> Result<TierSet, AppError> {
    let form = ladder_form(store).await?;
    parse(source, &form)
}

/// Installs a ladder file as a new version (administrators and zone staff): checked
/// first, then kept under the version it declares, which must be above every version
/// installed (`AppError::LadderVersion` otherwise; a version installed meanwhile by
/// someone else is the store's `Duplicate`). It is in force at once.
pub async fn install_ladder(
    store: &dyn Store,
    principal: &Principal,
    source: &str,
) -> Result<(TierSet, LadderSummary), AppError> {
    if !may_define_forms(principal) {
        return Err(AppError::Forbidden);
    }
    install(store, source, &actor_of(principal)).await
}

async fn install(
    store: &dyn Store,
    source: &str,
    actor: &Actor,
) -> Result<(TierSet, LadderSummary), AppError> {
    let form = ladder_form(store).await?;
    let set = parse(source, &form)?;
    if let Some(newest) = store.ladder_versions().await?.first()
        && set.version <= newest.version
    {
        return Err(AppError::LadderVersion {
            version: set.version,
            newest: newest.version,
        });
    }
    let summary = store
        .install_ladder(
            &NewLadder {
                version: set.version,
                form_code: form.code.clone(),
                form_version: form.version,
                source: source.to_string(),
            },
            actor,
        )
        .await?;
    Ok((set, summary))
}

/// Every installed version, the highest first (staff and leadership).
pub async fn ladder_versions(
    store: &dyn Store,
    principal: &Principal,
) -> Result<Vec<LadderSummary>, AppError> {
    if !may_read_lists(principal) {
        return Err(AppError::Forbidden);
    }
    Ok(store.ladder_versions().await?)
}

/// One installed version with its file as installed (staff and leadership).
pub async fn ladder_version(
    store: &dyn Store,
    principal: &Principal,
    version: u32,
) -> Result<LadderRecord, AppError> {
    if !may_read_lists(principal) {
        return Err(AppError::Forbidden);
    }
    store
        .ladder_version(version)
        .await?
        .ok_or_else(|| AppError::NotFound {
            entity: "ladder",
            key: version.to_string(),
        })
}

/// Installs the shipped ladder as the first version, as the system, when no version is
/// installed yet (the built-in example does, after its reporting, so that the example's
/// zone starts with its ladder on record). Returns the version installed, if any.
pub async fn install_shipped_if_none(store: &dyn Store) -> Result<Option<u32>, AppError> {
    if !store.ladder_versions().await?.is_empty() {
        return Ok(None);
    }
    match install(store, SHIPPED, &Actor::system(crate::clock::now_unix())).await {
        Ok((set, _)) => Ok(Some(set.version)),
        // Installed meanwhile by someone else: nothing to do.
        Err(AppError::Store(StoreError::Duplicate { .. }) | AppError::LadderVersion { .. }) => {
            Ok(None)
        }
        Err(e) => Err(e),
    }
}
