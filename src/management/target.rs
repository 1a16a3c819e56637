//! Where the management API is and as whom to ask, resolved once from a session's
//! settings: the URL (given, or the default for the session's host and TLS), the user and
//! password, the session's TLS trust, and the limits every request keeps to.

use std::{fmt, time::Duration};

use url::Url;

use crate::{
    session::ConnectionSettings,
    tls::{TlsMode, trust::Trust},
};

/// The management plugin's conventional ports (one definition, beside the default URL).
pub use crate::session::settings::{
    MANAGEMENT_PORT as DEFAULT_PORT, MANAGEMENT_TLS_PORT as DEFAULT_TLS_PORT,
};
/// A refresh that takes longer than this is reported, never waited on for ever.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
/// A reply larger than this is refused while it is read: a misconfigured proxy or a
/// gigantic vhost must not take the app's memory.
pub const DEFAULT_REPLY_LIMIT: usize = 64 << 20;

/// Where and as whom to ask: resolved from a session's settings (its management URL, or
/// the default for its host and TLS; its user and password unless others are given).
#[derive(Clone)]
pub struct ManagementTarget {
    /// Ends in `/`, carries no user info: endpoints are joined onto it.
    pub(super) base: Url,
    pub(super) user: String,
    pub(super) password: String,
    pub(super) trust: Trust,
    pub(super) timeout: Duration,
    pub(super) reply_limit: usize,
}

// By hand: the password must never reach a log through `{:?}`.
impl fmt::Debug for ManagementTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ManagementTarget")
            .field("url", &self.base.as_str())
            .field("user", &self.user)
            .field("password", &"<redacted>")
            .field("tls", &self.trust.mode)
            .field("timeout", &self.timeout)
            .field("reply_limit", &self.reply_limit)
            .finish()
    }
}

impl ManagementTarget {
    /// Resolves the target, or says which field is wrong and what to do.
    pub fn from_settings(settings: &ConnectionSettings) -> Result<Self, String> {
        let (base, user, password) = resolve_url(settings)?;
        Ok(Self {
            trust: trust_for(settings, base.scheme() == "https")?,
            base,
            user,
            password,
            timeout: DEFAULT_TIMEOUT,
            reply_limit: DEFAULT_REPLY_LIMIT,
        })
    }

    /// Checks the URL alone (not the TLS files, which the session reports itself): for
    /// `--management` on the command line.
    pub fn check_url(settings: &ConnectionSettings) -> Result<(), String> {
        resolve_url(settings).map(|_| ())
    }

    /// The URL as shown to the user: never with a password.
    pub fn display_url(&self) -> String {
        self.base.as_str().trim_end_matches('/').to_string()
    }

    /// The user the API is asked as.
    pub fn user(&self) -> &str {
        &self.user
    }

    /// How long one refresh (all its requests) may take; tests shorten it.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The largest reply read, in bytes.
    pub fn with_reply_limit(mut self, bytes: usize) -> Self {
        self.reply_limit = bytes;
        self
    }
}

/// The base URL (no user info, ending in `/`), the user and the password.
fn resolve_url(settings: &ConnectionSettings) -> Result<(Url, String, String), String> {
    let given = settings.management.url.trim();
    let text = if given.is_empty() {
        default_url(settings)
    } else {
        given.to_string()
    };
    let shown = crate::text::visible(&crate::session::uri::redacted(&text));
    let mut url = Url::parse(&text).map_err(|err| {
        format!(
            "Management URL: '{shown}' does not parse ({err}). Give one like http://HOST:15672 or https://HOST:15671, or leave it empty for the session's host."
        )
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!(
            "Management URL: '{shown}' is {}://, not http:// or https://. Give one like http://HOST:15672 or https://HOST:15671.",
            crate::text::visible(url.scheme())
        ));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(format!(
            "Management URL: '{shown}' names no host. Give one like http://HOST:15672."
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(format!(
            "Management URL: '{shown}' has a query or fragment; give the API's base URL only, like http://HOST:15672 (or http://HOST/rabbitmq/ behind a proxy)."
        ));
    }
    let decode = |s: &str, field: &str| {
        percent_encoding::percent_decode_str(s)
            .decode_utf8()
            .map(|s| s.into_owned())
            .map_err(|_| {
                format!("Management URL: its {field} holds percent-escapes that are not UTF-8.")
            })
    };
    let url_user = decode(url.username(), "user name")?;
    let url_password = decode(url.password().unwrap_or_default(), "password")?;
    let pick = |a: String, b: &str, c: &str| {
        if !a.is_empty() {
            a
        } else if !b.is_empty() {
            b.to_string()
        } else {
            c.to_string()
        }
    };
    let user = pick(url_user, &settings.management.user, &settings.user);
    let password = pick(
        url_password,
        &settings.management.password,
        &settings.password,
    );
    // Neither can fail on an http(s) URL with a host.
    let _ = url.set_username("");
    let _ = url.set_password(None);
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    Ok((url, user, password))
}

/// `http://HOST:15672`, or `https://HOST:15671` when the session uses TLS.
fn default_url(settings: &ConnectionSettings) -> String {
    let tls = settings.tls != TlsMode::Off;
    format!(
        "{}/",
        crate::session::settings::default_management_url(&settings.host, tls)
    )
}

/// The session's trust (CA file alone, verification off, client certificate), loaded
/// now so a bad file is named before any request. An https URL for a plain session is
/// verified against the system store, as a browser would.
fn trust_for(settings: &ConnectionSettings, https: bool) -> Result<Trust, String> {
    let mut settings = settings.clone();
    if https && settings.tls == TlsMode::Off {
        settings.tls = TlsMode::Verify { ca_file: None };
    }
    if !https {
        settings.tls = TlsMode::Off;
    }
    Trust::load(&settings).map_err(|err| format!("Management URL: {err}"))
}

#[cfg(test)]
#[path = "target_tests.rs"]
mod tests;
