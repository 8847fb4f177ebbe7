//! The built-in example's recognitions of the tiers other than high-tech (the data set
//! carries only high-tech certificates, which its filings are generated around).
//!
//! They are derived from the example's own filings through the ladder in force, as the
//! recognising authorities would: an enterprise whose counted filings of a year meet a
//! tier's quantitative criteria applies in the following year with a probability set per
//! tier and is recognised on that tier's batch date, valid as long as the tier says. The
//! draw is a hash of the credit code, the tier and the year, so the same store always gets
//! the same recognitions. Because not every enterprise that meets a tier applies, and
//! filings move on after a recognition, every list of the cultivation pages has true
//! entries: candidates (met, not recognised), warnings (recognised, now missing), expiring
//! certificates and a pool that changes from year to year.
//!
//! 独角兽企业 and 制造业单项冠军 are decided by review alone (valuation, market share), so no
//! filing can show them met: the example recognises a few of the enterprises already
//! recognised as 瞪羚企业 (unicorns) and as 龙头企业 in manufacturing (champions).
//!
//! A tier is recognised only from the year its authority began: 科技型中小企业 from 2017
//! (评价工作指引, 国科发政〔2017〕115号), 专精特新"小巨人" from 2019 (the first national batch),
//! 制造业单项冠军 from 2016. 创新型中小企业 as a national tier dates from 2022 (工信部企业
//! 〔2022〕63号); before that the example lets it stand for the province's 创新型企业, the
//! recognition seed 001 counts when it sets 200 innovative enterprises for 2020.

use std::collections::{HashMap, HashSet};

use innozone_domain::cultivation::{
    EnterpriseYear, RegistryFacts, TierDefinition, TierMask, TierSet, TierStatus,
};
use innozone_domain::registry::{Enterprise, EnterpriseId, Recognition, Tier};
use innozone_domain::reporting::Period;
use innozone_store::{Actor, EnterpriseQuery, NewRecognition, RecognitionSource, Store};
use time::{Date, Month};

use crate::AppError;
use crate::cultivation::{filings_of, ladder_in_force};

/// What the step recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CultivationExample {
    pub recognitions: u64,
}

/// How each tier is recognised in the example: the share of enterprises meeting it that
/// apply (and pass the review), the batch date in the year after the filings, and the
/// certificate's prefix.
struct Batch {
    tier: Tier,
    applies: f64,
    month: Month,
    day: u8,
    prefix: &'static str,
    /// The first year the authority issued recognitions of the tier.
    since: i32,
}

/// In the ladder's order from the bottom, so that a tier another requires (专精特新 for
/// 小巨人) is recorded first within a year.
const BATCHES: [Batch; 8] = [
    Batch {
        tier: Tier::TechSme,
        applies: 0.6,
        month: Month::May,
        day: 20,
        prefix: "KX",
        since: 2017,
    },
    Batch {
        tier: Tier::InnovativeSme,
        applies: 0.5,
        month: Month::June,
        day: 30,
        prefix: "CX",
        since: 2010,
    },
    Batch {
        tier: Tier::SpecialisedSme,
        applies: 0.5,
        month: Month::August,
        day: 31,
        prefix: "ZJTX",
        since: 2012,
    },
    Batch {
        tier: Tier::LittleGiant,
        applies: 0.4,
        month: Month::July,
        day: 15,
        prefix: "XJR",
        since: 2019,
    },
    Batch {
        tier: Tier::Gazelle,
        applies: 0.6,
        month: Month::April,
        day: 30,
        prefix: "DL",
        since: 2010,
    },
    Batch {
        tier: Tier::Leading,
        applies: 0.7,
        month: Month::March,
        day: 31,
        prefix: "LT",
        since: 2010,
    },
    // Review-only tiers, drawn among enterprises holding the tier named in `among`.
    Batch {
        tier: Tier::Unicorn,
        applies: 0.01,
        month: Month::September,
        day: 30,
        prefix: "DJS",
        since: 2010,
    },
    Batch {
        tier: Tier::SingleChampion,
        applies: 0.06,
        month: Month::November,
        day: 30,
        prefix: "DXGJ",
        since: 2016,
    },
];

/// The tier a review-only tier is drawn among in the example.
fn among(tier: Tier) -> Option<Tier> {
    match tier {
        Tier::Unicorn => Some(Tier::Gazelle),
        Tier::SingleChampion => Some(Tier::Leading),
        _ => None,
    }
}

/// Records the example's recognitions of the tiers other than high-tech, derived from the
/// counted annual filings of every year that has them. Returns `None` when there are no
/// filings or every one of them is recorded already (the step is idempotent: the
/// certificate numbers are the same each time).
pub async fn load_example(store: &dyn Store) -> Result<Option<CultivationExample>, AppError> {
    let (set, form) = match ladder_in_force(store).await {
        Ok(found) => found,
        Err(AppError::NotFound { entity: "form", .. }) => return Ok(None),
        Err(e) => return Err(e),
    };
    let enterprises: HashMap<EnterpriseId, Enterprise> = store
        .search_enterprises(&EnterpriseQuery {
            limit: i64::from(u32::MAX),
            ..EnterpriseQuery::default()
        })
        .await?
        .items
        .into_iter()
        .map(|e| (e.id, e))
        .collect();

    let last_year = crate::clock::today().year() - 1;
    let mut years = Vec::new();
    for year in (last_year - 15)..=last_year {
        let filings = filings_of(store, &form, Period::Year(year)).await?;
        if !filings.is_empty() {
            years.push((year, filings));
        }
    }
    if years.is_empty() {
        return Ok(None);
    }
    let by_year: HashMap<i32, &HashMap<EnterpriseId, Vec<Option<f64>>>> =
        years.iter().map(|(y, f)| (*y, f)).collect();

    let mut planned: HashMap<EnterpriseId, Vec<Recognition>> = HashMap::new();
    let mut serials: HashMap<(Tier, i32, String), u32> = HashMap::new();
    let mut entries = Vec::new();
    for &(year, ref filings) in &years {
        let end = Period::Year(year).last_day();
        let mut recorded: HashMap<EnterpriseId, TierMask> = HashMap::new();
        for (id, tier) in store.recognitions_on(end).await? {
            recorded.entry(id).or_default().insert(tier);
        }
        let mut ids: Vec<&EnterpriseId> = filings.keys().collect();
        ids.sort();
        for id in ids {
            let Some(enterprise) = enterprises.get(id) else {
                continue;
            };
            let mut held = recorded.get(id).copied().unwrap_or_default();
            if let Some(own) = planned.get(id) {
                for t in TierMask::held_on(own, end).iter() {
                    held.insert(t);
                }
            }
            for batch in &BATCHES {
                let Some(definition) = set.tier(batch.tier) else {
                    continue;
                };
                let issued_on = Date::from_calendar_date(year + 1, batch.month, batch.day)
                    .expect("the batch dates are calendar dates");
                if held.contains(batch.tier)
                    || year + 1 < batch.since
                    || issued_on > crate::clock::today()
                {
                    continue;
                }
                let qualifies = match among(batch.tier) {
                    Some(base) => held.contains(base),
                    None => meets(&set, definition, year, enterprise, held, &by_year),
                };
                let code = enterprise.details.credit_code.to_string();
                if !qualifies || draw(&code, batch.tier, year) >= batch.applies {
                    continue;
                }
                let province = code.get(2..4).unwrap_or("00").to_string();
                let serial = serials
                    .entry((batch.tier, year + 1, province.clone()))
                    .or_insert(0);
                *serial += 1;
                let recognition = Recognition {
                    tier: batch.tier,
                    certificate_no: format!("{}{}{province}{:05}", batch.prefix, year + 1, serial),
                    issued_on,
                    expires_on: definition
                        .valid_years
                        .filter(|&n| n > 0)
                        .map(|n| add_years(issued_on, n)),
                };
                // A tier recognised in this round counts for the tiers drawn after it
                // (unicorns among this year's gazelles) only once it is issued, so `held`
                // is left as it was at the year's end.
                planned.entry(*id).or_default().push(recognition.clone());
                entries.push(NewRecognition {
                    enterprise: *id,
                    recognition,
                    authority: Some(definition.authority.clone()),
                    source: RecognitionSource::Example,
                    corrects: None,
                });
            }
        }
    }

    // Recorded already (the step ran before): leave those out.
    let keys: Vec<(Tier, String)> = entries
        .iter()
        .map(|e| (e.recognition.tier, e.recognition.certificate_no.clone()))
        .collect();
    let known: HashSet<(Tier, String)> = store
        .recognitions_by_certificate(&keys)
        .await?
        .into_iter()
        .map(|r| (r.recognition.tier, r.recognition.certificate_no))
        .collect();
    entries
        .retain(|e| !known.contains(&(e.recognition.tier, e.recognition.certificate_no.clone())));
    if entries.is_empty() {
        return Ok(None);
    }
    let recorded = store
        .record_recognitions(&entries, &Actor::system(crate::clock::now_unix()))
        .await?;
    Ok(Some(CultivationExample {
        recognitions: recorded.created,
    }))
}

/// Whether the enterprise's filings of `year` and the two before meet every quantitative
/// criterion of the tier (the review, if any, is taken as passed by those who apply).
fn meets(
    set: &TierSet,
    definition: &TierDefinition,
    year: i32,
    enterprise: &Enterprise,
    held: TierMask,
    by_year: &HashMap<i32, &HashMap<EnterpriseId, Vec<Option<f64>>>>,
) -> bool {
    let filing = |back: i32| {
        by_year
            .get(&(year - back))
            .and_then(|f| f.get(&enterprise.id))
            .map(Vec::as_slice)
    };
    let facts = EnterpriseYear {
        year,
        filings: [filing(0), filing(1), filing(2)],
        registry: RegistryFacts {
            held: Some(held),
            ..RegistryFacts::of(enterprise)
        },
    };
    matches!(
        set.check_tier(definition, &facts).summary.status,
        TierStatus::Met { .. }
    )
}

/// The day `years` years later (28 February for a 29 February).
fn add_years(date: Date, years: u32) -> Date {
    let year = date.year() + years as i32;
    date.replace_year(year).unwrap_or_else(|_| {
        Date::from_calendar_date(year, Month::February, 28).expect("28 February exists")
    })
}

/// A number in [0, 1) fixed by the credit code, the tier and the year (FNV-1a, then the
/// top 53 bits): the same enterprise draws the same each time the example is loaded.
fn draw(credit_code: &str, tier: Tier, year: i32) -> f64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let bytes = credit_code
        .bytes()
        .chain(tier.code().bytes())
        .chain(year.to_le_bytes());
    for b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    // FNV's low bits mix poorly for short inputs; fold the high half in.
    hash ^= hash >> 29;
    (hash >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_draw_is_fixed_and_spread_over_the_unit_interval() {
        let a = draw("91620100MA71234567", Tier::TechSme, 2020);
        assert_eq!(a, draw("91620100MA71234567", Tier::TechSme, 2020));
        assert_ne!(a, draw("91620100MA71234567", Tier::TechSme, 2021));
        assert_ne!(a, draw("91620100MA71234567", Tier::Gazelle, 2020));
        // Over many codes the share below p is close to p: the probabilities per tier
        // mean what they say.
        let n = 20_000;
        let below = (0..n)
            .filter(|i| draw(&format!("9162010{i:011}"), Tier::InnovativeSme, 2021) < 0.3)
            .count();
        let share = below as f64 / f64::from(n);
        assert!((share - 0.3).abs() < 0.02, "{share}");
        assert!((0..n).all(|i| {
            let d = draw(&format!("{i}"), Tier::Leading, 2019);
            (0.0..1.0).contains(&d)
        }));
    }

    #[test]
    fn a_recognition_valid_three_years_from_29_february_ends_on_28_february() {
        let leap = Date::from_calendar_date(2024, Month::February, 29).unwrap();
        assert_eq!(
            add_years(leap, 3),
            Date::from_calendar_date(2027, Month::February, 28).unwrap()
        );
        let day = Date::from_calendar_date(2021, Month::June, 30).unwrap();
        assert_eq!(
            add_years(day, 3),
            Date::from_calendar_date(2024, Month::June, 30).unwrap()
        );
    }
}
