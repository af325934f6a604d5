//! Test data shared by the export tests: a small instrument whose texts hold
//! quotes and apostrophes (to test escaping in SPSS and R), and reports over
//! a group shaped like the domain brief (two thirds women, a few of another
//! gender, so some cells are hidden at k = 5).

use chrono::NaiveDate;
use stegvis_domain::instrument::Instrument;
use stegvis_domain::occasion::OccasionKind;
use stegvis_domain::participant::{ExitOutcome, Gender, Referral};
use stegvis_domain::stats::{
    distance_report, ndi_report, outcome_report, CheckInScores, DistanceReport, Filter, ItemIndex,
    NdiReport, NdiSelection, OutcomeReport, Period, PeriodBasis, Respondent,
};

pub const INSTRUMENT: &str = r#"
id = "test"
name = { sv = "Test", en = "Test" }
languages = ["sv", "en"]

[[items]]
id = "halsa"
domain = "health"
kind = "scale5"
occasions = ["intake", "follow-up", "exit"]
short = { sv = "Hälsa", en = "Health" }
text = { sv = "Hur mår du nu?", en = "How do you feel now?" }
options = [
  { text = { sv = "Mycket dåligt", en = "Very bad" } },
  { text = { sv = "Dåligt", en = "Bad" } },
  { text = { sv = "Okej", en = "Okay" } },
  { text = { sv = "Bra", en = "Good" } },
  { text = { sv = "Mycket bra", en = "Very good" } },
]

[[items]]
id = "oro"
domain = "health"
kind = "scale5"
higher_is_better = false
occasions = ["intake", "follow-up", "exit"]
text = { sv = "Hur orolig är du?", en = "How worried are you?" }
options = [
  { text = { sv = "Inte alls", en = "Not at all" } },
  { text = { sv = "Lite", en = "A little" } },
  { text = { sv = "En del", en = "Somewhat" } },
  { text = { sv = "Mycket", en = "Much" } },
  { text = { sv = "Helt och hållet", en = "Completely" } },
]

[[items]]
id = "nara"
domain = "closeness-to-work"
kind = "scale5"
occasions = ["intake", "follow-up", "exit"]
short = { sv = "Nära arbete", en = "Close to work" }
text = { sv = "Hur nära arbete känner du dig?", en = "How close to work do you feel?" }
options = [
  { text = { sv = "Mycket långt ifrån", en = "Very far" } },
  { text = { sv = "Långt ifrån", en = "Far" } },
  { text = { sv = "En bit ifrån", en = "Some way" } },
  { text = { sv = "Nära", en = "Close" } },
  { text = { sv = "Mycket nära", en = "Very close" } },
]

[[items]]
id = "gor-nu"
domain = "next-step"
kind = "choice"
occasions = ["exit"]
text = { sv = "Vad gör du \"just nu\"?", en = "What do you do \"now\"?" }
options = [
  { code = "arbete", text = { sv = "Jobbar", en = "Work" } },
  { code = "studier", text = { sv = "Studerar", en = "Study" } },
  { code = "oklart", text = { sv = "Det är 'oklart'", en = "It's unclear" } },
]

[[items]]
id = "vill-arbeta"
domain = "closeness-to-work"
kind = "yes-no"
occasions = ["follow-up"]
text = { sv = "Vill du arbeta?", en = "Do you want to work?" }
options = [
  { text = { sv = "Ja", en = "Yes" } },
  { text = { sv = "Nej", en = "No" } },
  { text = { sv = "Vet inte", en = "Don't know" } },
]

[[items]]
id = "n1"
domain = "satisfaction"
kind = "scale10"
occasions = ["follow-up", "exit"]
text = { sv = "Hur nöjd är du med stödet som helhet?", en = "Satisfied?" }
options = [{ text = { sv = "Inte alls nöjd", en = "Not at all" } }, { text = { sv = "Mycket nöjd", en = "Very" } }]

[[items]]
id = "n2"
domain = "satisfaction"
kind = "scale10"
occasions = ["follow-up", "exit"]
text = { sv = "Hur väl har stödet uppfyllt dina förväntningar?", en = "Expectations?" }
options = [{ text = { sv = "Inte alls", en = "Not at all" } }, { text = { sv = "Helt", en = "Fully" } }]

[[items]]
id = "n3"
domain = "satisfaction"
kind = "scale10"
occasions = ["follow-up", "exit"]
text = { sv = "Hur nära det bästa stödet är det du fått?", en = "Best?" }
options = [{ text = { sv = "Långt ifrån", en = "Far" } }, { text = { sv = "Mycket nära", en = "Very close" } }]
"#;

pub fn instrument() -> Instrument {
    Instrument::from_toml(INSTRUMENT).unwrap()
}

pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// The filter every test report uses: programme Steget, started in 2025.
pub fn filter() -> Filter {
    Filter {
        programme: Some("Steget".into()),
        period: Some(Period {
            basis: PeriodBasis::IntakeDate,
            from: date(2025, 1, 1),
            to: date(2025, 12, 31),
        }),
        ..Filter::default()
    }
}

/// 14 women, 7 men and 2 of another gender in Steget, and one man in
/// another programme (filtered out). Each answers intake and exit; the
/// scores vary with the person's number so the groups differ.
pub fn respondents() -> Vec<Respondent> {
    let items = ItemIndex::new(&instrument());
    let mut people = Vec::new();
    let genders = std::iter::repeat_n(Gender::Woman, 14)
        .chain(std::iter::repeat_n(Gender::Man, 7))
        .chain(std::iter::repeat_n(Gender::Other, 2));
    for (i, gender) in genders.enumerate() {
        let i32_i = i as i32;
        let start = date(2025, 1, 10) + chrono::Days::new(i as u64);
        let exit_on = start + chrono::Days::new(200);
        let intake = CheckInScores {
            kind: OccasionKind::Intake,
            number: 0,
            date: start,
            scores: items.scores([
                ("halsa", Some(1 + i32_i % 3)),
                ("oro", Some(2 + i32_i % 4)),
                ("nara", Some(1 + i32_i % 4)),
            ]),
        };
        let ndi = |offset: i32| Some(3 + (i32_i + offset) % 8);
        let exit = CheckInScores {
            kind: OccasionKind::Exit,
            number: 0,
            date: exit_on,
            scores: items.scores([
                ("halsa", Some(2 + i32_i % 4)),
                ("oro", Some(1 + i32_i % 5)),
                ("nara", Some(1 + (i32_i + 2) % 5)),
                ("n1", ndi(0)),
                ("n2", ndi(1)),
                ("n3", if i % 5 == 0 { None } else { ndi(3) }),
            ]),
        };
        let outcome = ExitOutcome::ALL[i % ExitOutcome::ALL.len()];
        people.push(Respondent {
            gender,
            birth_year: Some(1970 + i32_i),
            referral: Some(Referral::ALL[i % Referral::ALL.len()]),
            municipality: Some(["Haninge", "Tyresö", "Nynäshamn"][i % 3].into()),
            programme: "Steget".into(),
            start_date: start,
            anonymous: false,
            exit: Some((exit_on, outcome)),
            check_ins: vec![intake, exit],
        });
    }
    let mut elsewhere = people[0].clone();
    elsewhere.programme = "Vidare".into();
    elsewhere.gender = Gender::Man;
    people.push(elsewhere);
    people
}

/// The three reports over [`respondents`] with [`filter`] and threshold k.
pub fn reports(k: u32) -> (NdiReport, DistanceReport, OutcomeReport) {
    let items = ItemIndex::new(&instrument());
    let people = respondents();
    let filter = filter();
    (
        ndi_report(&items, &people, &filter, NdiSelection::Latest, k),
        distance_report(&items, &people, &filter, k),
        outcome_report(&people, &filter, k),
    )
}
