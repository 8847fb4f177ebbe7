//! Candidate and warning lists of a tier (梯度培育: 培育对象与预警): every enterprise the
//! user may see, checked on its counted (approved) annual filings of a year and the two
//! years before against the ladder in force.
//!
//! The ladder in force is the highest version the zone has installed (the shipped one,
//! `innozone_example::cultivation::TIERS`, until it installs its own), parsed against the
//! latest stored version of the Torch annual form (`torch_annual`). Filings of earlier
//! form versions are laid onto the latest version's fields by code.

use std::collections::HashMap;

use innozone_domain::accounts::{Principal, Role};
use innozone_domain::cultivation::{
    EnterpriseYear, Outcome, RegistryFacts, TierCheck, TierDefinition, TierSet, TierStatus,
};
use innozone_domain::registry::{EnterpriseId, Hierarchy, Tier, UnitId};
use innozone_domain::reporting::{Form, Period};
use innozone_exchange::{SheetData, Value};
use innozone_store::{EnterpriseQuery, Store};

use crate::AppError;

/// The form the shipped ladder's formulas read.
pub const LADDER_FORM: &str = "torch_annual";

/// One criterion's result for an enterprise.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CriterionLine {
    pub code: String,
    pub zh: String,
    pub en: String,
    /// `met`, `missed`, `unconfirmed`, `undecidable` or `qualitative`.
    pub outcome: &'static str,
    pub qualitative: bool,
    /// The result in words (`TierSet::describe`).
    pub text_zh: String,
    pub text_en: String,
    pub measure: Option<f64>,
    pub threshold: Option<f64>,
    pub shortfall: Option<f64>,
}

/// One enterprise on a candidate or warning list.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Candidate {
    pub enterprise: EnterpriseId,
    pub name: String,
    pub credit_code: String,
    pub park: UnitId,
    pub park_name: String,
    /// `met`, `met_review` (qualitative review pending), `unconfirmed`, `undecidable`,
    /// `missed` or `review_only`.
    pub status: &'static str,
    /// The largest relative gap of a missed criterion (0 when none is missed).
    pub distance: Option<f64>,
    pub criteria: Vec<CriterionLine>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CandidateList {
    pub tier: Tier,
    pub tier_zh: String,
    pub tier_en: String,
    pub year: i32,
    pub max_distance: f64,
    /// The ladder's version and the form version it reads.
    pub ladder_version: u32,
    pub form_version: u32,
    pub entries: Vec<Candidate>,
}

/// Whether the user may open the lists: administrators, zone and park staff, leadership.
pub fn may_read_lists(principal: &Principal) -> bool {
    matches!(
        principal.role,
        Role::Administrator | Role::ZoneStaff | Role::ParkStaff | Role::Leadership
    )
}

/// The ladder in force against the latest annual form: the highest version the zone
/// has installed (`cultivation::ladder::install_ladder`). The shipped ladder
/// (`innozone_example::cultivation::TIERS`) is in force until a zone installs its own.
pub async fn ladder_in_force(store: &dyn Store) -> Result<(TierSet, Form), AppError> {
    let current = crate::cultivation::ladder::current_ladder(store).await?;
    Ok((current.set, current.form))
}

/// One enterprise in scope with its registry facts.
struct Scoped {
    enterprise: innozone_domain::registry::Enterprise,
    park: UnitId,
}

/// Which list is built.
#[derive(Clone, Copy, PartialEq)]
enum List {
    Candidates(f64),
    Warnings,
}

/// The candidate list of `tier` for `year`: enterprises the user may see, located in a
/// park at the end of `year`, not holding a valid recognition of the tier then, whose
/// filings meet the tier (review pending where it has qualitative criteria), leave only
/// review to confirm, or miss it by at most `max_distance`. Meeting first, then by
/// distance.
pub async fn candidates(
    store: &dyn Store,
    hierarchy: &Hierarchy,
    principal: &Principal,
    tier: Tier,
    year: i32,
    max_distance: f64,
) -> Result<CandidateList, AppError> {
    build(
        store,
        hierarchy,
        principal,
        tier,
        year,
        List::Candidates(max_distance),
    )
    .await
}

/// The warning list of `tier` for `year`: enterprises holding a valid recognition of the
/// tier at the end of `year` whose filings miss one of its quantitative criteria.
pub async fn warnings(
    store: &dyn Store,
    hierarchy: &Hierarchy,
    principal: &Principal,
    tier: Tier,
    year: i32,
) -> Result<CandidateList, AppError> {
    build(store, hierarchy, principal, tier, year, List::Warnings).await
}

async fn build(
    store: &dyn Store,
    hierarchy: &Hierarchy,
    principal: &Principal,
    tier: Tier,
    year: i32,
    list: List,
) -> Result<CandidateList, AppError> {
    if !may_read_lists(principal) {
        return Err(AppError::Forbidden);
    }
    let (set, form) = ladder_in_force(store).await?;
    let definition = set.tier(tier).ok_or(AppError::NotFound {
        entity: "tier",
        key: tier.code().to_string(),
    })?;
    let date = Period::Year(year).last_day();
    let tree = hierarchy.as_of(date);

    // The enterprises located in a park at the end of the year that the user may read.
    let located: HashMap<EnterpriseId, UnitId> = store
        .located_on(date)
        .await?
        .into_iter()
        .filter(|(e, park, _)| principal.may_read_enterprise(*e, Some(*park), &tree))
        .map(|(e, park, _)| (e, park))
        .collect();
    let scope = crate::registry::enterprise_scope(principal, &tree)?;
    let query = EnterpriseQuery {
        units: scope.units,
        only: scope.only,
        today: Some(date),
        limit: i64::from(u32::MAX),
        ..EnterpriseQuery::default()
    };
    let mut scoped: Vec<Scoped> = store
        .search_enterprises(&query)
        .await?
        .items
        .into_iter()
        .filter_map(|e| {
            let park = *located.get(&e.id)?;
            Some(Scoped {
                enterprise: e,
                park,
            })
        })
        .collect();
    scoped.retain(|s| {
        let holds = s.enterprise.tiers.contains(&tier);
        match list {
            List::Candidates(_) => !holds,
            List::Warnings => holds,
        }
    });

    // The counted filings of the three years, once per period, laid onto the form's fields.
    let mut years: Vec<HashMap<EnterpriseId, Vec<Option<f64>>>> = Vec::with_capacity(3);
    for back in 0..3 {
        years.push(filings_of(store, &form, Period::Year(year - back)).await?);
    }

    let mut entries = Vec::new();
    for s in &scoped {
        let id = s.enterprise.id;
        let facts = EnterpriseYear {
            year,
            filings: [0, 1, 2].map(|i| years[i].get(&id).map(Vec::as_slice)),
            registry: RegistryFacts::of(&s.enterprise),
        };
        let check = set.check_tier(definition, &facts);
        let keep = match list {
            List::Candidates(max) => {
                check.summary.lacks.is_empty()
                    && match check.summary.status {
                        TierStatus::Met { .. } | TierStatus::Unconfirmed => true,
                        TierStatus::Missed => check.summary.distance.is_some_and(|d| d <= max),
                        TierStatus::Undecidable | TierStatus::ReviewOnly => false,
                    }
            }
            List::Warnings => check
                .criteria
                .iter()
                .any(|c| matches!(c.outcome, Outcome::Missed(_))),
        };
        if keep {
            entries.push(entry(&set, definition, s, &check, hierarchy));
        }
    }
    entries.sort_by(|a, b| {
        rank(a.status)
            .cmp(&rank(b.status))
            .then(
                a.distance
                    .unwrap_or(f64::INFINITY)
                    .total_cmp(&b.distance.unwrap_or(f64::INFINITY)),
            )
            .then_with(|| a.name.cmp(&b.name))
    });
    Ok(CandidateList {
        tier,
        tier_zh: definition.zh.clone(),
        tier_en: definition.en.clone(),
        year,
        max_distance: match list {
            List::Candidates(max) => max,
            List::Warnings => 0.0,
        },
        ladder_version: set.version,
        form_version: form.version,
        entries,
    })
}

fn rank(status: &str) -> u8 {
    match status {
        "met" => 0,
        "met_review" => 1,
        "unconfirmed" => 2,
        _ => 3,
    }
}

/// The counted (approved) filings of the form for a period, each laid onto the fields of
/// `form` by code.
pub(crate) async fn filings_of(
    store: &dyn Store,
    form: &Form,
    period: Period,
) -> Result<HashMap<EnterpriseId, Vec<Option<f64>>>, AppError> {
    let counted = store.counted_filings(&form.code, period, false).await?;
    let mut mappings: HashMap<u32, Vec<Option<usize>>> = HashMap::new();
    for c in &counted {
        if mappings.contains_key(&c.form_version) {
            continue;
        }
        let mapping = if c.form_version == form.version {
            (0..form.fields.len()).map(Some).collect()
        } else {
            match store.form(&form.code, c.form_version).await? {
                Some(v) => v
                    .fields
                    .iter()
                    .map(|d| form.fields.iter().position(|f| f.code == d.code))
                    .collect(),
                None => Vec::new(),
            }
        };
        mappings.insert(c.form_version, mapping);
    }
    Ok(counted
        .into_iter()
        .map(|c| {
            let mut row = vec![None; form.fields.len()];
            if let Some(mapping) = mappings.get(&c.form_version) {
                for (from, to) in mapping.iter().enumerate() {
                    if let (Some(to), Some(v)) = (to, c.values.0.get(from).copied().flatten()) {
                        row[*to] = Some(v);
                    }
                }
            }
            (c.enterprise, row)
        })
        .collect())
}

/// A tier's status as the lists and pages name it.
pub(crate) fn status_code(status: TierStatus) -> &'static str {
    match status {
        TierStatus::Met {
            review_pending: false,
        } => "met",
        TierStatus::Met {
            review_pending: true,
        } => "met_review",
        TierStatus::Unconfirmed => "unconfirmed",
        TierStatus::Undecidable => "undecidable",
        TierStatus::Missed => "missed",
        TierStatus::ReviewOnly => "review_only",
    }
}

/// Each criterion's result in words, in the tier's order.
pub(crate) fn criterion_lines(
    set: &TierSet,
    definition: &TierDefinition,
    check: &TierCheck,
) -> Vec<CriterionLine> {
    check
        .criteria
        .iter()
        .map(|c| {
            let criterion = &definition.criteria[c.criterion];
            let (outcome, figures) = match &c.outcome {
                Outcome::Met(f) => ("met", Some(*f)),
                Outcome::Missed(f) => ("missed", Some(*f)),
                Outcome::Unconfirmed(f) => ("unconfirmed", Some(*f)),
                Outcome::Undecidable(_) => ("undecidable", None),
                Outcome::Qualitative => ("qualitative", None),
            };
            CriterionLine {
                code: criterion.code.clone(),
                zh: criterion.zh.clone(),
                en: criterion.en.clone(),
                outcome,
                qualitative: matches!(c.outcome, Outcome::Qualitative),
                text_zh: set.describe(definition, c, false),
                text_en: set.describe(definition, c, true),
                measure: figures.and_then(|f| f.measure),
                threshold: figures.and_then(|f| f.threshold),
                shortfall: figures.and_then(|f| f.shortfall),
            }
        })
        .collect()
}

fn entry(
    set: &TierSet,
    definition: &TierDefinition,
    s: &Scoped,
    check: &TierCheck,
    hierarchy: &innozone_domain::registry::Hierarchy,
) -> Candidate {
    let status = status_code(check.summary.status);
    let criteria = criterion_lines(set, definition, check);
    Candidate {
        enterprise: s.enterprise.id,
        name: s.enterprise.details.name.clone(),
        credit_code: s.enterprise.details.credit_code.to_string(),
        park: s.park,
        park_name: hierarchy
            .unit(s.park)
            .map_or_else(String::new, |u| u.name_zh.clone()),
        status,
        distance: check.summary.distance,
        criteria,
    }
}

/// The list as a sheet: enterprise, credit code, park, status, distance (%), then one
/// column per criterion with its result in words.
pub fn list_sheet(
    list: &CandidateList,
    name: &str,
    status_label: impl Fn(&str) -> String,
) -> SheetData {
    let text = |s: &str| Value::Text(s.to_string());
    let mut headers: Vec<String> = [
        "企业名称",
        "统一社会信用代码",
        "所在园区",
        "状态",
        "差距（%）",
    ]
    .into_iter()
    .map(str::to_string)
    .collect();
    if let Some(first) = list.entries.first() {
        headers.extend(first.criteria.iter().map(|c| c.zh.clone()));
    }
    SheetData {
        name: name.to_string(),
        headers,
        rows: list
            .entries
            .iter()
            .map(|e| {
                let mut row = vec![
                    text(&e.name),
                    text(&e.credit_code),
                    text(&e.park_name),
                    text(&status_label(e.status)),
                    e.distance
                        .map_or(Value::Empty, |d| Value::Number((d * 1000.0).round() / 10.0)),
                ];
                row.extend(e.criteria.iter().map(|c| {
                    if c.qualitative {
                        text("待审核")
                    } else {
                        text(&c.text_zh)
                    }
                }));
                row
            })
            .collect(),
    }
}
