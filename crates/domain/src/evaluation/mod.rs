//! Evaluation (考核评价): schemes of dimensions and indicators with weights, the treatment
//! of data before scoring, scoring and normalisation methods, aggregation, grades, ranks
//! and consequences over years, and the robustness of ranks to the scheme's choices.
//! The methods follow the OECD/JRC Handbook on Constructing Composite Indicators and,
//! where it leaves a choice, the documented defaults of COINr, the JRC's reference
//! implementation; each module says which choice it makes.

pub mod aggregate;
pub mod data;
pub mod index;
pub mod inputs;
pub mod normalise;
pub mod robustness;
pub mod run;
pub mod scheme;
pub mod sensitivity;
pub mod treatment;
