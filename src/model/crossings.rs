//! One message followed across tabs: the publishes this app's tabs made lately and the tabs
//! each was seen in, so that the publishing tab's notice and each copy's message view can
//! say where it went. Fed only by `update` (a publish as it goes out, its outcome, every
//! delivery of every tab); read by `ui::seen`.
//!
//! Protocol-neutral: every protocol fills in the exchange and routing key RabbitMQ makes of
//! a publish and of a delivery (an MQTT topic `a/b` is `amq.topic` key `a.b`), so a copy is
//! recognised by those and its body bytes, never by a header: MQTT 3.1.1 has none.

use std::{
    collections::{HashMap, VecDeque},
    hash::{DefaultHasher, Hasher},
};

use chrono::{DateTime, Local, TimeDelta};

use crate::{
    session::{Message, MessagePart, Protocol, PublishPart, PublishRequest},
    text,
};

/// A copy counts when it arrives at most this long after its publish's outcome.
pub const WINDOW: TimeDelta = TimeDelta::seconds(10);
/// How long a publish whose outcome has not come yet takes copies (its outcome may follow
/// its copies: another connection can be quicker than the publisher's confirm).
pub const UNREPORTED: TimeDelta = TimeDelta::seconds(60);
/// Publishes remembered, the oldest forgotten first: with [`MAX_COPIES`], what bounds the
/// memory this takes whatever is published.
pub const MAX_PUBLISHES: usize = 256;
/// Copies of one publish remembered (one publish of N copies reaches each tab N times).
pub const MAX_COPIES: usize = 64;
/// A name from the network is cut short past this many columns in what is shown.
const MAX_NAME: usize = 80;

/// What a copy is recognised by: exchange, routing key and body hashed together, and the
/// body's length. Bodies are not kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct Fingerprint {
    hash: u64,
    len: usize,
}

impl Fingerprint {
    fn of(exchange: &str, routing_key: &str, body: &[u8]) -> Self {
        // SipHash with fixed keys: the same bytes give the same hash in every tab.
        let mut hasher = DefaultHasher::new();
        // Lengths first, so "ab"+"c" and "a"+"bc" differ.
        hasher.write_usize(exchange.len());
        hasher.write(exchange.as_bytes());
        hasher.write_usize(routing_key.len());
        hasher.write(routing_key.as_bytes());
        hasher.write(body);
        Self {
            hash: hasher.finish(),
            len: body.len(),
        }
    }
}

/// One publish, followed.
#[derive(Clone, Debug)]
pub struct Crossing {
    /// The publishing tab's number: fixed for its life, unlike its place in the bar.
    pub tab: u32,
    /// The publish's id in that tab's compose box.
    pub id: u64,
    /// How it was published, in its protocol's words ([`published_as`]). Safe to draw.
    pub published_as: String,
    exchange: String,
    routing_key: String,
    fingerprint: Fingerprint,
    sent_at: DateTime<Local>,
    /// Set by its outcome: a copy received after this is someone else's message.
    until: Option<DateTime<Local>>,
    /// Each tab it was seen in, with how that tab saw it ([`seen_as`], safe to draw): the
    /// first copy of each, in the order they came.
    seen: Vec<(u32, String)>,
    /// The copies recognised, by tab number and sequence number in that tab's log.
    copies: Vec<(u32, u64)>,
}

impl Crossing {
    fn closes_at(&self) -> DateTime<Local> {
        self.until.unwrap_or(self.sent_at + UNREPORTED)
    }

    fn takes(&self, message: &Message) -> bool {
        (self.sent_at..=self.closes_at()).contains(&message.received_at)
            && self.exchange == message.exchange
            && self.routing_key == message.routing_key
    }

    /// How each tab but `except` saw it, in the order they first did.
    pub fn seen_except(&self, except: u32) -> Vec<&str> {
        self.seen
            .iter()
            .filter(|(tab, _)| *tab != except)
            .map(|(_, how)| how.as_str())
            .collect()
    }
}

/// The publishes followed, bounded in count; each takes copies only within its window.
#[derive(Clone, Debug, Default)]
pub struct Crossings {
    /// Oldest first; entry `i` has the serial `first + i`.
    publishes: VecDeque<Crossing>,
    first: u64,
    /// The newest publish of each fingerprint, by serial: one lookup a delivery.
    index: HashMap<Fingerprint, u64>,
    /// The latest moment any publish still takes copies: a delivery received after it is
    /// not even hashed, which is every delivery while nothing was published lately.
    open_until: Option<DateTime<Local>>,
}

impl Crossings {
    /// Publishes remembered: never more than [`MAX_PUBLISHES`].
    pub fn len(&self) -> usize {
        self.publishes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.publishes.is_empty()
    }

    /// Tab `tab` sends `request` at `now`: its copies count from now on.
    pub fn sent(&mut self, tab: u32, request: &PublishRequest, now: DateTime<Local>) {
        if self.publishes.len() >= MAX_PUBLISHES {
            self.forget_oldest();
        }
        let fingerprint = Fingerprint::of(&request.exchange, &request.routing_key, &request.body);
        let serial = self.first + self.publishes.len() as u64;
        self.index.insert(fingerprint, serial);
        self.publishes.push_back(Crossing {
            tab,
            id: request.id,
            published_as: published_as(request),
            exchange: request.exchange.clone(),
            routing_key: request.routing_key.clone(),
            fingerprint,
            sent_at: now,
            until: None,
            seen: Vec::new(),
            copies: Vec::new(),
        });
        self.open_until = self.open_until.max(Some(now + UNREPORTED));
    }

    /// Publish `id` of tab `tab` has its outcome at `now` (copies, N messages, are one
    /// outcome): copies count for [`WINDOW`] more.
    pub fn reported(&mut self, tab: u32, id: u64, now: DateTime<Local>) {
        let Some(crossing) = self
            .publishes
            .iter_mut()
            .rev()
            .find(|c| c.tab == tab && c.id == id)
        else {
            return;
        };
        crossing.until = Some(now + WINDOW);
        self.open_until = self.publishes.iter().map(Crossing::closes_at).max();
    }

    /// `message` arrived in tab `tab`, where its log numbers it `seq`. The hot path: one
    /// comparison while nothing was published lately, one hash and lookup otherwise.
    pub fn delivered(&mut self, tab: u32, seq: u64, message: &Message) {
        if self
            .open_until
            .is_none_or(|until| message.received_at > until)
        {
            return;
        }
        let fingerprint = Fingerprint::of(&message.exchange, &message.routing_key, &message.body);
        let Some(&serial) = self.index.get(&fingerprint) else {
            return;
        };
        let Some(crossing) = self.get_mut(serial) else {
            return;
        };
        if !crossing.takes(message) || crossing.copies.len() >= MAX_COPIES {
            return;
        }
        crossing.copies.push((tab, seq));
        if !crossing.seen.iter().any(|(seen, _)| *seen == tab) {
            crossing.seen.push((tab, seen_as(message)));
        }
    }

    /// The publish of this app's that the broker saw at `now` as `exchange`, `routing_key`
    /// and `body` (the firehose tells it so), if it is still taking copies.
    pub fn published(
        &self,
        exchange: &str,
        routing_key: &str,
        body: &[u8],
        now: DateTime<Local>,
    ) -> Option<&Crossing> {
        if self.open_until.is_none_or(|until| now > until) {
            return None;
        }
        let serial = self
            .index
            .get(&Fingerprint::of(exchange, routing_key, body))?;
        let index = usize::try_from(serial.checked_sub(self.first)?).ok()?;
        let crossing = self.publishes.get(index)?;
        (crossing.sent_at..=crossing.closes_at())
            .contains(&now)
            .then_some(crossing)
    }

    /// Publish `id` of tab `tab`, while it is remembered.
    pub fn of_publish(&self, tab: u32, id: u64) -> Option<&Crossing> {
        self.publishes
            .iter()
            .rev()
            .find(|c| c.tab == tab && c.id == id)
    }

    /// The publish whose copy is the message numbered `seq` in tab `tab`'s log, if any.
    pub fn of_copy(&self, tab: u32, seq: u64) -> Option<&Crossing> {
        self.publishes
            .iter()
            .rev()
            .find(|c| c.copies.contains(&(tab, seq)))
    }

    fn get_mut(&mut self, serial: u64) -> Option<&mut Crossing> {
        let index = usize::try_from(serial.checked_sub(self.first)?).ok()?;
        self.publishes.get_mut(index)
    }

    fn forget_oldest(&mut self) {
        if let Some(old) = self.publishes.pop_front() {
            if self.index.get(&old.fingerprint) == Some(&self.first) {
                self.index.remove(&old.fingerprint);
            }
            self.first += 1;
        }
    }
}

/// How a tab saw a message, in its protocol's words: `AMQP amq.topic test.any`,
/// `MQTT test/any`. Safe to draw. A new protocol is one more arm here.
pub fn seen_as(message: &Message) -> String {
    match &message.part {
        MessagePart::Amqp => amqp(&message.exchange, &message.routing_key),
        MessagePart::Mqtt(facts) => mqtt(&facts.topic),
        MessagePart::Stomp(facts) => {
            let protocol = if facts.websocket {
                Protocol::WebStomp
            } else {
                Protocol::Stomp
            };
            format!("{} {}", protocol.label(), name(&facts.destination))
        }
    }
}

/// How a publish went out, in the words of [`seen_as`].
pub fn published_as(request: &PublishRequest) -> String {
    match &request.part {
        PublishPart::Amqp => amqp(&request.exchange, &request.routing_key),
        PublishPart::Mqtt { topic, .. } => mqtt(topic),
        // The request does not say which transport carries it: STOMP names both.
        PublishPart::Stomp { destination } => {
            format!("{} {}", Protocol::Stomp.label(), name(destination))
        }
    }
}

fn amqp(exchange: &str, routing_key: &str) -> String {
    let exchange = if exchange.is_empty() {
        "(default)".to_string()
    } else {
        name(exchange)
    };
    format!(
        "{} {exchange} {}",
        Protocol::Amqp.label(),
        name(routing_key)
    )
}

fn mqtt(topic: &str) -> String {
    format!("{} {}", Protocol::Mqtt.label(), name(topic))
}

/// A name from the network made safe to draw, and cut short when long.
fn name(raw: &str) -> String {
    let shown = text::visible(raw);
    if text::width(&shown) <= MAX_NAME {
        shown
    } else {
        format!("{}…", text::columns(&shown, 0, MAX_NAME - 1))
    }
}

#[cfg(test)]
#[path = "crossings_tests.rs"]
pub(crate) mod tests;
