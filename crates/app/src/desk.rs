//! The desk (工作台): the home page of every signed-in user, saying what waits for them —
//! an enterprise's filer the filings it owes or must correct, park and zone staff the
//! filings to review, the enterprises still to file, the periods ready to close and the
//! certificates about to expire in their part of the zone — each with its count and where
//! to act on it. Read-only roles (leadership, evaluators) have nothing waiting and are sent
//! to the figures.

use innozone_domain::Date;
use innozone_domain::accounts::{Binding, Principal};
use innozone_domain::registry::{Hierarchy, UnitId};
use innozone_domain::reporting::{FilingStatus, Period};
use innozone_store::Store;

use crate::AppError;
use crate::reporting::{completeness, reporting_index};

/// How many of each form's latest periods the desk looks at: the current and the one
/// before cover what is still being filed or reviewed.
const RECENT_PERIODS: usize = 2;

/// Certificates expiring within this many months are on the desk (renewals take months).
pub const EXPIRING_MONTHS: u32 = 3;

/// One period of one form, as the desk names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeriodRef {
    pub form_code: String,
    pub form_zh: String,
    pub form_en: String,
    pub period: Period,
    pub deadline: Date,
}

/// Something waiting for the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Waiting {
    /// The enterprise's own filing for the period: not started, a draft, or returned.
    OwnFiling {
        period: PeriodRef,
        enterprise: i64,
        status: Option<FilingStatus>,
        /// The reason given when it was returned.
        note: Option<String>,
        overdue: bool,
    },
    /// Submitted filings within the unit that nobody has approved or returned yet.
    ToReview {
        period: PeriodRef,
        unit: UnitId,
        count: u32,
    },
    /// Enterprises within the unit expected to file that have not submitted.
    NotFiled {
        period: PeriodRef,
        unit: UnitId,
        count: u32,
        expected: u32,
        overdue: bool,
    },
    /// Everything expected is filed and approved, and the period is still open for the
    /// unit: the zone may close it.
    ReadyToClose { period: PeriodRef, unit: UnitId },
    /// Certificates in the user's scope that expire within [`EXPIRING_MONTHS`].
    Expiring { count: usize },
}

/// The user's desk: their unit (if bound to one) and what waits, most pressing first.
#[derive(Debug, Clone)]
pub struct Desk {
    pub unit: Option<UnitId>,
    pub waiting: Vec<Waiting>,
    /// The enterprise's own filings that need nothing now (submitted, approved), for the
    /// filer to see where each stands.
    pub settled: Vec<(PeriodRef, FilingStatus)>,
}

fn period_ref(
    form: &innozone_domain::reporting::Form,
    record: &innozone_store::PeriodRecord,
) -> PeriodRef {
    PeriodRef {
        form_code: form.code.clone(),
        form_zh: form.name_zh.clone(),
        form_en: form.name_en.clone(),
        period: record.period,
        deadline: record.deadline,
    }
}

pub async fn desk(
    store: &dyn Store,
    principal: &Principal,
    hierarchy: &Hierarchy,
    today: Date,
) -> Result<Desk, AppError> {
    let mut waiting = Vec::new();
    let mut settled = Vec::new();
    if principal.role.is_read_only() {
        return Ok(Desk {
            unit: principal.home_unit(),
            waiting,
            settled,
        });
    }
    if let Binding::Enterprise(enterprise) = principal.binding {
        for form in reporting_index(store, principal, hierarchy, None).await? {
            for row in form.periods.iter().take(RECENT_PERIODS) {
                let period = period_ref(&form.form, &row.period);
                let status = row.own_filing.as_ref().map(|f| f.state.status);
                match status {
                    None | Some(FilingStatus::Draft) | Some(FilingStatus::Returned) => {
                        let locked = row.own_filing.as_ref().is_some_and(|f| f.state.locked);
                        if !locked {
                            waiting.push(Waiting::OwnFiling {
                                overdue: today > period.deadline,
                                note: row.own_filing.as_ref().and_then(|f| f.note.clone()),
                                period,
                                enterprise: enterprise.0,
                                status,
                            });
                        }
                    }
                    Some(s) => settled.push((period, s)),
                }
            }
        }
        return Ok(Desk {
            unit: None,
            waiting,
            settled,
        });
    }
    let Some(unit) = crate::registry::default_unit(principal, hierarchy) else {
        return Ok(Desk {
            unit: None,
            waiting,
            settled,
        });
    };
    let may_close = matches!(
        principal.role,
        innozone_domain::accounts::Role::Administrator | innozone_domain::accounts::Role::ZoneStaff
    );
    for form in reporting_index(store, principal, hierarchy, None).await? {
        for row in form.periods.iter().take(RECENT_PERIODS) {
            let view = match completeness(
                store,
                principal,
                hierarchy,
                &form.form.code,
                row.period.period,
                unit,
            )
            .await
            {
                Ok(view) => view,
                Err(AppError::Forbidden) => continue,
                Err(e) => return Err(e),
            };
            if view.closed {
                continue;
            }
            let period = period_ref(&form.form, &row.period);
            let counts = view.total;
            let to_review = counts
                .filed
                .saturating_sub(counts.approved + counts.returned);
            if to_review > 0 {
                waiting.push(Waiting::ToReview {
                    period: period.clone(),
                    unit,
                    count: to_review,
                });
            }
            if counts.missing > 0 {
                waiting.push(Waiting::NotFiled {
                    period: period.clone(),
                    unit,
                    count: counts.missing,
                    expected: counts.expected,
                    overdue: today > period.deadline,
                });
            }
            if may_close
                && counts.expected > 0
                && counts.missing == 0
                && counts.approved == counts.expected
            {
                waiting.push(Waiting::ReadyToClose { period, unit });
            }
        }
    }
    let expiring = crate::cultivation::recognitions::expiring(
        store,
        principal,
        hierarchy,
        today,
        EXPIRING_MONTHS,
        today,
    )
    .await?;
    if !expiring.is_empty() {
        waiting.push(Waiting::Expiring {
            count: expiring.len(),
        });
    }
    Ok(Desk {
        unit: Some(unit),
        waiting,
        settled,
    })
}
