//! What the store keeps of the enterprise ladder of tiers (梯度培育 认定条件): every version
//! a zone installs, as written, with the number its file declares, the form it was
//! checked against and who installed it when. Versions are only ever appended: a version
//! number is installed once and never overwritten, and nothing is deleted, so that the
//! ladder a list was made with can always be read again.

use async_trait::async_trait;
use serde::Serialize;

use crate::{Actor, StoreResult};

/// A ladder version to install: its file as written, checked by the application.
#[derive(Debug, Clone, PartialEq)]
pub struct NewLadder {
    /// The `version` inside the file.
    pub version: u32,
    /// The form the criteria were checked against, and its version.
    pub form_code: String,
    pub form_version: u32,
    pub source: String,
}

/// An installed version without its file, for lists.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LadderSummary {
    pub version: u32,
    pub form_code: String,
    pub form_version: u32,
    pub installed_at: i64,
    pub installed_by: String,
}

/// An installed version with its file, byte for byte as installed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LadderRecord {
    pub summary: LadderSummary,
    pub source: String,
}

#[async_trait]
pub trait LadderStore: Send + Sync {
    /// Appends a version, with an audit entry in the same transaction. Refused with
    /// `Duplicate` (entity `ladder`, key the version number) when that version is
    /// installed already; nothing is written then.
    async fn install_ladder(&self, ladder: &NewLadder, actor: &Actor)
    -> StoreResult<LadderSummary>;
    /// Every installed version, the highest version number first.
    async fn ladder_versions(&self) -> StoreResult<Vec<LadderSummary>>;
    /// Every installed version with its file, the highest version number first.
    async fn ladder_sources(&self) -> StoreResult<Vec<LadderRecord>>;
    /// One version by its number.
    async fn ladder_version(&self, version: u32) -> StoreResult<Option<LadderRecord>>;
    /// The installed version with the highest number.
    async fn latest_ladder(&self) -> StoreResult<Option<LadderRecord>>;
}
