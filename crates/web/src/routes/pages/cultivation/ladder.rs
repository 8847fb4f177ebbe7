//! The ladder of tiers (梯度认定条件): the ladder in force with where it comes from (a
//! version the zone installed, or the one shipped with the software), each tier with its
//! level, authority, validity, the tiers it requires and its criteria; every installed
//! version as its file; and, for zone staff and administrators, a new version checked and
//! installed, pasted or uploaded. A file that does not hold is refused whole with its line
//! and column, and nothing is saved. The use cases of `innozone_app::cultivation::ladder`
//! decide who may do what.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use innozone_app::cultivation::ladder::{SHIPPED, current_ladder, ladder_versions};
use innozone_app::cultivation::may_read_lists;
use innozone_app::definitions::{DefinitionVersion, TierLadder};
use innozone_domain::cultivation::{Test, TierSet};
use innozone_domain::reporting::authority::may_define_forms;
use innozone_i18n::Lang;
use serde::Deserialize;

use crate::auth::CurrentUser;
use crate::error::WebError;
use crate::language::Language;
use crate::routes::pages::definitions::{self, DefinitionPage, toml_download};
use crate::state::AppState;
use crate::views::{Chrome, render};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/cultivation/ladder", get(page))
        .route(
            "/cultivation/ladder/check",
            post(definitions::check::<TierLadder>),
        )
        .route(
            "/cultivation/ladder/install",
            post(definitions::install::<TierLadder>),
        )
        .route(
            "/cultivation/ladder/upload",
            post(definitions::upload::<TierLadder>),
        )
        .route("/cultivation/ladder/shipped.toml", get(shipped))
        .route(
            "/cultivation/ladder/versions/{file}",
            get(definitions::download::<TierLadder>),
        )
}

/// The menu entry these pages belong to.
const ACTIVE: &str = "cultivation";

fn may_read(user: &CurrentUser) -> Result<(), WebError> {
    if may_read_lists(&user.principal) {
        Ok(())
    } else {
        Err(WebError::Forbidden)
    }
}

struct DefinitionRow {
    code: String,
    name: String,
    formula: String,
}

struct CriterionRow {
    code: String,
    name: String,
    /// The rule as written; empty for a qualitative criterion.
    rule: String,
    measure: String,
    threshold: String,
    qualitative: bool,
    confirm_only: bool,
    basis: String,
    description: String,
}

struct TierRow {
    code: String,
    name: String,
    level: u32,
    authority: String,
    validity: String,
    requires: String,
    criteria: Vec<CriterionRow>,
}

struct VersionRow {
    version: u32,
    form: String,
    installed_at: String,
    installed_by: String,
    current: bool,
}

#[derive(Template)]
#[template(path = "cultivation_ladder.html")]
struct LadderPage {
    chrome: Chrome,
    version: u32,
    form: String,
    /// Who installed the version in force and when; `None`: the shipped ladder.
    installed: Option<String>,
    definitions: Vec<DefinitionRow>,
    tiers: Vec<TierRow>,
    versions: Vec<VersionRow>,
    /// Just installed (`?installed=2`).
    notice: Option<String>,
    may_install: bool,
}

fn tier_rows(set: &TierSet, lang: Lang) -> Vec<TierRow> {
    let english = lang.is_english();
    let name = |zh: &str, en: &str| {
        if english {
            en.to_string()
        } else {
            zh.to_string()
        }
    };
    set.tiers
        .iter()
        .map(|t| TierRow {
            code: t.tier.code().to_string(),
            name: name(&t.zh, &t.en),
            level: t.level,
            authority: t.authority.clone(),
            validity: match t.valid_years {
                Some(years) if years > 0 => lang.t_with(
                    "cultivation.ladder.valid_years",
                    &[("years", years.to_string())],
                ),
                _ => lang.t("cultivation.ladder.no_expiry"),
            },
            requires: if t.requires.is_empty() {
                lang.t("cultivation.ladder.requires_none")
            } else {
                t.requires
                    .iter()
                    .map(|r| {
                        set.tier(*r)
                            .map_or_else(|| r.code().to_string(), |d| name(&d.zh, &d.en))
                    })
                    .collect::<Vec<_>>()
                    .join(if english { ", " } else { "、" })
            },
            criteria: t
                .criteria
                .iter()
                .map(|c| {
                    let (rule, measure, threshold, qualitative, confirm_only) = match &c.test {
                        Test::Qualitative => {
                            (String::new(), String::new(), String::new(), true, false)
                        }
                        Test::Quantitative(q) => (
                            q.rule.source().to_string(),
                            q.measure
                                .as_ref()
                                .map(|f| f.source().to_string())
                                .unwrap_or_default(),
                            q.threshold
                                .as_ref()
                                .map(|f| f.source().to_string())
                                .unwrap_or_default(),
                            false,
                            q.confirm_only,
                        ),
                    };
                    CriterionRow {
                        code: c.code.clone(),
                        name: name(&c.zh, &c.en),
                        rule,
                        measure,
                        threshold,
                        qualitative,
                        confirm_only,
                        basis: c.basis.clone(),
                        description: c.description.clone().unwrap_or_default(),
                    }
                })
                .collect(),
        })
        .collect()
}

#[derive(Deserialize, Default)]
struct PageQuery {
    installed: Option<u32>,
}

/// The ladder in force, its versions and, for those who may, the form for a new one.
async fn page(
    State(state): State<AppState>,
    Language(lang): Language,
    user: CurrentUser,
    Query(q): Query<PageQuery>,
) -> Result<Response, WebError> {
    may_read(&user)?;
    let store = state.store();
    let versions = ladder_versions(store, &user.principal).await?;
    let current = current_ladder(store).await?;
    let english = lang.is_english();
    let form_text = |code: &str, version: u32| {
        lang.t_with(
            "cultivation.ladder.form_version",
            &[("form", code.to_string()), ("version", version.to_string())],
        )
    };
    let form = format!(
        "{} — {}",
        form_text(&current.form.code, current.form.version),
        current.form.name(english)
    );
    let page = LadderPage {
        version: current.set.version,
        form,
        installed: current.installed.as_ref().map(|s| {
            lang.t_with(
                "cultivation.ladder.installed_by_at",
                &[
                    ("by", s.installed_by.clone()),
                    ("at", innozone_app::clock::format_unix(s.installed_at)),
                ],
            )
        }),
        definitions: current
            .set
            .definitions
            .iter()
            .map(|d| DefinitionRow {
                code: d.code.clone(),
                name: if english { d.en.clone() } else { d.zh.clone() },
                formula: d.formula.source().to_string(),
            })
            .collect(),
        tiers: tier_rows(&current.set, lang),
        versions: versions
            .iter()
            .map(|v| VersionRow {
                version: v.version,
                form: form_text(&v.form_code, v.form_version),
                installed_at: innozone_app::clock::format_unix(v.installed_at),
                installed_by: v.installed_by.clone(),
                current: current
                    .installed
                    .as_ref()
                    .is_some_and(|c| c.version == v.version),
            })
            .collect(),
        notice: q.installed.map(|v| {
            lang.t_with(
                "cultivation.ladder.installed_ok",
                &[("version", v.to_string())],
            )
        }),
        may_install: may_define_forms(&user.principal),
        chrome: Chrome::new(lang, Some(&user), ACTIVE),
    };
    Ok(render(&page)?.into_response())
}

impl DefinitionPage for TierLadder {
    const ACTIVE: &'static str = ACTIVE;

    fn summary(set: &TierSet, lang: Lang) -> String {
        let criteria = set.tiers.iter().flat_map(|t| &t.criteria);
        let qualitative = criteria
            .clone()
            .filter(|c| matches!(c.test, Test::Qualitative))
            .count();
        lang.t_with(
            "cultivation.ladder.check_ok",
            &[
                ("version", set.version.to_string()),
                ("tiers", set.tiers.len().to_string()),
                ("criteria", criteria.count().to_string()),
                ("qualitative", qualitative.to_string()),
                ("definitions", set.definitions.len().to_string()),
                ("form", set.form_code.clone()),
                ("form_version", set.form_version.to_string()),
            ],
        )
    }

    fn installed_page(version: &DefinitionVersion) -> String {
        format!("/cultivation/ladder?installed={}", version.number)
    }
}

/// The ladder shipped with the software, as a starting point for a zone's own.
async fn shipped(user: CurrentUser) -> Result<Response, WebError> {
    may_read(&user)?;
    Ok(toml_download(SHIPPED, "ladder-shipped.toml"))
}
