//! The candidate list of a tier (培育对象) and its warning list (预警: recognised
//! enterprises whose filings no longer meet a quantitative criterion), as pages and xlsx.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use innozone_app::clock::today;
use innozone_app::cultivation::{CandidateList, candidates, ladder_in_force, list_sheet, warnings};
use innozone_app::registry::sheet_bytes;
use innozone_domain::registry::Tier;
use innozone_exchange::FileFormat;
use innozone_i18n::Lang;
use serde::Deserialize;

use crate::auth::CurrentUser;
use crate::error::WebError;
use crate::files::attachment;
use crate::language::Language;
use crate::state::AppState;
use crate::views::{Chrome, render};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/cultivation/candidates", get(candidates_page))
        .route("/cultivation/candidates.xlsx", get(candidates_xlsx))
        .route("/cultivation/warnings", get(warnings_page))
        .route("/cultivation/warnings.xlsx", get(warnings_xlsx))
}

#[derive(Deserialize, Default)]
struct ListQuery {
    tier: Option<String>,
    year: Option<i32>,
    /// The largest relative gap to a threshold still listed (0.2: 20 %).
    distance: Option<f64>,
}

impl ListQuery {
    fn tier(&self) -> Result<Tier, WebError> {
        match self.tier.as_deref().map(str::trim) {
            None | Some("") => Ok(Tier::HighTech),
            Some(code) => Tier::ALL
                .into_iter()
                .find(|t| t.code() == code)
                .ok_or(WebError::NotFound),
        }
    }

    fn year(&self) -> i32 {
        self.year
            .filter(|y| (2000..=2100).contains(y))
            .unwrap_or_else(|| today().year() - 1)
    }

    fn distance(&self) -> f64 {
        self.distance
            .filter(|d| d.is_finite())
            .unwrap_or(0.2)
            .clamp(0.0, 10.0)
    }

    fn link(&self, tier: Tier, year: i32, distance: f64) -> String {
        format!("tier={}&year={year}&distance={distance}", tier.code())
    }
}

/// One row of the table, in the user's language.
struct Row {
    enterprise: i64,
    name: String,
    credit_code: String,
    park: String,
    status: String,
    distance: String,
    cells: Vec<String>,
}

#[derive(Template)]
#[template(path = "cultivation_candidates.html")]
struct ListPage {
    chrome: Chrome,
    warnings: bool,
    tiers: Vec<(String, String)>,
    tier: String,
    tier_name: String,
    year: i32,
    distance: f64,
    query: String,
    headers: Vec<String>,
    rows: Vec<Row>,
}

fn status_label(lang: Lang, status: &str) -> String {
    lang.t(&format!("cultivation.candidates.status.{status}"))
}

fn distance_text(distance: Option<f64>) -> String {
    distance.map_or_else(|| "—".to_string(), |d| format!("{:.1}%", d * 100.0))
}

/// The tiers of the ladder in force, in its order, as (code, name in the user's language):
/// what the tier selector offers.
async fn ladder_tiers(state: &AppState, lang: Lang) -> Result<Vec<(String, String)>, WebError> {
    let (set, _) = ladder_in_force(state.store()).await?;
    Ok(set
        .tiers
        .iter()
        .map(|t| {
            let name = if lang.is_english() { &t.en } else { &t.zh };
            (t.tier.code().to_string(), name.clone())
        })
        .collect())
}

fn page(
    lang: Lang,
    user: &CurrentUser,
    tiers: Vec<(String, String)>,
    list: CandidateList,
    warnings: bool,
    query: String,
) -> Result<Response, WebError> {
    let english = lang.is_english();
    let headers = list
        .entries
        .first()
        .map(|e| {
            e.criteria
                .iter()
                .map(|c| if english { c.en.clone() } else { c.zh.clone() })
                .collect()
        })
        .unwrap_or_default();
    let pending = lang.t("cultivation.candidates.review");
    let rows = list
        .entries
        .iter()
        .map(|e| Row {
            enterprise: e.enterprise.0,
            name: e.name.clone(),
            credit_code: e.credit_code.clone(),
            park: e.park_name.clone(),
            status: status_label(lang, e.status),
            distance: distance_text(e.distance),
            cells: e
                .criteria
                .iter()
                .map(|c| match (c.qualitative, english) {
                    (true, _) => pending.clone(),
                    (false, true) => c.text_en.clone(),
                    (false, false) => c.text_zh.clone(),
                })
                .collect(),
        })
        .collect();
    Ok(render(&ListPage {
        chrome: Chrome::new(lang, Some(user), "cultivation"),
        warnings,
        tiers,
        tier: list.tier.code().to_string(),
        tier_name: if english { list.tier_en } else { list.tier_zh },
        year: list.year,
        distance: list.max_distance,
        query,
        headers,
        rows,
    })?
    .into_response())
}

async fn candidates_page(
    State(state): State<AppState>,
    Language(lang): Language,
    user: CurrentUser,
    Query(q): Query<ListQuery>,
) -> Result<Response, WebError> {
    let (tier, year, distance) = (q.tier()?, q.year(), q.distance());
    let hierarchy = state.hierarchy().await?;
    let list = candidates(
        state.store(),
        &hierarchy,
        &user.principal,
        tier,
        year,
        distance,
    )
    .await?;
    let tiers = ladder_tiers(&state, lang).await?;
    page(
        lang,
        &user,
        tiers,
        list,
        false,
        q.link(tier, year, distance),
    )
}

async fn warnings_page(
    State(state): State<AppState>,
    Language(lang): Language,
    user: CurrentUser,
    Query(q): Query<ListQuery>,
) -> Result<Response, WebError> {
    let (tier, year) = (q.tier()?, q.year());
    let hierarchy = state.hierarchy().await?;
    let list = warnings(state.store(), &hierarchy, &user.principal, tier, year).await?;
    let tiers = ladder_tiers(&state, lang).await?;
    page(lang, &user, tiers, list, true, q.link(tier, year, 0.0))
}

fn download(lang: Lang, list: &CandidateList, warnings: bool) -> Result<Response, WebError> {
    let kind = if warnings { "warnings" } else { "candidates" };
    let sheet_name = lang.t(&format!("cultivation.candidates.{kind}_sheet"));
    let sheet = list_sheet(list, &sheet_name, |s| status_label(Lang::ZhCn, s));
    let bytes = sheet_bytes(&sheet, FileFormat::Xlsx)?;
    let name = format!(
        "{}-{}-{}.xlsx",
        lang.t(&format!("cultivation.candidates.{kind}_file")),
        list.tier.code(),
        list.year
    );
    Ok(attachment(bytes, &name, FileFormat::Xlsx))
}

async fn candidates_xlsx(
    State(state): State<AppState>,
    Language(lang): Language,
    user: CurrentUser,
    Query(q): Query<ListQuery>,
) -> Result<Response, WebError> {
    let (tier, year, distance) = (q.tier()?, q.year(), q.distance());
    let hierarchy = state.hierarchy().await?;
    let list = candidates(
        state.store(),
        &hierarchy,
        &user.principal,
        tier,
        year,
        distance,
    )
    .await?;
    download(lang, &list, false)
}

async fn warnings_xlsx(
    State(state): State<AppState>,
    Language(lang): Language,
    user: CurrentUser,
    Query(q): Query<ListQuery>,
) -> Result<Response, WebError> {
    let (tier, year) = (q.tier()?, q.year());
    let hierarchy = state.hierarchy().await?;
    let list = warnings(state.store(), &hierarchy, &user.principal, tier, year).await?;
    download(lang, &list, true)
}
