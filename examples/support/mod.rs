//! What the worker examples share: turning the bench's `--uri` into settings.

use std::str::FromStr;

use amqp_tui::session::ConnectionSettings;
use anyhow::anyhow;
use lapin::uri::AMQPUri;

/// ConnectionSettings from a plain `amqp://` URI (the bench never uses TLS).
pub fn settings_for(uri: &str) -> anyhow::Result<ConnectionSettings> {
    let uri = AMQPUri::from_str(uri).map_err(|e| anyhow!("bad --uri: {e}"))?;
    let authority = uri.authority;
    Ok(ConnectionSettings {
        host: authority.host,
        port: authority.port,
        vhost: uri.vhost,
        user: authority.userinfo.username,
        password: authority.userinfo.password,
        ..ConnectionSettings::default()
    })
}
