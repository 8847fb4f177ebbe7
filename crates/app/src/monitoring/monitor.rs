//! The monitor keeps, between requests, what the indicators are computed from and what
//! was computed. The facts of each period are kept with the fingerprint of the filings
//! they were read from, and the indicators computed over a set of periods are kept with
//! the fingerprints of all of them: a request whose periods' filings have not changed is
//! answered from memory, a new or corrected filing makes only its own period be read and
//! computed again, and a change of the registry, the statistics, the catalogue or the
//! targets (the monitoring fingerprint) starts everything afresh. Every request still asks
//! the store for the fingerprints, so that several servers over one database agree.
//!
//! What is kept is bounded: past a budget of bytes the least recently used periods and
//! computations are let go (at national scale one period's facts are tens of megabytes).

use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
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
use crate::cache::HierarchyCache;

/// What a monitor keeps at most, in bytes of facts and computed values, unless told
/// otherwise: enough for a national dashboard's sixteen years and a few more periods.
pub const DEFAULT_BUDGET: usize = 768 * 1024 * 1024;

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
    /// Shared with the other requests over the same periods and filings.
    pub computation: Arc<Computation>,
}

/// What every period is read and computed with; read again when the monitoring
/// fingerprint moves.
struct Shared {
    fingerprint: i64,
    catalogue: Arc<Catalogue>,
    targets: Arc<TargetSet>,
    hierarchy: Arc<Hierarchy>,
    index: Arc<UnitIndex>,
    profiles: Arc<HashMap<EnterpriseId, Profile>>,
}

/// The periods a computation was made from, each with its forms' filings fingerprints,
/// in period order.
type Made = Vec<(Period, Vec<i64>)>;

struct KeptPeriod {
    /// The monitoring fingerprint it was read under.
    shared: i64,
    fingerprints: Vec<i64>,
    data: Arc<PeriodData>,
    bytes: usize,
    used: u64,
}

struct KeptComputation {
    shared: i64,
    basis: Basis,
    made: Made,
    computation: Arc<Computation>,
    /// Its own values, beside the periods' facts it shares with the kept periods.
    bytes: usize,
    used: u64,
}

#[derive(Default)]
struct Cache {
    shared: Option<Arc<Shared>>,
    periods: HashMap<(Period, Basis), KeptPeriod>,
    computations: Vec<KeptComputation>,
    /// Counts uses, to tell the least recently used apart.
    clock: u64,
}

impl Cache {
    fn tick(&mut self) -> u64 {
        self.clock += 1;
        self.clock
    }

    fn period(
        &mut self,
        shared: i64,
        period: Period,
        basis: Basis,
        fingerprints: &[i64],
    ) -> Option<Arc<PeriodData>> {
        let now = self.tick();
        let kept = self.periods.get_mut(&(period, basis))?;
        if kept.shared != shared || kept.fingerprints != fingerprints {
            return None;
        }
        kept.used = now;
        Some(Arc::clone(&kept.data))
    }

    fn computation(&mut self, shared: i64, basis: Basis, made: &Made) -> Option<Arc<Computation>> {
        let now = self.tick();
        let kept = self
            .computations
            .iter_mut()
            .find(|c| c.shared == shared && c.basis == basis && c.made == *made)?;
        kept.used = now;
        Some(Arc::clone(&kept.computation))
    }

    fn bytes(&self) -> usize {
        self.periods.values().map(|p| p.bytes).sum::<usize>()
            + self.computations.iter().map(|c| c.bytes).sum::<usize>()
    }

    /// Lets the least recently used periods and computations go until what is kept fits
    /// `budget`, sparing the periods and computation of the request being answered. A
    /// period let go takes the computations made from it along: they hold its facts.
    fn keep_within(&mut self, budget: usize, basis: Basis, made: &Made) {
        let spared =
            |period: &Period, b: Basis| b == basis && made.iter().any(|(p, _)| p == period);
        while self.bytes() > budget {
            let oldest_period = self
                .periods
                .iter()
                .filter(|((p, b), _)| !spared(p, *b))
                .min_by_key(|(_, kept)| kept.used)
                .map(|(key, kept)| (*key, kept.used));
            let oldest_computation = self
                .computations
                .iter()
                .enumerate()
                .filter(|(_, c)| !(c.basis == basis && c.made == *made))
                .min_by_key(|(_, c)| c.used)
                .map(|(i, c)| (i, c.used));
            match (oldest_period, oldest_computation) {
                (Some((_, p_used)), Some((i, c_used))) if c_used <= p_used => {
                    self.computations.remove(i);
                }
                (Some(((period, b), _)), _) => {
                    self.periods.remove(&(period, b));
                    self.computations
                        .retain(|c| c.basis != b || !c.made.iter().any(|(p, _)| *p == period));
                }
                (None, Some((i, _))) => {
                    self.computations.remove(i);
                }
                (None, None) => break,
            }
        }
    }
}

/// About how many bytes a computation's own values take (the facts it points to are
/// counted with the kept periods).
fn computation_bytes(computation: &Computation) -> usize {
    use innozone_domain::monitoring::Value;
    use std::mem::size_of;
    computation
        .periods
        .iter()
        .map(|p| {
            let units = p.values.first().map_or(0, Vec::len);
            let values = p.values.len() * units * size_of::<Value>();
            let terms =
                p.terms.iter().flatten().count() * units * (size_of::<f64>() + size_of::<u32>());
            let statistics = p.statistics.len() * units * size_of::<f64>();
            let counts = (p.enterprises.len() + p.filed.len()) * units * size_of::<u32>();
            values + terms + statistics + counts
        })
        .sum()
}

/// Holds facts and computed indicators between requests; one per running application.
pub struct Monitor {
    hierarchy: Arc<HierarchyCache>,
    cache: Mutex<Cache>,
    /// Held while reading from the store or computing, so that the requests that find
    /// the same thing missing at once wait for one reading instead of each making their
    /// own (sixty-four of them would otherwise read sixty-four copies of a period).
    working: tokio::sync::Mutex<()>,
    budget: usize,
    /// How many periods' facts were read from the store since the start.
    loads: AtomicU64,
    /// How many times indicators were computed since the start.
    computed: AtomicU64,
}

impl Default for Monitor {
    fn default() -> Self {
        Monitor::sharing(Arc::new(HierarchyCache::new()), DEFAULT_BUDGET)
    }
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

    /// A monitor reading the hierarchy through the application's `hierarchy` cache and
    /// keeping at most about `budget` bytes.
    pub fn sharing(hierarchy: Arc<HierarchyCache>, budget: usize) -> Monitor {
        Monitor {
            hierarchy,
            cache: Mutex::new(Cache::default()),
            working: tokio::sync::Mutex::new(()),
            budget,
            loads: AtomicU64::new(0),
            computed: AtomicU64::new(0),
        }
    }

    /// How many periods' facts have been read from the store so far.
    pub fn periods_loaded(&self) -> u64 {
        self.loads.load(Ordering::Relaxed)
    }

    /// How many times indicators have been computed so far.
    pub fn computations(&self) -> u64 {
        self.computed.load(Ordering::Relaxed)
    }

    /// About how many bytes of facts and values are kept now.
    pub fn kept_bytes(&self) -> usize {
        self.lock().bytes()
    }

    /// The registry's hierarchy, as stored now, through the cache the monitor shares.
    pub async fn hierarchy(&self, store: &dyn Store) -> Result<Arc<Hierarchy>, AppError> {
        self.hierarchy.hierarchy(store).await
    }

    /// The catalogue in force, kept between requests; `None` when none is installed.
    pub async fn catalogue(&self, store: &dyn Store) -> Result<Option<Arc<Catalogue>>, AppError> {
        Ok(self.shared(store).await?.map(|s| Arc::clone(&s.catalogue)))
    }

    /// The targets in force, checked against the catalogue in force; `None` when no
    /// catalogue is installed.
    pub async fn targets(&self, store: &dyn Store) -> Result<Option<Arc<TargetSet>>, AppError> {
        Ok(self.shared(store).await?.map(|s| Arc::clone(&s.targets)))
    }

    fn kept_shared(&self, fingerprint: i64) -> Option<Arc<Shared>> {
        self.lock()
            .shared
            .as_ref()
            .filter(|s| s.fingerprint == fingerprint)
            .map(Arc::clone)
    }

    async fn shared(&self, store: &dyn Store) -> Result<Option<Arc<Shared>>, AppError> {
        let fingerprint = store.monitoring_fingerprint().await?;
        if let Some(shared) = self.kept_shared(fingerprint) {
            return Ok(Some(shared));
        }
        let _working = self.working.lock().await;
        if let Some(shared) = self.kept_shared(fingerprint) {
            return Ok(Some(shared));
        }
        let Some(catalogue) = current_catalogue(store).await? else {
            return Ok(None);
        };
        let targets = current_targets(store, &catalogue).await?;
        let hierarchy = self.hierarchy(store).await?;
        let index = UnitIndex::new(hierarchy.units().map(|u| u.id));
        let profiles = super::facts::profiles(store).await?;
        let shared = Arc::new(Shared {
            fingerprint,
            catalogue: Arc::new(catalogue),
            targets: Arc::new(targets),
            hierarchy,
            index: Arc::new(index),
            profiles: Arc::new(profiles),
        });
        let mut cache = self.lock();
        cache.periods.clear();
        cache.computations.clear();
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
        let mut needed = BTreeSet::new();
        for p in periods {
            needed.extend(catalogue.periods_needed(*p));
        }
        let mut made: Made = Vec::with_capacity(needed.len());
        for period in needed {
            let mut fingerprints = Vec::new();
            for form in catalogue
                .forms
                .iter()
                .filter(|f| f.period_type == period.period_type())
            {
                fingerprints.push(store.filings_fingerprint(&form.code, period).await?);
            }
            made.push((period, fingerprints));
        }
        let snapshot = |computation| Snapshot {
            catalogue: Arc::clone(&shared.catalogue),
            targets: Arc::clone(&shared.targets),
            hierarchy: Arc::clone(&shared.hierarchy),
            index: Arc::clone(&shared.index),
            basis,
            computation,
        };
        let key = shared.fingerprint;
        if let Some(computation) = self.lock().computation(key, basis, &made) {
            return Ok(Some(snapshot(computation)));
        }
        let _working = self.working.lock().await;
        // Another request may have computed it while this one waited.
        if let Some(computation) = self.lock().computation(key, basis, &made) {
            return Ok(Some(snapshot(computation)));
        }
        let mut data = Vec::with_capacity(made.len());
        for (period, fingerprints) in &made {
            let kept = self.lock().period(key, *period, basis, fingerprints);
            let loaded = match kept {
                Some(d) => d,
                None => {
                    self.loads.fetch_add(1, Ordering::Relaxed);
                    let d = Arc::new(
                        load_period(
                            store,
                            catalogue,
                            &shared.hierarchy,
                            &shared.index,
                            &shared.profiles,
                            *period,
                            basis.includes_unapproved(),
                        )
                        .await?,
                    );
                    let mut cache = self.lock();
                    let used = cache.tick();
                    cache.periods.insert(
                        (*period, basis),
                        KeptPeriod {
                            shared: key,
                            fingerprints: fingerprints.clone(),
                            bytes: d.bytes(),
                            data: Arc::clone(&d),
                            used,
                        },
                    );
                    // Computations made from this period's earlier facts are stale.
                    cache.computations.retain(|c| {
                        c.basis != basis
                            || !c.made.iter().any(|(p, f)| p == period && f != fingerprints)
                    });
                    d
                }
            };
            data.push(loaded);
        }
        self.computed.fetch_add(1, Ordering::Relaxed);
        // Computing a national period takes a while: off the threads that answer requests.
        let (catalogue, index) = (Arc::clone(&shared.catalogue), Arc::clone(&shared.index));
        let computation =
            match tokio::task::spawn_blocking(move || compute(&catalogue, &index, &data)).await {
                Ok(computation) => Arc::new(computation),
                // A panic in the engine is the request's, as it was on this thread.
                Err(e) => std::panic::resume_unwind(e.into_panic()),
            };
        let mut cache = self.lock();
        let used = cache.tick();
        cache.computations.push(KeptComputation {
            shared: key,
            basis,
            bytes: computation_bytes(&computation),
            made: made.clone(),
            computation: Arc::clone(&computation),
            used,
        });
        cache.keep_within(self.budget, basis, &made);
        drop(cache);
        Ok(Some(snapshot(computation)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn made(years: &[i32]) -> Made {
        years.iter().map(|y| (Period::Year(*y), vec![1])).collect()
    }

    fn period(year: i32, bytes: usize, used: u64) -> ((Period, Basis), KeptPeriod) {
        let data = PeriodData {
            period: Period::Year(year),
            layout: innozone_domain::monitoring::PeriodLayout::new(
                &UnitIndex::new(std::iter::empty()),
                &Hierarchy::new(Vec::new(), Vec::new()).as_of(Period::Year(year).last_day()),
            ),
            tables: Vec::new(),
            statistics: Vec::new(),
        };
        (
            (Period::Year(year), Basis::Approved),
            KeptPeriod {
                shared: 1,
                fingerprints: vec![1],
                data: Arc::new(data),
                bytes,
                used,
            },
        )
    }

    fn computation(years: &[i32], bytes: usize, used: u64) -> KeptComputation {
        KeptComputation {
            shared: 1,
            basis: Basis::Approved,
            made: made(years),
            computation: Arc::new(compute(
                &Catalogue::parse("version = 1", &[]).expect("an empty catalogue"),
                &UnitIndex::new(std::iter::empty()),
                &[],
            )),
            bytes,
            used,
        }
    }

    #[test]
    fn past_the_budget_the_least_recently_used_go_first_with_what_was_made_of_them() {
        let mut cache = Cache::default();
        cache.periods.extend([
            period(2023, 100, 1),
            period(2024, 100, 5),
            period(2025, 100, 6),
        ]);
        cache.computations.push(computation(&[2023, 2024], 10, 2));
        cache.computations.push(computation(&[2024, 2025], 10, 7));
        // 320 bytes kept; the request of 2024–2025 is answered, within 250.
        cache.keep_within(250, Basis::Approved, &made(&[2024, 2025]));
        assert!(
            !cache
                .periods
                .contains_key(&(Period::Year(2023), Basis::Approved))
        );
        assert_eq!(cache.computations.len(), 1);
        assert_eq!(cache.computations[0].made, made(&[2024, 2025]));
        assert_eq!(cache.bytes(), 210);
    }

    #[test]
    fn the_request_being_answered_is_kept_even_past_the_budget() {
        let mut cache = Cache::default();
        cache
            .periods
            .extend([period(2024, 100, 1), period(2025, 100, 2)]);
        cache.computations.push(computation(&[2024, 2025], 10, 3));
        cache.keep_within(50, Basis::Approved, &made(&[2024, 2025]));
        assert_eq!(cache.periods.len(), 2);
        assert_eq!(cache.computations.len(), 1);
    }
}
