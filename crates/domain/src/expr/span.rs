use serde::{Deserialize, Serialize};

/// A stretch of a formula's text, in byte offsets, so that an error can point at the
/// exact place that is wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }

    pub fn to(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }

    /// Line and column (both from 1, in characters, not bytes: formulas may hold Chinese)
    /// of the span's start in `source`.
    pub fn line_column(self, source: &str) -> (usize, usize) {
        let upto = &source[..self.start.min(source.len())];
        let line = upto.matches('\n').count() + 1;
        let line_start = upto.rfind('\n').map_or(0, |i| i + 1);
        let column = upto[line_start..].chars().count() + 1;
        (line, column)
    }

    /// The text the span covers.
    pub fn text(self, source: &str) -> &str {
        source
            .get(self.start..self.end.min(source.len()))
            .unwrap_or("")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_characters_not_bytes() {
        let source = "研发 + x";
        // "研发 " is 7 bytes but 3 characters; `+` is the 4th character.
        assert_eq!(Span::new(7, 8).line_column(source), (1, 4));
        assert_eq!(Span::new(0, 1).line_column("a\nbc"), (1, 1));
        assert_eq!(Span::new(3, 4).line_column("a\nbc"), (2, 2));
    }
}
