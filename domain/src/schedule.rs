//! When each occasion is due, when it can be answered, and what has been missed.
//!
//! Follow-up only works if participants are asked at the right time and if an
//! unanswered occasion is *recorded as missed* rather than silently skipped: a
//! dropout is itself an outcome, and a series with holes that nobody sees gives
//! misleading statistics. Putting the rules in one pure function of dates lets the
//! participant's start page, the caseload screens and the statistics agree.
//!
//! # Rules
//!
//! - **Intake** is due on the participant's start date. It can be answered from
//!   `before_days` before the start date to `after_days` after it.
//! - **Follow-up n** (n = 1, 2, …) is due `3 × n` calendar months after the start
//!   date, each computed from the start date rather than from the previous follow-up,
//!   and clamped to the last day of a shorter month: a start on 31 January gives
//!   30 April, then 31 July (not 30 July); 29 February 2024 gives 29 May 2024 and,
//!   for follow-up 4, 28 February 2025. It is open from `before_days` before its due
//!   date to `after_days` after it, both days included.
//! - **Exit** is due on the exit date, when one is recorded. It opens on that day
//!   (not earlier: the participant has not left yet) and stays open `after_days`
//!   after it. No follow-up is scheduled on or after the exit date. An exit date
//!   before the start date is treated as the start date.
//! - **Windows never overlap**, so at most one occasion can be answered on any day.
//!   When windows would overlap (very large windows), the earlier occasion's window
//!   ends the day before the next one opens. A window also never opens before the day
//!   after the previous occasion's due date, so every occasion is still open on its
//!   own due date. The one exception is an exit on the start date itself: the exit
//!   opens that day, so the intake window ends the day before (it keeps only its
//!   early part) and, unless answered early, the intake is reported as missed.
//! - An occasion whose window has closed without an answer is **missed**, and is
//!   listed as such on every later day.
//!
//! Answers are matched by `(kind, number)`; intake and exit use number 0, and since
//! there is only one of each their number is not compared.

use crate::occasion::OccasionKind;
use chrono::{Days, Months, NaiveDate};
use serde::{Deserialize, Serialize};

/// Calendar months between follow-ups, fixed by the programmes' reporting rhythm.
pub const MONTHS_BETWEEN_FOLLOW_UPS: u32 = 3;

/// How long before and after its due date an occasion can be answered.
///
/// Configurable per programme because participants' lives are irregular: a wider
/// window catches more answers, a narrower one keeps the follow-ups comparable.
/// Missing fields in a programme file fall back to the defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default)]
pub struct Window {
    /// Days before the due date from which the occasion can be answered
    /// (not used for exit, which opens on the exit date).
    pub before_days: u32,
    /// Days after the due date the occasion can still be answered, the due date
    /// not counted: with 28 the last day is due date + 28.
    pub after_days: u32,
}

impl Window {
    /// Two weeks before and four weeks after: room for a missed appointment or a
    /// sick week without letting a three-monthly follow-up drift by a month.
    pub const DEFAULT: Window = Window {
        before_days: 14,
        after_days: 28,
    };
}

impl Default for Window {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// One occasion with its dates, so screens can say both what is asked and until when.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ScheduledOccasion {
    /// Intake, follow-up or exit.
    pub kind: OccasionKind,
    /// 0 for intake and exit, n for follow-up n, so answers can be matched to it.
    pub number: u32,
    /// The day the occasion belongs to: start date, start + 3n months, or exit date.
    pub due: NaiveDate,
    /// First day it can be answered.
    pub opens: NaiveDate,
    /// Last day it can be answered (inclusive).
    pub closes: NaiveDate,
}

impl ScheduledOccasion {
    /// The `(kind, number)` under which answers to this occasion are stored.
    pub fn key(&self) -> (OccasionKind, u32) {
        (self.kind, self.number)
    }

    /// Whether an answer recorded as `(kind, number)` belongs to this occasion.
    /// Intake and exit happen once, so their number is not compared; this keeps a
    /// stray `(Intake, 1)` from making the intake look unanswered.
    pub fn matches(&self, kind: OccasionKind, number: u32) -> bool {
        kind == self.kind && (kind != OccasionKind::FollowUp || number == self.number)
    }

    /// Whether the occasion can be answered on `date`, answered or not; the server
    /// uses this to accept or refuse a submission.
    pub fn is_open_on(&self, date: NaiveDate) -> bool {
        self.opens <= date && date <= self.closes
    }

    /// Classifies the occasion on `date`, for caseload screens that colour each
    /// participant's occasions. See [`DueState`] for the states.
    pub fn state_on(&self, date: NaiveDate, answered: bool) -> DueState {
        if answered {
            DueState::Answered
        } else if date < self.opens {
            DueState::Upcoming
        } else if date > self.closes {
            DueState::Missed
        } else if date > self.due {
            DueState::Overdue
        } else {
            DueState::Open
        }
    }
}

/// Where an occasion stands on a given day, so staff can see whom to remind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DueState {
    /// Not answered and its window has not opened yet.
    Upcoming,
    /// Not answered, open, and the due date has not passed (includes the due date).
    Open,
    /// Not answered, still open, but past its due date: a reminder is worth sending.
    /// For intake this starts the day after the start date, for exit the day after
    /// the exit date.
    Overdue,
    /// Not answered and the window has closed: recorded as missed, never skipped.
    Missed,
    /// An answer is recorded, whenever it was given.
    Answered,
}

/// One participant's occasion plan: everything needed to compute what is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Schedule {
    /// The participant's start date: intake is due on it, follow-ups count from it.
    pub intake: NaiveDate,
    /// The exit date, once the participant has left or is known to leave.
    pub exit: Option<NaiveDate>,
    /// The programme's answering window.
    #[serde(default)]
    pub window: Window,
}

/// What a participant should be asked on a given day, and what has slipped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScheduleStatus {
    /// The occasion that is open on the day and not yet answered, if any.
    pub open_now: Option<ScheduledOccasion>,
    /// The first unanswered occasion whose window has not opened yet, so the
    /// participant can be told when to come back. `None` after exit.
    pub next: Option<ScheduledOccasion>,
    /// Occasions whose window closed before the day without an answer, oldest first.
    pub missed: Vec<ScheduledOccasion>,
}

impl Schedule {
    /// A schedule with the default window and no exit, as at enrolment.
    pub fn new(intake: NaiveDate) -> Self {
        Self {
            intake,
            exit: None,
            window: Window::DEFAULT,
        }
    }

    /// Due date of follow-up `number` for a start on `intake`: start + 3·n months,
    /// clamped to the month's last day. `None` for number 0 or beyond the calendar.
    pub fn follow_up_due(intake: NaiveDate, number: u32) -> Option<NaiveDate> {
        if number == 0 {
            return None;
        }
        let months = number.checked_mul(MONTHS_BETWEEN_FOLLOW_UPS)?;
        intake.checked_add_months(Months::new(months))
    }

    /// Every occasion whose window has opened by `date` (answered or not, in order),
    /// plus the next one to open, so a timeline can show history and what comes next.
    ///
    /// Before the intake window opens this is just the intake. After the exit
    /// window opens there is nothing more to come.
    pub fn occasions_through(&self, date: NaiveDate) -> Vec<ScheduledOccasion> {
        self.occasions_with_upcoming(date, 1)
    }

    /// The occasion that can be answered on `date`, answered or not (windows never
    /// overlap, so there is at most one).
    pub fn open_on(&self, date: NaiveDate) -> Option<ScheduledOccasion> {
        self.occasions_through(date)
            .into_iter()
            .find(|o| o.is_open_on(date))
    }

    /// Each occasion of [`Schedule::occasions_through`] with its state on `date`,
    /// given the `(kind, number)` pairs that have answers; for caseload timelines.
    pub fn states_on(
        &self,
        date: NaiveDate,
        answered: &[(OccasionKind, u32)],
    ) -> Vec<(ScheduledOccasion, DueState)> {
        self.occasions_through(date)
            .into_iter()
            .map(|o| (o, o.state_on(date, is_answered(&o, answered))))
            .collect()
    }

    /// What is open, what comes next and what was missed on `date`, given the
    /// `(kind, number)` pairs that have answers.
    pub fn status_on(&self, date: NaiveDate, answered: &[(OccasionKind, u32)]) -> ScheduleStatus {
        // An answered occasion can lie ahead (an answer given before the start date
        // was moved); look far enough ahead to find one that is not answered.
        let wanted = answered.len().saturating_add(1);
        let mut status = ScheduleStatus {
            open_now: None,
            next: None,
            missed: Vec::new(),
        };
        for occasion in self.occasions_with_upcoming(date, wanted) {
            match occasion.state_on(date, is_answered(&occasion, answered)) {
                DueState::Open | DueState::Overdue => status.open_now = Some(occasion),
                DueState::Upcoming if status.next.is_none() => status.next = Some(occasion),
                DueState::Missed => status.missed.push(occasion),
                DueState::Upcoming | DueState::Answered => {}
            }
        }
        status
    }

    /// Occasions opened by `date` plus up to `upcoming` that open later, with
    /// windows already separated.
    fn occasions_with_upcoming(&self, date: NaiveDate, upcoming: usize) -> Vec<ScheduledOccasion> {
        let mut all = self.raw_occasions(date, upcoming);
        separate_windows(&mut all);
        let mut later = 0usize;
        all.retain(|o| {
            if o.opens <= date {
                true
            } else {
                later += 1;
                later <= upcoming
            }
        });
        all
    }

    /// Occasions with their unseparated windows, in order, generated until
    /// `upcoming + 1` of them open after `date` (the extra one is needed to cut the
    /// last wanted window) or the schedule ends at exit.
    fn raw_occasions(&self, date: NaiveDate, upcoming: usize) -> Vec<ScheduledOccasion> {
        let Window {
            before_days,
            after_days,
        } = self.window;
        let exit = self.exit.map(|e| e.max(self.intake));
        let mut out = vec![ScheduledOccasion {
            kind: OccasionKind::Intake,
            number: 0,
            due: self.intake,
            opens: minus_days(self.intake, before_days),
            closes: plus_days(self.intake, after_days),
        }];
        // Raw opening dates never decrease, and separating windows only moves them
        // later, so counting raw ones that open after `date` is safe.
        let mut later = usize::from(out.iter().any(|o| o.opens > date));
        let mut number = 1u32;
        while later <= upcoming {
            let follow_up = Self::follow_up_due(self.intake, number)
                .filter(|&due| exit.is_none_or(|exit| due < exit));
            let Some(due) = follow_up else {
                if let Some(exit) = exit {
                    out.push(ScheduledOccasion {
                        kind: OccasionKind::Exit,
                        number: 0,
                        due: exit,
                        opens: exit,
                        closes: plus_days(exit, after_days),
                    });
                }
                break;
            };
            let occasion = ScheduledOccasion {
                kind: OccasionKind::FollowUp,
                number,
                due,
                opens: minus_days(due, before_days),
                closes: plus_days(due, after_days),
            };
            if occasion.opens > date {
                later += 1;
            }
            out.push(occasion);
            let Some(next) = number.checked_add(1) else {
                break;
            };
            number = next;
        }
        out
    }
}

fn is_answered(occasion: &ScheduledOccasion, answered: &[(OccasionKind, u32)]) -> bool {
    answered
        .iter()
        .any(|&(kind, number)| occasion.matches(kind, number))
}

/// Makes windows of consecutive occasions disjoint (see the module docs): a window
/// opens no earlier than the day after the previous due date (when that is not after
/// its own due date), and ends no later than the day before the next one opens.
fn separate_windows(occasions: &mut [ScheduledOccasion]) {
    for i in 1..occasions.len() {
        let previous_due = occasions[i - 1].due;
        let current = &mut occasions[i];
        if let Some(day_after) = previous_due.succ_opt() {
            if day_after <= current.due && current.opens < day_after {
                current.opens = day_after;
            }
        }
    }
    for i in 1..occasions.len() {
        let next_opens = occasions[i].opens;
        let earlier = &mut occasions[i - 1];
        if let Some(day_before) = next_opens.pred_opt() {
            if earlier.closes > day_before {
                earlier.closes = day_before;
            }
        }
    }
}

fn minus_days(date: NaiveDate, days: u32) -> NaiveDate {
    date.checked_sub_days(Days::new(days.into()))
        .unwrap_or(NaiveDate::MIN)
}

fn plus_days(date: NaiveDate, days: u32) -> NaiveDate {
    date.checked_add_days(Days::new(days.into()))
        .unwrap_or(NaiveDate::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use OccasionKind::{Exit, FollowUp, Intake};

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid test date")
    }

    fn due(intake: NaiveDate, n: u32) -> NaiveDate {
        Schedule::follow_up_due(intake, n).expect("in range")
    }

    fn occ(kind: OccasionKind, number: u32, dates: [NaiveDate; 3]) -> ScheduledOccasion {
        let [opens, due, closes] = dates;
        ScheduledOccasion {
            kind,
            number,
            due,
            opens,
            closes,
        }
    }

    fn keys(list: &[ScheduledOccasion]) -> Vec<(OccasionKind, u32)> {
        list.iter().map(ScheduledOccasion::key).collect()
    }

    /// Start 15 January 2025, default window: follow-ups due on the 15th of April,
    /// July, October and January.
    fn jan15() -> Schedule {
        Schedule::new(d(2025, 1, 15))
    }

    #[test]
    fn follow_ups_from_31_january_clamp_without_chaining() {
        let start = d(2025, 1, 31);
        assert_eq!(due(start, 1), d(2025, 4, 30));
        // From the start date, not from 30 April: 31 July.
        assert_eq!(due(start, 2), d(2025, 7, 31));
        assert_eq!(due(start, 3), d(2025, 10, 31));
        assert_eq!(due(start, 4), d(2026, 1, 31));
    }

    #[test]
    fn follow_ups_from_30_november_land_on_the_end_of_february() {
        assert_eq!(due(d(2024, 11, 30), 1), d(2025, 2, 28));
        assert_eq!(due(d(2024, 11, 30), 2), d(2025, 5, 30));
        assert_eq!(due(d(2023, 11, 30), 1), d(2024, 2, 29));
    }

    #[test]
    fn follow_ups_from_31_august() {
        let start = d(2024, 8, 31);
        assert_eq!(due(start, 1), d(2024, 11, 30));
        assert_eq!(due(start, 2), d(2025, 2, 28));
        // Chaining would have given 28 May.
        assert_eq!(due(start, 3), d(2025, 5, 31));
        assert_eq!(due(start, 4), d(2025, 8, 31));
    }

    #[test]
    fn follow_ups_from_a_leap_day() {
        let start = d(2024, 2, 29);
        assert_eq!(due(start, 1), d(2024, 5, 29));
        assert_eq!(due(start, 2), d(2024, 8, 29));
        assert_eq!(due(start, 3), d(2024, 11, 29));
        assert_eq!(due(start, 4), d(2025, 2, 28));
        assert_eq!(due(start, 8), d(2026, 2, 28));
        assert_eq!(due(start, 16), d(2028, 2, 29));
    }

    #[test]
    fn follow_up_zero_and_overflow_have_no_due_date() {
        assert_eq!(Schedule::follow_up_due(d(2025, 1, 15), 0), None);
        assert_eq!(Schedule::follow_up_due(d(2025, 1, 15), u32::MAX), None);
    }

    #[test]
    fn scheduled_dates_in_a_timeline_follow_month_ends() {
        let schedule = Schedule::new(d(2025, 1, 31));
        let list = schedule.occasions_through(d(2025, 8, 1));
        let dues: Vec<NaiveDate> = list.iter().map(|o| o.due).collect();
        assert_eq!(
            dues,
            [
                d(2025, 1, 31),
                d(2025, 4, 30),
                d(2025, 7, 31),
                d(2025, 10, 31)
            ]
        );
    }

    #[test]
    fn default_window_is_14_days_before_and_28_after() {
        assert_eq!(
            Window::default(),
            Window {
                before_days: 14,
                after_days: 28
            }
        );
    }

    #[test]
    fn timeline_lists_opened_occasions_and_the_next_one() {
        let list = jan15().occasions_through(d(2025, 4, 1));
        assert_eq!(
            list,
            [
                occ(Intake, 0, [d(2025, 1, 1), d(2025, 1, 15), d(2025, 2, 12)]),
                occ(FollowUp, 1, [d(2025, 4, 1), d(2025, 4, 15), d(2025, 5, 13)]),
                occ(FollowUp, 2, [d(2025, 7, 1), d(2025, 7, 15), d(2025, 8, 12)]),
            ]
        );
        // The day before follow-up 1 opens, it is the upcoming one.
        assert_eq!(
            keys(&jan15().occasions_through(d(2025, 3, 31))),
            [(Intake, 0), (FollowUp, 1)]
        );
    }

    #[test]
    fn window_edges_of_a_follow_up() {
        let list = jan15().occasions_through(d(2025, 4, 15));
        let fu1 = list[1];
        assert_eq!(fu1.key(), (FollowUp, 1));
        assert_eq!(fu1.state_on(d(2025, 3, 31), false), DueState::Upcoming);
        // Opens exactly 14 days before the due date.
        assert_eq!(fu1.state_on(d(2025, 4, 1), false), DueState::Open);
        assert_eq!(fu1.state_on(d(2025, 4, 15), false), DueState::Open);
        assert_eq!(fu1.state_on(d(2025, 4, 16), false), DueState::Overdue);
        // Closes exactly 28 days after.
        assert_eq!(fu1.state_on(d(2025, 5, 13), false), DueState::Overdue);
        assert_eq!(fu1.state_on(d(2025, 5, 14), false), DueState::Missed);
        assert_eq!(fu1.state_on(d(2025, 5, 14), true), DueState::Answered);
        assert!(fu1.is_open_on(d(2025, 5, 13)));
        assert!(!fu1.is_open_on(d(2025, 5, 14)));
        assert!(!fu1.is_open_on(d(2025, 3, 31)));
    }

    #[test]
    fn status_at_window_edges() {
        let s = jan15();
        let answered = [(Intake, 0)];
        assert_eq!(s.status_on(d(2025, 3, 31), &answered).open_now, None);
        let opening = s.status_on(d(2025, 4, 1), &answered);
        assert_eq!(opening.open_now.map(|o| o.key()), Some((FollowUp, 1)));
        assert_eq!(opening.next.map(|o| o.key()), Some((FollowUp, 2)));
        let closing = s.status_on(d(2025, 5, 13), &answered);
        assert_eq!(closing.open_now.map(|o| o.key()), Some((FollowUp, 1)));
        assert!(closing.missed.is_empty());
        let after = s.status_on(d(2025, 5, 14), &answered);
        assert_eq!(after.open_now, None);
        assert_eq!(keys(&after.missed), [(FollowUp, 1)]);
        assert_eq!(after.next.map(|o| o.key()), Some((FollowUp, 2)));
    }

    #[test]
    fn missed_follow_ups_are_listed_while_a_later_one_is_open() {
        let status = jan15().status_on(d(2025, 10, 10), &[(Intake, 0)]);
        assert_eq!(keys(&status.missed), [(FollowUp, 1), (FollowUp, 2)]);
        assert_eq!(
            status.open_now,
            Some(occ(
                FollowUp,
                3,
                [d(2025, 10, 1), d(2025, 10, 15), d(2025, 11, 12)]
            ))
        );
        assert_eq!(
            status.next,
            Some(occ(
                FollowUp,
                4,
                [d(2026, 1, 1), d(2026, 1, 15), d(2026, 2, 12)]
            ))
        );
    }

    #[test]
    fn answered_occasions_are_neither_open_nor_missed() {
        let s = jan15();
        let answered = [(Intake, 0), (FollowUp, 1), (FollowUp, 3)];
        let in_fu1 = s.status_on(d(2025, 4, 20), &answered[..2]);
        assert_eq!(in_fu1.open_now, None);
        assert!(in_fu1.missed.is_empty());
        let in_fu3 = s.status_on(d(2025, 10, 20), &answered);
        assert_eq!(in_fu3.open_now, None);
        assert_eq!(keys(&in_fu3.missed), [(FollowUp, 2)]);
        assert_eq!(in_fu3.next.map(|o| o.key()), Some((FollowUp, 4)));
    }

    #[test]
    fn unanswered_intake_is_missed_after_its_window() {
        let s = jan15();
        let open = s.status_on(d(2025, 2, 12), &[]);
        assert_eq!(open.open_now.map(|o| o.key()), Some((Intake, 0)));
        let missed = s.status_on(d(2025, 2, 13), &[]);
        assert_eq!(missed.open_now, None);
        assert_eq!(keys(&missed.missed), [(Intake, 0)]);
    }

    #[test]
    fn nothing_before_intake_except_its_early_window() {
        let s = jan15();
        let early = s.occasions_through(d(2024, 12, 1));
        assert_eq!(keys(&early), [(Intake, 0)]);
        let status = s.status_on(d(2024, 12, 31), &[]);
        assert_eq!(status.open_now, None);
        assert!(status.missed.is_empty());
        assert_eq!(status.next.map(|o| o.key()), Some((Intake, 0)));
        assert_eq!(status.next.map(|o| o.opens), Some(d(2025, 1, 1)));
        // 14 days before the start date the intake can be answered.
        let status = s.status_on(d(2025, 1, 1), &[]);
        assert_eq!(status.open_now.map(|o| o.key()), Some((Intake, 0)));
        assert_eq!(status.next.map(|o| o.key()), Some((FollowUp, 1)));
        assert_eq!(s.open_on(d(2024, 12, 31)), None);
    }

    #[test]
    fn intake_is_open_before_its_due_date_and_overdue_after() {
        let intake = jan15().occasions_through(d(2025, 1, 1))[0];
        assert_eq!(intake.state_on(d(2025, 1, 15), false), DueState::Open);
        assert_eq!(intake.state_on(d(2025, 1, 16), false), DueState::Overdue);
    }

    #[test]
    fn exit_cuts_off_follow_ups_due_on_or_after_it() {
        let mut s = jan15();
        // Follow-up 2 would be due on the exit date itself: not scheduled.
        s.exit = Some(d(2025, 7, 15));
        let list = s.occasions_through(d(2026, 6, 1));
        assert_eq!(
            list,
            [
                occ(Intake, 0, [d(2025, 1, 1), d(2025, 1, 15), d(2025, 2, 12)]),
                occ(FollowUp, 1, [d(2025, 4, 1), d(2025, 4, 15), d(2025, 5, 13)]),
                occ(Exit, 0, [d(2025, 7, 15), d(2025, 7, 15), d(2025, 8, 12)]),
            ]
        );
        // A day later, follow-up 2 is due the day before exit and its window ends
        // the day before the exit opens.
        s.exit = Some(d(2025, 7, 16));
        let list = s.occasions_through(d(2026, 6, 1));
        assert_eq!(
            list[2],
            occ(FollowUp, 2, [d(2025, 7, 1), d(2025, 7, 15), d(2025, 7, 15)])
        );
        assert_eq!(
            list[3],
            occ(Exit, 0, [d(2025, 7, 16), d(2025, 7, 16), d(2025, 8, 13)])
        );
        assert_eq!(list.len(), 4);
    }

    #[test]
    fn exit_window_opens_on_the_exit_date() {
        let mut s = jan15();
        s.exit = Some(d(2025, 6, 2));
        let answered = [(Intake, 0), (FollowUp, 1)];
        let before = s.status_on(d(2025, 6, 1), &answered);
        assert_eq!(before.open_now, None);
        assert_eq!(before.next.map(|o| o.key()), Some((Exit, 0)));
        let on = s.status_on(d(2025, 6, 2), &answered);
        assert_eq!(on.open_now.map(|o| o.key()), Some((Exit, 0)));
        assert_eq!(on.next, None);
        let exit = on.open_now.expect("exit open");
        assert_eq!(exit.state_on(d(2025, 6, 2), false), DueState::Open);
        assert_eq!(exit.state_on(d(2025, 6, 3), false), DueState::Overdue);
        // 2 June + 28 days = 30 June.
        assert_eq!(exit.closes, d(2025, 6, 30));
        assert_eq!(exit.state_on(d(2025, 7, 1), false), DueState::Missed);
        let after = s.status_on(d(2025, 9, 1), &answered);
        assert_eq!(after.open_now, None);
        assert_eq!(after.next, None);
        assert_eq!(keys(&after.missed), [(Exit, 0)]);
        // Nothing is ever scheduled after exit.
        assert_eq!(
            keys(&s.occasions_through(d(2030, 1, 1))),
            [(Intake, 0), (FollowUp, 1), (Exit, 0)]
        );
    }

    #[test]
    fn everything_unanswered_after_exit_is_missed() {
        let mut s = jan15();
        s.exit = Some(d(2025, 6, 2));
        let status = s.status_on(d(2025, 9, 1), &[]);
        assert_eq!(
            keys(&status.missed),
            [(Intake, 0), (FollowUp, 1), (Exit, 0)]
        );
    }

    #[test]
    fn custom_window() {
        let s = Schedule {
            window: Window {
                before_days: 7,
                after_days: 14,
            },
            ..jan15()
        };
        let list = s.occasions_through(d(2025, 4, 8));
        assert_eq!(
            list[..2],
            [
                occ(Intake, 0, [d(2025, 1, 8), d(2025, 1, 15), d(2025, 1, 29)]),
                occ(FollowUp, 1, [d(2025, 4, 8), d(2025, 4, 15), d(2025, 4, 29)]),
            ]
        );
        assert_eq!(s.open_on(d(2025, 4, 7)), None);
        assert_eq!(
            s.open_on(d(2025, 4, 8)).map(|o| o.key()),
            Some((FollowUp, 1))
        );
        assert_eq!(s.open_on(d(2025, 4, 30)), None);
    }

    #[test]
    fn overlapping_windows_end_the_day_before_the_next_opens() {
        let s = Schedule {
            window: Window {
                before_days: 60,
                after_days: 60,
            },
            ..jan15()
        };
        let list = s.occasions_through(d(2025, 5, 16));
        assert_eq!(
            list,
            [
                occ(Intake, 0, [d(2024, 11, 16), d(2025, 1, 15), d(2025, 2, 13)]),
                occ(
                    FollowUp,
                    1,
                    [d(2025, 2, 14), d(2025, 4, 15), d(2025, 5, 15)]
                ),
                occ(
                    FollowUp,
                    2,
                    [d(2025, 5, 16), d(2025, 7, 15), d(2025, 8, 15)]
                ),
                occ(
                    FollowUp,
                    3,
                    [d(2025, 8, 16), d(2025, 10, 15), d(2025, 11, 15)]
                ),
            ]
        );
    }

    #[test]
    fn a_window_never_opens_before_the_previous_due_date_has_passed() {
        let s = Schedule {
            window: Window {
                before_days: 200,
                after_days: 28,
            },
            ..jan15()
        };
        let list = s.occasions_through(d(2025, 1, 16));
        assert_eq!(
            list,
            [
                occ(Intake, 0, [d(2024, 6, 29), d(2025, 1, 15), d(2025, 1, 15)]),
                occ(
                    FollowUp,
                    1,
                    [d(2025, 1, 16), d(2025, 4, 15), d(2025, 4, 15)]
                ),
                occ(
                    FollowUp,
                    2,
                    [d(2025, 4, 16), d(2025, 7, 15), d(2025, 7, 15)]
                ),
            ]
        );
    }

    #[test]
    fn at_most_one_occasion_is_open_on_any_day() {
        for window in [
            Window::DEFAULT,
            Window {
                before_days: 60,
                after_days: 60,
            },
            Window {
                before_days: 200,
                after_days: 400,
            },
            Window {
                before_days: 0,
                after_days: 0,
            },
        ] {
            let s = Schedule {
                intake: d(2024, 1, 31),
                exit: Some(d(2025, 9, 30)),
                window,
            };
            let all = s.occasions_through(d(2027, 1, 1));
            assert_eq!(all.last().map(|o| o.key()), Some((Exit, 0)));
            let mut day = d(2023, 1, 1);
            while day < d(2027, 1, 1) {
                let open = all.iter().filter(|o| o.is_open_on(day)).count();
                assert!(open <= 1, "{open} open on {day} with {window:?}");
                day = day.succ_opt().expect("in range");
            }
            for o in &all {
                assert!(o.is_open_on(o.due), "{o:?} not open on its due date");
            }
        }
    }

    #[test]
    fn exit_on_the_start_date_keeps_only_the_early_intake_window() {
        let mut s = jan15();
        s.exit = Some(d(2025, 1, 15));
        assert_eq!(
            s.occasions_through(d(2025, 6, 1)),
            [
                occ(Intake, 0, [d(2025, 1, 1), d(2025, 1, 15), d(2025, 1, 14)]),
                occ(Exit, 0, [d(2025, 1, 15), d(2025, 1, 15), d(2025, 2, 12)]),
            ]
        );
        // An exit date before the start date is read as the start date.
        s.exit = Some(d(2024, 12, 1));
        assert_eq!(
            keys(&s.occasions_through(d(2025, 6, 1))),
            [(Intake, 0), (Exit, 0)]
        );
        assert_eq!(s.open_on(d(2025, 1, 15)).map(|o| o.key()), Some((Exit, 0)));
    }

    #[test]
    fn intake_and_exit_answers_match_whatever_their_number() {
        let s = jan15();
        let status = s.status_on(d(2025, 3, 1), &[(Intake, 1)]);
        assert!(status.missed.is_empty());
        // Follow-up numbers are compared.
        let status = s.status_on(d(2025, 6, 1), &[(Intake, 0), (FollowUp, 2)]);
        assert_eq!(keys(&status.missed), [(FollowUp, 1)]);
    }

    #[test]
    fn next_skips_occasions_already_answered() {
        // An intake answered before the start date was moved later is not "next".
        let status = jan15().status_on(d(2024, 12, 1), &[(Intake, 0)]);
        assert_eq!(status.next.map(|o| o.key()), Some((FollowUp, 1)));
        let status = jan15().status_on(d(2024, 12, 1), &[(Intake, 0), (FollowUp, 1)]);
        assert_eq!(status.next.map(|o| o.key()), Some((FollowUp, 2)));
    }

    #[test]
    fn states_on_classifies_a_timeline() {
        let states: Vec<DueState> = jan15()
            .states_on(d(2025, 7, 20), &[(Intake, 0)])
            .into_iter()
            .map(|(_, state)| state)
            .collect();
        assert_eq!(
            states,
            [
                DueState::Answered,
                DueState::Missed,
                DueState::Overdue,
                DueState::Upcoming
            ]
        );
    }

    #[test]
    fn window_reads_from_a_programme_file_with_defaults() {
        let window: Window = toml::from_str("before_days = 7").expect("parses");
        assert_eq!(
            window,
            Window {
                before_days: 7,
                after_days: 28
            }
        );
        let schedule: Schedule = toml::from_str("intake = \"2025-01-15\"").expect("parses");
        assert_eq!(schedule, jan15());
    }
}
