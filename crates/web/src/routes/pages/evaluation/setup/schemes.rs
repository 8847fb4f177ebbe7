//! Evaluation schemes (考核评价方案): every scheme installed, and one scheme read as a
//! tree of dimensions, sub-dimensions and indicators with each node's weight and share of
//! the whole, its scoring method in words and where its values come from; its bonus,
//! penalty and veto items, grade bands and consequences; the versions saved with who and
//! when. Zone staff check a new version and install it, typed in or uploaded; a scheme
//! that does not hold is refused whole with its line and column, and nothing is saved.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use innozone_app::definitions::{DefinitionVersion, EvaluationScheme, versions};
use innozone_app::evaluation::{current_scheme, installed_schemes};
use innozone_app::monitoring::current_catalogue;
use innozone_domain::evaluation::aggregate::Aggregation;
use innozone_domain::evaluation::normalise::Method;
use innozone_domain::evaluation::scheme::{AdjustmentKind, BandRule, NodeKind, Scheme, Source};
use innozone_domain::evaluation::treatment::Impute;
use innozone_domain::monitoring::{Catalogue, Direction};
use innozone_domain::reporting::authority::may_define_forms;
use innozone_i18n::Lang;
use serde::Deserialize;

use super::{ACTIVE, may_read_schemes, parameter};
use crate::auth::CurrentUser;
use crate::error::WebError;
use crate::language::Language;
use crate::routes::pages::definitions::{DefinitionPage, VersionRow, version_rows};
use crate::state::AppState;
use crate::views::{Chrome, render};

pub struct SchemeRow {
    pub code: String,
    pub name: String,
    pub other_name: String,
    pub version: u32,
    pub dimensions: usize,
    pub indicators: usize,
    /// Items entered per park and year (entered indicators, bonus and penalty items,
    /// vetoes).
    pub inputs: usize,
    pub saved_id: i64,
    pub saved_at: String,
    pub saved_by: String,
}

#[derive(Template)]
#[template(path = "evaluation_schemes.html")]
struct ListPage {
    chrome: Chrome,
    schemes: Vec<SchemeRow>,
    may_define: bool,
    may_enter: bool,
}

pub async fn list(
    State(state): State<AppState>,
    Language(lang): Language,
    user: CurrentUser,
) -> Result<Response, WebError> {
    may_read_schemes(&user.principal)?;
    let english = lang.is_english();
    let schemes = installed_schemes(state.store())
        .await?
        .into_iter()
        .map(|(scheme, record)| SchemeRow {
            name: scheme.name(english).to_string(),
            other_name: scheme.name(!english).to_string(),
            version: scheme.version,
            dimensions: scheme.nodes.iter().filter(|n| !n.is_indicator()).count(),
            indicators: scheme.indicators().count(),
            inputs: scheme.input_items().len(),
            code: scheme.code,
            saved_id: record.id,
            saved_at: innozone_app::clock::format_unix(record.saved_at),
            saved_by: record.saved_by,
        })
        .collect();
    let page = ListPage {
        schemes,
        may_define: may_define_forms(&user.principal),
        may_enter: super::is_evaluating_role(&user.principal),
        chrome: Chrome::new(lang, Some(&user), ACTIVE),
    };
    Ok(render(&page)?.into_response())
}

/// A node of the tree as a row.
pub struct NodeRow {
    pub code: String,
    pub name: String,
    pub other_name: String,
    pub depth: usize,
    /// Dimension, sub-dimension or indicator, in words.
    pub level: String,
    pub is_indicator: bool,
    /// The weight as written, and its share among its siblings.
    pub weight: String,
    pub share: String,
    /// Its share of the whole, in percent.
    pub effective: String,
    /// A group's mean, in words.
    pub aggregation: String,
    pub method: String,
    pub direction: String,
    pub source: String,
    /// The monitoring indicator's code, for the link to its drill-down.
    pub monitoring: Option<String>,
    pub imputation: String,
    pub denominator: String,
}

pub struct AdjustmentRow {
    pub code: String,
    pub name: String,
    pub kind: String,
    pub bonus: bool,
    pub points: String,
    pub cap: String,
}

pub struct NamedRow {
    pub code: String,
    pub name: String,
    pub rule: String,
}

#[derive(Template)]
#[template(path = "evaluation_scheme.html")]
struct SchemePage {
    chrome: Chrome,
    code: String,
    name: String,
    other_name: String,
    version: u32,
    aggregation: String,
    availability: String,
    outliers: String,
    bonus_cap: String,
    penalty_cap: String,
    nodes: Vec<NodeRow>,
    adjustments: Vec<AdjustmentRow>,
    vetoes: Vec<NamedRow>,
    grades: Vec<NamedRow>,
    consequences: Vec<NamedRow>,
    versions: Vec<VersionRow>,
    installed: Option<String>,
    may_define: bool,
    may_enter: bool,
    inputs: usize,
    source: String,
}

#[derive(Deserialize, Default)]
pub struct SchemeQuery {
    installed: Option<i64>,
}

fn aggregation_name(a: Aggregation, lang: Lang) -> String {
    lang.t(&format!("evaluation.setup.aggregation.{}", a.code()))
}

fn impute_name(how: Impute, lang: Lang) -> String {
    lang.t(match how {
        Impute::Mean => "evaluation.impute.mean",
        Impute::Median => "evaluation.impute.median",
        Impute::GroupMean => "evaluation.impute.group_mean",
        Impute::GroupMedian => "evaluation.impute.group_median",
        Impute::LastValue => "evaluation.impute.last_value",
    })
}

/// A scoring method with its parameters, in words.
pub fn method_words(method: &Method, direction: Direction, lang: Lang) -> String {
    let key = |k: &str| format!("evaluation.setup.method.{k}");
    let p = |v: f64| parameter(v);
    match method {
        Method::MinMax { low, high } => {
            lang.t_with(&key("min_max"), &[("low", p(*low)), ("high", p(*high))])
        }
        Method::ZScore { mean, sd } => {
            lang.t_with(&key("z_score"), &[("mean", p(*mean)), ("sd", p(*sd))])
        }
        Method::Rank => lang.t(&key("rank")),
        Method::PercentRank => lang.t(&key("percent_rank")),
        Method::Borda => lang.t(&key("borda")),
        Method::DistanceToTarget { target, cap } => lang.t_with(
            &key(if *cap {
                "distance_to_target_capped"
            } else {
                "distance_to_target"
            }),
            &[("target", p(*target))],
        ),
        Method::DistanceToBest => lang.t(&key("distance_to_best")),
        Method::GoalAttainment { target, cap } => lang.t_with(
            &key("goal_attainment"),
            &[("target", p(*target)), ("cap", p(*cap))],
        ),
        Method::Banded { bands } => {
            let each = if direction == Direction::Lower {
                "band_at_most"
            } else {
                "band_at_least"
            };
            let bands = bands
                .iter()
                .map(|(threshold, points)| {
                    lang.t_with(
                        &key(each),
                        &[("threshold", p(*threshold)), ("points", p(*points))],
                    )
                })
                .collect::<Vec<_>>()
                .join(&lang.t("evaluation.setup.joiner"));
            lang.t_with(&key("banded"), &[("bands", bands)])
        }
    }
}

fn node_rows(scheme: &Scheme, catalogue: Option<&Catalogue>, lang: Lang) -> Vec<NodeRow> {
    let english = lang.is_english();
    let effective = scheme.effective_weights();
    let siblings_total = |i: usize| -> f64 {
        let siblings = match scheme.nodes[i].parent {
            Some(p) => &scheme.nodes[p].children,
            None => &scheme.roots,
        };
        siblings.iter().map(|&s| scheme.nodes[s].weight).sum()
    };
    let dash = || "—".to_string();
    scheme
        .nodes
        .iter()
        .enumerate()
        .map(|(i, node)| {
            let total = siblings_total(i);
            let share = if total > 0.0 {
                format!("{:.2} %", node.weight / total * 100.0)
            } else {
                dash()
            };
            let level = match (&node.kind, node.depth) {
                (NodeKind::Indicator(_), _) => "indicator",
                (NodeKind::Group { .. }, 0) => "dimension",
                (NodeKind::Group { .. }, _) => "sub_dimension",
            };
            let mut row = NodeRow {
                code: node.code.clone(),
                name: node.name(english).to_string(),
                other_name: node.name(!english).to_string(),
                depth: node.depth,
                level: lang.t(&format!("evaluation.setup.level.{level}")),
                is_indicator: node.is_indicator(),
                weight: parameter(node.weight),
                share,
                effective: format!("{:.2} %", effective[i] * 100.0),
                aggregation: String::new(),
                method: String::new(),
                direction: String::new(),
                source: String::new(),
                monitoring: None,
                imputation: String::new(),
                denominator: String::new(),
            };
            match &node.kind {
                NodeKind::Group { aggregation } => {
                    row.aggregation = aggregation_name(*aggregation, lang);
                }
                NodeKind::Indicator(spec) => {
                    row.method = method_words(&spec.method, spec.direction, lang);
                    row.direction =
                        lang.t(&format!("monitoring.direction.{}", spec.direction.code()));
                    match &spec.source {
                        Source::Monitoring(code) => {
                            let name = catalogue
                                .and_then(|c| c.indicator(code))
                                .map(|(_, d)| d.name(english).to_string());
                            row.source = match name {
                                Some(name) => lang.t_with(
                                    "evaluation.setup.source.monitoring_named",
                                    &[("name", name), ("code", code.clone())],
                                ),
                                None => lang.t_with(
                                    "evaluation.setup.source.monitoring",
                                    &[("code", code.clone())],
                                ),
                            };
                            row.monitoring = Some(code.clone());
                        }
                        Source::Entered => row.source = lang.t("evaluation.setup.source.entered"),
                    }
                    row.imputation = spec.imputation.map_or_else(
                        || lang.t("evaluation.setup.no_imputation"),
                        |how| impute_name(how, lang),
                    );
                    row.denominator = match &spec.denominator {
                        Some(code) => catalogue.and_then(|c| c.statistic(code)).map_or_else(
                            || code.clone(),
                            |(_, s)| format!("{}（{code}）", s.name(english)),
                        ),
                        None => dash(),
                    };
                }
            }
            row
        })
        .collect()
}

fn adjustment_rows(scheme: &Scheme, lang: Lang) -> Vec<AdjustmentRow> {
    let english = lang.is_english();
    scheme
        .adjustments
        .iter()
        .map(|a| AdjustmentRow {
            code: a.code.clone(),
            name: if english { a.en.clone() } else { a.zh.clone() },
            bonus: a.kind == AdjustmentKind::Bonus,
            kind: lang.t(match a.kind {
                AdjustmentKind::Bonus => "evaluation.setup.bonus",
                AdjustmentKind::Penalty => "evaluation.setup.penalty",
            }),
            points: lang.t_with(
                if a.fixed {
                    "evaluation.setup.points_once"
                } else {
                    "evaluation.setup.points_each"
                },
                &[("points", parameter(a.points))],
            ),
            cap: a.cap.map_or_else(|| "—".to_string(), parameter),
        })
        .collect()
}

fn grade_rows(scheme: &Scheme, lang: Lang) -> Vec<NamedRow> {
    let english = lang.is_english();
    scheme
        .grades
        .bands
        .iter()
        .map(|b| NamedRow {
            code: b.code.clone(),
            name: b.name(english).to_string(),
            rule: match b.rule {
                BandRule::Min(min) => {
                    lang.t_with("evaluation.setup.band.min", &[("min", parameter(min))])
                }
                BandRule::Share(share) => lang.t_with(
                    "evaluation.setup.band.share",
                    &[("share", parameter(share))],
                ),
                BandRule::Rest => lang.t("evaluation.setup.band.rest"),
            },
        })
        .collect()
}

fn consequence_rows(scheme: &Scheme, lang: Lang) -> Vec<NamedRow> {
    let english = lang.is_english();
    scheme
        .consequences
        .iter()
        .map(|c| {
            let grade = scheme.grades.index(&c.grade).map_or_else(
                || c.grade.clone(),
                |g| scheme.grades.bands[g].name(english).to_string(),
            );
            NamedRow {
                code: c.code.clone(),
                name: if english { c.en.clone() } else { c.zh.clone() },
                rule: lang.t_with(
                    if c.consecutive == 1 {
                        "evaluation.setup.consequence_once"
                    } else {
                        "evaluation.setup.consequence_years"
                    },
                    &[("grade", grade), ("years", c.consecutive.to_string())],
                ),
            }
        })
        .collect()
}

pub async fn page(
    State(state): State<AppState>,
    Language(lang): Language,
    user: CurrentUser,
    Path(code): Path<String>,
    Query(q): Query<SchemeQuery>,
) -> Result<Response, WebError> {
    may_read_schemes(&user.principal)?;
    let store = state.store();
    let english = lang.is_english();
    let (scheme, record) = current_scheme(store, &code).await?;
    let versions = versions::<EvaluationScheme>(store, &user.principal, &scheme.code).await?;
    // The catalogue names the monitoring indicators; a catalogue that no longer reads
    // leaves the codes alone.
    let catalogue = current_catalogue(store).await.ok().flatten();
    let cap = |c: Option<f64>| c.map_or_else(|| "—".to_string(), parameter);
    let page = SchemePage {
        code: scheme.code.clone(),
        name: scheme.name(english).to_string(),
        other_name: scheme.name(!english).to_string(),
        version: scheme.version,
        aggregation: aggregation_name(scheme.aggregation, lang),
        availability: format!("{} %", parameter((scheme.availability * 1e4).round() / 1e2)),
        outliers: match &scheme.outliers {
            Some(o) => lang.t_with(
                "evaluation.setup.outliers_policy",
                &[
                    ("winmax", o.winmax.to_string()),
                    ("skew", parameter(o.skew_threshold)),
                    ("kurtosis", parameter(o.kurtosis_threshold)),
                ],
            ),
            None => lang.t("evaluation.setup.outliers_none"),
        },
        bonus_cap: cap(scheme.bonus_cap),
        penalty_cap: cap(scheme.penalty_cap),
        nodes: node_rows(&scheme, catalogue.as_ref(), lang),
        adjustments: adjustment_rows(&scheme, lang),
        vetoes: scheme
            .vetoes
            .iter()
            .map(|v| NamedRow {
                code: v.code.clone(),
                name: if english { v.en.clone() } else { v.zh.clone() },
                rule: String::new(),
            })
            .collect(),
        grades: grade_rows(&scheme, lang),
        consequences: consequence_rows(&scheme, lang),
        versions: version_rows(&versions, &format!("/evaluation/schemes/{}", scheme.code)),
        installed: q.installed.map(|id| {
            lang.t_with(
                "evaluation.setup.installed",
                &[
                    ("id", id.to_string()),
                    ("count", scheme.indicators().count().to_string()),
                ],
            )
        }),
        may_define: may_define_forms(&user.principal),
        may_enter: super::is_evaluating_role(&user.principal),
        inputs: scheme.input_items().len(),
        source: record.source,
        chrome: Chrome::new(lang, Some(&user), ACTIVE),
    };
    Ok(render(&page)?.into_response())
}

impl DefinitionPage for EvaluationScheme {
    const ACTIVE: &'static str = ACTIVE;

    fn summary(scheme: &Scheme, lang: Lang) -> String {
        lang.t_with(
            "evaluation.setup.check_ok",
            &[
                ("code", scheme.code.clone()),
                (
                    "dimensions",
                    scheme
                        .nodes
                        .iter()
                        .filter(|n| !n.is_indicator())
                        .count()
                        .to_string(),
                ),
                ("indicators", scheme.indicators().count().to_string()),
                ("grades", scheme.grades.bands.len().to_string()),
            ],
        )
    }

    fn installed_page(version: &DefinitionVersion) -> String {
        format!(
            "/evaluation/schemes/{}?installed={}",
            version.code, version.number
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn methods_read_in_words() {
        let lang = Lang::En;
        let banded = Method::Banded {
            bands: vec![(2.0, 20.0), (3.0, 40.0)],
        };
        let text = method_words(&banded, Direction::Higher, lang);
        assert!(text.contains("≥ 2: 20"), "{text}");
        assert!(text.contains("≥ 3: 40"), "{text}");
        let lower = method_words(&banded, Direction::Lower, lang);
        assert!(lower.contains("≤ 2: 20"), "{lower}");
        let goal = method_words(
            &Method::GoalAttainment {
                target: 100.0,
                cap: 120.0,
            },
            Direction::Higher,
            Lang::ZhCn,
        );
        assert!(goal.contains("100") && goal.contains("120"), "{goal}");
    }
}
