//! Loading what the engine computes from: for one period, the hierarchy of its last day,
//! every enterprise located in a unit on that day with its attributes, the values each
//! counted filing carries (mapped from the version it was filed under to the catalogue's
//! field order) and the statistics entered.
//!
//! Reading (`load_period`, from a store) and building (`period_data`, from what was read)
//! are apart, so that a benchmark builds the facts of a generated data set with the same
//! code the application runs.

use std::collections::HashMap;

use innozone_domain::monitoring::{
    AttributeSet, Catalogue, FactTable, FilingRef, PeriodData, PeriodLayout, UnitIndex,
};
use innozone_domain::registry::{
    EnterpriseId, Hierarchy, IndustryCode, SizeClass, SpatialRole, Tier, Tree, UnitId,
};
use innozone_domain::reporting::Period;
use innozone_store::{CountedFiling, Store};

use crate::AppError;

/// What monitoring needs of an enterprise that does not change with the period.
#[derive(Debug, Clone)]
pub struct Profile {
    pub industry: Option<IndustryCode>,
    pub size_class: SizeClass,
}

pub(crate) async fn profiles(
    store: &dyn Store,
) -> Result<HashMap<EnterpriseId, Profile>, AppError> {
    Ok(store
        .enterprise_profiles()
        .await?
        .into_iter()
        .map(|p| {
            (
                p.id,
                Profile {
                    industry: IndustryCode::parse(&p.industry).ok(),
                    size_class: p.size_class,
                },
            )
        })
        .collect())
}

/// The counted filings of one catalogue form for a period, with the field codes of each
/// form version they were filed under.
#[derive(Debug, Clone, Default)]
pub struct FormFilings {
    /// The form's index in the catalogue.
    pub form: usize,
    pub counted: Vec<CountedFiling>,
    /// Version → its field codes, in the order of a filing's values.
    pub versions: HashMap<u32, Vec<String>>,
}

/// Everything one period's facts are built from, however it was read.
#[derive(Debug, Clone, Default)]
pub struct PeriodSource {
    /// (enterprise, unit, in survey) of every enterprise located on the period's last day.
    pub located: Vec<(EnterpriseId, UnitId, bool)>,
    /// The tiers each enterprise holds a valid recognition of on that day.
    pub tiers: HashMap<EnterpriseId, Vec<Tier>>,
    /// One entry per catalogue form of the period's type.
    pub filings: Vec<FormFilings>,
    /// (statistic code, unit, value) entered for the period.
    pub statistics: Vec<(String, UnitId, f64)>,
}

/// The spatial role of each unit on the tree's date: its own, or its nearest ancestor's.
fn roles(hierarchy: &Hierarchy, tree: &Tree) -> HashMap<UnitId, SpatialRole> {
    let mut out = HashMap::new();
    for unit in hierarchy.units() {
        let role = tree
            .path(unit.id)
            .iter()
            .rev()
            .find_map(|u| hierarchy.unit(*u).and_then(|u| u.spatial_role));
        if let Some(r) = role {
            out.insert(unit.id, r);
        }
    }
    out
}

/// Reads one period's data from the store and builds its facts.
pub(crate) async fn load_period(
    store: &dyn Store,
    catalogue: &Catalogue,
    hierarchy: &Hierarchy,
    index: &UnitIndex,
    profiles: &HashMap<EnterpriseId, Profile>,
    period: Period,
    include_unapproved: bool,
) -> Result<PeriodData, AppError> {
    let date = period.last_day();
    let located = store.located_on(date).await?;
    let mut tiers: HashMap<EnterpriseId, Vec<Tier>> = HashMap::new();
    for (e, t) in store.recognitions_on(date).await? {
        tiers.entry(e).or_default().push(t);
    }
    let mut filings = Vec::new();
    for (f, form) in catalogue.forms.iter().enumerate() {
        if form.period_type != period.period_type() {
            continue;
        }
        let counted = store
            .counted_filings(&form.code, period, include_unapproved)
            .await?;
        let mut versions: HashMap<u32, Vec<String>> = HashMap::new();
        for c in &counted {
            if versions.contains_key(&c.form_version) {
                continue;
            }
            let fields = match store.form(&form.code, c.form_version).await? {
                Some(v) => v.fields.into_iter().map(|d| d.code).collect(),
                None => Vec::new(),
            };
            versions.insert(c.form_version, fields);
        }
        filings.push(FormFilings {
            form: f,
            counted,
            versions,
        });
    }
    let statistics = store
        .statistics(&[period])
        .await?
        .into_iter()
        .filter_map(|s| Some((s.code, s.unit, s.value?)))
        .collect();
    let source = PeriodSource {
        located,
        tiers,
        filings,
        statistics,
    };
    Ok(period_data(
        catalogue, hierarchy, index, profiles, period, source,
    ))
}

/// Builds one period's facts from what was read for it: the layout of the hierarchy on
/// the period's last day, a fact table per form (every located enterprise with its
/// attributes, and its counted filing's values in the catalogue's field order) and the
/// statistics of the catalogue's codes for indexed units.
pub fn period_data(
    catalogue: &Catalogue,
    hierarchy: &Hierarchy,
    index: &UnitIndex,
    profiles: &HashMap<EnterpriseId, Profile>,
    period: Period,
    source: PeriodSource,
) -> PeriodData {
    let date = period.last_day();
    let tree = hierarchy.as_of(date);
    let layout = PeriodLayout::new(index, &tree);
    let PeriodSource {
        mut located,
        tiers,
        filings,
        statistics,
    } = source;
    located.sort_unstable_by_key(|(e, _, _)| *e);
    let roles = roles(hierarchy, &tree);

    let mut tables = Vec::with_capacity(filings.len());
    for filed in filings {
        let f = filed.form;
        let form = &catalogue.forms[f];
        let counted = filed.counted;
        // Each version's fields laid onto the catalogue's order once, not per filing.
        let versions: HashMap<u32, Vec<Option<usize>>> = filed
            .versions
            .iter()
            .map(|(&version, fields)| {
                let mapping = fields
                    .iter()
                    .map(|code| form.fields.iter().position(|c| c == code))
                    .collect();
                (version, mapping)
            })
            .collect();
        let by_enterprise: HashMap<EnterpriseId, usize> = counted
            .iter()
            .enumerate()
            .map(|(i, c)| (c.enterprise, i))
            .collect();
        let mut table = FactTable::reading(f, period, &catalogue.fields_read(f), located.len());
        let mut row = vec![None; form.fields.len()];
        for &(enterprise, unit, in_survey) in &located {
            let Some(position) = index.position(unit) else {
                continue;
            };
            let profile = profiles.get(&enterprise);
            let industry = profile.and_then(|p| p.industry.as_ref());
            let attributes = match industry {
                Some(code) => AttributeSet::of_enterprise(
                    profile.map_or(SizeClass::BelowScale, |p| p.size_class),
                    in_survey,
                    code,
                    tiers.get(&enterprise).map_or(&[][..], Vec::as_slice),
                    roles.get(&unit).copied(),
                ),
                None => AttributeSet::default(),
            };
            let class = industry
                .and_then(|c| c.as_str().parse::<u16>().ok())
                .unwrap_or(0);
            let filed = by_enterprise.get(&enterprise).map(|&i| {
                let c = &counted[i];
                row.iter_mut().for_each(|v| *v = None);
                if let Some(mapping) = versions.get(&c.form_version) {
                    for (from, to) in mapping.iter().enumerate() {
                        if let (Some(to), Some(v)) = (to, c.values.0.get(from).copied().flatten()) {
                            row[*to] = Some(v);
                        }
                    }
                }
                FilingRef {
                    filing_id: c.filing_id,
                    revision: c.revision,
                    approved: c.approved,
                }
            });
            table.push(
                enterprise,
                position,
                attributes,
                class,
                filed.map(|r| (&row[..], r)),
            );
        }
        tables.push(table);
    }

    let codes: HashMap<&str, usize> = catalogue
        .statistics
        .iter()
        .enumerate()
        .map(|(i, s)| (s.code.as_str(), i))
        .collect();
    let statistics = statistics
        .into_iter()
        .filter_map(|(code, unit, value)| {
            let statistic = *codes.get(code.as_str())?;
            Some((statistic, index.position(unit)?, value))
        })
        .collect();
    PeriodData {
        period,
        layout,
        tables,
        statistics,
    }
}
