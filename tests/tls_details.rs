//! What the connection details say about the link, checked against `openssl` and the
//! broker's own view; and mutual TLS with the test broker (verify_peer, certificate optional).

mod support;

use std::path::PathBuf;

use amqp_tui::{
    session::{ConnectError, ConnectionDetails, ConnectionSettings},
    tls::{CertificateInfo, ClientCert, Security, TlsMode},
};
use support::{Broker, Session, closed_port, openssl, subject_of};

fn verified(broker: &Broker, tag: &str) -> ConnectionSettings {
    broker.tls(
        tag,
        TlsMode::Verify {
            ca_file: Some(broker.ca()),
        },
    )
}

fn server_certificate(details: &ConnectionDetails) -> CertificateInfo {
    details
        .tls
        .as_ref()
        .expect("TLS details")
        .server_certificate
        .clone()
        .expect("the server certificate was captured")
}

fn sha256_fingerprint(pem: &str) -> String {
    let line = openssl(&["x509", "-noout", "-fingerprint", "-sha256", "-in", pem]);
    let (_, fingerprint) = line.split_once('=').expect("name=fingerprint");
    fingerprint.to_string()
}

#[tokio::test]
async fn a_verified_session_shows_the_certificate_the_broker_presented() {
    let broker = Broker::shared();
    let details = Session::start(verified(&broker, "details-verified"))
        .connected_details()
        .await;
    let tls = details.tls.as_ref().expect("TLS details");
    assert_eq!(
        tls.security,
        Security::TlsVerified {
            ca_file: Some(broker.ca())
        }
    );
    assert_eq!(tls.client_certificate, None);
    // native-tls has no accessor for them: see TlsDetails.
    assert_eq!(
        (tls.protocol.as_deref(), tls.cipher.as_deref()),
        (None, None)
    );

    let cert = server_certificate(&details);
    let server_pem = broker.var("SERVER_CERT");
    assert_eq!(cert.subject, "CN=localhost, O=amqp-tui tests");
    assert_eq!(cert.subject, subject_of(server_pem));
    assert_eq!(cert.issuer, subject_of(broker.var("CA_CERT")));
    assert_eq!(cert.issuer, "CN=amqp-tui test CA, O=amqp-tui tests");
    for san in ["DNS:localhost", "IP:127.0.0.1"] {
        assert!(
            cert.subject_alt_names.iter().any(|s| s == san),
            "{san} missing from {:?}",
            cert.subject_alt_names
        );
    }
    assert_eq!(cert.sha256_fingerprint, sha256_fingerprint(server_pem));
    let not_after =
        chrono::DateTime::parse_from_rfc3339(&cert.not_after).expect("RFC 3339 not_after");
    let not_before =
        chrono::DateTime::parse_from_rfc3339(&cert.not_before).expect("RFC 3339 not_before");
    let now = chrono::Utc::now();
    assert!(not_before < now && now < not_after, "{cert:?}");

    // `localhost` may resolve to ::1 first; the broker listens on 127.0.0.1 only.
    assert_eq!(
        details.peer_addr,
        Some(format!("127.0.0.1:{}", broker.tls_port()))
    );
    assert_eq!(details.heartbeat_secs, Some(60));
}

#[tokio::test]
async fn with_verification_off_the_certificate_is_still_shown() {
    let broker = Broker::shared();
    let details = Session::start(broker.tls("details-noverify", TlsMode::NoVerify))
        .connected_details()
        .await;
    let tls = details.tls.as_ref().expect("TLS details");
    assert_eq!(tls.security, Security::TlsNotVerified);
    let cert = server_certificate(&details);
    assert_eq!(
        cert.sha256_fingerprint,
        sha256_fingerprint(broker.var("SERVER_CERT"))
    );
    assert_eq!(cert.subject, "CN=localhost, O=amqp-tui tests");
}

#[tokio::test]
async fn a_plain_session_has_no_tls_details() {
    let broker = Broker::shared();
    let details = Session::start(broker.plain("details-plain"))
        .connected_details()
        .await;
    assert_eq!(details.tls, None);
    assert_eq!(
        details.peer_addr,
        Some(format!("127.0.0.1:{}", broker.port()))
    );
    assert_eq!(details.heartbeat_secs, Some(60));
}

#[tokio::test]
async fn the_broker_sees_the_client_certificate_we_present() {
    let broker = Broker::shared();
    let settings = ConnectionSettings {
        client_cert: Some(broker.client_cert("CLIENT_CERT", "CLIENT_KEY")),
        ..verified(&broker, "details-mtls")
    };
    let name = format!(
        "amqp-tui {}/{}",
        settings.routing.exchange,
        settings.routing.key()
    );
    let mut session = Session::start(settings);
    let details = session.connected_details().await;
    let expected = subject_of(broker.var("CLIENT_CERT"));
    assert_eq!(expected, "CN=amqp-tui-client, O=amqp-tui tests");
    let tls = details.tls.as_ref().expect("TLS details");
    assert_eq!(tls.client_certificate.as_deref(), Some(expected.as_str()));

    // `name` in rabbitmqctl is the socket pair; ours is in the client properties. Quoted,
    // because names end in a counter and "-1" is a prefix of "-12".
    let listing = broker.ctl(&["list_connections", "peer_cert_subject", "client_properties"]);
    let row = listing
        .lines()
        .find(|line| line.contains(&format!("\"{name}\"")))
        .unwrap_or_else(|| panic!("connection '{name}' not listed:\n{listing}"));
    let ours = row.split('\t').next().expect("a peer_cert_subject column");
    // RabbitMQ writes RFC 4514 without the space after the comma.
    assert_eq!(ours.replace(",", ", "), expected, "{listing}");
}

#[tokio::test]
async fn a_client_certificate_from_another_ca_is_refused_by_the_broker() {
    let broker = Broker::shared();
    let settings = ConnectionSettings {
        client_cert: Some(broker.client_cert("OTHER_CLIENT_CERT", "OTHER_CLIENT_KEY")),
        ..verified(&broker, "details-other-ca")
    };
    let err = Session::start(settings).failure().await;
    // The broker's verdict (TLS alert 48), not a reset connection or a generic failure.
    assert_eq!(
        err,
        ConnectError::TlsClientCertRejected {
            detail: "tlsv1 alert unknown ca".into()
        }
    );
    assert!(err.to_string().contains("refused our client certificate"));
}

/// Points at a port nobody listens on: an attempt to connect would end in `Refused`, so
/// getting the file's own error proves the check happened before any connection.
async fn file_error(broker: &Broker, tag: &str, client_cert: ClientCert) -> ConnectError {
    let settings = ConnectionSettings {
        port: closed_port(),
        client_cert: Some(client_cert),
        ..verified(broker, tag)
    };
    Session::start(settings).failure().await
}

#[tokio::test]
async fn a_missing_client_certificate_file_is_named() {
    let broker = Broker::shared();
    let missing = PathBuf::from(broker.var("BROKER_DIR")).join("tls/no-such-client.pem");
    let files = ClientCert {
        cert_file: missing.clone(),
        key_file: broker.var("CLIENT_KEY").into(),
    };
    let err = file_error(&broker, "details-missing", files).await;
    assert_eq!(err, ConnectError::ClientCertMissing { path: missing });
}

#[tokio::test]
async fn a_pkcs1_key_comes_with_the_conversion_command() {
    let broker = Broker::shared();
    let files = broker.client_cert("CLIENT_CERT", "CLIENT_KEY_PKCS1");
    let key = files.key_file.clone();
    let err = file_error(&broker, "details-pkcs1", files).await;
    assert_eq!(
        err,
        ConnectError::ClientKeyNotPkcs8 {
            path: key.clone(),
            format: "PKCS#1 RSA (BEGIN RSA PRIVATE KEY)".into()
        }
    );
    let command = format!(
        "openssl pkcs8 -topk8 -nocrypt -in {} -out {}",
        key.display(),
        key.with_extension("pk8.pem").display()
    );
    assert!(err.to_string().contains(&command), "{err}");
}

#[tokio::test]
async fn an_encrypted_key_is_named_unsupported() {
    let broker = Broker::shared();
    let files = broker.client_cert("CLIENT_CERT", "CLIENT_KEY_ENCRYPTED");
    let key = files.key_file.clone();
    let err = file_error(&broker, "details-encrypted", files).await;
    assert_eq!(err, ConnectError::ClientKeyEncrypted { path: key });
}

#[tokio::test]
async fn a_key_of_another_certificate_is_named_a_mismatch() {
    let broker = Broker::shared();
    let files = broker.client_cert("CLIENT_CERT", "OTHER_CLIENT_KEY");
    let (cert, key) = (files.cert_file.clone(), files.key_file.clone());
    let err = file_error(&broker, "details-mismatch", files).await;
    assert_eq!(err, ConnectError::ClientKeyMismatch { cert, key });
}
