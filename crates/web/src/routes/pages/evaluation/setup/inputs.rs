//! The values entered for a scheme (考核录入), for one year: a row per park the user enters
//! for and a column per item of the scheme (entered indicators, how often each bonus or
//! penalty item occurred, whether a veto item did). Saved all or nothing: any value that
//! does not fit its item refuses the whole table, each problem shown at its park and
//! item. Every entry is kept and each cell's history shown. The pre-filled workbook goes
//! out and comes back, checked first with every problem at its sheet, row and column.

use std::collections::HashMap;

use askama::Template;
use axum::Form as PostedForm;
use axum::extract::{Multipart, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use innozone_app::AppError;
use innozone_app::evaluation::{
    InputEntry, InputSheet, input_history, input_sheet, installed_schemes, may_enter_for,
    record_inputs,
};
use innozone_domain::evaluation::inputs::{InputFileEntry, InputIssue, InputItem};
use innozone_domain::evaluation::scheme::AdjustmentKind;
use innozone_domain::registry::{Hierarchy, UnitId};
use innozone_domain::reporting::Period;
use innozone_domain::table::{Position, column_letter};
use innozone_exchange::{FileFormat, read_table_within, write_xlsx};
use innozone_i18n::{Lang, Localize};
use innozone_store::EvaluationInputRecord;
use serde::Deserialize;

use super::inputs_file::{FileIssue, item_name, read_inputs, template};
use super::{
    ACTIVE, IssueRow, is_evaluating_role, parse_value, period_label, plain, shown, year_period,
};
use crate::auth::CurrentUser;
use crate::error::{Problem, WebError};
use crate::files::{Audience, attachment, read_multipart};
use crate::language::Language;
use crate::routes::pages::reporting::default_unit;
use crate::state::AppState;
use crate::views::{Chrome, render};

#[derive(Deserialize, Default)]
pub struct InputsQuery {
    scheme: Option<String>,
    year: Option<String>,
    /// The scope's code: the parks below it (the user's own unit when absent).
    unit: Option<String>,
}

pub struct Column {
    pub code: String,
    pub name: String,
    /// What the item takes, in words: a value, a count, 1 or 0.
    pub takes: String,
}

pub struct CellView {
    pub code: String,
    /// The park's and the item's name, for screen readers.
    pub label: String,
    /// What the input holds.
    pub text: String,
    /// Who entered it and when.
    pub title: String,
    pub has_history: bool,
    pub invalid: bool,
}

pub struct RowView {
    pub code: String,
    pub name: String,
    pub cells: Vec<CellView>,
}

pub struct SchemeChoice {
    pub code: String,
    pub name: String,
    pub selected: bool,
}

/// The table of values, the part a save answers with.
#[derive(Template)]
#[template(path = "evaluation_inputs_table.html")]
struct TableFragment {
    chrome: Chrome,
    scheme: String,
    year: i32,
    columns: Vec<Column>,
    rows: Vec<RowView>,
    message: Option<String>,
    problems: Vec<String>,
}

#[derive(Template)]
#[template(path = "evaluation_inputs.html")]
struct InputsPage {
    chrome: Chrome,
    schemes: Vec<SchemeChoice>,
    scheme_name: String,
    scope_code: String,
    scope_name: String,
    scheme_code: String,
    year: i32,
    period_label: String,
    /// The table of values, rendered as a save answers with it.
    table: Option<String>,
}

fn takes(
    scheme: &innozone_domain::evaluation::scheme::Scheme,
    item: InputItem,
    lang: Lang,
) -> String {
    match item {
        InputItem::Indicator(i) => {
            let direction = scheme.nodes[i]
                .indicator()
                .map(|s| lang.t(&format!("monitoring.direction.{}", s.direction.code())))
                .unwrap_or_default();
            lang.t_with("evaluation.setup.takes.value", &[("direction", direction)])
        }
        InputItem::Adjustment(a) => lang.t(match scheme.adjustments[a].kind {
            AdjustmentKind::Bonus => "evaluation.setup.takes.bonus",
            AdjustmentKind::Penalty => "evaluation.setup.takes.penalty",
        }),
        InputItem::Veto(_) => lang.t("evaluation.setup.takes.veto"),
    }
}

fn entered_by(r: &EvaluationInputRecord) -> String {
    let mut text = format!(
        "{} · {}",
        r.recorded_by,
        innozone_app::clock::format_unix(r.recorded_at)
    );
    if let Some(note) = &r.note {
        text.push_str(" · ");
        text.push_str(note);
    }
    text
}

/// The table as stored, with who entered each value.
fn table_of(sheet: &InputSheet, lang: Lang) -> Result<TableFragment, WebError> {
    let english = lang.is_english();
    let records = &sheet.entries;
    let by_key: HashMap<(i64, &str), &EvaluationInputRecord> = records
        .iter()
        .map(|r| ((r.unit.0, r.item.as_str()), r))
        .collect();
    let columns = sheet
        .items
        .iter()
        .map(|(item, code)| Column {
            code: code.clone(),
            name: item_name(&sheet.scheme, *item, english),
            takes: takes(&sheet.scheme, *item, lang),
        })
        .collect();
    let rows = sheet
        .units
        .iter()
        .zip(&sheet.values)
        .map(|(unit, values)| RowView {
            code: unit.code.clone(),
            name: unit.name(english).to_string(),
            cells: sheet
                .items
                .iter()
                .zip(values)
                .map(|((item, code), value)| {
                    let record = by_key.get(&(unit.id, code.as_str()));
                    CellView {
                        code: code.clone(),
                        label: format!(
                            "{} {}",
                            unit.name(english),
                            item_name(&sheet.scheme, *item, english)
                        ),
                        text: value.map(plain).unwrap_or_default(),
                        title: record.map(|r| entered_by(r)).unwrap_or_default(),
                        has_history: record.is_some(),
                        invalid: false,
                    }
                })
                .collect(),
        })
        .collect();
    Ok(TableFragment {
        chrome: Chrome::new(lang, None, ACTIVE),
        scheme: sheet.scheme.code.clone(),
        year: sheet.period.year(),
        columns,
        rows,
        message: None,
        problems: Vec::new(),
    })
}

/// The scope asked for by its code, or the user's own unit (the first zone for an
/// administrator).
fn scope_of(
    user: &CurrentUser,
    hierarchy: &Hierarchy,
    asked: Option<&str>,
) -> Result<UnitId, WebError> {
    match asked.map(str::trim).filter(|s| !s.is_empty()) {
        Some(code) => hierarchy
            .unit_by_code(code)
            .map(|u| u.id)
            .ok_or(WebError::NotFound),
        None => default_unit(&user.principal, hierarchy).ok_or(WebError::Forbidden),
    }
}

fn default_year() -> i32 {
    innozone_app::clock::today().year() - 1
}

pub async fn page(
    State(state): State<AppState>,
    Language(lang): Language,
    user: CurrentUser,
    Query(q): Query<InputsQuery>,
) -> Result<Response, WebError> {
    if !is_evaluating_role(&user.principal) {
        return Err(WebError::Forbidden);
    }
    let english = lang.is_english();
    let store = state.store();
    let hierarchy = state.hierarchy().await?;
    let scope = scope_of(&user, &hierarchy, q.unit.as_deref())?;
    let period = match q.year.as_deref().map(str::trim).filter(|y| !y.is_empty()) {
        Some(y) => year_period(y)?,
        None => Period::Year(default_year()),
    };
    let with_inputs: Vec<_> = installed_schemes(store)
        .await?
        .into_iter()
        .filter(|(s, _)| !s.input_items().is_empty())
        .collect();
    let asked = q.scheme.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let chosen = match asked {
        Some(code) => Some(code.to_string()),
        None => with_inputs.first().map(|(s, _)| s.code.clone()),
    };
    let (table, scheme_name) = match &chosen {
        Some(code) => {
            let sheet =
                input_sheet(store, &hierarchy, &user.principal, code, scope, period).await?;
            let name = sheet.scheme.name(english).to_string();
            let mut table = table_of(&sheet, lang)?;
            table.chrome = Chrome::new(lang, Some(&user), ACTIVE);
            (Some(render(&table)?.0), name)
        }
        None => (None, String::new()),
    };
    let page = InputsPage {
        schemes: with_inputs
            .iter()
            .map(|(s, _)| SchemeChoice {
                code: s.code.clone(),
                name: s.name(english).to_string(),
                selected: chosen.as_deref() == Some(s.code.as_str()),
            })
            .collect(),
        scheme_name,
        scheme_code: chosen.clone().unwrap_or_default(),
        scope_code: hierarchy
            .unit(scope)
            .map(|u| u.code.to_string())
            .unwrap_or_default(),
        scope_name: hierarchy
            .unit(scope)
            .map(|u| u.display_name(english).to_string())
            .unwrap_or_default(),
        year: period.year(),
        period_label: period_label(period, lang),
        table,
        chrome: Chrome::new(lang, Some(&user), ACTIVE),
    };
    Ok(render(&page)?.into_response())
}

fn field<'a>(fields: &'a [(String, String)], name: &str) -> Option<&'a str> {
    fields
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

/// Saves the table: `scheme`, `year`, `unit` (the scope's code), an optional `note` and
/// `v.<park code>.<item>` for each cell (blank clears). Only values that differ from
/// those recorded are entered, so the history holds real changes; any problem refuses
/// them all. Answers with the table as it now stands, or as typed with the problems.
pub async fn save(
    State(state): State<AppState>,
    Language(lang): Language,
    user: CurrentUser,
    PostedForm(fields): PostedForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    if !is_evaluating_role(&user.principal) {
        return Err(WebError::Forbidden);
    }
    let english = lang.is_english();
    let store = state.store();
    let hierarchy = state.hierarchy().await?;
    let scheme_code = field(&fields, "scheme").unwrap_or("").trim().to_string();
    let period = year_period(field(&fields, "year").unwrap_or(""))?;
    let scope = scope_of(&user, &hierarchy, field(&fields, "unit"))?;
    let note = field(&fields, "note")
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_string);
    let sheet = input_sheet(
        store,
        &hierarchy,
        &user.principal,
        &scheme_code,
        scope,
        period,
    )
    .await?;

    // What was typed, by park and item; the current values to compare with.
    let mut typed: Vec<(String, String, String)> = Vec::new();
    for (name, text) in &fields {
        let Some((unit, item)) = name.strip_prefix("v.").and_then(|r| r.rsplit_once('.')) else {
            continue;
        };
        typed.push((unit.to_string(), item.to_string(), text.clone()));
    }
    let current = |unit: &str, item: &str| -> Option<Option<f64>> {
        let u = sheet.units.iter().position(|x| x.code == unit)?;
        let i = sheet.items.iter().position(|(_, c)| c == item)?;
        Some(sheet.values[u][i])
    };
    let mut problems: Vec<String> = Vec::new();
    let mut invalid: Vec<(String, String)> = Vec::new();
    let mut entries: Vec<InputEntry> = Vec::new();
    for (unit, item, text) in &typed {
        match parse_value(text) {
            Ok(value) => {
                // Unchanged values add nothing; a park or item not on the sheet goes to
                // the use case, which says why it cannot be taken.
                if current(unit, item) != Some(value) {
                    entries.push(InputEntry {
                        unit: unit.clone(),
                        period,
                        item: item.clone(),
                        value,
                        note: note.clone(),
                    });
                }
            }
            Err(()) => {
                let name = sheet
                    .scheme
                    .input_item(item)
                    .map_or_else(|| item.clone(), |i| item_name(&sheet.scheme, i, english));
                let park = sheet
                    .units
                    .iter()
                    .find(|u| &u.code == unit)
                    .map_or_else(|| unit.clone(), |u| u.name(english).to_string());
                problems.push(lang.t_with(
                    "evaluation.setup.not_a_number",
                    &[
                        ("unit", park),
                        ("item", name),
                        ("text", text.trim().to_string()),
                    ],
                ));
                invalid.push((unit.clone(), item.clone()));
            }
        }
    }
    if problems.is_empty() && !entries.is_empty() {
        match record_inputs(store, &user.principal, &scheme_code, &entries).await {
            Ok(n) => {
                let sheet = input_sheet(
                    store,
                    &hierarchy,
                    &user.principal,
                    &scheme_code,
                    scope,
                    period,
                )
                .await?;
                let mut table = table_of(&sheet, lang)?;
                table.chrome = Chrome::new(lang, Some(&user), ACTIVE);
                table.message =
                    Some(lang.t_with("evaluation.setup.saved", &[("count", n.to_string())]));
                return Ok(render(&table)?.into_response());
            }
            Err(AppError::EvaluationInputs(issues)) => {
                for i in &issues {
                    problems.push(i.localize(lang));
                    invalid.push((i.unit.clone(), i.item.clone()));
                }
            }
            Err(e) => return Err(e.into()),
        }
    }
    let mut table = table_of(&sheet, lang)?;
    table.chrome = Chrome::new(lang, Some(&user), ACTIVE);
    if problems.is_empty() {
        table.message = Some(lang.t("evaluation.setup.unchanged"));
        return Ok(render(&table)?.into_response());
    }
    // Nothing is saved; the table keeps what was typed, the bad cells marked.
    for row in &mut table.rows {
        for cell in &mut row.cells {
            if let Some((_, _, text)) = typed
                .iter()
                .find(|(u, i, _)| u == &row.code && i == &cell.code)
            {
                cell.text = text.clone();
            }
            cell.invalid = invalid
                .iter()
                .any(|(u, i)| u == &row.code && i == &cell.code);
        }
    }
    table.message = Some(lang.t_with(
        "evaluation.setup.refused",
        &[("count", problems.len().to_string())],
    ));
    table.problems = problems;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&table)?).into_response())
}

#[derive(Deserialize)]
pub struct HistoryQuery {
    scheme: String,
    year: String,
    /// The park's code.
    unit: String,
    item: String,
}

pub struct HistoryRow {
    pub value: Option<String>,
    pub recorded_by: String,
    pub recorded_at: String,
    pub note: Option<String>,
    pub current: bool,
}

#[derive(Template)]
#[template(path = "evaluation_input_history.html")]
struct HistoryFragment {
    chrome: Chrome,
    title: String,
    entries: Vec<HistoryRow>,
}

/// Every entry of one park's item for the year, newest first: a change or a clearing
/// only adds an entry.
pub async fn history(
    State(state): State<AppState>,
    Language(lang): Language,
    user: CurrentUser,
    Query(q): Query<HistoryQuery>,
) -> Result<Response, WebError> {
    if !is_evaluating_role(&user.principal) {
        return Err(WebError::Forbidden);
    }
    let english = lang.is_english();
    let period = year_period(&q.year)?;
    let hierarchy = state.hierarchy().await?;
    let unit = hierarchy
        .unit_by_code(q.unit.trim())
        .ok_or(WebError::NotFound)?;
    let (scheme, entries) = input_history(
        state.store(),
        &user.principal,
        &hierarchy,
        q.scheme.trim(),
        unit.id,
        q.item.trim(),
        period,
    )
    .await?;
    let item = scheme.input_item(q.item.trim()).ok_or(WebError::NotFound)?;
    let newest = entries.first().map(|r| r.id);
    let fragment = HistoryFragment {
        title: format!(
            "{} · {} · {}",
            unit.display_name(english),
            item_name(&scheme, item, english),
            period_label(period, lang)
        ),
        entries: entries
            .into_iter()
            .map(|r| HistoryRow {
                value: r.value.map(shown),
                recorded_by: r.recorded_by.clone(),
                recorded_at: innozone_app::clock::format_unix(r.recorded_at),
                note: r.note.clone(),
                current: Some(r.id) == newest,
            })
            .collect(),
        chrome: Chrome::new(lang, Some(&user), ACTIVE),
    };
    Ok(render(&fragment)?.into_response())
}

#[derive(Deserialize)]
pub struct FileQuery {
    scheme: String,
    year: String,
    unit: Option<String>,
}

/// The workbook to fill in: a row per park the user enters for, the values so far.
pub async fn download(
    State(state): State<AppState>,
    Language(lang): Language,
    user: CurrentUser,
    Query(q): Query<FileQuery>,
) -> Result<Response, WebError> {
    if !is_evaluating_role(&user.principal) {
        return Err(WebError::Forbidden);
    }
    let period = year_period(&q.year)?;
    let hierarchy = state.hierarchy().await?;
    let scope = scope_of(&user, &hierarchy, q.unit.as_deref())?;
    let sheet = input_sheet(
        state.store(),
        &hierarchy,
        &user.principal,
        q.scheme.trim(),
        scope,
        period,
    )
    .await?;
    let bytes = write_xlsx(&[template(&sheet)]).map_err(|e| WebError::Internal(e.to_string()))?;
    let name = format!(
        "{}-{}-{period}.xlsx",
        lang.t("evaluation.setup.inputs_file"),
        sheet.scheme.code
    );
    Ok(attachment(bytes, &name, FileFormat::Xlsx))
}

/// What an upload held, or held once committed.
pub struct UploadReport {
    pub values: usize,
    pub units: usize,
    pub changed: usize,
    pub committed: bool,
}

#[derive(Template)]
#[template(path = "evaluation_inputs_upload.html")]
struct UploadFragment {
    chrome: Chrome,
    file: String,
    report: Option<UploadReport>,
    reload: String,
    message: Option<String>,
    issues: Vec<IssueRow>,
}

fn issue_rows(issues: &[FileIssue]) -> Vec<IssueRow> {
    issues
        .iter()
        .map(|i| IssueRow {
            sheet: i.position.sheet.clone().unwrap_or_default(),
            row: i.position.row.to_string(),
            column: i.position.column.map(column_letter).unwrap_or_default(),
            message: i.message.clone(),
        })
        .collect()
}

/// A filled-in workbook (or CSV): checked only (`mode=check`), or committed all or
/// nothing. The answer to a check offers to commit the same file.
pub async fn upload(
    State(state): State<AppState>,
    Language(lang): Language,
    user: CurrentUser,
    Query(q): Query<FileQuery>,
    multipart: Multipart,
) -> Result<Response, WebError> {
    if !is_evaluating_role(&user.principal) {
        return Err(WebError::Forbidden);
    }
    let period = year_period(&q.year)?;
    let store = state.store();
    let hierarchy = state.hierarchy().await?;
    let scope = scope_of(&user, &hierarchy, q.unit.as_deref())?;
    let sheet = input_sheet(
        store,
        &hierarchy,
        &user.principal,
        q.scheme.trim(),
        scope,
        period,
    )
    .await?;
    let upload = read_multipart(&state, multipart, Audience::Page).await?;
    let format = FileFormat::from_file_name(&upload.file_name).ok_or_else(|| {
        WebError::BadRequest(Problem::Key(
            "evaluation.setup.file.format",
            vec![("file", upload.file_name.clone())],
        ))
    })?;
    let table = read_table_within(
        &upload.file_name,
        &upload.bytes,
        format,
        None,
        &state.limits.read,
    )
    .map_err(|e| WebError::from(AppError::Read(e)))?;
    let tree = hierarchy.as_of(period.last_day());
    let read = read_inputs(
        &table,
        &sheet.scheme,
        period,
        &|code| hierarchy.unit_by_code(code).is_some(),
        &|code| {
            hierarchy
                .unit_by_code(code)
                .is_some_and(|u| may_enter_for(&user.principal, u.id, &tree))
        },
        lang,
    );
    let chrome = Chrome::new(lang, Some(&user), ACTIVE);
    let reload = format!(
        "/evaluation/inputs?scheme={}&year={}&unit={}",
        sheet.scheme.code,
        period.year(),
        hierarchy
            .unit(scope)
            .map(|u| u.code.to_string())
            .unwrap_or_default()
    );
    let refused = |issues: Vec<FileIssue>, file: String, chrome: Chrome| {
        let fragment = UploadFragment {
            message: Some(lang.t_with(
                "evaluation.setup.upload_problems",
                &[("count", issues.len().to_string())],
            )),
            issues: issue_rows(&issues),
            chrome,
            file,
            report: None,
            reload: reload.clone(),
        };
        Ok::<_, WebError>((StatusCode::UNPROCESSABLE_ENTITY, render(&fragment)?).into_response())
    };
    let read = match read {
        Ok(read) => read,
        Err(issues) => return refused(issues, upload.file_name, chrome),
    };
    let current = |unit: &str, item: &str| -> Option<f64> {
        let u = sheet.units.iter().position(|x| x.code == unit)?;
        let i = sheet.items.iter().position(|(_, c)| c == item)?;
        sheet.values[u][i]
    };
    let changed: Vec<&InputFileEntry> = read
        .iter()
        .filter(|e| current(&e.unit, &e.item) != Some(e.value))
        .collect();
    let mut units: Vec<&str> = read.iter().map(|e| e.unit.as_str()).collect();
    units.sort_unstable();
    units.dedup();
    let mut report = UploadReport {
        values: read.len(),
        units: units.len(),
        changed: changed.len(),
        committed: false,
    };
    if !upload.dry_run {
        let entries: Vec<InputEntry> = changed
            .iter()
            .map(|e| InputEntry {
                unit: e.unit.clone(),
                period,
                item: e.item.clone(),
                value: Some(e.value),
                note: Some(upload.file_name.clone()),
            })
            .collect();
        if !entries.is_empty() {
            match record_inputs(store, &user.principal, &sheet.scheme.code, &entries).await {
                Ok(_) => {}
                Err(AppError::EvaluationInputs(issues)) => {
                    // Checked already; should the scheme have changed meanwhile, the
                    // problems are still put at their cells.
                    let located = locate(&issues, &changed, lang);
                    return refused(located, upload.file_name, chrome);
                }
                Err(e) => return Err(e.into()),
            }
        }
        report.committed = true;
    }
    let fragment = UploadFragment {
        chrome,
        file: upload.file_name,
        report: Some(report),
        reload,
        message: None,
        issues: Vec::new(),
    };
    Ok(render(&fragment)?.into_response())
}

/// Input issues put back at the cells their values were read from.
fn locate(issues: &[InputIssue], read: &[&InputFileEntry], lang: Lang) -> Vec<FileIssue> {
    issues
        .iter()
        .map(|i| FileIssue {
            position: read
                .iter()
                .find(|e| e.unit == i.unit && e.item == i.item)
                .map_or(
                    Position {
                        sheet: None,
                        row: 0,
                        column: None,
                    },
                    |e| e.position.clone(),
                ),
            message: i.localize(lang),
        })
        .collect()
}
