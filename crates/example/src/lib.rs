//! The built-in example of the platform and the generator of larger data sets.
//!
//! The example is built from the real structures of the seed documents: the 兰白科技创新改革
//! 试验区 of seed 001 ("一核4区多园", its four districts with their parks and leading
//! industries, and each district's enterprise targets for 2020) and the 攀枝花钒钛高新区 of
//! seed 004 (its "一区多园" with parks joining in 2020, 2021 and later, and its targets).
//! The structure is transcribed in `seeds/*.toml`, every entry citing its seed line; the
//! enterprises, which the documents do not list, are generated reproducibly from a fixed
//! seed so that every run, every machine and every test sees the same data.
//!
//! - [`builtin`]: the two seed zones, about 6,600 enterprises.
//! - [`province`]: Sichuan with the Panzhihua seed zone and a synthetic zone per other city,
//!   30,000 enterprises.
//! - [`national`]: both seed zones and a synthetic zone for each of 198 other cities: 200
//!   zones, about 2,000 parks, 250,000 enterprises.
//! - [`filings`]: the 兰白 enterprises' Torch survey filings (annual 2024–2025, quarterly
//!   2025), revision by revision, for the reporting pages, and the historic annual
//!   filings of 兰白 (2014–2023) and 攀枝花 (2020–2025) for monitoring.
//! - [`cultivation`]: the ladder of enterprise tiers with their criteria.
//! - [`monitoring`]: the indicator catalogue, the targets of both zones and the unit
//!   statistics (GDP, population, ...) of the example.
//!
//! No I/O: the seed files are compiled in.

pub mod builtin;
pub mod cultivation;
mod design;
pub mod evaluation;
pub mod filings;
mod generator;
pub mod industries;
pub mod monitoring;
mod names;
pub mod national;
pub mod orgcode;
pub mod seed;

use innozone_domain::registry::Dataset;

use crate::generator::{Generator, year_start};

pub use crate::generator::HORIZON_YEAR;
pub use crate::seed::{Basis, EnterpriseCount, SeedError, SeedUnit, SeedZone};

/// The seed of the random stream every data set is generated from. Changing it changes
/// every generated enterprise.
pub const SEED: u64 = 0x1B_2015_2020;

/// How large a data set to make.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scale {
    /// The two seed zones.
    Builtin,
    /// One province: Sichuan, with the Panzhihua seed zone, under a province unit.
    Province,
    /// The whole country: both seed zones and 198 synthetic zones under their provinces.
    National,
}

/// Makes the data set of `scale`. `progress` is told the number of enterprises made so far
/// after each district or zone. The same scale always gives the same data set.
pub fn generate(scale: Scale, progress: &dyn Fn(u64)) -> Dataset {
    let mut generator = Generator::new(SEED);
    let mut out = Dataset::default();
    match scale {
        Scale::Builtin => {
            builtin::lanbai(&mut generator, &mut out, progress);
            builtin::panzhihua(&mut generator, &mut out, progress);
        }
        Scale::Province => {
            national::provinces(&mut out, Some(national::PROVINCE));
            builtin::panzhihua(&mut generator, &mut out, progress);
            national::attach(&mut out, "PZH", "51", year_start(2015));
            let rest = national::PROVINCE_ENTERPRISES - out.enterprises.len() as u32;
            // A province's zones have about ten parks each, as the national ones do.
            national::synthetic(
                &mut generator,
                &mut out,
                Some(national::PROVINCE),
                rest,
                120,
                progress,
            );
        }
        Scale::National => {
            national::provinces(&mut out, None);
            // The seed zones come first and consume the random stream exactly as in
            // `builtin()`, so the national set contains the built-in example unchanged.
            builtin::lanbai(&mut generator, &mut out, progress);
            builtin::panzhihua(&mut generator, &mut out, progress);
            national::attach(&mut out, "LB", "62", year_start(2015));
            national::attach(&mut out, "PZH", "51", year_start(2015));
            let rest = national::NATIONAL_ENTERPRISES - out.enterprises.len() as u32;
            let parks = national::NATIONAL_PARKS - national::park_count(&out);
            national::synthetic(&mut generator, &mut out, None, rest, parks, progress);
        }
    }
    out
}

/// The built-in example: 兰白 and 攀枝花 with their generated enterprises.
pub fn builtin() -> Dataset {
    generate(Scale::Builtin, &|_| {})
}

/// A province-sized data set (Sichuan).
pub fn province(progress: &dyn Fn(u64)) -> Dataset {
    generate(Scale::Province, progress)
}

/// The national data set: 200 zones, about 2,000 parks, 250,000 enterprises.
pub fn national(progress: &dyn Fn(u64)) -> Dataset {
    generate(Scale::National, progress)
}
