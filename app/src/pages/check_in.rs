//! The participant's check-in screens: start, one question per screen, review,
//! thank you. Each is a plain server-rendered form; the WASM only makes the
//! same forms faster, moves focus to the new question and adds "Lyssna".

use super::common::{loaded, set_http_status};
use crate::check_in::{
    check_in_overview, check_in_question, check_in_review, question_path, Overview, QuestionView,
    ReviewView, SaveAnswer, SubmitCheckIn, GO_BACK, GO_NEXT, REVIEW_PATH, START_PATH,
};
use crate::error::AppError;
use crate::prefs::Prefs;
use crate::texts::{Lang, Texts};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// The step number from the URL; an unreadable one becomes 0, which no question has.
fn use_step() -> Memo<usize> {
    let params = use_params_map();
    Memo::new(move |_| {
        params
            .read()
            .get("step")
            .and_then(|s| s.parse().ok())
            .unwrap_or(0)
    })
}

fn use_lang() -> Lang {
    use_context::<Prefs>().unwrap_or_default().lang
}

/// The first screen of the check-in: what is due, and a button to start or continue.
#[component]
pub fn CheckInStart() -> impl IntoView {
    let lang = use_lang();
    let t = lang.texts();
    let overview = Resource::new(|| (), |_| check_in_overview());
    loaded(overview, move |overview| {
        match overview {
        Overview::NothingDue { next_opens } => view! {
            <Title text=t.nothing_due_heading.as_str() />
            <h1 tabindex="-1">{t.nothing_due_heading.as_str()}</h1>
            {next_opens.map(|d| view! { <p>{lang.format("next_from", &[("date", d.into())])}</p> })}
            <p>
                <a class="button button-primary" href=crate::progress::JOURNEY_PATH>{t.journey_link.as_str()}</a>
            </p>
        }
        .into_any(),
        Overview::Open {
            occasion,
            closes,
            total,
            answered,
            resume_at,
        } => {
            let href = if resume_at > total {
                REVIEW_PATH.to_owned()
            } else {
                question_path(resume_at)
            };
            let resuming = answered > 0;
            view! {
                <Title text=t.start_heading.as_str() />
                <h1 tabindex="-1">{t.start_heading.as_str()}</h1>
                <p>{occasion}</p>
                <p>{lang.format("start_count", &[("total", total.into())])}</p>
                <p>{t.no_right_answers.as_str()}</p>
                <p>{lang.format("answer_until", &[("date", closes.into())])}</p>
                {resuming
                    .then(|| {
                        view! {
                            <p>
                                {lang.format(
                                    "resume_count",
                                    &[("answered", answered.into()), ("total", total.into())],
                                )}
                            </p>
                        }
                    })}
                <p>
                    <a class="button button-primary" href=href>
                        {if resuming { t.resume.as_str() } else { t.begin.as_str() }}
                    </a>
                </p>
            }
            .into_any()
        }
    }
    })
}

/// One question per screen, with Back and Next.
#[component]
pub fn QuestionPage() -> impl IntoView {
    let step = use_step();
    let question = Resource::new(move || step.get(), check_in_question);
    let save = ServerAction::<SaveAnswer>::new();
    loaded(question, move |q| view! { <QuestionForm q save /> })
}

/// What "Lyssna" reads: the question, then every option.
fn spoken_text(q: &QuestionView) -> String {
    let mut text = q.question.clone();
    for o in &q.options {
        text.push_str(". ");
        text.push_str(&o.label);
    }
    text
}

#[component]
fn QuestionForm(q: QuestionView, save: ServerAction<SaveAnswer>) -> impl IntoView {
    let lang = use_lang();
    let t: &'static Texts = lang.texts();
    // This browser's own last answer, never an error written into the address.
    let error = crate::form_error::form_error(save);
    let error = move || error.get();
    let progress = lang.format(
        "progress",
        &[("step", q.step.into()), ("total", q.total.into())],
    );
    let selected = q.selected.clone();
    let spoken = spoken_text(&q);
    view! {
        <Title text=progress.clone() />
        <p class="progress" id="progress">{progress}</p>
        <ActionForm action=save>
            <input type="hidden" name="submission_id" value=q.submission_id.clone() />
            <input type="hidden" name="step" value=q.step.to_string() />
            <input type="hidden" name="item" value=q.item_id.clone() />
            // Enter in the form (say on a chosen option) submits with the
            // first submit button: this one, so Enter always means Next. It is
            // out of sight, out of the tab order and of the accessibility tree;
            // the visible buttons keep their order, Back first.
            <button
                type="submit"
                name="go"
                value=GO_NEXT
                class="visually-hidden"
                tabindex="-1"
                aria-hidden="true"
            >
                {t.next.as_str()}
            </button>
            // No `required`: the browser's bubble (in the browser's language)
            // would stand in for the app's own message, and every option would
            // be exposed as invalid before anything was chosen.
            <fieldset
                class="question"
                aria-describedby=move || {
                    if error().is_some() { "progress answer-error" } else { "progress" }
                }
                aria-invalid=move || error().is_some().then_some("true")
            >
                <legend>
                    <h1 tabindex="-1">{q.question.clone()}</h1>
                </legend>
                {q.help.clone().map(|h| view! { <p class="help">{h}</p> })}
                <ListenButton text=spoken lang />
                <div class="options">
                    {q
                        .options
                        .iter()
                        .map(|o| {
                            let checked = selected.as_deref() == Some(o.value.as_str());
                            let declined = o.value == stegvis_domain::instrument::DECLINED;
                            view! {
                                <label class="option" class:option-declined=declined>
                                    <input
                                        type="radio"
                                        name="answer"
                                        value=o.value.clone()
                                        checked=checked
                                        prop:checked=checked
                                        aria-invalid=move || error().is_some().then_some("true")
                                    />
                                    {o
                                        .picture
                                        .clone()
                                        .map(|p| {
                                            view! {
                                                <img class="option-picture" src=format!("/pictures/{p}.svg") alt="" width="48" height="48" />
                                            }
                                        })}
                                    <span class="option-label">{o.label.clone()}</span>
                                </label>
                            }
                        })
                        .collect_view()}
                </div>
                <div aria-live="assertive">
                    {move || {
                        error()
                            .map(|e: AppError| {
                                view! { <p class="field-error" id="answer-error">{e.to_string()}</p> }
                            })
                    }}
                </div>
            </fieldset>
            <div class="step-buttons">
                <button type="submit" name="go" value=GO_BACK formnovalidate class="button">
                    {t.back.as_str()}
                </button>
                <button type="submit" name="go" value=GO_NEXT class="button button-primary">
                    {t.next.as_str()}
                </button>
            </div>
        </ActionForm>
    }
}

/// Reads the question and its options aloud with the browser's speech
/// synthesis. Rendered hidden: the participant script shows it once it has
/// found a voice engine, so it is never a dead button (and absent without
/// JavaScript).
#[component]
fn ListenButton(text: String, lang: Lang) -> impl IntoView {
    view! {
        <button
            type="button"
            class="button listen"
            hidden
            data-speak=text
            data-speak-lang=lang.code()
        >
            <svg class="icon" aria-hidden="true" viewBox="0 0 24 24" width="24" height="24">
                <path d="M3 9v6h4l5 4V5L7 9H3z" fill="currentColor" />
                <path
                    d="M16 8.5a5 5 0 0 1 0 7M18.5 6a8.5 8.5 0 0 1 0 12"
                    fill="none"
                    stroke="currentColor"
                    stroke-width="2"
                    stroke-linecap="round"
                />
            </svg>
            <span>{lang.texts().listen.as_str()}</span>
        </button>
    }
}

/// Shown by a phone without network: the participant script draws the kept
/// check-in here; without one (or without JavaScript) it says why nothing
/// else can be shown.
#[component]
pub fn OfflinePage() -> impl IntoView {
    let t = use_lang().texts();
    view! {
        <Title text=t.offline_heading.as_str() />
        <div class="offline-shell" data-offline-shell="true">
            <h1 tabindex="-1" data-t="offline_heading">{t.offline_heading.as_str()}</h1>
            <p data-t="offline_body">{t.offline_body.as_str()}</p>
        </div>
    }
}

/// Every answer before sending, each with a link to change it.
#[component]
pub fn ReviewPage() -> impl IntoView {
    let review = Resource::new(|| (), |_| check_in_review());
    let submit = ServerAction::<SubmitCheckIn>::new();
    loaded(review, move |r| view! { <ReviewForm r submit /> })
}

#[component]
fn ReviewForm(r: ReviewView, submit: ServerAction<SubmitCheckIn>) -> impl IntoView {
    let lang = use_lang();
    let t = lang.texts();
    // This browser's own last answer, never an error written into the address.
    let error = crate::form_error::form_error(submit);
    let error = move || error.get();
    let pending = submit.pending();
    let rows = r
        .rows
        .into_iter()
        .map(|row| {
            let href = question_path(row.step);
            view! {
                <li>
                    <p class="review-question">{row.question}</p>
                    <p class="review-answer">{row.answer.unwrap_or_else(|| t.no_answer_yet.as_str().into())}</p>
                    <a href=href>{lang.format("change_answer", &[("n", row.step.into())])}</a>
                </li>
            }
        })
        .collect_view();
    view! {
        <Title text=t.review_heading.as_str() />
        <h1 tabindex="-1">{t.review_heading.as_str()}</h1>
        <p>{t.review_intro.as_str()}</p>
        <ol class="review">{rows}</ol>
        <div aria-live="assertive">
            {move || {
                error().map(|e| view! { <p class="field-error" role="alert">{e.to_string()}</p> })
            }}
        </div>
        {if r.complete {
            view! {
                <ActionForm action=submit>
                    <input type="hidden" name="submission_id" value=r.submission_id.clone() />
                    <button type="submit" class="button button-primary" disabled=move || pending.get()>
                        {t.send.as_str()}
                    </button>
                </ActionForm>
            }
                .into_any()
        } else {
            view! {
                <p>{t.answer_all_first.as_str()}</p>
                <p>
                    <a class="button" href=START_PATH>{t.keep_answering.as_str()}</a>
                </p>
            }
                .into_any()
        }}
    }
}

/// Confirms that the answers arrived and says what happens next.
#[component]
pub fn ThanksPage() -> impl IntoView {
    let lang = use_lang();
    let t = lang.texts();
    let overview = Resource::new(|| (), |_| check_in_overview());
    loaded(overview, move |overview| match overview {
        Overview::Open { .. } => {
            set_http_status(409);
            view! {
                <Title text=t.not_sent_heading.as_str() />
                <h1 tabindex="-1">{t.not_sent_heading.as_str()}</h1>
                <p>
                    <a class="button button-primary" href=START_PATH>{t.keep_answering.as_str()}</a>
                </p>
            }
            .into_any()
        }
        Overview::NothingDue { next_opens } => {
            view! { <ThanksContent lang next_opens /> }.into_any()
        }
    })
}

#[component]
fn ThanksContent(lang: Lang, next_opens: Option<String>) -> impl IntoView {
    let t = lang.texts();
    view! {
        <Title text=t.thanks_heading.as_str() />
        <h1 tabindex="-1">{t.thanks_heading.as_str()}</h1>
        <p>{t.thanks_received.as_str()}</p>
        <p>{t.thanks_next.as_str()}</p>
        {next_opens.map(|d| view! { <p>{lang.format("thanks_next_date", &[("date", d.into())])}</p> })}
        <p>
            <a class="button button-primary" href=crate::progress::JOURNEY_PATH>{t.journey_link.as_str()}</a>
        </p>
        <p>
            <a class="button" href=crate::my_answers::MY_ANSWERS_PATH>
                {t.answers_link.as_str()}
            </a>
        </p>
    }
}
