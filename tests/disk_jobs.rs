//! Disk work runs off the UI loop: the loop handles keys while an export is under way,
//! the export's result comes back as an action, quitting lets it finish, and profile saves
//! reach the file in the order they were asked for. A gate holds each disk job until the
//! test lets it go, so "under way" is a state the test controls, not a race it hopes for.

mod support;

use std::{sync::mpsc, time::Duration};

use amqp_tui::{
    action::Action,
    app::App,
    model::{Model, Overlay},
    profile::{Profile, ProfileStore},
};
use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use futures_lite::StreamExt;
use ratatui::{Terminal, backend::TestBackend};
use support::screen::{draw_at, line_with, with_messages};

const PATIENCE: Duration = Duration::from_secs(30);

fn notice(model: &Model) -> &str {
    model
        .tab()
        .notice
        .as_ref()
        .map_or("", |notice| notice.text.as_str())
}

/// Runs the app's loop, fed `keys` then nothing, until `until` holds.
async fn run_until(app: &mut App, keys: Vec<KeyCode>, until: impl Fn(&Model) -> bool) {
    let mut terminal = Terminal::new(TestBackend::new(200, 30)).expect("test terminal");
    let keys = keys
        .into_iter()
        .map(|code| Ok(Event::Key(KeyEvent::new(code, KeyModifiers::NONE))));
    let events = futures_lite::stream::iter(keys).chain(futures_lite::stream::pending());
    tokio::time::timeout(PATIENCE, app.run_until(&mut terminal, events, until))
        .await
        .expect("the app got there in time")
        .expect("the app's loop");
}

fn export_shown(app: &mut App, path: &std::path::Path) {
    app.dispatch(Action::ExportShown);
    app.dispatch(Action::Paste(path.display().to_string()));
    app.dispatch(Action::SubmitPrompt);
}

#[tokio::test]
async fn keys_are_handled_while_an_export_is_under_way_and_its_result_arrives_as_an_action() {
    let scratch = support::scratch_dir("disk-export");
    let path = scratch.path().join("held.jsonl");
    let (gate_tx, gate_rx) = mpsc::channel();
    let mut app = App::new(with_messages(3)).with_disk_gate(gate_rx);
    export_shown(&mut app, &path);

    let under_way = format!("Exporting 3 messages to {} …", path.display());
    assert_eq!(notice(app.model()), under_way);
    assert_eq!(app.disk_jobs_pending(), 1, "the export waits at the gate");
    assert!(!path.exists(), "nothing is written on the loop");

    // F1 while the export is held: the loop is free to handle it.
    run_until(&mut app, vec![KeyCode::F(1)], |m| {
        matches!(m.overlay, Overlay::Help { .. })
    })
    .await;
    assert_eq!(app.disk_jobs_pending(), 1, "the key came before the result");
    assert!(!path.exists());
    app.dispatch(Action::ToggleHelp);
    let screen = draw_at(app.model(), 200, 30);
    assert_eq!(line_with(&screen, "Exporting").trim(), under_way);

    gate_tx.send(()).expect("the disk thread waits at the gate");
    let done = format!(
        "Exported 3 messages to {} (JSON Lines; L loads it back).",
        path.display()
    );
    run_until(&mut app, Vec::new(), |m| notice(m) != under_way).await;
    assert_eq!(
        notice(app.model()),
        done,
        "the loop applied Action::Exported"
    );
    assert_eq!(app.disk_jobs_pending(), 0);
    let written = std::fs::read_to_string(&path).expect("the export");
    assert_eq!(written.lines().count(), 3, "{written}");
    let screen = draw_at(app.model(), 200, 30);
    assert_eq!(line_with(&screen, "Exported 3").trim(), done);
}

#[tokio::test]
async fn quitting_while_an_export_is_under_way_lets_it_finish() {
    let scratch = support::scratch_dir("disk-quit");
    let path = scratch.path().join("at-quit.jsonl");
    let (gate_tx, gate_rx) = mpsc::channel();
    let mut app = App::new(with_messages(2)).with_disk_gate(gate_rx);
    export_shown(&mut app, &path);
    app.dispatch(Action::QuitNow);
    assert!(app.model().quit);
    assert_eq!(app.disk_jobs_pending(), 1);

    // The export is let go only once quitting is under way: shutdown must wait for it.
    let open_gate = async {
        tokio::task::yield_now().await;
        gate_tx.send(()).expect("the disk thread waits at the gate");
    };
    tokio::time::timeout(PATIENCE, async { tokio::join!(app.shutdown(), open_gate) })
        .await
        .expect("shutdown ends once the export is written");
    assert_eq!(app.disk_jobs_pending(), 0, "shutdown waited for the export");
    let written = std::fs::read_to_string(&path).expect("the export was written");
    assert_eq!(written.lines().count(), 2, "{written}");
}

#[tokio::test]
async fn two_quick_profile_saves_reach_the_file_in_the_order_they_were_asked_for() {
    let scratch = support::scratch_dir("disk-saves");
    let mut first = ProfileStore::load(scratch.path());
    let start = [Profile {
        name: "a".into(),
        ..Profile::default()
    }];
    first.store.save(&start).expect("the starting file");
    let loaded = ProfileStore::load(scratch.path());
    let mut model = Model::default();
    model.profiles.profiles = loaded.profiles;
    let (gate_tx, gate_rx) = mpsc::channel();
    let mut app = App::new(model)
        .with_profiles(loaded.store)
        .with_disk_gate(gate_rx);

    // Two renames in a row (a -> b -> c), both asked for before either is written; a
    // paste replaces the name the rename prompt starts with.
    app.dispatch(Action::OpenProfiles);
    for name in ["b", "c"] {
        app.dispatch(Action::RenameProfile);
        app.dispatch(Action::Paste(name.into()));
        app.dispatch(Action::SubmitPrompt);
    }
    assert_eq!(app.disk_jobs_pending(), 2);
    let on_disk = |dir| -> Vec<String> {
        let loaded = ProfileStore::load(dir);
        assert!(loaded.problem.is_none(), "{:?}", loaded.problem);
        loaded.profiles.into_iter().map(|p| p.name).collect()
    };
    assert_eq!(on_disk(scratch.path()), ["a"], "nothing written yet");

    drop(gate_tx);
    tokio::time::timeout(PATIENCE, app.settle_disk())
        .await
        .expect("both saves come back");
    assert_eq!(on_disk(scratch.path()), ["c"], "the second save is last");
    let names: Vec<&str> = app
        .model()
        .profiles
        .profiles
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(names, ["c"]);
    assert!(
        notice(app.model()).starts_with("Profiles saved to "),
        "{}",
        notice(app.model())
    );
}
