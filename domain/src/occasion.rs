//! Occasions: the moments in a programme when a participant answers the instrument.
//!
//! Kept as plain data so that scheduling, validation and statistics agree on what
//! "intake", "follow-up" and "exit" mean without knowing about storage or the web.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The kind of an occasion. Follow-ups repeat every third month from intake.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OccasionKind {
    /// The first check-in, when the participant starts the programme.
    Intake,
    /// A check-in every third month while the participant takes part.
    FollowUp,
    /// The last check-in, when the participant leaves the programme.
    Exit,
}

impl OccasionKind {
    /// Every kind, in the order a participant meets them.
    pub const ALL: [OccasionKind; 3] = [Self::Intake, Self::FollowUp, Self::Exit];

    /// The stable identifier used in instrument files, the database and exports.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Intake => "intake",
            Self::FollowUp => "follow-up",
            Self::Exit => "exit",
        }
    }
}

impl fmt::Display for OccasionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Returned when a text names no known occasion kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown occasion \"{}\" (expected intake, follow-up or exit)", crate::text::excerpt(&.0))]
pub struct UnknownOccasion(pub String);

impl FromStr for OccasionKind {
    type Err = UnknownOccasion;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "intake" => Ok(Self::Intake),
            "follow-up" => Ok(Self::FollowUp),
            "exit" => Ok(Self::Exit),
            other => Err(UnknownOccasion(other.to_owned())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_through_their_identifiers() {
        for kind in OccasionKind::ALL {
            assert_eq!(kind.as_str().parse::<OccasionKind>(), Ok(kind));
        }
    }

    #[test]
    fn unknown_kind_is_named_in_the_error() {
        let err = "midway".parse::<OccasionKind>().unwrap_err();
        assert!(err.to_string().contains("midway"));
    }
}
