//! One enterprise's year against every tier of the ladder (对标), a fragment of the
//! enterprise page: each tier's status, its largest gap and every criterion's result in
//! words, for a year chosen on the fragment.

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use innozone_app::clock::today;
use innozone_app::cultivation::checks::{EnterpriseChecks, enterprise_checks};
use innozone_domain::registry::EnterpriseId;
use innozone_i18n::Lang;
use serde::Deserialize;

use crate::auth::CurrentUser;
use crate::error::WebError;
use crate::language::Language;
use crate::state::AppState;
use crate::views::{Chrome, render};

pub fn router() -> Router<AppState> {
    Router::new().route("/cultivation/enterprises/{id}/checks", get(checks_fragment))
}

#[derive(Deserialize, Default)]
struct ChecksQuery {
    year: Option<i32>,
}

/// One tier's row, in the user's language.
struct TierRow {
    code: &'static str,
    name: String,
    held: bool,
    status_code: &'static str,
    status: String,
    gap: String,
    lacks: String,
    /// (outcome, text) of each criterion.
    criteria: Vec<(&'static str, String)>,
}

#[derive(Template)]
#[template(path = "cultivation_checks.html")]
struct ChecksFragment {
    chrome: Chrome,
    enterprise: i64,
    year: i32,
    years: Vec<i32>,
    hint: String,
    filed: String,
    has_filing: bool,
    rows: Vec<TierRow>,
}

fn rows(lang: Lang, checks: &EnterpriseChecks) -> Vec<TierRow> {
    let english = lang == Lang::En;
    checks
        .tiers
        .iter()
        .map(|t| TierRow {
            code: t.tier.code(),
            name: if english { t.en.clone() } else { t.zh.clone() },
            held: t.held,
            status_code: t.status,
            status: lang.t(&format!("cultivation.candidates.status.{}", t.status)),
            gap: match (t.status, t.distance) {
                ("missed", Some(d)) => format!("{:.1}%", d * 100.0),
                _ => String::new(),
            },
            lacks: if t.lacks.is_empty() {
                String::new()
            } else {
                let names: Vec<String> = t
                    .lacks
                    .iter()
                    .map(|x| lang.t(&format!("tier.{}", x.code())))
                    .collect();
                lang.t_with("cultivation.checks.lacks", &[("tiers", names.join("、"))])
            },
            criteria: t
                .criteria
                .iter()
                .map(|c| {
                    let text = if english { &c.text_en } else { &c.text_zh };
                    (c.outcome, text.clone())
                })
                .collect(),
        })
        .collect()
}

async fn checks_fragment(
    State(state): State<AppState>,
    Language(lang): Language,
    user: CurrentUser,
    Path(id): Path<i64>,
    Query(q): Query<ChecksQuery>,
) -> Result<Response, WebError> {
    let last = today().year() - 1;
    let year = q.year.filter(|y| (2000..=last).contains(y)).unwrap_or(last);
    let hierarchy = state.hierarchy().await?;
    let checks = enterprise_checks(
        state.store(),
        &hierarchy,
        &user.principal,
        EnterpriseId(id),
        year,
        today(),
    )
    .await?;
    let filed: Vec<String> = (0..3)
        .filter(|&i| checks.filed[i])
        .map(|i| (year - i as i32).to_string())
        .collect();
    Ok(render(&ChecksFragment {
        chrome: Chrome::new(lang, Some(&user), "enterprises"),
        enterprise: id,
        year,
        years: (last - 9..=last).rev().collect(),
        hint: lang.t_with(
            "cultivation.checks.hint",
            &[("version", checks.ladder_version.to_string())],
        ),
        filed: lang.t_with(
            "cultivation.checks.filed",
            &[(
                "years",
                if filed.is_empty() {
                    "—".to_string()
                } else {
                    filed.join("、")
                },
            )],
        ),
        has_filing: checks.filed[0],
        rows: rows(lang, &checks),
    })?
    .into_response())
}
