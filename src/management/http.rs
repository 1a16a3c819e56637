//! One GET against the API: our TLS connector, a deadline, a reply read chunk by chunk
//! under a size limit, and every failure turned into a [`ManagementError`] the user can
//! act on.

use std::error::Error as _;

use reqwest::{Client, StatusCode};

use super::{ManagementError, ManagementTarget};
use crate::session::{ConnectError, Protocol};

/// What one endpoint answered.
pub(super) enum Reply {
    /// A 2xx JSON body.
    Body(Vec<u8>),
    /// 401 or 403 about this part only: the view shows it as not permitted.
    NotPermitted(u16),
}

/// A client for one refresh: connections are kept alive across its requests.
pub(super) fn client(target: &ManagementTarget) -> Result<Client, ManagementError> {
    let mut builder = Client::builder()
        .connect_timeout(target.timeout)
        .timeout(target.timeout)
        // A redirect to a login page must show as what it is, not be followed.
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("amqp-tui/", env!("CARGO_PKG_VERSION")));
    if target.trust.is_on() {
        let connector = target
            .trust
            .connector()
            .map_err(|source| ManagementError::Tls {
                url: target.display_url(),
                source,
            })?;
        builder = builder.use_preconfigured_tls(connector);
    }
    builder
        .build()
        .map_err(|err| ManagementError::Other(format!("cannot set up the HTTP client: {err}")))
}

/// GETs `endpoint` (relative to the base URL, e.g. `api/queues/%2F`).
pub(super) async fn get(
    client: &Client,
    target: &ManagementTarget,
    endpoint: &str,
    vhost: &str,
) -> Result<Reply, ManagementError> {
    let url = target.display_url();
    let shown_endpoint = format!("/{endpoint}");
    let full = target
        .base
        .join(endpoint)
        .map_err(|err| ManagementError::Other(format!("bad endpoint {endpoint}: {err}")))?;
    let request = client
        .get(full)
        .basic_auth(&target.user, Some(&target.password))
        .header(reqwest::header::ACCEPT, "application/json");
    let mut response = request
        .send()
        .await
        .map_err(|err| transport(&err, target))?;
    let status = response.status();
    let content_type = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("no content type")
        .to_string();
    let body = read_limited(&mut response, target, &shown_endpoint).await?;
    let is_json = content_type.contains("json");
    if status.is_success() {
        if !is_json {
            return Err(not_json(
                target,
                &shown_endpoint,
                status,
                &content_type,
                &body,
            ));
        }
        return Ok(Reply::Body(body));
    }
    let reason = if is_json { error_reason(&body) } else { None };
    let user = target.user.clone();
    match status {
        StatusCode::UNAUTHORIZED => match reason.as_deref() {
            Some(r) if r.contains("Not management user") => {
                Err(ManagementError::NotManagementUser { url, user })
            }
            Some(r) if r.contains("virtual host") => Err(ManagementError::VhostNotPermitted {
                url,
                user,
                vhost: crate::text::visible(vhost),
            }),
            // Another part refused (an administrator-only endpoint, ...): that part only.
            Some(r) if !r.contains("Login failed") => Ok(Reply::NotPermitted(401)),
            _ => Err(ManagementError::Unauthorized { url, user }),
        },
        StatusCode::FORBIDDEN => Ok(Reply::NotPermitted(403)),
        StatusCode::NOT_FOUND
            if is_json && endpoint.contains('/') && endpoint != "api/overview" =>
        {
            Err(ManagementError::VhostNotFound {
                url,
                vhost: crate::text::visible(vhost),
            })
        }
        _ if !is_json => Err(not_json(
            target,
            &shown_endpoint,
            status,
            &content_type,
            &body,
        )),
        _ => Err(ManagementError::Status {
            url,
            endpoint: shown_endpoint,
            status: status.as_u16(),
            reason: reason
                .map(|r| format!(" ({})", crate::text::visible(&r)))
                .unwrap_or_default(),
        }),
    }
}

/// PUTs `body` as JSON to `endpoint`; an administrator-only refusal says so.
pub(super) async fn put_json(
    client: &Client,
    target: &ManagementTarget,
    endpoint: &str,
    body: &serde_json::Value,
) -> Result<(), ManagementError> {
    let url = target.display_url();
    let full = target
        .base
        .join(endpoint)
        .map_err(|err| ManagementError::Other(format!("bad endpoint {endpoint}: {err}")))?;
    let mut response = client
        .put(full)
        .basic_auth(&target.user, Some(&target.password))
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .body(body.to_string())
        .send()
        .await
        .map_err(|err| transport(&err, target))?;
    let status = response.status();
    if status.is_success() {
        return Ok(());
    }
    let shown_endpoint = format!("/{endpoint}");
    let answer = read_limited(&mut response, target, &shown_endpoint).await?;
    let reason = error_reason(&answer);
    match status {
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN
            if reason
                .as_deref()
                .is_none_or(|r| !r.contains("Login failed")) =>
        {
            Err(ManagementError::NotAdministrator {
                url,
                user: target.user.clone(),
            })
        }
        StatusCode::UNAUTHORIZED => Err(ManagementError::Unauthorized {
            url,
            user: target.user.clone(),
        }),
        _ => Err(ManagementError::Status {
            url,
            endpoint: shown_endpoint,
            status: status.as_u16(),
            reason: reason
                .map(|r| format!(" ({})", crate::text::visible(&r)))
                .unwrap_or_default(),
        }),
    }
}

/// Reads the body chunk by chunk, refusing it as soon as it passes the limit, so a reply
/// of any size costs at most the limit in memory.
async fn read_limited(
    response: &mut reqwest::Response,
    target: &ManagementTarget,
    endpoint: &str,
) -> Result<Vec<u8>, ManagementError> {
    let too_large = || ManagementError::TooLarge {
        url: target.display_url(),
        endpoint: endpoint.to_string(),
        limit_mib: target.reply_limit >> 20,
    };
    if response
        .content_length()
        .is_some_and(|n| n > target.reply_limit as u64)
    {
        return Err(too_large());
    }
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|err| transport(&err, target))?
    {
        if body.len() + chunk.len() > target.reply_limit {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// The `reason` of the API's JSON error body (`{"error": …, "reason": …}`).
fn error_reason(body: &[u8]) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct ApiError {
        reason: Option<serde_json::Value>,
    }
    let parsed: ApiError = serde_json::from_slice(body).ok()?;
    match parsed.reason? {
        serde_json::Value::String(s) => Some(s),
        other => Some(other.to_string()),
    }
}

pub(super) fn not_json(
    target: &ManagementTarget,
    endpoint: &str,
    status: StatusCode,
    content_type: &str,
    body: &[u8],
) -> ManagementError {
    const PREVIEW_BYTES: usize = 120;
    let preview = crate::text::body_preview(&body[..body.len().min(PREVIEW_BYTES)]);
    ManagementError::NotJson {
        url: target.display_url(),
        endpoint: endpoint.to_string(),
        status: status.as_u16(),
        content_type: crate::text::visible(content_type),
        preview: if body.len() > PREVIEW_BYTES && !preview.ends_with('…') {
            format!("{preview}…")
        } else {
            preview
        },
    }
}

/// A failure below HTTP: refused, timed out, TLS, ... The TLS library's words are
/// classified exactly as for the sessions.
fn transport(err: &reqwest::Error, target: &ManagementTarget) -> ManagementError {
    let url = target.display_url();
    if err.is_timeout() {
        return ManagementError::Timeout {
            url,
            secs: target.timeout.as_secs().max(1),
        };
    }
    let mut chain = Vec::new();
    let mut io_kind = None;
    let mut source = err.source();
    while let Some(cause) = source {
        if let Some(io) = cause.downcast_ref::<std::io::Error>() {
            io_kind.get_or_insert(io.kind());
        }
        chain.push(cause.to_string());
        source = cause.source();
    }
    if io_kind == Some(std::io::ErrorKind::TimedOut) {
        return ManagementError::Timeout {
            url,
            secs: target.timeout.as_secs().max(1),
        };
    }
    if io_kind == Some(std::io::ErrorKind::ConnectionRefused) {
        return ManagementError::Refused { url };
    }
    let detail = crate::text::visible(&chain.join(": "));
    let lower = detail.to_ascii_lowercase();
    let tls_words = ["ssl", "tls", "certificate", "handshake"];
    if target.trust.is_on() && tls_words.iter().any(|w| lower.contains(w)) {
        let host = target.base.host_str().unwrap_or_default().to_string();
        let addr = format!(
            "{host}:{}",
            target.base.port_or_known_default().unwrap_or(0)
        );
        return match target.trust.classify(&detail, Protocol::Amqp, &host, &addr) {
            ConnectError::TlsNotTls { .. } => ManagementError::NotTls { url },
            source => ManagementError::Tls { url, source },
        };
    }
    if err.is_connect() {
        return ManagementError::Unreachable { url, detail };
    }
    ManagementError::Other(format!("Management API at {url}: {detail}"))
}
