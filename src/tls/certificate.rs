//! Turning an X.509 certificate into the strings an operator compares with what
//! `openssl x509` or the broker's own tools print.

use std::net::IpAddr;

use sha2::{Digest, Sha256};
use x509_parser::{
    certificate::X509Certificate,
    extensions::GeneralName,
    objects::{oid_registry, oid2abbrev},
    prelude::FromDer,
    time::ASN1Time,
    x509::{AttributeTypeAndValue, X509Name},
};

use super::details::CertificateInfo;

impl CertificateInfo {
    /// `None` when the bytes are not a certificate we can parse; the connection itself does
    /// not depend on this, so the caller shows the details without it.
    pub fn from_der(der: &[u8]) -> Option<Self> {
        let (_, cert) = X509Certificate::from_der(der).ok()?;
        Some(Self {
            subject: distinguished_name(cert.subject()),
            issuer: distinguished_name(cert.issuer()),
            subject_alt_names: subject_alt_names(&cert),
            not_before: utc(&cert.validity().not_before),
            not_after: utc(&cert.validity().not_after),
            sha256_fingerprint: fingerprint(der),
        })
    }
}

/// RFC 4514 order (most specific first: `CN=localhost, O=amqp-tui tests`), the way
/// RabbitMQ reports peer certificate subjects, with ", " between attributes for reading.
pub fn distinguished_name(name: &X509Name<'_>) -> String {
    let rdns: Vec<String> = name
        .iter_rdn()
        .map(|rdn| rdn.iter().map(attribute).collect::<Vec<_>>().join("+"))
        .collect();
    rdns.into_iter().rev().collect::<Vec<_>>().join(", ")
}

fn attribute(attr: &AttributeTypeAndValue<'_>) -> String {
    let key = oid2abbrev(attr.attr_type(), oid_registry())
        .map(str::to_string)
        .unwrap_or_else(|_| attr.attr_type().to_id_string());
    let value = match attr.as_str() {
        Ok(text) => escape(text),
        // T61/BMP and other string types: their bytes are text often enough to be useful.
        Err(_) => match std::str::from_utf8(attr.as_slice()) {
            Ok(text) => escape(text),
            Err(_) => format!("#{}", hex(attr.as_slice(), "")),
        },
    };
    format!("{key}={value}")
}

/// RFC 4514 section 2.4, so a comma inside a value cannot be read as a separator.
fn escape(value: &str) -> String {
    let last = value.chars().count().saturating_sub(1);
    let mut out = String::with_capacity(value.len());
    for (i, c) in value.chars().enumerate() {
        let special = matches!(c, ',' | '+' | '"' | '\\' | '<' | '>' | ';')
            || (i == 0 && (c == '#' || c == ' '))
            || (i == last && c == ' ');
        if special {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn subject_alt_names(cert: &X509Certificate<'_>) -> Vec<String> {
    let Ok(Some(san)) = cert.subject_alternative_name() else {
        return Vec::new();
    };
    san.value
        .general_names
        .iter()
        .filter_map(|name| match name {
            GeneralName::DNSName(dns) => Some(format!("DNS:{dns}")),
            GeneralName::IPAddress(bytes) => ip(bytes).map(|addr| format!("IP:{addr}")),
            GeneralName::RFC822Name(mail) => Some(format!("email:{mail}")),
            GeneralName::URI(uri) => Some(format!("URI:{uri}")),
            _ => None,
        })
        .collect()
}

fn ip(bytes: &[u8]) -> Option<IpAddr> {
    match bytes.len() {
        4 => <[u8; 4]>::try_from(bytes).ok().map(IpAddr::from),
        16 => <[u8; 16]>::try_from(bytes).ok().map(IpAddr::from),
        _ => None,
    }
}

fn utc(time: &ASN1Time) -> String {
    chrono::DateTime::from_timestamp(time.timestamp(), 0)
        .map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_else(|| time.to_string())
}

/// As `openssl x509 -noout -fingerprint -sha256` prints it: `AB:CD:…`.
fn fingerprint(der: &[u8]) -> String {
    hex(&Sha256::digest(der), ":")
}

fn hex(bytes: &[u8], separator: &str) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(separator)
}

/// The subject of the first certificate in a PEM file, for showing which client
/// certificate we present.
pub fn pem_subject(pem: &[u8]) -> Option<String> {
    let (_, block) = x509_parser::pem::parse_x509_pem(pem).ok()?;
    let cert = block.parse_x509().ok()?;
    Some(distinguished_name(cert.subject()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rcgen::{CertificateParams, DnType, KeyPair, SanType, date_time_ymd};

    fn sample() -> (rcgen::Certificate, CertificateInfo) {
        let mut params =
            CertificateParams::new(vec!["localhost".to_string()]).expect("leaf params");
        params
            .subject_alt_names
            .push(SanType::IpAddress("127.0.0.1".parse().expect("ip")));
        params
            .subject_alt_names
            .push(SanType::IpAddress("::1".parse().expect("ip")));
        params.distinguished_name = rcgen::DistinguishedName::new();
        params
            .distinguished_name
            .push(DnType::OrganizationName, "Acme, Inc.");
        params
            .distinguished_name
            .push(DnType::CommonName, "localhost");
        params.not_before = date_time_ymd(2024, 11, 24);
        params.not_after = date_time_ymd(2034, 1, 2);
        let key = KeyPair::generate().expect("key");
        let cert = params.self_signed(&key).expect("self-sign");
        let info = CertificateInfo::from_der(cert.der()).expect("parses");
        (cert, info)
    }

    #[test]
    fn names_are_most_specific_first_and_escaped() {
        let (_, info) = sample();
        assert_eq!(info.subject, r"CN=localhost, O=Acme\, Inc.");
        assert_eq!(info.issuer, info.subject, "self-signed");
    }

    #[test]
    fn alt_names_validity_and_fingerprint_read_like_openssl() {
        let (cert, info) = sample();
        assert_eq!(
            info.subject_alt_names,
            ["DNS:localhost", "IP:127.0.0.1", "IP:::1"]
        );
        assert_eq!(info.not_before, "2024-11-24T00:00:00Z");
        assert_eq!(info.not_after, "2034-01-02T00:00:00Z");
        let fp = &info.sha256_fingerprint;
        assert_eq!(fp.len(), 32 * 3 - 1, "{fp}");
        assert_eq!(fp, &fp.to_uppercase());
        assert_eq!(fp, &hex(&Sha256::digest(cert.der()), ":"));
    }

    #[test]
    fn escape_follows_rfc_4514() {
        assert_eq!(escape(" a+b "), r"\ a\+b\ ");
        assert_eq!(escape("#1"), r"\#1");
        assert_eq!(escape("plain"), "plain");
    }

    #[test]
    fn garbage_is_not_a_certificate() {
        assert_eq!(CertificateInfo::from_der(b"not a certificate"), None);
        assert_eq!(pem_subject(b"nothing here"), None);
    }

    #[test]
    fn pem_subject_reads_the_first_certificate() {
        let (cert, _) = sample();
        assert_eq!(
            pem_subject(cert.pem().as_bytes()).as_deref(),
            Some(r"CN=localhost, O=Acme\, Inc.")
        );
    }
}
