//! For the management client's tests: settings pointing at an API, a fetch, a check of
//! an error's words, and a tiny HTTP server on loopback playing a broken proxy.

use std::{
    io::{Read, Write},
    net::TcpListener,
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
    thread,
};

use amqp_tui::{
    management::{ManagementError, ManagementTarget, fetch_topology},
    session::{ConnectionSettings, ManagementSettings},
    topology::Topology,
};

pub fn settings(url: &str, user: &str, password: &str) -> ConnectionSettings {
    ConnectionSettings {
        host: "127.0.0.1".into(),
        user: user.into(),
        password: password.into(),
        management: ManagementSettings {
            url: url.into(),
            ..ManagementSettings::default()
        },
        ..ConnectionSettings::default()
    }
}

pub async fn fetch(
    settings: &ConnectionSettings,
    vhost: &str,
) -> Result<Topology, ManagementError> {
    let target = ManagementTarget::from_settings(settings).expect("target resolves");
    fetch_topology(&target, vhost).await
}

pub fn says(err: &ManagementError, parts: &[&str], secret: &str) {
    let text = err.to_string();
    for part in parts {
        assert!(text.contains(part), "{text:?} lacks {part:?}");
    }
    assert!(!text.contains(secret), "{text:?} leaks the password");
    assert!(
        !format!("{err:?}").contains(secret),
        "{err:?} leaks the password"
    );
}

/// A tiny HTTP server on loopback: one thread per connection, one request per
/// connection, the answer from `answer` (`None`: never answer). Counts the bytes it
/// managed to write. The listener thread ends with the test process.
pub struct FakeServer {
    pub url: String,
    pub written: Arc<AtomicUsize>,
}

impl FakeServer {
    pub fn start(answer: impl Fn(&str) -> Option<Vec<u8>> + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let url = format!(
            "http://127.0.0.1:{}",
            listener.local_addr().expect("addr").port()
        );
        let written = Arc::new(AtomicUsize::new(0));
        let answer = Arc::new(answer);
        let counter = written.clone();
        thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { return };
                let answer = answer.clone();
                let counter = counter.clone();
                thread::spawn(move || {
                    let mut request = Vec::new();
                    let mut buf = [0u8; 4096];
                    while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                        match stream.read(&mut buf) {
                            Ok(0) | Err(_) => return,
                            Ok(n) => request.extend_from_slice(&buf[..n]),
                        }
                    }
                    let head = String::from_utf8_lossy(&request).to_string();
                    let path = head.split_whitespace().nth(1).unwrap_or("").to_string();
                    let Some(reply) = answer(&path) else {
                        // Hold the connection without a word until the client gives up.
                        let _ = stream.read(&mut buf);
                        return;
                    };
                    for chunk in reply.chunks(64 * 1024) {
                        if stream.write_all(chunk).is_err() {
                            return;
                        }
                        counter.fetch_add(chunk.len(), Ordering::Relaxed);
                    }
                });
            }
        });
        Self { url, written }
    }
}

pub fn http(status: &str, content_type: &str, body: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    out.extend_from_slice(body);
    out
}

/// Valid, empty answers for every endpoint but the ones a test breaks.
pub fn empty_api(path: &str) -> Vec<u8> {
    let body: &[u8] = if path.starts_with("/api/overview") {
        b"{}"
    } else {
        b"[]"
    };
    http("200 OK", "application/json", body)
}
