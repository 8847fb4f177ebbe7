//! Messages about files: why one could not be read (its size over a limit included), and
//! how many problems it has when only the first of them are listed.

use innozone_exchange::{ReadError, megabytes};

use crate::{Lang, Localize};

/// A count with thousands separated, as both languages write long numbers in tables:
/// `1,760,000`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The message of `key` with `%{count}` the number of problems found in all, followed,
/// when only the first `shown` of `total` are listed, by a note saying so.
pub fn issue_count(lang: Lang, key: &str, shown: usize, total: usize) -> String {
    let message = lang.t_with(key, &[("count", thousands(total as u64))]);
    if shown >= total {
        return message;
    }
    let note = lang.t_with(
        "issues.shown_first",
        &[
            ("shown", thousands(shown as u64)),
            ("total", thousands(total as u64)),
        ],
    );
    format!("{message}{note}")
}

fn place(lang: Lang, sheet: &Option<String>) -> String {
    match sheet {
        Some(sheet) => lang.t_with("read.the_sheet", &[("sheet", sheet.clone())]),
        None => lang.t("read.the_file"),
    }
}

impl Localize for ReadError {
    fn localize(&self, lang: Lang) -> String {
        match self {
            ReadError::EmptyFile { file } => lang.t_with("read.empty", &[("file", file.clone())]),
            ReadError::NoData { file, sheet } => lang.t_with(
                "read.no_data",
                &[("file", file.clone()), ("place", place(lang, sheet))],
            ),
            ReadError::NotXlsx { file, reason } => lang.t_with(
                "read.not_xlsx",
                &[("file", file.clone()), ("reason", reason.clone())],
            ),
            ReadError::PasswordProtected { file } => {
                lang.t_with("read.password", &[("file", file.clone())])
            }
            ReadError::Corrupt { file, reason } => lang.t_with(
                "read.corrupt",
                &[("file", file.clone()), ("reason", reason.clone())],
            ),
            ReadError::SheetNotFound {
                file,
                sheet,
                available,
            } => lang.t_with(
                "read.no_sheet",
                &[
                    ("file", file.clone()),
                    ("sheet", sheet.clone()),
                    (
                        "available",
                        available
                            .iter()
                            .map(|s| lang.t_with("read.quoted", &[("name", s.clone())]))
                            .collect::<Vec<_>>()
                            .join(&lang.t("read.list_separator")),
                    ),
                ],
            ),
            ReadError::ErrorCells { file, cells } => {
                // The first few: enough to find them, without a message of a thousand
                // lines when a whole column of formulas is broken.
                const SHOWN: usize = 10;
                let mut listed = cells
                    .iter()
                    .take(SHOWN)
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(&lang.t("read.list_separator"));
                if cells.len() > SHOWN {
                    listed.push_str(&lang.t_with(
                        "read.and_more",
                        &[("count", thousands((cells.len() - SHOWN) as u64))],
                    ));
                }
                lang.t_with(
                    "read.error_cells",
                    &[
                        ("file", file.clone()),
                        ("count", thousands(cells.len() as u64)),
                        ("cells", listed),
                    ],
                )
            }
            ReadError::Undecodable {
                file,
                line,
                encoding,
            } => lang.t_with(
                "read.undecodable",
                &[
                    ("file", file.clone()),
                    ("line", line.to_string()),
                    ("encoding", encoding.to_string()),
                ],
            ),
            ReadError::Unpacked { file, limit } => lang.t_with(
                "read.unpacked",
                &[("file", file.clone()), ("limit", megabytes(*limit))],
            ),
            ReadError::TooManyRows { file, sheet, limit } => lang.t_with(
                "read.too_many_rows",
                &[
                    ("file", file.clone()),
                    ("place", place(lang, sheet)),
                    ("limit", thousands(*limit as u64)),
                ],
            ),
            ReadError::TooManyCells { file, sheet, limit } => lang.t_with(
                "read.too_many_cells",
                &[
                    ("file", file.clone()),
                    ("place", place(lang, sheet)),
                    ("limit", thousands(*limit as u64)),
                ],
            ),
            ReadError::TooMuchText { file, sheet, limit } => lang.t_with(
                "read.too_much_text",
                &[
                    ("file", file.clone()),
                    ("place", place(lang, sheet)),
                    ("limit", megabytes(*limit)),
                ],
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_are_separated() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000), "1,000");
        assert_eq!(thousands(1_760_000), "1,760,000");
    }

    #[test]
    fn a_capped_list_says_how_many_there_are() {
        assert_eq!(
            issue_count(Lang::En, "error.import", 1_000, 1_760_000),
            "1,760,000 problem(s) found; nothing was changed. \
             Showing the first 1,000 of 1,760,000 problems."
        );
        assert_eq!(
            issue_count(Lang::En, "error.import", 3, 3),
            "3 problem(s) found; nothing was changed."
        );
        assert!(issue_count(Lang::ZhCn, "error.import", 1_000, 2_000).contains("前 1,000 个"));
    }

    #[test]
    fn limits_are_named_in_both_languages() {
        let e = ReadError::TooManyRows {
            file: "企业.csv".into(),
            sheet: None,
            limit: 300_000,
        };
        assert_eq!(
            e.localize(Lang::En),
            "企业.csv: the file has more than 300,000 rows, the most read at once; split it into smaller files."
        );
        assert!(e.localize(Lang::ZhCn).contains("300,000 行"));
        let e = ReadError::Unpacked {
            file: "炸弹.xlsx".into(),
            limit: 128 * 1024 * 1024,
        };
        assert!(
            e.localize(Lang::ZhCn).contains("128 MB"),
            "{}",
            e.localize(Lang::ZhCn)
        );
    }
}
