use std::sync::Arc;

use innozone_app::monitoring::{self, Monitor};
use innozone_app::registry::HierarchyCache;
use innozone_domain::registry::Hierarchy;
use innozone_store::Store;

use crate::error::WebError;

#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    /// The registry's units and memberships, kept between requests and read again when a
    /// write changed them (here or through another server on the same database).
    pub hierarchy: Arc<HierarchyCache>,
    /// Monitoring facts loaded per period, reloaded when their filings change.
    pub monitor: Arc<Monitor>,
    /// Marks cookies `Secure`: on when served behind HTTPS.
    pub secure_cookies: bool,
}

impl AppState {
    pub fn new(store: Arc<dyn Store>) -> AppState {
        AppState::keeping(store, monitoring::DEFAULT_BUDGET)
    }

    /// A state whose monitor keeps at most about `monitor_budget` bytes of facts and
    /// computed indicators between requests.
    pub fn keeping(store: Arc<dyn Store>, monitor_budget: usize) -> AppState {
        let hierarchy = Arc::new(HierarchyCache::new());
        AppState {
            store,
            monitor: Arc::new(Monitor::sharing(Arc::clone(&hierarchy), monitor_budget)),
            hierarchy,
            secure_cookies: false,
        }
    }

    pub fn store(&self) -> &dyn Store {
        self.store.as_ref()
    }

    /// The registry's units and memberships as stored now: one version row read per
    /// request, the whole hierarchy only when it changed, so that several servers over one
    /// database never disagree.
    pub async fn hierarchy(&self) -> Result<Arc<Hierarchy>, WebError> {
        Ok(self.hierarchy.hierarchy(self.store()).await?)
    }
}
