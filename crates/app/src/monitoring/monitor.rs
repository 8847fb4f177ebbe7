//! The monitor keeps the facts it loaded per period, each with the fingerprint of the
//! filings it was read from, and reloads only the periods whose filings changed since
//! (or everything, when the registry, the statistics, the catalogue or the targets
//! changed). Computing the indicators from loaded facts is cheap and done per request.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use innozone_domain::monitoring::{
    Catalogue, Computation, PeriodData, TargetSet, UnitIndex, compute,
};
use innozone_domain::registry::{EnterpriseId, Hierarchy};
use innozone_domain::reporting::Period;
use innozone_store::Store;

use super::definitions::{current_catalogue, current_targets};
use super::facts::{Profile, load_period};
use crate::AppError;

/// Whether filings awaiting review count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Basis {
    /// Approved filings only (the figures the zone stands behind).
    #[default]
    Approved,
    /// Submitted filings too, before their review.
    IncludingUnapproved,
}

impl Basis {
    pub fn includes_unapproved(self) -> bool {
        self == Basis::IncludingUnapproved
    }

    pub fn code(self) -> &'static str {
        match self {
            Basis::Approved => "approved",
            Basis::IncludingUnapproved => "all",
        }
    }

    pub fn parse(code: &str) -> Basis {
        if code == "all" {
            Basis::IncludingUnapproved
        } else {
            Basis::Approved
        }
    }
}

/// Indicators computed for a set of periods, with what they were computed from.
#[derive(Debug)]
pub struct Snapshot {
    pub catalogue: Arc<Catalogue>,
    pub targets: Arc<TargetSet>,
    pub hierarchy: Arc<Hierarchy>,
    pub index: Arc<UnitIndex>,
    pub basis: Basis,
    pub computation: Computation,
}

struct Shared {
    fingerprint: i64,
    catalogue: Arc<Catalogue>,
    targets: Arc<TargetSet>,
    hierarchy: Arc<Hierarchy>,
    index: Arc<UnitIndex>,
    profiles: Arc<HashMap<EnterpriseId, Profile>>,
}

#[derive(Default)]
struct Cache {
    shared: Option<Arc<Shared>>,
    /// (period, basis) → (fingerprints of its forms' filings, the data).
    periods: HashMap<(Period, Basis), (Vec<i64>, Arc<PeriodData>)>,
}

/// Holds loaded facts between requests; one per running application.
#[derive(Default)]
pub struct Monitor {
    cache: Mutex<Cache>,
    /// How many periods' facts were read from the store since the start: what the cache
    /// saves, for logs and tests.
    loads: std::sync::atomic::AtomicU64,
}

impl std::fmt::Debug for Monitor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Monitor")
    }
}

impl Monitor {
    pub fn new() -> Monitor {
        Monitor::default()
    }

    /// How many periods' facts have been read from the store so far.
    pub fn periods_loaded(&self) -> u64 {
        self.loads.load(std::sync::atomic::Ordering::Relaxed)
    }

    async fn shared(&self, store: &dyn Store) -> Result<Option<Arc<Shared>>, AppError> {
        let fingerprint = store.monitoring_fingerprint().await?;
        if let Some(shared) = &self.lock().shared
            && shared.fingerprint == fingerprint
        {
            return Ok(Some(Arc::clone(shared)));
        }
        let Some(catalogue) = current_catalogue(store).await? else {
            return Ok(None);
        };
        let targets = current_targets(store, &catalogue).await?;
        let hierarchy = store.hierarchy().await?;
        let index = UnitIndex::new(hierarchy.units().map(|u| u.id));
        let profiles = super::facts::profiles(store).await?;
        let shared = Arc::new(Shared {
            fingerprint,
            catalogue: Arc::new(catalogue),
            targets: Arc::new(targets),
            hierarchy: Arc::new(hierarchy),
            index: Arc::new(index),
            profiles: Arc::new(profiles),
        });
        let mut cache = self.lock();
        cache.periods.clear();
        cache.shared = Some(Arc::clone(&shared));
        Ok(Some(shared))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Cache> {
        // A panic while holding the lock leaves only a cache behind: start it afresh.
        self.cache.lock().unwrap_or_else(|poisoned| {
            let mut guard = poisoned.into_inner();
            *guard = Cache::default();
            guard
        })
    }

    /// Every indicator for every unit in `periods` (and the periods their formulas look
    /// back to). `None` when no catalogue is installed.
    pub async fn snapshot(
        &self,
        store: &dyn Store,
        periods: &[Period],
        basis: Basis,
    ) -> Result<Option<Snapshot>, AppError> {
        let Some(shared) = self.shared(store).await? else {
            return Ok(None);
        };
        let catalogue = &shared.catalogue;
        let mut needed = std::collections::BTreeSet::new();
        for p in periods {
            needed.extend(catalogue.periods_needed(*p));
        }
        let mut data = Vec::with_capacity(needed.len());
        for period in needed {
            let mut fingerprints = Vec::new();
            for form in catalogue
                .forms
                .iter()
                .filter(|f| f.period_type == period.period_type())
            {
                fingerprints.push(store.filings_fingerprint(&form.code, period).await?);
            }
            let cached = self
                .lock()
                .periods
                .get(&(period, basis))
                .filter(|(f, _)| *f == fingerprints)
                .map(|(_, d)| Arc::clone(d));
            let loaded = match cached {
                Some(d) => d,
                None => {
                    self.loads
                        .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let d = Arc::new(
                        load_period(
                            store,
                            catalogue,
                            &shared.hierarchy,
                            &shared.index,
                            &shared.profiles,
                            period,
                            basis.includes_unapproved(),
                        )
                        .await?,
                    );
                    self.lock()
                        .periods
                        .insert((period, basis), (fingerprints, Arc::clone(&d)));
                    d
                }
            };
            data.push(loaded);
        }
        let computation = compute(catalogue, &shared.index, &data);
        Ok(Some(Snapshot {
            catalogue: Arc::clone(&shared.catalogue),
            targets: Arc::clone(&shared.targets),
            hierarchy: Arc::clone(&shared.hierarchy),
            index: Arc::clone(&shared.index),
            basis,
            computation,
        }))
    }
}
