//! Evaluation's use cases: schemes installed as versions, the values entered for an
//! evaluation, runs over the parks of a zone kept once and compared, the robustness of a
//! run's ranks, and the development index.

mod assemble;
mod example;
mod index;
mod inputs;
mod kept;
mod profile;
mod robustness;
mod runs;
mod schemes;

pub use assemble::assemble;
pub use example::{EvaluationExample, load_example};
pub use index::{IndexView, index_view};
pub use inputs::{
    InputEntry, InputSheet, evaluated_units, input_history, input_sheet, may_enter_for,
    record_inputs,
};
pub use kept::{KeptRun, RunInputs, RunOutcome, RunUnit, TreatmentNote, UnitOutcome};
pub use profile::{NAMED, UnitProfile, unit_profile};
pub use robustness::{RunRobustness, run_robustness};
pub use runs::{
    Evaluated, InputChange, Movement, RunView, UnitMove, YearResult, evaluate, may_run, movement,
    run_inputs, run_view, visible_runs,
};
pub use schemes::{
    check_scheme, current_scheme, index_schemes, install_scheme, installed_schemes, parse_against,
    parse_kept, scheme_version, schemes_with_version_counts,
};
