//! The kept runs a user may read, by scheme and year (the newest run of a year first, the
//! earlier ones of the same year listed as superseded), the form with which zone staff run
//! a scheme for a year, and the links to the development index and to the schemes, the
//! entered values and the evaluation of a file.

use std::collections::HashMap;

use askama::Template;
use axum::Form as PostedForm;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use innozone_app::evaluation::{installed_schemes, may_run, visible_runs};
use innozone_app::monitoring::Basis;
use innozone_domain::registry::{UnitId, UnitKind};
use innozone_domain::reporting::Period;
use serde::Deserialize;

use super::{period_label, reads_results};
use crate::auth::CurrentUser;
use crate::error::{Problem, WebError, urlencode};
use crate::language::Language;
use crate::state::AppState;
use crate::views::{Chrome, redirect_htmx, render};

/// The years a run may be asked for.
const YEARS: std::ops::RangeInclusive<i32> = 1990..=2100;

pub struct RunLink {
    pub id: i64,
    pub created: String,
    pub by: String,
}

pub struct YearGroup {
    pub period: String,
    pub scope: String,
    pub basis: String,
    pub current: RunLink,
    pub superseded: Vec<RunLink>,
}

pub struct SchemeGroup {
    pub code: String,
    pub name: String,
    pub years: Vec<YearGroup>,
}

pub struct IndexLink {
    pub name: String,
    pub link: String,
}

#[derive(Template)]
#[template(path = "evaluation_runs.html")]
struct RunsPage {
    chrome: Chrome,
    schemes: Vec<SchemeGroup>,
    index_links: Vec<IndexLink>,
    /// (code, name, selected) of the schemes that can be run.
    runnable: Vec<(String, String, bool)>,
    /// (id, name) of the zones the user may run a scheme for.
    zones: Vec<(i64, String)>,
    default_year: i32,
}

pub async fn page(
    State(state): State<AppState>,
    Language(lang): Language,
    user: CurrentUser,
) -> Result<Response, WebError> {
    if !reads_results(&user.principal) {
        return Err(WebError::Forbidden);
    }
    let store = state.store();
    let english = lang.is_english();
    let hierarchy = state.hierarchy().await?;
    let installed = installed_schemes(store).await?;
    let names: HashMap<&str, String> = installed
        .iter()
        .map(|(s, _)| (s.code.as_str(), s.name(english).to_string()))
        .collect();
    let runs = visible_runs(store, &hierarchy, &user.principal).await?;

    // Newest first: the first run met of a scheme, scope, basis and year is the one in
    // force, the later ones met are the earlier runs it superseded.
    let mut schemes: Vec<SchemeGroup> = Vec::new();
    let mut keys: Vec<Vec<(UnitId, String, Period)>> = Vec::new();
    for r in &runs {
        let s = match schemes.iter().position(|g| g.code == r.scheme) {
            Some(s) => s,
            None => {
                schemes.push(SchemeGroup {
                    code: r.scheme.clone(),
                    name: names
                        .get(r.scheme.as_str())
                        .cloned()
                        .unwrap_or_else(|| r.scheme.clone()),
                    years: Vec::new(),
                });
                keys.push(Vec::new());
                schemes.len() - 1
            }
        };
        let link = RunLink {
            id: r.id,
            created: innozone_app::clock::format_unix(r.created_at),
            by: r.created_by.clone(),
        };
        let key = (r.scope, r.basis.clone(), r.period);
        match keys[s].iter().position(|k| *k == key) {
            Some(y) => schemes[s].years[y].superseded.push(link),
            None => {
                keys[s].push(key);
                schemes[s].years.push(YearGroup {
                    period: period_label(r.period, lang),
                    scope: hierarchy
                        .unit(r.scope)
                        .map(|u| u.display_name(english).to_string())
                        .unwrap_or_default(),
                    basis: lang.t(&format!("monitoring.basis.{}", r.basis)),
                    current: link,
                    superseded: Vec::new(),
                });
            }
        }
    }
    for (group, keys) in schemes.iter_mut().zip(&keys) {
        let mut order: Vec<usize> = (0..group.years.len()).collect();
        // The latest year first; the order met (newest run first) otherwise.
        order.sort_by_key(|&y| std::cmp::Reverse(keys[y].2.year()));
        let mut years: Vec<Option<YearGroup>> = group.years.drain(..).map(Some).collect();
        group.years = order.into_iter().filter_map(|y| years[y].take()).collect();
    }

    // The index: of the user's own unit, or of the first zone for those bound to none.
    let index_unit = user
        .principal
        .home_unit()
        .and_then(|u| hierarchy.unit(u))
        .or_else(|| {
            let mut zones: Vec<_> = hierarchy
                .units()
                .filter(|u| u.kind == UnitKind::Zone)
                .collect();
            zones.sort_by(|a, b| a.code.cmp(&b.code));
            zones.into_iter().next()
        })
        .map(|u| u.code.to_string());
    let index_links = match &index_unit {
        Some(unit) => installed
            .iter()
            .filter(|(s, _)| s.base_year.is_some())
            .map(|(s, _)| IndexLink {
                name: s.name(english).to_string(),
                link: format!(
                    "/evaluation/index?scheme={}&unit={}",
                    urlencode(&s.code),
                    urlencode(unit)
                ),
            })
            .collect(),
        None => Vec::new(),
    };

    let today = innozone_app::clock::today();
    let default_year = today.year() - 1;
    let mut zones: Vec<_> = hierarchy
        .units()
        .filter(|u| u.kind == UnitKind::Zone)
        .filter(|u| {
            may_run(
                &user.principal,
                u.id,
                &hierarchy,
                Period::Year(default_year),
            )
        })
        .collect();
    zones.sort_by(|a, b| a.code.cmp(&b.code));
    let zones: Vec<(i64, String)> = zones
        .into_iter()
        .map(|u| (u.id.0, u.display_name(english).to_string()))
        .collect();
    // A scheme of parks is what is run; a development index's scheme can be run too, but
    // is not offered first.
    let mut runnable: Vec<(String, String, bool)> = installed
        .iter()
        .map(|(s, _)| (s.code.clone(), s.name(english).to_string(), false))
        .collect();
    runnable.sort_by_key(|(code, _, _)| {
        installed
            .iter()
            .find(|(s, _)| &s.code == code)
            .is_some_and(|(s, _)| s.base_year.is_some())
    });
    if let Some(first) = runnable.first_mut() {
        first.2 = true;
    }
    let page = RunsPage {
        chrome: Chrome::new(lang, Some(&user), "evaluation"),
        schemes,
        index_links,
        runnable,
        zones,
        default_year,
    };
    Ok(render(&page)?.into_response())
}

#[derive(Debug, Deserialize)]
pub struct EvaluateForm {
    pub scheme: String,
    pub scope: i64,
    pub year: i32,
    #[serde(default)]
    pub basis: String,
}

/// Runs a scheme for a year and opens the run; a run on unchanged data opens the run
/// already kept, saying so.
pub async fn evaluate(
    State(state): State<AppState>,
    user: CurrentUser,
    PostedForm(f): PostedForm<EvaluateForm>,
) -> Result<Response, WebError> {
    if !YEARS.contains(&f.year) {
        return Err(WebError::BadRequest(Problem::Key(
            "evaluation.page.bad_year",
            vec![
                ("from", YEARS.start().to_string()),
                ("to", YEARS.end().to_string()),
            ],
        )));
    }
    let done = innozone_app::evaluation::evaluate(
        state.store(),
        &state.monitor,
        &user.principal,
        &f.scheme,
        UnitId(f.scope),
        Period::Year(f.year),
        Basis::parse(&f.basis),
    )
    .await?;
    let target = if done.created {
        format!("/evaluation/runs/{}", done.run.id)
    } else {
        format!("/evaluation/runs/{}?unchanged=1", done.run.id)
    };
    redirect_htmx(&target)
}
