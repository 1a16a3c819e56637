//! The saved profiles as the UI holds them, and the form ⇄ profile conversions. Reading
//! and writing the file is `crate::profile`'s job, run by the app, never by `update`.

use std::path::PathBuf;

use tui_input::Input;

use super::{ConnectForm, Field};
use crate::profile::Profile;

#[derive(Clone, Debug, Default)]
pub struct ProfileList {
    pub profiles: Vec<Profile>,
    pub selected: usize,
    /// Why the profiles file could not be used; shown at the top of the list.
    pub problem: Option<String>,
    /// Where the profiles live, for the list's title.
    pub path: Option<PathBuf>,
    /// Saves asked for whose outcome has not come back: saves run off the loop, so only
    /// the last one's outcome may replace the list (an earlier one would undo later edits).
    pub saving: usize,
}

impl ProfileList {
    pub fn selected(&self) -> Option<&Profile> {
        self.profiles.get(self.selected)
    }

    pub fn get(&self, name: &str) -> Option<&Profile> {
        self.profiles.iter().find(|p| p.name == name)
    }

    pub fn select_by(&mut self, step: isize) {
        let n = self.profiles.len() as isize;
        if n > 0 {
            self.selected = (self.selected as isize + step).clamp(0, n - 1) as usize;
        }
    }

    pub fn select_name(&mut self, name: &str) {
        if let Some(i) = self.profiles.iter().position(|p| p.name == name) {
            self.selected = i;
        }
    }

    /// Keeps the selection on a profile after one was removed.
    pub fn clamp_selection(&mut self) {
        self.selected = self.selected.min(self.profiles.len().saturating_sub(1));
    }
}

impl ConnectForm {
    pub fn from_profile(p: &Profile) -> Self {
        let mut form = Self::default();
        let path = |p: &Option<PathBuf>| p.as_ref().map(|p| p.display().to_string());
        let texts = [
            (
                Field::Host,
                Some(crate::session::endpoint::host_field_text(
                    &p.endpoints(),
                    p.port,
                )),
            ),
            (Field::Port, Some(p.port.to_string())),
            (Field::Vhost, Some(p.vhost.clone())),
            (Field::User, Some(p.user.clone())),
            (Field::Password, p.password.clone()),
            (Field::PasswordEnv, p.password_env.clone()),
            (Field::CaFile, path(&p.ca_file)),
            (Field::ClientCert, path(&p.client_cert)),
            (Field::ClientKey, path(&p.client_key)),
            (Field::Heartbeat, Some(p.heartbeat.to_string())),
            (Field::Exchange, Some(p.exchange.clone())),
            (Field::Queue, Some(p.queue.clone())),
            (Field::RoutingKey, Some(p.routing_key.clone())),
            (Field::Topics, Some(p.topics.join(", "))),
            (Field::Destinations, Some(p.destinations.join(", "))),
            (Field::Prefetch, Some(p.prefetch.to_string())),
            (Field::WsPath, Some(p.ws_path.clone())),
            (Field::ManagementUrl, Some(p.management_url.clone())),
            (Field::ManagementUser, Some(p.management_user.clone())),
            (Field::ManagementPassword, p.management_password.clone()),
        ];
        for (field, text) in texts {
            *form.input_mut(field) = Input::new(text.unwrap_or_default());
        }
        // An empty client id in the file keeps the form's generated one.
        if !p.client_id.is_empty() {
            *form.input_mut(Field::ClientId) = Input::new(p.client_id.clone());
        }
        form.protocol = p.protocol;
        form.publish_topic = p.publish_topic.clone();
        form.stomp_ack = p.stomp_ack;
        form.publish_destination = p.publish_destination.clone();
        form.clean_session = p.clean_session;
        form.qos = p.qos;
        form.tls = p.tls;
        form.verify = p.verify;
        form.remember_password = p.remember_password;
        form.exchange_type = p.exchange_type;
        form.source = p.source;
        form.ack = p.ack;
        form.prefetch = p.prefetch;
        form.shuffle = p.shuffle;
        form.port_edited = true;
        form
    }

    /// The form as a profile named `name`; the same rules as connecting, except that a
    /// password variable need not be set yet. The password is kept only if the user
    /// ticked "save password".
    pub fn to_profile(&self, name: &str) -> Result<Profile, (Field, String)> {
        let settings = self.validate_with(|_| Some(String::new()))?;
        // As typed, not the parsed binding: a fanout binding has no key and a headers one
        // keeps its text in arguments, yet the text is still the key to publish with.
        let routing_key = self.value(Field::RoutingKey).to_string();
        let text = |field: Field| self.value(field).trim().to_string();
        let optional = |field: Field| Some(text(field)).filter(|t| !t.is_empty());
        let password = self.value(Field::Password);
        let management = settings.management;
        Ok(Profile {
            name: name.to_string(),
            host: settings.host,
            port: settings.port,
            failover: settings.failover,
            shuffle: settings.shuffle,
            vhost: settings.vhost,
            user: settings.user,
            password: (self.remember_password && !password.is_empty())
                .then(|| password.to_string()),
            remember_password: self.remember_password,
            password_env: optional(Field::PasswordEnv),
            tls: self.tls,
            verify: self.verify,
            ca_file: optional(Field::CaFile).map(PathBuf::from),
            client_cert: optional(Field::ClientCert).map(PathBuf::from),
            client_key: optional(Field::ClientKey).map(PathBuf::from),
            heartbeat: settings.heartbeat_secs,
            prefetch: settings.prefetch,
            exchange: settings.routing.exchange,
            exchange_type: settings.routing.exchange_type,
            queue: settings.routing.queue,
            routing_key,
            source: settings.routing.source,
            ack: settings.routing.ack,
            protocol: settings.protocol,
            client_id: settings.mqtt.client_id,
            clean_session: settings.mqtt.clean_session,
            topics: settings.mqtt.subscriptions,
            qos: settings.mqtt.qos,
            publish_topic: settings.mqtt.publish_topic,
            destinations: settings.stomp.destinations,
            stomp_ack: settings.stomp.ack,
            publish_destination: settings.stomp.publish_destination,
            ws_path: settings.stomp.ws_path,
            management_url: management.url,
            management_user: management.user,
            management_password: (self.remember_password && !management.password.is_empty())
                .then_some(management.password),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::amqp::ExchangeType;

    fn everything_set() -> Profile {
        Profile {
            name: "prod-eu".into(),
            host: "rabbit.example".into(),
            port: 15671,
            vhost: "orders".into(),
            user: "ops".into(),
            password: Some("s3cret".into()),
            remember_password: true,
            password_env: Some("RABBIT_PW".into()),
            tls: true,
            verify: false,
            ca_file: Some("/etc/ca.pem".into()),
            client_cert: Some("/etc/client.pem".into()),
            client_key: Some("/etc/client.key".into()),
            heartbeat: 17,
            prefetch: 33,
            exchange: "logs".into(),
            exchange_type: ExchangeType::Topic,
            queue: "tap".into(),
            routing_key: "eu.#".into(),
            source: crate::amqp::Source::Queue,
            ack: crate::amqp::AckMode::NoAck,
            management_url: "https://mgmt.example:15671".into(),
            management_user: "monitor".into(),
            management_password: Some("mgmt-s3cret".into()),
            ..Profile::default()
        }
    }

    #[test]
    fn every_profile_field_survives_the_form() {
        let profile = everything_set();
        let back = ConnectForm::from_profile(&profile)
            .to_profile("prod-eu")
            .expect("valid");
        assert_eq!(back, profile);
    }

    #[test]
    fn every_mqtt_field_survives_the_form() {
        let profile = Profile {
            name: "plant".into(),
            protocol: crate::session::Protocol::Mqtt,
            port: 8883,
            tls: true,
            ca_file: Some("/etc/ca.pem".into()),
            client_id: "tui-7".into(),
            clean_session: false,
            topics: vec!["plant/+/temp".into(), "alarms/#".into()],
            qos: 0,
            publish_topic: "plant/7/cmd".into(),
            ..Profile::default()
        };
        let back = ConnectForm::from_profile(&profile)
            .to_profile("plant")
            .expect("valid");
        assert_eq!(back, profile);
    }

    #[test]
    fn the_password_is_kept_only_when_the_user_asks() {
        let mut form = ConnectForm::from_profile(&everything_set());
        form.remember_password = false;
        let profile = form.to_profile("p").expect("valid");
        assert_eq!(profile.password, None);
        assert_eq!(profile.management_password, None);
        assert_eq!(profile.management_user, "monitor");
        assert!(!profile.remember_password);
    }

    #[test]
    fn the_key_is_kept_whatever_the_exchange_type() {
        for exchange_type in [ExchangeType::Fanout, ExchangeType::Headers] {
            let profile = Profile {
                exchange: String::new(),
                exchange_type,
                routing_key: "x-match=any, kind=order".into(),
                source: crate::amqp::Source::Queue,
                ..everything_set()
            };
            let back = ConnectForm::from_profile(&profile)
                .to_profile("prod-eu")
                .expect("valid");
            assert_eq!(back.routing_key, profile.routing_key, "{exchange_type}");
        }
    }
}
