//! A whole registry in one value, referring to units by code: what the example generator
//! produces and what a store loads in bulk.

use serde::Serialize;
use time::Date;

use super::credit_code::CreditCode;
use super::enterprise::EnterpriseDraft;
use super::tier::Recognition;
use super::unit::{UnitCode, UnitDraft};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DatasetMembership {
    pub child: UnitCode,
    pub parent: UnitCode,
    pub from: Date,
    pub until: Option<Date>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DatasetLocation {
    pub park: UnitCode,
    pub from: Date,
    pub until: Option<Date>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DatasetEnterprise {
    pub draft: EnterpriseDraft,
    /// In date order; only the last may be open.
    pub locations: Vec<DatasetLocation>,
    pub recognitions: Vec<Recognition>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Dataset {
    pub units: Vec<UnitDraft>,
    pub memberships: Vec<DatasetMembership>,
    pub enterprises: Vec<DatasetEnterprise>,
}

impl Dataset {
    pub fn credit_codes(&self) -> impl Iterator<Item = &CreditCode> {
        self.enterprises.iter().map(|e| &e.draft.credit_code)
    }
}
