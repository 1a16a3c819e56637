//! MQTT sessions against the test node's MQTT listeners, at the worker's boundary: how
//! they connect (plain, TLS verified, verification off), how each wrong setting is
//! refused, and what the details panel is told.

#[path = "mqtt/common.rs"]
mod common;
mod support;

use amqp_tui::{
    session::{ConnectError, PublishOutcome, SessionCommand, WorkerEvent},
    tls::{Security, TlsMode},
};
use common::{plain, tls, unique, verified};
use support::{Broker, Session, WAIT, mqtt_clients};

/// A password that must not appear in any message.
const PASSWORD: &str = "Pw-never-in-an-mqtt-message";

#[tokio::test]
async fn plain_mqtt_connects_and_names_its_subscriptions() {
    let broker = Broker::shared();
    let filter = format!("test/{}/#", unique("plain"));
    let mut session = Session::start(plain(&broker, std::slice::from_ref(&filter), 1));
    let (watching, security) = session
        .wait_for(WAIT, |e| match e {
            WorkerEvent::Connected {
                queue, security, ..
            } => Some((queue.clone(), security.clone())),
            WorkerEvent::Failed(err) => panic!("connect failed: {err}"),
            _ => None,
        })
        .await;
    assert_eq!(watching, format!("{filter} (QoS 1)"));
    assert_eq!(security, Security::Plain);
}

#[tokio::test]
async fn the_details_name_the_peer_and_the_keep_alive() {
    let broker = Broker::shared();
    let mut settings = plain(&broker, &[format!("test/{}/#", unique("details"))], 0);
    settings.heartbeat_secs = 17;
    let details = Session::start(settings).connected_details().await;
    assert_eq!(
        details.peer_addr.as_deref(),
        Some(format!("127.0.0.1:{}", broker.mqtt_port()).as_str())
    );
    assert_eq!(details.heartbeat_secs, Some(17));
    assert_eq!(details.tls, None);
}

#[tokio::test]
async fn tls_verified_against_the_test_ca_shows_the_servers_certificate() {
    let broker = Broker::shared();
    let settings = tls(
        &broker,
        &[format!("test/{}/#", unique("tls"))],
        1,
        verified(&broker),
    );
    let mut session = Session::start(settings);
    let details = session.connected_details().await;
    assert_eq!(
        details.peer_addr.as_deref(),
        Some(format!("127.0.0.1:{}", broker.mqtts_port()).as_str())
    );
    let tls = details.tls.expect("TLS details");
    assert_eq!(
        tls.security,
        Security::TlsVerified {
            ca_file: Some(broker.ca())
        }
    );
    let cert = tls.server_certificate.expect("the server's certificate");
    let server_pem = broker.var("SERVER_CERT");
    assert_eq!(cert.subject, support::subject_of(server_pem));
    assert!(
        cert.subject_alt_names
            .contains(&"DNS:localhost".to_string()),
        "{cert:?}"
    );
}

#[tokio::test]
async fn tls_with_verification_off_connects_says_so_and_still_shows_the_certificate() {
    let broker = Broker::shared();
    // The wrong CA would refuse the server: verification off must not even look.
    let mut settings = tls(
        &broker,
        &[format!("test/{}/#", unique("noverify"))],
        1,
        TlsMode::NoVerify,
    );
    settings.host = "127.1".into();
    let details = Session::start(settings).connected_details().await;
    let tls = details.tls.expect("TLS details");
    assert_eq!(tls.security, Security::TlsNotVerified);
    assert_eq!(tls.security.label(), "TLS, NOT VERIFIED");
    let cert = tls.server_certificate.expect("the certificate, unverified");
    assert_eq!(cert.subject, support::subject_of(broker.var("SERVER_CERT")));
}

#[tokio::test]
async fn tls_with_the_wrong_ca_is_refused_as_unknown_issuer_naming_the_ca() {
    let broker = Broker::shared();
    let mut settings = tls(
        &broker,
        &[format!("test/{}/#", unique("wrong-ca"))],
        1,
        TlsMode::Verify {
            ca_file: Some(broker.other_ca()),
        },
    );
    settings.password = PASSWORD.into();
    let err = Session::start(settings).failure().await;
    assert_eq!(
        err,
        ConnectError::TlsUnknownIssuer {
            trusted: format!("the CA in {}", broker.other_ca().display())
        }
    );
    let message = err.to_string();
    assert!(
        message.contains("unknown issuer") && message.contains("other-ca.pem"),
        "{message}"
    );
    assert!(!format!("{err:?}").contains(PASSWORD));
}

#[tokio::test]
async fn tls_to_a_name_not_in_the_certificate_is_a_name_mismatch() {
    let broker = Broker::shared();
    let mut settings = tls(
        &broker,
        &[format!("test/{}/#", unique("name"))],
        1,
        verified(&broker),
    );
    // "127.1" reaches 127.0.0.1 but is not a name the certificate lists.
    settings.host = "127.1".into();
    let err = Session::start(settings).failure().await;
    assert_eq!(
        err,
        ConnectError::TlsNameMismatch {
            host: "127.1".into()
        }
    );
    assert!(err.to_string().contains("name mismatch"), "{err}");
}

#[tokio::test]
async fn a_wrong_password_is_refused_naming_the_user() {
    let broker = Broker::shared();
    let mut settings = plain(&broker, &[format!("test/{}/#", unique("pw"))], 1);
    settings.password = PASSWORD.into();
    let err = Session::start(settings).failure().await;
    assert_eq!(
        err,
        ConnectError::AccessRefused {
            user: "guest".into()
        }
    );
    let message = err.to_string();
    assert!(message.contains("'guest'"), "{message}");
    assert!(!format!("{message} {err:?}").contains(PASSWORD));
}

#[tokio::test]
async fn an_unknown_vhost_is_refused_naming_the_vhost() {
    let broker = Broker::shared();
    let mut settings = plain(&broker, &[format!("test/{}/#", unique("vhost"))], 1);
    settings.vhost = "no-such-vhost".into();
    let err = Session::start(settings).failure().await;
    assert_eq!(
        err,
        ConnectError::VhostOrLoginRefused {
            vhost: "no-such-vhost".into(),
            user: "guest".into()
        }
    );
    assert!(err.to_string().contains("'no-such-vhost'"), "{err}");
}

#[tokio::test]
async fn qos_2_asked_for_is_granted_as_1_and_a_notice_says_so() {
    let broker = Broker::shared();
    let filter = format!("test/{}/#", unique("qos2"));
    let mut session = Session::start(plain(&broker, std::slice::from_ref(&filter), 2));
    session.connected().await;
    let notice = session
        .wait_for(WAIT, |e| match e {
            WorkerEvent::Notice(text) => Some(text.clone()),
            _ => None,
        })
        .await;
    assert!(
        notice.contains(&format!("granted QoS 1 for '{filter}'")) && notice.contains("not the 2"),
        "{notice}"
    );
}

/// RabbitMQ closes the older of two connections with one client id: the first session
/// must say that is what happened, and the second one stays.
#[tokio::test]
async fn a_second_client_with_the_same_client_id_kicks_the_first_and_it_says_why() {
    let broker = Broker::shared();
    let id = unique("dup");
    let mut settings = plain(&broker, &[format!("test/{id}/#")], 1);
    settings.mqtt.client_id = format!("amqp-tui-test-{id}");
    let mut first = Session::start(settings.clone());
    first.connected().await;
    let mut second = Session::start(settings);
    second.connected().await;
    let error = first
        .wait_for(WAIT, |e| match e {
            WorkerEvent::ConnectionLost { error, .. } => Some(error.clone()),
            _ => None,
        })
        .await;
    let message = error.to_string();
    assert!(
        message.contains("still takes new ones")
            && message.contains("when another client connects with the same client id")
            && message.contains(&format!("'amqp-tui-test-{id}'")),
        "{message}"
    );
    // As the user would, before its reconnect kicks the second one off in turn.
    first
        .commands_tx
        .send(SessionCommand::Disconnect)
        .await
        .expect("first worker runs");
    first
        .wait_for(WAIT, |e| matches!(e, WorkerEvent::Stopped).then_some(()))
        .await;
    // The second session was not kicked, and still works.
    let topic = format!("test/{id}/after");
    mqtt_clients::mosquitto_pub(&broker.mqtt_plain(), &topic, "still here", 1, &[])
        .await
        .expect_success("mosquitto_pub");
    assert_eq!(second.delivery().await.body, b"still here");
    let kicked = second.drain_pending(|e| matches!(e, WorkerEvent::ConnectionLost { .. }));
    assert_eq!(kicked, [], "the second session lost its connection");
}

#[tokio::test]
async fn a_publish_topic_with_a_wildcard_is_refused_and_says_why() {
    let broker = Broker::shared();
    let id = unique("wild");
    let mut session = Session::start(plain(&broker, &[format!("test/{id}/#")], 1));
    session.connected().await;
    let topic = format!("test/{id}/#");
    let (outcome, unsent) = session
        .request(common::publish(1, &topic, b"x", 1, false))
        .await;
    let PublishOutcome::Refused { reason } = outcome else {
        panic!("{outcome:?}")
    };
    assert!(
        reason.contains(&topic) && reason.contains("only subscriptions take wildcards"),
        "{reason}"
    );
    assert_eq!(unsent, None);
}

#[tokio::test]
async fn a_message_bigger_than_the_packet_limit_is_refused_naming_the_limit() {
    let broker = Broker::shared();
    let id = unique("big");
    let mut session = Session::start(plain(&broker, &[format!("test/{id}/#")], 1));
    session.connected().await;
    let limit = amqp_tui::mqtt::connect::MAX_PACKET_BYTES;
    let body = vec![b'x'; limit];
    let (outcome, unsent) = session
        .request(common::publish(
            1,
            &format!("test/{id}/big"),
            &body,
            1,
            false,
        ))
        .await;
    let PublishOutcome::Refused { reason } = outcome else {
        panic!("{outcome:?}")
    };
    assert!(
        reason.contains(&format!("{} MiB", limit >> 20)) && reason.contains("MQTT packet"),
        "{reason}"
    );
    // Refused for good: not kept for a resend that would be refused again.
    assert_eq!(unsent, None);
    // The session is still fine: a small one goes out.
    let (outcome, _) = session
        .request(common::publish(
            2,
            &format!("test/{id}/small"),
            b"ok",
            1,
            false,
        ))
        .await;
    assert_eq!(outcome, PublishOutcome::Routed);
}

/// The limit counts the whole packet, to the byte: one that fills it exactly goes out, one
/// byte more is refused before it can fail the connection (as rumqttc would fail it).
#[tokio::test]
async fn the_packet_limit_holds_to_the_byte() {
    let broker = Broker::shared();
    let id = unique("edge");
    let mut session = Session::start(plain(&broker, &[], 1));
    session.connected().await;
    let limit = amqp_tui::mqtt::connect::MAX_PACKET_BYTES;
    let topic = format!("test/{id}/edge");
    // Fixed header (1), remaining length (4 bytes at this size), topic length (2), packet id (2).
    let fits = limit - topic.len() - 9;
    let (outcome, _) = session
        .request(common::publish(1, &topic, &vec![b'x'; fits + 1], 1, false))
        .await;
    assert!(
        matches!(&outcome, PublishOutcome::Refused { .. }),
        "one byte over: {outcome:?}"
    );
    let (outcome, _) = session
        .request(common::publish(2, &topic, &vec![b'x'; fits], 1, false))
        .await;
    assert_eq!(outcome, PublishOutcome::Routed);
    let lost = session.drain_pending(|e| matches!(e, WorkerEvent::ConnectionLost { .. }));
    assert_eq!(lost, []);
}

/// A keep-alive of 0 means off in MQTT (rumqttc refuses only fractions of a second): the
/// session connects, says 0, and works.
#[tokio::test]
async fn a_keep_alive_of_zero_means_off_and_connects() {
    let broker = Broker::shared();
    let id = unique("ka0");
    let mut settings = plain(&broker, &[format!("test/{id}/#")], 1);
    settings.heartbeat_secs = 0;
    let mut session = Session::start(settings);
    assert_eq!(session.connected_details().await.heartbeat_secs, Some(0));
    let (outcome, _) = session
        .request(common::publish(
            1,
            &format!("test/{id}/x"),
            b"ka0",
            1,
            false,
        ))
        .await;
    assert_eq!(outcome, PublishOutcome::Routed);
    assert_eq!(session.delivery().await.body, b"ka0");
}
