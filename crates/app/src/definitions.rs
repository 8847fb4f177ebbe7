//! Versioned definition files (定义文件): the indicator catalogue, the targets, the
//! evaluation schemes and the ladder of tiers are the same thing to the zone — a TOML text
//! with a version, checked into located errors against what it depends on, installed as a
//! new version that is never rewritten, listed and downloaded as written. This module is
//! that one path; each kind supplies only how it is checked, installed and listed
//! ([`Definition`]), and the web and the CLI handle every kind alike.

use async_trait::async_trait;
use innozone_domain::accounts::{Principal, Role};
use innozone_domain::cultivation::TierSet;
use innozone_domain::evaluation::scheme::Scheme;
use innozone_domain::monitoring::{Catalogue, CatalogueError, TargetError, TargetSet};
use innozone_store::{DocumentRecord, SchemeRecord, Store};

use crate::AppError;
use crate::cultivation::ladder::{check_ladder, install_ladder};
use crate::cultivation::may_read_lists;
use crate::evaluation::{check_scheme, install_scheme};
use crate::monitoring::{check_catalogue, check_targets, install_catalogue, install_targets};

/// One installed version of a definition file, whatever its kind.
#[derive(Debug, Clone, PartialEq)]
pub struct DefinitionVersion {
    /// What the file defines: `indicators`, `targets`, a scheme's code, `ladder`.
    pub code: String,
    /// What names the version in its download: the store's id of a saved catalogue,
    /// targets or scheme version, the declared version of a ladder.
    pub number: i64,
    pub saved_at: i64,
    pub saved_by: String,
    /// The newest: the one in force.
    pub current: bool,
    /// The file, byte for byte as installed.
    pub source: String,
}

impl DefinitionVersion {
    /// The name the version is downloaded under: `indicators-12.toml`.
    pub fn file_name(&self) -> String {
        format!("{}-{}.toml", self.code, self.number)
    }
}

/// A kind of definition file: how a text is checked against what it depends on, how it
/// is installed, and which versions there are. Every refusal of the text itself is an
/// `AppError` that [`problem_place`] can locate.
#[async_trait]
pub trait Definition: Send + Sync + 'static {
    /// The file once checked.
    type Checked: Send + Sync;

    /// Whether `principal` may read the versions of this kind.
    fn may_read(principal: &Principal) -> bool;

    /// Checks `source` against what it depends on; nothing is saved.
    async fn check(store: &dyn Store, source: &str) -> Result<Self::Checked, AppError>;

    /// Checks and installs `source` as a new version, in force at once.
    async fn install(
        store: &dyn Store,
        principal: &Principal,
        source: &str,
    ) -> Result<(Self::Checked, DefinitionVersion), AppError>;

    /// Every installed version of `code` (kinds with one file ignore it), newest first,
    /// with their files.
    async fn versions(store: &dyn Store, code: &str) -> Result<Vec<DefinitionVersion>, AppError>;
}

/// Every installed version of a definition, newest first, for a user who may read them.
pub async fn versions<D: Definition>(
    store: &dyn Store,
    principal: &Principal,
    code: &str,
) -> Result<Vec<DefinitionVersion>, AppError> {
    if !D::may_read(principal) {
        return Err(AppError::Forbidden);
    }
    D::versions(store, code).await
}

/// One installed version, by the number its download names.
pub async fn version<D: Definition>(
    store: &dyn Store,
    principal: &Principal,
    code: &str,
    number: i64,
) -> Result<DefinitionVersion, AppError> {
    versions::<D>(store, principal, code)
        .await?
        .into_iter()
        .find(|v| v.number == number)
        .ok_or_else(|| AppError::NotFound {
            entity: "definition_version",
            key: format!("{code}-{number}"),
        })
}

/// An uploaded definition file as text: UTF-8, a byte-order mark dropped (Windows
/// editors write one).
pub fn source_text(bytes: Vec<u8>) -> Result<String, AppError> {
    let text = String::from_utf8(bytes).map_err(|_| AppError::NotText)?;
    Ok(text.trim_start_matches('\u{feff}').to_string())
}

/// Where in a definition file its problem is, for the file to be shown with the place
/// marked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// Line and column, from 1 (the column counted in characters).
    Line { line: usize, column: usize },
    /// Byte offsets into a formula written in the file.
    Formula {
        formula: String,
        start: usize,
        end: usize,
    },
}

/// Whether `error` is a problem of a definition file's text (shown to its author beside
/// the file, 422) rather than a refusal of the request; and where it is, when it says.
pub fn problem_place(error: &AppError) -> Option<Option<Place>> {
    let line = |line: usize, column: usize| Some(Place::Line { line, column });
    Some(match error {
        AppError::Catalogue(e) => match e.as_ref() {
            CatalogueError::Syntax {
                line: l, column, ..
            } => line(*l, *column),
            CatalogueError::Formula { formula, error, .. } => Some(Place::Formula {
                formula: formula.clone(),
                start: error.span.start,
                end: error.span.end,
            }),
            _ => None,
        },
        AppError::Targets(TargetError::Syntax {
            line: l, column, ..
        }) => line(*l, *column),
        AppError::Targets(_) => None,
        AppError::Scheme(e) => {
            let (l, column) = e.location();
            line(l, column)
        }
        AppError::Ladder(e) => {
            let (l, column) = e.location();
            line(l, column)
        }
        AppError::LadderVersion { .. } => None,
        _ => return None,
    })
}

/// Staff, leadership and evaluators read the catalogue, the targets and the schemes;
/// filers and the public do not.
fn reads_definitions(principal: &Principal) -> bool {
    !matches!(principal.role, Role::EnterpriseFiler | Role::Public)
}

fn document_versions(code: &str, records: Vec<DocumentRecord>) -> Vec<DefinitionVersion> {
    let newest = records.iter().map(|r| r.id).max();
    let mut out: Vec<DefinitionVersion> = records
        .into_iter()
        .map(|r| DefinitionVersion {
            code: code.to_string(),
            number: r.id,
            saved_at: r.saved_at,
            saved_by: r.saved_by,
            current: Some(r.id) == newest,
            source: r.source,
        })
        .collect();
    out.sort_by_key(|v| std::cmp::Reverse(v.number));
    out
}

fn scheme_version(record: SchemeRecord, current: bool) -> DefinitionVersion {
    DefinitionVersion {
        code: record.code,
        number: record.id,
        saved_at: record.saved_at,
        saved_by: record.saved_by,
        current,
        source: record.source,
    }
}

/// The indicator catalogue (指标目录), checked against the installed forms.
pub struct IndicatorCatalogue;

#[async_trait]
impl Definition for IndicatorCatalogue {
    type Checked = Catalogue;

    fn may_read(principal: &Principal) -> bool {
        reads_definitions(principal)
    }

    async fn check(store: &dyn Store, source: &str) -> Result<Catalogue, AppError> {
        check_catalogue(store, source).await
    }

    async fn install(
        store: &dyn Store,
        principal: &Principal,
        source: &str,
    ) -> Result<(Catalogue, DefinitionVersion), AppError> {
        let (catalogue, record) = install_catalogue(store, principal, source).await?;
        let version = document_versions("indicators", vec![record]).remove(0);
        Ok((catalogue, version))
    }

    async fn versions(store: &dyn Store, _code: &str) -> Result<Vec<DefinitionVersion>, AppError> {
        Ok(document_versions(
            "indicators",
            store.catalogue_versions().await?,
        ))
    }
}

/// The targets (目标), checked against the catalogue in force and the registry's units.
pub struct Targets;

#[async_trait]
impl Definition for Targets {
    type Checked = TargetSet;

    fn may_read(principal: &Principal) -> bool {
        reads_definitions(principal)
    }

    async fn check(store: &dyn Store, source: &str) -> Result<TargetSet, AppError> {
        check_targets(store, source).await
    }

    async fn install(
        store: &dyn Store,
        principal: &Principal,
        source: &str,
    ) -> Result<(TargetSet, DefinitionVersion), AppError> {
        let (targets, record) = install_targets(store, principal, source).await?;
        let version = document_versions("targets", vec![record]).remove(0);
        Ok((targets, version))
    }

    async fn versions(store: &dyn Store, _code: &str) -> Result<Vec<DefinitionVersion>, AppError> {
        Ok(document_versions("targets", store.target_versions().await?))
    }
}

/// An evaluation scheme (考核方案), checked against the catalogue in force; its versions
/// are per scheme code.
pub struct EvaluationScheme;

#[async_trait]
impl Definition for EvaluationScheme {
    type Checked = Scheme;

    fn may_read(principal: &Principal) -> bool {
        reads_definitions(principal)
    }

    async fn check(store: &dyn Store, source: &str) -> Result<Scheme, AppError> {
        check_scheme(store, source).await
    }

    async fn install(
        store: &dyn Store,
        principal: &Principal,
        source: &str,
    ) -> Result<(Scheme, DefinitionVersion), AppError> {
        let (scheme, record) = install_scheme(store, principal, source).await?;
        Ok((scheme, scheme_version(record, true)))
    }

    async fn versions(store: &dyn Store, code: &str) -> Result<Vec<DefinitionVersion>, AppError> {
        let mut records = store.scheme_versions(code).await?;
        records.sort_by_key(|r| std::cmp::Reverse(r.id));
        Ok(records
            .into_iter()
            .enumerate()
            .map(|(i, r)| scheme_version(r, i == 0))
            .collect())
    }
}

/// The ladder of tiers (梯度培育 认定条件), checked against the latest annual form; its
/// versions are the numbers it declares.
pub struct TierLadder;

#[async_trait]
impl Definition for TierLadder {
    type Checked = TierSet;

    fn may_read(principal: &Principal) -> bool {
        may_read_lists(principal)
    }

    async fn check(store: &dyn Store, source: &str) -> Result<TierSet, AppError> {
        check_ladder(store, source).await
    }

    async fn install(
        store: &dyn Store,
        principal: &Principal,
        source: &str,
    ) -> Result<(TierSet, DefinitionVersion), AppError> {
        let (set, summary) = install_ladder(store, principal, source).await?;
        let version = DefinitionVersion {
            code: "ladder".to_string(),
            number: i64::from(summary.version),
            saved_at: summary.installed_at,
            saved_by: summary.installed_by,
            current: true,
            source: source.to_string(),
        };
        Ok((set, version))
    }

    async fn versions(store: &dyn Store, _code: &str) -> Result<Vec<DefinitionVersion>, AppError> {
        let mut records = store.ladder_sources().await?;
        records.sort_by_key(|r| std::cmp::Reverse(r.summary.version));
        Ok(records
            .into_iter()
            .enumerate()
            .map(|(i, r)| DefinitionVersion {
                code: "ladder".to_string(),
                number: i64::from(r.summary.version),
                saved_at: r.summary.installed_at,
                saved_by: r.summary.installed_by,
                current: i == 0,
                source: r.source,
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uploaded_files_lose_their_byte_order_mark_and_must_be_utf8() {
        let mut bytes = "\u{feff}version = 1".as_bytes().to_vec();
        assert_eq!(source_text(bytes.clone()).unwrap(), "version = 1");
        bytes.push(0xff);
        assert!(matches!(source_text(bytes), Err(AppError::NotText)));
    }

    #[test]
    fn a_definition_problem_is_located_and_other_errors_are_not_problems() {
        let syntax = AppError::Targets(TargetError::Syntax {
            line: 3,
            column: 7,
            message: "expected `=`".into(),
        });
        assert_eq!(
            problem_place(&syntax),
            Some(Some(Place::Line { line: 3, column: 7 }))
        );
        let unplaced = AppError::Targets(TargetError::NoPoints { entry: 2 });
        assert_eq!(problem_place(&unplaced), Some(None));
        assert_eq!(problem_place(&AppError::Forbidden), None);
    }
}
