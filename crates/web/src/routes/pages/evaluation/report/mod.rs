//! The annual evaluation report (年度考核评价报告) of a kept run: composed once as a
//! document (overview, ranking, dimension scores, each park's profile, the consequences
//! with their basis, the zone's development index, the method) and given as a printable
//! page with charts, an xlsx workbook of its tables, and a .docx laid out as an official
//! document (GB/T 9704). Seed 002 line 73 asks for the parks' results to be published
//! with their rewards and sanctions; seed 001 for the development index every year.
//!
//! Who reads what is the run's rule (`innozone_app::evaluation::run_view`): whoever sees
//! the run's scope reads the whole report; a user bound to a park reads a report of that
//! park only (its row of the tables, its profile, its consequences, no medians and no
//! zone index); filers and the public are refused.

mod compose;

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use innozone_app::evaluation::{RunView, index_schemes, index_view, run_view};
use innozone_app::monitoring::Basis;
use innozone_documents::{Block, Cell, to_docx};
use innozone_exchange::{FileFormat, SheetData, Value, write_xlsx};
use innozone_i18n::Lang;

use self::compose::{IndexSection, Inputs, Part, Report, compose};
use crate::auth::CurrentUser;
use crate::error::{WebError, app_message};
use crate::files::attachment;
use crate::language::Language;
use crate::state::AppState;
use crate::views::{Chrome, render};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/evaluation/runs/{id}/report", get(page))
        .route("/evaluation/runs/{id}/report.xlsx", get(xlsx))
        .route("/evaluation/runs/{id}/report.docx", get(docx))
}

/// The run, the name of its scope and the index, as the user may read them.
struct Loaded {
    view: RunView,
    zone: String,
    index: IndexSection,
}

async fn load(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
    lang: Lang,
) -> Result<Loaded, WebError> {
    let id: i64 = id.parse().map_err(|_| WebError::NotFound)?;
    let store = state.store();
    let view = run_view(store, &user.principal, id).await?;
    let hierarchy = state.hierarchy().await?;
    let summary = &view.run.summary;
    let zone = hierarchy
        .unit(summary.scope)
        .map(|u| u.display_name(lang.is_english()).to_string())
        .unwrap_or_default();
    let index = index_of(state, user, &view, lang).await;
    Ok(Loaded { view, zone, index })
}

/// The development index of the run's scope from its scheme's base year to the run's
/// year, or why there is none.
async fn index_of(
    state: &AppState,
    user: &CurrentUser,
    view: &RunView,
    lang: Lang,
) -> IndexSection {
    let store = state.store();
    let summary = &view.run.summary;
    let year = summary.period.year();
    let mut schemes = match index_schemes(store).await {
        Ok(s) => s,
        Err(e) => return IndexSection::Left(app_message(&e, lang)),
    };
    schemes.sort_by(|a, b| a.0.code.cmp(&b.0.code));
    let Some((scheme, _)) = schemes.into_iter().next() else {
        return IndexSection::Left(lang.t("evaluation_report.index.no_scheme"));
    };
    let Some(base) = scheme.base_year else {
        return IndexSection::Left(lang.t("evaluation_report.index.no_scheme"));
    };
    if year < base {
        return IndexSection::Left(lang.t_with(
            "evaluation_report.index.before_base",
            &[("base", base.to_string()), ("year", year.to_string())],
        ));
    }
    match index_view(
        store,
        &state.monitor,
        &user.principal,
        &scheme.code,
        summary.scope,
        base,
        year,
        Basis::parse(&summary.basis),
    )
    .await
    {
        Ok(v) => IndexSection::Computed(Box::new(v)),
        Err(e) => IndexSection::Left(app_message(&e, lang)),
    }
}

fn report(loaded: &Loaded, lang: Lang) -> Report {
    compose(&Inputs {
        view: &loaded.view,
        zone: &loaded.zone,
        index: &loaded.index,
        lang,
    })
}

/// A part of the printable page.
pub struct PageBlock {
    pub kind: &'static str,
    pub text: String,
    pub level: u8,
    pub header: Vec<String>,
    pub rows: Vec<Vec<(bool, String)>>,
    pub notes: Vec<String>,
}

impl PageBlock {
    fn text(kind: &'static str, text: &str, level: u8) -> PageBlock {
        PageBlock {
            kind,
            text: text.to_string(),
            level,
            header: Vec::new(),
            rows: Vec::new(),
            notes: Vec::new(),
        }
    }
}

#[derive(Template)]
#[template(path = "evaluation_report.html")]
struct ReportPage {
    chrome: Chrome,
    id: i64,
    title: String,
    subtitle: String,
    issuer: String,
    date: String,
    blocks: Vec<PageBlock>,
}

pub async fn page(
    State(state): State<AppState>,
    Language(lang): Language,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let loaded = load(&state, &user, &id, lang).await?;
    let report = report(&loaded, lang);
    let blocks = report
        .parts
        .iter()
        .map(|p| match p {
            Part::Block(Block::Heading { level, text }) => PageBlock::text("heading", text, *level),
            Part::Block(Block::Paragraph(text)) => PageBlock::text("paragraph", text, 0),
            Part::Block(Block::Note(text)) => PageBlock::text("note", text, 0),
            Part::Block(Block::PageBreak) => PageBlock::text("break", "", 0),
            Part::Block(Block::Table(t)) | Part::Table { table: t, .. } => PageBlock {
                kind: "table",
                text: t.caption.clone(),
                level: 0,
                header: t.header.clone(),
                rows: t
                    .rows
                    .iter()
                    .map(|r| {
                        r.iter()
                            .map(|c| match c {
                                Cell::Text(s) => (false, s.clone()),
                                Cell::Number { text } => (true, text.clone()),
                            })
                            .collect()
                    })
                    .collect(),
                notes: t.notes.clone(),
            },
            Part::Chart { id, option } => PageBlock {
                kind: "chart",
                text: option.clone(),
                level: 0,
                header: vec![id.clone()],
                rows: Vec::new(),
                notes: Vec::new(),
            },
        })
        .collect();
    let page = ReportPage {
        chrome: Chrome::new(lang, Some(&user), "evaluation"),
        id: loaded.view.run.summary.id,
        title: report.title,
        subtitle: report.subtitle.unwrap_or_default(),
        issuer: report.issuer.unwrap_or_default(),
        date: report.date.unwrap_or_default(),
        blocks,
    };
    Ok(render(&page)?.into_response())
}

fn file_name(report: &Report, extension: &str) -> String {
    format!("{}.{extension}", report.title)
}

/// A figure as the workbook holds it: a number where the text is one ("1,234.50",
/// "+1.25", "−2"), the text otherwise ("—", "25.0%").
fn workbook_value(cell: &Cell) -> Value {
    match cell {
        Cell::Text(s) => Value::Text(s.clone()),
        Cell::Number { text } => {
            let plain = text.replace(',', "").replace('−', "-");
            plain
                .trim_start_matches('+')
                .parse::<f64>()
                .map_or_else(|_| Value::Text(text.clone()), Value::Number)
        }
    }
}

/// The report's tables as a workbook, one sheet each, with the caption above.
pub async fn xlsx(
    State(state): State<AppState>,
    Language(lang): Language,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let loaded = load(&state, &user, &id, lang).await?;
    let report = report(&loaded, lang);
    let sheets: Vec<SheetData> = report
        .tables()
        .map(|(sheet, t)| SheetData {
            // Sheet names hold at most 31 characters and no brackets or slashes.
            name: sheet
                .chars()
                .filter(|c| !matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\'))
                .take(31)
                .collect(),
            headers: t.header.clone(),
            rows: t
                .rows
                .iter()
                .map(|r| r.iter().map(workbook_value).collect())
                .collect(),
        })
        .collect();
    let bytes = write_xlsx(&sheets).map_err(|e| WebError::Internal(e.to_string()))?;
    Ok(attachment(
        bytes,
        &file_name(&report, "xlsx"),
        FileFormat::Xlsx,
    ))
}

/// The report as a Word document.
pub async fn docx(
    State(state): State<AppState>,
    Language(lang): Language,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let loaded = load(&state, &user, &id, lang).await?;
    let report = report(&loaded, lang);
    let bytes = to_docx(&report.document()).map_err(|e| WebError::Internal(e.to_string()))?;
    let mut r = bytes.into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
    );
    let disposition = format!(
        "attachment; filename=\"evaluation-report.docx\"; filename*=UTF-8''{}",
        crate::error::urlencode(&file_name(&report, "docx"))
    );
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_go_into_the_workbook_as_numbers() {
        assert_eq!(
            workbook_value(&Cell::number("1,234.50")),
            Value::Number(1234.5)
        );
        assert_eq!(workbook_value(&Cell::number("+1.25")), Value::Number(1.25));
        assert_eq!(workbook_value(&Cell::number("−2")), Value::Number(-2.0));
        assert_eq!(
            workbook_value(&Cell::number("—")),
            Value::Text("—".to_string())
        );
        assert_eq!(
            workbook_value(&Cell::number("25.0%")),
            Value::Text("25.0%".to_string())
        );
        assert_eq!(
            workbook_value(&Cell::text("2014")),
            Value::Text("2014".to_string())
        );
    }
}
