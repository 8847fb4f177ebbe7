//! The example's designed history: how the 兰白 zone's headline indicators (seed 001 专栏1)
//! move from their 2014 baselines towards the 2020 targets, and the unit statistics
//! (GDP, population, fiscal spending, ...) that the indicators divide by.
//!
//! The enterprises' historic filings are back-cast from their 2024 values with zone-wide
//! factors calibrated so that the sums of the filings, together with these statistics,
//! give exactly these indicator values; [`crate::monitoring::statistics`] hands out the
//! statistics. One table, so that the two cannot drift apart.
//!
//! The 2020 values are chosen to land on a given side of each target of 专栏1 (with the
//! default thresholds: yellow when more than 2% short of the path, red when more than 10%
//! short): GDP, R&D intensity, the share of strategic emerging industries, R&D staff per
//! 10k and energy per GDP behind (yellow), high-tech industry's share of industrial value
//! added far behind (red), the rest on track. In between, GDP, the emerging industries'
//! share and R&D staff per 10k dip into red in 2017, the year the plan's second stage
//! ended, before recovering to yellow.

/// One year of the 兰白 zone as designed. Money in 亿元, population in 万人.
#[derive(Debug, Clone, Copy)]
pub(crate) struct LanbaiYear {
    pub year: i32,
    pub gdp: f64,
    pub population: f64,
    pub fiscal_expenditure: f64,
    /// 财政科技支出 as a percentage of 一般公共预算支出.
    pub fiscal_st_share: f64,
    /// 战略性新兴产业增加值 as a percentage of GDP.
    pub sei_va_share: f64,
    /// 建成区面积, km².
    pub built_area: f64,
    /// The R&D of universities and research institutes the plan years aim at: what the
    /// enterprises' R&D is calibrated to leave for them. The statistic itself is whatever
    /// makes the R&D intensity come out as designed.
    pub rd_institutions: f64,
    /// The headline indicators read from the enterprises' filings, designed for the plan
    /// years 2014–2020 only: later years follow from the enterprises' 2024 values.
    pub from_filings: Option<FromFilings>,
}

/// The designed values of the indicators that read the enterprises' filings.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FromFilings {
    /// (Σ 内部研发经费支出 + 高校和科研院所研发经费支出) / GDP, %.
    pub rd_intensity: f64,
    /// Σ 工业增加值 of high-tech manufacturing / Σ 工业增加值 of industry, %.
    pub high_tech_va_share: f64,
    /// Σ 工业增加值 / Σ 从业人员 of high-tech manufacturing, 万元/人.
    pub high_tech_productivity: f64,
    /// Σ 研究开发人员 / population, persons per 10k.
    pub rd_staff_per_10k: f64,
    /// Σ 有效发明专利 / population, per 10k persons.
    pub invention_patents_per_10k: f64,
    /// Σ 技术合同成交金额, 亿元.
    pub tech_contract_turnover: f64,
    /// Σ 综合能源消费量 / GDP, tce per 10k yuan.
    pub energy_per_gdp: f64,
    /// Σ 工业增加值 of the zone's industrial enterprises over GDP (not an indicator: it
    /// sets how large industry is, from which the high-tech share and productivity follow).
    pub industrial_va_of_gdp: f64,
}

#[allow(clippy::too_many_arguments)]
const fn plan(
    rd_intensity: f64,
    high_tech_va_share: f64,
    high_tech_productivity: f64,
    rd_staff_per_10k: f64,
    invention_patents_per_10k: f64,
    tech_contract_turnover: f64,
    energy_per_gdp: f64,
    industrial_va_of_gdp: f64,
) -> Option<FromFilings> {
    Some(FromFilings {
        rd_intensity,
        high_tech_va_share,
        high_tech_productivity,
        rd_staff_per_10k,
        invention_patents_per_10k,
        tech_contract_turnover,
        energy_per_gdp,
        industrial_va_of_gdp,
    })
}

#[allow(clippy::too_many_arguments)]
const fn year(
    year: i32,
    gdp: f64,
    population: f64,
    fiscal_expenditure: f64,
    fiscal_st_share: f64,
    sei_va_share: f64,
    built_area: f64,
    rd_institutions: f64,
    from_filings: Option<FromFilings>,
) -> LanbaiYear {
    LanbaiYear {
        year,
        gdp,
        population,
        fiscal_expenditure,
        fiscal_st_share,
        sei_va_share,
        built_area,
        rd_institutions,
        from_filings,
    }
}

/// 2014 is 专栏1's baseline column exactly. GDP grows fast while 兰州新区 fills up (seed 001
/// line 5: 33% a year in 2011–2014), then at the pace of a maturing zone. The population
/// is what puts 2014's 63 R&D staff and 6.6 invention patents per 10k persons on the
/// enterprises the example has.
// Columns: year, GDP, population, fiscal expenditure, fiscal S&T share (%), emerging
// industries' share of GDP (%), built-up area, institutes' R&D aimed at; then for the
// plan years: R&D intensity, high-tech share of industrial value added, high-tech
// productivity, R&D staff per 10k, invention patents per 10k, contract turnover, energy
// per GDP, industrial value added over GDP.
#[rustfmt::skip]
pub(crate) const LANBAI: [LanbaiYear; 12] = [
    year(2014,  552.4, 175.0,  96.0, 0.90, 14.9, 182.0, 2.5, plan(2.30, 18.7, 26.6,  63.0,  6.6, 24.0, 2.17, 0.500)),
    year(2015,  618.0, 178.5, 104.5, 1.12, 16.9, 190.0, 2.8, plan(2.36, 20.4, 30.0,  72.0,  8.5, 30.5, 2.10, 0.505)),
    year(2016,  695.0, 182.0, 113.0, 1.26, 18.6, 199.0, 3.1, plan(2.41, 22.3, 33.6,  80.0, 10.3, 35.8, 2.05, 0.510)),
    year(2017,  765.0, 186.0, 121.0, 1.52, 19.5, 210.0, 3.4, plan(2.50, 24.6, 37.3,  87.0, 12.1, 42.6, 1.98, 0.520)),
    year(2018,  930.0, 190.5, 135.0, 1.73, 22.4, 224.0, 3.8, plan(2.58, 26.8, 41.0,  98.0, 13.9, 48.3, 1.91, 0.530)),
    year(2019, 1098.0, 195.0, 152.0, 1.95, 24.9, 240.0, 4.1, plan(2.66, 28.9, 44.9, 109.0, 15.8, 54.9, 1.86, 0.545)),
    year(2020, 1290.0, 200.0, 171.0, 2.20, 27.0, 255.0, 4.5, plan(2.75, 31.0, 49.0, 120.0, 18.0, 61.0, 1.80, 0.560)),
    year(2021, 1440.0, 204.0, 180.0, 2.32, 28.1, 266.0, 5.6, None),
    year(2022, 1590.0, 207.5, 188.0, 2.41, 28.9, 275.0, 6.4, None),
    year(2023, 1745.0, 211.0, 197.0, 2.50, 29.6, 283.0, 7.1, None),
    year(2024, 1900.0, 215.0, 206.0, 2.58, 30.3, 290.0, 7.8, None),
    year(2025, 2010.0, 218.0, 214.0, 2.65, 30.8, 296.0, 8.2, None),
];

pub(crate) fn lanbai_year(year: i32) -> Option<&'static LanbaiYear> {
    LANBAI.iter().find(|y| y.year == year)
}

/// The four districts of 兰白 (seed 001 line 88) with their shares of the zone's GDP and
/// population in 2014, 2020 and 2025 (straight lines in between). 兰州新区's 2014 GDP of
/// about 94亿元 follows from line 5 (259亿元 over 2011–2014 at 33% a year); it grows
/// fastest. The shares of the other three are the example's.
pub(crate) const DISTRICTS: [(&str, [f64; 3], [f64; 3]); 4] = [
    ("LB-XQ", [0.170, 0.250, 0.290], [0.171, 0.225, 0.250]),
    ("LB-GX", [0.362, 0.330, 0.310], [0.343, 0.325, 0.315]),
    ("LB-JJ", [0.286, 0.260, 0.250], [0.314, 0.290, 0.280]),
    ("LB-BY", [0.182, 0.160, 0.150], [0.172, 0.160, 0.155]),
];

/// The share of a district in `year` from its shares in 2014, 2020 and 2025.
pub(crate) fn district_share(shares: [f64; 3], year: i32) -> f64 {
    let t = f64::from(year);
    if year <= 2020 {
        shares[0] + (shares[1] - shares[0]) * (t - 2014.0) / 6.0
    } else {
        shares[1] + (shares[2] - shares[1]) * (t - 2020.0) / 5.0
    }
}

/// One year of 攀枝花钒钛高新区 as designed (seed 004 sets targets but gives no history):
/// zone-wide factors on the enterprises' 2024 values (2024 = 1) for the back-cast, and
/// the statistics. The vanadium price peak of 2021–2022 shows in output and revenue.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PanzhihuaYear {
    pub year: i32,
    /// Revenue (and with it output and value added) of industrial enterprises.
    pub industrial: f64,
    /// Revenue of the other enterprises.
    pub other: f64,
    pub rd_staff: f64,
    pub rd_spend: f64,
    pub patents: f64,
    pub contracts: f64,
    pub energy: f64,
    /// 万人.
    pub population: f64,
    /// 财政科技支出 as a percentage of 一般公共预算支出.
    pub fiscal_st_share: f64,
    /// 战略性新兴产业增加值 as a percentage of GDP.
    pub sei_va_share: f64,
    /// 亿元.
    pub rd_institutions: f64,
    /// km² (seed 004 line 15 aims at 20 km² by 2030).
    pub built_area: f64,
}

pub(crate) const PANZHIHUA: [PanzhihuaYear; 6] = [
    PanzhihuaYear {
        year: 2020,
        industrial: 0.70,
        other: 0.82,
        rd_staff: 0.80,
        rd_spend: 0.66,
        patents: 0.72,
        contracts: 0.70,
        energy: 0.90,
        population: 11.8,
        fiscal_st_share: 1.45,
        sei_va_share: 18.5,
        rd_institutions: 0.9,
        built_area: 12.6,
    },
    PanzhihuaYear {
        year: 2021,
        industrial: 0.86,
        other: 0.88,
        rd_staff: 0.86,
        rd_spend: 0.76,
        patents: 0.80,
        contracts: 0.80,
        energy: 0.97,
        population: 12.3,
        fiscal_st_share: 1.60,
        sei_va_share: 19.6,
        rd_institutions: 1.0,
        built_area: 13.3,
    },
    PanzhihuaYear {
        year: 2022,
        industrial: 0.95,
        other: 0.93,
        rd_staff: 0.92,
        rd_spend: 0.86,
        patents: 0.88,
        contracts: 0.88,
        energy: 1.02,
        population: 12.8,
        fiscal_st_share: 1.72,
        sei_va_share: 20.4,
        rd_institutions: 1.1,
        built_area: 14.0,
    },
    PanzhihuaYear {
        year: 2023,
        industrial: 0.93,
        other: 0.97,
        rd_staff: 0.96,
        rd_spend: 0.93,
        patents: 0.94,
        contracts: 0.95,
        energy: 0.99,
        population: 13.2,
        fiscal_st_share: 1.85,
        sei_va_share: 21.5,
        rd_institutions: 1.2,
        built_area: 14.6,
    },
    PanzhihuaYear {
        year: 2024,
        industrial: 1.0,
        other: 1.0,
        rd_staff: 1.0,
        rd_spend: 1.0,
        patents: 1.0,
        contracts: 1.0,
        energy: 1.0,
        population: 13.6,
        fiscal_st_share: 1.96,
        sei_va_share: 22.4,
        rd_institutions: 1.3,
        built_area: 15.2,
    },
    PanzhihuaYear {
        year: 2025,
        industrial: 1.0,
        other: 1.0,
        rd_staff: 1.0,
        rd_spend: 1.0,
        patents: 1.0,
        contracts: 1.0,
        energy: 1.0,
        population: 14.1,
        fiscal_st_share: 2.10,
        sei_va_share: 23.5,
        rd_institutions: 1.4,
        built_area: 15.9,
    },
];
