//! The aggregation engine: every indicator of a catalogue for every unit and period.
//! Sums and counts are accumulated once per distinct term over the enterprises of each
//! unit, rolled up the hierarchy of the period's date, and only then combined by the
//! formulas, so a zone's ratio is the ratio of the zone's sums and never a mean of its
//! parks' ratios.

use std::collections::HashMap;
use std::sync::Arc;

use crate::expr::BinaryOp;
use crate::reporting::Period;

use super::catalogue::{Catalogue, shifted};
use super::facts::{FactTable, PeriodLayout, TRUE, UnitIndex};
use super::formula::{RowCond, Shift, TermKind, UnitCond, UnitNum};

/// Why a value cannot be given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unavailable {
    /// No enterprise of the unit reported what the term sums.
    NoData {
        term: usize,
    },
    /// The statistic was not entered for the unit and period.
    MissingStatistic {
        statistic: usize,
        period: Period,
    },
    DivisionByZero,
    /// The data of a period the formula looks back to is not there.
    NoPeriod {
        period: Period,
    },
    /// The indicator reads a form that is not reported for this period's type.
    NotReported,
    /// A statistic has no meaning for a break-down by industry or tier.
    NotByGroup {
        statistic: usize,
    },
}

pub type Value = Result<f64, Unavailable>;

/// What one period brings: its hierarchy, the fact tables of the forms reported for it
/// and the statistics entered for it.
#[derive(Debug, Clone)]
pub struct PeriodData {
    pub period: Period,
    pub layout: PeriodLayout,
    pub tables: Vec<FactTable>,
    /// (statistic index, unit position, value in the statistic's entry unit).
    pub statistics: Vec<(usize, u32, f64)>,
}

impl PeriodData {
    /// About how many bytes its fact tables hold (the rest is small beside them).
    pub fn bytes(&self) -> usize {
        self.tables.iter().map(FactTable::bytes).sum()
    }
}

/// A term's totals per unit position, rolled up.
#[derive(Debug, Clone)]
pub struct TermTotals {
    pub sum: Vec<f64>,
    /// Rows of the unit where the summed value was present, whatever the filter.
    pub reported: Vec<u32>,
}

#[derive(Debug, Clone)]
pub struct PeriodResult {
    pub period: Period,
    /// What the values were computed from: the hierarchy of the date and the facts, for
    /// drill-down to enterprises.
    pub data: Arc<PeriodData>,
    /// By term; `None` when the term's form has no table for this period.
    pub terms: Vec<Option<TermTotals>>,
    /// By statistic and unit position, in base units; `NaN` when not entered.
    pub statistics: Vec<Vec<f64>>,
    /// By indicator and unit position, in the indicator's unit.
    pub values: Vec<Vec<Value>>,
    /// Enterprises located in each unit, and those with a counted filing, by form.
    pub enterprises: Vec<Vec<u32>>,
    pub filed: Vec<Vec<u32>>,
}

impl PeriodResult {
    pub fn layout(&self) -> &PeriodLayout {
        &self.data.layout
    }

    pub fn table(&self, form: usize) -> Option<&FactTable> {
        self.data.tables.iter().find(|t| t.form == form)
    }
}

/// Every indicator for every unit of every period given.
#[derive(Debug, Clone)]
pub struct Computation {
    pub periods: Vec<PeriodResult>,
    slots: HashMap<Period, usize>,
}

impl Computation {
    pub fn period(&self, period: Period) -> Option<&PeriodResult> {
        self.slots.get(&period).map(|&s| &self.periods[s])
    }

    /// The value of `indicator` for the unit at `position` in `period`.
    pub fn value(&self, period: Period, indicator: usize, position: u32) -> Option<Value> {
        self.period(period)
            .map(|p| p.values[indicator][position as usize])
    }
}

/// Computes every indicator of `catalogue` for every unit of `index` in every period of
/// `data`. Periods may come in any order; a formula that looks back to a period not
/// given gets [`Unavailable::NoPeriod`].
pub fn compute(catalogue: &Catalogue, index: &UnitIndex, data: &[Arc<PeriodData>]) -> Computation {
    let mut data: Vec<Arc<PeriodData>> = data.to_vec();
    data.sort_by_key(|d| d.period);
    data.dedup_by_key(|d| d.period);
    let slots: HashMap<Period, usize> = data
        .iter()
        .enumerate()
        .map(|(i, d)| (d.period, i))
        .collect();
    let units = index.len();
    let mut computation = Computation {
        periods: Vec::with_capacity(data.len()),
        slots,
    };
    for d in data {
        // Each distinct filter is evaluated once per table, however many terms share it.
        let mut masks: Vec<(usize, &RowCond, Vec<u8>)> = Vec::new();
        let mut mask_of = vec![None; catalogue.terms.len()];
        for (t, term) in catalogue.terms.iter().enumerate() {
            let (Some(filter), Some(table)) = (
                term.filter.as_ref(),
                d.tables.iter().find(|table| table.form == term.form),
            ) else {
                continue;
            };
            mask_of[t] = Some(
                match masks
                    .iter()
                    .position(|(form, f, _)| *form == term.form && *f == filter)
                {
                    Some(m) => m,
                    None => {
                        masks.push((term.form, filter, table.condition(filter)));
                        masks.len() - 1
                    }
                },
            );
        }
        let terms = catalogue
            .terms
            .iter()
            .enumerate()
            .map(|(t, term)| {
                let mask = mask_of[t].map(|m| masks[m].2.as_slice());
                d.tables
                    .iter()
                    .find(|table| table.form == term.form)
                    .map(|table| term_totals(catalogue, t, table, mask, &d.layout, units, None))
            })
            .collect();
        drop(masks);
        let statistics = statistic_totals(catalogue, &d, units);
        let mut enterprises = Vec::with_capacity(catalogue.forms.len());
        let mut filed = Vec::with_capacity(catalogue.forms.len());
        for f in 0..catalogue.forms.len() {
            let mut all = vec![0u32; units];
            let mut with_filing = vec![0u32; units];
            if let Some(table) = d.tables.iter().find(|t| t.form == f) {
                for (r, u) in table.units.iter().enumerate() {
                    all[*u as usize] += 1;
                    if table.filings[r].is_some() {
                        with_filing[*u as usize] += 1;
                    }
                }
                roll_up(&d.layout, &mut all);
                roll_up(&d.layout, &mut with_filing);
            }
            enterprises.push(all);
            filed.push(with_filing);
        }
        computation.periods.push(PeriodResult {
            period: d.period,
            data: Arc::clone(&d),
            terms,
            statistics,
            values: Vec::new(),
            enterprises,
            filed,
        });
        let slot = computation.periods.len() - 1;
        let mut values: Vec<Vec<Value>> = vec![Vec::new(); catalogue.indicators.len()];
        for &i in &catalogue.order {
            let indicator = &catalogue.indicators[i];
            let applies = catalogue.applies_to(i, d.period.period_type());
            let factor = indicator.unit.factor();
            let column = (0..units as u32)
                .map(|u| {
                    if !applies {
                        return Err(Unavailable::NotReported);
                    }
                    let source = UnitSource {
                        catalogue,
                        computation: &computation,
                        current: &values,
                        slot,
                        unit: u,
                    };
                    evaluate(&indicator.program, &source, slot).map(|v| v / factor)
                })
                .collect();
            values[i] = column;
        }
        computation.periods[slot].values = values;
    }
    computation
}

fn roll_up<T: Copy + std::ops::AddAssign>(layout: &PeriodLayout, values: &mut [T]) {
    for &u in &layout.upward {
        if let Some(p) = layout.parent[u as usize] {
            let v = values[u as usize];
            values[p as usize] += v;
        }
    }
}

/// A term's totals per unit, its filter already evaluated into `mask`; with `only`, just
/// over the rows it marks (a break-down).
fn term_totals(
    catalogue: &Catalogue,
    t: usize,
    table: &FactTable,
    mask: Option<&[u8]>,
    layout: &PeriodLayout,
    units: usize,
    only: Option<&[bool]>,
) -> TermTotals {
    let term = &catalogue.terms[t];
    let mut sum = vec![0.0; units];
    let mut reported = vec![0u32; units];
    match (term.kind, only) {
        // The common case, without branches that depend on the data: a quarter of a
        // million rows in no particular order of units would mispredict them. Rows go in
        // blocks small enough to stay in the first-level cache: first what each row adds
        // (+0.0 when it is left out, which leaves any sum as it was: a sum that starts at
        // +0.0 is never -0.0), then added to its unit, in row order as before.
        (TermKind::Count, None) => {
            let mut counted = vec![0u32; units];
            match mask {
                None => {
                    for &u in &table.units {
                        counted[u as usize] += 1;
                    }
                }
                Some(m) => {
                    for (&u, &m) in table.units.iter().zip(m) {
                        counted[u as usize] += u32::from(m == TRUE);
                    }
                }
            }
            for &u in &table.units {
                reported[u as usize] += 1;
            }
            for (s, c) in sum.iter_mut().zip(counted) {
                *s = f64::from(c);
            }
        }
        (TermKind::Sum, None) => {
            const BLOCK: usize = 1024;
            let value = table.number(term.value.as_ref().expect("a sum has a value"));
            let mut adds = [0.0f64; BLOCK];
            let mut present = [0u32; BLOCK];
            for (start, units_block) in table.units.chunks(BLOCK).enumerate() {
                let start = start * BLOCK;
                let n = units_block.len();
                let values = &value[start..start + n];
                match mask {
                    None => {
                        for ((a, p), &v) in adds.iter_mut().zip(&mut present).zip(values) {
                            let here = !v.is_nan();
                            *a = if here { v } else { 0.0 };
                            *p = u32::from(here);
                        }
                    }
                    Some(m) => {
                        let m = &m[start..start + n];
                        for (((a, p), &v), &m) in
                            adds.iter_mut().zip(&mut present).zip(values).zip(m)
                        {
                            let here = !v.is_nan();
                            *a = if here & (m == TRUE) { v } else { 0.0 };
                            *p = u32::from(here);
                        }
                    }
                }
                for ((&u, &a), &p) in units_block.iter().zip(&adds).zip(&present) {
                    sum[u as usize] += a;
                    reported[u as usize] += p;
                }
            }
            for s in &mut sum {
                *s *= term.factor;
            }
        }
        (TermKind::Count, Some(only)) => {
            for (r, &u) in table.units.iter().enumerate() {
                if !only[r] {
                    continue;
                }
                reported[u as usize] += 1;
                if mask.is_none_or(|m| m[r] == TRUE) {
                    sum[u as usize] += 1.0;
                }
            }
        }
        (TermKind::Sum, Some(only)) => {
            let value = table.number(term.value.as_ref().expect("a sum has a value"));
            for (r, &u) in table.units.iter().enumerate() {
                let v = value[r];
                if v.is_nan() || !only[r] {
                    continue;
                }
                reported[u as usize] += 1;
                if mask.is_none_or(|m| m[r] == TRUE) {
                    sum[u as usize] += v;
                }
            }
            for s in &mut sum {
                *s *= term.factor;
            }
        }
    }
    roll_up(layout, &mut sum);
    roll_up(layout, &mut reported);
    TermTotals { sum, reported }
}

/// Statistics per unit in base units: entered values, and for additive ones the sum of
/// the children where a unit has none of its own and every child has one.
fn statistic_totals(catalogue: &Catalogue, data: &PeriodData, units: usize) -> Vec<Vec<f64>> {
    let mut out = vec![vec![f64::NAN; units]; catalogue.statistics.len()];
    for &(s, u, v) in &data.statistics {
        if let (Some(column), true) = (out.get_mut(s), (u as usize) < units) {
            column[u as usize] = v * catalogue.statistics[s].unit.factor();
        }
    }
    for (s, statistic) in catalogue.statistics.iter().enumerate() {
        if !statistic.additive {
            continue;
        }
        let column = &mut out[s];
        let entered: Vec<bool> = column.iter().map(|v| !v.is_nan()).collect();
        // Children before parents: a parent sums what its children have by then.
        let mut sums = vec![0.0; units];
        let mut children = vec![0u32; units];
        let mut complete = vec![true; units];
        for &u in &data.layout.upward {
            let u = u as usize;
            if !entered[u] && children[u] > 0 && complete[u] {
                column[u] = sums[u];
            }
            if let Some(p) = data.layout.parent[u] {
                let p = p as usize;
                children[p] += 1;
                if column[u].is_nan() {
                    complete[p] = false;
                } else {
                    sums[p] += column[u];
                }
            }
        }
    }
    out
}

/// Where a formula's values come from.
trait Source {
    fn term(&self, slot: usize, term: usize) -> Value;
    fn statistic(&self, slot: usize, statistic: usize) -> Value;
    fn indicator(&self, slot: usize, indicator: usize) -> Value;
    fn slot(&self, period: Period) -> Option<usize>;
    fn period(&self, slot: usize) -> Period;
}

struct UnitSource<'a> {
    catalogue: &'a Catalogue,
    computation: &'a Computation,
    /// The values of the period being computed, filled in dependency order.
    current: &'a [Vec<Value>],
    slot: usize,
    unit: u32,
}

impl Source for UnitSource<'_> {
    fn term(&self, slot: usize, term: usize) -> Value {
        let u = self.unit as usize;
        match &self.computation.periods[slot].terms[term] {
            None => Err(Unavailable::NotReported),
            Some(t) if t.reported[u] == 0 => Err(Unavailable::NoData { term }),
            Some(t) => Ok(t.sum[u]),
        }
    }

    fn statistic(&self, slot: usize, statistic: usize) -> Value {
        let v = self.computation.periods[slot].statistics[statistic][self.unit as usize];
        if v.is_nan() {
            Err(Unavailable::MissingStatistic {
                statistic,
                period: self.computation.periods[slot].period,
            })
        } else {
            Ok(v)
        }
    }

    fn indicator(&self, slot: usize, indicator: usize) -> Value {
        let column = if slot == self.slot {
            &self.current[indicator]
        } else {
            &self.computation.periods[slot].values[indicator]
        };
        // In base units, as every other operand.
        column[self.unit as usize].map(|v| v * self.catalogue.indicators[indicator].unit.factor())
    }

    fn slot(&self, period: Period) -> Option<usize> {
        self.computation.slots.get(&period).copied()
    }

    fn period(&self, slot: usize) -> Period {
        self.computation.periods[slot].period
    }
}

fn evaluate(n: &UnitNum, source: &dyn Source, slot: usize) -> Value {
    Ok(match n {
        UnitNum::Constant(c) => *c,
        UnitNum::Term(t) => source.term(slot, *t)?,
        UnitNum::Statistic(s) => source.statistic(slot, *s)?,
        UnitNum::Indicator(i) => source.indicator(slot, *i)?,
        UnitNum::Shift(shift, inner) => {
            let period = source.period(slot);
            let Some(earlier) = shifted(period, *shift) else {
                return Err(Unavailable::NoPeriod {
                    period: match shift {
                        Shift::Year => period.previous_year(),
                        Shift::Period => period,
                    },
                });
            };
            let s = source
                .slot(earlier)
                .ok_or(Unavailable::NoPeriod { period: earlier })?;
            evaluate(inner, source, s)?
        }
        UnitNum::Quarter(inner) => {
            let period = source.period(slot);
            let now = evaluate(inner, source, slot)?;
            match period.previous_in_year() {
                None => now,
                Some(earlier) => {
                    let s = source
                        .slot(earlier)
                        .ok_or(Unavailable::NoPeriod { period: earlier })?;
                    now - evaluate(inner, source, s)?
                }
            }
        }
        UnitNum::Negate(a) => -evaluate(a, source, slot)?,
        UnitNum::Abs(a) => evaluate(a, source, slot)?.abs(),
        UnitNum::Round(a, digits) => {
            let scale = 10f64.powi(*digits);
            (evaluate(a, source, slot)? * scale).round() / scale
        }
        UnitNum::Arithmetic(op, a, b) => {
            let (x, y) = (evaluate(a, source, slot)?, evaluate(b, source, slot)?);
            match op {
                BinaryOp::Add => x + y,
                BinaryOp::Subtract => x - y,
                BinaryOp::Multiply => x * y,
                _ if y == 0.0 => return Err(Unavailable::DivisionByZero),
                _ => x / y,
            }
        }
        UnitNum::Min(v) | UnitNum::Max(v) => {
            let mut out: Option<f64> = None;
            for a in v {
                let x = evaluate(a, source, slot)?;
                out = Some(match (out, n) {
                    (None, _) => x,
                    (Some(m), UnitNum::Min(_)) => m.min(x),
                    (Some(m), _) => m.max(x),
                });
            }
            out.unwrap_or(f64::NAN)
        }
        UnitNum::Coalesce(v) => {
            let mut first_error = None;
            for a in v {
                match evaluate(a, source, slot) {
                    Ok(x) => return Ok(x),
                    Err(e) => {
                        first_error.get_or_insert(e);
                    }
                }
            }
            return Err(first_error.unwrap_or(Unavailable::DivisionByZero));
        }
        UnitNum::If(test, a, b) => {
            if condition(test, source, slot)? {
                evaluate(a, source, slot)?
            } else {
                evaluate(b, source, slot)?
            }
        }
    })
}

fn condition(c: &UnitCond, source: &dyn Source, slot: usize) -> Result<bool, Unavailable> {
    Ok(match c {
        UnitCond::Compare(op, a, b) => {
            let o =
                crate::expr::compare_values(evaluate(a, source, slot)?, evaluate(b, source, slot)?);
            match op {
                BinaryOp::Less => o.is_lt(),
                BinaryOp::LessEqual => o.is_le(),
                BinaryOp::Greater => o.is_gt(),
                BinaryOp::GreaterEqual => o.is_ge(),
                BinaryOp::Equal => o.is_eq(),
                _ => o.is_ne(),
            }
        }
        UnitCond::And(a, b) => match (condition(a, source, slot), condition(b, source, slot)) {
            (Ok(false), _) | (_, Ok(false)) => false,
            (Ok(true), Ok(true)) => true,
            (Err(e), _) | (_, Err(e)) => return Err(e),
        },
        UnitCond::Or(a, b) => match (condition(a, source, slot), condition(b, source, slot)) {
            (Ok(true), _) | (_, Ok(true)) => true,
            (Ok(false), Ok(false)) => false,
            (Err(e), _) | (_, Err(e)) => return Err(e),
        },
        UnitCond::Not(a) => !condition(a, source, slot)?,
        UnitCond::If(t, a, b) => {
            if condition(t, source, slot)? {
                condition(a, source, slot)?
            } else {
                condition(b, source, slot)?
            }
        }
    })
}

/// One enterprise behind a unit's value: its row in the period's fact table and what it
/// adds to each term of the indicator (in base units; `None` where it adds nothing).
#[derive(Debug, Clone, PartialEq)]
pub struct Contribution {
    pub row: usize,
    pub terms: Vec<Option<f64>>,
}

impl Computation {
    /// The enterprises behind `indicator` for the unit at `position` in `period`: the
    /// fact table read, the terms (through the indicators it names too) and every
    /// enterprise of the unit that adds to at least one of them.
    pub fn contributions(
        &self,
        catalogue: &Catalogue,
        period: Period,
        indicator: usize,
        position: u32,
    ) -> Option<(&FactTable, Vec<usize>, Vec<Contribution>)> {
        let result = self.period(period)?;
        let form = catalogue.indicators[indicator].form?;
        let table = result.table(form)?;
        let terms = catalogue.terms_of(indicator);
        let within = result.layout().within(position);
        let per_term: Vec<Vec<f64>> = terms
            .iter()
            .map(|&t| row_values(catalogue, t, table))
            .collect();
        let rows = (0..table.len())
            .filter(|&r| within[table.units[r] as usize])
            .filter_map(|r| {
                let values: Vec<Option<f64>> = per_term
                    .iter()
                    .map(|v| Some(v[r]).filter(|x| !x.is_nan()))
                    .collect();
                values.iter().any(Option::is_some).then_some(Contribution {
                    row: r,
                    terms: values,
                })
            })
            .collect();
        Some((table, terms, rows))
    }

    /// `indicator` for the unit at `position` in `period`, computed separately over the
    /// enterprises of each group (`group_of` gives a row's group, or `None` to leave it
    /// out): a break-down by industry or tier. Statistics do not break down, so an
    /// indicator over one is unavailable by group.
    pub fn breakdown(
        &self,
        catalogue: &Catalogue,
        period: Period,
        indicator: usize,
        position: u32,
        groups: usize,
        group_of: &dyn Fn(&FactTable, usize) -> Option<usize>,
    ) -> Vec<Value> {
        let Some(&slot) = self.slots.get(&period) else {
            return vec![Err(Unavailable::NoPeriod { period }); groups];
        };
        let terms = catalogue.terms_of(indicator);
        // (slot, term) → per group (sum, reported).
        let mut totals: HashMap<(usize, usize), Vec<(f64, u32)>> = HashMap::new();
        for (s, result) in self.periods.iter().enumerate() {
            let within = result.layout().within(position);
            for &t in &terms {
                let term = &catalogue.terms[t];
                let Some(table) = result.table(term.form) else {
                    continue;
                };
                let mask = term.filter.as_ref().map(|f| table.condition(f));
                let values = match term.kind {
                    TermKind::Sum => Some(table.number(term.value.as_ref().expect("sum"))),
                    TermKind::Count => None,
                };
                let mut acc = vec![(0.0, 0u32); groups];
                for r in 0..table.len() {
                    if !within[table.units[r] as usize] {
                        continue;
                    }
                    let Some(g) = group_of(table, r).filter(|g| *g < groups) else {
                        continue;
                    };
                    let v = values.as_ref().map_or(1.0, |v| v[r]);
                    if v.is_nan() {
                        continue;
                    }
                    acc[g].1 += 1;
                    if mask.as_ref().is_none_or(|m| m[r] == TRUE) {
                        acc[g].0 += v * term.factor;
                    }
                }
                totals.insert((s, t), acc);
            }
        }
        let program = &catalogue.indicators[indicator].program;
        let factor = catalogue.indicators[indicator].unit.factor();
        (0..groups)
            .map(|group| {
                let source = GroupSource {
                    catalogue,
                    computation: self,
                    totals: &totals,
                    group,
                };
                evaluate(program, &source, slot).map(|v| v / factor)
            })
            .collect()
    }
}

/// What each row adds to a term, in base units (`NaN` for nothing).
fn row_values(catalogue: &Catalogue, t: usize, table: &FactTable) -> Vec<f64> {
    let term = &catalogue.terms[t];
    let mask = term.filter.as_ref().map(|f| table.condition(f));
    let passes = |r: usize| mask.as_ref().is_none_or(|m| m[r] == TRUE);
    match term.kind {
        TermKind::Count => (0..table.len())
            .map(|r| if passes(r) { 1.0 } else { f64::NAN })
            .collect(),
        TermKind::Sum => {
            let values = table.number(term.value.as_ref().expect("a sum has a value"));
            (0..table.len())
                .map(|r| {
                    if passes(r) {
                        values[r] * term.factor
                    } else {
                        f64::NAN
                    }
                })
                .collect()
        }
    }
}

struct GroupSource<'a> {
    catalogue: &'a Catalogue,
    computation: &'a Computation,
    totals: &'a HashMap<(usize, usize), Vec<(f64, u32)>>,
    group: usize,
}

impl Source for GroupSource<'_> {
    fn term(&self, slot: usize, term: usize) -> Value {
        match self.totals.get(&(slot, term)) {
            None => Err(Unavailable::NotReported),
            Some(acc) if acc[self.group].1 == 0 => Err(Unavailable::NoData { term }),
            Some(acc) => Ok(acc[self.group].0),
        }
    }

    fn statistic(&self, _slot: usize, statistic: usize) -> Value {
        Err(Unavailable::NotByGroup { statistic })
    }

    fn indicator(&self, slot: usize, indicator: usize) -> Value {
        evaluate(&self.catalogue.indicators[indicator].program, self, slot)
    }

    fn slot(&self, period: Period) -> Option<usize> {
        self.computation.slots.get(&period).copied()
    }

    fn period(&self, slot: usize) -> Period {
        self.computation.periods[slot].period
    }
}
