//! TLS for the connection: which certificates to trust, and what a failed handshake means.
//!
//! We build our own native-tls connector instead of lapin's `OwnedTLSConfig` because lapin
//! can only *add* a CA to the system roots and cannot turn verification off; "verified
//! against this CA file" must mean that file alone, as pika's `ca_certs` does.

use std::path::Path;

use tokio_native_tls::native_tls::{Certificate, Protocol, TlsConnector, TlsConnectorBuilder};

use super::{error::ConnectError, settings::TlsMode};

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
pub fn connector_builder(mode: &TlsMode, ca: Option<&Certificate>) -> TlsConnectorBuilder {
    let mut builder = TlsConnector::builder();
    builder.min_protocol_version(Some(Protocol::Tlsv12));
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
/// user can act on.
pub fn classify_handshake(detail: &str, host: &str, addr: &str, trusted: &str) -> ConnectError {
    let lower = detail.to_ascii_lowercase();
    if lower.contains("hostname mismatch") || lower.contains("ip address mismatch") {
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
    } else if lower.contains("wrong version number")
        || lower.contains("packet length too long")
        || lower.contains("unexpected eof")
        || lower.contains("record layer failure")
    {
        ConnectError::TlsNotTls { addr: addr.into() }
    } else {
        ConnectError::TlsHandshake {
            detail: detail.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn openssl_verify_results_map_to_causes() {
        let c = |d: &str| classify_handshake(d, "localhost", "localhost:5671", "ca.pem");
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
            c("ssl3_get_record:wrong version number"),
            ConnectError::TlsNotTls {
                addr: "localhost:5671".into()
            }
        );
    }

    #[test]
    fn ca_file_problems_are_named() {
        let dir = std::env::temp_dir().join(format!("amqp-tui-tls-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
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
        std::fs::remove_dir_all(&dir).ok();
    }
}
