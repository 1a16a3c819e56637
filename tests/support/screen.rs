//! Screens drawn into ratatui's TestBackend from models reached through `update`, and the
//! model states the screen tests start from.

use amqp_tui::{
    action::Action,
    amqp::{AmqpEvent, ConnectionSettings, Delivery, SessionEvent},
    model::Model,
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
    let event = AmqpEvent::Connected {
        queue: "amq.gen-test".into(),
        security: settings.security(),
        reconnected: false,
        details: Box::default(),
    };
    feed(&mut model, event);
    model
}

/// Applies a broker event of the model's current session.
pub fn feed(model: &mut Model, event: AmqpEvent) {
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
            AmqpEvent::Delivery(delivery(format!("message {i}").as_bytes())),
        );
    }
    model
}

pub fn delivery(body: &[u8]) -> Box<Delivery> {
    Box::new(Delivery {
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
    })
}
