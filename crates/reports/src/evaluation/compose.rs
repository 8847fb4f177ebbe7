//! The report composed once from a kept run: overview, ranking, dimension scores, each
//! park's profile, the consequences, the development index and the method. Charts are
//! parts of the page only; the document and the workbook carry the tables they are drawn
//! from.

use innozone_app::evaluation::{IndexView, RunView};
use innozone_documents::{Block, Cell, Table};
use innozone_domain::evaluation::median;
use innozone_domain::evaluation::scheme::{BandRule, ConsequenceRule, NodeKind, Scheme};
use innozone_i18n::Lang;
use serde_json::json;

use crate::format::{issue_date, number};
use crate::{Part, Report};

/// How many strengths and weaknesses a park's profile names.
const NAMED: usize = 2;

/// Changes smaller than this (in points) count as none.
const EPSILON: f64 = 0.005;

/// The development index as the report gets it.
pub enum IndexSection {
    /// Computed from the base year to the run's year (or the last year with data).
    Computed(Box<IndexView>),
    /// Not in the report, and why, in the reader's language.
    Left(String),
}

/// What the report is composed from.
pub struct Inputs<'a> {
    pub view: &'a RunView,
    pub zone: &'a str,
    pub index: &'a IndexSection,
    pub lang: Lang,
}

// ------------------------------------------------------------------------- formatting

/// Points with two decimals, "—" when there are none.
fn points(value: Option<f64>) -> String {
    value.map_or_else(|| "—".to_string(), |v| number(v, 2))
}

/// A signed change with two decimals: "+1.25", "−0.40", "0.00".
fn signed(value: f64) -> String {
    let text = number(value, 2);
    if text.trim_start_matches(['-', '0', '.', ',']).is_empty() {
        text.trim_start_matches('-').to_string()
    } else if value > 0.0 {
        format!("+{text}")
    } else {
        text.replacen('-', "−", 1)
    }
}

/// Places gained (> 0) or lost as a signed whole number: "+2", "−1", "0".
fn signed_places(places: i64) -> String {
    match places {
        0 => "0".to_string(),
        p if p > 0 => format!("+{p}"),
        p => format!("−{}", p.unsigned_abs()),
    }
}

/// Places gained or lost, in words.
fn places_words(places: i64, lang: Lang) -> String {
    match places {
        0 => lang.t("evaluation_report.places.same"),
        1 => lang.t("evaluation_report.places.up_one"),
        -1 => lang.t("evaluation_report.places.down_one"),
        p if p > 0 => lang.t_with("evaluation_report.places.up", &[("n", p.to_string())]),
        p => lang.t_with(
            "evaluation_report.places.down",
            &[("n", p.unsigned_abs().to_string())],
        ),
    }
}

fn percent(share: f64) -> String {
    format!("{}%", number(share * 100.0, 1))
}

/// A weight as written, without trailing zeros.
fn plain(value: f64) -> String {
    let text = number(value, 2);
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

fn list(items: &[String], lang: Lang) -> String {
    items.join(&lang.t("evaluation_report.list_separator"))
}

fn named<'a>(zh: &'a str, en: &'a str, lang: Lang) -> &'a str {
    if lang.is_english() { en } else { zh }
}

/// "一、" … in Chinese, "1. " … in English.
fn numbered(n: usize, text: &str, lang: Lang) -> String {
    const ZH: [&str; 10] = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];
    if lang.is_english() {
        format!("{n}. {text}")
    } else {
        format!("{}、{text}", ZH.get(n - 1).copied().unwrap_or("十"))
    }
}

/// "（一）" … in Chinese, "(1) " … in English.
fn sub_numbered(n: usize, text: &str, lang: Lang) -> String {
    if lang.is_english() {
        return format!("({n}) {text}");
    }
    const DIGITS: [&str; 10] = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    let zh = match n {
        1..=9 => DIGITS[n].to_string(),
        10 => "十".to_string(),
        11..=19 => format!("十{}", DIGITS[n - 10]),
        20..=99 => format!("{}十{}", DIGITS[n / 10], DIGITS[n % 10]),
        _ => n.to_string(),
    };
    format!("（{zh}）{text}")
}

fn rounded(value: f64) -> f64 {
    (value * 100.0).round() / 100.0
}

// ------------------------------------------------------------------- what the run says

struct Context<'a> {
    view: &'a RunView,
    scheme: &'a Scheme,
    lang: Lang,
    english: bool,
    year: i32,
}

impl Context<'_> {
    fn name(&self, u: usize) -> String {
        self.view.run.inputs.units[u].name(self.english).to_string()
    }

    fn grade(&self, code: Option<&str>) -> String {
        code.and_then(|c| self.scheme.grades.index(c))
            .map(|g| self.scheme.grades.bands[g].name(self.english).to_string())
            .unwrap_or_default()
    }

    fn rule(&self, code: &str) -> Option<&ConsequenceRule> {
        self.scheme.consequences.iter().find(|c| c.code == code)
    }

    fn rule_name(&self, code: &str) -> String {
        self.rule(code).map_or_else(
            || code.to_string(),
            |r| named(&r.zh, &r.en, self.lang).to_string(),
        )
    }

    fn veto_names(&self, u: usize) -> Vec<String> {
        self.view.run.inputs.vetoes[u]
            .iter()
            .map(|code| {
                self.scheme
                    .vetoes
                    .iter()
                    .find(|v| &v.code == code)
                    .map_or_else(|| code.clone(), |v| named(&v.zh, &v.en, self.lang).into())
            })
            .collect()
    }

    fn node_name(&self, code: &str) -> String {
        self.scheme.node(code).map_or_else(
            || code.to_string(),
            |(_, n)| n.name(self.english).to_string(),
        )
    }

    /// The units with a rank, best first.
    fn ranked(&self) -> Vec<usize> {
        let units = &self.view.run.outcome.units;
        let mut out: Vec<usize> = (0..units.len())
            .filter(|&u| units[u].rank.is_some())
            .collect();
        out.sort_by_key(|&u| (units[u].rank, self.view.run.inputs.units[u].code.clone()));
        out
    }

    /// The median of the included parks' scores of a node.
    fn node_median(&self, node: usize) -> Option<f64> {
        let present: Vec<f64> = self
            .view
            .run
            .outcome
            .units
            .iter()
            .filter(|o| o.included)
            .filter_map(|o| o.scores.get(node).copied().flatten())
            .collect();
        median(&present)
    }

    fn name_points(&self, u: usize) -> String {
        self.lang.t_with(
            "evaluation_report.name_points",
            &[
                ("name", self.name(u)),
                ("points", points(self.view.run.outcome.units[u].total)),
            ],
        )
    }
}

// ------------------------------------------------------------------------- composing

pub(super) fn compose(inputs: &Inputs) -> Report {
    let view = inputs.view;
    let lang = inputs.lang;
    let english = lang.is_english();
    let year = view.run.summary.period.year();
    let cx = Context {
        view,
        scheme: &view.scheme,
        lang,
        english,
        year,
    };
    let scheme = &view.scheme;
    let title = lang.t_with(
        "evaluation_report.title",
        &[
            ("zone", inputs.zone.to_string()),
            ("year", year.to_string()),
        ],
    );
    let mut parts = Vec::new();
    let mut section = 0;
    let mut heading = |parts: &mut Vec<Part>, key: &str| {
        section += 1;
        parts.push(Part::Block(Block::heading(
            1,
            numbered(section, &lang.t(key), lang),
        )));
    };

    heading(&mut parts, "evaluation_report.section.overview");
    overview(&cx, inputs, &mut parts);

    heading(&mut parts, "evaluation_report.section.ranking");
    parts.push(ranking_table(&cx, inputs.zone));

    heading(&mut parts, "evaluation_report.section.dimensions");
    parts.push(dimension_table(&cx));

    heading(&mut parts, "evaluation_report.section.profiles");
    profiles(&cx, &mut parts);

    heading(&mut parts, "evaluation_report.section.consequences");
    consequences(&cx, &mut parts);

    if let IndexSection::Computed(index) = inputs.index {
        heading(&mut parts, "evaluation_report.section.index");
        index_section(&cx, index, inputs.zone, &mut parts);
    }

    heading(&mut parts, "evaluation_report.section.method");
    method(&cx, &mut parts);

    Report {
        file_stem: title.clone(),
        title,
        subtitle: Some(lang.t_with(
            "evaluation_report.subtitle",
            &[
                ("scheme", scheme.name(english).to_string()),
                (
                    "basis",
                    lang.t(&format!("monitoring.basis.{}", view.run.summary.basis)),
                ),
            ],
        )),
        issuer: Some(lang.t_with(
            "evaluation_report.issuer",
            &[("zone", inputs.zone.to_string())],
        )),
        date: Some(issue_date(lang)),
        parts,
    }
}

fn overview(cx: &Context, inputs: &Inputs, parts: &mut Vec<Part>) {
    let view = cx.view;
    let lang = cx.lang;
    let scheme = cx.scheme;
    let outcome = &view.run.outcome;
    let ranked = cx.ranked();
    let mut sentences = vec![lang.t_with(
        "evaluation_report.overview.scope",
        &[
            ("year", cx.year.to_string()),
            ("scheme", scheme.name(cx.english).to_string()),
            ("zone", inputs.zone.to_string()),
            ("count", outcome.units.len().to_string()),
            ("ranked", ranked.len().to_string()),
        ],
    )];
    if !view.sees_all {
        let own: Vec<String> = view.visible.iter().map(|&u| cx.name(u)).collect();
        sentences.push(lang.t_with(
            "evaluation_report.overview.own_only",
            &[("names", list(&own, lang))],
        ));
        parts.push(Part::Block(Block::paragraph(sentences.concat())));
        index_note(inputs, parts);
        return;
    }
    let excluded: Vec<String> = (0..outcome.units.len())
        .filter(|&u| !outcome.units[u].included)
        .map(|u| cx.name(u))
        .collect();
    if !excluded.is_empty() {
        sentences.push(lang.t_with(
            "evaluation_report.overview.excluded",
            &[
                ("names", list(&excluded, lang)),
                ("threshold", percent(scheme.availability)),
            ],
        ));
    }
    // How many in each grade.
    let counts: Vec<String> = scheme
        .grades
        .bands
        .iter()
        .map(|b| {
            let n = outcome
                .units
                .iter()
                .filter(|o| o.grade.as_deref() == Some(b.code.as_str()))
                .count();
            lang.t_with(
                "evaluation_report.overview.grade_count",
                &[
                    ("grade", b.name(cx.english).to_string()),
                    ("count", n.to_string()),
                ],
            )
        })
        .collect();
    sentences.push(lang.t_with(
        "evaluation_report.overview.grades",
        &[("list", list(&counts, lang))],
    ));
    // The first three.
    let top: Vec<String> = ranked.iter().take(3).map(|&u| cx.name_points(u)).collect();
    if !top.is_empty() {
        sentences.push(lang.t_with(
            "evaluation_report.overview.top",
            &[("n", top.len().to_string()), ("list", list(&top, lang))],
        ));
    }
    // The lowest band.
    let lowest = &scheme.grades.bands[scheme.grades.lowest()];
    let in_lowest: Vec<usize> = ranked
        .iter()
        .copied()
        .filter(|&u| outcome.units[u].grade.as_deref() == Some(lowest.code.as_str()))
        .collect();
    if in_lowest.is_empty() {
        sentences.push(lang.t_with(
            "evaluation_report.overview.no_lowest",
            &[("grade", lowest.name(cx.english).to_string())],
        ));
    } else {
        let names: Vec<String> = in_lowest.iter().map(|&u| cx.name_points(u)).collect();
        sentences.push(lang.t_with(
            "evaluation_report.overview.lowest",
            &[
                ("grade", lowest.name(cx.english).to_string()),
                ("count", in_lowest.len().to_string()),
                ("list", list(&names, lang)),
            ],
        ));
    }
    // Vetoes.
    for u in 0..outcome.units.len() {
        if outcome.units[u].vetoed {
            sentences.push(lang.t_with(
                "evaluation_report.overview.veto",
                &[
                    ("name", cx.name(u)),
                    ("veto", list(&cx.veto_names(u), lang)),
                    ("grade", lowest.name(cx.english).to_string()),
                ],
            ));
        }
    }
    parts.push(Part::Block(Block::paragraph(sentences.concat())));

    // Consequences, rule by rule.
    let mut consequences = Vec::new();
    for rule in &scheme.consequences {
        let flagged: Vec<String> = ordered_by_rank(cx)
            .into_iter()
            .filter(|&u| view.flags[u].iter().any(|f| f.rule == rule.code))
            .map(|u| cx.name(u))
            .collect();
        if flagged.is_empty() {
            continue;
        }
        let key = if rule.consecutive > 1 {
            "evaluation_report.overview.consequence_many"
        } else {
            "evaluation_report.overview.consequence_one"
        };
        consequences.push(lang.t_with(
            key,
            &[
                ("parks", list(&flagged, lang)),
                ("grade", cx.grade(Some(&rule.grade))),
                ("years", rule.consecutive.to_string()),
                ("rule", named(&rule.zh, &rule.en, lang).to_string()),
            ],
        ));
    }
    if consequences.is_empty() {
        consequences.push(lang.t("evaluation_report.overview.no_consequence"));
    }
    parts.push(Part::Block(Block::paragraph(consequences.concat())));

    // Against last year.
    if let Some(last) = &view.last_year {
        let mean = |outcomes: &[innozone_app::evaluation::UnitOutcome]| {
            let totals: Vec<f64> = outcomes
                .iter()
                .filter(|o| o.rank.is_some())
                .filter_map(|o| o.total)
                .collect();
            (!totals.is_empty()).then(|| totals.iter().sum::<f64>() / totals.len() as f64)
        };
        let (mut up, mut down, mut same) = (0, 0, 0);
        let mut best: Option<(usize, i64)> = None;
        for &u in &ranked {
            match view.change_on_last_year(u).1 {
                Some(p) if p > 0 => {
                    up += 1;
                    if best.is_none_or(|(_, b)| p > b) {
                        best = Some((u, p));
                    }
                }
                Some(p) if p < 0 => down += 1,
                Some(_) => same += 1,
                None => {}
            }
        }
        let lowest_before = last
            .outcome
            .units
            .iter()
            .filter(|o| o.grade.as_deref() == Some(lowest.code.as_str()))
            .count();
        let mut text = lang.t_with(
            "evaluation_report.overview.last_year",
            &[
                ("last", last.summary.period.year().to_string()),
                ("before", points(mean(&last.outcome.units))),
                ("after", points(mean(&outcome.units))),
                ("up", up.to_string()),
                ("down", down.to_string()),
                ("same", same.to_string()),
                ("grade", lowest.name(cx.english).to_string()),
                ("lowest_before", lowest_before.to_string()),
                ("lowest_after", in_lowest.len().to_string()),
            ],
        );
        if let Some((u, p)) = best {
            text.push_str(&lang.t_with(
                "evaluation_report.overview.most_improved",
                &[("name", cx.name(u)), ("places", p.to_string())],
            ));
        }
        parts.push(Part::Block(Block::paragraph(text)));
    }
    index_note(inputs, parts);
}

/// Why the development index is not in the report, in one line.
fn index_note(inputs: &Inputs, parts: &mut Vec<Part>) {
    if let IndexSection::Left(why) = inputs.index {
        parts.push(Part::Block(Block::note(inputs.lang.t_with(
            "evaluation_report.index.left_out",
            &[("reason", why.clone())],
        ))));
    }
}

/// The visible units, ranked first by rank, then the others by code.
fn ordered_by_rank(cx: &Context) -> Vec<usize> {
    cx.view.visible.clone()
}

fn ranking_table(cx: &Context, zone: &str) -> Part {
    let view = cx.view;
    let lang = cx.lang;
    let rows = ordered_by_rank(cx)
        .into_iter()
        .map(|u| {
            let o = &view.run.outcome.units[u];
            let (change, places) = view.change_on_last_year(u);
            let mut consequence: Vec<String> = view.flags[u]
                .iter()
                .map(|f| cx.rule_name(&f.rule))
                .collect();
            for v in cx.veto_names(u) {
                consequence.push(lang.t_with("evaluation_report.vetoed", &[("veto", v)]));
            }
            vec![
                Cell::number(o.rank.map_or_else(|| "—".to_string(), |r| r.to_string())),
                Cell::text(cx.name(u)),
                Cell::number(points(o.total)),
                Cell::number(points(o.bonus)),
                Cell::number(points(o.penalty)),
                Cell::text(if o.included {
                    cx.grade(o.grade.as_deref())
                } else {
                    lang.t("evaluation_report.not_ranked")
                }),
                Cell::number(change.map_or_else(|| "—".to_string(), signed)),
                Cell::number(places.map_or_else(|| "—".to_string(), signed_places)),
                Cell::text(consequence.join(&lang.t("evaluation_report.clause_separator"))),
            ]
        })
        .collect();
    let mut notes = vec![lang.t("evaluation_report.note.total")];
    if view.last_year.is_some() {
        notes.push(lang.t("evaluation_report.note.change"));
    }
    Part::Table {
        sheet: lang.t("evaluation_report.sheet.ranking"),
        table: Table {
            caption: lang.t_with(
                "evaluation_report.table.ranking",
                &[("zone", zone.to_string()), ("year", cx.year.to_string())],
            ),
            header: vec![
                lang.t("evaluation_report.col.rank"),
                lang.t("evaluation_report.col.park"),
                lang.t("evaluation_report.col.total"),
                lang.t("evaluation_report.col.bonus"),
                lang.t("evaluation_report.col.penalty"),
                lang.t("evaluation_report.col.grade"),
                lang.t("evaluation_report.col.change_points"),
                lang.t("evaluation_report.col.change_places"),
                lang.t("evaluation_report.col.consequence"),
            ],
            rows,
            notes,
        },
    }
}

fn dimension_table(cx: &Context) -> Part {
    let view = cx.view;
    let lang = cx.lang;
    let scheme = cx.scheme;
    let effective = scheme.effective_weights();
    let mut rows: Vec<Vec<Cell>> = ordered_by_rank(cx)
        .into_iter()
        .map(|u| {
            let o = &view.run.outcome.units[u];
            let mut row = vec![Cell::text(cx.name(u))];
            row.extend(
                scheme
                    .roots
                    .iter()
                    .map(|&r| Cell::number(points(o.scores.get(r).copied().flatten()))),
            );
            row.push(Cell::number(points(o.aggregate)));
            row
        })
        .collect();
    if view.sees_all {
        let mut row = vec![Cell::text(lang.t("evaluation_report.median_of_parks"))];
        row.extend(
            scheme
                .roots
                .iter()
                .map(|&r| Cell::number(points(cx.node_median(r)))),
        );
        let aggregates: Vec<f64> = view
            .run
            .outcome
            .units
            .iter()
            .filter(|o| o.included)
            .filter_map(|o| o.aggregate)
            .collect();
        row.push(Cell::number(points(median(&aggregates))));
        rows.push(row);
    }
    let mut header = vec![lang.t("evaluation_report.col.park")];
    header.extend(scheme.roots.iter().map(|&r| {
        lang.t_with(
            "evaluation_report.col.dimension_weight",
            &[
                ("name", scheme.nodes[r].name(cx.english).to_string()),
                ("weight", percent(effective[r])),
            ],
        )
    }));
    header.push(lang.t("evaluation_report.col.aggregate"));
    Part::Table {
        sheet: lang.t("evaluation_report.sheet.dimensions"),
        table: Table {
            caption: lang.t_with(
                "evaluation_report.table.dimensions",
                &[("year", cx.year.to_string())],
            ),
            header,
            rows,
            notes: vec![lang.t("evaluation_report.note.dimensions")],
        },
    }
}

/// The radar of a park's top-level dimensions, with the parks' median when the reader
/// sees every park.
fn radar(cx: &Context, u: usize) -> Option<String> {
    let scheme = cx.scheme;
    let o = &cx.view.run.outcome.units[u];
    if scheme.roots.len() < 3 {
        return None;
    }
    let own: Vec<Option<f64>> = scheme
        .roots
        .iter()
        .map(|&r| o.scores.get(r).copied().flatten())
        .collect();
    if own.iter().all(Option::is_none) {
        return None;
    }
    let medians: Vec<Option<f64>> = scheme.roots.iter().map(|&r| cx.node_median(r)).collect();
    let top = own
        .iter()
        .chain(medians.iter())
        .flatten()
        .copied()
        .fold(100.0_f64, f64::max)
        .ceil();
    let values = |v: &[Option<f64>]| -> Vec<serde_json::Value> {
        v.iter()
            .map(|x| x.map_or(json!(0), |x| json!(rounded(x))))
            .collect()
    };
    let mut data = vec![json!({
        "name": cx.name(u),
        "value": values(&own),
        "areaStyle": {"opacity": 0.25},
    })];
    if cx.view.sees_all {
        data.push(json!({
            "name": cx.lang.t("evaluation_report.median_of_parks"),
            "value": values(&medians),
            "lineStyle": {"type": "dashed"},
        }));
    }
    let indicator: Vec<serde_json::Value> = scheme
        .roots
        .iter()
        .map(|&r| json!({"name": scheme.nodes[r].name(cx.english), "max": top, "min": 0}))
        .collect();
    Some(
        json!({
            "animation": false,
            "tooltip": {},
            "legend": {"bottom": 0},
            "radar": {"indicator": indicator, "radius": "62%", "center": ["50%", "48%"]},
            "series": [{"type": "radar", "data": data}],
        })
        .to_string(),
    )
}

fn profiles(cx: &Context, parts: &mut Vec<Part>) {
    let view = cx.view;
    let lang = cx.lang;
    let scheme = cx.scheme;
    let ranked = cx.ranked().len();
    for (n, u) in ordered_by_rank(cx).into_iter().enumerate() {
        let o = &view.run.outcome.units[u];
        let name = cx.name(u);
        parts.push(Part::Block(Block::heading(
            2,
            sub_numbered(n + 1, &name, lang),
        )));
        if let Some(option) = radar(cx, u) {
            parts.push(Part::Chart {
                id: format!("radar-{}", view.run.inputs.units[u].code),
                option,
            });
        }
        // The result.
        let mut text = if o.included {
            lang.t_with(
                "evaluation_report.profile.result",
                &[
                    ("name", name.clone()),
                    ("total", points(o.total)),
                    ("aggregate", points(o.aggregate)),
                    ("bonus", points(o.bonus)),
                    ("penalty", points(o.penalty)),
                    ("ranked", ranked.to_string()),
                    (
                        "rank",
                        o.rank.map_or_else(|| "—".to_string(), |r| r.to_string()),
                    ),
                    ("grade", cx.grade(o.grade.as_deref())),
                ],
            )
        } else {
            lang.t_with(
                "evaluation_report.profile.excluded",
                &[
                    ("name", name.clone()),
                    ("availability", percent(o.availability)),
                    ("threshold", percent(scheme.availability)),
                ],
            )
        };
        let vetoes = cx.veto_names(u);
        if !vetoes.is_empty() {
            text.push_str(&lang.t_with(
                "evaluation_report.profile.veto",
                &[
                    ("veto", list(&vetoes, lang)),
                    ("grade", cx.grade(o.grade.as_deref())),
                ],
            ));
        }
        if let (Some(change), Some(places)) = view.change_on_last_year(u) {
            text.push_str(&lang.t_with(
                "evaluation_report.profile.change",
                &[
                    ("points", signed(change)),
                    ("places", places_words(places, lang)),
                ],
            ));
        }
        if !view.flags[u].is_empty() {
            let rules: Vec<String> = view.flags[u]
                .iter()
                .map(|f| cx.rule_name(&f.rule))
                .collect();
            text.push_str(&lang.t_with(
                "evaluation_report.profile.flag",
                &[(
                    "rules",
                    rules.join(&lang.t("evaluation_report.clause_separator")),
                )],
            ));
        }
        parts.push(Part::Block(Block::paragraph(text)));

        // Each dimension against the median.
        let dimensions: Vec<String> = scheme
            .roots
            .iter()
            .filter_map(|&r| {
                let score = o.scores.get(r).copied().flatten()?;
                let dimension = scheme.nodes[r].name(cx.english).to_string();
                let median = cx.node_median(r).filter(|_| view.sees_all);
                Some(match median {
                    Some(m) => {
                        let d = score - m;
                        let against = if d > EPSILON {
                            lang.t_with(
                                "evaluation_report.profile.above_median",
                                &[("points", number(d, 2))],
                            )
                        } else if d < -EPSILON {
                            lang.t_with(
                                "evaluation_report.profile.below_median",
                                &[("points", number(-d, 2))],
                            )
                        } else {
                            lang.t("evaluation_report.profile.at_median")
                        };
                        lang.t_with(
                            "evaluation_report.profile.dimension_vs_median",
                            &[
                                ("dimension", dimension),
                                ("score", number(score, 2)),
                                ("median", number(m, 2)),
                                ("against", against),
                            ],
                        )
                    }
                    None => lang.t_with(
                        "evaluation_report.profile.dimension",
                        &[("dimension", dimension), ("score", number(score, 2))],
                    ),
                })
            })
            .collect();
        if !dimensions.is_empty() {
            parts.push(Part::Block(Block::paragraph(lang.t_with(
                "evaluation_report.profile.dimensions",
                &[(
                    "list",
                    dimensions.join(&lang.t("evaluation_report.clause_separator")),
                )],
            ))));
        }

        // The two strongest and the two weakest indicators against the median.
        let mut gains: Vec<(usize, f64)> = o
            .against_median
            .iter()
            .enumerate()
            .filter_map(|(k, v)| v.map(|v| (k, v)))
            .collect();
        gains.sort_by(|a, b| b.1.total_cmp(&a.1));
        let point = |&(k, v): &(usize, f64)| {
            lang.t_with(
                "evaluation_report.name_signed",
                &[
                    ("name", cx.node_name(&view.run.inputs.indicators[k])),
                    ("points", signed(v)),
                ],
            )
        };
        let strengths: Vec<String> = gains
            .iter()
            .filter(|(_, v)| *v > EPSILON)
            .take(NAMED)
            .map(point)
            .collect();
        let weaknesses: Vec<String> = gains
            .iter()
            .rev()
            .filter(|(_, v)| *v < -EPSILON)
            .take(NAMED)
            .map(point)
            .collect();
        if o.included {
            let mut clauses = Vec::new();
            if !strengths.is_empty() {
                clauses.push(lang.t_with(
                    "evaluation_report.profile.strengths",
                    &[("list", list(&strengths, lang))],
                ));
            }
            if !weaknesses.is_empty() {
                clauses.push(lang.t_with(
                    "evaluation_report.profile.weaknesses",
                    &[("list", list(&weaknesses, lang))],
                ));
            }
            let text = if clauses.is_empty() {
                lang.t("evaluation_report.profile.even")
            } else {
                lang.t_with(
                    "evaluation_report.profile.against_median",
                    &[(
                        "clauses",
                        clauses.join(&lang.t("evaluation_report.clause_separator")),
                    )],
                )
            };
            parts.push(Part::Block(Block::paragraph(text)));
        }

        // The record over the years.
        let record = &view.record[u];
        if !record.is_empty() {
            let years: Vec<String> = record
                .iter()
                .map(|y| match y.rank {
                    Some(rank) => lang.t_with(
                        "evaluation_report.profile.year",
                        &[
                            ("year", y.year.to_string()),
                            ("total", points(y.total)),
                            ("rank", rank.to_string()),
                            ("grade", cx.grade(y.grade.as_deref())),
                        ],
                    ),
                    None => lang.t_with(
                        "evaluation_report.profile.year_unranked",
                        &[("year", y.year.to_string())],
                    ),
                })
                .collect();
            let mut text = lang.t_with(
                "evaluation_report.profile.record",
                &[(
                    "list",
                    years.join(&lang.t("evaluation_report.clause_separator")),
                )],
            );
            let first = record.first().filter(|f| f.year < cx.year);
            let now = record.last().filter(|l| l.year == cx.year);
            if let (Some(f), Some(l)) = (first, now)
                && let (Some(a), Some(b), Some(ra), Some(rb)) = (f.total, l.total, f.rank, l.rank)
            {
                text.push_str(&lang.t_with(
                    "evaluation_report.profile.trend",
                    &[
                        ("first", f.year.to_string()),
                        ("points", signed(b - a)),
                        ("places", places_words(i64::from(ra) - i64::from(rb), lang)),
                    ],
                ));
            }
            parts.push(Part::Block(Block::paragraph(text)));
        }
    }
}

/// The policy a shipped consequence rule carries out, where the rule is the one the policy
/// states (seed 002 line 73): its quotation, in the reader's language.
fn policy_basis(cx: &Context, rule: &ConsequenceRule) -> Option<String> {
    let grade = cx.scheme.grades.index(&rule.grade)?;
    let lowest = grade == cx.scheme.grades.lowest();
    let key = match (rule.code.as_str(), rule.consecutive) {
        ("reward", 1) if grade == 0 => "evaluation_report.basis.reward",
        ("criticism", 1) if lowest => "evaluation_report.basis.criticism",
        ("revocation", 2) if lowest => "evaluation_report.basis.revocation",
        _ => return None,
    };
    Some(cx.lang.t(key))
}

fn consequences(cx: &Context, parts: &mut Vec<Part>) {
    let view = cx.view;
    let lang = cx.lang;
    let scheme = cx.scheme;
    let mut items = Vec::new();
    for rule in &scheme.consequences {
        for u in ordered_by_rank(cx) {
            if !view.flags[u].iter().any(|f| f.rule == rule.code) {
                continue;
            }
            let years: Vec<String> = (0..rule.consecutive)
                .rev()
                .map(|back| (cx.year - back as i32).to_string())
                .collect();
            let why = if rule.consecutive > 1 {
                lang.t_with(
                    "evaluation_report.consequences.why_many",
                    &[
                        ("years", list(&years, lang)),
                        ("n", rule.consecutive.to_string()),
                        ("grade", cx.grade(Some(&rule.grade))),
                    ],
                )
            } else {
                lang.t_with(
                    "evaluation_report.consequences.why_one",
                    &[
                        ("year", cx.year.to_string()),
                        ("grade", cx.grade(Some(&rule.grade))),
                    ],
                )
            };
            let mut text = lang.t_with(
                "evaluation_report.consequences.item",
                &[
                    ("n", (items.len() + 1).to_string()),
                    ("name", cx.name(u)),
                    ("why", why),
                    ("rule", named(&rule.zh, &rule.en, lang).to_string()),
                ],
            );
            let scheme_rule = if rule.consecutive > 1 {
                lang.t_with(
                    "evaluation_report.basis.scheme_many",
                    &[
                        ("scheme", scheme.name(cx.english).to_string()),
                        ("n", rule.consecutive.to_string()),
                        ("grade", cx.grade(Some(&rule.grade))),
                        ("rule", named(&rule.zh, &rule.en, lang).to_string()),
                    ],
                )
            } else {
                lang.t_with(
                    "evaluation_report.basis.scheme_one",
                    &[
                        ("scheme", scheme.name(cx.english).to_string()),
                        ("grade", cx.grade(Some(&rule.grade))),
                        ("rule", named(&rule.zh, &rule.en, lang).to_string()),
                    ],
                )
            };
            text.push_str(&lang.t_with(
                "evaluation_report.consequences.basis",
                &[("basis", scheme_rule)],
            ));
            if let Some(policy) = policy_basis(cx, rule) {
                text.push_str(&policy);
            }
            items.push(text);
        }
    }
    if items.is_empty() {
        parts.push(Part::Block(Block::paragraph(
            lang.t("evaluation_report.consequences.none"),
        )));
        return;
    }
    parts.push(Part::Block(Block::paragraph(lang.t_with(
        "evaluation_report.consequences.lead",
        &[("scheme", scheme.name(cx.english).to_string())],
    ))));
    parts.extend(items.into_iter().map(|t| Part::Block(Block::paragraph(t))));
}

fn index_section(cx: &Context, index: &IndexView, zone: &str, parts: &mut Vec<Part>) {
    let lang = cx.lang;
    let scheme = &index.scheme;
    let years = &index.index.years;
    let Some(last) = years.last() else {
        return;
    };
    let base = index.index.base_year;
    let mut text = lang.t_with(
        "evaluation_report.index.lead",
        &[
            ("scheme", scheme.name(cx.english).to_string()),
            ("base", base.to_string()),
            ("zone", zone.to_string()),
            ("year", last.year.to_string()),
            ("total", number(last.total, 2)),
        ],
    );
    if let Some(before) = years
        .iter()
        .rev()
        .nth(1)
        .filter(|b| b.year == last.year - 1)
    {
        let d = last.total - before.total;
        let key = if d >= 0.0 {
            "evaluation_report.index.up"
        } else {
            "evaluation_report.index.down"
        };
        text.push_str(&lang.t_with(key, &[("points", number(d.abs(), 2))]));
    }
    let contributions: Vec<String> = last
        .dimensions(scheme)
        .map(|(code, _, c)| {
            lang.t_with(
                "evaluation_report.index.contribution",
                &[
                    (
                        "name",
                        scheme
                            .node(code)
                            .map_or(code, |(_, n)| n.name(cx.english))
                            .to_string(),
                    ),
                    ("points", signed(c)),
                ],
            )
        })
        .collect();
    text.push_str(&lang.t_with(
        "evaluation_report.index.contributions",
        &[
            ("year", last.year.to_string()),
            ("base", base.to_string()),
            ("list", list(&contributions, lang)),
        ],
    ));
    if last.year < cx.year {
        text.push_str(&lang.t_with(
            "evaluation_report.index.short",
            &[("last", last.year.to_string())],
        ));
    }
    parts.push(Part::Block(Block::paragraph(text)));
    parts.push(Part::Chart {
        id: "index-chart".into(),
        option: index_chart(cx, index),
    });

    // Years × (total, each dimension).
    let mut header = vec![
        lang.t("evaluation_report.col.year"),
        lang.t("evaluation_report.col.index"),
    ];
    header.extend(
        scheme
            .roots
            .iter()
            .map(|&r| scheme.nodes[r].name(cx.english).to_string()),
    );
    parts.push(Part::Table {
        sheet: lang.t("evaluation_report.sheet.index"),
        table: Table {
            caption: lang.t_with(
                "evaluation_report.table.index",
                &[("zone", zone.to_string()), ("base", base.to_string())],
            ),
            header,
            rows: years
                .iter()
                .map(|y| {
                    let mut row = vec![
                        Cell::text(y.year.to_string()),
                        Cell::number(number(y.total, 2)),
                    ];
                    row.extend(
                        scheme
                            .roots
                            .iter()
                            .map(|&r| Cell::number(points(y.nodes[r]))),
                    );
                    row
                })
                .collect(),
            notes: vec![lang.t("evaluation_report.note.index")],
        },
    });

    // Each dimension's share of the last year's index.
    let mut rows: Vec<Vec<Cell>> = scheme
        .roots
        .iter()
        .map(|&r| {
            vec![
                Cell::text(scheme.nodes[r].name(cx.english)),
                Cell::number(percent(last.weights[r])),
                Cell::number(points(last.nodes[r])),
                Cell::number(signed(last.contributions[r])),
            ]
        })
        .collect();
    rows.push(vec![
        Cell::text(lang.t("evaluation_report.total_row")),
        Cell::number(percent(
            scheme.roots.iter().map(|&r| last.weights[r]).sum::<f64>(),
        )),
        Cell::number(number(last.total, 2)),
        Cell::number(signed(last.total - 100.0)),
    ]);
    parts.push(Part::Table {
        sheet: lang.t("evaluation_report.sheet.contributions"),
        table: Table {
            caption: lang.t_with(
                "evaluation_report.table.contributions",
                &[("year", last.year.to_string())],
            ),
            header: vec![
                lang.t("evaluation_report.col.dimension"),
                lang.t("evaluation_report.col.weight"),
                lang.t("evaluation_report.col.dimension_index"),
                lang.t("evaluation_report.col.contribution"),
            ],
            rows,
            notes: vec![lang.t("evaluation_report.note.contributions")],
        },
    });
}

/// The index and each dimension's index over the years.
fn index_chart(cx: &Context, index: &IndexView) -> String {
    let scheme = &index.scheme;
    let years: Vec<String> = index
        .index
        .years
        .iter()
        .map(|y| y.year.to_string())
        .collect();
    let mut series = vec![json!({
        "name": cx.lang.t("evaluation_report.col.index"),
        "type": "line",
        "data": index.index.years.iter().map(|y| rounded(y.total)).collect::<Vec<_>>(),
        "lineStyle": {"width": 3},
        "label": {"show": true},
    })];
    for &r in &scheme.roots {
        series.push(json!({
            "name": scheme.nodes[r].name(cx.english),
            "type": "line",
            "data": index
                .index
                .years
                .iter()
                .map(|y| y.nodes[r].map_or(json!("-"), |v| json!(rounded(v))))
                .collect::<Vec<_>>(),
            "lineStyle": {"type": "dashed"},
        }));
    }
    json!({
        "animation": false,
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "grid": {"left": 50, "right": 30, "top": 50, "bottom": 30},
        "xAxis": {"type": "category", "data": years},
        "yAxis": {"type": "value", "scale": true},
        "series": series,
    })
    .to_string()
}

fn method(cx: &Context, parts: &mut Vec<Part>) {
    let view = cx.view;
    let lang = cx.lang;
    let scheme = cx.scheme;
    let effective = scheme.effective_weights();
    let dimensions: Vec<String> = scheme
        .roots
        .iter()
        .map(|&r| {
            lang.t_with(
                "evaluation_report.col.dimension_weight",
                &[
                    ("name", scheme.nodes[r].name(cx.english).to_string()),
                    ("weight", percent(effective[r])),
                ],
            )
        })
        .collect();
    let indicators = scheme.indicators().count();
    parts.push(Part::Block(Block::paragraph(lang.t_with(
        "evaluation_report.method.scheme",
        &[
            ("scheme", scheme.name(cx.english).to_string()),
            ("version", scheme.version.to_string()),
            ("list", list(&dimensions, lang)),
            ("dimensions", scheme.roots.len().to_string()),
            ("indicators", indicators.to_string()),
        ],
    ))));

    // Scoring: the methods used, how many indicators each.
    let mut methods: Vec<(&'static str, usize)> = Vec::new();
    for (_, n) in scheme.indicators() {
        if let Some(spec) = n.indicator() {
            let code = spec.method.code();
            match methods.iter_mut().find(|(c, _)| *c == code) {
                Some((_, k)) => *k += 1,
                None => methods.push((code, 1)),
            }
        }
    }
    let methods: Vec<String> = methods
        .iter()
        .map(|(code, k)| {
            lang.t_with(
                "evaluation_report.method.count",
                &[
                    ("method", lang.t(&format!("evaluation.page.method.{code}"))),
                    ("n", k.to_string()),
                ],
            )
        })
        .collect();
    let mut means: Vec<&'static str> = Vec::new();
    for n in &scheme.nodes {
        if let NodeKind::Group { aggregation } = n.kind
            && !means.contains(&aggregation.code())
        {
            means.push(aggregation.code());
        }
    }
    let means: Vec<String> = means
        .iter()
        .map(|m| lang.t(&format!("evaluation.aggregation.{m}")))
        .collect();
    let mut caps = Vec::new();
    if let Some(c) = scheme.bonus_cap {
        caps.push(lang.t_with(
            "evaluation_report.method.bonus_cap",
            &[("points", plain(c))],
        ));
    }
    if let Some(c) = scheme.penalty_cap {
        caps.push(lang.t_with(
            "evaluation_report.method.penalty_cap",
            &[("points", plain(c))],
        ));
    }
    let caps = if caps.is_empty() {
        String::new()
    } else {
        lang.t_with(
            "evaluation_report.method.caps",
            &[("caps", list(&caps, lang))],
        )
    };
    parts.push(Part::Block(Block::paragraph(lang.t_with(
        "evaluation_report.method.scoring",
        &[
            ("methods", list(&methods, lang)),
            ("means", list(&means, lang)),
            (
                "top",
                lang.t(&format!(
                    "evaluation.aggregation.{}",
                    scheme.aggregation.code()
                )),
            ),
            ("caps", caps),
        ],
    ))));

    // Grades and vetoes.
    let bands: Vec<String> = scheme
        .grades
        .bands
        .iter()
        .map(|b| {
            let name = b.name(cx.english).to_string();
            match b.rule {
                BandRule::Min(min) => lang.t_with(
                    "evaluation_report.method.band_min",
                    &[("name", name), ("min", plain(min))],
                ),
                BandRule::Share(share) => lang.t_with(
                    "evaluation_report.method.band_share",
                    &[("name", name), ("share", plain(share))],
                ),
                BandRule::Rest => {
                    lang.t_with("evaluation_report.method.band_rest", &[("name", name)])
                }
            }
        })
        .collect();
    let mut text = lang.t_with(
        "evaluation_report.method.grades",
        &[("list", list(&bands, lang))],
    );
    if !scheme.vetoes.is_empty() {
        let vetoes: Vec<String> = scheme
            .vetoes
            .iter()
            .map(|v| named(&v.zh, &v.en, lang).to_string())
            .collect();
        text.push_str(&lang.t_with(
            "evaluation_report.method.vetoes",
            &[
                ("list", list(&vetoes, lang)),
                (
                    "grade",
                    cx.grade(Some(&scheme.grades.bands[scheme.grades.lowest()].code)),
                ),
            ],
        ));
    }
    parts.push(Part::Block(Block::paragraph(text)));

    // The data and its treatment.
    let mut text = lang.t_with(
        "evaluation_report.method.data",
        &[
            (
                "basis",
                lang.t(&format!("monitoring.basis.{}", view.run.summary.basis)),
            ),
            ("threshold", percent(scheme.availability)),
        ],
    );
    let mut treatments = Vec::new();
    for t in &view.run.outcome.treatments {
        let name = cx.node_name(&t.indicator);
        if !t.imputed.is_empty() {
            treatments.push(lang.t_with(
                "evaluation_report.method.imputed",
                &[("name", name.clone()), ("n", t.imputed.len().to_string())],
            ));
        }
        match t.outliers.as_str() {
            "winsorised" => treatments.push(lang.t_with(
                "evaluation_report.method.winsorised",
                &[("name", name), ("n", t.winsorised.to_string())],
            )),
            "logged" => {
                treatments.push(lang.t_with("evaluation_report.method.logged", &[("name", name)]))
            }
            _ => {}
        }
    }
    if treatments.is_empty() {
        text.push_str(&lang.t("evaluation_report.method.untreated"));
    } else {
        text.push_str(&lang.t_with(
            "evaluation_report.method.treated",
            &[(
                "list",
                treatments.join(&lang.t("evaluation_report.clause_separator")),
            )],
        ));
    }
    parts.push(Part::Block(Block::paragraph(text)));

    // The tree with its weights.
    let rows = scheme
        .nodes
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let how = match &n.kind {
                NodeKind::Indicator(spec) => {
                    lang.t(&format!("evaluation.page.method.{}", spec.method.code()))
                }
                NodeKind::Group { aggregation } => lang.t_with(
                    "evaluation_report.method.group",
                    &[(
                        "mean",
                        lang.t(&format!("evaluation.aggregation.{}", aggregation.code())),
                    )],
                ),
            };
            vec![
                Cell::text(format!("{}{}", "　".repeat(n.depth), n.name(cx.english))),
                Cell::number(plain(n.weight)),
                Cell::number(percent(effective[i])),
                Cell::text(how),
            ]
        })
        .collect();
    parts.push(Part::Table {
        sheet: lang.t("evaluation_report.sheet.scheme"),
        table: Table {
            caption: lang.t("evaluation_report.table.scheme"),
            header: vec![
                lang.t("evaluation_report.col.node"),
                lang.t("evaluation_report.col.written_weight"),
                lang.t("evaluation_report.col.effective_weight"),
                lang.t("evaluation_report.col.how"),
            ],
            rows,
            notes: vec![lang.t("evaluation_report.note.scheme")],
        },
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_are_numbered_as_official_documents_number_them() {
        assert_eq!(numbered(1, "总体情况", Lang::ZhCn), "一、总体情况");
        assert_eq!(numbered(7, "评价方法", Lang::ZhCn), "七、评价方法");
        assert_eq!(numbered(2, "Ranking", Lang::En), "2. Ranking");
        assert_eq!(sub_numbered(1, "甲", Lang::ZhCn), "（一）甲");
        assert_eq!(sub_numbered(12, "乙", Lang::ZhCn), "（十二）乙");
        assert_eq!(sub_numbered(20, "丙", Lang::ZhCn), "（二十）丙");
        assert_eq!(sub_numbered(21, "丁", Lang::ZhCn), "（二十一）丁");
        assert_eq!(sub_numbered(3, "Park", Lang::En), "(3) Park");
    }

    #[test]
    fn changes_read_with_their_sign() {
        assert_eq!(signed(1.254), "+1.25");
        assert_eq!(signed(-0.4), "−0.40");
        assert_eq!(signed(-0.001), "0.00");
        assert_eq!(signed_places(2), "+2");
        assert_eq!(signed_places(-1), "−1");
        assert_eq!(signed_places(0), "0");
        assert_eq!(plain(25.0), "25");
        assert_eq!(plain(66.67), "66.67");
        assert_eq!(plain(2.5), "2.5");
    }
}
