//! The 一区多园 registry (登记): units, enterprises, and files in and out.

pub mod enterprises;
pub mod table;
pub mod transfer;
pub mod units;
