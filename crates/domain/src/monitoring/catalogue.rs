//! The zone's catalogue of indicators and unit statistics: a versioned TOML file, checked
//! as a whole when it is saved (every formula against the forms it reads, the units it
//! declares and the other indicators it names, and no cycle between them).

use std::collections::{BTreeSet, HashMap};

use serde::Deserialize;
use thiserror::Error;

use crate::expr::{ExprError, ExprErrorKind, Span};
use crate::reporting::{Form, Period, PeriodType};

use super::formula::{Names, Shift, Term, UnitCond, UnitNum, lower};
use super::quantity::QuantityUnit;

/// Whether a higher or a lower value is better (energy per GDP is lower-is-better).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Higher,
    Lower,
}

impl Direction {
    pub fn code(self) -> &'static str {
        match self {
            Direction::Higher => "higher",
            Direction::Lower => "lower",
        }
    }
}

/// A value entered per unit and period rather than summed from enterprises
/// (地区生产总值, population, fiscal S&T spending, area).
#[derive(Debug, Clone, PartialEq)]
pub struct Statistic {
    pub code: String,
    pub zh: String,
    pub en: String,
    /// The unit values are entered in.
    pub unit: QuantityUnit,
    /// A unit without a value of its own gets the sum of its children's, when every
    /// child has one (population, area; not a rate).
    pub additive: bool,
    pub description_zh: String,
    pub description_en: String,
}

impl Statistic {
    pub fn name(&self, english: bool) -> &str {
        if english { &self.en } else { &self.zh }
    }
}

/// A named formula with its unit and how to read it.
#[derive(Debug, Clone, PartialEq)]
pub struct Indicator {
    pub code: String,
    pub zh: String,
    pub en: String,
    pub unit: QuantityUnit,
    pub decimals: u8,
    pub direction: Direction,
    /// Index into [`Catalogue::forms`] of the form its sums and counts read.
    pub form: Option<usize>,
    pub formula: String,
    pub description_zh: String,
    pub description_en: String,
    pub source: Option<String>,
    pub(crate) program: UnitNum,
    /// Indicators it names directly.
    pub refers_to: Vec<usize>,
}

impl Indicator {
    pub fn name(&self, english: bool) -> &str {
        if english { &self.en } else { &self.zh }
    }

    pub fn description(&self, english: bool) -> &str {
        if english {
            &self.description_en
        } else {
            &self.description_zh
        }
    }
}

/// A form as the catalogue read it: its code, period type and field codes in the order
/// the catalogue's programs address them.
#[derive(Debug, Clone, PartialEq)]
pub struct CatalogueForm {
    pub code: String,
    pub version: u32,
    pub period_type: PeriodType,
    pub year_to_date: bool,
    pub fields: Vec<String>,
}

/// A checked catalogue.
#[derive(Debug, Clone, PartialEq)]
pub struct Catalogue {
    pub version: u32,
    pub source: String,
    pub forms: Vec<CatalogueForm>,
    pub statistics: Vec<Statistic>,
    pub indicators: Vec<Indicator>,
    pub terms: Vec<Term>,
    /// Indicators in an order where each comes after the ones it names.
    pub(crate) order: Vec<usize>,
}

#[derive(Debug, Clone, PartialEq, Error)]
pub enum CatalogueError {
    /// Not valid TOML, or an entry of the wrong shape (line and column from 1).
    #[error("line {line}, column {column}: {message}")]
    Syntax {
        line: usize,
        column: usize,
        message: String,
    },
    #[error("the version must be 1 or more")]
    BadVersion,
    #[error("{0:?} is not a valid code: lower-case letters, digits and _")]
    BadCode(String),
    #[error("{0:?} is defined twice")]
    DuplicateCode(String),
    #[error("{entry:?} has the unknown unit {unit:?}")]
    UnknownUnit { entry: String, unit: String },
    #[error("indicator {indicator:?} reads the form {form:?}, which is not installed")]
    UnknownForm { indicator: String, form: String },
    #[error("indicator {indicator:?} asks for {decimals} decimals; at most 6")]
    BadDecimals { indicator: String, decimals: u8 },
    #[error("indicator {indicator:?}: {error}")]
    Formula {
        indicator: String,
        formula: String,
        error: ExprError,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CatalogueFile {
    version: u32,
    #[serde(default)]
    statistics: Vec<StatisticEntry>,
    #[serde(default)]
    indicators: Vec<IndicatorEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StatisticEntry {
    code: String,
    zh: String,
    en: String,
    unit: String,
    #[serde(default)]
    additive: bool,
    #[serde(default)]
    description_zh: String,
    #[serde(default)]
    description_en: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct IndicatorEntry {
    code: String,
    zh: String,
    en: String,
    unit: String,
    #[serde(default = "default_decimals")]
    decimals: u8,
    direction: Direction,
    form: Option<String>,
    formula: String,
    #[serde(default)]
    description_zh: String,
    #[serde(default)]
    description_en: String,
    source: Option<String>,
}

fn default_decimals() -> u8 {
    2
}

fn is_code(code: &str) -> bool {
    !code.is_empty()
        && code
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        && code.as_bytes()[0].is_ascii_lowercase()
}

fn unit(entry: &str, code: &str) -> Result<QuantityUnit, CatalogueError> {
    QuantityUnit::parse(code).ok_or_else(|| CatalogueError::UnknownUnit {
        entry: entry.to_string(),
        unit: code.to_string(),
    })
}

impl Catalogue {
    /// Parses and checks a catalogue against the installed `forms` (the latest version
    /// of each is used).
    pub fn parse(source: &str, forms: &[Form]) -> Result<Catalogue, CatalogueError> {
        let file: CatalogueFile = toml::from_str(source).map_err(|e| {
            let (line, column) = e
                .span()
                .map(|span| Span::new(span.start, span.end).line_column(source))
                .unwrap_or((1, 1));
            CatalogueError::Syntax {
                line,
                column,
                message: e.message().to_string(),
            }
        })?;
        if file.version == 0 {
            return Err(CatalogueError::BadVersion);
        }
        let mut seen = BTreeSet::new();
        let mut statistics = Vec::with_capacity(file.statistics.len());
        let mut statistic_names = HashMap::new();
        for (i, s) in file.statistics.into_iter().enumerate() {
            if !is_code(&s.code) {
                return Err(CatalogueError::BadCode(s.code));
            }
            if !seen.insert(s.code.clone()) {
                return Err(CatalogueError::DuplicateCode(s.code));
            }
            let unit = unit(&s.code, &s.unit)?;
            statistic_names.insert(s.code.clone(), (i, unit.dimension()));
            statistics.push(Statistic {
                code: s.code,
                zh: s.zh,
                en: s.en,
                unit,
                additive: s.additive,
                description_zh: s.description_zh,
                description_en: s.description_en,
            });
        }

        // Forms first, so that indicators can be checked in any order.
        let mut used_forms: Vec<&Form> = Vec::new();
        let mut indicator_names = HashMap::new();
        let mut resolved = Vec::with_capacity(file.indicators.len());
        for (i, entry) in file.indicators.iter().enumerate() {
            if !is_code(&entry.code) {
                return Err(CatalogueError::BadCode(entry.code.clone()));
            }
            if !seen.insert(entry.code.clone()) {
                return Err(CatalogueError::DuplicateCode(entry.code.clone()));
            }
            let unit = unit(&entry.code, &entry.unit)?;
            if entry.decimals > 6 {
                return Err(CatalogueError::BadDecimals {
                    indicator: entry.code.clone(),
                    decimals: entry.decimals,
                });
            }
            let form = match &entry.form {
                None => None,
                Some(code) => {
                    let latest = forms
                        .iter()
                        .filter(|f| &f.code == code)
                        .max_by_key(|f| f.version)
                        .ok_or_else(|| CatalogueError::UnknownForm {
                            indicator: entry.code.clone(),
                            form: code.clone(),
                        })?;
                    Some(match used_forms.iter().position(|f| f.code == *code) {
                        Some(p) => p,
                        None => {
                            used_forms.push(latest);
                            used_forms.len() - 1
                        }
                    })
                }
            };
            indicator_names.insert(entry.code.clone(), (i, unit.dimension(), form));
            resolved.push((unit, form));
        }

        let mut terms = Vec::new();
        let mut indicators = Vec::with_capacity(file.indicators.len());
        let mut mentions: Vec<Vec<(usize, Span)>> = Vec::new();
        for (entry, (unit, form)) in file.indicators.into_iter().zip(resolved) {
            let names = Names {
                form: form.map(|f| (used_forms[f], f)),
                statistics: &statistic_names,
                indicators: &indicator_names,
            };
            let located = |error: ExprError| CatalogueError::Formula {
                indicator: entry.code.clone(),
                formula: entry.formula.clone(),
                error,
            };
            let lowered = lower(&entry.formula, &names, &mut terms).map_err(located)?;
            if let Some(found) = lowered.dimension
                && found != unit.dimension()
            {
                return Err(located(ExprError::new(
                    ExprErrorKind::UnitMismatch {
                        found,
                        declared: unit,
                    },
                    Span::new(0, entry.formula.len()),
                )));
            }
            mentions.push(lowered.refers_to.clone());
            indicators.push(Indicator {
                code: entry.code,
                zh: entry.zh,
                en: entry.en,
                unit,
                decimals: entry.decimals,
                direction: entry.direction,
                form,
                formula: entry.formula,
                description_zh: entry.description_zh,
                description_en: entry.description_en,
                source: entry.source,
                program: lowered.program,
                refers_to: lowered.refers_to.iter().map(|(i, _)| *i).collect(),
            });
        }
        let order = dependency_order(&indicators, &mentions)?;
        let forms = used_forms
            .iter()
            .map(|f| CatalogueForm {
                code: f.code.clone(),
                version: f.version,
                period_type: f.period_type,
                year_to_date: f.year_to_date,
                fields: f.fields.iter().map(|d| d.code.clone()).collect(),
            })
            .collect();
        Ok(Catalogue {
            version: file.version,
            source: source.to_string(),
            forms,
            statistics,
            indicators,
            terms,
            order,
        })
    }

    pub fn indicator(&self, code: &str) -> Option<(usize, &Indicator)> {
        self.indicators
            .iter()
            .enumerate()
            .find(|(_, i)| i.code == code)
    }

    pub fn statistic(&self, code: &str) -> Option<(usize, &Statistic)> {
        self.statistics
            .iter()
            .enumerate()
            .find(|(_, s)| s.code == code)
    }

    pub fn form_index(&self, code: &str) -> Option<usize> {
        self.forms.iter().position(|f| f.code == code)
    }

    /// Whether `indicator` has a value for periods of `period_type`: an indicator that
    /// reads a form is computed for that form's periods; one over statistics alone for
    /// any period.
    pub fn applies_to(&self, indicator: usize, period_type: PeriodType) -> bool {
        match self.indicators[indicator].form {
            Some(f) => self.forms[f].period_type == period_type,
            None => true,
        }
    }

    /// Which fields of the catalogue form `form` its sums and counts read (values and
    /// filters), in the form's field order: the only columns a fact table must hold.
    pub fn fields_read(&self, form: usize) -> Vec<bool> {
        let mut read = vec![false; self.forms.get(form).map_or(0, |f| f.fields.len())];
        for term in self.terms.iter().filter(|t| t.form == form) {
            term.fields_read(&mut |i| {
                if let Some(r) = read.get_mut(i) {
                    *r = true;
                }
            });
        }
        read
    }

    /// The terms an indicator's value is made of, through the indicators it names too.
    pub fn terms_of(&self, indicator: usize) -> Vec<usize> {
        let mut out = BTreeSet::new();
        let mut visited = BTreeSet::new();
        self.collect_terms(indicator, &mut out, &mut visited);
        out.into_iter().collect()
    }

    fn collect_terms(
        &self,
        indicator: usize,
        out: &mut BTreeSet<usize>,
        visited: &mut BTreeSet<usize>,
    ) {
        if !visited.insert(indicator) {
            return;
        }
        let mut refs = Vec::new();
        walk_num(&self.indicators[indicator].program, &mut |n| match n {
            UnitNum::Term(t) => {
                out.insert(*t);
            }
            UnitNum::Indicator(i) => refs.push(*i),
            _ => {}
        });
        for i in refs {
            self.collect_terms(i, out, visited);
        }
    }

    /// Every period whose data computing `period` reads: the period itself and those
    /// `prev_year`, `growth`, `prev_period` and `quarter` look back to.
    pub fn periods_needed(&self, period: Period) -> BTreeSet<Period> {
        let mut out = BTreeSet::new();
        out.insert(period);
        let mut memo = BTreeSet::new();
        for i in 0..self.indicators.len() {
            self.needed(i, period, &mut out, &mut memo);
        }
        out
    }

    fn needed(
        &self,
        indicator: usize,
        period: Period,
        out: &mut BTreeSet<Period>,
        memo: &mut BTreeSet<(usize, Period)>,
    ) {
        if !memo.insert((indicator, period)) {
            return;
        }
        let mut calls = Vec::new();
        periods_of(
            &self.indicators[indicator].program,
            Some(period),
            out,
            &mut calls,
        );
        for (i, p) in calls {
            self.needed(i, p, out, memo);
        }
    }
}

/// The period a shift leads to, if there is one.
pub(crate) fn shifted(period: Period, shift: Shift) -> Option<Period> {
    match shift {
        Shift::Year => Some(period.previous_year()),
        Shift::Period => period.previous_in_year(),
    }
}

fn periods_of(
    n: &UnitNum,
    period: Option<Period>,
    out: &mut BTreeSet<Period>,
    calls: &mut Vec<(usize, Period)>,
) {
    let Some(p) = period else { return };
    match n {
        UnitNum::Term(_) | UnitNum::Statistic(_) => {
            out.insert(p);
        }
        UnitNum::Indicator(i) => calls.push((*i, p)),
        UnitNum::Shift(s, inner) => periods_of(inner, shifted(p, *s), out, calls),
        UnitNum::Quarter(inner) => {
            periods_of(inner, Some(p), out, calls);
            periods_of(inner, p.previous_in_year(), out, calls);
        }
        UnitNum::Constant(_) => {}
        UnitNum::Negate(a) | UnitNum::Abs(a) | UnitNum::Round(a, _) => {
            periods_of(a, period, out, calls)
        }
        UnitNum::Arithmetic(_, a, b) => {
            periods_of(a, period, out, calls);
            periods_of(b, period, out, calls);
        }
        UnitNum::Min(v) | UnitNum::Max(v) | UnitNum::Coalesce(v) => {
            v.iter().for_each(|a| periods_of(a, period, out, calls))
        }
        UnitNum::If(c, a, b) => {
            let mut nums = Vec::new();
            cond_nums(c, &mut nums);
            for x in nums {
                periods_of(x, period, out, calls);
            }
            periods_of(a, period, out, calls);
            periods_of(b, period, out, calls);
        }
    }
}

fn cond_nums<'a>(c: &'a UnitCond, out: &mut Vec<&'a UnitNum>) {
    match c {
        UnitCond::Compare(_, a, b) => {
            out.push(a);
            out.push(b);
        }
        UnitCond::And(a, b) | UnitCond::Or(a, b) => {
            cond_nums(a, out);
            cond_nums(b, out);
        }
        UnitCond::Not(a) => cond_nums(a, out),
        UnitCond::If(a, b, d) => {
            cond_nums(a, out);
            cond_nums(b, out);
            cond_nums(d, out);
        }
    }
}

/// Calls `visit` on every node of a unit-level program.
pub(crate) fn walk_num(n: &UnitNum, visit: &mut dyn FnMut(&UnitNum)) {
    visit(n);
    match n {
        UnitNum::Constant(_) | UnitNum::Term(_) | UnitNum::Statistic(_) | UnitNum::Indicator(_) => {
        }
        UnitNum::Shift(_, a)
        | UnitNum::Quarter(a)
        | UnitNum::Negate(a)
        | UnitNum::Abs(a)
        | UnitNum::Round(a, _) => walk_num(a, visit),
        UnitNum::Arithmetic(_, a, b) => {
            walk_num(a, visit);
            walk_num(b, visit);
        }
        UnitNum::Min(v) | UnitNum::Max(v) | UnitNum::Coalesce(v) => {
            v.iter().for_each(|a| walk_num(a, visit))
        }
        UnitNum::If(c, a, b) => {
            let mut nums = Vec::new();
            cond_nums(c, &mut nums);
            for x in nums {
                walk_num(x, visit);
            }
            walk_num(a, visit);
            walk_num(b, visit);
        }
    }
}

/// Orders indicators so that each follows the ones it names, or reports the first cycle
/// found, located at the mention that closes it.
fn dependency_order(
    indicators: &[Indicator],
    mentions: &[Vec<(usize, Span)>],
) -> Result<Vec<usize>, CatalogueError> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Active,
        Done,
    }
    fn visit(
        i: usize,
        mentions: &[Vec<(usize, Span)>],
        marks: &mut [Mark],
        stack: &mut Vec<usize>,
        order: &mut Vec<usize>,
    ) -> Result<(), (Vec<usize>, usize, Span)> {
        marks[i] = Mark::Active;
        stack.push(i);
        for &(j, span) in &mentions[i] {
            match marks[j] {
                Mark::Active => {
                    let from = stack.iter().position(|&s| s == j).unwrap_or(0);
                    let mut cycle = stack[from..].to_vec();
                    cycle.push(j);
                    return Err((cycle, i, span));
                }
                Mark::New => visit(j, mentions, marks, stack, order)?,
                Mark::Done => {}
            }
        }
        stack.pop();
        marks[i] = Mark::Done;
        order.push(i);
        Ok(())
    }
    let mut marks = vec![Mark::New; indicators.len()];
    let mut order = Vec::with_capacity(indicators.len());
    for i in 0..indicators.len() {
        if marks[i] == Mark::New {
            let mut stack = Vec::new();
            if let Err((cycle, at, span)) = visit(i, mentions, &mut marks, &mut stack, &mut order) {
                let names = cycle.iter().map(|&c| indicators[c].code.clone()).collect();
                return Err(CatalogueError::Formula {
                    indicator: indicators[at].code.clone(),
                    formula: indicators[at].formula.clone(),
                    error: ExprError::new(ExprErrorKind::Cycle(names), span),
                });
            }
        }
    }
    Ok(order)
}
