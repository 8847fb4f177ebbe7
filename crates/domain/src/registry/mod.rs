//! The registry of the zone: its units in a dated tree, and its enterprises.

pub mod credit_code;
pub mod dataset;
pub mod enterprise;
pub mod hierarchy;
pub mod import;
pub mod industry;
pub mod tier;
pub mod unit;

pub use credit_code::{CreditCode, CreditCodeError};
pub use dataset::{Dataset, DatasetEnterprise, DatasetLocation, DatasetMembership};
pub use enterprise::{
    Enterprise, EnterpriseDraft, EnterpriseError, EnterpriseId, HighTechField, Location,
    RegistrationType, SizeClass,
};
pub use hierarchy::{Hierarchy, HierarchyError, Membership, Tree};
pub use industry::{IndustryCode, IndustryCodeError, IndustrySection};
pub use tier::{Recognition, Tier};
pub use unit::{SpatialRole, Unit, UnitCode, UnitDraft, UnitError, UnitId, UnitKind};
