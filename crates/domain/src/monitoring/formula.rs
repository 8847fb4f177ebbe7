//! Lowering an indicator's formula, parsed by the shared expression parser, into two
//! programs: a unit-level one (one value per unit and period, over sums, counts,
//! statistics and other indicators) and, inside each `sum` and `count`, row-level ones
//! evaluated over whole columns of enterprises at once. Dimensions are checked on the
//! way down, so that `sum(revenue) + sum(employees)` is refused when it is saved.

use std::collections::HashMap;

use crate::expr::{BinaryOp, Expr, ExprError, ExprErrorKind, Span, ValueType, nearest, parse};
use crate::reporting::{Form, PeriodType};

use super::attributes::Attribute;
use super::quantity::{Dimension, QuantityUnit};

/// A row-level number: one value per enterprise.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum RowNum {
    Constant(f64),
    Field(usize),
    IndustryDivision,
    IndustryGroup,
    IndustryClass,
    Negate(Box<RowNum>),
    Arithmetic(BinaryOp, Box<RowNum>, Box<RowNum>),
    Abs(Box<RowNum>),
    Min(Vec<RowNum>),
    Max(Vec<RowNum>),
    Round(Box<RowNum>, i32),
    Coalesce(Vec<RowNum>),
    If(Box<RowCond>, Box<RowNum>, Box<RowNum>),
}

/// A row-level condition: true, false or unknown per enterprise.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum RowCond {
    Compare(BinaryOp, RowNum, RowNum),
    And(Box<RowCond>, Box<RowCond>),
    Or(Box<RowCond>, Box<RowCond>),
    Not(Box<RowCond>),
    Flag(Attribute),
    Present(usize),
    If(Box<RowCond>, Box<RowCond>, Box<RowCond>),
}

/// Which earlier period a unit-level expression is read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Shift {
    /// The same period a year before.
    Year,
    /// The period before in the same year (quarters, months).
    Period,
}

/// A unit-level number.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum UnitNum {
    Constant(f64),
    Term(usize),
    Statistic(usize),
    Indicator(usize),
    Shift(Shift, Box<UnitNum>),
    /// A year-to-date amount's own quarter: itself less the period before, or itself in
    /// the first period of the year.
    Quarter(Box<UnitNum>),
    Negate(Box<UnitNum>),
    Arithmetic(BinaryOp, Box<UnitNum>, Box<UnitNum>),
    Abs(Box<UnitNum>),
    Min(Vec<UnitNum>),
    Max(Vec<UnitNum>),
    Round(Box<UnitNum>, i32),
    Coalesce(Vec<UnitNum>),
    If(Box<UnitCond>, Box<UnitNum>, Box<UnitNum>),
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum UnitCond {
    Compare(BinaryOp, UnitNum, UnitNum),
    And(Box<UnitCond>, Box<UnitCond>),
    Or(Box<UnitCond>, Box<UnitCond>),
    Not(Box<UnitCond>),
    If(Box<UnitCond>, Box<UnitCond>, Box<UnitCond>),
}

/// What an aggregate adds up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TermKind {
    Sum,
    Count,
}

/// One `sum(…)` or `count(…)` of a catalogue, shared by every indicator that writes it
/// the same way, so that it is computed once per period.
#[derive(Debug, Clone, PartialEq)]
pub struct Term {
    /// Index of the form in the catalogue's forms.
    pub form: usize,
    pub kind: TermKind,
    /// As written, without spaces: `sum(value_added,high_tech_industry)`.
    pub text: String,
    pub(crate) value: Option<RowNum>,
    pub(crate) filter: Option<RowCond>,
    /// Multiplies a sum of raw values into base units (千元 → 元).
    pub factor: f64,
    pub dimension: Dimension,
    /// The single field summed, when the value is one field: for drill-down columns.
    pub field: Option<usize>,
}

impl Term {
    /// Calls `read` with every field its value and filter read.
    pub(crate) fn fields_read(&self, read: &mut dyn FnMut(usize)) {
        if let Some(value) = &self.value {
            value.fields_read(read);
        }
        if let Some(filter) = &self.filter {
            filter.fields_read(read);
        }
    }
}

impl RowNum {
    fn fields_read(&self, read: &mut dyn FnMut(usize)) {
        match self {
            RowNum::Field(i) => read(*i),
            RowNum::Constant(_)
            | RowNum::IndustryDivision
            | RowNum::IndustryGroup
            | RowNum::IndustryClass => {}
            RowNum::Negate(n) | RowNum::Abs(n) | RowNum::Round(n, _) => n.fields_read(read),
            RowNum::Arithmetic(_, a, b) => {
                a.fields_read(read);
                b.fields_read(read);
            }
            RowNum::Min(list) | RowNum::Max(list) | RowNum::Coalesce(list) => {
                list.iter().for_each(|n| n.fields_read(read));
            }
            RowNum::If(test, a, b) => {
                test.fields_read(read);
                a.fields_read(read);
                b.fields_read(read);
            }
        }
    }
}

impl RowCond {
    fn fields_read(&self, read: &mut dyn FnMut(usize)) {
        match self {
            RowCond::Present(i) => read(*i),
            RowCond::Flag(_) => {}
            RowCond::Compare(_, a, b) => {
                a.fields_read(read);
                b.fields_read(read);
            }
            RowCond::And(a, b) | RowCond::Or(a, b) => {
                a.fields_read(read);
                b.fields_read(read);
            }
            RowCond::Not(c) => c.fields_read(read),
            RowCond::If(test, a, b) => {
                test.fields_read(read);
                a.fields_read(read);
                b.fields_read(read);
            }
        }
    }
}

/// What the lowering of one indicator can see.
pub(crate) struct Names<'a> {
    /// The indicator's form and its index among the catalogue's forms.
    pub form: Option<(&'a Form, usize)>,
    pub statistics: &'a HashMap<String, (usize, Dimension)>,
    /// Every indicator of the catalogue: code → (index, dimension of its unit, form).
    pub indicators: &'a HashMap<String, (usize, Dimension, Option<usize>)>,
}

/// A lowered indicator formula.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Lowered {
    pub program: UnitNum,
    pub dimension: Option<Dimension>,
    /// Indicators it refers to, with the place of the first mention.
    pub refers_to: Vec<(usize, Span)>,
}

/// Parses and lowers `source`; new terms are added to `terms`.
pub(crate) fn lower(
    source: &str,
    names: &Names<'_>,
    terms: &mut Vec<Term>,
) -> Result<Lowered, ExprError> {
    let expr = parse(source)?;
    let mut lowering = UnitLowering {
        source,
        names,
        terms,
        refers_to: Vec::new(),
    };
    let (program, dimension) = lowering.number(&expr)?;
    Ok(Lowered {
        program,
        dimension,
        refers_to: lowering.refers_to,
    })
}

enum UnitTyped {
    Number(UnitNum, Option<Dimension>),
    Condition(UnitCond),
    Text,
}

impl UnitTyped {
    fn value_type(&self) -> ValueType {
        match self {
            UnitTyped::Number(..) => ValueType::Number,
            UnitTyped::Condition(_) => ValueType::Condition,
            UnitTyped::Text => ValueType::Text,
        }
    }
}

fn error(kind: ExprErrorKind, span: Span) -> ExprError {
    ExprError::new(kind, span)
}

fn mismatch(expected: ValueType, found: ValueType, span: Span) -> ExprError {
    error(ExprErrorKind::TypeMismatch { expected, found }, span)
}

fn arguments(
    function: &str,
    args: &[Expr],
    span: Span,
    expected: &'static str,
    ok: bool,
) -> Result<(), ExprError> {
    if ok {
        Ok(())
    } else {
        Err(error(
            ExprErrorKind::WrongArgumentCount {
                function: function.to_string(),
                expected,
                found: args.len(),
            },
            span,
        ))
    }
}

/// The dimension of a sum or comparison of two values; `None` is a bare number, which
/// takes the other side's dimension.
fn same_dimension(
    left: Option<Dimension>,
    right: Option<Dimension>,
    span: Span,
) -> Result<Option<Dimension>, ExprError> {
    match (left, right) {
        (Some(l), Some(r)) if l != r => Err(error(
            ExprErrorKind::DimensionMismatch { left: l, right: r },
            span,
        )),
        (Some(d), _) | (_, Some(d)) => Ok(Some(d)),
        (None, None) => Ok(None),
    }
}

fn product(op: BinaryOp, left: Option<Dimension>, right: Option<Dimension>) -> Option<Dimension> {
    match (left, right) {
        (None, None) => None,
        (l, r) => {
            let (l, r) = (l.unwrap_or(Dimension::NONE), r.unwrap_or(Dimension::NONE));
            Some(if op == BinaryOp::Multiply {
                l.times(r)
            } else {
                l.over(r)
            })
        }
    }
}

fn round_digits(args: &[Expr]) -> Result<i32, ExprError> {
    match args.get(1).map(|a| &a.kind) {
        None => Ok(0),
        Some(crate::expr::ExprKind::Number(d)) if d.fract() == 0.0 && d.abs() <= 12.0 => {
            Ok(*d as i32)
        }
        Some(_) => Err(mismatch(ValueType::Number, ValueType::Text, args[1].span)),
    }
}

struct UnitLowering<'a, 'n> {
    source: &'a str,
    names: &'a Names<'n>,
    terms: &'a mut Vec<Term>,
    refers_to: Vec<(usize, Span)>,
}

impl UnitLowering<'_, '_> {
    fn number(&mut self, expr: &Expr) -> Result<(UnitNum, Option<Dimension>), ExprError> {
        match self.lower(expr)? {
            UnitTyped::Number(n, d) => Ok((n, d)),
            other => Err(mismatch(ValueType::Number, other.value_type(), expr.span)),
        }
    }

    fn condition(&mut self, expr: &Expr) -> Result<UnitCond, ExprError> {
        match self.lower(expr)? {
            UnitTyped::Condition(c) => Ok(c),
            other => Err(mismatch(
                ValueType::Condition,
                other.value_type(),
                expr.span,
            )),
        }
    }

    fn known_names(&self) -> Vec<&str> {
        self.names
            .statistics
            .keys()
            .chain(self.names.indicators.keys())
            .map(String::as_str)
            .collect()
    }

    fn name(&mut self, name: &str, span: Span) -> Result<UnitTyped, ExprError> {
        if let Some(&(i, d)) = self.names.statistics.get(name) {
            return Ok(UnitTyped::Number(UnitNum::Statistic(i), Some(d)));
        }
        if let Some(&(i, d, form)) = self.names.indicators.get(name) {
            let own = self.names.form.map(|(_, f)| f);
            if form.is_some() && own.is_some() && form != own {
                return Err(error(ExprErrorKind::OtherForm(name.to_string()), span));
            }
            if !self.refers_to.iter().any(|(r, _)| *r == i) {
                self.refers_to.push((i, span));
            }
            return Ok(UnitTyped::Number(UnitNum::Indicator(i), Some(d)));
        }
        if let Some((form, _)) = self.names.form
            && form.field_index(name).is_some()
        {
            return Err(error(
                ExprErrorKind::FieldOutsideAggregate(name.to_string()),
                span,
            ));
        }
        Err(error(
            ExprErrorKind::UnknownField {
                name: name.to_string(),
                suggestion: nearest(name, &self.known_names()),
            },
            span,
        ))
    }

    fn lower(&mut self, expr: &Expr) -> Result<UnitTyped, ExprError> {
        use crate::expr::ExprKind;
        Ok(match &expr.kind {
            ExprKind::Number(n) => UnitTyped::Number(UnitNum::Constant(*n), None),
            ExprKind::Text(_) => UnitTyped::Text,
            ExprKind::Name(name) => self.name(name, expr.span)?,
            ExprKind::Negate(inner) => {
                let (n, d) = self.number(inner)?;
                UnitTyped::Number(UnitNum::Negate(Box::new(n)), d)
            }
            ExprKind::Not(inner) => {
                UnitTyped::Condition(UnitCond::Not(Box::new(self.condition(inner)?)))
            }
            ExprKind::Binary { op, left, right } => {
                if op.is_logical() {
                    let (l, r) = (self.condition(left)?, self.condition(right)?);
                    UnitTyped::Condition(match op {
                        BinaryOp::And => UnitCond::And(Box::new(l), Box::new(r)),
                        _ => UnitCond::Or(Box::new(l), Box::new(r)),
                    })
                } else {
                    let (l, ld) = self.number(left)?;
                    let (r, rd) = self.number(right)?;
                    if *op == BinaryOp::Divide && matches!(r, UnitNum::Constant(d) if d == 0.0) {
                        return Err(error(ExprErrorKind::DivisionByZero, right.span));
                    }
                    match op {
                        BinaryOp::Multiply | BinaryOp::Divide => UnitTyped::Number(
                            UnitNum::Arithmetic(*op, Box::new(l), Box::new(r)),
                            product(*op, ld, rd),
                        ),
                        _ => {
                            let d = same_dimension(ld, rd, expr.span)?;
                            if op.is_comparison() {
                                UnitTyped::Condition(UnitCond::Compare(*op, l, r))
                            } else {
                                UnitTyped::Number(
                                    UnitNum::Arithmetic(*op, Box::new(l), Box::new(r)),
                                    d,
                                )
                            }
                        }
                    }
                }
            }
            ExprKind::Call {
                name,
                name_span,
                args,
            } => self.call(name, *name_span, args, expr.span)?,
        })
    }

    fn period_type(&self) -> Option<PeriodType> {
        self.names.form.map(|(f, _)| f.period_type)
    }

    fn call(
        &mut self,
        name: &str,
        name_span: Span,
        args: &[Expr],
        span: Span,
    ) -> Result<UnitTyped, ExprError> {
        let function = name.to_ascii_lowercase();
        let f = function.as_str();
        Ok(match f {
            "sum" | "count" => self.aggregate(f, args, span, name_span)?,
            "prev_year" | "prev_period" | "growth" | "growth_period" | "quarter" => {
                arguments(f, args, span, "1", args.len() == 1)?;
                let within_year = matches!(f, "prev_period" | "growth_period" | "quarter");
                if within_year
                    && !matches!(
                        self.period_type(),
                        Some(PeriodType::Quarterly | PeriodType::Monthly)
                    )
                {
                    return Err(error(
                        ExprErrorKind::PeriodUnavailable(function.clone()),
                        name_span,
                    ));
                }
                let (inner, d) = self.number(&args[0])?;
                let shift = if matches!(f, "prev_year" | "growth") {
                    Shift::Year
                } else {
                    Shift::Period
                };
                match f {
                    "prev_year" | "prev_period" => {
                        UnitTyped::Number(UnitNum::Shift(shift, Box::new(inner)), d)
                    }
                    "quarter" => UnitTyped::Number(UnitNum::Quarter(Box::new(inner)), d),
                    _ => {
                        let earlier = UnitNum::Shift(shift, Box::new(inner.clone()));
                        let ratio = UnitNum::Arithmetic(
                            BinaryOp::Divide,
                            Box::new(inner),
                            Box::new(earlier),
                        );
                        UnitTyped::Number(
                            UnitNum::Arithmetic(
                                BinaryOp::Subtract,
                                Box::new(ratio),
                                Box::new(UnitNum::Constant(1.0)),
                            ),
                            Some(Dimension::NONE),
                        )
                    }
                }
            }
            "abs" => {
                arguments(f, args, span, "1", args.len() == 1)?;
                let (n, d) = self.number(&args[0])?;
                UnitTyped::Number(UnitNum::Abs(Box::new(n)), d)
            }
            "min" | "max" | "coalesce" => {
                arguments(f, args, span, "1+", !args.is_empty())?;
                let mut values = Vec::with_capacity(args.len());
                let mut dimension = None;
                for a in args {
                    let (n, d) = self.number(a)?;
                    dimension = same_dimension(dimension, d, a.span)?;
                    values.push(n);
                }
                UnitTyped::Number(
                    match f {
                        "min" => UnitNum::Min(values),
                        "max" => UnitNum::Max(values),
                        _ => UnitNum::Coalesce(values),
                    },
                    dimension,
                )
            }
            "round" => {
                arguments(f, args, span, "1-2", (1..=2).contains(&args.len()))?;
                let (n, d) = self.number(&args[0])?;
                UnitTyped::Number(UnitNum::Round(Box::new(n), round_digits(args)?), d)
            }
            "if" => {
                arguments(f, args, span, "3", args.len() == 3)?;
                let test = self.condition(&args[0])?;
                match (self.lower(&args[1])?, self.lower(&args[2])?) {
                    (UnitTyped::Number(a, ad), UnitTyped::Number(b, bd)) => {
                        let d = same_dimension(ad, bd, span)?;
                        UnitTyped::Number(UnitNum::If(Box::new(test), Box::new(a), Box::new(b)), d)
                    }
                    (UnitTyped::Condition(a), UnitTyped::Condition(b)) => {
                        UnitTyped::Condition(UnitCond::If(Box::new(test), Box::new(a), Box::new(b)))
                    }
                    (a, b) => {
                        let expected = match a {
                            UnitTyped::Text => ValueType::Number,
                            ref known => known.value_type(),
                        };
                        let (found, at) = if a.value_type() == expected {
                            (b.value_type(), args[2].span)
                        } else {
                            (a.value_type(), args[1].span)
                        };
                        return Err(mismatch(expected, found, at));
                    }
                }
            }
            _ => {
                return Err(error(
                    ExprErrorKind::UnknownFunction(name.to_string()),
                    name_span,
                ));
            }
        })
    }

    fn aggregate(
        &mut self,
        function: &str,
        args: &[Expr],
        span: Span,
        name_span: Span,
    ) -> Result<UnitTyped, ExprError> {
        let Some((form, form_index)) = self.names.form else {
            return Err(error(
                ExprErrorKind::NoForm(function.to_string()),
                name_span,
            ));
        };
        let mut rows = RowLowering { form };
        let (kind, value, filter, factor, dimension, field) = if function == "sum" {
            arguments(function, args, span, "1-2", (1..=2).contains(&args.len()))?;
            let (value, unit) = rows.number(&args[0])?;
            let filter = args.get(1).map(|a| rows.condition(a)).transpose()?;
            let (dimension, factor) = unit.unwrap_or((Dimension::NONE, 1.0));
            let field = match value {
                RowNum::Field(i) => Some(i),
                _ => None,
            };
            (TermKind::Sum, Some(value), filter, factor, dimension, field)
        } else {
            arguments(function, args, span, "0-1", args.len() <= 1)?;
            let filter = args.first().map(|a| rows.condition(a)).transpose()?;
            (
                TermKind::Count,
                None,
                filter,
                1.0,
                Dimension::ENTERPRISES,
                None,
            )
        };
        let text: String = span
            .text(self.source)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        let index = match self
            .terms
            .iter()
            .position(|t| t.form == form_index && t.kind == kind && t.text == text)
        {
            Some(i) => i,
            None => {
                self.terms.push(Term {
                    form: form_index,
                    kind,
                    text,
                    value,
                    filter,
                    factor,
                    dimension,
                    field,
                });
                self.terms.len() - 1
            }
        };
        Ok(UnitTyped::Number(UnitNum::Term(index), Some(dimension)))
    }
}

/// A row value's unit: its dimension and how many base units one raw value is.
type RowUnit = Option<(Dimension, f64)>;

enum RowTyped {
    Number(RowNum, RowUnit),
    Condition(RowCond),
    Text,
}

impl RowTyped {
    fn value_type(&self) -> ValueType {
        match self {
            RowTyped::Number(..) => ValueType::Number,
            RowTyped::Condition(_) => ValueType::Condition,
            RowTyped::Text => ValueType::Text,
        }
    }
}

fn unit_named(dimension: Dimension, factor: f64) -> QuantityUnit {
    QuantityUnit::ALL
        .into_iter()
        .find(|u| u.dimension() == dimension && u.factor() == factor)
        .unwrap_or(QuantityUnit::Number)
}

fn same_row_unit(left: RowUnit, right: RowUnit, span: Span) -> Result<RowUnit, ExprError> {
    match (left, right) {
        (Some((ld, _)), Some((rd, _))) if ld != rd => Err(error(
            ExprErrorKind::DimensionMismatch {
                left: ld,
                right: rd,
            },
            span,
        )),
        (Some((d, lf)), Some((_, rf))) if lf != rf => Err(error(
            ExprErrorKind::ScaleMismatch {
                left: unit_named(d, lf),
                right: unit_named(d, rf),
            },
            span,
        )),
        (Some(u), _) | (_, Some(u)) => Ok(Some(u)),
        (None, None) => Ok(None),
    }
}

struct RowLowering<'a> {
    form: &'a Form,
}

impl RowLowering<'_> {
    fn number(&mut self, expr: &Expr) -> Result<(RowNum, RowUnit), ExprError> {
        match self.lower(expr)? {
            RowTyped::Number(n, u) => Ok((n, u)),
            other => Err(mismatch(ValueType::Number, other.value_type(), expr.span)),
        }
    }

    fn condition(&mut self, expr: &Expr) -> Result<RowCond, ExprError> {
        match self.lower(expr)? {
            RowTyped::Condition(c) => Ok(c),
            other => Err(mismatch(
                ValueType::Condition,
                other.value_type(),
                expr.span,
            )),
        }
    }

    fn name(&self, name: &str, span: Span) -> Result<RowTyped, ExprError> {
        if let Some(i) = self.form.field_index(name) {
            let unit = QuantityUnit::of_field(Some(self.form.fields[i].unit));
            return Ok(RowTyped::Number(
                RowNum::Field(i),
                Some((unit.dimension(), unit.factor())),
            ));
        }
        if let Some(attribute) = Attribute::parse(name) {
            return Ok(RowTyped::Condition(RowCond::Flag(attribute)));
        }
        let industry = match name {
            "industry_division" => Some(RowNum::IndustryDivision),
            "industry_group" => Some(RowNum::IndustryGroup),
            "industry_class" => Some(RowNum::IndustryClass),
            _ => None,
        };
        if let Some(n) = industry {
            return Ok(RowTyped::Number(n, None));
        }
        let mut known: Vec<&str> = self.form.fields.iter().map(|f| f.code.as_str()).collect();
        known.extend(Attribute::ALL.iter().map(|a| a.code()));
        known.extend(["industry_division", "industry_group", "industry_class"]);
        Err(error(
            ExprErrorKind::UnknownField {
                name: name.to_string(),
                suggestion: nearest(name, &known),
            },
            span,
        ))
    }

    fn lower(&mut self, expr: &Expr) -> Result<RowTyped, ExprError> {
        use crate::expr::ExprKind;
        Ok(match &expr.kind {
            ExprKind::Number(n) => RowTyped::Number(RowNum::Constant(*n), None),
            ExprKind::Text(_) => RowTyped::Text,
            ExprKind::Name(name) => self.name(name, expr.span)?,
            ExprKind::Negate(inner) => {
                let (n, u) = self.number(inner)?;
                RowTyped::Number(RowNum::Negate(Box::new(n)), u)
            }
            ExprKind::Not(inner) => {
                RowTyped::Condition(RowCond::Not(Box::new(self.condition(inner)?)))
            }
            ExprKind::Binary { op, left, right } => {
                if op.is_logical() {
                    let (l, r) = (self.condition(left)?, self.condition(right)?);
                    RowTyped::Condition(match op {
                        BinaryOp::And => RowCond::And(Box::new(l), Box::new(r)),
                        _ => RowCond::Or(Box::new(l), Box::new(r)),
                    })
                } else {
                    let (l, lu) = self.number(left)?;
                    let (r, ru) = self.number(right)?;
                    if *op == BinaryOp::Divide && matches!(r, RowNum::Constant(d) if d == 0.0) {
                        return Err(error(ExprErrorKind::DivisionByZero, right.span));
                    }
                    match op {
                        BinaryOp::Multiply | BinaryOp::Divide => {
                            let unit = match (lu, ru) {
                                (None, None) => None,
                                (l, r) => {
                                    let (ld, lf) = l.unwrap_or((Dimension::NONE, 1.0));
                                    let (rd, rf) = r.unwrap_or((Dimension::NONE, 1.0));
                                    Some(if *op == BinaryOp::Multiply {
                                        (ld.times(rd), lf * rf)
                                    } else {
                                        (ld.over(rd), lf / rf)
                                    })
                                }
                            };
                            RowTyped::Number(
                                RowNum::Arithmetic(*op, Box::new(l), Box::new(r)),
                                unit,
                            )
                        }
                        _ => {
                            let unit = same_row_unit(lu, ru, expr.span)?;
                            if op.is_comparison() {
                                RowTyped::Condition(RowCond::Compare(*op, l, r))
                            } else {
                                RowTyped::Number(
                                    RowNum::Arithmetic(*op, Box::new(l), Box::new(r)),
                                    unit,
                                )
                            }
                        }
                    }
                }
            }
            ExprKind::Call {
                name,
                name_span,
                args,
            } => self.call(name, *name_span, args, expr.span)?,
        })
    }

    fn call(
        &mut self,
        name: &str,
        name_span: Span,
        args: &[Expr],
        span: Span,
    ) -> Result<RowTyped, ExprError> {
        let function = name.to_ascii_lowercase();
        let f = function.as_str();
        Ok(match f {
            "sum" | "count" => {
                return Err(error(ExprErrorKind::NestedAggregate(function), name_span));
            }
            "abs" => {
                arguments(f, args, span, "1", args.len() == 1)?;
                let (n, u) = self.number(&args[0])?;
                RowTyped::Number(RowNum::Abs(Box::new(n)), u)
            }
            "min" | "max" | "coalesce" => {
                arguments(f, args, span, "1+", !args.is_empty())?;
                let mut values = Vec::with_capacity(args.len());
                let mut unit = None;
                for a in args {
                    let (n, u) = self.number(a)?;
                    unit = same_row_unit(unit, u, a.span)?;
                    values.push(n);
                }
                RowTyped::Number(
                    match f {
                        "min" => RowNum::Min(values),
                        "max" => RowNum::Max(values),
                        _ => RowNum::Coalesce(values),
                    },
                    unit,
                )
            }
            "round" => {
                arguments(f, args, span, "1-2", (1..=2).contains(&args.len()))?;
                let (n, u) = self.number(&args[0])?;
                RowTyped::Number(RowNum::Round(Box::new(n), round_digits(args)?), u)
            }
            "present" => {
                arguments(f, args, span, "1", args.len() == 1)?;
                let crate::expr::ExprKind::Name(field) = &args[0].kind else {
                    return Err(error(
                        ExprErrorKind::FieldArgumentExpected(function.clone()),
                        args[0].span,
                    ));
                };
                match self.form.field_index(field) {
                    Some(i) => RowTyped::Condition(RowCond::Present(i)),
                    None => {
                        self.name(field, args[0].span)?;
                        return Err(error(
                            ExprErrorKind::FieldArgumentExpected(function.clone()),
                            args[0].span,
                        ));
                    }
                }
            }
            "if" => {
                arguments(f, args, span, "3", args.len() == 3)?;
                let test = self.condition(&args[0])?;
                match (self.lower(&args[1])?, self.lower(&args[2])?) {
                    (RowTyped::Number(a, au), RowTyped::Number(b, bu)) => {
                        let unit = same_row_unit(au, bu, span)?;
                        RowTyped::Number(RowNum::If(Box::new(test), Box::new(a), Box::new(b)), unit)
                    }
                    (RowTyped::Condition(a), RowTyped::Condition(b)) => {
                        RowTyped::Condition(RowCond::If(Box::new(test), Box::new(a), Box::new(b)))
                    }
                    (a, b) => {
                        let found = if a.value_type() == ValueType::Text {
                            a.value_type()
                        } else {
                            b.value_type()
                        };
                        return Err(mismatch(ValueType::Number, found, span));
                    }
                }
            }
            // prev_year and the like look back at a unit's total, not at one enterprise.
            _ => {
                return Err(error(
                    ExprErrorKind::UnknownFunction(name.to_string()),
                    name_span,
                ));
            }
        })
    }
}
