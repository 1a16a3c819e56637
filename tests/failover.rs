//! Failover on the test cluster (`scripts/test-cluster`): a session given the three
//! nodes, publishing with confirms and consuming what it publishes, loses its node
//! (`kill -9`, or SIGSTOP) under load and carries on from another within 2 s of noticing,
//! with every confirmed message delivered. AMQP and STOMP consume a quorum queue led by
//! another node; MQTT re-subscribes on the new node. The tests take turns: each downs a
//! node and brings it back before the next begins.

mod support;

use std::{
    collections::{HashMap, HashSet},
    time::{Duration, Instant},
};

use amqp_tui::{
    amqp::{AckMode, Routing, Source},
    mqtt::MqttOptions,
    session::{
        ConnectError, ConnectionDetails, ConnectionSettings, Endpoint, FailedOver, Properties,
        Protocol, PublishOutcome, PublishPart, PublishRequest, SessionCommand, WorkerEvent,
    },
    stomp::StompOptions,
};
use lapin::{
    Connection, ConnectionProperties,
    options::{QueueDeclareOptions, QueueDeleteOptions},
    types::{AMQPValue, FieldTable},
};
use support::{Session, cluster::Cluster, unique_suffix};

/// One test at a time: each takes a node of the shared cluster down. (Other binaries
/// that do run in the same lane of `scripts/test`, one after another.)
static TURN: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// The bound, from the loss being noticed to consuming again on another node.
const FAILOVER_BOUND: Duration = Duration::from_secs(2);
/// Generous bounds for what is not measured: messages draining on a busy machine.
const SETTLE: Duration = Duration::from_secs(60);

/// Node `first` and then the other two, on the ports `port_var` names.
fn endpoints(cluster: &Cluster, first: u8, port_var: &str) -> Vec<Endpoint> {
    let mut order = vec![first];
    order.extend((1..=3).filter(|n| *n != first));
    order
        .into_iter()
        .map(|n| {
            let port = cluster.var(&format!("NODE{n}_{port_var}"));
            Endpoint::new("127.0.0.1", port.parse().expect("port"))
        })
        .collect()
}

fn aimed(mut settings: ConnectionSettings, endpoints: &[Endpoint]) -> ConnectionSettings {
    settings.host = endpoints[0].host.clone();
    settings.port = endpoints[0].port;
    settings.failover = endpoints[1..].to_vec();
    settings
}

/// A quorum queue declared through node `leader`, so its leader stays up while the
/// session's node goes down.
async fn quorum_queue(cluster: &Cluster, leader: u8, name: &str) -> Connection {
    let port = cluster.var(&format!("NODE{leader}_AMQP_PORT"));
    let uri = format!("amqp://guest:guest@127.0.0.1:{port}/%2f");
    let connection = Connection::connect(&uri, ConnectionProperties::default())
        .await
        .expect("connect to the leader's node");
    let channel = connection.create_channel().await.expect("channel");
    let mut arguments = FieldTable::default();
    arguments.insert(
        "x-queue-type".into(),
        AMQPValue::LongString("quorum".into()),
    );
    let durable = QueueDeclareOptions {
        durable: true,
        ..QueueDeclareOptions::default()
    };
    channel
        .queue_declare(name.into(), durable, arguments)
        .await
        .expect("declare the quorum queue");
    connection
}

async fn delete_queue(connection: &Connection, name: &str) {
    let channel = connection.create_channel().await.expect("channel");
    channel
        .queue_delete(name.into(), QueueDeleteOptions::default())
        .await
        .expect("delete the queue");
}

/// Everything the session said that the checks need.
#[derive(Default)]
struct Seen {
    outcomes: HashMap<u64, (PublishOutcome, Option<Box<PublishRequest>>)>,
    deliveries: HashMap<Vec<u8>, u32>,
    /// Bodies delivered again without the redelivered flag: a copy in the queue twice.
    doubled: Vec<Vec<u8>>,
    lost_at: Option<Instant>,
    /// When another node first held the subscription back for the lost one (MQTT).
    stalled_at: Option<Instant>,
    failed_over: Option<(Instant, Endpoint, FailedOver, Box<ConnectionDetails>)>,
    delivered_after_failover: usize,
    /// Every event about the connection, for a failure's message.
    story: Vec<String>,
}

impl Seen {
    fn note(&mut self, event: WorkerEvent) {
        match &event {
            WorkerEvent::Published { .. } | WorkerEvent::Delivery(_) => {}
            other => self.story.push(format!("{other:?}")),
        }
        match event {
            WorkerEvent::Published {
                id,
                outcome,
                unsent,
                ..
            } => {
                self.outcomes.insert(id, (outcome, unsent));
            }
            WorkerEvent::Delivery(message) => {
                let count = self.deliveries.entry(message.body.clone()).or_default();
                *count += 1;
                // A message whose ack died with the node comes back marked redelivered:
                // delivered twice, but in the queue once.
                if *count > 1 && !message.redelivered {
                    self.doubled.push(message.body);
                }
                if self.failed_over.is_some() {
                    self.delivered_after_failover += 1;
                }
            }
            WorkerEvent::ConnectionLost { .. } if self.lost_at.is_none() => {
                self.lost_at = Some(Instant::now());
            }
            WorkerEvent::EndpointDown {
                error: ConnectError::SubscriptionStalled { .. },
                ..
            } if self.stalled_at.is_none() => self.stalled_at = Some(Instant::now()),
            WorkerEvent::Connected {
                endpoint,
                failed_over: Some(moved),
                details,
                ..
            } => self.failed_over = Some((Instant::now(), endpoint, moved, details)),
            WorkerEvent::Failed(error) => panic!("the session gave up: {error}"),
            _ => {}
        }
    }
}

/// Notes the session's events until `done` holds, failing after `within`.
async fn pump(
    session: &mut Session,
    seen: &mut Seen,
    within: Duration,
    done: impl Fn(&Seen) -> bool,
) {
    let deadline = Instant::now() + within;
    while !done(seen) {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, session.events_rx.recv()).await {
            Ok(Some(event)) => seen.note(event.event),
            Ok(None) => panic!("the worker stopped"),
            Err(_) => panic!(
                "timed out after {within:?}: {} outcomes, {} bodies delivered; events:\n{}",
                seen.outcomes.len(),
                seen.deliveries.len(),
                seen.story.join("\n")
            ),
        }
    }
}

/// How a test publishes message `id` with `body` in its protocol.
type Publish<'a> = &'a dyn Fn(u64, Vec<u8>) -> PublishRequest;

async fn send(session: &Session, request: PublishRequest) {
    session
        .commands_tx
        .send(SessionCommand::Publish(Box::new(request)))
        .await
        .expect("the worker runs");
}

/// How the session's node goes away.
#[derive(Clone, Copy, Debug)]
enum Loss {
    Kill,
    Pause,
}

/// The longest wait between two rounds over the nodes.
fn session_backoff_max() -> Duration {
    amqp_tui::session::reconnect_delay(u32::MAX)
}

/// The scenario every protocol goes through: 50 messages before, 100 across the loss
/// of node `first_node` (the first of `settings`' endpoints), then what was not
/// confirmed sent again as Ctrl-R would, and one more; every confirmed body must be
/// delivered, the last one on the new node. Returns the connection on the new node.
async fn carries_on(
    cluster: &Cluster,
    first_node: u8,
    settings: ConnectionSettings,
    publish: Publish<'_>,
    loss: Loss,
) -> ConnectionDetails {
    let first = settings.endpoints()[0].clone();
    let heartbeat_secs = settings.heartbeat_secs;
    let tag = format!("fo-{}-{}", std::process::id(), unique_suffix());
    let body = |i: u64| format!("{tag}-{i}").into_bytes();

    let mut session = Session::start(settings);
    let on = session
        .wait_for(support::WAIT, |e| match e {
            WorkerEvent::Connected { endpoint, .. } => Some(endpoint.clone()),
            WorkerEvent::Failed(error) => panic!("connect failed: {error}"),
            _ => None,
        })
        .await;
    assert_eq!(on, first, "the session starts on the first node listed");

    let mut seen = Seen::default();
    for id in 1..=50 {
        send(&session, publish(id, body(id))).await;
    }
    pump(&mut session, &mut seen, support::WAIT, |s| {
        s.outcomes.len() == 50 && s.deliveries.len() == 50
    })
    .await;

    // The loss, with publishes before and after it in flight.
    for id in 51..=100 {
        send(&session, publish(id, body(id))).await;
    }
    let node = first_node.to_string();
    let lost_from = Instant::now();
    match loss {
        Loss::Kill => cluster.script(&["kill", &node]),
        Loss::Pause => cluster.script(&["pause", &node]),
    };
    for id in 101..=150 {
        send(&session, publish(id, body(id))).await;
    }
    let back = |s: &Seen| s.failed_over.is_some() && s.outcomes.len() == 150;
    pump(&mut session, &mut seen, SETTLE, |s| {
        back(s) || s.stalled_at.is_some()
    })
    .await;
    let lost_at = seen.lost_at.expect("the loss was reported");
    let noticed_in = lost_at - lost_from;
    eprintln!("{loss:?}: noticed in {noticed_in:?}");
    // Where the failover's clock starts: the loss noticed, or the broker ready again.
    let mut clock = lost_at;
    let mut bound = FAILOVER_BOUND;
    if let Loss::Pause = loss {
        let heartbeat = Duration::from_secs(2 * u64::from(heartbeat_secs));
        assert!(
            noticed_in < heartbeat + Duration::from_millis(1500),
            "a hung node is noticed within two heartbeat intervals ({heartbeat:?}), not {noticed_in:?}"
        );
        if let Some(stalled_at) = seen.stalled_at {
            // Every node holds a queue declaration (an MQTT subscription's) while a node
            // of the cluster hangs, until the cluster declares it down (net_ticktime,
            // 60 s by default): the session can only keep trying. Killing the hung node
            // has the cluster know at once; the session must then be on another node
            // within its schedule: the try under way, or the next round after the
            // longest pause between rounds.
            eprintln!(
                "{loss:?}: another node held the subscription {:?} after the loss was noticed; node {node} killed",
                stalled_at - lost_at
            );
            cluster.script(&["kill", &node]);
            clock = Instant::now();
            bound += session_backoff_max() + heartbeat;
            pump(&mut session, &mut seen, SETTLE, back).await;
        } else {
            // What the broker handed the consumer on the hung node stays there until
            // the cluster declares the node down or the node wakes and finds our
            // connection closed: then it goes back to the queue, to us.
            cluster.script(&["resume", &node]);
        }
    }
    let (connected_at, new_node, moved, details) = seen.failed_over.clone().expect("failed over");
    assert_eq!(moved.from, first);
    assert_ne!(new_node, first, "another node");
    let back_in = connected_at - clock;
    eprintln!(
        "{loss:?}: connected to {new_node} {back_in:?} later (worker: {:?} after the loss)",
        moved.took
    );
    for notice in seen.story.iter().filter(|e| e.starts_with("Notice")) {
        eprintln!("{loss:?}: {notice}");
    }
    assert!(
        back_in < bound && (seen.stalled_at.is_some() || moved.took < FAILOVER_BOUND),
        "failover took {:?} (worker) / {back_in:?} (events), bound {bound:?}",
        moved.took
    );

    // What was not confirmed is sent again, as Ctrl-R does.
    let mut resent = HashSet::new();
    let mut next = 1000;
    let unconfirmed: Vec<PublishRequest> = seen
        .outcomes
        .values()
        .filter(|(outcome, _)| outcome.unconfirmed() > 0)
        .map(|(outcome, unsent)| {
            let request = unsent.clone();
            *request.unwrap_or_else(|| panic!("{outcome:?} is handed back for a resend"))
        })
        .collect();
    for mut request in unconfirmed {
        next += 1;
        request.id = next;
        resent.insert(request.body.clone());
        send(&session, request).await;
    }
    let expected = 150 + resent.len();
    pump(&mut session, &mut seen, SETTLE, |s| {
        s.outcomes.len() == expected
    })
    .await;
    for (id, (outcome, _)) in &seen.outcomes {
        if *id > 1000 {
            assert!(
                *outcome == PublishOutcome::Routed,
                "the resend {id} is confirmed: {outcome:?}"
            );
        }
    }

    // Every body confirmed, first time or resent, arrives; a second copy only of a
    // message the broker may have taken before the loss was reported.
    pump(&mut session, &mut seen, SETTLE, |s| {
        (1..=150).all(|i| s.deliveries.contains_key(&body(i)))
    })
    .await;
    // Consuming goes on on the new node: a message sent now arrives (the pump fails
    // otherwise, with the session's story). What the loss left in flight may all have
    // arrived before the failover: one CI run had all 150 delivered before it.
    send(&session, publish(2000, body(151))).await;
    pump(&mut session, &mut seen, SETTLE, |s| {
        s.deliveries.contains_key(&body(151))
    })
    .await;
    for body in &seen.doubled {
        assert!(
            resent.contains(body),
            "{} was in the queue twice but never sent twice",
            String::from_utf8_lossy(body)
        );
    }
    let redelivered = seen.deliveries.values().filter(|n| **n > 1).count();
    eprintln!(
        "{loss:?}: {} resent, {} delivered again, {} after the failover",
        resent.len(),
        redelivered,
        seen.delivered_after_failover
    );
    session
        .commands_tx
        .send(SessionCommand::Disconnect)
        .await
        .expect("disconnect");
    *details
}

/// A persistent, confirmed publish of `body` to `queue` through the default exchange,
/// as `part` says it in its protocol.
fn to_queue(queue: &str, part: PublishPart) -> impl Fn(u64, Vec<u8>) -> PublishRequest {
    let queue = queue.to_string();
    move |id, body| PublishRequest {
        id,
        exchange: String::new(),
        routing_key: queue.clone(),
        body,
        properties: Properties {
            delivery_mode: Some(2),
            ..Properties::default()
        },
        copies: 1,
        confirm: true,
        part: part.clone(),
    }
}

fn amqp_publish(queue: &str) -> impl Fn(u64, Vec<u8>) -> PublishRequest {
    to_queue(queue, PublishPart::Amqp)
}

fn amqp_settings(cluster: &Cluster, queue: &str, heartbeat_secs: u16) -> ConnectionSettings {
    let settings = ConnectionSettings {
        heartbeat_secs,
        routing: Routing {
            source: Source::Queue,
            queue: queue.to_string(),
            ack: AckMode::Auto,
            ..Routing::default()
        },
        ..ConnectionSettings::default()
    };
    aimed(settings, &endpoints(cluster, 1, "AMQP_PORT"))
}

#[tokio::test(flavor = "current_thread")]
async fn an_amqp_session_fails_over_when_its_node_is_killed() {
    let _turn = TURN.lock().await;
    let cluster = Cluster::shared();
    let _restore = cluster.restore_on_drop();
    let queue = format!("failover-amqp-{}-{}", std::process::id(), unique_suffix());
    let admin = quorum_queue(&cluster, 2, &queue).await;
    carries_on(
        &cluster,
        1,
        amqp_settings(&cluster, &queue, 10),
        &amqp_publish(&queue),
        Loss::Kill,
    )
    .await;
    delete_queue(&admin, &queue).await;
}

#[tokio::test(flavor = "current_thread")]
async fn an_amqp_session_fails_over_when_its_node_hangs() {
    let _turn = TURN.lock().await;
    let cluster = Cluster::shared();
    let _restore = cluster.restore_on_drop();
    let queue = format!("failover-hung-{}-{}", std::process::id(), unique_suffix());
    let admin = quorum_queue(&cluster, 2, &queue).await;
    let heartbeat = 2;
    carries_on(
        &cluster,
        1,
        amqp_settings(&cluster, &queue, heartbeat),
        &amqp_publish(&queue),
        Loss::Pause,
    )
    .await;
    delete_queue(&admin, &queue).await;
}

fn mqtt_publish(prefix: &str) -> impl Fn(u64, Vec<u8>) -> PublishRequest {
    let topic = format!("{prefix}/m");
    move |id, body| PublishRequest {
        id,
        exchange: "amq.topic".into(),
        routing_key: topic.replace('/', "."),
        body,
        properties: Properties::default(),
        copies: 1,
        confirm: true,
        part: PublishPart::Mqtt {
            topic: topic.clone(),
            qos: 1,
            retain: false,
        },
    }
}

/// A clean MQTT session with client id `id`, subscribed at QoS 1 to `id/#`.
fn mqtt_settings(id: &str) -> ConnectionSettings {
    ConnectionSettings {
        protocol: Protocol::Mqtt,
        mqtt: MqttOptions {
            client_id: id.to_string(),
            clean_session: true,
            subscriptions: vec![format!("{id}/#")],
            qos: 1,
            publish_topic: format!("{id}/m"),
        },
        ..ConnectionSettings::default()
    }
}

/// An MQTT session subscribed to its own topics, starting on node `first`, which goes
/// away as `loss` says; keep-alive `heartbeat_secs`.
async fn mqtt_case(first: u8, loss: Loss, heartbeat_secs: u16) {
    let _turn = TURN.lock().await;
    let cluster = Cluster::shared();
    let _restore = cluster.restore_on_drop();
    let prefix = format!("failover-mqtt-{}-{}", std::process::id(), unique_suffix());
    let settings = ConnectionSettings {
        heartbeat_secs,
        ..mqtt_settings(&prefix)
    };
    let settings = aimed(settings, &endpoints(&cluster, first, "MQTT_PORT"));
    let on_new_node = carries_on(&cluster, first, settings, &mqtt_publish(&prefix), loss).await;
    // The old id stays registered to the lost node: asking for it would be refused, or
    // hold every MQTT connect of the cluster while the node hangs.
    let id = on_new_node.client_id.expect("an MQTT client id");
    assert!(
        id.strip_prefix(&format!("{prefix}-f"))
            .is_some_and(|n| n.parse::<u64>().is_ok()),
        "a clean session carries on under a new id, not {id}"
    );
}

// Each test downs a different node first.
#[tokio::test(flavor = "current_thread")]
async fn an_mqtt_session_fails_over_and_subscribes_again() {
    mqtt_case(2, Loss::Kill, 10).await;
}

#[tokio::test(flavor = "current_thread")]
async fn an_mqtt_session_fails_over_when_its_node_hangs() {
    mqtt_case(3, Loss::Pause, 2).await;
}

fn stomp_publish(queue: &str) -> impl Fn(u64, Vec<u8>) -> PublishRequest {
    let destination = format!("/amq/queue/{queue}");
    to_queue(queue, PublishPart::Stomp { destination })
}

/// A STOMP session consuming a quorum queue led by node `leader`, starting on node
/// `first`, which goes away as `loss` says; heart-beats every `heartbeat_secs`.
async fn stomp_case(first: u8, leader: u8, loss: Loss, heartbeat_secs: u16) {
    let _turn = TURN.lock().await;
    let cluster = Cluster::shared();
    let _restore = cluster.restore_on_drop();
    let queue = format!("failover-stomp-{}-{}", std::process::id(), unique_suffix());
    let admin = quorum_queue(&cluster, leader, &queue).await;
    let settings = ConnectionSettings {
        protocol: Protocol::Stomp,
        heartbeat_secs,
        stomp: StompOptions {
            destinations: vec![format!("/amq/queue/{queue}")],
            publish_destination: format!("/amq/queue/{queue}"),
            ..StompOptions::default()
        },
        ..ConnectionSettings::default()
    };
    let settings = aimed(settings, &endpoints(&cluster, first, "STOMP_PORT"));
    carries_on(&cluster, first, settings, &stomp_publish(&queue), loss).await;
    delete_queue(&admin, &queue).await;
}

#[tokio::test(flavor = "current_thread")]
async fn a_stomp_session_fails_over_and_subscribes_again() {
    stomp_case(3, 1, Loss::Kill, 10).await;
}

#[tokio::test(flavor = "current_thread")]
async fn a_stomp_session_fails_over_when_its_node_hangs() {
    stomp_case(2, 1, Loss::Pause, 2).await;
}

#[tokio::test(flavor = "current_thread")]
async fn every_node_down_is_said_and_retried_until_one_is_back() {
    // No node of the list answers: the first connect says so, naming the last.
    let closed: Vec<Endpoint> = (0..3)
        .map(|_| Endpoint::new("127.0.0.1", support::closed_port()))
        .collect();
    let mut session = Session::start(aimed(ConnectionSettings::default(), &closed));
    let error = session.failure().await;
    let text = error.to_string();
    assert!(
        text.starts_with(&format!(
            "None of the 3 nodes could be used; the last, {}, said: Connection refused",
            closed[2]
        )),
        "{text}"
    );
    let down = session.drain_pending(|e| matches!(e, WorkerEvent::EndpointDown { .. }));
    assert_eq!(down.len(), 3, "each node's refusal is reported: {down:?}");

    // Connected once, then every node gone: the session keeps trying them all on the
    // usual schedule, and is back when one returns.
    let _turn = TURN.lock().await;
    let cluster = Cluster::shared();
    let _restore = cluster.restore_on_drop();
    let mut list = endpoints(&cluster, 3, "AMQP_PORT")[..1].to_vec();
    list.extend(closed[..2].iter().cloned());
    let mut session = Session::start(aimed(ConnectionSettings::default(), &list));
    session.connected().await;
    cluster.script(&["kill", "3"]);
    let retry_in = session
        .wait_for(support::WAIT, |e| match e {
            WorkerEvent::ConnectionLost {
                error: amqp_tui::session::ConnectError::NoNodeAnswered { tried, .. },
                retry_in,
                ..
            } => Some((*tried, *retry_in)),
            _ => None,
        })
        .await;
    assert_eq!(retry_in, (3, Duration::from_secs(1)));
    cluster.script(&["start"]);
    let back_on = session
        .wait_for(SETTLE, |e| match e {
            WorkerEvent::Connected { endpoint, .. } => Some(endpoint.clone()),
            _ => None,
        })
        .await;
    assert_eq!(back_on, list[0], "back on the node that returned");
}

#[tokio::test(flavor = "current_thread")]
async fn the_management_api_names_our_node_and_not_another_cluster_s_connection() {
    use amqp_tui::management::{ManagementTarget, OurConnection, node_of};
    // The nodes must stay up meanwhile.
    let _turn = TURN.lock().await;
    let cluster = Cluster::shared();
    let management = ConnectionSettings {
        management: amqp_tui::session::ManagementSettings {
            url: cluster.var("NODE1_MGMT_URL").to_string(),
            ..Default::default()
        },
        ..ConnectionSettings::default()
    };
    let target = ManagementTarget::from_settings(&management).expect("target");

    // A session on node 2 is found there, from node 1's API.
    let on_two = endpoints(&cluster, 2, "AMQP_PORT");
    let mut session = Session::start(aimed(ConnectionSettings::default(), &on_two[..1]));
    let details = session.connected_details().await;
    let ours = OurConnection {
        local_addr: details.local_addr,
        client_id: None,
    };
    let seen = node_of(&target, &ours).await.expect("the API answers");
    assert_eq!(seen.node.as_deref(), Some("n2@localhost"));
    assert_eq!(seen.cluster_name.as_deref(), Some("amqp-tui-test"));

    // An MQTT session on node 3 is found by its client id.
    let client_id = format!("node-of-{}-{}", std::process::id(), unique_suffix());
    let mqtt = mqtt_settings(&client_id);
    let on_three = endpoints(&cluster, 3, "MQTT_PORT");
    let mut mqtt_session = Session::start(aimed(mqtt, &on_three[..1]));
    mqtt_session.connected_details().await;
    let by_id = OurConnection {
        local_addr: None,
        client_id: Some(client_id),
    };
    let seen = node_of(&target, &by_id).await.expect("the API answers");
    assert_eq!(seen.node.as_deref(), Some("n3@localhost"));

    // The broker view's fetch lists the three nodes, running and without alarms, and
    // the connection among the cluster's.
    let topology = amqp_tui::management::fetch_topology(&target, "/")
        .await
        .expect("the topology");
    let mut nodes: Vec<(&str, bool, bool, bool)> = topology
        .nodes
        .iter()
        .map(|n| (n.name.as_str(), n.running, n.mem_alarm, n.disk_free_alarm))
        .collect();
    nodes.sort_unstable();
    assert_eq!(
        nodes,
        [
            ("n1@localhost", true, false, false),
            ("n2@localhost", true, false, false),
            ("n3@localhost", true, false, false),
        ]
    );
    let on = topology
        .connections
        .iter()
        .find(|c| c.is(details.local_addr, None))
        .map(|c| c.node.as_str());
    assert_eq!(on, Some("n2@localhost"));

    // A connection to the single test node is no connection of this cluster's.
    let elsewhere = support::Broker::shared();
    let mut other = Session::start(elsewhere.plain("failover-other"));
    let details = other.connected_details().await;
    let theirs = OurConnection {
        local_addr: details.local_addr,
        client_id: None,
    };
    let seen = node_of(&target, &theirs).await.expect("the API answers");
    assert_eq!(seen.node, None, "not listed by this cluster's API");
}
