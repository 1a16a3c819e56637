//! Ctrl-O, the file a compose box publishes: a path that cannot be read is the user's
//! input to fix on the prompt, never a publish that failed; the file is read off the UI
//! loop, and what is published after Ctrl-O does not overtake it.

mod support;

use std::{sync::mpsc, time::Duration};

use amqp_tui::{
    action::Action,
    app::App,
    model::{ConnState, Model, Overlay, PromptKind, compose::Tally},
    session::ConnectionSettings,
};
use ratatui::{Terminal, backend::TestBackend};
use support::screen::{connected, line_with, lines, render};

const PATIENCE: Duration = Duration::from_secs(60);

#[tokio::test]
async fn a_directory_keeps_the_prompt_open_with_its_path_and_counts_no_publish() {
    // A directory that exists on every machine; nothing is created, nothing to remove.
    let dir = std::env::temp_dir().display().to_string();
    let mut app = App::new(connected(ConnectionSettings::default()));
    app.dispatch(Action::PublishFile);
    app.dispatch(Action::Paste(dir.clone()));
    app.dispatch(Action::SubmitPrompt);
    // The file is read off the loop; its answer comes back as an action.
    app.settle_disk().await;

    let model = app.model();
    let Overlay::Prompt(prompt) = &model.overlay else {
        panic!("the prompt must stay open, got {:?}", model.overlay);
    };
    assert_eq!(prompt.kind, PromptKind::PublishFile);
    assert_eq!(prompt.input.value(), dir, "the path typed is kept");
    let expected = format!("{dir} is a directory: give a file.");
    assert_eq!(prompt.error.as_deref(), Some(expected.as_str()));
    let compose = &model.tab().compose;
    assert_eq!(compose.tally, Tally::default(), "nothing was published");
    assert_eq!(compose.in_flight, 0, "nothing awaits a confirm");
    assert!(compose.unsent.is_empty(), "nothing to offer Ctrl-R for");
    let screen = lines(&render(model));
    assert!(
        line_with(&screen, &expected).contains(&expected),
        "the reason is on the prompt"
    );
}

/// A tab connected to the shared broker whose compose box publishes to its own queue,
/// with each disk job held until the test sends `()` through the returned gate.
async fn connected_app(
    broker: &support::Broker,
    tag: &str,
) -> (App, Terminal<TestBackend>, mpsc::Sender<()>) {
    let settings = broker.plain(tag);
    let mut model = Model::new(&settings);
    let compose = &mut model.tab_mut().compose;
    compose.exchange = tui_input::Input::new(settings.routing.exchange.clone());
    compose.routing_key = tui_input::Input::new(settings.routing.key().to_string());
    compose.body = tui_input::Input::new("typed after Ctrl-O".into());
    let (gate_tx, gate_rx) = mpsc::channel();
    let mut app = App::new(model).with_disk_gate(gate_rx);
    app.dispatch(Action::Connect);
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("test terminal");
    run_until(&mut app, &mut terminal, |m| {
        matches!(m.tab().conn, ConnState::Connected { .. }) || m.tab().form.error.is_some()
    })
    .await;
    assert!(
        matches!(app.model().tab().conn, ConnState::Connected { .. }),
        "{:?}",
        app.model().tab().form.error
    );
    (app, terminal, gate_tx)
}

async fn run_until(
    app: &mut App,
    terminal: &mut Terminal<TestBackend>,
    until: impl Fn(&Model) -> bool,
) {
    let idle = futures_lite::stream::pending;
    tokio::time::timeout(PATIENCE, app.run_until(terminal, idle(), until))
        .await
        .expect("the app got there in time")
        .expect("the app's loop");
}

fn bodies(model: &Model) -> Vec<String> {
    model
        .tab()
        .log
        .shown_entries()
        .map(|e| String::from_utf8_lossy(&e.delivery.body).into_owned())
        .collect()
}

fn publish_file(app: &mut App, path: &std::path::Path) {
    app.dispatch(Action::PublishFile);
    app.dispatch(Action::Paste(path.display().to_string()));
    app.dispatch(Action::SubmitPrompt);
}

#[tokio::test]
async fn a_message_typed_while_a_file_is_read_goes_out_after_the_files() {
    let broker = support::Broker::shared();
    let (mut app, mut terminal, gate_tx) = connected_app(&broker, "file-order").await;
    let scratch = support::scratch_dir("file-order");
    let path = scratch.path().join("body.txt");
    std::fs::write(&path, "from the file").expect("the file to publish");

    // Ctrl-O, and while the file is held at the disk gate, a publish from the compose box.
    publish_file(&mut app, &path);
    app.dispatch(Action::Publish);
    assert_eq!(app.disk_jobs_pending(), 1, "the file is still being read");
    gate_tx.send(()).expect("the disk thread waits at the gate");
    run_until(&mut app, &mut terminal, |m| {
        m.tab().log.len() >= 2 && m.tab().compose.in_flight == 0
    })
    .await;
    assert_eq!(
        bodies(app.model()),
        ["from the file", "typed after Ctrl-O"],
        "the typed message did not overtake the file's"
    );
    assert_eq!(app.model().tab().compose.tally.acked, 2);
    app.shutdown().await;
}

#[tokio::test]
async fn a_file_that_cannot_be_read_sends_nothing_and_lets_what_waited_behind_it_go() {
    let broker = support::Broker::shared();
    let (mut app, mut terminal, gate_tx) = connected_app(&broker, "file-unread").await;
    let scratch = support::scratch_dir("file-unread");
    let missing = scratch.path().join("missing.txt");

    publish_file(&mut app, &missing);
    app.dispatch(Action::Publish);
    gate_tx.send(()).expect("the disk thread waits at the gate");
    run_until(&mut app, &mut terminal, |m| {
        !m.tab().log.is_empty() && m.tab().compose.in_flight == 0
    })
    .await;
    assert_eq!(bodies(app.model()), ["typed after Ctrl-O"]);
    assert_eq!(
        app.model().tab().compose.tally.acked,
        1,
        "only the typed one"
    );
    let expected = format!("{} does not exist: check the path.", missing.display());
    let Overlay::Prompt(prompt) = &app.model().overlay else {
        panic!("the prompt asks again, got {:?}", app.model().overlay);
    };
    assert_eq!(prompt.error.as_deref(), Some(expected.as_str()));
    app.shutdown().await;
}
