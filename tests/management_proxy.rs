//! The management client against a tiny local server playing a broken proxy: an HTML
//! page, no answer, a reply far past the limit, fields missing or of another type, one
//! part refused. Nothing is waited on for ever and no reply is read past the limit.

mod support;

use std::{
    sync::atomic::Ordering,
    time::{Duration, Instant},
};

use amqp_tui::management::{ManagementError, ManagementTarget, fetch_topology};
use support::management::{FakeServer, empty_api, fetch, http, says, settings};

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
