//! TLS for the connection: which certificates to trust, and what a failed handshake means.
//!
//! We build our own native-tls connector instead of lapin's `OwnedTLSConfig` because lapin
//! can only *add* a CA to the system roots and cannot turn verification off; "verified
//! against this CA file" must mean that file alone, as pika's `ca_certs` does.

use std::path::Path;

use tokio_native_tls::native_tls::{Certificate, TlsConnector, TlsConnectorBuilder};

use super::{TlsMode, client_cert::ClientIdentity};
use crate::session::{ConnectError, Protocol};

/// Reads and parses a CA file up front so a bad path fails with a message about the file,
/// not about a handshake.
pub fn load_ca(path: &Path) -> Result<Certificate, ConnectError> {
    let pem = std::fs::read(path).map_err(|err| match err.kind() {
        std::io::ErrorKind::NotFound => ConnectError::CaFileMissing { path: path.into() },
        _ => ConnectError::CaFileUnreadable {
            path: path.into(),
            detail: err.to_string(),
        },
    })?;
    if !pem
        .windows(b"-----BEGIN CERTIFICATE-----".len())
        .any(|w| w == b"-----BEGIN CERTIFICATE-----")
    {
        let detail = if pem
            .windows(b"PRIVATE KEY-----".len())
            .any(|w| w == b"PRIVATE KEY-----")
        {
            "it holds a private key"
        } else {
            "no -----BEGIN CERTIFICATE----- block"
        };
        return Err(ConnectError::CaFileNotPem {
            path: path.into(),
            detail: detail.into(),
        });
    }
    Certificate::from_pem(&pem).map_err(|err| ConnectError::CaFileNotPem {
        path: path.into(),
        detail: err.to_string(),
    })
}

/// A fresh builder for each attempt: lapin calls the connect function again on every
/// reconnect, and native-tls builders cannot be cloned.
pub fn connector_builder(
    mode: &TlsMode,
    ca: Option<&Certificate>,
    client: Option<&ClientIdentity>,
) -> TlsConnectorBuilder {
    let mut builder = TlsConnector::builder();
    // TLS 1.2 at least, for every protocol: older versions are broken.
    builder.min_protocol_version(Some(tokio_native_tls::native_tls::Protocol::Tlsv12));
    if let Some(client) = client {
        builder.identity(client.identity.clone());
    }
    match mode {
        TlsMode::Verify { ca_file: Some(_) } => {
            builder.disable_built_in_roots(true);
            if let Some(ca) = ca {
                builder.add_root_certificate(ca.clone());
            }
        }
        TlsMode::Verify { ca_file: None } | TlsMode::Off => {}
        TlsMode::NoVerify => {
            builder.danger_accept_invalid_certs(true);
            builder.danger_accept_invalid_hostnames(true);
        }
    }
    builder
}

/// Turns OpenSSL's verify result (the text in parentheses of its error) into a cause the
/// user can act on. `presented` says whether we sent a client certificate: the alerts a
/// server sends about it only mean "your certificate" if there was one.
pub fn classify_handshake(
    detail: &str,
    protocol: Protocol,
    host: &str,
    addr: &str,
    trusted: &str,
    presented: bool,
) -> ConnectError {
    let lower = detail.to_ascii_lowercase();
    if let Some(cause) = classify_alert(detail, presented) {
        cause
    } else if lower.contains("hostname mismatch") || lower.contains("ip address mismatch") {
        ConnectError::TlsNameMismatch { host: host.into() }
    } else if lower.contains("certificate has expired") {
        ConnectError::TlsExpired
    } else if lower.contains("certificate is not yet valid") {
        ConnectError::TlsNotYetValid
    } else if lower.contains("self-signed certificate") || lower.contains("self signed certificate")
    {
        if lower.contains("in certificate chain") {
            ConnectError::TlsUnknownIssuer {
                trusted: trusted.into(),
            }
        } else {
            ConnectError::TlsSelfSigned
        }
    } else if lower.contains("unable to get local issuer")
        || lower.contains("unable to get issuer")
        || lower.contains("unable to verify the first certificate")
    {
        ConnectError::TlsUnknownIssuer {
            trusted: trusted.into(),
        }
    } else if lower.contains("alert protocol version")
        || lower.contains("unsupported protocol")
        || lower.contains("no protocols available")
    {
        // Our minimum is TLS 1.2 and we offer 1.3, so the server's versions are older:
        // it says so with alert 70, or answers 1.0/1.1 and our side refuses.
        ConnectError::TlsTooOld { addr: addr.into() }
    } else if lower.contains("wrong version number")
        || lower.contains("packet length too long")
        || lower.contains("unexpected eof")
        || lower.contains("record layer failure")
    {
        ConnectError::TlsNotTls {
            addr: addr.into(),
            protocol,
        }
    } else {
        ConnectError::TlsHandshake {
            detail: detail.into(),
        }
    }
}

/// Alerts the broker sends when it will not accept our client certificate. With TLS 1.3
/// the server judges it after our side of the handshake is done, so these arrive on
/// lapin's first read, if a connection reset does not swallow them (see `connect::Probe`).
/// "handshake failure" can also mean no common cipher; with a certificate presented the
/// certificate is the likelier cause.
const CLIENT_CERT_ALERTS: [&str; 6] = [
    "alert unknown ca",
    "alert bad certificate",
    "alert certificate unknown",
    "alert unsupported certificate",
    "alert handshake failure",
    "alert decrypt error",
];

/// The alerts about our client certificate: the broker wants one, or refused ours.
pub fn classify_alert(detail: &str, presented: bool) -> Option<ConnectError> {
    let lower = detail.to_ascii_lowercase();
    if lower.contains("alert certificate required") {
        return Some(if presented {
            ConnectError::TlsClientCertRejected {
                detail: alert_text(&lower),
            }
        } else {
            ConnectError::TlsClientCertRequired
        });
    }
    // Expired or revoked alerts are about our certificate too: the server's own is checked
    // by us, and those failures say "certificate verify failed", not "alert".
    let about_ours = CLIENT_CERT_ALERTS.iter().any(|a| lower.contains(a))
        || lower.contains("alert certificate expired")
        || lower.contains("alert certificate revoked");
    (presented && about_ours).then(|| ConnectError::TlsClientCertRejected {
        detail: alert_text(&lower),
    })
}

/// `tlsv1 alert unknown ca` out of OpenSSL's long error string.
fn alert_text(lower: &str) -> String {
    lower
        .split(':')
        .find(|part| part.contains("alert "))
        .map(|part| part.trim().to_string())
        .unwrap_or_else(|| lower.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn openssl_verify_results_map_to_causes() {
        let c = |d: &str| {
            classify_handshake(
                d,
                Protocol::Amqp,
                "localhost",
                "localhost:5671",
                "ca.pem",
                false,
            )
        };
        assert_eq!(
            c(
                "error:0A000086:SSL routines:tls_post_process_server_certificate:certificate verify failed:../ssl/statem/statem_clnt.c:1889: (unable to get local issuer certificate)"
            ),
            ConnectError::TlsUnknownIssuer {
                trusted: "ca.pem".into()
            }
        );
        assert_eq!(
            c("certificate verify failed: (Hostname mismatch)"),
            ConnectError::TlsNameMismatch {
                host: "localhost".into()
            }
        );
        assert_eq!(
            c("certificate verify failed: (certificate has expired)"),
            ConnectError::TlsExpired
        );
        assert_eq!(
            c("certificate verify failed: (self-signed certificate)"),
            ConnectError::TlsSelfSigned
        );
        assert_eq!(
            c(
                "error:0A00042E:SSL routines:ssl3_read_bytes:tlsv1 alert protocol version:../ssl/record/rec_layer_s3.c:1602:SSL alert number 70"
            ),
            ConnectError::TlsTooOld {
                addr: "localhost:5671".into()
            }
        );
        assert_eq!(
            c("ssl_choose_client_version:unsupported protocol"),
            ConnectError::TlsTooOld {
                addr: "localhost:5671".into()
            }
        );
        assert_eq!(
            c("ssl3_get_record:wrong version number"),
            ConnectError::TlsNotTls {
                addr: "localhost:5671".into(),
                protocol: Protocol::Amqp,
            }
        );
    }

    #[test]
    fn alerts_about_our_certificate_name_the_client_certificate() {
        let unknown_ca = "error:0A000418:SSL routines:ssl3_read_bytes:tlsv1 alert unknown ca:../ssl/record/rec_layer_s3.c:1605:SSL alert number 48";
        assert_eq!(
            classify_alert(unknown_ca, true),
            Some(ConnectError::TlsClientCertRejected {
                detail: "tlsv1 alert unknown ca".into()
            })
        );
        assert_eq!(
            classify_handshake(
                unknown_ca,
                Protocol::Amqp,
                "localhost",
                "localhost:5671",
                "ca.pem",
                true
            ),
            ConnectError::TlsClientCertRejected {
                detail: "tlsv1 alert unknown ca".into()
            }
        );
        // Without a certificate of ours, the alert cannot be about it.
        assert_eq!(classify_alert(unknown_ca, false), None);
        let required = "ssl3_read_bytes:tlsv13 alert certificate required:SSL alert number 116";
        assert_eq!(
            classify_alert(required, false),
            Some(ConnectError::TlsClientCertRequired)
        );
        assert!(matches!(
            classify_alert("sslv3 alert handshake failure", true),
            Some(ConnectError::TlsClientCertRejected { .. })
        ));
        assert_eq!(
            classify_alert("certificate verify failed: (certificate has expired)", true),
            None,
            "the server's expired certificate is not ours"
        );
    }

    #[test]
    fn ca_file_problems_are_named() {
        // Removed when dropped, even when an assertion fails.
        let scratch = tempfile::Builder::new()
            .prefix("amqp-tui-tls-")
            .tempdir()
            .expect("temp dir");
        let dir = scratch.path();
        let missing = dir.join("missing.pem");
        assert!(matches!(
            load_ca(&missing),
            Err(ConnectError::CaFileMissing { .. })
        ));
        let key = dir.join("key.pem");
        std::fs::write(
            &key,
            "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
        )
        .expect("write");
        let err = load_ca(&key).err().expect("a key is not a CA");
        assert!(err.to_string().contains("private key"), "{err}");
        let garbage = dir.join("garbage.pem");
        std::fs::write(
            &garbage,
            "-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n",
        )
        .expect("write");
        assert!(matches!(
            load_ca(&garbage),
            Err(ConnectError::CaFileNotPem { .. })
        ));
    }
}
