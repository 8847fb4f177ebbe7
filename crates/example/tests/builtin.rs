//! The built-in example against the seeds: the structure as transcribed, the enterprise
//! counts as targeted, valid and unique codes, and a tree the domain accepts.

use std::collections::{HashMap, HashSet};

use innozone_domain::registry::{
    CreditCode, Dataset, DatasetEnterprise, Hierarchy, SizeClass, SpatialRole, Tier, UnitCode,
    UnitId, UnitKind,
};
use innozone_example::builtin::{VANADIUM_TITANIUM, industries_of};
use innozone_example::industries;
use innozone_example::orgcode;
use innozone_example::seed::{self, SeedZone};
use time::{Date, Month};

fn day(y: i32, m: u8, d: u8) -> Date {
    Date::from_calendar_date(y, Month::try_from(m).unwrap(), d).unwrap()
}

fn strings(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

/// (name, kind, leading industries) of the parks under `district`, in seed order.
fn parks(zone: &SeedZone, district: &str) -> Vec<(String, UnitKind, Vec<String>)> {
    zone.children(district)
        .into_iter()
        .map(|u| {
            (
                u.draft.name_zh.clone(),
                u.draft.kind,
                u.draft.leading_industries.clone(),
            )
        })
        .collect()
}

#[test]
fn lanbai_is_one_core_four_districts_and_the_parks_of_columns_5_to_8() {
    let zone = seed::lanbai();
    let lb = zone.zone();
    assert_eq!(lb.draft.name_zh, "兰白科技创新改革试验区");
    assert_eq!(lb.draft.kind, UnitKind::Zone);
    // Line 87: 规划面积2448.65平方公里.
    assert_eq!(lb.draft.area_km2, Some(2448.65));

    // Line 88: "4区"即兰州新区、兰州高新区、兰州经济区、白银高新区.
    let districts: Vec<(&str, &str)> = zone
        .children("LB")
        .iter()
        .map(|u| (u.draft.code.as_str(), u.draft.name_zh.as_str()))
        .collect();
    assert_eq!(
        districts,
        [
            ("LB-XQ", "兰州新区"),
            ("LB-GX", "兰州高新区"),
            ("LB-JJ", "兰州经济区"),
            ("LB-BY", "白银高新区")
        ]
    );
    assert!(
        zone.children("LB")
            .iter()
            .all(|u| u.draft.kind == UnitKind::District)
    );

    // 专栏5: the district's industries, and only the two parks the seed names, plus the core.
    assert_eq!(
        zone.unit("LB-XQ").unwrap().draft.leading_industries,
        strings(&[
            "石油化工",
            "新材料",
            "电子信息",
            "装备制造",
            "生物医药",
            "现代服务业",
            "新能源"
        ])
    );
    assert_eq!(
        parks(&zone, "LB-XQ"),
        [
            ("兰白试验区核心创新区".to_string(), UnitKind::Park, vec![]),
            (
                "石化产业园区".to_string(),
                UnitKind::Park,
                strings(&["石油化工"])
            ),
            (
                "装备制造产业园区".to_string(),
                UnitKind::Park,
                strings(&["装备制造"])
            ),
        ]
    );
    // Lines 88-90: the "一核", 5.7 km², in the south of 兰州新区.
    let core = zone.unit("LB-XQ-CORE").unwrap();
    assert_eq!(core.draft.area_km2, Some(5.7));
    assert_eq!(core.draft.spatial_role, Some(SpatialRole::Core));
    assert_eq!(
        core.functions,
        strings(&["科技研发中心", "科技孵化中心", "科技服务中心"])
    );
    assert_eq!(
        zone.units
            .iter()
            .filter(|u| u.draft.spatial_role.is_some())
            .count(),
        1
    );
    assert_eq!(
        zone.units
            .iter()
            .filter(|u| u.draft.area_km2.is_some())
            .count(),
        2
    );

    // 专栏6.
    assert_eq!(
        parks(&zone, "LB-GX"),
        [
            (
                "雁滩园区".to_string(),
                UnitKind::Park,
                strings(&["总部经济", "科技研发", "科技孵化", "文化创意", "现代服务业"])
            ),
            (
                "榆中园区(东部科技城)".to_string(),
                UnitKind::Park,
                strings(&[
                    "生物医药",
                    "电子信息",
                    "先进制造",
                    "科技研发",
                    "企业孵化",
                    "现代物流",
                    "现代服务业"
                ])
            ),
            (
                "七里河园区".to_string(),
                UnitKind::Park,
                strings(&["科技研发", "食品加工", "现代服务业"])
            ),
            (
                "九州园区".to_string(),
                UnitKind::Park,
                strings(&["高级营养保健绿色食品加工", "劳动密集型都市加工"])
            ),
            (
                "和平园区".to_string(),
                UnitKind::Park,
                strings(&["新材料", "现代商贸物流"])
            ),
        ]
    );
    // 专栏7: five 园区 and two 工业集中区.
    assert_eq!(
        parks(&zone, "LB-JJ"),
        [
            (
                "安宁园区".to_string(),
                UnitKind::Park,
                strings(&["航空航天", "现代物流", "生物医药"])
            ),
            (
                "机场北高新园区".to_string(),
                UnitKind::Park,
                strings(&["电子信息", "生物医药", "医疗器械"])
            ),
            (
                "西固园区".to_string(),
                UnitKind::Park,
                strings(&["新材料", "新能源", "现代物流"])
            ),
            (
                "红古园区".to_string(),
                UnitKind::Park,
                strings(&["有色冶金", "城市矿产", "节能环保"])
            ),
            (
                "皋兰园区".to_string(),
                UnitKind::Park,
                strings(&["现代物流", "特色农产品深加工"])
            ),
            (
                "皋兰三川口工业集中区".to_string(),
                UnitKind::IndustrialCluster,
                strings(&["新型建材", "冶金铸造", "农副产品深加工"])
            ),
            (
                "兰州树屏工业集中区".to_string(),
                UnitKind::IndustrialCluster,
                strings(&["新型建材", "仓储物流", "食品加工", "现代农业及休闲旅游"])
            ),
        ]
    );
    // 专栏8: the 高新区 itself and six 工业园区 ("一区六园").
    assert_eq!(
        parks(&zone, "LB-BY"),
        [
            (
                "高新区".to_string(),
                UnitKind::Park,
                strings(&["有色金属新材料", "装备制造", "精细化工", "生物医药"])
            ),
            (
                "银东工业园区".to_string(),
                UnitKind::Park,
                strings(&["有色冶金", "化工及精细化工", "再生资源"])
            ),
            (
                "银西工业园区".to_string(),
                UnitKind::Park,
                strings(&["食品加工", "生物医药", "现代物流"])
            ),
            (
                "刘川工业园区".to_string(),
                UnitKind::Park,
                strings(&["稀土新材料", "有色金属深加工", "装备制造"])
            ),
            (
                "平川工业园区".to_string(),
                UnitKind::Park,
                strings(&["陶瓷建材", "农畜产品深加工", "现代物流", "矿山专用装备制造"])
            ),
            (
                "正路工业园区".to_string(),
                UnitKind::Park,
                strings(&["新型建材", "农业机械设备", "农产品精深加工"])
            ),
            (
                "会宁工业园区".to_string(),
                UnitKind::Park,
                strings(&["农产品加工", "轻纺"])
            ),
        ]
    );
    assert_eq!(zone.units.len(), 1 + 4 + 3 + 5 + 7 + 7);

    // Every unit has an ASCII code, an English name and its membership from 2014-01-01:
    // the plan starts in 2015, but its baseline counts the districts as the zone in 2014.
    for u in &zone.units {
        assert!(u.draft.code.as_str().starts_with("LB"));
        assert!(
            u.draft
                .name_en
                .as_deref()
                .is_some_and(|n| n.is_ascii() && !n.is_empty()),
            "{}",
            u.draft.code
        );
    }
    assert!(
        zone.memberships()
            .iter()
            .all(|m| m.from == day(2014, 1, 1) && m.until.is_none())
    );
    assert_eq!(zone.counted_from, Some(day(2014, 1, 1)));
    assert!(
        zone.units
            .iter()
            .skip(1)
            .all(|u| u.joined == Some(day(2015, 1, 1)))
    );
    assert_eq!(zone.memberships().len(), zone.units.len() - 1);
}

#[test]
fn lanbai_district_targets_add_up_to_the_zone_target() {
    let zone = seed::lanbai();
    let t = |code: &str| zone.target(code, 2020).unwrap();
    let rows: Vec<(u32, u32, u32, u32)> = ["LB-XQ", "LB-GX", "LB-JJ", "LB-BY"]
        .iter()
        .map(|c| {
            let t = t(c);
            (
                t.enterprises.unwrap(),
                t.industrial.unwrap(),
                t.above_scale_industrial.unwrap(),
                t.high_tech.unwrap(),
            )
        })
        .collect();
    // Lines 95, 98, 101, 104.
    assert_eq!(
        rows,
        [
            (1000, 500, 200, 50),
            (3000, 1000, 300, 100),
            (1200, 400, 120, 50),
            (1000, 500, 160, 50)
        ]
    );
    // Line 34 sets the zone's 2020 targets, which the districts' add up to exactly.
    let lb = t("LB");
    let sum = rows.iter().fold((0, 0, 0, 0), |a, r| {
        (a.0 + r.0, a.1 + r.1, a.2 + r.2, a.3 + r.3)
    });
    assert_eq!(sum, (6200, 2400, 780, 250));
    assert_eq!(
        (
            lb.enterprises,
            lb.industrial,
            lb.above_scale_industrial,
            lb.high_tech
        ),
        (Some(6200), Some(2400), Some(780), Some(250))
    );
    // Line 6: the situation before the plan, recorded for 2014.
    let base = zone.counts.iter().find(|c| c.year == 2014).unwrap();
    assert_eq!(
        (
            base.enterprises,
            base.industrial,
            base.above_scale_industrial
        ),
        (Some(4674), Some(1793), Some(485))
    );
}

#[test]
fn panzhihua_parks_join_in_the_seeds_years() {
    let zone = seed::panzhihua();
    assert_eq!(zone.zone().draft.name_zh, "攀枝花钒钛高新技术产业开发区");
    assert_eq!(
        zone.zone().draft.leading_industries,
        strings(&["全流程钒钛", "新材料", "含钒钛机械制造"])
    );
    let joined: HashMap<String, (String, Date)> = zone
        .memberships()
        .into_iter()
        .map(|m| {
            (
                zone.unit(m.child.as_str()).unwrap().draft.name_zh.clone(),
                (m.parent.to_string(), m.from),
            )
        })
        .collect();
    let expect = [
        ("钒钛高新区本部", "PZH", day(2015, 1, 1)),
        // Line 15: 2020 — 南山 with 迤资, and 盐边.
        ("仁和区南山循环经济开发区", "PZH", day(2020, 1, 1)),
        ("迤资园区", "PZH-NS", day(2020, 1, 1)),
        ("盐边县钒钛产业开发区", "PZH", day(2020, 1, 1)),
        // Line 15: by 2021 — 金江物流园区 and 职业教育园区.
        ("金江物流园区", "PZH", day(2021, 1, 1)),
        ("职业教育园区", "PZH", day(2021, 1, 1)),
        // Line 15: "逐步", read as 2025 ("其它片区全面启动").
        ("攀枝花创新开发产业园区", "PZH", day(2025, 1, 1)),
        ("西区格里坪工业园区", "PZH", day(2025, 1, 1)),
        ("米易县白马工业园区", "PZH", day(2025, 1, 1)),
    ];
    assert_eq!(joined.len(), expect.len());
    for (name, parent, from) in expect {
        assert_eq!(joined[name], (parent.to_string(), from), "{name}");
    }
    assert_eq!(
        zone.unit("PZH-NS-YZ").unwrap().draft.kind,
        UnitKind::SubPark
    );
    assert_eq!(
        zone.unit("PZH-CORE").unwrap().draft.spatial_role,
        Some(SpatialRole::Core)
    );
    assert_eq!(
        zone.unit("PZH-JJ").unwrap().draft.leading_industries,
        strings(&["物流"])
    );
    assert_eq!(
        zone.unit("PZH-ZJ").unwrap().draft.leading_industries,
        strings(&["职业教育"])
    );
    assert_eq!(
        zone.unit("PZH-YB").unwrap().draft.leading_industries,
        strings(&["钒钛"])
    );
    for empty in ["PZH-CORE", "PZH-NS-YZ", "PZH-CX", "PZH-GLP", "PZH-BM"] {
        assert!(
            zone.unit(empty)
                .unwrap()
                .draft
                .leading_industries
                .is_empty(),
            "{empty}"
        );
    }
    // Line 15: 2021 / 2025 / 2030.
    let targets: Vec<_> = zone
        .counts
        .iter()
        .map(|c| {
            (
                c.year,
                c.above_scale_vanadium_titanium,
                c.high_tech,
                c.neeq_listed,
            )
        })
        .collect();
    assert_eq!(
        targets,
        [
            (2021, Some(50), Some(20), Some(5)),
            (2025, Some(70), Some(40), Some(10)),
            (2030, Some(100), Some(50), Some(15))
        ]
    );
}

#[test]
fn every_industry_word_of_the_seeds_is_understood() {
    for zone in [seed::lanbai(), seed::panzhihua()] {
        for u in &zone.units {
            for phrase in u.draft.leading_industries.iter().chain(&u.functions) {
                assert!(
                    !industries::profiles_for(phrase).is_empty(),
                    "{}: {phrase}",
                    u.draft.code
                );
            }
            if u.parent.is_some() {
                assert!(!industries_of(&zone, u).is_empty(), "{}", u.draft.code);
            }
        }
    }
}

#[test]
fn generation_is_deterministic() {
    assert_eq!(innozone_example::builtin(), innozone_example::builtin());
}

/// The domain's hierarchy of the data set, every membership checked as an import would.
fn hierarchy(data: &Dataset) -> (Hierarchy, HashMap<UnitCode, UnitId>) {
    let (h, ids) = data.hierarchy().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(ids.len(), data.units.len(), "unit codes are unique");
    (h, ids)
}

#[test]
fn the_data_set_passes_the_hierarchy_checks() {
    let data = innozone_example::builtin();
    for u in &data.units {
        u.validate().unwrap();
    }
    let (h, ids) = hierarchy(&data);
    let tree = h.as_of(day(2025, 6, 30));
    assert_eq!(
        tree.roots,
        [
            ids[&UnitCode::parse("LB").unwrap()],
            ids[&UnitCode::parse("PZH").unwrap()]
        ]
    );
    assert!(tree.detached.is_empty());
    // Before 2020 only the Panzhihua core belonged to its zone.
    let before = h.as_of(day(2019, 12, 31));
    assert_eq!(
        before.children(ids[&UnitCode::parse("PZH").unwrap()]),
        [ids[&UnitCode::parse("PZH-CORE").unwrap()]]
    );

    for e in &data.enterprises {
        e.draft.validate().unwrap();
        assert!(!e.locations.is_empty());
        for pair in e.locations.windows(2) {
            assert_eq!(pair[0].until, Some(pair[1].from), "{}", e.draft.name);
            assert!(pair[0].from < pair[1].from);
        }
        assert!(e.locations.last().unwrap().until.is_none());
        for l in &e.locations {
            let unit = h.unit(ids[&l.park]).unwrap();
            assert!(unit.kind.may_host_enterprises(), "{}", l.park);
        }
    }
}

fn district_of(tree: &innozone_domain::registry::Tree, h: &Hierarchy, id: UnitId) -> UnitId {
    *tree
        .path(id)
        .iter()
        .find(|u| {
            matches!(
                h.unit(**u).unwrap().kind,
                UnitKind::District | UnitKind::Zone
            )
        })
        .unwrap()
}

#[test]
fn moves_are_few_and_stay_in_their_district() {
    let data = innozone_example::builtin();
    let (h, ids) = hierarchy(&data);
    let tree = h.as_of(day(2025, 6, 30));
    let moved: Vec<&DatasetEnterprise> = data
        .enterprises
        .iter()
        .filter(|e| e.locations.len() == 2)
        .collect();
    assert!(data.enterprises.iter().all(|e| e.locations.len() <= 2));
    let share = moved.len() as f64 / data.enterprises.len() as f64;
    assert!((0.01..0.06).contains(&share), "{share}");
    for e in moved {
        let a = district_of(&tree, &h, ids[&e.locations[0].park]);
        let b = district_of(&tree, &h, ids[&e.locations[1].park]);
        assert_eq!(a, b, "{}", e.draft.name);
        assert_ne!(e.locations[0].park, e.locations[1].park);
    }
}

/// The enterprises located on `date` in `district` or below it.
fn located_in<'a>(
    data: &'a Dataset,
    h: &Hierarchy,
    ids: &HashMap<UnitCode, UnitId>,
    district: &str,
    date: Date,
) -> Vec<&'a DatasetEnterprise> {
    let tree = h.as_of(date);
    let district = ids[&UnitCode::parse(district).unwrap()];
    data.enterprises
        .iter()
        .filter(|e| {
            e.locations.iter().any(|l| {
                l.from <= date
                    && l.until.is_none_or(|u| date < u)
                    && tree.is_within(ids[&l.park], district)
            })
        })
        .collect()
}

fn holds_high_tech_on(e: &DatasetEnterprise, date: Date) -> bool {
    e.recognitions
        .iter()
        .any(|r| r.tier == Tier::HighTech && r.is_valid_on(date))
}

#[test]
fn lanbai_districts_reach_their_2020_targets() {
    let data = innozone_example::builtin();
    let (h, ids) = hierarchy(&data);
    let zone = seed::lanbai();
    let end_2020 = day(2020, 12, 31);
    let mut total = 0;
    for code in ["LB-XQ", "LB-GX", "LB-JJ", "LB-BY"] {
        let target = zone.target(code, 2020).unwrap();
        let list = located_in(&data, &h, &ids, code, end_2020);
        let industrial: Vec<_> = list
            .iter()
            .filter(|e| e.draft.industry.is_industrial())
            .collect();
        let above = industrial
            .iter()
            .filter(|e| e.draft.size_class == SizeClass::AboveScale)
            .count();
        let high_tech = list
            .iter()
            .filter(|e| holds_high_tech_on(e, end_2020))
            .count();
        let got = (
            list.len() as u32,
            industrial.len() as u32,
            above as u32,
            high_tech as u32,
        );
        // The generator reaches the targets exactly, well within the ±10% a plan's
        // achievement would be judged by.
        assert_eq!(
            got,
            (
                target.enterprises.unwrap(),
                target.industrial.unwrap(),
                target.above_scale_industrial.unwrap(),
                target.high_tech.unwrap()
            ),
            "{code}"
        );
        total += list.len();
    }
    assert_eq!(total, 6200);
    // Line 6: about three quarters of them were there in 2014 already (4674 of 6200). The
    // parks join the zone in 2015 but count towards it from its 2014 baseline, so the
    // tree of 2014 finds the same enterprises as their park codes do.
    let end_2014 = day(2014, 12, 31);
    let by_2014 = data
        .enterprises
        .iter()
        .filter(|e| {
            e.locations.iter().any(|l| {
                l.park.as_str().starts_with("LB")
                    && l.from <= end_2014
                    && l.until.is_none_or(|u| end_2014 < u)
            })
        })
        .count();
    assert!((4400..4950).contains(&by_2014), "{by_2014}");
    assert_eq!(located_in(&data, &h, &ids, "LB", end_2014).len(), by_2014);
    // Certificates lapse and new ones come after 2020: the count is a 2020 figure only.
    let end_2024 = day(2024, 12, 31);
    let later = located_in(&data, &h, &ids, "LB", end_2024)
        .iter()
        .filter(|e| holds_high_tech_on(e, end_2024))
        .count();
    assert!((150..350).contains(&later), "{later}");
}

#[test]
fn panzhihua_reaches_its_2021_targets_in_its_member_parks() {
    let data = innozone_example::builtin();
    let (h, ids) = hierarchy(&data);
    let end_2021 = day(2021, 12, 31);
    let vt_codes: HashSet<&str> = VANADIUM_TITANIUM
        .iter()
        .flat_map(|k| {
            industries::profile(k)
                .unwrap()
                .industrial
                .iter()
                .map(|c| c.code)
        })
        .collect();
    let members = located_in(&data, &h, &ids, "PZH", end_2021);
    let above_vt = members
        .iter()
        .filter(|e| {
            e.draft.size_class == SizeClass::AboveScale
                && vt_codes.contains(e.draft.industry.as_str())
        })
        .count();
    assert_eq!(above_vt, 50);
    assert_eq!(
        members
            .iter()
            .filter(|e| holds_high_tech_on(e, end_2021))
            .count(),
        20
    );
    let all: Vec<_> = data
        .enterprises
        .iter()
        .filter(|e| e.locations[0].park.as_str().starts_with("PZH"))
        .collect();
    assert_eq!(all.len(), 400);
    // The parks that join in 2025 have enterprises already, outside the zone's counts.
    assert!(members.len() < all.len());
}

#[test]
fn industries_follow_the_parks_leading_industries() {
    let data = innozone_example::builtin();
    let seeds = [seed::lanbai(), seed::panzhihua()];
    for e in &data.enterprises {
        let park = &e.locations[0].park;
        let zone = seeds
            .iter()
            .find(|z| z.unit(park.as_str()).is_some())
            .unwrap();
        let profiles = industries_of(zone, zone.unit(park.as_str()).unwrap());
        let code = e.draft.industry.as_str();
        let found = profiles
            .iter()
            .find(|p| p.industrial.iter().chain(p.other).any(|c| c.code == code));
        let profile =
            found.unwrap_or_else(|| panic!("{} ({code}) does not fit {park}", e.draft.name));
        if !e.recognitions.is_empty() {
            assert!(e.draft.high_tech_field.is_some());
            assert!(
                profiles
                    .iter()
                    .any(|p| Some(p.field) == e.draft.high_tech_field)
            );
        } else {
            assert_eq!(e.draft.high_tech_field, None);
        }
        // The name carries the industry word of the class (some classes serve several
        // industries, each with its own word).
        assert!(
            profiles
                .iter()
                .flat_map(|p| p.industrial.iter().chain(p.other))
                .any(|c| c.code == code && e.draft.name.contains(c.word)),
            "{} / {}",
            e.draft.name,
            profile.key
        );
    }
    // 石化产业园区 hosts refineries and chemicals, 雁滩园区 no factory at all.
    let in_park = |code: &'static str| {
        data.enterprises
            .iter()
            .filter(move |e| e.locations[0].park.as_str() == code)
    };
    assert!(in_park("LB-XQ-SH").any(|e| e.draft.industry.as_str() == "2511"));
    assert!(in_park("LB-GX-YT").all(|e| !e.draft.industry.is_industrial()));
}

#[test]
fn credit_codes_parse_are_unique_and_belong_to_their_city() {
    let data = innozone_example::builtin();
    let mut seen = HashSet::new();
    for e in &data.enterprises {
        let code = e.draft.credit_code.as_str();
        assert_eq!(CreditCode::parse(code).as_ref(), Ok(&e.draft.credit_code));
        assert!(seen.insert(code.to_string()), "duplicate {code}");
        assert!(code.starts_with("91"), "{code}");
        assert!(orgcode::is_valid(&code[8..17]), "{code}");
        let park = e.locations[0].park.as_str();
        let expected = if park.starts_with("LB-BY") {
            "620400"
        } else if park.starts_with("LB") {
            "620100"
        } else {
            "510400"
        };
        assert_eq!(e.draft.credit_code.division(), expected, "{park}");
    }
    assert_eq!(seen.len(), data.enterprises.len());
    // Both styles of organisation code occur: the old eight digits and the post-2015 "MA".
    assert!(
        data.enterprises
            .iter()
            .any(|e| &e.draft.credit_code.as_str()[8..10] == "MA")
    );
    assert!(data.enterprises.iter().any(|e| {
        e.draft.credit_code.as_str()[8..17]
            .bytes()
            .take(8)
            .all(|b| b.is_ascii_digit())
    }));
}

#[test]
fn the_first_organisation_code_checks_by_hand() {
    // The serial-0 code: body (0·73939133 + 31415926) mod 10⁸ = 31415926.
    // 3·3 + 1·7 + 4·9 + 1·10 + 5·5 + 9·8 + 2·4 + 6·2 = 9 + 7 + 36 + 10 + 25 + 72 + 8 + 12 = 179;
    // 179 mod 11 = 3; 11 − 3 = 8: the code is 31415926-8.
    assert_eq!(orgcode::organisation_code(0, false), "314159268");
    assert_eq!(orgcode::check_character(b"31415926"), Some('8'));
    // It is the code of the built-in example's first enterprise, registered in Lanzhou.
    let first = &innozone_example::builtin().enterprises[0].draft.credit_code;
    assert_eq!(&first.as_str()[..17], "91620100314159268");
}

#[test]
fn names_and_contacts_look_local_and_names_are_unique() {
    let data = innozone_example::builtin();
    let mut names = HashSet::new();
    for e in &data.enterprises {
        let d = &e.draft;
        assert!(names.insert(d.name.clone()), "duplicate {}", d.name);
        let park = e.locations[0].park.as_str();
        let (prefix, area) = if park.starts_with("LB-BY") {
            ("白银", "0943-")
        } else if park.starts_with("LB") {
            ("兰州", "0931-")
        } else {
            ("攀枝花", "0812-")
        };
        assert!(d.name.starts_with(prefix), "{}", d.name);
        assert!(
            d.name.ends_with("有限公司") || d.name.ends_with("有限责任公司"),
            "{}",
            d.name
        );
        let phone = d.contact_phone.as_deref().unwrap();
        assert!(
            phone.starts_with(area) || (phone.len() == 11 && phone.starts_with('1')),
            "{phone}"
        );
        assert!(
            d.contact_name
                .as_deref()
                .is_some_and(|n| (2..=3).contains(&n.chars().count()))
        );
    }
}

#[test]
fn above_scale_and_high_tech_enterprises_are_in_the_survey_and_most_others_too() {
    let data = innozone_example::builtin();
    let (mut others, mut others_in) = (0u32, 0u32);
    for e in &data.enterprises {
        let d = &e.draft;
        if d.size_class == SizeClass::AboveScale || !e.recognitions.is_empty() {
            assert!(d.in_survey, "{} is above scale or high-tech", d.name);
        } else {
            others += 1;
            others_in += u32::from(d.in_survey);
        }
    }
    // 85% of the others, within what chance gives over thousands of them.
    let share = f64::from(others_in) / f64::from(others);
    assert!(others > 3_000, "{others}");
    assert!((0.82..0.88).contains(&share), "{share}");
}

#[test]
fn certificates_are_numbered_dated_and_valid_three_years() {
    let data = innozone_example::builtin();
    let mut numbers = HashSet::new();
    let mut holders = 0;
    for e in &data.enterprises {
        if !e.recognitions.is_empty() {
            holders += 1;
        }
        for r in &e.recognitions {
            assert_eq!(r.tier, Tier::HighTech);
            let no = &r.certificate_no;
            // GR + year + province (62 Gansu, 51 Sichuan) + six-digit serial.
            assert_eq!(no.len(), 14, "{no}");
            assert!(
                no.starts_with("GR") && no[2..].bytes().all(|b| b.is_ascii_digit()),
                "{no}"
            );
            assert_eq!(no[2..6].parse::<i32>().unwrap(), r.issued_on.year());
            let province = if e.locations[0].park.as_str().starts_with("LB") {
                "62"
            } else {
                "51"
            };
            assert_eq!(&no[6..8], province);
            assert!(numbers.insert(no.clone()), "duplicate {no}");
            assert!((2008..=2024).contains(&r.issued_on.year()));
            assert!(r.issued_on.month() >= Month::October);
            let expires = r.expires_on.unwrap();
            assert_eq!(expires.year() - r.issued_on.year(), 3);
            assert_eq!(
                (expires.month(), expires.day()),
                (r.issued_on.month(), r.issued_on.day())
            );
        }
        for pair in e.recognitions.windows(2) {
            assert_eq!(
                pair[1].issued_on.year() - pair[0].issued_on.year(),
                3,
                "renewed every three years"
            );
        }
    }
    // 250 + 20 valid in the reference years, plus lapsed and later ones.
    assert!((300..450).contains(&holders), "{holders}");
}
