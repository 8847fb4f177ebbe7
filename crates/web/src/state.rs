use std::sync::Arc;

use innozone_app::limits::Limits;
use innozone_app::monitoring::{self, Monitor};
use innozone_app::registry::HierarchyCache;
use innozone_domain::registry::Hierarchy;
use innozone_store::Store;
use tokio::sync::Semaphore;

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
    /// How large an upload may be (the body of a request) and what its file may unpack to
    /// and hold.
    pub limits: Limits,
    /// The uploads received and checked at once: an upload at the default limits takes
    /// up to about 250 MB from its body to its checks, so what uploads take is bounded by
    /// these permits times that, whatever is uploaded.
    pub uploads: Arc<Semaphore>,
    /// Behind a reverse proxy every connection comes from the proxy: then the client's
    /// address, which failed log-ins are throttled by, is the last one the proxy added
    /// to `X-Forwarded-For`. Off by default, as a client could name any address there.
    pub behind_proxy: bool,
    /// The pool that hashes passwords and the back-off of failed log-ins, this server's.
    pub login: Arc<innozone_app::accounts::LoginGuard>,
}

/// How many uploads are received and checked at once; more wait for their turn.
pub const UPLOADS_AT_ONCE: usize = 2;

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
            limits: Limits::DEFAULT,
            uploads: Arc::new(Semaphore::new(UPLOADS_AT_ONCE)),
            behind_proxy: false,
            login: Arc::new(innozone_app::accounts::LoginGuard::for_this_machine()),
        }
    }

    /// The same state with other limits.
    pub fn with_limits(mut self, limits: Limits) -> AppState {
        self.limits = limits;
        self
    }

    pub fn store(&self) -> &dyn Store {
        self.store.as_ref()
    }

    /// The pool every password of this server's requests is hashed on.
    pub fn hashes(&self) -> &innozone_app::accounts::HashPool {
        &self.login.hashes
    }

    /// The registry's units and memberships as stored now: one version row read per
    /// request, the whole hierarchy only when it changed, so that several servers over one
    /// database never disagree.
    pub async fn hierarchy(&self) -> Result<Arc<Hierarchy>, WebError> {
        Ok(self.hierarchy.hierarchy(self.store()).await?)
    }
}
