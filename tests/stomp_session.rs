//! STOMP and Web-STOMP sessions against the test node's listeners, at the worker's
//! boundary: how they connect (plain, TLS verified, verification off), what the details
//! panel is told, and how each wrong setting is refused, in words naming the cause.
//! Traffic is in `stomp_traffic.rs`, hostile servers in `stomp_hostile.rs`.

#[path = "stomp/common.rs"]
mod common;
mod support;

use amqp_tui::{
    session::{ConnectError, Protocol, WorkerEvent},
    tls::{Security, TlsMode},
};
use common::{BOTH, Via, plain, tls, unique, verified};
use support::{Broker, Session, WAIT};

/// A password that must not appear in any message.
const PASSWORD: &str = "Pw-never-in-a-stomp-message";

fn topic(tag: &str) -> Vec<String> {
    vec![format!("/topic/test.{}.#", unique(tag))]
}

fn protocol(via: Via) -> Protocol {
    match via {
        Via::Stomp => Protocol::Stomp,
        Via::WebStomp => Protocol::WebStomp,
    }
}

#[tokio::test]
async fn plain_sessions_connect_and_the_details_name_the_server_peer_and_heart_beat() {
    let broker = Broker::shared();
    for via in BOTH {
        let destinations = topic("plain");
        let mut settings = plain(&broker, via, &destinations);
        settings.heartbeat_secs = 7;
        let port = settings.port;
        let mut session = Session::start(settings);
        let (watching, security, details) = session
            .wait_for(WAIT, |e| match e {
                WorkerEvent::Connected {
                    queue,
                    security,
                    details,
                    ..
                } => Some((queue.clone(), security.clone(), details.as_ref().clone())),
                WorkerEvent::Failed(err) => panic!("connect failed: {err}"),
                _ => None,
            })
            .await;
        assert_eq!(
            watching,
            format!("{} (ack auto)", destinations[0]),
            "{via:?}"
        );
        assert_eq!(security, Security::Plain);
        assert_eq!(
            details.peer_addr.as_deref(),
            Some(format!("127.0.0.1:{port}").as_str()),
            "{via:?}"
        );
        assert_eq!(
            details.server.as_deref(),
            Some("RabbitMQ/3.10.8"),
            "{via:?}"
        );
        // RabbitMQ takes the interval offered: we send every 7 s.
        assert_eq!(details.heartbeat_secs, Some(7), "{via:?}");
        assert_eq!(details.tls, None);
    }
}

#[tokio::test]
async fn tls_verified_against_the_test_ca_shows_the_servers_certificate() {
    let broker = Broker::shared();
    for via in BOTH {
        let settings = tls(&broker, via, &topic("tls"), verified(&broker));
        let port = settings.port;
        let mut session = Session::start(settings);
        let details = session.connected_details().await;
        assert_eq!(
            details.peer_addr.as_deref(),
            Some(format!("127.0.0.1:{port}").as_str()),
            "{via:?}"
        );
        let tls = details.tls.expect("TLS details");
        assert_eq!(
            tls.security,
            Security::TlsVerified {
                ca_file: Some(broker.ca())
            }
        );
        let cert = tls.server_certificate.expect("the server's certificate");
        assert_eq!(cert.subject, support::subject_of(broker.var("SERVER_CERT")));
    }
}

#[tokio::test]
async fn tls_with_verification_off_connects_and_still_shows_the_certificate() {
    let broker = Broker::shared();
    for via in BOTH {
        let mut settings = tls(&broker, via, &topic("noverify"), TlsMode::NoVerify);
        // A name the certificate does not carry: verification off must not look.
        settings.host = "127.1".into();
        let details = Session::start(settings).connected_details().await;
        let tls = details.tls.expect("TLS details");
        assert_eq!(tls.security, Security::TlsNotVerified, "{via:?}");
        assert!(tls.server_certificate.is_some(), "{via:?}");
    }
}

#[tokio::test]
async fn tls_with_the_wrong_ca_is_refused_as_unknown_issuer_naming_the_ca() {
    let broker = Broker::shared();
    for via in BOTH {
        let mode = TlsMode::Verify {
            ca_file: Some(broker.other_ca()),
        };
        let mut settings = tls(&broker, via, &topic("wrong-ca"), mode);
        settings.password = PASSWORD.into();
        let err = Session::start(settings).failure().await;
        assert_eq!(
            err,
            ConnectError::TlsUnknownIssuer {
                trusted: format!("the CA in {}", broker.other_ca().display())
            },
            "{via:?}"
        );
    }
}

#[tokio::test]
async fn a_wrong_password_is_refused_by_name_and_never_shown() {
    let broker = Broker::shared();
    for via in BOTH {
        let mut settings = plain(&broker, via, &topic("password"));
        settings.password = PASSWORD.into();
        let err = Session::start(settings).failure().await;
        assert_eq!(
            err,
            ConnectError::AccessRefused {
                user: "guest".into()
            },
            "{via:?}"
        );
        assert!(!format!("{err} {err:?}").contains(PASSWORD));
    }
}

#[tokio::test]
async fn an_unknown_vhost_and_the_dns_name_as_vhost_say_the_vhost_goes_in_the_host_header() {
    let broker = Broker::shared();
    for (via, vhost) in [
        (Via::Stomp, "no-such-vhost"),
        (Via::Stomp, "localhost"),
        (Via::WebStomp, "localhost"),
    ] {
        let mut settings = plain(&broker, via, &topic("vhost"));
        settings.vhost = vhost.into();
        let err = Session::start(settings).failure().await;
        assert_eq!(
            err,
            ConnectError::StompVhostRefused {
                vhost: vhost.into(),
                user: "guest".into(),
                reason: format!("Virtual host '{vhost}' access denied"),
            },
            "{via:?}"
        );
        let text = err.to_string();
        assert!(
            text.contains("host header") && text.contains("DNS name"),
            "{text}"
        );
    }
}

#[tokio::test]
async fn an_amq_queue_destination_of_a_missing_queue_is_refused_naming_it() {
    let broker = Broker::shared();
    let missing = format!("/amq/queue/missing-{}", unique("amq"));
    let err = Session::start(plain(&broker, Via::Stomp, std::slice::from_ref(&missing)))
        .failure()
        .await;
    let ConnectError::DestinationRefused {
        destination,
        reason,
    } = &err
    else {
        panic!("{err:?}")
    };
    assert_eq!(destination, &missing);
    let queue = missing.trim_start_matches("/amq/queue/");
    assert_eq!(
        reason,
        &format!("not_found: NOT_FOUND - no queue '{queue}' in vhost '/'")
    );
    // Over Web-STOMP the broker closes the connection without an ERROR frame.
    let err = Session::start(plain(
        &broker,
        Via::WebStomp,
        std::slice::from_ref(&missing),
    ))
    .failure()
    .await;
    let ConnectError::DestinationRefused { destination, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(destination, &missing);
    assert!(
        err.to_string().contains("needs a queue that exists"),
        "{err}"
    );
}

#[tokio::test]
async fn a_destination_of_none_of_the_four_forms_is_named_before_connecting() {
    let broker = Broker::shared();
    let err = Session::start(plain(&broker, Via::Stomp, &["/nowhere/x".to_string()]))
        .failure()
        .await;
    assert_eq!(
        err,
        ConnectError::InvalidName {
            field: "Destination",
            reason: "'/nowhere/x' is none of RabbitMQ's destinations: use /exchange/NAME/KEY, /queue/NAME, /amq/queue/NAME or /topic/KEY".into(),
        }
    );
}

#[tokio::test]
async fn the_sockjs_path_says_rabbitmq_removed_it_and_suggests_ws() {
    let broker = Broker::shared();
    let mut settings = plain(&broker, Via::WebStomp, &topic("sockjs"));
    settings.stomp.ws_path = "/stomp".into();
    let err = Session::start(settings).failure().await;
    assert_eq!(
        err.to_string(),
        "Web-STOMP path '/stomp' is SockJS's, which RabbitMQ removed in 3.7: use /ws, its plain WebSocket endpoint."
    );
}

#[tokio::test]
async fn plain_to_a_tls_port_and_tls_to_a_plain_port_each_say_what_to_switch() {
    let broker = Broker::shared();
    for via in BOTH {
        let mut to_tls_port = plain(&broker, via, &topic("plain-tls"));
        to_tls_port.port = tls(&broker, via, &[], TlsMode::NoVerify).port;
        let addr = to_tls_port.addr();
        let err = Session::start(to_tls_port).failure().await;
        assert_eq!(
            err,
            ConnectError::HandshakeClosed {
                addr,
                protocol: protocol(via)
            },
            "{via:?}"
        );

        let mut to_plain_port = tls(&broker, via, &topic("tls-plain"), verified(&broker));
        to_plain_port.port = plain(&broker, via, &[]).port;
        let addr = to_plain_port.addr();
        let err = Session::start(to_plain_port).failure().await;
        assert_eq!(
            err,
            ConnectError::TlsNotTls {
                addr,
                protocol: protocol(via)
            },
            "{via:?}"
        );
    }
}

#[tokio::test]
async fn a_closed_port_is_refused_naming_the_stomp_ports() {
    let port = support::closed_port();
    let mut settings = plain(&Broker::shared(), Via::Stomp, &topic("closed"));
    settings.port = port;
    let err = Session::start(settings).failure().await;
    assert_eq!(
        err,
        ConnectError::Refused {
            addr: format!("127.0.0.1:{port}"),
            protocol: Protocol::Stomp
        }
    );
}
