//! Every screen and overlay drawn into terminals far too small for it: nothing may panic,
//! and a terminal that grows back gets the whole screen again.

mod support;

use std::panic::{AssertUnwindSafe, catch_unwind};

use amqp_tui::{
    action::Action,
    inspect::body::BodyView,
    model::{ConnState, Focus, Model, Overlay, Prompt, PromptKind, scroll::Scroll},
    session::{ConnectError, ConnectionSettings, WorkerEvent},
    ui,
    update::update,
};
use ratatui::{Terminal, backend::TestBackend};
use support::screen::{connected, delivery, feed, lines, with_messages};

/// Sizes a user can drag a window to, and the degenerate ones a pty can report.
const SIZES: [(u16, u16); 12] = [
    (0, 0),
    (1, 1),
    (0, 30),
    (110, 0),
    (1, 30),
    (110, 1),
    (2, 2),
    (5, 20),
    (20, 5),
    (10, 3),
    (31, 9),
    (40, 12),
];

/// The model in every state that draws differently: both screens, every overlay.
fn every_screen() -> Vec<(&'static str, Model)> {
    let mut screens = vec![("form", Model::default())];
    let mut form_error = Model::default();
    feed_failure(&mut form_error);
    screens.push(("form with an error", form_error));

    let session = || {
        let mut model = with_messages(40);
        model.tab_mut().focus = Focus::Messages;
        model
    };
    screens.push(("session", session()));
    screens.push(("empty session", connected(ConnectionSettings::default())));
    let mut lost = session();
    feed(
        &mut lost,
        WorkerEvent::ConnectionLost {
            error: ConnectError::HeartbeatMissed { secs: 120 },
            retry_in: std::time::Duration::from_secs(5),
            attempt: 3,
        },
    );
    screens.push(("reconnecting", lost));

    for page in [0, 3] {
        let mut help = session();
        help.overlay = Overlay::Help { page };
        screens.push(("help", help));
    }
    let mut with = |name, overlay: Overlay| {
        let mut model = session();
        model.overlay = overlay;
        screens.push((name, model));
    };
    with(
        "details",
        Overlay::Details {
            scroll: Scroll::default(),
        },
    );
    with("profiles", Overlay::Profiles);
    with("properties", Overlay::Properties);
    with("bindings", Overlay::Bindings { selected: 7 });
    with(
        "explain",
        Overlay::Explain {
            key: tui_input::Input::new("order.eu.created".into()).into(),
            headers: tui_input::Input::new("a=1".into()).into(),
            on_headers: true,
        },
    );
    with("confirm delete", Overlay::ConfirmDelete("prod".into()));
    with(
        "prompt",
        Overlay::Prompt(Prompt::new(PromptKind::SaveAs, "a long profile name")),
    );
    with(
        "password prompt",
        Overlay::Prompt(Prompt::new(
            PromptKind::Password {
                tab: 1,
                profile: None,
            },
            "secret",
        )),
    );
    // Scrolled to the top, a little, and far past the end.
    for (view, scroll) in [
        (BodyView::Text, 0),
        (BodyView::Json, 3),
        (BodyView::Hex, 1000),
    ] {
        let mut message = session();
        feed(
            &mut message,
            WorkerEvent::Delivery(delivery(br#"{"order": 42, "items": [1, 2, 3]}"#)),
        );
        update(&mut message, Action::OpenMessage);
        assert!(matches!(message.overlay, Overlay::Message { .. }));
        message.overlay = Overlay::Message {
            view,
            scroll: Scroll::Top(scroll),
        };
        screens.push(("message", message));
    }
    let mut tabs = session();
    for _ in 0..8 {
        update(&mut tabs, Action::NewTab);
    }
    screens.push(("many tabs", tabs));
    screens
}

fn feed_failure(model: &mut Model) {
    update(model, Action::Connect);
    feed(
        model,
        WorkerEvent::Failed(ConnectError::Refused {
            addr: "localhost:5672".into(),
            protocol: Default::default(),
        }),
    );
}

fn draw(terminal: &mut Terminal<TestBackend>, model: &Model) -> Vec<String> {
    terminal.draw(|f| ui::draw(f, model)).expect("draw");
    lines(terminal.backend().buffer())
}

#[test]
fn every_screen_and_overlay_draws_at_every_tiny_size() {
    let mut failures = Vec::new();
    for (name, model) in every_screen() {
        for (w, h) in SIZES {
            let drawn = catch_unwind(AssertUnwindSafe(|| {
                let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("test terminal");
                draw(&mut terminal, &model)
            }));
            if drawn.is_err() {
                failures.push(format!("{name} at {w}x{h}"));
            }
        }
    }
    assert!(failures.is_empty(), "panicked: {failures:#?}");
}

#[test]
fn at_20x5_the_session_still_says_where_it_stands() {
    for (name, model) in every_screen() {
        let mut terminal = Terminal::new(TestBackend::new(20, 5)).expect("test terminal");
        let screen = draw(&mut terminal, &model).join("\n");
        // The status line is the last row to give way; an overlay may cover the rest.
        let status = match model.tab().conn {
            ConnState::Idle => "DISCONNECTED",
            ConnState::Connecting { .. } => "CONNECTING",
            ConnState::Connected { .. } => "CONNECTED",
            ConnState::Reconnecting { .. } => "RECONNECTING",
        };
        assert!(
            screen.contains(status) || !matches!(model.overlay, Overlay::None),
            "{name}: no status {status:?} in\n{screen}"
        );
        // What the user is asked must stay in view, or they type blind.
        let question = match &model.overlay {
            Overlay::Prompt(prompt) => Some(prompt.kind.title()),
            Overlay::ConfirmDelete(_) => Some("Delete profile".into()),
            _ => None,
        };
        if let Some(question) = question {
            let start: String = question.chars().take(8).collect();
            assert!(
                screen.contains(&start),
                "{name}: {start:?} hidden in\n{screen}"
            );
        }
        assert!(
            screen.chars().any(|c| c.is_alphanumeric()),
            "{name}: nothing legible at 20x5:\n{screen}"
        );
    }
}

#[test]
fn a_terminal_shrunk_to_nothing_and_grown_back_is_drawn_whole_again() {
    for (name, model) in every_screen() {
        let mut terminal = Terminal::new(TestBackend::new(110, 30)).expect("test terminal");
        let full = draw(&mut terminal, &model);
        for (w, h) in [(20, 5), (1, 1), (0, 0), (110, 30)] {
            terminal.backend_mut().resize(w, h);
            draw(&mut terminal, &model);
        }
        let again = lines(terminal.backend().buffer());
        assert_eq!(again, full, "{name}: the screen after growing back differs");
    }
}
