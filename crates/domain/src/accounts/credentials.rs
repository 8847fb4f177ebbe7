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

/// A new password that meets the policy: at least 10 characters, not all of one kind.
/// Its `Debug` never shows the secret.
#[derive(Clone)]
pub struct Password(String);

impl Password {
    pub const MIN_LENGTH: usize = 10;

    pub fn parse(input: &str) -> Result<Self, CredentialError> {
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
        Ok(Password(input.to_string()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
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
        assert!(Password::parse("lanbai-2020").is_ok());
        assert_eq!(
            Password::parse("short1").unwrap_err(),
            CredentialError::PasswordTooShort { min: 10, found: 6 }
        );
        assert_eq!(
            Password::parse("aaaaaaaaaaaa").unwrap_err(),
            CredentialError::PasswordTooSimple
        );
        assert_eq!(
            format!("{:?}", Password::parse("lanbai-2020").unwrap()),
            "Password(***)"
        );
    }
}
