//! Name resolution, type checking and lowering to a typed program.

use std::cmp::Ordering;
use std::fmt;

use super::ast::{BinaryOp, Expr, ExprKind};
use super::error::{ExprError, ExprErrorKind, ValueType};
use super::eval::{Frame, Record, compare};
use super::parser::parse;
use super::span::Span;

/// What a formula may refer to in its context.
pub trait Vocabulary {
    /// The slot of a field, if the context has it.
    fn field(&self, name: &str) -> Option<usize>;
    /// Every field name, to suggest the nearest one for a misspelling.
    fn field_names(&self) -> Vec<&str>;
    /// Whether values of that frame exist in this context: `prev_year(x)` reads
    /// `PreviousYear`, `prev_year2(x)` the same period two years before
    /// (`TwoYearsBefore`), `prev_period(x)` `PreviousPeriod`.
    fn has_frame(&self, frame: Frame) -> bool;
    /// The slot of a yes/no attribute that reads as a condition on its own (`high_tech`,
    /// `above_scale` in an indicator's filter): true when its value is present and not 0.
    fn flag(&self, _name: &str) -> Option<usize> {
        None
    }
}

/// A parsed, checked formula, ready to evaluate many times.
#[derive(Clone)]
pub struct Formula {
    source: String,
    program: Program,
    reads: Vec<(Frame, usize)>,
}

impl fmt::Debug for Formula {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Formula({:?})", self.source)
    }
}

impl PartialEq for Formula {
    fn eq(&self, other: &Formula) -> bool {
        self.source == other.source
    }
}

#[derive(Clone)]
enum Program {
    Number(Num),
    Condition(Cond),
}

#[derive(Clone)]
enum Num {
    Constant(f64),
    Field(Frame, usize),
    Negate(Box<Num>),
    Arithmetic(BinaryOp, Box<Num>, Box<Num>),
    Abs(Box<Num>),
    Min(Vec<Num>),
    Max(Vec<Num>),
    Round(Box<Num>, i32),
    Coalesce(Vec<Num>),
    If(Box<Cond>, Box<Num>, Box<Num>),
}

#[derive(Clone)]
enum Cond {
    Compare(BinaryOp, Num, Num),
    And(Box<Cond>, Box<Cond>),
    Or(Box<Cond>, Box<Cond>),
    Not(Box<Cond>),
    Present(Frame, usize),
    Flag(usize),
    If(Box<Cond>, Box<Cond>, Box<Cond>),
}

enum Typed {
    Number(Num),
    Condition(Cond),
    Text,
}

impl Typed {
    fn value_type(&self) -> ValueType {
        match self {
            Typed::Number(_) => ValueType::Number,
            Typed::Condition(_) => ValueType::Condition,
            Typed::Text => ValueType::Text,
        }
    }
}

impl Formula {
    /// Parses and checks a formula that yields a number (an indicator).
    pub fn number(source: &str, vocabulary: &dyn Vocabulary) -> Result<Formula, ExprError> {
        Formula::compile(source, vocabulary, ValueType::Number)
    }

    /// Parses and checks a formula that yields true or false (a rule, a criterion).
    pub fn condition(source: &str, vocabulary: &dyn Vocabulary) -> Result<Formula, ExprError> {
        Formula::compile(source, vocabulary, ValueType::Condition)
    }

    fn compile(
        source: &str,
        vocabulary: &dyn Vocabulary,
        wanted: ValueType,
    ) -> Result<Formula, ExprError> {
        let expr = parse(source)?;
        let mut lowering = Lowering {
            vocabulary,
            reads: Vec::new(),
        };
        let typed = lowering.lower(&expr)?;
        let program = match typed {
            Typed::Number(n) if wanted == ValueType::Number => Program::Number(n),
            Typed::Condition(c) if wanted == ValueType::Condition => Program::Condition(c),
            other => {
                return Err(ExprError::new(
                    ExprErrorKind::TypeMismatch {
                        expected: wanted,
                        found: other.value_type(),
                    },
                    expr.span,
                ));
            }
        };
        Ok(Formula {
            source: source.to_string(),
            program,
            reads: lowering.reads,
        })
    }

    pub fn source(&self) -> &str {
        &self.source
    }

    /// The values the formula reads, without repeats, in order of appearance.
    pub fn reads(&self) -> &[(Frame, usize)] {
        &self.reads
    }

    /// The value of a number formula; `None` when a value it needs is missing or it
    /// divides by zero. A condition formula gives 1 for true and 0 for false.
    pub fn evaluate_number(&self, record: &dyn Record) -> Option<f64> {
        match &self.program {
            Program::Number(n) => n.evaluate(record),
            Program::Condition(c) => c.evaluate(record).map(|b| if b { 1.0 } else { 0.0 }),
        }
    }

    /// The value of a condition formula; `None` when it cannot be decided.
    pub fn evaluate_condition(&self, record: &dyn Record) -> Option<bool> {
        match &self.program {
            Program::Condition(c) => c.evaluate(record),
            Program::Number(n) => n.evaluate(record).map(|v| v != 0.0),
        }
    }
}

struct Lowering<'a> {
    vocabulary: &'a dyn Vocabulary,
    reads: Vec<(Frame, usize)>,
}

impl Lowering<'_> {
    fn read(&mut self, frame: Frame, slot: usize) {
        if !self.reads.contains(&(frame, slot)) {
            self.reads.push((frame, slot));
        }
    }

    fn field(&mut self, name: &str, span: Span, frame: Frame) -> Result<usize, ExprError> {
        match self.vocabulary.field(name) {
            Some(slot) => {
                self.read(frame, slot);
                Ok(slot)
            }
            None => Err(ExprError::new(
                ExprErrorKind::UnknownField {
                    name: name.to_string(),
                    suggestion: nearest(name, &self.vocabulary.field_names()),
                },
                span,
            )),
        }
    }

    fn number(&mut self, expr: &Expr) -> Result<Num, ExprError> {
        match self.lower(expr)? {
            Typed::Number(n) => Ok(n),
            other => Err(mismatch(ValueType::Number, &other, expr.span)),
        }
    }

    fn condition(&mut self, expr: &Expr) -> Result<Cond, ExprError> {
        match self.lower(expr)? {
            Typed::Condition(c) => Ok(c),
            other => Err(mismatch(ValueType::Condition, &other, expr.span)),
        }
    }

    fn lower(&mut self, expr: &Expr) -> Result<Typed, ExprError> {
        Ok(match &expr.kind {
            ExprKind::Number(n) => Typed::Number(Num::Constant(*n)),
            ExprKind::Text(_) => Typed::Text,
            ExprKind::Name(name) => match self.vocabulary.flag(name) {
                Some(slot) => {
                    self.read(Frame::Current, slot);
                    Typed::Condition(Cond::Flag(slot))
                }
                None => Typed::Number(Num::Field(
                    Frame::Current,
                    self.field(name, expr.span, Frame::Current)?,
                )),
            },
            ExprKind::Negate(inner) => Typed::Number(Num::Negate(Box::new(self.number(inner)?))),
            ExprKind::Not(inner) => Typed::Condition(Cond::Not(Box::new(self.condition(inner)?))),
            ExprKind::Binary { op, left, right } => {
                if op.is_logical() {
                    let (l, r) = (self.condition(left)?, self.condition(right)?);
                    Typed::Condition(match op {
                        BinaryOp::And => Cond::And(Box::new(l), Box::new(r)),
                        _ => Cond::Or(Box::new(l), Box::new(r)),
                    })
                } else {
                    let (l, r) = (self.number(left)?, self.number(right)?);
                    if *op == BinaryOp::Divide && matches!(r, Num::Constant(d) if d == 0.0) {
                        return Err(ExprError::new(ExprErrorKind::DivisionByZero, right.span));
                    }
                    if op.is_comparison() {
                        Typed::Condition(Cond::Compare(*op, l, r))
                    } else {
                        Typed::Number(Num::Arithmetic(*op, Box::new(l), Box::new(r)))
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
    ) -> Result<Typed, ExprError> {
        let function = name.to_ascii_lowercase();
        let count = |expected: &'static str, ok: bool| {
            if ok {
                Ok(())
            } else {
                Err(ExprError::new(
                    ExprErrorKind::WrongArgumentCount {
                        function: function.clone(),
                        expected,
                        found: args.len(),
                    },
                    span,
                ))
            }
        };
        Ok(match function.as_str() {
            "abs" => {
                count("1", args.len() == 1)?;
                Typed::Number(Num::Abs(Box::new(self.number(&args[0])?)))
            }
            "min" | "max" | "coalesce" => {
                count("1+", !args.is_empty())?;
                let values = args
                    .iter()
                    .map(|a| self.number(a))
                    .collect::<Result<Vec<_>, _>>()?;
                Typed::Number(match function.as_str() {
                    "min" => Num::Min(values),
                    "max" => Num::Max(values),
                    _ => Num::Coalesce(values),
                })
            }
            "round" => {
                count("1-2", (1..=2).contains(&args.len()))?;
                let value = self.number(&args[0])?;
                let digits = match args.get(1).map(|a| &a.kind) {
                    None => 0,
                    Some(ExprKind::Number(d)) if d.fract() == 0.0 && d.abs() <= 12.0 => *d as i32,
                    Some(_) => {
                        return Err(mismatch(ValueType::Number, &Typed::Text, args[1].span));
                    }
                };
                Typed::Number(Num::Round(Box::new(value), digits))
            }
            "if" => {
                count("3", args.len() == 3)?;
                let test = self.condition(&args[0])?;
                match (self.lower(&args[1])?, self.lower(&args[2])?) {
                    (Typed::Number(a), Typed::Number(b)) => {
                        Typed::Number(Num::If(Box::new(test), Box::new(a), Box::new(b)))
                    }
                    (Typed::Condition(a), Typed::Condition(b)) => {
                        Typed::Condition(Cond::If(Box::new(test), Box::new(a), Box::new(b)))
                    }
                    (a, b) => {
                        let expected = match a {
                            Typed::Text => ValueType::Number,
                            ref known => known.value_type(),
                        };
                        let (found, at) = if a.value_type() == expected {
                            (b, args[2].span)
                        } else {
                            (a, args[1].span)
                        };
                        return Err(mismatch(expected, &found, at));
                    }
                }
            }
            "prev_year" | "prev_year2" | "prev_period" | "present" => {
                count("1", args.len() == 1)?;
                let frame = match function.as_str() {
                    "prev_year" => Frame::PreviousYear,
                    "prev_year2" => Frame::TwoYearsBefore,
                    "prev_period" => Frame::PreviousPeriod,
                    _ => Frame::Current,
                };
                if !self.vocabulary.has_frame(frame) {
                    return Err(ExprError::new(
                        ExprErrorKind::PeriodUnavailable(function.clone()),
                        name_span,
                    ));
                }
                let ExprKind::Name(field) = &args[0].kind else {
                    return Err(ExprError::new(
                        ExprErrorKind::FieldArgumentExpected(function.clone()),
                        args[0].span,
                    ));
                };
                let slot = self.field(field, args[0].span, frame)?;
                if function == "present" {
                    Typed::Condition(Cond::Present(frame, slot))
                } else {
                    Typed::Number(Num::Field(frame, slot))
                }
            }
            _ => {
                return Err(ExprError::new(
                    ExprErrorKind::UnknownFunction(name.to_string()),
                    name_span,
                ));
            }
        })
    }
}

fn mismatch(expected: ValueType, found: &Typed, span: Span) -> ExprError {
    ExprError::new(
        ExprErrorKind::TypeMismatch {
            expected,
            found: found.value_type(),
        },
        span,
    )
}

/// The known name closest to a misspelt one, if it is close enough to be what was meant.
pub(crate) fn nearest(name: &str, known: &[&str]) -> Option<String> {
    let name = name.to_ascii_lowercase();
    known
        .iter()
        .map(|k| (edit_distance(&name, &k.to_ascii_lowercase()), *k))
        .filter(|(d, k)| *d <= 2.max(k.chars().count() / 4))
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k.to_string())
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current.push(substitution.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

impl Num {
    fn evaluate(&self, record: &dyn Record) -> Option<f64> {
        match self {
            Num::Constant(c) => Some(*c),
            Num::Field(frame, slot) => record.value(*frame, *slot),
            Num::Negate(n) => n.evaluate(record).map(|v| -v),
            Num::Arithmetic(op, l, r) => {
                let (l, r) = (l.evaluate(record)?, r.evaluate(record)?);
                let value = match op {
                    BinaryOp::Add => l + r,
                    BinaryOp::Subtract => l - r,
                    BinaryOp::Multiply => l * r,
                    BinaryOp::Divide if r == 0.0 => return None,
                    _ => l / r,
                };
                value.is_finite().then_some(value)
            }
            Num::Abs(n) => n.evaluate(record).map(f64::abs),
            Num::Min(values) => fold(values, record, f64::min),
            Num::Max(values) => fold(values, record, f64::max),
            Num::Round(n, digits) => {
                let scale = 10f64.powi(*digits);
                n.evaluate(record).map(|v| (v * scale).round() / scale)
            }
            Num::Coalesce(values) => values.iter().find_map(|v| v.evaluate(record)),
            Num::If(test, a, b) => {
                if test.evaluate(record)? {
                    a.evaluate(record)
                } else {
                    b.evaluate(record)
                }
            }
        }
    }
}

fn fold(values: &[Num], record: &dyn Record, f: fn(f64, f64) -> f64) -> Option<f64> {
    let mut result: Option<f64> = None;
    for v in values {
        let v = v.evaluate(record)?;
        result = Some(result.map_or(v, |r| f(r, v)));
    }
    result
}

impl Cond {
    fn evaluate(&self, record: &dyn Record) -> Option<bool> {
        match self {
            Cond::Compare(op, l, r) => {
                let ordering = compare(l.evaluate(record)?, r.evaluate(record)?);
                Some(match op {
                    BinaryOp::Less => ordering == Ordering::Less,
                    BinaryOp::LessEqual => ordering != Ordering::Greater,
                    BinaryOp::Greater => ordering == Ordering::Greater,
                    BinaryOp::GreaterEqual => ordering != Ordering::Less,
                    BinaryOp::Equal => ordering == Ordering::Equal,
                    _ => ordering != Ordering::Equal,
                })
            }
            // Three-valued: a known false decides `and`, a known true decides `or`.
            Cond::And(l, r) => match (l.evaluate(record), r.evaluate(record)) {
                (Some(false), _) | (_, Some(false)) => Some(false),
                (Some(true), Some(true)) => Some(true),
                _ => None,
            },
            Cond::Or(l, r) => match (l.evaluate(record), r.evaluate(record)) {
                (Some(true), _) | (_, Some(true)) => Some(true),
                (Some(false), Some(false)) => Some(false),
                _ => None,
            },
            Cond::Not(c) => c.evaluate(record).map(|b| !b),
            Cond::Present(frame, slot) => Some(record.value(*frame, *slot).is_some()),
            Cond::Flag(slot) => record.value(Frame::Current, *slot).map(|v| v != 0.0),
            Cond::If(test, a, b) => {
                if test.evaluate(record)? {
                    a.evaluate(record)
                } else {
                    b.evaluate(record)
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::eval::Frames;
    use super::*;

    struct Fields {
        names: Vec<&'static str>,
        periods: bool,
        three_years: bool,
    }

    impl Vocabulary for Fields {
        fn field(&self, name: &str) -> Option<usize> {
            self.names.iter().position(|n| *n == name)
        }
        fn field_names(&self) -> Vec<&str> {
            self.names.clone()
        }
        fn has_frame(&self, frame: Frame) -> bool {
            match frame {
                Frame::Current | Frame::PreviousYear => true,
                Frame::PreviousPeriod => self.periods,
                Frame::TwoYearsBefore => self.three_years,
            }
        }
    }

    fn annual() -> Fields {
        Fields {
            names: vec!["employees", "rd_staff", "revenue", "rd_expenditure"],
            periods: false,
            three_years: false,
        }
    }

    fn check(source: &str, values: &[Option<f64>]) -> Option<bool> {
        Formula::condition(source, &annual())
            .unwrap()
            .evaluate_condition(&Frames {
                current: values,
                ..Frames::default()
            })
    }

    #[test]
    fn compares_fields() {
        let staff = |e, r| [Some(e), Some(r), None, None];
        assert_eq!(
            check("rd_staff <= employees", &staff(100.0, 40.0)),
            Some(true)
        );
        assert_eq!(
            check("rd_staff <= employees", &staff(100.0, 100.0)),
            Some(true)
        );
        assert_eq!(
            check("rd_staff <= employees", &staff(100.0, 101.0)),
            Some(false)
        );
        // A part summed in floating point equals its total.
        assert_eq!(check("0.1 + 0.2 == 0.3", &staff(0.0, 0.0)), Some(true));
    }

    #[test]
    fn missing_values_leave_a_rule_undecided() {
        assert_eq!(
            check("rd_staff <= employees", &[Some(10.0), None, None, None]),
            None
        );
        assert_eq!(
            check(
                "rd_staff / employees < 1",
                &[Some(0.0), Some(0.0), None, None]
            ),
            None
        );
        // …unless the known half decides it.
        assert_eq!(
            check(
                "employees > 5 and rd_staff > 0",
                &[Some(1.0), None, None, None]
            ),
            Some(false)
        );
        assert_eq!(
            check(
                "employees > 5 or rd_staff > 0",
                &[Some(10.0), None, None, None]
            ),
            Some(true)
        );
        assert_eq!(
            check("present(rd_staff)", &[Some(10.0), None, None, None]),
            Some(false)
        );
        assert_eq!(
            check(
                "coalesce(rd_staff, 0) == 0",
                &[Some(10.0), None, None, None]
            ),
            Some(true)
        );
    }

    #[test]
    fn looks_back_a_year() {
        let vocabulary = annual();
        let rule = Formula::condition("abs(revenue / prev_year(revenue) - 1) <= 0.5", &vocabulary)
            .unwrap();
        let current = [None, None, Some(151.0), None];
        let last = [None, None, Some(100.0), None];
        let with_last = Frames {
            current: &current,
            previous_year: Some(&last),
            previous_period: None,
        };
        assert_eq!(rule.evaluate_condition(&with_last), Some(false));
        let current = [None, None, Some(150.0), None];
        let exactly_half = Frames {
            current: &current,
            previous_year: Some(&last),
            previous_period: None,
        };
        assert_eq!(rule.evaluate_condition(&exactly_half), Some(true));
        let first_year = Frames {
            current: &current,
            ..Frames::default()
        };
        assert_eq!(rule.evaluate_condition(&first_year), None);
        assert_eq!(
            rule.reads(),
            &[(Frame::Current, 2), (Frame::PreviousYear, 2)]
        );
    }

    #[test]
    fn arithmetic_and_functions() {
        let v = annual();
        let values = [Some(10.0), Some(4.0), Some(-3.0), None];
        let frames = Frames {
            current: &values,
            ..Frames::default()
        };
        let n = |s: &str| Formula::number(s, &v).unwrap().evaluate_number(&frames);
        assert_eq!(n("employees - rd_staff * 2"), Some(2.0));
        assert_eq!(n("-(employees + revenue) / 2"), Some(-3.5));
        assert_eq!(n("abs(revenue)"), Some(3.0));
        assert_eq!(n("max(employees, rd_staff, 12)"), Some(12.0));
        assert_eq!(n("min(employees, rd_staff)"), Some(4.0));
        assert_eq!(n("min(employees, rd_expenditure)"), None);
        assert_eq!(n("round(rd_staff / employees * 100 / 3, 2)"), Some(13.33));
        assert_eq!(n("if(revenue < 0, 0, revenue)"), Some(0.0));
        assert_eq!(n("IF(revenue > 0, 1, 2)"), Some(2.0));
    }

    fn error(source: &str) -> ExprError {
        Formula::condition(source, &annual()).unwrap_err()
    }

    #[test]
    fn unknown_names_are_located_with_a_suggestion() {
        let err = error("rd_staf <= employees");
        assert_eq!(err.span, Span::new(0, 7));
        assert_eq!(
            err.kind,
            ExprErrorKind::UnknownField {
                name: "rd_staff".replace("ff", "f"),
                suggestion: Some("rd_staff".into())
            }
        );
        let err = error("employees >= turnover");
        assert_eq!(err.span, Span::new(13, 21));
        assert!(matches!(
            err.kind,
            ExprErrorKind::UnknownField {
                suggestion: None,
                ..
            }
        ));
        let err = error("sqrt(employees) > 1");
        assert_eq!(err.kind, ExprErrorKind::UnknownFunction("sqrt".into()));
        assert_eq!(err.span, Span::new(0, 4));
    }

    #[test]
    fn types_are_checked_where_they_go_wrong() {
        // A number where a rule needs a condition: the whole formula is marked.
        let err = error("employees + 1");
        assert_eq!(
            err.kind,
            ExprErrorKind::TypeMismatch {
                expected: ValueType::Condition,
                found: ValueType::Number
            }
        );
        assert_eq!(err.span, Span::new(0, 13));
        let err = error("(employees > 1) + 2 > 0");
        assert_eq!(
            err.kind,
            ExprErrorKind::TypeMismatch {
                expected: ValueType::Number,
                found: ValueType::Condition
            }
        );
        assert_eq!(err.span, Span::new(0, 15));
        let err = error("employees and rd_staff > 0");
        assert_eq!(err.span, Span::new(0, 9));
        let err = error("employees == 'many'");
        assert_eq!(err.span, Span::new(13, 19));
        let err = error("abs(employees, rd_staff) > 0");
        assert!(matches!(
            err.kind,
            ExprErrorKind::WrongArgumentCount { found: 2, .. }
        ));
        let err = error("prev_year(employees + 1) > 0");
        assert_eq!(
            err.kind,
            ExprErrorKind::FieldArgumentExpected("prev_year".into())
        );
        assert_eq!(err.span, Span::new(10, 23));
        let err = error("employees >= prev_period(employees)");
        assert_eq!(
            err.kind,
            ExprErrorKind::PeriodUnavailable("prev_period".into())
        );
        assert_eq!(err.span, Span::new(13, 24));
        let err = error("employees / 0 > 1");
        assert_eq!(err.kind, ExprErrorKind::DivisionByZero);
        assert_eq!(err.span, Span::new(12, 13));
        let err = error("if(employees > 0, 1, employees > 2)");
        assert_eq!(err.span, Span::new(21, 34));
    }

    /// Three fiscal years laid out by frame, as tier criteria read them.
    struct ThreeYears<'a>([Option<&'a [Option<f64>]>; 3]);

    impl Record for ThreeYears<'_> {
        fn value(&self, frame: Frame, slot: usize) -> Option<f64> {
            let year = match frame {
                Frame::Current => self.0[0],
                Frame::PreviousYear => self.0[1],
                Frame::TwoYearsBefore => self.0[2],
                Frame::PreviousPeriod => None,
            }?;
            year.get(slot).copied().flatten()
        }
    }

    #[test]
    fn looks_back_two_years_where_the_context_has_them() {
        let vocabulary = Fields {
            three_years: true,
            ..annual()
        };
        // R&D over three years against revenue of the same years.
        let rule = Formula::condition(
            "rd_expenditure + prev_year(rd_expenditure) + prev_year2(rd_expenditure) \
             >= 0.05 * (revenue + prev_year(revenue) + prev_year2(revenue))",
            &vocabulary,
        )
        .unwrap();
        let year = |revenue, rd| [None, None, Some(revenue), Some(rd)];
        let (y0, y1, y2) = (year(100.0, 6.0), year(100.0, 5.0), year(100.0, 4.0));
        let all = ThreeYears([Some(&y0), Some(&y1), Some(&y2)]);
        assert_eq!(rule.evaluate_condition(&all), Some(true));
        let y2 = year(100.0, 3.99);
        let short = ThreeYears([Some(&y0), Some(&y1), Some(&y2)]);
        assert_eq!(rule.evaluate_condition(&short), Some(false));
        let first_years = ThreeYears([Some(&y0), Some(&y1), None]);
        assert_eq!(rule.evaluate_condition(&first_years), None);
        assert_eq!(
            rule.reads(),
            &[
                (Frame::Current, 3),
                (Frame::PreviousYear, 3),
                (Frame::TwoYearsBefore, 3),
                (Frame::Current, 2),
                (Frame::PreviousYear, 2),
                (Frame::TwoYearsBefore, 2),
            ]
        );
        // Validation rules' frames never hold it: the value is missing, not wrong.
        let frames = Frames {
            current: &y0,
            previous_year: Some(&y1),
            previous_period: None,
        };
        assert_eq!(rule.evaluate_condition(&frames), None);
    }

    #[test]
    fn two_years_back_is_refused_where_the_context_has_no_such_year() {
        let err = error("employees >= prev_year2(employees)");
        assert_eq!(
            err.kind,
            ExprErrorKind::PeriodUnavailable("prev_year2".into())
        );
        assert_eq!(err.span, Span::new(13, 23));
        let vocabulary = Fields {
            three_years: true,
            ..annual()
        };
        let err = Formula::condition("prev_year2(employees * 2) > 0", &vocabulary).unwrap_err();
        assert_eq!(
            err.kind,
            ExprErrorKind::FieldArgumentExpected("prev_year2".into())
        );
        let err = Formula::condition("prev_year2(employes) > 0", &vocabulary).unwrap_err();
        assert_eq!(
            err.kind,
            ExprErrorKind::UnknownField {
                name: "employes".into(),
                suggestion: Some("employees".into())
            }
        );
        assert_eq!(err.span, Span::new(11, 19));
    }
}
