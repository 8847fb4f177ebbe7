//! What a server keeps in memory between requests, and how it knows its copy is still the
//! stored one. Several stateless servers may share one database, so a copy is never
//! trusted for a time: each request reads the area's version from the store (one row, see
//! `innozone_store::CacheVersionStore`) and the copy is read again only when the version
//! moved. Writers raise the version in the transaction of their change.

use std::sync::{Arc, RwLock};

use innozone_domain::registry::Hierarchy;
use innozone_store::{CacheVersionStore, CachedArea, RegistryStore};

use crate::AppError;

/// One value read from the store, labelled with the area's version read just before it.
/// The value is therefore at least as new as its label: a change committed in between
/// only makes the next request read it again.
pub struct Versioned<T> {
    current: RwLock<Option<(i64, Arc<T>)>>,
    /// Held while the value is read, so that the requests that find it stale at once wait
    /// for one reading instead of each making their own.
    reading: tokio::sync::Mutex<()>,
    /// How many times the value was read: what the cache saves, for logs and tests.
    reads: std::sync::atomic::AtomicU64,
}

impl<T> Default for Versioned<T> {
    fn default() -> Self {
        Versioned {
            current: RwLock::new(None),
            reading: tokio::sync::Mutex::new(()),
            reads: std::sync::atomic::AtomicU64::new(0),
        }
    }
}

impl<T> std::fmt::Debug for Versioned<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Versioned")
            .field("version", &self.peek_version())
            .field("reads", &self.reads())
            .finish()
    }
}

impl<T> Versioned<T> {
    pub fn new() -> Self {
        Versioned::default()
    }

    /// How many times the value has been read so far.
    pub fn reads(&self) -> u64 {
        self.reads.load(std::sync::atomic::Ordering::Relaxed)
    }

    fn peek_version(&self) -> Option<i64> {
        self.current
            .read()
            .ok()
            .and_then(|c| c.as_ref().map(|(v, _)| *v))
    }

    /// The kept value when it carries `version`. Only an equal version counts: a store
    /// restored from a backup may count lower, and its data is then not the kept one.
    fn kept(&self, version: i64) -> Option<Arc<T>> {
        // A panic while holding the lock leaves only a cache behind: read afresh.
        let current = self.current.read().ok()?;
        match current.as_ref() {
            Some((v, value)) if *v == version => Some(Arc::clone(value)),
            _ => None,
        }
    }

    /// The value for `version`: the kept one, or `read` (called after the version was
    /// read) when the version moved.
    pub async fn get<E, F>(&self, version: i64, read: F) -> Result<Arc<T>, E>
    where
        F: std::future::Future<Output = Result<T, E>>,
    {
        if let Some(value) = self.kept(version) {
            return Ok(value);
        }
        let _reading = self.reading.lock().await;
        // Another request may have read it while this one waited.
        if let Some(value) = self.kept(version) {
            return Ok(value);
        }
        self.reads
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let value = Arc::new(read.await?);
        match self.current.write() {
            Ok(mut current) => *current = Some((version, Arc::clone(&value))),
            Err(poisoned) => *poisoned.into_inner() = Some((version, Arc::clone(&value))),
        }
        Ok(value)
    }
}

/// The registry's units and their dated memberships, kept between requests: a few thousand
/// rows at national scale, read again only when a write raised the hierarchy's version.
#[derive(Debug, Default)]
pub struct HierarchyCache {
    kept: Versioned<Hierarchy>,
}

impl HierarchyCache {
    pub fn new() -> HierarchyCache {
        HierarchyCache::default()
    }

    /// The stored hierarchy, as of this call.
    pub async fn hierarchy<S>(&self, store: &S) -> Result<Arc<Hierarchy>, AppError>
    where
        S: RegistryStore + CacheVersionStore + ?Sized,
    {
        let version = store.cache_version(CachedArea::Hierarchy).await?;
        self.kept
            .get(version, async { Ok(store.hierarchy().await?) })
            .await
    }

    /// How many times the hierarchy was read from the store.
    pub fn reads(&self) -> u64 {
        self.kept.reads()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn ok(value: &'static str) -> Result<&'static str, ()> {
        Ok(value)
    }

    #[tokio::test]
    async fn a_kept_value_is_read_again_only_when_its_version_moved() {
        let cache = Versioned::new();
        assert_eq!(*cache.get(1, ok("first")).await.unwrap(), "first");
        assert_eq!(*cache.get(1, ok("unread")).await.unwrap(), "first");
        assert_eq!(cache.reads(), 1);
        // A write raised the version: the stale copy is replaced.
        assert_eq!(*cache.get(2, ok("second")).await.unwrap(), "second");
        assert_eq!(*cache.get(2, ok("unread")).await.unwrap(), "second");
        assert_eq!(cache.reads(), 2);
        // A store restored to an older version is read again too, not trusted.
        assert_eq!(*cache.get(1, ok("restored")).await.unwrap(), "restored");
        assert_eq!(cache.reads(), 3);
    }

    #[tokio::test]
    async fn a_failed_read_keeps_nothing() {
        let cache: Versioned<&str> = Versioned::new();
        assert!(cache.get(1, async { Err::<&str, ()>(()) }).await.is_err());
        assert_eq!(*cache.get(1, ok("read")).await.unwrap(), "read");
        assert_eq!(cache.reads(), 2);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn requests_finding_it_stale_together_read_it_once() {
        let cache = Arc::new(Versioned::new());
        let tasks: Vec<_> = (0..16)
            .map(|_| {
                let cache = Arc::clone(&cache);
                tokio::spawn(async move {
                    cache
                        .get(7, async {
                            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                            Ok::<_, ()>("read")
                        })
                        .await
                        .unwrap()
                })
            })
            .collect();
        for t in tasks {
            assert_eq!(*t.await.unwrap(), "read");
        }
        assert_eq!(cache.reads(), 1);
    }
}
