//! Command-line arguments: everything the form holds, so scripts and demos can launch
//! straight into a session.

pub mod generate;
pub mod password;
mod protocol_flags;
pub mod route;

use std::path::PathBuf;

use clap::Parser;

use crate::{
    amqp::{AckMode, ExchangeType, Source},
    session::{ConnectionSettings, Protocol, uri::apply_uri},
    tls::{ClientCert, TlsMode},
};

#[derive(Debug, Parser)]
#[command(version, about, long_about = None)]
pub struct Cli {
    /// Without a command, the TUI starts
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Broker URI; its scheme picks the protocol: amqp://, amqps://, mqtt://, mqtts://,
    /// stomp://, stomps://, ws:// or wss:// (Web-STOMP; the path is the endpoint, /ws)
    /// (e.g. amqps://guest:guest@localhost:5671/%2f, stomps://guest:guest@localhost:61614/%2f,
    /// wss://guest:guest@localhost:15673/ws); given, the app connects at once. Several
    /// nodes of one cluster go comma-separated, each with its port or the scheme's
    /// (amqp://guest:guest@h1:5672,h2:5673,h3:5674/%2f): tried in order, and the session
    /// fails over to the next when its node goes away
    #[arg(long, env = "AMQP_URL", hide_env_values = true, value_name = "URI")]
    pub uri: Option<String>,
    /// Try the URI's nodes in a shuffled order, so that many clients spread over a cluster
    #[arg(long)]
    pub shuffle: bool,
    /// The broker's management API, for the broker view (default http://HOST:15672, or
    /// https://HOST:15671 when the session uses TLS; the session's user and password
    /// unless the URL carries others)
    #[arg(long, value_name = "URL")]
    pub management: Option<String>,
    /// Verify the server against this CA certificate (PEM) instead of the system store
    #[arg(long, value_name = "FILE")]
    pub ca_cert: Option<PathBuf>,
    /// Use TLS but accept any server certificate (shown in red while connected)
    #[arg(long)]
    pub insecure: bool,
    /// Client certificate (PEM) to present, for brokers that require mutual TLS; needs
    /// --client-key
    #[arg(long, value_name = "FILE", requires = "client_key")]
    pub client_cert: Option<PathBuf>,
    /// Private key (unencrypted PKCS#8 PEM) of the client certificate; needs --client-cert
    #[arg(long, value_name = "FILE", requires = "client_cert")]
    pub client_key: Option<PathBuf>,
    /// Read the password from this environment variable when connecting, if the URI
    /// carries none (e.g. --password-env RABBIT_PASSWORD)
    #[arg(long, value_name = "VAR")]
    pub password_env: Option<String>,
    /// Heartbeat interval in seconds (0 turns heartbeats off)
    #[arg(long, value_name = "SECS")]
    pub heartbeat: Option<u16>,
    /// Exchange to declare and watch (empty: the default exchange)
    #[arg(long)]
    pub exchange: Option<String>,
    /// Exchange type: direct, topic, fanout or headers
    #[arg(long, value_name = "TYPE")]
    pub exchange_type: Option<ExchangeType>,
    /// Queue to declare, exclusive and auto-delete (empty: server-named); with
    /// `--watch queue`, the existing queue to consume
    #[arg(long)]
    pub queue: Option<String>,
    /// What to watch: declare (exchange + own queue, the default), tap (an existing
    /// exchange, never created) or queue (an existing queue)
    #[arg(long, value_name = "SOURCE")]
    pub watch: Option<Source>,
    /// How messages are settled. AMQP (an existing queue): no-ack, auto (take: ack each as
    /// it reaches the UI), manual or peek. STOMP: auto or client (client-individual: a, d
    /// and u settle each message)
    #[arg(long, value_name = "MODE")]
    pub ack: Option<String>,
    /// Virtual host, for a Web-STOMP URI whose path is the endpoint (default /); overrides
    /// the URI's for the other schemes
    #[arg(long, value_name = "VHOST")]
    pub vhost: Option<String>,
    /// Binding for the queue (headers exchange: "x-match=any, k=v"), and the key to
    /// publish with
    #[arg(long, value_name = "KEY")]
    pub routing_key: Option<String>,
    /// Unacknowledged deliveries the broker may push ahead of the UI
    #[arg(long, value_name = "N")]
    pub prefetch: Option<u16>,
    /// MQTT: a topic filter to subscribe to (repeat for several; default test/#)
    #[arg(long, value_name = "FILTER")]
    pub topic: Vec<String>,
    /// MQTT: QoS of the subscriptions and of the compose box's publishes (0 or 1;
    /// RabbitMQ 3.10 downgrades 2 to 1)
    #[arg(long, value_name = "0|1", value_parser = clap::value_parser!(u8).range(0..=2))]
    pub qos: Option<u8>,
    /// MQTT: the topic the compose box publishes to (default test/any)
    #[arg(long, value_name = "TOPIC")]
    pub publish_topic: Option<String>,
    /// MQTT: the client id (default: generated; RabbitMQ disconnects an older connection
    /// with the same id)
    #[arg(long, value_name = "ID")]
    pub client_id: Option<String>,
    /// STOMP: a destination to subscribe to, /exchange/X/KEY, /queue/Q, /amq/queue/Q or
    /// /topic/KEY (repeat for several; default /exchange/testEx/test)
    #[arg(long, value_name = "DEST")]
    pub destination: Vec<String>,
    /// STOMP: the destination the compose box sends to (default /exchange/testEx/test)
    #[arg(long, value_name = "DEST")]
    pub publish_destination: Option<String>,
    /// Fill in the form from the URI but wait for Enter
    #[arg(long)]
    pub no_connect: bool,
    /// Start in this view once the first tab is connected: topology (the broker view, F6)
    #[arg(long, value_name = "VIEW")]
    pub view: Option<StartView>,
    /// How often an open broker view reads the management API again, in seconds (r reads
    /// it at once)
    #[arg(long, value_name = "SECS", default_value_t = 5,
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub refresh: u64,
    /// Messages each tab's pane keeps (the oldest are dropped from view, and counted)
    #[arg(long, value_name = "N", default_value_t = crate::model::message_log::DEFAULT_CAPACITY)]
    pub history: usize,
    /// Body bytes each tab's pane keeps, in MiB
    #[arg(long, value_name = "MIB", default_value_t = 32)]
    pub history_mib: usize,
    /// Broker events that may wait for the UI before the workers slow down
    #[arg(long, value_name = "N", default_value_t = crate::app::EVENT_CAPACITY)]
    pub channel_capacity: usize,
    /// Open a saved profile in a tab and connect; repeat to open several tabs
    #[arg(
        long,
        value_name = "NAME",
        conflicts_with_all = ["management", "ca_cert", "insecure", "client_cert", "client_key", "password_env", "heartbeat", "exchange", "exchange_type", "queue", "routing_key", "prefetch", "watch", "ack", "topic", "qos", "publish_topic", "client_id", "vhost", "destination", "publish_destination"]
    )]
    pub profile: Vec<String>,
    /// Print the saved profiles (never their passwords) and exit
    #[arg(long)]
    pub list_profiles: bool,
    /// Write the log here instead of amqp-tui.log in the state directory
    /// (~/.local/state/amqp-tui on Linux)
    // `hide_env_values`: otherwise --help shows `[env: AMQP_TUI_LOG_FILE=]` when unset.
    #[arg(
        long,
        env = "AMQP_TUI_LOG_FILE",
        hide_env_values = true,
        value_name = "FILE"
    )]
    pub log_file: Option<PathBuf>,
    /// What to log: error, warn, info, debug or trace, or per module ("info,lapin=debug").
    /// Passwords and message bodies are never logged, at any level
    #[arg(
        long,
        env = crate::logging::LEVEL_ENV,
        hide_env_values = true,
        value_name = "LEVEL",
        default_value = "info"
    )]
    pub log_level: String,
    // Not `exclusive`: clap counts AMQP_URL or AMQP_TUI_LOG in the environment as other
    // arguments given. `main` handles these first, so anything else is ignored.
    /// Print a completion script for this shell to stdout and exit
    #[arg(long, value_name = "SHELL")]
    pub completions: Option<clap_complete::Shell>,
    /// Print the manual page (roff) to stdout and exit
    #[arg(long)]
    pub man: bool,
}

/// A password in `--management` is as visible in `ps` and the shell history as one in
/// `--uri`: said, with what to do instead.
pub fn management_password_warning(url: &str) -> Option<String> {
    crate::session::uri::take_password(url)?;
    Some("The password in --management is visible to other local users (ps) while amqp-tui runs and is in your shell history. Leave it out: the session's password is used, or the one in the form's management fields.".into())
}

/// What runs instead of the TUI.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Where would a message go? Simulated over the broker's real bindings (read from
    /// its management API); exits 0 when a queue is reached, 3 when none is
    Route(route::RouteArgs),
}

/// A screen to start in (`--view`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum StartView {
    /// The broker view: exchanges, bindings and queues through the management API.
    Topology,
}

/// What the command line asks for: the form's contents, whether to connect at once, and
/// a problem to show in the UI rather than on stderr (a bad URI keeps the rest usable).
pub struct Launch {
    pub settings: ConnectionSettings,
    /// For the form's "Password from env var" (settings hold only a password).
    pub password_env: Option<String>,
    pub connect_now: bool,
    pub problem: Option<String>,
}

impl Launch {
    /// What the settings cannot carry goes into the form the settings filled.
    pub fn fill_form(&self, form: &mut crate::model::ConnectForm) {
        if let Some(var) = &self.password_env {
            *form.input_mut(crate::model::Field::PasswordEnv) = tui_input::Input::new(var.clone());
        }
    }
}

impl Cli {
    /// See [`management_password_warning`].
    pub fn management_password_warning(&self) -> Option<String> {
        management_password_warning(self.management.as_deref()?)
    }

    pub fn history(&self) -> crate::model::History {
        crate::model::History {
            messages: self.history.max(1),
            bytes: self.history_mib.saturating_mul(1024 * 1024),
        }
    }

    pub fn launch(&self) -> Launch {
        let mut settings = ConnectionSettings::default();
        let mut problem = None;
        let mut tls = self.ca_cert.is_some() || self.insecure || self.client_cert.is_some();
        if let Some(uri) = &self.uri {
            match apply_uri(&mut settings, uri) {
                Ok(false) if tls => {
                    let plain = settings.protocol.scheme(false);
                    let secure = settings.protocol.scheme(true);
                    problem = Some(format!(
                        "--ca-cert, --insecure and --client-cert are for TLS, but the URI is {plain}:// (plain). Use an {secure}:// URI, or switch TLS on below."
                    ));
                }
                Ok(is_tls) => tls = is_tls,
                Err(reason) => {
                    problem = Some(format!(
                        "The URI does not parse: {reason}. Fix the fields below, or pass a URI like amqps://user:pass@host:5671/%2f or mqtts://user:pass@host:8883."
                    ))
                }
            }
        }
        if tls {
            settings.tls = if self.insecure {
                TlsMode::NoVerify
            } else {
                TlsMode::Verify {
                    ca_file: self.ca_cert.clone(),
                }
            };
            if self.uri.is_none() {
                settings.port = settings.protocol.default_port(true);
            }
        }
        settings.shuffle |= self.shuffle;
        if let (Some(cert_file), Some(key_file)) = (&self.client_cert, &self.client_key) {
            settings.client_cert = Some(ClientCert {
                cert_file: cert_file.clone(),
                key_file: key_file.clone(),
            });
        }
        let password_env = self.password_env.clone().filter(|var| !var.is_empty());
        let uri_has_password = self
            .uri
            .as_deref()
            .is_some_and(|uri| crate::session::uri::take_password(uri).is_some());
        if password_env.is_some() && !uri_has_password {
            // Otherwise the default password would win over the variable, as a typed one.
            settings.password.clear();
        }
        if let Some(h) = self.heartbeat {
            settings.heartbeat_secs = h;
        }
        if let Some(p) = self.prefetch {
            settings.prefetch = p.max(1);
        }
        let routing = &mut settings.routing;
        if let Some(e) = &self.exchange {
            routing.exchange = e.clone();
        }
        if let Some(t) = self.exchange_type {
            routing.exchange_type = t;
        }
        if let Some(q) = &self.queue {
            routing.queue = q.clone();
        }
        if let Some(source) = self.watch {
            routing.source = source;
        }
        if let (Some(ack), Protocol::Amqp) = (&self.ack, settings.protocol) {
            match ack.parse::<AckMode>() {
                Ok(ack) => routing.ack = ack,
                Err(why) => problem = Some(format!("--ack: {why}.")),
            }
        }
        if let Some(k) = &self.routing_key {
            match crate::routing::parse_binding(routing.exchange_type, k) {
                Ok(binding) => routing.bindings = vec![binding],
                Err(reason) => problem = Some(format!("--routing-key: {reason}")),
            }
        }
        if let Some(other) = self.wrong_protocol_flags(settings.protocol) {
            problem.get_or_insert(other);
        }
        let mqtt = &mut settings.mqtt;
        if !self.topic.is_empty() {
            mqtt.subscriptions = self.topic.clone();
            for filter in &self.topic {
                if let Err(why) = crate::mqtt::topic::check_filter(filter) {
                    problem.get_or_insert(format!(
                        "--topic '{}' {why}.",
                        crate::text::visible(filter)
                    ));
                }
            }
        }
        if let Some(qos) = self.qos {
            mqtt.qos = qos;
        }
        if let Some(topic) = &self.publish_topic {
            if let Err(why) = crate::mqtt::topic::check_name(topic) {
                problem.get_or_insert(format!(
                    "--publish-topic '{}' {why}.",
                    crate::text::visible(topic)
                ));
            }
            mqtt.publish_topic = topic.clone();
        }
        if let Some(id) = &self.client_id {
            mqtt.client_id = id.clone();
        }
        if let Some(vhost) = &self.vhost {
            settings.vhost = vhost.clone();
        }
        if let Err(why) = self.apply_stomp(&mut settings) {
            problem.get_or_insert(why);
        }
        if let Some(url) = &self.management {
            settings.management.url = url.clone();
            if let Err(why) = crate::management::ManagementTarget::check_url(&settings) {
                problem.get_or_insert(format!("--management: {why}"));
            }
            // Shown on the form and saved in profiles: the password goes where passwords go.
            settings.management = settings.management.clone().password_out_of_url();
        }
        Launch {
            connect_now: self.uri.is_some() && problem.is_none() && !self.no_connect,
            settings,
            password_env,
            problem,
        }
    }
}

#[cfg(test)]
#[path = "management_tests.rs"]
mod management_tests;
#[cfg(test)]
mod tests;
