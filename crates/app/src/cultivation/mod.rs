//! Enterprise cultivation (企业梯度培育): recognitions and their certificates, the ladder of
//! tiers as installed versions, one enterprise's year against every tier, the candidate
//! and warning lists, the pool of every tier against its targets, and the example's
//! recognitions derived from its filings.

pub mod checks;
pub mod example;
pub mod ladder;
pub mod lists;
pub mod pool;
pub mod recognitions;

pub use lists::*;
