//! What the tables hold, and how it becomes the domain's types again. Shared by both
//! backends: the row types decode from any sqlx database whose types fit.

use innozone_domain::Date;
use innozone_domain::registry::{SizeClass, Tier};
use innozone_store::{StoreError, StoreResult};
use sqlx::{Database, QueryBuilder};
use time::Month;

pub(crate) fn corrupt(what: &str, value: &str) -> StoreError {
    StoreError::Corrupt(format!("{what} '{value}' is not valid"))
}

/// Dates are stored as `YYYY-MM-DD` so that string comparison in SQL is date order.
pub(crate) fn date_text(date: Date) -> String {
    format!(
        "{:04}-{:02}-{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    )
}

pub(crate) fn parse_date(text: &str) -> StoreResult<Date> {
    let mut parts = text.splitn(3, '-');
    let mut next = || parts.next().and_then(|p| p.parse::<i32>().ok());
    let (Some(y), Some(m), Some(d)) = (next(), next(), next()) else {
        return Err(corrupt("the date", text));
    };
    let month = u8::try_from(m)
        .ok()
        .and_then(|m| Month::try_from(m).ok())
        .ok_or_else(|| corrupt("the date", text))?;
    let day = u8::try_from(d).map_err(|_| corrupt("the date", text))?;
    Date::from_calendar_date(y, month, day).map_err(|_| corrupt("the date", text))
}

pub(crate) fn parse_opt_date(text: Option<&str>) -> StoreResult<Option<Date>> {
    text.map(parse_date).transpose()
}

/// Reads an enum back from its `code()`.
pub(crate) fn from_code<T: Copy>(
    all: &[T],
    code: fn(T) -> &'static str,
    what: &str,
    text: &str,
) -> StoreResult<T> {
    all.iter()
        .copied()
        .find(|v| code(*v) == text)
        .ok_or_else(|| corrupt(what, text))
}

pub(crate) fn tier_from_code(text: &str) -> StoreResult<Tier> {
    from_code(&Tier::ALL, Tier::code, "the tier", text)
}

pub(crate) fn size_class_from_code(text: &str) -> StoreResult<SizeClass> {
    from_code(&SizeClass::ALL, SizeClass::code, "the size class", text)
}

/// `LIKE` patterns match `%` and `_` literally only when escaped; queries use `ESCAPE '\'`.
pub(crate) fn like_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\\' | '%' | '_') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Starts the next condition of a WHERE clause.
pub(crate) fn push_condition<DB: Database>(qb: &mut QueryBuilder<DB>, started: &mut bool) {
    qb.push(if *started { " AND " } else { " WHERE " });
    *started = true;
}

pub(crate) fn to_json<T: serde::Serialize>(value: &T) -> serde_json::Value {
    serde_json::to_value(value).expect("domain records serialise")
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn dates_round_trip_as_sortable_text() {
        assert_eq!(date_text(date!(2024 - 03 - 05)), "2024-03-05");
        assert_eq!(parse_date("2024-03-05").unwrap(), date!(2024 - 03 - 05));
        assert!(parse_date("2024-13-05").is_err());
        assert!(parse_date("yesterday").is_err());
        assert!(date_text(date!(2019 - 12 - 31)) < date_text(date!(2020 - 01 - 01)));
    }

    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(like_escape("50%_a\\b"), "50\\%\\_a\\\\b");
        assert_eq!(like_escape("兰州"), "兰州");
    }
}
