//! Import templates: a workbook with the header row an import expects, an example row, and
//! a sheet that explains each column.

use std::collections::HashSet;

use innozone_domain::registry::import::{ColumnSpec, parse_date};
use rust_xlsxwriter::{
    Color, DataValidation, DataValidationErrorStyle, Format, IgnoreError, Workbook, Worksheet,
};

use crate::width::display_width;
use crate::write::{Formats, MAX_COLUMNS, Value, WriteError, add_sheet, write_value};

/// The name of the sheet that explains the columns.
pub const NOTES_SHEET: &str = "说明";

const RED: Color = Color::RGB(0xC00000);
const GREY: Color = Color::RGB(0x7F7F7F);
/// The last row index of a worksheet (0-based).
const LAST_ROW: u32 = 1_048_575;

/// What a template column holds, which decides how it is formatted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ColumnKind {
    /// Credit codes, unit and industry codes, telephone numbers: identifiers made of
    /// digits that Excel would turn into numbers, dropping leading zeros and, past 15
    /// digits, the last digits.
    Code,
    Date,
    Number,
    /// A yes/no answer, its example 是 or 否: offered as a list of the two, though the
    /// import takes other spellings too (Y/N, 1/0, true/false).
    YesNo,
    Text,
}

impl ColumnKind {
    fn of(spec: &ColumnSpec) -> Self {
        let key = spec.key;
        if key == "code" || key.ends_with("_code") || key.ends_with("_phone") {
            ColumnKind::Code
        } else if matches!(spec.example, "是" | "否") {
            ColumnKind::YesNo
        } else if spec.example.len() == 10
            && spec.example.contains('-')
            && parse_date(spec.example).is_some()
        {
            ColumnKind::Date
        } else if !spec.example.is_empty() && spec.example.parse::<f64>().is_ok_and(f64::is_finite)
        {
            ColumnKind::Number
        } else {
            ColumnKind::Text
        }
    }

    /// The example as the value a user would have typed into such a column.
    fn example(self, spec: &ColumnSpec) -> Value {
        let text = spec.example;
        if text.is_empty() {
            return Value::Empty;
        }
        match self {
            ColumnKind::Date => parse_date(text).map_or_else(|| text.into(), Value::Date),
            ColumnKind::Number => text
                .parse::<f64>()
                .map_or_else(|_| text.into(), Value::Number),
            ColumnKind::Code | ColumnKind::YesNo | ColumnKind::Text => text.into(),
        }
    }
}

/// Makes the import template for `columns`: sheet `sheet_name` with the header row (the
/// headers of required columns in red) and one example row in grey italics, code columns
/// formatted as text down to the last row so that what users type stays text; and a sheet
/// [`NOTES_SHEET`] titled `notes_title` that lists each column. The template as downloaded
/// imports without change.
pub fn template_xlsx(
    sheet_name: &str,
    columns: &[ColumnSpec],
    notes_title: &str,
) -> Result<Vec<u8>, WriteError> {
    if columns.len() > MAX_COLUMNS {
        return Err(WriteError::TooLarge {
            sheet: sheet_name.to_string(),
            rows: 1,
            columns: columns.len(),
        });
    }
    let mut workbook = Workbook::new();
    let formats = Formats::new();
    let mut used = HashSet::new();
    let data = add_sheet(&mut workbook, sheet_name, &mut used)?;
    write_data_sheet(data, columns, &formats)?;
    let notes = add_sheet(&mut workbook, NOTES_SHEET, &mut used)?;
    write_notes_sheet(notes, columns, notes_title, &formats)?;
    Ok(workbook.save_to_buffer()?)
}

fn write_data_sheet(
    sheet: &mut Worksheet,
    columns: &[ColumnSpec],
    formats: &Formats,
) -> Result<(), WriteError> {
    let required_header = formats.header.clone().set_font_color(RED);
    let example = formats.styled(|f| f.set_italic().set_font_color(GREY));
    for (c, spec) in columns.iter().enumerate() {
        let column = c as u16;
        let header = spec.template_header();
        sheet.write_string_with_format(
            0,
            column,
            &header,
            if spec.required {
                &required_header
            } else {
                &formats.header
            },
        )?;
        let kind = ColumnKind::of(spec);
        match kind {
            ColumnKind::Code => {
                sheet.set_column_format(column, &formats.text)?;
                sheet.ignore_error_range(
                    1,
                    column,
                    LAST_ROW,
                    column,
                    IgnoreError::NumberStoredAsText,
                )?;
            }
            ColumnKind::Date => {
                sheet.set_column_format(column, &formats.date)?;
            }
            ColumnKind::YesNo => {
                // A warning, not a stop: the other spellings the import takes stay allowed.
                let choice = DataValidation::new()
                    .allow_list_strings(&["是", "否"])?
                    .set_error_style(DataValidationErrorStyle::Warning)
                    .set_error_message("请填写“是”或“否”。Please answer 是 (yes) or 否 (no).")?;
                sheet.add_data_validation(1, column, LAST_ROW, column, &choice)?;
            }
            ColumnKind::Number | ColumnKind::Text => {}
        }
        write_value(sheet, 1, column, &kind.example(spec), &example)?;
        let width = (display_width(&header) + 4)
            .max(display_width(spec.example) + 2)
            .max(12);
        sheet.set_column_width(column, width as f64)?;
    }
    if !columns.is_empty() {
        sheet.set_freeze_panes(1, 0)?;
    }
    Ok(())
}

fn write_notes_sheet(
    sheet: &mut Worksheet,
    columns: &[ColumnSpec],
    title: &str,
    formats: &Formats,
) -> Result<(), WriteError> {
    sheet.write_string_with_format(0, 0, title, &Format::new().set_bold().set_font_size(14))?;
    let hints = [
        "红色列标题为必填项。Columns with red headers are required.",
        "第 2 行为示例数据，导入前请替换或删除。Row 2 is an example: replace or delete it before importing.",
        "代码和电话列已设为文本格式，请勿改为数值。Code and telephone columns are formatted as text; keep them so.",
        "列标题可以是中文名称、英文名称或括号中的代码。A header may be the Chinese label, the English label or the key in brackets.",
    ];
    let mut hints = hints.to_vec();
    if columns
        .iter()
        .any(|c| ColumnKind::of(c) == ColumnKind::YesNo)
    {
        hints.push(
            "“是否”列填“是”或“否”（也可填 Y/N、1/0、true/false）；留空时，新记录为“是”，已有记录保持不变。\
             A yes/no column takes 是 or 否 (or Y/N, 1/0, true/false); left blank, a new record is yes and a stored one keeps its value.",
        );
    }
    for (i, hint) in hints.iter().enumerate() {
        sheet.write_string(1 + i as u32, 0, *hint)?;
    }
    let top = 1 + hints.len() as u32 + 1;
    let headers = [
        "列标题 Column",
        "是否必填 Required",
        "英文名称 English",
        "示例 Example",
    ];
    for (c, header) in headers.iter().enumerate() {
        sheet.write_string_with_format(top, c as u16, *header, &formats.header)?;
    }
    let required = formats.text.clone().set_font_color(RED).set_bold();
    let mut widths: Vec<usize> = headers.iter().map(|h| display_width(h) + 2).collect();
    for (i, spec) in columns.iter().enumerate() {
        let row = top + 1 + i as u32;
        let cells = [
            spec.template_header(),
            if spec.required {
                "必填 required"
            } else {
                "选填 optional"
            }
            .to_string(),
            spec.label_en.to_string(),
            spec.example.to_string(),
        ];
        for (c, text) in cells.iter().enumerate() {
            let format = if c == 1 && spec.required {
                &required
            } else {
                &formats.text
            };
            if !text.is_empty() {
                sheet.write_string_with_format(row, c as u16, text, format)?;
            }
            widths[c] = widths[c].max(display_width(text) + 2);
        }
    }
    for (c, width) in widths.iter().enumerate() {
        sheet.set_column_width(c as u16, (*width).min(60) as f64)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use innozone_domain::registry::import::{ENTERPRISE_COLUMNS, UNIT_COLUMNS};

    #[test]
    fn columns_are_classified_by_key_and_example() {
        let kinds = |specs: &[ColumnSpec]| {
            specs
                .iter()
                .map(|s| (s.key, ColumnKind::of(s)))
                .collect::<Vec<_>>()
        };
        let units = kinds(&UNIT_COLUMNS);
        assert!(units.contains(&("code", ColumnKind::Code)));
        assert!(units.contains(&("parent_code", ColumnKind::Code)));
        assert!(units.contains(&("member_since", ColumnKind::Date)));
        assert!(units.contains(&("area_km2", ColumnKind::Number)));
        // No example, so nothing to say it is a number: it is left general.
        assert!(units.contains(&("population", ColumnKind::Text)));
        let enterprises = kinds(&ENTERPRISE_COLUMNS);
        assert!(enterprises.contains(&("credit_code", ColumnKind::Code)));
        assert!(enterprises.contains(&("industry_code", ColumnKind::Code)));
        assert!(enterprises.contains(&("contact_phone", ColumnKind::Code)));
        assert!(enterprises.contains(&("located_since", ColumnKind::Date)));
        assert!(enterprises.contains(&("name", ColumnKind::Text)));
        assert!(enterprises.contains(&("in_survey", ColumnKind::YesNo)));
        assert!(!units.iter().any(|(_, k)| *k == ColumnKind::YesNo));
    }
}
