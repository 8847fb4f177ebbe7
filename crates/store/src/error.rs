#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{entity} '{key}' does not exist")]
    NotFound { entity: &'static str, key: String },
    #[error("{entity} '{key}' already exists")]
    Duplicate { entity: &'static str, key: String },
    /// Someone else changed the record since it was read.
    #[error("{entity} '{key}' was changed meanwhile")]
    Conflict { entity: &'static str, key: String },
    #[error("the database cannot be opened: {0}")]
    Unavailable(String),
    #[error("the database schema could not be brought up to date: {0}")]
    Migration(String),
    #[error("the database failed: {0}")]
    Backend(String),
    #[error("stored data cannot be read: {0}")]
    Corrupt(String),
}

pub type StoreResult<T> = Result<T, StoreError>;
