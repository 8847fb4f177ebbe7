//! Unit statistics (统计数据录入): for one year, a row per unit within the one chosen and a
//! column per statistic of the catalogue, in its entry unit. Zone staff type values in
//! (each saved as it changes, or a row at a time; an emptied cell clears), every entry is
//! kept and its history shown; the pre-filled workbook goes out and comes back, checked
//! first with every problem located, then committed all or nothing.

use askama::Template;
use axum::Form as PostedForm;
use axum::extract::{Multipart, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use innozone_app::AppError;
use innozone_app::monitoring::{
    StatisticsRow, StatisticsUpload, current_catalogue, may_monitor, monitored_periods,
    record_statistics, statistic_history, statistics_table, statistics_template, upload_statistics,
};
use innozone_domain::monitoring::Catalogue;
use innozone_domain::registry::UnitId;
use innozone_domain::reporting::Period;
use innozone_domain::table::column_letter;
use innozone_exchange::{FileFormat, write_xlsx};
use innozone_i18n::{Lang, Localize};
use innozone_store::StatisticRecord;
use serde::Deserialize;

use super::catalogue::may_read;
use super::format::unit_symbol;
use crate::auth::CurrentUser;
use crate::error::{Problem, WebError};
use crate::files::{Audience, attachment, read_multipart};
use crate::language::Language;
use crate::routes::pages::reporting::{chosen_unit, unit_choices};
use crate::state::AppState;
use crate::views::{Chrome, grouped, render};

#[derive(Deserialize, Default)]
pub struct StatisticsQuery {
    unit: Option<String>,
    period: Option<String>,
}

pub struct Column {
    pub code: String,
    pub name: String,
    pub unit: String,
}

pub struct CellView {
    pub code: String,
    /// The unit's and the statistic's name, for screen readers.
    pub label: String,
    /// What the input holds: the number as typed, without separators.
    pub text: String,
    /// The number as read, for those who may not change it.
    pub shown: String,
    /// Who entered it and when.
    pub title: String,
    pub has_history: bool,
    pub invalid: bool,
}

pub struct RowView {
    pub unit_id: i64,
    pub code: String,
    pub name: String,
    pub kind: String,
    pub writable: bool,
    pub cells: Vec<CellView>,
    pub message: Option<String>,
    pub error: bool,
}

impl RowView {
    /// The values the row's buttons and inputs send besides their own.
    pub fn vals(&self, period: &str) -> String {
        serde_json::json!({"unit": self.unit_id.to_string(), "period": period}).to_string()
    }
}

pub struct UnitChoice {
    pub id: i64,
    pub label: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "monitoring_statistics.html")]
struct StatisticsPage {
    chrome: Chrome,
    unit_id: i64,
    unit_name: String,
    period_code: String,
    period_label: String,
    years: Vec<i32>,
    units: Vec<UnitChoice>,
    columns: Vec<Column>,
    rows: Vec<RowView>,
    no_catalogue: bool,
    may_upload: bool,
    /// The cells' history links are rendered in place, not swapped in.
    oob: bool,
}

/// The answer to a save: the row's status, and each cell's history link and who
/// entered it swapped in beside the inputs (which keep their focus and what was typed).
#[derive(Template)]
#[template(path = "monitoring_statistics_saved.html")]
struct SavedFragment {
    chrome: Chrome,
    period_code: String,
    row: RowView,
    oob: bool,
}

/// A number as typed into an input: no separators, no needless decimals.
fn plain(v: f64) -> String {
    format!("{v}")
}

/// A number as read: thousands separated, its decimals as entered.
fn shown(v: f64) -> String {
    let text = plain(v);
    let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
    let whole = match int.parse::<i64>() {
        Ok(n) if !(n == 0 && v < 0.0) => grouped(n),
        _ => int.to_string(),
    };
    if frac.is_empty() {
        whole
    } else {
        format!("{whole}.{frac}")
    }
}

/// A typed value: blank clears, separators are allowed, anything else must be a number.
fn parse_value(text: &str) -> Result<Option<f64>, ()> {
    let cleaned: String = text
        .chars()
        .filter(|c| !matches!(c, ',' | '，' | ' ' | '\u{3000}'))
        .collect();
    if cleaned.is_empty() {
        return Ok(None);
    }
    match cleaned.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(Some(v)),
        _ => Err(()),
    }
}

/// The year asked for; statistics are annual.
fn annual(text: &str) -> Result<Period, WebError> {
    match text.trim().parse::<Period>() {
        Ok(p @ Period::Year(_)) => Ok(p),
        _ => Err(WebError::BadRequest(Problem::Key(
            "monitoring.statistics.annual_only",
            vec![("period", text.trim().to_string())],
        ))),
    }
}

fn period_label(period: Period, lang: Lang) -> String {
    if lang.is_english() {
        period.label_en()
    } else {
        period.label_zh()
    }
}

fn entered_by(r: &StatisticRecord) -> String {
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

fn row_view(row: &StatisticsRow, catalogue: &Catalogue, writable: bool, lang: Lang) -> RowView {
    RowView {
        unit_id: row.unit.0,
        code: row.code.clone(),
        name: row.name.clone(),
        kind: lang.t(&format!("kind.{}", row.kind.code())),
        writable,
        cells: catalogue
            .statistics
            .iter()
            .zip(&row.values)
            .map(|(s, record)| {
                let value = record.as_ref().and_then(|r| r.value);
                CellView {
                    code: s.code.clone(),
                    label: format!("{} {}", row.name, s.name(lang.is_english())),
                    text: value.map(plain).unwrap_or_default(),
                    shown: value.map_or_else(|| "—".to_string(), shown),
                    title: record.as_ref().map(entered_by).unwrap_or_default(),
                    has_history: record.is_some(),
                    invalid: false,
                }
            })
            .collect(),
        message: None,
        error: false,
    }
}

/// The annual periods opened for the catalogue's forms, newest first.
async fn opened_years(state: &AppState, catalogue: &Catalogue) -> Result<Vec<i32>, WebError> {
    Ok(monitored_periods(state.store(), catalogue)
        .await?
        .into_iter()
        .filter_map(|p| match p {
            Period::Year(y) => Some(y),
            _ => None,
        })
        .collect())
}

pub async fn page(
    State(state): State<AppState>,
    Language(lang): Language,
    user: CurrentUser,
    Query(q): Query<StatisticsQuery>,
) -> Result<Response, WebError> {
    may_read(&user)?;
    let store = state.store();
    let hierarchy = state.hierarchy().await?;
    let principal = &user.principal;
    let english = lang.is_english();
    let unit = chosen_unit(principal, &hierarchy, q.unit.as_deref())?;
    let catalogue = current_catalogue(store).await?;
    let years = match &catalogue {
        Some(c) => opened_years(&state, c).await?,
        None => Vec::new(),
    };
    let period = match q.period.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
        Some(text) => annual(text)?,
        None => Period::Year(
            years
                .first()
                .copied()
                .unwrap_or_else(|| innozone_app::clock::today().year() - 1),
        ),
    };
    let tree = hierarchy.as_of(period.last_day());
    if !may_monitor(principal, unit, &tree) {
        return Err(WebError::Forbidden);
    }
    let (columns, rows) = match &catalogue {
        Some(_) => {
            let (catalogue, rows) =
                statistics_table(store, &hierarchy, principal, unit, period, english).await?;
            let columns = catalogue
                .statistics
                .iter()
                .map(|s| Column {
                    code: s.code.clone(),
                    name: s.name(english).to_string(),
                    unit: unit_symbol(s.unit, lang).to_string(),
                })
                .collect();
            let rows = rows
                .iter()
                .map(|r| row_view(r, &catalogue, principal.may_write_unit(r.unit, &tree), lang))
                .collect();
            (columns, rows)
        }
        None => (Vec::new(), Vec::new()),
    };
    let units = unit_choices(principal, &hierarchy, &tree)
        .into_iter()
        .map(|(id, name, depth)| UnitChoice {
            id: id.0,
            label: format!("{}{name}", "　".repeat(depth)),
            selected: id == unit,
        })
        .collect();
    let page = StatisticsPage {
        unit_id: unit.0,
        unit_name: hierarchy
            .unit(unit)
            .map(|u| u.display_name(english).to_string())
            .unwrap_or_default(),
        period_code: period.to_string(),
        period_label: period_label(period, lang),
        years,
        units,
        columns,
        rows,
        no_catalogue: catalogue.is_none(),
        may_upload: catalogue.is_some() && principal.may_write_unit(unit, &tree),
        oob: false,
        chrome: Chrome::new(lang, Some(&user), "monitoring"),
    };
    Ok(render(&page)?.into_response())
}

fn field<'a>(fields: &'a [(String, String)], name: &str) -> Option<&'a str> {
    fields
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

fn unit_field(fields: &[(String, String)]) -> Result<UnitId, WebError> {
    field(fields, "unit")
        .and_then(|t| t.trim().parse().ok())
        .map(UnitId)
        .ok_or(WebError::NotFound)
}

/// The row of `unit` as it now stands.
async fn current_row(
    state: &AppState,
    user: &CurrentUser,
    unit: UnitId,
    period: Period,
    lang: Lang,
) -> Result<(Catalogue, StatisticsRow, bool), WebError> {
    let hierarchy = state.hierarchy().await?;
    let (catalogue, rows) = statistics_table(
        state.store(),
        &hierarchy,
        &user.principal,
        unit,
        period,
        lang.is_english(),
    )
    .await?;
    let row = rows
        .into_iter()
        .find(|r| r.unit == unit)
        .ok_or(WebError::NotFound)?;
    let hierarchy = state.hierarchy().await?;
    let writable = user
        .principal
        .may_write_unit(unit, &hierarchy.as_of(period.last_day()));
    Ok((catalogue, row, writable))
}

fn row_answer(
    lang: Lang,
    user: &CurrentUser,
    period: Period,
    row: RowView,
    status: StatusCode,
) -> Result<Response, WebError> {
    let fragment = SavedFragment {
        chrome: Chrome::new(lang, Some(user), "monitoring"),
        period_code: period.to_string(),
        row,
        oob: true,
    };
    Ok((status, render(&fragment)?).into_response())
}

/// Saves one value or a unit's row: `unit`, `period`, `v.<code>` for each value (blank
/// clears) and an optional `note`. Values equal to those recorded are left alone, so the
/// history holds only real changes. Answers with the row as it now stands.
pub async fn save(
    State(state): State<AppState>,
    Language(lang): Language,
    user: CurrentUser,
    PostedForm(fields): PostedForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let unit = unit_field(&fields)?;
    let period = annual(field(&fields, "period").unwrap_or(""))?;
    let note = field(&fields, "note")
        .map(str::trim)
        .filter(|n| !n.is_empty());
    let (catalogue, row, writable) = current_row(&state, &user, unit, period, lang).await?;
    if !writable {
        return Err(WebError::Forbidden);
    }
    let mut changes = Vec::new();
    let mut invalid: Vec<(String, String)> = Vec::new();
    for (name, text) in &fields {
        let Some(code) = name.strip_prefix("v.") else {
            continue;
        };
        let Some((s, statistic)) = catalogue.statistic(code) else {
            return Err(AppError::UnknownReference {
                entity: "statistic",
                key: code.to_string(),
            }
            .into());
        };
        match parse_value(text) {
            Ok(value) => {
                let current = row.values[s].as_ref().and_then(|r| r.value);
                if current != value {
                    changes.push((unit, code.to_string(), value));
                }
            }
            Err(()) => invalid.push((
                code.to_string(),
                lang.t_with(
                    "monitoring.statistics.not_a_number",
                    &[
                        ("statistic", statistic.name(lang.is_english()).to_string()),
                        ("text", text.trim().to_string()),
                    ],
                ),
            )),
        }
    }
    if !invalid.is_empty() {
        // Nothing is saved; the row keeps what was typed, the bad cells marked.
        let mut view = row_view(&row, &catalogue, writable, lang);
        for cell in &mut view.cells {
            if let Some((_, text)) = fields
                .iter()
                .find(|(n, _)| n == &format!("v.{}", cell.code))
            {
                cell.text = text.clone();
            }
            cell.invalid = invalid.iter().any(|(c, _)| c == &cell.code);
        }
        view.message = Some(
            invalid
                .into_iter()
                .map(|(_, m)| m)
                .collect::<Vec<_>>()
                .join(&lang.t("monitoring.statistics.joiner")),
        );
        view.error = true;
        return row_answer(lang, &user, period, view, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let message = if changes.is_empty() {
        lang.t("monitoring.statistics.unchanged")
    } else {
        let n = record_statistics(state.store(), &user.principal, period, &changes, note).await?;
        lang.t_with("monitoring.statistics.saved", &[("count", n.to_string())])
    };
    let (catalogue, row, writable) = current_row(&state, &user, unit, period, lang).await?;
    let mut view = row_view(&row, &catalogue, writable, lang);
    view.message = Some(message);
    row_answer(lang, &user, period, view, StatusCode::OK)
}

#[derive(Deserialize)]
pub struct HistoryQuery {
    unit: String,
    period: String,
    code: String,
}

pub struct HistoryRow {
    pub value: Option<String>,
    pub recorded_by: String,
    pub recorded_at: String,
    pub note: Option<String>,
    pub current: bool,
}

#[derive(Template)]
#[template(path = "monitoring_statistic_history.html")]
struct HistoryFragment {
    chrome: Chrome,
    title: String,
    entries: Vec<HistoryRow>,
}

/// Every entry of one unit's statistic for the year, newest first: nothing entered is
/// ever lost, a change or a clearing only adds an entry.
pub async fn history(
    State(state): State<AppState>,
    Language(lang): Language,
    user: CurrentUser,
    Query(q): Query<HistoryQuery>,
) -> Result<Response, WebError> {
    may_read(&user)?;
    let english = lang.is_english();
    let period = annual(&q.period)?;
    let unit = UnitId(q.unit.trim().parse().map_err(|_| WebError::NotFound)?);
    let hierarchy = state.hierarchy().await?;
    let stored = hierarchy.unit(unit).ok_or(WebError::NotFound)?;
    let (statistic, entries) = statistic_history(
        state.store(),
        &user.principal,
        &hierarchy,
        unit,
        period,
        &q.code,
    )
    .await?;
    let newest = entries.first().map(|r| r.id);
    let fragment = HistoryFragment {
        title: format!(
            "{} · {}（{}） · {}",
            stored.display_name(english),
            statistic.name(english),
            unit_symbol(statistic.unit, lang),
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
        chrome: Chrome::new(lang, Some(&user), "monitoring"),
    };
    Ok(render(&fragment)?.into_response())
}

#[derive(Deserialize)]
pub struct FileQuery {
    unit: Option<String>,
    period: String,
}

/// The workbook to fill in: a row per unit within the one chosen, the values so far.
pub async fn download(
    State(state): State<AppState>,
    Language(lang): Language,
    user: CurrentUser,
    Query(q): Query<FileQuery>,
) -> Result<Response, WebError> {
    may_read(&user)?;
    let period = annual(&q.period)?;
    let hierarchy = state.hierarchy().await?;
    let unit = chosen_unit(&user.principal, &hierarchy, q.unit.as_deref())?;
    let sheet =
        statistics_template(state.store(), &hierarchy, &user.principal, unit, period).await?;
    let bytes = write_xlsx(&[sheet]).map_err(|e| WebError::Internal(e.to_string()))?;
    let unit_name = hierarchy
        .unit(unit)
        .map(|u| u.display_name(lang.is_english()).to_string())
        .unwrap_or_default();
    let name = format!(
        "{}-{unit_name}-{period}.xlsx",
        lang.t("monitoring.statistics.file")
    );
    Ok(attachment(bytes, &name, FileFormat::Xlsx))
}

pub struct IssueRow {
    pub sheet: String,
    pub row: String,
    pub column: String,
    pub message: String,
}

#[derive(Template)]
#[template(path = "monitoring_statistics_upload.html")]
struct UploadFragment {
    chrome: Chrome,
    file: String,
    report: Option<StatisticsUpload>,
    reload: String,
    message: Option<String>,
    issues: Vec<IssueRow>,
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
    may_read(&user)?;
    let period = annual(&q.period)?;
    let upload = read_multipart(&state, multipart, Audience::Page).await?;
    let result = upload_statistics(
        state.store(),
        &user.principal,
        period,
        &upload.file_name,
        &upload.bytes,
        &state.limits.read,
        !upload.dry_run,
    )
    .await;
    let chrome = Chrome::new(lang, Some(&user), "monitoring");
    let reload = format!(
        "/monitoring/statistics?unit={}&period={period}",
        q.unit.as_deref().unwrap_or("").trim()
    );
    let separator = lang.t("issue.separator");
    let (status, fragment) = match result {
        Ok(report) => (
            StatusCode::OK,
            UploadFragment {
                chrome,
                file: upload.file_name,
                report: Some(report),
                reload,
                message: None,
                issues: Vec::new(),
            },
        ),
        Err(AppError::Statistics(issues)) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            UploadFragment {
                message: Some(innozone_i18n::issue_count(
                    lang,
                    "monitoring.statistics.upload_problems",
                    issues.len(),
                    issues.total(),
                )),
                issues: issues
                    .iter()
                    .map(|i| {
                        let full = i.localize(lang);
                        IssueRow {
                            sheet: i.position.sheet.clone().unwrap_or_default(),
                            row: i.position.row.to_string(),
                            column: i.position.column.map(column_letter).unwrap_or_default(),
                            message: full
                                .split_once(separator.as_str())
                                .map_or(full.clone(), |(_, problem)| problem.to_string()),
                        }
                    })
                    .collect(),
                chrome,
                file: upload.file_name,
                report: None,
                reload,
            },
        ),
        Err(e) => return Err(e.into()),
    };
    Ok((status, render(&fragment)?).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_values_parse_and_blank_clears() {
        assert_eq!(parse_value(" 1,234.5 "), Ok(Some(1234.5)));
        assert_eq!(parse_value("-3"), Ok(Some(-3.0)));
        assert_eq!(parse_value(""), Ok(None));
        assert_eq!(parse_value("  "), Ok(None));
        assert_eq!(parse_value("五百"), Err(()));
        assert_eq!(parse_value("inf"), Err(()));
    }

    #[test]
    fn numbers_type_and_read_back() {
        assert_eq!(plain(552.4), "552.4");
        assert_eq!(plain(12.0), "12");
        assert_eq!(shown(1234567.25), "1,234,567.25");
        assert_eq!(shown(-0.5), "-0.5");
    }

    #[test]
    fn statistics_are_annual() {
        assert_eq!(annual("2025").unwrap(), Period::Year(2025));
        assert!(annual("2025Q1").is_err());
        assert!(annual("x").is_err());
    }
}
