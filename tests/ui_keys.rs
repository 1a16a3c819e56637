//! Screens of the keys' fixes, rendered into ratatui's TestBackend from model states reached
//! through `update`: the pane's counter, pasted bodies, pre-filled prompts, the form.

mod support;

use amqp_tui::{action::Action, model::Focus, update::update};
use support::screen::{line_with, lines, render, with_messages};

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
