//! Tabs, and connecting when the form has no password to use.

use std::collections::HashSet;

use super::{
    Effect,
    tests::{confirmed, connect_active, connected, connected_event, delivery, notice, type_text},
    update,
};
use crate::{
    action::Action,
    keymap::BINDINGS,
    model::{
        ConnState, ConnectForm, Field, Focus, Level, MAX_TABS, Model, Overlay, PromptKind, Screen,
    },
    session::{SessionEvent, WorkerEvent},
};

fn with_tabs(count: usize) -> Model {
    let mut model = Model::default();
    for _ in 1..count {
        update(&mut model, Action::NewTab);
    }
    assert_eq!(model.tabs().len(), count);
    model
}

/// The keys the keymap gives an action, so a notice naming them cannot drift from them.
fn keys_of(action: &Action) -> &'static str {
    BINDINGS
        .iter()
        .find(|b| b.action == *action)
        .map(|b| b.keys)
        .expect("the action has a key")
}

fn without_password() -> ConnectForm {
    let mut form = ConnectForm::default();
    form.set_password("");
    form
}

#[test]
fn a_new_tab_copies_the_form_without_its_error_and_becomes_current() {
    let mut model = Model::default();
    model.tab_mut().form.set_password("s3cret");
    *model.tab_mut().form.input_mut(Field::Host) = tui_input::Input::new("rabbit.example".into());
    model
        .tab_mut()
        .form
        .set_error(Some(Field::Port), "Port is wrong");
    update(&mut model, Action::NewTab);
    assert_eq!((model.tabs().len(), model.active()), (2, 1));
    let new = model.tab();
    assert_eq!(new.form.value(Field::Host), "rabbit.example");
    assert_eq!(new.form.value(Field::Password), "s3cret");
    assert_eq!(new.form.error, None);
    assert_eq!(new.conn, ConnState::Idle);
    assert!(
        model.tabs()[0].form.error.is_some(),
        "the first tab's form is not touched"
    );
    let (_, text) = notice(&model);
    assert!(text.contains(keys_of(&Action::CloseTab)), "{text}");
}

#[test]
fn a_tenth_tab_is_refused_with_a_warning_naming_the_close_key() {
    let mut model = with_tabs(MAX_TABS);
    update(&mut model, Action::PrevTab);
    let active = model.active();
    update(&mut model, Action::NewTab);
    assert_eq!(model.tabs().len(), MAX_TABS);
    assert_eq!(model.active(), active, "the user stays where they were");
    let (level, text) = notice(&model);
    assert_eq!(level, Some(Level::Warning));
    assert!(text.contains("9 tabs"), "{text}");
    assert!(text.contains(keys_of(&Action::CloseTab)), "{text}");
}

#[test]
fn the_last_tab_is_not_closed() {
    let mut model = connected();
    let effects = update(&mut model, Action::CloseTab);
    assert!(effects.is_empty(), "{effects:?}");
    assert_eq!(model.tabs().len(), 1);
    assert!(matches!(model.tab().conn, ConnState::Connected { .. }));
    assert!(notice(&model).1.contains("last tab"));
}

#[test]
fn closing_a_connected_tab_disconnects_its_session_only() {
    let mut model = connected();
    let first = model.tab().session;
    update(&mut model, Action::NewTab);
    connect_active(&mut model);
    let second = model.tab().session;
    update(&mut model, Action::GoToTab(0));
    let effects = confirmed(&mut model, Action::CloseTab);
    assert_eq!(effects, [Effect::Disconnect { session: first }]);
    assert_eq!(model.tabs().len(), 1);
    assert_eq!(model.tab().number, 2);
    assert_eq!(model.tab().session, second, "the other session runs on");

    update(&mut model, Action::NewTab);
    let effects = update(&mut model, Action::CloseTab);
    assert!(effects.is_empty(), "an idle tab has nothing to end");
}

#[test]
fn going_to_a_tab_past_the_end_stays_and_says_so() {
    let mut model = with_tabs(3);
    update(&mut model, Action::GoToTab(0));
    assert_eq!(model.active(), 0);
    update(&mut model, Action::GoToTab(1));
    assert_eq!(model.active(), 1);
    update(&mut model, Action::GoToTab(5));
    assert_eq!(model.active(), 1);
    assert_eq!(notice(&model).1, "There is no tab 6: 3 open.");
}

#[test]
fn next_and_previous_tab_wrap_around() {
    let mut model = with_tabs(3);
    assert_eq!(model.active(), 2);
    update(&mut model, Action::NextTab);
    assert_eq!(model.active(), 0);
    update(&mut model, Action::PrevTab);
    assert_eq!(model.active(), 2);
    update(&mut model, Action::PrevTab);
    assert_eq!(model.active(), 1);
}

#[test]
fn a_delivery_for_a_background_tab_lands_in_its_log_only() {
    let mut model = connected();
    let first = model.tab().session;
    update(&mut model, Action::NewTab);
    connect_active(&mut model);
    update(
        &mut model,
        Action::Broker(SessionEvent {
            session: first,
            event: WorkerEvent::Delivery(delivery(b"for tab 1")),
        }),
    );
    assert_eq!(model.active(), 1, "a delivery does not switch tabs");
    let [one, two] = model.tabs() else {
        panic!("two tabs");
    };
    assert_eq!((one.log.len(), one.messages_received), (1, 1));
    assert_eq!((two.log.len(), two.messages_received), (0, 0));
}

#[test]
fn events_for_the_session_of_a_closed_tab_are_ignored() {
    let mut model = Model::default();
    update(&mut model, Action::Connect);
    let closed = model.tab().session;
    update(&mut model, Action::NewTab);
    update(&mut model, Action::PrevTab);
    let effects = confirmed(&mut model, Action::CloseTab);
    assert_eq!(effects, [Effect::Disconnect { session: closed }]);
    for event in [connected_event(), WorkerEvent::Delivery(delivery(b"late"))] {
        update(
            &mut model,
            Action::Broker(SessionEvent {
                session: closed,
                event,
            }),
        );
    }
    let tab = model.tab();
    assert_eq!(tab.conn, ConnState::Idle);
    assert_eq!(tab.screen, Screen::Form);
    assert_eq!(tab.log.len(), 0);
}

#[test]
fn quit_disconnects_every_tab_with_a_session() {
    let mut model = connected();
    let first = model.tab().session;
    update(&mut model, Action::NewTab); // stays idle
    update(&mut model, Action::NewTab);
    update(&mut model, Action::Connect); // still connecting
    let third = model.tab().session;
    let effects = confirmed(&mut model, Action::Quit);
    assert!(model.quit);
    assert_eq!(
        effects,
        [
            Effect::Disconnect { session: first },
            Effect::Disconnect { session: third },
        ]
    );
}

#[test]
fn no_two_tabs_ever_share_a_session_id() {
    let mut model = with_tabs(3);
    let mut seen = HashSet::new();
    for round in 0..4 {
        for index in 0..3 {
            update(&mut model, Action::GoToTab(index));
            for effect in update(&mut model, Action::Connect) {
                if let Effect::Connect { session, .. } = effect {
                    assert!(seen.insert(session), "round {round}: {session} reused");
                }
            }
            update(&mut model, Action::CancelConnect);
        }
    }
    assert_eq!(seen.len(), 12);
}

#[test]
fn connecting_without_a_password_asks_for_one_first() {
    let mut model = Model::default();
    model.tab_mut().form = without_password();
    let effects = update(&mut model, Action::Connect);
    assert!(effects.is_empty(), "{effects:?}");
    assert_eq!(model.tab().conn, ConnState::Idle);
    let Overlay::Prompt(prompt) = &model.overlay else {
        panic!("expected the password prompt, got {:?}", model.overlay);
    };
    assert_eq!(
        prompt.kind,
        PromptKind::Password {
            tab: model.tab().number,
            profile: None
        }
    );
    assert!(prompt.kind.is_secret());
}

#[test]
fn the_typed_password_connects_the_tab_that_asked_for_it() {
    let mut model = with_tabs(2);
    update(&mut model, Action::GoToTab(0));
    model.tab_mut().form = without_password();
    update(&mut model, Action::Connect);
    // The user goes elsewhere before answering.
    update(&mut model, Action::GoToTab(1));
    type_text(&mut model, "s3cret");
    let effects = update(&mut model, Action::SubmitPrompt);
    let [Effect::Connect { session, settings }] = effects.as_slice() else {
        panic!("expected one connect, got {effects:?}");
    };
    assert_eq!(settings.password, "s3cret");
    assert!(matches!(model.overlay, Overlay::None));
    assert_eq!(model.active(), 0, "the tab that asked is shown");
    let [asked, other] = model.tabs() else {
        panic!("two tabs");
    };
    assert_eq!(*session, asked.session);
    assert!(matches!(asked.conn, ConnState::Connecting { .. }));
    assert_eq!(other.conn, ConnState::Idle);
    assert_eq!(asked.form.value(Field::Password), "s3cret");
}

#[test]
fn a_second_tab_waits_while_another_asks_for_its_password() {
    let mut model = with_tabs(2);
    for index in 0..2 {
        update(&mut model, Action::GoToTab(index));
        model.tab_mut().form = without_password();
        update(&mut model, Action::Connect);
    }
    let Overlay::Prompt(prompt) = &model.overlay else {
        panic!("expected a prompt");
    };
    assert_eq!(
        prompt.kind,
        PromptKind::Password {
            tab: 1,
            profile: None
        },
        "the first question is not replaced"
    );
    assert!(notice(&model).1.contains("needs a password"));
}

#[test]
fn a_password_variable_is_read_instead_of_asking() {
    let mut form = without_password();
    *form.input_mut(Field::PasswordEnv) = tui_input::Input::new("RABBIT_PW".into());
    assert!(!form.needs_password());
    let set = form
        .validate_with(|name| (name == "RABBIT_PW").then(|| "from-env".to_string()))
        .expect("the variable is set");
    assert_eq!(set.password, "from-env");
    let (field, message) = form
        .validate_with(|_| None)
        .expect_err("the variable is missing");
    assert_eq!(field, Field::PasswordEnv);
    assert!(message.contains("RABBIT_PW"), "{message}");
}

#[test]
fn connecting_with_a_missing_password_variable_points_at_it() {
    let mut model = Model::default();
    let mut form = without_password();
    // Read from the real environment by `validate`; nothing sets this name.
    *form.input_mut(Field::PasswordEnv) =
        tui_input::Input::new("AMQP_TUI_TEST_NEVER_SET_9F2C".into());
    model.tab_mut().form = form;
    let effects = update(&mut model, Action::Connect);
    assert!(effects.is_empty(), "{effects:?}");
    assert!(matches!(model.overlay, Overlay::None), "no prompt");
    assert_eq!(model.tab().focus, Focus::Form(Field::PasswordEnv));
    assert!(matches!(
        model.tab().form.error,
        Some((Some(Field::PasswordEnv), _))
    ));
}
