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
    /// Behind a reverse proxy every connection comes from the proxy: then the client's
    /// address, which failed log-ins are throttled by, is the last one the proxy added
    /// to `X-Forwarded-For`. Off by default, as a client could name any address there.
    pub behind_proxy: bool,
    /// The pool that hashes passwords and the back-off of failed log-ins, this server's.
    pub login: Arc<innozone_app::accounts::LoginGuard>,
}

impl AppState {
    pub fn new(store: Arc<dyn Store>) -> AppState {
        AppState {
            store,
            monitor: Arc::new(innozone_app::monitoring::Monitor::new()),
            secure_cookies: false,
            behind_proxy: false,
            login: Arc::new(innozone_app::accounts::LoginGuard::for_this_machine()),
        }
    }

    pub fn store(&self) -> &dyn Store {
        self.store.as_ref()
    }

    /// The pool every password of this server's requests is hashed on.
    pub fn hashes(&self) -> &innozone_app::accounts::HashPool {
        &self.login.hashes
    }

    /// The registry's units and memberships. A few thousand rows even at national scale,
    /// read per request so that several servers over one database never disagree.
    pub async fn hierarchy(&self) -> Result<Hierarchy, WebError> {
        Ok(self.store.hierarchy().await?)
    }
}
