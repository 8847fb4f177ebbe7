//! Who was expected to file for a period, and who did, on time or late.

use std::collections::HashMap;

use serde::Serialize;
use time::{Date, Duration, PrimitiveDateTime, Time, UtcOffset};

use crate::registry::{EnterpriseId, UnitId};

use super::lifecycle::FilingStatus;

/// Where one expected enterprise's filing stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FilingProgress {
    pub status: FilingStatus,
    /// When it was first submitted (unix seconds); `None` if never.
    pub first_submitted_at: Option<i64>,
}

/// The counts shown per park and for the zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Completeness {
    pub expected: u32,
    /// Submitted at least once.
    pub filed: u32,
    pub on_time: u32,
    pub late: u32,
    /// Never submitted (no filing, or a draft only).
    pub missing: u32,
    /// Returned and not yet submitted again.
    pub returned: u32,
    pub approved: u32,
}

impl Completeness {
    pub fn add(&mut self, other: &Completeness) {
        self.expected += other.expected;
        self.filed += other.filed;
        self.on_time += other.on_time;
        self.late += other.late;
        self.missing += other.missing;
        self.returned += other.returned;
        self.approved += other.approved;
    }

    /// Filed as a share of expected, in percent; `None` when nobody is expected.
    pub fn filed_percent(&self) -> Option<f64> {
        (self.expected > 0).then(|| f64::from(self.filed) * 100.0 / f64::from(self.expected))
    }
}

/// The last moment a filing is on time: the end of the deadline day in China
/// Standard Time, where the users are.
pub fn deadline_cutoff(deadline: Date) -> i64 {
    let china = UtcOffset::from_hms(8, 0, 0).expect("valid offset");
    PrimitiveDateTime::new(deadline + Duration::days(1), Time::MIDNIGHT)
        .assume_offset(china)
        .unix_timestamp()
}

/// Counts per park. `expected` lists each expected enterprise with its park on the
/// period's date; filings of enterprises that were not expected are not counted.
pub fn tally(
    expected: &[(EnterpriseId, UnitId)],
    filings: &HashMap<EnterpriseId, FilingProgress>,
    deadline: Date,
) -> HashMap<UnitId, Completeness> {
    let cutoff = deadline_cutoff(deadline);
    let mut by_park: HashMap<UnitId, Completeness> = HashMap::new();
    for (enterprise, park) in expected {
        let c = by_park.entry(*park).or_default();
        c.expected += 1;
        let Some(progress) = filings.get(enterprise) else {
            c.missing += 1;
            continue;
        };
        match progress.first_submitted_at {
            Some(at) => {
                c.filed += 1;
                if at < cutoff {
                    c.on_time += 1;
                } else {
                    c.late += 1;
                }
            }
            None => c.missing += 1,
        }
        match progress.status {
            FilingStatus::Returned => c.returned += 1,
            FilingStatus::Approved => c.approved += 1,
            _ => {}
        }
    }
    by_park
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    #[test]
    fn the_cutoff_is_midnight_after_the_deadline_in_beijing() {
        // 2026-04-01 00:00 +08:00 is 2026-03-31 16:00 UTC.
        assert_eq!(deadline_cutoff(date!(2026 - 03 - 31)), 1_774_972_800);
    }

    #[test]
    fn counts_each_kind_of_progress() {
        let (a, b) = (UnitId(1), UnitId(2));
        let e = EnterpriseId;
        let expected = [
            (e(1), a),
            (e(2), a),
            (e(3), a),
            (e(4), a),
            (e(5), b),
            (e(6), b),
        ];
        let cutoff = deadline_cutoff(date!(2026 - 03 - 31));
        let filings: HashMap<_, _> = [
            (
                e(1),
                FilingProgress {
                    status: FilingStatus::Approved,
                    first_submitted_at: Some(cutoff - 1),
                },
            ),
            (
                e(2),
                FilingProgress {
                    status: FilingStatus::Returned,
                    first_submitted_at: Some(cutoff),
                },
            ),
            (
                e(3),
                FilingProgress {
                    status: FilingStatus::Draft,
                    first_submitted_at: None,
                },
            ),
            (
                e(5),
                FilingProgress {
                    status: FilingStatus::Submitted,
                    first_submitted_at: Some(cutoff - 86_400),
                },
            ),
            // Filed but not expected (not in the survey): not counted.
            (
                e(9),
                FilingProgress {
                    status: FilingStatus::Submitted,
                    first_submitted_at: Some(0),
                },
            ),
        ]
        .into();
        let counts = tally(&expected, &filings, date!(2026 - 03 - 31));
        assert_eq!(
            counts[&a],
            Completeness {
                expected: 4,
                filed: 2,
                on_time: 1,
                late: 1,
                missing: 2,
                returned: 1,
                approved: 1
            }
        );
        assert_eq!(
            counts[&b],
            Completeness {
                expected: 2,
                filed: 1,
                on_time: 1,
                late: 0,
                missing: 1,
                returned: 0,
                approved: 0
            }
        );
    }
}
