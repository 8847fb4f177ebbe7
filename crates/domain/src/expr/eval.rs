/// Which filing a value is read from: the one being checked, the same period a year
/// before, the period before it in the same year (quarterly and monthly forms), or the
/// same period two years before (`prev_year2`, for criteria over three fiscal years).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Frame {
    Current,
    PreviousYear,
    PreviousPeriod,
    TwoYearsBefore,
}

/// Where a formula reads its values. Slots are the positions the vocabulary gave the
/// fields when the formula was compiled.
pub trait Record {
    fn value(&self, frame: Frame, slot: usize) -> Option<f64>;
}

/// Values laid out by slot, for the current filing and the ones it is compared with.
/// Validation rules look back one year at most: a value two years before is missing here.
#[derive(Debug, Clone, Copy, Default)]
pub struct Frames<'a> {
    pub current: &'a [Option<f64>],
    pub previous_year: Option<&'a [Option<f64>]>,
    pub previous_period: Option<&'a [Option<f64>]>,
}

impl Record for Frames<'_> {
    fn value(&self, frame: Frame, slot: usize) -> Option<f64> {
        let values = match frame {
            Frame::Current => Some(self.current),
            Frame::PreviousYear => self.previous_year,
            Frame::PreviousPeriod => self.previous_period,
            Frame::TwoYearsBefore => None,
        }?;
        values.get(slot).copied().flatten()
    }
}

/// Comparison with a relative tolerance: figures in 千元 summed in binary floating point
/// must not fail `part <= total` by a rounding error.
pub(crate) fn compare(a: f64, b: f64) -> std::cmp::Ordering {
    let tolerance = 1e-9 * a.abs().max(b.abs()).max(1.0);
    if (a - b).abs() <= tolerance {
        std::cmp::Ordering::Equal
    } else if a < b {
        std::cmp::Ordering::Less
    } else {
        std::cmp::Ordering::Greater
    }
}
