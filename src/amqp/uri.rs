//! AMQP URIs as users paste them: `amqp[s]://user:password@host:port/vhost?heartbeat=N`.

use super::settings::{ConnectionSettings, DEFAULT_PORT, DEFAULT_TLS_PORT};

/// Fills `settings` from an AMQP URI the way pika reads one; returns whether it is amqps.
pub fn apply_uri(settings: &mut ConnectionSettings, uri: &str) -> Result<bool, String> {
    let url = url::Url::parse(uri.trim()).map_err(|e| e.to_string())?;
    let tls = match url.scheme() {
        "amqp" => false,
        "amqps" => true,
        other => return Err(format!("scheme '{other}' is not amqp or amqps")),
    };
    let decode = |s: &str| {
        percent_decode(s).ok_or_else(|| "it holds percent-escapes that are not UTF-8".to_string())
    };
    settings.host = match url.host() {
        Some(url::Host::Ipv6(ip)) => ip.to_string(),
        Some(host) => decode(&host.to_string())?,
        None => return Err("it names no host".into()),
    };
    settings.port = url
        .port()
        .unwrap_or(if tls { DEFAULT_TLS_PORT } else { DEFAULT_PORT });
    if !url.username().is_empty() {
        settings.user = decode(url.username())?;
        settings.password = decode(url.password().unwrap_or_default())?;
    }
    let path = url.path().trim_start_matches('/');
    settings.vhost = if path.is_empty() {
        "/".into()
    } else {
        decode(path)?
    };
    for (key, value) in url.query_pairs() {
        if key == "heartbeat" {
            settings.heartbeat_secs = value
                .parse()
                .map_err(|_| format!("heartbeat '{value}' is not a number of seconds"))?;
        }
    }
    Ok(tls)
}

fn percent_decode(s: &str) -> Option<String> {
    percent_encoding::percent_decode_str(s)
        .decode_utf8()
        .ok()
        .map(|decoded| decoded.into_owned())
}
