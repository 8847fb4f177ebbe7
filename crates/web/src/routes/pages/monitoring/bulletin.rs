//! The quarterly monitoring bulletin (季度监测数据) and the annual monitoring report
//! (年度统计监测报告) of a unit: composed once as a document (headings, paragraphs,
//! tables) from the unit's dashboard, then given as a printable page, an xlsx workbook of
//! its tables, and a .docx laid out as an official document (GB/T 9704) for zone staff to
//! send on.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use innozone_app::monitoring::Dashboard;
use innozone_documents::{Block, Cell, Document, Table, to_docx};
use innozone_domain::monitoring::{Direction, QuantityUnit, TargetStatus};
use innozone_domain::reporting::{Period, PeriodType};
use innozone_exchange::{FileFormat, SheetData, Value, write_xlsx};
use innozone_i18n::Lang;

use super::dashboard::DashboardQuery;
use super::format::{number, status_text, unit_symbol};
use crate::auth::CurrentUser;
use crate::error::WebError;
use crate::files::attachment;
use crate::language::Language;
use crate::state::AppState;
use crate::views::{Chrome, render};

/// The most indicators a table of units carries: an A4 page in portrait holds about
/// eight columns of figures in 五号.
const UNIT_TABLE_INDICATORS: usize = 6;

fn period_label(period: Period, lang: Lang) -> String {
    if lang.is_english() {
        period.label_en()
    } else {
        period.label_zh()
    }
}

fn with_unit(value: f64, decimals: u8, unit: QuantityUnit, lang: Lang) -> String {
    let symbol = unit_symbol(unit, lang);
    let n = number(value, decimals);
    match (symbol.is_empty(), lang.is_english(), unit) {
        (true, _, _) => n,
        (false, _, QuantityUnit::Percent) => format!("{n}%"),
        (false, true, _) => format!("{n} {symbol}"),
        (false, false, _) => format!("{n}{symbol}"),
    }
}

/// "比上年增长 12.3%" or "提高 0.45 个百分点", or nothing without last year's value.
fn change_clause(now: f64, before: f64, unit: QuantityUnit, lang: Lang) -> Option<String> {
    if unit == QuantityUnit::Percent {
        let d = now - before;
        let key = if d >= 0.0 {
            "bulletin.points_up"
        } else {
            "bulletin.points_down"
        };
        return Some(lang.t_with(key, &[("points", number(d.abs(), 2))]));
    }
    if before == 0.0 {
        return None;
    }
    let d = (now / before - 1.0) * 100.0;
    let key = if d >= 0.0 {
        "bulletin.growth_up"
    } else {
        "bulletin.growth_down"
    };
    Some(lang.t_with(key, &[("percent", number(d.abs(), 1))]))
}

/// Composes the bulletin of a dashboard.
pub(super) fn compose(d: &Dashboard, lang: Lang) -> Document {
    let catalogue = &d.snapshot.catalogue;
    let english = lang.is_english();
    let annual = d.period.period_type() == PeriodType::Annual;
    let title = lang.t_with(
        if annual {
            "bulletin.title.annual"
        } else {
            "bulletin.title.quarterly"
        },
        &[
            ("unit", d.unit_name.clone()),
            ("period", period_label(d.period, lang)),
        ],
    );
    let mut blocks = Vec::new();

    // 一、总体情况: one sentence per indicator that has a value.
    blocks.push(Block::heading(1, lang.t("bulletin.section.overview")));
    blocks.push(Block::paragraph(lang.t_with(
        "bulletin.coverage",
        &[
            ("period", period_label(d.period, lang)),
            ("unit", d.unit_name.clone()),
            ("enterprises", d.enterprises.to_string()),
            ("filed", d.filed.to_string()),
            (
                "basis",
                lang.t(&format!("monitoring.basis.{}", d.basis.code())),
            ),
        ],
    )));
    let mut sentences = Vec::new();
    for card in &d.cards {
        let def = &catalogue.indicators[card.indicator];
        let Ok(value) = card.value else { continue };
        let mut s = lang.t_with(
            "bulletin.level",
            &[
                ("name", def.name(english).to_string()),
                ("value", with_unit(value, def.decimals, def.unit, lang)),
            ],
        );
        if let Some(Ok(before)) = card.previous_year
            && let Some(c) = change_clause(value, before, def.unit, lang)
        {
            s.push_str(&c);
        }
        if let Some(cmp) = card.target.as_ref().and_then(|t| t.comparison) {
            s.push_str(&lang.t_with(
                "bulletin.against_target",
                &[
                    ("status", status_text(Some(cmp.status), lang)),
                    (
                        "expected",
                        with_unit(cmp.expected, def.decimals, def.unit, lang),
                    ),
                ],
            ));
        }
        sentences.push(s);
    }
    if !sentences.is_empty() {
        let joiner = lang.t("bulletin.joiner");
        blocks.push(Block::paragraph(format!(
            "{}{}",
            sentences.join(&joiner),
            lang.t("bulletin.full_stop")
        )));
    }

    // 二、主要指标: the table of every indicator, with targets where set.
    blocks.push(Block::heading(1, lang.t("bulletin.section.indicators")));
    let mut rows = Vec::new();
    for card in &d.cards {
        let def = &catalogue.indicators[card.indicator];
        let value = card
            .value
            .as_ref()
            .map_or("—".to_string(), |v| number(*v, def.decimals));
        let before = card
            .previous_year
            .as_ref()
            .and_then(|p| p.as_ref().ok())
            .map_or("—".to_string(), |v| number(*v, def.decimals));
        let change = match (&card.value, &card.previous_year) {
            (Ok(now), Some(Ok(b))) => super::format::change(*now, *b, def.unit, lang),
            _ => None,
        }
        .unwrap_or_else(|| "—".into());
        let (expected, status) = match card.target.as_ref().and_then(|t| t.comparison) {
            Some(c) => (
                number(c.expected, def.decimals),
                status_text(Some(c.status), lang),
            ),
            None => ("—".into(), String::new()),
        };
        let mut name = def.name(english).to_string();
        if def.direction == Direction::Lower {
            name.push_str(&lang.t("monitoring.lower_is_better"));
        }
        rows.push(vec![
            Cell::text(name),
            Cell::text(unit_symbol(def.unit, lang)),
            Cell::number(value),
            Cell::number(before),
            Cell::number(change),
            Cell::number(expected),
            Cell::text(status),
        ]);
    }
    blocks.push(Block::Table(Table {
        caption: lang.t_with(
            "bulletin.table.indicators",
            &[
                ("unit", d.unit_name.clone()),
                ("period", period_label(d.period, lang)),
            ],
        ),
        header: vec![
            lang.t("monitoring.col.indicator"),
            lang.t("monitoring.col.unit"),
            period_label(d.period, lang),
            period_label(d.period.previous_year(), lang),
            lang.t("bulletin.col.change"),
            lang.t("monitoring.col.expected"),
            lang.t("monitoring.col.status"),
        ],
        rows,
        notes: vec![lang.t("bulletin.note.basis")],
    }));

    // 三、各单位: the units below, with the indicators that have targets first.
    let mut chosen: Vec<usize> = d
        .cards
        .iter()
        .filter(|c| c.target.is_some())
        .map(|c| c.indicator)
        .collect();
    chosen.extend(d.cards.iter().map(|c| c.indicator).filter(|i| {
        !d.cards
            .iter()
            .any(|c| c.indicator == *i && c.target.is_some())
    }));
    chosen.truncate(UNIT_TABLE_INDICATORS);
    if !d.children.is_empty() && !chosen.is_empty() {
        blocks.push(Block::heading(1, lang.t("bulletin.section.units")));
        let rows = d
            .children
            .iter()
            .filter_map(|c| {
                let position = d.snapshot.index.position(c.unit)?;
                let mut row = vec![Cell::text(c.name.clone())];
                row.extend(chosen.iter().map(|&i| {
                    let def = &catalogue.indicators[i];
                    Cell::number(
                        d.snapshot
                            .computation
                            .value(d.period, i, position)
                            .and_then(Result::ok)
                            .map_or("—".to_string(), |v| number(v, def.decimals)),
                    )
                }));
                Some(row)
            })
            .collect();
        blocks.push(Block::Table(Table {
            caption: lang.t_with(
                "bulletin.table.units",
                &[("period", period_label(d.period, lang))],
            ),
            header: std::iter::once(lang.t("monitoring.col.unit_name"))
                .chain(chosen.iter().map(|&i| {
                    let def = &catalogue.indicators[i];
                    format!("{}（{}）", def.name(english), unit_symbol(def.unit, lang))
                }))
                .collect(),
            rows,
            notes: vec![lang.t("bulletin.note.location")],
        }));
    }

    // 四、预警: the targets that are behind.
    if annual {
        blocks.push(Block::heading(1, lang.t("bulletin.section.warnings")));
        if d.warnings.is_empty() {
            blocks.push(Block::paragraph(lang.t("bulletin.no_warnings")));
        } else {
            let red = d
                .warnings
                .iter()
                .filter(|w| w.comparison.status == TargetStatus::SeriouslyBehind)
                .count();
            blocks.push(Block::paragraph(lang.t_with(
                "bulletin.warnings_summary",
                &[
                    ("count", d.warnings.len().to_string()),
                    ("red", red.to_string()),
                    ("yellow", (d.warnings.len() - red).to_string()),
                ],
            )));
            blocks.push(Block::Table(Table {
                caption: lang.t("bulletin.table.warnings"),
                header: vec![
                    lang.t("monitoring.col.unit_name"),
                    lang.t("monitoring.col.indicator"),
                    lang.t("monitoring.col.actual"),
                    lang.t("monitoring.col.expected"),
                    lang.t("monitoring.col.shortfall"),
                    lang.t("monitoring.col.status"),
                ],
                rows: d
                    .warnings
                    .iter()
                    .map(|w| {
                        let def = &catalogue.indicators[w.indicator];
                        vec![
                            Cell::text(w.unit_name.clone()),
                            Cell::text(def.name(english)),
                            Cell::number(number(w.value, def.decimals)),
                            Cell::number(number(w.comparison.expected, def.decimals)),
                            Cell::number(number(w.comparison.shortfall * 100.0, 1)),
                            Cell::text(status_text(Some(w.comparison.status), lang)),
                        ]
                    })
                    .collect(),
                notes: vec![lang.t("bulletin.note.thresholds")],
            }));
        }
    }

    // 附：指标解释.
    blocks.push(Block::heading(1, lang.t("bulletin.section.definitions")));
    blocks.push(Block::Table(Table {
        caption: String::new(),
        header: vec![
            lang.t("monitoring.col.indicator"),
            lang.t("monitoring.col.formula"),
            lang.t("bulletin.col.meaning"),
        ],
        rows: d
            .cards
            .iter()
            .map(|c| {
                let def = &catalogue.indicators[c.indicator];
                vec![
                    Cell::text(def.name(english)),
                    Cell::text(def.formula.clone()),
                    Cell::text(def.description(english)),
                ]
            })
            .collect(),
        notes: Vec::new(),
    }));

    let today = innozone_app::clock::today();
    Document {
        title,
        subtitle: Some(lang.t_with(
            "bulletin.subtitle",
            &[(
                "basis",
                lang.t(&format!("monitoring.basis.{}", d.basis.code())),
            )],
        )),
        issuer: Some(lang.t_with("bulletin.issuer", &[("unit", d.unit_name.clone())])),
        date: Some(if english {
            today.to_string()
        } else {
            format!(
                "{}年{}月{}日",
                today.year(),
                u8::from(today.month()),
                today.day()
            )
        }),
        blocks,
    }
}

/// A block of the printable page.
pub struct PageBlock {
    pub kind: &'static str,
    pub text: String,
    pub level: u8,
    pub header: Vec<String>,
    pub rows: Vec<Vec<(bool, String)>>,
    pub notes: Vec<String>,
}

#[derive(Template)]
#[template(path = "monitoring_bulletin.html")]
struct BulletinPage {
    chrome: Chrome,
    title: String,
    subtitle: String,
    issuer: String,
    date: String,
    blocks: Vec<PageBlock>,
    query: String,
}

/// The dashboard the bulletin is composed from: the same unit, period and basis, refused
/// to whoever may not see the dashboard.
async fn load(
    state: &AppState,
    user: &CurrentUser,
    q: &DashboardQuery,
    lang: Lang,
) -> Result<Dashboard, WebError> {
    super::dashboard::load(state, user, q, lang)
        .await?
        .dashboard
        .ok_or(WebError::NotFound)
}

fn query(d: &Dashboard) -> String {
    format!(
        "unit={}&period={}&basis={}",
        d.unit.0,
        d.period,
        d.basis.code()
    )
}

pub async fn page(
    State(state): State<AppState>,
    Language(lang): Language,
    user: CurrentUser,
    Query(q): Query<DashboardQuery>,
) -> Result<Response, WebError> {
    let d = load(&state, &user, &q, lang).await?;
    let doc = compose(&d, lang);
    let blocks = doc
        .blocks
        .iter()
        .map(|b| match b {
            Block::Heading { level, text } => PageBlock {
                kind: "heading",
                text: text.clone(),
                level: *level,
                header: Vec::new(),
                rows: Vec::new(),
                notes: Vec::new(),
            },
            Block::Paragraph(text) | Block::Note(text) => PageBlock {
                kind: if matches!(b, Block::Note(_)) {
                    "note"
                } else {
                    "paragraph"
                },
                text: text.clone(),
                level: 0,
                header: Vec::new(),
                rows: Vec::new(),
                notes: Vec::new(),
            },
            Block::Table(t) => PageBlock {
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
            Block::PageBreak => PageBlock {
                kind: "break",
                text: String::new(),
                level: 0,
                header: Vec::new(),
                rows: Vec::new(),
                notes: Vec::new(),
            },
        })
        .collect();
    let page = BulletinPage {
        chrome: Chrome::new(lang, Some(&user), "monitoring"),
        title: doc.title,
        subtitle: doc.subtitle.unwrap_or_default(),
        issuer: doc.issuer.unwrap_or_default(),
        date: doc.date.unwrap_or_default(),
        blocks,
        query: query(&d),
    };
    Ok(render(&page)?.into_response())
}

fn file_name(d: &Dashboard, lang: Lang, extension: &str) -> String {
    format!("{}_{}.{extension}", compose_title(d, lang), d.period)
}

fn compose_title(d: &Dashboard, lang: Lang) -> String {
    lang.t_with(
        if d.period.period_type() == PeriodType::Annual {
            "bulletin.title.annual"
        } else {
            "bulletin.title.quarterly"
        },
        &[
            ("unit", d.unit_name.clone()),
            ("period", period_label(d.period, lang)),
        ],
    )
}

/// The bulletin's tables as a workbook, one sheet each.
pub async fn xlsx(
    State(state): State<AppState>,
    Language(lang): Language,
    user: CurrentUser,
    Query(q): Query<DashboardQuery>,
) -> Result<Response, WebError> {
    let d = load(&state, &user, &q, lang).await?;
    let doc = compose(&d, lang);
    let sheets: Vec<SheetData> = doc
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Table(t) => Some(t),
            _ => None,
        })
        .enumerate()
        .map(|(i, t)| SheetData {
            name: if t.caption.is_empty() {
                lang.t("bulletin.section.definitions")
            } else {
                // Sheet names hold at most 31 characters and no brackets or slashes.
                let clean: String = t
                    .caption
                    .chars()
                    .filter(|c| !matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\'))
                    .take(28)
                    .collect();
                format!("{}{clean}", i + 1)
            },
            headers: t.header.clone(),
            rows: t
                .rows
                .iter()
                .map(|r| {
                    r.iter()
                        .map(|c| match c {
                            Cell::Text(s) => Value::Text(s.clone()),
                            Cell::Number { text } => text
                                .replace(',', "")
                                .parse::<f64>()
                                .map_or_else(|_| Value::Text(text.clone()), Value::Number),
                        })
                        .collect()
                })
                .collect(),
        })
        .collect();
    let bytes = write_xlsx(&sheets).map_err(|e| WebError::Internal(e.to_string()))?;
    Ok(attachment(
        bytes,
        &file_name(&d, lang, "xlsx"),
        FileFormat::Xlsx,
    ))
}

/// The bulletin as a Word document to send on.
pub async fn docx(
    State(state): State<AppState>,
    Language(lang): Language,
    user: CurrentUser,
    Query(q): Query<DashboardQuery>,
) -> Result<Response, WebError> {
    let d = load(&state, &user, &q, lang).await?;
    let doc = compose(&d, lang);
    let bytes = to_docx(&doc).map_err(|e| WebError::Internal(e.to_string()))?;
    let name = file_name(&d, lang, "docx");
    let mut r = bytes.into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
    );
    let disposition = format!(
        "attachment; filename=\"bulletin.docx\"; filename*=UTF-8''{}",
        crate::error::urlencode(&name)
    );
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(r)
}
