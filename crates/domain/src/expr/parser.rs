//! A precedence-climbing parser. Lowest to highest binding: `or`, `and`, `not`,
//! comparisons (which do not chain), `+ -`, `* /`, unary minus, calls and atoms.

use super::ast::{BinaryOp, Expr, ExprKind};
use super::error::{ExprError, ExprErrorKind};
use super::lexer::{Token, tokenize};
use super::span::Span;

pub fn parse(source: &str) -> Result<Expr, ExprError> {
    let tokens = tokenize(source)?;
    if tokens.is_empty() {
        return Err(ExprError::new(
            ExprErrorKind::Empty,
            Span::new(0, source.len()),
        ));
    }
    let mut parser = Parser {
        tokens,
        position: 0,
        end: source.len(),
    };
    let expr = parser.or()?;
    if let Some((token, span)) = parser.tokens.get(parser.position) {
        return Err(ExprError::new(
            ExprErrorKind::UnexpectedToken {
                found: token.describe(),
                expected: "end",
            },
            *span,
        ));
    }
    Ok(expr)
}

struct Parser {
    tokens: Vec<(Token, Span)>,
    position: usize,
    end: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.position).map(|(t, _)| t)
    }

    fn advance(&mut self) -> Option<(Token, Span)> {
        let next = self.tokens.get(self.position).cloned();
        self.position += 1;
        next
    }

    fn end_span(&self) -> Span {
        Span::new(self.end, self.end)
    }

    fn or(&mut self) -> Result<Expr, ExprError> {
        let mut left = self.and()?;
        while self.peek() == Some(&Token::Or) {
            self.advance();
            let right = self.and()?;
            left = binary(BinaryOp::Or, left, right);
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Expr, ExprError> {
        let mut left = self.not()?;
        while self.peek() == Some(&Token::And) {
            self.advance();
            let right = self.not()?;
            left = binary(BinaryOp::And, left, right);
        }
        Ok(left)
    }

    fn not(&mut self) -> Result<Expr, ExprError> {
        if self.peek() == Some(&Token::Not) {
            let (_, span) = self.advance().expect("peeked");
            let inner = self.not()?;
            let span = span.to(inner.span);
            return Ok(Expr {
                kind: ExprKind::Not(Box::new(inner)),
                span,
            });
        }
        self.comparison()
    }

    fn comparison(&mut self) -> Result<Expr, ExprError> {
        let left = self.additive()?;
        let op = match self.peek() {
            Some(Token::Less) => BinaryOp::Less,
            Some(Token::LessEqual) => BinaryOp::LessEqual,
            Some(Token::Greater) => BinaryOp::Greater,
            Some(Token::GreaterEqual) => BinaryOp::GreaterEqual,
            Some(Token::Equal) => BinaryOp::Equal,
            Some(Token::NotEqual) => BinaryOp::NotEqual,
            _ => return Ok(left),
        };
        self.advance();
        let right = self.additive()?;
        // `a < b < c` reads well on paper but means nothing here: say so where it starts.
        if let Some((token, span)) = self.tokens.get(self.position)
            && matches!(
                token,
                Token::Less
                    | Token::LessEqual
                    | Token::Greater
                    | Token::GreaterEqual
                    | Token::Equal
                    | Token::NotEqual
            )
        {
            return Err(ExprError::new(ExprErrorKind::ChainedComparison, *span));
        }
        Ok(binary(op, left, right))
    }

    fn additive(&mut self) -> Result<Expr, ExprError> {
        let mut left = self.multiplicative()?;
        loop {
            let op = match self.peek() {
                Some(Token::Plus) => BinaryOp::Add,
                Some(Token::Minus) => BinaryOp::Subtract,
                _ => return Ok(left),
            };
            self.advance();
            let right = self.multiplicative()?;
            left = binary(op, left, right);
        }
    }

    fn multiplicative(&mut self) -> Result<Expr, ExprError> {
        let mut left = self.unary()?;
        loop {
            let op = match self.peek() {
                Some(Token::Star) => BinaryOp::Multiply,
                Some(Token::Slash) => BinaryOp::Divide,
                _ => return Ok(left),
            };
            self.advance();
            let right = self.unary()?;
            left = binary(op, left, right);
        }
    }

    fn unary(&mut self) -> Result<Expr, ExprError> {
        match self.peek() {
            Some(Token::Minus) => {
                let (_, span) = self.advance().expect("peeked");
                let inner = self.unary()?;
                let span = span.to(inner.span);
                Ok(Expr {
                    kind: ExprKind::Negate(Box::new(inner)),
                    span,
                })
            }
            Some(Token::Plus) => {
                self.advance();
                self.unary()
            }
            _ => self.primary(),
        }
    }

    fn primary(&mut self) -> Result<Expr, ExprError> {
        let Some((token, span)) = self.advance() else {
            return Err(ExprError::new(
                ExprErrorKind::UnexpectedEnd,
                self.end_span(),
            ));
        };
        match token {
            Token::Number(n) => Ok(Expr {
                kind: ExprKind::Number(n),
                span,
            }),
            Token::Text(t) => Ok(Expr {
                kind: ExprKind::Text(t),
                span,
            }),
            Token::Name(name) => {
                if self.peek() != Some(&Token::LeftParen) {
                    return Ok(Expr {
                        kind: ExprKind::Name(name),
                        span,
                    });
                }
                self.advance();
                let mut args = Vec::new();
                if self.peek() == Some(&Token::RightParen) {
                    let (_, close) = self.advance().expect("peeked");
                    return Ok(call(name, span, args, close));
                }
                loop {
                    args.push(self.or()?);
                    match self.advance() {
                        Some((Token::Comma, _)) => continue,
                        Some((Token::RightParen, close)) => {
                            return Ok(call(name, span, args, close));
                        }
                        Some((found, at)) => {
                            return Err(ExprError::new(
                                ExprErrorKind::UnexpectedToken {
                                    found: found.describe(),
                                    expected: "comma_or_close",
                                },
                                at,
                            ));
                        }
                        None => {
                            return Err(ExprError::new(ExprErrorKind::UnclosedParenthesis, span));
                        }
                    }
                }
            }
            Token::LeftParen => {
                let inner = self.or()?;
                match self.advance() {
                    Some((Token::RightParen, close)) => Ok(Expr {
                        kind: inner.kind,
                        span: span.to(close),
                    }),
                    Some((found, at)) => Err(ExprError::new(
                        ExprErrorKind::UnexpectedToken {
                            found: found.describe(),
                            expected: "close",
                        },
                        at,
                    )),
                    None => Err(ExprError::new(ExprErrorKind::UnclosedParenthesis, span)),
                }
            }
            other => Err(ExprError::new(
                ExprErrorKind::UnexpectedToken {
                    found: other.describe(),
                    expected: "operand",
                },
                span,
            )),
        }
    }
}

fn binary(op: BinaryOp, left: Expr, right: Expr) -> Expr {
    let span = left.span.to(right.span);
    Expr {
        kind: ExprKind::Binary {
            op,
            left: Box::new(left),
            right: Box::new(right),
        },
        span,
    }
}

fn call(name: String, name_span: Span, args: Vec<Expr>, close: Span) -> Expr {
    Expr {
        kind: ExprKind::Call {
            name,
            name_span,
            args,
        },
        span: name_span.to(close),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Writes the tree back with every operation parenthesised, to check precedence.
    fn shape(e: &Expr) -> String {
        match &e.kind {
            ExprKind::Number(n) => n.to_string(),
            ExprKind::Text(t) => format!("'{t}'"),
            ExprKind::Name(n) => n.clone(),
            ExprKind::Call { name, args, .. } => {
                format!(
                    "{name}({})",
                    args.iter().map(shape).collect::<Vec<_>>().join(", ")
                )
            }
            ExprKind::Negate(e) => format!("(-{})", shape(e)),
            ExprKind::Not(e) => format!("(not {})", shape(e)),
            ExprKind::Binary { op, left, right } => {
                let symbol = match op {
                    BinaryOp::Add => "+",
                    BinaryOp::Subtract => "-",
                    BinaryOp::Multiply => "*",
                    BinaryOp::Divide => "/",
                    BinaryOp::Less => "<",
                    BinaryOp::LessEqual => "<=",
                    BinaryOp::Greater => ">",
                    BinaryOp::GreaterEqual => ">=",
                    BinaryOp::Equal => "==",
                    BinaryOp::NotEqual => "!=",
                    BinaryOp::And => "and",
                    BinaryOp::Or => "or",
                };
                format!("({} {symbol} {})", shape(left), shape(right))
            }
        }
    }

    fn parsed(source: &str) -> String {
        shape(&parse(source).unwrap())
    }

    #[test]
    fn precedence_follows_arithmetic_then_comparison_then_logic() {
        assert_eq!(parsed("a + b * c - d"), "((a + (b * c)) - d)");
        assert_eq!(parsed("a - b - c"), "((a - b) - c)");
        assert_eq!(parsed("a / b / c"), "((a / b) / c)");
        assert_eq!(parsed("-a * b"), "((-a) * b)");
        assert_eq!(
            parsed("a > 0 and not b <= c or d == 1"),
            "(((a > 0) and (not (b <= c))) or (d == 1))"
        );
        assert_eq!(parsed("(a + b) * c"), "((a + b) * c)");
        assert_eq!(
            parsed("abs(revenue / prev_year(revenue) - 1) <= 0.5"),
            "(abs(((revenue / prev_year(revenue)) - 1)) <= 0.5)"
        );
        assert_eq!(parsed("max(a, b, 3)"), "max(a, b, 3)");
    }

    #[test]
    fn spans_cover_the_whole_operation() {
        let e = parse("  a + b ").unwrap();
        assert_eq!(e.span, Span::new(2, 7));
        let e = parse("f(x)").unwrap();
        assert_eq!(e.span, Span::new(0, 4));
    }

    #[test]
    fn errors_point_at_the_offending_token() {
        let err = parse("a + * b").unwrap_err();
        assert_eq!(err.span, Span::new(4, 5));
        assert!(matches!(
            err.kind,
            ExprErrorKind::UnexpectedToken {
                expected: "operand",
                ..
            }
        ));

        let err = parse("a +").unwrap_err();
        assert_eq!(err.kind, ExprErrorKind::UnexpectedEnd);
        assert_eq!(err.span, Span::new(3, 3));

        let err = parse("(a + b").unwrap_err();
        assert_eq!(err.kind, ExprErrorKind::UnclosedParenthesis);
        assert_eq!(err.span, Span::new(0, 1));

        let err = parse("a b").unwrap_err();
        assert_eq!(err.span, Span::new(2, 3));

        let err = parse("0 < a < 5").unwrap_err();
        assert_eq!(err.kind, ExprErrorKind::ChainedComparison);
        assert_eq!(err.span, Span::new(6, 7));

        assert_eq!(parse("   ").unwrap_err().kind, ExprErrorKind::Empty);
        let err = parse("min(a b)").unwrap_err();
        assert_eq!(err.span, Span::new(6, 7));
    }

    #[test]
    fn names_are_listed_once_in_order() {
        let e = parse("b + a * b + f(c)").unwrap();
        assert_eq!(e.names(), vec!["b", "a", "c"]);
    }
}
