//! From the industry words of the seeds (主导产业 such as 生物医药, 有色冶金, 现代物流) to
//! classes of the national economic classification (GB/T 4754-2017) and fields of
//! high technology, so that generated enterprises do what their park is there for.
//!
//! Every code below is a four-digit class (小类) of GB/T 4754-2017; a group (中类) without
//! classes has the class code ending in 0 (2710 化学药品原料药制造, 5810 多式联运). The
//! official class name is kept next to each code so that a reader can check it.

use innozone_domain::registry::HighTechField;

/// A class of GB/T 4754-2017 and a word that enterprises of the class put in their name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IndustryClass {
    pub code: &'static str,
    /// The official name of the class.
    pub name: &'static str,
    /// What an enterprise of this class calls itself between its 字号 and its legal form
    /// (兰州恒泰**石化**有限公司).
    pub word: &'static str,
}

/// An industry as the seeds name it, with the classes an enterprise of it may have.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Profile {
    /// The canonical word.
    pub key: &'static str,
    /// Words that, found in a seed's phrase, point to this industry.
    pub words: &'static [&'static str],
    /// Classes in sections B, C, D (工业).
    pub industrial: &'static [IndustryClass],
    /// Classes in the other sections (trade, services, R&D for the industry).
    pub other: &'static [IndustryClass],
    /// Of the enterprises a park has in this industry, the share that is industrial.
    pub industrial_share: f64,
    /// The field of 国家重点支持的高新技术领域 a high-tech enterprise of it is recognised in.
    pub field: HighTechField,
    /// How likely an enterprise of it is to be a recognised high-tech enterprise, relative
    /// to the others (1 = the most likely).
    pub high_tech_propensity: f64,
}

const fn c(code: &'static str, name: &'static str, word: &'static str) -> IndustryClass {
    IndustryClass { code, name, word }
}

use HighTechField as F;

pub static PROFILES: &[Profile] = &[
    Profile {
        key: "石油化工",
        words: &["石油化工", "石化", "炼化"],
        industrial: &[
            c("2511", "原油加工及石油制品制造", "石化"),
            c("2614", "有机化学原料制造", "化工"),
            c("2651", "初级形态塑料及合成树脂制造", "石化新材料"),
            c("2652", "合成橡胶制造", "橡胶"),
        ],
        other: &[
            c("5162", "石油及制品批发", "石油"),
            c("5941", "油气仓储", "油品储运"),
        ],
        industrial_share: 0.8,
        field: F::NewMaterials,
        high_tech_propensity: 0.5,
    },
    Profile {
        key: "精细化工",
        words: &["精细化工"],
        industrial: &[
            c("2661", "化学试剂和助剂制造", "精细化工"),
            c("2662", "专项化学用品制造", "化学"),
            c("2666", "环境污染处理专用药剂材料制造", "环保材料"),
            c("2669", "其他专用化学产品制造", "化工"),
        ],
        other: &[
            c("5169", "其他化工产品批发", "化工"),
            c("7513", "新材料技术推广服务", "化工科技"),
        ],
        industrial_share: 0.85,
        field: F::NewMaterials,
        high_tech_propensity: 0.7,
    },
    Profile {
        key: "化工",
        words: &["化工"],
        industrial: &[
            c("2613", "无机盐制造", "化工"),
            c("2614", "有机化学原料制造", "化工"),
            c("2619", "其他基础化学原料制造", "化学"),
        ],
        other: &[c("5169", "其他化工产品批发", "化工")],
        industrial_share: 0.85,
        field: F::NewMaterials,
        high_tech_propensity: 0.35,
    },
    Profile {
        key: "新材料",
        words: &["新材料"],
        industrial: &[
            c("2659", "其他合成材料制造", "新材料"),
            c("3091", "石墨及碳素制品制造", "碳素"),
            c("3240", "有色金属合金制造", "合金"),
            c("3985", "电子专用材料制造", "电子材料"),
            c("3073", "特种陶瓷制品制造", "特种陶瓷"),
        ],
        other: &[c("7513", "新材料技术推广服务", "新材料")],
        industrial_share: 0.75,
        field: F::NewMaterials,
        high_tech_propensity: 1.0,
    },
    Profile {
        key: "有色冶金",
        words: &["有色冶金", "冶金有色"],
        industrial: &[
            c("3211", "铜冶炼", "铜业"),
            c("3212", "铅锌冶炼", "锌业"),
            c("3213", "镍钴冶炼", "镍钴"),
            c("3216", "铝冶炼", "铝业"),
        ],
        other: &[c("5164", "金属及金属矿批发", "金属")],
        industrial_share: 0.9,
        field: F::NewMaterials,
        high_tech_propensity: 0.35,
    },
    Profile {
        key: "有色金属深加工",
        words: &["有色金属深加工", "有色金属新材料", "有色金属"],
        industrial: &[
            c("3240", "有色金属合金制造", "合金"),
            c("3251", "铜压延加工", "铜材"),
            c("3252", "铝压延加工", "铝材"),
            c("3259", "其他有色金属压延加工", "金属材料"),
        ],
        other: &[
            c("5164", "金属及金属矿批发", "金属"),
            c("7513", "新材料技术推广服务", "材料科技"),
        ],
        industrial_share: 0.85,
        field: F::NewMaterials,
        high_tech_propensity: 0.7,
    },
    Profile {
        key: "稀土",
        words: &["稀土"],
        industrial: &[
            c("3232", "稀土金属冶炼", "稀土"),
            c("3254", "稀有稀土金属压延加工", "稀土材料"),
        ],
        other: &[c("7513", "新材料技术推广服务", "稀土科技")],
        industrial_share: 0.85,
        field: F::NewMaterials,
        high_tech_propensity: 0.9,
    },
    Profile {
        key: "钒钛",
        words: &["钒钛", "全流程钒钛"],
        industrial: &[
            c("3140", "铁合金冶炼", "钒业"),
            c("3219", "其他常用有色金属冶炼", "钛业"),
            c("3239", "其他稀有金属冶炼", "钒钛"),
            c("2643", "工业颜料制造", "钛白"),
            c("3120", "炼钢", "钢铁"),
            c("3254", "稀有稀土金属压延加工", "钛材"),
        ],
        other: &[
            c("5164", "金属及金属矿批发", "矿业贸易"),
            c("7513", "新材料技术推广服务", "钒钛科技"),
        ],
        industrial_share: 0.85,
        field: F::NewMaterials,
        high_tech_propensity: 0.6,
    },
    Profile {
        key: "含钒钛机械制造",
        words: &["含钒钛机械制造"],
        industrial: &[
            c("3391", "黑色金属铸造", "铸造"),
            c("3393", "锻件及粉末冶金制品制造", "锻造"),
            c("3511", "矿山机械制造", "矿山机械"),
            c("3516", "冶金专用设备制造", "冶金设备"),
            c("3484", "机械零部件加工", "机械"),
        ],
        other: &[c("5179", "其他机械设备及电子产品批发", "机电")],
        industrial_share: 0.9,
        field: F::AdvancedManufacturing,
        high_tech_propensity: 0.6,
    },
    Profile {
        key: "装备制造",
        words: &["装备制造", "先进制造", "高端装备", "智能制造", "装备"],
        industrial: &[
            c("3411", "锅炉及辅助设备制造", "锅炉"),
            c("3421", "金属切削机床制造", "机床"),
            c("3441", "泵及真空设备制造", "真空设备"),
            c("3491", "工业机器人制造", "智能装备"),
            c("3512", "石油钻采专用设备制造", "石油装备"),
            c("3521", "炼油、化工生产专用设备制造", "化工装备"),
            c("3599", "其他专用设备制造", "机械"),
        ],
        other: &[
            c("7320", "工程和技术研究和试验发展", "工程技术"),
            c("5179", "其他机械设备及电子产品批发", "机电"),
        ],
        industrial_share: 0.8,
        field: F::AdvancedManufacturing,
        high_tech_propensity: 0.8,
    },
    Profile {
        key: "矿山装备",
        words: &["矿山专用装备", "矿山机械"],
        industrial: &[
            c("3511", "矿山机械制造", "矿山机械"),
            c("3517", "隧道施工专用机械制造", "隧道装备"),
        ],
        other: &[c("7113", "建筑工程机械与设备经营租赁", "设备租赁")],
        industrial_share: 0.9,
        field: F::AdvancedManufacturing,
        high_tech_propensity: 0.5,
    },
    Profile {
        key: "农业机械",
        words: &["农业机械"],
        industrial: &[
            c("3571", "拖拉机制造", "拖拉机"),
            c("3572", "机械化农业及园艺机具制造", "农机"),
            c("3576", "农林牧渔机械配件制造", "农机配件"),
        ],
        other: &[c("5171", "农业机械批发", "农机")],
        industrial_share: 0.9,
        field: F::AdvancedManufacturing,
        high_tech_propensity: 0.4,
    },
    Profile {
        key: "航空航天",
        words: &["航空航天", "航天", "航空"],
        industrial: &[
            c("3742", "航天器及运载火箭制造", "航天"),
            c("3743", "航天相关设备制造", "航天设备"),
            c("3744", "航空相关设备制造", "航空"),
            c("4343", "航空航天器修理", "航空维修"),
        ],
        other: &[c("7320", "工程和技术研究和试验发展", "宇航科技")],
        industrial_share: 0.8,
        field: F::Aerospace,
        high_tech_propensity: 1.0,
    },
    Profile {
        key: "电子信息",
        words: &["电子信息", "信息技术", "光电"],
        industrial: &[
            c("3973", "集成电路制造", "集成电路"),
            c("3976", "光电子器件制造", "光电"),
            c("3982", "电子电路制造", "电子"),
            c("3983", "敏感元件及传感器制造", "传感"),
        ],
        other: &[
            c("6513", "应用软件开发", "软件"),
            c("6520", "集成电路设计", "芯片"),
            c("6531", "信息系统集成服务", "信息技术"),
            c("6450", "互联网数据服务", "数据"),
            c("6591", "呼叫中心", "呼叫中心"),
        ],
        industrial_share: 0.45,
        field: F::ElectronicInformation,
        high_tech_propensity: 1.0,
    },
    Profile {
        key: "软件",
        words: &["软件", "数字经济", "大数据"],
        industrial: &[
            c("3911", "计算机整机制造", "计算机"),
            c("3915", "信息安全设备制造", "信息安全"),
        ],
        other: &[
            c("6511", "基础软件开发", "软件"),
            c("6513", "应用软件开发", "软件"),
            c("6531", "信息系统集成服务", "信息技术"),
            c("6540", "运行维护服务", "信息服务"),
            c("6560", "信息技术咨询服务", "数字科技"),
        ],
        industrial_share: 0.1,
        field: F::ElectronicInformation,
        high_tech_propensity: 1.0,
    },
    Profile {
        key: "生物医药",
        words: &["生物医药", "新医药", "医药", "生物工程"],
        industrial: &[
            c("2710", "化学药品原料药制造", "制药"),
            c("2720", "化学药品制剂制造", "药业"),
            c("2740", "中成药生产", "中药"),
            c("2761", "生物药品制造", "生物制品"),
            c("2762", "基因工程药物和疫苗制造", "疫苗"),
            c("2770", "卫生材料及医药用品制造", "医用材料"),
        ],
        other: &[
            c("7340", "医学研究和试验发展", "医药研究"),
            c("5151", "西药批发", "医药"),
            c("5152", "中药批发", "药材"),
        ],
        industrial_share: 0.7,
        field: F::BiomedicineNewMedicine,
        high_tech_propensity: 1.0,
    },
    Profile {
        key: "医疗器械",
        words: &["医疗器械"],
        industrial: &[
            c("3581", "医疗诊断、监护及治疗设备制造", "医疗设备"),
            c("3584", "医疗、外科及兽医用器械制造", "医疗器械"),
            c("3589", "其他医疗设备及器械制造", "医疗科技"),
        ],
        other: &[c("5154", "医疗用品及器材批发", "医疗器械")],
        industrial_share: 0.8,
        field: F::BiomedicineNewMedicine,
        high_tech_propensity: 0.9,
    },
    Profile {
        key: "新能源",
        words: &["新能源"],
        industrial: &[
            c("3825", "光伏设备及元器件制造", "光伏"),
            c("3415", "风能原动设备制造", "风电设备"),
            c("3841", "锂离子电池制造", "锂电"),
            c("4416", "太阳能发电", "光伏电力"),
            c("4415", "风力发电", "风电"),
        ],
        other: &[c("7515", "新能源技术推广服务", "新能源")],
        industrial_share: 0.75,
        field: F::NewEnergyEnergySaving,
        high_tech_propensity: 0.9,
    },
    Profile {
        key: "节能环保",
        words: &["节能环保", "环保"],
        industrial: &[
            c("3591", "环境保护专用设备制造", "环保设备"),
            c("3411", "锅炉及辅助设备制造", "节能设备"),
            c("2666", "环境污染处理专用药剂材料制造", "环保材料"),
        ],
        other: &[
            c("7514", "节能技术推广服务", "节能"),
            c("7722", "大气污染治理", "环境工程"),
            c("7723", "固体废物治理", "环境治理"),
        ],
        industrial_share: 0.6,
        field: F::ResourcesEnvironment,
        high_tech_propensity: 0.9,
    },
    Profile {
        key: "再生资源",
        words: &["再生资源", "城市矿产"],
        industrial: &[
            c("4210", "金属废料和碎屑加工处理", "再生资源"),
            c("4220", "非金属废料和碎屑加工处理", "资源利用"),
        ],
        other: &[c("5191", "再生物资回收与批发", "物资回收")],
        industrial_share: 0.7,
        field: F::ResourcesEnvironment,
        high_tech_propensity: 0.4,
    },
    Profile {
        key: "循环经济",
        words: &["循环经济"],
        industrial: &[
            c("4210", "金属废料和碎屑加工处理", "再生资源"),
            c("4220", "非金属废料和碎屑加工处理", "资源利用"),
            c("2613", "无机盐制造", "化工"),
            c("3021", "水泥制品制造", "建材"),
        ],
        other: &[
            c("7723", "固体废物治理", "环境治理"),
            c("5191", "再生物资回收与批发", "物资回收"),
        ],
        industrial_share: 0.8,
        field: F::ResourcesEnvironment,
        high_tech_propensity: 0.45,
    },
    Profile {
        key: "新型建材",
        words: &["新型建材", "建材", "建筑材料"],
        industrial: &[
            c("3021", "水泥制品制造", "建材"),
            c("3024", "轻质建筑材料制造", "新型建材"),
            c("3033", "防水建筑材料制造", "防水材料"),
            c("3034", "隔热和隔音材料制造", "保温材料"),
        ],
        other: &[c("5165", "建材批发", "建材")],
        industrial_share: 0.85,
        field: F::NewMaterials,
        high_tech_propensity: 0.25,
    },
    Profile {
        key: "陶瓷建材",
        words: &["陶瓷建材", "陶瓷"],
        industrial: &[
            c("3071", "建筑陶瓷制品制造", "陶瓷"),
            c("3072", "卫生陶瓷制品制造", "洁具"),
            c("3073", "特种陶瓷制品制造", "特种陶瓷"),
        ],
        other: &[c("5165", "建材批发", "建材")],
        industrial_share: 0.85,
        field: F::NewMaterials,
        high_tech_propensity: 0.25,
    },
    Profile {
        key: "冶金铸造",
        words: &["冶金铸造", "铸造"],
        industrial: &[
            c("3391", "黑色金属铸造", "铸造"),
            c("3392", "有色金属铸造", "铸业"),
            c("3393", "锻件及粉末冶金制品制造", "锻造"),
        ],
        other: &[c("5164", "金属及金属矿批发", "金属")],
        industrial_share: 0.9,
        field: F::AdvancedManufacturing,
        high_tech_propensity: 0.25,
    },
    Profile {
        key: "食品加工",
        words: &["食品加工", "食品"],
        industrial: &[
            c("1312", "小麦加工", "面业"),
            c("1353", "肉制品及副产品加工", "肉业"),
            c("1391", "淀粉及淀粉制品制造", "淀粉"),
            c("1491", "营养食品制造", "营养食品"),
            c("1499", "其他未列明食品制造", "食品"),
        ],
        other: &[c("5129", "其他食品批发", "食品")],
        industrial_share: 0.8,
        field: F::BiomedicineNewMedicine,
        high_tech_propensity: 0.15,
    },
    Profile {
        key: "营养保健食品",
        words: &["营养保健"],
        industrial: &[
            c("1491", "营养食品制造", "营养食品"),
            c("1492", "保健食品制造", "保健品"),
        ],
        other: &[c("5126", "营养和保健品批发", "保健品")],
        industrial_share: 0.85,
        field: F::BiomedicineNewMedicine,
        high_tech_propensity: 0.3,
    },
    Profile {
        key: "农产品加工",
        words: &["农产品", "农畜产品", "农副产品"],
        industrial: &[
            c("1331", "食用植物油加工", "粮油"),
            c("1353", "肉制品及副产品加工", "肉业"),
            c("1371", "蔬菜加工", "蔬菜"),
            c("1373", "水果和坚果加工", "果业"),
            c("1391", "淀粉及淀粉制品制造", "淀粉"),
        ],
        other: &[
            c("5123", "果品、蔬菜批发", "农产品"),
            c("5119", "其他农牧产品批发", "农牧"),
        ],
        industrial_share: 0.8,
        field: F::BiomedicineNewMedicine,
        high_tech_propensity: 0.15,
    },
    Profile {
        key: "轻纺",
        words: &["轻纺", "纺织", "都市加工", "劳动密集型"],
        industrial: &[
            c("1711", "棉纺纱加工", "纺织"),
            c("1713", "棉印染精加工", "印染"),
            c("1819", "其他机织服装制造", "服装"),
            c("1829", "其他针织或钩针编织服装制造", "针织"),
            c("2319", "包装装潢及其他印刷", "印务"),
        ],
        other: &[c("5132", "服装批发", "服饰")],
        industrial_share: 0.9,
        field: F::NewMaterials,
        high_tech_propensity: 0.08,
    },
    Profile {
        key: "汽车零部件",
        words: &["汽车零部件", "汽车"],
        industrial: &[
            c("3670", "汽车零部件及配件制造", "汽车零部件"),
            c("3612", "新能源车整车制造", "新能源汽车"),
            c("3660", "汽车车身、挂车制造", "专用车"),
        ],
        other: &[c("5172", "汽车及零配件批发", "汽配")],
        industrial_share: 0.9,
        field: F::AdvancedManufacturing,
        high_tech_propensity: 0.6,
    },
    Profile {
        key: "检验检测",
        words: &["检验检测", "检测"],
        industrial: &[
            c("4014", "实验分析仪器制造", "分析仪器"),
            c("4028", "电子测量仪器制造", "测量仪器"),
        ],
        other: &[
            c("7452", "检测服务", "检测"),
            c("7455", "认证认可服务", "认证"),
            c("7453", "计量服务", "计量"),
        ],
        industrial_share: 0.2,
        field: F::HighTechServices,
        high_tech_propensity: 0.6,
    },
    Profile {
        key: "现代物流",
        words: &["物流", "仓储"],
        industrial: &[],
        other: &[
            c("5810", "多式联运", "物流"),
            c("5821", "货物运输代理", "货运"),
            c("5920", "通用仓储", "仓储"),
            c("5990", "其他仓储业", "储运"),
            c("5431", "普通货物道路运输", "运输"),
            c("5437", "城市配送", "配送"),
        ],
        industrial_share: 0.0,
        field: F::HighTechServices,
        high_tech_propensity: 0.1,
    },
    Profile {
        key: "商贸",
        words: &["商贸"],
        industrial: &[],
        other: &[
            c("5179", "其他机械设备及电子产品批发", "商贸"),
            c("5174", "五金产品批发", "五金"),
            c("5165", "建材批发", "建材"),
            c("5292", "互联网零售", "电子商务"),
        ],
        industrial_share: 0.0,
        field: F::HighTechServices,
        high_tech_propensity: 0.05,
    },
    Profile {
        key: "总部经济",
        words: &["总部经济", "总部"],
        industrial: &[],
        other: &[
            c("7211", "企业总部管理", "实业"),
            c("7212", "投资与资产管理", "投资"),
            c("7224", "供应链管理服务", "供应链"),
        ],
        industrial_share: 0.0,
        field: F::HighTechServices,
        high_tech_propensity: 0.1,
    },
    Profile {
        key: "科技研发",
        words: &["科技研发", "研发"],
        industrial: &[],
        other: &[
            c("7310", "自然科学研究和试验发展", "科学研究"),
            c("7320", "工程和技术研究和试验发展", "技术研究"),
            c("7340", "医学研究和试验发展", "医学研究"),
            c("7491", "工业设计服务", "工业设计"),
        ],
        industrial_share: 0.0,
        field: F::HighTechServices,
        high_tech_propensity: 0.8,
    },
    Profile {
        key: "科技孵化",
        words: &["孵化"],
        industrial: &[],
        other: &[
            c("7540", "创业空间服务", "创业服务"),
            c("7530", "科技中介服务", "科技服务"),
            c("7520", "知识产权服务", "知识产权"),
        ],
        industrial_share: 0.0,
        field: F::HighTechServices,
        high_tech_propensity: 0.3,
    },
    Profile {
        key: "文化创意",
        words: &["文化创意"],
        industrial: &[],
        other: &[
            c("6572", "动漫、游戏数字内容服务", "动漫"),
            c("7259", "其他广告服务", "文化传媒"),
            c("7492", "专业设计服务", "设计"),
            c("8626", "数字出版", "数字出版"),
        ],
        industrial_share: 0.0,
        field: F::HighTechServices,
        high_tech_propensity: 0.4,
    },
    Profile {
        key: "现代服务业",
        words: &["现代服务", "科技服务", "服务业"],
        industrial: &[],
        other: &[
            c("7530", "科技中介服务", "科技服务"),
            c("6450", "互联网数据服务", "数据"),
            c("7241", "会计、审计及税务服务", "财税咨询"),
            c("7281", "科技会展服务", "会展"),
            c("5292", "互联网零售", "电子商务"),
            c("6631", "融资租赁服务", "融资租赁"),
        ],
        industrial_share: 0.0,
        field: F::HighTechServices,
        high_tech_propensity: 0.3,
    },
    Profile {
        key: "现代农业",
        words: &["现代农业"],
        industrial: &[],
        other: &[
            c("0141", "蔬菜种植", "农业"),
            c("0143", "花卉种植", "花卉"),
            c("0511", "种子种苗培育活动", "种业"),
        ],
        industrial_share: 0.0,
        field: F::BiomedicineNewMedicine,
        high_tech_propensity: 0.1,
    },
    Profile {
        key: "休闲旅游",
        words: &["休闲旅游", "生态旅游", "旅游"],
        industrial: &[],
        other: &[
            c("6110", "旅游饭店", "酒店"),
            c("7291", "旅行社及相关服务", "旅游"),
            c("7869", "其他游览景区管理", "景区"),
        ],
        industrial_share: 0.0,
        field: F::HighTechServices,
        high_tech_propensity: 0.02,
    },
    Profile {
        key: "职业教育",
        words: &["职业教育"],
        industrial: &[],
        other: &[
            c("8391", "职业技能培训", "职业培训"),
            c("8394", "教育辅助服务", "教育科技"),
        ],
        industrial_share: 0.0,
        field: F::HighTechServices,
        high_tech_propensity: 0.02,
    },
];

/// The profile with this key.
pub fn profile(key: &str) -> Option<&'static Profile> {
    PROFILES.iter().find(|p| p.key == key)
}

/// The industries a seed's phrase names. A phrase that is one of a profile's words names
/// that profile alone (含钒钛机械制造 is machinery, not 钒钛 smelting); otherwise every
/// profile with a word inside the phrase is named (现代商贸物流 is 商贸 and 物流,
/// 高端节能环保装备 is 节能环保 and 装备制造).
pub fn profiles_for(phrase: &str) -> Vec<&'static Profile> {
    let phrase = phrase.trim();
    if let Some(p) = PROFILES.iter().find(|p| p.words.contains(&phrase)) {
        return vec![p];
    }
    PROFILES
        .iter()
        .filter(|p| p.words.iter().any(|w| phrase.contains(w)))
        .collect()
}

/// The profiles of a list of phrases, each once, in order of first mention.
pub fn profiles_for_all<S: AsRef<str>>(phrases: &[S]) -> Vec<&'static Profile> {
    let mut out: Vec<&'static Profile> = Vec::new();
    for phrase in phrases {
        for p in profiles_for(phrase.as_ref()) {
            if !out.iter().any(|q| q.key == p.key) {
                out.push(p);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use innozone_domain::registry::IndustryCode;

    #[test]
    fn every_class_is_a_class_of_the_right_kind() {
        for p in PROFILES {
            assert!(!p.industrial.is_empty() || !p.other.is_empty(), "{}", p.key);
            assert!(
                p.industrial.is_empty() == (p.industrial_share == 0.0),
                "{}",
                p.key
            );
            for class in p.industrial {
                let code = IndustryCode::parse(class.code).unwrap();
                assert!(
                    code.is_industrial(),
                    "{} {} should be industrial",
                    p.key,
                    class.code
                );
            }
            for class in p.other {
                let code = IndustryCode::parse(class.code).unwrap();
                assert!(
                    !code.is_industrial(),
                    "{} {} should not be industrial",
                    p.key,
                    class.code
                );
            }
        }
    }

    #[test]
    fn keys_are_unique_and_findable() {
        for p in PROFILES {
            assert_eq!(
                PROFILES.iter().filter(|q| q.key == p.key).count(),
                1,
                "{}",
                p.key
            );
            assert_eq!(profile(p.key).unwrap().key, p.key);
        }
    }

    #[test]
    fn phrases_of_the_seeds_map_as_read() {
        let keys = |phrase: &str| {
            profiles_for(phrase)
                .iter()
                .map(|p| p.key)
                .collect::<Vec<_>>()
        };
        // Exact words name one profile even when another's word is inside them.
        assert_eq!(keys("含钒钛机械制造"), ["含钒钛机械制造"]);
        assert_eq!(keys("陶瓷建材"), ["陶瓷建材"]);
        assert_eq!(keys("有色金属新材料"), ["有色金属深加工"]);
        // Compound phrases name each part.
        assert_eq!(keys("现代商贸物流"), ["现代物流", "商贸"]);
        assert_eq!(keys("高端节能环保装备"), ["装备制造", "节能环保"]);
        assert_eq!(keys("化工及精细化工"), ["精细化工", "化工"]);
        assert_eq!(keys("现代农业及休闲旅游"), ["现代农业", "休闲旅游"]);
        assert_eq!(
            keys("高级营养保健绿色食品加工"),
            ["食品加工", "营养保健食品"]
        );
        assert_eq!(keys("劳动密集型都市加工"), ["轻纺"]);
        assert_eq!(keys("城市矿产"), ["再生资源"]);
        assert_eq!(keys("科技孵化中心"), ["科技孵化"]);
        assert!(
            profiles_for("总部经济以外的词")
                .iter()
                .all(|p| p.key == "总部经济")
        );
        assert!(profiles_for("无关").is_empty());
    }
}
