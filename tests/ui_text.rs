//! Text as the screen shows it (TestBackend): wide and zero-width characters measured by
//! display width, long text wrapped or scrolled instead of cut off.

mod support;

use amqp_tui::{
    action::Action,
    amqp::AmqpEvent,
    model::{Focus, Model},
    update::update,
};
use ratatui::{Terminal, backend::TestBackend, buffer::Buffer};
use support::screen::{delivery, feed, with_messages};
use unicode_width::UnicodeWidthStr;

/// The screen's rows as text, each wide character once: the cell after a two-column
/// character is covered by it and holds nothing of its own.
fn rows(buffer: &Buffer) -> Vec<String> {
    (0..buffer.area.height)
        .map(|y| {
            let mut row = String::new();
            let mut x = 0;
            while x < buffer.area.width {
                let symbol = buffer[(x, y)].symbol();
                row.push_str(symbol);
                x += u16::try_from(symbol.width().max(1)).expect("a cell is narrow");
            }
            row
        })
        .collect()
}

fn draw(model: &Model, width: u16, height: u16) -> Vec<String> {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("test terminal");
    terminal
        .draw(|f| amqp_tui::ui::draw(f, model))
        .expect("draw");
    rows(terminal.backend().buffer())
}

/// The text between a bordered panel's side borders on the rows after `from`.
fn inside_after(screen: &[String], from: &str) -> Vec<String> {
    let start = screen
        .iter()
        .position(|l| l.contains(from))
        .unwrap_or_else(|| panic!("no row holds {from:?}:\n{}", screen.join("\n")));
    screen[start + 1..]
        .iter()
        .take_while(|l| !l.starts_with('└'))
        .map(|l| l.trim_start_matches('│').trim_end_matches([' ', '│']).to_string())
        .collect()
}

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
        feed(&mut model, AmqpEvent::Delivery(delivery(body.as_bytes())));
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
