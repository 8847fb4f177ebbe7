//! Enterprises (企业) of the registry and where they are located over time.

use std::fmt;

use serde::{Deserialize, Serialize};
use time::Date;

use super::credit_code::CreditCode;
use super::industry::IndustryCode;
use super::tier::Tier;
use super::unit::UnitId;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct EnterpriseId(pub i64);

impl fmt::Display for EnterpriseId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// 规上 / 规下: above or below the statistical size threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SizeClass {
    AboveScale,
    BelowScale,
}

impl SizeClass {
    pub const ALL: [SizeClass; 2] = [SizeClass::AboveScale, SizeClass::BelowScale];
    pub fn code(self) -> &'static str {
        match self {
            SizeClass::AboveScale => "above_scale",
            SizeClass::BelowScale => "below_scale",
        }
    }
    pub fn name_zh(self) -> &'static str {
        match self {
            SizeClass::AboveScale => "规上",
            SizeClass::BelowScale => "规下",
        }
    }
    pub fn parse(input: &str) -> Option<SizeClass> {
        let s = input.trim();
        SizeClass::ALL.into_iter().find(|c| {
            c.code().eq_ignore_ascii_case(s)
                || c.name_zh() == s
                || (*c == SizeClass::AboveScale && s == "规模以上")
                || (*c == SizeClass::BelowScale && s == "规模以下")
        })
    }
}

/// The eight fields of 国家重点支持的高新技术领域.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HighTechField {
    ElectronicInformation,
    BiomedicineNewMedicine,
    Aerospace,
    NewMaterials,
    HighTechServices,
    NewEnergyEnergySaving,
    ResourcesEnvironment,
    AdvancedManufacturing,
}

impl HighTechField {
    pub const ALL: [HighTechField; 8] = [
        HighTechField::ElectronicInformation,
        HighTechField::BiomedicineNewMedicine,
        HighTechField::Aerospace,
        HighTechField::NewMaterials,
        HighTechField::HighTechServices,
        HighTechField::NewEnergyEnergySaving,
        HighTechField::ResourcesEnvironment,
        HighTechField::AdvancedManufacturing,
    ];
    pub fn code(self) -> &'static str {
        match self {
            HighTechField::ElectronicInformation => "electronic_information",
            HighTechField::BiomedicineNewMedicine => "biomedicine",
            HighTechField::Aerospace => "aerospace",
            HighTechField::NewMaterials => "new_materials",
            HighTechField::HighTechServices => "high_tech_services",
            HighTechField::NewEnergyEnergySaving => "new_energy",
            HighTechField::ResourcesEnvironment => "resources_environment",
            HighTechField::AdvancedManufacturing => "advanced_manufacturing",
        }
    }
    pub fn name_zh(self) -> &'static str {
        match self {
            HighTechField::ElectronicInformation => "电子信息",
            HighTechField::BiomedicineNewMedicine => "生物与新医药",
            HighTechField::Aerospace => "航空航天",
            HighTechField::NewMaterials => "新材料",
            HighTechField::HighTechServices => "高技术服务",
            HighTechField::NewEnergyEnergySaving => "新能源与节能",
            HighTechField::ResourcesEnvironment => "资源与环境",
            HighTechField::AdvancedManufacturing => "先进制造与自动化",
        }
    }
    pub fn parse(input: &str) -> Option<HighTechField> {
        let s = input.trim();
        HighTechField::ALL
            .into_iter()
            .find(|f| f.code().eq_ignore_ascii_case(s) || f.name_zh() == s)
    }
}

/// Registration type (登记注册类型), in the broad groups used by Torch statistics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RegistrationType {
    StateOwned,
    Collective,
    LimitedLiability,
    JointStock,
    Private,
    HongKongMacaoTaiwan,
    ForeignInvested,
    Other,
}

impl RegistrationType {
    pub const ALL: [RegistrationType; 8] = [
        RegistrationType::StateOwned,
        RegistrationType::Collective,
        RegistrationType::LimitedLiability,
        RegistrationType::JointStock,
        RegistrationType::Private,
        RegistrationType::HongKongMacaoTaiwan,
        RegistrationType::ForeignInvested,
        RegistrationType::Other,
    ];
    pub fn code(self) -> &'static str {
        match self {
            RegistrationType::StateOwned => "state_owned",
            RegistrationType::Collective => "collective",
            RegistrationType::LimitedLiability => "limited_liability",
            RegistrationType::JointStock => "joint_stock",
            RegistrationType::Private => "private",
            RegistrationType::HongKongMacaoTaiwan => "hmt_invested",
            RegistrationType::ForeignInvested => "foreign_invested",
            RegistrationType::Other => "other",
        }
    }
    pub fn name_zh(self) -> &'static str {
        match self {
            RegistrationType::StateOwned => "国有企业",
            RegistrationType::Collective => "集体企业",
            RegistrationType::LimitedLiability => "有限责任公司",
            RegistrationType::JointStock => "股份有限公司",
            RegistrationType::Private => "私营企业",
            RegistrationType::HongKongMacaoTaiwan => "港澳台商投资企业",
            RegistrationType::ForeignInvested => "外商投资企业",
            RegistrationType::Other => "其他",
        }
    }
    pub fn parse(input: &str) -> Option<RegistrationType> {
        let s = input.trim();
        RegistrationType::ALL
            .into_iter()
            .find(|t| t.code().eq_ignore_ascii_case(s) || t.name_zh() == s)
    }
}

/// What describes an enterprise, before or apart from storage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EnterpriseDraft {
    pub credit_code: CreditCode,
    pub name: String,
    pub industry: IndustryCode,
    pub high_tech_field: Option<HighTechField>,
    pub size_class: SizeClass,
    pub registration_type: RegistrationType,
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
    /// 入统: the enterprise is on the roster of the Torch statistical survey and is
    /// expected to file its statistical reports. New enterprises are, unless told otherwise.
    #[serde(default = "in_survey_by_default")]
    pub in_survey: bool,
}

fn in_survey_by_default() -> bool {
    true
}

/// Reads a yes/no answer: 是/否, yes/no, true/false, 1/0, Y/N (case-insensitive).
pub fn parse_yes_no(input: &str) -> Option<bool> {
    match input.trim().to_ascii_lowercase().as_str() {
        "是" | "yes" | "y" | "true" | "1" => Some(true),
        "否" | "no" | "n" | "false" | "0" => Some(false),
        _ => None,
    }
}

/// 是 or 否, as exports and templates write a yes/no column.
pub fn yes_no_zh(value: bool) -> &'static str {
    if value { "是" } else { "否" }
}

impl EnterpriseDraft {
    pub fn validate(&self) -> Result<(), EnterpriseError> {
        let name = self.name.trim();
        if name.is_empty() {
            return Err(EnterpriseError::EmptyName);
        }
        if name.chars().count() > 120 {
            return Err(EnterpriseError::NameTooLong);
        }
        if let Some(phone) = &self.contact_phone
            && !phone
                .chars()
                .all(|c| c.is_ascii_digit() || matches!(c, '-' | '+' | ' ' | '(' | ')'))
        {
            return Err(EnterpriseError::InvalidPhone {
                value: phone.clone(),
            });
        }
        Ok(())
    }
}

/// A stored enterprise with the park it is located in today.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Enterprise {
    pub id: EnterpriseId,
    #[serde(flatten)]
    pub details: EnterpriseDraft,
    pub park: Option<UnitId>,
    /// Since when the enterprise is in `park`.
    pub park_since: Option<Date>,
    /// Tiers with a recognition valid today.
    pub tiers: Vec<Tier>,
}

impl std::ops::Deref for Enterprise {
    type Target = EnterpriseDraft;
    fn deref(&self) -> &EnterpriseDraft {
        &self.details
    }
}

/// An enterprise is in `park` from `from` (inclusive) until `until` (exclusive).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Location {
    pub enterprise: EnterpriseId,
    pub park: UnitId,
    pub from: Date,
    pub until: Option<Date>,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EnterpriseError {
    #[error("the enterprise has no name")]
    EmptyName,
    #[error("the enterprise name is longer than 120 characters")]
    NameTooLong,
    #[error("'{value}' is not a telephone number")]
    InvalidPhone { value: String },
    #[error("'{value}' is not a size class (规上/规下)")]
    UnknownSizeClass { value: String },
    #[error("'{value}' is not a high-tech field")]
    UnknownHighTechField { value: String },
    #[error("'{value}' is not a registration type")]
    UnknownRegistrationType { value: String },
    #[error("'{value}' does not say whether the enterprise is in the statistical survey (是/否)")]
    UnknownSurveyFlag { value: String },
    #[error("enterprises cannot be located directly in a {kind:?}")]
    CannotHostEnterprises { kind: super::unit::UnitKind },
    #[error("the move date {date} is not after the current location's start {since}")]
    MoveBeforeCurrentLocation { date: Date, since: Date },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_parse_both_ways() {
        assert_eq!(SizeClass::parse("规模以上"), Some(SizeClass::AboveScale));
        assert_eq!(SizeClass::parse("below_scale"), Some(SizeClass::BelowScale));
        assert_eq!(
            HighTechField::parse("新材料"),
            Some(HighTechField::NewMaterials)
        );
        assert_eq!(
            RegistrationType::parse("私营企业"),
            Some(RegistrationType::Private)
        );
        assert_eq!(Tier::parse("高新技术企业"), Some(Tier::HighTech));
        assert_eq!(Tier::parse("big"), None);
    }
}
