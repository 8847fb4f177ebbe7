//! The OpenAPI document of the JSON API.

use axum::Json;
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(info(title = "innozone API", description = "The JSON API of the innozone platform."))]
pub struct ApiDoc;

pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
