use std::sync::Arc;

use innozone_domain::registry::Hierarchy;
use innozone_store::Store;

use crate::error::WebError;

#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    /// Monitoring facts loaded per period, reloaded when their filings change.
    pub monitor: Arc<innozone_app::monitoring::Monitor>,
    /// Marks cookies `Secure`: on when served behind HTTPS.
    pub secure_cookies: bool,
}

impl AppState {
    pub fn new(store: Arc<dyn Store>) -> AppState {
        AppState {
            store,
            monitor: Arc::new(innozone_app::monitoring::Monitor::new()),
            secure_cookies: false,
        }
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
