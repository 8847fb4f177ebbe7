//! The example's filings (一套表直报) for the 兰白 zone: what its in-survey enterprises
//! reported on the two shipped Torch forms, revision by revision, so that every reporting
//! page has something true to show.
//!
//! Periods, as the zone stands on [`TODAY`]:
//!
//! - annual 2024 and quarterly 2025Q1–Q3 are closed ([`closed_periods`]): every expected
//!   enterprise filed, was approved (a few after a return and a correction) and was locked
//!   when the zone closed the period;
//! - annual 2025 and 2025Q4 are under review: most approved, some returned with a reason
//!   (a few corrected, resubmitted and approved since), some awaiting review, a few drafts
//!   never submitted and a few enterprises that have not filed at all; about one submission
//!   in seven came after the deadline.
//!
//! An enterprise is expected for a period when it is in the survey (入统) and located in a
//! 兰白 park on the period's last day (属地原则): [`expected`].
//!
//! Values are in the forms' units (money in 千元), plausible for the enterprise's size
//! class, industry and high-tech status, grow from 2024 to 2025, and the quarterly
//! year-to-date values add up to about the annual ones. Every submission passes its form's
//! error rules against the previous year's and the previous quarter's final values, and
//! explains in writing every warning it raises. Everything comes from ChaCha8 streams
//! seeded from [`SEED`], so every run gives the same filings.
//!
//! [`historic_filings`] adds the annual filings of the years before, for monitoring:
//! 兰白 2014–2023 and 攀枝花 2020–2025, back-cast from the 2024 values, each submitted and
//! approved, in periods each zone has closed ([`historic_closures`]).
//!
//! [`bulk_filings`] gives the same kind of values as rows of a bulk upload, for any data
//! set (the national one for benchmarks).

use std::collections::{BTreeMap, HashMap};

use innozone_domain::registry::{CreditCode, Dataset, DatasetEnterprise, SizeClass, Tier};
use innozone_domain::reporting::{
    Context, Explanations, FilingAction, FilingValues, Form, Period, Problem,
};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;
use time::macros::{date, offset, time};
use time::{Date, Duration, PrimitiveDateTime, Time, Weekday};

use crate::SEED;

mod history;

pub(crate) use history::histories;
pub use history::{PANZHIHUA, historic_closures, historic_filings};

/// The code of the shipped annual form.
pub const ANNUAL_FORM: &str = "torch_annual";
/// The code of the shipped quarterly (year-to-date) form.
pub const QUARTERLY_FORM: &str = "torch_quarterly";

/// Who takes each step, as shown in a filing's history.
pub const FILER: &str = "企业填报";
pub const PARK_REVIEWER: &str = "园区审核";
pub const ZONE_STATISTICS: &str = "高新区统计科";

/// The code prefix of the 兰白 zone's units.
pub const ZONE_PREFIX: &str = "LB";

/// The day the example stands on: every step happened before it.
pub const TODAY: Date = date!(2026 - 11 - 22);

/// Mixed into [`SEED`] so that the filings have a stream of their own and changing them
/// leaves the enterprises as they are.
const STREAM: u64 = 0x0F11_1265;

/// The periods generated, in the order their filings depend on each other.
const PERIODS: [(&str, Period); 6] = [
    (ANNUAL_FORM, Period::Year(2024)),
    (QUARTERLY_FORM, Period::Quarter(2025, 1)),
    (QUARTERLY_FORM, Period::Quarter(2025, 2)),
    (QUARTERLY_FORM, Period::Quarter(2025, 3)),
    (QUARTERLY_FORM, Period::Quarter(2025, 4)),
    (ANNUAL_FORM, Period::Year(2025)),
];

/// Days after the deadline on which a closed period was closed (the next working day).
const CLOSE_AFTER_DAYS: i64 = 60;

/// Share of enterprises whose 2025 revenue moved by more than half on 2024.
const BIG_CHANGE_SHARE: f64 = 0.0025;

/// Both shipped forms, parsed.
pub fn forms() -> Vec<Form> {
    [
        include_str!("../forms/torch_annual.toml"),
        include_str!("../forms/torch_quarterly.toml"),
    ]
    .into_iter()
    .map(|source| Form::parse(source).expect("the shipped forms are valid (tested)"))
    .collect()
}

/// The periods the zone has closed, by form code: their filings end with a Lock.
pub fn closed_periods() -> Vec<(&'static str, Period)> {
    vec![
        (ANNUAL_FORM, Period::Year(2024)),
        (QUARTERLY_FORM, Period::Quarter(2025, 1)),
        (QUARTERLY_FORM, Period::Quarter(2025, 2)),
        (QUARTERLY_FORM, Period::Quarter(2025, 3)),
    ]
}

/// When the zone closed a period of `form` (unix seconds): 10:00 Beijing time on the first
/// working day 60 days after the deadline, once every review was done.
pub fn closed_at(form: &Form, period: Period) -> i64 {
    beijing(
        on_or_after(form.deadline(period) + Duration::days(CLOSE_AFTER_DAYS)),
        time!(10:00),
    )
}

/// One enterprise's filing of one form for one period, with every step it went through.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExampleFiling {
    pub credit_code: CreditCode,
    pub form_code: String,
    pub period: Period,
    /// In time order.
    pub steps: Vec<ExampleStep>,
}

/// One step of a filing's life; each is a revision.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExampleStep {
    pub action: FilingAction,
    /// Unix seconds.
    pub at: i64,
    /// Display name of who took the step: [`FILER`], [`PARK_REVIEWER`] or
    /// [`ZONE_STATISTICS`].
    pub actor: String,
    /// The reason of a return or reopening, in Chinese.
    pub note: Option<String>,
    /// The values by field code (blanks left out), for SaveDraft and Submit.
    pub values: Option<BTreeMap<String, f64>>,
    /// Rule code → written explanation (说明) of each warning, for Submit.
    pub explanations: BTreeMap<String, String>,
}

/// The enterprises expected to file for `period`: in the survey (入统) and located in a
/// 兰白 park on the period's last day, in data set order.
pub fn expected(dataset: &Dataset, period: Period) -> Vec<&DatasetEnterprise> {
    let day = period.last_day();
    dataset
        .enterprises
        .iter()
        .filter(|e| e.draft.in_survey && in_zone_on(e, day))
        .collect()
}

fn in_zone_on(enterprise: &DatasetEnterprise, day: Date) -> bool {
    enterprise.locations.iter().any(|l| {
        l.park.as_str().starts_with(ZONE_PREFIX)
            && l.from <= day
            && l.until.is_none_or(|until| day < until)
    })
}

/// The filings of 兰白's enterprises for annual 2024 and 2025 and quarterly 2025Q1–Q4, by
/// period and then in data set order. Periods of a form missing from `forms` are left out.
pub fn lanbai_filings(dataset: &Dataset, forms: &[Form]) -> Vec<ExampleFiling> {
    // The enterprises' true values come from stream 0; each period's filings from a stream
    // of their own, so that leaving a form out changes nothing else.
    let stream = |n: usize| {
        let mut rng = ChaCha8Rng::seed_from_u64(SEED ^ STREAM);
        rng.set_stream(n as u64);
        rng
    };
    let periods = expected_indices(dataset);
    let firms = lanbai_firms(dataset, &periods);

    // The last submitted values of each (form, period, enterprise): what later filings
    // are compared with.
    let mut finals: HashMap<(&str, Period, usize), FilingValues> = HashMap::new();
    let closed = closed_periods();
    let mut out = Vec::new();
    for (n, (form_code, period, indices)) in periods.iter().enumerate() {
        let Some(form) = forms.iter().find(|f| f.code == *form_code) else {
            continue;
        };
        let mut rng = stream(n + 1);
        let is_closed = closed.contains(&(*form_code, *period));
        let schedule = Schedule::new(form, *period, is_closed);
        // The form's field codes in code order with their indices: a filing's values are
        // laid out as a map in one pass.
        let mut by_code: Vec<(String, usize)> = form
            .fields
            .iter()
            .enumerate()
            .map(|(i, f)| (f.code.clone(), i))
            .collect();
        by_code.sort();
        let layout = Layout::new(form);
        for &i in indices {
            let firm = &firms[&i];
            let outcome = schedule.outcome(&mut rng);
            if outcome == Outcome::Missing {
                continue;
            }
            let truth = firm.values(*period, &layout);
            let previous_year = finals.get(&(*form_code, period.previous_year(), i));
            let previous_period = period
                .previous_in_year()
                .and_then(|p| finals.get(&(*form_code, p, i)));
            let context = Context {
                previous_year,
                previous_period,
            };
            let mut builder = Builder {
                rng: &mut rng,
                form,
                by_code: &by_code,
                context,
                steps: Vec::new(),
                last: None,
                submitted: None,
            };
            builder.run(&schedule, outcome, truth);
            let (steps, submitted) = (builder.steps, builder.submitted);
            if let Some(values) = submitted {
                finals.insert((*form_code, *period, i), values);
            }
            out.push(ExampleFiling {
                credit_code: dataset.enterprises[i].draft.credit_code.clone(),
                form_code: form.code.clone(),
                period: *period,
                steps,
            });
        }
    }
    // By period (annual before quarterly), then in data set order.
    out.sort_by_key(|f| (f.form_code != ANNUAL_FORM, f.period));
    out
}

/// The indices of the enterprises expected in each of [`PERIODS`].
fn expected_indices(dataset: &Dataset) -> Vec<(&'static str, Period, Vec<usize>)> {
    PERIODS
        .iter()
        .map(|&(form, period)| {
            let day = period.last_day();
            let indices = dataset
                .enterprises
                .iter()
                .enumerate()
                .filter(|(_, e)| e.draft.in_survey && in_zone_on(e, day))
                .map(|(i, _)| i)
                .collect();
            (form, period, indices)
        })
        .collect()
}

/// What the enterprises expected in any of `periods` truly reported, by data set index,
/// all from stream 0; the historic filings back-cast the same firms.
fn lanbai_firms(
    dataset: &Dataset,
    periods: &[(&'static str, Period, Vec<usize>)],
) -> HashMap<usize, Firm> {
    let mut rng = ChaCha8Rng::seed_from_u64(SEED ^ STREAM);
    rng.set_stream(0);
    let mut all: Vec<usize> = periods.iter().flat_map(|p| p.2.iter().copied()).collect();
    all.sort_unstable();
    all.dedup();
    all.into_iter()
        .map(|i| (i, Firm::new(&mut rng, &dataset.enterprises[i])))
        .collect()
}

/// One row per enterprise for a bulk upload of `form` for `period`, in data set order: every
/// in-survey enterprise located in a park on the period's last day (any zone), its values
/// (as in [`lanbai_filings`], which they pass the error rules of) and, when the values
/// raise warnings on their own, one 说明 for all of them, as an upload's explanation column
/// gives it. For benchmarks of the bulk upload at national scale. Nothing when `period` is
/// not of the form's period type.
pub fn bulk_filings<'a>(
    dataset: &'a Dataset,
    form: &Form,
    period: Period,
) -> Vec<(&'a DatasetEnterprise, FilingValues, Option<String>)> {
    if period.period_type() != form.period_type {
        return Vec::new();
    }
    let mut rng = ChaCha8Rng::seed_from_u64(SEED ^ STREAM);
    rng.set_stream(BULK_STREAM);
    let layout = Layout::new(form);
    let day = period.last_day();
    dataset
        .enterprises
        .iter()
        .filter(|e| {
            e.draft.in_survey
                && e.locations
                    .iter()
                    .any(|l| l.from <= day && l.until.is_none_or(|until| day < until))
        })
        .map(|e| {
            let values = Firm::new(&mut rng, e).values(period, &layout);
            let assessment = form.assess(&values, Context::default());
            let texts: Vec<&str> = assessment
                .warnings()
                .filter_map(|f| match f.problem {
                    Problem::Rule(i) => Some(fixed_explanation(&form.rules[i].code)),
                    Problem::Required => None,
                })
                .collect();
            let explanation = (!texts.is_empty()).then(|| texts.join("；"));
            (e, values, explanation)
        })
        .collect()
}

/// The stream of [`bulk_filings`] (the example's periods use 0 to 6).
const BULK_STREAM: u64 = 100;

// ------------------------------------------------------------------ outcomes and dates

/// How a filing ends up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    /// Submitted (perhaps after a draft) and approved.
    Approved,
    /// Returned, corrected (other values), resubmitted and approved.
    Corrected,
    /// Returned with a reason and not yet submitted again.
    Returned,
    /// Approved by the park, then returned by the zone's statisticians.
    ReturnedAfterApproval,
    /// Submitted, awaiting review.
    Submitted,
    /// Returned, corrected and resubmitted, awaiting review again.
    Resubmitted,
    /// Saved as a draft, never submitted.
    Draft,
    /// No filing at all.
    Missing,
}

/// Shares of the outcomes in a period under review: about 70% approved, 8% returned, 10%
/// awaiting review, 4% drafts and 7% missing.
const OPEN_MIX: [(Outcome, f64); 8] = [
    (Outcome::Approved, 0.675),
    (Outcome::Corrected, 0.035),
    (Outcome::Returned, 0.07),
    (Outcome::ReturnedAfterApproval, 0.01),
    (Outcome::Submitted, 0.085),
    (Outcome::Resubmitted, 0.015),
    (Outcome::Draft, 0.04),
    (Outcome::Missing, 0.07),
];

/// In a closed period everybody was approved, a few after a correction.
const CLOSED_MIX: [(Outcome, f64); 2] = [(Outcome::Approved, 0.975), (Outcome::Corrected, 0.025)];

/// A period's dates: when filing opens, the deadline, how late the late come, the close.
struct Schedule {
    open: Date,
    deadline: Date,
    late_share: f64,
    late_days: i64,
    closes: Option<i64>,
}

impl Schedule {
    fn new(form: &Form, period: Period, closed: bool) -> Schedule {
        let deadline = form.deadline(period);
        let after = period.last_day() + Duration::days(1);
        // The annual report opens in the first week of January; quarterly ones at once.
        let open = on_or_after(match period {
            Period::Year(_) => after + Duration::days(4),
            _ => after,
        });
        let (late_share, late_days) = match (period, closed) {
            // The 2024 annual report: every enterprise filed on time.
            (Period::Year(_), true) => (0.0, 0),
            (_, true) => (0.05, 20),
            (Period::Year(_), false) => (0.15, 60),
            (_, false) => (0.15, 35),
        };
        Schedule {
            open,
            deadline,
            late_share,
            late_days,
            closes: closed.then(|| closed_at(form, period)),
        }
    }

    fn outcome(&self, rng: &mut ChaCha8Rng) -> Outcome {
        let mix: &[(Outcome, f64)] = if self.closes.is_some() {
            &CLOSED_MIX
        } else {
            &OPEN_MIX
        };
        let mut x: f64 = rng.random();
        for &(outcome, share) in mix {
            if x < share {
                return outcome;
            }
            x -= share;
        }
        mix[0].0
    }

    /// The day of a first submission or save: on time mostly in the last weeks before the
    /// deadline, late within `late_days` after it.
    fn first_day(&self, rng: &mut ChaCha8Rng) -> Date {
        if self.late_share > 0.0 && rng.random_bool(self.late_share) {
            on_or_after(self.deadline + Duration::days(rng.random_range(1..=self.late_days)))
        } else {
            let window = (self.deadline - self.open).whole_days().max(0);
            let u: f64 = rng.random();
            let back = (window as f64 * u * u) as i64;
            let day = on_or_before(self.deadline - Duration::days(back));
            if day < self.open {
                on_or_after(self.open)
            } else {
                day
            }
        }
    }
}

/// The official public holidays of 2025 and 2026 (国务院办公厅 notices); other years have
/// only weekends.
const HOLIDAYS: [(Date, Date); 13] = [
    (date!(2025 - 01 - 01), date!(2025 - 01 - 01)),
    (date!(2025 - 01 - 28), date!(2025 - 02 - 04)),
    (date!(2025 - 04 - 04), date!(2025 - 04 - 06)),
    (date!(2025 - 05 - 01), date!(2025 - 05 - 05)),
    (date!(2025 - 05 - 31), date!(2025 - 06 - 02)),
    (date!(2025 - 10 - 01), date!(2025 - 10 - 08)),
    (date!(2026 - 01 - 01), date!(2026 - 01 - 03)),
    (date!(2026 - 02 - 15), date!(2026 - 02 - 23)),
    (date!(2026 - 04 - 04), date!(2026 - 04 - 06)),
    (date!(2026 - 05 - 01), date!(2026 - 05 - 05)),
    (date!(2026 - 06 - 19), date!(2026 - 06 - 21)),
    (date!(2026 - 09 - 25), date!(2026 - 09 - 27)),
    (date!(2026 - 10 - 01), date!(2026 - 10 - 07)),
];

/// The holidays as Julian day numbers.
const HOLIDAY_DAYS: [(i32, i32); HOLIDAYS.len()] = {
    let mut out = [(0, 0); HOLIDAYS.len()];
    let mut i = 0;
    while i < HOLIDAYS.len() {
        out[i] = (HOLIDAYS[i].0.to_julian_day(), HOLIDAYS[i].1.to_julian_day());
        i += 1;
    }
    out
};

fn is_working_day(day: Date) -> bool {
    if matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday) {
        return false;
    }
    let julian = day.to_julian_day();
    !HOLIDAY_DAYS
        .iter()
        .any(|&(from, to)| from <= julian && julian <= to)
}

fn on_or_after(mut day: Date) -> Date {
    while !is_working_day(day) {
        day += Duration::days(1);
    }
    day
}

fn on_or_before(mut day: Date) -> Date {
    while !is_working_day(day) {
        day -= Duration::days(1);
    }
    day
}

fn working_days_after(mut day: Date, n: u32) -> Date {
    for _ in 0..n {
        day = on_or_after(day + Duration::days(1));
    }
    day
}

fn working_days_before(mut day: Date, n: u32) -> Date {
    for _ in 0..n {
        day = on_or_before(day - Duration::days(1));
    }
    day
}

fn beijing(day: Date, at: Time) -> i64 {
    PrimitiveDateTime::new(day, at)
        .assume_offset(offset!(+8))
        .unix_timestamp()
}

// ------------------------------------------------------------------------------- steps

struct Builder<'a, 'f> {
    rng: &'a mut ChaCha8Rng,
    form: &'f Form,
    by_code: &'f [(String, usize)],
    context: Context<'f>,
    steps: Vec<ExampleStep>,
    /// The day and time of the last step.
    last: Option<(Date, i64)>,
    /// The values last submitted.
    submitted: Option<FilingValues>,
}

impl Builder<'_, '_> {
    fn run(&mut self, schedule: &Schedule, outcome: Outcome, truth: FilingValues) {
        let first = schedule.first_day(self.rng);
        if outcome == Outcome::Draft {
            let saves = self.rng.random_range(1..=2);
            let mut day = first;
            for _ in 0..saves {
                let draft = self.partial(&truth, true);
                self.save(day, draft);
                day = working_days_after(day, self.rng.random_range(1..=8));
            }
            return;
        }
        // Some filers save a draft first and finish it a few days later.
        if self.rng.random_bool(0.2) {
            let back = self.rng.random_range(0..=4);
            let day = working_days_before(first, back).max(schedule.open);
            let draft = self.partial(&truth, false);
            self.save(day.min(first), draft);
        }
        let wrong = match outcome {
            Outcome::Corrected
            | Outcome::Returned
            | Outcome::ReturnedAfterApproval
            | Outcome::Resubmitted => self.mistake(&truth),
            _ => None,
        };
        let outcome = match (outcome, &wrong) {
            // Nothing plausible to get wrong: the filing went through.
            (Outcome::Corrected, None) => Outcome::Approved,
            (Outcome::Resubmitted, None) => Outcome::Submitted,
            _ => outcome,
        };
        let (first_values, note) = match wrong {
            Some((values, note)) => (values, Some(note)),
            None => (truth.clone(), None),
        };
        self.submit(first, first_values);
        let note = note.unwrap_or_else(|| "数据与上年差异较大，请核实后重新提交。".to_string());
        match outcome {
            Outcome::Approved => self.review(FilingAction::Approve, PARK_REVIEWER, 1..=6, None),
            Outcome::Submitted | Outcome::Draft | Outcome::Missing => {}
            Outcome::Corrected | Outcome::Resubmitted => {
                self.review(FilingAction::Return, PARK_REVIEWER, 1..=5, Some(note));
                if self.rng.random_bool(0.4) {
                    let day = self.later(1..=3);
                    let draft = self.partial(&truth, false);
                    self.save(day, draft);
                }
                let day = self.later(1..=6);
                self.submit(day, truth);
                if outcome == Outcome::Corrected {
                    self.review(FilingAction::Approve, PARK_REVIEWER, 1..=4, None);
                }
            }
            Outcome::Returned | Outcome::ReturnedAfterApproval => {
                if outcome == Outcome::ReturnedAfterApproval {
                    self.review(FilingAction::Approve, PARK_REVIEWER, 1..=5, None);
                    self.review(FilingAction::Return, ZONE_STATISTICS, 3..=15, Some(note));
                } else {
                    self.review(FilingAction::Return, PARK_REVIEWER, 1..=5, Some(note));
                }
                // Some have started on the correction.
                if self.rng.random_bool(0.35) {
                    let day = self.later(1..=5);
                    let draft = self.partial(&truth, true);
                    self.save(day, draft);
                }
            }
        }
        if let Some(at) = schedule.closes {
            self.push(FilingAction::Lock, at, ZONE_STATISTICS, None, None);
        }
    }

    /// A working day `days` working days after the last step.
    fn later(&mut self, days: std::ops::RangeInclusive<u32>) -> Date {
        let (day, _) = self.last.expect("a step before");
        working_days_after(day, self.rng.random_range(days))
    }

    /// A moment of `day` in working hours, after the last step.
    fn moment(&mut self, day: Date, reviewer: bool) -> i64 {
        let (from, to) = if reviewer {
            (9 * 3600, 17 * 3600 + 1800)
        } else {
            (8 * 3600 + 1800, 18 * 3600 + 1800)
        };
        let seconds: u32 = self.rng.random_range(from..to);
        let at = beijing(
            day,
            Time::from_hms(
                (seconds / 3600) as u8,
                (seconds / 60 % 60) as u8,
                (seconds % 60) as u8,
            )
            .expect("within the day"),
        );
        match self.last {
            Some((_, last)) if at <= last => last + self.rng.random_range(600..5400),
            _ => at,
        }
    }

    fn push(
        &mut self,
        action: FilingAction,
        at: i64,
        actor: &str,
        note: Option<String>,
        values: Option<FilingValues>,
    ) {
        let explanations = match (&values, action) {
            (Some(values), FilingAction::Submit) => self.explain(values),
            _ => BTreeMap::new(),
        };
        let map = values.as_ref().map(|values| {
            self.by_code
                .iter()
                .filter_map(|(code, i)| values.get(*i).map(|v| (code.clone(), v)))
                .collect()
        });
        if action == FilingAction::Submit {
            self.submitted = values;
        }
        // The day in Beijing: 1970-01-01 is Julian day 2,440,588.
        let days = (at + 8 * 3600).div_euclid(86_400);
        let day = Date::from_julian_day(2_440_588 + days as i32).expect("a day of our years");
        self.last = Some((day, at));
        self.steps.push(ExampleStep {
            action,
            at,
            actor: actor.to_string(),
            note,
            values: map,
            explanations,
        });
    }

    fn save(&mut self, day: Date, values: FilingValues) {
        let at = self.moment(day, false);
        self.push(FilingAction::SaveDraft, at, FILER, None, Some(values));
    }

    fn submit(&mut self, day: Date, values: FilingValues) {
        let at = self.moment(day, false);
        self.push(FilingAction::Submit, at, FILER, None, Some(values));
    }

    fn review(
        &mut self,
        action: FilingAction,
        actor: &str,
        days: std::ops::RangeInclusive<u32>,
        note: Option<String>,
    ) {
        let day = self.later(days);
        let at = self.moment(day, true);
        self.push(action, at, actor, note, None);
    }

    /// A draft: the form filled from the top, the rest still blank; `unfinished` leaves at
    /// least one required field blank.
    fn partial(&mut self, values: &FilingValues, unfinished: bool) -> FilingValues {
        let fields = &self.form.fields;
        let n = fields.len();
        let keep = self.rng.random_range(1..n.max(2));
        let mut draft = values.clone();
        for slot in draft.0.iter_mut().skip(keep) {
            *slot = None;
        }
        let blank_required = (0..n).any(|i| fields[i].required && draft.get(i).is_none());
        if unfinished
            && !blank_required
            && let Some(last) = (0..n).rev().find(|&i| fields[i].required)
        {
            draft.0[last] = None;
        }
        draft
    }

    /// The first submission of a filing that gets returned: the true values with one
    /// plausible mistake the reviewer's reason names, still passing the form's error rules
    /// and raising no warning the true values do not.
    fn mistake(&mut self, truth: &FilingValues) -> Option<(FilingValues, String)> {
        let candidates: &[(&str, f64, f64, &str)] = if self.form.code == QUARTERLY_FORM {
            &QUARTERLY_MISTAKES
        } else {
            &ANNUAL_MISTAKES
        };
        let mut order: Vec<usize> = (0..candidates.len()).collect();
        for i in (1..order.len()).rev() {
            let j = self.rng.random_range(0..=i);
            order.swap(i, j);
        }
        let true_warnings = self.warning_count(truth);
        for i in order {
            let (field, low, high, note) = candidates[i];
            let Some(index) = self.form.field_index(field) else {
                continue;
            };
            let Some(value) = truth.get(index) else {
                continue;
            };
            if value <= 0.0 {
                continue;
            }
            let definition = &self.form.fields[index];
            let factor = self.rng.random_range(low..high);
            let integer = definition.field_type == innozone_domain::reporting::FieldType::Integer;
            let wrong_value = if integer {
                (value * factor).floor()
            } else if field == "energy_consumption" {
                round_to(value * factor, 100.0)
            } else {
                (value * factor).round()
            };
            if wrong_value == value || wrong_value <= 0.0 {
                continue;
            }
            let mut wrong = truth.clone();
            wrong.0[index] = Some(wrong_value);
            let assessment = self.form.assess(&wrong, self.context);
            if assessment.errors().next().is_none()
                && assessment.warnings().count() <= true_warnings
            {
                return Some((wrong, note.to_string()));
            }
        }
        None
    }

    fn warning_count(&self, values: &FilingValues) -> usize {
        self.form.assess(values, self.context).warnings().count()
    }

    /// A written explanation of every warning the values raise.
    fn explain(&self, current: &FilingValues) -> Explanations {
        let assessment = self.form.assess(current, self.context);
        // An industrial enterprise reports its output; others leave it blank.
        let industrial = ["gross_output", "gross_output_ytd"]
            .iter()
            .filter_map(|code| self.form.field_index(code))
            .any(|i| current.get(i).is_some());
        let change = |field: &str, previous: Option<&FilingValues>| -> Option<f64> {
            let index = self.form.field_index(field)?;
            let before = previous?.get(index)?;
            let after = current.get(index)?;
            (before != 0.0).then(|| after / before - 1.0)
        };
        assessment
            .warnings()
            .filter_map(|finding| match finding.problem {
                Problem::Rule(i) => Some(self.form.rules[i].code.as_str()),
                Problem::Required => None,
            })
            .map(|code| {
                let text = match code {
                    "A17" => changed(
                        "营业收入",
                        "比上年",
                        change("revenue", self.context.previous_year),
                        industrial,
                    ),
                    "A18" => changed(
                        "工业总产值",
                        "比上年",
                        change("gross_output", self.context.previous_year),
                        industrial,
                    ),
                    "A19" => changed(
                        "年末从业人员",
                        "比上年",
                        change("employees", self.context.previous_year),
                        industrial,
                    ),
                    "Q06" => changed(
                        "营业收入累计值",
                        "比上年同期",
                        change("revenue_ytd", self.context.previous_year),
                        industrial,
                    ),
                    "Q07" => changed(
                        "工业总产值累计值",
                        "比上年同期",
                        change("gross_output_ytd", self.context.previous_year),
                        industrial,
                    ),
                    "Q08" => changed(
                        "期末从业人员",
                        "比上年同期",
                        change("employees", self.context.previous_year),
                        industrial,
                    ),
                    "Q09" => changed(
                        "期末从业人员",
                        "比上季度末",
                        change("employees", self.context.previous_period),
                        industrial,
                    ),
                    other => fixed_explanation(other).to_string(),
                };
                (code.to_string(), text)
            })
            .collect()
    }
}

/// (field, lowest factor, highest factor, the reviewer's reason): a value first submitted
/// at `factor` times the true one, and why the reviewer returned it.
const ANNUAL_MISTAKES: [(&str, f64, f64, &str); 6] = [
    (
        "energy_consumption",
        0.3,
        0.7,
        "综合能源消费量明显偏低，请按《综合能耗计算通则》（GB/T 2589）的折标系数重新核算电力、天然气等能源消费量。",
    ),
    (
        "rd_expenditure_internal",
        0.7,
        0.9,
        "内部研发经费支出与研发费用加计扣除申报数据不一致，请核对研发辅助账后重新填报。",
    ),
    (
        "patents_held",
        0.75,
        0.95,
        "期末拥有有效专利数与国家知识产权局登记数据不一致，请核对专利证书后更正。",
    ),
    (
        "employees",
        0.85,
        0.95,
        "年末从业人员未包括劳务派遣人员，请按统计口径核实后更正。",
    ),
    (
        "revenue",
        0.9,
        0.97,
        "营业收入与年度财务报表不一致，请按审计后的财务数据填报。",
    ),
    (
        "taxes_paid",
        0.5,
        0.8,
        "实际上缴税费总额与税务部门提供的数据不一致，请核实后更正。",
    ),
];

const QUARTERLY_MISTAKES: [(&str, f64, f64, &str); 5] = [
    (
        "revenue_ytd",
        0.85,
        0.95,
        "1-本季度营业收入累计值与增值税申报数据不一致，请核实后更正。",
    ),
    (
        "rd_expenditure_ytd",
        0.6,
        0.85,
        "内部研发经费支出累计值偏低，请按研发辅助账核实后更正。",
    ),
    (
        "employees",
        0.85,
        0.95,
        "期末从业人员未包括劳务派遣人员，请按统计口径核实后更正。",
    ),
    (
        "gross_output_ytd",
        0.85,
        0.95,
        "工业总产值累计值与产品产量、价格不匹配，请核实后更正。",
    ),
    (
        "export_ytd",
        0.6,
        0.9,
        "出口总额累计值与海关统计数据不一致，请核实后更正。",
    ),
];

/// The explanation of a change of more than a half (or 30% within the year).
fn changed(what: &str, against: &str, change: Option<f64>, industrial: bool) -> String {
    let (up, down) = if industrial {
        (
            "新建生产线投产、新增主要客户订单，产销规模扩大",
            "受主要客户订单减少、产品价格下行影响，部分产线停产技改",
        )
    } else {
        (
            "新签大额合同、新业务上线，业务规模扩大",
            "主要客户合同到期未续签，部分业务调整收缩",
        )
    };
    match change {
        Some(c) if c >= 0.0 => format!(
            "{up}，{what}{against}增长{:.1}%，数据已与财务报表核对一致。",
            c * 100.0
        ),
        Some(c) => format!(
            "{down}，{what}{against}下降{:.1}%，数据已与财务报表核对一致。",
            -c * 100.0
        ),
        None => format!("{what}{against}变动较大，原因为业务结构调整，数据经核实无误。"),
    }
}

fn fixed_explanation(code: &str) -> &'static str {
    match code {
        "A07" | "Q10" => "企业处于筹建期，尚未招用员工，相关工作由母公司人员承担。",
        "A12" => {
            "部分高新技术服务收入在其他业务收入中核算，故高新技术产品（服务）收入大于产品销售收入与技术收入之和。"
        }
        "A13" | "Q01" => {
            "企业承接来料加工出口业务，出口报关金额包含客户提供的料件价值，营业收入仅含加工费。"
        }
        "A16" => {
            "本年主要原材料价格大幅上涨，产品售价未同步调整，工业增加值率偏低，数据经核实无误。"
        }
        "A20" => "本年补缴以前年度税款及滞纳金，实际上缴税费总额大于营业收入。",
        "A21" => "企业为小型微利企业，享受增值税及所得税减免政策，本年实际上缴税费为0。",
        "A22" => "本年取得股权转让投资收益，净利润大于营业收入。",
        "A23" => "企业处于项目建设期，负债主要为项目贷款和股东借款，资产尚在形成中。",
        "A25" => "研发项目由外聘专家和高校团队承担，企业暂无专职研究开发人员。",
        "A26" => {
            "研究开发人员本年主要从事前期技术调研，相关费用在管理费用中核算，未单独归集研发经费。"
        }
        "A30" | "A31" => "部分专利本年转让给关联企业，期末拥有有效专利数少于当年授权数。",
        "A33" => "技术合同为技术服务框架协议，本年尚未结算成交金额。",
        "A34" => "生产用能由母公司统一购入并计量，本企业未单独计算综合能源消费量。",
        "Q02" | "Q03" | "Q04" | "Q05" => "上季度数据填报有误，本季度已按更正后口径累计。",
        "Q11" => "本季度产品尚未销售结算，营业收入为0。",
        _ => "经核实，数据填报无误。",
    }
}

// ------------------------------------------------------------------------------ values

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Mining, manufacturing, utilities (工业): gross output, energy, land.
    Industrial,
    /// Software and information services (63–65).
    Software,
    /// R&D and technical services (73–75).
    TechService,
    /// Trade and other services.
    Other,
}

/// One enterprise's true values: annual 2024 and 2025, and how 2025 accrued by quarter.
struct Firm {
    annual: [Annual; 2],
    /// 2025 year-to-date shares of revenue, gross output, R&D expenditure; Q4 is 1.
    revenue_ytd: [f64; 4],
    output_ytd: [f64; 4],
    rd_ytd: [f64; 4],
    /// Employees at the end of Q1–Q3 (Q4 is the year end).
    quarter_employees: [f64; 3],
    /// The quarterly report's Q4 revenue against the annual report's.
    quick_report: f64,
}

/// True annual values; `None` is left blank.
#[derive(Debug, Clone, Default)]
pub(crate) struct Annual {
    pub(crate) employees: f64,
    pub(crate) rd_staff: f64,
    pub(crate) staff_bachelor_plus: f64,
    pub(crate) returnees: f64,
    pub(crate) new_graduates: f64,
    pub(crate) rd_fte: Option<f64>,
    pub(crate) revenue: f64,
    pub(crate) technology_income: f64,
    pub(crate) product_sales: f64,
    pub(crate) high_tech_revenue: f64,
    pub(crate) export: f64,
    pub(crate) gross_output: Option<f64>,
    pub(crate) value_added: Option<f64>,
    pub(crate) net_profit: f64,
    pub(crate) taxes_paid: f64,
    pub(crate) total_assets: f64,
    pub(crate) total_liabilities: f64,
    pub(crate) rd_expenditure_internal: f64,
    pub(crate) rd_government_funds: f64,
    pub(crate) rd_expenditure_external: f64,
    pub(crate) patent_applications: f64,
    pub(crate) invention_applications: f64,
    pub(crate) patents_granted: f64,
    pub(crate) invention_patents_granted: f64,
    pub(crate) patents_held: f64,
    pub(crate) invention_patents_held: f64,
    pub(crate) software_copyrights: f64,
    pub(crate) standards_led: f64,
    pub(crate) tech_contracts_count: f64,
    pub(crate) tech_contracts_amount: f64,
    pub(crate) energy_consumption: f64,
    pub(crate) land_area: Option<f64>,
}

/// The annual form's field codes, in the order of [`Annual::to_array`].
const ANNUAL_CODES: [&str; 32] = [
    "employees",
    "rd_staff",
    "staff_bachelor_plus",
    "returnees",
    "new_graduates",
    "rd_fte",
    "revenue",
    "technology_income",
    "product_sales",
    "high_tech_revenue",
    "export",
    "gross_output",
    "value_added",
    "net_profit",
    "taxes_paid",
    "total_assets",
    "total_liabilities",
    "rd_expenditure_internal",
    "rd_government_funds",
    "rd_expenditure_external",
    "patent_applications",
    "invention_applications",
    "patents_granted",
    "invention_patents_granted",
    "patents_held",
    "invention_patents_held",
    "software_copyrights",
    "standards_led",
    "tech_contracts_count",
    "tech_contracts_amount",
    "energy_consumption",
    "land_area",
];

/// The quarterly form's field codes, in the order of [`Firm::values`].
const QUARTERLY_CODES: [&str; 5] = [
    "employees",
    "revenue_ytd",
    "gross_output_ytd",
    "export_ytd",
    "rd_expenditure_ytd",
];

/// Where each of our codes sits in a form (looked up once per form, not per filing).
struct Layout {
    annual: Vec<Option<usize>>,
    quarterly: Vec<Option<usize>>,
    fields: usize,
}

impl Layout {
    fn new(form: &Form) -> Layout {
        Layout {
            annual: ANNUAL_CODES.iter().map(|c| form.field_index(c)).collect(),
            quarterly: QUARTERLY_CODES
                .iter()
                .map(|c| form.field_index(c))
                .collect(),
            fields: form.fields.len(),
        }
    }

    fn lay_out(&self, slots: &[Option<usize>], values: &[Option<f64>]) -> FilingValues {
        let mut out = vec![None; self.fields];
        for (slot, value) in slots.iter().zip(values) {
            if let Some(i) = slot {
                out[*i] = *value;
            }
        }
        FilingValues(out)
    }
}

impl Annual {
    fn to_array(&self) -> [Option<f64>; 32] {
        [
            Some(self.employees),
            Some(self.rd_staff),
            Some(self.staff_bachelor_plus),
            Some(self.returnees),
            Some(self.new_graduates),
            self.rd_fte,
            Some(self.revenue),
            Some(self.technology_income),
            Some(self.product_sales),
            Some(self.high_tech_revenue),
            Some(self.export),
            self.gross_output,
            self.value_added,
            Some(self.net_profit),
            Some(self.taxes_paid),
            Some(self.total_assets),
            Some(self.total_liabilities),
            Some(self.rd_expenditure_internal),
            Some(self.rd_government_funds),
            Some(self.rd_expenditure_external),
            Some(self.patent_applications),
            Some(self.invention_applications),
            Some(self.patents_granted),
            Some(self.invention_patents_granted),
            Some(self.patents_held),
            Some(self.invention_patents_held),
            Some(self.software_copyrights),
            Some(self.standards_led),
            Some(self.tech_contracts_count),
            Some(self.tech_contracts_amount),
            Some(self.energy_consumption),
            self.land_area,
        ]
    }
}

/// The ratios an enterprise keeps from year to year.
struct Ratios {
    technology: f64,
    product: f64,
    high_tech: f64,
    export: f64,
    output: f64,
    value_added: f64,
    margin: f64,
    tax: f64,
    assets: f64,
    leverage: f64,
    rd_staff: f64,
    fte: f64,
    rd_intensity: f64,
    /// 千元 a year per full-time R&D person.
    researcher_cost: f64,
    government: f64,
    external: f64,
    bachelor: f64,
    returnees: f64,
    graduates: f64,
    patents_per_researcher: f64,
    invention_share: f64,
    grant_rate: f64,
    copyrights: f64,
    standards: f64,
    contracts: f64,
    contract_value: f64,
    energy: f64,
    land: Option<f64>,
}

fn lognormal(rng: &mut ChaCha8Rng, median: f64, sigma: f64) -> f64 {
    median * (sigma * normal(rng)).exp()
}

/// A standard normal draw (Box–Muller).
fn normal(rng: &mut ChaCha8Rng) -> f64 {
    let u: f64 = 1.0 - rng.random::<f64>();
    let v: f64 = rng.random();
    (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
}

fn uniform(rng: &mut ChaCha8Rng, low: f64, high: f64) -> f64 {
    rng.random_range(low..high)
}

fn round_to(value: f64, per_unit: f64) -> f64 {
    (value * per_unit).round() / per_unit
}

impl Firm {
    fn new(rng: &mut ChaCha8Rng, enterprise: &DatasetEnterprise) -> Firm {
        let draft = &enterprise.draft;
        let division = draft.industry.division();
        let kind = if draft.industry.is_industrial() {
            Kind::Industrial
        } else if (63..=65).contains(&division) {
            Kind::Software
        } else if (73..=75).contains(&division) {
            Kind::TechService
        } else {
            Kind::Other
        };
        let heavy = kind == Kind::Industrial
            && matches!(division, 6..=12 | 25 | 26 | 28 | 30 | 31 | 32 | 44);
        let above = draft.size_class == SizeClass::AboveScale;
        let certified = |year: i32| {
            enterprise
                .recognitions
                .iter()
                .any(|r| r.tier == Tier::HighTech && r.is_valid_on(Period::Year(year).last_day()))
        };
        let high_tech = [certified(2024), certified(2025)];
        let innovative = high_tech[0] || high_tech[1] || draft.high_tech_field.is_some();
        let researcher = innovative
            || match kind {
                Kind::Software | Kind::TechService => rng.random_bool(0.7),
                Kind::Industrial if above => rng.random_bool(0.6),
                Kind::Industrial => rng.random_bool(0.3),
                Kind::Other => rng.random_bool(0.1),
            };

        // Size in 2024: head count and revenue (千元) within the size class's bounds.
        let (employees, per_head, bounds) = match (kind, above) {
            (Kind::Industrial, true) => (
                lognormal(rng, 260.0, 0.8).clamp(40.0, 6000.0),
                if heavy { 1800.0 } else { 1100.0 },
                (21_000.0, 5_000_000.0),
            ),
            (Kind::Industrial, false) => (
                lognormal(rng, 35.0, 0.6).clamp(5.0, 300.0),
                if heavy { 600.0 } else { 400.0 },
                (300.0, 19_500.0),
            ),
            (Kind::Other, true) => (
                lognormal(rng, 120.0, 0.7).clamp(20.0, 2000.0),
                1500.0,
                (20_500.0, 3_000_000.0),
            ),
            (_, true) => (
                lognormal(rng, 150.0, 0.7).clamp(30.0, 2000.0),
                550.0,
                (10_500.0, 2_000_000.0),
            ),
            (Kind::Other, false) => (
                lognormal(rng, 15.0, 0.7).clamp(3.0, 200.0),
                500.0,
                (100.0, 19_500.0),
            ),
            (_, false) => (
                lognormal(rng, 22.0, 0.7).clamp(3.0, 200.0),
                260.0,
                (50.0, 9_500.0),
            ),
        };
        let employees = employees.round();
        let raw = employees * lognormal(rng, per_head, 0.45);
        // Outside its size class's bounds: somewhere well inside them instead.
        let revenue = if raw > bounds.1 {
            bounds.1 * uniform(rng, 0.5, 0.98)
        } else if raw < bounds.0 {
            (bounds.0 * uniform(rng, 1.02, 1.8)).min(bounds.1)
        } else {
            raw
        }
        .round();
        // A firm held below its size threshold has the head count of its revenue.
        let employees = employees
            .min((revenue / (per_head * 0.35)).round())
            .max(3.0);

        let traits = Traits {
            kind,
            heavy,
            manufacturing: draft.industry.section().letter == 'C',
            above,
            innovative,
            researcher,
        };
        let ratios = Ratios::new(rng, &traits, revenue);
        let first = annual(rng, &ratios, kind, high_tech[0], employees, revenue, None);

        // 2025: ordinary growth, or for a handful a change of more than a half.
        let big_change = rng.random_bool(BIG_CHANGE_SHARE);
        let growth = if big_change {
            if rng.random_bool(0.7) {
                uniform(rng, 0.6, 1.6)
            } else {
                -uniform(rng, 0.55, 0.7)
            }
        } else {
            (0.07 + 0.1 * normal(rng)).clamp(-0.35, 0.4)
        };
        let mut revenue_2025 = (revenue * (1.0 + growth)).round();
        if !big_change && revenue_2025 > bounds.1 {
            revenue_2025 = (bounds.1 * uniform(rng, 0.97, 1.0)).round().max(revenue);
        }
        let staff_growth = (0.35 * growth + 0.01 + 0.04 * normal(rng)).clamp(-0.35, 0.45);
        let employees_2025 = (employees * (1.0 + staff_growth)).round().max(3.0);
        let second = annual(
            rng,
            &ratios,
            kind,
            high_tech[1],
            employees_2025,
            revenue_2025,
            Some(&first),
        );

        // Quarters: seasonal shares of the year, cumulated.
        let cumulate = |rng: &mut ChaCha8Rng, weights: [f64; 4]| -> [f64; 4] {
            let drawn: Vec<f64> = weights
                .iter()
                .map(|w| w * uniform(rng, 0.85, 1.15))
                .collect();
            let total: f64 = drawn.iter().sum();
            let mut sum = 0.0;
            let mut out = [0.0; 4];
            for (q, w) in drawn.iter().enumerate() {
                sum += w / total;
                out[q] = sum;
            }
            out[3] = 1.0;
            out
        };
        let revenue_ytd = cumulate(rng, [0.21, 0.25, 0.25, 0.29]);
        let output_ytd = cumulate(rng, [0.22, 0.25, 0.25, 0.28]);
        let rd_ytd = cumulate(rng, [0.18, 0.24, 0.25, 0.33]);
        let mut quarter_employees = [0.0; 3];
        for (q, slot) in quarter_employees.iter_mut().enumerate() {
            let along = (q + 1) as f64 / 4.0;
            let trend = first.employees + (second.employees - first.employees) * along;
            *slot = (trend * uniform(rng, 0.98, 1.02)).round().max(1.0);
        }
        let quick_report = if rng.random_bool(0.25) {
            uniform(rng, 0.97, 1.02)
        } else {
            1.0
        };
        Firm {
            annual: [first, second],
            revenue_ytd,
            output_ytd,
            rd_ytd,
            quarter_employees,
            quick_report,
        }
    }

    /// The true values of `period` by field code, for the form of its period type.
    fn values(&self, period: Period, layout: &Layout) -> FilingValues {
        match period {
            Period::Year(2024) => layout.lay_out(&layout.annual, &self.annual[0].to_array()),
            Period::Year(_) => layout.lay_out(&layout.annual, &self.annual[1].to_array()),
            Period::Quarter(_, q) => {
                let q = usize::from(q.clamp(1, 4)) - 1;
                let year = &self.annual[1];
                let (revenue, employees) = if q == 3 {
                    ((year.revenue * self.quick_report).round(), year.employees)
                } else {
                    (
                        (year.revenue * self.revenue_ytd[q]).round(),
                        self.quarter_employees[q],
                    )
                };
                let values = [
                    Some(employees),
                    Some(revenue),
                    year.gross_output.map(|o| (o * self.output_ytd[q]).round()),
                    Some((year.export * self.revenue_ytd[q]).round()),
                    Some((year.rd_expenditure_internal * self.rd_ytd[q]).round()),
                ];
                layout.lay_out(&layout.quarterly, &values)
            }
            Period::Month(..) => layout.lay_out(&[], &[]),
        }
    }
}

/// What an enterprise's ratios depend on.
struct Traits {
    kind: Kind,
    /// Heavy industry: mining, petrochemicals, chemicals, building materials, metals, power.
    heavy: bool,
    /// Section C (制造业): the industrial enterprises that export.
    manufacturing: bool,
    above: bool,
    /// High-tech now, before or later: R&D-intensive.
    innovative: bool,
    /// Does R&D at all.
    researcher: bool,
}

impl Ratios {
    fn new(rng: &mut ChaCha8Rng, traits: &Traits, revenue: f64) -> Ratios {
        let &Traits {
            kind,
            heavy,
            manufacturing,
            above,
            innovative,
            researcher,
        } = traits;
        let (technology, product) = match kind {
            Kind::Industrial => {
                let t = if innovative || rng.random_bool(0.3) {
                    uniform(rng, 0.005, 0.08)
                } else {
                    0.0
                };
                (t, uniform(rng, 0.85, 0.97).min(0.99 - t))
            }
            Kind::Software => {
                let t = uniform(rng, 0.5, 0.9);
                (t, uniform(rng, 0.0, 0.3).min(0.99 - t))
            }
            Kind::TechService => {
                let t = uniform(rng, 0.6, 0.95);
                (t, uniform(rng, 0.0, 0.15).min(0.99 - t))
            }
            // Trade is 商品销售收入, neither product sales nor technology income.
            Kind::Other => (0.0, uniform(rng, 0.0, 0.1)),
        };
        let high_tech = if innovative {
            uniform(rng, 0.65, 0.97)
        } else if researcher && kind != Kind::Other {
            uniform(rng, 0.0, 0.35)
        } else {
            0.0
        };
        let processing_trade = manufacturing && rng.random_bool(0.01);
        let export = if processing_trade {
            uniform(rng, 1.1, 1.5)
        } else {
            let share = match kind {
                Kind::Industrial if manufacturing => 0.25,
                Kind::Industrial => 0.0,
                Kind::Software => 0.08,
                _ => 0.03,
            };
            if rng.random_bool(share) {
                uniform(rng, 0.02, 0.4)
            } else {
                0.0
            }
        };
        let rd_intensity = if !researcher {
            0.0
        } else if innovative {
            // At least the high-tech criteria's 5% / 4% / 3% by revenue band.
            let floor = if revenue < 50_000.0 {
                0.05
            } else if revenue < 200_000.0 {
                0.04
            } else {
                0.03
            };
            match kind {
                Kind::Software | Kind::TechService => uniform(rng, 0.08, 0.25),
                _ => floor * uniform(rng, 1.05, 2.0),
            }
        } else {
            uniform(rng, 0.005, 0.03)
        };
        let rd_staff = if !researcher {
            0.0
        } else {
            let share = if innovative {
                uniform(rng, 0.12, 0.4)
            } else {
                uniform(rng, 0.05, 0.2)
            };
            match kind {
                Kind::Software | Kind::TechService => (share * 1.3).min(0.6),
                _ => share,
            }
        };
        let patents_per_researcher = match (researcher, innovative) {
            (false, _) => 0.0,
            (true, true) => uniform(rng, 0.1, 0.45),
            (true, false) => uniform(rng, 0.0, 0.12),
        };
        let (contracts, contract_value) = match kind {
            Kind::Software | Kind::TechService if rng.random_bool(0.6) => {
                (uniform(rng, 0.02, 0.2), uniform(rng, 50.0, 800.0))
            }
            Kind::Industrial if innovative && rng.random_bool(0.15) => {
                (uniform(rng, 0.005, 0.02), uniform(rng, 100.0, 1500.0))
            }
            _ => (0.0, 0.0),
        };
        let energy = match kind {
            Kind::Industrial if heavy => uniform(rng, 0.4, 1.5),
            Kind::Industrial => uniform(rng, 0.05, 0.25),
            Kind::Software | Kind::TechService => uniform(rng, 0.005, 0.02),
            Kind::Other => uniform(rng, 0.002, 0.01),
        };
        let land = match kind {
            Kind::Industrial => Some(uniform(rng, 0.15, 0.6) * if heavy { 2.0 } else { 1.0 }),
            _ if rng.random_bool(0.15) => Some(uniform(rng, 0.05, 0.2)),
            _ => None,
        };
        Ratios {
            technology,
            product,
            high_tech,
            export,
            output: uniform(rng, 0.95, 1.08),
            value_added: if heavy {
                uniform(rng, 0.15, 0.3)
            } else {
                uniform(rng, 0.2, 0.38)
            },
            margin: (0.06 + 0.06 * normal(rng)).clamp(-0.25, 0.3),
            tax: if !above && rng.random_bool(0.01) {
                0.0
            } else if kind == Kind::Other {
                uniform(rng, 0.005, 0.02)
            } else {
                uniform(rng, 0.015, 0.07)
            },
            assets: match kind {
                Kind::Industrial if heavy => uniform(rng, 1.2, 3.0),
                Kind::Industrial => uniform(rng, 0.8, 2.2),
                Kind::Software => uniform(rng, 0.6, 1.6),
                Kind::TechService => uniform(rng, 0.5, 1.5),
                Kind::Other => uniform(rng, 0.3, 0.8),
            },
            leverage: uniform(rng, 0.25, 0.75),
            rd_staff,
            fte: uniform(rng, 0.55, 0.95),
            rd_intensity,
            researcher_cost: if innovative || matches!(kind, Kind::Software | Kind::TechService) {
                uniform(rng, 70.0, 160.0)
            } else {
                uniform(rng, 40.0, 100.0)
            },
            government: if researcher && rng.random_bool(0.3) {
                uniform(rng, 0.02, 0.2)
            } else {
                0.0
            },
            external: if researcher && rng.random_bool(0.25) {
                uniform(rng, 0.05, 0.3)
            } else {
                0.0
            },
            bachelor: match kind {
                Kind::Industrial => uniform(rng, 0.12, 0.4),
                Kind::Software => uniform(rng, 0.6, 0.92),
                Kind::TechService => uniform(rng, 0.5, 0.9),
                Kind::Other => uniform(rng, 0.2, 0.5),
            },
            returnees: if innovative || kind == Kind::Software {
                uniform(rng, 0.0, 0.02)
            } else {
                uniform(rng, 0.0, 0.005)
            },
            graduates: uniform(rng, 0.0, 0.08),
            patents_per_researcher,
            invention_share: uniform(rng, 0.2, 0.6),
            grant_rate: uniform(rng, 0.4, 0.8),
            copyrights: match kind {
                Kind::Software => uniform(rng, 0.05, 0.3),
                Kind::TechService if researcher => uniform(rng, 0.0, 0.1),
                _ if innovative => uniform(rng, 0.0, 0.05),
                _ => 0.0,
            },
            standards: if above && innovative && rng.random_bool(0.2) {
                uniform(rng, 0.5, 3.0)
            } else {
                0.0
            },
            contracts,
            contract_value,
            energy,
            land,
        }
    }
}

/// One year's true values from the enterprise's ratios and size; `previous` carries the
/// patents held over.
fn annual(
    rng: &mut ChaCha8Rng,
    r: &Ratios,
    kind: Kind,
    certified: bool,
    employees: f64,
    revenue: f64,
    previous: Option<&Annual>,
) -> Annual {
    let mut jitter = |low: f64, high: f64| uniform(rng, low, high);
    let mut a = Annual {
        employees,
        revenue,
        ..Annual::default()
    };
    let technology = (r.technology * jitter(0.93, 1.07)).min(0.99);
    let product = (r.product * jitter(0.97, 1.03)).min(0.995 - technology);
    a.technology_income = (revenue * technology).floor();
    a.product_sales = (revenue * product).floor();
    let mut high_tech = r.high_tech * jitter(0.95, 1.03);
    if certified {
        high_tech = high_tech.max(0.62);
    }
    a.high_tech_revenue = (revenue * (high_tech * (technology + product)).min(1.0))
        .floor()
        .min(a.technology_income + a.product_sales);
    a.export = (revenue * r.export * jitter(0.9, 1.1)).round();
    if kind == Kind::Industrial {
        let output = (revenue * r.output * jitter(0.98, 1.02)).round();
        a.gross_output = Some(output);
        a.value_added = Some((output * r.value_added * jitter(0.95, 1.05)).floor());
    }
    a.net_profit = (revenue * (r.margin + 0.02 * normal(rng))).round();
    a.taxes_paid = if r.tax > 0.0 {
        (revenue * r.tax * uniform(rng, 0.9, 1.1)).round().max(1.0)
    } else {
        0.0
    };
    a.total_assets = (revenue * r.assets * uniform(rng, 0.95, 1.05))
        .round()
        .max(10.0);
    a.total_liabilities = (a.total_assets * r.leverage * uniform(rng, 0.95, 1.05)).round();

    let mut jitter = |low: f64, high: f64| uniform(rng, low, high);
    if r.rd_staff > 0.0 {
        a.rd_staff = (employees * r.rd_staff * jitter(0.92, 1.08))
            .round()
            .clamp(1.0, employees);
        a.rd_fte = Some(((a.rd_staff * r.fte * 10.0).floor() / 10.0).max(0.5));
        // At least what its R&D staff cost (full-time equivalents at a yearly cost each).
        let staff_cost = a.rd_fte.unwrap_or(0.0) * r.researcher_cost;
        a.rd_expenditure_internal = ((revenue * r.rd_intensity).max(staff_cost)
            * jitter(0.95, 1.1))
        .round()
        .max(10.0);
        a.rd_government_funds = (a.rd_expenditure_internal * r.government).floor();
        a.rd_expenditure_external = (a.rd_expenditure_internal * r.external).round();
    }
    a.staff_bachelor_plus = (employees * r.bachelor * jitter(0.95, 1.05))
        .round()
        .min(employees);
    a.returnees = (employees * r.returnees).round().min(employees);
    a.new_graduates = (employees * r.graduates * jitter(0.5, 1.5))
        .round()
        .min(employees);

    let applications = (a.rd_staff * r.patents_per_researcher * jitter(0.7, 1.3)).round();
    a.patent_applications = applications;
    a.invention_applications = (applications * r.invention_share).floor();
    a.patents_granted = (applications * r.grant_rate * jitter(0.8, 1.2)).round();
    a.invention_patents_granted = (a.patents_granted * r.invention_share * 0.6).floor();
    match previous {
        None => {
            let stock = (a.patents_granted * jitter(2.0, 8.0)).round();
            a.patents_held = a.patents_granted + stock;
            a.invention_patents_held =
                a.invention_patents_granted + (stock * r.invention_share * 0.7).floor();
        }
        Some(p) => {
            // Last year's patents, less some lapsed, plus this year's grants.
            let inventions = p.invention_patents_held;
            let others = p.patents_held - inventions;
            let lapsed_inventions = (inventions * jitter(0.0, 0.05)).floor();
            let lapsed_others = (others * jitter(0.0, 0.1)).floor();
            a.invention_patents_held = inventions - lapsed_inventions + a.invention_patents_granted;
            a.patents_held = a.invention_patents_held + others - lapsed_others
                + (a.patents_granted - a.invention_patents_granted);
        }
    }
    a.software_copyrights = (a.rd_staff.max(1.0) * r.copyrights * jitter(0.7, 1.3)).round();
    a.standards_led = (r.standards * jitter(0.5, 1.2)).floor();
    a.tech_contracts_count = (employees * r.contracts * jitter(0.7, 1.3)).round();
    a.tech_contracts_amount = if a.tech_contracts_count > 0.0 {
        (a.tech_contracts_count * r.contract_value * jitter(0.8, 1.2)).round()
    } else {
        0.0
    };
    // Energy in tce: the intensity is per 10 thousand yuan (10 千元) of revenue.
    a.energy_consumption = round_to(
        (revenue / 10.0 * r.energy * jitter(0.95, 1.05)).max(0.5),
        100.0,
    );
    // Land changes rarely: last year's plot, or one sized by the head count.
    a.land_area = r.land.map(|per_head| {
        previous
            .and_then(|p| p.land_area)
            .unwrap_or_else(|| round_to((employees * per_head).clamp(3.0, 3000.0), 10.0))
    });
    a
}
