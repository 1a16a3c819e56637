use super::*;
use crate::session::{MqttFacts, Properties};

pub(crate) fn request(id: u64, exchange: &str, key: &str, body: &[u8]) -> PublishRequest {
    PublishRequest {
        id,
        exchange: exchange.into(),
        routing_key: key.into(),
        body: body.to_vec(),
        properties: Properties::default(),
        copies: 1,
        confirm: true,
        part: PublishPart::Amqp,
    }
}

fn message(at: DateTime<Local>, exchange: &str, key: &str, body: &[u8]) -> Message {
    Message {
        received_at: at,
        exchange: exchange.into(),
        routing_key: key.into(),
        redelivered: false,
        delivery_tag: 1,
        epoch: 1,
        consumer_tag: None,
        properties: Properties::default(),
        body: body.to_vec(),
        part: MessagePart::Amqp,
    }
}

fn seen(crossings: &Crossings, tab: u32, id: u64) -> Vec<String> {
    crossings
        .of_publish(tab, id)
        .map(|c| c.seen_except(tab).into_iter().map(String::from).collect())
        .unwrap_or_default()
}

#[test]
fn a_copy_counts_from_the_send_until_the_window_after_the_outcome() {
    let t0 = Local::now();
    let mut crossings = Crossings::default();
    crossings.sent(1, &request(7, "amq.topic", "test.any", b"hi"), t0);
    // Before the outcome: another connection can be quicker than the confirm.
    let early = message(
        t0 + TimeDelta::milliseconds(5),
        "amq.topic",
        "test.any",
        b"hi",
    );
    crossings.delivered(2, 40, &early);
    crossings.reported(1, 7, t0 + TimeDelta::milliseconds(10));
    let last = t0 + TimeDelta::milliseconds(10) + WINDOW;
    crossings.delivered(3, 0, &message(last, "amq.topic", "test.any", b"hi"));
    let late = last + TimeDelta::milliseconds(1);
    crossings.delivered(4, 0, &message(late, "amq.topic", "test.any", b"hi"));
    // Received before it was sent: a message already on its way, not this one.
    let before = t0 - TimeDelta::milliseconds(1);
    crossings.delivered(5, 0, &message(before, "amq.topic", "test.any", b"hi"));
    assert_eq!(
        seen(&crossings, 1, 7),
        ["AMQP amq.topic test.any", "AMQP amq.topic test.any"]
    );
    assert_eq!(crossings.of_copy(2, 40).map(|c| c.id), Some(7));
    assert!(crossings.of_copy(4, 0).is_none());
}

#[test]
fn copies_in_one_tab_name_it_once_and_are_bounded() {
    let t0 = Local::now();
    let mut crossings = Crossings::default();
    let mut copies = request(1, "", "q", b"x");
    copies.copies = 1000;
    crossings.sent(1, &copies, t0);
    for seq in 0..1000 {
        crossings.delivered(2, seq, &message(t0, "", "q", b"x"));
    }
    assert_eq!(seen(&crossings, 1, 1), ["AMQP (default) q"]);
    let crossing = crossings.of_publish(1, 1).expect("followed");
    assert_eq!(crossing.copies.len(), MAX_COPIES);
}

#[test]
fn a_thousand_publishes_keep_the_newest_within_the_cap() {
    let t0 = Local::now();
    let mut crossings = Crossings::default();
    for id in 0..1000u64 {
        let body = id.to_string();
        crossings.sent(1, &request(id, "x", "k", body.as_bytes()), t0);
        crossings.reported(1, id, t0);
        assert!(crossings.len() <= MAX_PUBLISHES);
        assert!(crossings.index.len() <= MAX_PUBLISHES);
    }
    assert_eq!(crossings.len(), MAX_PUBLISHES);
    crossings.delivered(2, 0, &message(t0, "x", "k", b"999"));
    crossings.delivered(2, 1, &message(t0, "x", "k", b"0"));
    assert_eq!(seen(&crossings, 1, 999), ["AMQP x k"]);
    assert!(
        crossings.of_publish(1, 0).is_none(),
        "the oldest is forgotten"
    );
}

#[test]
fn the_same_body_twice_is_the_newer_publish_also_once_the_older_is_forgotten() {
    let t0 = Local::now();
    let mut crossings = Crossings::default();
    crossings.sent(1, &request(1, "x", "k", b"same"), t0);
    crossings.sent(1, &request(2, "x", "k", b"same"), t0);
    for id in 3..=MAX_PUBLISHES as u64 + 1 {
        crossings.sent(1, &request(id, "x", "k", id.to_string().as_bytes()), t0);
    }
    assert!(crossings.of_publish(1, 1).is_none());
    crossings.delivered(2, 0, &message(t0, "x", "k", b"same"));
    assert_eq!(seen(&crossings, 1, 2), ["AMQP x k"]);
}

#[test]
fn names_from_the_network_are_made_visible_and_cut_short() {
    let mut mqtt = message(Local::now(), "amq.topic", "a.b", b"");
    mqtt.part = MessagePart::Mqtt(MqttFacts {
        topic: "a/\x1b[2Jb".into(),
        ..MqttFacts::default()
    });
    assert_eq!(seen_as(&mqtt), "MQTT a/\\e[2Jb");
    let long = "k".repeat(300);
    let amqp = message(Local::now(), "ex", &long, b"");
    assert_eq!(
        seen_as(&amqp),
        format!("AMQP ex {}…", "k".repeat(MAX_NAME - 1))
    );
}

#[test]
fn stomp_copies_are_named_by_their_destination_and_transport() {
    let mut m = message(Local::now(), "amq.topic", "test.any", b"x");
    m.part = MessagePart::Stomp(crate::session::StompFacts {
        destination: "/topic/test.any".into(),
        ..Default::default()
    });
    assert_eq!(seen_as(&m), "STOMP /topic/test.any");
    if let MessagePart::Stomp(facts) = &mut m.part {
        facts.websocket = true;
        facts.destination = "/topic/\u{1b}[2J".into();
    }
    assert_eq!(seen_as(&m), "Web-STOMP /topic/\\e[2J");
    let mut r = request(1, "amq.topic", "test.any", b"x");
    r.part = PublishPart::Stomp {
        destination: "/topic/test.any".into(),
    };
    assert_eq!(published_as(&r), "STOMP /topic/test.any");
}

#[test]
fn a_traced_publish_is_known_as_the_apps_within_its_window_only() {
    let t0 = Local::now();
    let mut crossings = Crossings::default();
    crossings.sent(1, &request(7, "orders", "order.new", b"hi"), t0);
    let soon = t0 + TimeDelta::milliseconds(5);
    let found = crossings.published("orders", "order.new", b"hi", soon);
    assert_eq!(found.map(|c| (c.tab, c.id)), Some((1, 7)));
    assert_eq!(
        found.map(|c| c.published_as.as_str()),
        Some("AMQP orders order.new")
    );
    // Another body, key or exchange is someone else's message.
    assert!(
        crossings
            .published("orders", "order.new", b"ho", soon)
            .is_none()
    );
    assert!(
        crossings
            .published("orders", "order.old", b"hi", soon)
            .is_none()
    );
    assert!(
        crossings
            .published("other", "order.new", b"hi", soon)
            .is_none()
    );
    // Past its window, the same bytes are someone else's too.
    crossings.reported(1, 7, soon);
    let late = soon + WINDOW + TimeDelta::milliseconds(1);
    assert!(
        crossings
            .published("orders", "order.new", b"hi", late)
            .is_none()
    );
}
