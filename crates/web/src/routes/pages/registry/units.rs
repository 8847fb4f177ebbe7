//! The hierarchy as a tree, each unit's page, and the forms that edit units.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use innozone_app::clock::today;
use innozone_app::registry::{
    ChildSummary, UnitOverview, UnitTree, form_table, import_units, subtree_figures, unit_overview,
    unit_tree,
};
use innozone_domain::Date;
use innozone_domain::registry::import::parse_date;
use innozone_domain::registry::{Enterprise, Hierarchy, SpatialRole, Unit, UnitId, UnitKind};
use innozone_store::{EnterpriseQuery, UnitFigures};
use serde::Deserialize;

use crate::auth::CurrentUser;
use crate::error::WebError;
use crate::language::Language;
use crate::state::AppState;
use crate::views::{Chrome, form_problems, grouped, redirect_htmx, render};

pub struct TreeRow {
    pub depth: usize,
    pub unit: Unit,
    pub figures: UnitFigures,
    pub children: usize,
}

impl TreeRow {
    pub fn indent(&self) -> usize {
        self.depth * 20
    }
}

#[derive(Template)]
#[template(path = "tree.html")]
struct TreePage {
    chrome: Chrome,
    date: Date,
    is_today: bool,
    rows: Vec<TreeRow>,
    detached: Vec<Unit>,
}

impl TreePage {
    fn n(&self, v: impl std::borrow::Borrow<i64>) -> String {
        grouped(*v.borrow())
    }
}

#[derive(Deserialize)]
pub struct DateQuery {
    date: Option<String>,
}

fn flatten(
    hierarchy: &Hierarchy,
    tree: &innozone_domain::registry::Tree,
    root: UnitId,
    depth: usize,
    direct: &HashMap<UnitId, UnitFigures>,
    out: &mut Vec<TreeRow>,
) {
    let Some(unit) = hierarchy.unit(root) else {
        return;
    };
    out.push(TreeRow {
        depth,
        unit: unit.clone(),
        figures: subtree_figures(tree, root, direct),
        children: tree.children(root).len(),
    });
    for c in tree.children(root) {
        flatten(hierarchy, tree, *c, depth + 1, direct, out);
    }
}

pub async fn tree(
    State(state): State<AppState>,
    Language(lang): Language,
    user: CurrentUser,
    Query(q): Query<DateQuery>,
) -> Result<Response, WebError> {
    let p = &user.principal;
    let today = today();
    let date = match q.date.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
        None => today,
        Some(text) => parse_date(text).ok_or_else(|| {
            WebError::BadRequest(crate::error::Problem::Key(
                "tree.bad_date",
                vec![("value", text.to_string())],
            ))
        })?,
    };
    let hierarchy = state.hierarchy().await?;
    let tree = hierarchy.as_of(date);
    let UnitTree { roots, direct } = unit_tree(state.store(), p, &tree, date).await?;
    let mut rows = Vec::new();
    for r in roots {
        flatten(&hierarchy, &tree, r, 0, &direct, &mut rows);
    }
    let detached = if p.home_unit().is_none() {
        tree.detached
            .iter()
            .filter_map(|u| hierarchy.unit(*u).cloned())
            .collect()
    } else {
        Vec::new()
    };
    let page = TreePage {
        chrome: Chrome::new(lang, Some(&user), "units"),
        date,
        is_today: date == today,
        rows,
        detached,
    };
    Ok(render(&page)?.into_response())
}

#[derive(Template)]
#[template(path = "unit.html")]
struct UnitPage {
    chrome: Chrome,
    o: UnitOverview,
    enterprises: Vec<Enterprise>,
    enterprise_total: i64,
    park_names: HashMap<UnitId, String>,
    kinds: Vec<UnitKind>,
    roles: Vec<SpatialRole>,
    today: Date,
}

impl UnitPage {
    fn n(&self, v: impl std::borrow::Borrow<i64>) -> String {
        grouped(*v.borrow())
    }
    fn kind_selected(&self, k: &UnitKind) -> &'static str {
        if *k == self.o.unit.kind {
            "selected"
        } else {
            ""
        }
    }
    fn may_contain(&self, k: &UnitKind) -> bool {
        self.o.unit.kind.may_contain(*k)
    }
    fn child_n(&self, c: &ChildSummary) -> String {
        grouped(c.figures.enterprises)
    }
    fn park_name(&self, e: &Enterprise) -> String {
        e.park
            .and_then(|p| self.park_names.get(&p).cloned())
            .unwrap_or_default()
    }
    fn leading(&self) -> String {
        self.o.unit.leading_industries.join("、")
    }
    fn area(&self) -> String {
        self.o
            .unit
            .area_km2
            .map(|a| a.to_string())
            .unwrap_or_default()
    }
    fn population_grouped(&self) -> String {
        self.o
            .unit
            .population
            .map(grouped)
            .unwrap_or_else(|| "—".to_string())
    }
    fn population(&self) -> String {
        self.o
            .unit
            .population
            .map(|a| a.to_string())
            .unwrap_or_default()
    }
    fn role_code(&self) -> &'static str {
        self.o.unit.spatial_role.map(|r| r.code()).unwrap_or("")
    }
    fn until_text(&self, until: &Option<Date>) -> String {
        until
            .map(|d| d.to_string())
            .unwrap_or_else(|| self.chrome.t("unit.membership_open"))
    }
}

fn find_unit<'a>(hierarchy: &'a Hierarchy, code: &str) -> Result<&'a Unit, WebError> {
    hierarchy.unit_by_code(code).ok_or(WebError::NotFound)
}

pub async fn page(
    State(state): State<AppState>,
    Language(lang): Language,
    user: CurrentUser,
    Path(code): Path<String>,
) -> Result<Response, WebError> {
    let hierarchy = state.hierarchy().await?;
    let unit = find_unit(&hierarchy, &code)?.id;
    let today = today();
    let o = unit_overview(state.store(), &user.principal, &hierarchy, unit, today).await?;
    let (enterprises, enterprise_total) = if user.principal.sees_enterprises() {
        let q = EnterpriseQuery {
            today: Some(today),
            limit: 10,
            ..Default::default()
        };
        let list = innozone_app::registry::search_enterprises(
            state.store(),
            &user.principal,
            &hierarchy.as_of(today),
            q,
            Some(unit),
        )
        .await?;
        (list.items, list.total)
    } else {
        (Vec::new(), 0)
    };
    let park_names = hierarchy
        .units()
        .map(|u| (u.id, u.name_zh.clone()))
        .collect();
    let page = UnitPage {
        chrome: Chrome::new(lang, Some(&user), "units"),
        o,
        enterprises,
        enterprise_total,
        park_names,
        kinds: UnitKind::ALL.to_vec(),
        roles: SpatialRole::ALL.to_vec(),
        today,
    };
    Ok(render(&page)?.into_response())
}

#[derive(Deserialize)]
pub struct UnitForm {
    code: Option<String>,
    name_zh: String,
    name_en: Option<String>,
    kind: String,
    area_km2: Option<String>,
    population: Option<String>,
    leading_industries: Option<String>,
    spatial_role: Option<String>,
    member_since: Option<String>,
}

fn unit_fields(code: &str, f: UnitForm, parent: Option<&str>) -> Vec<(&'static str, String)> {
    let mut fields = vec![
        ("code", code.to_string()),
        ("name_zh", f.name_zh),
        ("name_en", f.name_en.unwrap_or_default()),
        ("kind", f.kind),
        ("area_km2", f.area_km2.unwrap_or_default()),
        ("population", f.population.unwrap_or_default()),
        (
            "leading_industries",
            f.leading_industries.unwrap_or_default(),
        ),
        ("spatial_role", f.spatial_role.unwrap_or_default()),
    ];
    if let Some(p) = parent {
        fields.push(("parent_code", p.to_string()));
        fields.push(("member_since", f.member_since.unwrap_or_default()));
    }
    fields
}

/// Saves a form through the import path; answers with the located problems, or sends the
/// browser to `target`.
async fn save_units(
    state: &AppState,
    lang: innozone_i18n::Lang,
    user: &CurrentUser,
    fields: Vec<(&'static str, String)>,
    target: String,
) -> Result<Response, WebError> {
    let table = form_table(&fields);
    match import_units(state.store(), &user.principal, &table, false, today()).await {
        Ok(_) => redirect_htmx(&target),
        Err(innozone_app::AppError::Import(issues)) => form_problems(lang, user, &issues),
        Err(e) => Err(e.into()),
    }
}

pub async fn update(
    State(state): State<AppState>,
    Language(lang): Language,
    user: CurrentUser,
    Path(code): Path<String>,
    Form(f): Form<UnitForm>,
) -> Result<Response, WebError> {
    let hierarchy = state.hierarchy().await?;
    let unit = find_unit(&hierarchy, &code)?;
    if !user
        .principal
        .may_write_unit(unit.id, &hierarchy.as_of(today()))
    {
        return Err(WebError::Forbidden);
    }
    let target = format!("/units/{code}");
    save_units(&state, lang, &user, unit_fields(&code, f, None), target).await
}

pub async fn create_child(
    State(state): State<AppState>,
    Language(lang): Language,
    user: CurrentUser,
    Path(parent): Path<String>,
    Form(f): Form<UnitForm>,
) -> Result<Response, WebError> {
    let hierarchy = state.hierarchy().await?;
    let unit = find_unit(&hierarchy, &parent)?;
    if !user
        .principal
        .may_create_unit_under(Some(unit.id), &hierarchy.as_of(today()))
    {
        return Err(WebError::Forbidden);
    }
    let code = f.code.clone().unwrap_or_default();
    let target = format!("/units/{}", crate::error::urlencode(code.trim()));
    save_units(
        &state,
        lang,
        &user,
        unit_fields(&code, f, Some(&parent)),
        target,
    )
    .await
}
