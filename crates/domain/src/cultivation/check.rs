//! Checking one enterprise's year against the ladder.

use std::cell::Cell;

use crate::expr::{Formula, Frame, Record};
use crate::registry::{Enterprise, Recognition, SizeClass, Tier};

use super::ladder::{
    Criterion, FLAGS, MAX_DEFINITIONS, Quantitative, Test, TierDefinition, TierSet,
};

/// A set of tiers, one bit each in the order of `Tier::ALL`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct TierMask(u16);

impl TierMask {
    pub const EMPTY: TierMask = TierMask(0);

    fn bit(tier: Tier) -> u16 {
        1 << Tier::ALL.iter().position(|t| *t == tier).unwrap_or(0)
    }

    pub fn contains(self, tier: Tier) -> bool {
        self.0 & TierMask::bit(tier) != 0
    }

    pub fn insert(&mut self, tier: Tier) {
        self.0 |= TierMask::bit(tier);
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn iter(self) -> impl Iterator<Item = Tier> {
        Tier::ALL.into_iter().filter(move |t| self.contains(*t))
    }

    /// The tiers of the recognitions valid on `date`.
    pub fn held_on(recognitions: &[Recognition], date: time::Date) -> TierMask {
        recognitions
            .iter()
            .filter(|r| r.is_valid_on(date))
            .map(|r| r.tier)
            .collect()
    }
}

impl FromIterator<Tier> for TierMask {
    fn from_iter<I: IntoIterator<Item = Tier>>(iter: I) -> TierMask {
        let mut mask = TierMask::EMPTY;
        iter.into_iter().for_each(|t| mask.insert(t));
        mask
    }
}

/// What the registry knows of an enterprise besides its filings. `None`: not known,
/// and a criterion reading it is undecidable.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RegistryFacts {
    /// The GB/T 4754 division (two digits).
    pub industry_division: Option<u8>,
    pub size_class: Option<SizeClass>,
    /// Whether the registry records a 国家重点支持的高新技术领域 for it.
    pub in_high_tech_field: Option<bool>,
    /// The tiers it holds a valid recognition in.
    pub held: Option<TierMask>,
}

impl RegistryFacts {
    /// The facts of a stored enterprise, with the tiers it holds today.
    pub fn of(enterprise: &Enterprise) -> RegistryFacts {
        RegistryFacts {
            industry_division: Some(enterprise.industry.division()),
            size_class: Some(enterprise.size_class),
            in_high_tech_field: Some(enterprise.high_tech_field.is_some()),
            held: Some(enterprise.tiers.iter().copied().collect()),
        }
    }
}

/// One enterprise in one year: its filings of the year and the two before (values by
/// the form's field slots; `None`: no filing that year) and its registry facts.
#[derive(Debug, Clone, Copy)]
pub struct EnterpriseYear<'a> {
    pub year: i32,
    /// The year checked, the year before, two years before.
    pub filings: [Option<&'a [Option<f64>]>; 3],
    pub registry: RegistryFacts,
}

/// The definitions' values for one enterprise-year, each computed once however many
/// criteria read it: `None` not yet computed, `Some(None)` missing. Indexed by
/// definition and years back.
struct Cache([Cell<Option<Option<f64>>>; 3 * MAX_DEFINITIONS]);

impl Cache {
    fn new() -> Cache {
        Cache(std::array::from_fn(|_| Cell::new(None)))
    }
}

/// The values a criterion reads, laid out as its formulas' slots; `shift` years back
/// when a definition is read with `prev_year` or `prev_year2`.
struct Reading<'a, 'b> {
    facts: &'b EnterpriseYear<'a>,
    set: &'b TierSet,
    shift: usize,
    cache: &'b Cache,
}

fn years_back(frame: Frame) -> Option<usize> {
    match frame {
        Frame::Current => Some(0),
        Frame::PreviousYear => Some(1),
        Frame::TwoYearsBefore => Some(2),
        Frame::PreviousPeriod => None,
    }
}

impl Record for Reading<'_, '_> {
    fn value(&self, frame: Frame, slot: usize) -> Option<f64> {
        let back = years_back(frame)? + self.shift;
        if slot >= self.set.defs_base {
            let index = slot - self.set.defs_base;
            let definition = self.set.definitions.get(index)?;
            if back > 2 {
                return None;
            }
            let cell = &self.cache.0[3 * index + back];
            if let Some(value) = cell.get() {
                return value;
            }
            let value = definition.formula.evaluate_number(&Reading {
                facts: self.facts,
                set: self.set,
                shift: back,
                cache: self.cache,
            });
            cell.set(Some(value));
            return value;
        }
        if slot >= self.set.base {
            if back != 0 {
                return None;
            }
            let registry = &self.facts.registry;
            let yes = |b: bool| if b { 1.0 } else { 0.0 };
            return match slot - self.set.base {
                0 => registry.industry_division.map(f64::from),
                1 => registry.size_class.map(|s| yes(s == SizeClass::AboveScale)),
                2 => registry.in_high_tech_field.map(yes),
                i => {
                    let tier = *Tier::ALL.get(i - 1 - FLAGS.len())?;
                    registry.held.map(|h| yes(h.contains(tier)))
                }
            };
        }
        (*self.facts.filings.get(back)?)?
            .get(slot)
            .copied()
            .flatten()
    }
}

/// The figures of a quantitative criterion, each `None` when the file gives no formula
/// for it or it cannot be computed.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Figures {
    pub measure: Option<f64>,
    pub threshold: Option<f64>,
    /// How much is missing; only computed for a miss.
    pub shortfall: Option<f64>,
}

/// A value a rule needed and the filings do not have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Missing {
    /// No filing at all for the year `years_back` before the year checked.
    Year { years_back: u8 },
    /// One value (a form field's or a registry fact's slot, see `TierSet::slot_name`).
    Value { years_back: u8, slot: usize },
}

#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Met(Figures),
    Missed(Figures),
    /// A `confirm_only` rule not met: the filings do not show it, a review may.
    Unconfirmed(Figures),
    /// A value the rule needs is missing.
    Undecidable(Vec<Missing>),
    /// Never evaluated: needs review.
    Qualitative,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CriterionCheck {
    /// The criterion's index in its tier's `criteria`.
    pub criterion: usize,
    pub outcome: Outcome,
}

/// A tier's overall status for one enterprise and year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TierStatus {
    /// Every quantitative criterion met and every required tier held;
    /// `review_pending` when the tier has qualitative criteria.
    Met { review_pending: bool },
    /// Nothing missed or undecidable, but some criteria only the review can confirm.
    Unconfirmed,
    /// Nothing missed, but some criterion (or a required tier) cannot be decided.
    Undecidable,
    /// Some quantitative criterion missed, or a required tier not held.
    Missed,
    /// The tier has no quantitative criterion: the data decide nothing, every criterion
    /// is reviewed. Never a candidate by the data.
    ReviewOnly,
}

/// Status and distance of a tier, computed without allocating.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TierSummary {
    pub tier: Tier,
    pub status: TierStatus,
    /// The largest relative gap `|measure − threshold| / |threshold|` of the missed
    /// criteria: 0 when none is missed, `None` when a missed criterion has no measure and
    /// threshold to say how far. Required tiers not held do not count.
    pub distance: Option<f64>,
    /// Required tiers known not to be held.
    pub lacks: TierMask,
}

impl TierSummary {
    /// Whether the tier is met or missed by at most `distance` (0.1: within 10 % of every
    /// missed threshold), with every required tier held: a candidate.
    pub fn within(&self, distance: f64) -> bool {
        self.lacks.is_empty()
            && match self.status {
                TierStatus::ReviewOnly => false,
                TierStatus::Missed => self.distance.is_some_and(|d| d <= distance),
                _ => true,
            }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct TierCheck {
    pub summary: TierSummary,
    /// Each criterion of the tier, in the file's order.
    pub criteria: Vec<CriterionCheck>,
}

/// Every tier's summary for one enterprise-year, in the file's order
/// (`TierSet::summary`).
pub struct Summaries<'s> {
    set: &'s TierSet,
    facts: &'s EnterpriseYear<'s>,
    cache: Cache,
    next: usize,
}

impl Iterator for Summaries<'_> {
    type Item = TierSummary;

    fn next(&mut self) -> Option<TierSummary> {
        let tier = self.set.tiers.get(self.next)?;
        self.next += 1;
        let reading = self.set.reading(self.facts, &self.cache);
        Some(self.set.summarise(tier, &reading))
    }
}

/// A criterion's verdict before the missing values are listed.
enum Verdict {
    Met(Figures),
    Missed(Figures),
    Unconfirmed(Figures),
    Undecidable,
    Qualitative,
}

/// How many figures a verdict needs: all of them for a check, measure and threshold of
/// a miss for a summary's distance.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Detail {
    Full,
    Distance,
}

fn judge(criterion: &Criterion, reading: &Reading, detail: Detail) -> Verdict {
    let Test::Quantitative(q) = &criterion.test else {
        return Verdict::Qualitative;
    };
    let Quantitative {
        rule,
        confirm_only,
        measure,
        threshold,
        shortfall,
        ..
    } = q.as_ref();
    let value = |f: &Option<Formula>| f.as_ref().and_then(|f| f.evaluate_number(reading));
    let full = detail == Detail::Full;
    let figures = |wanted: bool, short: bool| {
        if wanted {
            Figures {
                measure: value(measure),
                threshold: value(threshold),
                shortfall: if short && full {
                    value(shortfall)
                } else {
                    None
                },
            }
        } else {
            Figures::default()
        }
    };
    match rule.evaluate_condition(reading) {
        None => Verdict::Undecidable,
        Some(true) => Verdict::Met(figures(full, false)),
        Some(false) if *confirm_only => Verdict::Unconfirmed(figures(full, true)),
        Some(false) => Verdict::Missed(figures(true, true)),
    }
}

fn gap(figures: &Figures) -> Option<f64> {
    let (m, t) = (figures.measure?, figures.threshold?);
    if t == 0.0 {
        return None;
    }
    Some((m - t).abs() / t.abs())
}

impl TierSet {
    fn reading<'a, 'b>(
        &'b self,
        facts: &'b EnterpriseYear<'a>,
        cache: &'b Cache,
    ) -> Reading<'a, 'b> {
        Reading {
            facts,
            set: self,
            shift: 0,
            cache,
        }
    }

    /// Every tier of the ladder checked for one enterprise and year, in the file's order.
    pub fn check(&self, facts: &EnterpriseYear) -> Vec<TierCheck> {
        let cache = Cache::new();
        self.tiers
            .iter()
            .map(|t| self.check_with(t, facts, &cache))
            .collect()
    }

    /// One tier checked, criterion by criterion.
    pub fn check_tier(&self, tier: &TierDefinition, facts: &EnterpriseYear) -> TierCheck {
        self.check_with(tier, facts, &Cache::new())
    }

    fn check_with(
        &self,
        tier: &TierDefinition,
        facts: &EnterpriseYear,
        cache: &Cache,
    ) -> TierCheck {
        let reading = self.reading(facts, cache);
        let criteria = tier
            .criteria
            .iter()
            .enumerate()
            .map(|(i, c)| CriterionCheck {
                criterion: i,
                outcome: match judge(c, &reading, Detail::Full) {
                    Verdict::Met(f) => Outcome::Met(f),
                    Verdict::Missed(f) => Outcome::Missed(f),
                    Verdict::Unconfirmed(f) => Outcome::Unconfirmed(f),
                    Verdict::Qualitative => Outcome::Qualitative,
                    Verdict::Undecidable => Outcome::Undecidable(self.missing(c, facts)),
                },
            })
            .collect();
        TierCheck {
            summary: self.summarise(tier, &reading),
            criteria,
        }
    }

    /// Every tier's status and distance, without allocating: for scans over many
    /// enterprises (candidate lists).
    pub fn summary<'s>(&'s self, facts: &'s EnterpriseYear<'s>) -> Summaries<'s> {
        Summaries {
            set: self,
            facts,
            cache: Cache::new(),
            next: 0,
        }
    }

    fn summarise(&self, tier: &TierDefinition, reading: &Reading) -> TierSummary {
        let facts = reading.facts;
        let (mut missed, mut undecidable, mut unconfirmed, mut review) =
            (false, false, false, false);
        let mut quantitative = false;
        let mut distance = Some(0.0f64);
        for c in &tier.criteria {
            quantitative |= matches!(c.test, Test::Quantitative(_));
            match judge(c, reading, Detail::Distance) {
                Verdict::Met(_) => {}
                Verdict::Missed(f) => {
                    missed = true;
                    distance = match (distance, gap(&f)) {
                        (Some(d), Some(g)) => Some(d.max(g)),
                        _ => None,
                    };
                }
                Verdict::Unconfirmed(_) => unconfirmed = true,
                Verdict::Undecidable => undecidable = true,
                Verdict::Qualitative => review = true,
            }
        }
        let mut lacks = TierMask::EMPTY;
        match facts.registry.held {
            Some(held) => tier
                .requires
                .iter()
                .filter(|r| !held.contains(**r))
                .for_each(|r| lacks.insert(*r)),
            None if !tier.requires.is_empty() => undecidable = true,
            None => {}
        }
        let status = if missed || !lacks.is_empty() {
            TierStatus::Missed
        } else if !quantitative {
            TierStatus::ReviewOnly
        } else if undecidable {
            TierStatus::Undecidable
        } else if unconfirmed {
            TierStatus::Unconfirmed
        } else {
            TierStatus::Met {
                review_pending: review,
            }
        };
        TierSummary {
            tier: tier.tier,
            status,
            distance,
            lacks,
        }
    }

    /// The values an undecidable rule needed and did not find: whole years without a
    /// filing first, then required fields and registry facts; optional fields only when
    /// nothing required is missing (they may be read inside `coalesce`). A definition
    /// is looked into.
    fn missing(&self, criterion: &Criterion, facts: &EnterpriseYear) -> Vec<Missing> {
        let Test::Quantitative(q) = &criterion.test else {
            return Vec::new();
        };
        let mut required = Vec::new();
        let mut optional = Vec::new();
        self.collect_missing(q.rule.reads(), 0, facts, &mut required, &mut optional);
        if required.is_empty() {
            optional
        } else {
            required
        }
    }

    fn collect_missing(
        &self,
        reads: &[(Frame, usize)],
        shift: usize,
        facts: &EnterpriseYear,
        required: &mut Vec<Missing>,
        optional: &mut Vec<Missing>,
    ) {
        let cache = Cache::new();
        let reading = Reading {
            facts,
            set: self,
            shift,
            cache: &cache,
        };
        for &(frame, slot) in reads {
            let Some(back) = years_back(frame).map(|b| b + shift) else {
                continue;
            };
            if back > 2 || reading.value(frame, slot).is_some() {
                continue;
            }
            if slot >= self.defs_base {
                let definition = &self.definitions[slot - self.defs_base];
                self.collect_missing(definition.formula.reads(), back, facts, required, optional);
                continue;
            }
            let back_u8 = back as u8;
            let found = if slot < self.base && facts.filings[back].is_none() {
                (
                    Missing::Year {
                        years_back: back_u8,
                    },
                    true,
                )
            } else {
                (
                    Missing::Value {
                        years_back: back_u8,
                        slot,
                    },
                    self.required.get(slot).copied().unwrap_or(true),
                )
            };
            let list = if found.1 {
                &mut *required
            } else {
                &mut *optional
            };
            if !list.contains(&found.0) {
                list.push(found.0);
            }
        }
    }

    /// A criterion's outcome in words, e.g. "近三年研发费用占比 3.6 %，需 4 %：差 1,200 千元"
    /// or "R&D intensity 3.6 %, needs 4 %: 1,200 thousand yuan short".
    pub fn describe(&self, tier: &TierDefinition, check: &CriterionCheck, english: bool) -> String {
        let criterion = &tier.criteria[check.criterion];
        let name = if english {
            &criterion.en
        } else {
            &criterion.zh
        };
        let (unit, shortfall_unit) = match &criterion.test {
            Test::Quantitative(q) => (q.unit, q.shortfall_unit),
            Test::Qualitative => (None, None),
        };
        let amount = |v: f64, u: Option<crate::monitoring::QuantityUnit>| {
            let symbol = u.map_or("", |u| u.symbol(english));
            let text = format_number(v);
            match symbol {
                "" => text,
                "%" => format!("{text} %"),
                s => format!("{text} {s}"),
            }
        };
        let figures = |f: &Figures, verb: &str| {
            let mut text = name.clone();
            if let Some(m) = f.measure {
                text.push(' ');
                text.push_str(&amount(m, unit));
            }
            if let Some(t) = f.threshold {
                text.push_str(if english { ", needs " } else { "，需 " });
                text.push_str(&amount(t, unit));
            }
            if let Some(s) = f.shortfall {
                text.push_str(if english { ": " } else { "：差 " });
                text.push_str(&amount(s, shortfall_unit));
                if english {
                    text.push_str(" short");
                }
            }
            if !verb.is_empty() {
                text.push_str(verb);
            }
            text
        };
        match &check.outcome {
            Outcome::Met(f) => figures(f, if english { " (met)" } else { "（达到）" }),
            Outcome::Missed(f) => figures(f, ""),
            Outcome::Unconfirmed(f) => figures(
                f,
                if english {
                    " (not shown by the filings: review)"
                } else {
                    "（填报数据未能证明，待审核）"
                },
            ),
            Outcome::Qualitative => {
                if english {
                    format!("{name}: needs review")
                } else {
                    format!("{name}：待审核")
                }
            }
            Outcome::Undecidable(missing) => {
                let list: Vec<String> = missing
                    .iter()
                    .map(|m| match *m {
                        Missing::Year { years_back } => {
                            if english {
                                format!("the filing of {}", facts_year_en(years_back))
                            } else {
                                format!("{}的填报", facts_year_zh(years_back))
                            }
                        }
                        Missing::Value { years_back, slot } => {
                            let field = self.slot_label(slot, english);
                            if english {
                                format!("{field} ({})", facts_year_en(years_back))
                            } else {
                                format!("{}{field}", facts_year_zh(years_back))
                            }
                        }
                    })
                    .collect();
                if english {
                    format!("{name}: cannot be decided, missing {}", list.join(", "))
                } else {
                    format!("{name}：无法判断，缺少{}", list.join("、"))
                }
            }
        }
    }
}

fn facts_year_en(years_back: u8) -> &'static str {
    match years_back {
        0 => "the year",
        1 => "the year before",
        _ => "two years before",
    }
}

fn facts_year_zh(years_back: u8) -> &'static str {
    match years_back {
        0 => "当年",
        1 => "上一年",
        _ => "前两年",
    }
}

/// A number with thousands separators and at most two decimals, trailing zeros dropped.
fn format_number(v: f64) -> String {
    let rounded = (v * 100.0).round() / 100.0;
    let negative = rounded < 0.0;
    let text = format!("{:.2}", rounded.abs());
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let fraction = fraction.trim_end_matches('0');
    let mut out = String::new();
    if negative {
        out.push('-');
    }
    out.push_str(&grouped);
    if !fraction.is_empty() {
        out.push('.');
        out.push_str(fraction);
    }
    out
}
