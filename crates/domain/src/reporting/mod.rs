//! Direct reporting (一套表): form definitions, periods, filings and their checks, the
//! lifecycle of a filing, revisions and completeness. No I/O: the store keeps what these
//! types decide.

pub mod authority;
pub mod completeness;
pub mod form;
pub mod intake;
pub mod lifecycle;
pub mod period;
pub mod revision;
pub mod validation;
pub mod values;

pub use completeness::{Completeness, FilingProgress};
pub use form::{
    FieldDefinition, FieldGroup, FieldType, Form, FormError, MeasureUnit, Rule, RulePart, Severity,
};
pub use lifecycle::{FilingAction, FilingState, FilingStatus, LifecycleError};
pub use period::{Period, PeriodError, PeriodType};
pub use revision::FieldChange;
pub use validation::{Assessment, Context, Explanations, Finding, Problem};
pub use values::{EntryProblem, FilingValues};
