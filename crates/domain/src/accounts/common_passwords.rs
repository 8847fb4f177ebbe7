//! The passwords everybody tries first. The list is Openwall's `password.lst` (3,546
//! passwords most often seen on Unix systems and in the website leaks of 2006–2010,
//! compiled by Solar Designer and placed in the public domain; as Debian's `john-data`
//! 1.9.0 ships it), with a short list of our own of passwords common among Chinese users.
//! Both are read into the binary at build time.

use std::collections::HashSet;
use std::sync::LazyLock;

const OPENWALL: &str = include_str!("common-passwords.txt");
const CHINESE: &str = include_str!("common-passwords-zh.txt");

/// Every listed password in lower case.
static COMMON: LazyLock<HashSet<String>> = LazyLock::new(|| {
    OPENWALL
        .lines()
        .chain(CHINESE.lines())
        .filter(|line| !line.starts_with("#!comment"))
        .map(|line| line.trim().to_lowercase())
        .filter(|line| !line.is_empty())
        .collect()
});

/// How many characters may be added around a listed password before it stops counting
/// as that password: `Password12`, `1234567890a`, `!qwerty123` are still guessed early.
const DECORATION: usize = 3;

/// The shortest listed password that counts when found inside a longer one.
const MIN_CORE: usize = 4;

/// Whether `password` is a listed password, also spelt with the usual substitutions
/// (`p@ssw0rd`), with up to three characters added before or after it, or with any
/// digits and symbols added around it (`sunshine2024!`, `P@ssw0rd2024`).
pub(crate) fn is_common(password: &str) -> bool {
    let lower = password.to_lowercase();
    let word = between_letters(&lower);
    [lower.as_str(), word]
        .into_iter()
        .flat_map(|form| [form.to_string(), unleet(form)])
        .any(|form| decorated_common(&form))
}

/// The part of `text` from its first letter to its last: what is left when the digits
/// and symbols around it are taken away.
fn between_letters(text: &str) -> &str {
    let from = text.find(char::is_alphabetic).unwrap_or(text.len());
    let to = text
        .char_indices()
        .rfind(|(_, c)| c.is_alphabetic())
        .map_or(from, |(i, c)| i + c.len_utf8());
    &text[from..to.max(from)]
}

/// Whether `form`, less up to [`DECORATION`] characters at its ends, is listed.
fn decorated_common(form: &str) -> bool {
    let chars: Vec<char> = form.chars().collect();
    let n = chars.len();
    (0..=DECORATION).any(|before| {
        (0..=DECORATION - before).any(|after| {
            before + after + MIN_CORE <= n
                && COMMON.contains(&chars[before..n - after].iter().collect::<String>())
        })
    })
}

/// The letters that digits and symbols commonly stand for.
fn unleet(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '@' | '4' => 'a',
            '3' => 'e',
            '1' | '!' => 'i',
            '0' => 'o',
            '$' | '5' => 's',
            '7' => 't',
            other => other,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_is_read_whole() {
        // Openwall's 3,546 are 3,411 once those differing only in case are one; and ours.
        assert!(COMMON.len() > 3_400, "{}", COMMON.len());
        assert!(COMMON.contains("password"));
        assert!(COMMON.contains("woaini1314"));
        assert!(!COMMON.iter().any(|p| p.starts_with("#!comment")));
    }

    #[test]
    fn listed_passwords_and_their_decorations_are_common() {
        for weak in [
            "password",
            "Password12",
            "PASSWORD123",
            "1234567890a",
            "x1234567890",
            "P@ssw0rd99",
            "P@ssw0rd2024",
            "sunshine2024!",
            "2024-Sunshine!!",
            "qwertyuiop1",
            "Woaini1314!",
        ] {
            assert!(is_common(weak), "{weak}");
        }
        for good in [
            "Lanbai-2020",
            "Correct-Horse-9",
            "Baiyin-2025x",
            "Gansu#Park7x",
            "Gansu-Zone#2026",
            "Yanta-Shuju#2026",
            "Report-2025-e2e!",
            "Lanbai-2015-e2e!",
        ] {
            assert!(!is_common(good), "{good}");
        }
    }
}
