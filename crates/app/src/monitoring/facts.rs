//! Loading what the engine computes from: for one period, the hierarchy of its last day,
//! every enterprise located in a unit on that day with its attributes, the values each
//! counted filing carries (mapped from the version it was filed under to the catalogue's
//! field order) and the statistics entered.

use std::collections::HashMap;

use innozone_domain::monitoring::{
    AttributeSet, Catalogue, FactTable, FilingRef, PeriodData, PeriodLayout, UnitIndex,
};
use innozone_domain::registry::{
    EnterpriseId, Hierarchy, IndustryCode, SizeClass, SpatialRole, Tier, Tree, UnitId,
};
use innozone_domain::reporting::Period;
use innozone_store::Store;

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

/// Loads one period's data.
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
    let tree = hierarchy.as_of(date);
    let layout = PeriodLayout::new(index, &tree);
    let mut located = store.located_on(date).await?;
    located.sort_unstable_by_key(|(e, _, _)| *e);
    let mut tiers: HashMap<EnterpriseId, Vec<Tier>> = HashMap::new();
    for (e, t) in store.recognitions_on(date).await? {
        tiers.entry(e).or_default().push(t);
    }
    let roles = roles(hierarchy, &tree);

    let mut tables = Vec::new();
    for (f, form) in catalogue.forms.iter().enumerate() {
        if form.period_type != period.period_type() {
            continue;
        }
        let counted = store
            .counted_filings(&form.code, period, include_unapproved)
            .await?;
        // Each version's fields laid onto the catalogue's order once, not per filing.
        let mut versions: HashMap<u32, Vec<Option<usize>>> = HashMap::new();
        for c in &counted {
            if versions.contains_key(&c.form_version) {
                continue;
            }
            let mapping = match store.form(&form.code, c.form_version).await? {
                Some(v) => v
                    .fields
                    .iter()
                    .map(|d| form.fields.iter().position(|code| *code == d.code))
                    .collect(),
                None => Vec::new(),
            };
            versions.insert(c.form_version, mapping);
        }
        let by_enterprise: HashMap<EnterpriseId, usize> = counted
            .iter()
            .enumerate()
            .map(|(i, c)| (c.enterprise, i))
            .collect();
        let mut table = FactTable::new(f, period, form.fields.len(), located.len());
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
    let statistics = store
        .statistics(&[period])
        .await?
        .into_iter()
        .filter_map(|s| {
            let statistic = *codes.get(s.code.as_str())?;
            Some((statistic, index.position(s.unit)?, s.value?))
        })
        .collect();
    Ok(PeriodData {
        period,
        layout,
        tables,
        statistics,
    })
}
