//! The life of a filing: draft → submitted → approved or returned (with a reason) by the
//! park → locked when the zone closes the period; zone staff may reopen a locked filing,
//! with a reason. Every step is a new revision; nothing is changed in place.

use serde::{Deserialize, Serialize};
use thiserror::Error;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FilingStatus {
    Draft,
    Submitted,
    Returned,
    Approved,
}

impl FilingStatus {
    pub const ALL: [FilingStatus; 4] = [
        FilingStatus::Draft,
        FilingStatus::Submitted,
        FilingStatus::Returned,
        FilingStatus::Approved,
    ];

    pub fn code(self) -> &'static str {
        match self {
            FilingStatus::Draft => "draft",
            FilingStatus::Submitted => "submitted",
            FilingStatus::Returned => "returned",
            FilingStatus::Approved => "approved",
        }
    }

    pub fn parse(input: &str) -> Option<FilingStatus> {
        FilingStatus::ALL
            .into_iter()
            .find(|s| s.code() == input.trim())
    }
}

/// Where a filing stands: its status, and whether the period's closing locked it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FilingState {
    pub status: FilingStatus,
    pub locked: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FilingAction {
    SaveDraft,
    Submit,
    Approve,
    Return,
    Lock,
    Reopen,
}

impl FilingAction {
    pub fn code(self) -> &'static str {
        match self {
            FilingAction::SaveDraft => "save_draft",
            FilingAction::Submit => "submit",
            FilingAction::Approve => "approve",
            FilingAction::Return => "return",
            FilingAction::Lock => "lock",
            FilingAction::Reopen => "reopen",
        }
    }

    pub fn parse(input: &str) -> Option<FilingAction> {
        [
            FilingAction::SaveDraft,
            FilingAction::Submit,
            FilingAction::Approve,
            FilingAction::Return,
            FilingAction::Lock,
            FilingAction::Reopen,
        ]
        .into_iter()
        .find(|a| a.code() == input.trim())
    }

    /// Whether the action must say why.
    pub fn needs_reason(self) -> bool {
        matches!(self, FilingAction::Return | FilingAction::Reopen)
    }

    /// Whether the action carries new values.
    pub fn changes_values(self) -> bool {
        matches!(self, FilingAction::SaveDraft | FilingAction::Submit)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum LifecycleError {
    #[error("the filing is locked: the period is closed")]
    Locked,
    #[error("the period is closed")]
    PeriodClosed,
    #[error("a {action:?} is not possible on a {status:?} filing")]
    NotAllowed {
        action: FilingAction,
        status: FilingStatus,
    },
    #[error("the filing is not locked")]
    NotLocked,
    #[error("a reason is required")]
    ReasonRequired,
}

impl FilingState {
    /// The state of a filing that does not exist yet, for the first save or submission.
    pub fn new_filing(
        action: FilingAction,
        period_closed: bool,
    ) -> Result<FilingState, LifecycleError> {
        if period_closed {
            return Err(LifecycleError::PeriodClosed);
        }
        match action {
            FilingAction::SaveDraft => Ok(FilingState {
                status: FilingStatus::Draft,
                locked: false,
            }),
            FilingAction::Submit => Ok(FilingState {
                status: FilingStatus::Submitted,
                locked: false,
            }),
            other => Err(LifecycleError::NotAllowed {
                action: other,
                status: FilingStatus::Draft,
            }),
        }
    }

    /// The state after `action`. `period_closed` makes an approval lock at once, since
    /// a closed period only takes back a filing to put it right.
    pub fn after(
        self,
        action: FilingAction,
        reason: Option<&str>,
        period_closed: bool,
    ) -> Result<FilingState, LifecycleError> {
        use FilingStatus::*;
        if action.needs_reason() && reason.is_none_or(|r| r.trim().is_empty()) {
            return Err(LifecycleError::ReasonRequired);
        }
        if action == FilingAction::Reopen {
            return if self.locked {
                Ok(FilingState {
                    status: Returned,
                    locked: false,
                })
            } else {
                Err(LifecycleError::NotLocked)
            };
        }
        if self.locked {
            return Err(LifecycleError::Locked);
        }
        let not_allowed = Err(LifecycleError::NotAllowed {
            action,
            status: self.status,
        });
        let status = match (action, self.status) {
            (FilingAction::Lock, s) => {
                return Ok(FilingState {
                    status: s,
                    locked: true,
                });
            }
            // A draft stays a draft; a returned filing stays returned until resubmitted.
            (FilingAction::SaveDraft, Draft | Returned) => self.status,
            // Resubmitting before review replaces the submission (the earlier one is kept).
            (FilingAction::Submit, Draft | Returned | Submitted) => Submitted,
            (FilingAction::Approve, Submitted) => Approved,
            (FilingAction::Return, Submitted | Approved) => Returned,
            _ => return not_allowed,
        };
        Ok(FilingState {
            status,
            locked: period_closed && status == Approved,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use FilingAction::*;
    use FilingStatus::*;

    fn state(status: FilingStatus) -> FilingState {
        FilingState {
            status,
            locked: false,
        }
    }

    #[test]
    fn the_normal_path() {
        let s = FilingState::new_filing(SaveDraft, false).unwrap();
        assert_eq!(s, state(Draft));
        let s = s.after(SaveDraft, None, false).unwrap();
        let s = s.after(Submit, None, false).unwrap();
        assert_eq!(s, state(Submitted));
        let s = s
            .after(Return, Some("营业收入与上年差异过大"), false)
            .unwrap();
        assert_eq!(s, state(Returned));
        let s = s.after(SaveDraft, None, false).unwrap();
        assert_eq!(
            s,
            state(Returned),
            "a returned filing stays returned until resubmitted"
        );
        let s = s
            .after(Submit, None, false)
            .unwrap()
            .after(Approve, None, false)
            .unwrap();
        assert_eq!(s, state(Approved));
        let s = s.after(Lock, None, false).unwrap();
        assert_eq!(
            s,
            FilingState {
                status: Approved,
                locked: true
            }
        );
    }

    #[test]
    fn locked_filings_change_only_after_a_reasoned_reopening() {
        let locked = FilingState {
            status: Approved,
            locked: true,
        };
        for action in [SaveDraft, Submit, Approve, Lock] {
            assert_eq!(
                locked.after(action, None, true),
                Err(LifecycleError::Locked),
                "{action:?}"
            );
        }
        assert_eq!(
            locked.after(Return, Some("x"), true),
            Err(LifecycleError::Locked)
        );
        assert_eq!(
            locked.after(Reopen, None, true),
            Err(LifecycleError::ReasonRequired)
        );
        assert_eq!(
            locked.after(Reopen, Some("  "), true),
            Err(LifecycleError::ReasonRequired)
        );
        let reopened = locked
            .after(Reopen, Some("企业更正研发数据"), true)
            .unwrap();
        assert_eq!(reopened, state(Returned));
        // Approved again in the closed period: locked again at once.
        let again = reopened
            .after(Submit, None, true)
            .unwrap()
            .after(Approve, None, true)
            .unwrap();
        assert_eq!(
            again,
            FilingState {
                status: Approved,
                locked: true
            }
        );
        assert_eq!(
            state(Draft).after(Reopen, Some("x"), false),
            Err(LifecycleError::NotLocked)
        );
    }

    #[test]
    fn reviews_need_a_submission_and_returns_a_reason() {
        assert!(matches!(
            state(Draft).after(Approve, None, false),
            Err(LifecycleError::NotAllowed { .. })
        ));
        assert!(matches!(
            state(Returned).after(Approve, None, false),
            Err(LifecycleError::NotAllowed { .. })
        ));
        assert!(matches!(
            state(Approved).after(SaveDraft, None, false),
            Err(LifecycleError::NotAllowed { .. })
        ));
        assert!(matches!(
            state(Approved).after(Submit, None, false),
            Err(LifecycleError::NotAllowed { .. })
        ));
        assert_eq!(
            state(Submitted).after(Return, None, false),
            Err(LifecycleError::ReasonRequired)
        );
        assert_eq!(
            state(Approved).after(Return, Some("复核发现错误"), false),
            Ok(state(Returned))
        );
        assert_eq!(
            FilingState::new_filing(Submit, true),
            Err(LifecycleError::PeriodClosed)
        );
        assert!(FilingState::new_filing(Approve, false).is_err());
    }
}
