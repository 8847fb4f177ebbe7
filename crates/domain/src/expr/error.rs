use thiserror::Error;

use super::span::Span;

/// What is wrong with a formula, and where.
#[derive(Debug, Clone, PartialEq, Error)]
#[error("{kind} at {}..{}", span.start, span.end)]
pub struct ExprError {
    pub kind: ExprErrorKind,
    pub span: Span,
}

impl ExprError {
    pub fn new(kind: ExprErrorKind, span: Span) -> ExprError {
        ExprError { kind, span }
    }
}

/// The type of a value in a formula, for mismatch messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueType {
    Number,
    Condition,
    Text,
}

impl ValueType {
    pub fn code(self) -> &'static str {
        match self {
            ValueType::Number => "number",
            ValueType::Condition => "condition",
            ValueType::Text => "text",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Error)]
pub enum ExprErrorKind {
    #[error("the formula is empty")]
    Empty,
    #[error("unexpected character {0:?}")]
    UnexpectedCharacter(char),
    #[error("text is not closed by a quote")]
    UnterminatedText,
    #[error("{0:?} is not a number")]
    BadNumber(String),
    /// `expected` is a code: "operand", "end", "close", "comma_or_close".
    #[error("unexpected {found:?}, expected {expected}")]
    UnexpectedToken {
        found: String,
        expected: &'static str,
    },
    #[error("the formula ends too early")]
    UnexpectedEnd,
    #[error("an opening parenthesis is not closed")]
    UnclosedParenthesis,
    #[error("comparisons cannot be chained; join them with `and`")]
    ChainedComparison,
    #[error("unknown field {name:?}")]
    UnknownField {
        name: String,
        suggestion: Option<String>,
    },
    #[error("unknown function {0:?}")]
    UnknownFunction(String),
    #[error("{function} takes {expected} arguments, not {found}")]
    WrongArgumentCount {
        function: String,
        expected: &'static str,
        found: usize,
    },
    #[error("expected a {}, found a {}", expected.code(), found.code())]
    TypeMismatch {
        expected: ValueType,
        found: ValueType,
    },
    #[error("{0} needs a field name as its argument")]
    FieldArgumentExpected(String),
    /// The form has no such period to look back to (`prev_period` on an annual form).
    #[error("{0} is not available for this form's period type")]
    PeriodUnavailable(String),
    #[error("division by zero")]
    DivisionByZero,
    /// Adding, subtracting or comparing values of different dimensions (元 and 人).
    #[error("{left:?} and {right:?} cannot be added or compared")]
    DimensionMismatch {
        left: crate::monitoring::Dimension,
        right: crate::monitoring::Dimension,
    },
    /// Adding values of one dimension in different units (千元 and 元) inside `sum`.
    #[error("{left} and {right} are different units; convert one of them")]
    ScaleMismatch {
        left: crate::monitoring::QuantityUnit,
        right: crate::monitoring::QuantityUnit,
    },
    /// The formula's result does not have the dimension of the indicator's unit.
    #[error("the result is in {found:?}, the indicator's unit {declared} is not")]
    UnitMismatch {
        found: crate::monitoring::Dimension,
        declared: crate::monitoring::QuantityUnit,
    },
    /// `sum` or `count` inside the argument of another `sum` or `count`.
    #[error("{0} cannot be used inside sum or count")]
    NestedAggregate(String),
    /// A form field outside `sum` or `count`: a unit has no single value of it.
    #[error("the field {0:?} must be summed or counted: use sum({0})")]
    FieldOutsideAggregate(String),
    /// `sum` or `count` in an indicator that names no form to read.
    #[error("{0} needs the indicator to name the form it reads")]
    NoForm(String),
    /// The indicator depends on itself through the indicators listed, in order.
    #[error("indicators depend on each other in a cycle: {}", .0.join(" → "))]
    Cycle(Vec<String>),
    /// An indicator referring to another that reads a different form.
    #[error("indicator {0:?} reads another form")]
    OtherForm(String),
}
