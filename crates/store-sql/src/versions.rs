//! `CacheVersionStore`: one row per area of what servers keep in memory
//! (`cache_versions`), raised by the writers of the area in their own transaction and
//! read by each server once per request. Written once and expanded for each database
//! like the other areas.

macro_rules! sql_versions {
    (store: $store:ident, db: $db:ty $(,)?) => {
        mod versions_impl {
            use async_trait::async_trait;
            use innozone_store::{CacheVersionStore, CachedArea, StoreResult};

            use super::$store;
            use crate::error::db_error;

            type Conn = <$db as sqlx::Database>::Connection;

            /// Raises the area's version in the transaction of a write that changes it: the
            /// change and the new version become visible together. On PostgreSQL the row
            /// stays locked until the commit, so writers of one area follow each other
            /// (they are rare: units, memberships, whole data sets).
            pub(super) async fn raise(conn: &mut Conn, area: CachedArea) -> StoreResult<()> {
                sqlx::query(
                    "INSERT INTO cache_versions (area, version) VALUES ($1, 1) \
                     ON CONFLICT (area) DO UPDATE SET version = cache_versions.version + 1",
                )
                .bind(area.code())
                .execute(&mut *conn)
                .await
                .map_err(db_error)?;
                Ok(())
            }

            #[async_trait]
            impl CacheVersionStore for $store {
                async fn cache_version(&self, area: CachedArea) -> StoreResult<i64> {
                    let version: Option<i64> =
                        sqlx::query_scalar("SELECT version FROM cache_versions WHERE area = $1")
                            .bind(area.code())
                            .fetch_optional(&self.pool)
                            .await
                            .map_err(db_error)?;
                    Ok(version.unwrap_or(0))
                }
            }
        }
    };
}
