//! Certificates the test broker cannot present (expired, not yet valid, self-signed),
//! served by a bare TLS listener on loopback: what is under test is the client's
//! verification and the message it gives, and the handshake fails before any AMQP.

mod support;

use std::{net::TcpListener, path::PathBuf};

use amqp_tui::{
    session::{ConnectError, ConnectionSettings},
    tls::TlsMode,
};
use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair, date_time_ymd};
use support::Session;
use tokio_native_tls::native_tls::{Identity, TlsAcceptor};

struct TestCa {
    issuer: Issuer<'static, KeyPair>,
    pem_file: PathBuf,
}

fn test_ca(tag: &str) -> TestCa {
    let mut params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "amqp-tui certificate test CA");
    let key = KeyPair::generate().expect("CA key");
    let cert = params.self_signed(&key).expect("CA certificate");
    let pem_file =
        std::env::temp_dir().join(format!("amqp-tui-{tag}-{}-ca.pem", std::process::id()));
    std::fs::write(&pem_file, cert.pem()).expect("write CA");
    TestCa {
        issuer: Issuer::new(params, key),
        pem_file,
    }
}

impl Drop for TestCa {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.pem_file);
    }
}

/// Serves TLS with `cert_pem` on a free loopback port; the client's verdict is all we need.
fn serve(cert_pem: &str, key: &KeyPair) -> u16 {
    let identity = Identity::from_pkcs8(cert_pem.as_bytes(), key.serialize_pem().as_bytes())
        .expect("identity");
    let acceptor = TlsAcceptor::new(identity).expect("acceptor");
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let port = listener.local_addr().expect("addr").port();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(4).flatten() {
            // The client is expected to abort the handshake.
            let _ = acceptor.accept(stream);
        }
    });
    port
}

/// A password that must not appear in any message.
const PASSWORD: &str = "Pw-never-in-a-message";

async fn verdict(ca: &TestCa, port: u16) -> ConnectError {
    verdict_with(ca.pem_file.clone(), port).await
}

async fn verdict_with(ca_file: PathBuf, port: u16) -> ConnectError {
    let settings = ConnectionSettings {
        host: "localhost".into(),
        port,
        password: PASSWORD.into(),
        tls: TlsMode::Verify {
            ca_file: Some(ca_file),
        },
        ..ConnectionSettings::default()
    };
    let err = Session::start(settings).failure().await;
    assert!(!format!("{err} {err:?}").contains(PASSWORD), "{err}");
    err
}

fn leaf_params() -> CertificateParams {
    CertificateParams::new(vec!["localhost".to_string()]).expect("leaf params")
}

/// Serves a `localhost` certificate signed by `ca`, valid between the two dates.
fn serve_signed(ca: &TestCa, from: (i32, u8, u8), until: (i32, u8, u8)) -> u16 {
    let mut params = leaf_params();
    params.not_before = date_time_ymd(from.0, from.1, from.2);
    params.not_after = date_time_ymd(until.0, until.1, until.2);
    let key = KeyPair::generate().expect("key");
    let cert = params.signed_by(&key, &ca.issuer).expect("sign");
    serve(&cert.pem(), &key)
}

#[tokio::test]
async fn an_expired_server_certificate_is_named_expired() {
    let ca = test_ca("expired");
    let err = verdict(&ca, serve_signed(&ca, (2020, 1, 1), (2021, 1, 1))).await;
    assert_eq!(err, ConnectError::TlsExpired);
    assert!(err.to_string().contains("has expired"));
}

#[tokio::test]
async fn a_certificate_from_the_future_is_named_not_yet_valid() {
    let ca = test_ca("future");
    let err = verdict(&ca, serve_signed(&ca, (2090, 1, 1), (2091, 1, 1))).await;
    assert_eq!(err, ConnectError::TlsNotYetValid);
}

#[tokio::test]
async fn a_self_signed_server_certificate_is_named_self_signed() {
    let ca = test_ca("self-signed");
    let key = KeyPair::generate().expect("key");
    let cert = leaf_params().self_signed(&key).expect("self-sign");
    let err = verdict(&ca, serve(&cert.pem(), &key)).await;
    assert_eq!(err, ConnectError::TlsSelfSigned);
    assert!(
        err.to_string()
            .contains("certificate is self-signed and not trusted"),
        "{err}"
    );
}

/// A file in the temp directory with `contents`, removed on drop.
struct TempFile(PathBuf);

impl TempFile {
    fn new(name: &str, contents: &[u8]) -> Self {
        let path = std::env::temp_dir().join(format!("amqp-tui-{}-{name}", std::process::id()));
        std::fs::write(&path, contents).expect("write temp file");
        Self(path)
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

// The CA file tests point at a closed port: getting the file's error rather than
// `Refused` proves the file is checked before any connection.

#[tokio::test]
async fn a_ca_file_that_is_a_private_key_says_so() {
    let broker = support::Broker::shared();
    let key = std::fs::read(broker.var("SERVER_KEY")).expect("read the server key");
    let file = TempFile::new("key-as-ca.pem", &key);
    let err = verdict_with(file.0.clone(), support::closed_port()).await;
    assert_eq!(
        err,
        ConnectError::CaFileNotPem {
            path: file.0.clone(),
            detail: "it holds a private key".into()
        }
    );
    let message = err.to_string();
    assert!(
        message.contains("it holds a private key") && message.contains("not a key"),
        "{message}"
    );
}

#[tokio::test]
async fn a_ca_file_of_garbage_says_it_holds_no_certificate() {
    let file = TempFile::new("garbage-ca.pem", b"\x00\xffnot a certificate\n");
    let err = verdict_with(file.0.clone(), support::closed_port()).await;
    assert_eq!(
        err,
        ConnectError::CaFileNotPem {
            path: file.0.clone(),
            detail: "no -----BEGIN CERTIFICATE----- block".into()
        }
    );
    assert!(
        err.to_string().contains("is not a PEM certificate"),
        "{err}"
    );
}

#[tokio::test]
async fn a_ca_file_with_a_broken_certificate_block_is_not_pem() {
    let file = TempFile::new(
        "broken-ca.pem",
        b"-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n",
    );
    let err = verdict_with(file.0.clone(), support::closed_port()).await;
    assert!(
        matches!(&err, ConnectError::CaFileNotPem { path, .. } if *path == file.0),
        "{err:?}"
    );
    assert!(
        err.to_string().contains(&file.0.display().to_string()),
        "{err}"
    );
}

#[tokio::test]
async fn the_same_certificates_pass_when_verification_is_off() {
    // Verification off must accept the expired certificate: the handshake then completes
    // and the failure is only that this listener does not speak AMQP.
    let ca = test_ca("insecure");
    let settings = ConnectionSettings {
        host: "localhost".into(),
        port: serve_signed(&ca, (2020, 1, 1), (2021, 1, 1)),
        tls: TlsMode::NoVerify,
        ..ConnectionSettings::default()
    };
    let err = Session::start(settings).failure().await;
    assert!(
        matches!(err, ConnectError::HandshakeClosed { .. }),
        "verification off must get past TLS to the AMQP handshake: {err:?}"
    );
}

#[tokio::test]
async fn a_server_that_only_speaks_tls_1_1_is_refused_as_too_old() {
    let server = support::old_tls::OldTlsServer::start();
    assert_eq!(server.protocol_with_an_old_client(), "TLSv1.1");
    // Verification off, so nothing but the protocol version can stand in the way.
    for tls in [
        TlsMode::NoVerify,
        TlsMode::Verify {
            ca_file: Some(support::Broker::shared().ca()),
        },
    ] {
        let settings = ConnectionSettings {
            host: "localhost".into(),
            port: server.port,
            tls,
            ..ConnectionSettings::default()
        };
        let err = Session::start(settings).failure().await;
        assert_eq!(
            err,
            ConnectError::TlsTooOld {
                addr: format!("localhost:{}", server.port)
            }
        );
        let message = err.to_string();
        assert!(
            message.contains("only speaks an old TLS version")
                && message.contains("requires TLS 1.2 or newer"),
            "{message}"
        );
    }
}
