//! The ladder file: tiers and their criteria, checked against a form.

use std::collections::HashMap;
use std::ops::Range;

use serde::Deserialize;
use thiserror::Error;
use toml::Spanned;

use crate::expr::{ExprError, Formula, Frame, Span, Vocabulary, nearest};
use crate::monitoring::QuantityUnit;
use crate::registry::Tier;
use crate::reporting::Form;

/// The registry facts a criterion may read besides the form's fields, in slot order
/// after the fields: `industry_division` is a number, the others are flags.
pub(crate) const INDUSTRY_DIVISION: &str = "industry_division";
pub(crate) const FLAGS: [&str; 2] = ["above_scale", "in_high_tech_field"];

/// The most definitions a ladder may have (their values are kept on the stack while an
/// enterprise is checked).
pub(crate) const MAX_DEFINITIONS: usize = 32;

/// The most years a recognition may be valid for.
const MAX_VALID_YEARS: i64 = 10;

/// A checked ladder of tiers, compiled against one form.
#[derive(Debug, Clone)]
pub struct TierSet {
    pub version: u32,
    /// The file as written.
    pub source: String,
    /// The form whose fields the criteria read, and its version.
    pub form_code: String,
    pub form_version: u32,
    /// Named formulas the criteria share, in the order of the file.
    pub definitions: Vec<Definition>,
    /// In the order of the file.
    pub tiers: Vec<TierDefinition>,
    /// Every slot's name: the form's fields, the registry facts, the definitions.
    pub(crate) names: Vec<String>,
    /// Every slot's label in Chinese and English.
    pub(crate) labels: Vec<(String, String)>,
    /// Whether a slot's value must be there (a required form field or a registry fact):
    /// a rule left undecided names these first.
    pub(crate) required: Vec<bool>,
    /// The first registry fact's slot (the form's field count).
    pub(crate) base: usize,
    /// The first definition's slot.
    pub(crate) defs_base: usize,
}

/// A named number formula the criteria read like a field: `rd_3y` in a rule, and
/// `prev_year(rd_3y)` for the same formula a year earlier (every value it reads shifted
/// back a year). A definition reads the fields, the registry facts and the definitions
/// above it.
#[derive(Debug, Clone)]
pub struct Definition {
    pub code: String,
    pub zh: String,
    pub en: String,
    pub formula: Formula,
}

#[derive(Debug, Clone)]
pub struct TierDefinition {
    pub tier: Tier,
    /// Position in the ladder, from 1 at the bottom.
    pub level: u32,
    pub zh: String,
    pub en: String,
    /// Who recognises it (科技部, 工信部, the province, the zone …).
    pub authority: String,
    /// How long a recognition is valid; `None`: no expiry.
    pub valid_years: Option<u32>,
    /// Tiers an enterprise must hold to be recognised in this one.
    pub requires: Vec<Tier>,
    pub criteria: Vec<Criterion>,
}

#[derive(Debug, Clone)]
pub struct Criterion {
    pub code: String,
    pub zh: String,
    pub en: String,
    /// The document and article the criterion comes from.
    pub basis: String,
    /// What a reviewer checks (required for a qualitative criterion), or a note on how
    /// the form's data stand in for the criterion's.
    pub description: Option<String>,
    pub test: Test,
}

#[derive(Debug, Clone)]
pub enum Test {
    /// Decided by a review, never by the data.
    Qualitative,
    Quantitative(Box<Quantitative>),
}

#[derive(Debug, Clone)]
pub struct Quantitative {
    pub rule: Formula,
    /// The rule is computed on a lower bound of what the criterion counts: met is met,
    /// a miss is unconfirmed.
    pub confirm_only: bool,
    pub measure: Option<Formula>,
    pub threshold: Option<Formula>,
    /// The unit of measure and threshold.
    pub unit: Option<QuantityUnit>,
    pub shortfall: Option<Formula>,
    pub shortfall_unit: Option<QuantityUnit>,
}

/// Which formula of a criterion an error is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CriterionPart {
    /// A shared definition's formula.
    Definition,
    Rule,
    Measure,
    Threshold,
    Shortfall,
}

impl CriterionPart {
    pub fn code(self) -> &'static str {
        match self {
            CriterionPart::Definition => "formula",
            CriterionPart::Rule => "rule",
            CriterionPart::Measure => "measure",
            CriterionPart::Threshold => "threshold",
            CriterionPart::Shortfall => "shortfall",
        }
    }
}

/// A problem in a ladder file. Every variant says where: `line` and `column` from 1,
/// the column in characters; inside a formula, at the character that is wrong.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum TierError {
    /// Not valid TOML, or an entry of the wrong shape (an unknown key, a missing key).
    #[error("line {line}, column {column}: {message}")]
    Syntax {
        line: usize,
        column: usize,
        message: String,
    },
    #[error("line {line}, column {column}: the version must be 1 or more")]
    BadVersion { line: usize, column: usize },
    #[error("line {line}, column {column}: the ladder has no tiers")]
    NoTiers { line: usize, column: usize },
    #[error("line {line}, column {column}: {code:?} is not a tier")]
    UnknownTier {
        line: usize,
        column: usize,
        code: String,
        suggestion: Option<String>,
    },
    #[error(
        "line {line}, column {column}: tier {code:?} is defined twice (first on line {first_line})"
    )]
    DuplicateTier {
        line: usize,
        column: usize,
        code: String,
        first_line: usize,
    },
    #[error(
        "line {line}, column {column}: valid_years {value} is not 0 (no expiry) to {MAX_VALID_YEARS}"
    )]
    BadValidYears {
        line: usize,
        column: usize,
        value: i64,
    },
    #[error(
        "line {line}, column {column}: tier {tier:?} requires {code:?}, which is not a tier of the ladder"
    )]
    UnknownRequirement {
        line: usize,
        column: usize,
        tier: String,
        code: String,
    },
    #[error(
        "line {line}, column {column}: the code {code:?} must be lower-case letters, digits and _"
    )]
    BadCode {
        line: usize,
        column: usize,
        code: String,
    },
    #[error(
        "line {line}, column {column}: criterion {code:?} is defined twice in tier {tier:?} (first on line {first_line})"
    )]
    DuplicateCriterion {
        line: usize,
        column: usize,
        tier: String,
        code: String,
        first_line: usize,
    },
    #[error(
        "line {line}, column {column}: criterion {criterion:?} has neither a rule nor qualitative = true"
    )]
    NoTest {
        line: usize,
        column: usize,
        criterion: String,
    },
    #[error(
        "line {line}, column {column}: criterion {criterion:?} is qualitative and cannot have a rule, measure, threshold or shortfall"
    )]
    QualitativeWithRule {
        line: usize,
        column: usize,
        criterion: String,
    },
    #[error(
        "line {line}, column {column}: qualitative criterion {criterion:?} needs a description of what is reviewed"
    )]
    NoDescription {
        line: usize,
        column: usize,
        criterion: String,
    },
    #[error(
        "line {line}, column {column}: {code:?} is already the name of a field, registry fact or definition"
    )]
    DuplicateName {
        line: usize,
        column: usize,
        code: String,
    },
    #[error("line {line}, column {column}: a ladder has at most {MAX_DEFINITIONS} definitions")]
    TooManyDefinitions { line: usize, column: usize },
    #[error("line {line}, column {column}: {unit:?} is not a unit")]
    UnknownUnit {
        line: usize,
        column: usize,
        unit: String,
    },
    /// A formula that does not compile; for a definition `tier` is empty and
    /// `criterion` is the definition's code.
    #[error("line {line}, column {column}: {criterion:?}, {}: {error}", part.code())]
    Formula {
        line: usize,
        column: usize,
        tier: String,
        criterion: String,
        part: CriterionPart,
        formula: String,
        error: Box<ExprError>,
    },
}

impl TierError {
    /// Line and column (from 1) of the problem in the file.
    pub fn location(&self) -> (usize, usize) {
        use TierError::*;
        match self {
            Syntax { line, column, .. }
            | BadVersion { line, column }
            | NoTiers { line, column }
            | UnknownTier { line, column, .. }
            | DuplicateTier { line, column, .. }
            | BadValidYears { line, column, .. }
            | UnknownRequirement { line, column, .. }
            | BadCode { line, column, .. }
            | DuplicateCriterion { line, column, .. }
            | NoTest { line, column, .. }
            | QualitativeWithRule { line, column, .. }
            | NoDescription { line, column, .. }
            | UnknownUnit { line, column, .. }
            | DuplicateName { line, column, .. }
            | TooManyDefinitions { line, column }
            | Formula { line, column, .. } => (*line, *column),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LadderFile {
    version: Spanned<u32>,
    #[serde(default)]
    definitions: Vec<DefinitionEntry>,
    #[serde(default)]
    tiers: Vec<TierEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DefinitionEntry {
    code: Spanned<String>,
    zh: String,
    en: String,
    formula: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TierEntry {
    tier: Spanned<String>,
    level: u32,
    zh: String,
    en: String,
    authority: String,
    valid_years: Option<Spanned<i64>>,
    #[serde(default)]
    requires: Vec<Spanned<String>>,
    #[serde(default)]
    criteria: Vec<CriterionEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CriterionEntry {
    code: Spanned<String>,
    zh: String,
    en: String,
    basis: String,
    description: Option<String>,
    rule: Option<Spanned<String>>,
    qualitative: Option<Spanned<bool>>,
    #[serde(default)]
    confirm_only: bool,
    measure: Option<Spanned<String>>,
    threshold: Option<Spanned<String>>,
    unit: Option<Spanned<String>>,
    shortfall: Option<Spanned<String>>,
    shortfall_unit: Option<Spanned<String>>,
}

/// What a criterion may read: the form's fields in the year checked and the two
/// before, and the registry facts in the year checked.
struct LadderVocabulary<'a> {
    form: &'a Form,
    names: &'a [String],
    base: usize,
    defs_base: usize,
    /// How many definitions may be read (those above the formula being compiled).
    defined: usize,
}

impl Vocabulary for LadderVocabulary<'_> {
    fn field(&self, name: &str) -> Option<usize> {
        self.form
            .field_index(name)
            .or_else(|| (name == INDUSTRY_DIVISION).then_some(self.base))
            .or_else(|| {
                self.names[self.defs_base..self.defs_base + self.defined]
                    .iter()
                    .position(|n| n == name)
                    .map(|i| self.defs_base + i)
            })
    }

    fn field_names(&self) -> Vec<&str> {
        self.names[..self.defs_base + self.defined]
            .iter()
            .map(String::as_str)
            .collect()
    }

    fn has_frame(&self, frame: Frame) -> bool {
        frame != Frame::PreviousPeriod
    }

    fn flag(&self, name: &str) -> Option<usize> {
        self.names[self.base + 1..self.defs_base]
            .iter()
            .position(|n| n == name)
            .map(|i| self.base + 1 + i)
    }
}

fn is_code(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && s.starts_with(|c: char| c.is_ascii_lowercase())
}

/// Line and column (from 1; the column in characters) of a byte offset.
fn line_column(source: &str, offset: usize) -> (usize, usize) {
    Span::new(offset, offset).line_column(source)
}

/// Where a formula's character `at` is in the file: inside the TOML string when the
/// string is written without escapes, else the string's start.
fn formula_location(source: &str, span: Range<usize>, value: &str, at: Span) -> (usize, usize) {
    let raw = source.get(span.clone()).unwrap_or("");
    let mut open = 1;
    if raw.starts_with("\"\"\"") || raw.starts_with("'''") {
        open = 3;
        if raw[3..].starts_with("\r\n") {
            open += 2;
        } else if raw[3..].starts_with('\n') {
            open += 1;
        }
    }
    let start = span.start + open;
    if source.get(start..start + value.len()) == Some(value) {
        line_column(source, start + at.start)
    } else {
        line_column(source, span.start)
    }
}

impl TierSet {
    /// Parses and checks a ladder file; its criteria read the fields of `form`.
    pub fn parse(source: &str, form: &Form) -> Result<TierSet, TierError> {
        let file: LadderFile = toml::from_str(source).map_err(|e| {
            let (line, column) = e
                .span()
                .map(|span| line_column(source, span.start))
                .unwrap_or((1, 1));
            TierError::Syntax {
                line,
                column,
                message: e.message().to_string(),
            }
        })?;
        let at = |span: Range<usize>| line_column(source, span.start);
        if *file.version.get_ref() == 0 {
            let (line, column) = at(file.version.span());
            return Err(TierError::BadVersion { line, column });
        }
        if file.tiers.is_empty() {
            return Err(TierError::NoTiers { line: 1, column: 1 });
        }

        let base = form.fields.len();
        let mut names: Vec<String> = form.fields.iter().map(|f| f.code.clone()).collect();
        let mut required: Vec<bool> = form.fields.iter().map(|f| f.required).collect();
        names.push(INDUSTRY_DIVISION.to_string());
        names.extend(FLAGS.iter().map(|f| f.to_string()));
        names.extend(Tier::ALL.iter().map(|t| format!("holds_{}", t.code())));
        required.resize(names.len(), true);
        let mut labels: Vec<(String, String)> = form
            .fields
            .iter()
            .map(|f| (f.zh.clone(), f.en.clone()))
            .collect();
        labels.push(("国民经济行业大类".into(), "industry division".into()));
        labels.push(("规模以上".into(), "above scale".into()));
        labels.push((
            "属于国家重点支持的高新技术领域".into(),
            "in a high-tech field".into(),
        ));
        labels.extend(Tier::ALL.iter().map(|t| {
            (
                format!("已认定{}", t.name_zh()),
                format!("holds {}", t.code()),
            )
        }));
        let defs_base = names.len();
        for (i, d) in file.definitions.iter().enumerate() {
            let code = d.code.get_ref();
            let (line, column) = at(d.code.span());
            if i >= MAX_DEFINITIONS {
                return Err(TierError::TooManyDefinitions { line, column });
            }
            if !is_code(code) {
                return Err(TierError::BadCode {
                    line,
                    column,
                    code: code.clone(),
                });
            }
            if names.contains(code) {
                return Err(TierError::DuplicateName {
                    line,
                    column,
                    code: code.clone(),
                });
            }
            names.push(code.clone());
            labels.push((d.zh.clone(), d.en.clone()));
            // A definition's value is computed: what it reads is named when missing.
            required.push(false);
        }
        let mut definitions = Vec::with_capacity(file.definitions.len());
        for (i, d) in file.definitions.into_iter().enumerate() {
            let vocabulary = LadderVocabulary {
                form,
                names: &names,
                base,
                defs_base,
                defined: i,
            };
            let formula = Formula::number(d.formula.get_ref(), &vocabulary).map_err(|error| {
                let (line, column) =
                    formula_location(source, d.formula.span(), d.formula.get_ref(), error.span);
                TierError::Formula {
                    line,
                    column,
                    tier: String::new(),
                    criterion: d.code.get_ref().clone(),
                    part: CriterionPart::Definition,
                    formula: d.formula.get_ref().clone(),
                    error: Box::new(error),
                }
            })?;
            definitions.push(Definition {
                code: d.code.into_inner(),
                zh: d.zh,
                en: d.en,
                formula,
            });
        }
        let vocabulary = LadderVocabulary {
            form,
            names: &names,
            base,
            defs_base,
            defined: definitions.len(),
        };

        // Every tier code first, so that `requires` may name a tier further down.
        let mut first: HashMap<Tier, Range<usize>> = HashMap::new();
        let mut codes = Vec::with_capacity(file.tiers.len());
        for entry in &file.tiers {
            let code = entry.tier.get_ref();
            let Some(tier) = Tier::ALL.into_iter().find(|t| t.code() == code) else {
                let (line, column) = at(entry.tier.span());
                let known: Vec<&str> = Tier::ALL.iter().map(|t| t.code()).collect();
                return Err(TierError::UnknownTier {
                    line,
                    column,
                    code: code.clone(),
                    suggestion: nearest(code, &known),
                });
            };
            if let Some(previous) = first.get(&tier) {
                let (line, column) = at(entry.tier.span());
                return Err(TierError::DuplicateTier {
                    line,
                    column,
                    code: code.clone(),
                    first_line: at(previous.clone()).0,
                });
            }
            first.insert(tier, entry.tier.span());
            codes.push(tier);
        }

        let mut tiers = Vec::with_capacity(file.tiers.len());
        for (entry, tier) in file.tiers.into_iter().zip(codes) {
            let valid_years = match &entry.valid_years {
                None => None,
                Some(v) if (0..=MAX_VALID_YEARS).contains(v.get_ref()) => {
                    Some(*v.get_ref() as u32).filter(|&y| y > 0)
                }
                Some(v) => {
                    let (line, column) = at(v.span());
                    return Err(TierError::BadValidYears {
                        line,
                        column,
                        value: *v.get_ref(),
                    });
                }
            };
            let mut requires = Vec::with_capacity(entry.requires.len());
            for r in &entry.requires {
                match Tier::ALL.into_iter().find(|t| t.code() == r.get_ref()) {
                    Some(t) if t != tier && first.contains_key(&t) => requires.push(t),
                    _ => {
                        let (line, column) = at(r.span());
                        return Err(TierError::UnknownRequirement {
                            line,
                            column,
                            tier: tier.code().to_string(),
                            code: r.get_ref().clone(),
                        });
                    }
                }
            }
            let mut seen: HashMap<String, Range<usize>> = HashMap::new();
            let mut criteria = Vec::with_capacity(entry.criteria.len());
            for c in entry.criteria {
                let code = c.code.get_ref().clone();
                let (line, column) = at(c.code.span());
                if !is_code(&code) {
                    return Err(TierError::BadCode { line, column, code });
                }
                if let Some(previous) = seen.get(&code) {
                    return Err(TierError::DuplicateCriterion {
                        line,
                        column,
                        tier: tier.code().to_string(),
                        code,
                        first_line: at(previous.clone()).0,
                    });
                }
                seen.insert(code.clone(), c.code.span());
                let qualitative = c.qualitative.as_ref().is_some_and(|q| *q.get_ref());
                let test = if qualitative {
                    let numbers = [&c.rule, &c.measure, &c.threshold, &c.shortfall];
                    if let Some(extra) = numbers.into_iter().flatten().next() {
                        let (line, column) = at(extra.span());
                        return Err(TierError::QualitativeWithRule {
                            line,
                            column,
                            criterion: code,
                        });
                    }
                    if c.description.as_deref().is_none_or(|d| d.trim().is_empty()) {
                        return Err(TierError::NoDescription {
                            line,
                            column,
                            criterion: code,
                        });
                    }
                    Test::Qualitative
                } else {
                    let Some(rule) = &c.rule else {
                        return Err(TierError::NoTest {
                            line,
                            column,
                            criterion: code,
                        });
                    };
                    let compile = |text: &Spanned<String>,
                                   part: CriterionPart,
                                   condition: bool|
                     -> Result<Formula, TierError> {
                        let compiled = if condition {
                            Formula::condition(text.get_ref(), &vocabulary)
                        } else {
                            Formula::number(text.get_ref(), &vocabulary)
                        };
                        compiled.map_err(|error| {
                            let (line, column) =
                                formula_location(source, text.span(), text.get_ref(), error.span);
                            TierError::Formula {
                                line,
                                column,
                                tier: tier.code().to_string(),
                                criterion: code.clone(),
                                part,
                                formula: text.get_ref().clone(),
                                error: Box::new(error),
                            }
                        })
                    };
                    let optional = |text: &Option<Spanned<String>>, part| {
                        text.as_ref().map(|t| compile(t, part, false)).transpose()
                    };
                    let unit = |text: &Option<Spanned<String>>| match text {
                        None => Ok(None),
                        Some(u) => QuantityUnit::parse(u.get_ref()).map(Some).ok_or_else(|| {
                            let (line, column) = at(u.span());
                            TierError::UnknownUnit {
                                line,
                                column,
                                unit: u.get_ref().clone(),
                            }
                        }),
                    };
                    Test::Quantitative(Box::new(Quantitative {
                        rule: compile(rule, CriterionPart::Rule, true)?,
                        confirm_only: c.confirm_only,
                        measure: optional(&c.measure, CriterionPart::Measure)?,
                        threshold: optional(&c.threshold, CriterionPart::Threshold)?,
                        unit: unit(&c.unit)?,
                        shortfall: optional(&c.shortfall, CriterionPart::Shortfall)?,
                        shortfall_unit: unit(&c.shortfall_unit)?,
                    }))
                };
                criteria.push(Criterion {
                    code,
                    zh: c.zh,
                    en: c.en,
                    basis: c.basis,
                    description: c.description,
                    test,
                });
            }
            tiers.push(TierDefinition {
                tier,
                level: entry.level,
                zh: entry.zh,
                en: entry.en,
                authority: entry.authority,
                valid_years,
                requires,
                criteria,
            });
        }

        Ok(TierSet {
            version: *file.version.get_ref(),
            source: source.to_string(),
            form_code: form.code.clone(),
            form_version: form.version,
            definitions,
            tiers,
            names,
            labels,
            required,
            base,
            defs_base,
        })
    }

    /// The definition of a tier, if the ladder has it.
    pub fn tier(&self, tier: Tier) -> Option<&TierDefinition> {
        self.tiers.iter().find(|t| t.tier == tier)
    }

    /// The name of a slot a criterion reads: a form field's code or a registry fact's.
    pub fn slot_name(&self, slot: usize) -> &str {
        self.names.get(slot).map_or("", String::as_str)
    }

    /// The label of a slot a criterion reads, in Chinese or English.
    pub fn slot_label(&self, slot: usize, english: bool) -> &str {
        self.labels
            .get(slot)
            .map_or("", |(zh, en)| if english { en } else { zh })
    }

    /// Whether a slot is a registry fact rather than a form field or a definition.
    pub fn is_registry_fact(&self, slot: usize) -> bool {
        (self.base..self.defs_base).contains(&slot)
    }
}
