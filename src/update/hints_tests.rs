//! Notices that name a key name one that works from where the user is, taken from the
//! keymap; and a new session starts in the pane, where the session's keys work.

use super::{
    tests::{connected, feed, notice},
    update,
};
use crate::{
    action::Action,
    keymap::action_for,
    model::{Focus, Model},
    session::{PublishOutcome, WorkerEvent},
};

fn returned(model: &mut Model) -> String {
    feed(
        model,
        WorkerEvent::Published {
            id: 1,
            exchange: "testEx".into(),
            routing_key: "nobody".into(),
            outcome: PublishOutcome::Unroutable {
                reply_code: 312,
                reply_text: "NO_ROUTE".into(),
                exchange: "testEx".into(),
                routing_key: "nobody".into(),
            },
            unsent: None,
        },
    );
    notice(model).1
}

/// What the keymap makes of `keys` from where the user is.
fn actions_of(model: &Model, keys: &[crossterm::event::KeyEvent]) -> Vec<Option<Action>> {
    keys.iter().map(|key| action_for(model, *key)).collect()
}

#[test]
fn a_new_session_starts_in_the_pane_where_its_keys_work() {
    let model = connected();
    assert_eq!(model.tab().focus, Focus::Messages);
    let keys = [
        crossterm::event::KeyEvent::from(crossterm::event::KeyCode::Char('i')),
        crossterm::event::KeyEvent::from(crossterm::event::KeyCode::Char('x')),
    ];
    assert_eq!(
        actions_of(&model, &keys),
        [Some(Action::ToggleDetails), Some(Action::OpenExplain)],
        "the README's i and the notice's x work at once, nothing is typed"
    );
}

#[test]
fn a_returned_message_names_the_explain_key_that_works_from_the_focus() {
    let mut model = connected();
    model.tab_mut().focus = Focus::Messages;
    let text = returned(&mut model);
    assert!(text.ends_with("(312). x explains the bindings."), "{text}");

    model.tab_mut().focus = Focus::ComposeBody;
    let text = returned(&mut model);
    assert!(
        text.ends_with("(312). Esc, then x, explains the bindings."),
        "from the compose box x would type into the body: {text}"
    );
    model.tab_mut().focus = Focus::ComposeMode;
    let text = returned(&mut model);
    assert!(
        text.ends_with("Esc or q, then x, explains the bindings."),
        "{text}"
    );
}

#[test]
fn the_pause_notice_names_the_pane_keys_from_the_keymap() {
    let mut model = connected();
    update(&mut model, Action::TogglePause);
    assert_eq!(
        notice(&model).1,
        "Paused: new messages are kept but the pane holds still. p or End resumes."
    );
}

#[test]
fn a_loaded_file_names_the_replay_keys_for_where_the_user_is_when_it_arrives() {
    let mut model = connected();
    let loaded = |model: &mut Model| {
        let tab = model.tab().number;
        update(
            model,
            Action::FileLoaded {
                tab,
                path: "/tmp/x.jsonl".into(),
                result: Ok(Vec::new()),
            },
        );
        notice(model).1
    };
    assert_eq!(
        loaded(&mut model),
        "Loaded 0 messages from /tmp/x.jsonl into the pane: R replays the one under the cursor, Ctrl-R every shown one to its original exchange and key."
    );
    model.tab_mut().focus = Focus::ComposeBody;
    assert_eq!(
        loaded(&mut model),
        "Loaded 0 messages from /tmp/x.jsonl into the pane: Esc, then R replays the one under the cursor, Esc, then Ctrl-R every shown one to its original exchange and key.",
        "in the compose box R would be typed and Ctrl-R resends"
    );
}
