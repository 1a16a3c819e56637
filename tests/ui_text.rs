//! Text as the screen shows it (TestBackend): wide and zero-width characters measured by
//! display width, long notices and titles wrapped or shortened instead of cut off, and
//! the small wording fixes of the message view, the filter and the compose box.

mod support;

use amqp_tui::{action::Action, model::Focus, model::Model, session::WorkerEvent, update::update};
use crossterm::event::KeyCode;
use ratatui::{Terminal, backend::TestBackend};
use support::screen::{delivery, draw_at as draw, feed, inside_after, press, rows, with_messages};
use unicode_width::UnicodeWidthStr;

/// Chinese, emoji built with joiners, skin tones and presentation selectors, and letters
/// with combining accents: text whose width is not its number of characters.
fn wide_body() -> String {
    let cjk = |from: u32, n: u32| -> String {
        (from..from + n)
            .map(|c| char::from_u32(c).expect("a CJK character"))
            .collect()
    };
    let mut body = cjk(0x4e00, 300);
    body.push_str("\u{1f468}\u{200d}\u{1f469}\u{200d}\u{1f467}\u{1f469}\u{1f3fd}\u{200d}\u{1f4bb}");
    body.push_str("\u{1f3f3}\u{fe0f}\u{200d}\u{1f308}\u{2764}\u{fe0f}");
    body.push_str("cafe\u{301}nai\u{308}ve\u{1f600}");
    body.push_str(&cjk(0x5000, 40));
    body
}

#[test]
fn every_character_of_a_wide_body_appears_in_the_message_view() {
    let body = wide_body();
    for (width, height) in [(110, 30), (80, 40), (61, 40)] {
        let mut model = with_messages(0);
        feed(&mut model, WorkerEvent::Delivery(delivery(body.as_bytes())));
        model.tab_mut().focus = Focus::Messages;
        update(&mut model, Action::OpenMessage);
        let screen = draw(&model, width, height);
        let shown: String = inside_after(&screen, "Body").concat();
        assert_eq!(shown, body, "at {width}x{height}:\n{}", screen.join("\n"));
    }
}

#[test]
fn an_emoji_in_a_profile_name_keeps_the_list_columns_aligned() {
    let mut model = Model::default();
    model.profiles.profiles = ["plain-one", "\u{1f680}-rocket", "中文名"]
        .into_iter()
        .map(|name| amqp_tui::profile::Profile {
            name: name.into(),
            ..Default::default()
        })
        .collect();
    update(&mut model, Action::OpenProfiles);
    let screen = draw(&model, 110, 30);
    // The column where the security label starts, in display columns.
    let columns: Vec<usize> = ["plain-one", "-rocket", "中文名"]
        .iter()
        .map(|name| {
            let row = screen
                .iter()
                .find(|l| l.contains(name))
                .unwrap_or_else(|| panic!("no {name} row:\n{}", screen.join("\n")));
            let at = row.find("plain  amqp").expect("the security label");
            row[..at].width()
        })
        .collect();
    assert_eq!(columns[0], columns[1], "{}", screen.join("\n"));
    assert_eq!(columns[0], columns[2], "{}", screen.join("\n"));
}

#[test]
fn headers_are_listed_in_natural_order() {
    let mut d = delivery(b"x");
    // As the broker's tables arrive: sorted as text.
    d.properties.headers = Some(
        ["h1", "h10", "h2", "x-retry-11", "x-retry-9"]
            .map(|k| (k.to_string(), amqp_tui::session::Value::I64(1)))
            .to_vec(),
    );
    let mut model = with_messages(0);
    feed(&mut model, WorkerEvent::Delivery(d));
    model.tab_mut().focus = Focus::Messages;
    press(&mut model, KeyCode::Enter);
    let view = inside_after(&draw(&model, 100, 30), "Headers");
    let names: Vec<&str> = view
        .iter()
        .take_while(|r| *r != "Body")
        .filter_map(|r| r.split(':').next())
        .collect();
    assert_eq!(
        names,
        ["h1", "h2", "h10", "x-retry-9", "x-retry-11"],
        "{view:?}"
    );
}

#[test]
fn one_property_set_is_singular() {
    let mut model = with_messages(0);
    model.tab_mut().focus = Focus::ComposeBody;
    press(&mut model, KeyCode::F(4));
    for c in "text/plain".chars() {
        press(&mut model, KeyCode::Char(c));
    }
    press(&mut model, KeyCode::Esc);
    let screen = draw(&model, 110, 30);
    let title = screen
        .iter()
        .find(|r| r.contains("┌ Publish"))
        .expect("the compose box");
    assert!(title.contains(" · 1 property set (F4) "), "{title}");
}

#[test]
fn the_filter_is_shown_as_typed_and_a_bad_regex_is_one_clear_line() {
    let mut model = with_messages(2);
    model.tab_mut().focus = Focus::Messages;
    press(&mut model, KeyCode::Char('/'));
    for c in "/message\\s1/".chars() {
        press(&mut model, KeyCode::Char(c));
    }
    press(&mut model, KeyCode::Enter);
    let screen = draw(&model, 110, 30);
    assert!(
        screen[1].contains(" · filter /message\\s1/ (1 match) "),
        "one backslash, as typed: {}",
        screen[1]
    );
    let mut model = with_messages(2);
    model.tab_mut().focus = Focus::Messages;
    press(&mut model, KeyCode::Char('/'));
    for c in "/(bad/".chars() {
        press(&mut model, KeyCode::Char(c));
    }
    press(&mut model, KeyCode::Enter);
    let screen = draw(&model, 110, 30);
    let error = screen
        .iter()
        .find(|r| r.contains("regular expression"))
        .unwrap_or_else(|| panic!("no error:\n{}", screen.join("\n")));
    assert!(
        error.contains("not a valid regular expression: unclosed group (column 1)"),
        "{}",
        screen.join("\n")
    );
    assert!(
        !screen.iter().any(|r| r.contains("\\n")),
        "{}",
        screen.join("\n")
    );
}

#[test]
fn a_long_notice_wraps_over_the_rows_it_needs() {
    let mut model = with_messages(3);
    let notice = format!(
        "Published to exchange 'orders.{}' with key 'eu.created', but no queue is bound \
         for it: the broker returned it (312 NO_ROUTE). Bind a queue with b, or check the \
         key with x: the explainer shows which bindings match and why.",
        "regional".repeat(5)
    );
    model.notify(amqp_tui::model::Level::Warning, &notice);
    for (width, height) in [(100, 24), (120, 30), (60, 24)] {
        let screen = draw(&model, width, height);
        // The notice is the rows between the status bar and the footer.
        let status = screen
            .iter()
            .position(|r| r.contains("CONNECTED"))
            .expect("the status bar");
        let shown: Vec<&str> = screen[status + 1..screen.len() - 1]
            .iter()
            .map(|r| r.trim())
            .collect();
        assert_eq!(
            shown.join(" ").trim(),
            notice,
            "at {width}x{height}:\n{}",
            screen.join("\n")
        );
        assert!(
            screen.iter().any(|r| r.contains("message 2")),
            "the pane keeps rows:\n{}",
            screen.join("\n")
        );
    }
}

#[test]
fn titles_too_long_for_their_border_keep_what_matters_and_show_the_cut() {
    let mut model = with_messages(5);
    model.tab_mut().focus = Focus::Messages;
    press(&mut model, KeyCode::Char('p'));
    press(&mut model, KeyCode::Char('/'));
    for c in "message".chars() {
        press(&mut model, KeyCode::Char(c));
    }
    press(&mut model, KeyCode::Enter);
    let screen = draw(&model, 80, 24);
    let title = &screen[1];
    // The watched name gives up its middle, and the least important parts go; the state
    // and the filter stay whole, and the cut shows.
    assert!(
        title.starts_with(
            "┌ testEx (…en-test · PAUSED (End resumes) · filter message (5 matches) · … ─"
        ),
        "{title}"
    );
    // The compose box's title leaves out its least important part, and says so.
    model.tab_mut().compose.confirm = false;
    let screen = draw(&model, 60, 24);
    let compose = screen
        .iter()
        .find(|r| r.contains("┌ Publish"))
        .expect("the compose box");
    assert!(
        compose.contains("┌ Publish · mandatory, NOT confirmed (F5) · … ─"),
        "{compose}"
    );
}

#[test]
fn the_cursor_of_a_masked_password_with_wide_characters_sits_after_its_last_bullet() {
    let mut model = Model::default();
    model.tab_mut().focus = amqp_tui::model::Focus::Form(amqp_tui::model::Field::Password);
    for c in "密码".chars() {
        press(&mut model, KeyCode::Char(c));
    }
    let mut terminal = Terminal::new(TestBackend::new(100, 30)).expect("test terminal");
    terminal
        .draw(|f| amqp_tui::ui::draw(f, &model))
        .expect("draw");
    let screen = rows(terminal.backend().buffer());
    let (y, row) = screen
        .iter()
        .enumerate()
        .find(|(_, r)| r.contains("Password •"))
        .expect("the password row");
    assert!(row.contains(" ••••••• "), "guest and two more: {row}");
    assert!(!row.contains("密"), "{row}");
    let after_last = row.rfind('•').map(|at| row[..at].width() + 1);
    let cursor = terminal.get_cursor_position().expect("cursor");
    assert_eq!(
        (Some(usize::from(cursor.x)), usize::from(cursor.y)),
        (after_last, y),
        "{row}"
    );
}
