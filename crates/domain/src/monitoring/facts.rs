//! The facts an indicator is computed from: for one form and period, one row per
//! enterprise located in a unit on the period's last day (属地原则), with its filed values
//! (if it filed), its attributes, the unit it is attributed to and the filing and
//! revision the values come from. Held column by column, so that a filter or a sum runs
//! over a quarter of a million enterprises as a few tight loops.

use std::borrow::Cow;
use std::collections::HashMap;

use crate::expr::BinaryOp;
use crate::registry::{EnterpriseId, Tree, UnitId};
use crate::reporting::Period;

use super::attributes::{Attribute, AttributeSet};
use super::formula::{RowCond, RowNum};

/// The filing a row's values were read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FilingRef {
    pub filing_id: i64,
    /// The revision number the values are from.
    pub revision: i32,
    pub approved: bool,
}

/// One form's facts for one period.
#[derive(Debug, Clone)]
pub struct FactTable {
    /// Index into the catalogue's forms.
    pub form: usize,
    pub period: Period,
    pub enterprises: Vec<EnterpriseId>,
    /// The position (in the [`UnitIndex`]) of the unit each row is attributed to.
    pub units: Vec<u32>,
    pub attributes: Vec<AttributeSet>,
    /// GB/T 4754 class (four digits) as a number.
    pub industry: Vec<u16>,
    /// One column per field of the catalogue's form, `NaN` where the value is blank or
    /// the enterprise did not file. A field the catalogue never reads has an empty column
    /// (see [`FactTable::reading`]).
    pub columns: Vec<Vec<f64>>,
    pub filings: Vec<Option<FilingRef>>,
    /// Which columns are held.
    held: Vec<bool>,
}

impl FactTable {
    /// A table holding every field's column.
    pub fn new(form: usize, period: Period, fields: usize, capacity: usize) -> FactTable {
        FactTable::reading(form, period, &vec![true; fields], capacity)
    }

    /// A table holding only the columns of the fields marked in `read` (as
    /// [`super::Catalogue::fields_read`] gives them): at national scale a period's table
    /// has a quarter of a million rows, and a column the catalogue never reads would cost
    /// two megabytes for nothing.
    pub fn reading(form: usize, period: Period, read: &[bool], capacity: usize) -> FactTable {
        FactTable {
            form,
            period,
            enterprises: Vec::with_capacity(capacity),
            units: Vec::with_capacity(capacity),
            attributes: Vec::with_capacity(capacity),
            industry: Vec::with_capacity(capacity),
            columns: read
                .iter()
                .map(|&held| Vec::with_capacity(if held { capacity } else { 0 }))
                .collect(),
            filings: Vec::with_capacity(capacity),
            held: read.to_vec(),
        }
    }

    /// About how many bytes the table holds, for bounding what is kept in memory.
    pub fn bytes(&self) -> usize {
        use std::mem::size_of;
        let per_row = size_of::<EnterpriseId>()
            + size_of::<u32>()
            + size_of::<AttributeSet>()
            + size_of::<u16>()
            + size_of::<Option<FilingRef>>();
        let held = self.held.iter().filter(|h| **h).count();
        self.len() * (per_row + held * size_of::<f64>())
    }

    pub fn len(&self) -> usize {
        self.enterprises.len()
    }

    pub fn is_empty(&self) -> bool {
        self.enterprises.is_empty()
    }

    /// Adds an enterprise attributed to `unit`; `filed` holds its values in the
    /// catalogue form's field order and the filing they came from.
    pub fn push(
        &mut self,
        enterprise: EnterpriseId,
        unit: u32,
        attributes: AttributeSet,
        industry_class: u16,
        filed: Option<(&[Option<f64>], FilingRef)>,
    ) {
        self.enterprises.push(enterprise);
        self.units.push(unit);
        self.industry.push(industry_class);
        match filed {
            Some((values, filing)) => {
                self.attributes
                    .push(attributes.with(Attribute::Filed, true));
                for (i, column) in self.columns.iter_mut().enumerate() {
                    if self.held[i] {
                        column.push(values.get(i).copied().flatten().unwrap_or(f64::NAN));
                    }
                }
                self.filings.push(Some(filing));
            }
            None => {
                self.attributes.push(attributes);
                for (i, column) in self.columns.iter_mut().enumerate() {
                    if self.held[i] {
                        column.push(f64::NAN);
                    }
                }
                self.filings.push(None);
            }
        }
    }

    /// A row-level number over every row at once; `NaN` is missing.
    pub(crate) fn number(&self, n: &RowNum) -> Cow<'_, [f64]> {
        let rows = self.len();
        let map = |v: Cow<'_, [f64]>, f: &dyn Fn(f64) -> f64| -> Cow<'static, [f64]> {
            Cow::Owned(v.iter().map(|x| f(*x)).collect())
        };
        match n {
            RowNum::Field(i) => Cow::Borrowed(&self.columns[*i]),
            RowNum::Constant(c) => Cow::Owned(vec![*c; rows]),
            RowNum::IndustryClass => {
                Cow::Owned(self.industry.iter().map(|c| f64::from(*c)).collect())
            }
            RowNum::IndustryGroup => {
                Cow::Owned(self.industry.iter().map(|c| f64::from(*c / 10)).collect())
            }
            RowNum::IndustryDivision => {
                Cow::Owned(self.industry.iter().map(|c| f64::from(*c / 100)).collect())
            }
            RowNum::Negate(a) => map(self.number(a), &|x| -x),
            RowNum::Abs(a) => map(self.number(a), &|x| x.abs()),
            RowNum::Round(a, digits) => {
                let scale = 10f64.powi(*digits);
                map(self.number(a), &|x| (x * scale).round() / scale)
            }
            RowNum::Arithmetic(op, a, b) => {
                let (a, b) = (self.number(a), self.number(b));
                let out = a
                    .iter()
                    .zip(b.iter())
                    .map(|(x, y)| match op {
                        BinaryOp::Add => x + y,
                        BinaryOp::Subtract => x - y,
                        BinaryOp::Multiply => x * y,
                        // Division by zero is missing, as everywhere in the language.
                        _ if *y == 0.0 => f64::NAN,
                        _ => x / y,
                    })
                    .collect();
                Cow::Owned(out)
            }
            RowNum::Min(v) | RowNum::Max(v) | RowNum::Coalesce(v) => {
                let parts: Vec<Cow<'_, [f64]>> = v.iter().map(|a| self.number(a)).collect();
                let out = (0..rows)
                    .map(|r| {
                        let mut values = parts.iter().map(|p| p[r]);
                        match n {
                            RowNum::Coalesce(_) => values.find(|x| !x.is_nan()).unwrap_or(f64::NAN),
                            RowNum::Min(_) => values.fold(f64::INFINITY, |m, x| {
                                if x.is_nan() || m.is_nan() {
                                    f64::NAN
                                } else {
                                    m.min(x)
                                }
                            }),
                            _ => values.fold(f64::NEG_INFINITY, |m, x| {
                                if x.is_nan() || m.is_nan() {
                                    f64::NAN
                                } else {
                                    m.max(x)
                                }
                            }),
                        }
                    })
                    .collect();
                Cow::Owned(out)
            }
            RowNum::If(test, a, b) => {
                let (t, a, b) = (self.condition(test), self.number(a), self.number(b));
                Cow::Owned(
                    (0..rows)
                        .map(|r| match t[r] {
                            TRUE => a[r],
                            FALSE => b[r],
                            _ => f64::NAN,
                        })
                        .collect(),
                )
            }
        }
    }

    /// A row-level condition over every row: [`TRUE`], [`FALSE`] or [`UNKNOWN`].
    pub(crate) fn condition(&self, c: &RowCond) -> Vec<u8> {
        match c {
            RowCond::Flag(a) => {
                let bit = a.bit();
                self.attributes
                    .iter()
                    .map(|s| u8::from(s.0 & bit != 0))
                    .collect()
            }
            RowCond::Present(i) => self.columns[*i]
                .iter()
                .map(|x| u8::from(!x.is_nan()))
                .collect(),
            RowCond::Compare(op, a, b) => {
                let decide = |x: f64, y: f64| {
                    if x.is_nan() || y.is_nan() {
                        return UNKNOWN;
                    }
                    let o = crate::expr::compare_values(x, y);
                    u8::from(match op {
                        BinaryOp::Less => o.is_lt(),
                        BinaryOp::LessEqual => o.is_le(),
                        BinaryOp::Greater => o.is_gt(),
                        BinaryOp::GreaterEqual => o.is_ge(),
                        BinaryOp::Equal => o.is_eq(),
                        _ => o.is_ne(),
                    })
                };
                // A constant side is not spread over a column of its own.
                match (a, b) {
                    (_, RowNum::Constant(c)) => {
                        self.number(a).iter().map(|x| decide(*x, *c)).collect()
                    }
                    (RowNum::Constant(c), _) => {
                        self.number(b).iter().map(|y| decide(*c, *y)).collect()
                    }
                    _ => {
                        let (a, b) = (self.number(a), self.number(b));
                        a.iter()
                            .zip(b.iter())
                            .map(|(x, y)| decide(*x, *y))
                            .collect()
                    }
                }
            }
            // Three-valued logic in arithmetic on FALSE 0, TRUE 1, UNKNOWN 2, so that the
            // loops have no branches to mispredict: `and` is FALSE if either side is,
            // else the larger; `or` is TRUE if either side is, else the larger.
            RowCond::And(a, b) => {
                let (mut a, b) = (self.condition(a), self.condition(b));
                for (x, y) in a.iter_mut().zip(b) {
                    *x = (*x).max(y) * u8::from((*x).min(y) != FALSE);
                }
                a
            }
            RowCond::Or(a, b) => {
                let (mut a, b) = (self.condition(a), self.condition(b));
                for (x, y) in a.iter_mut().zip(b) {
                    let either = (*x == TRUE) | (y == TRUE);
                    *x = if either { TRUE } else { (*x).max(y) };
                }
                a
            }
            RowCond::Not(a) => {
                let mut a = self.condition(a);
                for x in &mut a {
                    // TRUE and FALSE swap; UNKNOWN stays.
                    *x ^= u8::from(*x != UNKNOWN);
                }
                a
            }
            RowCond::If(test, a, b) => {
                let (t, a, b) = (self.condition(test), self.condition(a), self.condition(b));
                (0..self.len())
                    .map(|r| match t[r] {
                        TRUE => a[r],
                        FALSE => b[r],
                        _ => UNKNOWN,
                    })
                    .collect()
            }
        }
    }
}

pub(crate) const FALSE: u8 = 0;
pub(crate) const TRUE: u8 = 1;
pub(crate) const UNKNOWN: u8 = 2;

/// Every unit that can hold a value, each with a fixed position.
#[derive(Debug, Clone, Default)]
pub struct UnitIndex {
    ids: Vec<UnitId>,
    positions: HashMap<UnitId, u32>,
}

impl UnitIndex {
    pub fn new(ids: impl IntoIterator<Item = UnitId>) -> UnitIndex {
        let mut index = UnitIndex::default();
        for id in ids {
            if !index.positions.contains_key(&id) {
                index.positions.insert(id, index.ids.len() as u32);
                index.ids.push(id);
            }
        }
        index
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    pub fn position(&self, id: UnitId) -> Option<u32> {
        self.positions.get(&id).copied()
    }

    pub fn id(&self, position: u32) -> UnitId {
        self.ids[position as usize]
    }

    pub fn ids(&self) -> &[UnitId] {
        &self.ids
    }
}

/// The hierarchy on a period's last day, by unit position: who is whose parent, and an
/// order in which every unit comes before its parent (for rolling sums up).
#[derive(Debug, Clone)]
pub struct PeriodLayout {
    pub parent: Vec<Option<u32>>,
    pub upward: Vec<u32>,
}

impl PeriodLayout {
    pub fn new(index: &UnitIndex, tree: &Tree) -> PeriodLayout {
        let parent: Vec<Option<u32>> = index
            .ids()
            .iter()
            .map(|id| tree.parent(*id).and_then(|p| index.position(p)))
            .collect();
        PeriodLayout::from_parents(parent)
    }

    /// From each position's parent; a cycle (which the registry refuses) is cut.
    pub fn from_parents(parent: Vec<Option<u32>>) -> PeriodLayout {
        let n = parent.len();
        let mut depth = vec![u32::MAX; n];
        for start in 0..n {
            let mut chain = Vec::new();
            let mut cursor = Some(start as u32);
            while let Some(u) = cursor {
                if depth[u as usize] != u32::MAX || chain.contains(&u) || chain.len() > n {
                    break;
                }
                chain.push(u);
                cursor = parent[u as usize];
            }
            let mut d = cursor.map_or(0, |u| depth[u as usize].saturating_add(1));
            if d == u32::MAX {
                d = 0;
            }
            for u in chain.into_iter().rev() {
                depth[u as usize] = d;
                d += 1;
            }
        }
        let mut upward: Vec<u32> = (0..n as u32).collect();
        upward.sort_by_key(|u| std::cmp::Reverse(depth[*u as usize]));
        PeriodLayout { parent, upward }
    }

    /// Whether `unit` is `ancestor` or lies below it on this date.
    pub fn is_within(&self, unit: u32, ancestor: u32) -> bool {
        let mut cursor = Some(unit);
        let mut steps = 0;
        while let Some(u) = cursor {
            if u == ancestor {
                return true;
            }
            steps += 1;
            if steps > self.parent.len() {
                return false;
            }
            cursor = self.parent[u as usize];
        }
        false
    }

    /// For every position, whether it lies within `ancestor`.
    pub fn within(&self, ancestor: u32) -> Vec<bool> {
        let mut out = vec![false; self.parent.len()];
        // Parents come after their children in `upward`: walk it backwards.
        for &u in self.upward.iter().rev() {
            out[u as usize] =
                u == ancestor || self.parent[u as usize].is_some_and(|p| out[p as usize]);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `and`, `or` and `not` over every pair of true, false and unknown, against the
    /// tables of three-valued logic.
    #[test]
    fn three_valued_logic_follows_its_tables() {
        let value = |k: u8| match k {
            TRUE => Some(1.0),
            FALSE => Some(-1.0),
            _ => None,
        };
        let states = [FALSE, TRUE, UNKNOWN];
        let mut table = FactTable::new(0, Period::Year(2025), 2, 9);
        for (i, &x) in states.iter().enumerate() {
            for (j, &y) in states.iter().enumerate() {
                let filing = FilingRef {
                    filing_id: (i * 3 + j) as i64,
                    revision: 1,
                    approved: true,
                };
                table.push(
                    EnterpriseId(filing.filing_id),
                    0,
                    AttributeSet::default(),
                    0,
                    Some((&[value(x), value(y)], filing)),
                );
            }
        }
        let positive = |field| {
            RowCond::Compare(
                BinaryOp::Greater,
                RowNum::Field(field),
                RowNum::Constant(0.0),
            )
        };
        let and = table.condition(&RowCond::And(Box::new(positive(0)), Box::new(positive(1))));
        let or = table.condition(&RowCond::Or(Box::new(positive(0)), Box::new(positive(1))));
        let not = table.condition(&RowCond::Not(Box::new(positive(0))));
        for (i, &x) in states.iter().enumerate() {
            for (j, &y) in states.iter().enumerate() {
                let r = i * 3 + j;
                let expected_and = match (x, y) {
                    (FALSE, _) | (_, FALSE) => FALSE,
                    (TRUE, TRUE) => TRUE,
                    _ => UNKNOWN,
                };
                let expected_or = match (x, y) {
                    (TRUE, _) | (_, TRUE) => TRUE,
                    (FALSE, FALSE) => FALSE,
                    _ => UNKNOWN,
                };
                let expected_not = match x {
                    TRUE => FALSE,
                    FALSE => TRUE,
                    _ => UNKNOWN,
                };
                assert_eq!(and[r], expected_and, "{x} and {y}");
                assert_eq!(or[r], expected_or, "{x} or {y}");
                assert_eq!(not[r], expected_not, "not {x}");
            }
        }
    }
}
