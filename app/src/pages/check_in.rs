//! The participant's check-in screens: start, one question per screen, review,
//! thank you. Each is a plain server-rendered form; the WASM only makes the
//! same forms faster and moves focus to the new question.

use super::common::{focus_heading_after_navigation, set_http_status, ErrorNotice};
use crate::check_in::{
    check_in_overview, check_in_question, check_in_review, question_path, review_path, start_path,
    Overview, QuestionView, ReviewView, SaveAnswer, SubmitCheckIn, GO_BACK, GO_NEXT,
};
use crate::error::AppError;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

fn use_token() -> Memo<String> {
    let params = use_params_map();
    Memo::new(move |_| params.read().get("token").unwrap_or_default())
}

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

/// The first screen of a check-in link: what is due, and a button to start or continue.
#[component]
pub fn CheckInStart() -> impl IntoView {
    let token = use_token();
    let overview = Resource::new(move || token.get(), check_in_overview);
    view! {
        <Suspense fallback=|| view! { <p>"Laddar…"</p> }>
            {move || Suspend::new(async move {
                let token = token.get_untracked();
                match overview.await {
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                    Ok(Overview::NothingDue { next_opens }) => {
                        view! {
                            <Title text="Inget att svara på" />
                            <h1 tabindex="-1">"Du har inget att svara på nu"</h1>
                            {next_opens
                                .map(|d| view! { <p>{format!("Nästa gång kan du svara från {d}.")}</p> })}
                        }
                            .into_any()
                    }
                    Ok(Overview::Open { occasion, closes, total, answered, resume_at }) => {
                        let href = if resume_at > total {
                            review_path(&token)
                        } else {
                            question_path(&token, resume_at)
                        };
                        let resuming = answered > 0;
                        view! {
                            <Title text="Dags att svara" />
                            <h1 tabindex="-1">"Hej! Nu är det dags att svara"</h1>
                            <p>{format!("Det här är frågorna för: {occasion}.")}</p>
                            <p>{format!("Det är {total} frågor. Det tar några minuter.")}</p>
                            <p>"Det finns inga rätt eller fel svar."</p>
                            <p>{format!("Du kan svara till och med {closes}.")}</p>
                            {resuming
                                .then(|| {
                                    view! {
                                        <p>{format!("Du har svarat på {answered} av {total} frågor.")}</p>
                                    }
                                })}
                            <p>
                                <a class="button button-primary" href=href>
                                    {if resuming { "Fortsätt" } else { "Börja" }}
                                </a>
                            </p>
                        }
                            .into_any()
                    }
                }
            })}
        </Suspense>
    }
}

/// One question per screen, with Back and Next.
#[component]
pub fn QuestionPage() -> impl IntoView {
    let token = use_token();
    let step = use_step();
    let question = Resource::new(
        move || (token.get(), step.get()),
        |(t, s)| check_in_question(t, s),
    );
    let save = ServerAction::<SaveAnswer>::new();
    view! {
        <Suspense fallback=|| view! { <p>"Laddar frågan…"</p> }>
            {move || Suspend::new(async move {
                match question.await {
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                    Ok(q) => view! { <QuestionForm q token=token.get_untracked() save /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn QuestionForm(q: QuestionView, token: String, save: ServerAction<SaveAnswer>) -> impl IntoView {
    let error = move || save.value().get().and_then(Result::err);
    focus_heading_after_navigation();
    let progress = format!("Fråga {} av {}", q.step, q.total);
    let selected = q.selected.clone();
    view! {
        <Title text=progress.clone() />
        <p class="progress" id="progress">{progress}</p>
        <ActionForm action=save>
            <input type="hidden" name="token" value=token />
            <input type="hidden" name="submission_id" value=q.submission_id.clone() />
            <input type="hidden" name="step" value=q.step.to_string() />
            <input type="hidden" name="item" value=q.item_id.clone() />
            <fieldset
                class="question"
                aria-describedby=move || {
                    if error().is_some() { "progress answer-error" } else { "progress" }
                }
            >
                <legend>
                    <h1 tabindex="-1">{q.question.clone()}</h1>
                </legend>
                {q.help.clone().map(|h| view! { <p class="help">{h}</p> })}
                <div class="options">
                    {q
                        .options
                        .iter()
                        .map(|o| {
                            let checked = selected.as_deref() == Some(o.value.as_str());
                            let declined = o.value == stegvis_domain::instrument::DECLINED;
                            view! {
                                <label class="option" class:option-declined=declined>
                                    <input type="radio" name="answer" value=o.value.clone() checked=checked required />
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
                    "Tillbaka"
                </button>
                <button type="submit" name="go" value=GO_NEXT class="button button-primary">
                    "Nästa"
                </button>
            </div>
        </ActionForm>
    }
}

/// Every answer before sending, each with a link to change it.
#[component]
pub fn ReviewPage() -> impl IntoView {
    let token = use_token();
    let review = Resource::new(move || token.get(), check_in_review);
    let submit = ServerAction::<SubmitCheckIn>::new();
    view! {
        <Suspense fallback=|| view! { <p>"Laddar dina svar…"</p> }>
            {move || Suspend::new(async move {
                match review.await {
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                    Ok(r) => view! { <ReviewForm r token=token.get_untracked() submit /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ReviewForm(r: ReviewView, token: String, submit: ServerAction<SubmitCheckIn>) -> impl IntoView {
    focus_heading_after_navigation();
    let error = move || submit.value().get().and_then(Result::err);
    let pending = submit.pending();
    let rows = r
        .rows
        .into_iter()
        .map(|row| {
            let href = question_path(&token, row.step);
            view! {
                <li>
                    <p class="review-question">{row.question}</p>
                    <p class="review-answer">
                        {row.answer.unwrap_or_else(|| "Inget svar än".into())}
                    </p>
                    <a href=href>{format!("Ändra svar på fråga {}", row.step)}</a>
                </li>
            }
        })
        .collect_view();
    view! {
        <Title text="Dina svar" />
        <h1 tabindex="-1">"Dina svar"</h1>
        <p>"Titta på dina svar. Du kan ändra ett svar innan du skickar."</p>
        <ol class="review">{rows}</ol>
        <div aria-live="assertive">
            {move || {
                error().map(|e| view! { <p class="field-error" role="alert">{e.to_string()}</p> })
            }}
        </div>
        {if r.complete {
            view! {
                <ActionForm action=submit>
                    <input type="hidden" name="token" value=token.clone() />
                    <input type="hidden" name="submission_id" value=r.submission_id.clone() />
                    <button type="submit" class="button button-primary" disabled=move || pending.get()>
                        "Skicka svaren"
                    </button>
                </ActionForm>
            }
                .into_any()
        } else {
            view! {
                <p>"Svara på alla frågor först. Du kan välja Vill inte svara."</p>
                <p>
                    <a class="button" href=start_path(&token)>"Fortsätt svara"</a>
                </p>
            }
                .into_any()
        }}
    }
}

/// Confirms that the answers arrived and says what happens next.
#[component]
pub fn ThanksPage() -> impl IntoView {
    let token = use_token();
    let overview = Resource::new(move || token.get(), check_in_overview);
    view! {
        <Suspense fallback=|| view! { <p>"Laddar…"</p> }>
            {move || Suspend::new(async move {
                match overview.await {
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                    Ok(Overview::Open { .. }) => {
                        set_http_status(409);
                        let token = token.get_untracked();
                        view! {
                            <Title text="Inte skickat än" />
                            <h1 tabindex="-1">"Dina svar är inte skickade än"</h1>
                            <p>
                                <a class="button button-primary" href=start_path(&token)>"Fortsätt svara"</a>
                            </p>
                        }
                            .into_any()
                    }
                    Ok(Overview::NothingDue { next_opens }) => {
                        focus_heading_after_navigation();
                        view! {
                            <Title text="Tack för dina svar" />
                            <h1 tabindex="-1">"Tack för dina svar!"</h1>
                            <p>"Vi har fått dina svar."</p>
                            <p>"Du och din handläggare kan titta på svaren tillsammans."</p>
                            {next_opens
                                .map(|d| view! { <p>{format!("Nästa gång du kan svara är {d}.")}</p> })}
                        }
                            .into_any()
                    }
                }
            })}
        </Suspense>
    }
}
