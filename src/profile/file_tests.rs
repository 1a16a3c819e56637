use std::path::PathBuf;

use super::*;
use crate::amqp::ExchangeType;

fn path() -> PathBuf {
    PathBuf::from("/cfg/profiles.toml")
}

fn parse_error_at(text: &str) -> (usize, usize, String) {
    match decode(&path(), text) {
        Err(ProfileError::Parse {
            line,
            column,
            message,
            ..
        }) => (line, column, message),
        other => panic!("expected a parse error, got {other:?}"),
    }
}

#[test]
fn a_minimal_profile_gets_the_defaults() {
    let text = "version = 1\n[[profile]]\nname = \"x\"\nexchange_type = \"topic\"\n";
    let loaded = decode(&path(), text).expect("valid");
    let expected = Profile {
        name: "x".into(),
        exchange_type: ExchangeType::Topic,
        ..Profile::default()
    };
    assert_eq!(loaded, [expected]);
    assert_eq!(
        decode(&path(), ""),
        Ok(vec![]),
        "an empty file has no profiles"
    );
}

#[test]
fn encoding_keeps_the_order_and_drops_unremembered_passwords() {
    let profiles = [
        Profile {
            name: "zeta".into(),
            password: Some("forget-me".into()),
            ..Profile::default()
        },
        Profile {
            name: "alpha".into(),
            password: Some("keep-me".into()),
            remember_password: true,
            ..Profile::default()
        },
    ];
    let text = encode(&profiles).expect("encodes");
    assert!(
        text.starts_with("# amqp-tui connection profiles."),
        "{text}"
    );
    assert!(text.contains("version = 1\n"), "{text}");
    assert!(!text.contains("forget-me"), "{text}");
    assert!(text.contains("keep-me"), "{text}");
    let decoded = decode(&path(), &text).expect("decodes");
    let names: Vec<_> = decoded.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["zeta", "alpha"]);
    assert_eq!(decoded[0].password, None);
    assert_eq!(decoded[1].password.as_deref(), Some("keep-me"));
}

#[test]
fn encoding_refuses_bad_or_repeated_names() {
    let twice = [
        Profile {
            name: "a".into(),
            ..Profile::default()
        },
        Profile {
            name: "a".into(),
            port: 1,
            ..Profile::default()
        },
    ];
    assert_eq!(
        encode(&twice),
        Err(ProfileError::DuplicateName { name: "a".into() })
    );
    assert!(matches!(
        encode(&[Profile::default()]),
        Err(ProfileError::InvalidName { .. })
    ));
}

#[test]
fn a_syntax_error_points_at_its_line() {
    let text = "version = 1\n\n[[profile]]\nname = \"a\"\nport = 5672\nhost = \"unterminated\n";
    let (line, _, _) = parse_error_at(text);
    assert_eq!(line, 6);
}

#[test]
fn an_unknown_key_is_named_with_its_line() {
    let text = "version = 1\n[[profile]]\nname = \"a\"\nhost = \"h\"\nprot = 5672\n";
    let (line, column, message) = parse_error_at(text);
    assert_eq!((line, column), (5, 1), "{message}");
    assert!(message.contains("prot"), "{message}");
    let err = decode(&path(), text).expect_err("unknown key");
    let shown = err.to_string();
    assert!(
        shown.starts_with("/cfg/profiles.toml line 5, column 1: "),
        "{shown}"
    );
    assert!(shown.contains("fix the file or save a profile"), "{shown}");
}

#[test]
fn an_unknown_top_level_key_is_reported() {
    let (line, _, message) = parse_error_at("version = 1\nprofiles = []\n");
    assert_eq!(line, 2);
    assert!(message.contains("profiles"), "{message}");
}

#[test]
fn a_wrong_type_on_the_password_line_does_not_echo_the_value() {
    let text = "[[profile]]\nname = \"a\"\npassword = 918273645\n";
    let (line, _, message) = parse_error_at(text);
    assert_eq!(line, 3);
    assert!(!message.contains("918273645"), "{message}");
    let shown = decode(&path(), text).expect_err("bad type").to_string();
    assert!(!shown.contains("918273645"), "{shown}");
}

#[test]
fn duplicate_names_in_the_file_name_both_lines() {
    let text = "version = 1\n\n[[profile]]\nname = \"prod\"\n\n[[profile]]\nname = \"dev\"\n\n\
                [[profile]]\nport = 1\nname = \"prod\"\n";
    let (line, column, message) = parse_error_at(text);
    assert_eq!((line, column), (11, 8), "{message}");
    assert!(message.contains("\"prod\""), "{message}");
    assert!(message.contains("line 4"), "{message}");
}

#[test]
fn a_profile_without_a_name_is_reported_at_its_table() {
    let text = "version = 1\n[[profile]]\nname = \"a\"\n[[profile]]\nhost = \"h\"\n";
    let (line, _, message) = parse_error_at(text);
    assert!(message.contains("no name"), "{message}");
    assert_eq!(line, 4, "the [[profile]] header: {message}");
}

#[test]
fn an_invalid_name_in_the_file_is_reported() {
    let text = "[[profile]]\nname = \"bell\\u0007\"\n";
    let (line, _, message) = parse_error_at(text);
    assert_eq!(line, 2);
    assert!(message.contains("bell\\u{7}"), "{message}");
    assert!(!message.contains('\x07'));
}

#[test]
fn a_newer_version_is_refused() {
    assert_eq!(
        decode(&path(), "version = 2\n"),
        Err(ProfileError::UnsupportedVersion {
            path: path(),
            found: 2,
            supported: 1
        })
    );
}

#[test]
fn line_and_column_count_characters() {
    assert_eq!(line_column("ab\ncd", 0), (1, 1));
    assert_eq!(line_column("ab\ncd", 4), (2, 2));
    assert_eq!(line_column("é\nxé!", 6), (2, 3));
    assert_eq!(line_column("ab", 99), (1, 3));
}

/// A file as every release before MQTT wrote it: every AMQP key, no `protocol`.
#[test]
fn a_file_from_before_mqtt_loads_as_amqp_unchanged() {
    let text = r#"version = 1

[[profile]]
name = "prod"
host = "rabbit.example"
port = 5671
vhost = "orders"
user = "ops"
remember_password = false
tls = true
verify = true
ca_file = "/etc/ca.pem"
heartbeat = 30
prefetch = 100
exchange = "orders"
exchange_type = "topic"
queue = ""
routing_key = "order.#"
source = "tap-exchange"
ack = "manual"
"#;
    let loaded = decode(&path(), text).expect("valid");
    let expected = Profile {
        name: "prod".into(),
        host: "rabbit.example".into(),
        port: 5671,
        vhost: "orders".into(),
        user: "ops".into(),
        tls: true,
        ca_file: Some("/etc/ca.pem".into()),
        heartbeat: 30,
        prefetch: 100,
        exchange: "orders".into(),
        exchange_type: ExchangeType::Topic,
        routing_key: "order.#".into(),
        source: crate::amqp::Source::TapExchange,
        ..Profile::default()
    };
    assert_eq!(loaded, [expected]);
    assert_eq!(loaded[0].protocol, crate::session::Protocol::Amqp);
}

/// A file as the release before STOMP wrote it (an MQTT and an AMQP profile): it loads
/// unchanged, and the STOMP keys it lacks take their defaults.
#[test]
fn a_file_from_before_stomp_loads_unchanged() {
    let text = r#"version = 1

[[profile]]
name = "mqtt-tls"
protocol = "mqtt"
host = "localhost"
port = 8883
vhost = "/"
user = "guest"
remember_password = false
tls = true
verify = true
heartbeat = 60
prefetch = 256
exchange = "testEx"
exchange_type = "direct"
queue = ""
routing_key = "test"
source = "declare"
ack = "manual"
client_id = "dev-7"
clean_session = false
topics = ["test/#", "sensors/+/temp"]
qos = 0
publish_topic = "test/any"
"#;
    let loaded = decode(&path(), text).expect("valid");
    let expected = Profile {
        name: "mqtt-tls".into(),
        protocol: crate::session::Protocol::Mqtt,
        port: 8883,
        tls: true,
        client_id: "dev-7".into(),
        clean_session: false,
        topics: vec!["test/#".into(), "sensors/+/temp".into()],
        qos: 0,
        ..Profile::default()
    };
    assert_eq!(loaded, [expected]);
    assert_eq!(loaded[0].destinations, ["/exchange/testEx/test"]);
    assert_eq!(loaded[0].ws_path, "/ws");
}

#[test]
fn a_web_stomp_profile_reads_back_as_written() {
    let profile = Profile {
        name: "web".into(),
        protocol: crate::session::Protocol::WebStomp,
        port: 15673,
        tls: true,
        destinations: vec!["/topic/test.#".into()],
        stomp_ack: crate::stomp::AckMode::ClientIndividual,
        publish_destination: "/queue/orders".into(),
        ws_path: "/ws".into(),
        ..Profile::default()
    };
    let text = encode(std::slice::from_ref(&profile)).expect("encodes");
    for line in [
        "protocol = \"web-stomp\"",
        "destinations = [\"/topic/test.#\"]",
        "stomp_ack = \"client-individual\"",
        "publish_destination = \"/queue/orders\"",
        "ws_path = \"/ws\"",
    ] {
        assert!(text.contains(line), "{line} in:\n{text}");
    }
    assert_eq!(decode(&path(), &text).expect("valid"), [profile]);
}

#[test]
fn management_keys_are_written_and_their_password_only_when_remembered() {
    let profiles = [
        Profile {
            name: "forgets".into(),
            management_url: "https://mgmt.example:15671".into(),
            management_user: "monitor".into(),
            management_password: Some("forget-mgmt".into()),
            ..Profile::default()
        },
        Profile {
            name: "keeps".into(),
            management_user: "monitor".into(),
            management_password: Some("keep-mgmt".into()),
            remember_password: true,
            ..Profile::default()
        },
    ];
    let text = encode(&profiles).expect("encodes");
    assert!(
        text.contains("management_url = \"https://mgmt.example:15671\"\n"),
        "{text}"
    );
    assert!(text.contains("management_user = \"monitor\"\n"), "{text}");
    assert!(!text.contains("forget-mgmt"), "{text}");
    assert!(
        text.contains("management_password = \"keep-mgmt\"\n"),
        "{text}"
    );
    let decoded = decode(&path(), &text).expect("decodes");
    assert_eq!(decoded[0].management_password, None);
    assert_eq!(decoded[0].management_url, "https://mgmt.example:15671");
    assert_eq!(decoded[1].management_password.as_deref(), Some("keep-mgmt"));
    // A profile that never set them writes no management keys at all.
    let plain = encode(&[Profile {
        name: "plain".into(),
        ..Profile::default()
    }])
    .expect("encodes");
    assert!(!plain.contains("management"), "{plain}");
}
