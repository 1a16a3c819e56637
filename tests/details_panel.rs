//! The connection details panel drawn (TestBackend) from what real sessions with the test
//! broker reported: the difference between plain, verified and unverified TLS.

mod support;

use amqp_tui::{
    action::Action,
    model::{Model, Overlay},
    session::{ConnectionSettings, SessionEvent, WorkerEvent},
    tls::TlsMode,
    ui,
    update::update,
};
use ratatui::{Terminal, backend::TestBackend};
use support::{Broker, Session, subject_of};

/// The screen with the details panel open, after a real connect with `settings`.
async fn details_screen(settings: ConnectionSettings) -> String {
    let mut session = Session::start(settings.clone());
    let details = session.connected_details().await;
    let mut model = Model::new(&settings);
    update(&mut model, Action::Connect);
    let event = WorkerEvent::Connected {
        queue: "amq.gen-panel".into(),
        security: settings.security(),
        reconnected: false,
        endpoint: amqp_tui::session::Endpoint::new("localhost", 5672),
        failed_over: None,
        details: Box::new(details),
    };
    let session = model.tab().session;
    update(&mut model, Action::Broker(SessionEvent { session, event }));
    update(&mut model, Action::ToggleDetails);
    assert!(matches!(model.overlay, Overlay::Details { .. }));

    let mut terminal = Terminal::new(TestBackend::new(150, 40)).expect("test terminal");
    terminal.draw(|f| ui::draw(f, &model)).expect("draw");
    let buffer = terminal.backend().buffer();
    (0..buffer.area.height)
        .map(|y| {
            (0..buffer.area.width)
                .map(|x| buffer[(x, y)].symbol())
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn value_of<'a>(screen: &'a str, label: &str) -> &'a str {
    screen
        .lines()
        .find_map(|l| l.split_once(&format!("{label}  ")).map(|(_, v)| v))
        .unwrap_or_else(|| panic!("no {label} line:\n{screen}"))
        .trim_end_matches(['│', ' '])
}

#[tokio::test]
async fn a_verified_tls_session_shows_the_test_cas_subject_as_issuer() {
    let broker = Broker::shared();
    let ca = broker.ca();
    let screen = details_screen(broker.tls(
        "panel-verified",
        TlsMode::Verify {
            ca_file: Some(ca.clone()),
        },
    ))
    .await;
    let ca_subject = subject_of(&ca.display().to_string());
    assert_eq!(value_of(&screen, "Issuer"), ca_subject, "{screen}");
    assert_eq!(
        value_of(&screen, "Subject"),
        subject_of(broker.var("SERVER_CERT")),
        "{screen}"
    );
    assert!(
        value_of(&screen, "Server verified").ends_with(&ca.display().to_string()),
        "{screen}"
    );
    assert!(
        value_of(&screen, "Alt. names").contains("DNS:localhost"),
        "{screen}"
    );
    assert!(!screen.contains("NOT ENCRYPTED"), "{screen}");
}

#[tokio::test]
async fn an_unverified_session_still_shows_the_certificate_and_says_not_verified() {
    let broker = Broker::shared();
    let screen = details_screen(broker.tls("panel-insecure", TlsMode::NoVerify)).await;
    assert!(
        value_of(&screen, "Server verified").starts_with("NOT VERIFIED"),
        "{screen}"
    );
    assert_eq!(
        value_of(&screen, "Issuer"),
        subject_of(&broker.ca().display().to_string()),
        "{screen}"
    );
}

#[tokio::test]
async fn a_plain_session_warns_that_nothing_is_encrypted() {
    let broker = Broker::shared();
    let screen = details_screen(broker.plain("panel-plain")).await;
    assert!(screen.contains("Plain AMQP: NOT ENCRYPTED"), "{screen}");
    assert!(
        screen.contains("password and every message body"),
        "{screen}"
    );
    assert!(!screen.contains("Issuer"), "{screen}");
    assert_eq!(
        value_of(&screen, "Peer address"),
        format!("127.0.0.1:{}", broker.port())
    );
}
