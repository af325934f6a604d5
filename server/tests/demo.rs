//! The demo holds only what the app itself would allow: no follow-up
//! answered on or after the exit date, nor after the exit check-in. (It
//! once dated a few follow-ups after the exit, and the NDI then differed
//! from the rule its export states.)

#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers fail loudly

mod common;

#[tokio::test]
async fn the_demo_answers_no_follow_up_after_the_exit() {
    let app = common::app("demo-schedule").await;
    let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    app.seed_demo(today).await;
    let exits = app
        .scalar("SELECT COUNT(*) FROM check_ins WHERE occasion_kind = 'exit'")
        .await;
    assert!(
        exits > 50,
        "the demo has exit check-ins to compare with ({exits})"
    );
    let after_exit_check_in = app
        .scalar(
            "SELECT COUNT(*) FROM check_ins f JOIN check_ins e
               ON e.participant_id = f.participant_id AND e.occasion_kind = 'exit'
             WHERE f.occasion_kind = 'follow-up' AND f.submitted_at > e.submitted_at",
        )
        .await;
    assert_eq!(
        after_exit_check_in, 0,
        "follow-ups answered after the exit check-in"
    );
    let on_or_after_exit_date = app
        .scalar(
            "SELECT COUNT(*) FROM check_ins f JOIN participants p ON p.id = f.participant_id
             WHERE f.occasion_kind = 'follow-up' AND p.exit_date IS NOT NULL
               AND f.submitted_at >= p.exit_date",
        )
        .await;
    assert_eq!(
        on_or_after_exit_date, 0,
        "follow-ups answered on or after the exit date"
    );
}
