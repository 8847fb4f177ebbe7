//! One enterprise's filing for one period: the form to fill in, its checks shown beside
//! each field as it is typed, saving and submitting, the pre-filled workbook to download
//! and upload back, and the filing's revisions.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use innozone_app::AppError;
use innozone_app::clock::{format_unix, today};
use innozone_app::reporting::{
    CheckedEntries, FilingContext, check_entries, file, filing_template, read_filing,
    upload_filings,
};
use innozone_domain::accounts::{Binding, Principal};
use innozone_domain::registry::{EnterpriseId, Hierarchy};
use innozone_domain::reporting::authority::may_act;
use innozone_domain::reporting::intake::CREDIT_CODE_COLUMN;
use innozone_domain::reporting::{
    Explanations, FilingAction, FilingStatus, Form, Period, Problem, Severity,
};
use innozone_domain::table::Table;
use innozone_exchange::FileFormat;
use innozone_i18n::{Lang, Localize, action_name, form_field_label, state_name};
use serde::Deserialize;

use super::{
    field_label, form_name, parse_period, period_label, plain_number, shown_optional, unit_text,
    upload_answer,
};
use crate::auth::CurrentUser;
use crate::error::{Problem as Message, WebError};
use crate::language::Language;
use crate::state::AppState;
use crate::views::{Chrome, redirect_htmx, render};

/// One thing the checks found, as shown beside a field.
pub struct FindingItem {
    pub error: bool,
    pub code: Option<String>,
    pub message: String,
    /// "needs an explanation", "explained" or nothing.
    pub note: String,
    /// The box for the written explanation (说明) of a warning, beside its first field.
    pub explain: Option<ExplainBox>,
}

pub struct ExplainBox {
    pub name: String,
    pub text: String,
    pub label: String,
}

/// The findings beside one field (or, for `id` "general", those about no one field).
pub struct Slot {
    pub id: String,
    pub items: Vec<FindingItem>,
    /// Sent out of band: the live check replaces every slot of the page at once.
    pub oob: bool,
}

pub struct FieldRow {
    pub code: String,
    pub label: String,
    pub depth: usize,
    pub unit: &'static str,
    pub required: bool,
    pub value: String,
    pub last_year: String,
    pub previous: String,
    pub slot: Slot,
}

impl FieldRow {
    pub fn indent(&self) -> usize {
        self.depth * 24
    }
}

pub struct Section {
    pub title: String,
    pub rows: Vec<FieldRow>,
}

/// What stands between the filing and its submission.
pub struct Summary {
    pub clean: bool,
    pub text: String,
}

/// The findings of `checked`, one slot per field in the form's order, and the general slot.
fn slots(
    form: &Form,
    checked: &CheckedEntries,
    explanations: &Explanations,
    lang: Lang,
    oob: bool,
) -> (Vec<Slot>, Slot, Summary) {
    let english = lang.is_english();
    let mut by_field: Vec<Vec<FindingItem>> = form.fields.iter().map(|_| Vec::new()).collect();
    let mut general = Vec::new();
    let (mut errors, mut unexplained, mut explained) = (0, 0, 0);
    for (i, problem) in &checked.entry_problems {
        errors += 1;
        by_field[*i].push(FindingItem {
            error: true,
            code: None,
            message: problem.localize(lang),
            note: String::new(),
            explain: None,
        });
    }
    for finding in &checked.assessment.findings {
        let (code, message, warning) = match finding.problem {
            Problem::Required => (None, lang.t("intake.required"), false),
            Problem::Rule(r) => {
                let rule = &form.rules[r];
                (
                    Some(rule.code.clone()),
                    if english {
                        rule.en.clone()
                    } else {
                        rule.zh.clone()
                    },
                    rule.severity == Severity::Warning,
                )
            }
        };
        let text = code
            .as_ref()
            .and_then(|c| explanations.get(c))
            .cloned()
            .unwrap_or_default();
        let is_explained = warning && !text.trim().is_empty();
        if !warning {
            errors += 1;
        } else if is_explained {
            explained += 1;
        } else {
            unexplained += 1;
        }
        let note = match (warning, is_explained) {
            (false, _) => String::new(),
            (true, false) => lang.t("reports.needs_explanation"),
            (true, true) => lang.t("reports.explained"),
        };
        let item = |explain: Option<ExplainBox>| FindingItem {
            error: !warning,
            code: code.clone(),
            message: message.clone(),
            note: note.clone(),
            explain,
        };
        let explain_box = || {
            code.as_ref().filter(|_| warning).map(|c| ExplainBox {
                name: format!("x.{c}"),
                text: text.clone(),
                label: lang.t("reports.explanation"),
            })
        };
        match finding.fields.split_first() {
            None => general.push(item(explain_box())),
            Some((first, rest)) => {
                by_field[*first].push(item(explain_box()));
                for other in rest {
                    by_field[*other].push(item(None));
                }
            }
        }
    }
    let slots = form
        .fields
        .iter()
        .zip(by_field)
        .map(|(f, items)| Slot {
            id: format!("finding-{}", f.code),
            items,
            oob,
        })
        .collect();
    let general = Slot {
        id: "finding-general".to_string(),
        items: general,
        oob,
    };
    let clean = errors == 0 && unexplained == 0;
    let text = if clean && explained == 0 {
        lang.t("reports.summary.clean")
    } else if clean {
        lang.t_with(
            "reports.summary.explained",
            &[("explained", explained.to_string())],
        )
    } else {
        let mut parts = Vec::new();
        if errors > 0 {
            parts.push(lang.t_with("reports.summary.errors", &[("count", errors.to_string())]));
        }
        if unexplained > 0 {
            parts.push(lang.t_with(
                "reports.summary.warnings",
                &[("count", unexplained.to_string())],
            ));
        }
        lang.t_with(
            "reports.summary.problems",
            &[("list", parts.join(&lang.t("reports.list_separator")))],
        )
    };
    (slots, general, Summary { clean, text })
}

/// A filer may only ever reach their own enterprise's filings: refused before anything
/// is looked up, so that the answer says nothing about other enterprises.
fn refuse_other_enterprise(
    principal: &Principal,
    enterprise: EnterpriseId,
) -> Result<(), WebError> {
    match principal.binding {
        Binding::Enterprise(own) if own != enterprise => Err(WebError::Forbidden),
        _ => Ok(()),
    }
}

/// The filing's context, once the user is known to may read the enterprise's data (the
/// read is recorded).
async fn readable_context(
    state: &AppState,
    user: &CurrentUser,
    hierarchy: &Hierarchy,
    form_code: &str,
    period: Period,
    enterprise: EnterpriseId,
) -> Result<FilingContext, WebError> {
    Ok(read_filing(
        state.store(),
        &user.principal,
        hierarchy,
        form_code,
        period,
        enterprise,
    )
    .await?)
}

/// The stored values as the text of the form's inputs.
fn stored_entries(context: &FilingContext) -> BTreeMap<String, String> {
    context
        .filing
        .as_ref()
        .map(|f| {
            f.values
                .iter()
                .map(|(k, v)| (k.clone(), plain_number(*v)))
                .collect()
        })
        .unwrap_or_default()
}

/// Typed values (`v.<field>`) and explanations (`x.<rule>`) of the posted form.
fn posted(pairs: Vec<(String, String)>) -> (BTreeMap<String, String>, Explanations) {
    let mut entries = BTreeMap::new();
    let mut explanations = Explanations::new();
    for (k, v) in pairs {
        if let Some(code) = k.strip_prefix("v.") {
            entries.insert(code.to_string(), v);
        } else if let Some(rule) = k.strip_prefix("x.") {
            explanations.insert(rule.to_string(), v);
        }
    }
    (entries, explanations)
}

fn sections(
    context: &FilingContext,
    entries: &BTreeMap<String, String>,
    mut slots: Vec<Slot>,
    lang: Lang,
) -> Vec<Section> {
    let form = &context.form;
    let mut slots: Vec<Option<Slot>> = slots.drain(..).map(Some).collect();
    let mut row = |i: usize, depth: usize| {
        let f = &form.fields[i];
        FieldRow {
            code: f.code.clone(),
            label: field_label(f, lang),
            depth,
            unit: unit_text(f, lang),
            required: f.required,
            value: entries.get(&f.code).cloned().unwrap_or_default(),
            last_year: shown_optional(context.previous_year.as_ref().and_then(|v| v.get(i))),
            previous: shown_optional(context.previous_period.as_ref().and_then(|v| v.get(i))),
            slot: slots[i].take().unwrap_or(Slot {
                id: format!("finding-{}", f.code),
                items: Vec::new(),
                oob: false,
            }),
        }
    };
    let with_depth = form.fields_with_depth();
    let mut out: Vec<Section> = Vec::new();
    for g in &form.groups {
        let rows: Vec<FieldRow> = with_depth
            .iter()
            .filter(|(_, f, _)| f.group.as_deref() == Some(g.code.as_str()))
            .map(|(i, _, d)| row(*i, *d))
            .collect();
        if !rows.is_empty() {
            out.push(Section {
                title: if lang.is_english() {
                    g.en.clone()
                } else {
                    g.zh.clone()
                },
                rows,
            });
        }
    }
    let rest: Vec<FieldRow> = with_depth
        .iter()
        .filter(|(_, f, _)| f.group.is_none())
        .map(|(i, _, d)| row(*i, *d))
        .collect();
    if !rest.is_empty() {
        out.push(Section {
            title: lang.t("reports.other_fields"),
            rows: rest,
        });
    }
    out
}

#[derive(Template)]
#[template(path = "filing.html")]
struct FilingPage {
    chrome: Chrome,
    base: String,
    form_code: String,
    form_name: String,
    form_version: u32,
    period_code: String,
    period_label: String,
    enterprise_name: String,
    credit_code: String,
    park_name: String,
    deadline: String,
    overdue: bool,
    status: String,
    status_code: &'static str,
    revision: Option<i32>,
    updated: Option<String>,
    submitted: Option<String>,
    filing_id: Option<i64>,
    return_reason: Option<String>,
    locked: bool,
    closed: bool,
    approved: bool,
    editable: bool,
    may_write: bool,
    staff: bool,
    year_to_date: bool,
    has_last_year: bool,
    sections: Vec<Section>,
    general: Slot,
    summary: Summary,
    done: Option<String>,
}

#[derive(Template)]
#[template(path = "filing_findings.html")]
struct FindingsFragment {
    slots: Vec<Slot>,
    general: Slot,
    summary: Summary,
    /// On a refused submission: why, with every issue.
    refused: Option<String>,
    issues: Vec<String>,
}

#[derive(Template)]
#[template(path = "filing_summary.html")]
struct SummaryFragment {
    summary: Summary,
}

#[derive(Deserialize)]
pub struct CheckQuery {
    /// `summary`: only the summary, for a change of an explanation, which leaves the
    /// findings beside the fields (and the box being typed in) as they are.
    only: Option<String>,
}

#[derive(Deserialize)]
pub struct PageQuery {
    done: Option<String>,
}

pub async fn page(
    State(state): State<AppState>,
    Language(lang): Language,
    user: CurrentUser,
    Path((form_code, period, id)): Path<(String, String, i64)>,
    Query(q): Query<PageQuery>,
) -> Result<Response, WebError> {
    let period = parse_period(&period)?;
    let enterprise = EnterpriseId(id);
    let hierarchy = state.hierarchy().await?;
    let context =
        readable_context(&state, &user, &hierarchy, &form_code, period, enterprise).await?;
    let form = &context.form;
    let entries = stored_entries(&context);
    let explanations = context
        .filing
        .as_ref()
        .map(|f| f.explanations.clone())
        .unwrap_or_default();
    let (slots, general, summary) = if context.filing.is_some() {
        let checked = check_entries(&context, &entries);
        slots(form, &checked, &explanations, lang, false)
    } else {
        let empty = CheckedEntries {
            values: innozone_domain::reporting::FilingValues::blank(form),
            entry_problems: Vec::new(),
            assessment: innozone_domain::reporting::Assessment {
                findings: Vec::new(),
            },
        };
        let (s, g, _) = slots(form, &empty, &explanations, lang, false);
        let summary = Summary {
            clean: false,
            text: lang.t("reports.summary.blank"),
        };
        (s, g, summary)
    };
    let may_write = may_act(
        &user.principal,
        FilingAction::SaveDraft,
        enterprise,
        context.park,
        &context.tree,
    );
    let filing = context.filing.as_ref();
    let locked = filing.is_some_and(|f| f.state.locked);
    let approved = filing.is_some_and(|f| f.state.status == FilingStatus::Approved);
    let editable = may_write
        && match filing {
            None => !context.closed,
            Some(f) => !f.state.locked && f.state.status != FilingStatus::Approved,
        };
    let submitted_at = filing.and_then(|f| f.first_submitted_at);
    let page = FilingPage {
        base: format!("/reports/{}/{}/enterprises/{}", form.code, period, id),
        form_code: form.code.clone(),
        form_name: form_name(form, lang),
        form_version: form.version,
        period_code: period.to_string(),
        period_label: period_label(period, lang),
        enterprise_name: context.enterprise.details.name.clone(),
        credit_code: context.enterprise.details.credit_code.to_string(),
        park_name: context
            .park
            .and_then(|p| hierarchy.unit(p))
            .map(|u| u.name_zh.clone())
            .unwrap_or_else(|| "—".to_string()),
        deadline: context.period.deadline.to_string(),
        overdue: submitted_at.is_none() && today() > context.period.deadline,
        status: filing.map_or_else(
            || lang.t("reports.not_started"),
            |f| state_name(f.state, lang),
        ),
        status_code: filing.map_or("none", |f| {
            if f.state.locked {
                "locked"
            } else {
                f.state.status.code()
            }
        }),
        revision: filing.map(|f| f.revision),
        updated: filing.map(|f| format_unix(f.updated_at)),
        submitted: submitted_at.map(format_unix),
        filing_id: filing.map(|f| f.id),
        return_reason: filing
            .filter(|f| f.state.status == FilingStatus::Returned)
            .and_then(|f| f.note.clone()),
        locked,
        closed: context.closed,
        approved,
        editable,
        may_write,
        staff: !matches!(user.principal.binding, Binding::Enterprise(_)),
        year_to_date: form.year_to_date,
        has_last_year: context.previous_year.is_some(),
        sections: sections(&context, &entries, slots, lang),
        general,
        summary,
        done: q
            .done
            .filter(|d| matches!(d.as_str(), "save_draft" | "submit" | "upload"))
            .map(|d| lang.t(&format!("reports.done.{d}"))),
        chrome: Chrome::new(lang, Some(&user), "reports"),
    };
    Ok(render(&page)?.into_response())
}

/// The live check: the typed values judged by the form's rules in the filing's context,
/// every finding slot of the page sent back at once.
pub async fn check(
    State(state): State<AppState>,
    Language(lang): Language,
    user: CurrentUser,
    Path((form_code, period, id)): Path<(String, String, i64)>,
    Query(q): Query<CheckQuery>,
    axum::Form(pairs): axum::Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let period = parse_period(&period)?;
    let hierarchy = state.hierarchy().await?;
    let context = readable_context(
        &state,
        &user,
        &hierarchy,
        &form_code,
        period,
        EnterpriseId(id),
    )
    .await?;
    let (entries, explanations) = posted(pairs);
    let checked = check_entries(&context, &entries);
    let (slots, general, summary) = slots(&context.form, &checked, &explanations, lang, true);
    if q.only.as_deref() == Some("summary") {
        return Ok(render(&SummaryFragment { summary })?.into_response());
    }
    let fragment = FindingsFragment {
        slots,
        general,
        summary,
        refused: None,
        issues: Vec::new(),
    };
    Ok(render(&fragment)?.into_response())
}

/// Saves a draft or submits. A submission the checks stop is answered with every
/// reason, and the findings beside the fields are brought up to date.
pub async fn save(
    State(state): State<AppState>,
    Language(lang): Language,
    user: CurrentUser,
    Path((form_code, period_text, id)): Path<(String, String, i64)>,
    axum::Form(pairs): axum::Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let period = parse_period(&period_text)?;
    let enterprise = EnterpriseId(id);
    refuse_other_enterprise(&user.principal, enterprise)?;
    let action = pairs
        .iter()
        .find(|(k, _)| k == "action")
        .and_then(|(_, v)| FilingAction::parse(v))
        .filter(|a| a.changes_values())
        .ok_or_else(|| WebError::BadRequest(Message::Key("reports.bad_action", vec![])))?;
    let (entries, explanations) = posted(pairs);
    let hierarchy = state.hierarchy().await?;
    let result = file(
        state.store(),
        &user.principal,
        &hierarchy,
        &form_code,
        period,
        enterprise,
        &entries,
        explanations.clone(),
        action,
    )
    .await;
    match result {
        Ok(_) => redirect_htmx(&format!(
            "/reports/{form_code}/{period}/enterprises/{id}?done={}",
            action.code()
        )),
        Err(AppError::Intake { issues, form }) => {
            let context =
                readable_context(&state, &user, &hierarchy, &form_code, period, enterprise).await?;
            let checked = check_entries(&context, &entries);
            let (slots, general, summary) =
                slots(&context.form, &checked, &explanations, lang, true);
            let form = form.as_deref().or(Some(&context.form));
            let fragment = FindingsFragment {
                slots,
                general,
                summary,
                refused: Some(lang.t_with(
                    "reports.refused",
                    &[
                        ("action", action_name(action, lang)),
                        ("count", issues.total().to_string()),
                    ],
                )),
                issues: issues
                    .iter()
                    .map(|i| innozone_i18n::intake_message(i, form, lang))
                    .collect(),
            };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&fragment)?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// The workbook to fill in offline: this enterprise's row, with its values so far.
pub async fn template(
    State(state): State<AppState>,
    Language(lang): Language,
    user: CurrentUser,
    Path((form_code, period, id)): Path<(String, String, i64)>,
) -> Result<Response, WebError> {
    let period = parse_period(&period)?;
    let hierarchy = state.hierarchy().await?;
    let context = readable_context(
        &state,
        &user,
        &hierarchy,
        &form_code,
        period,
        EnterpriseId(id),
    )
    .await?;
    let sheet = filing_template(
        &context.form,
        period,
        &[(context.enterprise.clone(), context.filing.clone())],
    );
    let bytes = innozone_exchange::write_xlsx(std::slice::from_ref(&sheet))
        .map_err(|e| WebError::Internal(e.to_string()))?;
    let name = format!(
        "{}-{}-{}.xlsx",
        form_name(&context.form, lang),
        period,
        context.enterprise.details.name
    );
    Ok(crate::files::attachment(bytes, &name, FileFormat::Xlsx))
}

/// Whether an upload from the filing page holds exactly this enterprise's row.
fn one_row_of(table: &Table, credit_code: &str) -> Result<(), WebError> {
    let rows: Vec<_> = table
        .rows
        .iter()
        .filter(|r| r.cells.iter().any(|c| !c.is_empty()))
        .collect();
    if rows.len() > 1 {
        return Err(WebError::BadRequest(Message::Key(
            "reports.upload_one_row",
            vec![("count", rows.len().to_string())],
        )));
    }
    let (key, zh, en) = CREDIT_CODE_COLUMN;
    let column = table.headers.iter().position(|h| {
        let h = h.trim();
        h.eq_ignore_ascii_case(key) || h == zh || h.eq_ignore_ascii_case(en)
    });
    if let (Some(c), Some(row)) = (column, rows.first()) {
        let found = row.cells.get(c).map(|c| c.as_text()).unwrap_or_default();
        if !found.trim().is_empty() && found.trim() != credit_code {
            return Err(WebError::BadRequest(Message::Key(
                "reports.upload_other_enterprise",
                vec![("code", found.trim().to_string())],
            )));
        }
    }
    Ok(())
}

/// The filled-in workbook uploaded back: checked first (dry run) or submitted, exactly
/// as a bulk upload of one row.
pub async fn upload(
    State(state): State<AppState>,
    Language(lang): Language,
    user: CurrentUser,
    Path((form_code, period_text, id)): Path<(String, String, i64)>,
    multipart: Multipart,
) -> Result<Response, WebError> {
    let period = parse_period(&period_text)?;
    let hierarchy = state.hierarchy().await?;
    let context = readable_context(
        &state,
        &user,
        &hierarchy,
        &form_code,
        period,
        EnterpriseId(id),
    )
    .await?;
    let mut upload =
        crate::files::read_multipart(&state, multipart, crate::files::Audience::Page).await?;
    let table = upload.table(&state).await?;
    one_row_of(&table, &context.enterprise.details.credit_code.to_string())?;
    let result = upload_filings(
        state.store(),
        &user.principal,
        &hierarchy,
        &form_code,
        period,
        &table,
        upload.dry_run,
        &|_| {},
    )
    .await;
    if matches!(&result, Ok(r) if !r.dry_run) {
        return redirect_htmx(&format!(
            "/reports/{form_code}/{period}/enterprises/{id}?done=upload"
        ));
    }
    upload_answer(lang, &user, &upload.file_name, result)
}

pub struct ChangeLine {
    pub label: String,
    pub before: String,
    pub after: String,
}

pub struct RevisionLine {
    pub number: i32,
    pub action: String,
    pub action_code: &'static str,
    pub status: String,
    pub actor: String,
    pub at: String,
    pub note: Option<String>,
    pub explanations: Vec<(String, String)>,
    pub changes: Vec<ChangeLine>,
    pub first: bool,
}

#[derive(Template)]
#[template(path = "filing_history.html")]
struct HistoryPage {
    chrome: Chrome,
    filing_link: String,
    form_name: String,
    period_label: String,
    enterprise_name: String,
    credit_code: String,
    status: String,
    revisions: Vec<RevisionLine>,
}

/// Every revision of a filing, newest first, with what changed from the one before.
pub async fn history(
    State(state): State<AppState>,
    Language(lang): Language,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let hierarchy = state.hierarchy().await?;
    let (context, views) =
        innozone_app::reporting::history(state.store(), &user.principal, &hierarchy, id).await?;
    let form = &context.form;
    let filing = context.filing.as_ref().ok_or(WebError::NotFound)?;
    let english = lang.is_english();
    let revisions = views
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let r = &v.revision;
            // Explanations are shown where they were written or changed, not repeated on
            // every later step that carries them along.
            let earlier = views.get(i + 1).map(|o| &o.revision.explanations);
            let explanations_changed = earlier != Some(&r.explanations);
            RevisionLine {
                number: r.number,
                action: action_name(r.action, lang),
                action_code: r.action.code(),
                status: state_name(r.state, lang),
                actor: r.actor_name.clone(),
                at: format_unix(r.at),
                note: r.note.clone(),
                explanations: r
                    .explanations
                    .iter()
                    .filter(|_| explanations_changed)
                    .map(|(code, text)| {
                        let rule = form
                            .rule(code)
                            .map(|rule| if english { &rule.en } else { &rule.zh })
                            .map(|m| format!("{code} {m}"))
                            .unwrap_or_else(|| code.clone());
                        (rule, text.clone())
                    })
                    .collect(),
                changes: v
                    .changes
                    .iter()
                    .map(|c| ChangeLine {
                        label: form_field_label(Some(form), &c.field, lang),
                        before: shown_optional(c.before),
                        after: shown_optional(c.after),
                    })
                    .collect(),
                first: r.number == 1,
            }
        })
        .collect();
    let page = HistoryPage {
        filing_link: format!(
            "/reports/{}/{}/enterprises/{}",
            filing.form_code, filing.period, filing.enterprise
        ),
        form_name: form_name(form, lang),
        period_label: period_label(filing.period, lang),
        enterprise_name: context.enterprise.details.name.clone(),
        credit_code: context.enterprise.details.credit_code.to_string(),
        status: state_name(filing.state, lang),
        revisions,
        chrome: Chrome::new(lang, Some(&user), "reports"),
    };
    Ok(render(&page)?.into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_values_and_explanations_apart() {
        let (entries, explanations) = posted(vec![
            ("v.revenue".into(), "1,200".into()),
            ("x.A17".into(), "新产线投产".into()),
            ("action".into(), "submit".into()),
        ]);
        assert_eq!(entries["revenue"], "1,200");
        assert_eq!(explanations["A17"], "新产线投产");
        assert_eq!(entries.len(), 1);
    }
}
