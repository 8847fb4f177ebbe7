//! The example's filings: the shipped forms, lifecycles the domain accepts, submissions
//! that pass their forms' checks, every status on the pages, the expected enterprises, and
//! the same filings on every run.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::LazyLock;

use innozone_domain::registry::{Dataset, SizeClass};
use innozone_domain::reporting::completeness::deadline_cutoff;
use innozone_domain::reporting::{
    Context, FieldType, FilingAction, FilingState, FilingStatus, FilingValues, Form, Period,
    PeriodType, Problem,
};
use innozone_example::filings::{
    self, ANNUAL_FORM, ExampleFiling, FILER, PARK_REVIEWER, QUARTERLY_FORM, TODAY, ZONE_STATISTICS,
};
use innozone_example::{Scale, generate};
use time::{PrimitiveDateTime, Time, UtcOffset};

struct Example {
    dataset: Dataset,
    forms: Vec<Form>,
    filings: Vec<ExampleFiling>,
}

static EXAMPLE: LazyLock<Example> = LazyLock::new(|| {
    let dataset = generate(Scale::Builtin, &|_| {});
    let forms = filings::forms();
    let filings = filings::lanbai_filings(&dataset, &forms);
    Example {
        dataset,
        forms,
        filings,
    }
});

const ANNUAL_2025: (&str, Period) = (ANNUAL_FORM, Period::Year(2025));
const Q4_2025: (&str, Period) = (QUARTERLY_FORM, Period::Quarter(2025, 4));
const ALL_PERIODS: [(&str, Period); 6] = [
    (ANNUAL_FORM, Period::Year(2024)),
    ANNUAL_2025,
    (QUARTERLY_FORM, Period::Quarter(2025, 1)),
    (QUARTERLY_FORM, Period::Quarter(2025, 2)),
    (QUARTERLY_FORM, Period::Quarter(2025, 3)),
    Q4_2025,
];

fn form<'a>(example: &'a Example, code: &str) -> &'a Form {
    example.forms.iter().find(|f| f.code == code).unwrap()
}

fn of_period<'a>(
    example: &'a Example,
    (code, period): (&str, Period),
) -> impl Iterator<Item = &'a ExampleFiling> {
    let code = code.to_string();
    example
        .filings
        .iter()
        .filter(move |f| f.form_code == code && f.period == period)
}

fn is_closed(filing: &ExampleFiling) -> bool {
    filings::closed_periods().contains(&(filing.form_code.as_str(), filing.period))
}

/// Replays the steps through the domain's lifecycle; panics on an illegal one.
fn replay(filing: &ExampleFiling) -> FilingState {
    let closed = is_closed(filing);
    let last = filing.steps.len() - 1;
    let mut state: Option<FilingState> = None;
    for (i, step) in filing.steps.iter().enumerate() {
        let period_closed = closed && i == last && step.action == FilingAction::Lock;
        let next = match state {
            None => FilingState::new_filing(step.action, period_closed),
            Some(s) => s.after(step.action, step.note.as_deref(), period_closed),
        };
        state = Some(next.unwrap_or_else(|e| {
            panic!(
                "{} {} {}: step {i} {:?}: {e}",
                filing.credit_code, filing.form_code, filing.period, step.action
            )
        }));
    }
    state.expect("at least one step")
}

fn first_submitted_at(filing: &ExampleFiling) -> Option<i64> {
    filing
        .steps
        .iter()
        .find(|s| s.action == FilingAction::Submit)
        .map(|s| s.at)
}

fn last_submission(filing: &ExampleFiling) -> Option<&BTreeMap<String, f64>> {
    filing
        .steps
        .iter()
        .rev()
        .find(|s| s.action == FilingAction::Submit)
        .and_then(|s| s.values.as_ref())
}

/// Independently of the library: in survey and in a 兰白 park on the period's last day.
fn expected_codes(dataset: &Dataset, period: Period) -> HashSet<String> {
    let day = period.last_day();
    dataset
        .enterprises
        .iter()
        .filter(|e| {
            e.draft.in_survey
                && e.locations.iter().any(|l| {
                    l.park.as_str().starts_with("LB")
                        && l.from <= day
                        && l.until.is_none_or(|u| day < u)
                })
        })
        .map(|e| e.draft.credit_code.as_str().to_string())
        .collect()
}

#[test]
fn the_shipped_forms_parse() {
    let forms = filings::forms();
    assert_eq!(forms.len(), 2);
    let annual = &forms[0];
    assert_eq!(annual.code, ANNUAL_FORM);
    assert_eq!(annual.period_type, PeriodType::Annual);
    assert_eq!((annual.fields.len(), annual.rules.len()), (32, 34));
    assert_eq!(
        annual.deadline(Period::Year(2025)),
        time::macros::date!(2026 - 03 - 31)
    );
    let quarterly = &forms[1];
    assert_eq!(quarterly.code, QUARTERLY_FORM);
    assert_eq!(quarterly.period_type, PeriodType::Quarterly);
    assert!(quarterly.year_to_date);
    assert_eq!((quarterly.fields.len(), quarterly.rules.len()), (5, 11));
    assert_eq!(
        quarterly.deadline(Period::Quarter(2025, 4)),
        time::macros::date!(2026 - 01 - 15)
    );
}

#[test]
fn every_step_sequence_is_a_legal_lifecycle() {
    let example = &*EXAMPLE;
    let today = PrimitiveDateTime::new(TODAY, Time::MIDNIGHT)
        .assume_offset(UtcOffset::from_hms(8, 0, 0).unwrap())
        .unix_timestamp();
    let mut latest_before_lock: HashMap<(&str, Period), i64> = HashMap::new();
    for filing in &example.filings {
        let state = replay(filing);
        let form = form(example, &filing.form_code);
        let period_end = PrimitiveDateTime::new(filing.period.last_day(), Time::MIDNIGHT)
            .assume_offset(UtcOffset::from_hms(8, 0, 0).unwrap())
            .unix_timestamp()
            + 86_400;
        for pair in filing.steps.windows(2) {
            assert!(pair[0].at < pair[1].at, "{filing:?}: steps in time order");
        }
        for step in &filing.steps {
            assert!(step.at < today, "{filing:?}: in the past");
            assert!(step.at > period_end, "{filing:?}: after the period");
            assert_eq!(step.note.is_some(), step.action.needs_reason());
            if let Some(note) = &step.note {
                assert!(!note.trim().is_empty());
            }
            assert_eq!(step.values.is_some(), step.action.changes_values());
            if step.action != FilingAction::Submit {
                assert!(step.explanations.is_empty());
            }
            let actor = match step.action {
                FilingAction::SaveDraft | FilingAction::Submit => vec![FILER],
                FilingAction::Approve => vec![PARK_REVIEWER],
                FilingAction::Return => vec![PARK_REVIEWER, ZONE_STATISTICS],
                FilingAction::Lock | FilingAction::Reopen => vec![ZONE_STATISTICS],
            };
            assert!(actor.contains(&step.actor.as_str()), "{step:?}");
        }
        let last = filing.steps.last().unwrap();
        if is_closed(filing) {
            assert_eq!(last.action, FilingAction::Lock);
            assert_eq!(
                state,
                FilingState {
                    status: FilingStatus::Approved,
                    locked: true
                }
            );
            assert_eq!(last.at, filings::closed_at(form, filing.period));
            let before = &filing.steps[filing.steps.len() - 2];
            let latest = latest_before_lock
                .entry((form.code.as_str(), filing.period))
                .or_insert(i64::MIN);
            *latest = (*latest).max(before.at);
        } else {
            assert!(!state.locked);
            assert!(filing.steps.iter().all(|s| s.action != FilingAction::Lock));
        }
    }
    // The zone closed each period after every other step of it.
    for (&(code, period), &latest) in &latest_before_lock {
        let close = filings::closed_at(form(example, code), period);
        assert!(latest < close, "{code} {period}");
    }
    assert_eq!(latest_before_lock.len(), filings::closed_periods().len());
}

#[test]
fn every_submission_passes_the_error_rules_and_explains_its_warnings() {
    let example = &*EXAMPLE;
    let finals: HashMap<(&str, Period, &str), FilingValues> = example
        .filings
        .iter()
        .filter_map(|f| {
            let form = form(example, &f.form_code);
            last_submission(f).map(|v| {
                (
                    (f.form_code.as_str(), f.period, f.credit_code.as_str()),
                    FilingValues::from_map(form, v),
                )
            })
        })
        .collect();
    let mut warnings: HashMap<String, usize> = HashMap::new();
    let mut incomplete_drafts = 0;
    for filing in &example.filings {
        let form = form(example, &filing.form_code);
        let code = filing.credit_code.as_str();
        let context = Context {
            previous_year: finals.get(&(
                filing.form_code.as_str(),
                filing.period.previous_year(),
                code,
            )),
            previous_period: filing
                .period
                .previous_in_year()
                .and_then(|p| finals.get(&(filing.form_code.as_str(), p, code))),
        };
        for step in &filing.steps {
            let Some(map) = &step.values else { continue };
            let values = FilingValues::from_map(form, map);
            assert_eq!(&values.to_map(form), map, "only the form's fields");
            for (i, field) in form.fields.iter().enumerate() {
                if let Some(v) = values.get(i) {
                    assert!(v.is_finite());
                    assert!(v >= 0.0 || field.negative_allowed, "{}", field.code);
                    if field.field_type == FieldType::Integer {
                        assert_eq!(v.fract(), 0.0, "{}", field.code);
                    }
                }
            }
            let assessment = form.assess(&values, context);
            match step.action {
                FilingAction::Submit => {
                    let errors: Vec<_> = assessment.errors().collect();
                    assert!(errors.is_empty(), "{filing:?}: {errors:?}");
                    assert!(
                        assessment.may_submit(form, &step.explanations),
                        "{filing:?}: unexplained {:?}",
                        assessment.unexplained(form, &step.explanations)
                    );
                    let raised: HashSet<&str> = assessment
                        .warnings()
                        .filter_map(|w| match w.problem {
                            Problem::Rule(i) => Some(form.rules[i].code.as_str()),
                            Problem::Required => None,
                        })
                        .collect();
                    let explained: HashSet<&str> =
                        step.explanations.keys().map(String::as_str).collect();
                    assert_eq!(raised, explained, "explanations for exactly the warnings");
                    for (rule, text) in &step.explanations {
                        *warnings.entry(rule.clone()).or_default() += 1;
                        assert!(
                            text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                            "{rule}: {text}"
                        );
                    }
                }
                FilingAction::SaveDraft => {
                    let blank = assessment
                        .errors()
                        .any(|f| matches!(f.problem, Problem::Required));
                    incomplete_drafts += usize::from(blank);
                }
                _ => {}
            }
        }
    }
    assert!(incomplete_drafts > 0, "drafts leave required fields blank");
    // A handful of enterprises changed their revenue by more than half and say why.
    let big = warnings.get("A17").copied().unwrap_or(0);
    assert!((3..=40).contains(&big), "A17 explained {big} times");
}

#[derive(Debug, Default)]
struct Tally {
    expected: usize,
    approved: usize,
    returned: usize,
    submitted: usize,
    draft: usize,
    missing: usize,
    late: usize,
    on_time: usize,
    locked: usize,
    corrected: usize,
}

fn tally(example: &Example, (code, period): (&str, Period)) -> Tally {
    let form = form(example, code);
    let expected = expected_codes(&example.dataset, period);
    let cutoff = deadline_cutoff(form.deadline(period));
    let mut t = Tally {
        expected: expected.len(),
        ..Tally::default()
    };
    let mut seen = HashSet::new();
    for filing in of_period(example, (code, period)) {
        let credit = filing.credit_code.as_str();
        assert!(
            expected.contains(credit),
            "{credit} files but is not expected"
        );
        assert!(seen.insert(credit), "{credit} files twice");
        let state = replay(filing);
        match state.status {
            FilingStatus::Approved => t.approved += 1,
            FilingStatus::Returned => t.returned += 1,
            FilingStatus::Submitted => t.submitted += 1,
            FilingStatus::Draft => t.draft += 1,
        }
        t.locked += usize::from(state.locked);
        match first_submitted_at(filing) {
            Some(at) if at < cutoff => t.on_time += 1,
            Some(_) => t.late += 1,
            None => {}
        }
        let submissions: Vec<_> = filing
            .steps
            .iter()
            .filter(|s| s.action == FilingAction::Submit)
            .collect();
        if state.status == FilingStatus::Approved
            && submissions.len() > 1
            && submissions[0].values != submissions[submissions.len() - 1].values
        {
            t.corrected += 1;
        }
    }
    t.missing = expected.len() - seen.len();
    t
}

#[test]
fn every_status_occurs_in_the_periods_under_review() {
    let example = &*EXAMPLE;
    for period in [ANNUAL_2025, Q4_2025] {
        let t = tally(example, period);
        println!("{} {}: {t:?}", period.0, period.1);
        let share = |n: usize| n as f64 / t.expected as f64;
        assert!((0.62..0.8).contains(&share(t.approved)), "{t:?}");
        assert!((0.04..0.14).contains(&share(t.returned)), "{t:?}");
        assert!((0.05..0.16).contains(&share(t.submitted)), "{t:?}");
        assert!((0.01..0.08).contains(&share(t.draft)), "{t:?}");
        assert!((0.03..0.12).contains(&share(t.missing)), "{t:?}");
        assert!(t.corrected > 0, "{t:?}");
        let filed = t.on_time + t.late;
        let late = t.late as f64 / filed as f64;
        assert!((0.08..0.22).contains(&late), "{t:?}");
        assert!(t.on_time > 0);
        assert_eq!(t.locked, 0, "open periods lock nothing");
        assert_eq!(
            t.approved + t.returned + t.submitted + t.draft + t.missing,
            t.expected
        );
    }
    for (code, period) in filings::closed_periods() {
        let t = tally(example, (code, period));
        println!("{code} {period}: {t:?}");
        assert_eq!(t.missing, 0, "{t:?}");
        assert_eq!(t.approved, t.expected, "{t:?}");
        assert_eq!(t.locked, t.expected, "{t:?}");
        if period == Period::Year(2024) {
            assert_eq!(t.late, 0, "every 2024 annual report on time");
        }
    }
}

#[test]
fn the_expected_enterprises_are_the_in_survey_ones_located_in_lanbai() {
    let example = &*EXAMPLE;
    for (code, period) in ALL_PERIODS {
        let expected = expected_codes(&example.dataset, period);
        let listed: HashSet<String> = filings::expected(&example.dataset, period)
            .iter()
            .map(|e| e.draft.credit_code.as_str().to_string())
            .collect();
        assert_eq!(listed, expected, "{period}");
        assert!(expected.len() > 4000, "{period}: {}", expected.len());
        let filed = of_period(example, (code, period)).count();
        assert!(filed <= expected.len());
    }
    // Not in the survey, or located elsewhere: never a filing.
    let lanbai: HashSet<&str> = example
        .dataset
        .enterprises
        .iter()
        .filter(|e| {
            e.draft.in_survey
                && e.locations
                    .iter()
                    .any(|l| l.park.as_str().starts_with("LB"))
        })
        .map(|e| e.draft.credit_code.as_str())
        .collect();
    assert!(
        example
            .filings
            .iter()
            .all(|f| lanbai.contains(f.credit_code.as_str()))
    );
    assert!(example.dataset.enterprises.iter().any(|e| {
        !e.draft.in_survey
            && e.locations
                .iter()
                .any(|l| l.park.as_str().starts_with("LB"))
    }));
}

#[test]
fn values_are_plausible_and_consistent_across_periods() {
    let example = &*EXAMPLE;
    let by_code: HashMap<&str, &innozone_domain::registry::DatasetEnterprise> = example
        .dataset
        .enterprises
        .iter()
        .map(|e| (e.draft.credit_code.as_str(), e))
        .collect();
    // Approved values only: a returned filing's may be the mistake it was returned for.
    let finals: HashMap<(&str, Period, &str), &BTreeMap<String, f64>> = example
        .filings
        .iter()
        .filter(|f| replay(f).status == FilingStatus::Approved)
        .filter_map(|f| {
            last_submission(f)
                .map(|v| ((f.form_code.as_str(), f.period, f.credit_code.as_str()), v))
        })
        .collect();
    let mut growth = Vec::new();
    let mut quick = 0;
    for (&(code, period, credit), values) in &finals {
        let e = by_code[credit];
        if code == ANNUAL_FORM {
            let revenue = values["revenue"];
            let industrial = e.draft.industry.is_industrial();
            assert_eq!(values.contains_key("gross_output"), industrial, "{credit}");
            if industrial && e.draft.size_class == SizeClass::AboveScale {
                assert!(revenue >= 20_000.0, "{credit}: {revenue}");
            }
            if e.draft.size_class == SizeClass::BelowScale && period == Period::Year(2024) {
                assert!(revenue < 20_000.0, "{credit}: {revenue}");
            }
            let staff = values["rd_staff"] / values["employees"];
            assert!(staff <= 0.61, "{credit}: {staff}");
            if period == Period::Year(2025)
                && let Some(before) = finals.get(&(ANNUAL_FORM, Period::Year(2024), credit))
            {
                growth.push(revenue / before["revenue"] - 1.0);
            }
        } else if let Period::Quarter(2025, q) = period {
            if q > 1
                && let Some(before) =
                    finals.get(&(QUARTERLY_FORM, Period::Quarter(2025, q - 1), credit))
            {
                for field in [
                    "revenue_ytd",
                    "gross_output_ytd",
                    "export_ytd",
                    "rd_expenditure_ytd",
                ] {
                    if let (Some(b), Some(a)) = (before.get(field), values.get(field)) {
                        assert!(a >= b, "{credit} {period} {field}: {b} → {a}");
                    }
                }
            }
            if q == 4
                && let Some(annual) = finals.get(&(ANNUAL_FORM, Period::Year(2025), credit))
            {
                let ratio = values["revenue_ytd"] / annual["revenue"];
                assert!((0.96..=1.03).contains(&ratio), "{credit}: {ratio}");
                quick += usize::from(ratio != 1.0);
            }
        }
    }
    growth.sort_by(f64::total_cmp);
    let median = growth[growth.len() / 2];
    assert!((0.02..0.12).contains(&median), "median growth {median}");
    assert!(
        quick > 0,
        "some quick reports differ from the annual report"
    );
}

#[test]
fn generation_is_deterministic() {
    let example = &*EXAMPLE;
    let start = std::time::Instant::now();
    let again = filings::lanbai_filings(&example.dataset, &example.forms);
    println!("{} filings in {:?}", again.len(), start.elapsed());
    assert_eq!(again, example.filings);
    // Without the quarterly form, the annual filings are the same.
    let start = std::time::Instant::now();
    let annual_only = filings::lanbai_filings(&example.dataset, &example.forms[..1]);
    println!("annual only: {:?}", start.elapsed());
    let annual: Vec<_> = example
        .filings
        .iter()
        .filter(|f| f.form_code == ANNUAL_FORM)
        .cloned()
        .collect();
    assert_eq!(annual_only, annual);
}

#[test]
fn bulk_rows_pass_the_error_rules_and_explain_their_warnings() {
    let example = &*EXAMPLE;
    for (form, period) in example
        .forms
        .iter()
        .zip([Period::Year(2025), Period::Quarter(2025, 4)])
    {
        let day = period.last_day();
        let rows = filings::bulk_filings(&example.dataset, form, period);
        let located = example
            .dataset
            .enterprises
            .iter()
            .filter(|e| {
                e.draft.in_survey
                    && e.locations
                        .iter()
                        .any(|l| l.from <= day && l.until.is_none_or(|u| day < u))
            })
            .count();
        assert_eq!(rows.len(), located, "{}", form.code);
        let mut explained = 0;
        for (enterprise, values, explanation) in &rows {
            let assessment = form.assess(values, Context::default());
            let errors: Vec<_> = assessment.errors().map(|f| (f, values.clone())).collect();
            assert!(errors.is_empty(), "{enterprise:?} {errors:?}");
            let explanations: BTreeMap<String, String> = assessment
                .warnings()
                .filter_map(|w| match w.problem {
                    Problem::Rule(i) => Some(form.rules[i].code.clone()),
                    Problem::Required => None,
                })
                .filter_map(|code| explanation.clone().map(|text| (code, text)))
                .collect();
            assert!(assessment.may_submit(form, &explanations));
            assert_eq!(explanation.is_some(), !explanations.is_empty());
            explained += usize::from(explanation.is_some());
        }
        assert!(explained > 0, "{}: some rows explain a warning", form.code);
        assert_eq!(
            rows,
            filings::bulk_filings(&example.dataset, form, period),
            "the same rows on every run"
        );
        // A period of another type gives nothing.
        let other = match period {
            Period::Year(_) => Period::Quarter(2025, 4),
            _ => Period::Year(2025),
        };
        assert!(filings::bulk_filings(&example.dataset, form, other).is_empty());
    }
}
