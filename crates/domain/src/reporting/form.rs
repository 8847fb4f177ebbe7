//! A form definition: the declarative file a zone edits (TOML), parsed into a checked
//! `Form` whose rules are compiled formulas. Every problem in the file is reported with
//! where it is: the TOML line, or the field or rule and the column in its formula.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::expr::{ExprError, Formula, Frame, Vocabulary};

use super::period::PeriodType;

/// The unit a field is reported in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MeasureUnit {
    Yuan,
    ThousandYuan,
    TenThousandYuan,
    Persons,
    PersonYears,
    Pieces,
    Tce,
    Mu,
    Percent,
}

impl MeasureUnit {
    pub fn code(self) -> &'static str {
        match self {
            MeasureUnit::Yuan => "yuan",
            MeasureUnit::ThousandYuan => "thousand_yuan",
            MeasureUnit::TenThousandYuan => "ten_thousand_yuan",
            MeasureUnit::Persons => "persons",
            MeasureUnit::PersonYears => "person_years",
            MeasureUnit::Pieces => "pieces",
            MeasureUnit::Tce => "tce",
            MeasureUnit::Mu => "mu",
            MeasureUnit::Percent => "percent",
        }
    }

    /// How many yuan one unit of this is, for money units.
    pub fn yuan_factor(self) -> Option<f64> {
        match self {
            MeasureUnit::Yuan => Some(1.0),
            MeasureUnit::ThousandYuan => Some(1_000.0),
            MeasureUnit::TenThousandYuan => Some(10_000.0),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldType {
    Integer,
    Decimal,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Blocks submission.
    Error,
    /// Needs a written explanation (说明) before submission.
    Warning,
}

impl Severity {
    pub fn code(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldGroup {
    pub code: String,
    pub zh: String,
    pub en: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldDefinition {
    pub code: String,
    pub zh: String,
    pub en: String,
    pub group: Option<String>,
    pub unit: MeasureUnit,
    pub field_type: FieldType,
    pub required: bool,
    pub negative_allowed: bool,
    /// The index of the field this one is a part of (其中).
    pub part_of: Option<usize>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    pub code: String,
    pub severity: Severity,
    pub when: Option<Formula>,
    pub check: Formula,
    /// Indices of the fields the finding is shown beside.
    pub fields: Vec<usize>,
    pub zh: String,
    pub en: String,
}

/// A checked form definition, ready to validate filings.
#[derive(Debug, Clone, PartialEq)]
pub struct Form {
    pub code: String,
    pub version: u32,
    pub name_zh: String,
    pub name_en: String,
    pub period_type: PeriodType,
    pub year_to_date: bool,
    pub deadline_days: u16,
    pub groups: Vec<FieldGroup>,
    pub fields: Vec<FieldDefinition>,
    pub rules: Vec<Rule>,
    /// The definition as written, kept so that the exact version can be shown and stored.
    pub source: String,
    index: HashMap<String, usize>,
}

/// Which part of a rule a formula error is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RulePart {
    When,
    Check,
}

#[derive(Debug, Clone, PartialEq, Error)]
pub enum FormError {
    /// The file is not valid TOML, or an entry is of the wrong shape (line and column
    /// from 1).
    #[error("line {line}, column {column}: {message}")]
    Syntax {
        line: usize,
        column: usize,
        message: String,
    },
    #[error("the form code {0:?} must be lower-case letters, digits and _")]
    BadCode(String),
    #[error("the form has no fields")]
    NoFields,
    #[error("the version must be 1 or more")]
    BadVersion,
    #[error("field {0:?} is defined twice")]
    DuplicateField(String),
    #[error("rule {0:?} is defined twice")]
    DuplicateRule(String),
    #[error("field {field:?} is in group {group:?}, which is not defined")]
    UnknownGroup { field: String, group: String },
    #[error("field {field:?} is part of {part_of:?}, which is not a field of the form")]
    UnknownPartOf { field: String, part_of: String },
    #[error("field {0:?} is, through 其中, part of itself")]
    PartOfCycle(String),
    #[error("rule {rule:?} shows its finding beside {field:?}, which is not a field")]
    UnknownRuleField { rule: String, field: String },
    #[error("rule {rule:?}: {error}")]
    Formula {
        rule: String,
        part: RulePart,
        source_text: String,
        error: ExprError,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FormFile {
    code: String,
    version: u32,
    name_zh: String,
    name_en: String,
    period: PeriodType,
    #[serde(default)]
    year_to_date: bool,
    #[serde(default = "default_deadline_days")]
    deadline_days: u16,
    #[serde(default)]
    groups: Vec<GroupEntry>,
    #[serde(default)]
    fields: Vec<FieldEntry>,
    #[serde(default)]
    rules: Vec<RuleEntry>,
}

fn default_deadline_days() -> u16 {
    90
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GroupEntry {
    code: String,
    zh: String,
    en: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FieldEntry {
    code: String,
    zh: String,
    en: String,
    group: Option<String>,
    unit: MeasureUnit,
    #[serde(rename = "type")]
    field_type: FieldType,
    #[serde(default)]
    required: bool,
    #[serde(default)]
    negative: bool,
    part_of: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleEntry {
    code: String,
    severity: Severity,
    when: Option<String>,
    check: String,
    fields: Option<Vec<String>>,
    zh: String,
    en: String,
}

struct FormVocabulary<'a> {
    index: &'a HashMap<String, usize>,
    fields: &'a [FieldDefinition],
    period_type: PeriodType,
}

impl Vocabulary for FormVocabulary<'_> {
    fn field(&self, name: &str) -> Option<usize> {
        self.index.get(name).copied()
    }

    fn field_names(&self) -> Vec<&str> {
        self.fields.iter().map(|f| f.code.as_str()).collect()
    }

    fn has_frame(&self, frame: Frame) -> bool {
        match frame {
            Frame::Current | Frame::PreviousYear => true,
            Frame::PreviousPeriod => self.period_type != PeriodType::Annual,
            // A filing is judged with last year's and the previous period's only.
            Frame::TwoYearsBefore => false,
        }
    }
}

fn is_code(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && s.starts_with(|c: char| c.is_ascii_lowercase())
}

impl Form {
    /// Parses and checks a definition file.
    pub fn parse(source: &str) -> Result<Form, FormError> {
        let file: FormFile = toml::from_str(source).map_err(|e| {
            let (line, column) = e
                .span()
                .map(|span| crate::expr::Span::new(span.start, span.end).line_column(source))
                .unwrap_or((1, 1));
            FormError::Syntax {
                line,
                column,
                message: e.message().to_string(),
            }
        })?;
        if !is_code(&file.code) {
            return Err(FormError::BadCode(file.code));
        }
        if file.version == 0 {
            return Err(FormError::BadVersion);
        }
        if file.fields.is_empty() {
            return Err(FormError::NoFields);
        }
        let mut index = HashMap::new();
        for (i, f) in file.fields.iter().enumerate() {
            if index.insert(f.code.clone(), i).is_some() {
                return Err(FormError::DuplicateField(f.code.clone()));
            }
        }
        let mut fields = Vec::with_capacity(file.fields.len());
        for f in file.fields {
            if let Some(group) = &f.group
                && !file.groups.iter().any(|g| &g.code == group)
            {
                return Err(FormError::UnknownGroup {
                    field: f.code,
                    group: group.clone(),
                });
            }
            let part_of = match &f.part_of {
                None => None,
                Some(total) => match index.get(total) {
                    Some(&i) if total != &f.code => Some(i),
                    _ => {
                        return Err(FormError::UnknownPartOf {
                            field: f.code,
                            part_of: total.clone(),
                        });
                    }
                },
            };
            fields.push(FieldDefinition {
                code: f.code,
                zh: f.zh,
                en: f.en,
                group: f.group,
                unit: f.unit,
                field_type: f.field_type,
                required: f.required,
                negative_allowed: f.negative,
                part_of,
            });
        }
        for f in &fields {
            let mut parent = f.part_of;
            let mut steps = 0;
            while let Some(p) = parent {
                steps += 1;
                if steps > fields.len() {
                    return Err(FormError::PartOfCycle(f.code.clone()));
                }
                parent = fields[p].part_of;
            }
        }
        let vocabulary = FormVocabulary {
            index: &index,
            fields: &fields,
            period_type: file.period,
        };
        let mut rules: Vec<Rule> = Vec::with_capacity(file.rules.len());
        for r in file.rules {
            if rules.iter().any(|known| known.code == r.code) {
                return Err(FormError::DuplicateRule(r.code));
            }
            let formula_error = |part, text: &str, error| FormError::Formula {
                rule: r.code.clone(),
                part,
                source_text: text.to_string(),
                error,
            };
            let when = match &r.when {
                Some(text) => Some(
                    Formula::condition(text, &vocabulary)
                        .map_err(|e| formula_error(RulePart::When, text, e))?,
                ),
                None => None,
            };
            let check = Formula::condition(&r.check, &vocabulary)
                .map_err(|e| formula_error(RulePart::Check, &r.check, e))?;
            let shown = match &r.fields {
                Some(codes) => codes
                    .iter()
                    .map(|c| {
                        index
                            .get(c)
                            .copied()
                            .ok_or_else(|| FormError::UnknownRuleField {
                                rule: r.code.clone(),
                                field: c.clone(),
                            })
                    })
                    .collect::<Result<Vec<_>, _>>()?,
                None => {
                    let mut shown: Vec<usize> = Vec::new();
                    for &(frame, slot) in check.reads() {
                        if frame == Frame::Current && !shown.contains(&slot) {
                            shown.push(slot);
                        }
                    }
                    shown
                }
            };
            rules.push(Rule {
                code: r.code,
                severity: r.severity,
                when,
                check,
                fields: shown,
                zh: r.zh,
                en: r.en,
            });
        }
        Ok(Form {
            code: file.code,
            version: file.version,
            name_zh: file.name_zh,
            name_en: file.name_en,
            period_type: file.period,
            year_to_date: file.year_to_date,
            deadline_days: file.deadline_days,
            groups: file
                .groups
                .into_iter()
                .map(|g| FieldGroup {
                    code: g.code,
                    zh: g.zh,
                    en: g.en,
                })
                .collect(),
            fields,
            rules,
            source: source.to_string(),
            index,
        })
    }

    pub fn field_index(&self, code: &str) -> Option<usize> {
        self.index.get(code).copied()
    }

    pub fn field(&self, code: &str) -> Option<&FieldDefinition> {
        self.field_index(code).map(|i| &self.fields[i])
    }

    pub fn rule(&self, code: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.code == code)
    }

    pub fn name(&self, english: bool) -> &str {
        if english {
            &self.name_en
        } else {
            &self.name_zh
        }
    }

    /// The deadline of a period: its last day plus the form's days.
    pub fn deadline(&self, period: super::Period) -> time::Date {
        period.last_day() + time::Duration::days(i64::from(self.deadline_days))
    }

    /// The fields in display order, each with how deep it sits under 其中.
    pub fn fields_with_depth(&self) -> Vec<(usize, &FieldDefinition, usize)> {
        self.fields
            .iter()
            .enumerate()
            .map(|(i, f)| {
                let mut depth = 0;
                let mut parent = f.part_of;
                while let Some(p) = parent {
                    depth += 1;
                    parent = self.fields[p].part_of;
                }
                (i, f, depth)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests;
