//! How monitoring values read: rounded to the indicator's decimals with thousands
//! separated, the unit after them, and a value that cannot be computed as "—" with why.

use innozone_domain::monitoring::{Catalogue, QuantityUnit, TargetStatus, Value};
use innozone_i18n::{Lang, target_status_name, unavailable_reason};

pub use innozone_reports::format::{change, number};

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
