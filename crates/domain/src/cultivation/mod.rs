//! Enterprise tier criteria (企业梯度培育: 认定条件): the ladder of tiers as a versioned
//! file whose criteria are formulas in the shared expression language, and the check of
//! one enterprise's year against every tier.
//!
//! The ladder file (`TierSet::parse`) gives per tier its code (`registry::Tier`), level
//! in the ladder, names, issuing authority, how many years a recognition is valid, the
//! tiers that must be held first, and its criteria, each citing the document and article
//! it comes from. A criterion is either a `rule` (a condition over the enterprise's
//! filings of the year and the two years before, and its registry facts) or
//! `qualitative = true` (never evaluated: reported as needing review). A rule may say
//! what it measures (`measure`, `threshold`, in `unit`) and how much is missing
//! (`shortfall`, in `shortfall_unit`), so that a miss reads "3.6 %, needs 4 %: 1,200
//! thousand yuan short". `confirm_only = true` marks a rule computed on a lower bound of
//! what the criterion counts (R&D staff standing in for S&T staff, a score without the
//! parts the form does not hold): the filings can show it met, never missed, and a miss
//! is reported as unconfirmed.
//!
//! Formulas read the form's fields by code: `revenue` is the year checked,
//! `prev_year(revenue)` the year before, `prev_year2(revenue)` two years before. The
//! registry offers `industry_division` (the two-digit GB/T 4754 division) and the flags
//! `above_scale`, `in_high_tech_field` and `holds_<tier>` (`holds_specialised_sme`, …).
//! The registry holds no establishment date, so criteria on an enterprise's age are
//! qualitative.
//!
//! `TierSet::check` gives, for one enterprise and year, every tier's criteria met,
//! missed (with measure, threshold and shortfall), unconfirmed, undecidable (with the
//! values missing) or qualitative, the tier's status and its distance (the largest
//! relative gap of a missed criterion) for candidate lists. `TierSet::summary` gives
//! status and distance alone without allocating, for scans over many enterprises.

mod check;
mod ladder;
#[cfg(test)]
mod tests;

pub use check::{
    CriterionCheck, EnterpriseYear, Figures, Missing, Outcome, RegistryFacts, Summaries, TierCheck,
    TierMask, TierStatus, TierSummary,
};
pub use ladder::{
    Criterion, CriterionPart, Quantitative, Test, TierDefinition, TierError, TierSet,
};
