//! How monitoring values read: rounded to the indicator's decimals with thousands
//! separated, the unit after them, and a value that cannot be computed as "—" with why.

use innozone_domain::monitoring::{Catalogue, QuantityUnit, TargetStatus, Value};
use innozone_i18n::{Lang, target_status_name, unavailable_reason};

use crate::views::grouped;

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

/// A value shown in a table or on a card.
#[derive(Debug, Clone, Default)]
pub struct Shown {
    /// The number, or "—".
    pub text: String,
    /// Why there is no number, for a tooltip and the drill-down page.
    pub why: Option<String>,
    pub raw: Option<f64>,
}

pub fn shown(value: &Value, decimals: u8, catalogue: &Catalogue, lang: Lang) -> Shown {
    match value {
        Ok(v) => Shown {
            text: number(*v, decimals),
            why: None,
            raw: Some(*v),
        },
        Err(why) => Shown {
            text: "—".into(),
            why: Some(unavailable_reason(why, catalogue, lang)),
            raw: None,
        },
    }
}

pub fn unit_symbol(unit: QuantityUnit, lang: Lang) -> &'static str {
    unit.symbol(lang.is_english())
}

/// The change from `before` to `now`: percentage points for a percentage, else percent.
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

/// CSS class of a status badge.
pub fn status_class(status: Option<TargetStatus>) -> &'static str {
    match status {
        Some(TargetStatus::OnTrack) => "ok",
        Some(TargetStatus::Behind) => "warn",
        Some(TargetStatus::SeriouslyBehind) => "bad",
        None => "off",
    }
}

pub fn status_text(status: Option<TargetStatus>, lang: Lang) -> String {
    status.map_or_else(String::new, |s| target_status_name(s, lang))
}

/// The ECharts colour of a status.
pub fn status_colour(status: Option<TargetStatus>) -> &'static str {
    match status {
        Some(TargetStatus::OnTrack) => "#2f855a",
        Some(TargetStatus::Behind) => "#d69e2e",
        Some(TargetStatus::SeriouslyBehind) => "#c53030",
        None => "#3b6fb6",
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
