//! The compose box: body, target exchange and key, delivery mode.

use tui_input::Input;

use crate::amqp::{Properties, PublishRequest, Routing};

#[derive(Clone, Debug)]
pub struct Compose {
    pub body: Input,
    pub exchange: Input,
    pub routing_key: Input,
    pub persistent: bool,
    next_id: u64,
    pub in_flight: usize,
}

impl Compose {
    pub fn for_routing(routing: &Routing) -> Self {
        Self {
            body: Input::default(),
            exchange: Input::new(routing.exchange.clone()),
            routing_key: Input::new(routing.key().to_string()),
            persistent: false,
            next_id: 1,
            in_flight: 0,
        }
    }

    /// Publishes go where the session watches, unless the user changes them.
    pub fn aim_at(&mut self, routing: &Routing) {
        self.exchange = Input::new(routing.exchange.clone());
        self.routing_key = Input::new(routing.key().to_string());
    }

    pub fn delivery_mode_label(&self) -> &'static str {
        if self.persistent {
            "2 persistent"
        } else {
            "1 transient"
        }
    }

    /// The body is kept after publishing, so sending the same message again is one key.
    pub fn request(&mut self) -> Result<PublishRequest, String> {
        let exchange = self.exchange.value();
        let key = self.routing_key.value();
        for (name, value) in [("Exchange", exchange), ("Routing key", key)] {
            if value.len() > 255 {
                return Err(format!(
                    "{name} is {} bytes long: AMQP allows at most 255.",
                    value.len()
                ));
            }
        }
        let id = self.next_id;
        self.next_id += 1;
        self.in_flight += 1;
        Ok(PublishRequest {
            id,
            exchange: exchange.to_string(),
            routing_key: key.to_string(),
            body: self.body.value().as_bytes().to_vec(),
            properties: Properties {
                content_type: Some("text/plain".into()),
                delivery_mode: Some(if self.persistent { 2 } else { 1 }),
                ..Properties::default()
            },
            copies: 1,
        })
    }
}
