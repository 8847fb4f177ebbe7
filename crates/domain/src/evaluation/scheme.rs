//! An evaluation scheme (考核评价方案): the versioned TOML file a zone edits, parsed into a
//! checked tree of dimensions, sub-dimensions and indicators with weights, and the rules
//! that turn a score into a grade and grades over the years into consequences.
//!
//! Every problem in the file is reported before anything runs, with the line and column
//! (both from 1, in characters) of the entry that is wrong: the TOML syntax, weights that
//! do not make a tree, a negative weight, grade bands out of order, shares over 100 %, a
//! monitoring indicator or statistic the catalogue does not have.
//!
//! The file:
//!
//! ```toml
//! code = "lanbai_parks"
//! version = 1
//! name_zh = "兰白自创区园区考核评价方案"
//! name_en = "Evaluation scheme of the Lanbai parks"
//! aggregation = "arithmetic"        # how the top-level dimensions combine (default)
//! availability = 0.6667            # optional: screen out units with less data (COINr's 2/3)
//! outliers = { winmax = 5 }         # optional: outlier treatment, `treatment::OutlierPolicy`
//! bonus_cap = 5                     # optional: the most all bonus items add together
//! base_year = 2014                  # optional: for a development index, the year = 100
//! penalty_cap = 10                  # optional: the most all penalty items take together
//!
//! [[dimensions]]                    # a dimension or sub-dimension (with `parent`)
//! code = "innovation"
//! zh = "科技创新"
//! en = "Science and innovation"
//! weight = 30
//! aggregation = "geometric"         # optional: how its children combine
//!
//! [[indicators]]                    # a leaf
//! code = "rd"
//! parent = "innovation"
//! zh = "企业研发投入强度"
//! en = "Enterprise R&D intensity"
//! weight = 1
//! indicator = "enterprise_rd_intensity"   # a monitoring indicator, or `entered = true`
//! direction = "higher"
//! method = { method = "min_max" }         # a `normalise::Method`, parameters checked
//! denominator = "built_area"              # optional: a monitoring statistic
//! imputation = "group_mean"              # optional: a `treatment::Impute`
//!
//! [[adjustments]]                   # 加分 / 扣分
//! code = "national_award"
//! kind = "bonus"                    # or "penalty"
//! zh = "获国家级表彰"
//! en = "National award"
//! points = 2                        # per occurrence, or once with `fixed = true`
//! cap = 4                           # optional
//!
//! [[vetoes]]                        # 一票否决: the grade becomes the lowest band
//! code = "major_safety_accident"
//! zh = "发生重大安全生产事故"
//! en = "Major work-safety accident"
//!
//! [[grades]]                        # best first; by score (`min`) or by share (`share`)
//! code = "excellent"
//! zh = "优秀"
//! en = "Excellent"
//! min = 90
//!
//! [[consequences]]
//! code = "revocation"
//! zh = "报请撤销资格"
//! en = "Recommended for revocation"
//! grade = "unqualified"
//! consecutive = 2
//! ```

use std::collections::HashMap;
use std::ops::Range;

use serde::Deserialize;
use thiserror::Error;
use toml::Spanned;

use super::aggregate::Aggregation;
use super::normalise::{Method, MethodError};
use super::treatment::{DEFAULT_AVAILABILITY, Impute, OutlierPolicy};
use crate::monitoring::Direction;

// ------------------------------------------------------------------------------ types

/// Where an indicator's values come from.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    /// A monitoring indicator of the catalogue, by code.
    Monitoring(String),
    /// Values entered for the evaluation (a review panel's marks, signed investment).
    Entered,
}

/// What a leaf of the tree scores.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorSpec {
    pub source: Source,
    pub direction: Direction,
    /// The scoring method, its parameters checked.
    pub method: Method,
    /// A monitoring statistic the value is divided by before scoring.
    pub denominator: Option<String>,
    /// How missing values are imputed. None: missing values stay missing.
    pub imputation: Option<Impute>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum NodeKind {
    /// A dimension or sub-dimension: its children combined by this mean.
    Group {
        aggregation: Aggregation,
    },
    Indicator(IndicatorSpec),
}

/// A node of the scheme's tree.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub code: String,
    pub zh: String,
    pub en: String,
    /// The weight as written (≥ 0), relative to its siblings.
    pub weight: f64,
    pub parent: Option<usize>,
    /// Indices of the children, in the order they are written.
    pub children: Vec<usize>,
    /// 0 for a top-level dimension.
    pub depth: usize,
    pub kind: NodeKind,
}

impl Node {
    pub fn name(&self, english: bool) -> &str {
        if english { &self.en } else { &self.zh }
    }

    pub fn is_indicator(&self) -> bool {
        matches!(self.kind, NodeKind::Indicator(_))
    }

    pub fn indicator(&self) -> Option<&IndicatorSpec> {
        match &self.kind {
            NodeKind::Indicator(spec) => Some(spec),
            NodeKind::Group { .. } => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AdjustmentKind {
    /// 加分
    Bonus,
    /// 扣分
    Penalty,
}

/// A bonus or penalty item (加分/扣分项).
#[derive(Debug, Clone, PartialEq)]
pub struct Adjustment {
    pub code: String,
    pub zh: String,
    pub en: String,
    pub kind: AdjustmentKind,
    /// Points per occurrence, or once when `fixed`.
    pub points: f64,
    /// The points count once however many occurrences there are.
    pub fixed: bool,
    /// The most this item adds (or takes) in total.
    pub cap: Option<f64>,
}

/// A veto item (一票否决): when it occurs, the grade is the lowest band whatever the score.
#[derive(Debug, Clone, PartialEq)]
pub struct Veto {
    pub code: String,
    pub zh: String,
    pub en: String,
}

/// How a band is reached.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum BandRule {
    /// A score at or above this.
    Min(f64),
    /// This share of the units, in percent (taken from the top for the bands above the
    /// remainder band, from the bottom for those below it).
    Share(f64),
    /// The last band by score (below every `min`), or the one band by share without a
    /// share (the units the other bands leave).
    Rest,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Band {
    pub code: String,
    pub zh: String,
    pub en: String,
    pub rule: BandRule,
}

impl Band {
    pub fn name(&self, english: bool) -> &str {
        if english { &self.en } else { &self.zh }
    }
}

/// Grade bands, best first: either all by score or all by share of units.
#[derive(Debug, Clone, PartialEq)]
pub struct Grades {
    pub bands: Vec<Band>,
}

impl Grades {
    pub fn by_share(&self) -> bool {
        self.bands
            .iter()
            .any(|b| matches!(b.rule, BandRule::Share(_)))
    }

    pub fn index(&self, code: &str) -> Option<usize> {
        self.bands.iter().position(|b| b.code == code)
    }

    /// The lowest band, which a veto gives.
    pub fn lowest(&self) -> usize {
        self.bands.len() - 1
    }
}

/// A consequence over the years: `consecutive` years in a row at `grade` flag the unit in
/// the last of them.
#[derive(Debug, Clone, PartialEq)]
pub struct ConsequenceRule {
    pub code: String,
    pub zh: String,
    pub en: String,
    pub grade: String,
    pub consecutive: u32,
}

/// A checked evaluation scheme.
#[derive(Debug, Clone, PartialEq)]
pub struct Scheme {
    pub code: String,
    pub version: u32,
    pub name_zh: String,
    pub name_en: String,
    /// How the top-level dimensions combine into the total.
    pub aggregation: Aggregation,
    /// Every node, parents before their children, in the order of a walk of the tree
    /// (each parent followed by its subtree, siblings in the order written).
    pub nodes: Vec<Node>,
    /// The top-level nodes.
    pub roots: Vec<usize>,
    pub adjustments: Vec<Adjustment>,
    /// For a development index (`super::index`): the year whose value is 100.
    pub base_year: Option<i32>,
    pub bonus_cap: Option<f64>,
    pub penalty_cap: Option<f64>,
    /// Units with values for less than this share of the indicators are screened out
    /// (default: COINr's 2/3, `treatment::DEFAULT_AVAILABILITY`).
    pub availability: f64,
    /// Outlier treatment before scoring; None: none.
    pub outliers: Option<OutlierPolicy>,
    pub vetoes: Vec<Veto>,
    pub grades: Grades,
    pub consequences: Vec<ConsequenceRule>,
    /// The file as written, kept so that the exact version can be shown and stored.
    pub source: String,
}

// ----------------------------------------------------------------------------- errors

/// A problem in a scheme file. Every variant says where: `line` and `column` from 1, the
/// column in characters.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum SchemeError {
    /// Not valid TOML, or an entry of the wrong shape (an unknown key, a string for a
    /// number, a missing key).
    #[error("line {line}, column {column}: {message}")]
    Syntax {
        line: usize,
        column: usize,
        message: String,
    },
    #[error(
        "line {line}, column {column}: the code {code:?} must be lower-case letters, digits and _"
    )]
    BadCode {
        line: usize,
        column: usize,
        code: String,
    },
    #[error("line {line}, column {column}: the version must be 1 or more")]
    BadVersion { line: usize, column: usize },
    #[error("line {line}, column {column}: {year} is not a base year (1949 to 2200)")]
    BaseYear {
        line: usize,
        column: usize,
        year: i32,
    },
    #[error("line {line}, column {column}: the scheme has no indicators")]
    NoIndicators { line: usize, column: usize },
    #[error(
        "line {line}, column {column}: the code {code:?} is used twice (first on line {first_line})"
    )]
    DuplicateCode {
        line: usize,
        column: usize,
        code: String,
        first_line: usize,
    },
    #[error(
        "line {line}, column {column}: {node:?} is under {parent:?}, which is not a dimension of the scheme"
    )]
    UnknownParent {
        line: usize,
        column: usize,
        node: String,
        parent: String,
    },
    #[error(
        "line {line}, column {column}: {node:?} is under {parent:?}, which is an indicator: an indicator has no children"
    )]
    IndicatorWithChildren {
        line: usize,
        column: usize,
        node: String,
        parent: String,
    },
    #[error("line {line}, column {column}: dimension {code:?} has no indicators or sub-dimensions")]
    EmptyDimension {
        line: usize,
        column: usize,
        code: String,
    },
    #[error(
        "line {line}, column {column}: dimension {code:?} is, through its parents, under itself"
    )]
    Cycle {
        line: usize,
        column: usize,
        code: String,
    },
    #[error(
        "line {line}, column {column}: the weight of {node:?} is {weight}; a weight is a number of 0 or more"
    )]
    NegativeWeight {
        line: usize,
        column: usize,
        node: String,
        weight: f64,
    },
    /// Every child of a dimension (or every top-level dimension) weighs 0, so no share can
    /// be taken. `group` is None for the top level.
    #[error("line {line}, column {column}: every weight under {group:?} is 0")]
    ZeroWeights {
        line: usize,
        column: usize,
        group: Option<String>,
    },
    #[error(
        "line {line}, column {column}: indicator {indicator:?} names no source: give `indicator = \"<monitoring indicator>\"` or `entered = true`"
    )]
    NoSource {
        line: usize,
        column: usize,
        indicator: String,
    },
    #[error(
        "line {line}, column {column}: indicator {indicator:?} names a monitoring indicator and is entered too: give one source"
    )]
    TwoSources {
        line: usize,
        column: usize,
        indicator: String,
    },
    #[error(
        "line {line}, column {column}: indicator {indicator:?} reads {code:?}, which is not an indicator of the monitoring catalogue"
    )]
    UnknownIndicator {
        line: usize,
        column: usize,
        indicator: String,
        code: String,
    },
    #[error(
        "line {line}, column {column}: indicator {indicator:?} is divided by {code:?}, which is not a statistic of the monitoring catalogue"
    )]
    UnknownStatistic {
        line: usize,
        column: usize,
        indicator: String,
        code: String,
    },
    #[error("line {line}, column {column}: the method of {indicator:?}: {message}")]
    Method {
        line: usize,
        column: usize,
        indicator: String,
        message: String,
    },
    /// A method's parameter out of range, with which parameter and why.
    #[error("line {line}, column {column}: indicator {indicator:?}: {error}")]
    MethodParameter {
        line: usize,
        column: usize,
        indicator: String,
        error: MethodError,
    },
    /// A treatment parameter out of range (the data availability threshold, the outlier
    /// thresholds).
    #[error("line {line}, column {column}: {message}")]
    Treatment {
        line: usize,
        column: usize,
        message: String,
    },
    #[error("line {line}, column {column}: {item:?}: points and caps are numbers of 0 or more")]
    BadPoints {
        line: usize,
        column: usize,
        item: String,
    },
    #[error("line {line}, column {column}: the scheme has no grade bands")]
    NoGrades { line: usize, column: usize },
    #[error("line {line}, column {column}: grade {band:?} mixes bands by score and by share")]
    MixedBands {
        line: usize,
        column: usize,
        band: String,
    },
    #[error(
        "line {line}, column {column}: grade {band:?}: its minimum must be below the band before it"
    )]
    BandsNotOrdered {
        line: usize,
        column: usize,
        band: String,
    },
    /// By score, every band but the last has a `min` and the last has none; by share,
    /// exactly one band has no `share`.
    #[error(
        "line {line}, column {column}: grade {band:?}: by score every band but the last has a `min` and the last has none; by share exactly one band has no `share`"
    )]
    RestBand {
        line: usize,
        column: usize,
        band: String,
    },
    #[error(
        "line {line}, column {column}: grade {band:?}: a share is more than 0 and at most 100 (percent)"
    )]
    BadShare {
        line: usize,
        column: usize,
        band: String,
    },
    #[error(
        "line {line}, column {column}: the shares of the grade bands add up to {total} %, more than 100 %"
    )]
    SharesOverHundred {
        line: usize,
        column: usize,
        total: f64,
    },
    #[error("line {line}, column {column}: {code:?} is not a grade band of the scheme")]
    UnknownGrade {
        line: usize,
        column: usize,
        code: String,
    },
    #[error(
        "line {line}, column {column}: consequence {code:?}: the number of consecutive years is 1 or more"
    )]
    BadConsecutive {
        line: usize,
        column: usize,
        code: String,
    },
}

impl SchemeError {
    /// Where the error is: line and column, from 1 (the column in characters).
    pub fn location(&self) -> (usize, usize) {
        use SchemeError as E;
        match self {
            E::Syntax { line, column, .. }
            | E::BadCode { line, column, .. }
            | E::BadVersion { line, column }
            | E::BaseYear { line, column, .. }
            | E::NoIndicators { line, column }
            | E::DuplicateCode { line, column, .. }
            | E::UnknownParent { line, column, .. }
            | E::IndicatorWithChildren { line, column, .. }
            | E::EmptyDimension { line, column, .. }
            | E::Cycle { line, column, .. }
            | E::NegativeWeight { line, column, .. }
            | E::ZeroWeights { line, column, .. }
            | E::NoSource { line, column, .. }
            | E::TwoSources { line, column, .. }
            | E::UnknownIndicator { line, column, .. }
            | E::UnknownStatistic { line, column, .. }
            | E::Method { line, column, .. }
            | E::MethodParameter { line, column, .. }
            | E::Treatment { line, column, .. }
            | E::BadPoints { line, column, .. }
            | E::NoGrades { line, column }
            | E::MixedBands { line, column, .. }
            | E::BandsNotOrdered { line, column, .. }
            | E::RestBand { line, column, .. }
            | E::BadShare { line, column, .. }
            | E::SharesOverHundred { line, column, .. }
            | E::UnknownGrade { line, column, .. }
            | E::BadConsecutive { line, column, .. } => (*line, *column),
        }
    }
}

// ------------------------------------------------------------------------- the file

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SchemeFile {
    code: Spanned<String>,
    version: Spanned<u32>,
    name_zh: String,
    name_en: String,
    aggregation: Option<Aggregation>,
    bonus_cap: Option<Spanned<f64>>,
    base_year: Option<Spanned<i32>>,
    penalty_cap: Option<Spanned<f64>>,
    availability: Option<Spanned<f64>>,
    outliers: Option<Spanned<OutlierPolicy>>,
    #[serde(default)]
    dimensions: Vec<DimensionEntry>,
    #[serde(default)]
    indicators: Vec<IndicatorEntry>,
    #[serde(default)]
    adjustments: Vec<AdjustmentEntry>,
    #[serde(default)]
    vetoes: Vec<VetoEntry>,
    #[serde(default)]
    grades: Vec<BandEntry>,
    #[serde(default)]
    consequences: Vec<ConsequenceEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DimensionEntry {
    code: Spanned<String>,
    parent: Option<Spanned<String>>,
    zh: String,
    en: String,
    weight: Spanned<f64>,
    aggregation: Option<Aggregation>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct IndicatorEntry {
    code: Spanned<String>,
    parent: Option<Spanned<String>>,
    zh: String,
    en: String,
    weight: Spanned<f64>,
    indicator: Option<Spanned<String>>,
    entered: Option<Spanned<bool>>,
    direction: Direction,
    method: Spanned<toml::Value>,
    denominator: Option<Spanned<String>>,
    imputation: Option<Impute>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AdjustmentEntry {
    code: Spanned<String>,
    kind: AdjustmentKind,
    zh: String,
    en: String,
    points: Spanned<f64>,
    #[serde(default)]
    fixed: bool,
    cap: Option<Spanned<f64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct VetoEntry {
    code: Spanned<String>,
    zh: String,
    en: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BandEntry {
    code: Spanned<String>,
    zh: String,
    en: String,
    min: Option<Spanned<f64>>,
    share: Option<Spanned<f64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ConsequenceEntry {
    code: Spanned<String>,
    zh: String,
    en: String,
    grade: Spanned<String>,
    consecutive: Spanned<u32>,
}

fn is_code(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && s.starts_with(|c: char| c.is_ascii_lowercase())
}

/// Line and column (from 1; the column in characters) of a byte offset.
fn line_column(source: &str, offset: usize) -> (usize, usize) {
    crate::expr::Span::new(offset, offset).line_column(source)
}

/// Turns spans into locations for the errors.
struct Locator<'a> {
    source: &'a str,
}

impl Locator<'_> {
    fn at(&self, span: Range<usize>) -> (usize, usize) {
        line_column(self.source, span.start)
    }
}

/// A node while the tree is being built.
struct Pending {
    code: String,
    span: Range<usize>,
    parent: Option<Spanned<String>>,
    zh: String,
    en: String,
    weight: f64,
    kind: NodeKind,
}

impl Scheme {
    /// Parses and checks a scheme file. `is_indicator` and `is_statistic` say which codes
    /// the monitoring catalogue has.
    pub fn parse(
        source: &str,
        is_indicator: &dyn Fn(&str) -> bool,
        is_statistic: &dyn Fn(&str) -> bool,
    ) -> Result<Scheme, SchemeError> {
        let file: SchemeFile = toml::from_str(source).map_err(|e| {
            let (line, column) = e
                .span()
                .map(|span| line_column(source, span.start))
                .unwrap_or((1, 1));
            SchemeError::Syntax {
                line,
                column,
                message: e.message().to_string(),
            }
        })?;
        let loc = Locator { source };
        let aggregation = file.aggregation.unwrap_or(Aggregation::Arithmetic);
        let code_ok = |code: &Spanned<String>| -> Result<(), SchemeError> {
            if is_code(code.get_ref()) {
                Ok(())
            } else {
                let (line, column) = loc.at(code.span());
                Err(SchemeError::BadCode {
                    line,
                    column,
                    code: code.get_ref().clone(),
                })
            }
        };
        code_ok(&file.code)?;
        if *file.version.get_ref() == 0 {
            let (line, column) = loc.at(file.version.span());
            return Err(SchemeError::BadVersion { line, column });
        }

        // Every node, dimensions first, with its code checked once.
        let mut pending: Vec<Pending> = Vec::new();
        let mut first: HashMap<String, Range<usize>> = HashMap::new();
        let mut note_code = |code: &Spanned<String>| -> Result<(), SchemeError> {
            code_ok(code)?;
            if let Some(prev) = first.get(code.get_ref()) {
                let (line, column) = loc.at(code.span());
                return Err(SchemeError::DuplicateCode {
                    line,
                    column,
                    code: code.get_ref().clone(),
                    first_line: loc.at(prev.clone()).0,
                });
            }
            first.insert(code.get_ref().clone(), code.span());
            Ok(())
        };
        let weight_ok = |code: &str, weight: &Spanned<f64>| -> Result<f64, SchemeError> {
            let w = *weight.get_ref();
            if w.is_finite() && w >= 0.0 {
                Ok(w)
            } else {
                let (line, column) = loc.at(weight.span());
                Err(SchemeError::NegativeWeight {
                    line,
                    column,
                    node: code.to_string(),
                    weight: w,
                })
            }
        };
        for d in file.dimensions {
            note_code(&d.code)?;
            let weight = weight_ok(d.code.get_ref(), &d.weight)?;
            pending.push(Pending {
                span: d.code.span(),
                code: d.code.into_inner(),
                parent: d.parent,
                zh: d.zh,
                en: d.en,
                weight,
                kind: NodeKind::Group {
                    aggregation: d.aggregation.unwrap_or(aggregation),
                },
            });
        }
        let dimensions = pending.len();
        for i in file.indicators {
            note_code(&i.code)?;
            let code = i.code.get_ref().clone();
            let weight = weight_ok(&code, &i.weight)?;
            let entered = i.entered.as_ref().is_some_and(|e| *e.get_ref());
            let source_kind = match (&i.indicator, entered) {
                (Some(ind), true) => {
                    let (line, column) = loc.at(ind.span());
                    return Err(SchemeError::TwoSources {
                        line,
                        column,
                        indicator: code,
                    });
                }
                (None, false) => {
                    let (line, column) = loc.at(i.code.span());
                    return Err(SchemeError::NoSource {
                        line,
                        column,
                        indicator: code,
                    });
                }
                (Some(ind), false) => {
                    if !is_indicator(ind.get_ref()) {
                        let (line, column) = loc.at(ind.span());
                        return Err(SchemeError::UnknownIndicator {
                            line,
                            column,
                            indicator: code,
                            code: ind.get_ref().clone(),
                        });
                    }
                    Source::Monitoring(ind.get_ref().clone())
                }
                (None, true) => Source::Entered,
            };
            if let Some(den) = &i.denominator
                && !is_statistic(den.get_ref())
            {
                let (line, column) = loc.at(den.span());
                return Err(SchemeError::UnknownStatistic {
                    line,
                    column,
                    indicator: code,
                    code: den.get_ref().clone(),
                });
            }
            let method = check_method(&code, i.method, &loc)?;
            pending.push(Pending {
                span: i.code.span(),
                code,
                parent: i.parent,
                zh: i.zh,
                en: i.en,
                weight,
                kind: NodeKind::Indicator(IndicatorSpec {
                    source: source_kind,
                    direction: i.direction,
                    method,
                    denominator: i.denominator.map(Spanned::into_inner),
                    imputation: i.imputation,
                }),
            });
        }
        if pending.len() == dimensions {
            return Err(SchemeError::NoIndicators { line: 1, column: 1 });
        }

        let (nodes, roots) = build_tree(pending, &loc)?;

        let mut adjustments = Vec::with_capacity(file.adjustments.len());
        for a in file.adjustments {
            note_code(&a.code)?;
            let bad = |span: Range<usize>| {
                let (line, column) = loc.at(span);
                SchemeError::BadPoints {
                    line,
                    column,
                    item: a.code.get_ref().clone(),
                }
            };
            let points = *a.points.get_ref();
            if !(points.is_finite() && points >= 0.0) {
                return Err(bad(a.points.span()));
            }
            if let Some(cap) = &a.cap
                && !(cap.get_ref().is_finite() && *cap.get_ref() >= 0.0)
            {
                return Err(bad(cap.span()));
            }
            adjustments.push(Adjustment {
                code: a.code.get_ref().clone(),
                zh: a.zh,
                en: a.en,
                kind: a.kind,
                points,
                fixed: a.fixed,
                cap: a.cap.map(Spanned::into_inner),
            });
        }
        let total_cap =
            |cap: Option<Spanned<f64>>, item: &str| -> Result<Option<f64>, SchemeError> {
                match cap {
                    Some(c) if !(c.get_ref().is_finite() && *c.get_ref() >= 0.0) => {
                        let (line, column) = loc.at(c.span());
                        Err(SchemeError::BadPoints {
                            line,
                            column,
                            item: item.to_string(),
                        })
                    }
                    c => Ok(c.map(Spanned::into_inner)),
                }
            };
        let bonus_cap = total_cap(file.bonus_cap, "bonus_cap")?;
        let penalty_cap = total_cap(file.penalty_cap, "penalty_cap")?;

        let availability = match file.availability {
            None => DEFAULT_AVAILABILITY,
            Some(a) => {
                let v = *a.get_ref();
                if !(v.is_finite() && v > 0.0 && v <= 1.0) {
                    let (line, column) = loc.at(a.span());
                    return Err(SchemeError::Treatment {
                        line,
                        column,
                        message: format!(
                            "the data availability threshold is a share above 0 and at most 1, got {v}"
                        ),
                    });
                }
                v
            }
        };
        let outliers = match file.outliers {
            None => None,
            Some(o) => {
                if let Err(e) = o.get_ref().check() {
                    let (line, column) = loc.at(o.span());
                    return Err(SchemeError::Treatment {
                        line,
                        column,
                        message: e.to_string(),
                    });
                }
                Some(o.into_inner())
            }
        };

        let mut vetoes = Vec::with_capacity(file.vetoes.len());
        for v in file.vetoes {
            note_code(&v.code)?;
            vetoes.push(Veto {
                code: v.code.into_inner(),
                zh: v.zh,
                en: v.en,
            });
        }

        let grades = check_grades(file.grades, &loc, &code_ok)?;

        let mut consequences = Vec::with_capacity(file.consequences.len());
        for c in file.consequences {
            note_code(&c.code)?;
            if grades.index(c.grade.get_ref()).is_none() {
                let (line, column) = loc.at(c.grade.span());
                return Err(SchemeError::UnknownGrade {
                    line,
                    column,
                    code: c.grade.get_ref().clone(),
                });
            }
            if *c.consecutive.get_ref() == 0 {
                let (line, column) = loc.at(c.consecutive.span());
                return Err(SchemeError::BadConsecutive {
                    line,
                    column,
                    code: c.code.get_ref().clone(),
                });
            }
            consequences.push(ConsequenceRule {
                code: c.code.into_inner(),
                zh: c.zh,
                en: c.en,
                grade: c.grade.into_inner(),
                consecutive: c.consecutive.into_inner(),
            });
        }

        let base_year = match file.base_year {
            None => None,
            Some(year) => {
                let (line, column) = loc.at(year.span());
                let year = year.into_inner();
                if !(1949..=2200).contains(&year) {
                    return Err(SchemeError::BaseYear { line, column, year });
                }
                Some(year)
            }
        };
        Ok(Scheme {
            code: file.code.into_inner(),
            version: file.version.into_inner(),
            name_zh: file.name_zh,
            name_en: file.name_en,
            aggregation,
            nodes,
            roots,
            adjustments,
            base_year,
            bonus_cap,
            penalty_cap,
            availability,
            outliers,
            vetoes,
            grades,
            consequences,
            source: source.to_string(),
        })
    }

    pub fn name(&self, english: bool) -> &str {
        if english {
            &self.name_en
        } else {
            &self.name_zh
        }
    }

    pub fn node(&self, code: &str) -> Option<(usize, &Node)> {
        self.nodes.iter().enumerate().find(|(_, n)| n.code == code)
    }

    /// The leaves, in tree order.
    pub fn indicators(&self) -> impl Iterator<Item = (usize, &Node)> {
        self.nodes
            .iter()
            .enumerate()
            .filter(|(_, n)| n.is_indicator())
    }

    /// Each node's share of the whole (its effective weight), indexed like `nodes`: the
    /// product, down the path from the top, of each node's weight over the sum of its
    /// siblings' weights. The leaves' shares add up to 1, and so do the top-level nodes'.
    pub fn effective_weights(&self) -> Vec<f64> {
        let mut out = vec![0.0; self.nodes.len()];
        let share = |siblings: &[usize], i: usize| {
            let total: f64 = siblings.iter().map(|&s| self.nodes[s].weight).sum();
            self.nodes[i].weight / total
        };
        for &r in &self.roots {
            out[r] = share(&self.roots, r);
        }
        // Parents come before their children in `nodes`.
        for i in 0..self.nodes.len() {
            for &c in &self.nodes[i].children {
                out[c] = out[i] * share(&self.nodes[i].children, c);
            }
        }
        out
    }

    /// The bonus and penalty items applied to a score: `occurrences[i]` is how many times
    /// `adjustments[i]` happened.
    pub fn adjust(&self, score: f64, occurrences: &[u32]) -> Adjusted {
        adjust(
            score,
            &self.adjustments,
            occurrences,
            self.bonus_cap,
            self.penalty_cap,
        )
    }
}

/// Reads an indicator's method and checks its parameters, located at the method's table.
fn check_method(
    code: &str,
    method: Spanned<toml::Value>,
    loc: &Locator<'_>,
) -> Result<Method, SchemeError> {
    let (line, column) = loc.at(method.span());
    let error = |message: String| SchemeError::Method {
        line,
        column,
        indicator: code.to_string(),
        message,
    };
    let method: Method = method
        .into_inner()
        .try_into()
        .map_err(|e: toml::de::Error| error(e.message().to_string()))?;
    method
        .check()
        .map_err(|error| SchemeError::MethodParameter {
            line,
            column,
            indicator: code.to_string(),
            error,
        })?;
    Ok(method)
}

/// Links each node to its parent, refuses what is not a tree, and orders the nodes so
/// that each parent precedes its subtree.
fn build_tree(
    pending: Vec<Pending>,
    loc: &Locator<'_>,
) -> Result<(Vec<Node>, Vec<usize>), SchemeError> {
    let index: HashMap<&str, usize> = pending
        .iter()
        .enumerate()
        .map(|(i, p)| (p.code.as_str(), i))
        .collect();
    let mut parent_of: Vec<Option<usize>> = Vec::with_capacity(pending.len());
    for p in &pending {
        parent_of.push(match &p.parent {
            None => None,
            Some(name) => {
                let (line, column) = loc.at(name.span());
                match index.get(name.get_ref().as_str()) {
                    None => {
                        return Err(SchemeError::UnknownParent {
                            line,
                            column,
                            node: p.code.clone(),
                            parent: name.get_ref().clone(),
                        });
                    }
                    Some(&q) if matches!(pending[q].kind, NodeKind::Indicator(_)) => {
                        return Err(SchemeError::IndicatorWithChildren {
                            line,
                            column,
                            node: p.code.clone(),
                            parent: name.get_ref().clone(),
                        });
                    }
                    Some(&q) => Some(q),
                }
            }
        });
    }
    // A cycle: following parents from a node comes back to it. A node that only leads
    // into a cycle is not reported; the first node of the cycle itself is.
    for (i, p) in pending.iter().enumerate() {
        let mut at = parent_of[i];
        let mut steps = 0;
        while let Some(q) = at {
            if q == i {
                let (line, column) = loc.at(p.span.clone());
                return Err(SchemeError::Cycle {
                    line,
                    column,
                    code: p.code.clone(),
                });
            }
            steps += 1;
            if steps > pending.len() {
                break;
            }
            at = parent_of[q];
        }
    }
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); pending.len()];
    let mut roots = Vec::new();
    for (i, parent) in parent_of.iter().enumerate() {
        match parent {
            Some(q) => children[*q].push(i),
            None => roots.push(i),
        }
    }
    for (i, p) in pending.iter().enumerate() {
        if matches!(p.kind, NodeKind::Group { .. }) && children[i].is_empty() {
            let (line, column) = loc.at(p.span.clone());
            return Err(SchemeError::EmptyDimension {
                line,
                column,
                code: p.code.clone(),
            });
        }
    }
    let zero = |group: &[usize]| group.iter().all(|&c| pending[c].weight == 0.0);
    if zero(&roots) {
        return Err(SchemeError::ZeroWeights {
            line: 1,
            column: 1,
            group: None,
        });
    }
    for (i, p) in pending.iter().enumerate() {
        if !children[i].is_empty() && zero(&children[i]) {
            let (line, column) = loc.at(p.span.clone());
            return Err(SchemeError::ZeroWeights {
                line,
                column,
                group: Some(p.code.clone()),
            });
        }
    }

    // Depth-first, siblings in the order written.
    let mut order = Vec::with_capacity(pending.len());
    let mut depth = vec![0; pending.len()];
    let mut stack: Vec<usize> = roots.iter().rev().copied().collect();
    while let Some(i) = stack.pop() {
        order.push(i);
        for &c in children[i].iter().rev() {
            depth[c] = depth[i] + 1;
            stack.push(c);
        }
    }
    let mut new_index = vec![0; pending.len()];
    for (new, &old) in order.iter().enumerate() {
        new_index[old] = new;
    }
    let mut slots: Vec<Option<Pending>> = pending.into_iter().map(Some).collect();
    let nodes = order
        .iter()
        .map(|&old| {
            let p = slots[old].take().expect("each node is placed once");
            Node {
                code: p.code,
                zh: p.zh,
                en: p.en,
                weight: p.weight,
                parent: parent_of[old].map(|q| new_index[q]),
                children: children[old].iter().map(|&c| new_index[c]).collect(),
                depth: depth[old],
                kind: p.kind,
            }
        })
        .collect();
    let roots = roots.iter().map(|&r| new_index[r]).collect();
    Ok((nodes, roots))
}

fn check_grades(
    entries: Vec<BandEntry>,
    loc: &Locator<'_>,
    code_ok: &dyn Fn(&Spanned<String>) -> Result<(), SchemeError>,
) -> Result<Grades, SchemeError> {
    if entries.is_empty() {
        return Err(SchemeError::NoGrades { line: 1, column: 1 });
    }
    let by_share = entries.iter().any(|b| b.share.is_some());
    let mut seen: HashMap<String, Range<usize>> = HashMap::new();
    let mut bands = Vec::with_capacity(entries.len());
    let mut previous_min: Option<f64> = None;
    let mut total_share = 0.0;
    let mut rest_bands = 0;
    let last = entries.len() - 1;
    for (k, b) in entries.into_iter().enumerate() {
        code_ok(&b.code)?;
        let code = b.code.get_ref().clone();
        let (line, column) = loc.at(b.code.span());
        if let Some(prev) = seen.get(&code) {
            return Err(SchemeError::DuplicateCode {
                line,
                column,
                code,
                first_line: loc.at(prev.clone()).0,
            });
        }
        seen.insert(code.clone(), b.code.span());
        let rule = if by_share {
            if let Some(min) = &b.min {
                let (line, column) = loc.at(min.span());
                return Err(SchemeError::MixedBands {
                    line,
                    column,
                    band: code,
                });
            }
            match &b.share {
                Some(share) => {
                    let s = *share.get_ref();
                    if !(s.is_finite() && s > 0.0 && s <= 100.0) {
                        let (line, column) = loc.at(share.span());
                        return Err(SchemeError::BadShare {
                            line,
                            column,
                            band: code,
                        });
                    }
                    total_share += s;
                    if total_share > 100.0 + 1e-9 {
                        let (line, column) = loc.at(share.span());
                        return Err(SchemeError::SharesOverHundred {
                            line,
                            column,
                            total: total_share,
                        });
                    }
                    BandRule::Share(s)
                }
                None => {
                    rest_bands += 1;
                    if rest_bands > 1 {
                        return Err(SchemeError::RestBand {
                            line,
                            column,
                            band: code,
                        });
                    }
                    BandRule::Rest
                }
            }
        } else {
            match (&b.min, k == last) {
                (Some(min), false) => {
                    let m = *min.get_ref();
                    if !m.is_finite() || previous_min.is_some_and(|p| m >= p) {
                        let (line, column) = loc.at(min.span());
                        return Err(SchemeError::BandsNotOrdered {
                            line,
                            column,
                            band: code,
                        });
                    }
                    previous_min = Some(m);
                    BandRule::Min(m)
                }
                (None, true) => BandRule::Rest,
                (Some(min), true) => {
                    let (line, column) = loc.at(min.span());
                    return Err(SchemeError::RestBand {
                        line,
                        column,
                        band: code,
                    });
                }
                (None, false) => {
                    return Err(SchemeError::RestBand {
                        line,
                        column,
                        band: code,
                    });
                }
            }
        };
        bands.push(Band {
            code,
            zh: b.zh,
            en: b.en,
            rule,
        });
    }
    if by_share && rest_bands == 0 {
        // Every band has a share: the last one must then take what is left.
        let (line, column) = (1, 1);
        return Err(SchemeError::RestBand {
            line,
            column,
            band: bands[last].code.clone(),
        });
    }
    Ok(Grades { bands })
}

// ------------------------------------------------------------ grading and consequences

/// The band a score falls in, by score: the first band (best first) whose minimum the
/// score reaches (a score equal to the minimum is in the band), else the last band. A veto
/// gives the last band whatever the score. Bands by share cannot grade one score alone:
/// without a veto they give `None` (use `grades_by_share`).
pub fn grade(score: f64, veto_hit: bool, grades: &Grades) -> Option<usize> {
    let lowest = grades.lowest();
    if veto_hit {
        return Some(lowest);
    }
    if grades.by_share() {
        return None;
    }
    Some(
        grades
            .bands
            .iter()
            .position(|b| match b.rule {
                BandRule::Min(min) => score >= min,
                BandRule::Rest => true,
                BandRule::Share(_) => false,
            })
            .unwrap_or(lowest),
    )
}

/// The number of places a share (in percent) of `n` units gives: `share × n / 100`
/// rounded half away from zero (四舍五入, as monitoring's figures are), so 5 % of 10 units
/// is 0.5, one place, and 20 % of 10 is two.
pub fn places(share: f64, n: usize) -> usize {
    (share * n as f64 / 100.0).round() as usize
}

/// Grades a list of units by share. `scores[i]` is unit i's score; a unit with
/// `vetoed[i]` gets the last band and is left out of the shares, which are of the units
/// graded on their score.
///
/// The bands above the remainder band fill from the top, best first; those below it fill
/// from the bottom, worst first. A band's places are counted cumulatively: with A 20 %
/// and B 30 % at the top of 10 units, A takes places 1-2 and B places 3-5 (round(50 % ×
/// 10) = 5); each cumulative count is rounded as `places` says. A unit's place from the top
/// is one more than the number of units scoring strictly higher (from the bottom: strictly
/// lower), so equal scores always share a grade, and a tie across a boundary takes the
/// better band (the band may then hold more than its share). When a unit is within both a
/// top and a bottom band (very few units, or all tied), the top band wins.
pub fn grades_by_share(scores: &[f64], vetoed: &[bool], grades: &Grades) -> Vec<usize> {
    assert_eq!(scores.len(), vetoed.len());
    let lowest = grades.lowest();
    let rest = grades
        .bands
        .iter()
        .position(|b| b.rule == BandRule::Rest)
        .unwrap_or(lowest);
    let graded: Vec<f64> = scores
        .iter()
        .zip(vetoed)
        .filter(|(_, v)| !**v)
        .map(|(s, _)| *s)
        .collect();
    let n = graded.len();
    let share_of = |b: &Band| match b.rule {
        BandRule::Share(s) => s,
        _ => 0.0,
    };
    // Cumulative places of the top bands (0..rest) and of the bottom bands (from the last
    // band up to rest+1).
    let mut top = Vec::new();
    let mut cumulative = 0.0;
    for b in &grades.bands[..rest] {
        cumulative += share_of(b);
        top.push(places(cumulative, n));
    }
    let mut bottom = Vec::new(); // bottom[0] is the last band
    cumulative = 0.0;
    for b in grades.bands[rest + 1..].iter().rev() {
        cumulative += share_of(b);
        bottom.push(places(cumulative, n));
    }
    scores
        .iter()
        .zip(vetoed)
        .map(|(&s, &v)| {
            if v {
                return lowest;
            }
            let from_top = graded.iter().filter(|&&o| o > s).count() + 1;
            if let Some(k) = top.iter().position(|&p| from_top <= p) {
                return k;
            }
            let from_bottom = graded.iter().filter(|&&o| o < s).count() + 1;
            if let Some(k) = bottom.iter().position(|&p| from_bottom <= p) {
                return lowest - k;
            }
            rest
        })
        .collect()
}

/// A score after the bonus and penalty items.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Adjusted {
    /// Points added, after the items' caps and the total bonus cap.
    pub bonus: f64,
    /// Points taken, after the items' caps and the total penalty cap.
    pub penalty: f64,
    /// score + bonus − penalty, not below 0 (there is no ceiling: bonus points can take a
    /// score past 100).
    pub score: f64,
}

/// Applies bonus and penalty items: each item gives `points × occurrences` (or `points`
/// once if it is fixed and occurred at all), at most its cap; the bonuses together at most
/// `bonus_cap`, the penalties at most `penalty_cap`. `occurrences[i]` is for `items[i]`.
pub fn adjust(
    score: f64,
    items: &[Adjustment],
    occurrences: &[u32],
    bonus_cap: Option<f64>,
    penalty_cap: Option<f64>,
) -> Adjusted {
    assert_eq!(items.len(), occurrences.len());
    let mut bonus = 0.0;
    let mut penalty = 0.0;
    for (item, &n) in items.iter().zip(occurrences) {
        let raw = if item.fixed {
            if n > 0 { item.points } else { 0.0 }
        } else {
            item.points * f64::from(n)
        };
        let points = item.cap.map_or(raw, |cap| raw.min(cap));
        match item.kind {
            AdjustmentKind::Bonus => bonus += points,
            AdjustmentKind::Penalty => penalty += points,
        }
    }
    let bonus = bonus_cap.map_or(bonus, |cap| bonus.min(cap));
    let penalty = penalty_cap.map_or(penalty, |cap| penalty.min(cap));
    Adjusted {
        bonus,
        penalty,
        score: (score + bonus - penalty).max(0.0),
    }
}

/// A consequence that falls on a unit in a year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flag {
    pub year: i32,
    /// The consequence rule's code.
    pub rule: String,
}

/// The consequences of a unit's grades over the years (`history`: year and grade code,
/// one grade a year, in any order). A rule with `consecutive = n` flags a year when that
/// year and the n − 1 calendar years before it all have the rule's grade: "连续2年考核不合格
/// 的 … 按程序撤销" (seed 002, line 73) reads as two evaluations in successive years, so a
/// year without an evaluation breaks the run. Three unqualified years in a row flag the
/// second and the third. Flags come in year order, then in the order of the rules.
pub fn consequences(history: &[(i32, &str)], rules: &[ConsequenceRule]) -> Vec<Flag> {
    let grade_in: HashMap<i32, &str> = history.iter().copied().collect();
    let mut years: Vec<i32> = grade_in.keys().copied().collect();
    years.sort_unstable();
    let mut flags = Vec::new();
    for &year in &years {
        for rule in rules {
            let n = rule.consecutive as i32;
            if (0..n).all(|back| grade_in.get(&(year - back)) == Some(&rule.grade.as_str())) {
                flags.push(Flag {
                    year,
                    rule: rule.code.clone(),
                });
            }
        }
    }
    flags
}

#[cfg(test)]
mod tests;
