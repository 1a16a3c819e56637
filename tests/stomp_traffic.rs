//! Traffic of STOMP and Web-STOMP sessions on the test node: receipts counted like
//! publisher confirms, messages to and from third-party clients (stomp.py, stompjs on
//! `ws`), and client-individual acks and nacks checked in the queue's own counts.

#[path = "stomp/common.rs"]
mod common;
mod support;

use amqp_tui::session::{
    Message, MessagePart, PublishOutcome, SessionCommand, Settle, WorkerEvent,
};
use common::{BOTH, Via, client_acks, plain, publish, tls, unique, verified};
use support::{
    Broker, Session, WAIT, client,
    stomp_clients::{self, StompMessage, StompSubscriber, StompTarget},
};

fn facts(message: &Message) -> &amqp_tui::session::StompFacts {
    match &message.part {
        MessagePart::Stomp(facts) => facts,
        other => panic!("not a STOMP message: {other:?}"),
    }
}

#[tokio::test]
async fn receipts_confirm_each_send_and_copies_are_counted() {
    let broker = Broker::shared();
    for via in BOTH {
        let id = unique("receipts");
        let mut session = Session::start(plain(&broker, via, &[format!("/topic/test.{id}.#")]));
        session.connected().await;
        let to = format!("/topic/test.{id}.x");
        let (one, unsent) = session.request(publish(1, &to, b"one", 1)).await;
        assert_eq!(one, PublishOutcome::Routed, "{via:?}");
        assert_eq!(unsent, None);
        let (three, _) = session.request(publish(2, &to, b"three", 3)).await;
        assert_eq!(
            three,
            PublishOutcome::Copies {
                routed: 3,
                sent: 0,
                returned: 0,
                nacked: 0,
                refused: 0,
                failed: 0,
                first_problem: None,
            },
            "{via:?}"
        );
        // Our own subscription sees all four, as RabbitMQ routed them.
        for body in [&b"one"[..], b"three", b"three", b"three"] {
            let got = session.delivery().await;
            assert_eq!(got.body, body);
            assert_eq!(
                (got.exchange.as_str(), got.routing_key.as_str()),
                ("amq.topic", format!("test.{id}.x").as_str())
            );
            assert_eq!(facts(&got).destination, to);
            assert_eq!(facts(&got).websocket, via == Via::WebStomp);
        }
    }
}

fn targets(broker: &Broker) -> [(Via, bool, StompTarget); 4] {
    [
        (Via::Stomp, false, broker.stomp_plain()),
        (Via::Stomp, true, broker.stomp_tls()),
        (Via::WebStomp, false, broker.web_stomp_plain()),
        (Via::WebStomp, true, broker.web_stomp_tls()),
    ]
}

#[tokio::test]
async fn what_stomp_py_and_stompjs_send_reaches_the_app_plain_and_tls() {
    let broker = Broker::shared();
    for (via, secure, target) in targets(&broker) {
        let id = unique("to-app");
        let destinations = [format!("/topic/test.{id}.#")];
        let settings = if secure {
            tls(&broker, via, &destinations, verified(&broker))
        } else {
            plain(&broker, via, &destinations)
        };
        let mut session = Session::start(settings);
        session.connected().await;
        let to = format!("/topic/test.{id}.in");
        stomp_clients::send(&target, &to, &["from a client"], &["--persistent"])
            .await
            .expect_success("send");
        let got = session.delivery().await;
        assert_eq!(got.body, b"from a client", "{via:?} tls={secure}");
        assert_eq!(facts(&got).destination, to);
        assert_eq!(got.properties.delivery_mode, Some(2), "persistent:true");
    }
}

#[tokio::test]
async fn what_the_app_sends_reaches_stomp_py_and_stompjs_plain_and_tls() {
    let broker = Broker::shared();
    for (via, secure, target) in targets(&broker) {
        let id = unique("from-app");
        let subscriber =
            StompSubscriber::start(&target, &format!("/topic/test.{id}.#"), 1, &[]).await;
        let settings = if secure {
            tls(&broker, via, &[], verified(&broker))
        } else {
            plain(&broker, via, &[])
        };
        let mut session = Session::start(settings);
        session.connected().await;
        let to = format!("/topic/test.{id}.out");
        let (outcome, _) = session.request(publish(1, &to, b"from the app", 1)).await;
        assert_eq!(outcome, PublishOutcome::Routed);
        let got = subscriber.finish().await.expect_success("sub");
        assert_eq!(
            got.stomp_messages(),
            [StompMessage {
                destination: to,
                body: b"from the app".to_vec()
            }],
            "{via:?} tls={secure}: {got:#?}"
        );
    }
}

async fn settle(session: &mut Session, message: &Message, settle: Settle) {
    let (tag, epoch) = (message.delivery_tag, message.epoch);
    session
        .commands_tx
        .send(SessionCommand::Settle {
            delivery_tag: tag,
            epoch,
            settle,
        })
        .await
        .expect("worker is running");
    let result = session
        .wait_for(WAIT, |e| match e {
            WorkerEvent::Settled {
                delivery_tag,
                result,
                ..
            } if *delivery_tag == tag => Some(result.clone()),
            _ => None,
        })
        .await;
    assert_eq!(result, Ok(()), "{settle:?}");
}

#[tokio::test]
async fn client_individual_acks_and_nacks_show_in_the_queues_counts() {
    let broker = Broker::shared();
    for via in BOTH {
        let queue = format!("stomp-acks-{}", unique("q"));
        let destination = format!("/queue/{queue}");
        let settings = client_acks(plain(&broker, via, std::slice::from_ref(&destination)));
        let mut session = Session::start(settings);
        session.connected().await;
        for (id, body) in [(1, "a"), (2, "b"), (3, "c")] {
            let (outcome, _) = session
                .request(publish(id, &destination, body.as_bytes(), 1))
                .await;
            assert_eq!(outcome, PublishOutcome::Routed);
        }
        let (a, b, c) = (
            session.delivery().await,
            session.delivery().await,
            session.delivery().await,
        );
        assert!(facts(&a).ack.is_some(), "client acks name an ack id");
        client::expect_counts(&broker, &queue, (0, 3)).await;
        settle(&mut session, &a, Settle::Ack).await;
        client::expect_counts(&broker, &queue, (0, 2)).await;
        settle(&mut session, &c, Settle::Reject).await;
        client::expect_counts(&broker, &queue, (0, 1)).await;
        // Requeued, it comes straight back to the only subscriber, marked redelivered.
        settle(&mut session, &b, Settle::Requeue).await;
        let again = session.delivery().await;
        assert_eq!(
            (again.body.as_slice(), again.redelivered),
            (&b"b"[..], true)
        );
        client::expect_counts(&broker, &queue, (0, 1)).await;
        settle(&mut session, &again, Settle::Ack).await;
        client::expect_counts(&broker, &queue, (0, 0)).await;
        session
            .commands_tx
            .send(SessionCommand::Disconnect)
            .await
            .expect("worker is running");
        broker.ctl(&["delete_queue", &queue]);
    }
}

#[tokio::test]
async fn with_auto_acks_a_settle_is_refused_saying_why() {
    let broker = Broker::shared();
    let id = unique("auto");
    let to = format!("/topic/test.{id}.x");
    let mut session = Session::start(plain(&broker, Via::Stomp, &[format!("/topic/test.{id}.#")]));
    session.connected().await;
    session.request(publish(1, &to, b"x", 1)).await;
    let got = session.delivery().await;
    session
        .commands_tx
        .send(SessionCommand::Settle {
            delivery_tag: got.delivery_tag,
            epoch: got.epoch,
            settle: Settle::Ack,
        })
        .await
        .expect("worker is running");
    let result = session
        .wait_for(WAIT, |e| match e {
            WorkerEvent::Settled { result, .. } => Some(result.clone()),
            _ => None,
        })
        .await;
    let err = result.expect_err("nothing to settle");
    assert!(err.contains("ack mode auto"), "{err}");
}

/// Ack mode auto takes a queue's messages the way AMQP's take mode does: subscribed
/// client-individual (so the prefetch applies and nothing is lost in flight), each ACKed
/// by the session once the app holds it, none left for the user to settle.
#[tokio::test]
async fn ack_auto_subscribes_client_individual_and_acks_what_the_app_holds() {
    let broker = Broker::shared();
    for via in BOTH {
        let queue = format!("stomp-auto-{}", unique("q"));
        let destination = format!("/queue/{queue}");
        let mut settings = plain(&broker, via, std::slice::from_ref(&destination));
        settings.prefetch = 7;
        let mut session = Session::start(settings);
        session.connected().await;
        let consumers = broker.ctl(&[
            "list_consumers",
            "queue_name",
            "ack_required",
            "prefetch_count",
        ]);
        let row: Vec<&str> = consumers
            .lines()
            .map(|line| line.split('\t').map(str::trim).collect::<Vec<_>>())
            .find(|cols| cols.first() == Some(&queue.as_str()))
            .unwrap_or_else(|| panic!("no consumer on {queue}:\n{consumers}"));
        assert_eq!(row[1..], ["true", "7"], "{via:?}: {consumers}");

        let (outcome, _) = session
            .request(publish(1, &destination, b"taken", 40))
            .await;
        assert!(
            matches!(
                outcome,
                PublishOutcome::Copies {
                    routed: 40,
                    failed: 0,
                    ..
                }
            ),
            "{outcome:?}"
        );
        for i in 0..40 {
            let got = session.delivery().await;
            assert_eq!(got.body, b"taken", "{via:?} message {i}");
            assert!(facts(&got).ack.is_none(), "nothing for the user to settle");
        }
        client::expect_counts(&broker, &queue, (0, 0)).await;
        session
            .commands_tx
            .send(SessionCommand::Disconnect)
            .await
            .expect("worker is running");
        broker.ctl(&["delete_queue", &queue]);
    }
}
