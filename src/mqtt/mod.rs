//! MQTT 3.1.1 sessions, through rumqttc: only this folder touches rumqttc.

pub mod connect;
mod link;
mod publisher;
pub mod topic;
pub mod worker;

pub use link::MQTT_EXCHANGE;

use crate::profile::{DEFAULT_PUBLISH_TOPIC, DEFAULT_TOPIC_FILTER};

/// What an MQTT session needs beyond the fields every protocol shares.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MqttOptions {
    /// Empty: one is generated when connecting.
    pub client_id: String,
    /// Start without the broker's state for this client id (and leave none behind).
    pub clean_session: bool,
    /// The topic filters subscribed to.
    pub subscriptions: Vec<String>,
    /// The QoS of the subscriptions and, by default, of the compose box's publishes.
    pub qos: u8,
    /// The compose box's topic.
    pub publish_topic: String,
}

impl Default for MqttOptions {
    fn default() -> Self {
        Self {
            client_id: String::new(),
            clean_session: true,
            subscriptions: vec![DEFAULT_TOPIC_FILTER.into()],
            qos: 1,
            publish_topic: DEFAULT_PUBLISH_TOPIC.into(),
        }
    }
}
