//! Plausible Chinese enterprise trade names (字号), personal names and telephone numbers.

use rand::RngExt;
use rand_chacha::ChaCha8Rng;

/// Characters trade names are made of: the auspicious and technical ones Chinese firms
/// favour (华, 兴, 瑞, 泰, 科, 创…), and a few of the north-west (陇, 金城 is Lanzhou's old
/// name) and of Panzhihua (攀, 钒).
const TRADE_CHARS: &[char] = &[
    '华', '兴', '瑞', '泰', '恒', '通', '达', '宏', '信', '德', '昌', '隆', '盛', '鑫', '源', '丰',
    '祥', '和', '安', '康', '宁', '远', '博', '嘉', '晟', '辉', '明', '宇', '天', '海', '金', '银',
    '新', '中', '正', '诚', '科', '创', '联', '合', '力', '豪', '汇', '融', '星', '光', '腾', '飞',
    '翔', '凯', '旭', '阳', '东', '西', '方', '圆', '润', '鼎', '峰', '森', '岳', '川', '陇', '河',
    '泉', '峻', '晨', '曦', '睿', '智', '卓', '越', '恩', '佳', '美', '优', '良', '欣', '悦', '弘',
    '骏', '驰', '浩', '洋', '航', '宸', '铭', '锦', '绣', '荣', '耀', '立', '建', '启', '迪', '思',
    '维', '元', '亨', '利', '开', '拓', '展', '鹏', '程', '晶', '钰', '坤', '乾', '益', '久', '永',
    '长', '万', '百', '千', '众', '贵', '富', '鸿', '云', '霖', '雨', '青', '蓝', '紫', '成', '茂',
    '林', '峡', '原', '北', '南', '聚', '协', '同', '惠', '民', '实', '业', '精', '工', '强', '固',
    '攀', '钒', '陶', '宝', '玉', '皓', '昊', '瀚', '帆', '舜', '尧', '禹', '甘', '凉', '祁', '雄',
    '威', '奥',
];

/// Common surnames, the most frequent first; drawn with a bias to the front.
const SURNAMES: &[char] = &[
    '王', '李', '张', '刘', '陈', '杨', '赵', '黄', '周', '吴', '徐', '孙', '马', '朱', '胡', '郭',
    '何', '高', '林', '罗', '郑', '梁', '谢', '宋', '唐', '许', '韩', '冯', '邓', '曹', '彭', '曾',
    '肖', '田', '董', '袁', '潘', '于', '蒋', '蔡', '余', '杜', '叶', '程', '苏', '魏', '吕', '丁',
    '任', '沈', '姚', '卢', '姜', '崔', '钟', '谭', '陆', '汪', '范', '金', '石', '廖', '贾', '夏',
    '韦', '付', '方', '白', '邹', '孟', '熊', '秦', '邱', '江', '尹', '薛',
];

const GIVEN_CHARS: &[char] = &[
    '伟', '芳', '娜', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '娟', '涛', '明',
    '超', '秀', '霞', '平', '刚', '桂', '英', '华', '玉', '萍', '红', '娥', '玲', '芬', '燕', '彬',
    '鹏', '辉', '建', '国', '峰', '斌', '宁', '慧', '婷', '雪', '琳', '晶', '博', '文', '浩', '宇',
    '思', '欣', '佳', '子', '俊', '凯', '志', '海', '东', '亮', '新', '春', '梅', '琴', '云', '莉',
    '颖', '瑞', '晨', '阳', '振', '荣', '德', '永', '瑶', '璐', '鑫', '越',
];

/// Prefixes of mobile numbers in use (China Mobile, Unicom, Telecom).
const MOBILE_PREFIXES: &[&str] = &[
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "153",
    "155", "156", "157", "158", "159", "173", "177", "180", "181", "182", "183", "185", "186",
    "187", "188", "189", "199",
];

/// A trade name of `len` characters.
pub fn trade_name(rng: &mut ChaCha8Rng, len: usize) -> String {
    (0..len)
        .map(|_| TRADE_CHARS[rng.random_range(0..TRADE_CHARS.len())])
        .collect()
}

/// A personal name: a surname (frequent ones more often) and one or two given characters.
pub fn person(rng: &mut ChaCha8Rng) -> String {
    // The square of a uniform number favours the front of the list, as real surname
    // frequencies do.
    let u: f64 = rng.random();
    let surname = SURNAMES[((u * u) * SURNAMES.len() as f64) as usize];
    let mut name = String::from(surname);
    let given = if rng.random_bool(0.7) { 2 } else { 1 };
    for _ in 0..given {
        name.push(GIVEN_CHARS[rng.random_range(0..GIVEN_CHARS.len())]);
    }
    name
}

/// A mobile number.
pub fn mobile(rng: &mut ChaCha8Rng) -> String {
    let prefix = MOBILE_PREFIXES[rng.random_range(0..MOBILE_PREFIXES.len())];
    format!("{prefix}{:08}", rng.random_range(0..100_000_000u32))
}

/// A landline number "area-local"; local numbers never start with 0 or 1.
pub fn landline(rng: &mut ChaCha8Rng, area: &str, digits: u8) -> String {
    let mut number = format!("{area}-");
    number.push(char::from(b'0' + rng.random_range(2..10u8)));
    for _ in 1..digits {
        number.push(char::from(b'0' + rng.random_range(0..10u8)));
    }
    number
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn shapes() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        for _ in 0..200 {
            assert_eq!(trade_name(&mut rng, 2).chars().count(), 2);
            let p = person(&mut rng);
            assert!((2..=3).contains(&p.chars().count()), "{p}");
            let m = mobile(&mut rng);
            assert_eq!(m.len(), 11);
            assert!(m.starts_with('1') && m.bytes().all(|b| b.is_ascii_digit()));
            let l = landline(&mut rng, "0931", 7);
            assert_eq!(l.len(), "0931-".len() + 7);
            assert!(!l["0931-".len()..].starts_with(['0', '1']));
        }
    }
}
