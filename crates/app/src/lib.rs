//! The use cases of innozone. Each function here loads what the domain needs from the
//! store, lets the domain decide, and writes the result back through the store. The web
//! layer and the CLI only parse, call these and render.

pub mod accounts;
pub mod audit;
pub mod cache;
pub mod clock;
pub mod cultivation;
pub mod definitions;
pub mod desk;
pub mod error;
pub mod evaluation;
pub mod example;
pub mod issues;
pub mod limits;
pub mod monitoring;
pub mod registry;
pub mod reporting;
#[cfg(feature = "testing")]
pub mod testing;

pub use error::AppError;
