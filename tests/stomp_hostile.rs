//! A STOMP session against a broken or hostile server (a fake one on 127.0.0.1, see
//! `stomp/fake.rs`): each abuse ends the session with the codec's specific error, within a
//! bounded time and memory, never a hang or a panic. Also what the session does when the
//! server goes silent or drops the connection under an unconfirmed SEND.

#[path = "stomp/common.rs"]
mod common;
#[path = "stomp/fake.rs"]
mod fake;
mod support;

use std::time::{Duration, Instant};

use amqp_tui::{
    session::{ConnectError, ConnectionSettings, PublishOutcome, WorkerEvent},
    stomp::{FrameError, Limits},
};
use common::{Via, plain, publish};
use fake::{Answer, FakeServer};
use support::{Broker, Session, WAIT};

/// Each abuse must end the session well within this.
const BOUND: Duration = Duration::from_secs(5);

fn against(server: &FakeServer) -> ConnectionSettings {
    let mut settings = plain(&Broker::shared(), Via::Stomp, &[]);
    settings.port = server.port;
    settings
}

/// The session's first connect fails with `error`, in bounded time.
async fn answered_with(answer: Answer, error: FrameError) {
    let server = FakeServer::start(answer).await;
    let started = Instant::now();
    let err = Session::start(against(&server)).failure().await;
    assert_eq!(
        err,
        ConnectError::Closed {
            detail: error.to_string()
        }
    );
    assert!(started.elapsed() < BOUND, "took {:?}", started.elapsed());
}

#[tokio::test]
async fn an_endless_header_line_ends_the_session_at_the_line_limit() {
    answered_with(
        Answer::Endless {
            first: b"CONNECTED\nversion:1.2\nx:".to_vec(),
            chunk: vec![b'a'; 64 * 1024],
        },
        FrameError::HeaderLineTooLong {
            limit: Limits::DEFAULT_MAX_HEADER_LINE,
        },
    )
    .await;
}

#[tokio::test]
async fn a_content_length_of_u64_max_ends_the_session_before_anything_is_reserved() {
    answered_with(
        Answer::Bytes(b"CONNECTED\ncontent-length:18446744073709551615\n\n".to_vec()),
        FrameError::BodyTooLarge {
            length: u64::MAX,
            limit: Limits::DEFAULT_MAX_BODY,
        },
    )
    .await;
}

#[tokio::test]
async fn ten_thousand_headers_end_the_session_at_the_header_limit() {
    let mut frame = b"CONNECTED\n".to_vec();
    for i in 0..10_000 {
        frame.extend_from_slice(format!("h{i}:v\n").as_bytes());
    }
    frame.extend_from_slice(b"\n\0");
    answered_with(
        Answer::Bytes(frame),
        FrameError::TooManyHeaders {
            limit: Limits::DEFAULT_MAX_HEADERS,
        },
    )
    .await;
}

#[tokio::test]
async fn a_frame_without_its_nul_ends_the_session_naming_the_byte_found() {
    answered_with(
        Answer::Bytes(b"CONNECTED\ncontent-length:5\n\nhelloX".to_vec()),
        FrameError::MissingNul { found: b'X' },
    )
    .await;
}

#[tokio::test]
async fn a_server_silent_past_twice_its_heart_beat_is_declared_lost() {
    let server = FakeServer::start(Answer::Bytes(
        b"CONNECTED\nversion:1.2\nheart-beat:1000,1000\n\n\0".to_vec(),
    ))
    .await;
    let mut settings = against(&server);
    settings.heartbeat_secs = 1;
    let mut session = Session::start(settings);
    session.connected().await;
    let started = Instant::now();
    let error = session
        .wait_for(WAIT, |e| match e {
            WorkerEvent::ConnectionLost { error, .. } => Some(error.clone()),
            _ => None,
        })
        .await;
    assert_eq!(error, ConnectError::HeartbeatMissed { secs: 2 });
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(1500) && waited < BOUND,
        "{waited:?}"
    );
}

#[tokio::test]
async fn a_send_unconfirmed_when_the_connection_drops_is_failed_and_handed_back() {
    let server = FakeServer::start(Answer::CloseOnSend(
        b"CONNECTED\nversion:1.2\n\n\0".to_vec(),
    ))
    .await;
    let mut session = Session::start(against(&server));
    session.connected().await;
    let request = publish(1, "/topic/test.never", b"lost", 2);
    let (outcome, unsent) = session.request(request.clone()).await;
    let PublishOutcome::Copies {
        failed,
        first_problem,
        ..
    } = &outcome
    else {
        panic!("{outcome:?}")
    };
    assert_eq!(*failed, 2);
    let problem = first_problem.as_deref().unwrap_or_default();
    assert!(
        problem.contains("the connection was lost before the broker acknowledged it"),
        "{problem}"
    );
    assert_eq!(unsent.map(|r| *r), Some(request.with_copies(2)));
    let error = session
        .wait_for(WAIT, |e| match e {
            WorkerEvent::ConnectionLost { error, .. } => Some(error.clone()),
            _ => None,
        })
        .await;
    assert_eq!(
        error,
        ConnectError::Closed {
            detail: "the broker closed the connection".into()
        }
    );
}
