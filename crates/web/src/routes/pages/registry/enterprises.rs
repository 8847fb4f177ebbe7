//! The enterprise list with search, filters and paging, and the enterprise page.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use innozone_app::clock::today;
use innozone_app::registry::{
    EnterpriseDetail, enterprise_detail, enterprise_history, form_table, readable_enterprise,
    save_enterprise_form, search_enterprises,
};
use innozone_domain::registry::{
    Enterprise, EnterpriseId, Hierarchy, HighTechField, RegistrationType, SizeClass, Tier, Unit,
    UnitId,
};
use innozone_store::EnterpriseQuery;
use serde::Deserialize;

use crate::auth::CurrentUser;
use crate::error::WebError;
use crate::language::Language;
use crate::state::AppState;
use crate::views::{Chrome, form_problems, grouped, redirect_htmx, render};

pub const PAGE_SIZE: i64 = 25;

#[derive(Deserialize, Default, Clone)]
pub struct ListQuery {
    pub q: Option<String>,
    pub unit: Option<String>,
    pub industry: Option<String>,
    pub size: Option<String>,
    pub tier: Option<String>,
    pub page: Option<i64>,
}

impl ListQuery {
    fn value(v: &Option<String>) -> Option<String> {
        v.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    }

    /// The query string of these filters with another page number.
    pub fn with_page(&self, page: i64) -> String {
        let mut s = form_urlencoded::Serializer::new(String::new());
        for (k, v) in [
            ("q", &self.q),
            ("unit", &self.unit),
            ("industry", &self.industry),
            ("size", &self.size),
            ("tier", &self.tier),
        ] {
            if let Some(v) = Self::value(v) {
                s.append_pair(k, &v);
            }
        }
        s.append_pair("page", &page.to_string());
        s.finish()
    }
}

pub struct ResultsView {
    pub items: Vec<Enterprise>,
    pub total: i64,
    pub page: i64,
    pub pages: i64,
    pub park_names: HashMap<UnitId, String>,
    pub query: ListQuery,
}

impl ResultsView {
    pub fn park_name(&self, e: &Enterprise) -> String {
        e.park
            .and_then(|p| self.park_names.get(&p).cloned())
            .unwrap_or_default()
    }
    pub fn total_text(&self) -> String {
        grouped(self.total)
    }
    pub fn prev(&self) -> Option<String> {
        (self.page > 1).then(|| self.query.with_page(self.page - 1))
    }
    pub fn next(&self) -> Option<String> {
        (self.page < self.pages).then(|| self.query.with_page(self.page + 1))
    }
}

#[derive(Template)]
#[template(path = "enterprises.html")]
struct ListPage {
    chrome: Chrome,
    r: ResultsView,
    units: Vec<Unit>,
    sizes: Vec<SizeClass>,
    tiers: Vec<Tier>,
}

impl ListPage {
    fn selected(&self, field: &Option<String>, value: &str) -> &'static str {
        if field.as_deref() == Some(value) {
            "selected"
        } else {
            ""
        }
    }
}

#[derive(Template)]
#[template(path = "enterprise_rows.html")]
struct Rows {
    chrome: Chrome,
    r: ResultsView,
}

/// Parses the filters of the list; a filter that does not parse is refused with its name.
pub fn enterprise_query(
    q: &ListQuery,
    hierarchy: &Hierarchy,
) -> Result<(EnterpriseQuery, Option<UnitId>), WebError> {
    let bad = |key: &'static str, value: &str| {
        WebError::BadRequest(crate::error::Problem::Key(
            "enterprises.bad_filter",
            vec![("filter", key.to_string()), ("value", value.to_string())],
        ))
    };
    let unit = match ListQuery::value(&q.unit) {
        Some(code) => Some(
            hierarchy
                .unit_by_code(&code)
                .ok_or_else(|| bad("unit", &code))?
                .id,
        ),
        None => None,
    };
    let size_class = match ListQuery::value(&q.size) {
        Some(s) => Some(SizeClass::parse(&s).ok_or_else(|| bad("size", &s))?),
        None => None,
    };
    let tier = match ListQuery::value(&q.tier) {
        Some(s) => Some(Tier::parse(&s).ok_or_else(|| bad("tier", &s))?),
        None => None,
    };
    let industry_prefix = match ListQuery::value(&q.industry) {
        Some(s) if s.len() <= 4 && s.bytes().all(|b| b.is_ascii_digit()) => Some(s),
        Some(s) => return Err(bad("industry", &s)),
        None => None,
    };
    let page = q.page.unwrap_or(1).max(1);
    Ok((
        EnterpriseQuery {
            text: ListQuery::value(&q.q),
            industry_prefix,
            size_class,
            tier,
            today: Some(today()),
            offset: (page - 1) * PAGE_SIZE,
            limit: PAGE_SIZE,
            ..Default::default()
        },
        unit,
    ))
}

pub async fn list(
    State(state): State<AppState>,
    Language(lang): Language,
    user: CurrentUser,
    headers: HeaderMap,
    Query(q): Query<ListQuery>,
) -> Result<Response, WebError> {
    let hierarchy = state.hierarchy().await?;
    let tree = hierarchy.as_of(today());
    let (query, unit) = enterprise_query(&q, &hierarchy)?;
    let page = q.page.unwrap_or(1).max(1);
    let list = search_enterprises(state.store(), &user.principal, &tree, query, unit).await?;
    let park_names = list
        .items
        .iter()
        .filter_map(|e| e.park)
        .filter_map(|p| hierarchy.unit(p).map(|u| (p, u.name_zh.clone())))
        .collect();
    let r = ResultsView {
        pages: ((list.total + PAGE_SIZE - 1) / PAGE_SIZE).max(1),
        items: list.items,
        total: list.total,
        page,
        park_names,
        query: q,
    };
    let chrome = Chrome::new(lang, Some(&user), "enterprises");
    if headers.contains_key("hx-request") && !headers.contains_key("hx-boosted") {
        return Ok(render(&Rows { chrome, r })?.into_response());
    }
    let mut units: Vec<Unit> = hierarchy
        .units()
        .filter(|u| user.principal.may_read_unit(u.id, &tree) && tree.parent(u.id).is_some())
        .cloned()
        .collect();
    units.sort_by(|a, b| a.code.cmp(&b.code));
    let page = ListPage {
        chrome,
        r,
        units,
        sizes: SizeClass::ALL.to_vec(),
        tiers: Tier::ALL.to_vec(),
    };
    Ok(render(&page)?.into_response())
}

#[derive(Template)]
#[template(path = "enterprise.html")]
struct EnterprisePage {
    chrome: Chrome,
    d: EnterpriseDetail,
    /// The position on the ladder and the recognitions' history (`recognition_ladder.html`).
    ladder: innozone_app::cultivation::recognitions::Ladder,
    tiers: Vec<Tier>,
    sizes: Vec<SizeClass>,
    fields: Vec<HighTechField>,
    registration_types: Vec<RegistrationType>,
    parks: Vec<Unit>,
    /// An enterprise filer edits only its contacts (`FILER_MAY_CHANGE`).
    contacts_only: bool,
    /// The enterprise's revisions: every write kept with who, when, before and after.
    entries: Vec<crate::routes::pages::accounts::audit::EntryView>,
}

impl EnterprisePage {
    fn e(&self) -> &Enterprise {
        &self.d.enterprise
    }
    fn field_code(&self) -> &'static str {
        self.e().high_tech_field.map(|f| f.code()).unwrap_or("")
    }
    fn park_name(&self) -> String {
        self.d
            .park_path
            .last()
            .map(|u| u.name_zh.clone())
            .unwrap_or_else(|| "—".to_string())
    }
    fn park_code(&self) -> String {
        self.d
            .park_path
            .last()
            .map(|u| u.code.to_string())
            .unwrap_or_default()
    }
    fn industry_section(&self) -> String {
        let s = self.e().industry.section();
        if self.chrome.is_en() {
            format!("{} {}", s.letter, s.name_en)
        } else {
            format!("{} {}", s.letter, s.name_zh)
        }
    }
    fn until_text(&self, until: &Option<innozone_domain::Date>) -> String {
        until
            .map(|d| d.to_string())
            .unwrap_or_else(|| self.chrome.t("unit.membership_open"))
    }
    fn size_selected(&self, s: &SizeClass) -> &'static str {
        if *s == self.e().size_class {
            "selected"
        } else {
            ""
        }
    }
    fn registration_selected(&self, t: &RegistrationType) -> &'static str {
        if *t == self.e().registration_type {
            "selected"
        } else {
            ""
        }
    }
    fn survey_text(&self) -> String {
        self.chrome.t(if self.e().in_survey {
            "enterprise.in_survey_yes"
        } else {
            "enterprise.in_survey_no"
        })
    }
    fn survey_selected(&self, in_survey: bool) -> &'static str {
        if self.e().in_survey == in_survey {
            "selected"
        } else {
            ""
        }
    }
    fn opt(&self, v: &Option<String>) -> String {
        v.clone().unwrap_or_default()
    }
}

pub async fn page(
    State(state): State<AppState>,
    Language(lang): Language,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let hierarchy = state.hierarchy().await?;
    let today = today();
    let d = enterprise_detail(
        state.store(),
        &user.principal,
        &hierarchy,
        EnterpriseId(id),
        today,
    )
    .await?;
    let tree = hierarchy.as_of(today);
    let mut parks: Vec<Unit> = if d.may_edit {
        hierarchy
            .units()
            .filter(|u| {
                u.kind.may_host_enterprises()
                    && user.principal.may_place_enterprise_in(u.id, &tree)
                    && tree.parent(u.id).is_some()
            })
            .cloned()
            .collect()
    } else {
        Vec::new()
    };
    parks.sort_by(|a, b| a.code.cmp(&b.code));
    let entries = crate::routes::pages::accounts::audit::entry_views(
        enterprise_history(state.store(), &d.enterprise, 20).await?,
    );
    let ladder = innozone_app::cultivation::recognitions::ladder(
        state.store(),
        &user.principal,
        &hierarchy,
        EnterpriseId(id),
        today,
    )
    .await?;
    let page = EnterprisePage {
        entries,
        ladder,
        tiers: Tier::ALL.to_vec(),
        chrome: Chrome::new(lang, Some(&user), "enterprises"),
        d,
        sizes: SizeClass::ALL.to_vec(),
        fields: HighTechField::ALL.to_vec(),
        registration_types: RegistrationType::ALL.to_vec(),
        contacts_only: user.principal.binding.is_enterprise(),
        parks,
    };
    Ok(render(&page)?.into_response())
}

#[derive(Deserialize)]
pub struct EnterpriseForm {
    name: String,
    industry_code: String,
    high_tech_field: Option<String>,
    size_class: String,
    registration_type: String,
    park_code: String,
    located_since: Option<String>,
    contact_name: Option<String>,
    contact_phone: Option<String>,
    /// 是 or 否; left out, the flag stays as it is.
    in_survey: Option<String>,
}

/// Saves the enterprise form through the same parsing and checks as an import. The park
/// is kept unless the form moves the enterprise.
pub async fn update(
    State(state): State<AppState>,
    Language(lang): Language,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<EnterpriseForm>,
) -> Result<Response, WebError> {
    // Decide on scope before anything else, so that the answer to a stranger's form
    // reveals nothing about the enterprise (not even its credit code).
    let tree = state.hierarchy().await?.as_of(today());
    let stored =
        readable_enterprise(state.store(), &user.principal, &tree, EnterpriseId(id)).await?;
    if !user
        .principal
        .may_write_enterprise(stored.id, stored.park, &tree)
    {
        return Err(WebError::Forbidden);
    }
    let fields = vec![
        ("credit_code", stored.credit_code.to_string()),
        ("name", f.name),
        ("industry_code", f.industry_code),
        ("high_tech_field", f.high_tech_field.unwrap_or_default()),
        ("size_class", f.size_class),
        ("registration_type", f.registration_type),
        ("park_code", f.park_code),
        ("located_since", f.located_since.unwrap_or_default()),
        ("contact_name", f.contact_name.unwrap_or_default()),
        ("contact_phone", f.contact_phone.unwrap_or_default()),
        ("in_survey", f.in_survey.unwrap_or_default()),
    ];
    match save_enterprise_form(
        state.store(),
        &user.principal,
        &form_table(&fields),
        today(),
    )
    .await
    {
        Ok(_) => redirect_htmx(&format!("/enterprises/{id}")),
        Err(innozone_app::AppError::Import(issues)) => form_problems(lang, &user, &issues),
        Err(e) => Err(e.into()),
    }
}
