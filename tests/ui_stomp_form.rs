//! The form of a STOMP and a Web-STOMP tab, rendered into TestBackend: the protocol choice
//! cycles all four, only STOMP's fields show, the port follows protocol and TLS, and a bad
//! destination or Web-STOMP path is named on the form.

mod support;

use amqp_tui::{
    action::Action,
    model::{Field, Focus, Model},
    session::Protocol,
    update::{Effect, update},
};
use support::screen::{line_with, lines, render};

fn type_into(model: &mut Model, field: Field, text: &str) {
    *model.tab_mut().form.input_mut(field) = tui_input::Input::new(text.into());
}

#[test]
fn choosing_stomp_shows_its_fields_and_hides_the_others() {
    let mut model = Model::default();
    model.tab_mut().focus = Focus::Form(Field::Protocol);
    let screen = lines(&render(&model));
    assert!(
        line_with(&screen, "Protocol").contains("< AMQP >  ←/→ AMQP, MQTT, STOMP, Web-STOMP"),
        "{}",
        screen.join("\n")
    );
    update(&mut model, Action::NextChoice);
    update(&mut model, Action::NextChoice);
    let screen = lines(&render(&model));
    let all = screen.join("\n");
    assert!(
        line_with(&screen, "Protocol").contains("< STOMP >"),
        "{all}"
    );
    assert!(line_with(&screen, "Port").contains("Port 61613 "), "{all}");
    assert!(line_with(&screen, "Virtual host").contains(" /"), "{all}");
    assert!(line_with(&screen, "Heart-beat (s)").contains("60"), "{all}");
    assert!(
        line_with(&screen, "Subscribe to (destinations)").contains(
            "/exchange/testEx/test  /exchange/X/KEY, /queue/Q, /amq/queue/Q or /topic/KEY"
        ),
        "{all}"
    );
    assert!(
        line_with(&screen, "Ack mode").contains("Ack mode < auto >"),
        "{all}"
    );
    assert!(
        line_with(&screen, "Prefetch (prefetch-count)").contains("256"),
        "{all}"
    );
    for hidden in [
        " Exchange ",
        "Binding key",
        " Watch ",
        "Client id",
        "Clean session",
        "topic filters",
        "Endpoint path",
        "Heartbeat (s)",
    ] {
        assert!(!all.contains(hidden), "{hidden} is not STOMP's:\n{all}");
    }

    // The ack mode cycles auto <-> client-individual.
    model.tab_mut().focus = Focus::Form(Field::StompAck);
    update(&mut model, Action::NextChoice);
    let screen = lines(&render(&model));
    assert!(line_with(&screen, "Ack mode").contains("< client-individual >"));

    // TLS on: the port follows to 61614.
    model.tab_mut().focus = Focus::Form(Field::Tls);
    update(&mut model, Action::ToggleField);
    let screen = lines(&render(&model));
    assert!(line_with(&screen, "Port").contains("Port 61614 "));

    let effects = update(&mut model, Action::Connect);
    match effects.as_slice() {
        [Effect::Connect { settings, .. }] => {
            assert_eq!((settings.protocol, settings.port), (Protocol::Stomp, 61614));
            assert_eq!(settings.stomp.destinations, ["/exchange/testEx/test"]);
            assert_eq!(
                settings.stomp.ack,
                amqp_tui::stomp::AckMode::ClientIndividual
            );
        }
        other => panic!("expected one Connect, got {other:?}"),
    }
}

#[test]
fn a_bad_destination_is_named_on_the_form() {
    let mut model = Model::default();
    model.tab_mut().form.set_protocol(Protocol::Stomp);
    type_into(&mut model, Field::Destinations, "/topic/a, /exchanges/x");
    let effects = update(&mut model, Action::Connect);
    assert!(effects.is_empty(), "nothing is sent: {effects:?}");
    let screen = lines(&render(&model));
    let all = screen.join("\n");
    assert!(
        line_with(&screen, "Subscribe to").starts_with("│! "),
        "the field is marked:\n{all}"
    );
    assert!(
        all.contains("Subscribe to: '/exchanges/x' is none of RabbitMQ's destinations: use"),
        "{all}"
    );
}

#[test]
fn web_stomp_shows_its_path_and_refuses_sockjs() {
    let mut model = Model::default();
    model.tab_mut().form.set_protocol(Protocol::WebStomp);
    let screen = lines(&render(&model));
    let all = screen.join("\n");
    assert!(
        line_with(&screen, "Protocol").contains("< Web-STOMP >"),
        "{all}"
    );
    assert!(line_with(&screen, "Port").contains("Port 15674 "), "{all}");
    assert!(
        line_with(&screen, "Endpoint path").contains("Endpoint path /ws "),
        "{all}"
    );

    type_into(&mut model, Field::WsPath, "/stomp");
    assert!(update(&mut model, Action::Connect).is_empty());
    let screen = lines(&render(&model));
    let all = screen.join("\n");
    assert!(
        all.contains(
            "Endpoint path /stomp is the SockJS endpoint RabbitMQ removed in 3.7: use /ws."
        ),
        "{all}"
    );
}
