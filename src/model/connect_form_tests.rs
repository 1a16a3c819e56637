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
        protocol: Default::default(),
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
