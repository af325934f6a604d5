//! The load itself: phones signed in the way real ones are (a case manager
//! registers a participant and issues an access code, the phone redeems it and
//! chooses a PIN), then rounds in which a number of phones at once each do a
//! whole check-in as the participant script does it: fetch the open check-in
//! (`GET /api/check-in/package`), save every answer to the draft
//! (`POST /api/check-in/answer`), and send it (`POST /api/check-in/send`,
//! JSON, idempotent by submission id). A request that gets no answer, or
//! 408, 429 or 5xx, is sent again unchanged, as the phone's outbox does.
//!
//! Also the same loop against the minimal endpoint (one upsert per request),
//! so both are measured by the same client.

use crate::client::{encode, Body, Browser, Http, Reply};
use crate::stats::{Kind, Tally};
use anyhow::{anyhow, Context};
use hyper::Method;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Mutex;

/// The demo case manager, who registers the benchmark's participants.
pub const CASE_MANAGER: &str = "handlaggare@demo.stegvis.se";
/// The demo accounts' password (demo databases only).
pub const DEMO_PASSWORD: &str = "stegvis-demo-2026";
/// The PIN every benchmark phone chooses.
pub const PIN: &str = "4821";

/// A connected phone with a signed-in participant, ready for a check-in.
pub type Phone = Browser;

/// What happened to one check-in's send, for the after-run check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sent {
    pub submission_id: String,
    pub participant: String,
    /// Answers in the check-in.
    pub answers: usize,
    /// Whether the server acknowledged it (2xx).
    pub acknowledged: bool,
}

impl Sent {
    /// One line of the file `verify` reads: `acked|unacked`, id, participant, answers.
    pub fn line(&self) -> String {
        format!(
            "{}\t{}\t{}\t{}",
            if self.acknowledged {
                "acked"
            } else {
                "unacked"
            },
            self.submission_id,
            self.participant,
            self.answers
        )
    }
}

/// Case-manager sessions that make phones: each registers participants and
/// issues their codes one at a time (the printable code is kept in that
/// session), several sessions side by side.
pub struct Maker {
    http: Http,
    staff: Vec<Browser>,
    today: String,
}

#[derive(Deserialize)]
struct RegistrationOptions {
    today: String,
}

#[derive(Deserialize)]
struct AccessSheet {
    code: String,
}

impl Maker {
    /// Signs the demo case manager in `sessions` times, spread over the servers.
    pub async fn sign_in(http: &Http, bases: &[String], sessions: usize) -> anyhow::Result<Self> {
        let mut staff = Vec::new();
        for i in 0..sessions.max(1) {
            let mut browser = Browser::new(&bases[i % bases.len()]);
            let form = format!(
                "email={}&password={}",
                encode(CASE_MANAGER),
                encode(DEMO_PASSWORD)
            );
            browser
                .post_ok(http, "/api/login", &form)
                .await
                .context("signing in the demo case manager (is this a demo database?)")?;
            staff.push(browser);
        }
        let options: RegistrationOptions = staff[0]
            .post_ok(http, "/api/staff/registration-options", "")
            .await?
            .json()?;
        Ok(Self {
            http: http.clone(),
            staff,
            today: options.today,
        })
    }

    /// Makes `n` connected phones, each for a new participant with an open intake.
    pub async fn phones(&self, n: usize) -> anyhow::Result<Vec<Phone>> {
        let mut tasks = Vec::new();
        for (i, staff) in self.staff.iter().enumerate() {
            let count = n / self.staff.len() + usize::from(i < n % self.staff.len());
            let mut staff = staff.clone();
            let http = self.http.clone();
            let today = self.today.clone();
            tasks.push(tokio::spawn(async move {
                let mut phones = Vec::with_capacity(count);
                for _ in 0..count {
                    phones.push(make_phone(&http, &mut staff, &today).await?);
                }
                anyhow::Ok(phones)
            }));
        }
        let mut phones = Vec::with_capacity(n);
        for task in tasks {
            phones.extend(task.await??);
        }
        Ok(phones)
    }
}

/// Registers a participant starting today (anonymous: gender and start date
/// only), issues an access code, reads it from the printable sheet, and
/// connects a new phone with it.
async fn make_phone(http: &Http, staff: &mut Browser, today: &str) -> anyhow::Result<Phone> {
    let reply = staff
        .post_ok(
            http,
            "/api/staff/register",
            &format!("gender=kvinna&start_date={today}"),
        )
        .await?;
    let id = reply
        .location
        .as_deref()
        .and_then(|l| l.rsplit('/').next())
        .ok_or_else(|| anyhow!("registering gave no participant page: {}", reply.text()))?
        .to_owned();
    staff
        .post_ok(http, "/api/staff/access-code", &format!("id={id}"))
        .await?;
    let sheet: AccessSheet = staff
        .post_ok(http, "/api/staff/access-sheet", &format!("id={id}"))
        .await?
        .json()?;
    let mut phone = Browser::new(&staff.base);
    phone
        .post_ok(
            http,
            "/api/access/code",
            &format!("code={}", encode(&sheet.code)),
        )
        .await?;
    phone
        .post_ok(
            http,
            "/api/access/new-pin",
            &format!("pin={PIN}&repeat={PIN}"),
        )
        .await?;
    Ok(phone)
}

/// The parts of `/api/check-in/package` a check-in needs.
#[derive(Debug, Deserialize)]
struct PhoneCheckIn {
    participant: Option<String>,
    package: Option<Package>,
}

#[derive(Debug, Deserialize)]
struct Package {
    submission_id: String,
    occasion_kind: String,
    occasion_number: u32,
    instrument_version: String,
    languages: Vec<PackageLanguage>,
}

#[derive(Debug, Deserialize)]
struct PackageLanguage {
    code: String,
    questions: Vec<Question>,
}

#[derive(Debug, Deserialize)]
struct Question {
    item_id: String,
    options: Vec<OptionValue>,
}

#[derive(Debug, Deserialize)]
struct OptionValue {
    value: String,
}

/// How a round behaves.
#[derive(Debug, Clone, Copy)]
pub struct Round {
    /// Phones at once.
    pub concurrency: usize,
    /// No new check-in is started after this long.
    pub duration: Duration,
    /// Whether a check-in under way when the time is up is finished (the
    /// crash round: every started check-in must end acknowledged) or left.
    pub finish: bool,
    /// How long past the round a request is still sent again.
    pub retry_for: Duration,
    /// How long a phone waits before each answer and the send, as a person
    /// reads the question (zero: back to back, the server's saturation).
    pub think: Duration,
}

/// What a round measured.
pub struct Outcome {
    pub tally: Tally,
    /// From the start until the last phone stopped.
    pub seconds: f64,
    pub sent: Vec<Sent>,
    /// Phones that found no prepared phone left before the time was up.
    pub ran_out: bool,
}

/// Runs one round of whole check-ins with phones taken from `pool`.
pub async fn check_ins(http: &Http, pool: Arc<Mutex<Vec<Phone>>>, round: Round) -> Outcome {
    let start = Instant::now();
    let deadline = start + round.duration;
    let give_up = deadline + round.retry_for;
    let mut tasks = Vec::new();
    for _ in 0..round.concurrency {
        let pool = pool.clone();
        let http = http.clone();
        tasks.push(tokio::spawn(async move {
            let mut tally = Tally::default();
            let mut sent = Vec::new();
            let mut ran_out = false;
            while Instant::now() < deadline {
                let Some(mut phone) = pool.lock().await.pop() else {
                    ran_out = true;
                    break;
                };
                let stop = if round.finish { give_up } else { deadline };
                let times = Times {
                    stop,
                    give_up,
                    think: round.think,
                };
                if let Some(s) = check_in(&http, &mut phone, &mut tally, times).await {
                    sent.push(s);
                }
            }
            (tally, sent, ran_out)
        }));
    }
    let mut outcome = Outcome {
        tally: Tally::default(),
        seconds: 0.0,
        sent: Vec::new(),
        ran_out: false,
    };
    for task in tasks {
        match task.await {
            Ok((tally, mut sent, ran_out)) => {
                outcome.tally.merge(tally);
                outcome.sent.append(&mut sent);
                outcome.ran_out |= ran_out;
            }
            Err(err) => eprintln!("a phone's task failed: {err}"),
        }
    }
    outcome.seconds = start.elapsed().as_secs_f64();
    outcome
}

/// Whether the phone sends a request again after this answer: no answer at
/// all, 408, 429 or 5xx (as `public/outbox.js` does).
fn retryable(reply: &anyhow::Result<Reply>) -> bool {
    match reply {
        Err(_) => true,
        Ok(r) => r.status.is_server_error() || matches!(r.status.as_u16(), 408 | 429),
    }
}

/// Sends one request, and again after a short wait while the phone would,
/// until `give_up`. Every answer is tallied; `None` when it never got a
/// final one.
#[allow(clippy::too_many_arguments)]
async fn persist(
    http: &Http,
    phone: &mut Phone,
    tally: &mut Tally,
    kind: Kind,
    method: Method,
    path: &str,
    body: &Body,
    give_up: Instant,
) -> Option<Reply> {
    let mut wait = Duration::from_millis(200);
    loop {
        let reply = phone.send(http, method.clone(), path, body).await;
        match &reply {
            Ok(r) => tally.answered(kind, r.status.as_u16(), r.took),
            Err(_) => tally.no_answer(kind),
        }
        if !retryable(&reply) {
            return reply.ok();
        }
        if Instant::now() + wait > give_up {
            return None;
        }
        tokio::time::sleep(wait).await;
        wait = (wait * 2).min(Duration::from_secs(2));
    }
}

/// When a check-in stops, gives up, and waits.
#[derive(Debug, Clone, Copy)]
struct Times {
    /// No request is started after this (the check-in is left unsent).
    stop: Instant,
    /// No request is sent again after this.
    give_up: Instant,
    /// The pause before each answer and the send.
    think: Duration,
}

/// A pause of about `think` (between half and one and a half times it, so
/// the phones do not move in step).
async fn pause(think: Duration, n: usize) {
    if think.is_zero() {
        return;
    }
    #[allow(clippy::cast_precision_loss)]
    let factor = 0.5 + ((n * 7919) % 1000) as f64 / 1000.0;
    tokio::time::sleep(think.mul_f64(factor)).await;
}

/// One whole check-in. Stops starting requests at `times.stop` (the
/// check-in is then left unsent); returns the send's outcome when it was sent.
async fn check_in(http: &Http, phone: &mut Phone, tally: &mut Tally, times: Times) -> Option<Sent> {
    let Times {
        stop,
        give_up,
        think,
    } = times;
    let reply = persist(
        http,
        phone,
        tally,
        Kind::Package,
        Method::GET,
        "/api/check-in/package",
        &Body::None,
        give_up,
    )
    .await?;
    if !reply.status.is_success() {
        eprintln!("package: {} {}", reply.status, reply.text());
        return None;
    }
    let kept: PhoneCheckIn = match reply.json() {
        Ok(k) => k,
        Err(err) => {
            eprintln!("package: {err}");
            return None;
        }
    };
    let (Some(participant), Some(package)) = (kept.participant, kept.package) else {
        eprintln!("package: no open check-in");
        return None;
    };
    let language = package.languages.first()?;
    let seed: usize = package.submission_id.bytes().map(usize::from).sum();
    let mut answers = BTreeMap::new();
    for (i, question) in language.questions.iter().enumerate() {
        pause(think, seed + i).await;
        if Instant::now() >= stop {
            return None;
        }
        let option = question
            .options
            .get((seed + i) % question.options.len().max(1))?;
        let form = format!(
            "submission_id={}&step={}&item={}&answer={}&go=next",
            encode(&package.submission_id),
            i + 1,
            encode(&question.item_id),
            encode(&option.value)
        );
        persist(
            http,
            phone,
            tally,
            Kind::Answer,
            Method::POST,
            "/api/check-in/answer",
            &Body::Form(form),
            give_up,
        )
        .await;
        answers.insert(question.item_id.clone(), option.value.clone());
    }
    pause(think, seed).await;
    if Instant::now() >= stop {
        return None;
    }
    let body = serde_json::json!({
        "submission_id": package.submission_id,
        "participant": participant,
        "occasion_kind": package.occasion_kind,
        "occasion_number": package.occasion_number,
        "instrument_version": package.instrument_version,
        "language": language.code,
        "answers": answers,
        "answered_at": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
    });
    let reply = persist(
        http,
        phone,
        tally,
        Kind::Send,
        Method::POST,
        "/api/check-in/send",
        &Body::Json(body.to_string()),
        give_up,
    )
    .await;
    let acknowledged = reply.as_ref().is_some_and(|r| r.status.is_success());
    if let Some(r) = reply.as_ref().filter(|r| !r.status.is_success()) {
        eprintln!("send: {} {}", r.status, r.text());
    }
    if acknowledged {
        tally.check_ins += 1;
        let again = reply
            .as_ref()
            .and_then(|r| r.json::<serde_json::Value>().ok())
            .and_then(|v| v.get("stored_now").and_then(serde_json::Value::as_bool))
            == Some(false);
        if again {
            tally.stored_before += 1;
        }
    }
    Some(Sent {
        submission_id: package.submission_id,
        participant,
        answers: answers.len(),
        acknowledged,
    })
}

/// Items a "check-in" has against the minimal endpoint: as many upserts as
/// the default instrument's intake has answers.
pub const MINIMAL_ITEMS: usize = 15;

/// The same loop against the minimal endpoint: each phone saves
/// [`MINIMAL_ITEMS`] answers of one participant after another, one request
/// each, until the time is up.
pub async fn minimal(http: &Http, base: &str, concurrency: usize, duration: Duration) -> Outcome {
    let start = Instant::now();
    let deadline = start + duration;
    let mut tasks = Vec::new();
    for worker in 0..concurrency {
        let http = http.clone();
        let mut phone = Browser::new(base);
        tasks.push(tokio::spawn(async move {
            let mut tally = Tally::default();
            let mut n = 0usize;
            'phones: while Instant::now() < deadline {
                n += 1;
                let participant = format!("p-{worker}-{n}");
                for item in 0..MINIMAL_ITEMS {
                    if Instant::now() >= deadline {
                        break 'phones;
                    }
                    let form = format!(
                        "participant={participant}&item=item{item}&answer={}",
                        (n + item) % 5
                    );
                    match phone
                        .send(&http, Method::POST, "/answer", &Body::Form(form))
                        .await
                    {
                        Ok(r) => tally.answered(Kind::Answer, r.status.as_u16(), r.took),
                        Err(_) => tally.no_answer(Kind::Answer),
                    }
                }
            }
            tally
        }));
    }
    let mut tally = Tally::default();
    for task in tasks {
        match task.await {
            Ok(t) => tally.merge(t),
            Err(err) => eprintln!("a phone's task failed: {err}"),
        }
    }
    Outcome {
        tally,
        seconds: start.elapsed().as_secs_f64(),
        sent: Vec::new(),
        ran_out: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_send_is_written_as_one_tab_separated_line() {
        let sent = Sent {
            submission_id: "s-1".into(),
            participant: "p-1".into(),
            answers: 15,
            acknowledged: true,
        };
        assert_eq!(sent.line(), "acked\ts-1\tp-1\t15");
        let lost = Sent {
            acknowledged: false,
            ..sent
        };
        assert_eq!(lost.line(), "unacked\ts-1\tp-1\t15");
    }

    #[test]
    fn only_no_answer_timeouts_throttling_and_server_errors_are_sent_again() {
        let reply = |status: u16| {
            Ok(Reply {
                status: hyper::StatusCode::from_u16(status).unwrap_or_default(),
                location: None,
                body: hyper::body::Bytes::new(),
                took: Duration::ZERO,
            })
        };
        assert!(retryable(&Err(anyhow!("connection refused"))));
        for status in [408, 429, 500, 503] {
            assert!(retryable(&reply(status)), "{status}");
        }
        for status in [200, 302, 401, 403, 409, 422] {
            assert!(!retryable(&reply(status)), "{status}");
        }
    }
}
