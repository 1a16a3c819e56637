//! STOMP messages on screen through TestBackend, fed the events the STOMP link sends: the
//! pane's row (destination, subscription, size, body), the message view with every header
//! made safe, client-individual settling and its marks, the compose box's destination and
//! receipts, the explain hint and the filter.

mod support;

use amqp_tui::{
    action::Action,
    model::{Focus, Model, Overlay},
    session::{
        ConnectionSettings, Message, MessagePart, Protocol, PublishOutcome, PublishPart,
        SessionCommand, Settle, StompFacts, WorkerEvent,
    },
    stomp::{AckMode, StompOptions},
    tls::TlsMode,
    ui,
    update::{Effect, update},
};
use support::screen::{H, connected, delivery, feed, line_with, lines, render};

fn stomp_tab(protocol: Protocol, ack: AckMode) -> Model {
    let settings = ConnectionSettings {
        protocol,
        port: protocol.default_port(false),
        stomp: StompOptions {
            destinations: vec!["/topic/test.#".into()],
            ack,
            publish_destination: "/exchange/testEx/test".into(),
            ..StompOptions::default()
        },
        ..ConnectionSettings::default()
    };
    let mut model = connected(settings);
    update(
        &mut model,
        Action::Resize {
            page_rows: ui::message_rows(H),
        },
    );
    model
}

/// A MESSAGE frame as the link hands it over: RabbitMQ's routing beside the destination.
fn stomp_message(destination: &str, ack: Option<&str>, body: &[u8]) -> Box<Message> {
    let mut message = delivery(body);
    message.exchange = "amq.topic".into();
    message.routing_key = "test.any".into();
    message.delivery_tag = 7;
    message.part = MessagePart::Stomp(StompFacts {
        destination: destination.into(),
        subscription: "sub-0".into(),
        message_id: "T_sub-0@@session-x@@1".into(),
        ack: ack.map(str::to_string),
        headers: vec![
            ("destination".into(), destination.into()),
            ("subscription".into(), "sub-0".into()),
            ("x-note".into(), "bell\x07 and \x1b[2J".into()),
            ("x-note".into(), "second".into()),
        ],
        websocket: false,
    });
    message
}

fn notice(model: &Model) -> String {
    model
        .tab()
        .notice
        .as_ref()
        .map(|n| n.text.clone())
        .unwrap_or_default()
}

fn select_last(model: &mut Model) {
    model.tab_mut().focus = Focus::Messages;
    update(model, Action::ScrollUp);
    assert!(
        model.tab().log.selected().is_some(),
        "a message is selected"
    );
}

#[test]
fn a_stomp_row_shows_destination_subscription_size_and_body() {
    let mut model = stomp_tab(Protocol::Stomp, AckMode::Auto);
    feed(
        &mut model,
        WorkerEvent::Delivery(stomp_message("/topic/test.any", None, b"hi \x1b[2J")),
    );
    let screen = lines(&render(&model));
    let all = screen.join("\n");
    let header = line_with(&screen, "Received");
    assert!(
        header.contains("Received     Destination                    Subscription Size      Body"),
        "{all}"
    );
    assert!(
        line_with(&screen, "/topic/test.any").contains(
            "12:34:56.000 /topic/test.any                sub-0        7 B       hi \\e[2J"
        ),
        "{all}"
    );
    assert!(
        line_with(&screen, "CONNECTED").contains("STOMP · plain"),
        "{all}"
    );
}

#[test]
fn the_message_view_shows_every_header_escaped_and_the_ack_id() {
    let mut model = stomp_tab(Protocol::Stomp, AckMode::ClientIndividual);
    feed(
        &mut model,
        WorkerEvent::Delivery(stomp_message("/topic/test.any", Some("ack-42"), b"x")),
    );
    select_last(&mut model);
    update(&mut model, Action::OpenMessage);
    assert!(matches!(model.overlay, Overlay::Message { .. }));
    let screen = lines(&render(&model));
    let all = screen.join("\n");
    assert!(
        !all.contains('\x1b') && !all.contains('\x07'),
        "raw controls:\n{all}"
    );
    let label = |name: &str| format!("  {name:<18}");
    for (name, value) in [
        ("destination", "/topic/test.any"),
        ("subscription", "sub-0"),
        ("message-id", "T_sub-0@@session-x@@1"),
        ("ack", "ack-42 · waiting for ACK or NACK"),
        ("x-note", "bell\\u{7} and \\e[2J"),
        ("exchange", "amq.topic"),
        ("routing-key", "test.any"),
    ] {
        let expected = format!("{}{value}", label(name));
        assert!(all.contains(&expected), "{expected:?} in\n{all}");
    }
    assert!(
        all.contains(&format!(
            "{}second  (repeated: the first counts)",
            label("x-note")
        )),
        "{all}"
    );
    assert!(line_with(&screen, "STOMP message").contains("STOMP message"));
    assert!(line_with(&screen, "STOMP headers").contains("STOMP headers"));
}

#[test]
fn client_individual_settles_and_marks_like_manual_acks() {
    let mut model = stomp_tab(Protocol::WebStomp, AckMode::ClientIndividual);
    feed(
        &mut model,
        WorkerEvent::Delivery(stomp_message("/topic/test.any", Some("ack-1"), b"x")),
    );
    select_last(&mut model);
    let effects = update(&mut model, Action::Settle(Settle::Ack));
    match effects.as_slice() {
        [
            Effect::Command {
                command:
                    SessionCommand::Settle {
                        delivery_tag: 7,
                        settle: Settle::Ack,
                        ..
                    },
                ..
            },
        ] => {}
        other => panic!("expected one Settle command, got {other:?}"),
    }
    let epoch = model.tab().log.selected().expect("selected").delivery.epoch;
    feed(
        &mut model,
        WorkerEvent::Settled {
            delivery_tag: 7,
            epoch,
            settle: Settle::Ack,
            result: Ok(()),
        },
    );
    let screen = lines(&render(&model));
    assert!(
        line_with(&screen, "/topic/test.any").contains("sub-0        1 B ✓"),
        "{}",
        screen.join("\n")
    );

    // With auto acks there is nothing to settle, and the notice says why.
    let mut model = stomp_tab(Protocol::Stomp, AckMode::Auto);
    feed(
        &mut model,
        WorkerEvent::Delivery(stomp_message("/topic/test.any", None, b"x")),
    );
    select_last(&mut model);
    assert!(update(&mut model, Action::Settle(Settle::Ack)).is_empty());
    assert!(
        notice(&model).starts_with(
            "Ack, nack and requeue are for a subscription with ack mode client-individual"
        ),
        "{}",
        notice(&model)
    );
}

#[test]
fn the_compose_box_sends_to_a_destination_with_a_receipt() {
    let mut model = stomp_tab(Protocol::Stomp, AckMode::Auto);
    let screen = lines(&render(&model));
    let all = screen.join("\n");
    assert!(
        line_with(&screen, "Destination /exchange").contains("Destination /exchange/testEx/test"),
        "{all}"
    );
    assert!(
        line_with(&screen, "Publish").contains("receipt on every SEND (F5)"),
        "{all}"
    );
    assert!(
        line_with(&screen, "Publish").contains("1 header set (F4)"),
        "{all}"
    );

    model.tab_mut().focus = Focus::ComposeBody;
    let effects = update(&mut model, Action::Publish);
    let request = match effects.as_slice() {
        [Effect::Publish { request, .. }] => request.clone(),
        other => panic!("expected one Publish, got {other:?}"),
    };
    assert_eq!(
        request.part,
        PublishPart::Stomp {
            destination: "/exchange/testEx/test".into()
        }
    );
    assert!(request.confirm, "a receipt is asked");
    feed(
        &mut model,
        WorkerEvent::Published {
            id: request.id,
            exchange: request.exchange.clone(),
            routing_key: request.routing_key.clone(),
            outcome: PublishOutcome::Routed,
            unsent: None,
        },
    );
    assert_eq!(
        notice(&model),
        "Sent to destination '/exchange/testEx/test': the broker confirmed it with a RECEIPT."
    );
    let screen = lines(&render(&model));
    assert!(
        line_with(&screen, "Publish").contains("1 receipts, 0 failed"),
        "{}",
        screen.join("\n")
    );

    // F5: no receipt asked.
    update(&mut model, Action::ToggleConfirms);
    let screen = lines(&render(&model));
    assert!(line_with(&screen, "Publish").contains("NO receipt: NOT confirmed (F5)"));
}

#[test]
fn x_says_which_exchange_and_key_a_destination_is() {
    let mut model = stomp_tab(Protocol::Stomp, AckMode::Auto);
    update(&mut model, Action::OpenExplain);
    assert_eq!(
        notice(&model),
        "STOMP destination '/exchange/testEx/test' is exchange 'testEx' with routing key 'test': an AMQP tap on that exchange bound with 'test' sees what is sent to it. Subscriptions: '/topic/test.#' binds its own queue to amq.topic with 'test.#'."
    );
    // A received message's header is percent-decoded first.
    feed(
        &mut model,
        WorkerEvent::Delivery(stomp_message("/exchange/x/a%2Fb", None, b"x")),
    );
    select_last(&mut model);
    update(&mut model, Action::OpenExplain);
    assert!(
        notice(&model).starts_with(
            "STOMP destination '/exchange/x/a%2Fb' is exchange 'x' with routing key 'a/b'"
        ),
        "{}",
        notice(&model)
    );
}

#[test]
fn a_tls_stomp_tab_names_protocol_and_protection() {
    let settings = ConnectionSettings {
        protocol: Protocol::WebStomp,
        port: 15673,
        tls: TlsMode::Verify {
            ca_file: Some("ca.pem".into()),
        },
        ..ConnectionSettings::default()
    };
    let model = connected(settings);
    let screen = lines(&render(&model));
    assert!(
        line_with(&screen, "CONNECTED").contains("Web-STOMP · TLS, server verified against ca.pem"),
        "{}",
        screen.join("\n")
    );
}

#[test]
fn the_details_panel_shows_the_connected_frames_server_and_heart_beat() {
    let settings = ConnectionSettings {
        protocol: Protocol::WebStomp,
        port: 15674,
        ..ConnectionSettings::default()
    };
    let mut model = Model::new(&settings);
    update(&mut model, Action::Connect);
    let details = amqp_tui::session::ConnectionDetails {
        peer_addr: Some("127.0.0.1:15674".into()),
        local_addr: None,
        client_id: None,
        server: Some("RabbitMQ/3.10.8\x1b[2J".into()),
        heartbeat_secs: Some(10),
        tls: None,
    };
    feed(
        &mut model,
        WorkerEvent::Connected {
            queue: "/exchange/testEx/test".into(),
            security: settings.security(),
            reconnected: false,
            endpoint: amqp_tui::session::Endpoint::new("localhost", 5672),
            failed_over: None,
            details: Box::new(details),
        },
    );
    update(&mut model, Action::ToggleDetails);
    let screen = lines(&render(&model));
    let all = screen.join("\n");
    for (label, value) in [
        ("Protocol", "STOMP 1.2 over WebSocket (Web-STOMP)"),
        ("Endpoint", "/ws"),
        ("Destinations", "/exchange/testEx/test"),
        ("Ack mode", "auto"),
        ("Broker", "RabbitMQ/3.10.8\\e[2J"),
        ("Heart-beat", "10 s"),
    ] {
        assert!(
            line_with(&screen, &format!("{label}  ")).contains(&format!("{label}  {value}")),
            "{label}: {value} in\n{all}"
        );
    }
    assert!(all.contains("Plain Web-STOMP: NOT ENCRYPTED"), "{all}");
}
