//! Larger data sets for trying the platform at the scale DOMAIN.md designs for: a province
//! (tens of zones) and the whole country (about 200 zones, 2,000 parks, 250,000
//! enterprises). The two seed zones are included as they are; the other zones are
//! synthetic — one per real prefecture-level city, with the city's real division code —
//! and their enterprises come from the same generator.

use innozone_domain::registry::{
    Dataset, DatasetMembership, SpatialRole, UnitCode, UnitDraft, UnitKind,
};
use rand::RngExt;
use rand::seq::SliceRandom;
use time::Date;

use crate::generator::{Generator, GroupPlan, HORIZON_YEAR, Host, apportion, year_start};
use crate::industries::{self, Profile};
use crate::seed::City;

/// The provinces (GB/T 2260 two-digit codes).
const PROVINCES: &[(&str, &str, &str)] = &[
    ("11", "北京市", "Beijing"),
    ("12", "天津市", "Tianjin"),
    ("13", "河北省", "Hebei"),
    ("14", "山西省", "Shanxi"),
    ("15", "内蒙古自治区", "Inner Mongolia"),
    ("21", "辽宁省", "Liaoning"),
    ("22", "吉林省", "Jilin"),
    ("23", "黑龙江省", "Heilongjiang"),
    ("31", "上海市", "Shanghai"),
    ("32", "江苏省", "Jiangsu"),
    ("33", "浙江省", "Zhejiang"),
    ("34", "安徽省", "Anhui"),
    ("35", "福建省", "Fujian"),
    ("36", "江西省", "Jiangxi"),
    ("37", "山东省", "Shandong"),
    ("41", "河南省", "Henan"),
    ("42", "湖北省", "Hubei"),
    ("43", "湖南省", "Hunan"),
    ("44", "广东省", "Guangdong"),
    ("45", "广西壮族自治区", "Guangxi"),
    ("46", "海南省", "Hainan"),
    ("50", "重庆市", "Chongqing"),
    ("51", "四川省", "Sichuan"),
    ("52", "贵州省", "Guizhou"),
    ("53", "云南省", "Yunnan"),
    ("54", "西藏自治区", "Tibet"),
    ("61", "陕西省", "Shaanxi"),
    ("62", "甘肃省", "Gansu"),
    ("63", "青海省", "Qinghai"),
    ("64", "宁夏回族自治区", "Ningxia"),
    ("65", "新疆维吾尔自治区", "Xinjiang"),
];

/// A city that hosts a synthetic zone: division code (GB/T 2260), short name, pinyin, and
/// the telephone area code with the length of local numbers where known ("" where not:
/// its enterprises then give mobile numbers). 兰州, 白银 and 攀枝花 are absent: the seed zones
/// stand for them.
struct CityRow {
    division: &'static str,
    name: &'static str,
    pinyin: &'static str,
    area: &'static str,
    digits: u8,
}

const fn r(
    division: &'static str,
    name: &'static str,
    pinyin: &'static str,
    area: &'static str,
    digits: u8,
) -> CityRow {
    CityRow {
        division,
        name,
        pinyin,
        area,
        digits,
    }
}

const CITIES: &[CityRow] = &[
    r("110100", "北京", "Beijing", "010", 8),
    r("120100", "天津", "Tianjin", "022", 8),
    r("130100", "石家庄", "Shijiazhuang", "0311", 8),
    r("130200", "唐山", "Tangshan", "0315", 7),
    r("130300", "秦皇岛", "Qinhuangdao", "0335", 7),
    r("130400", "邯郸", "Handan", "0310", 7),
    r("130600", "保定", "Baoding", "0312", 7),
    r("130700", "张家口", "Zhangjiakou", "0313", 7),
    r("130800", "承德", "Chengde", "0314", 7),
    r("130900", "沧州", "Cangzhou", "0317", 7),
    r("131000", "廊坊", "Langfang", "0316", 7),
    r("140100", "太原", "Taiyuan", "0351", 7),
    r("140200", "大同", "Datong", "0352", 7),
    r("140300", "阳泉", "Yangquan", "0353", 7),
    r("140400", "长治", "Changzhi", "0355", 7),
    r("140500", "晋城", "Jincheng", "0356", 7),
    r("140600", "朔州", "Shuozhou", "0349", 7),
    r("140700", "晋中", "Jinzhong", "0354", 7),
    r("140800", "运城", "Yuncheng", "0359", 7),
    r("150100", "呼和浩特", "Hohhot", "0471", 7),
    r("150200", "包头", "Baotou", "0472", 7),
    r("150300", "乌海", "Wuhai", "0473", 7),
    r("150400", "赤峰", "Chifeng", "0476", 7),
    r("150600", "鄂尔多斯", "Ordos", "0477", 7),
    r("210100", "沈阳", "Shenyang", "024", 8),
    r("210200", "大连", "Dalian", "0411", 8),
    r("210300", "鞍山", "Anshan", "0412", 7),
    r("210500", "本溪", "Benxi", "", 0),
    r("210600", "丹东", "Dandong", "0415", 7),
    r("210700", "锦州", "Jinzhou", "0416", 7),
    r("210800", "营口", "Yingkou", "0417", 7),
    r("211000", "辽阳", "Liaoyang", "0419", 7),
    r("211100", "盘锦", "Panjin", "0427", 7),
    r("220100", "长春", "Changchun", "0431", 8),
    r("220200", "吉林", "Jilin", "0432", 8),
    r("220300", "四平", "Siping", "0434", 7),
    r("220400", "辽源", "Liaoyuan", "0437", 7),
    r("220500", "通化", "Tonghua", "0435", 7),
    r("230100", "哈尔滨", "Harbin", "0451", 8),
    r("230200", "齐齐哈尔", "Qiqihar", "0452", 7),
    r("230600", "大庆", "Daqing", "0459", 7),
    r("230800", "佳木斯", "Jiamusi", "0454", 7),
    r("231000", "牡丹江", "Mudanjiang", "0453", 7),
    r("310100", "上海", "Shanghai", "021", 8),
    r("320100", "南京", "Nanjing", "025", 8),
    r("320200", "无锡", "Wuxi", "0510", 8),
    r("320300", "徐州", "Xuzhou", "0516", 8),
    r("320400", "常州", "Changzhou", "0519", 8),
    r("320500", "苏州", "Suzhou", "0512", 8),
    r("320600", "南通", "Nantong", "0513", 8),
    r("320700", "连云港", "Lianyungang", "", 0),
    r("320800", "淮安", "Huai'an", "", 0),
    r("320900", "盐城", "Yancheng", "", 0),
    r("321000", "扬州", "Yangzhou", "", 0),
    r("321100", "镇江", "Zhenjiang", "", 0),
    r("321200", "泰州", "Taizhou (Jiangsu)", "", 0),
    r("321300", "宿迁", "Suqian", "", 0),
    r("330100", "杭州", "Hangzhou", "0571", 8),
    r("330200", "宁波", "Ningbo", "0574", 8),
    r("330300", "温州", "Wenzhou", "0577", 8),
    r("330400", "嘉兴", "Jiaxing", "", 0),
    r("330500", "湖州", "Huzhou", "", 0),
    r("330600", "绍兴", "Shaoxing", "", 0),
    r("330700", "金华", "Jinhua", "", 0),
    r("330800", "衢州", "Quzhou", "", 0),
    r("330900", "舟山", "Zhoushan", "", 0),
    r("331000", "台州", "Taizhou (Zhejiang)", "", 0),
    r("331100", "丽水", "Lishui", "", 0),
    r("340100", "合肥", "Hefei", "0551", 8),
    r("340200", "芜湖", "Wuhu", "0553", 7),
    r("340300", "蚌埠", "Bengbu", "", 0),
    r("340400", "淮南", "Huainan", "", 0),
    r("340500", "马鞍山", "Ma'anshan", "", 0),
    r("340700", "铜陵", "Tongling", "", 0),
    r("340800", "安庆", "Anqing", "", 0),
    r("341100", "滁州", "Chuzhou", "", 0),
    r("341200", "阜阳", "Fuyang", "", 0),
    r("341800", "宣城", "Xuancheng", "", 0),
    r("350100", "福州", "Fuzhou", "0591", 8),
    r("350200", "厦门", "Xiamen", "0592", 7),
    r("350300", "莆田", "Putian", "", 0),
    r("350400", "三明", "Sanming", "", 0),
    r("350500", "泉州", "Quanzhou", "", 0),
    r("350600", "漳州", "Zhangzhou", "", 0),
    r("350700", "南平", "Nanping", "", 0),
    r("350800", "龙岩", "Longyan", "", 0),
    r("350900", "宁德", "Ningde", "", 0),
    r("360100", "南昌", "Nanchang", "0791", 8),
    r("360200", "景德镇", "Jingdezhen", "0798", 7),
    r("360300", "萍乡", "Pingxiang", "", 0),
    r("360400", "九江", "Jiujiang", "0792", 7),
    r("360500", "新余", "Xinyu", "", 0),
    r("360600", "鹰潭", "Yingtan", "", 0),
    r("360700", "赣州", "Ganzhou", "", 0),
    r("360800", "吉安", "Ji'an", "", 0),
    r("360900", "宜春", "Yichun", "", 0),
    r("361100", "上饶", "Shangrao", "", 0),
    r("370100", "济南", "Jinan", "0531", 8),
    r("370200", "青岛", "Qingdao", "0532", 8),
    r("370300", "淄博", "Zibo", "0533", 7),
    r("370400", "枣庄", "Zaozhuang", "", 0),
    r("370500", "东营", "Dongying", "", 0),
    r("370600", "烟台", "Yantai", "0535", 7),
    r("370700", "潍坊", "Weifang", "0536", 7),
    r("370800", "济宁", "Jining", "0537", 7),
    r("370900", "泰安", "Tai'an", "", 0),
    r("371000", "威海", "Weihai", "0631", 7),
    r("371100", "日照", "Rizhao", "", 0),
    r("371300", "临沂", "Linyi", "0539", 7),
    r("371400", "德州", "Dezhou", "", 0),
    r("371500", "聊城", "Liaocheng", "", 0),
    r("371600", "滨州", "Binzhou", "", 0),
    r("371700", "菏泽", "Heze", "", 0),
    r("410100", "郑州", "Zhengzhou", "0371", 8),
    r("410200", "开封", "Kaifeng", "", 0),
    r("410300", "洛阳", "Luoyang", "0379", 8),
    r("410400", "平顶山", "Pingdingshan", "", 0),
    r("410500", "安阳", "Anyang", "0372", 7),
    r("410700", "新乡", "Xinxiang", "0373", 7),
    r("410800", "焦作", "Jiaozuo", "", 0),
    r("411000", "许昌", "Xuchang", "", 0),
    r("411200", "三门峡", "Sanmenxia", "", 0),
    r("411300", "南阳", "Nanyang", "", 0),
    r("411500", "信阳", "Xinyang", "", 0),
    r("420100", "武汉", "Wuhan", "027", 8),
    r("420200", "黄石", "Huangshi", "", 0),
    r("420300", "十堰", "Shiyan", "0719", 7),
    r("420500", "宜昌", "Yichang", "0717", 7),
    r("420600", "襄阳", "Xiangyang", "0710", 7),
    r("420700", "鄂州", "Ezhou", "", 0),
    r("420800", "荆门", "Jingmen", "", 0),
    r("420900", "孝感", "Xiaogan", "", 0),
    r("421000", "荆州", "Jingzhou", "0716", 7),
    r("421100", "黄冈", "Huanggang", "", 0),
    r("421200", "咸宁", "Xianning", "", 0),
    r("421300", "随州", "Suizhou", "", 0),
    r("430100", "长沙", "Changsha", "0731", 8),
    r("430200", "株洲", "Zhuzhou", "0731", 8),
    r("430300", "湘潭", "Xiangtan", "0731", 8),
    r("430400", "衡阳", "Hengyang", "0734", 7),
    r("430500", "邵阳", "Shaoyang", "", 0),
    r("430600", "岳阳", "Yueyang", "", 0),
    r("430700", "常德", "Changde", "", 0),
    r("430900", "益阳", "Yiyang", "", 0),
    r("431000", "郴州", "Chenzhou", "", 0),
    r("431200", "怀化", "Huaihua", "", 0),
    r("431300", "娄底", "Loudi", "", 0),
    r("440100", "广州", "Guangzhou", "020", 8),
    r("440300", "深圳", "Shenzhen", "0755", 8),
    r("440400", "珠海", "Zhuhai", "", 0),
    r("440500", "汕头", "Shantou", "", 0),
    r("440600", "佛山", "Foshan", "0757", 8),
    r("440700", "江门", "Jiangmen", "", 0),
    r("440800", "湛江", "Zhanjiang", "", 0),
    r("440900", "茂名", "Maoming", "", 0),
    r("441200", "肇庆", "Zhaoqing", "", 0),
    r("441300", "惠州", "Huizhou", "", 0),
    r("441600", "河源", "Heyuan", "", 0),
    r("441800", "清远", "Qingyuan", "", 0),
    r("441900", "东莞", "Dongguan", "0769", 8),
    r("442000", "中山", "Zhongshan", "0760", 8),
    r("450100", "南宁", "Nanning", "0771", 7),
    r("450200", "柳州", "Liuzhou", "0772", 7),
    r("450300", "桂林", "Guilin", "0773", 7),
    r("450500", "北海", "Beihai", "0779", 7),
    r("460100", "海口", "Haikou", "0898", 8),
    r("500100", "重庆", "Chongqing", "023", 8),
    r("510100", "成都", "Chengdu", "028", 8),
    r("510300", "自贡", "Zigong", "0813", 7),
    r("510500", "泸州", "Luzhou", "0830", 7),
    r("510600", "德阳", "Deyang", "0838", 7),
    r("510700", "绵阳", "Mianyang", "0816", 7),
    r("510900", "遂宁", "Suining", "", 0),
    r("511000", "内江", "Neijiang", "", 0),
    r("511100", "乐山", "Leshan", "0833", 7),
    r("511300", "南充", "Nanchong", "", 0),
    r("511500", "宜宾", "Yibin", "0831", 7),
    r("511600", "广安", "Guang'an", "", 0),
    r("511700", "达州", "Dazhou", "", 0),
    r("520100", "贵阳", "Guiyang", "0851", 8),
    r("520300", "遵义", "Zunyi", "", 0),
    r("520400", "安顺", "Anshun", "", 0),
    r("530100", "昆明", "Kunming", "0871", 8),
    r("530300", "曲靖", "Qujing", "", 0),
    r("530400", "玉溪", "Yuxi", "", 0),
    r("540100", "拉萨", "Lhasa", "0891", 7),
    r("610100", "西安", "Xi'an", "029", 8),
    r("610300", "宝鸡", "Baoji", "0917", 7),
    r("610400", "咸阳", "Xianyang", "029", 8),
    r("610500", "渭南", "Weinan", "", 0),
    r("610800", "榆林", "Yulin", "", 0),
    r("610900", "安康", "Ankang", "", 0),
    r("620500", "天水", "Tianshui", "0938", 7),
    r("630100", "西宁", "Xining", "0971", 7),
    r("640100", "银川", "Yinchuan", "0951", 7),
    r("640200", "石嘴山", "Shizuishan", "0952", 7),
    r("650100", "乌鲁木齐", "Urumqi", "0991", 7),
    r("650200", "克拉玛依", "Karamay", "0990", 7),
];

/// The forms a synthetic zone's parks take: name suffix, English, kind and the industries
/// (profile keys) they are for.
struct Stem {
    zh: &'static str,
    en: &'static str,
    kind: UnitKind,
    industries: &'static [&'static str],
}

const fn s(
    zh: &'static str,
    en: &'static str,
    kind: UnitKind,
    industries: &'static [&'static str],
) -> Stem {
    Stem {
        zh,
        en,
        kind,
        industries,
    }
}

const STEMS: &[Stem] = &[
    s(
        "东区",
        "East Park",
        UnitKind::Park,
        &["装备制造", "电子信息", "新材料"],
    ),
    s(
        "西区",
        "West Park",
        UnitKind::Park,
        &["生物医药", "食品加工", "现代物流"],
    ),
    s(
        "南区",
        "South Park",
        UnitKind::Park,
        &["新能源", "节能环保", "汽车零部件"],
    ),
    s(
        "北区",
        "North Park",
        UnitKind::Park,
        &["化工", "有色冶金", "冶金铸造"],
    ),
    s(
        "软件园",
        "Software Park",
        UnitKind::SpecialtyPark,
        &["软件"],
    ),
    s(
        "生物医药产业园",
        "Biomedicine Industrial Park",
        UnitKind::SpecialtyPark,
        &["生物医药", "医疗器械"],
    ),
    s(
        "新材料产业园",
        "New Materials Industrial Park",
        UnitKind::SpecialtyPark,
        &["新材料"],
    ),
    s(
        "智能制造产业园",
        "Intelligent Manufacturing Industrial Park",
        UnitKind::Park,
        &["装备制造"],
    ),
    s(
        "电子信息产业园",
        "Electronic Information Industrial Park",
        UnitKind::SpecialtyPark,
        &["电子信息"],
    ),
    s(
        "新能源产业园",
        "New Energy Industrial Park",
        UnitKind::SpecialtyPark,
        &["新能源"],
    ),
    s(
        "节能环保产业园",
        "Energy Saving and Environmental Protection Park",
        UnitKind::SpecialtyPark,
        &["节能环保", "再生资源"],
    ),
    s(
        "大学科技园",
        "University Science Park",
        UnitKind::Park,
        &["科技研发", "科技孵化"],
    ),
    s(
        "科技创业园",
        "Science and Technology Entrepreneurship Park",
        UnitKind::Park,
        &["科技孵化", "现代服务业"],
    ),
    s(
        "汽车零部件产业园",
        "Auto Parts Industrial Park",
        UnitKind::SpecialtyPark,
        &["汽车零部件"],
    ),
    s(
        "精细化工园",
        "Fine Chemicals Park",
        UnitKind::SpecialtyPark,
        &["精细化工", "化工"],
    ),
    s(
        "食品产业园",
        "Food Industry Park",
        UnitKind::Park,
        &["食品加工", "农产品加工"],
    ),
    s(
        "现代物流园",
        "Modern Logistics Park",
        UnitKind::Park,
        &["现代物流", "商贸"],
    ),
    s(
        "航空航天产业园",
        "Aerospace Industrial Park",
        UnitKind::SpecialtyPark,
        &["航空航天"],
    ),
    s(
        "检验检测认证产业园",
        "Testing and Certification Industrial Park",
        UnitKind::SpecialtyPark,
        &["检验检测"],
    ),
    s(
        "数字经济产业园",
        "Digital Economy Industrial Park",
        UnitKind::SpecialtyPark,
        &["软件", "电子信息"],
    ),
    s(
        "总部经济区",
        "Headquarters Economy Area",
        UnitKind::Park,
        &["总部经济", "现代服务业"],
    ),
    s(
        "有色金属新材料园",
        "Nonferrous Metal New Materials Park",
        UnitKind::SpecialtyPark,
        &["有色金属深加工", "新材料"],
    ),
    s(
        "装备制造产业园",
        "Equipment Manufacturing Industrial Park",
        UnitKind::Park,
        &["装备制造"],
    ),
    s(
        "工业集中区",
        "Industrial Concentration Area",
        UnitKind::IndustrialCluster,
        &["装备制造", "新型建材", "食品加工"],
    ),
    s(
        "文化创意产业园",
        "Cultural and Creative Industries Park",
        UnitKind::SpecialtyPark,
        &["文化创意"],
    ),
    s(
        "光电子产业园",
        "Optoelectronics Industrial Park",
        UnitKind::SpecialtyPark,
        &["电子信息"],
    ),
    s(
        "医疗器械产业园",
        "Medical Devices Industrial Park",
        UnitKind::SpecialtyPark,
        &["医疗器械"],
    ),
    s(
        "新型建材产业园",
        "New Building Materials Industrial Park",
        UnitKind::Park,
        &["新型建材"],
    ),
];

const ENCLAVE_INDUSTRIES: &[&str] = &["装备制造", "新材料"];
const DISTRICT_NAMES: &[(&str, &str)] = &[
    ("东部片区", "East Area"),
    ("西部片区", "West Area"),
    ("南部片区", "South Area"),
    ("北部片区", "North Area"),
];

/// Years in which national high-tech zones were approved, with how many: the first batches
/// of 1991 and 1992, Yangling 1997, and the upgrades of provincial zones since 2009.
const FOUNDING_YEARS: &[(i32, f64)] = &[
    (1991, 26.0),
    (1992, 25.0),
    (1997, 1.0),
    (2009, 4.0),
    (2010, 27.0),
    (2011, 5.0),
    (2012, 17.0),
    (2013, 9.0),
    (2014, 3.0),
    (2015, 11.0),
    (2017, 12.0),
    (2018, 13.0),
];

/// The number of enterprises and parks the national set aims at (DOMAIN.md, "Scale to
/// design for").
pub const NATIONAL_ENTERPRISES: u32 = 250_000;
pub const NATIONAL_PARKS: u32 = 2_000;
/// A province of tens of thousands of enterprises.
pub const PROVINCE_ENTERPRISES: u32 = 30_000;
/// The province of the province-sized set: Sichuan, home of the Panzhihua seed zone.
pub const PROVINCE: &str = "51";

/// Adds the provinces (all, or the one given) as roots.
pub(crate) fn provinces(out: &mut Dataset, only: Option<&str>) {
    for (code, zh, en) in PROVINCES
        .iter()
        .filter(|(c, _, _)| only.is_none_or(|o| o == *c))
    {
        out.units.push(UnitDraft {
            code: province_code(code),
            name_zh: zh.to_string(),
            name_en: Some(en.to_string()),
            kind: UnitKind::Province,
            area_km2: None,
            population: None,
            leading_industries: Vec::new(),
            spatial_role: None,
        });
    }
}

pub(crate) fn province_code(two_digits: &str) -> UnitCode {
    UnitCode::parse(&format!("P{two_digits}")).expect("P and two digits")
}

/// Puts a seed zone under its province from the start of its plan.
pub(crate) fn attach(out: &mut Dataset, zone: &str, province: &str, from: Date) {
    out.memberships.push(DatasetMembership {
        child: UnitCode::parse(zone).expect("seed zone code"),
        parent: province_code(province),
        from,
        until: None,
    });
}

/// Adds synthetic zones for the cities of `province` (all if `None`) with `enterprises`
/// enterprises and about `parks` parks in all.
pub(crate) fn synthetic(
    generator: &mut Generator,
    out: &mut Dataset,
    province: Option<&str>,
    enterprises: u32,
    parks: u32,
    progress: &dyn Fn(u64),
) {
    let cities: Vec<&CityRow> = CITIES
        .iter()
        .filter(|c| province.is_none_or(|p| c.division.starts_with(p)))
        .collect();
    // Zone sizes spread like a log-normal law; capitals and the municipalities are larger.
    let weights: Vec<f64> = cities
        .iter()
        .map(|c| {
            let z = standard_normal(generator);
            let bonus = match c.division {
                "110100" | "310100" | "440300" => 5.0,
                d if d.ends_with("0100") => 2.5,
                _ => 1.0,
            };
            (0.8_f64 * z).exp() * bonus
        })
        .collect();
    let totals = apportion(enterprises, &weights);
    let park_weights: Vec<f64> = weights.iter().map(|w| w.sqrt()).collect();
    let park_counts: Vec<u32> = apportion(parks, &park_weights)
        .into_iter()
        .map(|n| n.clamp(3, STEMS.len() as u32))
        .collect();
    for (i, city) in cities.iter().enumerate() {
        let partner = cities[(i + cities.len() / 2) % cities.len()];
        zone(
            generator,
            out,
            city,
            partner,
            totals[i],
            park_counts[i] as usize,
            progress,
        );
    }
}

fn zone(
    generator: &mut Generator,
    out: &mut Dataset,
    row: &CityRow,
    partner: &CityRow,
    total: u32,
    park_count: usize,
    progress: &dyn Fn(u64),
) {
    let rng = generator.rng();
    let founded_year = weighted_pick(rng, FOUNDING_YEARS);
    let founded = year_start(founded_year);
    let code = format!("GX{}", row.division);
    let zone_code = UnitCode::parse(&code).expect("ASCII code");
    let zone_area = (rng.random_range(15.0..150.0f64) * 100.0).round() / 100.0;
    let city = City {
        key: row.division.to_string(),
        name_zh: format!("{}市", row.name),
        prefix: row.name.to_string(),
        division: row.division.to_string(),
        phone_area: (!row.area.is_empty()).then(|| row.area.to_string()),
        local_digits: row.digits,
    };

    let mut stems: Vec<&Stem> = STEMS.iter().collect();
    stems.shuffle(rng);
    stems.truncate(park_count);
    let enclave = rng.random_bool(0.15);
    let districts = if park_count >= 8 && rng.random_bool(0.3) {
        rng.random_range(2..=4usize.min(park_count / 3))
    } else {
        0
    };
    let shares: Vec<f64> = (0..park_count + usize::from(enclave))
        .map(|_| rng.random_range(0.5..2.0))
        .collect();
    let share_sum: f64 = shares.iter().sum();

    let zone_industries: Vec<String> = {
        let mut keys: Vec<String> = Vec::new();
        for stem in stems.iter().take(3) {
            for k in stem.industries {
                if !keys.iter().any(|x| x == k) {
                    keys.push(k.to_string());
                }
            }
        }
        keys
    };
    out.units.push(UnitDraft {
        code: zone_code.clone(),
        name_zh: format!("{}高新技术产业开发区", row.name),
        name_en: Some(format!(
            "{} High-tech Industrial Development Zone",
            row.pinyin
        )),
        kind: UnitKind::Zone,
        area_km2: Some(zone_area),
        population: None,
        leading_industries: zone_industries,
        spatial_role: None,
    });
    out.memberships.push(DatasetMembership {
        child: zone_code.clone(),
        parent: province_code(&row.division[..2]),
        from: founded,
        until: None,
    });

    let district_codes: Vec<UnitCode> = (0..districts)
        .map(|d| {
            let dcode = UnitCode::parse(&format!("{code}-D{}", d + 1)).expect("ASCII code");
            let (zh, en) = DISTRICT_NAMES[d];
            out.units.push(UnitDraft {
                code: dcode.clone(),
                name_zh: format!("{}高新区{zh}", row.name),
                name_en: Some(format!("{} High-tech Zone {en}", row.pinyin)),
                kind: UnitKind::District,
                area_km2: None,
                population: None,
                leading_industries: Vec::new(),
                spatial_role: None,
            });
            out.memberships.push(DatasetMembership {
                child: dcode.clone(),
                parent: zone_code.clone(),
                from: founded,
                until: None,
            });
            dcode
        })
        .collect();

    // Hosts by move group: one group per district, or the whole zone.
    let mut groups: Vec<Vec<Host>> = vec![Vec::new(); districts.max(1)];
    let park_total = park_count + usize::from(enclave);
    for p in 0..park_total {
        let rng = generator.rng();
        let (zh, en, kind, keys, role): (String, String, UnitKind, &[&str], SpatialRole) =
            if p < park_count {
                let stem = stems[p];
                let role = if p == 0 {
                    SpatialRole::Core
                } else {
                    SpatialRole::Radiation
                };
                (
                    stem.zh.to_string(),
                    stem.en.to_string(),
                    stem.kind,
                    stem.industries,
                    role,
                )
            } else {
                (
                    format!("{}飞地产业园", partner.name),
                    format!("{} Enclave Industrial Park", partner.pinyin),
                    UnitKind::EnclavePark,
                    ENCLAVE_INDUSTRIES,
                    SpatialRole::CoBuilt,
                )
            };
        // The first parks make the zone when it is founded; the others join later, by the
        // horizon at the latest.
        let joined = if p < 2 || founded_year >= HORIZON_YEAR || rng.random_bool(0.4) {
            founded
        } else {
            year_start(rng.random_range(founded_year + 1..=HORIZON_YEAR))
        };
        let pcode = UnitCode::parse(&format!("{code}-P{:02}", p + 1)).expect("ASCII code");
        let profiles: Vec<&'static Profile> = keys
            .iter()
            .map(|k| industries::profile(k).expect("stems name existing industries"))
            .collect();
        out.units.push(UnitDraft {
            code: pcode.clone(),
            name_zh: format!("{}高新区{zh}", row.name),
            name_en: Some(format!("{} High-tech Zone {en}", row.pinyin)),
            kind,
            area_km2: Some((zone_area * 0.85 * shares[p] / share_sum * 100.0).round() / 100.0),
            population: None,
            leading_industries: keys.iter().map(|k| k.to_string()).collect(),
            spatial_role: Some(role),
        });
        let group = if districts > 0 { p % districts } else { 0 };
        let parent = if districts > 0 {
            district_codes[group].clone()
        } else {
            zone_code.clone()
        };
        out.memberships.push(DatasetMembership {
            child: pcode.clone(),
            parent,
            from: joined,
            until: None,
        });
        groups[group].push(Host {
            unit: pcode,
            profiles,
            weight: shares[p],
            city: city.clone(),
            first_year: founded_year,
            member_from: joined,
        });
    }

    let group_weights: Vec<f64> = groups
        .iter()
        .map(|g| g.iter().map(|h| h.weight).sum())
        .collect();
    let group_totals = apportion(total, &group_weights);
    let rng = generator.rng();
    let industrial_ratio = rng.random_range(0.30..0.55);
    let above_ratio = rng.random_range(0.20..0.40);
    let high_tech_ratio = rng.random_range(0.06..0.16);
    for (hosts, total) in groups.into_iter().zip(group_totals) {
        // A group made only of service parks (a university science park and a logistics
        // park, say) has no industrial enterprises.
        let has_industry = hosts
            .iter()
            .any(|h| h.profiles.iter().any(|p| p.industrial_share > 0.0));
        let industrial = if has_industry {
            (f64::from(total) * industrial_ratio).round() as u32
        } else {
            0
        };
        let plan = GroupPlan {
            hosts,
            total,
            industrial,
            above_scale_industrial: (f64::from(industrial) * above_ratio).round() as u32,
            above_scale_profiles: None,
            other_industrial_above_share: 0.0,
            high_tech: (f64::from(total) * high_tech_ratio).round() as u32,
            reference_year: HORIZON_YEAR,
            entered_by: None,
        };
        out.enterprises.extend(generator.group(&plan));
        progress(out.enterprises.len() as u64);
    }
}

fn weighted_pick(rng: &mut rand_chacha::ChaCha8Rng, table: &[(i32, f64)]) -> i32 {
    let total: f64 = table.iter().map(|(_, w)| w).sum();
    let mut x = rng.random::<f64>() * total;
    for (value, w) in table {
        if x < *w {
            return *value;
        }
        x -= w;
    }
    table[table.len() - 1].0
}

/// A standard normal number (Box–Muller).
fn standard_normal(generator: &mut Generator) -> f64 {
    let rng = generator.rng();
    let u1: f64 = 1.0 - rng.random::<f64>();
    let u2: f64 = rng.random();
    (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
}

/// The parks (park-level units) of the seed zones in `out`, to subtract from the national
/// park count.
pub(crate) fn park_count(out: &Dataset) -> u32 {
    out.units.iter().filter(|u| u.kind.is_park()).count() as u32
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn tables_are_consistent() {
        let mut divisions = HashSet::new();
        for c in CITIES {
            assert!(divisions.insert(c.division), "{}", c.division);
            assert_eq!(c.division.len(), 6);
            assert!(c.division.ends_with("00"), "{}", c.division);
            assert!(
                PROVINCES.iter().any(|(p, _, _)| c.division.starts_with(p)),
                "{}",
                c.division
            );
            assert_eq!(c.area.is_empty(), c.digits == 0, "{}", c.name);
            assert!(
                !["620100", "620400", "510400"].contains(&c.division),
                "seed cities are not synthetic"
            );
        }
        assert_eq!(CITIES.len(), 198);
        for stem in STEMS {
            for k in stem.industries {
                assert!(industries::profile(k).is_some(), "{k}");
            }
        }
        for k in ENCLAVE_INDUSTRIES {
            assert!(industries::profile(k).is_some(), "{k}");
        }
    }
}
