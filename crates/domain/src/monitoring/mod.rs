//! Statistical monitoring (统计监测): indicators as formulas over the sums and counts of
//! enterprises' filings and the statistics entered per unit, computed for every unit of
//! the hierarchy by location on the period's date (属地原则), and compared with targets.

mod attributes;
mod catalogue;
mod engine;
mod facts;
mod formula;
mod intake;
mod quantity;
mod targets;

pub use attributes::{Attribute, AttributeSet, is_high_tech_manufacturing};
pub use catalogue::{Catalogue, CatalogueError, CatalogueForm, Direction, Indicator, Statistic};
pub use engine::{
    Computation, Contribution, PeriodData, PeriodResult, TermTotals, Unavailable, Value, compute,
};
pub use facts::{FactTable, FilingRef, PeriodLayout, UnitIndex};
pub use formula::{Shift, Term, TermKind};
pub use intake::{
    StatisticEntry, StatisticIssue, StatisticProblem, UNIT_CODE_COLUMN, UNIT_NAME_COLUMN,
    read_statistics, statistic_header,
};
pub use quantity::{Dimension, QuantityUnit};
pub use targets::{
    Comparison, Path, Target, TargetError, TargetPoint, TargetSet, TargetStatus, Thresholds,
};

#[cfg(test)]
mod tests;
