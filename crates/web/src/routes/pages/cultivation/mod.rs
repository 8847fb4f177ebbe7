//! Enterprise cultivation (企业梯度培育): recognitions and certificates, the candidate and
//! warning lists, one enterprise's year against every tier, the ladder of tiers and its
//! versions, and the pool of every tier against its targets.

mod candidates;
mod checks;
mod ladder;
mod pool;
mod recognitions;

use axum::Router;

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(recognitions::router())
        .merge(candidates::router())
        .merge(checks::router())
        .merge(ladder::router())
        .merge(pool::router())
}
