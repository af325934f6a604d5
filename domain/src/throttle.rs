//! How many wrong passwords, access codes and PINs are allowed before a lockout.
//!
//! Staff log in with passwords and participants with short access codes and
//! PINs, all of which can be guessed given enough tries. The store records each
//! failed attempt with its time; this module decides, as a pure function of those
//! times, whether the next attempt may be tried. Keeping it pure means the exact
//! count that locks ("the fifth failure, not the fourth") is tested here rather
//! than discovered in production.
//!
//! # Rule
//!
//! Failures are taken in time order. A failure counts while it is less than
//! `window` old at the time of the next one. When `max_failures` counted failures
//! have piled up, the attempt is locked until `lockout` after the failure that
//! reached the limit. When the lock ends, the failures that caused it (and any
//! recorded while it lasted) no longer count, so the person starts again from
//! zero. A failure exactly `window` old, or a lock exactly at its end, no longer
//! applies.
//!
//! The lock is decided from the failures themselves, not from failures "in the
//! last window" only: with a lockout longer than the window (as for access
//! codes), the failures behind a lock may be older than the window while the
//! lock still lasts. Pass the failures since `now − policy.lookback()`.

use chrono::{DateTime, Duration, Utc};

/// How many failures within how long lock for how long.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ThrottlePolicy {
    /// The failure that brings the count to this number locks. Zero is read as one.
    pub max_failures: u32,
    /// How long a failure keeps counting.
    pub window: Duration,
    /// How long the lock lasts after the failure that reached the limit.
    pub lockout: Duration,
}

/// Whether an attempt may be made now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Throttle {
    /// Go ahead; `remaining` more failures are allowed before a lock (at least 1).
    Allowed { remaining: u32 },
    /// Refuse without checking the password or code, and say when to try again.
    Locked { until: DateTime<Utc> },
}

impl Throttle {
    /// Whether the attempt may be made.
    pub fn is_allowed(&self) -> bool {
        matches!(self, Self::Allowed { .. })
    }
}

/// Per staff account: stops guessing one person's password, and is short enough
/// that a colleague who mistypes is not shut out for long.
pub const LOGIN_PER_ACCOUNT: ThrottlePolicy = ThrottlePolicy {
    max_failures: 5,
    window: Duration::minutes(15),
    lockout: Duration::minutes(15),
};

/// Per network address: stops trying one password against many accounts, while
/// leaving room for an office where several people share one address.
pub const LOGIN_PER_ADDRESS: ThrottlePolicy = ThrottlePolicy {
    max_failures: 20,
    window: Duration::minutes(15),
    lockout: Duration::minutes(15),
};

/// Per network address for participant access codes: codes are short, so
/// guessing is limited harder and locked longer.
pub const CODE_PER_ADDRESS: ThrottlePolicy = ThrottlePolicy {
    max_failures: 10,
    window: Duration::minutes(15),
    lockout: Duration::minutes(30),
};

/// Wrong PINs in a row after which a participant's device is locked for good; the
/// participant then gets a new access code from their case manager. A 4-digit
/// PIN has 10 000 values, so five guesses give a 1 in 2 000 chance.
pub const PIN_MAX_FAILURES: u32 = 5;

impl ThrottlePolicy {
    /// How far back failures can matter: the store needs to pass only failures
    /// since `now − lookback()`.
    pub fn lookback(&self) -> Duration {
        self.window + self.lockout
    }

    /// Decides whether an attempt may be made at `now`, given the times of
    /// earlier failures (in any order). Failures after `now` are ignored. Attempts
    /// refused because of a lock need not be recorded; if they are, they neither
    /// extend the lock nor count afterwards.
    pub fn decide(&self, recent_failures: &[DateTime<Utc>], now: DateTime<Utc>) -> Throttle {
        let max = usize::try_from(self.max_failures.max(1)).unwrap_or(usize::MAX);
        let mut failures: Vec<DateTime<Utc>> = recent_failures
            .iter()
            .copied()
            .filter(|&f| f <= now)
            .collect();
        failures.sort_unstable();

        let mut counted: Vec<DateTime<Utc>> = Vec::new();
        let mut locked_until: Option<DateTime<Utc>> = None;
        for failure in failures {
            if locked_until.is_some_and(|until| failure < until) {
                continue;
            }
            counted.retain(|&c| failure - c < self.window);
            counted.push(failure);
            if counted.len() >= max {
                locked_until = Some(failure + self.lockout);
                counted.clear();
            }
        }
        if let Some(until) = locked_until.filter(|&until| now < until) {
            return Throttle::Locked { until };
        }
        counted.retain(|&c| now - c < self.window);
        let used = u32::try_from(counted.len()).unwrap_or(u32::MAX);
        Throttle::Allowed {
            remaining: self.max_failures.max(1).saturating_sub(used),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2025, 6, 15, 9, 0, 0).unwrap()
    }

    fn at(minutes: i64) -> DateTime<Utc> {
        t0() + Duration::minutes(minutes)
    }

    /// Failures one minute apart, starting at t0.
    fn failures(n: i64) -> Vec<DateTime<Utc>> {
        (0..n).map(at).collect()
    }

    #[test]
    fn no_failures_allows_the_full_count() {
        assert_eq!(
            LOGIN_PER_ACCOUNT.decide(&[], t0()),
            Throttle::Allowed { remaining: 5 }
        );
    }

    #[test]
    fn the_fifth_failure_locks_and_the_fourth_does_not() {
        let p = LOGIN_PER_ACCOUNT;
        assert_eq!(
            p.decide(&failures(4), at(4)),
            Throttle::Allowed { remaining: 1 }
        );
        // The fifth failure is at minute 4: locked for 15 minutes from it.
        assert_eq!(
            p.decide(&failures(5), at(4)),
            Throttle::Locked { until: at(19) }
        );
        assert!(!p.decide(&failures(5), at(5)).is_allowed());
    }

    #[test]
    fn remaining_counts_down() {
        let p = LOGIN_PER_ACCOUNT;
        for n in 0..5 {
            assert_eq!(
                p.decide(&failures(n), at(5)),
                Throttle::Allowed {
                    remaining: 5 - u32::try_from(n).unwrap()
                }
            );
        }
    }

    #[test]
    fn the_lock_ends_after_the_lockout() {
        let p = LOGIN_PER_ACCOUNT;
        assert!(!p.decide(&failures(5), at(18)).is_allowed());
        // Exactly at the end of the lock, and later: allowed again, from zero.
        assert_eq!(
            p.decide(&failures(5), at(19)),
            Throttle::Allowed { remaining: 5 }
        );
        assert_eq!(
            p.decide(&failures(5), at(60)),
            Throttle::Allowed { remaining: 5 }
        );
    }

    #[test]
    fn failures_older_than_the_window_do_not_count() {
        let p = LOGIN_PER_ACCOUNT;
        // Four failures long ago and one now: not five in fifteen minutes.
        let mut list: Vec<_> = (0..4).map(|i| at(i - 100)).collect();
        list.push(at(0));
        assert_eq!(p.decide(&list, at(0)), Throttle::Allowed { remaining: 4 });
        // A failure exactly fifteen minutes old has stopped counting.
        assert_eq!(
            p.decide(&[at(0)], at(15)),
            Throttle::Allowed { remaining: 5 }
        );
        assert_eq!(
            p.decide(&[at(0)], at(14)),
            Throttle::Allowed { remaining: 4 }
        );
    }

    #[test]
    fn slow_guessing_inside_the_window_still_locks() {
        // Five failures three minutes apart: the first is 12 minutes old at the fifth.
        let list: Vec<_> = (0..5).map(|i| at(3 * i)).collect();
        assert_eq!(
            LOGIN_PER_ACCOUNT.decide(&list, at(12)),
            Throttle::Locked { until: at(27) }
        );
        // Four minutes apart: the first has dropped out by the fifth (16 minutes).
        let list: Vec<_> = (0..5).map(|i| at(4 * i)).collect();
        assert_eq!(
            LOGIN_PER_ACCOUNT.decide(&list, at(16)),
            Throttle::Allowed { remaining: 1 }
        );
    }

    #[test]
    fn order_of_the_failures_does_not_matter() {
        let mut list = failures(5);
        list.reverse();
        assert_eq!(
            LOGIN_PER_ACCOUNT.decide(&list, at(4)),
            Throttle::Locked { until: at(19) }
        );
    }

    #[test]
    fn failures_during_a_lock_do_not_extend_it() {
        let mut list = failures(5);
        list.extend([at(10), at(11), at(12)]);
        assert_eq!(
            LOGIN_PER_ACCOUNT.decide(&list, at(12)),
            Throttle::Locked { until: at(19) }
        );
        // And they do not count once the lock is over.
        assert_eq!(
            LOGIN_PER_ACCOUNT.decide(&list, at(19)),
            Throttle::Allowed { remaining: 5 }
        );
    }

    #[test]
    fn failing_again_after_a_lock_locks_again() {
        let mut list = failures(5);
        list.extend((0..5).map(|i| at(20 + i)));
        assert_eq!(
            LOGIN_PER_ACCOUNT.decide(&list, at(24)),
            Throttle::Locked { until: at(39) }
        );
        // One failure after the lock leaves four.
        let mut list = failures(5);
        list.push(at(20));
        assert_eq!(
            LOGIN_PER_ACCOUNT.decide(&list, at(21)),
            Throttle::Allowed { remaining: 4 }
        );
    }

    #[test]
    fn a_lockout_longer_than_the_window_lasts_its_full_length() {
        let p = CODE_PER_ADDRESS;
        let list = failures(10);
        // The tenth failure (minute 9) locks for 30 minutes, although by minute 30
        // every failure is older than the 15-minute window.
        assert_eq!(p.decide(&list, at(9)), Throttle::Locked { until: at(39) });
        assert_eq!(p.decide(&list, at(38)), Throttle::Locked { until: at(39) });
        assert_eq!(p.decide(&list, at(39)), Throttle::Allowed { remaining: 10 });
        assert_eq!(
            p.decide(&failures(9), at(9)),
            Throttle::Allowed { remaining: 1 }
        );
        assert!(p.lookback() >= p.lockout + p.window);
    }

    #[test]
    fn address_limit_is_twenty_within_the_window() {
        let p = LOGIN_PER_ADDRESS;
        // Twenty failures thirty seconds apart fit in 15 minutes.
        let quick: Vec<_> = (0..20).map(|i| t0() + Duration::seconds(30 * i)).collect();
        let last = quick[19];
        assert_eq!(
            p.decide(&quick[..19], last),
            Throttle::Allowed { remaining: 1 }
        );
        assert_eq!(
            p.decide(&quick, last),
            Throttle::Locked {
                until: last + Duration::minutes(15)
            }
        );
        // One a minute never has twenty inside fifteen minutes.
        assert_eq!(
            p.decide(&failures(20), at(19)),
            Throttle::Allowed { remaining: 5 }
        );
    }

    #[test]
    fn future_failures_are_ignored() {
        assert_eq!(
            LOGIN_PER_ACCOUNT.decide(&failures(5), at(-1)),
            Throttle::Allowed { remaining: 5 }
        );
    }

    #[test]
    fn zero_max_failures_is_read_as_one() {
        let p = ThrottlePolicy {
            max_failures: 0,
            ..LOGIN_PER_ACCOUNT
        };
        assert_eq!(p.decide(&[], t0()), Throttle::Allowed { remaining: 1 });
        assert_eq!(p.decide(&[t0()], t0()), Throttle::Locked { until: at(15) });
    }

    #[test]
    fn policies_are_the_agreed_ones() {
        assert_eq!(LOGIN_PER_ACCOUNT.max_failures, 5);
        assert_eq!(LOGIN_PER_ACCOUNT.window, Duration::minutes(15));
        assert_eq!(LOGIN_PER_ACCOUNT.lockout, Duration::minutes(15));
        assert_eq!(LOGIN_PER_ADDRESS.max_failures, 20);
        assert_eq!(CODE_PER_ADDRESS.max_failures, 10);
        assert_eq!(CODE_PER_ADDRESS.lockout, Duration::minutes(30));
        assert_eq!(PIN_MAX_FAILURES, 5);
    }
}
