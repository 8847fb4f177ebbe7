//! The quarterly monitoring bulletin (季度监测数据) and the annual monitoring report
//! (年度统计监测报告) of a unit: composed once from the unit's dashboard (headings,
//! paragraphs, tables), then given as a printable page, an xlsx workbook of its tables,
//! and a .docx laid out as an official document (GB/T 9704) for zone staff to send on.

use innozone_app::AppError;
use innozone_app::monitoring::{
    Basis, Dashboard, Monitor, dashboard, may_monitor, monitored_periods,
};
use innozone_documents::{Block, Cell, Table};
use innozone_domain::accounts::Principal;
use innozone_domain::monitoring::{Direction, QuantityUnit, TargetStatus};
use innozone_domain::registry::unit::UnitId;
use innozone_domain::reporting::{Period, PeriodType};
use innozone_i18n::{Lang, target_status_name};
use innozone_store::Store;

use crate::format::{change, issue_date, number};
use crate::{Part, Report, sheet_name};

/// A unit's bulletin for a period, with what it was composed for (the period chosen
/// when none was asked for).
pub struct Bulletin {
    pub report: Report,
    pub unit: UnitId,
    pub period: Period,
    pub basis: Basis,
}

/// The bulletin of `unit` for `period` (by default the latest annual period monitored,
/// else the latest one) counting the filings of `basis`, as `principal` may read it:
/// refused to whoever may not see the unit's dashboard, also while no catalogue is
/// installed; not found without a catalogue or without figures for the period.
pub async fn bulletin(
    store: &dyn Store,
    monitor: &Monitor,
    principal: &Principal,
    unit: UnitId,
    period: Option<Period>,
    basis: Basis,
    lang: Lang,
) -> Result<Bulletin, AppError> {
    let hierarchy = monitor.hierarchy(store).await?;
    if hierarchy.unit(unit).is_none() {
        return Err(AppError::NotFound {
            entity: "unit",
            key: unit.0.to_string(),
        });
    }
    let today = hierarchy.as_of(innozone_app::clock::today());
    if !may_monitor(principal, unit, &today) {
        return Err(AppError::Forbidden);
    }
    let catalogue = monitor
        .catalogue(store)
        .await?
        .ok_or_else(|| AppError::NotFound {
            entity: "catalogue",
            key: "current".to_string(),
        })?;
    let period = match period {
        Some(p) => p,
        None => {
            let periods = monitored_periods(store, &catalogue).await?;
            periods
                .iter()
                .find(|p| p.period_type() == PeriodType::Annual)
                .or_else(|| periods.first())
                .copied()
                .ok_or_else(|| AppError::NotFound {
                    entity: "period",
                    key: String::new(),
                })?
        }
    };
    let d = dashboard(
        store,
        monitor,
        principal,
        unit,
        period,
        basis,
        None,
        lang.is_english(),
    )
    .await?
    .ok_or_else(|| AppError::NotFound {
        entity: "period",
        key: period.to_string(),
    })?;
    Ok(Bulletin {
        report: compose(&d, lang),
        unit,
        period,
        basis,
    })
}

fn unit_symbol(unit: QuantityUnit, lang: Lang) -> &'static str {
    unit.symbol(lang.is_english())
}

fn status_text(status: TargetStatus, lang: Lang) -> String {
    target_status_name(status, lang)
}

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
fn compose(d: &Dashboard, lang: Lang) -> Report {
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
                    ("status", status_text(cmp.status, lang)),
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
            (Ok(now), Some(Ok(b))) => change(*now, *b, def.unit, lang),
            _ => None,
        }
        .unwrap_or_else(|| "—".into());
        let (expected, status) = match card.target.as_ref().and_then(|t| t.comparison) {
            Some(c) => (
                number(c.expected, def.decimals),
                status_text(c.status, lang),
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
                            Cell::text(status_text(w.comparison.status, lang)),
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

    // Each table a sheet of the workbook, numbered in order; the definitions, which have
    // no caption, under their section's name.
    let mut tables = 0;
    let parts = blocks
        .into_iter()
        .map(|b| match b {
            Block::Table(table) => {
                tables += 1;
                let sheet = if table.caption.is_empty() {
                    lang.t("bulletin.section.definitions")
                } else {
                    format!("{tables}{}", sheet_name(&table.caption, 28))
                };
                Part::Table { sheet, table }
            }
            other => Part::Block(other),
        })
        .collect();
    Report {
        file_stem: format!("{title}_{}", d.period),
        title,
        subtitle: Some(lang.t_with(
            "bulletin.subtitle",
            &[(
                "basis",
                lang.t(&format!("monitoring.basis.{}", d.basis.code())),
            )],
        )),
        issuer: Some(lang.t_with("bulletin.issuer", &[("unit", d.unit_name.clone())])),
        date: Some(issue_date(lang)),
        parts,
    }
}
