//! Screens of the keys' fixes, rendered into ratatui's TestBackend from model states reached
//! through `update`: the pane's counter, pasted bodies, pre-filled prompts, the form.

mod support;

use amqp_tui::{
    action::Action,
    amqp::{AmqpEvent, ConnectError},
    model::{Field, Focus},
    update::update,
};
use crossterm::event::{KeyCode, KeyEvent};
use support::screen::{feed, line_with, lines, render, with_messages};

#[test]
fn the_pane_counter_follows_the_cursor_from_home() {
    let mut model = with_messages(100);
    model.tab_mut().focus = Focus::Messages;
    update(&mut model, Action::FollowTail);
    update(&mut model, Action::ScrollOldest);
    update(&mut model, Action::ScrollDown);
    let screen = lines(&render(&model));
    let title = line_with(&screen, "received");
    assert!(title.contains(" · 2/100 "), "{title}");
    let marked = model.tab().log.selected().map(|e| e.delivery.body.clone());
    assert_eq!(marked.as_deref(), Some(&b"message 1"[..]), "Enter opens this one");
}

#[test]
fn a_ca_error_leaves_the_form_when_verification_is_turned_off() {
    let mut model = amqp_tui::model::Model::default();
    model.tab_mut().focus = Focus::Form(Field::Tls);
    update(&mut model, Action::ToggleField);
    model.tab_mut().focus = Focus::Form(Field::CaFile);
    for c in "/nowhere/ca.pem".chars() {
        update(&mut model, Action::Edit(KeyEvent::from(KeyCode::Char(c))));
    }
    let failed = AmqpEvent::Failed(ConnectError::CaFileMissing {
        path: "/nowhere/ca.pem".into(),
    });
    update(&mut model, Action::Connect);
    feed(&mut model, failed);
    let screen = lines(&render(&model));
    assert!(line_with(&screen, "CA certificate").starts_with("│! "));
    model.tab_mut().focus = Focus::Form(Field::Verify);
    update(&mut model, Action::ToggleField);
    let screen = lines(&render(&model));
    let ca = line_with(&screen, "CA certificate");
    assert!(ca.starts_with("│   "), "no stale mark: {ca}");
    assert!(
        !screen.iter().any(|l| l.contains("/nowhere/ca.pem") && !l.contains("CA certificate")),
        "nor its message:\n{}",
        screen.join("\n")
    );
}
