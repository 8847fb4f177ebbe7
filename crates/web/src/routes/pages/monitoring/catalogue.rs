//! The indicator catalogue (指标目录): every indicator with its formula as written, the
//! statistics entered per unit, the versions saved with who and when; zone staff check
//! and install a new version, typed in or uploaded, refused whole with its place when
//! something does not hold.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use innozone_app::AppError;
use innozone_app::definitions::{DefinitionVersion, IndicatorCatalogue, versions};
use innozone_app::monitoring::current_catalogue;
use innozone_domain::monitoring::Catalogue;
use innozone_domain::reporting::authority::may_define_forms;
use innozone_i18n::{Lang, Localize};
use serde::Deserialize;

use super::format::unit_symbol;
use crate::auth::CurrentUser;
use crate::error::WebError;
use crate::language::Language;
use crate::routes::pages::definitions::{DefinitionPage, VersionRow, version_rows};
use crate::state::AppState;
use crate::views::{Chrome, render};

pub struct IndicatorRow {
    pub code: String,
    pub zh: String,
    pub en: String,
    pub unit: String,
    pub unit_code: &'static str,
    pub decimals: u8,
    pub direction: String,
    pub form: Option<String>,
    pub formula: String,
    pub description: String,
    pub source: Option<String>,
}

pub struct StatisticRow {
    pub code: String,
    pub zh: String,
    pub en: String,
    pub unit: String,
    pub unit_code: &'static str,
    pub additive: bool,
    pub description: String,
}

#[derive(Template)]
#[template(path = "monitoring_catalogue.html")]
struct CataloguePage {
    chrome: Chrome,
    /// The declared version of the catalogue in force.
    version: Option<u32>,
    indicators: Vec<IndicatorRow>,
    statistics: Vec<StatisticRow>,
    versions: Vec<VersionRow>,
    /// Why the saved catalogue no longer reads (a form it names changed), if it does not.
    broken: Option<String>,
    installed: Option<String>,
    may_define: bool,
    source: String,
}

/// Staff, leadership and evaluators read the catalogue; filers and the public do not.
pub(super) fn may_read(user: &CurrentUser) -> Result<(), WebError> {
    use innozone_domain::accounts::Role;
    if matches!(user.principal.role, Role::EnterpriseFiler | Role::Public) {
        return Err(WebError::Forbidden);
    }
    Ok(())
}

fn indicator_rows(catalogue: &Catalogue, lang: Lang) -> Vec<IndicatorRow> {
    let english = lang.is_english();
    catalogue
        .indicators
        .iter()
        .map(|d| IndicatorRow {
            code: d.code.clone(),
            zh: d.zh.clone(),
            en: d.en.clone(),
            unit: unit_symbol(d.unit, lang).to_string(),
            unit_code: d.unit.code(),
            decimals: d.decimals,
            direction: lang.t(&format!("monitoring.direction.{}", d.direction.code())),
            form: d.form.map(|f| catalogue.forms[f].code.clone()),
            formula: d.formula.clone(),
            description: d.description(english).to_string(),
            source: d.source.clone(),
        })
        .collect()
}

fn statistic_rows(catalogue: &Catalogue, lang: Lang) -> Vec<StatisticRow> {
    let english = lang.is_english();
    catalogue
        .statistics
        .iter()
        .map(|s| StatisticRow {
            code: s.code.clone(),
            zh: s.zh.clone(),
            en: s.en.clone(),
            unit: unit_symbol(s.unit, lang).to_string(),
            unit_code: s.unit.code(),
            additive: s.additive,
            description: if english {
                s.description_en.clone()
            } else {
                s.description_zh.clone()
            },
        })
        .collect()
}

#[derive(Deserialize, Default)]
pub struct CatalogueQuery {
    installed: Option<i64>,
}

pub async fn page(
    State(state): State<AppState>,
    Language(lang): Language,
    user: CurrentUser,
    Query(q): Query<CatalogueQuery>,
) -> Result<Response, WebError> {
    let store = state.store();
    let versions = versions::<IndicatorCatalogue>(store, &user.principal, "").await?;
    let (catalogue, broken) = match current_catalogue(store).await {
        Ok(c) => (c, None),
        Err(AppError::Catalogue(e)) => (None, Some(e.localize(lang))),
        Err(e) => return Err(e.into()),
    };
    let page = CataloguePage {
        version: catalogue.as_ref().map(|c| c.version),
        indicators: catalogue
            .as_ref()
            .map(|c| indicator_rows(c, lang))
            .unwrap_or_default(),
        statistics: catalogue
            .as_ref()
            .map(|c| statistic_rows(c, lang))
            .unwrap_or_default(),
        versions: version_rows(&versions, "/monitoring/catalogue"),
        broken,
        installed: q.installed.map(|id| {
            lang.t_with(
                "monitoring.catalogue.installed",
                &[
                    ("id", id.to_string()),
                    (
                        "count",
                        catalogue
                            .as_ref()
                            .map_or(0, |c| c.indicators.len())
                            .to_string(),
                    ),
                ],
            )
        }),
        may_define: may_define_forms(&user.principal),
        source: versions
            .first()
            .map(|v| v.source.clone())
            .unwrap_or_default(),
        chrome: Chrome::new(lang, Some(&user), "monitoring"),
    };
    Ok(render(&page)?.into_response())
}

impl DefinitionPage for IndicatorCatalogue {
    const ACTIVE: &'static str = "monitoring";

    fn summary(catalogue: &Catalogue, lang: Lang) -> String {
        lang.t_with(
            "monitoring.catalogue.check_ok",
            &[
                ("indicators", catalogue.indicators.len().to_string()),
                ("statistics", catalogue.statistics.len().to_string()),
            ],
        )
    }

    fn installed_page(version: &DefinitionVersion) -> String {
        format!("/monitoring/catalogue?installed={}", version.number)
    }
}
