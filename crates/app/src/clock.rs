//! The one place that reads the clock, so that the domain and the store never do.

use time::{Date, OffsetDateTime, UtcOffset};

/// China Standard Time: the platform's users live in one time zone, and "today" for a
/// deadline or a move is their today.
pub const CHINA: UtcOffset = match UtcOffset::from_hms(8, 0, 0) {
    Ok(o) => o,
    Err(_) => panic!("valid offset"),
};

pub fn now_unix() -> i64 {
    OffsetDateTime::now_utc().unix_timestamp()
}

pub fn today() -> Date {
    OffsetDateTime::now_utc().to_offset(CHINA).date()
}

/// A unix time as `YYYY-MM-DD HH:MM` in China Standard Time, for pages and exports.
pub fn format_unix(seconds: i64) -> String {
    let Ok(t) = OffsetDateTime::from_unix_timestamp(seconds) else {
        return seconds.to_string();
    };
    let t = t.to_offset(CHINA);
    format!("{} {:02}:{:02}", t.date(), t.hour(), t.minute())
}

#[cfg(test)]
mod tests {
    #[test]
    fn formats_in_china_time() {
        // 2024-01-01T00:00:00Z is 08:00 in Beijing.
        assert_eq!(super::format_unix(1_704_067_200), "2024-01-01 08:00");
    }
}
