use std::collections::HashMap;

use innozone_domain::accounts::Principal;
use innozone_domain::registry::{EnterpriseId, Hierarchy, UnitId};
use innozone_domain::reporting::authority::may_act;
use innozone_domain::reporting::intake::{
    CREDIT_CODE_COLUMN, IntakeIssue, IntakeProblem, field_column, read_filings,
};
use innozone_domain::reporting::{
    Context, Explanations, FilingAction, FilingState, FilingValues, Period, Problem,
};
use innozone_domain::table::{Position, Table};
use innozone_store::{FilingRecord, NewRevision, Progress, Store};

use super::context::{closed_for, form_version, period_record};
use super::filing::findings_as_issues;
use crate::accounts::actor_of;
use crate::issues::IssueList;
use crate::{AppError, clock};

/// The outcome of an upload, checked only (`dry_run`) or committed.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct UploadReport {
    pub dry_run: bool,
    pub rows: usize,
    pub created: usize,
    pub updated: usize,
    /// Warnings that the rows explained: reported, not blocking.
    pub explained_warnings: usize,
}

async fn filings_by_enterprise(
    store: &dyn Store,
    form_code: &str,
    period: Period,
    ids: &[EnterpriseId],
) -> Result<HashMap<EnterpriseId, FilingRecord>, AppError> {
    // A large upload reads the whole period at once rather than in lists of ids.
    let list = if ids.len() > 5_000 { None } else { Some(ids) };
    Ok(store
        .filings(form_code, period, list)
        .await?
        .into_iter()
        .map(|f| (f.enterprise, f))
        .collect())
}

/// Where the uploaded enterprises are located on `date`: for a few (one enterprise's
/// workbook) from their own locations, for many from one pass over the registry.
async fn located_on(
    store: &dyn Store,
    date: innozone_domain::Date,
    stored: &HashMap<innozone_domain::registry::CreditCode, EnterpriseId>,
) -> Result<HashMap<EnterpriseId, UnitId>, AppError> {
    if stored.len() > 100 {
        return Ok(store
            .located_on(date)
            .await?
            .into_iter()
            .map(|(e, p, _)| (e, p))
            .collect());
    }
    let mut located = HashMap::with_capacity(stored.len());
    for &id in stored.values() {
        if let Some(park) =
            super::context::located_park(&store.enterprise_locations(id).await?, date)
        {
            located.insert(id, park);
        }
    }
    Ok(located)
}

/// Submits one filing per row of `table` for `period`: every row checked like a form
/// submitted in the browser, then all committed in one transaction, or, if anything is
/// wrong anywhere, nothing and the list of every problem with its place.
#[allow(clippy::too_many_arguments)]
pub async fn upload_filings(
    store: &dyn Store,
    principal: &Principal,
    hierarchy: &Hierarchy,
    form_code: &str,
    period: Period,
    table: &Table,
    dry_run: bool,
    progress: Progress<'_>,
) -> Result<UploadReport, AppError> {
    let record = period_record(store, form_code, period).await?;
    let form = form_version(store, form_code, record.form_version).await?;
    // Rows that read cleanly are checked further even when others did not, so that one
    // dry run finds every problem of the file; the first of them are kept to be listed.
    let (rows, read_issues) = read_filings(&form, period, table);
    let mut issues = IssueList::new();
    issues.extend(read_issues);
    let date = period.last_day();
    let tree = hierarchy.as_of(date);
    let codes: Vec<_> = rows.iter().map(|r| r.credit_code.clone()).collect();
    let stored = store.enterprise_ids(&codes).await?;
    let located = located_on(store, date, &stored).await?;
    let closures = store.closures(form_code, period).await?;
    let ids: Vec<EnterpriseId> = stored.values().copied().collect();
    let current = filings_by_enterprise(store, form_code, period, &ids).await?;
    let last_year = filings_by_enterprise(store, form_code, period.previous_year(), &ids).await?;
    let last_period = match period.previous_in_year() {
        Some(p) => filings_by_enterprise(store, form_code, p, &ids).await?,
        None => HashMap::new(),
    };
    let credit_column = table
        .headers
        .iter()
        .position(|h| {
            h.trim() == CREDIT_CODE_COLUMN.1 || h.trim().eq_ignore_ascii_case(CREDIT_CODE_COLUMN.0)
        })
        .map(|c| c + 1);
    let columns: Vec<Option<usize>> = (0..form.fields.len())
        .map(|f| field_column(table, &form, f))
        .collect();
    let at = |row: usize, column: Option<usize>| Position {
        sheet: table.sheet.clone(),
        row,
        column,
    };
    let now = clock::now_unix();
    let mut revisions = Vec::with_capacity(rows.len());
    let (mut created, mut updated, mut explained_warnings) = (0, 0, 0);
    for row in rows {
        let credit_issue = |problem| IntakeIssue {
            position: at(row.row, credit_column),
            field: Some(CREDIT_CODE_COLUMN.0.to_string()),
            problem,
        };
        let Some(&id) = stored.get(&row.credit_code) else {
            issues.push(credit_issue(IntakeProblem::UnknownEnterprise));
            continue;
        };
        let park = located.get(&id).copied();
        if !may_act(principal, FilingAction::Submit, id, park, &tree) {
            issues.push(credit_issue(IntakeProblem::OutsideScope));
            continue;
        }
        if park.is_none() {
            issues.push(credit_issue(IntakeProblem::NotLocated));
            continue;
        }
        let previous_year = last_year
            .get(&id)
            .map(|f| FilingValues::from_map(&form, &f.values));
        let previous_period = last_period
            .get(&id)
            .map(|f| FilingValues::from_map(&form, &f.values));
        let assessment = form.assess(
            &row.values,
            Context {
                previous_year: previous_year.as_ref(),
                previous_period: previous_period.as_ref(),
            },
        );
        let explanations: Explanations = match &row.explanation {
            Some(text) => assessment
                .warnings()
                .filter_map(|f| match f.problem {
                    Problem::Rule(i) => Some((form.rules[i].code.clone(), text.clone())),
                    Problem::Required => None,
                })
                .collect(),
            None => Explanations::new(),
        };
        explained_warnings += explanations.len();
        let found = findings_as_issues(&form, &assessment, &explanations, &at(row.row, None), true);
        let blocked = !found.is_empty();
        issues.extend(found.into_iter().map(|mut issue| {
            let field = issue.field.as_ref().and_then(|code| form.field_index(code));
            issue.position.column = field.and_then(|f| columns[f]);
            issue
        }));
        if blocked {
            continue;
        }
        let closed = closed_for(&closures, park, &tree);
        let existing = current.get(&id);
        let step = match existing {
            None => FilingState::new_filing(FilingAction::Submit, closed).map(|s| (s, 0)),
            Some(f) => f
                .state
                .after(FilingAction::Submit, None, closed)
                .map(|s| (s, f.revision)),
        };
        let (state, after_revision) = match step {
            Ok(step) => step,
            Err(error) => {
                issues.push(credit_issue(IntakeProblem::Lifecycle { error }));
                continue;
            }
        };
        if after_revision == 0 {
            created += 1;
        } else {
            updated += 1;
        }
        revisions.push(NewRevision {
            form_code: form.code.clone(),
            form_version: existing.map_or(form.version, |f| f.form_version),
            period,
            enterprise: id,
            after_revision,
            action: FilingAction::Submit,
            state,
            values: row.values.to_map(&form),
            explanations,
            note: None,
            actor: None,
            at: now,
        });
    }
    if !issues.is_empty() {
        // In the file's order: by row, then by column.
        return Err(AppError::Intake {
            issues: issues.finish(),
            form: Some(std::sync::Arc::new(form.clone())),
        });
    }
    let report = UploadReport {
        dry_run,
        rows: revisions.len(),
        created,
        updated,
        explained_warnings,
    };
    if !dry_run {
        store
            .record_revisions(&revisions, &actor_of(principal), progress)
            .await?;
    }
    Ok(report)
}
