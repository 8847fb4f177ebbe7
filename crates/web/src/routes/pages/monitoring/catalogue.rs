//! The indicator catalogue (指标目录): every indicator with its formula as written, the
//! statistics entered per unit, the versions saved with who and when; zone staff check
//! and install a new version, typed in or uploaded, refused whole with its place when
//! something does not hold.

use askama::Template;
use axum::Form as PostedForm;
use axum::extract::{Multipart, Path, Query, State};
use axum::response::{IntoResponse, Response};
use innozone_app::monitoring::{
    catalogue_overview, catalogue_version, check_catalogue, install_catalogue,
};
use innozone_domain::monitoring::Catalogue;
use innozone_domain::reporting::authority::may_define_forms;
use innozone_i18n::{Lang, Localize};
use serde::Deserialize;

use super::editing::{
    SourceForm, VersionRow, check_answer, toml_download, upload_text, version_id, version_rows,
};
use super::format::unit_symbol;
use crate::auth::CurrentUser;
use crate::error::WebError;
use crate::files::{Audience, read_multipart};
use crate::language::Language;
use crate::state::AppState;
use crate::views::{Chrome, redirect_htmx, render};

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
    may_read(&user)?;
    let overview = catalogue_overview(state.store()).await?;
    let catalogue = overview.catalogue;
    let broken = overview.broken.map(|e| e.localize(lang));
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
        versions: version_rows(&overview.saved.versions),
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
        source: overview
            .saved
            .in_force
            .map(|r| r.source)
            .unwrap_or_default(),
        chrome: Chrome::new(lang, Some(&user), "monitoring"),
    };
    Ok(render(&page)?.into_response())
}

fn checked_text(catalogue: &Catalogue, lang: Lang) -> String {
    lang.t_with(
        "monitoring.catalogue.check_ok",
        &[
            ("indicators", catalogue.indicators.len().to_string()),
            ("statistics", catalogue.statistics.len().to_string()),
        ],
    )
}

/// Checks a catalogue typed into the page against the installed forms; nothing is saved.
pub async fn check(
    State(state): State<AppState>,
    Language(lang): Language,
    user: CurrentUser,
    PostedForm(f): PostedForm<SourceForm>,
) -> Result<Response, WebError> {
    if !may_define_forms(&user.principal) {
        return Err(WebError::Forbidden);
    }
    let result = check_catalogue(state.store(), &f.source)
        .await
        .map(|c| checked_text(&c, lang));
    check_answer(lang, &user, None, result)
}

/// Installs the catalogue typed into the page; the page reloads with it in force.
pub async fn install(
    State(state): State<AppState>,
    Language(lang): Language,
    user: CurrentUser,
    PostedForm(f): PostedForm<SourceForm>,
) -> Result<Response, WebError> {
    match install_catalogue(state.store(), &user.principal, &f.source).await {
        Ok((_, record)) => redirect_htmx(&format!("/monitoring/catalogue?installed={}", record.id)),
        Err(e) => check_answer(lang, &user, None, Err(e)),
    }
}

/// A catalogue file uploaded: checked only (`mode=check`) or installed.
pub async fn upload(
    State(state): State<AppState>,
    Language(lang): Language,
    user: CurrentUser,
    multipart: Multipart,
) -> Result<Response, WebError> {
    if !may_define_forms(&user.principal) {
        return Err(WebError::Forbidden);
    }
    let upload = read_multipart(multipart, Audience::Page).await?;
    let source = upload_text(upload.bytes)?;
    let file = Some(upload.file_name);
    if upload.dry_run {
        let result = check_catalogue(state.store(), &source)
            .await
            .map(|c| checked_text(&c, lang));
        return check_answer(lang, &user, file, result);
    }
    match install_catalogue(state.store(), &user.principal, &source).await {
        Ok((_, record)) => redirect_htmx(&format!("/monitoring/catalogue?installed={}", record.id)),
        Err(e) => check_answer(lang, &user, file, Err(e)),
    }
}

/// One saved version of the catalogue, as written.
pub async fn version(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(file): Path<String>,
) -> Result<Response, WebError> {
    may_read(&user)?;
    let id = version_id(&file)?;
    let record = catalogue_version(state.store(), id).await?;
    Ok(toml_download(
        &record.source,
        &format!("indicators-{id}.toml"),
    ))
}
