//! Splits a formula into tokens. Besides ASCII operators it accepts the ones a Chinese
//! keyboard types (≤ ≥ ≠, full-width parentheses and comma), since formulas are written
//! by statisticians, not programmers.

use super::error::{ExprError, ExprErrorKind};
use super::span::Span;

#[derive(Debug, Clone, PartialEq)]
pub enum Token {
    Number(f64),
    Text(String),
    Name(String),
    Plus,
    Minus,
    Star,
    Slash,
    LeftParen,
    RightParen,
    Comma,
    Less,
    LessEqual,
    Greater,
    GreaterEqual,
    Equal,
    NotEqual,
    And,
    Or,
    Not,
}

impl Token {
    /// How the token is written, for "expected …, found …" messages.
    pub fn describe(&self) -> String {
        match self {
            Token::Number(n) => n.to_string(),
            Token::Text(t) => format!("\"{t}\""),
            Token::Name(n) => n.clone(),
            Token::Plus => "+".into(),
            Token::Minus => "-".into(),
            Token::Star => "*".into(),
            Token::Slash => "/".into(),
            Token::LeftParen => "(".into(),
            Token::RightParen => ")".into(),
            Token::Comma => ",".into(),
            Token::Less => "<".into(),
            Token::LessEqual => "<=".into(),
            Token::Greater => ">".into(),
            Token::GreaterEqual => ">=".into(),
            Token::Equal => "==".into(),
            Token::NotEqual => "!=".into(),
            Token::And => "and".into(),
            Token::Or => "or".into(),
            Token::Not => "not".into(),
        }
    }
}

pub fn tokenize(source: &str) -> Result<Vec<(Token, Span)>, ExprError> {
    let mut tokens = Vec::new();
    let mut chars = source.char_indices().peekable();
    while let Some(&(start, c)) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        let single = |t: Token| (t, Span::new(start, start + c.len_utf8()));
        let token = match c {
            '0'..='9' | '.' => {
                let mut end = start;
                let mut seen_exponent = false;
                while let Some(&(i, d)) = chars.peek() {
                    let continues = d.is_ascii_digit()
                        || d == '.'
                        || d == '_'
                        || (!seen_exponent && (d == 'e' || d == 'E'))
                        || (seen_exponent
                            && (d == '+' || d == '-')
                            && matches!(source[..i].chars().last(), Some('e' | 'E')));
                    if !continues {
                        break;
                    }
                    if d == 'e' || d == 'E' {
                        seen_exponent = true;
                    }
                    end = i + d.len_utf8();
                    chars.next();
                }
                let span = Span::new(start, end);
                let text: String = span.text(source).chars().filter(|&c| c != '_').collect();
                let value: f64 = text
                    .parse()
                    .map_err(|_| ExprError::new(ExprErrorKind::BadNumber(text.clone()), span))?;
                tokens.push((Token::Number(value), span));
                continue;
            }
            '"' | '\'' | '“' | '‘' => {
                let close = match c {
                    '“' => '”',
                    '‘' => '’',
                    other => other,
                };
                chars.next();
                let mut text = String::new();
                let mut end = None;
                for (i, d) in chars.by_ref() {
                    if d == close {
                        end = Some(i + d.len_utf8());
                        break;
                    }
                    text.push(d);
                }
                let Some(end) = end else {
                    return Err(ExprError::new(
                        ExprErrorKind::UnterminatedText,
                        Span::new(start, source.len()),
                    ));
                };
                tokens.push((Token::Text(text), Span::new(start, end)));
                continue;
            }
            c if c.is_alphabetic() || c == '_' => {
                let mut end = start;
                while let Some(&(i, d)) = chars.peek() {
                    if !(d.is_alphanumeric() || d == '_') {
                        break;
                    }
                    end = i + d.len_utf8();
                    chars.next();
                }
                let span = Span::new(start, end);
                let word = span.text(source);
                let token = match word.to_ascii_lowercase().as_str() {
                    "and" => Token::And,
                    "or" => Token::Or,
                    "not" => Token::Not,
                    _ => Token::Name(word.to_string()),
                };
                tokens.push((token, span));
                continue;
            }
            '+' => single(Token::Plus),
            '-' | '−' => single(Token::Minus),
            '*' | '×' => single(Token::Star),
            '/' | '÷' => single(Token::Slash),
            '(' | '（' => single(Token::LeftParen),
            ')' | '）' => single(Token::RightParen),
            ',' | '，' => single(Token::Comma),
            '≤' => single(Token::LessEqual),
            '≥' => single(Token::GreaterEqual),
            '≠' => single(Token::NotEqual),
            '<' | '>' | '=' | '!' | '&' | '|' => {
                chars.next();
                let next = chars.peek().map(|&(_, d)| d);
                let (token, len) = match (c, next) {
                    ('<', Some('=')) => (Token::LessEqual, 2),
                    ('<', Some('>')) => (Token::NotEqual, 2),
                    ('<', _) => (Token::Less, 1),
                    ('>', Some('=')) => (Token::GreaterEqual, 2),
                    ('>', _) => (Token::Greater, 1),
                    ('=', Some('=')) => (Token::Equal, 2),
                    ('=', _) => (Token::Equal, 1),
                    ('!', Some('=')) => (Token::NotEqual, 2),
                    ('!', _) => (Token::Not, 1),
                    ('&', Some('&')) => (Token::And, 2),
                    ('|', Some('|')) => (Token::Or, 2),
                    _ => {
                        return Err(ExprError::new(
                            ExprErrorKind::UnexpectedCharacter(c),
                            Span::new(start, start + 1),
                        ));
                    }
                };
                if len == 2 {
                    chars.next();
                }
                tokens.push((token, Span::new(start, start + len)));
                continue;
            }
            other => {
                return Err(ExprError::new(
                    ExprErrorKind::UnexpectedCharacter(other),
                    Span::new(start, start + other.len_utf8()),
                ));
            }
        };
        chars.next();
        tokens.push(token);
    }
    Ok(tokens)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(source: &str) -> Vec<Token> {
        tokenize(source)
            .unwrap()
            .into_iter()
            .map(|(t, _)| t)
            .collect()
    }

    #[test]
    fn reads_numbers_names_and_operators() {
        assert_eq!(
            kinds("rd_staff <= employees*0.5"),
            vec![
                Token::Name("rd_staff".into()),
                Token::LessEqual,
                Token::Name("employees".into()),
                Token::Star,
                Token::Number(0.5),
            ]
        );
        assert_eq!(
            kinds("1e3 2.5E-2 1_000"),
            vec![
                Token::Number(1000.0),
                Token::Number(0.025),
                Token::Number(1000.0)
            ]
        );
    }

    #[test]
    fn accepts_what_a_chinese_keyboard_types() {
        assert_eq!(
            kinds("a ≤ b，（c）≠ d"),
            vec![
                Token::Name("a".into()),
                Token::LessEqual,
                Token::Name("b".into()),
                Token::Comma,
                Token::LeftParen,
                Token::Name("c".into()),
                Token::RightParen,
                Token::NotEqual,
                Token::Name("d".into()),
            ]
        );
        assert_eq!(kinds("“C39”"), vec![Token::Text("C39".into())]);
    }

    #[test]
    fn locates_a_stray_character() {
        let err = tokenize("a + # b").unwrap_err();
        assert_eq!(err.kind, ExprErrorKind::UnexpectedCharacter('#'));
        assert_eq!(err.span, Span::new(4, 5));
        let err = tokenize("a == 'open").unwrap_err();
        assert_eq!(err.kind, ExprErrorKind::UnterminatedText);
        assert_eq!(err.span.start, 5);
    }
}
