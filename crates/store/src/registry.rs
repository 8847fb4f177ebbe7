//! The registry (一区多园): units and their dated hierarchy, enterprises and their dated
//! locations, and the loading of whole data sets.

use std::collections::HashMap;

use async_trait::async_trait;
use innozone_domain::Date;
use innozone_domain::registry::import::{EnterpriseImportPlan, StoredEnterprise, UnitImportPlan};
use innozone_domain::registry::{
    CreditCode, Dataset, Enterprise, EnterpriseId, Hierarchy, Location, SizeClass, Tier, UnitId,
};
use serde::Serialize;

use crate::{Actor, Progress, StoreResult};

#[async_trait]
pub trait RegistryStore: Send + Sync {
    /// Whether the registry holds no unit yet (a new store gets the built-in example).
    async fn is_empty(&self) -> StoreResult<bool>;

    // ---- reads ----

    /// All units and all their dated memberships.
    async fn hierarchy(&self) -> StoreResult<Hierarchy>;
    /// An enterprise with its open location and the tiers it holds on `on` (the store
    /// does not read the clock: the caller says which day is today).
    async fn enterprise(&self, id: EnterpriseId, on: Date) -> StoreResult<Option<Enterprise>>;
    /// As [`RegistryStore::enterprise`], by credit code.
    async fn enterprise_by_code(
        &self,
        code: &CreditCode,
        on: Date,
    ) -> StoreResult<Option<Enterprise>>;
    /// What is stored for the given credit codes, for planning an import.
    async fn stored_enterprises(
        &self,
        codes: &[CreditCode],
    ) -> StoreResult<HashMap<CreditCode, StoredEnterprise>>;
    /// Every location of the enterprise, oldest first.
    async fn enterprise_locations(&self, id: EnterpriseId) -> StoreResult<Vec<Location>>;
    /// Enterprises in the query's parks, filtered and paged, ordered by name.
    async fn search_enterprises(&self, query: &EnterpriseQuery) -> StoreResult<EnterpriseList>;
    /// Counts of the enterprises located in each of the given units on `date` (directly,
    /// not below).
    async fn unit_figures(
        &self,
        units: &[UnitId],
        date: Date,
    ) -> StoreResult<HashMap<UnitId, UnitFigures>>;

    // ---- writes ----

    /// Applies a checked unit plan in one transaction, with an audit entry per change.
    async fn apply_unit_plan(
        &self,
        plan: &UnitImportPlan,
        actor: &Actor,
    ) -> StoreResult<ImportSummary>;
    /// Applies a checked enterprise plan in one transaction, with an audit entry per change.
    async fn apply_enterprise_plan(
        &self,
        plan: &EnterpriseImportPlan,
        actor: &Actor,
    ) -> StoreResult<ImportSummary>;
    /// Loads a whole data set into an empty registry (the examples), in one transaction,
    /// with one audit entry for the load.
    async fn load_dataset(
        &self,
        dataset: &Dataset,
        actor: &Actor,
        progress: Progress<'_>,
    ) -> StoreResult<ImportSummary>;
}

#[derive(Debug, Clone, Default)]
pub struct EnterpriseQuery {
    /// Part of the name or of the credit code.
    pub text: Option<String>,
    /// Located (on `today`, else now: the open location) in one of these units; `None`
    /// means anywhere. The scope of the user is expressed here by the caller.
    pub units: Option<Vec<UnitId>>,
    /// Only these enterprises (an enterprise filer's own).
    pub only: Option<Vec<EnterpriseId>>,
    /// Industry code prefix: "27" for a division, "2710" for a class.
    pub industry_prefix: Option<String>,
    pub size_class: Option<SizeClass>,
    /// Holding a recognition of this tier valid on `today`.
    pub tier: Option<Tier>,
    /// In (true) or out of (false) the statistical survey (入统).
    pub in_survey: Option<bool>,
    /// Today's date, for locations and recognitions: the store does not read the clock.
    /// Without it the open locations count and no tiers are read: every enterprise's
    /// `tiers` is empty and a `tier` filter matches none, as nothing is held on no day.
    pub today: Option<Date>,
    pub offset: i64,
    pub limit: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EnterpriseList {
    pub items: Vec<Enterprise>,
    pub total: i64,
}

/// Key figures of the enterprises located directly in a unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct UnitFigures {
    pub enterprises: i64,
    pub above_scale: i64,
    pub high_tech: i64,
    pub industrial: i64,
}

impl std::ops::AddAssign for UnitFigures {
    fn add_assign(&mut self, o: UnitFigures) {
        self.enterprises += o.enterprises;
        self.above_scale += o.above_scale;
        self.high_tech += o.high_tech;
        self.industrial += o.industrial;
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct ImportSummary {
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub moved: u64,
}
