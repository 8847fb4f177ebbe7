//! How figures read in reports and on the pages: rounded to a number of decimals as
//! statistics round (halves away from zero), thousands separated, a change as percent or,
//! for a percentage, as percentage points.

use innozone_domain::monitoring::QuantityUnit;
use innozone_i18n::Lang;

/// A whole number with thousands separated: 1,234,567.
pub fn grouped(n: i64) -> String {
    let s = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

/// `value` with `decimals` decimals and thousands separators.
pub fn number(value: f64, decimals: u8) -> String {
    // 四舍五入: halves away from zero, as statistics round, not to even as `format!` does.
    let scale = 10f64.powi(i32::from(decimals));
    let rounded = (value * scale).round() / scale;
    let text = format!("{:.*}", usize::from(decimals), rounded);
    let negative = text.starts_with('-');
    let digits = text.trim_start_matches('-');
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let whole = int
        .parse::<i64>()
        .map(grouped)
        .unwrap_or_else(|_| int.to_string());
    let sign = if negative && text.trim_start_matches(['-', '0', '.', ',']).is_empty() {
        ""
    } else if negative {
        "-"
    } else {
        ""
    };
    if frac.is_empty() {
        format!("{sign}{whole}")
    } else {
        format!("{sign}{whole}.{frac}")
    }
}

/// The change from `before` to `now`: percentage points for a percentage, else percent;
/// none from zero.
pub fn change(now: f64, before: f64, unit: QuantityUnit, lang: Lang) -> Option<String> {
    if unit == QuantityUnit::Percent {
        let d = now - before;
        let key = if lang.is_english() {
            "pp"
        } else {
            "个百分点"
        };
        return Some(format!(
            "{}{} {key}",
            if d >= 0.0 { "+" } else { "" },
            number(d, 2)
        ));
    }
    if before == 0.0 {
        return None;
    }
    let d = (now / before - 1.0) * 100.0;
    Some(format!(
        "{}{}%",
        if d >= 0.0 { "+" } else { "" },
        number(d, 1)
    ))
}

/// The date of issue as an official document prints it: "2026年11月23日", or ISO in
/// English.
pub(crate) fn issue_date(lang: Lang) -> String {
    let today = innozone_app::clock::today();
    if lang.is_english() {
        today.to_string()
    } else {
        format!(
            "{}年{}月{}日",
            today.year(),
            u8::from(today.month()),
            today.day()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_rounded_and_grouped() {
        assert_eq!(number(1234567.891, 2), "1,234,567.89");
        assert_eq!(number(2.345, 1), "2.3");
        assert_eq!(number(-1234.5, 0), "-1,235");
        assert_eq!(number(-0.001, 1), "0.0");
        assert_eq!(number(0.0, 0), "0");
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1000), "1,000");
        assert_eq!(grouped(-1234567), "-1,234,567");
    }

    #[test]
    fn changes_of_percentages_are_in_points() {
        assert_eq!(
            change(2.9, 2.3, QuantityUnit::Percent, Lang::ZhCn).unwrap(),
            "+0.60 个百分点"
        );
        assert_eq!(
            change(110.0, 100.0, QuantityUnit::HundredMillionYuan, Lang::ZhCn).unwrap(),
            "+10.0%"
        );
        assert_eq!(change(1.0, 0.0, QuantityUnit::Items, Lang::ZhCn), None);
    }
}
