//! The historic annual filings: 兰白 for 2014–2023 and 攀枝花 for 2020–2025, so that
//! monitoring has the plan years to compare with their targets.
//!
//! Every firm is back-cast from its 2024 values (the ones [`super::lanbai_filings`] files
//! for 兰白; for 攀枝花 drawn here the same way): each group of fields (size, value added,
//! R&D staff, R&D spending, patents, technology contracts, energy) is scaled by a
//! zone-wide factor for the year and a per-firm random walk that ends at 1 in 2024, so
//! the series joins the 2024 filings smoothly. For 兰白 the plan years' factors are
//! calibrated until the sums of the filings give the indicators designed in
//! [`crate::design`]; the years 2021–2023 move geometrically from the 2020 factors to
//! the 2024 values. Patents held are a stock: each year's is last year's less what
//! lapsed plus the year's grants, so the grants are what the stock gained plus what
//! lapsed.

use innozone_domain::monitoring::is_high_tech_manufacturing;
use innozone_domain::registry::{DatasetEnterprise, SizeClass};

use super::*;
use crate::design::{self, FromFilings};

/// The first historic year of each zone.
pub(crate) const LANBAI_FROM: i32 = 2014;
pub(crate) const PANZHIHUA_FROM: i32 = 2020;
/// The year every back-cast starts from.
const BASE_YEAR: i32 = 2024;
/// The last year of the plan of seed 001, up to which the factors are calibrated.
const PLAN_END: i32 = 2020;

/// The code of the 攀枝花 zone.
pub const PANZHIHUA: &str = "PZH";

/// Mixed into [`SEED`] for the history's own streams, so that the filings of 2024 and
/// 2025 and the enterprises stay as they are.
const HISTORY: u64 = 0x0015_7014;

/// One zone's enterprises' true annual values, year by year from its first historic
/// year to 2025.
pub(crate) struct ZoneHistory {
    pub zone: &'static str,
    /// Per year, the in-survey enterprises located in the zone on 31 December (data set
    /// indices, ascending) with their values.
    pub years: Vec<(i32, Vec<(usize, Annual)>)>,
}

/// 兰白 then 攀枝花 (each only when the data set has the zone).
pub(crate) fn histories(dataset: &Dataset) -> Vec<ZoneHistory> {
    let mut out = Vec::new();
    if let Some(zone) = ZoneParks::new(dataset, ZONE_PREFIX) {
        out.push(lanbai(dataset, &zone));
    }
    if let Some(zone) = ZoneParks::new(dataset, PANZHIHUA) {
        out.push(panzhihua(dataset, &zone));
    }
    out
}

fn stream(n: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(SEED ^ HISTORY);
    rng.set_stream(n);
    rng
}

// ------------------------------------------------------------------------------ filings

/// The zone, form and period of every historic filing's period, each closed by the zone.
pub fn historic_closures() -> Vec<(&'static str, &'static str, Period)> {
    (LANBAI_FROM..BASE_YEAR)
        .map(|y| (ZONE_PREFIX, y))
        .chain((PANZHIHUA_FROM..=2025).map(|y| (PANZHIHUA, y)))
        .map(|(zone, y)| (zone, ANNUAL_FORM, Period::Year(y)))
        .collect()
}

/// The historic annual filings, zone by zone and year by year in data set order: for
/// 兰白 2014–2023 and for 攀枝花 2020–2025, every in-survey enterprise located on
/// 31 December in a park that belongs to the zone that day (攀枝花's parks join in 2020,
/// 2021 and 2025). Each filing was submitted on time and approved by the park a few
/// working days later; the periods are closed ([`historic_closures`]), so the approvals
/// are final. Nothing when the annual form is not in `forms`.
pub fn historic_filings(dataset: &Dataset, forms: &[Form]) -> Vec<ExampleFiling> {
    let Some(form) = forms.iter().find(|f| f.code == ANNUAL_FORM) else {
        return Vec::new();
    };
    let layout = Layout::new(form);
    let mut by_code: Vec<(String, usize)> = form
        .fields
        .iter()
        .enumerate()
        .map(|(i, f)| (f.code.clone(), i))
        .collect();
    by_code.sort();
    let mut out = Vec::new();
    for (z, history) in histories(dataset).iter().enumerate() {
        let last = if history.zone == ZONE_PREFIX {
            BASE_YEAR - 1
        } else {
            2025
        };
        let mut previous: HashMap<usize, FilingValues> = HashMap::new();
        for (year, rows) in &history.years {
            if *year > last {
                break;
            }
            let period = Period::Year(*year);
            let schedule = Schedule::new(form, period, true);
            let mut rng = stream(10 + 100 * z as u64 + (*year - 2000) as u64);
            let mut finals = HashMap::with_capacity(rows.len());
            for (i, annual) in rows {
                let values = layout.lay_out(&layout.annual, &annual.to_array());
                let mut builder = Builder {
                    rng: &mut rng,
                    form,
                    by_code: &by_code,
                    context: Context {
                        previous_year: previous.get(i),
                        previous_period: None,
                    },
                    steps: Vec::new(),
                    last: None,
                    submitted: None,
                };
                let day = schedule.first_day(builder.rng);
                builder.submit(day, values.clone());
                builder.review(FilingAction::Approve, PARK_REVIEWER, 1..=5, None);
                out.push(ExampleFiling {
                    credit_code: dataset.enterprises[*i].draft.credit_code.clone(),
                    form_code: form.code.clone(),
                    period,
                    steps: builder.steps,
                });
                finals.insert(*i, values);
            }
            previous = finals;
        }
    }
    out
}

// ------------------------------------------------------------------------------- zones

/// The parks of a zone with the day each belongs to it.
struct ZoneParks {
    since: HashMap<String, Date>,
}

impl ZoneParks {
    fn new(dataset: &Dataset, zone: &str) -> Option<ZoneParks> {
        let parent: HashMap<&str, (&str, Date)> = dataset
            .memberships
            .iter()
            .filter(|m| m.until.is_none())
            .map(|m| (m.child.as_str(), (m.parent.as_str(), m.from)))
            .collect();
        let mut since = HashMap::new();
        for unit in &dataset.units {
            let mut cursor = unit.code.as_str();
            let mut day = Date::MIN;
            while let Some(&(up, from)) = parent.get(cursor) {
                day = day.max(from);
                if up == zone {
                    since.insert(unit.code.as_str().to_string(), day);
                    break;
                }
                cursor = up;
            }
        }
        (!since.is_empty()).then_some(ZoneParks { since })
    }

    /// Whether `enterprise` is located in the zone on `day`.
    fn holds(&self, enterprise: &DatasetEnterprise, day: Date) -> bool {
        enterprise.locations.iter().any(|l| {
            l.from <= day
                && l.until.is_none_or(|until| day < until)
                && self
                    .since
                    .get(l.park.as_str())
                    .is_some_and(|&since| since <= day)
        })
    }

    /// The in-survey enterprises located in the zone on 31 December of `year`.
    fn expected(&self, dataset: &Dataset, year: i32) -> Vec<usize> {
        let day = Period::Year(year).last_day();
        dataset
            .enterprises
            .iter()
            .enumerate()
            .filter(|(_, e)| e.draft.in_survey && self.holds(e, day))
            .map(|(i, _)| i)
            .collect()
    }
}

// ----------------------------------------------------------------------------- factors

/// What a firm's factors depend on: its part of the economy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Segment {
    /// 高技术产业（制造业）.
    HighTech,
    /// The other industrial enterprises.
    Industry,
    Other,
}

impl Segment {
    fn of(enterprise: &DatasetEnterprise) -> Segment {
        let industry = &enterprise.draft.industry;
        if is_high_tech_manufacturing(industry) {
            Segment::HighTech
        } else if industry.is_industrial() {
            Segment::Industry
        } else {
            Segment::Other
        }
    }
}

/// Zone-wide factors of one year on the 2024 values.
#[derive(Debug, Clone, Copy)]
struct Factors {
    /// Revenue, output, value added, profit, taxes and assets, by [`Segment`].
    revenue: [f64; 3],
    /// Head counts, by [`Segment`].
    staff: [f64; 3],
    rd_staff: f64,
    rd_spend: f64,
    /// Patents held (the stock).
    patents: f64,
    /// Patent applications, copyrights and standards.
    flows: f64,
    contracts: f64,
    energy: f64,
}

impl Factors {
    const ONE: Factors = Factors {
        revenue: [1.0; 3],
        staff: [1.0; 3],
        rd_staff: 1.0,
        rd_spend: 1.0,
        patents: 1.0,
        flows: 1.0,
        contracts: 1.0,
        energy: 1.0,
    };

    /// Head counts follow revenue at half its pace: productivity rises as firms grow.
    fn tie_staff(&mut self, segments: &[Segment]) {
        for s in segments {
            self.staff[*s as usize] = self.revenue[*s as usize].sqrt();
        }
    }

    /// These factors raised to `t`: a year between these and 2024's (t = 0).
    fn toward_base(&self, t: f64) -> Factors {
        let p = |x: f64| x.powf(t);
        Factors {
            revenue: self.revenue.map(p),
            staff: self.staff.map(p),
            rd_staff: p(self.rd_staff),
            rd_spend: p(self.rd_spend),
            patents: p(self.patents),
            flows: p(self.flows),
            contracts: p(self.contracts),
            energy: p(self.energy),
        }
    }
}

// ------------------------------------------------------------------------------- firms

/// A firm's own deviation from the zone's factors, by year from the zone's first
/// historic year to 2024: random walks that end at 1 in 2024.
struct Noise {
    size: Vec<f64>,
    rd: Vec<f64>,
    patents: Vec<f64>,
    contracts: Vec<f64>,
    energy: Vec<f64>,
    /// The shares of last year's inventions and other patents that lapsed this year.
    lapsed: Vec<(f64, f64)>,
    /// An above-scale industrial firm's revenue never fell below 20 million yuan (the
    /// 规模以上 threshold): this multiple of it at the least.
    floor: f64,
}

impl Noise {
    fn new(rng: &mut ChaCha8Rng, years: usize) -> Noise {
        let mut walk = |sigma: f64| -> Vec<f64> {
            let mut out = vec![1.0; years];
            for k in (0..years - 1).rev() {
                out[k] = out[k + 1] * (sigma * normal(rng)).exp();
            }
            out
        };
        let size = walk(0.05);
        let rd = walk(0.06);
        let patents = walk(0.05);
        let contracts = walk(0.08);
        let energy = walk(0.04);
        let lapsed = (0..years)
            .map(|_| (uniform(rng, 0.0, 0.05), uniform(rng, 0.0, 0.1)))
            .collect();
        Noise {
            size,
            rd,
            patents,
            contracts,
            energy,
            lapsed,
            floor: uniform(rng, 1.02, 1.3),
        }
    }
}

/// One firm of a zone's history.
struct Subject<'a> {
    index: usize,
    base: &'a Annual,
    segment: Segment,
    above_industrial: bool,
    noise: Noise,
}

/// The firm's values for every year from `first` to 2023, from its 2024 values `base`
/// and the zone's factors by year (`factors[k]` for `first + k`).
fn back_cast(s: &Subject, first: i32, factors: &[Factors]) -> Vec<Annual> {
    let b = s.base;
    let years = (BASE_YEAR - first) as usize;
    let n = &s.noise;

    // The stocks of patents, from 2023 backwards: 2023 is what 2024 held less its grants
    // plus what lapsed in 2024; before, never more than the year after.
    let other_held = b.patents_held - b.invention_patents_held;
    let other_granted = b.patents_granted - b.invention_patents_granted;
    let mut inventions = vec![0.0; years];
    let mut others = vec![0.0; years];
    if years > 0 {
        let net = b.invention_patents_held - b.invention_patents_granted;
        inventions[years - 1] = net + (net * n.lapsed[years].0).floor();
        let net = (other_held - other_granted).max(0.0);
        others[years - 1] = net + (net * n.lapsed[years].1).floor();
        for k in (0..years - 1).rev() {
            let f = factors[k].patents * n.patents[k];
            inventions[k] = inventions[k + 1].min((b.invention_patents_held * f).round());
            others[k] = others[k + 1].min((other_held * f).round());
        }
    }

    let mut out = Vec::with_capacity(years);
    for k in 0..years {
        let f = &factors[k];
        let seg = s.segment as usize;
        let mut a = Annual {
            employees: (b.employees * f.staff[seg] * n.size[k]).round().max(3.0),
            ..Annual::default()
        };
        let staff = a.employees / b.employees;
        let mut revenue = (b.revenue * f.revenue[seg] * n.size[k]).round().max(1.0);
        if s.above_industrial {
            revenue = revenue.max((20_000.0 * n.floor).round());
        }
        a.revenue = revenue;
        let r = revenue / b.revenue;
        a.staff_bachelor_plus = (b.staff_bachelor_plus * staff).round().min(a.employees);
        a.returnees = (b.returnees * staff).round().min(a.employees);
        a.new_graduates = (b.new_graduates * staff).round().min(a.employees);
        a.technology_income = (b.technology_income * r).floor();
        a.product_sales = (b.product_sales * r)
            .floor()
            .min(revenue - a.technology_income);
        a.high_tech_revenue = (b.high_tech_revenue * r)
            .floor()
            .min(a.technology_income + a.product_sales);
        a.export = (b.export * r).round();
        a.gross_output = b.gross_output.map(|o| (o * r).round());
        a.value_added = b.value_added.map(|v| (v * r).floor());
        a.net_profit = (b.net_profit * r).round();
        a.taxes_paid = if b.taxes_paid > 0.0 {
            (b.taxes_paid * r).round().max(1.0)
        } else {
            0.0
        };
        a.total_assets = (b.total_assets * r).round().max(10.0);
        a.total_liabilities = (b.total_liabilities * a.total_assets / b.total_assets).round();

        if b.rd_staff > 0.0 {
            a.rd_staff = (b.rd_staff * f.rd_staff * n.rd[k])
                .round()
                .clamp(1.0, a.employees);
            let fte = b.rd_fte.unwrap_or(0.0) / b.rd_staff;
            a.rd_fte = Some(((a.rd_staff * fte * 10.0).floor() / 10.0).max(0.5));
        }
        if b.rd_expenditure_internal > 0.0 {
            a.rd_expenditure_internal = (b.rd_expenditure_internal * f.rd_spend * n.rd[k])
                .round()
                .max(10.0);
            let rd = a.rd_expenditure_internal / b.rd_expenditure_internal;
            a.rd_government_funds = (b.rd_government_funds * rd).floor();
            a.rd_expenditure_external = (b.rd_expenditure_external * rd).round();
        }

        // Grants: what the stock gained, plus what lapsed from last year's.
        a.invention_patents_held = inventions[k];
        let other = others[k];
        let (inventions_granted, others_granted) = if k == 0 {
            let flow = f.flows * n.patents[k];
            (
                (b.invention_patents_granted * flow)
                    .round()
                    .min(inventions[0]),
                (other_granted * flow).round().min(other),
            )
        } else {
            let (lapsed_inventions, lapsed_others) = n.lapsed[k];
            (
                inventions[k] - inventions[k - 1] + (inventions[k - 1] * lapsed_inventions).floor(),
                other - others[k - 1] + (others[k - 1] * lapsed_others).floor(),
            )
        };
        a.invention_patents_granted = inventions_granted;
        a.patents_granted = inventions_granted + others_granted;
        a.patents_held = a.invention_patents_held + other;
        // Applications grow with the R&D staff and are never fewer than the grants.
        let applied = (b.patent_applications * f.flows * n.patents[k]).round();
        a.patent_applications = if a.patents_granted > 0.0 {
            applied.max((a.patents_granted * 1.2).ceil())
        } else {
            applied
        };
        let invention_share = if b.patent_applications > 0.0 {
            b.invention_applications / b.patent_applications
        } else {
            0.4
        };
        a.invention_applications = (a.patent_applications * invention_share)
            .floor()
            .max(a.invention_patents_granted)
            .min(a.patent_applications);
        a.software_copyrights = (b.software_copyrights * f.flows * n.patents[k]).round();
        a.standards_led = (b.standards_led * f.flows * n.patents[k]).floor();

        if b.tech_contracts_count > 0.0 {
            let c = f.contracts * n.contracts[k];
            a.tech_contracts_count = (b.tech_contracts_count * c).round().max(1.0);
            a.tech_contracts_amount = (b.tech_contracts_amount * c).round().max(1.0);
        }
        a.energy_consumption = round_to(
            (b.energy_consumption * f.energy * n.energy[k]).max(0.5),
            100.0,
        );
        a.land_area = b.land_area;
        out.push(a);
    }
    out
}

// -------------------------------------------------------------------------------- 兰白

/// The sums a plan year's filings are calibrated to, in the forms' units.
#[derive(Debug, Clone, Copy, Default)]
struct Sums {
    value_added: [f64; 3],
    high_tech_employees: f64,
    rd_staff: f64,
    rd_spend: f64,
    inventions: f64,
    contracts: f64,
    energy: f64,
}

impl Sums {
    fn of<'a>(rows: impl Iterator<Item = (Segment, &'a Annual)>) -> Sums {
        let mut s = Sums::default();
        for (segment, a) in rows {
            s.value_added[segment as usize] += a.value_added.unwrap_or(0.0);
            if segment == Segment::HighTech {
                s.high_tech_employees += a.employees;
            }
            s.rd_staff += a.rd_staff;
            s.rd_spend += a.rd_expenditure_internal;
            s.inventions += a.invention_patents_held;
            s.contracts += a.tech_contracts_amount;
            s.energy += a.energy_consumption;
        }
        s
    }

    /// What the design asks of the filings of a plan year.
    fn designed(year: &design::LanbaiYear, plan: &FromFilings) -> Sums {
        // 亿元 in 千元.
        const HUNDRED_MILLION: f64 = 1e5;
        let industry = plan.industrial_va_of_gdp * year.gdp * HUNDRED_MILLION;
        let high_tech = industry * plan.high_tech_va_share / 100.0;
        Sums {
            value_added: [high_tech, industry - high_tech, 0.0],
            // 万元/人 is ten 千元 a person.
            high_tech_employees: high_tech / (plan.high_tech_productivity * 10.0),
            rd_staff: plan.rd_staff_per_10k * year.population,
            rd_spend: (plan.rd_intensity / 100.0 * year.gdp - year.rd_institutions)
                * HUNDRED_MILLION,
            inventions: plan.invention_patents_per_10k * year.population,
            contracts: plan.tech_contract_turnover * HUNDRED_MILLION,
            // tce per 万元, GDP in 万元.
            energy: plan.energy_per_gdp * year.gdp * 1e4,
        }
    }
}

fn lanbai(dataset: &Dataset, zone: &ZoneParks) -> ZoneHistory {
    let mut firms = lanbai_firms(dataset, &expected_indices(dataset));
    let expected: Vec<(i32, Vec<usize>)> = (LANBAI_FROM..=2025)
        .map(|y| (y, zone.expected(dataset, y)))
        .collect();
    // Enterprises expected in the past only (none in the built-in example, whose
    // enterprises never leave) are drawn from a stream of their own.
    let mut rng = stream(1);
    let mut all: Vec<usize> = expected
        .iter()
        .flat_map(|(_, e)| e.iter().copied())
        .collect();
    all.sort_unstable();
    all.dedup();
    for &i in &all {
        firms
            .entry(i)
            .or_insert_with(|| Firm::new(&mut rng, &dataset.enterprises[i]));
    }
    let mut rng = stream(2);
    let years = (BASE_YEAR - LANBAI_FROM + 1) as usize;
    let subjects: Vec<Subject> = all
        .iter()
        .map(|&i| {
            subject(
                dataset,
                i,
                &firms[&i].annual[0],
                Noise::new(&mut rng, years),
            )
        })
        .collect();

    // Calibrate the plan years: start from a guess, then scale each calibrated factor by
    // how far its sum is off, a few times over (the floors and the patents' stock make
    // the sums not quite proportional to the factors).
    let plan_years = (PLAN_END - LANBAI_FROM + 1) as usize;
    let designed: Vec<Sums> = (LANBAI_FROM..=PLAN_END)
        .map(|y| {
            let year = design::lanbai_year(y).expect("designed");
            Sums::designed(year, &year.from_filings.expect("a plan year"))
        })
        .collect();
    let gdp_2024 = design::lanbai_year(BASE_YEAR).expect("designed").gdp;
    let mut plan: Vec<Factors> = (LANBAI_FROM..=PLAN_END)
        .map(|y| {
            let gdp = design::lanbai_year(y).expect("designed").gdp;
            let mut f = Factors::ONE;
            f.revenue = [0.5, 0.5, (gdp / gdp_2024).powf(0.9)];
            f
        })
        .collect();
    const ROUNDS: usize = 6;
    let mut values: Vec<Vec<Annual>> = Vec::new();
    for round in 0..ROUNDS {
        for f in &mut plan {
            f.tie_staff(&[Segment::Industry, Segment::Other]);
            f.flows = f.rd_staff;
        }
        let factors = lanbai_factors(&plan);
        values = subjects
            .iter()
            .map(|s| back_cast(s, LANBAI_FROM, &factors))
            .collect();
        if round + 1 == ROUNDS {
            break;
        }
        for (k, f) in plan.iter_mut().enumerate().take(plan_years) {
            let year = LANBAI_FROM + k as i32;
            let present = &expected[k].1;
            let got = Sums::of(
                subjects
                    .iter()
                    .zip(&values)
                    .filter(|(s, _)| present.binary_search(&s.index).is_ok())
                    .map(|(s, v)| (s.segment, &v[k])),
            );
            let want = &designed[(year - LANBAI_FROM) as usize];
            let scale = |want: f64, got: f64| if got > 0.0 { want / got } else { 1.0 };
            f.revenue[0] *= scale(want.value_added[0], got.value_added[0]);
            f.revenue[1] *= scale(want.value_added[1], got.value_added[1]);
            f.staff[0] *= scale(want.high_tech_employees, got.high_tech_employees);
            f.rd_staff *= scale(want.rd_staff, got.rd_staff);
            f.rd_spend *= scale(want.rd_spend, got.rd_spend);
            // The stock never exceeds the next year's: at most the 2024 level.
            f.patents = (f.patents * scale(want.inventions, got.inventions)).min(1.0);
            f.contracts *= scale(want.contracts, got.contracts);
            f.energy *= scale(want.energy, got.energy);
        }
    }
    assemble(
        ZONE_PREFIX,
        &firms,
        &subjects,
        &values,
        &expected,
        LANBAI_FROM,
    )
}

/// Every historic year's factors from the plan years' (2014–2020): 2021–2023 on the way
/// from 2020's to 2024's.
fn lanbai_factors(plan: &[Factors]) -> Vec<Factors> {
    let last = plan.last().expect("plan years");
    let mut out = plan.to_vec();
    for year in PLAN_END + 1..BASE_YEAR {
        let t = f64::from(BASE_YEAR - year) / f64::from(BASE_YEAR - PLAN_END);
        out.push(last.toward_base(t));
    }
    out
}

fn subject<'a>(dataset: &Dataset, index: usize, base: &'a Annual, noise: Noise) -> Subject<'a> {
    let enterprise = &dataset.enterprises[index];
    Subject {
        index,
        base,
        segment: Segment::of(enterprise),
        above_industrial: enterprise.draft.size_class == SizeClass::AboveScale
            && enterprise.draft.industry.is_industrial(),
        noise,
    }
}

/// The zone's history from the back-cast values (`values[s][k]` for subject `s` and year
/// `first + k`) and the firms' own 2024 and 2025 values.
fn assemble(
    zone: &'static str,
    firms: &HashMap<usize, Firm>,
    subjects: &[Subject],
    values: &[Vec<Annual>],
    expected: &[(i32, Vec<usize>)],
    first: i32,
) -> ZoneHistory {
    let position: HashMap<usize, usize> = subjects
        .iter()
        .enumerate()
        .map(|(n, s)| (s.index, n))
        .collect();
    let years = expected
        .iter()
        .map(|(year, present)| {
            let rows = present
                .iter()
                .map(|i| {
                    let annual = match *year {
                        y if y < BASE_YEAR => values[position[i]][(y - first) as usize].clone(),
                        BASE_YEAR => firms[i].annual[0].clone(),
                        _ => firms[i].annual[1].clone(),
                    };
                    (*i, annual)
                })
                .collect();
            (*year, rows)
        })
        .collect();
    ZoneHistory { zone, years }
}

// ------------------------------------------------------------------------------ 攀枝花

fn panzhihua(dataset: &Dataset, zone: &ZoneParks) -> ZoneHistory {
    let expected: Vec<(i32, Vec<usize>)> = (PANZHIHUA_FROM..=2025)
        .map(|y| (y, zone.expected(dataset, y)))
        .collect();
    let mut all: Vec<usize> = expected
        .iter()
        .flat_map(|(_, e)| e.iter().copied())
        .collect();
    all.sort_unstable();
    all.dedup();
    let mut rng = stream(3);
    let firms: HashMap<usize, Firm> = all
        .iter()
        .map(|&i| (i, Firm::new(&mut rng, &dataset.enterprises[i])))
        .collect();
    let mut rng = stream(4);
    let years = (BASE_YEAR - PANZHIHUA_FROM + 1) as usize;
    let subjects: Vec<Subject> = all
        .iter()
        .map(|&i| {
            subject(
                dataset,
                i,
                &firms[&i].annual[0],
                Noise::new(&mut rng, years),
            )
        })
        .collect();
    let factors: Vec<Factors> = design::PANZHIHUA
        .iter()
        .filter(|y| y.year < BASE_YEAR)
        .map(|y| {
            let mut f = Factors {
                revenue: [y.industrial, y.industrial, y.other],
                rd_staff: y.rd_staff,
                rd_spend: y.rd_spend,
                patents: y.patents,
                flows: y.rd_staff,
                contracts: y.contracts,
                energy: y.energy,
                ..Factors::ONE
            };
            f.tie_staff(&[Segment::HighTech, Segment::Industry, Segment::Other]);
            f
        })
        .collect();
    let values: Vec<Vec<Annual>> = subjects
        .iter()
        .map(|s| back_cast(s, PANZHIHUA_FROM, &factors))
        .collect();
    assemble(
        PANZHIHUA,
        &firms,
        &subjects,
        &values,
        &expected,
        PANZHIHUA_FROM,
    )
}
