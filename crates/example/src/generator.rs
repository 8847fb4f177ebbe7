//! The enterprise generator shared by every scale: given the parks of a district (or of a
//! zone without districts) and the counts it should reach, it makes enterprises with
//! industry codes from the parks' leading industries, credit codes, names, contacts, dated
//! locations and high-tech recognitions, all from one seeded ChaCha8 stream.

use std::collections::{HashMap, HashSet};

use innozone_domain::registry::{
    CreditCode, DatasetEnterprise, DatasetLocation, EnterpriseDraft, IndustryCode, Recognition,
    RegistrationType, SizeClass, Tier, UnitCode,
};
use rand::seq::SliceRandom;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use time::{Date, Duration, Month};

use crate::industries::{IndustryClass, Profile};
use crate::names;
use crate::orgcode;
use crate::seed::City;

/// The last year in which anything happens in generated data: recognitions are issued up to
/// here, so that a data set loaded today has certificates valid today.
pub const HORIZON_YEAR: i32 = 2024;

/// High-tech enterprise recognition under the 2008 rules (国科发火〔2008〕172号) begins in
/// 2008; no certificate is dated earlier.
const FIRST_RECOGNITION_YEAR: i32 = 2008;
/// Share of enterprises that moved once between parks of the same district.
const MOVE_SHARE: f64 = 0.03;
/// Share of non-industrial enterprises above the size threshold (services have their own
/// thresholds in Chinese statistics; few park enterprises pass them).
const SERVICE_ABOVE_SHARE: f64 = 0.04;
/// Former high-tech enterprises whose certificate lapsed before the reference year, as a
/// share of the high-tech target.
const LAPSED_SHARE: f64 = 0.15;
/// Enterprises first recognised after the reference year, as a share of the target.
const LATER_SHARE: f64 = 0.25;
/// Chance that a certificate expiring after the reference year is renewed.
const RENEWAL_AFTER_REFERENCE: f64 = 0.85;
/// Share of the enterprises in the statistical survey (入统) among those neither above the
/// size threshold nor high-tech, who all are: the Torch survey covers the zone's
/// enterprises broadly, but some small ones are not on its roster.
const OTHERS_IN_SURVEY_SHARE: f64 = 0.85;

/// A unit that enterprises are located in.
#[derive(Debug, Clone)]
pub struct Host {
    pub unit: UnitCode,
    /// The industries its enterprises come from; never empty.
    pub profiles: Vec<&'static Profile>,
    /// Its size relative to the other hosts of its group.
    pub weight: f64,
    pub city: City,
    /// The earliest year an enterprise entered it.
    pub first_year: i32,
    /// The day it belongs to its zone.
    pub member_from: Date,
}

/// What one group of hosts (a district, or a zone without districts) should hold on the last
/// day of `reference_year`. Enterprises move only between hosts of the same group.
#[derive(Debug, Clone)]
pub struct GroupPlan {
    pub hosts: Vec<Host>,
    pub total: u32,
    pub industrial: u32,
    pub above_scale_industrial: u32,
    /// When only enterprises of these industries count towards `above_scale_industrial`
    /// (seed 004 counts 规模以上钒钛类及相关企业).
    pub above_scale_profiles: Option<&'static [&'static str]>,
    /// Above-scale share of the industrial enterprises outside `above_scale_profiles`.
    pub other_industrial_above_share: f64,
    /// Enterprises holding a valid high-tech certificate on the last day of the reference year.
    pub high_tech: u32,
    pub reference_year: i32,
    /// `(year, share)`: that share of the enterprises entered up to and including `year`,
    /// the rest later (seed 001 gives 4674 enterprises in 2014 of the 6200 planned for 2020).
    pub entered_by: Option<(i32, f64)>,
}

/// The generator's state across groups: the random stream and what must stay unique.
pub struct Generator {
    rng: ChaCha8Rng,
    names: HashSet<String>,
    next_serial: u64,
    certificates: HashMap<(u8, i32), u32>,
    batch_dates: HashMap<(u8, i32), Date>,
}

struct Draft {
    host: usize,
    profile: &'static Profile,
    class: &'static IndustryClass,
    industrial: bool,
    entered: Date,
    moved: Option<(usize, Date)>,
    above: bool,
    recognition_years: Vec<i32>,
}

impl Draft {
    fn host_at_reference(&self) -> usize {
        self.moved.map_or(self.host, |(to, _)| to)
    }
}

impl Generator {
    pub fn new(seed: u64) -> Self {
        Generator {
            rng: ChaCha8Rng::seed_from_u64(seed),
            names: HashSet::new(),
            next_serial: 0,
            certificates: HashMap::new(),
            batch_dates: HashMap::new(),
        }
    }

    pub fn rng(&mut self) -> &mut ChaCha8Rng {
        &mut self.rng
    }

    /// Makes the enterprises of one group.
    pub fn group(&mut self, plan: &GroupPlan) -> Vec<DatasetEnterprise> {
        assert!(plan.industrial <= plan.total && plan.above_scale_industrial <= plan.industrial);
        for host in &plan.hosts {
            assert!(
                !host.profiles.is_empty(),
                "host {} has no industry",
                host.unit
            );
        }
        let reference_end = year_end(plan.reference_year);
        let industrial_capacity: Vec<f64> = plan
            .hosts
            .iter()
            .map(|h| h.weight * mean(h.profiles.iter().map(|p| p.industrial_share)))
            .collect();
        let other_capacity: Vec<f64> = plan
            .hosts
            .iter()
            .map(|h| h.weight * (1.0 - mean(h.profiles.iter().map(|p| p.industrial_share))))
            .collect();
        let industrial_counts = apportion(plan.industrial, &industrial_capacity);
        let other_counts = apportion(plan.total - plan.industrial, &other_capacity);

        let mut drafts = Vec::with_capacity(plan.total as usize);
        for (h, host) in plan.hosts.iter().enumerate() {
            for industrial in [true, false] {
                let n = if industrial {
                    industrial_counts[h]
                } else {
                    other_counts[h]
                };
                for _ in 0..n {
                    let profile = self.pick_profile(&host.profiles, industrial);
                    let classes = if industrial {
                        profile.industrial
                    } else {
                        profile.other
                    };
                    let class = &classes[self.rng.random_range(0..classes.len())];
                    let year =
                        self.entry_year(host.first_year, plan.reference_year, plan.entered_by);
                    let entered = random_day(&mut self.rng, year, reference_end);
                    drafts.push(Draft {
                        host: h,
                        profile,
                        class,
                        industrial,
                        entered,
                        moved: None,
                        above: false,
                        recognition_years: Vec::new(),
                    });
                }
            }
        }
        drafts.shuffle(&mut self.rng);
        self.move_some(&mut drafts, &plan.hosts, reference_end);
        self.choose_above_scale(&mut drafts, plan, reference_end);
        self.recognise(&mut drafts, plan, reference_end);
        drafts.iter().map(|d| self.finish(d, &plan.hosts)).collect()
    }

    fn pick_profile(
        &mut self,
        profiles: &[&'static Profile],
        industrial: bool,
    ) -> &'static Profile {
        let weight = |p: &Profile| {
            if industrial {
                if p.industrial.is_empty() {
                    0.0
                } else {
                    p.industrial_share
                }
            } else if p.other.is_empty() {
                0.0
            } else {
                // Even a mostly industrial field has its traders and engineering firms.
                (1.0 - p.industrial_share).max(0.1)
            }
        };
        let total: f64 = profiles.iter().map(|p| weight(p)).sum();
        assert!(
            total > 0.0,
            "no industry of {:?} has {} classes",
            profiles.iter().map(|p| p.key).collect::<Vec<_>>(),
            if industrial { "industrial" } else { "other" }
        );
        let mut x = self.rng.random::<f64>() * total;
        for p in profiles {
            x -= weight(p);
            if x < 0.0 {
                return p;
            }
        }
        profiles
            .iter()
            .rev()
            .find(|p| weight(p) > 0.0)
            .expect("a weight is positive")
    }

    fn entry_year(&mut self, first: i32, reference: i32, entered_by: Option<(i32, f64)>) -> i32 {
        let first = first.min(reference);
        match entered_by {
            Some((split, share)) if first <= split && split < reference => {
                if self.rng.random_bool(share) {
                    self.rng.random_range(first..=split)
                } else {
                    self.rng.random_range(split + 1..=reference)
                }
            }
            _ => self.rng.random_range(first..=reference),
        }
    }

    /// Moves a few enterprises once to another host of the group that has their industry
    /// and belongs to the zone by then, at least half a year after they came.
    fn move_some(&mut self, drafts: &mut [Draft], hosts: &[Host], reference_end: Date) {
        for d in drafts.iter_mut() {
            if !self.rng.random_bool(MOVE_SHARE) {
                continue;
            }
            let targets: Vec<usize> = (0..hosts.len())
                .filter(|&j| {
                    j != d.host && hosts[j].profiles.iter().any(|p| p.key == d.profile.key)
                })
                .collect();
            if targets.is_empty() {
                continue;
            }
            let to = targets[self.rng.random_range(0..targets.len())];
            let earliest = (d.entered + Duration::days(183)).max(hosts[to].member_from);
            if earliest >= reference_end {
                continue;
            }
            let day = self
                .rng
                .random_range(earliest.to_julian_day()..=reference_end.to_julian_day());
            d.moved = Some((
                to,
                Date::from_julian_day(day).expect("between two valid dates"),
            ));
        }
    }

    fn choose_above_scale(&mut self, drafts: &mut [Draft], plan: &GroupPlan, reference_end: Date) {
        let counts = |d: &Draft| {
            plan.above_scale_profiles
                .is_none_or(|keys| keys.contains(&d.profile.key))
        };
        let eligible = |d: &Draft| {
            d.industrial
                && counts(d)
                && plan.hosts[d.host_at_reference()].member_from <= reference_end
        };
        // Older enterprises are more often the big ones.
        let weights: Vec<f64> = drafts
            .iter()
            .map(|d| {
                if eligible(d) {
                    1.0 + f64::from(plan.reference_year - d.entered.year()) / 5.0
                } else {
                    0.0
                }
            })
            .collect();
        for i in weighted_order(&mut self.rng, &weights)
            .into_iter()
            .take(plan.above_scale_industrial as usize)
        {
            if weights[i] > 0.0 {
                drafts[i].above = true;
            }
        }
        for d in drafts.iter_mut().filter(|d| !d.above) {
            let share = match (d.industrial, counts(d)) {
                (true, false) => plan.other_industrial_above_share,
                (false, _) => SERVICE_ABOVE_SHARE,
                (true, true) => 0.0,
            };
            d.above = share > 0.0 && self.rng.random_bool(share);
        }
    }

    /// Gives exactly `high_tech` of the enterprises in the zone on the reference day a valid
    /// certificate then, renewed every three years from a first recognition; a few more
    /// lost theirs before, and a few are recognised only after the reference year.
    fn recognise(&mut self, drafts: &mut [Draft], plan: &GroupPlan, reference_end: Date) {
        let reference = plan.reference_year;
        let in_zone = |d: &Draft| plan.hosts[d.host_at_reference()].member_from <= reference_end;
        let weights: Vec<f64> = drafts
            .iter()
            .map(|d| {
                d.profile.high_tech_propensity
                    * if d.above { 2.5 } else { 1.0 }
                    * if d.industrial { 1.2 } else { 1.0 }
            })
            .collect();
        let order = weighted_order(&mut self.rng, &weights);
        let mut valid = 0u32;
        let lapsed_target = (f64::from(plan.high_tech) * LAPSED_SHARE).round() as u32;
        let later_target = (f64::from(plan.high_tech) * LATER_SHARE).round() as u32;
        let (mut lapsed, mut later) = (0u32, 0u32);
        for &i in &order {
            let d = &drafts[i];
            let earliest = FIRST_RECOGNITION_YEAR.max(d.entered.year() - 1);
            if valid < plan.high_tech && in_zone(d) {
                let first = self.rng.random_range(earliest.min(reference)..=reference);
                let years = self.renewals(first, reference);
                drafts[i].recognition_years = years;
                valid += 1;
            } else if lapsed < lapsed_target && in_zone(d) && earliest <= reference - 3 {
                drafts[i].recognition_years = vec![self.rng.random_range(earliest..=reference - 3)];
                lapsed += 1;
            } else if later < later_target && reference < HORIZON_YEAR {
                let first = self.rng.random_range(reference + 1..=HORIZON_YEAR);
                let years = self.renewals(first, reference);
                drafts[i].recognition_years = years;
                later += 1;
            }
            if valid == plan.high_tech
                && lapsed == lapsed_target
                && (later == later_target || reference >= HORIZON_YEAR)
            {
                break;
            }
        }
    }

    /// `first`, then every three years: always up to the reference year, afterwards while
    /// the enterprise keeps renewing, until the horizon.
    fn renewals(&mut self, first: i32, reference: i32) -> Vec<i32> {
        let mut years = vec![first];
        let mut year = first + 3;
        while year <= HORIZON_YEAR {
            if year > reference && !self.rng.random_bool(RENEWAL_AFTER_REFERENCE) {
                break;
            }
            years.push(year);
            year += 3;
        }
        years
    }

    fn finish(&mut self, d: &Draft, hosts: &[Host]) -> DatasetEnterprise {
        let host = &hosts[d.host];
        let city = &host.city;
        let province: u8 = city.division[..2].parse().expect("six-digit division");
        let registration_type = self.registration_type(d.above);
        let name = self.unique_name(city, d, registration_type);
        let new_style = if d.entered.year() >= 2016 {
            self.rng.random_bool(0.8)
        } else {
            self.rng.random_bool(0.1)
        };
        let org = orgcode::organisation_code(self.next_serial, new_style);
        self.next_serial += 1;
        // Registration authority 9 (market regulation), category 1 (enterprise).
        let credit_code = CreditCode::complete(&format!("91{}{}", city.division, org))
            .expect("division digits and organisation code characters are in the alphabet");
        let contact_phone = match &city.phone_area {
            Some(area) if self.rng.random_bool(0.7) => {
                names::landline(&mut self.rng, area, city.local_digits)
            }
            _ => names::mobile(&mut self.rng),
        };
        let contact_name = names::person(&mut self.rng);
        let recognitions: Vec<Recognition> = d
            .recognition_years
            .iter()
            .map(|&year| {
                let issued_on = self.batch_date(province, year);
                let serial = self.certificates.entry((province, year)).or_insert(0);
                *serial += 1;
                Recognition {
                    tier: Tier::HighTech,
                    certificate_no: format!("GR{year}{province:02}{serial:06}"),
                    issued_on,
                    expires_on: Some(
                        issued_on
                            .replace_year(year + 3)
                            .expect("batches are not on 29 February"),
                    ),
                }
            })
            .collect();
        // Drawn only for the others, so the stream advances as little as it must.
        let in_survey =
            d.above || !recognitions.is_empty() || self.rng.random_bool(OTHERS_IN_SURVEY_SHARE);
        let mut locations = vec![DatasetLocation {
            park: host.unit.clone(),
            from: d.entered,
            until: None,
        }];
        if let Some((to, on)) = d.moved {
            locations[0].until = Some(on);
            locations.push(DatasetLocation {
                park: hosts[to].unit.clone(),
                from: on,
                until: None,
            });
        }
        DatasetEnterprise {
            draft: EnterpriseDraft {
                credit_code,
                name,
                industry: IndustryCode::parse(d.class.code)
                    .expect("the industry table holds valid codes"),
                high_tech_field: (!recognitions.is_empty()).then_some(d.profile.field),
                size_class: if d.above {
                    SizeClass::AboveScale
                } else {
                    SizeClass::BelowScale
                },
                registration_type,
                contact_name: Some(contact_name),
                contact_phone: Some(contact_phone),
                in_survey,
            },
            locations,
            recognitions,
        }
    }

    fn registration_type(&mut self, above: bool) -> RegistrationType {
        use RegistrationType as R;
        // Large firms are more often state-owned, joint-stock or foreign-invested; small ones
        // are mostly limited-liability and private companies.
        let table: [(R, f64); 8] = if above {
            [
                (R::StateOwned, 0.12),
                (R::JointStock, 0.25),
                (R::LimitedLiability, 0.40),
                (R::Private, 0.10),
                (R::ForeignInvested, 0.06),
                (R::HongKongMacaoTaiwan, 0.04),
                (R::Collective, 0.01),
                (R::Other, 0.02),
            ]
        } else {
            [
                (R::StateOwned, 0.02),
                (R::JointStock, 0.05),
                (R::LimitedLiability, 0.55),
                (R::Private, 0.30),
                (R::ForeignInvested, 0.02),
                (R::HongKongMacaoTaiwan, 0.02),
                (R::Collective, 0.01),
                (R::Other, 0.03),
            ]
        };
        let mut x: f64 = self.rng.random();
        for (t, p) in table {
            if x < p {
                return t;
            }
            x -= p;
        }
        R::LimitedLiability
    }

    /// City + 字号 + industry word + legal form, e.g. 兰州恒泰石化有限公司. Trade names grow a
    /// character when two-character ones keep colliding, so names stay unique without a
    /// search over earlier enterprises.
    fn unique_name(
        &mut self,
        city: &City,
        d: &Draft,
        registration_type: RegistrationType,
    ) -> String {
        let suffix = match registration_type {
            RegistrationType::JointStock => "股份有限公司",
            RegistrationType::StateOwned => "有限责任公司",
            // Technology firms often call themselves 科技, unless their word already says it.
            _ if d.profile.high_tech_propensity >= 0.6
                && !["科技", "技术", "研究", "科学"]
                    .iter()
                    .any(|w| d.class.word.contains(w))
                && self.rng.random_bool(0.5) =>
            {
                "科技有限公司"
            }
            _ => "有限公司",
        };
        let mut attempt = 0;
        loop {
            let len = 2 + attempt / 8;
            let name = format!(
                "{}{}{}{}",
                city.prefix,
                names::trade_name(&mut self.rng, len),
                d.class.word,
                suffix
            );
            if self.names.insert(name.clone()) {
                return name;
            }
            attempt += 1;
        }
    }

    /// The day the certificates of a province's batch of `year` were issued: one day per
    /// province and year, between mid-October and 20 December as the batches are.
    fn batch_date(&mut self, province: u8, year: i32) -> Date {
        let rng = &mut self.rng;
        *self.batch_dates.entry((province, year)).or_insert_with(|| {
            let start = Date::from_calendar_date(year, Month::October, 10).expect("valid");
            start + Duration::days(rng.random_range(0..=71))
        })
    }
}

fn mean(values: impl Iterator<Item = f64>) -> f64 {
    let (sum, n) = values.fold((0.0, 0usize), |(s, n), v| (s + v, n + 1));
    if n == 0 { 0.0 } else { sum / n as f64 }
}

pub fn year_end(year: i32) -> Date {
    Date::from_calendar_date(year, Month::December, 31).expect("valid")
}

pub fn year_start(year: i32) -> Date {
    Date::from_calendar_date(year, Month::January, 1).expect("valid")
}

/// A day of `year`, not after `latest`.
fn random_day(rng: &mut ChaCha8Rng, year: i32, latest: Date) -> Date {
    let first = year_start(year).to_julian_day();
    let last = year_end(year).min(latest).to_julian_day();
    Date::from_julian_day(rng.random_range(first..=last.max(first))).expect("within the year")
}

/// Splits `n` in proportion to `weights` (largest remainders), so that the parts add up to
/// `n` exactly.
pub fn apportion(n: u32, weights: &[f64]) -> Vec<u32> {
    let sum: f64 = weights.iter().sum();
    if n == 0 {
        return vec![0; weights.len()];
    }
    assert!(sum > 0.0, "cannot split {n} over weights that are all zero");
    let quotas: Vec<f64> = weights.iter().map(|w| f64::from(n) * w / sum).collect();
    let mut counts: Vec<u32> = quotas.iter().map(|q| q.floor() as u32).collect();
    let given: u32 = counts.iter().sum();
    let mut order: Vec<usize> = (0..weights.len()).collect();
    order.sort_by(|&a, &b| {
        (quotas[b] - quotas[b].floor())
            .total_cmp(&(quotas[a] - quotas[a].floor()))
            .then(a.cmp(&b))
    });
    for &i in order.iter().take((n - given) as usize) {
        counts[i] += 1;
    }
    counts
}

/// Indices in a random order where heavier items tend to come first: sorting by
/// ln(u)/w gives a weighted sample without replacement at every prefix (Efraimidis and
/// Spirakis), in O(n log n). Items of weight 0 come last.
fn weighted_order(rng: &mut ChaCha8Rng, weights: &[f64]) -> Vec<usize> {
    let keys: Vec<f64> = weights
        .iter()
        .map(|&w| {
            let u: f64 = 1.0 - rng.random::<f64>(); // in (0, 1]
            if w > 0.0 {
                u.ln() / w
            } else {
                f64::NEG_INFINITY
            }
        })
        .collect();
    let mut order: Vec<usize> = (0..weights.len()).collect();
    order.sort_by(|&a, &b| keys[b].total_cmp(&keys[a]).then(a.cmp(&b)));
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apportion_adds_up() {
        assert_eq!(apportion(10, &[1.0, 1.0, 1.0]), [4, 3, 3]);
        assert_eq!(apportion(7, &[0.0, 2.0, 5.0]), [0, 2, 5]);
        assert_eq!(apportion(0, &[0.0, 0.0]), [0, 0]);
        let parts = apportion(1000, &[0.3, 0.27, 0.8, 0.25, 0.0]);
        assert_eq!(parts.iter().sum::<u32>(), 1000);
        assert_eq!(parts[4], 0);
    }

    #[test]
    fn weighted_order_puts_zero_weights_last() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let order = weighted_order(&mut rng, &[0.0, 1.0, 0.0, 3.0]);
        assert_eq!(&order[2..], [0, 2]);
        assert_eq!(order.len(), 4);
    }
}
