//! Every participant-facing text of the check-in screens, in Swedish (easy-read),
//! English and Arabic.
//!
//! A plain table rather than an i18n framework: three languages, a few dozen
//! strings, and the Swedish ones must be checked for readability (LIX ≤ 30) by a
//! plain unit test, which a table makes trivial. Instrument texts live in the
//! instrument files, not here.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// A language the participant screens are offered in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum Lang {
    /// Swedish, easy-read: the language every instrument must have.
    #[default]
    Sv,
    En,
    Ar,
}

impl Lang {
    /// Every offered language, in the order the language choice lists them.
    pub const ALL: [Lang; 3] = [Lang::Sv, Lang::En, Lang::Ar];

    /// BCP 47 code, as in instrument files and the `lang` attribute.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Sv => "sv",
            Lang::En => "en",
            Lang::Ar => "ar",
        }
    }

    /// Reads a code; anything unknown is `None`.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.code() == code)
    }

    /// Writing direction for the `dir` attribute.
    pub fn dir(self) -> &'static str {
        match self {
            Lang::Ar => "rtl",
            _ => "ltr",
        }
    }

    /// The language's name in itself, so people find their own.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::Sv => "Svenska",
            Lang::En => "English",
            Lang::Ar => "العربية",
        }
    }

    /// Voice language for speech synthesis.
    pub fn speech_code(self) -> &'static str {
        match self {
            Lang::Sv => "sv-SE",
            Lang::En => "en-GB",
            Lang::Ar => "ar",
        }
    }

    /// The texts in this language.
    pub fn texts(self) -> &'static Texts {
        match self {
            Lang::Sv => &SV,
            Lang::En => &EN,
            Lang::Ar => &AR,
        }
    }
}

/// All texts of one language. `{name}` marks a value filled in with [`fill`].
/// Serialised whole into the check-in a phone keeps for answering offline.
#[derive(Debug, Serialize)]
pub struct Texts {
    pub loading: &'static str,
    pub start_heading: &'static str,
    /// What the check-in is, as whole sentences per occasion (see
    /// [`occasion_sentence`]): an occasion name inside one template read oddly
    /// ("Nu är det dags för slut.").
    pub start_intake: &'static str,
    /// `{n}`: the follow-up's number.
    pub start_follow_up: &'static str,
    pub start_exit: &'static str,
    pub start_count: &'static str,
    pub no_right_answers: &'static str,
    pub answer_until: &'static str,
    pub resume_count: &'static str,
    pub begin: &'static str,
    pub resume: &'static str,
    pub nothing_due_heading: &'static str,
    pub next_from: &'static str,
    pub occasion_intake: &'static str,
    pub occasion_follow_up: &'static str,
    pub occasion_exit: &'static str,
    pub progress: &'static str,
    pub back: &'static str,
    pub next: &'static str,
    pub choose_answer: &'static str,
    pub decline: &'static str,
    pub listen: &'static str,
    pub review_heading: &'static str,
    pub review_intro: &'static str,
    pub change_answer: &'static str,
    pub no_answer_yet: &'static str,
    pub send: &'static str,
    pub answer_all_first: &'static str,
    pub keep_answering: &'static str,
    pub not_sent_heading: &'static str,
    pub thanks_heading: &'static str,
    pub thanks_received: &'static str,
    pub thanks_next: &'static str,
    pub thanks_next_date: &'static str,
    pub settings: &'static str,
    pub language: &'static str,
    pub pictures: &'static str,
    pub pictures_on: &'static str,
    pub pictures_off: &'static str,
    pub text_size: &'static str,
    pub size_normal: &'static str,
    pub size_large: &'static str,
    pub size_larger: &'static str,
    pub save: &'static str,
    pub skip_to_content: &'static str,
    pub code_heading: &'static str,
    pub code_help: &'static str,
    pub code_label: &'static str,
    pub go_on: &'static str,
    pub pin_new_heading: &'static str,
    pub pin_new_help: &'static str,
    pub pin_label: &'static str,
    pub pin_repeat_label: &'static str,
    pub pin_heading: &'static str,
    pub pin_help: &'static str,
    pub new_code_link: &'static str,
    pub signed_in_heading: &'static str,
    pub start_answering: &'static str,
    pub leave: &'static str,
    pub assisted_banner: &'static str,
    pub journey_heading: &'static str,
    pub journey_intro: &'static str,
    pub journey_link: &'static str,
    pub journey_nothing: &'static str,
    pub journey_star_title: &'static str,
    pub journey_outward: &'static str,
    pub journey_table: &'static str,
    pub journey_start: &'static str,
    pub journey_before: &'static str,
    pub journey_now: &'static str,
    pub journey_legend_first: &'static str,
    pub journey_legend_previous: &'static str,
    pub journey_legend_latest: &'static str,
    pub journey_better: &'static str,
    pub journey_same: &'static str,
    pub journey_worse: &'static str,
    pub journey_once: &'static str,
    /// "Min resa", an indicator answered `{n}` times in all ("Vill inte svara" included).
    pub journey_times: &'static str,
    /// … twice (Arabic has a word of its own for two).
    pub journey_twice: &'static str,
    /// … of which once "Vill inte svara".
    pub journey_declined_once: &'static str,
    /// … of which `{n}` times "Vill inte svara".
    pub journey_declined_times: &'static str,
    /// … twice "Vill inte svara".
    pub journey_declined_twice: &'static str,
    /// An indicator answered only with "Vill inte svara", once.
    pub journey_declined_only: &'static str,
    /// An indicator not asked yet at any answered check-in.
    pub journey_later: &'static str,
    /// Chart description: `{name}` went from level `{from}` to `{to}` of `{of}`.
    pub chart_change: &'static str,
    /// Chart description: one answer, level `{level}` of `{of}`.
    pub chart_one: &'static str,
    /// Answers wait on the phone for a network: never said of sent answers.
    pub outbox_waiting: &'static str,
    pub outbox_sending: &'static str,
    pub outbox_sent: &'static str,
    pub outbox_sign_in: &'static str,
    pub outbox_stuck_heading: &'static str,
    pub outbox_stuck_body: &'static str,
    pub outbox_stuck_help: &'static str,
    /// `{code}`: the start of the submission id, for the case manager.
    pub outbox_stuck_code: &'static str,
    pub offline_heading: &'static str,
    pub offline_body: &'static str,
    pub new_version: &'static str,
    pub update_now: &'static str,
    pub leave_waiting: &'static str,
    /// "Mina svar": the participant's own answers, printed or saved.
    pub answers_heading: &'static str,
    pub answers_intro: &'static str,
    pub answers_nothing: &'static str,
    /// `{date}`: the day the check-in was answered.
    pub answers_from: &'static str,
    pub answers_question: &'static str,
    pub answers_answer: &'static str,
    pub answers_print: &'static str,
    pub answers_save_heading: &'static str,
    pub answers_save_help: &'static str,
    pub answers_save_csv: &'static str,
    pub answers_save_json: &'static str,
    pub answers_link: &'static str,
    pub answers_back: &'static str,
    /// The accessibility statement's heading, also the footer link to it on
    /// every page (staff pages too, so it lives here and the statement itself
    /// stays out of the browser bundle).
    pub statement_heading: &'static str,
    pub months: [&'static str; 12],
}

/// The texts the participant script needs on a page before (or without) a
/// kept check-in, as JSON for a `<script type="application/json">`: what it
/// says about waiting answers, updates and signing out.
pub fn page_script_texts(lang: Lang) -> String {
    const KEYS: [&str; 18] = [
        "outbox_waiting",
        "outbox_sending",
        "outbox_sent",
        "outbox_sign_in",
        "outbox_stuck_heading",
        "outbox_stuck_body",
        "outbox_stuck_help",
        "outbox_stuck_code",
        "new_version",
        "update_now",
        "leave_waiting",
        "pin_heading",
        "listen",
        "thanks_heading",
        "thanks_next",
        "thanks_next_date",
        "journey_link",
        "months",
    ];
    let all = serde_json::to_value(lang.texts()).unwrap_or_default();
    let picked: serde_json::Map<String, serde_json::Value> = KEYS
        .iter()
        .filter_map(|k| Some(((*k).to_owned(), all.get(*k)?.clone())))
        .collect();
    // `<` never reaches the script element as markup.
    serde_json::to_string(&picked)
        .unwrap_or_else(|_| "{}".into())
        .replace('<', "\\u003c")
}

/// Replaces each `{name}` in `template` with its value.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    values
        .iter()
        .fold(template.to_owned(), |text, (name, value)| {
            text.replace(&format!("{{{name}}}"), value)
        })
}

/// A date the way people say it ("20 december"), with the year only when it is
/// not the current one: easier to read than 2026-12-20.
pub fn format_date(lang: Lang, date: NaiveDate, today: NaiveDate) -> String {
    let month = lang.texts().months[date.month0() as usize];
    if date.year() == today.year() {
        format!("{} {month}", date.day())
    } else {
        format!("{} {month} {}", date.day(), date.year())
    }
}

/// The occasion as a heading or table label names it ("Uppföljning 2"):
/// [`occasion_name`] with a capital first letter.
pub fn occasion_title(
    lang: Lang,
    kind: stegvis_domain::occasion::OccasionKind,
    number: u32,
) -> String {
    let name = occasion_name(lang, kind, number);
    let mut chars = name.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// The occasion as a label names it ("uppföljning 2"); sentences use
/// [`occasion_sentence`].
pub fn occasion_name(
    lang: Lang,
    kind: stegvis_domain::occasion::OccasionKind,
    number: u32,
) -> String {
    use stegvis_domain::occasion::OccasionKind as K;
    let t = lang.texts();
    match kind {
        K::Intake => t.occasion_intake.to_owned(),
        K::FollowUp => fill(t.occasion_follow_up, &[("n", &number.to_string())]),
        K::Exit => t.occasion_exit.to_owned(),
    }
}

/// The occasion as the start screen says it, as whole sentences ("Det här är
/// första gången du svarar."): an occasion name put into one sentence frame
/// read oddly for some occasions.
pub fn occasion_sentence(
    lang: Lang,
    kind: stegvis_domain::occasion::OccasionKind,
    number: u32,
) -> String {
    use stegvis_domain::occasion::OccasionKind as K;
    let t = lang.texts();
    match kind {
        K::Intake => t.start_intake.to_owned(),
        K::FollowUp => fill(t.start_follow_up, &[("n", &number.to_string())]),
        K::Exit => t.start_exit.to_owned(),
    }
}

static SV: Texts = Texts {
    loading: "Vänta lite.",
    start_heading: "Hej! Nu är det dags att svara",
    start_intake: "Det här är första gången du svarar.",
    start_follow_up: "Nu svarar du igen. Det är uppföljning {n}.",
    start_exit: "Ditt stöd slutar. Det här är sista gången du svarar.",
    start_count: "Det är {total} frågor. Det tar några minuter.",
    no_right_answers: "Svara som du tycker. Alla svar är bra.",
    answer_until: "Sista dagen att svara är {date}.",
    resume_count: "Du har svarat på {answered} av {total} frågor.",
    begin: "Börja",
    resume: "Svara mer",
    nothing_due_heading: "Du är klar för nu",
    next_from: "Nästa gång kan du svara från {date}.",
    occasion_intake: "start",
    occasion_follow_up: "uppföljning {n}",
    occasion_exit: "slut",
    progress: "Fråga {step} av {total}",
    back: "Bakåt",
    next: "Nästa",
    choose_answer: "Välj ett svar.",
    decline: "Vill inte svara",
    listen: "Lyssna",
    review_heading: "Dina svar",
    review_intro: "Titta på dina svar. Du kan ändra ett svar innan du skickar.",
    change_answer: "Ändra svar på fråga {n}",
    no_answer_yet: "Väntar på ditt svar",
    send: "Skicka svaren",
    answer_all_first: "Svara på alla frågor först. Du kan välja Vill inte svara.",
    keep_answering: "Svara mer",
    not_sent_heading: "Skicka dina svar först",
    thanks_heading: "Tack för dina svar!",
    thanks_received: "Vi har fått dina svar.",
    thanks_next: "Du och din handläggare kan titta på svaren ihop.",
    thanks_next_date: "Nästa gång du kan svara är {date}.",
    settings: "Språk, bilder och text",
    language: "Språk",
    pictures: "Bilder",
    pictures_on: "Med bilder",
    pictures_off: "Bara text",
    text_size: "Hur stor text?",
    size_normal: "Vanlig",
    size_large: "Stor",
    size_larger: "Störst",
    save: "Spara",
    skip_to_content: "Gå förbi menyn",
    code_heading: "Skriv din kod",
    code_help: "Du har fått en lapp med en kod. Skriv koden som den står på lappen.",
    code_label: "Kod",
    go_on: "Gå vidare",
    pin_new_heading: "Välj en pinkod",
    pin_new_help: "Välj 4 till 6 siffror. Du ska skriva dem nästa gång.",
    pin_label: "Pinkod",
    pin_repeat_label: "Skriv samma pinkod igen",
    pin_heading: "Skriv din pinkod",
    pin_help: "Det är pinkoden du valde själv.",
    new_code_link: "Jag har fått en ny kod",
    signed_in_heading: "Du är inne",
    start_answering: "Börja svara",
    leave: "Logga ut",
    assisted_banner: "Ni svarar tillsammans. Det är du som väljer svaren.",
    journey_heading: "Min resa",
    journey_intro: "Här ser du hur det har gått för dig.",
    journey_link: "Se min resa",
    journey_nothing: "Här ser du din resa när du har svarat.",
    journey_star_title: "Start och nu",
    journey_outward: "Längre till höger är bättre.",
    journey_table: "Visa som tabell",
    journey_start: "Start",
    journey_before: "Förra gången",
    journey_now: "Nu",
    journey_legend_first: "brun ring",
    journey_legend_previous: "grå toppar, tunn linje",
    journey_legend_latest: "blå ruta",
    journey_better: "Det har blivit bättre.",
    journey_same: "Det är som förut.",
    journey_worse: "Det har blivit sämre.",
    journey_once: "Du har svarat en gång.",
    journey_times: "Du har svarat {n} gånger.",
    journey_twice: "Du har svarat 2 gånger.",
    journey_declined_once: "En gång valde du ”Vill inte svara”.",
    journey_declined_times: "{n} gånger valde du ”Vill inte svara”.",
    journey_declined_twice: "2 gånger valde du ”Vill inte svara”.",
    journey_declined_only: "Du valde ”Vill inte svara”.",
    journey_later: "Du får den här frågan senare.",
    chart_change: "{name}: från {from} till {to} av {of} ({from_label} → {to_label}).",
    chart_one: "{name}: {level} av {of} ({label}).",
    outbox_waiting: "Dina svar finns i telefonen. Vi får dem när du har internet.",
    outbox_sending: "Vi tar emot dina svar nu.",
    outbox_sent: "Klart! Vi har fått dina svar.",
    outbox_sign_in: "Skriv din pinkod igen. Sedan får vi dina svar.",
    outbox_stuck_heading: "Något gick fel med svaren",
    outbox_stuck_body: "Dina svar finns kvar i telefonen.",
    outbox_stuck_help: "Visa den här sidan för din handläggare.",
    outbox_stuck_code: "Koden är {code}.",
    offline_heading: "Du är utan internet nu",
    offline_body: "Öppna Stegvis när du har internet. Då kan du svara.",
    new_version: "Det finns en ny Stegvis.",
    update_now: "Hämta den nya",
    leave_waiting: "Dina svar finns kvar i telefonen tills vi har fått dem.",
    answers_heading: "Mina svar",
    answers_intro: "Här ser du alla svar du har skickat.",
    answers_nothing: "Här ser du dina svar när du har skickat dem.",
    answers_from: "Dina svar från {date}",
    answers_question: "Fråga",
    answers_answer: "Ditt svar",
    answers_print: "Skriv ut",
    answers_save_heading: "Spara dina svar",
    answers_save_help: "Du kan spara en fil med dina svar.",
    answers_save_csv: "Spara som tabell (CSV)",
    answers_save_json: "Spara som fil för datorer (JSON)",
    answers_link: "Se mina svar",
    answers_back: "Till start",
    statement_heading: "Hur lätt är Stegvis att använda?",
    months: [
        "januari",
        "februari",
        "mars",
        "april",
        "maj",
        "juni",
        "juli",
        "augusti",
        "september",
        "oktober",
        "november",
        "december",
    ],
};

static EN: Texts = Texts {
    loading: "Please wait.",
    start_heading: "Hello! It is time to answer",
    start_intake: "This is the first time you answer.",
    start_follow_up: "You answer again now. This is follow-up {n}.",
    start_exit: "Your support is ending. This is the last time you answer.",
    start_count: "There are {total} questions. It takes a few minutes.",
    no_right_answers: "Answer what you think. Every answer is fine.",
    answer_until: "The last day to answer is {date}.",
    resume_count: "You have answered {answered} of {total} questions.",
    begin: "Start",
    resume: "Continue",
    nothing_due_heading: "You are done for now",
    next_from: "Next time you can answer from {date}.",
    occasion_intake: "the start",
    occasion_follow_up: "follow-up {n}",
    occasion_exit: "the end",
    progress: "Question {step} of {total}",
    back: "Back",
    next: "Next",
    choose_answer: "Choose an answer.",
    decline: "I do not want to answer",
    listen: "Listen",
    review_heading: "Your answers",
    review_intro: "Look at your answers. You can change an answer before you send.",
    change_answer: "Change answer to question {n}",
    no_answer_yet: "Waiting for your answer",
    send: "Send the answers",
    answer_all_first: "Answer all questions first. You can choose I do not want to answer.",
    keep_answering: "Keep answering",
    not_sent_heading: "Send your answers first",
    thanks_heading: "Thank you for your answers!",
    thanks_received: "We have your answers.",
    thanks_next: "You and your case manager can look at the answers together.",
    thanks_next_date: "Next time you can answer is {date}.",
    settings: "Language, pictures and text",
    language: "Language",
    pictures: "Pictures",
    pictures_on: "With pictures",
    pictures_off: "Text only",
    text_size: "How big text?",
    size_normal: "Normal",
    size_large: "Big",
    size_larger: "Biggest",
    save: "Save",
    skip_to_content: "Skip the menu",
    code_heading: "Type your code",
    code_help: "You got a note with a code. Type the code as it is on the note.",
    code_label: "Code",
    go_on: "Continue",
    pin_new_heading: "Choose a PIN",
    pin_new_help: "Choose 4 to 6 digits. You will type them next time.",
    pin_label: "PIN",
    pin_repeat_label: "Type the same PIN again",
    pin_heading: "Type your PIN",
    pin_help: "It is the PIN you chose yourself.",
    new_code_link: "I have a new code",
    signed_in_heading: "You are in",
    start_answering: "Start answering",
    leave: "Sign out",
    assisted_banner: "You are answering together. You choose the answers.",
    journey_heading: "My journey",
    journey_intro: "Here you can see how things have gone for you.",
    journey_link: "See my journey",
    journey_nothing: "You will see your journey here after you answer.",
    journey_star_title: "Start and now",
    journey_outward: "Further right is better.",
    journey_table: "Show as a table",
    journey_start: "Start",
    journey_before: "Last time",
    journey_now: "Now",
    journey_legend_first: "brown circle",
    journey_legend_previous: "grey triangles, thin dotted line",
    journey_legend_latest: "blue square",
    journey_better: "It has got better.",
    journey_same: "It is the same as before.",
    journey_worse: "It has got worse.",
    journey_once: "You have answered once.",
    journey_times: "You have answered {n} times.",
    journey_twice: "You have answered twice.",
    journey_declined_once: "Once you chose “I do not want to answer”.",
    journey_declined_times: "{n} times you chose “I do not want to answer”.",
    journey_declined_twice: "Twice you chose “I do not want to answer”.",
    journey_declined_only: "You chose “I do not want to answer”.",
    journey_later: "You will get this question later.",
    chart_change: "{name}: from {from} to {to} of {of} ({from_label} → {to_label}).",
    chart_one: "{name}: {level} of {of} ({label}).",
    outbox_waiting: "Your answers are on your phone. We get them when you have internet.",
    outbox_sending: "We are getting your answers now.",
    outbox_sent: "Done! We have your answers.",
    outbox_sign_in: "Type your PIN again. Then we get your answers.",
    outbox_stuck_heading: "Something went wrong with your answers",
    outbox_stuck_body: "Your answers are still on your phone.",
    outbox_stuck_help: "Show this page to your case manager.",
    outbox_stuck_code: "The code is {code}.",
    offline_heading: "You are without internet now",
    offline_body: "Open Stegvis when you have internet. Then you can answer.",
    new_version: "There is a new Stegvis.",
    update_now: "Get the new one",
    leave_waiting: "Your answers stay on your phone until we have them.",
    answers_heading: "My answers",
    answers_intro: "Here you see all the answers you have sent.",
    answers_nothing: "Here you see your answers after you send them.",
    answers_from: "Answers from {date}",
    answers_question: "Question",
    answers_answer: "Your answer",
    answers_print: "Print",
    answers_save_heading: "Save your answers",
    answers_save_help: "You can save a file with your answers.",
    answers_save_csv: "Save as a table (CSV)",
    answers_save_json: "Save as a file for computers (JSON)",
    answers_link: "See my answers",
    answers_back: "Back to start",
    statement_heading: "How easy is Stegvis to use?",
    months: [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
};

static AR: Texts = Texts {
    loading: "انتظر قليلًا.",
    start_heading: "مرحبًا! حان وقت الإجابة",
    start_intake: "هذه أول مرة تجيب فيها.",
    start_follow_up: "الآن تجيب مرة أخرى. هذه هي المتابعة {n}.",
    start_exit: "دعمك ينتهي. هذه آخر مرة تجيب فيها.",
    start_count: "هناك {total} أسئلة. يستغرق ذلك بضع دقائق.",
    no_right_answers: "أجب بما تراه. كل الإجابات مقبولة.",
    answer_until: "آخر يوم للإجابة هو {date}.",
    resume_count: "أجبت عن {answered} من {total} أسئلة.",
    begin: "ابدأ",
    resume: "تابع",
    nothing_due_heading: "انتهيت في الوقت الحالي",
    next_from: "في المرة القادمة يمكنك الإجابة من {date}.",
    occasion_intake: "البداية",
    occasion_follow_up: "المتابعة {n}",
    occasion_exit: "النهاية",
    progress: "السؤال {step} من {total}",
    back: "رجوع",
    next: "التالي",
    choose_answer: "اختر إجابة.",
    decline: "لا أريد الإجابة",
    listen: "استمع",
    review_heading: "إجاباتك",
    review_intro: "انظر إلى إجاباتك. يمكنك تغيير إجابة قبل الإرسال.",
    change_answer: "غيّر الإجابة عن السؤال {n}",
    no_answer_yet: "بانتظار إجابتك",
    send: "أرسل الإجابات",
    answer_all_first: "أجب عن كل الأسئلة أولًا. يمكنك اختيار لا أريد الإجابة.",
    keep_answering: "تابع الإجابة",
    not_sent_heading: "أرسل إجاباتك أولًا",
    thanks_heading: "شكرًا على إجاباتك!",
    thanks_received: "وصلتنا إجاباتك.",
    thanks_next: "يمكنك أنت ومسؤول حالتك النظر في الإجابات معًا.",
    thanks_next_date: "المرة القادمة التي يمكنك فيها الإجابة هي {date}.",
    settings: "اللغة والصور والنص",
    language: "اللغة",
    pictures: "الصور",
    pictures_on: "مع الصور",
    pictures_off: "نص فقط",
    text_size: "ما حجم النص؟",
    size_normal: "عادي",
    size_large: "كبير",
    size_larger: "أكبر",
    save: "احفظ",
    skip_to_content: "تخطَّ القائمة",
    code_heading: "اكتب الرمز",
    code_help: "حصلت على ورقة عليها رمز. اكتب الرمز كما هو على الورقة.",
    code_label: "الرمز",
    go_on: "متابعة",
    pin_new_heading: "اختر رقمًا سريًا",
    pin_new_help: "اختر من 4 إلى 6 أرقام. ستكتبها في المرة القادمة.",
    pin_label: "الرقم السري",
    pin_repeat_label: "اكتب الرقم السري نفسه مرة أخرى",
    pin_heading: "اكتب رقمك السري",
    pin_help: "هو الرقم الذي اخترته بنفسك.",
    new_code_link: "لدي رمز جديد",
    signed_in_heading: "لقد دخلت",
    start_answering: "ابدأ الإجابة",
    leave: "تسجيل الخروج",
    assisted_banner: "أنتم تجيبون معًا. أنت من يختار الإجابات.",
    journey_heading: "رحلتي",
    journey_intro: "هنا ترى كيف سارت الأمور معك.",
    journey_link: "انظر رحلتي",
    journey_nothing: "سترى رحلتك هنا بعد أن تجيب.",
    journey_star_title: "البداية والآن",
    journey_outward: "كلما كان إلى اليسار كان أفضل.",
    journey_table: "اعرض كجدول",
    journey_start: "البداية",
    journey_before: "المرة الماضية",
    journey_now: "الآن",
    journey_legend_first: "دائرة بنية",
    journey_legend_previous: "مثلثات رمادية وخط منقط رفيع",
    journey_legend_latest: "مربع أزرق",
    journey_better: "أصبح أفضل.",
    journey_same: "كما كان من قبل.",
    journey_worse: "أصبح أسوأ.",
    journey_once: "أجبت مرة واحدة.",
    journey_times: "أجبت {n} مرات.",
    journey_twice: "أجبت مرتين.",
    journey_declined_once: "مرة واحدة اخترت «لا أريد الإجابة».",
    journey_declined_times: "{n} مرات اخترت «لا أريد الإجابة».",
    journey_declined_twice: "مرتين اخترت «لا أريد الإجابة».",
    journey_declined_only: "اخترت «لا أريد الإجابة».",
    journey_later: "سيأتيك هذا السؤال لاحقًا.",
    chart_change: "{name}: من {from} إلى {to} من {of} (من {from_label} إلى {to_label}).",
    chart_one: "{name}: {level} من {of} ({label}).",
    outbox_waiting: "إجاباتك محفوظة في هاتفك. نستلمها عندما يكون لديك إنترنت.",
    outbox_sending: "نستلم إجاباتك الآن.",
    outbox_sent: "تم! استلمنا إجاباتك.",
    outbox_sign_in: "اكتب رقمك السري مرة أخرى. بعدها نستلم إجاباتك.",
    outbox_stuck_heading: "حدث خطأ في إجاباتك",
    outbox_stuck_body: "إجاباتك ما زالت في هاتفك.",
    outbox_stuck_help: "أرِ هذه الصفحة لمسؤول حالتك.",
    outbox_stuck_code: "الرمز هو {code}.",
    offline_heading: "أنت بدون إنترنت الآن",
    offline_body: "افتح Stegvis عندما يكون لديك إنترنت. بعدها يمكنك الإجابة.",
    new_version: "توجد نسخة جديدة من Stegvis.",
    update_now: "احصل على النسخة الجديدة",
    leave_waiting: "تبقى إجاباتك في هاتفك حتى نستلمها.",
    answers_heading: "إجاباتي",
    answers_intro: "هنا ترى كل الإجابات التي أرسلتها.",
    answers_nothing: "سترى إجاباتك هنا بعد أن ترسلها.",
    answers_from: "إجابات من {date}",
    answers_question: "السؤال",
    answers_answer: "إجابتك",
    answers_print: "اطبع",
    answers_save_heading: "احفظ إجاباتك",
    answers_save_help: "يمكنك حفظ ملف بإجاباتك.",
    answers_save_csv: "احفظ كجدول (CSV)",
    answers_save_json: "احفظ كملف للحاسوب (JSON)",
    answers_link: "انظر إجاباتي",
    answers_back: "العودة إلى البداية",
    statement_heading: "ما مدى سهولة استخدام Stegvis؟",
    months: [
        "يناير",
        "فبراير",
        "مارس",
        "أبريل",
        "مايو",
        "يونيو",
        "يوليو",
        "أغسطس",
        "سبتمبر",
        "أكتوبر",
        "نوفمبر",
        "ديسمبر",
    ],
};

#[cfg(test)]
mod tests {
    use super::*;
    use stegvis_domain::lix::lix;

    /// Every Swedish text as a participant reads it, with typical values filled in.
    fn swedish_as_shown() -> Vec<(&'static str, String)> {
        let t = Lang::Sv.texts();
        let values: [(&str, &str); 8] = [
            ("occasion", "uppföljning 2"),
            ("total", "12"),
            ("answered", "5"),
            ("date", "20 december"),
            ("n", "3"),
            ("step", "3"),
            ("size", "Stor"),
            ("code", "3F2A9C1B"),
        ];
        vec![
            ("loading", t.loading),
            ("start_heading", t.start_heading),
            ("start_intake", t.start_intake),
            ("start_follow_up", t.start_follow_up),
            ("start_exit", t.start_exit),
            ("start_count", t.start_count),
            ("no_right_answers", t.no_right_answers),
            ("answer_until", t.answer_until),
            ("resume_count", t.resume_count),
            ("begin", t.begin),
            ("resume", t.resume),
            ("nothing_due_heading", t.nothing_due_heading),
            ("next_from", t.next_from),
            ("progress", t.progress),
            ("back", t.back),
            ("next", t.next),
            ("choose_answer", t.choose_answer),
            ("decline", t.decline),
            ("listen", t.listen),
            ("review_heading", t.review_heading),
            ("review_intro", t.review_intro),
            ("change_answer", t.change_answer),
            ("no_answer_yet", t.no_answer_yet),
            ("send", t.send),
            ("answer_all_first", t.answer_all_first),
            ("keep_answering", t.keep_answering),
            ("not_sent_heading", t.not_sent_heading),
            ("thanks_heading", t.thanks_heading),
            ("thanks_received", t.thanks_received),
            ("thanks_next", t.thanks_next),
            ("thanks_next_date", t.thanks_next_date),
            ("settings", t.settings),
            ("language", t.language),
            ("pictures", t.pictures),
            ("pictures_on", t.pictures_on),
            ("pictures_off", t.pictures_off),
            ("text_size", t.text_size),
            ("size_normal", t.size_normal),
            ("size_large", t.size_large),
            ("size_larger", t.size_larger),
            ("save", t.save),
            ("skip_to_content", t.skip_to_content),
            ("code_heading", t.code_heading),
            ("code_help", t.code_help),
            ("code_label", t.code_label),
            ("go_on", t.go_on),
            ("pin_new_heading", t.pin_new_heading),
            ("pin_new_help", t.pin_new_help),
            ("pin_label", t.pin_label),
            ("pin_repeat_label", t.pin_repeat_label),
            ("pin_heading", t.pin_heading),
            ("pin_help", t.pin_help),
            ("new_code_link", t.new_code_link),
            ("signed_in_heading", t.signed_in_heading),
            ("start_answering", t.start_answering),
            ("leave", t.leave),
            ("assisted_banner", t.assisted_banner),
            ("journey_heading", t.journey_heading),
            ("journey_intro", t.journey_intro),
            ("journey_link", t.journey_link),
            ("journey_nothing", t.journey_nothing),
            ("journey_star_title", t.journey_star_title),
            ("journey_outward", t.journey_outward),
            ("journey_table", t.journey_table),
            ("journey_start", t.journey_start),
            ("journey_before", t.journey_before),
            ("journey_now", t.journey_now),
            ("journey_legend_first", t.journey_legend_first),
            ("journey_legend_previous", t.journey_legend_previous),
            ("journey_legend_latest", t.journey_legend_latest),
            ("journey_better", t.journey_better),
            ("journey_same", t.journey_same),
            ("journey_worse", t.journey_worse),
            ("journey_once", t.journey_once),
            ("journey_times", t.journey_times),
            ("journey_twice", t.journey_twice),
            ("journey_declined_once", t.journey_declined_once),
            ("journey_declined_times", t.journey_declined_times),
            ("journey_declined_twice", t.journey_declined_twice),
            ("journey_declined_only", t.journey_declined_only),
            ("journey_later", t.journey_later),
            ("chart_change", t.chart_change),
            ("chart_one", t.chart_one),
            ("outbox_waiting", t.outbox_waiting),
            ("outbox_sending", t.outbox_sending),
            ("outbox_sent", t.outbox_sent),
            ("outbox_sign_in", t.outbox_sign_in),
            ("outbox_stuck_heading", t.outbox_stuck_heading),
            ("outbox_stuck_body", t.outbox_stuck_body),
            ("outbox_stuck_help", t.outbox_stuck_help),
            ("outbox_stuck_code", t.outbox_stuck_code),
            ("offline_heading", t.offline_heading),
            ("offline_body", t.offline_body),
            ("new_version", t.new_version),
            ("update_now", t.update_now),
            ("leave_waiting", t.leave_waiting),
            ("answers_heading", t.answers_heading),
            ("answers_intro", t.answers_intro),
            ("answers_nothing", t.answers_nothing),
            ("answers_from", t.answers_from),
            ("answers_question", t.answers_question),
            ("answers_answer", t.answers_answer),
            ("answers_print", t.answers_print),
            ("answers_save_heading", t.answers_save_heading),
            ("answers_save_help", t.answers_save_help),
            ("answers_save_csv", t.answers_save_csv),
            ("answers_save_json", t.answers_save_json),
            ("answers_link", t.answers_link),
            ("answers_back", t.answers_back),
        ]
        .into_iter()
        .map(|(name, text)| (name, fill(text, &values)))
        .collect::<Vec<_>>()
    }

    /// The text with the declined option's own name ("Vill inte svara") left
    /// out: the one negation the screens need, since the option is a refusal,
    /// and texts that tell about the option name it by its label.
    fn without_the_declined_label(text: &str) -> String {
        text.replace(Lang::Sv.texts().decline, "")
    }

    #[test]
    fn swedish_screen_texts_avoid_negations_idioms_long_and_abstract_words() {
        let mut problems = Vec::new();
        for (name, text) in swedish_as_shown() {
            let checked = without_the_declined_label(&text);
            for problem in stegvis_domain::easy_read::problems(&checked, &[]) {
                problems.push(format!("{name}: \"{text}\" has the {problem}"));
            }
        }
        assert!(
            problems.is_empty(),
            "easy-read texts avoid negations, idioms, words over 14 letters and abstract nouns:\n{}",
            problems.join("\n")
        );
    }

    #[test]
    fn the_easy_read_check_fails_on_the_old_wording() {
        for old in [
            "Det finns inga rätt eller fel svar.",
            "Du har inget att svara på nu",
            "Dina svar är inte skickade än",
            "Inget svar än",
            "Du kan svara till och med 20 december.",
        ] {
            let checked = without_the_declined_label(old);
            assert!(
                !stegvis_domain::easy_read::problems(&checked, &[]).is_empty(),
                "{old:?} passes the check"
            );
            assert!(
                swedish_as_shown().iter().all(|(_, t)| t != old),
                "{old:?} is still shown"
            );
        }
        // Only the option's own name is let through, not a negation beside it.
        assert!(!stegvis_domain::easy_read::problems(
            &without_the_declined_label("Du kan inte välja Vill inte svara."),
            &[]
        )
        .is_empty());
    }

    #[test]
    fn the_start_screen_says_each_occasion_as_a_whole_sentence() {
        use stegvis_domain::occasion::OccasionKind as K;
        assert_eq!(
            occasion_sentence(Lang::Sv, K::Intake, 0),
            "Det här är första gången du svarar."
        );
        assert_eq!(
            occasion_sentence(Lang::Sv, K::FollowUp, 1),
            "Nu svarar du igen. Det är uppföljning 1."
        );
        assert!(occasion_sentence(Lang::Ar, K::FollowUp, 3).contains('3'));
        for lang in Lang::ALL {
            for kind in K::ALL {
                let sentence = occasion_sentence(lang, kind, 2);
                assert!(!sentence.contains('{'), "{lang:?} {kind}: {sentence}");
                // The label alone is no sentence: "Nu är det dags för slut."
                assert_ne!(sentence, occasion_name(lang, kind, 2));
            }
        }
    }

    #[test]
    fn the_access_code_and_the_pin_keep_their_own_names() {
        // "Kod" is the access code on the note; "pinkod" the digits the person chose.
        let t = Lang::Sv.texts();
        for pin_text in [t.pin_repeat_label, t.pin_help, t.pin_heading, t.pin_label] {
            assert!(
                pin_text.to_lowercase().contains("pinkod"),
                "{pin_text:?} is about the PIN"
            );
        }
        // The printed code has a dash: no letter count the reader must check.
        assert!(!t.code_help.contains("åtta"), "{}", t.code_help);
    }

    #[test]
    fn every_swedish_screen_text_is_easy_to_read() {
        let mut too_hard = Vec::new();
        for (name, text) in swedish_as_shown() {
            let value = lix(&text);
            if value > 30.0 {
                too_hard.push(format!("{name}: \"{text}\" has LIX {value:.1}"));
            }
        }
        assert!(
            too_hard.is_empty(),
            "LIX above 30:\n{}",
            too_hard.join("\n")
        );
    }

    #[test]
    fn the_screens_together_are_easy_to_read() {
        let all: Vec<String> = swedish_as_shown().into_iter().map(|(_, t)| t).collect();
        let value = lix(&all.join(" "));
        assert!(
            value <= 30.0,
            "all screen texts together have LIX {value:.1}"
        );
    }

    #[test]
    fn the_page_script_gets_every_text_it_asks_for_in_every_language() {
        for lang in Lang::ALL {
            let texts: serde_json::Value = serde_json::from_str(&page_script_texts(lang)).unwrap();
            let texts = texts.as_object().unwrap();
            assert_eq!(texts.len(), 18, "{lang:?}: {texts:?}");
            assert_eq!(texts["months"].as_array().map(Vec::len), Some(12));
            assert_eq!(texts["outbox_waiting"], lang.texts().outbox_waiting);
        }
    }

    #[test]
    fn every_language_has_every_text() {
        for lang in Lang::ALL {
            let texts = serde_json::to_value(lang.texts()).unwrap();
            let texts = texts.as_object().unwrap();
            for (name, value) in texts {
                let parts = value
                    .as_array()
                    .map_or_else(|| vec![value.clone()], Clone::clone);
                for part in parts {
                    let text = part.as_str().unwrap_or_default();
                    assert!(!text.trim().is_empty(), "{lang:?}: {name} is empty");
                }
            }
            assert!(lang.texts().answers_from.contains("{date}"), "{lang:?}");
        }
    }

    #[test]
    fn placeholders_are_filled() {
        assert_eq!(
            fill("Fråga {step} av {total}", &[("step", "3"), ("total", "12")]),
            "Fråga 3 av 12"
        );
    }

    #[test]
    fn dates_read_like_speech_with_the_year_only_when_needed() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        let d = NaiveDate::from_ymd_opt(2026, 12, 20).unwrap();
        assert_eq!(format_date(Lang::Sv, d, today), "20 december");
        assert_eq!(format_date(Lang::En, d, today), "20 December");
        let next_year = NaiveDate::from_ymd_opt(2027, 2, 3).unwrap();
        assert_eq!(format_date(Lang::Sv, next_year, today), "3 februari 2027");
    }

    #[test]
    fn arabic_is_right_to_left_and_codes_round_trip() {
        assert_eq!(Lang::Ar.dir(), "rtl");
        assert_eq!(Lang::Sv.dir(), "ltr");
        for lang in Lang::ALL {
            assert_eq!(Lang::from_code(lang.code()), Some(lang));
        }
        assert_eq!(Lang::from_code("fi"), None);
    }
}
