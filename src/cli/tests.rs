//! What the command line turns into: the form's settings, whether to connect at once.

use super::*;

fn parse(args: &[&str]) -> Launch {
    let mut argv = vec!["amqp-tui"];
    argv.extend_from_slice(args);
    Cli::try_parse_from(argv).expect("arguments parse").launch()
}

#[test]
fn the_guides_tls_session_from_the_command_line() {
    let launch = parse(&[
        "--uri",
        "amqps://guest:s3cret@localhost:5671/%2f",
        "--ca-cert",
        "ca.pem",
        "--exchange",
        "testEx",
        "--exchange-type",
        "direct",
        "--queue",
        "testQ1",
        "--routing-key",
        "test",
    ]);
    let s = launch.settings;
    assert!(launch.connect_now);
    assert_eq!(
        (s.host.as_str(), s.port, s.vhost.as_str()),
        ("localhost", 5671, "/")
    );
    assert_eq!(s.password, "s3cret");
    assert_eq!(
        s.tls,
        TlsMode::Verify {
            ca_file: Some("ca.pem".into())
        }
    );
    assert_eq!(s.routing.queue, "testQ1");
    assert!(
        !format!("{s:?}").contains("s3cret"),
        "Debug must not print the password"
    );
}

#[test]
fn insecure_and_heartbeat_and_ipv6() {
    let launch = parse(&[
        "--uri",
        "amqps://u:p@[::1]/vh%2Fx?heartbeat=10",
        "--insecure",
        "--heartbeat",
        "30",
    ]);
    let s = launch.settings;
    assert_eq!(
        (s.host.as_str(), s.port, s.vhost.as_str()),
        ("::1", 5671, "vh/x")
    );
    assert_eq!(s.tls, TlsMode::NoVerify);
    assert_eq!(s.heartbeat_secs, 30, "the flag wins over the URI");
}

#[test]
fn a_bad_uri_is_reported_and_does_not_connect() {
    let launch = parse(&["--uri", "http://localhost"]);
    assert!(!launch.connect_now);
    assert!(launch.problem.expect("a problem").contains("scheme 'http'"));
    let launch = parse(&["--uri", "amqp://host:99999"]);
    assert!(launch.problem.is_some());
}

#[test]
fn tls_flags_with_a_plain_uri_are_questioned_not_ignored() {
    let launch = parse(&["--uri", "amqp://localhost", "--ca-cert", "ca.pem"]);
    assert!(!launch.connect_now);
    assert!(launch.problem.expect("a problem").contains("amqps://"));
}

#[test]
fn no_uri_means_the_form_waits() {
    let launch = parse(&["--exchange", "logs"]);
    assert!(!launch.connect_now);
    assert_eq!(launch.settings.routing.exchange, "logs");
    assert_eq!(launch.settings.port, 5672);
}

#[test]
fn watching_an_existing_queue_or_tapping_comes_from_the_command_line() {
    let launch = parse(&["--watch", "queue", "--queue", "orders", "--ack", "peek"]);
    let routing = &launch.settings.routing;
    assert_eq!(
        (routing.source, routing.ack),
        (Source::Queue, AckMode::Peek)
    );
    assert_eq!(routing.queue, "orders");
    let launch = parse(&[
        "--watch",
        "tap",
        "--exchange",
        "docs",
        "--exchange-type",
        "headers",
        "--routing-key",
        "x-match=any, format=pdf",
    ]);
    let routing = &launch.settings.routing;
    assert_eq!(routing.source, Source::TapExchange);
    assert_eq!(routing.bindings[0].arguments.len(), 2);
    let bad = parse(&[
        "--exchange-type",
        "headers",
        "--routing-key",
        "x-match=some",
    ]);
    assert!(bad.problem.expect("a problem").contains("x-match"));
}

#[test]
fn only_insecure_turns_verification_off() {
    // RabbitMQ's URI spec has `verify=verify_none`; a pasted URI must not be able to
    // turn verification off behind the user's back.
    for uri in [
        "amqps://u:p@h/",
        "amqps://u:p@h/?verify=verify_none",
        "amqps://u:p@h/?verify=verify_none&insecure=true",
    ] {
        let launch = parse(&["--uri", uri]);
        assert_eq!(
            launch.settings.tls,
            TlsMode::Verify { ca_file: None },
            "{uri}"
        );
    }
    let launch = parse(&["--uri", "amqps://u:p@h/", "--insecure"]);
    assert_eq!(launch.settings.tls, TlsMode::NoVerify);
}

#[test]
fn the_log_defaults_to_info_in_the_state_directory() {
    // Unless the environment of the test run says otherwise.
    if std::env::var_os(crate::logging::LEVEL_ENV).is_none() {
        let cli = Cli::try_parse_from(["amqp-tui"]).expect("parses");
        assert_eq!(cli.log_level, "info");
    }
    let cli = Cli::try_parse_from(["amqp-tui", "--log-level", "trace", "--log-file", "x.log"])
        .expect("parses");
    assert_eq!(
        (cli.log_level.as_str(), cli.log_file),
        ("trace", Some("x.log".into()))
    );
}

#[test]
fn a_client_certificate_and_a_password_variable_come_from_the_command_line() {
    let launch = parse(&[
        "--uri",
        "amqps://bob@localhost:5671/%2f",
        "--client-cert",
        "client.pem",
        "--client-key",
        "client.key",
        "--password-env",
        "RABBIT_PW",
    ]);
    assert_eq!(launch.problem, None);
    let s = &launch.settings;
    assert_eq!(
        s.client_cert,
        Some(ClientCert {
            cert_file: "client.pem".into(),
            key_file: "client.key".into(),
        })
    );
    let mut form = crate::model::ConnectForm::from_settings(s);
    launch.fill_form(&mut form);
    use crate::model::Field;
    assert_eq!(form.value(Field::ClientCert), "client.pem");
    assert_eq!(form.value(Field::ClientKey), "client.key");
    assert_eq!(form.value(Field::PasswordEnv), "RABBIT_PW");
    let password = form
        .validate_with(|var| (var == "RABBIT_PW").then(|| "from-env".to_string()))
        .expect("valid")
        .password;
    assert_eq!(password, "from-env", "the variable is what connects");
}

#[test]
fn without_a_uri_the_password_variable_wins_over_the_default_password() {
    let launch = parse(&["--password-env", "RABBIT_PW"]);
    let mut form = crate::model::ConnectForm::from_settings(&launch.settings);
    launch.fill_form(&mut form);
    let settings = form
        .validate_with(|_| Some("from-env".to_string()))
        .expect("valid");
    assert_eq!(settings.password, "from-env");
}

#[test]
fn a_client_certificate_needs_its_key_and_tls() {
    for args in [
        &["amqp-tui", "--client-cert", "c.pem"][..],
        &["amqp-tui", "--client-key", "c.key"],
        &["amqp-tui", "--profile", "p", "--password-env", "X"],
    ] {
        assert!(Cli::try_parse_from(args).is_err(), "{args:?}");
    }
    let launch = parse(&[
        "--uri",
        "amqp://localhost",
        "--client-cert",
        "c.pem",
        "--client-key",
        "c.key",
    ]);
    assert!(launch.problem.expect("a problem").contains("--client-cert"));
    let launch = parse(&["--client-cert", "c.pem", "--client-key", "c.key"]);
    assert_eq!(
        launch.settings.port,
        crate::amqp::settings::DEFAULT_TLS_PORT,
        "TLS, like --ca-cert"
    );
}

#[test]
fn an_mqtts_uri_and_its_flags_make_an_mqtt_session() {
    let launch = parse(&[
        "--uri",
        "mqtts://dev:pw@broker.example/plant",
        "--ca-cert",
        "ca.pem",
        "--topic",
        "plant/+/temp",
        "--topic",
        "alarms/#",
        "--qos",
        "0",
        "--publish-topic",
        "plant/7/cmd",
        "--client-id",
        "tui-7",
    ]);
    assert!(launch.connect_now, "{:?}", launch.problem);
    let s = launch.settings;
    assert_eq!(s.protocol, Protocol::Mqtt);
    assert_eq!(
        (s.host.as_str(), s.port, s.vhost.as_str()),
        ("broker.example", 8883, "plant")
    );
    assert_eq!((s.user.as_str(), s.password.as_str()), ("dev", "pw"));
    assert_eq!(s.mqtt.subscriptions, ["plant/+/temp", "alarms/#"]);
    assert_eq!(s.mqtt.qos, 0);
    assert_eq!(s.mqtt.publish_topic, "plant/7/cmd");
    assert_eq!(s.mqtt.client_id, "tui-7");
    assert_eq!(
        s.tls,
        TlsMode::Verify {
            ca_file: Some("ca.pem".into())
        }
    );
    let plain = parse(&["--uri", "mqtt://guest:guest@localhost"]).settings;
    assert_eq!((plain.port, plain.vhost.as_str()), (1883, "/"));
}

#[test]
fn flags_of_the_other_protocol_and_bad_topics_are_said_not_ignored() {
    let launch = parse(&["--uri", "mqtt://localhost", "--exchange", "x"]);
    let problem = launch.problem.expect("a problem");
    assert!(
        problem.contains("--exchange is for AMQP sessions, but the URI is MQTT"),
        "{problem}"
    );
    assert!(!launch.connect_now);
    let launch = parse(&["--uri", "amqp://localhost", "--topic", "a/#"]);
    let problem = launch.problem.expect("a problem");
    assert!(
        problem.contains("--topic is for MQTT sessions"),
        "{problem}"
    );
    let problem = parse(&["--uri", "mqtt://localhost", "--topic", "a/#/b"])
        .problem
        .expect("bad filter");
    assert!(
        problem.contains("--topic 'a/#/b' puts # before its end"),
        "{problem}"
    );
    let problem = parse(&["--uri", "mqtt://localhost", "--publish-topic", "a/+"])
        .problem
        .expect("wildcard");
    assert!(
        problem.contains("only subscriptions take wildcards"),
        "{problem}"
    );
    let problem = parse(&["--uri", "mqtt://localhost", "--insecure"])
        .problem
        .expect("plain");
    assert!(
        problem.contains("the URI is mqtt:// (plain). Use an mqtts:// URI"),
        "{problem}"
    );
    assert!(
        Cli::try_parse_from(["amqp-tui", "--qos", "3"]).is_err(),
        "QoS 3 does not exist"
    );
}

#[test]
fn stomp_and_web_stomp_uris_and_their_flags_make_stomp_sessions() {
    let launch = parse(&[
        "--uri",
        "stomps://dev:pw@broker.example:61614/plant",
        "--destination",
        "/topic/plant.*.temp",
        "--destination",
        "/queue/alarms",
        "--publish-destination",
        "/exchange/plant/7.cmd",
        "--ack",
        "client",
        "--prefetch",
        "32",
    ]);
    assert!(launch.connect_now, "{:?}", launch.problem);
    let s = launch.settings;
    assert_eq!(
        (s.protocol, s.port, s.vhost.as_str()),
        (Protocol::Stomp, 61614, "plant")
    );
    assert_eq!(
        s.stomp.destinations,
        ["/topic/plant.*.temp", "/queue/alarms"]
    );
    assert_eq!(s.stomp.publish_destination, "/exchange/plant/7.cmd");
    assert_eq!(s.stomp.ack, crate::stomp::AckMode::ClientIndividual);
    assert_eq!(s.prefetch, 32);
    assert_eq!(s.tls, TlsMode::Verify { ca_file: None });

    let launch = parse(&[
        "--uri",
        "ws://guest:guest@localhost:15674/ws",
        "--vhost",
        "staging",
    ]);
    assert!(launch.connect_now, "{:?}", launch.problem);
    let s = launch.settings;
    assert_eq!((s.protocol, s.port), (Protocol::WebStomp, 15674));
    assert_eq!(
        (s.vhost.as_str(), s.stomp.ws_path.as_str()),
        ("staging", "/ws")
    );
    assert_eq!(s.stomp.ack, crate::stomp::AckMode::Auto);
    let s = parse(&["--uri", "wss://guest:guest@localhost:15673/ws"]).settings;
    assert_eq!((s.port, s.vhost.as_str()), (15673, "/"));
}

#[test]
fn bad_stomp_flags_and_other_protocols_flags_are_said() {
    let problem = |args: &[&str]| parse(args).problem.expect("a problem");
    assert_eq!(
        problem(&[
            "--uri",
            "stomp://localhost",
            "--destination",
            "/exchanges/x"
        ]),
        "--destination: '/exchanges/x' is none of RabbitMQ's destinations: use /exchange/NAME/KEY, /queue/NAME, /amq/queue/NAME or /topic/KEY."
    );
    assert!(
        problem(&[
            "--uri",
            "stomp://localhost",
            "--publish-destination",
            "/topic/"
        ])
        .starts_with("--publish-destination: '/topic/' names no routing key"),
    );
    assert_eq!(
        problem(&["--uri", "ws://localhost/ws", "--ack", "manual"]),
        "--ack 'manual' is not a STOMP ack mode: use auto or client (client-individual)."
    );
    assert_eq!(
        problem(&["--uri", "amqp://localhost", "--ack", "client"]),
        "--ack: unknown ack mode 'client': use no-ack, auto, manual or peek."
    );
    assert_eq!(
        problem(&[
            "--uri",
            "stomp://localhost",
            "--exchange",
            "x",
            "--topic",
            "a/b"
        ]),
        "--exchange is for AMQP sessions, but the URI is STOMP: they were ignored. Use an amqp:// or amqps:// URI for them. \
         --topic is for MQTT sessions, but the URI is STOMP: they were ignored. Use an mqtt:// or mqtts:// URI for them."
    );
    assert_eq!(
        problem(&["--uri", "mqtt://localhost", "--destination", "/topic/a"]),
        "--destination is for STOMP and Web-STOMP sessions, but the URI is MQTT: they were ignored. Use a stomp://, stomps://, ws:// or wss:// URI for them."
    );
}
