//! The heart-beats a STOMP session offers in its CONNECT, read off the wire by a listener
//! of the test's own (which answers nothing: only the CONNECT matters here), and kept
//! against the real node.
//!
//! Over Web-STOMP the session offers none of its own: RabbitMQ 3.10's Web-STOMP handler
//! resumes a heart-beat monitor it never paused when credit flow starts blocking and lets
//! go, the monitor crashes, and the connection goes with it (seen in the publish bench:
//! 1,996 of 10,000 receipts, then `{unexpected_message,resume}` in the node's log).
//! Offering none means no monitor; the session still watches the server's beats.

#[path = "stomp/common.rs"]
mod common;
mod support;

use std::time::Duration;

use amqp_tui::session::{ConnectionSettings, SessionCommand, WorkerEvent};
use common::{Via, plain};
use futures_util::StreamExt;
use support::{Broker, Session, WAIT};
use tokio::{net::TcpListener, sync::oneshot};
use tokio_tungstenite::tungstenite::{
    Message,
    handshake::server::{ErrorResponse, Request, Response},
    http::HeaderValue,
};

/// Agrees to STOMP 1.2 as RabbitMQ does. The signature is tungstenite's callback's: its
/// error type is a whole HTTP response.
#[allow(clippy::result_large_err)]
fn agree(_: &Request, mut response: Response) -> Result<Response, ErrorResponse> {
    response.headers_mut().insert(
        "Sec-WebSocket-Protocol",
        HeaderValue::from_static("v12.stomp"),
    );
    Ok(response)
}

/// The `heart-beat` header of the first frame a session sends to `via`'s listener.
async fn offered_heart_beat(via: Via) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("bound").port();
    let (tx, rx) = oneshot::channel::<Vec<u8>>();
    let server = tokio::spawn(async move {
        let (socket, _) = listener.accept().await.expect("the session connects");
        let first = match via {
            Via::Stomp => {
                use tokio::io::AsyncReadExt;
                let mut socket = socket;
                let mut seen = Vec::new();
                let mut buf = [0u8; 4096];
                while !seen.contains(&0) {
                    let n = socket.read(&mut buf).await.expect("read");
                    assert!(n > 0, "closed before a whole CONNECT");
                    seen.extend_from_slice(&buf[..n]);
                }
                seen
            }
            Via::WebStomp => {
                let mut ws = tokio_tungstenite::accept_hdr_async(socket, agree)
                    .await
                    .expect("the WebSocket handshake");
                match ws.next().await {
                    Some(Ok(Message::Text(text))) => text.as_bytes().to_vec(),
                    other => panic!("expected the CONNECT, got {other:?}"),
                }
            }
        };
        let _ = tx.send(first);
    });
    let mut settings: ConnectionSettings = plain(&Broker::shared(), via, &[]);
    settings.port = port;
    settings.heartbeat_secs = 7;
    let session = Session::start(settings);
    let connect = tokio::time::timeout(WAIT, rx)
        .await
        .expect("a CONNECT in time")
        .expect("the listener saw it");
    drop(session);
    server.abort();
    let text = String::from_utf8(connect).expect("a text frame");
    assert!(text.starts_with("CONNECT\n"), "{text}");
    text.lines()
        .find_map(|line| line.strip_prefix("heart-beat:"))
        .unwrap_or_else(|| panic!("no heart-beat header in {text:?}"))
        .to_string()
}

#[tokio::test]
async fn web_stomp_offers_no_heart_beats_of_its_own_and_asks_for_the_servers() {
    assert_eq!(offered_heart_beat(Via::WebStomp).await, "0,7000");
}

#[tokio::test]
async fn plain_stomp_offers_heart_beats_both_ways() {
    assert_eq!(offered_heart_beat(Via::Stomp).await, "7000,7000");
}

/// On the real node, a Web-STOMP session that offers no beats still hears the server's
/// (1 s asked): it stays connected past several silence limits, then says goodbye.
#[tokio::test]
async fn a_web_stomp_session_keeps_hearing_the_server_on_the_real_node() {
    let broker = Broker::shared();
    let mut settings = plain(&broker, Via::WebStomp, &["/topic/test.heart-beat".into()]);
    settings.heartbeat_secs = 1;
    let mut session = Session::start(settings);
    let details = session.connected_details().await;
    assert_eq!(
        details.heartbeat_secs,
        Some(1),
        "the server's beats, watched"
    );
    // The condition is the time itself: past twice the silence limit (2 s), a session
    // that stopped hearing the server would have reported the loss.
    tokio::time::sleep(Duration::from_secs(5)).await;
    let lost = session.drain_pending(|e| {
        matches!(
            e,
            WorkerEvent::ConnectionLost { .. } | WorkerEvent::Failed(_) | WorkerEvent::Stopped
        )
    });
    assert!(lost.is_empty(), "the session was lost: {lost:#?}");
    session
        .commands_tx
        .send(SessionCommand::Disconnect)
        .await
        .expect("worker is running");
}
