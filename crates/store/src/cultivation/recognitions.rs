//! What the store keeps of recognitions (认定): each certificate's current version, where
//! it came from and who recorded it, and every earlier version of it.
//!
//! History: a recognition is corrected (a wrong date, a revoked certificate's expiry
//! brought forward) by recording a new version that names the one it corrects; the store
//! copies the earlier version into the history, with who replaced it and when, before it
//! changes the current one, in the same transaction. Nothing is deleted.

use async_trait::async_trait;
use innozone_domain::Date;
use innozone_domain::registry::{CreditCode, EnterpriseId, Recognition, Tier, UnitId};
use serde::Serialize;

use crate::{Actor, StoreResult};

/// Where a recognition came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RecognitionSource {
    /// Loaded with a data set (the built-in example).
    Example,
    /// Imported from a workbook.
    Imported,
    /// Entered on a form.
    Entered,
}

impl RecognitionSource {
    pub const ALL: [RecognitionSource; 3] = [
        RecognitionSource::Example,
        RecognitionSource::Imported,
        RecognitionSource::Entered,
    ];

    pub fn code(self) -> &'static str {
        match self {
            RecognitionSource::Example => "example",
            RecognitionSource::Imported => "imported",
            RecognitionSource::Entered => "entered",
        }
    }

    pub fn from_code(code: &str) -> Option<RecognitionSource> {
        RecognitionSource::ALL
            .into_iter()
            .find(|s| s.code() == code)
    }
}

/// A recognition to record: a new certificate, or a new version of a recorded one.
#[derive(Debug, Clone, PartialEq)]
pub struct NewRecognition {
    pub enterprise: EnterpriseId,
    pub recognition: Recognition,
    /// 发证机关, if known.
    pub authority: Option<String>,
    pub source: RecognitionSource,
    /// The id of the current recognition this one corrects (same enterprise, tier and
    /// certificate), or `None` for a new certificate.
    pub corrects: Option<i64>,
}

/// When and by whom a version was replaced by a later one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Replaced {
    pub at: i64,
    pub by: String,
}

/// A recorded recognition: the current version, or an earlier one (`replaced` set).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecognitionRecord {
    /// The recognition's id; earlier versions carry the id of the recognition they were.
    pub id: i64,
    pub enterprise: EnterpriseId,
    pub recognition: Recognition,
    pub authority: Option<String>,
    pub source: RecognitionSource,
    pub recorded_at: i64,
    pub recorded_by: String,
    pub replaced: Option<Replaced>,
}

/// A current recognition with the enterprise it belongs to, for lists across enterprises.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ListedRecognition {
    pub record: RecognitionRecord,
    pub credit_code: CreditCode,
    pub name: String,
    /// Where the enterprise is located now (its open location), if anywhere.
    pub park: Option<UnitId>,
}

/// What a write did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct RecordedRecognitions {
    pub created: u64,
    pub corrected: u64,
}

#[async_trait]
pub trait RecognitionStore: Send + Sync {
    /// An enterprise's current recognitions (whatever their expiry), by issue date.
    async fn recognitions(&self, id: EnterpriseId) -> StoreResult<Vec<Recognition>>;

    /// Records recognitions, all or none, with an audit entry each (`recognition.create`,
    /// `recognition.correct` with the version before). Refused, with nothing written:
    /// `Duplicate` (entity `recognition`, key `tier/certificate`) for a new certificate
    /// whose number is already recorded in its tier or given twice;
    /// `NotFound` (entity `enterprise`) for an unknown enterprise; `NotFound` (entity
    /// `recognition`) when `corrects` names no current recognition of the same
    /// enterprise, tier and certificate.
    async fn record_recognitions(
        &self,
        entries: &[NewRecognition],
        actor: &Actor,
    ) -> StoreResult<RecordedRecognitions>;

    /// An enterprise's recognitions: the current versions ordered by issue date, then the
    /// earlier versions, oldest first.
    async fn recognition_history(
        &self,
        enterprise: EnterpriseId,
    ) -> StoreResult<Vec<RecognitionRecord>>;

    /// The current recognitions recorded under the given tiers and certificate numbers,
    /// for planning an import.
    async fn recognitions_by_certificate(
        &self,
        keys: &[(Tier, String)],
    ) -> StoreResult<Vec<RecognitionRecord>>;

    /// The current recognitions whose certificate expires on a day from `from` to `to`
    /// (both included), ordered by expiry, then tier and certificate.
    async fn recognitions_expiring(
        &self,
        from: Date,
        to: Date,
    ) -> StoreResult<Vec<ListedRecognition>>;
}
