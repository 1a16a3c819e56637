//! The client certificate for mutual TLS: loaded and checked before any connection, so a
//! wrong file is named as such instead of surfacing as a failed handshake.

use std::path::Path;

use tokio_native_tls::native_tls::{Identity, TlsConnector};

use super::{ClientCert, certificate::pem_subject};
use crate::session::ConnectError;

const CERT_BEGIN: &str = "-----BEGIN CERTIFICATE-----";
const PKCS8_BEGIN: &str = "-----BEGIN PRIVATE KEY-----";
const PKCS8_END: &str = "-----END PRIVATE KEY-----";
/// Key formats OpenSSL can convert to PKCS#8, with the name the user knows them by.
const OTHER_KEY_FORMATS: [(&str, &str); 3] = [
    (
        "-----BEGIN RSA PRIVATE KEY-----",
        "PKCS#1 RSA (BEGIN RSA PRIVATE KEY)",
    ),
    (
        "-----BEGIN EC PRIVATE KEY-----",
        "SEC1 EC (BEGIN EC PRIVATE KEY)",
    ),
    (
        "-----BEGIN DSA PRIVATE KEY-----",
        "DSA (BEGIN DSA PRIVATE KEY)",
    ),
];

/// What we present during the handshake, ready to be added to every attempt's builder.
#[derive(Clone)]
pub struct ClientIdentity {
    pub identity: Identity,
    /// Shown in the connection details: which certificate the broker saw.
    pub subject: String,
}

pub fn load(files: &ClientCert) -> Result<ClientIdentity, ConnectError> {
    let cert_path = files.cert_file.as_path();
    let key_path = files.key_file.as_path();
    let cert = read(cert_path, FileRole::Cert)?;
    let key = read(key_path, FileRole::Key)?;
    let text = String::from_utf8_lossy(&cert);
    if !text.contains(CERT_BEGIN) {
        let detail = if text.contains("PRIVATE KEY-----") {
            "it holds a private key"
        } else {
            "no -----BEGIN CERTIFICATE----- block"
        };
        return Err(ConnectError::ClientCertNotPem {
            path: cert_path.into(),
            detail: detail.into(),
        });
    }
    let subject = pem_subject(&cert).ok_or_else(|| ConnectError::ClientCertNotPem {
        path: cert_path.into(),
        detail: "the certificate block does not parse".into(),
    })?;
    let key = pkcs8_block(&key, key_path)?;
    let identity = Identity::from_pkcs8(&cert, key.as_bytes()).map_err(|err| {
        ConnectError::ClientKeyNotPem {
            path: key_path.into(),
            detail: err.to_string(),
        }
    })?;
    check_pair(&identity, files)?;
    Ok(ClientIdentity { identity, subject })
}

#[derive(Clone, Copy)]
enum FileRole {
    Cert,
    Key,
}

fn read(path: &Path, role: FileRole) -> Result<Vec<u8>, ConnectError> {
    std::fs::read(path).map_err(|err| {
        let path = path.into();
        match (role, err.kind()) {
            (FileRole::Cert, std::io::ErrorKind::NotFound) => {
                ConnectError::ClientCertMissing { path }
            }
            (FileRole::Key, std::io::ErrorKind::NotFound) => {
                ConnectError::ClientKeyMissing { path }
            }
            (FileRole::Cert, _) => ConnectError::ClientCertUnreadable {
                path,
                detail: err.to_string(),
            },
            (FileRole::Key, _) => ConnectError::ClientKeyUnreadable {
                path,
                detail: err.to_string(),
            },
        }
    })
}

/// The PKCS#8 block alone: native-tls only accepts a key whose file *starts* with the
/// BEGIN line, and keys exported from PKCS#12 carry "Bag Attributes" text before it.
fn pkcs8_block(key: &[u8], path: &Path) -> Result<String, ConnectError> {
    let text = String::from_utf8_lossy(key);
    let encrypted = text.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----")
        || text.contains("Proc-Type: 4,ENCRYPTED");
    if encrypted {
        return Err(ConnectError::ClientKeyEncrypted { path: path.into() });
    }
    if let (Some(start), Some(end)) = (text.find(PKCS8_BEGIN), text.find(PKCS8_END))
        && start < end
    {
        return Ok(format!("{}\n", &text[start..end + PKCS8_END.len()]));
    }
    if let Some((_, format)) = OTHER_KEY_FORMATS
        .iter()
        .find(|(begin, _)| text.contains(begin))
    {
        return Err(ConnectError::ClientKeyNotPkcs8 {
            path: path.into(),
            format: (*format).into(),
        });
    }
    let detail = if text.contains(CERT_BEGIN) {
        "it holds a certificate, not a private key"
    } else {
        "no -----BEGIN PRIVATE KEY----- block"
    };
    Err(ConnectError::ClientKeyNotPem {
        path: path.into(),
        detail: detail.into(),
    })
}

/// Building a connector is where OpenSSL compares the key with the certificate
/// (`SSL_CTX_use_PrivateKey`): doing it now names the files without touching the network.
fn check_pair(identity: &Identity, files: &ClientCert) -> Result<(), ConnectError> {
    let Err(err) = TlsConnector::builder().identity(identity.clone()).build() else {
        return Ok(());
    };
    let detail = err.to_string();
    if detail.contains("key values mismatch") || detail.contains("KEY_VALUES_MISMATCH") {
        Err(ConnectError::ClientKeyMismatch {
            cert: files.cert_file.clone(),
            key: files.key_file.clone(),
        })
    } else {
        Err(ConnectError::ClientCertUnusable {
            path: files.cert_file.clone(),
            detail,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rcgen::{CertificateParams, KeyPair};
    use std::path::PathBuf;

    struct Dir(PathBuf);

    impl Dir {
        fn new(tag: &str) -> Self {
            let dir = std::env::temp_dir()
                .join(format!("amqp-tui-client-cert-{tag}-{}", std::process::id()));
            std::fs::create_dir_all(&dir).expect("temp dir");
            Self(dir)
        }

        fn file(&self, name: &str, text: &str) -> PathBuf {
            let path = self.0.join(name);
            std::fs::write(&path, text).expect("write");
            path
        }
    }

    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn pair() -> (String, String) {
        let key = KeyPair::generate().expect("key");
        let cert = CertificateParams::new(vec!["client".to_string()])
            .expect("params")
            .self_signed(&key)
            .expect("self-sign");
        (cert.pem(), key.serialize_pem())
    }

    fn load_files(cert_file: PathBuf, key_file: PathBuf) -> Result<ClientIdentity, ConnectError> {
        load(&ClientCert {
            cert_file,
            key_file,
        })
    }

    #[test]
    fn a_matching_pair_loads_with_its_subject() {
        let dir = Dir::new("ok");
        let (cert, key) = pair();
        // Text before the block, as in keys exported from PKCS#12.
        let key = format!("Bag Attributes\n    localKeyID: 01\n{key}");
        let loaded = load_files(dir.file("c.pem", &cert), dir.file("k.pem", &key))
            .map_err(|e| e.to_string())
            .expect("loads");
        assert!(loaded.subject.contains("CN="), "{}", loaded.subject);
    }

    #[test]
    fn each_file_problem_has_its_own_error() {
        let dir = Dir::new("problems");
        let (cert, key) = pair();
        let (_, other_key) = pair();
        let cert_file = dir.file("c.pem", &cert);
        let key_file = dir.file("k.pem", &key);
        let missing = dir.0.join("missing.pem");

        let err = load_files(missing.clone(), key_file.clone()).err();
        assert_eq!(
            err,
            Some(ConnectError::ClientCertMissing {
                path: missing.clone()
            })
        );
        let err = load_files(cert_file.clone(), missing.clone()).err();
        assert_eq!(err, Some(ConnectError::ClientKeyMissing { path: missing }));

        let err = load_files(key_file.clone(), key_file.clone()).err();
        assert!(
            matches!(&err, Some(ConnectError::ClientCertNotPem { detail, .. }) if detail.contains("private key")),
            "{err:?}"
        );
        let err = load_files(cert_file.clone(), cert_file.clone()).err();
        assert!(
            matches!(&err, Some(ConnectError::ClientKeyNotPem { detail, .. }) if detail.contains("certificate")),
            "{err:?}"
        );

        let rsa = dir.file(
            "rsa.key",
            "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n",
        );
        let err = load_files(cert_file.clone(), rsa.clone())
            .err()
            .expect("PKCS#1");
        assert!(
            matches!(err, ConnectError::ClientKeyNotPkcs8 { .. }),
            "{err:?}"
        );
        let rsa_pk8 = dir.0.join("rsa.pk8.pem");
        assert!(
            err.to_string().contains(&format!(
                "openssl pkcs8 -topk8 -nocrypt -in {} -out {}",
                rsa.display(),
                rsa_pk8.display()
            )),
            "{err}"
        );

        let encrypted = dir.file(
            "enc.key",
            "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n",
        );
        let err = load_files(cert_file.clone(), encrypted.clone()).err();
        assert_eq!(
            err,
            Some(ConnectError::ClientKeyEncrypted { path: encrypted })
        );

        let wrong = dir.file("other.key", &other_key);
        let err = load_files(cert_file.clone(), wrong.clone()).err();
        assert_eq!(
            err,
            Some(ConnectError::ClientKeyMismatch {
                cert: cert_file,
                key: wrong
            })
        );
    }
}
