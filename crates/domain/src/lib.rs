//! The innozone domain: the 一区多园 registry (units, dated membership, enterprises),
//! accounts with their scope, the audit trail's shape, and the parsing of tabular
//! records for import. Plain Rust: no I/O, no web types, no storage.

pub mod accounts;
pub mod cultivation;
pub mod evaluation;
pub mod expr;
pub mod monitoring;
pub mod registry;
pub mod reporting;
pub mod table;
pub mod unit_sheet;

pub use time::Date;
