//! The tab bar and the pane when tabs share a broker or change what they watch.

mod support;

use amqp_tui::{
    action::Action,
    amqp::Source,
    model::{Field, Model, Overlay},
    session::{ConnectionSettings, WorkerEvent},
    tls::TlsMode,
    update::update,
};
use support::screen::{delivery, draw_at, feed, lines, render};

/// The TLS broker the three tabs share, watching `exchange` / `queue`.
fn on_one_broker(exchange: &str, queue: &str) -> ConnectionSettings {
    let mut settings = ConnectionSettings {
        port: 5671,
        tls: TlsMode::Verify { ca_file: None },
        ..ConnectionSettings::default()
    };
    settings.routing.exchange = exchange.into();
    settings.routing.queue = queue.into();
    settings
}

fn connect_current(model: &mut Model, queue: &str) {
    update(model, Action::Connect);
    let security = model
        .tab()
        .session_settings
        .as_ref()
        .expect("connecting")
        .security();
    feed(
        model,
        WorkerEvent::Connected {
            queue: queue.into(),
            security,
            reconnected: false,
            endpoint: amqp_tui::session::Endpoint::new("localhost", 5672),
            failed_over: None,
            details: Box::default(),
        },
    );
}

fn set_field(model: &mut Model, field: Field, text: &str) {
    *model.tab_mut().form.input_mut(field) = tui_input::Input::new(text.into());
}

#[test]
fn tabs_on_one_broker_are_told_apart_by_what_they_watch() {
    let mut model = Model::new(&on_one_broker("orders", ""));
    connect_current(&mut model, "amq.gen-1");
    for (exchange, queue) in [("invoices", ""), ("orders", "audit")] {
        update(&mut model, Action::NewTab);
        set_field(&mut model, Field::Exchange, exchange);
        set_field(&mut model, Field::Queue, queue);
        connect_current(&mut model, queue);
    }
    let screen = lines(&render(&model));
    // The key hint after the labels is cut off at this width.
    assert!(
        screen[0].starts_with(
            " 1 localhost:5671 orders TLS   2 localhost:5671 invoices TLS   3 localhost:5671 \
             orders queue audit TLS  "
        ),
        "{}",
        screen[0]
    );
}

/// The demo's matrix: nine tabs at 100 columns. Whichever is current is in view with its
/// number, protection and a title that tells it apart; the hidden ones are counted.
#[test]
fn nine_tabs_at_100_columns_keep_the_current_one_in_view() {
    let mut model = Model::new(&on_one_broker("test-exchange-for-the-demo", ""));
    connect_current(&mut model, "amq.gen-1");
    for n in 2..=9 {
        update(&mut model, Action::NewTab);
        set_field(&mut model, Field::Exchange, &format!("exchange-number-{n}"));
        connect_current(&mut model, "");
    }
    for current in 1..=9usize {
        update(&mut model, Action::GoToTab(current - 1));
        let bar = draw_at(&model, 100, 30).remove(0);
        // What all titles share ("localhost:5671 ") gives way, and each keeps the end
        // that tells it apart.
        let title = if current == 1 {
            "…ge-for-the-demo".to_string()
        } else {
            format!("…change-number-{current}")
        };
        assert!(
            bar.contains(&format!(" {current} {title} TLS ")),
            "tab {current}: {bar}"
        );
        if current > 3 {
            assert!(bar.starts_with('‹'), "tab {current}: {bar}");
        }
        if current < 7 {
            assert!(bar.trim_end().ends_with('›'), "tab {current}: {bar}");
        }
        // Every label shown is whole: its number, a title and its protection.
        assert_eq!(
            bar.matches(" TLS ").count(),
            bar.matches(" …").count(),
            "tab {current}: {bar}"
        );
    }
}

#[test]
fn saving_an_imported_uri_does_not_rename_the_connected_tab() {
    let mut model = Model::new(&on_one_broker("orders", ""));
    connect_current(&mut model, "amq.gen-1");
    update(&mut model, Action::ImportUri);
    for c in "amqp://bob@elsewhere:5672/%2f".chars() {
        update(
            &mut model,
            Action::Edit(crossterm::event::KeyEvent::from(
                crossterm::event::KeyCode::Char(c),
            )),
        );
    }
    update(&mut model, Action::SubmitPrompt);
    assert!(
        matches!(model.overlay, Overlay::Prompt(_)),
        "asked for a name"
    );
    update(&mut model, Action::SubmitPrompt);
    assert!(
        model.profiles.get("elsewhere").is_some(),
        "saved as a profile"
    );
    let screen = lines(&render(&model));
    assert!(
        screen[0].starts_with(" 1 localhost:5671 TLS "),
        "{}",
        screen[0]
    );
}

#[test]
fn switching_a_tab_to_another_queue_drops_the_old_queues_rows() {
    let mut settings = on_one_broker("", "orders");
    settings.routing.source = Source::Queue;
    let mut model = Model::new(&settings);
    connect_current(&mut model, "orders");
    feed(
        &mut model,
        WorkerEvent::Delivery(delivery(b"an order from the old queue")),
    );
    update(&mut model, Action::LeaveSession);
    set_field(&mut model, Field::Queue, "invoices");
    connect_current(&mut model, "invoices");
    let screen = lines(&render(&model));
    let title = screen
        .iter()
        .find(|l| l.contains("queue invoices"))
        .unwrap_or_else(|| panic!("no pane title:\n{}", screen.join("\n")));
    assert!(
        title.contains("queue invoices · following · 0 received"),
        "{title}"
    );
    assert!(
        !screen.iter().any(|l| l.contains("from the old queue")),
        "{}",
        screen.join("\n")
    );
    // Reconnecting to the same queue keeps what was seen.
    feed(&mut model, WorkerEvent::Delivery(delivery(b"an invoice")));
    update(&mut model, Action::LeaveSession);
    connect_current(&mut model, "invoices");
    let screen = lines(&render(&model));
    assert!(screen.iter().any(|l| l.contains("an invoice")));
}
