//! Organisation codes (组织机构代码, GB 11714-1997), the nine characters 9 to 17 of a
//! unified social credit code, generated unique from a serial number.
//!
//! Eight body characters and a check character C9 = 11 − (Σ Ci·Wi mod 11) with the weights
//! 3, 7, 9, 10, 5, 8, 4, 2, where a digit counts as itself and a letter A–Z as 10–35;
//! C9 = 10 is written 'X' and C9 = 11 is written '0'.

const WEIGHTS: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];

/// The characters a credit code may contain (GB 32100-2015: no I, O, S, V, Z), used for the
/// body of codes issued since the 2015 reform ("MA…").
const CREDIT_ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

/// How many distinct eight-digit bodies there are, and the multiplier that permutes them:
/// it is odd and not a multiple of 5, so coprime with 10⁸ and the map n ↦ n·A + B mod 10⁸
/// is a bijection. Consecutive serials thus give distinct codes that do not look consecutive.
const DIGIT_SPACE: u64 = 100_000_000;
const DIGIT_MULTIPLIER: u64 = 73_939_133;
const DIGIT_OFFSET: u64 = 31_415_926;

/// The same for the six characters after "MA": 31⁶ bodies, multiplier not a multiple of 31.
const NEW_SPACE: u64 = 31u64.pow(6);
const NEW_MULTIPLIER: u64 = 387_420_489;
const NEW_OFFSET: u64 = 271_828_182;

/// How many serial numbers give distinct codes of either style.
pub const SERIALS: u64 = DIGIT_SPACE;

fn value(byte: u8) -> Option<u32> {
    match byte {
        b'0'..=b'9' => Some(u32::from(byte - b'0')),
        b'A'..=b'Z' => Some(u32::from(byte - b'A') + 10),
        _ => None,
    }
}

/// The check character of an eight-character body of digits and capital letters.
pub fn check_character(body: &[u8]) -> Option<char> {
    if body.len() != 8 {
        return None;
    }
    let mut sum = 0;
    for (byte, weight) in body.iter().zip(WEIGHTS) {
        sum += value(*byte)? * weight;
    }
    Some(match 11 - sum % 11 {
        10 => 'X',
        11 => '0',
        c => char::from(b'0' + c as u8),
    })
}

/// Whether a nine-character organisation code carries the right check character.
pub fn is_valid(code: &str) -> bool {
    let bytes = code.as_bytes();
    bytes.len() == 9 && check_character(&bytes[..8]).is_some_and(|c| c as u8 == bytes[8])
}

/// The organisation code for `serial`, unique per serial within each style. `new_style`
/// gives the "MA" + six characters form that registrations since the 2015 reform carry;
/// otherwise eight digits as before. The two styles never collide (one starts with letters).
pub fn organisation_code(serial: u64, new_style: bool) -> String {
    assert!(
        serial < SERIALS,
        "organisation code serial {serial} out of range"
    );
    let mut body = [0u8; 8];
    if new_style {
        let mut n = (serial % NEW_SPACE * NEW_MULTIPLIER + NEW_OFFSET) % NEW_SPACE;
        body[0] = b'M';
        body[1] = b'A';
        for slot in body[2..].iter_mut().rev() {
            *slot = CREDIT_ALPHABET[(n % 31) as usize];
            n /= 31;
        }
    } else {
        let mut n = (serial * DIGIT_MULTIPLIER + DIGIT_OFFSET) % DIGIT_SPACE;
        for slot in body.iter_mut().rev() {
            *slot = b'0' + (n % 10) as u8;
            n /= 10;
        }
    }
    let check = check_character(&body).expect("body made of digits and capital letters");
    let mut code = String::with_capacity(9);
    code.push_str(std::str::from_utf8(&body).expect("ASCII"));
    code.push(check);
    code
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn published_codes_check() {
        // Huawei Technologies, 914403001922038216: organisation code 19220382-1.
        // 1·3 + 9·7 + 2·9 + 2·10 + 0·5 + 3·8 + 8·4 + 2·2 = 164; 164 mod 11 = 10; 11 − 10 = 1.
        assert_eq!(check_character(b"19220382"), Some('1'));
        // Tencent, 9144030071526726XG: organisation code 71526726-X.
        // 7·3 + 1·7 + 5·9 + 2·10 + 6·5 + 7·8 + 2·4 + 6·2 = 199; 199 mod 11 = 1; 11 − 1 = 10 → X.
        assert_eq!(check_character(b"71526726"), Some('X'));
        assert!(is_valid("71526726X"));
        assert!(!is_valid("715267261"));
    }

    #[test]
    fn letters_count_from_ten_and_eleven_becomes_zero() {
        // M = 22, A = 10: 22·3 + 10·7 + 1·2 = 138; 138 mod 11 = 6; 11 − 6 = 5.
        assert_eq!(check_character(b"MA000001"), Some('5'));
        // 1·3 + 1·7 + 1·9 + 1·10 + 1·5 + 1·8 + 1·4 + 0·2 = 46; 46 mod 11 = 2; 11 − 2 = 9.
        assert_eq!(check_character(b"11111110"), Some('9'));
        // 00000000: sum 0, 11 − 0 = 11 → '0'.
        assert_eq!(check_character(b"00000000"), Some('0'));
        assert_eq!(check_character(b"0000000"), None);
        assert_eq!(check_character(b"0000000a"), None);
    }

    #[test]
    fn serials_give_distinct_valid_codes_in_both_styles() {
        let mut seen = HashSet::new();
        for serial in 0..20_000 {
            for new_style in [false, true] {
                let code = organisation_code(serial, new_style);
                assert!(is_valid(&code), "{code}");
                assert!(code.bytes().all(|b| CREDIT_ALPHABET.contains(&b)), "{code}");
                assert_eq!(code.starts_with("MA"), new_style);
                assert!(seen.insert(code), "duplicate for serial {serial}");
            }
        }
    }
}
