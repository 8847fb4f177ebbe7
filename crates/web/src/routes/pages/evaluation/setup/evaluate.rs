//! Evaluating a brought data file (评价计算): an evaluator uploads a scheme file and a
//! table of units × indicator values (CSV or xlsx) and gets every unit's score, rank and
//! grade and every node's score, on the page and as CSV and xlsx, the same files
//! `innozone evaluate` writes. A scheme that does not hold is refused with its line and
//! column, a data file with every problem at its sheet, row and column, and nothing
//! else is shown. Nothing is stored: the values are the evaluator's, not the zone's.

use askama::Template;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use innozone_domain::evaluation::run::{RunResult, run};
use innozone_domain::evaluation::scheme::Scheme;
use innozone_domain::table::column_letter;
use innozone_exchange::evaluation::{
    explanations_sheet, read_scheme_data, scores_sheet, standalone_options,
};
use innozone_exchange::{FileFormat, ReadLimits, read_table_within, write_csv, write_xlsx};
use innozone_i18n::{Lang, Localize};

use super::{ACTIVE, IssueRow, is_evaluating_role, points};
use crate::auth::CurrentUser;
use crate::error::{Problem, WebError};
use crate::files::{Audience, UploadPermit, attachment, read_fields};
use crate::language::Language;
use crate::routes::pages::definitions::{Marked, mark_line};
use crate::state::AppState;
use crate::views::{Chrome, render};

#[derive(Template)]
#[template(path = "evaluation_evaluate.html")]
struct EvaluatePage {
    chrome: Chrome,
}

/// The form: a scheme file and a data file.
pub async fn page(Language(lang): Language, user: CurrentUser) -> Result<Response, WebError> {
    if !is_evaluating_role(&user.principal) {
        return Err(WebError::Forbidden);
    }
    let page = EvaluatePage {
        chrome: Chrome::new(lang, Some(&user), ACTIVE),
    };
    Ok(render(&page)?.into_response())
}

/// One unit of the result, best rank first.
pub struct UnitRow {
    pub rank: String,
    pub unit: String,
    pub total: String,
    pub grade: String,
    pub vetoed: bool,
    pub included: bool,
    pub aggregate: String,
    pub bonus: String,
    pub penalty: String,
    /// Every node's score, in the scheme's order.
    pub scores: Vec<String>,
}

pub struct NodeColumn {
    pub code: String,
    pub name: String,
    pub depth: usize,
    pub is_indicator: bool,
}

#[derive(Template)]
#[template(path = "evaluation_evaluate_result.html")]
struct ResultFragment {
    chrome: Chrome,
    scheme_name: String,
    scheme_file: String,
    data_file: String,
    /// A problem with the scheme or the data (then nothing else is shown).
    message: Option<String>,
    place: Option<Marked>,
    issues: Vec<IssueRow>,
    units: Vec<UnitRow>,
    nodes: Vec<NodeColumn>,
    excluded: usize,
    approximate: bool,
    csv_href: String,
    xlsx_href: String,
    csv_name: String,
    xlsx_name: String,
    /// Refused for being over a limit of what is read (answered 413).
    too_large: bool,
}

impl ResultFragment {
    fn refused(chrome: Chrome, scheme_file: String, data_file: String, message: String) -> Self {
        ResultFragment {
            chrome,
            scheme_name: String::new(),
            scheme_file,
            data_file,
            message: Some(message),
            place: None,
            issues: Vec::new(),
            units: Vec::new(),
            nodes: Vec::new(),
            excluded: 0,
            approximate: false,
            csv_href: String::new(),
            xlsx_href: String::new(),
            csv_name: String::new(),
            xlsx_name: String::new(),
            too_large: false,
        }
    }
}

/// What was uploaded.
struct Uploaded {
    scheme_name: String,
    scheme: Vec<u8>,
    data_name: String,
    data: Vec<u8>,
    output: String,
    /// The data file is read within these.
    limits: ReadLimits,
    _permit: UploadPermit,
}

async fn read_upload(state: &AppState, multipart: Multipart) -> Result<Uploaded, WebError> {
    let (fields, permit) = read_fields(state, multipart, Audience::Page).await?;
    let mut up = Uploaded {
        scheme_name: String::new(),
        scheme: Vec::new(),
        data_name: String::new(),
        data: Vec::new(),
        output: "page".to_string(),
        limits: state.limits.read,
        _permit: permit,
    };
    for field in fields {
        match field.name.as_str() {
            "scheme" => {
                up.scheme_name = field.file_name.unwrap_or_else(|| "scheme.toml".to_string());
                up.scheme = field.bytes;
            }
            "data" => {
                up.data_name = field.file_name.unwrap_or_else(|| "data".to_string());
                up.data = field.bytes;
            }
            "output" => up.output = field.text(),
            _ => {}
        }
    }
    if up.scheme.is_empty() || up.data.is_empty() {
        return Err(WebError::BadRequest(Problem::Key(
            "evaluation.setup.evaluate_two_files",
            vec![],
        )));
    }
    Ok(up)
}

/// The scheme and data read and run, or the fragment saying why not.
fn evaluate(
    up: &Uploaded,
    lang: Lang,
    chrome: impl Fn() -> Chrome,
) -> Result<(Scheme, RunResult), Box<ResultFragment>> {
    let refused = |message: String| {
        Box::new(ResultFragment::refused(
            chrome(),
            up.scheme_name.clone(),
            up.data_name.clone(),
            message,
        ))
    };
    let source = String::from_utf8(up.scheme.clone())
        .map_err(|_| refused(lang.t("evaluation.setup.not_text")))?;
    let source = source.trim_start_matches('\u{feff}');
    // Every indicator's values come from the data file's columns, monitoring-sourced or
    // entered alike, so the codes are not checked against the catalogue (as the CLI).
    let scheme = Scheme::parse(source, &|_| true, &|_| true).map_err(|e| {
        let (line, column) = e.location();
        let mut f = refused(e.localize(lang));
        f.place = mark_line(source, line, column);
        f
    })?;
    let format = FileFormat::from_file_name(&up.data_name).ok_or_else(|| {
        refused(lang.t_with(
            "evaluation.setup.file.format",
            &[("file", up.data_name.clone())],
        ))
    })?;
    let table =
        read_table_within(&up.data_name, &up.data, format, None, &up.limits).map_err(|e| {
            let mut f = refused(e.localize(lang));
            f.too_large = e.is_over_limit();
            f
        })?;
    let data = read_scheme_data(&table, &scheme).map_err(|issues| {
        let separator = lang.t("issue.separator");
        let mut f = refused(lang.t_with(
            "evaluation.setup.data_problems",
            &[("count", issues.len().to_string())],
        ));
        f.issues = issues
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
            .collect();
        f
    })?;
    let result = run(&scheme, &data.data, &standalone_options(&data))
        .map_err(|e| refused(e.localize(lang)))?;
    Ok((scheme, result))
}

fn data_uri(mime: &str, bytes: &[u8]) -> String {
    format!(
        "data:{mime};base64,{}",
        base64::engine::general_purpose::STANDARD.encode(bytes)
    )
}

/// Runs an uploaded scheme on an uploaded data file: `scheme` and `data` (files) and
/// `output` = `page` (the result as a fragment, with the files to download), `csv` or
/// `xlsx` (the file itself).
pub async fn run_file(
    State(state): State<AppState>,
    Language(lang): Language,
    user: CurrentUser,
    multipart: Multipart,
) -> Result<Response, WebError> {
    if !is_evaluating_role(&user.principal) {
        return Err(WebError::Forbidden);
    }
    let english = lang.is_english();
    let up = read_upload(&state, multipart).await?;
    let chrome = || Chrome::new(lang, Some(&user), ACTIVE);
    let (scheme, result) = match evaluate(&up, lang, chrome) {
        Ok(done) => done,
        Err(fragment) => {
            let status = if fragment.too_large {
                StatusCode::PAYLOAD_TOO_LARGE
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            return Ok((status, render(fragment.as_ref())?).into_response());
        }
    };
    let label = |key: &str| lang.t(&format!("cli.evaluate.{key}"));
    let scores = scores_sheet(&scheme, &result, None, english, &label);
    let explanations = explanations_sheet(&scheme, &result, english, &label);
    let csv = write_csv(&scores);
    let xlsx =
        write_xlsx(&[scores, explanations]).map_err(|e| WebError::Internal(e.to_string()))?;
    let stem = format!("{}-{}", lang.t("evaluation.setup.result_file"), scheme.code);
    match up.output.as_str() {
        "csv" => return Ok(attachment(csv, &format!("{stem}.csv"), FileFormat::Csv)),
        "xlsx" => return Ok(attachment(xlsx, &format!("{stem}.xlsx"), FileFormat::Xlsx)),
        _ => {}
    }
    let mut order: Vec<usize> = (0..result.units.len()).collect();
    order.sort_by(|&a, &b| {
        let ra = result.ranks[a].unwrap_or(u32::MAX);
        let rb = result.ranks[b].unwrap_or(u32::MAX);
        ra.cmp(&rb)
            .then_with(|| result.units[a].cmp(&result.units[b]))
    });
    let units = order
        .into_iter()
        .map(|u| UnitRow {
            rank: result.ranks[u].map_or_else(|| "—".to_string(), |r| r.to_string()),
            unit: result.units[u].clone(),
            total: points(result.total[u]),
            grade: result.grades[u]
                .map(|g| scheme.grades.bands[g].name(english).to_string())
                .unwrap_or_default(),
            vetoed: result.vetoed[u],
            included: result.included[u],
            aggregate: points(result.aggregate[u]),
            bonus: points(result.adjusted[u].map(|a| a.bonus)),
            penalty: points(result.adjusted[u].map(|a| a.penalty)),
            scores: result.scores.iter().map(|s| points(s[u])).collect(),
        })
        .collect();
    let fragment = ResultFragment {
        chrome: chrome(),
        scheme_name: scheme.name(english).to_string(),
        scheme_file: up.scheme_name.clone(),
        data_file: up.data_name.clone(),
        message: None,
        place: None,
        issues: Vec::new(),
        units,
        nodes: scheme
            .nodes
            .iter()
            .map(|n| NodeColumn {
                code: n.code.clone(),
                name: n.name(english).to_string(),
                depth: n.depth,
                is_indicator: n.is_indicator(),
            })
            .collect(),
        excluded: result.included.iter().filter(|i| !**i).count(),
        approximate: !result.explanation_exact,
        csv_href: data_uri("text/csv;charset=utf-8", &csv),
        xlsx_href: data_uri(FileFormat::Xlsx.mime_type(), &xlsx),
        csv_name: format!("{stem}.csv"),
        xlsx_name: format!("{stem}.xlsx"),
        too_large: false,
    };
    Ok(render(&fragment)?.into_response())
}
