//! The province and national data sets: their size, uniqueness at scale, the built-in
//! example inside them, and a tree the domain accepts.

use std::cell::RefCell;
use std::collections::HashSet;

use innozone_domain::registry::{CreditCode, Dataset, UnitKind};
use innozone_example::{Scale, generate};
use time::{Date, Month};

fn check_tree(data: &Dataset) {
    for u in &data.units {
        u.validate().unwrap_or_else(|e| panic!("{}: {e}", u.code));
    }
    let (h, ids) = data.hierarchy().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(ids.len(), data.units.len(), "unit codes are unique");
    let tree = h.as_of(Date::from_calendar_date(2025, Month::June, 30).unwrap());
    // Every zone hangs under a province; every park and district under a zone.
    assert!(
        tree.roots
            .iter()
            .all(|r| h.unit(*r).unwrap().kind == UnitKind::Province)
    );
    assert!(tree.detached.is_empty());
    for e in &data.enterprises {
        e.draft.validate().unwrap();
        for l in &e.locations {
            assert!(ids.contains_key(&l.park), "{}", l.park);
        }
    }
}

fn check_unique(data: &Dataset) {
    let mut codes = HashSet::with_capacity(data.enterprises.len());
    let mut names = HashSet::with_capacity(data.enterprises.len());
    for e in &data.enterprises {
        assert!(CreditCode::parse(e.draft.credit_code.as_str()).is_ok());
        assert!(
            codes.insert(e.draft.credit_code.as_str()),
            "duplicate {}",
            e.draft.credit_code
        );
        assert!(
            names.insert(e.draft.name.as_str()),
            "duplicate {}",
            e.draft.name
        );
    }
    let mut certificates = HashSet::new();
    for r in data.enterprises.iter().flat_map(|e| &e.recognitions) {
        assert!(
            certificates.insert(r.certificate_no.as_str()),
            "duplicate {}",
            r.certificate_no
        );
    }
}

#[test]
fn national_has_200_zones_2000_parks_250000_enterprises() {
    let reports = RefCell::new(Vec::new());
    let data = generate(Scale::National, &|n| reports.borrow_mut().push(n));
    let zones = data
        .units
        .iter()
        .filter(|u| u.kind == UnitKind::Zone)
        .count();
    let parks = data.units.iter().filter(|u| u.kind.is_park()).count();
    let provinces = data
        .units
        .iter()
        .filter(|u| u.kind == UnitKind::Province)
        .count();
    let districts = data
        .units
        .iter()
        .filter(|u| u.kind == UnitKind::District)
        .count();
    assert_eq!(zones, 200);
    assert_eq!(provinces, 31);
    assert!((1900..=2100).contains(&parks), "{parks}");
    assert!(districts > 4, "some zones have districts: {districts}");
    assert_eq!(data.enterprises.len(), 250_000);
    for kind in [
        UnitKind::SpecialtyPark,
        UnitKind::IndustrialCluster,
        UnitKind::EnclavePark,
    ] {
        assert!(data.units.iter().any(|u| u.kind == kind), "{kind:?}");
    }

    let reports = reports.into_inner();
    assert!(reports.windows(2).all(|w| w[0] <= w[1]));
    assert_eq!(reports.last(), Some(&250_000));

    // The built-in example is the national set's beginning, enterprise for enterprise.
    let builtin = innozone_example::builtin();
    assert_eq!(
        data.enterprises[..builtin.enterprises.len()],
        builtin.enterprises[..]
    );
    for u in &builtin.units {
        assert!(data.units.contains(u), "{}", u.code);
    }

    check_unique(&data);
    check_tree(&data);
}

#[test]
fn province_is_sichuan_with_panzhihua() {
    let data = generate(Scale::Province, &|_| {});
    let zones: Vec<&str> = data
        .units
        .iter()
        .filter(|u| u.kind == UnitKind::Zone)
        .map(|u| u.name_zh.as_str())
        .collect();
    assert!(zones.contains(&"攀枝花钒钛高新技术产业开发区"));
    assert!(zones.contains(&"成都高新技术产业开发区"));
    assert_eq!(zones.len(), 13);
    assert_eq!(data.enterprises.len(), 30_000);
    assert!(
        data.enterprises
            .iter()
            .all(|e| e.draft.credit_code.division().starts_with("51"))
    );
    check_unique(&data);
    check_tree(&data);
    assert_eq!(data, generate(Scale::Province, &|_| {}));
}
