//! The accessibility statement (*tillgänglighetsredogörelse*): how accessible
//! Stegvis is, what is known not to work well yet, and how to report a problem.
//! DOS-lagen (2018:1937) asks every public body to publish one for its digital
//! services, so the app carries its own, linked from the footer of every page.
//!
//! Written in easy-read Swedish, which is the text that counts, with English
//! and Arabic translations in the participant's language. It is a plain
//! server-rendered page: it works with JavaScript off and on any phone. How to
//! report a problem comes from the operator's configuration
//! (`STEGVIS_ACCESSIBILITY_CONTACT`); without it people are sent to their case
//! manager.

use crate::prefs::Prefs;
use crate::texts::{fill, Lang};
use leptos::prelude::*;
use leptos_meta::Title;

/// Where the statement lives; every page's footer links here.
pub const STATEMENT_PATH: &str = "/tillganglighet";

/// The authority that supervises DOS-lagen, where people can complain.
const SUPERVISOR_URL: &str = "https://www.digg.se";

/// The statement in one language.
pub struct Statement {
    pub intro: &'static [&'static str],
    pub works_heading: &'static str,
    pub works: &'static [&'static str],
    pub gaps_heading: &'static str,
    pub gaps: &'static [&'static str],
    pub report_heading: &'static str,
    /// `{contact}`: the operator's contact (`STEGVIS_ACCESSIBILITY_CONTACT`).
    pub report_contact: &'static str,
    /// Said when no contact is configured.
    pub report_default: &'static str,
    pub report_supervisor: &'static str,
    pub supervisor_link: &'static str,
    pub about_heading: &'static str,
    pub about: &'static [&'static str],
    /// Translations say that the Swedish text is the one that counts.
    pub official: Option<&'static str>,
}

/// The statement in `lang`.
pub fn statement(lang: Lang) -> &'static Statement {
    match lang {
        Lang::Sv => &SV,
        Lang::En => &EN,
        Lang::Ar => &AR,
    }
}

static SV: Statement = Statement {
    intro: &[
        "Alla ska kunna använda Stegvis.",
        "Här står vad som fungerar bra och vad som är svårt än.",
        "Här står också hur du säger till om något är svårt.",
    ],
    works_heading: "Det här fungerar",
    works: &[
        "Du kan välja svenska, engelska eller arabiska.",
        "Du kan välja stor text och bilder vid svaren.",
        "Knappen Lyssna läser frågan högt.",
        "Du kan använda bara tangenter. Du kan använda en skärmläsare.",
        "Sidorna för deltagare fungerar på små telefoner och med stor text.",
        "Du kan svara utan internet. Vi får svaren när du har internet igen.",
    ],
    gaps_heading: "Det här är svårt än",
    gaps: &[
        "Lyssna behöver en röst i telefonen för ditt språk. En del telefoner saknar den.",
        "Bilderna i Min resa kan vara svåra att läsa. Välj Visa som tabell. Då ser du samma sak som text.",
        "Filer med svar (CSV och JSON) är tabeller. De kan vara svåra att läsa.",
        "Sidorna för personal finns bara på svenska.",
    ],
    report_heading: "Säg till om något är svårt",
    report_contact: "Kontakta oss: {contact}",
    report_default: "Berätta för din handläggare. Handläggaren ser till att vi får veta.",
    report_supervisor: "Du kan också kontakta Digg. Digg är en del av staten. Digg ser till att lagen följs.",
    supervisor_link: "Till Diggs webbplats",
    about_heading: "Om lagen",
    about: &[
        "Det finns en lag om digital offentlig service. Lagen kallas DOS-lagen.",
        "Stegvis följer lagen till stor del. Det som är svårt än står ovanför.",
        "Vi testar Stegvis med tangenter, skärmläsare och med verktyg. Vi testar på telefon och dator.",
        "Vi skrev den här texten i december 2026.",
    ],
    official: None,
};

static EN: Statement = Statement {
    intro: &[
        "Everyone should be able to use Stegvis.",
        "Here you can read what works well and what is still hard.",
        "You can also read how to tell us when something is hard.",
    ],
    works_heading: "This works",
    works: &[
        "You can choose Swedish, English or Arabic.",
        "You can choose big text and pictures next to the answers.",
        "The Listen button reads the question aloud.",
        "You can use only the keyboard. You can use a screen reader.",
        "The participant pages work on small phones and with big text.",
        "You can answer without internet. We get your answers when you have internet again.",
    ],
    gaps_heading: "This is still hard",
    gaps: &[
        "Listen needs a voice on your phone for your language. Some phones do not have one.",
        "The pictures in My journey can be hard to read. Choose Show as a table. Then you see the same as text.",
        "Files with answers (CSV and JSON) are tables. They can be hard to read.",
        "The staff pages are only in Swedish.",
    ],
    report_heading: "Tell us when something is hard",
    report_contact: "Contact us: {contact}",
    report_default: "Tell your case manager. Your case manager makes sure that we know.",
    report_supervisor: "You can also contact the Agency for Digital Government (Digg). That agency makes sure the law is followed.",
    supervisor_link: "To the Agency for Digital Government",
    about_heading: "About the law",
    about: &[
        "Sweden has a law on accessible digital public services (DOS-lagen).",
        "Stegvis mostly follows the law. What is still hard is listed above.",
        "We test Stegvis with the keyboard, screen readers and tools, on phones and computers.",
        "We wrote this text in December 2026.",
    ],
    official: Some("This is a translation. The Swedish text is the official one."),
};

static AR: Statement = Statement {
    intro: &[
        "يجب أن يستطيع الجميع استخدام Stegvis.",
        "هنا تقرأ ما يعمل جيدًا وما زال صعبًا.",
        "وهنا تقرأ أيضًا كيف تخبرنا عندما يكون شيء صعبًا.",
    ],
    works_heading: "هذا يعمل",
    works: &[
        "يمكنك اختيار السويدية أو الإنجليزية أو العربية.",
        "يمكنك اختيار نص كبير وصور بجانب الإجابات.",
        "زر استمع يقرأ السؤال بصوت عالٍ.",
        "يمكنك استخدام لوحة المفاتيح فقط. يمكنك استخدام قارئ الشاشة.",
        "صفحات المشاركين تعمل على الهواتف الصغيرة ومع النص الكبير.",
        "يمكنك الإجابة بدون إنترنت. نستلم إجاباتك عندما يعود الإنترنت.",
    ],
    gaps_heading: "هذا ما زال صعبًا",
    gaps: &[
        "استمع يحتاج إلى صوت في هاتفك بلغتك. بعض الهواتف ليس فيها ذلك.",
        "الصور في رحلتي قد تكون صعبة القراءة. اختر اعرض كجدول. عندها ترى الشيء نفسه كنص.",
        "ملفات الإجابات (CSV و JSON) جداول. قد تكون صعبة القراءة.",
        "صفحات الموظفين باللغة السويدية فقط.",
    ],
    report_heading: "أخبرنا عندما يكون شيء صعبًا",
    report_contact: "تواصل معنا: {contact}",
    report_default: "أخبر مسؤول حالتك. مسؤول حالتك يتأكد من أننا نعرف.",
    report_supervisor:
        "يمكنك أيضًا التواصل مع هيئة الإدارة الرقمية (Digg). هذه الهيئة تتأكد من اتباع القانون.",
    supervisor_link: "إلى هيئة الإدارة الرقمية",
    about_heading: "عن القانون",
    about: &[
        "في السويد قانون عن الخدمات الرقمية العامة الميسّرة (DOS-lagen).",
        "Stegvis يتبع القانون في معظم الأمور. ما زال صعبًا مكتوب في الأعلى.",
        "نختبر Stegvis بلوحة المفاتيح وقارئات الشاشة والأدوات، على الهاتف والحاسوب.",
        "كتبنا هذا النص في ديسمبر 2026.",
    ],
    official: Some("هذه ترجمة. النص السويدي هو النص الرسمي."),
};

/// The operator's contact for accessibility problems, read on the server.
fn configured_contact() -> Option<String> {
    #[cfg(feature = "ssr")]
    {
        crate::state::app_state()
            .ok()
            .and_then(|s| s.accessibility_contact.clone())
    }
    #[cfg(not(feature = "ssr"))]
    {
        None
    }
}

/// The footer of every page, participant and staff: the way to the statement.
#[component]
pub fn SiteFooter() -> impl IntoView {
    let t = use_context::<Prefs>().unwrap_or_default().lang.texts();
    view! {
        <footer class="site-footer">
            // A whole page load (`rel="external"`, which the client router
            // leaves alone): the statement is server-rendered only.
            <a href=STATEMENT_PATH rel="external">
                {t.statement_heading}
            </a>
        </footer>
    }
}

/// The accessibility statement, in the reader's language.
#[component]
pub fn AccessibilityPage() -> impl IntoView {
    let lang = use_context::<Prefs>().unwrap_or_default().lang;
    let (s, heading) = (statement(lang), lang.texts().statement_heading);
    let list = |items: &'static [&'static str]| {
        items
            .iter()
            .map(|item| view! { <li>{*item}</li> })
            .collect_view()
    };
    let report = match configured_contact() {
        Some(contact) => fill(s.report_contact, &[("contact", &contact)]),
        None => s.report_default.to_owned(),
    };
    view! {
        <Title text=heading />
        <article class="statement">
            <h1 tabindex="-1">{heading}</h1>
            {s.official.map(|note| view! { <p class="notice">{note}</p> })}
            {s.intro.iter().map(|p| view! { <p>{*p}</p> }).collect_view()}
            <section aria-labelledby="works-heading">
                <h2 id="works-heading">{s.works_heading}</h2>
                <ul class="plain-list">{list(s.works)}</ul>
            </section>
            <section aria-labelledby="gaps-heading">
                <h2 id="gaps-heading">{s.gaps_heading}</h2>
                <ul class="plain-list">{list(s.gaps)}</ul>
            </section>
            <section aria-labelledby="report-heading">
                <h2 id="report-heading">{s.report_heading}</h2>
                <p class="statement-contact">{report}</p>
                <p>{s.report_supervisor}</p>
                <p>
                    <a href=SUPERVISOR_URL rel="external">{s.supervisor_link}</a>
                </p>
            </section>
            <section aria-labelledby="about-heading">
                <h2 id="about-heading">{s.about_heading}</h2>
                {s.about.iter().map(|p| view! { <p>{*p}</p> }).collect_view()}
            </section>
        </article>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use stegvis_domain::easy_read;
    use stegvis_domain::lix::lix;

    /// Every Swedish text of the statement (its heading, also the footer
    /// link, is in [`crate::texts::Texts`]; read with the rest here, as part
    /// of the statement, since a short heading alone has no reliable LIX).
    fn swedish() -> Vec<&'static str> {
        let s = statement(Lang::Sv);
        let mut all = vec![
            Lang::Sv.texts().statement_heading,
            s.works_heading,
            s.gaps_heading,
            s.report_heading,
            s.report_contact,
            s.report_default,
            s.report_supervisor,
            s.supervisor_link,
            s.about_heading,
        ];
        for part in [s.intro, s.works, s.gaps, s.about] {
            all.extend_from_slice(part);
        }
        all
    }

    #[test]
    fn the_swedish_statement_is_easy_to_read() {
        let all = swedish();
        let value = lix(&all.join(" "));
        assert!(value <= 30.0, "the statement has LIX {value:.1}");
        let problems: Vec<String> = all
            .iter()
            .flat_map(|text| {
                easy_read::problems(text, &[])
                    .into_iter()
                    .map(move |p| format!("{text:?} has the {p}"))
            })
            .collect();
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }

    #[test]
    fn every_language_has_the_same_parts_and_translations_defer_to_swedish() {
        let sv = statement(Lang::Sv);
        assert!(sv.official.is_none());
        for lang in [Lang::En, Lang::Ar] {
            let s = statement(lang);
            assert!(s.official.is_some(), "{lang:?}");
            assert_eq!(s.intro.len(), sv.intro.len(), "{lang:?}");
            assert_eq!(s.works.len(), sv.works.len(), "{lang:?}");
            assert_eq!(s.gaps.len(), sv.gaps.len(), "{lang:?}");
            assert_eq!(s.about.len(), sv.about.len(), "{lang:?}");
            assert!(s.report_contact.contains("{contact}"), "{lang:?}");
        }
    }
}
