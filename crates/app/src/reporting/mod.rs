//! Direct reporting's use cases: forms and periods, filing one enterprise's report,
//! review and closing, uploads of many, completeness and the export upward.

mod context;
mod export;
mod filing;
mod forms;
mod progress;
mod upload;

pub use context::{
    FilingContext, enterprises_by_id, form_version, located_park, period_closures, period_record,
    read_filing,
};
pub use export::{
    approved_export, completeness_sheet, filing_template, layout_headers, missing_sheet,
    unit_filing_template,
};
pub use filing::{
    CheckedEntries, FilingOutcome, RevisionView, act, check_entries, close_period, file, history,
};
pub use forms::{
    FormOverview, FormProgress, PeriodProgress, form_overview, forms_with_periods,
    forms_with_versions, install_form, install_form_versions, open_period, reporting_index,
};
pub use progress::{
    CompletenessView, MissingEnterprise, ParkCompleteness, completeness, completeness_counts,
    review_queue,
};
pub use upload::{UploadReport, upload_filings};

/// The text of a unit of measure, for labels and column headers.
pub fn unit_label(unit: innozone_domain::reporting::MeasureUnit, english: bool) -> &'static str {
    use innozone_domain::reporting::MeasureUnit::*;
    match (unit, english) {
        (Yuan, false) => "元",
        (Yuan, true) => "yuan",
        (ThousandYuan, false) => "千元",
        (ThousandYuan, true) => "thousand yuan",
        (TenThousandYuan, false) => "万元",
        (TenThousandYuan, true) => "10k yuan",
        (Persons, false) => "人",
        (Persons, true) => "persons",
        (PersonYears, false) => "人年",
        (PersonYears, true) => "person-years",
        (Pieces, false) => "件",
        (Pieces, true) => "items",
        (Tce, false) => "吨标准煤",
        (Tce, true) => "tce",
        (Mu, false) => "亩",
        (Mu, true) => "mu",
        (Percent, _) => "%",
    }
}
