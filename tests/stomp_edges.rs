//! Where STOMP meets RabbitMQ's quirks, on the test node: a backslash in a password
//! (RabbitMQ unescapes CONNECT headers), AMQP properties carried as STOMP headers both
//! ways, and a binary body over Web-STOMP, whose text frames cannot carry it.

#[path = "stomp/common.rs"]
mod common;
mod support;

use amqp_tui::session::{
    ConnectError, MessagePart, Properties, PublishOutcome, Value, WorkerEvent,
};
use common::{Via, plain, publish, unique};
use lapin::{BasicProperties, types::AMQPValue, types::FieldTable};
use support::{Broker, Session, WAIT, client::Client};

#[tokio::test]
async fn a_password_with_a_backslash_logs_in() {
    let broker = Broker::shared();
    let user = broker.temp_user("stomp-bs");
    let password = format!("{}\\n\\{}", user.password, "end");
    broker.ctl(&["change_password", &user.name, &password]);
    for via in [Via::Stomp, Via::WebStomp] {
        let mut settings = plain(&broker, via, &[]);
        settings.user = user.name.clone();
        settings.password = password.clone();
        Session::start(settings).connected().await;
    }
}

#[tokio::test]
async fn amqp_properties_arrive_as_properties_and_go_back_out_as_headers() {
    let broker = Broker::shared();
    let id = unique("props");
    let mut session = Session::start(plain(&broker, Via::Stomp, &[format!("/topic/test.{id}.#")]));
    session.connected().await;
    let amqp = Client::connect(&broker).await;
    let mut headers = FieldTable::default();
    headers.insert("x-trace".into(), AMQPValue::LongString("t-1".into()));
    let props = BasicProperties::default()
        .with_content_type("text/plain".into())
        .with_message_id("m-1".into())
        .with_correlation_id("c-1".into())
        .with_priority(3)
        .with_delivery_mode(2)
        .with_headers(headers);
    amqp.publish("amq.topic", &format!("test.{id}.a"), b"x", props)
        .await;
    let got = session.delivery().await;
    let p = &got.properties;
    assert_eq!(p.content_type.as_deref(), Some("text/plain"));
    assert_eq!(p.message_id.as_deref(), Some("m-1"));
    assert_eq!(p.correlation_id.as_deref(), Some("c-1"));
    assert_eq!((p.priority, p.delivery_mode), (Some(3), Some(2)));
    assert_eq!(
        p.headers,
        Some(vec![("x-trace".into(), Value::LongString(b"t-1".to_vec()))])
    );
    let MessagePart::Stomp(facts) = &got.part else {
        panic!("{got:?}")
    };
    assert!(facts.message_id.contains("@@"), "STOMP's own id: {facts:?}");

    // Sent back out, RabbitMQ reads the same properties from the SEND's headers.
    let queue = format!("q-{id}");
    amqp.queue(&queue).await;
    amqp.bind(&queue, "amq.topic", &format!("test.{id}.b"))
        .await;
    let mut request = publish(9, &format!("/topic/test.{id}.b"), b"y", 1);
    request.properties = Properties {
        delivery_mode: Some(2),
        ..got.properties.clone()
    };
    session.request(request).await;
    let seen = session.delivery().await;
    // RabbitMQ keeps a SEND's `receipt` among the message's headers: an AMQP consumer
    // sees it too, so the app shows it as it is.
    let mut expected = got.properties.clone();
    expected.headers = Some(vec![
        ("receipt".into(), Value::LongString(b"send-1".to_vec())),
        ("x-trace".into(), Value::LongString(b"t-1".to_vec())),
    ]);
    assert_eq!(seen.properties, expected);
    assert_eq!(amqp.drain(&queue).await, [b"y".to_vec()]);
}

#[tokio::test]
async fn a_binary_body_over_web_stomp_drops_the_socket_and_says_why() {
    let broker = Broker::shared();
    let id = unique("binary");
    let mut session = Session::start(plain(
        &broker,
        Via::WebStomp,
        &[format!("/topic/test.{id}.#")],
    ));
    session.connected().await;
    let amqp = Client::connect(&broker).await;
    amqp.publish(
        "amq.topic",
        &format!("test.{id}.bin"),
        b"\xff\xfe not UTF-8",
        BasicProperties::default(),
    )
    .await;
    let error = session
        .wait_for(WAIT, |e| match e {
            WorkerEvent::ConnectionLost { error, .. } => Some(error.clone()),
            WorkerEvent::Delivery(d) => panic!("delivered over a text frame: {d:?}"),
            _ => None,
        })
        .await;
    let ConnectError::Io { detail } = &error else {
        panic!("{error:?}")
    };
    assert!(
        detail.contains("not UTF-8") && detail.contains("web_stomp.ws_frame = binary"),
        "{detail}"
    );
}

#[tokio::test]
async fn an_error_frame_is_shown_in_the_brokers_words_and_the_session_comes_back_subscribed() {
    let broker = Broker::shared();
    let id = unique("error");
    let mut session = Session::start(plain(&broker, Via::Stomp, &[format!("/topic/test.{id}.#")]));
    session.connected().await;
    let missing = format!("no-such-{id}");
    let (outcome, unsent) = session
        .request(publish(1, &format!("/exchange/{missing}/k"), b"x", 1))
        .await;
    let not_found = format!("NOT_FOUND - no exchange '{missing}' in vhost '/'");
    let PublishOutcome::Failed { reason } = &outcome else {
        panic!("{outcome:?}")
    };
    assert!(reason.contains(&not_found), "{reason}");
    assert!(unsent.is_some(), "kept for Ctrl-R");
    let error = session
        .wait_for(WAIT, |e| match e {
            WorkerEvent::ConnectionLost { error, .. } => Some(error.clone()),
            _ => None,
        })
        .await;
    assert_eq!(
        error,
        ConnectError::StompError {
            message: "not_found".into(),
            detail: not_found
        }
    );
    let reconnected = session
        .wait_for(WAIT, |e| match e {
            WorkerEvent::Connected { reconnected, .. } => Some(*reconnected),
            _ => None,
        })
        .await;
    assert!(reconnected);
    let to = format!("/topic/test.{id}.again");
    let (outcome, _) = session.request(publish(2, &to, b"back", 1)).await;
    assert_eq!(outcome, PublishOutcome::Routed);
    assert_eq!(session.delivery().await.body, b"back");
}
