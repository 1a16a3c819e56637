//! The screen captures in `assets/` and the README, made by the real binary in a 100x24
//! terminal against the test broker. With `AMQP_TUI_WRITE_CAPTURES=1` (what
//! `scripts/captures` sets) the scenes are written to `assets/`; otherwise each scene is
//! compared with its file, so a change to what the app draws fails here until the
//! captures are made again. What differs from run to run (times, ports, generated names,
//! certificate dates and fingerprints, line breaks inside a wrapped value) is masked.

mod support;

use std::{path::Path, time::Duration};

use amqp_tui::profile::{Profile, ProfileStore};
use lapin::{BasicProperties, ExchangeKind, types::AMQPValue, types::FieldTable};
use regex::Regex;
use support::{Broker, client::Client, pty::Launched};

const SIZE: (u16, u16) = (100, 24);
const WAIT: Duration = Duration::from_secs(20);
const ASSETS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/assets");
const README: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/README.md");

fn writing() -> bool {
    std::env::var_os("AMQP_TUI_WRITE_CAPTURES").is_some_and(|v| v == "1")
}

/// Writes or checks `assets/NAME`.
fn capture(name: &str, screen: &str) {
    let path = Path::new(ASSETS).join(name);
    let screen: String = screen
        .lines()
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join("\n");
    if writing() {
        std::fs::write(&path, format!("{screen}\n")).expect("write the capture");
        return;
    }
    let kept = std::fs::read_to_string(&path).expect("read the capture");
    assert_eq!(
        words(&kept),
        words(&screen),
        "assets/{name} is not what the app draws now: run scripts/captures.\nNow:\n{screen}\nKept:\n{kept}"
    );
}

/// The words of a screen with what changes from run to run masked and the borders gone,
/// so that a value wrapped at another column still compares equal.
fn words(screen: &str) -> Vec<String> {
    let masks = [
        (r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?Z?", "DATE"),
        (r"\d{2}:\d{2}:\d{2}\.\d{3}", "TIME"),
        // A time a popup covers but for its first digit, at the left edge of a list.
        (r"│\d┌", "│T┌"),
        (r"amq\.gen-[A-Za-z0-9_-]{22}", "amq.gen-NAME"),
        (r"([0-9A-F]{2}:){31}[0-9A-F]{2}", "FINGERPRINT"),
        (r"amqp-tui-captures-[A-Za-z0-9]{6}", "SCRATCH"),
        // A path the status line shortened to fit: how much goes depends on the port.
        (r"/\S*…\S*", "PATH"),
        (r"(localhost|127\.0\.0\.1|\]):\d{1,5}", "$1:PORT"),
        (r"\b\d+(\.\d+)? ?(ms|s)\b", "DURATION"),
    ];
    let mut text = screen.to_string();
    for (pattern, with) in masks {
        let re = Regex::new(pattern).expect("a valid mask");
        text = re.replace_all(&text, with).into_owned();
    }
    text.chars()
        .map(|c| {
            if ('\u{2500}'..='\u{257f}').contains(&c) {
                ' '
            } else {
                c
            }
        })
        .collect::<String>()
        .split_whitespace()
        .map(str::to_string)
        .collect()
}

fn profile(broker: &Broker, name: &str, tls: bool, verify: bool, ca: &Path) -> Profile {
    Profile {
        name: name.into(),
        host: "localhost".into(),
        port: if tls {
            broker.tls_port()
        } else {
            broker.port()
        },
        password: Some("guest".into()),
        remember_password: true,
        tls,
        verify,
        ca_file: tls.then(|| ca.to_path_buf()),
        exchange: "testEx".into(),
        routing_key: "test".into(),
        ..Profile::default()
    }
}

/// The demo's three tabs on one broker, a message from a script of the broker guide's kind,
/// a hostile one and a binary one, then the details panel of the verified tab.
#[tokio::test]
async fn the_demo_tabs_and_the_details_panel() {
    let broker = Broker::shared();
    let scratch = tempfile::Builder::new()
        .prefix("amqp-tui-captures-")
        .tempdir()
        .expect("scratch dir");
    // A short, stable path, so the capture shows it whole.
    let ca = scratch.path().join("ca.pem");
    std::fs::copy(broker.ca(), &ca).expect("copy the CA");
    let profiles = [
        profile(&broker, "local-plain", false, true, &ca),
        profile(&broker, "local-tls-verified", true, true, &ca),
        profile(&broker, "local-tls-unverified", true, false, &ca),
    ];
    let config = scratch.path().join("config");
    ProfileStore::load(&config)
        .store
        .save(&profiles)
        .expect("write the profiles");
    let mut app = Launched::start_sized(
        &[
            "--profile",
            "local-plain",
            "--profile",
            "local-tls-verified",
            "--profile",
            "local-tls-unverified",
        ],
        &config,
        &[],
        SIZE,
    );
    app.wait_for("tab 1", WAIT, |s| s.contains(" CONNECTED "));
    app.press(b"\x1b2"); // Alt-2
    app.wait_for("the verified tab", WAIT, |s| {
        s.contains(" CONNECTED ") && s.contains("TLS, server verified")
    });
    let client = Client::connect(&broker).await;
    let text = BasicProperties::default().with_content_type("text/plain".into());
    client
        .publish("testEx", "test", b"Hello World!", text.clone())
        .await;
    client
        .publish(
            "testEx",
            "test",
            b"{\"order\": 42, \"note\": \"\x1b[2Jwipe the screen\"}",
            BasicProperties::default().with_content_type("application/json".into()),
        )
        .await;
    client
        .publish(
            "testEx",
            "test",
            &[0, 1, 0xfe, 0xff],
            BasicProperties::default(),
        )
        .await;
    app.wait_for("the three messages", WAIT, |s| {
        s.contains("3 received") && s.contains("hex 00 01 fe ff")
    });
    // A session starts in the pane; Tab goes to the compose box's body.
    app.press(b"\t");
    app.wait_for("the compose box", WAIT, |s| s.contains("Enter publish"));
    app.press(b"ping from amqp-tui\r");
    // And seen by the two other tabs, which watch the same routing: the notice says so.
    app.wait_for("the publish, confirmed, received and seen", WAIT, |s| {
        s.contains("4 received") && s.contains("acked") && s.contains("seen in 2 other tabs")
    });
    capture("screen-tls-session.txt", &app.screen());

    app.press(b"\x1bOR"); // F3
    let fingerprint = Regex::new(r"([0-9A-F]{2}:){31}[0-9A-F]{2}").expect("regex");
    let shown = app.wait_for("the details panel, fingerprint and all", WAIT, |s| {
        s.contains("Connection details") && fingerprint.is_match(s)
    });
    capture("screen-details.txt", &shown);
    drop(client);
    quit(&mut app);
}

/// Tapping a topic exchange with two patterns, the explainer on a key that misses one,
/// and the message view of a JSON message with nested headers.
#[tokio::test]
async fn the_tap_the_explainer_and_the_message_view() {
    let broker = Broker::shared();
    let client = Client::connect(&broker).await;
    let exchange = "shop";
    client.exchange(exchange, ExchangeKind::Topic).await;
    let scratch = support::scratch_dir("captures-tap");
    // From the environment, as the README advises: a password in --uri earns a warning.
    let uri = format!("amqp://guest:guest@127.0.0.1:{}/%2f", broker.port());
    let mut app = Launched::start_sized(
        &[
            "--watch",
            "tap",
            "--exchange",
            exchange,
            "--exchange-type",
            "topic",
            "--routing-key",
            "order.*.created",
        ],
        scratch.path(),
        &[("AMQP_URL", &uri)],
        SIZE,
    );
    app.wait_for("the tap", WAIT, |s| s.contains(" CONNECTED "));
    app.press(b"b");
    app.wait_for("the bindings", WAIT, |s| s.contains("Bindings"));
    app.press(b"a");
    app.wait_for("the binding prompt", WAIT, |s| s.contains("Enter ok"));
    app.press(b"order.#.shipped\r");
    app.wait_for("the second binding", WAIT, |s| {
        s.contains("Bound order.#.shipped") && s.contains("order.#.shipped")
    });
    app.press(b"\x1b");
    app.wait_for("the pane", WAIT, |s| !s.contains("Esc close"));

    let mut ids = FieldTable::default();
    ids.insert(
        "ids".into(),
        AMQPValue::FieldArray(vec![AMQPValue::LongInt(1), AMQPValue::LongInt(2)].into()),
    );
    ids.insert("region".into(), AMQPValue::LongString("eu".into()));
    let mut headers = FieldTable::default();
    headers.insert("meta".into(), AMQPValue::FieldTable(ids));
    headers.insert("x-retry".into(), AMQPValue::LongInt(1));
    let json = BasicProperties::default()
        .with_content_type("application/json".into())
        .with_message_id("m-7".into())
        .with_headers(headers);
    client
        .publish(
            exchange,
            "order.eu.created",
            br#"{"id": 7, "items": [{"sku": "A-1", "qty": 2}], "total": 19.9}"#,
            json,
        )
        .await;
    client
        .publish(
            exchange,
            "order.us.created",
            &[0, 1, 2, 0xff],
            BasicProperties::default(),
        )
        .await;
    app.wait_for("both messages", WAIT, |s| {
        s.contains("2 received") && s.contains("hex 00 01 02 ff")
    });
    app.press(b"x");
    app.wait_for("the explainer", WAIT, |s| s.contains("Explain routing"));
    app.press(b"\x15order.us.shipped"); // Ctrl-U clears the key first
    let shown = app.wait_for("the verdict", WAIT, |s| {
        s.contains("1 of 2 bindings match") && s.contains("order.us.shipped")
    });
    capture("screen-explain.txt", &shown);

    app.press(b"\x1b");
    app.wait_for("the pane", WAIT, |s| !s.contains("Explain routing"));
    app.press(b"\x1b[H"); // Home: the oldest message
    app.press(b"\r");
    let mut shown = app.wait_for("the message view", WAIT, |s| {
        s.contains("Message · body as")
    });
    // `v` goes text, JSON, hex: the view a body opens in depends on the body.
    for _ in 0..3 {
        if shown.contains("body as JSON") {
            break;
        }
        let title = |s: &str| {
            let at = s.find("body as ").map_or(0, |at| at + "body as ".len());
            s[at..]
                .split_whitespace()
                .next()
                .unwrap_or_default()
                .to_string()
        };
        let before = title(&shown);
        app.press(b"v");
        shown = app.wait_for("the next body view", WAIT, |s| title(s) != before);
    }
    assert!(
        shown.contains("body as JSON") && shown.contains("order.eu.created"),
        "{shown}"
    );
    capture("screen-message.txt", &shown);
    quit(&mut app);
    client.delete_exchange(exchange).await;
}

/// An MQTT tab over TLS and an AMQP tap of amq.topic, side by side: one publish from
/// mosquitto_pub (a client no one here wrote) shows in both, as topic and as key.
#[tokio::test]
async fn an_mqtt_tab_and_an_amq_topic_tap_see_one_message() {
    let broker = Broker::shared();
    let scratch = tempfile::Builder::new()
        .prefix("amqp-tui-captures-")
        .tempdir()
        .expect("scratch dir");
    let ca = scratch.path().join("ca.pem");
    std::fs::copy(broker.ca(), &ca).expect("copy the CA");
    let mqtt = Profile {
        name: "local-mqtt-tls-verified".into(),
        protocol: amqp_tui::session::Protocol::Mqtt,
        port: broker.mqtts_port(),
        client_id: "amqp-tui-capture".into(),
        topics: vec!["capture/#".into()],
        publish_topic: "capture/any".into(),
        ..profile(&broker, "", true, true, &ca)
    };
    let tap = Profile {
        name: "local-tap-amq-topic".into(),
        source: amqp_tui::amqp::Source::TapExchange,
        exchange: "amq.topic".into(),
        exchange_type: amqp_tui::amqp::ExchangeType::Topic,
        routing_key: "capture.#".into(),
        ..profile(&broker, "", true, true, &ca)
    };
    let config = scratch.path().join("config");
    ProfileStore::load(&config)
        .store
        .save(&[mqtt, tap])
        .expect("write the profiles");
    let mut app = Launched::start_sized(
        &[
            "--profile",
            "local-mqtt-tls-verified",
            "--profile",
            "local-tap-amq-topic",
        ],
        &config,
        &[],
        SIZE,
    );
    app.wait_for("the MQTT tab", WAIT, |s| {
        s.contains(" CONNECTED ") && s.contains("MQTT · TLS, server verified")
    });
    app.press(b"\x1b2"); // Alt-2: the tap must be bound before the publish
    app.wait_for("the tap", WAIT, |s| {
        s.contains(" CONNECTED ") && s.contains("tap amq.topic")
    });
    app.press(b"\x1b1");
    app.wait_for("back on the MQTT tab", WAIT, |s| s.contains("MQTT · TLS"));
    support::mqtt_clients::mosquitto_pub(
        &broker.mqtt_tls(),
        "capture/sensor/7",
        "{\"temp\": 21.5}",
        1,
        &[],
    )
    .await
    .expect_success("mosquitto_pub");
    app.wait_for("mosquitto's message", WAIT, |s| s.contains("1 received"));
    app.press(b"\t");
    app.wait_for("the compose box", WAIT, |s| s.contains("Enter publish"));
    app.press(b"hello from the MQTT tab\r");
    let shown = app.wait_for(
        "the publish, acked, received and seen by the tap",
        WAIT,
        // The notice's words, not the compose box title's "PUBACK confirms".
        |s| {
            s.contains("2 received")
                && s.contains("acked by the broker (PUBACK)")
                && s.contains("seen in 1 other tab")
        },
    );
    capture("screen-mqtt.txt", &shown);
    app.press(b"\x1b2");
    let shown = app.wait_for("both in the tap", WAIT, |s| {
        s.contains("tap amq.topic") && s.contains("2 received")
    });
    capture("screen-mqtt-tap.txt", &shown);
    quit(&mut app);
}

/// Ctrl-C asks first while a session is live; the second one quits.
fn quit(app: &mut Launched) {
    app.press(b"\x03");
    app.wait_for("the question", WAIT, |s| s.contains("again quits anyway"));
    app.press(b"\x03");
    assert!(app.exit_status(WAIT).success());
}

/// Each README block marked `<!-- capture: assets/NAME -->` shows that capture as it is.
#[test]
fn the_readme_shows_the_captures_as_they_are() {
    let readme = std::fs::read_to_string(README).expect("README");
    let marker = Regex::new(r"<!-- capture: assets/([\w.-]+) -->\n```\n((?s).*?)```").expect("re");
    let mut seen = 0;
    for block in marker.captures_iter(&readme) {
        let kept = std::fs::read_to_string(Path::new(ASSETS).join(&block[1])).expect("asset");
        assert_eq!(
            block[2].trim_end(),
            kept.trim_end(),
            "README's copy of assets/{} is stale: run scripts/captures",
            &block[1]
        );
        seen += 1;
    }
    assert!(seen >= 5, "README shows {seen} marked captures");
}
