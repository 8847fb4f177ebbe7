//! Versions of what servers keep in memory between requests. Several stateless servers may
//! share one database: each keeps its own copy of slowly-changing definitions (the unit
//! hierarchy, …) and asks, per request, for the one number that says whether its copy is
//! still the stored one. Every write that changes an area raises the area's version in
//! its own transaction, so that a reader never sees the change without the new version.

use async_trait::async_trait;

use crate::StoreResult;

/// What a server may keep in memory, each with a version of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CachedArea {
    /// Units and their dated memberships: what [`crate::RegistryStore::hierarchy`] reads.
    Hierarchy,
}

impl CachedArea {
    pub const ALL: [CachedArea; 1] = [CachedArea::Hierarchy];

    /// The key of the area's row in the store.
    pub fn code(self) -> &'static str {
        match self {
            CachedArea::Hierarchy => "hierarchy",
        }
    }
}

#[async_trait]
pub trait CacheVersionStore: Send + Sync {
    /// The area's version: it changes whenever what the area covers changes. A copy read
    /// after reading version `v` is at least as new as `v`.
    async fn cache_version(&self, area: CachedArea) -> StoreResult<i64>;
}
