//! How long a participant's record is kept (GDPR article 5(1)(e)).
//!
//! An organisation sets two periods. A participant who exited is kept for
//! `months_after_exit` months after the exit date: long enough to follow up the
//! result and answer questions about it, no longer. Someone who never exited
//! (dropped out without an exit being recorded) would otherwise be kept for
//! ever, so they are kept for `months_inactive` months after the last sign of
//! life in the record: the later of the intake date and the last check-in.
//! The rule is plain date arithmetic, here, so the command line, the daily run
//! and the admin page agree on it and it can be tested without a database.

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

/// Default months a record is kept after the exit date.
pub const DEFAULT_MONTHS_AFTER_EXIT: u32 = 24;

/// Default months a record without an exit is kept after its last activity.
pub const DEFAULT_MONTHS_INACTIVE: u32 = 36;

/// The longest period an organisation may set (20 years).
pub const MAX_MONTHS: u32 = 240;

/// An organisation's retention periods.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetentionPolicy {
    pub months_after_exit: u32,
    pub months_inactive: u32,
}

impl Default for RetentionPolicy {
    fn default() -> Self {
        Self {
            months_after_exit: DEFAULT_MONTHS_AFTER_EXIT,
            months_inactive: DEFAULT_MONTHS_INACTIVE,
        }
    }
}

/// Why a record is due for erasure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RetentionReason {
    /// The period after the exit date has ended.
    AfterExit,
    /// No exit was recorded and the record has been inactive for the period.
    Inactive,
}

impl RetentionReason {
    /// A short code for the audit log and the command line.
    pub fn code(self) -> &'static str {
        match self {
            Self::AfterExit => "after-exit",
            Self::Inactive => "inactive",
        }
    }

    /// Swedish label for the admin page and the command line.
    pub fn label(self) -> &'static str {
        match self {
            Self::AfterExit => "tiden efter avslut är slut",
            Self::Inactive => "inaktiv utan avslut",
        }
    }
}

/// What a participant's record holds that decides when it goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordDates {
    pub intake: NaiveDate,
    pub exit: Option<NaiveDate>,
    pub last_check_in: Option<NaiveDate>,
}

impl RetentionPolicy {
    /// Checks periods typed by an admin.
    pub fn new(months_after_exit: u32, months_inactive: u32) -> Result<Self, RetentionError> {
        for months in [months_after_exit, months_inactive] {
            if !(1..=MAX_MONTHS).contains(&months) {
                return Err(RetentionError::OutOfRange);
            }
        }
        Ok(Self {
            months_after_exit,
            months_inactive,
        })
    }

    /// The first day the record may be erased, and why.
    pub fn erase_from(&self, dates: RecordDates) -> (NaiveDate, RetentionReason) {
        match dates.exit {
            Some(exit) => (
                add_months(exit, self.months_after_exit),
                RetentionReason::AfterExit,
            ),
            None => {
                let last = dates
                    .last_check_in
                    .map_or(dates.intake, |d| d.max(dates.intake));
                (
                    add_months(last, self.months_inactive),
                    RetentionReason::Inactive,
                )
            }
        }
    }

    /// Whether the record is due for erasure on `today`, and why.
    pub fn due(&self, dates: RecordDates, today: NaiveDate) -> Option<RetentionReason> {
        let (from, reason) = self.erase_from(dates);
        (today >= from).then_some(reason)
    }
}

/// A retention setting that cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RetentionError {
    #[error("Skriv ett antal månader mellan 1 och 240.")]
    OutOfRange,
}

/// `date` plus whole months; the last day of a shorter month when the day
/// does not exist (31 January + 1 month = 28 or 29 February).
fn add_months(date: NaiveDate, months: u32) -> NaiveDate {
    date.checked_add_months(Months::new(months))
        .unwrap_or(NaiveDate::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or(NaiveDate::MIN)
    }

    #[test]
    fn an_exited_record_goes_the_set_months_after_the_exit() {
        let policy = RetentionPolicy::default();
        let dates = RecordDates {
            intake: d(2023, 1, 10),
            exit: Some(d(2024, 3, 31)),
            last_check_in: Some(d(2024, 3, 30)),
        };
        assert_eq!(
            policy.erase_from(dates),
            (d(2026, 3, 31), RetentionReason::AfterExit)
        );
        assert_eq!(policy.due(dates, d(2026, 3, 30)), None);
        assert_eq!(
            policy.due(dates, d(2026, 3, 31)),
            Some(RetentionReason::AfterExit)
        );
    }

    #[test]
    fn a_record_without_exit_goes_after_its_last_activity() {
        let policy = RetentionPolicy::new(24, 12).unwrap_or_default();
        let never_answered = RecordDates {
            intake: d(2024, 5, 2),
            exit: None,
            last_check_in: None,
        };
        assert_eq!(
            policy.erase_from(never_answered),
            (d(2025, 5, 2), RetentionReason::Inactive)
        );
        let answered_later = RecordDates {
            last_check_in: Some(d(2024, 11, 20)),
            ..never_answered
        };
        assert_eq!(policy.erase_from(answered_later).0, d(2025, 11, 20));
        assert_eq!(policy.due(answered_later, d(2025, 6, 1)), None);
    }

    #[test]
    fn the_end_of_a_month_stays_in_the_month() {
        assert_eq!(add_months(d(2024, 1, 31), 1), d(2024, 2, 29));
        assert_eq!(add_months(d(2023, 1, 31), 13), d(2024, 2, 29));
    }

    #[test]
    fn periods_must_be_between_one_month_and_twenty_years() {
        assert_eq!(RetentionPolicy::new(0, 12), Err(RetentionError::OutOfRange));
        assert_eq!(
            RetentionPolicy::new(12, 241),
            Err(RetentionError::OutOfRange)
        );
        assert!(RetentionPolicy::new(1, 240).is_ok());
    }
}
