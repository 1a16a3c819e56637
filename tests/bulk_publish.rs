//! Bulk sends through the app against the real broker: thousands of publishes through a
//! worker channel with room for four wait their turn in the app, none is refused, they
//! arrive in order, and one notice gives their true counts.

mod support;

use std::time::Duration;

use amqp_tui::{
    action::Action,
    app::App,
    inspect::export::ExportedMessage,
    model::{ConnState, Model, compose::Tally},
    session::{Properties, PublishOutcome, PublishRequest, SessionEvent, WorkerEvent},
};
use ratatui::{Terminal, backend::TestBackend};
use support::{Broker, client::Client, unique_suffix};

/// Room in each worker's command channel: the old app refused what did not fit.
const CAPACITY: usize = 4;
const PATIENCE: Duration = Duration::from_secs(120);

async fn run_until(
    app: &mut App,
    terminal: &mut Terminal<TestBackend>,
    until: impl Fn(&Model) -> bool,
) {
    let idle = futures_lite::stream::pending;
    tokio::time::timeout(PATIENCE, app.run_until(terminal, idle(), until))
        .await
        .expect("the app got there in time")
        .expect("the app's loop");
}

async fn connected_app(broker: &Broker, tag: &str) -> (App, Terminal<TestBackend>) {
    let settings = broker.plain(tag);
    let mut app = App::new(Model::new(&settings)).with_command_capacity(CAPACITY);
    app.dispatch(Action::Connect);
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("test terminal");
    run_until(&mut app, &mut terminal, |m| {
        matches!(m.tab().conn, ConnState::Connected { .. }) || m.tab().form.error.is_some()
    })
    .await;
    assert!(
        matches!(app.model().tab().conn, ConnState::Connected { .. }),
        "{:?}",
        app.model().tab().form.error
    );
    (app, terminal)
}

fn numbered(count: usize) -> Vec<Vec<u8>> {
    (0..count).map(|i| i.to_string().into_bytes()).collect()
}

#[tokio::test]
async fn replaying_thousands_of_shown_messages_sends_them_all_in_order() {
    const COUNT: usize = 5_000;
    let broker = Broker::shared();
    let client = Client::connect(&broker).await;
    let queue = format!("q-bulk-replay-{}", unique_suffix());
    client.queue(&queue).await;
    let (mut app, mut terminal) = connected_app(&broker, "bulk-replay").await;

    let messages = numbered(COUNT)
        .into_iter()
        .map(|body| ExportedMessage {
            exchange: String::new(),
            routing_key: queue.clone(),
            redelivered: false,
            received_at: None,
            properties: Properties::default(),
            body,
            part: Default::default(),
        })
        .collect();
    let tab = app.model().tab().number;
    app.dispatch(Action::FileLoaded {
        tab,
        path: "bulk.jsonl".into(),
        result: Ok(messages),
    });
    app.dispatch(Action::ReplayShown);
    run_until(&mut app, &mut terminal, |m| m.tab().compose.in_flight == 0).await;

    let compose = &app.model().tab().compose;
    let acked = COUNT as u64;
    assert_eq!(
        compose.tally,
        Tally {
            acked,
            ..Tally::default()
        }
    );
    assert!(compose.unsent.is_empty() && compose.unsent.let_go == 0);
    let notice = &app.model().tab().notice.as_ref().expect("a notice").text;
    assert_eq!(
        notice,
        "Replayed 5000 messages to their original exchanges and keys: 5000 acked, 0 returned (unroutable), 0 nacked, 0 refused, 0 failed."
    );
    assert_eq!(client.drain(&queue).await, numbered(COUNT), "all, in order");
    app.shutdown().await;
}

#[tokio::test]
async fn ctrl_r_resends_every_kept_message_in_order() {
    const COUNT: usize = 1_000;
    let broker = Broker::shared();
    let client = Client::connect(&broker).await;
    let queue = format!("q-bulk-resend-{}", unique_suffix());
    client.queue(&queue).await;
    let (mut app, mut terminal) = connected_app(&broker, "bulk-resend").await;

    // As the worker reports publishes lost with a connection: failed, kept for Ctrl-R.
    let session = app.model().tab().session;
    for (id, body) in numbered(COUNT).into_iter().enumerate() {
        let request = PublishRequest {
            id: 1_000_000 + id as u64,
            exchange: String::new(),
            routing_key: queue.clone(),
            body,
            properties: Properties::default(),
            copies: 1,
            confirm: true,
            part: Default::default(),
        };
        let event = WorkerEvent::Published {
            id: request.id,
            exchange: String::new(),
            routing_key: queue.clone(),
            outcome: PublishOutcome::Failed {
                reason: "connection reset".into(),
            },
            unsent: Some(Box::new(request)),
        };
        app.dispatch(Action::Broker(SessionEvent { session, event }));
    }
    assert_eq!(app.model().tab().compose.unsent.copies(), COUNT as u64);

    app.dispatch(Action::ResendUnsent);
    run_until(&mut app, &mut terminal, |m| m.tab().compose.in_flight == 0).await;

    let compose = &app.model().tab().compose;
    assert_eq!(
        (compose.tally.acked, compose.tally.failed),
        (COUNT as u64, COUNT as u64)
    );
    assert!(compose.unsent.is_empty() && compose.unsent.let_go == 0);
    let notice = &app.model().tab().notice.as_ref().expect("a notice").text;
    assert_eq!(
        notice,
        "Resent the 1000 messages the broker had not confirmed: 1000 acked, 0 returned (unroutable), 0 nacked, 0 refused, 0 failed."
    );
    assert_eq!(client.drain(&queue).await, numbered(COUNT), "all, in order");
    app.shutdown().await;
}
