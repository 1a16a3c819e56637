//! What the bare rumqttc examples share: options from the bench's `mqtt://` URI, with
//! nothing of amqp-tui in them (only rumqttc and url), so they stay a baseline.

use std::time::Duration;

use anyhow::{Context, bail};
use rumqttc::{AsyncClient, EventLoop, MqttOptions};

/// Requests queued between the client handle and the event loop: the app's own figure
/// (src/mqtt/connect.rs), so the pair compares the app's work, not a queue size.
pub const REQUEST_CAPACITY: usize = 64;

/// A client and event loop for `uri` (`mqtt://user:pass@host:port/`, the default vhost;
/// loopback only: this is a load tool).
pub fn client(
    uri: &str,
    client_id: &str,
    clean_session: bool,
) -> anyhow::Result<(AsyncClient, EventLoop)> {
    let url = url::Url::parse(uri).context("bad --uri")?;
    if url.scheme() != "mqtt" {
        bail!("--uri must be mqtt://… (the bench measures plain MQTT)");
    }
    let host = url.host_str().context("--uri names no host")?;
    let mut options = MqttOptions::new(client_id, host, url.port().unwrap_or(1883));
    if !url.username().is_empty() {
        options.set_credentials(url.username(), url.password().unwrap_or_default());
    }
    options
        .set_clean_session(clean_session)
        .set_keep_alive(Duration::from_secs(60));
    Ok(AsyncClient::new(options, REQUEST_CAPACITY))
}

pub fn qos(level: u8) -> anyhow::Result<rumqttc::QoS> {
    match level {
        0 => Ok(rumqttc::QoS::AtMostOnce),
        1 => Ok(rumqttc::QoS::AtLeastOnce),
        _ => bail!("--qos {level}: RabbitMQ 3.10 speaks QoS 0 and 1"),
    }
}

/// Sends DISCONNECT and polls until it is written, for at most 2 s: the figures are out
/// already, so a slow close only delays the next step.
pub async fn disconnect(client: &AsyncClient, eventloop: &mut EventLoop) {
    if client.try_disconnect().is_err() {
        return;
    }
    let bye = async {
        loop {
            match eventloop.poll().await {
                Ok(rumqttc::Event::Outgoing(rumqttc::Outgoing::Disconnect)) | Err(_) => return,
                Ok(_) => {}
            }
        }
    };
    let _ = tokio::time::timeout(Duration::from_secs(2), bye).await;
}
