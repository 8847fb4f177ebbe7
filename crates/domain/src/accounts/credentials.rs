use std::fmt;

use serde::{Deserialize, Serialize};

/// A log-in name: 3 to 40 characters of letters, digits and `. _ - @`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Username(String);

impl Username {
    pub fn parse(input: &str) -> Result<Self, CredentialError> {
        let name = input.trim();
        let n = name.chars().count();
        if !(3..=40).contains(&n) {
            return Err(CredentialError::UsernameLength { found: n });
        }
        if let Some(c) = name
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@')))
        {
            return Err(CredentialError::UsernameCharacter { character: c });
        }
        Ok(Username(name.to_lowercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Username {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Username {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Username::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// A new password that meets the policy for its account: at least 10 characters, not all
/// of one kind, not containing the user name, and not a common password (nor one with a
/// few characters or digits added to it: the list and the rule are in
/// `accounts::common_passwords`). Its `Debug` never shows the secret.
#[derive(Clone)]
pub struct Password(String);

impl Password {
    pub const MIN_LENGTH: usize = 10;

    /// The password `input` for the account `username`, if it meets the policy.
    pub fn parse(input: &str, username: &Username) -> Result<Self, CredentialError> {
        let n = input.chars().count();
        if n < Self::MIN_LENGTH {
            return Err(CredentialError::PasswordTooShort {
                min: Self::MIN_LENGTH,
                found: n,
            });
        }
        let classes = [
            input.chars().any(|c| c.is_ascii_lowercase()),
            input.chars().any(|c| c.is_ascii_uppercase()),
            input.chars().any(|c| c.is_ascii_digit()),
            input.chars().any(|c| !c.is_ascii_alphanumeric()),
        ]
        .iter()
        .filter(|x| **x)
        .count();
        if classes < 2 {
            return Err(CredentialError::PasswordTooSimple);
        }
        if contains_name(input, username) {
            return Err(CredentialError::PasswordContainsUsername);
        }
        if super::common_passwords::is_common(input) {
            return Err(CredentialError::PasswordCommon);
        }
        Ok(Password(input.to_string()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// Whether the password holds the user name, in any case and also without the name's
/// separators (`zhang.wei` in `ZhangWei-2025`).
fn contains_name(password: &str, username: &Username) -> bool {
    let letters = |s: &str| -> String {
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect()
    };
    let lower = password.to_lowercase();
    let bare = letters(username.as_str());
    lower.contains(username.as_str())
        || (bare.chars().count() >= 3 && letters(password).contains(&bare))
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(***)")
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CredentialError {
    #[error("a user name has 3 to 40 characters, found {found}")]
    UsernameLength { found: usize },
    #[error("'{character}' is not allowed in a user name")]
    UsernameCharacter { character: char },
    #[error("a password needs at least {min} characters, found {found}")]
    PasswordTooShort { min: usize, found: usize },
    #[error("a password needs at least two of: lower case, upper case, digits, symbols")]
    PasswordTooSimple,
    #[error("the password is a common one, or a common one with a few characters added")]
    PasswordCommon,
    #[error("a password must not contain the user name")]
    PasswordContainsUsername,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames() {
        assert_eq!(
            Username::parse(" Park.Admin ").unwrap().as_str(),
            "park.admin"
        );
        assert_eq!(
            Username::parse("ab"),
            Err(CredentialError::UsernameLength { found: 2 })
        );
        assert_eq!(
            Username::parse("张三丰"),
            Err(CredentialError::UsernameCharacter { character: '张' })
        );
    }

    #[test]
    fn passwords() {
        let name = Username::parse("zhang.wei").unwrap();
        assert!(Password::parse("lanbai-2020", &name).is_ok());
        assert!(Password::parse("Correct-Horse-9", &name).is_ok());
        assert_eq!(
            Password::parse("short1", &name).unwrap_err(),
            CredentialError::PasswordTooShort { min: 10, found: 6 }
        );
        assert_eq!(
            Password::parse("aaaaaaaaaaaa", &name).unwrap_err(),
            CredentialError::PasswordTooSimple
        );
        assert_eq!(
            format!("{:?}", Password::parse("lanbai-2020", &name).unwrap()),
            "Password(***)"
        );
    }

    #[test]
    fn common_passwords_are_refused() {
        let name = Username::parse("zhang.wei").unwrap();
        // The two the hardening issue found accepted, and their kin.
        for weak in [
            "Password12",
            "1234567890a",
            "P@ssw0rd2024",
            "Qwertyuiop1",
            "Sunshine2024!",
            "woaini1314!",
        ] {
            assert_eq!(
                Password::parse(weak, &name).unwrap_err(),
                CredentialError::PasswordCommon,
                "{weak}"
            );
        }
    }

    #[test]
    fn a_password_may_not_hold_the_user_name() {
        let name = Username::parse("zhang.wei").unwrap();
        for holding in ["zhang.wei-2025", "My-Zhang.Wei-9", "ZhangWei#2025"] {
            assert_eq!(
                Password::parse(holding, &name).unwrap_err(),
                CredentialError::PasswordContainsUsername,
                "{holding}"
            );
        }
        let other = Username::parse("li.na").unwrap();
        assert!(Password::parse("ZhangWei#2025", &other).is_ok());
    }
}
