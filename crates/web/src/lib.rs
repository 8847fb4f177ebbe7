//! The web layer of innozone: server-rendered pages (askama + htmx) and the JSON API.
//! Handlers parse the request, find the user and their scope, call the use cases of
//! `innozone-app`, and render. Nothing here decides what the domain decides.

mod assets;
mod auth;
mod error;
mod files;
mod language;
mod routes;
mod security;
mod state;
mod views;

use std::future::Future;

pub use routes::openapi::ApiDoc;
pub use state::{AppState, UPLOADS_AT_ONCE};

/// The whole application as one router.
pub fn router(state: AppState) -> axum::Router {
    routes::router(state)
}

/// Serves until `shutdown` completes. Each request knows the address it came from (the
/// throttling of failed log-ins counts by it).
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
}
