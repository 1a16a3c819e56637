//! Screens drawn into ratatui's TestBackend from models reached through `update`, and the
//! model states the screen tests start from.

use amqp_tui::{
    action::Action,
    model::Model,
    session::{ConnectionSettings, Message, SessionEvent, WorkerEvent},
    ui,
    update::update,
};
use chrono::{Local, TimeZone};
use ratatui::{Terminal, backend::TestBackend, buffer::Buffer};

pub const W: u16 = 110;
pub const H: u16 = 30;

pub fn render(model: &Model) -> Buffer {
    let mut terminal = Terminal::new(TestBackend::new(W, H)).expect("test terminal");
    terminal.draw(|f| ui::draw(f, model)).expect("draw");
    terminal.backend().buffer().clone()
}

pub fn lines(buffer: &Buffer) -> Vec<String> {
    (0..buffer.area.height)
        .map(|y| {
            (0..buffer.area.width)
                .map(|x| buffer[(x, y)].symbol())
                .collect()
        })
        .collect()
}

pub fn line_with<'a>(lines: &'a [String], needle: &str) -> &'a str {
    lines
        .iter()
        .find(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("no line contains {needle:?}:\n{}", lines.join("\n")))
}

/// A model connected with `settings`, as the worker's events would leave it.
pub fn connected(settings: ConnectionSettings) -> Model {
    let mut model = Model::new(&settings);
    let effects = update(&mut model, Action::Connect);
    assert_eq!(effects.len(), 1, "Connect asks the app to start a session");
    let event = WorkerEvent::Connected {
        queue: "amq.gen-test".into(),
        security: settings.security(),
        reconnected: false,
        endpoint: amqp_tui::session::Endpoint::new("localhost", 5672),
        failed_over: None,
        details: Box::default(),
    };
    feed(&mut model, event);
    model
}

/// Applies a broker event of the model's current session.
pub fn feed(model: &mut Model, event: WorkerEvent) {
    let session = model.tab().session;
    update(model, Action::Broker(SessionEvent { session, event }));
}

/// Connected, sized to the test terminal, with `n` deliveries "message 0".. in the pane.
pub fn with_messages(n: usize) -> Model {
    let mut model = connected(ConnectionSettings::default());
    update(
        &mut model,
        Action::Resize {
            page_rows: ui::message_rows(H),
        },
    );
    for i in 0..n {
        feed(
            &mut model,
            WorkerEvent::Delivery(delivery(format!("message {i}").as_bytes())),
        );
    }
    model
}

pub fn delivery(body: &[u8]) -> Box<Message> {
    Box::new(Message {
        received_at: Local
            .with_ymd_and_hms(2026, 11, 24, 12, 34, 56)
            .single()
            .expect("a valid time"),
        exchange: "testEx".into(),
        routing_key: "test".into(),
        redelivered: false,
        delivery_tag: 1,
        epoch: 1,
        consumer_tag: None,
        properties: Default::default(),
        body: body.to_vec(),
        part: Default::default(),
    })
}

/// A key as the terminal sends it, through the keymap as the app applies it.
pub fn press(model: &mut Model, code: crossterm::event::KeyCode) {
    let action = amqp_tui::keymap::action_for(model, crossterm::event::KeyEvent::from(code))
        .unwrap_or_else(|| panic!("{code:?} does nothing here"));
    update(model, action);
}

/// The screen's rows as text, each wide character once: the cell after a two-column
/// character is covered by it and holds nothing of its own (`lines` shows it as a space).
pub fn rows(buffer: &Buffer) -> Vec<String> {
    use unicode_width::UnicodeWidthStr;
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

/// `model` drawn on a `width` x `height` terminal, as `rows`.
pub fn draw_at(model: &Model, width: u16, height: u16) -> Vec<String> {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("test terminal");
    terminal.draw(|f| ui::draw(f, model)).expect("draw");
    rows(terminal.backend().buffer())
}

/// The text between a full-width panel's side borders on the rows after the one holding
/// `from`, up to its bottom border.
pub fn inside_after(screen: &[String], from: &str) -> Vec<String> {
    let start = screen
        .iter()
        .position(|l| l.contains(from))
        .unwrap_or_else(|| panic!("no row holds {from:?}:\n{}", screen.join("\n")));
    screen[start + 1..]
        .iter()
        .take_while(|l| !l.starts_with('└'))
        .map(|l| {
            l.trim_start_matches('│')
                .trim_end_matches([' ', '│'])
                .to_string()
        })
        .collect()
}
