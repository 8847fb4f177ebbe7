//! The JSON API over HTTP: each test starts the real application on a random port over a
//! fresh store (SQLite, or PostgreSQL when INNOZONE_TEST_POSTGRES_URL is set) and talks to
//! it as a client would.

mod cultivation_api;
mod cultivation_candidates;
mod cultivation_ladder;
mod cultivation_lists;
mod cultivation_pool;
mod documents;
mod evaluation_pages;
mod evaluation_report;
mod evaluation_setup;
mod filings;
mod hardening;
mod imports;
mod limits;
mod monitoring_entry;
mod monitoring_pages;
mod recognitions;
mod report_pages;
mod scope;
mod servers;
mod sessions;
mod support;
mod whole_example;
