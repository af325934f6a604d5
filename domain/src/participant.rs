//! The facts a case manager records about a participant, and the rules for
//! registering one.
//!
//! Gender, referral and exit outcome are the dimensions every report is split
//! by (gender split is a hard ESF requirement), so they are closed lists with
//! stable codes for the database and exports and Swedish labels for screens.
//!
//! Registration follows the privacy rules in the domain brief: a participant who
//! consents is registered with birth year, municipality and referral, and
//! optionally a personnummer (never for people with protected identity). A
//! participant who does not consent is registered anonymously, as the old
//! national follow-up system did: only gender and start date are kept. Checking
//! this here, as a pure function of the form and today's date, keeps the server
//! and any import path from disagreeing about what may be stored.

use crate::personnummer::{self, Personnummer, PersonnummerError};
use chrono::{Datelike, Days, Months, NaiveDate};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Returned when a stored or submitted code names no known value; the code is
/// kept so the log or message can say what was received (as a short excerpt).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Okänt värde \"{}\".", crate::text::excerpt(&.0))]
pub struct UnknownCode(pub String);

/// Defines a closed list with a stable code, a Swedish label, `ALL`, `FromStr`
/// and serde through the code, so the three lists cannot drift apart in shape.
macro_rules! coded_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident => $code:literal, $label:literal; )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name {
            $( $(#[$vmeta])* #[serde(rename = $code)] $variant, )+
        }

        impl $name {
            /// Every value, in the order forms and reports list them.
            pub const ALL: [Self; [$($code),+].len()] = [$(Self::$variant),+];

            /// The stable code used in the database, forms and exports.
            pub fn code(self) -> &'static str {
                match self {
                    $( Self::$variant => $code, )+
                }
            }

            /// The Swedish text shown to people.
            pub fn label(self) -> &'static str {
                match self {
                    $( Self::$variant => $label, )+
                }
            }
        }

        impl FromStr for $name {
            type Err = UnknownCode;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $( $code => Ok(Self::$variant), )+
                    other => Err(UnknownCode(other.to_owned())),
                }
            }
        }
    };
}

coded_enum! {
    /// Gender as the participant states it; every statistic is split by it.
    pub enum Gender {
        /// Kvinna.
        Woman => "kvinna", "Kvinna";
        /// Man.
        Man => "man", "Man";
        /// Another gender identity.
        Other => "annan", "Annan";
        /// The participant chose not to say; still counted, in its own group.
        Undisclosed => "vill-inte-ange", "Vill inte ange";
    }
}

coded_enum! {
    /// Which agency sent the participant, since the four member agencies each
    /// want to see how their own referrals fare.
    pub enum Referral {
        /// Arbetsförmedlingen (AF).
        Arbetsformedlingen => "af", "Arbetsförmedlingen";
        /// Försäkringskassan (FK).
        Forsakringskassan => "fk", "Försäkringskassan";
        /// The municipality, usually its social services.
        Kommun => "kommun", "Kommun";
        /// Healthcare (the region).
        Varden => "varden", "Vården";
        /// The participant came on their own.
        EgenAnmalan => "egen", "Egen anmälan";
    }
}

coded_enum! {
    /// Where the participant went on leaving: the outcome the programmes are
    /// judged by ("a third in work or studies a year after intake").
    pub enum ExitOutcome {
        /// Paid work, including subsidised employment.
        Work => "arbete", "Arbete";
        /// Studies.
        Studies => "studier", "Studier";
        /// Registered as a job seeker.
        JobSeeking => "arbetssokande", "Arbetssökande";
        /// Moved on to another programme or intervention.
        OtherProgramme => "annan-insats", "Annan insats";
        /// Sick leave or sickness/activity compensation.
        SickLeave => "sjukskrivning", "Sjukskrivning eller sjukersättning";
        /// Anything else, including unknown.
        Other => "annat", "Annat";
    }
}

impl ExitOutcome {
    /// Whether the outcome counts as "work or studies", the share the programmes'
    /// targets are stated in.
    pub fn is_work_or_studies(self) -> bool {
        matches!(self, Self::Work | Self::Studies)
    }
}

/// Earliest start date accepted, in months before today: older programmes are
/// not followed up in Stegvis, and an older date is most likely a typo.
pub const START_MONTHS_BACK: u32 = 60;
/// Latest start date accepted, in days after today: room to register people
/// before a course begins, not so much that a wrong year slips through.
pub const START_DAYS_AHEAD: u64 = 90;
/// Youngest and oldest age accepted for a participant, counted by birth year.
pub const AGE_RANGE: std::ops::RangeInclusive<i32> = 15..=100;
/// Longest municipality name accepted, in characters.
pub const MUNICIPALITY_MAX_CHARS: usize = 60;

/// The registration form as typed: every field a raw string, and an empty (or
/// blank) string means "not given", so one type serves a form post and an import.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RegistrationInput {
    /// The participant agreed to have identifying facts recorded.
    pub consent: bool,
    /// The participant has protected identity (*skyddad identitet*).
    pub protected_identity: bool,
    /// A [`Gender`] code.
    pub gender: Option<String>,
    /// Four-digit birth year.
    pub birth_year: Option<String>,
    /// Municipality of residence.
    pub municipality: Option<String>,
    /// A [`Referral`] code.
    pub referral: Option<String>,
    /// Start date as `ÅÅÅÅ-MM-DD`.
    pub start_date: Option<String>,
    /// Personnummer in any form [`personnummer::parse_on`] accepts.
    pub personnummer: Option<String>,
}

impl fmt::Debug for RegistrationInput {
    /// Hides the personnummer, so a logged form never leaks it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RegistrationInput")
            .field("consent", &self.consent)
            .field("protected_identity", &self.protected_identity)
            .field("gender", &self.gender)
            .field("birth_year", &self.birth_year)
            .field("municipality", &self.municipality)
            .field("referral", &self.referral)
            .field("start_date", &self.start_date)
            .field(
                "personnummer",
                &given(&self.personnummer).map(|_| "********-****"),
            )
            .finish()
    }
}

/// A checked registration: what may be stored about the participant.
///
/// Without consent, `birth_year`, `municipality`, `referral` and `personnummer`
/// are always `None`. `personnummer` is always `None` with protected identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registration {
    pub gender: Gender,
    pub start_date: NaiveDate,
    pub consent: bool,
    /// Kept even for anonymous participants: it only ever adds protection.
    pub protected_identity: bool,
    pub birth_year: Option<i32>,
    pub municipality: Option<String>,
    pub referral: Option<Referral>,
    pub personnummer: Option<Personnummer>,
}

/// Why a registration was refused, naming the form field so the message can be
/// shown beside it. Messages are short and plain, for case managers.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegistrationError {
    #[error("Välj kön.")]
    GenderMissing,
    #[error("Välj ett av alternativen för kön.")]
    GenderUnknown,
    #[error("Skriv födelseår.")]
    BirthYearMissing,
    #[error("Skriv födelseåret med fyra siffror, till exempel 1985.")]
    BirthYearFormat,
    #[error("Deltagaren ska vara mellan 15 och 100 år.")]
    BirthYearAge,
    #[error("Skriv kommun.")]
    MunicipalityMissing,
    #[error("Kommunens namn får vara högst 60 tecken.")]
    MunicipalityTooLong,
    #[error("Skriv kommunens namn med bokstäver.")]
    MunicipalityCharacters,
    #[error("Välj vem som skickade deltagaren.")]
    ReferralMissing,
    #[error("Välj ett av alternativen för vem som skickade deltagaren.")]
    ReferralUnknown,
    #[error("Skriv startdatum.")]
    StartDateMissing,
    #[error("Skriv startdatum som ÅÅÅÅ-MM-DD.")]
    StartDateFormat,
    #[error("Startdatum kan vara högst fem år bakåt och tre månader framåt.")]
    StartDateRange,
    #[error(transparent)]
    Personnummer(#[from] PersonnummerError),
    #[error("Personnumret och födelseåret stämmer inte överens.")]
    PersonnummerBirthYear,
    #[error("Personer med skyddad identitet får inte ha personnummer i Stegvis.")]
    PersonnummerProtectedIdentity,
    #[error("Utan samtycke registreras deltagaren anonymt. Ta bort personnumret.")]
    PersonnummerWithoutConsent,
}

impl RegistrationError {
    /// The form field the error belongs to, as named in [`RegistrationInput`].
    pub fn field(&self) -> &'static str {
        match self {
            Self::GenderMissing | Self::GenderUnknown => "gender",
            Self::BirthYearMissing | Self::BirthYearFormat | Self::BirthYearAge => "birth_year",
            Self::MunicipalityMissing
            | Self::MunicipalityTooLong
            | Self::MunicipalityCharacters => "municipality",
            Self::ReferralMissing | Self::ReferralUnknown => "referral",
            Self::StartDateMissing | Self::StartDateFormat | Self::StartDateRange => "start_date",
            Self::Personnummer(_)
            | Self::PersonnummerBirthYear
            | Self::PersonnummerProtectedIdentity
            | Self::PersonnummerWithoutConsent => "personnummer",
        }
    }
}

/// Checks a registration form as of `today` and returns what may be stored, or
/// the first problem in form order. See [`check_registration_all`] for the rules.
pub fn check_registration(
    input: &RegistrationInput,
    today: NaiveDate,
) -> Result<Registration, RegistrationError> {
    check_registration_all(input, today).map_err(|mut errors| errors.swap_remove(0))
}

/// Checks a registration form as of `today` and returns what may be stored, or
/// every problem in form order (gender, birth year, municipality, referral,
/// start date, personnummer), so a form can show them all at once. The error
/// list is never empty.
///
/// - Gender and start date are always required; the start date lies between
///   five years before and 90 days after `today`.
/// - With consent, birth year (age 15–100 this year), municipality (letters,
///   spaces and hyphens, at most 60 characters) and referral are required. A
///   personnummer is optional; it must be valid and match the birth year, and is
///   refused outright for people with protected identity.
/// - Without consent the participant is anonymous: birth year, municipality and
///   referral are dropped. A typed personnummer is refused rather than dropped,
///   so the case manager knows it was not stored.
pub fn check_registration_all(
    input: &RegistrationInput,
    today: NaiveDate,
) -> Result<Registration, Vec<RegistrationError>> {
    let mut errors = Vec::new();
    let gender = collect(check_gender(input), &mut errors);
    let (birth_year, municipality, referral) = if input.consent {
        (
            collect(check_birth_year(input, today), &mut errors),
            collect(check_municipality(input), &mut errors),
            collect(check_referral(input), &mut errors),
        )
    } else {
        (None, None, None)
    };
    let start_date = collect(check_start_date(input, today), &mut errors);
    let personnummer = collect(check_personnummer(input, birth_year, today), &mut errors);
    match (gender, start_date, personnummer) {
        (Some(gender), Some(start_date), Some(personnummer)) if errors.is_empty() => {
            Ok(Registration {
                gender,
                start_date,
                consent: input.consent,
                protected_identity: input.protected_identity,
                birth_year,
                municipality,
                referral,
                personnummer,
            })
        }
        _ => Err(errors),
    }
}

fn collect<T>(
    result: Result<T, RegistrationError>,
    errors: &mut Vec<RegistrationError>,
) -> Option<T> {
    result.map_err(|e| errors.push(e)).ok()
}

/// The trimmed value of a form field, or `None` when it is missing or blank.
fn given(field: &Option<String>) -> Option<&str> {
    field.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

fn check_gender(input: &RegistrationInput) -> Result<Gender, RegistrationError> {
    given(&input.gender)
        .ok_or(RegistrationError::GenderMissing)?
        .parse()
        .map_err(|_| RegistrationError::GenderUnknown)
}

fn check_birth_year(input: &RegistrationInput, today: NaiveDate) -> Result<i32, RegistrationError> {
    let text = given(&input.birth_year).ok_or(RegistrationError::BirthYearMissing)?;
    if text.len() != 4 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(RegistrationError::BirthYearFormat);
    }
    let year: i32 = text
        .parse()
        .map_err(|_| RegistrationError::BirthYearFormat)?;
    if !AGE_RANGE.contains(&(today.year() - year)) {
        return Err(RegistrationError::BirthYearAge);
    }
    Ok(year)
}

fn check_municipality(input: &RegistrationInput) -> Result<String, RegistrationError> {
    let text = given(&input.municipality).ok_or(RegistrationError::MunicipalityMissing)?;
    if text.chars().count() > MUNICIPALITY_MAX_CHARS {
        return Err(RegistrationError::MunicipalityTooLong);
    }
    let allowed = text
        .chars()
        .all(|c| c.is_alphabetic() || c == ' ' || c == '-');
    if !allowed || !text.chars().any(char::is_alphabetic) {
        return Err(RegistrationError::MunicipalityCharacters);
    }
    Ok(text.to_owned())
}

fn check_referral(input: &RegistrationInput) -> Result<Referral, RegistrationError> {
    given(&input.referral)
        .ok_or(RegistrationError::ReferralMissing)?
        .parse()
        .map_err(|_| RegistrationError::ReferralUnknown)
}

fn check_start_date(
    input: &RegistrationInput,
    today: NaiveDate,
) -> Result<NaiveDate, RegistrationError> {
    let text = given(&input.start_date).ok_or(RegistrationError::StartDateMissing)?;
    let shape_ok = text.len() == 10
        && text.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        });
    if !shape_ok {
        return Err(RegistrationError::StartDateFormat);
    }
    let date = NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| RegistrationError::StartDateFormat)?;
    let earliest = today
        .checked_sub_months(Months::new(START_MONTHS_BACK))
        .unwrap_or(NaiveDate::MIN);
    let latest = today
        .checked_add_days(Days::new(START_DAYS_AHEAD))
        .unwrap_or(NaiveDate::MAX);
    if date < earliest || date > latest {
        return Err(RegistrationError::StartDateRange);
    }
    Ok(date)
}

/// `Ok(None)` when no personnummer was typed. `birth_year` is the checked birth
/// year, if any (a wrong birth year is reported on its own field, not twice).
fn check_personnummer(
    input: &RegistrationInput,
    birth_year: Option<i32>,
    today: NaiveDate,
) -> Result<Option<Personnummer>, RegistrationError> {
    let Some(text) = given(&input.personnummer) else {
        return Ok(None);
    };
    if !input.consent {
        return Err(RegistrationError::PersonnummerWithoutConsent);
    }
    if input.protected_identity {
        return Err(RegistrationError::PersonnummerProtectedIdentity);
    }
    let number = personnummer::parse_on(text, today)?;
    if birth_year.is_some_and(|year| year != number.birth_year()) {
        return Err(RegistrationError::PersonnummerBirthYear);
    }
    Ok(Some(number))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid test date")
    }

    fn today() -> NaiveDate {
        d(2025, 6, 15)
    }

    fn s(text: &str) -> Option<String> {
        Some(text.to_owned())
    }

    /// A complete registration with consent and no personnummer.
    fn full() -> RegistrationInput {
        RegistrationInput {
            consent: true,
            protected_identity: false,
            gender: s("kvinna"),
            birth_year: s("1981"),
            municipality: s("Haninge"),
            referral: s("af"),
            start_date: s("2025-06-01"),
            personnummer: None,
        }
    }

    fn err(input: &RegistrationInput) -> RegistrationError {
        check_registration(input, today()).unwrap_err()
    }

    // ---- the coded lists ----

    #[test]
    fn codes_round_trip_for_every_list() {
        for g in Gender::ALL {
            assert_eq!(g.code().parse::<Gender>(), Ok(g));
            let json = serde_json::to_string(&g).unwrap();
            assert_eq!(json, format!("\"{}\"", g.code()));
            assert_eq!(serde_json::from_str::<Gender>(&json).unwrap(), g);
        }
        for r in Referral::ALL {
            assert_eq!(r.code().parse::<Referral>(), Ok(r));
            let json = serde_json::to_string(&r).unwrap();
            assert_eq!(json, format!("\"{}\"", r.code()));
            assert_eq!(serde_json::from_str::<Referral>(&json).unwrap(), r);
        }
        for o in ExitOutcome::ALL {
            assert_eq!(o.code().parse::<ExitOutcome>(), Ok(o));
            let json = serde_json::to_string(&o).unwrap();
            assert_eq!(json, format!("\"{}\"", o.code()));
            assert_eq!(serde_json::from_str::<ExitOutcome>(&json).unwrap(), o);
        }
    }

    #[test]
    fn codes_and_labels_are_the_agreed_ones() {
        let genders: Vec<_> = Gender::ALL.iter().map(|g| (g.code(), g.label())).collect();
        assert_eq!(
            genders,
            [
                ("kvinna", "Kvinna"),
                ("man", "Man"),
                ("annan", "Annan"),
                ("vill-inte-ange", "Vill inte ange"),
            ]
        );
        let referrals: Vec<_> = Referral::ALL
            .iter()
            .map(|r| (r.code(), r.label()))
            .collect();
        assert_eq!(
            referrals,
            [
                ("af", "Arbetsförmedlingen"),
                ("fk", "Försäkringskassan"),
                ("kommun", "Kommun"),
                ("varden", "Vården"),
                ("egen", "Egen anmälan"),
            ]
        );
        let outcomes: Vec<_> = ExitOutcome::ALL
            .iter()
            .map(|o| (o.code(), o.label()))
            .collect();
        assert_eq!(
            outcomes,
            [
                ("arbete", "Arbete"),
                ("studier", "Studier"),
                ("arbetssokande", "Arbetssökande"),
                ("annan-insats", "Annan insats"),
                ("sjukskrivning", "Sjukskrivning eller sjukersättning"),
                ("annat", "Annat"),
            ]
        );
    }

    #[test]
    fn unknown_codes_are_refused_and_named() {
        assert_eq!(
            "Kvinna".parse::<Gender>(),
            Err(UnknownCode("Kvinna".into()))
        );
        assert!("x".parse::<Referral>().is_err());
        assert!(serde_json::from_str::<ExitOutcome>("\"work\"").is_err());
        assert!(UnknownCode("zz".into()).to_string().contains("zz"));
    }

    #[test]
    fn work_or_studies_is_a_third_of_the_list() {
        let yes: Vec<_> = ExitOutcome::ALL
            .into_iter()
            .filter(|o| o.is_work_or_studies())
            .collect();
        assert_eq!(yes, [ExitOutcome::Work, ExitOutcome::Studies]);
    }

    // ---- registration with consent ----

    #[test]
    fn full_registration_keeps_every_fact() {
        let r = check_registration(&full(), today()).unwrap();
        assert_eq!(
            r,
            Registration {
                gender: Gender::Woman,
                start_date: d(2025, 6, 1),
                consent: true,
                protected_identity: false,
                birth_year: Some(1981),
                municipality: Some("Haninge".into()),
                referral: Some(Referral::Arbetsformedlingen),
                personnummer: None,
            }
        );
    }

    #[test]
    fn fields_are_trimmed() {
        let input = RegistrationInput {
            gender: s(" man "),
            birth_year: s(" 1981\n"),
            municipality: s("  Upplands Väsby "),
            referral: s(" kommun"),
            start_date: s(" 2025-06-01 "),
            personnummer: s(" 811218-9876 "),
            ..full()
        };
        let r = check_registration(&input, today()).unwrap();
        assert_eq!(r.gender, Gender::Man);
        assert_eq!(r.municipality.as_deref(), Some("Upplands Väsby"));
        assert_eq!(r.referral, Some(Referral::Kommun));
        assert_eq!(
            r.personnummer.as_ref().map(Personnummer::as_str),
            Some("19811218-9876")
        );
    }

    #[test]
    fn gender_is_required_and_must_be_known() {
        for missing in [None, s(""), s("   ")] {
            let input = RegistrationInput {
                gender: missing,
                ..full()
            };
            assert_eq!(err(&input), RegistrationError::GenderMissing);
        }
        let input = RegistrationInput {
            gender: s("female"),
            ..full()
        };
        assert_eq!(err(&input), RegistrationError::GenderUnknown);
        assert_eq!(err(&input).field(), "gender");
    }

    #[test]
    fn birth_year_is_required_with_consent() {
        let input = RegistrationInput {
            birth_year: s(""),
            ..full()
        };
        assert_eq!(err(&input), RegistrationError::BirthYearMissing);
        for bad in ["81", "19810", "198a", "-981", "+981", "1 81"] {
            let input = RegistrationInput {
                birth_year: s(bad),
                ..full()
            };
            assert_eq!(err(&input), RegistrationError::BirthYearFormat, "{bad}");
        }
    }

    #[test]
    fn age_must_be_between_15_and_100() {
        let year = |y: &str| RegistrationInput {
            birth_year: s(y),
            ..full()
        };
        // 2025 − 2010 = 15 and 2025 − 1925 = 100 are the limits.
        assert!(check_registration(&year("2010"), today()).is_ok());
        assert!(check_registration(&year("1925"), today()).is_ok());
        assert_eq!(err(&year("2011")), RegistrationError::BirthYearAge);
        assert_eq!(err(&year("1924")), RegistrationError::BirthYearAge);
        assert_eq!(err(&year("2030")), RegistrationError::BirthYearAge);
        assert_eq!(err(&year("1924")).field(), "birth_year");
    }

    #[test]
    fn municipality_rules() {
        let m = |name: &str| RegistrationInput {
            municipality: s(name),
            ..full()
        };
        for ok in ["Nynäshamn", "Upplands-Bro", "Malung-Sälen", "Östra Göinge"] {
            let r = check_registration(&m(ok), today()).unwrap();
            assert_eq!(r.municipality.as_deref(), Some(ok));
        }
        assert_eq!(err(&m(" ")), RegistrationError::MunicipalityMissing);
        assert_eq!(
            err(&m("Haninge 2")),
            RegistrationError::MunicipalityCharacters
        );
        assert_eq!(
            err(&m("Tyresö;")),
            RegistrationError::MunicipalityCharacters
        );
        assert_eq!(err(&m("- -")), RegistrationError::MunicipalityCharacters);
        // 60 letters (counted as characters, not bytes) pass; 61 do not.
        assert!(check_registration(&m(&"ö".repeat(60)), today()).is_ok());
        assert_eq!(
            err(&m(&"ö".repeat(61))),
            RegistrationError::MunicipalityTooLong
        );
        assert_eq!(err(&m("")).field(), "municipality");
    }

    #[test]
    fn referral_is_required_with_consent() {
        let input = RegistrationInput {
            referral: None,
            ..full()
        };
        assert_eq!(err(&input), RegistrationError::ReferralMissing);
        let input = RegistrationInput {
            referral: s("Arbetsförmedlingen"),
            ..full()
        };
        assert_eq!(err(&input), RegistrationError::ReferralUnknown);
        assert_eq!(err(&input).field(), "referral");
    }

    #[test]
    fn start_date_is_required_and_well_formed() {
        let date = |text: Option<String>| RegistrationInput {
            start_date: text,
            ..full()
        };
        assert_eq!(err(&date(None)), RegistrationError::StartDateMissing);
        for bad in [
            "2025-6-1",
            "01/06/2025",
            "2025-02-30",
            "20250601",
            "+2025-06-01",
            "2025-06-01T00:00",
        ] {
            assert_eq!(
                err(&date(s(bad))),
                RegistrationError::StartDateFormat,
                "{bad}"
            );
        }
        assert_eq!(err(&date(None)).field(), "start_date");
    }

    #[test]
    fn start_date_within_five_years_back_and_ninety_days_ahead() {
        let date = |text: &str| RegistrationInput {
            start_date: s(text),
            ..full()
        };
        // Today is 15 June 2025: limits 15 June 2020 and 13 September 2025.
        assert!(check_registration(&date("2020-06-15"), today()).is_ok());
        assert!(check_registration(&date("2025-09-13"), today()).is_ok());
        assert_eq!(err(&date("2020-06-14")), RegistrationError::StartDateRange);
        assert_eq!(err(&date("2025-09-14")), RegistrationError::StartDateRange);
    }

    // ---- personnummer ----

    #[test]
    fn personnummer_is_optional_and_normalised() {
        let input = RegistrationInput {
            personnummer: s("8112189876"),
            ..full()
        };
        let r = check_registration(&input, today()).unwrap();
        let p = r.personnummer.expect("kept");
        assert_eq!(p.as_str(), "19811218-9876");
    }

    #[test]
    fn personnummer_checksum_errors_surface() {
        let input = RegistrationInput {
            personnummer: s("811218-9877"),
            ..full()
        };
        let e = err(&input);
        assert_eq!(
            e,
            RegistrationError::Personnummer(PersonnummerError::Checksum)
        );
        assert_eq!(e.field(), "personnummer");
        assert_eq!(
            e.to_string(),
            "Personnumret stämmer inte. Kontrollera siffrorna."
        );
        let input = RegistrationInput {
            personnummer: s("19810230-0000"),
            ..full()
        };
        assert_eq!(
            err(&input),
            RegistrationError::Personnummer(PersonnummerError::Date)
        );
        let input = RegistrationInput {
            personnummer: s("81-12-18"),
            ..full()
        };
        assert_eq!(
            err(&input),
            RegistrationError::Personnummer(PersonnummerError::Format)
        );
    }

    #[test]
    fn personnummer_must_match_the_birth_year() {
        let input = RegistrationInput {
            birth_year: s("1982"),
            personnummer: s("811218-9876"),
            ..full()
        };
        assert_eq!(err(&input), RegistrationError::PersonnummerBirthYear);
        assert_eq!(err(&input).field(), "personnummer");
    }

    #[test]
    fn protected_identity_refuses_any_personnummer() {
        // Valid or not, the number is refused and never parsed into the result.
        for typed in ["811218-9876", "811218-9877", "nonsense"] {
            let input = RegistrationInput {
                protected_identity: true,
                personnummer: s(typed),
                ..full()
            };
            let e = err(&input);
            assert_eq!(e, RegistrationError::PersonnummerProtectedIdentity);
            assert_eq!(e.field(), "personnummer");
            assert_eq!(
                e.to_string(),
                "Personer med skyddad identitet får inte ha personnummer i Stegvis."
            );
        }
        // Without a number, protected identity registers normally.
        let input = RegistrationInput {
            protected_identity: true,
            ..full()
        };
        let r = check_registration(&input, today()).unwrap();
        assert!(r.protected_identity);
        assert_eq!(r.personnummer, None);
    }

    // ---- anonymous registration ----

    #[test]
    fn anonymous_registration_keeps_only_gender_and_start_date() {
        let input = RegistrationInput {
            consent: false,
            ..full()
        };
        let r = check_registration(&input, today()).unwrap();
        assert_eq!(
            r,
            Registration {
                gender: Gender::Woman,
                start_date: d(2025, 6, 1),
                consent: false,
                protected_identity: false,
                birth_year: None,
                municipality: None,
                referral: None,
                personnummer: None,
            }
        );
    }

    #[test]
    fn anonymous_registration_ignores_bad_identifying_fields() {
        // They are not stored, so they are not checked either.
        let input = RegistrationInput {
            consent: false,
            birth_year: s("abc"),
            municipality: s("123"),
            referral: s("nowhere"),
            ..full()
        };
        let r = check_registration(&input, today()).unwrap();
        assert_eq!(r.birth_year, None);
        assert_eq!(r.municipality, None);
        assert_eq!(r.referral, None);
    }

    #[test]
    fn anonymous_registration_still_needs_gender_and_start_date() {
        let input = RegistrationInput {
            consent: false,
            gender: None,
            start_date: None,
            ..RegistrationInput::default()
        };
        let errors = check_registration_all(&input, today()).unwrap_err();
        assert_eq!(
            errors,
            [
                RegistrationError::GenderMissing,
                RegistrationError::StartDateMissing
            ]
        );
    }

    #[test]
    fn anonymous_registration_refuses_a_typed_personnummer() {
        let input = RegistrationInput {
            consent: false,
            personnummer: s("811218-9876"),
            ..full()
        };
        let e = err(&input);
        assert_eq!(e, RegistrationError::PersonnummerWithoutConsent);
        assert_eq!(e.field(), "personnummer");
        assert!(e.to_string().contains("anonymt"));
        // A blank field is not a typed number.
        let input = RegistrationInput {
            consent: false,
            personnummer: s("  "),
            ..full()
        };
        assert!(check_registration(&input, today()).is_ok());
    }

    #[test]
    fn all_errors_come_in_form_order() {
        let input = RegistrationInput {
            consent: true,
            personnummer: s("811218-9877"),
            ..RegistrationInput::default()
        };
        let errors = check_registration_all(&input, today()).unwrap_err();
        let fields: Vec<_> = errors.iter().map(RegistrationError::field).collect();
        assert_eq!(
            fields,
            [
                "gender",
                "birth_year",
                "municipality",
                "referral",
                "start_date",
                "personnummer"
            ]
        );
        // check_registration reports the first.
        assert_eq!(err(&input), RegistrationError::GenderMissing);
    }

    #[test]
    fn debug_of_the_form_hides_the_personnummer() {
        let input = RegistrationInput {
            personnummer: s("811218-9876"),
            ..full()
        };
        let shown = format!("{input:?}");
        assert!(!shown.contains("9876"), "{shown}");
        assert!(shown.contains("********-****"));
        let r = check_registration(&input, today()).unwrap();
        assert!(!format!("{r:?}").contains("9876"));
    }

    #[test]
    fn form_reads_from_json_with_missing_fields() {
        let input: RegistrationInput =
            serde_json::from_str(r#"{"gender":"man","start_date":"2025-06-01"}"#).unwrap();
        assert!(!input.consent);
        let r = check_registration(&input, today()).unwrap();
        assert_eq!(r.gender, Gender::Man);
    }
}
