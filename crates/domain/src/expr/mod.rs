//! The expression language shared by validation rules, indicators and tier criteria.
//! A formula is parsed once into a located tree, checked against what its context
//! offers (the fields of a form, and which periods can be looked back to), and lowered
//! into a typed program that evaluates without allocating. A value that is missing,
//! or a division by zero, makes the result missing rather than wrong: a rule that
//! cannot be decided does not fire.

mod ast;
mod compile;
mod error;
mod eval;
mod lexer;
mod parser;
mod span;

pub use ast::{BinaryOp, Expr, ExprKind};
pub(crate) use compile::nearest;
pub use compile::{Formula, Vocabulary};
pub use error::{ExprError, ExprErrorKind, ValueType};
pub(crate) use eval::compare as compare_values;
pub use eval::{Frame, Frames, Record};
pub use parser::parse;
pub use span::Span;
