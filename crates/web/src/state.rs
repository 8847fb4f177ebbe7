use std::sync::Arc;

use innozone_app::limits::Limits;
use innozone_domain::registry::Hierarchy;
use innozone_store::Store;
use tokio::sync::Semaphore;

use crate::error::WebError;

#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    /// Monitoring facts loaded per period, reloaded when their filings change.
    pub monitor: Arc<innozone_app::monitoring::Monitor>,
    /// Marks cookies `Secure`: on when served behind HTTPS.
    pub secure_cookies: bool,
    /// How large an upload may be (the body of a request) and what its file may unpack to
    /// and hold.
    pub limits: Limits,
    /// The uploads received and checked at once: an upload at the default limits takes
    /// up to about 250 MB from its body to its checks, so what uploads take is bounded by
    /// these permits times that, whatever is uploaded.
    pub uploads: Arc<Semaphore>,
}

/// How many uploads are received and checked at once; more wait for their turn.
pub const UPLOADS_AT_ONCE: usize = 2;

impl AppState {
    pub fn new(store: Arc<dyn Store>) -> AppState {
        AppState {
            store,
            monitor: Arc::new(innozone_app::monitoring::Monitor::new()),
            secure_cookies: false,
            limits: Limits::DEFAULT,
            uploads: Arc::new(Semaphore::new(UPLOADS_AT_ONCE)),
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

    /// The registry's units and memberships. A few thousand rows even at national scale,
    /// read per request so that several servers over one database never disagree.
    pub async fn hierarchy(&self) -> Result<Hierarchy, WebError> {
        Ok(self.store.hierarchy().await?)
    }
}
