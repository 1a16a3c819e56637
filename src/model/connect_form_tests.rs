use super::*;
use crate::{amqp::Routing, tls::ClientCert};
use tui_input::InputRequest;

fn set(form: &mut ConnectForm, field: Field, text: &str) {
    *form.input_mut(field) = Input::new(text.into());
}

#[test]
fn defaults_match_the_guide() {
    let s = ConnectForm::default()
        .validate()
        .expect("defaults are valid");
    assert_eq!(
        (s.host.as_str(), s.port, s.vhost.as_str()),
        ("localhost", 5672, "/")
    );
    assert_eq!((s.user.as_str(), s.password.as_str()), ("guest", "guest"));
    assert_eq!(s.routing.exchange, "testEx");
    assert_eq!(s.routing.exchange_type, ExchangeType::Direct);
    assert_eq!(s.routing.key(), "test");
    assert_eq!(s.heartbeat_secs, 60);
    assert_eq!(s.tls, TlsMode::Off);
}

#[test]
fn tls_switches_the_default_port_until_the_user_types_one() {
    let mut form = ConnectForm::default();
    form.toggle_tls();
    assert_eq!(form.value(Field::Port), "5671");
    form.toggle_tls();
    assert_eq!(form.value(Field::Port), "5672");
    form.input_mut(Field::Port)
        .handle(InputRequest::InsertChar('0'));
    form.toggle_tls();
    assert_eq!(form.value(Field::Port), "56720", "a typed port is kept");
}

#[test]
fn bad_fields_are_named() {
    let mut form = ConnectForm::default();
    set(&mut form, Field::Port, "70000");
    let (field, msg) = form.validate().expect_err("port out of range");
    assert_eq!(field, Field::Port);
    assert!(msg.contains("70000") && msg.contains("1 to 65535"), "{msg}");

    let mut form = ConnectForm::default();
    set(&mut form, Field::Host, "  ");
    assert_eq!(form.validate().expect_err("empty host").0, Field::Host);

    let mut form = ConnectForm::default();
    set(&mut form, Field::RoutingKey, &"k".repeat(256));
    assert_eq!(form.validate().expect_err("long key").0, Field::RoutingKey);
}

#[test]
fn every_setting_survives_the_form() {
    let settings = ConnectionSettings {
        host: "::1".into(),
        port: 15671,
        failover: vec![
            crate::session::Endpoint::new("h2", 15672),
            crate::session::Endpoint::new("::2", 15671),
        ],
        shuffle: true,
        vhost: "prod".into(),
        user: "ops".into(),
        password: "pw".into(),
        tls: TlsMode::Verify {
            ca_file: Some("/ca.pem".into()),
        },
        client_cert: Some(ClientCert {
            cert_file: "/client.pem".into(),
            key_file: "/client.key".into(),
        }),
        heartbeat_secs: 17,
        prefetch: 50,
        routing: Routing {
            source: Source::TapExchange,
            exchange: "logs".into(),
            exchange_type: ExchangeType::Topic,
            queue: "q1".into(),
            bindings: vec![crate::amqp::Binding::key("a.#")],
            ack: AckMode::Peek,
        },
        mqtt: Default::default(),
        stomp: Default::default(),
        protocol: Default::default(),
        management: crate::session::ManagementSettings {
            url: "https://broker.example:15671".into(),
            user: "monitor".into(),
            password: "mpw".into(),
        },
    };
    assert_eq!(
        ConnectForm::from_settings(&settings).validate(),
        Ok(settings)
    );
}

#[test]
fn verify_off_and_ca_file_become_tls_modes() {
    let mut form = ConnectForm::default();
    form.toggle_tls();
    set(&mut form, Field::CaFile, "/tmp/ca.pem");
    assert_eq!(
        form.validate().expect("valid").tls,
        TlsMode::Verify {
            ca_file: Some("/tmp/ca.pem".into())
        }
    );
    form.verify = false;
    assert_eq!(form.validate().expect("valid").tls, TlsMode::NoVerify);
}

#[test]
fn a_client_certificate_needs_its_key_but_only_with_tls_on() {
    let mut form = ConnectForm::default();
    set(&mut form, Field::ClientCert, "/c.pem");
    assert_eq!(
        form.validate()
            .expect("TLS is off: the client fields do not apply")
            .client_cert,
        None
    );
    form.toggle_tls();
    assert_eq!(form.validate().expect_err("no key").0, Field::ClientKey);
    set(&mut form, Field::ClientKey, "/c.key");
    assert_eq!(
        form.validate().expect("valid").client_cert,
        Some(ClientCert {
            cert_file: "/c.pem".into(),
            key_file: "/c.key".into()
        })
    );
}

#[test]
fn a_fields_error_shows_only_while_the_field_applies() {
    let mut form = ConnectForm::default();
    form.toggle_tls();
    form.set_error(Some(Field::CaFile), "CA file /x is missing");
    assert_eq!(
        form.error_shown(),
        Some((Some(Field::CaFile), "CA file /x is missing"))
    );
    form.verify = false;
    assert_eq!(
        form.error_shown(),
        None,
        "verification off: the CA is not used"
    );
    form.verify = true;
    form.set_error(Some(Field::ClientKey), "key missing");
    form.toggle_tls();
    assert_eq!(
        form.error_shown(),
        None,
        "TLS off: the client key is not used"
    );
    form.set_error(None, "connection refused");
    assert_eq!(form.error_shown(), Some((None, "connection refused")));
}

#[test]
fn debug_never_shows_the_password() {
    let mut form = ConnectForm::default();
    set(&mut form, Field::Password, "hunter2-secret");
    let shown = format!("{form:?}");
    assert!(!shown.contains("hunter2-secret"), "{shown}");
    assert!(
        shown.contains("<redacted>") && shown.contains("localhost"),
        "{shown}"
    );
    let settings = form.validate().expect("valid");
    assert!(!format!("{settings:?}").contains("hunter2-secret"));
}

#[test]
fn the_protocol_comes_first_and_the_port_follows_it_and_tls() {
    let mut form = ConnectForm::default();
    assert_eq!(form.fields()[0], Field::Protocol);
    form.set_protocol(Protocol::Mqtt);
    assert_eq!(form.value(Field::Port), "1883");
    form.toggle_tls();
    assert_eq!(form.value(Field::Port), "8883");
    form.set_protocol(Protocol::Amqp);
    assert_eq!(form.value(Field::Port), "5671");
    form.input_mut(Field::Port)
        .handle(InputRequest::InsertChar('9'));
    form.set_protocol(Protocol::Mqtt);
    assert_eq!(form.value(Field::Port), "56719", "a typed port is kept");
}

#[test]
fn each_protocol_shows_only_its_own_fields() {
    let mut form = ConnectForm::default();
    let amqp = form.fields();
    assert!(amqp.contains(&Field::Exchange) && !amqp.contains(&Field::Topics));
    form.set_protocol(Protocol::Mqtt);
    let mqtt = form.fields();
    for hidden in [
        Field::Source,
        Field::Exchange,
        Field::ExchangeType,
        Field::Queue,
        Field::AckMode,
        Field::RoutingKey,
    ] {
        assert!(!mqtt.contains(&hidden), "{hidden:?} is AMQP's");
        assert!(!form.applies(hidden));
    }
    for shown in [
        Field::ClientId,
        Field::CleanSession,
        Field::Topics,
        Field::Qos,
        Field::CaFile,
        Field::ClientCert,
    ] {
        assert!(mqtt.contains(&shown), "{shown:?}");
    }
    assert_eq!(form.label(Field::Heartbeat), "Keep-alive (s)");
    // Tab goes from the last shown field back to the first, skipping hidden ones.
    let last = *mqtt.last().expect("fields");
    assert_eq!(form.step_field(last, 1), Field::Protocol);
    assert_eq!(form.step_field(Field::Heartbeat, 1), Field::ClientId);
}

#[test]
fn an_mqtt_form_validates_its_topics_and_client_id() {
    let mut form = ConnectForm::default();
    form.set_protocol(Protocol::Mqtt);
    assert!(
        !form.value(Field::ClientId).is_empty(),
        "a generated default"
    );
    set(&mut form, Field::Topics, "test/#, sensors/+/temp");
    set(&mut form, Field::ClientId, "dev-7");
    let s = form.validate().expect("valid");
    assert_eq!(s.protocol, Protocol::Mqtt);
    assert_eq!(s.port, 1883);
    assert_eq!(s.mqtt.subscriptions, ["test/#", "sensors/+/temp"]);
    assert_eq!(s.mqtt.client_id, "dev-7");
    assert_eq!(s.mqtt.qos, 1);

    set(&mut form, Field::Topics, "a/#/b");
    let (field, message) = form.validate().expect_err("bad filter");
    assert_eq!(field, Field::Topics);
    assert!(
        message.contains("'a/#/b' puts # before its end"),
        "{message}"
    );
    set(&mut form, Field::Topics, " , ");
    let (field, message) = form.validate().expect_err("no filter");
    assert_eq!(field, Field::Topics);
    assert!(message.contains("Subscribe to is empty"), "{message}");

    set(&mut form, Field::Topics, "test/#");
    set(&mut form, Field::ClientId, "");
    form.clean_session = false;
    let (field, message) = form.validate().expect_err("a kept session needs an id");
    assert_eq!(field, Field::ClientId);
    assert!(message.contains("clean session off"), "{message}");
}

#[test]
fn the_protocol_choice_cycles_all_four_and_the_port_follows() {
    let mut form = ConnectForm::default();
    let mut seen = vec![];
    for _ in 0..4 {
        seen.push((form.protocol, form.value(Field::Port).to_string()));
        form.set_protocol(form.protocol.next());
    }
    assert_eq!(form.protocol, Protocol::Amqp, "wraps around");
    let ports: Vec<(Protocol, &str)> = seen.iter().map(|(p, s)| (*p, s.as_str())).collect();
    assert_eq!(
        ports,
        [
            (Protocol::Amqp, "5672"),
            (Protocol::Mqtt, "1883"),
            (Protocol::Stomp, "61613"),
            (Protocol::WebStomp, "15674"),
        ]
    );
    form.set_protocol(Protocol::Stomp);
    form.toggle_tls();
    assert_eq!(form.value(Field::Port), "61614");
    form.set_protocol(Protocol::WebStomp);
    assert_eq!(form.value(Field::Port), "15673");
}

#[test]
fn a_stomp_form_shows_its_fields_and_fills_stomp_options() {
    let mut form = ConnectForm::default();
    form.set_protocol(Protocol::Stomp);
    let stomp = form.fields();
    for hidden in [
        Field::Exchange,
        Field::AckMode,
        Field::Topics,
        Field::ClientId,
        Field::WsPath,
    ] {
        assert!(!stomp.contains(&hidden), "{hidden:?}");
    }
    for shown in [
        Field::Vhost,
        Field::Destinations,
        Field::StompAck,
        Field::Prefetch,
        Field::CaFile,
    ] {
        assert!(stomp.contains(&shown), "{shown:?}");
    }
    assert_eq!(form.label(Field::Heartbeat), "Heart-beat (s)");
    assert_eq!(form.value(Field::Destinations), "/exchange/testEx/test");

    set(
        &mut form,
        Field::Destinations,
        "/topic/test.#, /queue/orders",
    );
    set(&mut form, Field::Prefetch, "32");
    form.stomp_ack = crate::stomp::AckMode::ClientIndividual;
    let s = form.validate().expect("valid");
    assert_eq!(
        (s.protocol, s.port, s.prefetch),
        (Protocol::Stomp, 61613, 32)
    );
    assert_eq!(s.stomp.destinations, ["/topic/test.#", "/queue/orders"]);
    assert_eq!(s.stomp.ack, crate::stomp::AckMode::ClientIndividual);

    set(&mut form, Field::Destinations, "/topic/ok, /foo/bar");
    let (field, message) = form.validate().expect_err("bad destination");
    assert_eq!(field, Field::Destinations);
    assert_eq!(
        message,
        "Subscribe to: '/foo/bar' is none of RabbitMQ's destinations: use /exchange/NAME/KEY, /queue/NAME, /amq/queue/NAME or /topic/KEY."
    );
    set(&mut form, Field::Destinations, " , ");
    let (field, message) = form.validate().expect_err("none");
    assert_eq!(field, Field::Destinations);
    assert!(message.starts_with("Subscribe to is empty"), "{message}");

    set(&mut form, Field::Destinations, "/topic/ok");
    set(&mut form, Field::Prefetch, "0");
    let (field, message) = form.validate().expect_err("prefetch 0");
    assert_eq!(field, Field::Prefetch);
    assert!(
        message.starts_with("Prefetch '0' is not a number from 1 to 65535"),
        "{message}"
    );
}

#[test]
fn a_web_stomp_form_checks_its_endpoint_path() {
    let mut form = ConnectForm::default();
    form.set_protocol(Protocol::WebStomp);
    assert!(form.fields().contains(&Field::WsPath));
    assert_eq!(form.value(Field::WsPath), "/ws");
    assert_eq!(form.validate().expect("valid").stomp.ws_path, "/ws");

    set(&mut form, Field::WsPath, "/stomp");
    assert_eq!(
        form.validate().expect_err("SockJS"),
        (
            Field::WsPath,
            "Endpoint path /stomp is the SockJS endpoint RabbitMQ removed in 3.7: use /ws.".into()
        )
    );
    set(&mut form, Field::WsPath, "ws");
    assert_eq!(
        form.validate().expect_err("relative"),
        (
            Field::WsPath,
            "Endpoint path 'ws' does not start with '/': RabbitMQ's Web-STOMP endpoint is /ws."
                .into()
        )
    );
    // STOMP has no endpoint: a leftover path is neither checked nor shown.
    form.set_protocol(Protocol::Stomp);
    assert!(form.validate().is_ok());
}

#[test]
fn a_password_typed_into_the_management_url_is_refused_naming_the_field() {
    let mut form = ConnectForm::default();
    set(
        &mut form,
        Field::ManagementUrl,
        "http://ops:hunter2@h:15672",
    );
    let (field, why) = form.validate().expect_err("refused");
    assert_eq!(field, Field::ManagementUrl);
    assert!(why.contains("Management password"), "{why}");
    assert!(!why.contains("hunter2"), "{why}");
}

#[test]
fn a_host_list_is_read_and_its_bad_entries_named() {
    let mut form = ConnectForm::default();
    set(&mut form, Field::Host, "h1, h2:5673, [::1]:5674");
    let settings = form.validate().expect("a list of three");
    let ports: Vec<u16> = settings.endpoints().iter().map(|e| e.port).collect();
    assert_eq!(ports, [5672, 5673, 5674], "the port field's for h1");
    assert_eq!(settings.failover[1].host, "::1");

    for (text, message) in [
        ("h1,,h3", "Host 2 of 3 is empty"),
        (
            "h1, h2:99999",
            "Host 2 of 2 'h2:99999': port '99999' is not a number from 1 to 65535.",
        ),
        ("h1, :5673", "Host 2 of 2 ':5673' names no host"),
        ("h1:0", "Host 'h1:0': port '0'"),
    ] {
        set(&mut form, Field::Host, text);
        let (field, error) = form.validate().expect_err(text);
        assert_eq!(field, Field::Host, "{text}");
        assert!(error.contains(message), "{text}: {error}");
    }

    // The form shows a session's list the way it reads it.
    let shown = ConnectForm::from_settings(&settings);
    assert_eq!(shown.value(Field::Host), "h1, h2:5673, [::1]:5674");
}
