//! Screens of the keys' fixes, rendered into ratatui's TestBackend from model states reached
//! through `update`: the pane's counter, pasted bodies, pre-filled prompts, the form.

mod support;

use amqp_tui::{
    action::Action,
    model::{Field, Focus, Overlay},
    session::{ConnectError, WorkerEvent},
    update::{Effect, update},
};
use crossterm::event::{KeyCode, KeyEvent};
use ratatui::{
    buffer::Buffer,
    style::{Color, Modifier},
};
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
    assert_eq!(
        marked.as_deref(),
        Some(&b"message 1"[..]),
        "Enter opens this one"
    );
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
    let failed = WorkerEvent::Failed(ConnectError::CaFileMissing {
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
        !screen
            .iter()
            .any(|l| l.contains("/nowhere/ca.pem") && !l.contains("CA certificate")),
        "nor its message:\n{}",
        screen.join("\n")
    );
}

fn type_text(model: &mut amqp_tui::model::Model, text: &str) {
    for c in text.chars() {
        update(model, Action::Edit(KeyEvent::from(KeyCode::Char(c))));
    }
}

fn prompt_value(model: &amqp_tui::model::Model) -> String {
    match &model.overlay {
        Overlay::Prompt(prompt) => prompt.input.value().to_string(),
        other => panic!("expected a prompt, got {other:?}"),
    }
}

/// The cells of the row holding `needle`, from its first column on, that are drawn
/// reversed (selected).
fn reversed_text(buffer: &Buffer, needle: &str) -> String {
    let screen = lines(buffer);
    let y = screen
        .iter()
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("no row with {needle:?}:\n{}", screen.join("\n")));
    (0..buffer.area.width)
        .map(|x| &buffer[(x, y as u16)])
        .filter(|cell| cell.modifier.contains(Modifier::REVERSED))
        .map(|cell| cell.symbol())
        .collect()
}

#[test]
fn a_prefilled_prompt_shows_its_value_selected_and_typing_replaces_it() {
    let mut model = amqp_tui::model::Model::default();
    model.tab_mut().profile = Some("fresh".into());
    update(&mut model, Action::SaveProfileAs);
    assert_eq!(reversed_text(&render(&model), "│fresh "), "fresh");
    type_text(&mut model, "fresh2");
    assert_eq!(prompt_value(&model), "fresh2", "not freshfresh2");
    let buffer = render(&model);
    assert_eq!(
        reversed_text(&buffer, "│fresh2 "),
        "",
        "nothing selected any more"
    );
    assert!(line_with(&lines(&buffer), "fresh2").contains("│fresh2 "));
}

#[test]
fn moving_in_a_prefilled_prompt_keeps_the_value_to_edit() {
    let mut model = amqp_tui::model::Model::default();
    model.tab_mut().profile = Some("fresh".into());
    update(&mut model, Action::SaveProfileAs);
    update(&mut model, Action::Edit(KeyEvent::from(KeyCode::End)));
    type_text(&mut model, "2");
    assert_eq!(prompt_value(&model), "fresh2");
}

#[test]
fn the_explainers_prefilled_key_is_replaced_by_what_is_typed() {
    let mut model = with_messages(3);
    model.tab_mut().focus = Focus::Messages;
    update(&mut model, Action::ScrollUp);
    update(&mut model, Action::OpenExplain);
    assert_eq!(reversed_text(&render(&model), "Routing key test"), "test");
    type_text(&mut model, "order.us.shipped");
    let screen = lines(&render(&model));
    let key = line_with(&screen, "Routing key order");
    assert!(key.contains("Routing key order.us.shipped "), "{key}");
    assert!(!key.contains("testorder"), "{key}");
}

#[test]
fn a_pasted_body_is_published_exactly_and_shows_its_breaks_as_marks() {
    let mut model = with_messages(0);
    model.tab_mut().focus = Focus::ComposeBody;
    let pasted = "line 1\nline\t2\r\nend";
    update(&mut model, Action::Paste(pasted.into()));
    let published: Vec<Vec<u8>> = update(&mut model, Action::Publish)
        .into_iter()
        .filter_map(|effect| match effect {
            Effect::Publish { request, .. } => Some(request.body),
            _ => None,
        })
        .collect();
    assert_eq!(published, [pasted.as_bytes().to_vec()]);
    let buffer = render(&model);
    let screen = lines(&buffer);
    let body = line_with(&screen, "Body ›");
    assert!(body.contains("Body › line 1↵line⇥2␍↵end "), "{body}");
    let y = screen
        .iter()
        .position(|l| l.contains("Body ›"))
        .expect("the body row") as u16;
    let marks: String = (0..buffer.area.width)
        .map(|x| &buffer[(x, y)])
        .filter(|cell| cell.fg == Color::DarkGray)
        .map(|cell| cell.symbol())
        .collect();
    assert_eq!(marks, "↵⇥␍↵", "the marks are dim, the text is not");
}

#[test]
fn a_paste_into_a_one_line_field_smuggles_no_control_characters() {
    let mut model = amqp_tui::model::Model::default();
    model.tab_mut().focus = Focus::Form(Field::Host);
    update(&mut model, Action::Edit(KeyEvent::from(KeyCode::End)));
    update(&mut model, Action::Paste("\r\nevil\x1b[2J\t".into()));
    assert_eq!(model.tab().form.value(Field::Host), "localhost  evil [2J ");
}
