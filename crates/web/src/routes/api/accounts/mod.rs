//! Accounts (账号): sessions and tokens, the users an administrator keeps, the audit trail.

pub mod audit;
pub mod sessions;
pub mod users;
