//! Targets (目标): for the units within the one chosen that the user may monitor, each
//! indicator's baseline, target points, path and warning thresholds with where they were
//! set; the versions saved; zone staff check and install a new version.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use innozone_app::AppError;
use innozone_app::definitions::{DefinitionVersion, Targets, versions};
use innozone_app::monitoring::{current_catalogue, current_targets, may_monitor};
use innozone_domain::monitoring::{Path as TargetPath, TargetPoint, TargetSet};
use innozone_domain::reporting::authority::may_define_forms;
use innozone_i18n::{Lang, Localize};
use serde::Deserialize;

use super::catalogue::may_read;
use super::format::{number, unit_symbol};
use crate::auth::CurrentUser;
use crate::error::WebError;
use crate::language::Language;
use crate::routes::pages::definitions::{DefinitionPage, VersionRow, version_rows};
use crate::routes::pages::reporting::{chosen_unit, unit_choices};
use crate::state::AppState;
use crate::views::{Chrome, render};

pub struct TargetRow {
    pub unit_code: String,
    pub unit_name: String,
    pub indicator_code: String,
    pub indicator_name: String,
    pub baseline: String,
    pub points: Vec<String>,
    pub path: String,
    pub warn: String,
    pub alarm: String,
    pub source: Option<String>,
    pub link: String,
}

pub struct UnitChoice {
    pub id: i64,
    pub label: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "monitoring_targets.html")]
struct TargetsPage {
    chrome: Chrome,
    unit_id: i64,
    unit_name: String,
    units: Vec<UnitChoice>,
    targets: Vec<TargetRow>,
    versions: Vec<VersionRow>,
    no_catalogue: bool,
    /// Why the saved targets no longer read against the catalogue, if they do not.
    broken: Option<String>,
    installed: Option<String>,
    may_define: bool,
    source: String,
}

#[derive(Deserialize, Default)]
pub struct TargetsQuery {
    unit: Option<String>,
    installed: Option<i64>,
}

fn point_text(p: TargetPoint, decimals: u8, unit: &str) -> String {
    format!("{}: {}{unit}", p.year, number(p.value, decimals))
}

fn percent(share: f64) -> String {
    format!("{}%", number(share * 100.0, 1))
}

pub async fn page(
    State(state): State<AppState>,
    Language(lang): Language,
    user: CurrentUser,
    Query(q): Query<TargetsQuery>,
) -> Result<Response, WebError> {
    may_read(&user)?;
    let store = state.store();
    let hierarchy = state.hierarchy().await?;
    let principal = &user.principal;
    let unit = chosen_unit(principal, &hierarchy, q.unit.as_deref())?;
    let tree = hierarchy.as_of(innozone_app::clock::today());
    if !may_monitor(principal, unit, &tree) {
        return Err(WebError::Forbidden);
    }
    let english = lang.is_english();
    let (catalogue, mut broken) = match current_catalogue(store).await {
        Ok(c) => (c, None),
        Err(AppError::Catalogue(e)) => (None, Some(e.localize(lang))),
        Err(e) => return Err(e.into()),
    };
    let mut targets = Vec::new();
    if let Some(catalogue) = &catalogue {
        let set = match current_targets(store, catalogue).await {
            Ok(set) => set,
            Err(AppError::Targets(e)) => {
                broken = Some(e.localize(lang));
                TargetSet::default()
            }
            Err(e) => return Err(e.into()),
        };
        for t in &set.targets {
            let Some(u) = hierarchy.unit_by_code(&t.unit) else {
                continue;
            };
            if !tree.is_within(u.id, unit) || !may_monitor(principal, u.id, &tree) {
                continue;
            }
            let Some((_, d)) = catalogue.indicator(&t.indicator) else {
                continue;
            };
            let symbol = unit_symbol(d.unit, lang);
            targets.push(TargetRow {
                unit_code: t.unit.clone(),
                unit_name: u.display_name(english).to_string(),
                indicator_code: d.code.clone(),
                indicator_name: d.name(english).to_string(),
                baseline: point_text(t.baseline, d.decimals, symbol),
                points: t
                    .points
                    .iter()
                    .map(|p| point_text(*p, d.decimals, symbol))
                    .collect(),
                path: lang.t(match t.path {
                    TargetPath::Linear => "monitoring.targets.path.linear",
                    TargetPath::Growth => "monitoring.targets.path.growth",
                }),
                warn: percent(t.thresholds.warn),
                alarm: percent(t.thresholds.alarm),
                source: t.source.clone(),
                link: format!("/monitoring?unit={}&focus={}", u.id.0, d.code),
            });
        }
    }
    let units = unit_choices(principal, &hierarchy, &tree)
        .into_iter()
        .map(|(id, name, depth)| UnitChoice {
            id: id.0,
            label: format!("{}{name}", "　".repeat(depth)),
            selected: id == unit,
        })
        .collect();
    let versions = versions::<Targets>(store, principal, "").await?;
    let page = TargetsPage {
        unit_id: unit.0,
        unit_name: hierarchy
            .unit(unit)
            .map(|u| u.display_name(english).to_string())
            .unwrap_or_default(),
        units,
        targets,
        versions: version_rows(&versions, "/monitoring/targets"),
        no_catalogue: catalogue.is_none(),
        broken,
        installed: q
            .installed
            .map(|id| lang.t_with("monitoring.targets.installed", &[("id", id.to_string())])),
        may_define: may_define_forms(principal),
        source: versions
            .first()
            .map(|v| v.source.clone())
            .unwrap_or_default(),
        chrome: Chrome::new(lang, Some(&user), "monitoring"),
    };
    Ok(render(&page)?.into_response())
}

impl DefinitionPage for Targets {
    const ACTIVE: &'static str = "monitoring";

    fn summary(set: &TargetSet, lang: Lang) -> String {
        let mut units: Vec<&str> = set.targets.iter().map(|t| t.unit.as_str()).collect();
        units.sort_unstable();
        units.dedup();
        lang.t_with(
            "monitoring.targets.check_ok",
            &[
                ("targets", set.targets.len().to_string()),
                ("units", units.len().to_string()),
            ],
        )
    }

    fn installed_page(version: &DefinitionVersion) -> String {
        format!("/monitoring/targets?installed={}", version.number)
    }
}
