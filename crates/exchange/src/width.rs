//! How wide text looks in a spreadsheet column, for choosing column widths.

/// The width of `text` in Excel's column-width units, which are roughly the width of one
/// digit. Chinese, Japanese and Korean characters and full-width forms take two units, so
/// a column of enterprise names is not cut off at half its length.
pub(crate) fn display_width(text: &str) -> usize {
    text.chars().map(char_width).sum()
}

fn char_width(c: char) -> usize {
    match c as u32 {
        0x1100..=0x115F      // Hangul Jamo
        | 0x2E80..=0x303E    // CJK radicals, punctuation
        | 0x3041..=0x33FF    // kana, bopomofo, CJK compatibility
        | 0x3400..=0x4DBF    // CJK extension A
        | 0x4E00..=0x9FFF    // CJK unified ideographs
        | 0xA000..=0xA4CF    // Yi
        | 0xAC00..=0xD7A3    // Hangul syllables
        | 0xF900..=0xFAFF    // CJK compatibility ideographs
        | 0xFE30..=0xFE4F    // CJK compatibility forms
        | 0xFF00..=0xFF60    // full-width forms
        | 0xFFE0..=0xFFE6
        | 0x20000..=0x3FFFD => 2,
        _ => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_counts_double() {
        assert_eq!(display_width("LB-GX"), 5);
        assert_eq!(display_width("雁滩园区"), 8);
        assert_eq!(display_width("面积(平方公里)"), 14);
        assert_eq!(display_width("（）"), 4);
    }
}
