use std::collections::BTreeMap;

use innozone_domain::accounts::Principal;
use innozone_domain::registry::{EnterpriseId, Hierarchy, UnitId};
use innozone_domain::reporting::authority::{may_act, may_close_period};
use innozone_domain::reporting::intake::{IntakeIssue, IntakeProblem};
use innozone_domain::reporting::revision::compare;
use innozone_domain::reporting::values::parse_entry;
use innozone_domain::reporting::{
    Assessment, EntryProblem, Explanations, FieldChange, FilingAction, FilingState, FilingValues,
    Form, Period, Problem, Severity,
};
use innozone_domain::table::Position;
use innozone_store::{FilingRecord, NewRevision, RevisionRecord, Store};

use super::context::{FilingContext, closed_for, filing_context, located_within, period_record};
use crate::accounts::actor_of;
use crate::{AppError, clock};

/// Typed entries read and judged: what the form page shows as the user types.
#[derive(Debug, Clone)]
pub struct CheckedEntries {
    pub values: FilingValues,
    /// Entries that are not acceptable values, by field index.
    pub entry_problems: Vec<(usize, EntryProblem)>,
    pub assessment: Assessment,
}

impl CheckedEntries {
    /// The issues that stop `action`, located by field.
    pub fn blocking(
        &self,
        form: &Form,
        explanations: &Explanations,
        action: FilingAction,
    ) -> Vec<IntakeIssue> {
        let at = Position {
            sheet: None,
            row: 0,
            column: None,
        };
        let mut issues: Vec<IntakeIssue> = self
            .entry_problems
            .iter()
            .map(|(f, problem)| IntakeIssue {
                position: at.clone(),
                field: Some(form.fields[*f].code.clone()),
                problem: IntakeProblem::Entry {
                    problem: problem.clone(),
                },
            })
            .collect();
        if action == FilingAction::Submit {
            issues.extend(findings_as_issues(
                form,
                &self.assessment,
                explanations,
                &at,
                true,
            ));
        }
        issues
    }
}

/// The findings of an assessment as issues; with `blocking_only`, only those that stop a
/// submission (errors, and warnings without a written explanation).
pub(crate) fn findings_as_issues(
    form: &Form,
    assessment: &Assessment,
    explanations: &Explanations,
    at: &Position,
    blocking_only: bool,
) -> Vec<IntakeIssue> {
    assessment
        .findings
        .iter()
        .filter_map(|finding| {
            let field = finding.fields.first().map(|f| form.fields[*f].code.clone());
            let problem = match finding.problem {
                Problem::Required => IntakeProblem::Required,
                Problem::Rule(i) => {
                    let rule = &form.rules[i];
                    let explained = explanations
                        .get(&rule.code)
                        .is_some_and(|t| !t.trim().is_empty());
                    if blocking_only && rule.severity == Severity::Warning && explained {
                        return None;
                    }
                    IntakeProblem::Rule {
                        code: rule.code.clone(),
                        severity: rule.severity,
                        zh: rule.zh.clone(),
                        en: rule.en.clone(),
                        explained,
                    }
                }
            };
            Some(IntakeIssue {
                position: at.clone(),
                field,
                problem,
            })
        })
        .collect()
}

/// Reads typed entries (field code → text) and judges them in the filing's context.
pub fn check_entries(
    context: &FilingContext,
    entries: &BTreeMap<String, String>,
) -> CheckedEntries {
    let form = &context.form;
    let mut values = FilingValues::blank(form);
    let mut entry_problems = Vec::new();
    for (i, field) in form.fields.iter().enumerate() {
        let Some(text) = entries.get(&field.code) else {
            continue;
        };
        match parse_entry(field, text) {
            Ok(v) => values.0[i] = v,
            Err(problem) => entry_problems.push((i, problem)),
        }
    }
    let assessment = form.assess(&values, context.assessment_context());
    CheckedEntries {
        values,
        entry_problems,
        assessment,
    }
}

/// Entries for codes the form has no field for: a program's typing slip, refused rather
/// than silently dropped.
fn unknown_fields(form: &Form, entries: &BTreeMap<String, String>) -> Vec<IntakeIssue> {
    entries
        .keys()
        .filter(|code| form.field_index(code).is_none())
        .map(|code| IntakeIssue {
            position: Position {
                sheet: None,
                row: 0,
                column: None,
            },
            field: Some(code.clone()),
            problem: IntakeProblem::UnknownField { code: code.clone() },
        })
        .collect()
}

/// What happened to a filing.
#[derive(Debug, Clone)]
pub struct FilingOutcome {
    pub filing: FilingRecord,
    pub assessment: Assessment,
}

fn lifecycle(error: innozone_domain::reporting::LifecycleError) -> AppError {
    AppError::Lifecycle(error)
}

/// Saves a draft or submits: the values are judged by the form's rules first; a
/// submission with an error or an unexplained warning is refused with every reason, as
/// is an entry for a code that is not a field of the form.
#[allow(clippy::too_many_arguments)]
pub async fn file(
    store: &dyn Store,
    principal: &Principal,
    hierarchy: &Hierarchy,
    form_code: &str,
    period: Period,
    enterprise: EnterpriseId,
    entries: &BTreeMap<String, String>,
    explanations: Explanations,
    action: FilingAction,
) -> Result<FilingOutcome, AppError> {
    if !action.changes_values() {
        return Err(AppError::Lifecycle(
            innozone_domain::reporting::LifecycleError::NotAllowed {
                action,
                status: innozone_domain::reporting::FilingStatus::Draft,
            },
        ));
    }
    let context = filing_context(store, hierarchy, form_code, period, enterprise).await?;
    if !may_act(principal, action, enterprise, context.park, &context.tree) {
        return Err(AppError::Forbidden);
    }
    let checked = check_entries(&context, entries);
    // Explanations of rules that did not fire are not kept: they explain nothing.
    let fired: Vec<&str> = checked
        .assessment
        .warnings()
        .filter_map(|f| match f.problem {
            Problem::Rule(i) => Some(context.form.rules[i].code.as_str()),
            Problem::Required => None,
        })
        .collect();
    let explanations: Explanations = explanations
        .into_iter()
        .filter(|(code, text)| fired.contains(&code.as_str()) && !text.trim().is_empty())
        .map(|(code, text)| (code, text.trim().to_string()))
        .collect();
    let mut blocking = unknown_fields(&context.form, entries);
    blocking.extend(checked.blocking(&context.form, &explanations, action));
    if !blocking.is_empty() {
        return Err(AppError::Intake {
            issues: crate::issues::Issues::from_vec(blocking),
            form: Some(std::sync::Arc::new(context.form.clone())),
        });
    }
    let (state, after_revision) = match &context.filing {
        None => (
            FilingState::new_filing(action, context.closed).map_err(lifecycle)?,
            0,
        ),
        Some(f) => (
            f.state
                .after(action, None, context.closed)
                .map_err(lifecycle)?,
            f.revision,
        ),
    };
    let revision = NewRevision {
        form_code: form_code.to_string(),
        form_version: context.form.version,
        period,
        enterprise,
        after_revision,
        action,
        state,
        values: checked.values.to_map(&context.form),
        explanations,
        note: None,
        actor: None,
        at: clock::now_unix(),
    };
    store
        .record_revisions(&[revision], &actor_of(principal), &|_| {})
        .await?;
    let filing = store
        .filing(form_code, period, enterprise)
        .await?
        .ok_or_else(|| AppError::NotFound {
            entity: "filing",
            key: format!("{form_code}/{period}"),
        })?;
    Ok(FilingOutcome {
        filing,
        assessment: checked.assessment,
    })
}

/// A review or zone step on a filing: approve, return (with a reason), reopen (zone
/// staff, with a reason).
pub async fn act(
    store: &dyn Store,
    principal: &Principal,
    hierarchy: &Hierarchy,
    filing_id: i64,
    action: FilingAction,
    reason: Option<&str>,
) -> Result<FilingRecord, AppError> {
    let filing = store
        .filing_by_id(filing_id)
        .await?
        .ok_or_else(|| AppError::NotFound {
            entity: "filing",
            key: filing_id.to_string(),
        })?;
    if action.changes_values() || action == FilingAction::Lock {
        return Err(lifecycle(
            innozone_domain::reporting::LifecycleError::NotAllowed {
                action,
                status: filing.state.status,
            },
        ));
    }
    let context = filing_context(
        store,
        hierarchy,
        &filing.form_code,
        filing.period,
        filing.enterprise,
    )
    .await?;
    if !may_act(
        principal,
        action,
        filing.enterprise,
        context.park,
        &context.tree,
    ) {
        return Err(AppError::Forbidden);
    }
    let state = filing
        .state
        .after(action, reason, context.closed)
        .map_err(lifecycle)?;
    let revision = NewRevision {
        form_code: filing.form_code.clone(),
        form_version: filing.form_version,
        period: filing.period,
        enterprise: filing.enterprise,
        after_revision: filing.revision,
        action,
        state,
        values: filing.values.clone(),
        explanations: filing.explanations.clone(),
        note: reason
            .map(|r| r.trim().to_string())
            .filter(|r| !r.is_empty()),
        actor: None,
        at: clock::now_unix(),
    };
    store
        .record_revisions(&[revision], &actor_of(principal), &|_| {})
        .await?;
    store
        .filing_by_id(filing_id)
        .await?
        .ok_or_else(|| AppError::NotFound {
            entity: "filing",
            key: filing_id.to_string(),
        })
}

/// Closes the period for `unit` (a zone, or a park) and locks every filing of the
/// enterprises located within it on the period's date. Returns how many were locked.
pub async fn close_period(
    store: &dyn Store,
    principal: &Principal,
    hierarchy: &Hierarchy,
    form_code: &str,
    period: Period,
    unit: UnitId,
) -> Result<usize, AppError> {
    period_record(store, form_code, period).await?;
    let tree = hierarchy.as_of(period.last_day());
    if hierarchy.unit(unit).is_none() {
        return Err(AppError::NotFound {
            entity: "unit",
            key: unit.to_string(),
        });
    }
    if !may_close_period(principal, unit, &tree) {
        return Err(AppError::Forbidden);
    }
    if closed_for(&store.closures(form_code, period).await?, Some(unit), &tree) {
        return Err(AppError::Lifecycle(
            innozone_domain::reporting::LifecycleError::PeriodClosed,
        ));
    }
    let within = located_within(store, period, &tree, unit).await?;
    let at = clock::now_unix();
    let locks: Vec<NewRevision> = store
        .filings(form_code, period, None)
        .await?
        .into_iter()
        .filter(|f| within.contains_key(&f.enterprise) && !f.state.locked)
        .filter_map(|f| {
            let state = f.state.after(FilingAction::Lock, None, true).ok()?;
            Some(NewRevision {
                form_code: f.form_code,
                form_version: f.form_version,
                period,
                enterprise: f.enterprise,
                after_revision: f.revision,
                action: FilingAction::Lock,
                state,
                values: f.values,
                explanations: f.explanations,
                note: None,
                actor: None,
                at,
            })
        })
        .collect();
    store
        .close_period(form_code, period, unit, &locks, &actor_of(principal))
        .await?;
    Ok(locks.len())
}

/// One revision with what changed from the one before.
#[derive(Debug, Clone)]
pub struct RevisionView {
    pub revision: RevisionRecord,
    pub changes: Vec<FieldChange>,
}

/// The filing, its form and every revision, newest first, each compared field by field
/// with the one before it.
pub async fn history(
    store: &dyn Store,
    principal: &Principal,
    hierarchy: &Hierarchy,
    filing_id: i64,
) -> Result<(FilingContext, Vec<RevisionView>), AppError> {
    let filing = store
        .filing_by_id(filing_id)
        .await?
        .ok_or_else(|| AppError::NotFound {
            entity: "filing",
            key: filing_id.to_string(),
        })?;
    let context = filing_context(
        store,
        hierarchy,
        &filing.form_code,
        filing.period,
        filing.enterprise,
    )
    .await?;
    if !principal.may_read_enterprise(filing.enterprise, context.park, &context.tree) {
        return Err(AppError::Forbidden);
    }
    let order: Vec<&str> = context
        .form
        .fields
        .iter()
        .map(|f| f.code.as_str())
        .collect();
    let revisions = store.revisions(filing_id).await?;
    let empty = BTreeMap::new();
    let mut views: Vec<RevisionView> = revisions
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let before = if i == 0 {
                &empty
            } else {
                &revisions[i - 1].values
            };
            RevisionView {
                revision: r.clone(),
                changes: compare(&order, before, &r.values),
            }
        })
        .collect();
    views.reverse();
    crate::audit::record_reads(
        store,
        principal,
        crate::audit::Read::FilingHistory,
        &format!("{} {}", filing.form_code, filing.period),
        [filing.enterprise.0],
    )
    .await?;
    Ok((context, views))
}
