//! The management client against the real node and against a tiny local server playing
//! a broken proxy: every failure a specific, actionable message, nothing waited on for
//! ever, no reply read past the limit, no password in any message.

mod support;

use std::{
    io::{Read, Write},
    net::TcpListener,
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
    thread,
    time::{Duration, Instant},
};

use amqp_tui::{
    management::{ManagementError, ManagementTarget, fetch_topology},
    session::{ConnectionSettings, ManagementSettings},
    tls::TlsMode,
};
use support::Broker;

fn settings(url: &str, user: &str, password: &str) -> ConnectionSettings {
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

async fn fetch(
    settings: &ConnectionSettings,
    vhost: &str,
) -> Result<amqp_tui::topology::Topology, ManagementError> {
    let target = ManagementTarget::from_settings(settings).expect("target resolves");
    fetch_topology(&target, vhost).await
}

fn says(err: &ManagementError, parts: &[&str], secret: &str) {
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

#[tokio::test]
async fn the_node_answers_with_its_topology_over_http_and_https() {
    let broker = Broker::shared();
    let topology = fetch(&settings(&broker.mgmt_url(), "guest", "guest"), "/")
        .await
        .expect("topology");
    assert!(topology.exchange("amq.topic").is_some(), "{topology:?}");
    assert!(topology.exchange("").is_some(), "the default exchange");
    assert_eq!(topology.broker_version.as_deref(), Some("3.10.8"));
    assert!(
        topology
            .listeners
            .iter()
            .any(|l| l.protocol == "amqp" && l.port == broker.port()),
        "{:?}",
        topology.listeners
    );
    assert!(topology.not_permitted.is_empty());
    // The session's trust: the test CA alone verifies the https listener...
    let mut tls = settings(&broker.mgmts_url(), "guest", "guest");
    tls.tls = TlsMode::Verify {
        ca_file: Some(broker.ca()),
    };
    fetch(&tls, "/")
        .await
        .expect("verified against the test CA");
    // ...and another CA does not, in the sessions' words.
    tls.tls = TlsMode::Verify {
        ca_file: Some(broker.other_ca()),
    };
    let err = fetch(&tls, "/").await.expect_err("another CA");
    says(
        &err,
        &["TLS: the server's certificate is not issued by the CA in"],
        "guest:",
    );
}

#[tokio::test]
async fn a_closed_port_says_how_to_enable_the_plugin() {
    let port = support::closed_port();
    let err = fetch(
        &settings(
            &format!("http://127.0.0.1:{port}"),
            "guest",
            "s3cret-closed",
        ),
        "/",
    )
    .await
    .expect_err("nothing listens");
    assert!(matches!(err, ManagementError::Refused { .. }), "{err:?}");
    says(
        &err,
        &[
            "connection refused",
            "rabbitmq-plugins enable rabbitmq_management",
            "15672",
        ],
        "s3cret-closed",
    );
}

#[tokio::test]
async fn a_wrong_password_is_a_401_about_the_user() {
    let broker = Broker::shared();
    let err = fetch(&settings(&broker.mgmt_url(), "guest", "Wr0ng-pw-x9"), "/")
        .await
        .expect_err("wrong password");
    assert!(
        matches!(err, ManagementError::Unauthorized { .. }),
        "{err:?}"
    );
    says(
        &err,
        &["401, wrong user or password for 'guest'"],
        "Wr0ng-pw-x9",
    );
}

#[tokio::test]
async fn a_user_without_the_management_tag_is_told_how_to_tag_it() {
    let broker = Broker::shared();
    let user = broker.temp_user("mgmt-notag");
    let err = fetch(
        &settings(&broker.mgmt_url(), &user.name, &user.password),
        "/",
    )
    .await
    .expect_err("no management tag");
    assert!(
        matches!(err, ManagementError::NotManagementUser { .. }),
        "{err:?}"
    );
    says(
        &err,
        &[
            "lacks the management tag",
            &format!("set_user_tags {} management", user.name),
        ],
        &user.password,
    );
}

#[tokio::test]
async fn a_vhost_the_user_may_not_read_names_the_vhost_and_the_grant() {
    let broker = Broker::shared();
    let user = broker.temp_user("mgmt-noperm");
    broker.ctl(&["set_user_tags", &user.name, "management"]);
    broker.ctl(&["clear_permissions", "-p", "/", &user.name]);
    let err = fetch(
        &settings(&broker.mgmt_url(), &user.name, &user.password),
        "/",
    )
    .await
    .expect_err("no permissions on /");
    assert!(
        matches!(err, ManagementError::VhostNotPermitted { .. }),
        "{err:?}"
    );
    says(
        &err,
        &["may not read vhost '/'", "set_permissions -p /"],
        &user.password,
    );
    // A vhost that does not exist is said to be missing, not forbidden.
    let err = fetch(
        &settings(&broker.mgmt_url(), "guest", "guest"),
        "no-such-vhost-x",
    )
    .await
    .expect_err("no such vhost");
    says(
        &err,
        &["vhost 'no-such-vhost-x' does not exist"],
        "guest:guest",
    );
}

/// A tiny HTTP server on loopback: one thread per connection, one request per
/// connection, the answer from `answer` (`None`: never answer). Counts the bytes it
/// managed to write. The listener thread ends with the test process.
struct FakeServer {
    url: String,
    written: Arc<AtomicUsize>,
}

impl FakeServer {
    fn start(answer: impl Fn(&str) -> Option<Vec<u8>> + Send + Sync + 'static) -> Self {
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

fn http(status: &str, content_type: &str, body: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    out.extend_from_slice(body);
    out
}

/// Valid, empty answers for every endpoint but the ones a test breaks.
fn empty_api(path: &str) -> Vec<u8> {
    let body: &[u8] = if path.starts_with("/api/overview") {
        b"{}"
    } else {
        b"[]"
    };
    http("200 OK", "application/json", body)
}

#[tokio::test]
async fn an_html_page_from_a_proxy_is_not_taken_for_the_api() {
    let server = FakeServer::start(|_| {
        Some(http(
            "200 OK",
            "text/html; charset=utf-8",
            b"<html><head><title>Sign in \x1b[31m</title></head><body>Corporate proxy login</body></html>",
        ))
    });
    let err = fetch(&settings(&server.url, "guest", "pw-html-7"), "/")
        .await
        .expect_err("not JSON");
    assert!(matches!(err, ManagementError::NotJson { .. }), "{err:?}");
    says(
        &err,
        &[
            "not JSON",
            "text/html",
            "a proxy or a login page?",
            "<html><head><title>Sign in \\e[31m",
        ],
        "pw-html-7",
    );
    assert!(!err.to_string().contains('\x1b'), "made safe");
}

#[tokio::test]
async fn no_answer_times_out_with_the_deadline_given() {
    let server = FakeServer::start(|_| None);
    let target = ManagementTarget::from_settings(&settings(&server.url, "guest", "guest"))
        .expect("target")
        .with_timeout(Duration::from_millis(600));
    let started = Instant::now();
    let err = fetch_topology(&target, "/").await.expect_err("no answer");
    assert!(matches!(err, ManagementError::Timeout { .. }), "{err:?}");
    says(&err, &["no complete answer within 1 s"], "guest:guest");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_100_mb_reply_is_refused_at_the_limit_without_reading_it_all() {
    const HUNDRED_MB: usize = 100 << 20;
    // No Content-Length: the limit must hold while the body streams in.
    let server = FakeServer::start(|path| {
        if !path.starts_with("/api/queues/") {
            return Some(empty_api(path));
        }
        let mut reply =
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n["
                .to_vec();
        reply.resize(reply.len() + HUNDRED_MB, b' ');
        Some(reply)
    });
    let err = fetch(&settings(&server.url, "guest", "guest"), "/")
        .await
        .expect_err("too large");
    assert!(matches!(err, ManagementError::TooLarge { .. }), "{err:?}");
    says(
        &err,
        &["/api/queues/%2F", "larger than 64 MiB"],
        "guest:guest",
    );
    // The client stopped reading at the limit: the server could not push the rest, only
    // what the sockets' buffers hold past 64 MiB.
    let written = server.written.load(Ordering::Relaxed);
    assert!(
        written < (64 << 20) + (16 << 20),
        "the server wrote {written} bytes"
    );
}

#[tokio::test]
async fn fields_of_another_type_are_tolerated_and_a_missing_name_is_named() {
    let server = FakeServer::start(|path| {
        let body: &[u8] = if path.starts_with("/api/queues/") {
            br#"[{"name": "q1", "durable": "yes", "messages_ready": "many", "arguments": [1], "type": 7}]"#
        } else if path.starts_with("/api/exchanges/") {
            br#"[{"name": "x1", "type": "fanout", "internal": null, "policy": 3}]"#
        } else if path.starts_with("/api/bindings/") {
            br#"[{"source": "x1", "destination": "q1", "destination_type": "queue", "routing_key": 5}]"#
        } else {
            return Some(empty_api(path));
        };
        Some(http("200 OK", "application/json", body))
    });
    let topology = fetch(&settings(&server.url, "guest", "guest"), "/")
        .await
        .expect("lenient");
    assert_eq!(topology.queue("q1").map(|q| q.ready), Some(0));
    assert_eq!(
        topology.exchange("x1").map(|x| x.kind.as_str()),
        Some("fanout")
    );
    assert_eq!(topology.bindings[0].routing_key, "");

    let broken = FakeServer::start(|path| {
        if path.starts_with("/api/bindings/") {
            let body = br#"[{"source": "x1", "destination_type": "queue"}]"#;
            return Some(http("200 OK", "application/json", body));
        }
        if path.starts_with("/api/exchanges/") {
            return Some(http("200 OK", "application/json", br#"{"not": "a list"}"#));
        }
        Some(empty_api(path))
    });
    let err = fetch(&settings(&broken.url, "guest", "guest"), "/")
        .await
        .expect_err("not usable");
    assert!(matches!(err, ManagementError::Decode { .. }), "{err:?}");
    says(
        &err,
        &["/api/exchanges/%2F", "expected a list of exchanges"],
        "guest:guest",
    );
    let missing = FakeServer::start(|path| {
        if path.starts_with("/api/bindings/") {
            let body = br#"[{"source": "x1", "destination_type": "queue"}]"#;
            return Some(http("200 OK", "application/json", body));
        }
        Some(empty_api(path))
    });
    let err = fetch(&settings(&missing.url, "guest", "guest"), "/")
        .await
        .expect_err("no destination");
    says(
        &err,
        &[
            "/api/bindings/%2F",
            "item 0 has no string field \"destination\"",
        ],
        "guest:guest",
    );
}

#[tokio::test]
async fn one_endpoint_refused_is_not_permitted_and_the_rest_still_works() {
    let server = FakeServer::start(|path| {
        if path.starts_with("/api/policies/") {
            let body = br#"{"error":"not_authorised","reason":"Not policymaker"}"#;
            return Some(http("401 Unauthorized", "application/json", body));
        }
        if path.starts_with("/api/operator-policies/") {
            return Some(http("403 Forbidden", "application/json", b"{}"));
        }
        if path.starts_with("/api/exchanges/") {
            return Some(http(
                "200 OK",
                "application/json",
                br#"[{"name": "x", "type": "direct"}]"#,
            ));
        }
        Some(empty_api(path))
    });
    let topology = fetch(&settings(&server.url, "guest", "guest"), "/")
        .await
        .expect("the rest works");
    assert!(topology.exchange("x").is_some());
    let refused: Vec<(&str, u16)> = topology
        .not_permitted
        .iter()
        .map(|p| (p.part.as_str(), p.status))
        .collect();
    assert_eq!(refused, [("policies", 401), ("operator policies", 403)]);
}
