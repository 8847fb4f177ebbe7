//! Import of units and enterprises from tables: the columns each import expects, the
//! parsing of every row, and the plan of changes checked against what is stored. Every
//! problem in a file is collected with its position, so that the user can mend them all
//! at once; a plan is only made when there are none, and it is applied all or nothing.

use std::collections::HashMap;

use serde::Serialize;
use time::{Date, Month};

use super::credit_code::{CreditCode, CreditCodeError};
use super::enterprise::{
    EnterpriseDraft, EnterpriseError, EnterpriseId, HighTechField, Location, RegistrationType,
    SizeClass, parse_yes_no,
};
use super::hierarchy::{Hierarchy, HierarchyError, Membership};
use super::industry::{IndustryCode, IndustryCodeError};
use super::unit::{SpatialRole, Unit, UnitCode, UnitDraft, UnitError, UnitId, UnitKind};
use crate::accounts::Principal;
use crate::table::{Cell, Position, Row, Table};

/// A column an import expects. A header matches by its key, its Chinese or English label,
/// or a label followed by the key in brackets, as in the templates: `单位代码 (code)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ColumnSpec {
    pub key: &'static str,
    pub label_zh: &'static str,
    pub label_en: &'static str,
    pub required: bool,
    /// An example value for the template.
    pub example: &'static str,
}

impl ColumnSpec {
    pub fn template_header(&self) -> String {
        format!("{} ({})", self.label_zh, self.key)
    }

    fn matches(&self, header: &str) -> bool {
        let h = header.trim();
        if h.eq_ignore_ascii_case(self.key)
            || h == self.label_zh
            || h.eq_ignore_ascii_case(self.label_en)
        {
            return true;
        }
        let inner = |open: char, close: char| {
            h.rfind(open)
                .and_then(|i| h[i + open.len_utf8()..].strip_suffix(close))
                .is_some_and(|k| k.trim().eq_ignore_ascii_case(self.key))
        };
        inner('(', ')') || inner('（', '）')
    }
}

const fn col(
    key: &'static str,
    label_zh: &'static str,
    label_en: &'static str,
    required: bool,
    example: &'static str,
) -> ColumnSpec {
    ColumnSpec {
        key,
        label_zh,
        label_en,
        required,
        example,
    }
}

pub const UNIT_COLUMNS: [ColumnSpec; 10] = [
    col("code", "单位代码", "Code", true, "LB-GX-YT"),
    col("name_zh", "单位名称", "Name", true, "雁滩园区"),
    col("name_en", "英文名称", "English name", false, "Yantan Park"),
    col("kind", "单位类型", "Kind", true, "园区"),
    col("parent_code", "上级单位代码", "Parent code", false, "LB-GX"),
    col(
        "member_since",
        "隶属起始日期",
        "Member since",
        false,
        "2015-01-01",
    ),
    col("area_km2", "面积(平方公里)", "Area (km²)", false, "12.5"),
    col("population", "人口", "Population", false, ""),
    col(
        "leading_industries",
        "主导产业",
        "Leading industries",
        false,
        "总部经济、科技研发、科技孵化",
    ),
    col("spatial_role", "空间功能", "Spatial role", false, "辐射区"),
];

pub const ENTERPRISE_COLUMNS: [ColumnSpec; 11] = [
    col(
        "credit_code",
        "统一社会信用代码",
        "Credit code",
        true,
        "914403001922038216",
    ),
    col("name", "企业名称", "Name", true, "兰州某某科技有限公司"),
    col("industry_code", "行业代码", "Industry code", true, "6511"),
    col(
        "high_tech_field",
        "高新技术领域",
        "High-tech field",
        false,
        "电子信息",
    ),
    col("size_class", "规模", "Size class", true, "规上"),
    col(
        "registration_type",
        "登记注册类型",
        "Registration type",
        true,
        "有限责任公司",
    ),
    col("park_code", "所在园区代码", "Park code", true, "LB-GX-YT"),
    col(
        "located_since",
        "入园日期",
        "Located since",
        false,
        "2018-03-01",
    ),
    col("contact_name", "联系人", "Contact", false, "张伟"),
    col("contact_phone", "联系电话", "Phone", false, "0931-8888888"),
    col("in_survey", "是否入统", "In survey", false, "是"),
];

/// What is wrong at one place in a file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImportIssue {
    pub position: Position,
    /// The column key (`ColumnSpec::key`) the issue is about, if any.
    pub field: Option<&'static str>,
    pub problem: ImportProblem,
}

#[derive(Debug, Clone, PartialEq, Serialize, thiserror::Error)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ImportProblem {
    #[error("the file has no rows of data")]
    NoRows,
    #[error("the column '{label}' is missing from the header row")]
    MissingColumn { label: String },
    #[error("the column '{header}' appears twice")]
    DuplicateColumn { header: String },
    #[error("a value is required")]
    Required,
    #[error("'{value}' is not a number")]
    NotANumber { value: String },
    #[error("'{value}' is not a whole number")]
    NotAnInteger { value: String },
    #[error("'{value}' is not a date (use YYYY-MM-DD or a year)")]
    NotADate { value: String },
    #[error("the number {value} is too long to be a code; format the column as text")]
    CodeStoredAsNumber { value: String },
    #[error("{0}")]
    CreditCode(#[serde(skip)] CreditCodeError),
    #[error("{0}")]
    Industry(#[serde(skip)] IndustryCodeError),
    #[error("{0}")]
    Unit(#[serde(skip)] UnitError),
    #[error("{0}")]
    Enterprise(#[serde(skip)] EnterpriseError),
    #[error("{0}")]
    Hierarchy(#[serde(skip)] HierarchyError),
    #[error("no unit has the code '{code}'")]
    UnknownUnitCode { code: String },
    #[error("'{key}' already appears in row {first_row}")]
    DuplicateInFile { key: String, first_row: usize },
    #[error("'{code}' is outside your part of the hierarchy")]
    OutsideScope { code: String },
    /// A credit code registered to an enterprise the user may not change. Said without
    /// naming where it is registered, so that an import tells nobody about enterprises
    /// outside their scope.
    #[error("the enterprise with the credit code '{code}' cannot be registered or changed by you")]
    CreditCodeNotYours { code: String },
    /// No enterprise the user may change has this credit code (whether one outside their
    /// scope has it is not said).
    #[error("no enterprise in your part of the zone has the credit code '{code}'")]
    NoneInScope { code: String },
    /// An enterprise filer changing what park staff keep (name, industry, size, 入统).
    #[error("an enterprise filer may change only its contacts, not '{field}'")]
    KeptByStaff { field: &'static str },
    #[error("'{value}' is not a recognition type")]
    UnknownTier { value: String },
    #[error("no enterprise is registered under the credit code '{code}'")]
    UnknownCreditCode { code: String },
    #[error("the name '{given}' is not the registered name '{registered}'")]
    NameMismatch { given: String, registered: String },
    #[error("the expiry {expires} is not after the issue date {issued}")]
    ExpiryNotAfterIssue { issued: Date, expires: Date },
    #[error("the certificate '{certificate}' is recorded for another enterprise ({holder})")]
    CertificateHeldByAnother { certificate: String, holder: String },
}

fn issue(
    table: &Table,
    row: usize,
    column: Option<usize>,
    field: Option<&'static str>,
    problem: ImportProblem,
) -> ImportIssue {
    ImportIssue {
        position: Position {
            sheet: table.sheet.clone(),
            row,
            column,
        },
        field,
        problem,
    }
}

/// Finds each expected column in the header row.
struct ColumnMap {
    index: HashMap<&'static str, usize>,
}

impl ColumnMap {
    fn build(table: &Table, specs: &[ColumnSpec], issues: &mut Vec<ImportIssue>) -> ColumnMap {
        let mut index = HashMap::new();
        for spec in specs {
            let found: Vec<usize> = table
                .headers
                .iter()
                .enumerate()
                .filter(|(_, h)| spec.matches(h))
                .map(|(i, _)| i)
                .collect();
            match found.as_slice() {
                [] if spec.required => issues.push(issue(
                    table,
                    table.header_row,
                    None,
                    Some(spec.key),
                    ImportProblem::MissingColumn {
                        label: spec.template_header(),
                    },
                )),
                [] => {}
                [i] => {
                    index.insert(spec.key, *i);
                }
                [_, second, ..] => issues.push(issue(
                    table,
                    table.header_row,
                    Some(second + 1),
                    Some(spec.key),
                    ImportProblem::DuplicateColumn {
                        header: table.headers[*second].clone(),
                    },
                )),
            }
        }
        ColumnMap { index }
    }
}

/// Reads the cells of one row, recording every problem.
struct RowReader<'a> {
    table: &'a Table,
    row: &'a Row,
    columns: &'a ColumnMap,
    issues: &'a mut Vec<ImportIssue>,
}

impl RowReader<'_> {
    fn cell(&self, key: &str) -> Option<(usize, &Cell)> {
        let i = *self.columns.index.get(key)?;
        Some((i + 1, self.row.cells.get(i).unwrap_or(&Cell::Empty)))
    }

    fn report(&mut self, key: &'static str, column: Option<usize>, problem: ImportProblem) {
        self.issues.push(issue(
            self.table,
            self.row.number,
            column,
            Some(key),
            problem,
        ));
    }

    /// Reports a problem of a field that has its own column (or of the row, if not).
    fn report_field(&mut self, key: &'static str, problem: ImportProblem) {
        let column = self.cell(key).map(|(c, _)| c);
        self.report(key, column, problem);
    }

    /// A value from a fixed list (a kind, a size class…): `Some(None)` when an optional one
    /// is absent, `None` when it is missing or not in the list (reported).
    fn choice<T>(
        &mut self,
        key: &'static str,
        required: bool,
        parse: impl FnOnce(&str) -> Option<T>,
        problem: impl FnOnce(String) -> ImportProblem,
    ) -> Option<Option<T>> {
        let text = if required {
            self.required_text(key)?
        } else {
            match self.optional_text(key) {
                Some(t) => t,
                None => return Some(None),
            }
        };
        match parse(&text) {
            Some(v) => Some(Some(v)),
            None => {
                self.report_field(key, problem(text));
                None
            }
        }
    }

    /// Reports a key (a code) that an earlier row of the file already has.
    fn unique(&mut self, key: &'static str, value: &str, seen: &mut HashMap<String, usize>) {
        match seen.get(value) {
            Some(first) => {
                let problem = ImportProblem::DuplicateInFile {
                    key: value.to_string(),
                    first_row: *first,
                };
                self.report_field(key, problem);
            }
            None => {
                seen.insert(value.to_string(), self.row.number);
            }
        }
    }

    fn optional_text(&mut self, key: &'static str) -> Option<String> {
        match self.cell(key) {
            Some((_, c)) if !c.is_empty() => Some(c.as_text()),
            _ => None,
        }
    }

    fn required_text(&mut self, key: &'static str) -> Option<String> {
        let column = self.cell(key).map(|(c, _)| c);
        let value = self.optional_text(key);
        if value.is_none() && column.is_some() {
            self.report(key, column, ImportProblem::Required);
        }
        value
    }

    /// Codes must come as text: a long number in a spreadsheet has lost its digits.
    fn code_text(&mut self, key: &'static str, required: bool) -> Option<String> {
        if let Some((column, Cell::Number(n))) = self.cell(key)
            && n.abs() >= 1e15
        {
            // The shortest form that reads back as `n` is what Excel shows and stores
            // (15 digits); `{n:.0}` would print the binary value, 914403001922038016.
            let value = n.to_string();
            self.report(
                key,
                Some(column),
                ImportProblem::CodeStoredAsNumber { value },
            );
            return None;
        }
        if required {
            self.required_text(key)
        } else {
            self.optional_text(key)
        }
    }

    fn parsed<T, E>(
        &mut self,
        key: &'static str,
        value: Option<String>,
        parse: impl FnOnce(&str) -> Result<T, E>,
        wrap: impl FnOnce(E) -> ImportProblem,
    ) -> Option<T> {
        let value = value?;
        let column = self.cell(key).map(|(c, _)| c);
        match parse(&value) {
            Ok(v) => Some(v),
            Err(e) => {
                self.report(key, column, wrap(e));
                None
            }
        }
    }

    /// A typed value: taken from a cell of that type, or parsed from text. `Some(None)`
    /// when the cell is empty or the column absent, `None` when it does not parse
    /// (reported).
    fn typed<T>(
        &mut self,
        key: &'static str,
        from_cell: impl FnOnce(&Cell) -> Option<T>,
        from_text: impl FnOnce(&str) -> Option<T>,
        problem: impl FnOnce(String) -> ImportProblem,
    ) -> Option<Option<T>> {
        let Some((column, cell)) = self.cell(key) else {
            return Some(None);
        };
        if let Some(v) = from_cell(cell) {
            return Some(Some(v));
        }
        let text = cell.as_text();
        if text.is_empty() {
            return Some(None);
        }
        match from_text(&text) {
            Some(v) => Some(Some(v)),
            None => {
                self.report(key, Some(column), problem(text));
                None
            }
        }
    }

    fn number(&mut self, key: &'static str) -> Option<Option<f64>> {
        self.typed(
            key,
            |c| match c {
                Cell::Number(n) => Some(*n),
                _ => None,
            },
            |t| {
                t.replace(',', "")
                    .parse::<f64>()
                    .ok()
                    .filter(|n| n.is_finite())
            },
            |value| ImportProblem::NotANumber { value },
        )
    }

    fn integer(&mut self, key: &'static str) -> Option<Option<i64>> {
        let column = self.cell(key).map(|(c, _)| c);
        let n = self.number(key)?;
        match n {
            None => Some(None),
            Some(n) if n.fract() == 0.0 && n.abs() < 9e15 => Some(Some(n as i64)),
            Some(n) => {
                self.report(
                    key,
                    column,
                    ImportProblem::NotAnInteger {
                        value: n.to_string(),
                    },
                );
                None
            }
        }
    }

    /// A yes/no answer (see [`parse_yes_no`]), also from a spreadsheet's TRUE/FALSE or a
    /// number 1/0.
    fn yes_no(
        &mut self,
        key: &'static str,
        problem: impl FnOnce(String) -> ImportProblem,
    ) -> Option<Option<bool>> {
        self.typed(
            key,
            |c| match c {
                Cell::Bool(b) => Some(*b),
                _ => None,
            },
            parse_yes_no,
            problem,
        )
    }

    fn date(&mut self, key: &'static str) -> Option<Option<Date>> {
        self.typed(
            key,
            |c| match c {
                Cell::Date(d) => Some(*d),
                _ => None,
            },
            parse_date,
            |value| ImportProblem::NotADate { value },
        )
    }
}

/// Accepts `YYYY-MM-DD`, `YYYY/MM/DD`, `YYYY年MM月DD日` and a bare year (1 January).
pub fn parse_date(text: &str) -> Option<Date> {
    let t = text.trim();
    if t.len() == 4 && t.bytes().all(|b| b.is_ascii_digit()) {
        return Date::from_calendar_date(t.parse().ok()?, Month::January, 1).ok();
    }
    let normalised: String = t
        .chars()
        .map(|c| match c {
            '/' | '.' | '年' | '月' => '-',
            c => c,
        })
        .filter(|c| *c != '日')
        .collect();
    let mut parts = normalised.split('-');
    let y: i32 = parts.next()?.trim().parse().ok()?;
    let m: u8 = parts.next()?.trim().parse().ok()?;
    let d: u8 = parts.next()?.trim().parse().ok()?;
    if parts.next().is_some() {
        return None;
    }
    Date::from_calendar_date(y, Month::try_from(m).ok()?, d).ok()
}

fn split_list(text: &str) -> Vec<String> {
    text.split(['、', ';', '；', ',', '，', '\n'])
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

/// One parsed row of a unit import.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitRow {
    pub row: usize,
    pub draft: UnitDraft,
    pub parent: Option<UnitCode>,
    pub member_since: Option<Date>,
}

/// One parsed row of an enterprise import.
#[derive(Debug, Clone, PartialEq)]
pub struct EnterpriseRow {
    pub row: usize,
    /// `draft.in_survey` is `in_survey`, or true when the row leaves it blank; the plan
    /// keeps a stored enterprise's flag instead (see [`EnterpriseRow::in_survey`]).
    pub draft: EnterpriseDraft,
    pub park: UnitCode,
    pub located_since: Option<Date>,
    /// 是否入统 as given; `None` when blank or the column is absent: true for a new
    /// enterprise, unchanged for a stored one.
    pub in_survey: Option<bool>,
}

fn check_rows(table: &Table, issues: &mut Vec<ImportIssue>) {
    if table
        .rows
        .iter()
        .all(|r| r.cells.iter().all(Cell::is_empty))
    {
        issues.push(issue(
            table,
            table.header_row + 1,
            None,
            None,
            ImportProblem::NoRows,
        ));
    }
}

/// Runs `read_row` over every non-empty row. A row counts only if it raised no problem;
/// `seen` holds the keys met so far, for duplicates within the file. When a column is
/// missing no row is read: every row would repeat the same problem.
fn parse_rows<R>(
    table: &Table,
    specs: &[ColumnSpec],
    mut read_row: impl FnMut(&mut RowReader<'_>, &mut HashMap<String, usize>) -> Option<R>,
) -> (Vec<R>, Vec<ImportIssue>) {
    let mut issues = Vec::new();
    let columns = ColumnMap::build(table, specs, &mut issues);
    check_rows(table, &mut issues);
    if !issues.is_empty() {
        return (Vec::new(), issues);
    }
    let mut rows = Vec::new();
    let mut seen = HashMap::new();
    for row in table
        .rows
        .iter()
        .filter(|r| !r.cells.iter().all(Cell::is_empty))
    {
        let before = issues.len();
        let mut reader = RowReader {
            table,
            row,
            columns: &columns,
            issues: &mut issues,
        };
        let parsed = read_row(&mut reader, &mut seen);
        if issues.len() == before {
            rows.extend(parsed);
        }
    }
    (rows, issues)
}

fn all_or_issues<R>(
    (rows, issues): (Vec<R>, Vec<ImportIssue>),
) -> Result<Vec<R>, Vec<ImportIssue>> {
    if issues.is_empty() {
        Ok(rows)
    } else {
        Err(issues)
    }
}

pub fn parse_unit_rows(table: &Table) -> Result<Vec<UnitRow>, Vec<ImportIssue>> {
    all_or_issues(parse_unit_rows_partial(table))
}

/// The rows that parse, and the problems of the others.
pub fn parse_unit_rows_partial(table: &Table) -> (Vec<UnitRow>, Vec<ImportIssue>) {
    parse_rows(table, &UNIT_COLUMNS, |r, seen| {
        let code_text = r.code_text("code", true);
        if let Some(code) = &code_text {
            r.unique("code", code, seen);
        }
        let code = r.parsed("code", code_text, UnitCode::parse, ImportProblem::Unit);
        let name_zh = r.required_text("name_zh");
        let name_en = r.optional_text("name_en");
        let kind = r.choice("kind", true, UnitKind::parse, |value| {
            ImportProblem::Unit(UnitError::UnknownKind { value })
        });
        let parent_text = r.code_text("parent_code", false);
        let parent = r.parsed(
            "parent_code",
            parent_text,
            UnitCode::parse,
            ImportProblem::Unit,
        );
        let member_since = r.date("member_since");
        let area_km2 = r.number("area_km2");
        let population = r.integer("population");
        let leading_industries = r
            .optional_text("leading_industries")
            .map(|t| split_list(&t))
            .unwrap_or_default();
        let spatial_role = r.choice("spatial_role", false, SpatialRole::parse, |value| {
            ImportProblem::Unit(UnitError::UnknownSpatialRole { value })
        });
        let draft = UnitDraft {
            code: code?,
            name_zh: name_zh?,
            name_en,
            kind: kind??,
            area_km2: area_km2?,
            population: population?,
            leading_industries,
            spatial_role: spatial_role?,
        };
        if let Err(e) = draft.validate() {
            let field = match e {
                UnitError::NegativeArea { .. } => "area_km2",
                UnitError::NegativePopulation { .. } => "population",
                _ => "name_zh",
            };
            r.report_field(field, ImportProblem::Unit(e));
            return None;
        }
        Some(UnitRow {
            row: r.row.number,
            draft,
            parent,
            member_since: member_since?,
        })
    })
}

pub fn parse_enterprise_rows(table: &Table) -> Result<Vec<EnterpriseRow>, Vec<ImportIssue>> {
    all_or_issues(parse_enterprise_rows_partial(table))
}

/// The rows that parse, and the problems of the others.
pub fn parse_enterprise_rows_partial(table: &Table) -> (Vec<EnterpriseRow>, Vec<ImportIssue>) {
    parse_rows(table, &ENTERPRISE_COLUMNS, |r, seen| {
        let code_text = r.code_text("credit_code", true);
        let credit_code = r.parsed(
            "credit_code",
            code_text,
            CreditCode::parse,
            ImportProblem::CreditCode,
        );
        if let Some(code) = &credit_code {
            r.unique("credit_code", code.as_str(), seen);
        }
        let name = r.required_text("name");
        let industry_text = r.code_text("industry_code", true);
        let industry = r.parsed(
            "industry_code",
            industry_text,
            IndustryCode::parse,
            ImportProblem::Industry,
        );
        let high_tech_field = r.choice("high_tech_field", false, HighTechField::parse, |value| {
            ImportProblem::Enterprise(EnterpriseError::UnknownHighTechField { value })
        });
        let size_class = r.choice("size_class", true, SizeClass::parse, |value| {
            ImportProblem::Enterprise(EnterpriseError::UnknownSizeClass { value })
        });
        let registration_type = r.choice(
            "registration_type",
            true,
            RegistrationType::parse,
            |value| ImportProblem::Enterprise(EnterpriseError::UnknownRegistrationType { value }),
        );
        let park_text = r.code_text("park_code", true);
        let park = r.parsed("park_code", park_text, UnitCode::parse, ImportProblem::Unit);
        let located_since = r.date("located_since");
        let contact_name = r.optional_text("contact_name");
        let contact_phone = r.code_text("contact_phone", false);
        let in_survey = r.yes_no("in_survey", |value| {
            ImportProblem::Enterprise(EnterpriseError::UnknownSurveyFlag { value })
        });
        let in_survey = in_survey?;
        let draft = EnterpriseDraft {
            credit_code: credit_code?,
            name: name?,
            industry: industry?,
            high_tech_field: high_tech_field?,
            size_class: size_class??,
            registration_type: registration_type??,
            contact_name,
            contact_phone,
            in_survey: in_survey.unwrap_or(true),
        };
        if let Err(e) = draft.validate() {
            let field = match e {
                EnterpriseError::InvalidPhone { .. } => "contact_phone",
                _ => "name",
            };
            r.report_field(field, ImportProblem::Enterprise(e));
            return None;
        }
        Some(EnterpriseRow {
            row: r.row.number,
            draft,
            park: park?,
            located_since: located_since?,
            in_survey,
        })
    })
}

/// A unit to create or update.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitChange {
    pub row: usize,
    pub existing: Option<Unit>,
    pub draft: UnitDraft,
}

/// A membership to add, possibly ending the unit's current one the day it starts.
#[derive(Debug, Clone, PartialEq)]
pub struct MembershipChange {
    pub row: usize,
    pub child: UnitCode,
    pub parent: UnitCode,
    pub from: Date,
    /// The parent of the membership that ends on `from`, if the unit moves.
    pub ends_previous: Option<UnitCode>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct UnitImportPlan {
    pub units: Vec<UnitChange>,
    pub memberships: Vec<MembershipChange>,
}

impl UnitImportPlan {
    pub fn created(&self) -> usize {
        self.units.iter().filter(|u| u.existing.is_none()).count()
    }
    pub fn updated(&self) -> usize {
        self.units
            .iter()
            .filter(|u| u.existing.as_ref().is_some_and(|e| e.details != u.draft))
            .count()
    }
}

/// Checks parsed unit rows against the stored hierarchy and the user's scope, and makes the
/// plan. `today` is the default start of a membership.
pub fn plan_unit_import(
    table: &Table,
    rows: Vec<UnitRow>,
    hierarchy: &Hierarchy,
    principal: &Principal,
    today: Date,
) -> Result<UnitImportPlan, Vec<ImportIssue>> {
    let mut issues = Vec::new();
    let mut working = hierarchy.clone();
    let tree = hierarchy.as_of(today);
    let col_of = |key: &str| {
        table
            .headers
            .iter()
            .position(|h| {
                UNIT_COLUMNS
                    .iter()
                    .find(|c| c.key == key)
                    .is_some_and(|c| c.matches(h))
            })
            .map(|i| i + 1)
    };
    let mut plan = UnitImportPlan::default();
    // Units first, with provisional ids for new ones, so that rows may refer to units
    // created further down the file.
    let mut next_provisional = -1;
    for row in &rows {
        let existing = hierarchy.unit_by_code(row.draft.code.as_str()).cloned();
        match &existing {
            Some(u) if !principal.may_write_unit(u.id, &tree) => {
                issues.push(issue(
                    table,
                    row.row,
                    col_of("code"),
                    Some("code"),
                    ImportProblem::OutsideScope {
                        code: u.code.to_string(),
                    },
                ));
                continue;
            }
            None => {
                let parent = row
                    .parent
                    .as_ref()
                    .and_then(|p| hierarchy.unit_by_code(p.as_str()))
                    .map(|u| u.id);
                let parent_in_file = row
                    .parent
                    .as_ref()
                    .is_some_and(|p| rows.iter().any(|r| &r.draft.code == p));
                if !parent_in_file && !principal.may_create_unit_under(parent, &tree) {
                    let code = row
                        .parent
                        .as_ref()
                        .map(|p| p.to_string())
                        .unwrap_or_else(|| row.draft.code.to_string());
                    issues.push(issue(
                        table,
                        row.row,
                        col_of("parent_code"),
                        Some("parent_code"),
                        ImportProblem::OutsideScope { code },
                    ));
                    continue;
                }
            }
            _ => {}
        }
        let id = existing.as_ref().map(|u| u.id).unwrap_or_else(|| {
            next_provisional -= 1;
            UnitId(next_provisional)
        });
        working.put_unit(Unit {
            id,
            details: row.draft.clone(),
        });
        plan.units.push(UnitChange {
            row: row.row,
            existing,
            draft: row.draft.clone(),
        });
    }
    for row in &rows {
        let Some(parent_code) = &row.parent else {
            continue;
        };
        let Some(parent) = working.unit_by_code(parent_code.as_str()).cloned() else {
            issues.push(issue(
                table,
                row.row,
                col_of("parent_code"),
                Some("parent_code"),
                ImportProblem::UnknownUnitCode {
                    code: parent_code.to_string(),
                },
            ));
            continue;
        };
        let Some(child) = working.unit_by_code(row.draft.code.as_str()).cloned() else {
            continue;
        };
        let from = row.member_since.unwrap_or(today);
        let current = working
            .memberships()
            .iter()
            .find(|m| m.child == child.id && m.is_valid_on(from))
            .cloned();
        let ends_previous = match &current {
            Some(m) if m.parent == parent.id => continue,
            Some(m) => working.unit(m.parent).map(|u| u.code.clone()),
            None => None,
        };
        if !principal.may_create_unit_under(Some(parent.id), &tree) && parent.id.0 > 0 {
            issues.push(issue(
                table,
                row.row,
                col_of("parent_code"),
                Some("parent_code"),
                ImportProblem::OutsideScope {
                    code: parent_code.to_string(),
                },
            ));
            continue;
        }
        let mut candidate = working.clone();
        if let Some(m) = &current {
            candidate = end_membership(&candidate, m, from);
        }
        let new = Membership {
            child: child.id,
            parent: parent.id,
            from,
            until: None,
        };
        match candidate.check_membership(&new) {
            Ok(()) => {
                candidate.add_membership(new).expect("checked");
                working = candidate;
                plan.memberships.push(MembershipChange {
                    row: row.row,
                    child: child.code.clone(),
                    parent: parent.code.clone(),
                    from,
                    ends_previous,
                });
            }
            Err(e) => issues.push(issue(
                table,
                row.row,
                col_of("parent_code"),
                Some("parent_code"),
                ImportProblem::Hierarchy(e),
            )),
        }
    }
    if issues.is_empty() {
        Ok(plan)
    } else {
        Err(issues)
    }
}

fn end_membership(h: &Hierarchy, m: &Membership, on: Date) -> Hierarchy {
    let units: Vec<Unit> = h.units().cloned().collect();
    let memberships = h
        .memberships()
        .iter()
        .map(|x| {
            if x == m {
                Membership {
                    until: Some(on),
                    ..x.clone()
                }
            } else {
                x.clone()
            }
        })
        .filter(|x| x.until.is_none_or(|u| u > x.from))
        .collect();
    Hierarchy::new(units, memberships)
}

/// What is stored about an enterprise that an import may change.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredEnterprise {
    pub id: EnterpriseId,
    pub draft: EnterpriseDraft,
    pub location: Option<Location>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EnterpriseChange {
    pub row: usize,
    pub existing: Option<StoredEnterprise>,
    pub draft: EnterpriseDraft,
    /// Set when the enterprise is placed in a park, or moves to another one.
    pub new_location: Option<(UnitId, Date)>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct EnterpriseImportPlan {
    pub enterprises: Vec<EnterpriseChange>,
}

impl EnterpriseImportPlan {
    pub fn created(&self) -> usize {
        self.enterprises
            .iter()
            .filter(|e| e.existing.is_none())
            .count()
    }
    pub fn updated(&self) -> usize {
        self.enterprises
            .iter()
            .filter(|e| {
                e.existing.as_ref().is_some_and(|x| x.draft != e.draft)
                    || (e.existing.is_some() && e.new_location.is_some())
            })
            .count()
    }
}

/// Checks parsed enterprise rows against the registry and the user's scope, and makes the
/// plan. `stored` holds the enterprises already registered under the rows' credit codes.
/// What an enterprise filer may change on its own record: its contacts. The rest — name,
/// industry, size class, registration type, high-tech field, 入统 — decides which reports
/// it owes and how it is counted, and is kept by park and zone staff.
pub const FILER_MAY_CHANGE: [&str; 2] = ["contact_name", "contact_phone"];

/// The fields outside [`FILER_MAY_CHANGE`] that a row would change on a stored record.
fn kept_by_staff(
    stored: &EnterpriseDraft,
    given: &EnterpriseDraft,
    in_survey: Option<bool>,
) -> Vec<&'static str> {
    let mut changed = Vec::new();
    if stored.name.trim() != given.name.trim() {
        changed.push("name");
    }
    if stored.industry != given.industry {
        changed.push("industry_code");
    }
    if stored.high_tech_field != given.high_tech_field {
        changed.push("high_tech_field");
    }
    if stored.size_class != given.size_class {
        changed.push("size_class");
    }
    if stored.registration_type != given.registration_type {
        changed.push("registration_type");
    }
    if in_survey.is_some_and(|v| v != stored.in_survey) {
        changed.push("in_survey");
    }
    debug_assert!(changed.iter().all(|f| !FILER_MAY_CHANGE.contains(f)));
    changed
}

pub fn plan_enterprise_import(
    table: &Table,
    rows: Vec<EnterpriseRow>,
    stored: &HashMap<CreditCode, StoredEnterprise>,
    hierarchy: &Hierarchy,
    principal: &Principal,
    today: Date,
) -> Result<EnterpriseImportPlan, Vec<ImportIssue>> {
    let mut issues = Vec::new();
    let tree = hierarchy.as_of(today);
    let col_of = |key: &str| {
        table
            .headers
            .iter()
            .position(|h| {
                ENTERPRISE_COLUMNS
                    .iter()
                    .find(|c| c.key == key)
                    .is_some_and(|c| c.matches(h))
            })
            .map(|i| i + 1)
    };
    let mut plan = EnterpriseImportPlan::default();
    for row in rows {
        let Some(park) = hierarchy.unit_by_code(row.park.as_str()) else {
            issues.push(issue(
                table,
                row.row,
                col_of("park_code"),
                Some("park_code"),
                ImportProblem::UnknownUnitCode {
                    code: row.park.to_string(),
                },
            ));
            continue;
        };
        if !park.kind.may_host_enterprises() {
            issues.push(issue(
                table,
                row.row,
                col_of("park_code"),
                Some("park_code"),
                ImportProblem::Enterprise(EnterpriseError::CannotHostEnterprises {
                    kind: park.kind,
                }),
            ));
            continue;
        }
        let existing = stored.get(&row.draft.credit_code).cloned();
        if let Some(e) = &existing {
            let current_park = e.location.as_ref().map(|l| l.park);
            if !principal.may_write_enterprise(e.id, current_park, &tree) {
                issues.push(issue(
                    table,
                    row.row,
                    col_of("credit_code"),
                    Some("credit_code"),
                    ImportProblem::CreditCodeNotYours {
                        code: e.draft.credit_code.to_string(),
                    },
                ));
                continue;
            }
            if principal.binding.is_enterprise() {
                let kept = kept_by_staff(&e.draft, &row.draft, row.in_survey);
                for field in &kept {
                    issues.push(issue(
                        table,
                        row.row,
                        col_of(field),
                        Some(field),
                        ImportProblem::KeptByStaff { field },
                    ));
                }
                if !kept.is_empty() {
                    continue;
                }
            }
        }
        // Placing or moving an enterprise needs the right to the target park; editing one
        // where it stays (an enterprise filer correcting its own record) does not.
        let stays = existing
            .as_ref()
            .and_then(|e| e.location.as_ref())
            .is_some_and(|l| l.park == park.id);
        if !stays && !principal.may_place_enterprise_in(park.id, &tree) {
            issues.push(issue(
                table,
                row.row,
                col_of("park_code"),
                Some("park_code"),
                ImportProblem::OutsideScope {
                    code: park.code.to_string(),
                },
            ));
            continue;
        }
        let date = row.located_since.unwrap_or(today);
        let new_location = match existing.as_ref().and_then(|e| e.location.as_ref()) {
            Some(l) if l.park == park.id => None,
            Some(l) if date <= l.from => {
                issues.push(issue(
                    table,
                    row.row,
                    col_of("located_since"),
                    Some("located_since"),
                    ImportProblem::Enterprise(EnterpriseError::MoveBeforeCurrentLocation {
                        date,
                        since: l.from,
                    }),
                ));
                continue;
            }
            _ => Some((park.id, date)),
        };
        let mut draft = row.draft;
        // A blank 是否入统 leaves a stored enterprise as it is, as a blank 入园日期 does.
        if row.in_survey.is_none()
            && let Some(e) = &existing
        {
            draft.in_survey = e.draft.in_survey;
        }
        plan.enterprises.push(EnterpriseChange {
            row: row.row,
            existing,
            draft,
            new_location,
        });
    }
    if issues.is_empty() {
        Ok(plan)
    } else {
        Err(issues)
    }
}

mod recognitions;

pub use recognitions::{
    RECOGNITION_COLUMNS, RecognitionChange, RecognitionHolder, RecognitionImportPlan,
    RecognitionRow, RecordedCertificate, parse_recognition_rows, parse_recognition_rows_partial,
    plan_recognition_import,
};

#[cfg(test)]
mod tests;
