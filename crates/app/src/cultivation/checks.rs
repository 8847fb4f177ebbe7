//! One enterprise's year against every tier of the ladder in force (梯度培育: 对标): which
//! tiers' quantitative criteria its counted filings meet, which they miss and by how
//! much, which only a review can decide, and which tiers it holds at the year's end. The
//! same checks as the candidate and warning lists, for one enterprise.

use innozone_domain::accounts::Principal;
use innozone_domain::cultivation::{EnterpriseYear, RegistryFacts, TierMask};
use innozone_domain::registry::{EnterpriseId, Hierarchy, Tier};
use innozone_domain::reporting::Period;
use innozone_store::Store;

use crate::AppError;
use crate::cultivation::{
    CriterionLine, criterion_lines, filings_of, ladder_in_force, status_code,
};

/// One tier's result for the enterprise.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct TierResult {
    pub tier: Tier,
    pub zh: String,
    pub en: String,
    pub level: u32,
    /// Holds a valid recognition of the tier at the end of the year.
    pub held: bool,
    /// `met`, `met_review`, `unconfirmed`, `undecidable`, `missed` or `review_only`.
    pub status: &'static str,
    /// The largest relative gap of a missed criterion (0 when none is missed).
    pub distance: Option<f64>,
    /// Tiers the tier requires that the enterprise does not hold.
    pub lacks: Vec<Tier>,
    pub criteria: Vec<CriterionLine>,
}

/// The enterprise's year against the whole ladder.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct EnterpriseChecks {
    pub enterprise: EnterpriseId,
    pub year: i32,
    /// Whether a counted filing is there for the year, the year before and two years
    /// before: the criteria over three years need all three.
    pub filed: [bool; 3],
    pub ladder_version: u32,
    pub form_version: u32,
    /// In the ladder's order.
    pub tiers: Vec<TierResult>,
}

/// Checks `enterprise`'s counted filings of `year` (with the two years before) against
/// every tier. Anyone who may read the enterprise may see them: its park and zone, and
/// the enterprise itself, which learns what it could apply for.
pub async fn enterprise_checks(
    store: &dyn Store,
    hierarchy: &Hierarchy,
    principal: &Principal,
    enterprise: EnterpriseId,
    year: i32,
    today: time::Date,
) -> Result<EnterpriseChecks, AppError> {
    let e = store
        .enterprise(enterprise, today)
        .await?
        .ok_or(AppError::NotFound {
            entity: "enterprise",
            key: enterprise.to_string(),
        })?;
    if !principal.may_read_enterprise(e.id, e.park, &hierarchy.as_of(today)) {
        return Err(AppError::Forbidden);
    }
    let (set, form) = ladder_in_force(store).await?;
    let mut rows: [Option<Vec<Option<f64>>>; 3] = [None, None, None];
    for (back, row) in rows.iter_mut().enumerate() {
        *row = filings_of(store, &form, Period::Year(year - back as i32))
            .await?
            .remove(&enterprise);
    }
    let end = Period::Year(year).last_day();
    let history = store.recognition_history(enterprise).await?;
    let current: Vec<_> = history
        .into_iter()
        .filter(|r| r.replaced.is_none())
        .map(|r| r.recognition)
        .collect();
    let held = TierMask::held_on(&current, end);
    let facts = EnterpriseYear {
        year,
        filings: [0, 1, 2].map(|i| rows[i].as_deref()),
        registry: RegistryFacts {
            held: Some(held),
            ..RegistryFacts::of(&e)
        },
    };
    let tiers = set
        .tiers
        .iter()
        .map(|definition| {
            let check = set.check_tier(definition, &facts);
            TierResult {
                tier: definition.tier,
                zh: definition.zh.clone(),
                en: definition.en.clone(),
                level: definition.level,
                held: held.contains(definition.tier),
                status: status_code(check.summary.status),
                distance: check.summary.distance,
                lacks: check.summary.lacks.iter().collect(),
                criteria: criterion_lines(&set, definition, &check),
            }
        })
        .collect();
    crate::audit::record_reads(
        store,
        principal,
        crate::audit::Read::TierCheck,
        &year.to_string(),
        [enterprise.0],
    )
    .await?;
    Ok(EnterpriseChecks {
        enterprise,
        year,
        filed: [0, 1, 2].map(|i| rows[i].is_some()),
        ladder_version: set.version,
        form_version: form.version,
        tiers,
    })
}
