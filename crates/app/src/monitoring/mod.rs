//! Statistical monitoring's use cases: the indicator catalogue and targets in force,
//! the indicators computed from counted filings and entered statistics, dashboards,
//! drill-down to the enterprises behind a number, statistics entry and downloads.

mod definitions;
mod example;
mod facts;
mod monitor;
mod statistics;
mod views;

pub use definitions::{
    catalogue_in_force, check_catalogue, check_targets, current_catalogue, current_targets,
    install_catalogue, install_targets,
};
pub use example::{MonitoringExample, load_example};
pub use facts::{FormFilings, PeriodSource, Profile, period_data};
pub use monitor::{Basis, DEFAULT_BUDGET, Monitor, Snapshot};
pub use statistics::{
    StatisticEntry, StatisticsRow, StatisticsUpload, enter_statistic, record_statistics,
    statistic_history, statistics_table, statistics_template, upload_statistics,
};
pub use views::{
    Card, ChildValue, Dashboard, Drill, EnterpriseShare, Grouping, SeriesPoint, TargetCheck,
    Warning, dashboard, drill, drill_enterprises, group_keys, has_indicators, may_monitor,
    monitored_periods, reading, rounded,
};
