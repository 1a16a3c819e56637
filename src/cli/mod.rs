//! Command-line arguments: everything the form holds, so scripts and demos can launch
//! straight into a session.

pub mod password;

use std::path::PathBuf;

use clap::Parser;

use crate::amqp::{
    AckMode, ConnectionSettings, ExchangeType, Source, TlsMode, settings::DEFAULT_TLS_PORT,
    uri::apply_uri,
};

#[derive(Debug, Parser)]
#[command(version, about, long_about = None)]
pub struct Cli {
    /// Broker URI, e.g. amqps://guest:guest@localhost:5671/%2f; given, the app connects at once
    #[arg(long, env = "AMQP_URL", hide_env_values = true, value_name = "URI")]
    pub uri: Option<String>,
    /// Verify the server against this CA certificate (PEM) instead of the system store
    #[arg(long, value_name = "FILE")]
    pub ca_cert: Option<PathBuf>,
    /// Use TLS but accept any server certificate (shown in red while connected)
    #[arg(long)]
    pub insecure: bool,
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
    /// How an existing queue's messages are settled: no-ack, auto (take: ack each as it
    /// reaches the UI), manual or peek
    #[arg(long, value_name = "MODE")]
    pub ack: Option<AckMode>,
    /// Binding for the queue (headers exchange: "x-match=any, k=v"), and the key to
    /// publish with
    #[arg(long, value_name = "KEY")]
    pub routing_key: Option<String>,
    /// Unacknowledged deliveries the broker may push ahead of the UI
    #[arg(long, value_name = "N")]
    pub prefetch: Option<u16>,
    /// Fill in the form from the URI but wait for Enter
    #[arg(long)]
    pub no_connect: bool,
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
        conflicts_with_all = ["ca_cert", "insecure", "heartbeat", "exchange", "exchange_type", "queue", "routing_key", "prefetch", "watch", "ack"]
    )]
    pub profile: Vec<String>,
    /// Print the saved profiles (never their passwords) and exit
    #[arg(long)]
    pub list_profiles: bool,
    /// Write the log here instead of amqp-tui.log in the state directory
    /// (~/.local/state/amqp-tui on Linux)
    #[arg(long, env = "AMQP_TUI_LOG_FILE", value_name = "FILE")]
    pub log_file: Option<PathBuf>,
    /// What to log: error, warn, info, debug or trace, or per module ("info,lapin=debug").
    /// Passwords and message bodies are never logged, at any level
    #[arg(long, env = crate::logging::LEVEL_ENV, value_name = "LEVEL", default_value = "info")]
    pub log_level: String,
}

/// What the command line asks for: the form's contents, whether to connect at once, and
/// a problem to show in the UI rather than on stderr (a bad URI keeps the rest usable).
pub struct Launch {
    pub settings: ConnectionSettings,
    pub connect_now: bool,
    pub problem: Option<String>,
}

impl Cli {
    pub fn history(&self) -> crate::model::History {
        crate::model::History {
            messages: self.history.max(1),
            bytes: self.history_mib.saturating_mul(1024 * 1024),
        }
    }

    pub fn launch(&self) -> Launch {
        let mut settings = ConnectionSettings::default();
        let mut problem = None;
        let mut tls = self.ca_cert.is_some() || self.insecure;
        if let Some(uri) = &self.uri {
            match apply_uri(&mut settings, uri) {
                Ok(false) if tls => {
                    problem = Some(
                        "--ca-cert and --insecure are for TLS, but the URI is amqp:// (plain). Use an amqps:// URI, or switch TLS on below.".into(),
                    );
                }
                Ok(is_tls) => tls = is_tls,
                Err(reason) => {
                    problem = Some(format!(
                        "The URI does not parse: {reason}. Fix the fields below, or pass a URI like amqps://user:pass@host:5671/%2f."
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
                settings.port = DEFAULT_TLS_PORT;
            }
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
        if let Some(ack) = self.ack {
            routing.ack = ack;
        }
        if let Some(k) = &self.routing_key {
            match crate::routing::parse_binding(routing.exchange_type, k) {
                Ok(binding) => routing.bindings = vec![binding],
                Err(reason) => problem = Some(format!("--routing-key: {reason}")),
            }
        }
        Launch {
            connect_now: self.uri.is_some() && problem.is_none() && !self.no_connect,
            settings,
            problem,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Launch {
        let mut argv = vec!["amqp-tui"];
        argv.extend_from_slice(args);
        Cli::try_parse_from(argv).expect("arguments parse").launch()
    }

    #[test]
    fn the_guides_tls_session_from_the_command_line() {
        let launch = parse(&[
            "--uri",
            "amqps://guest:s3cret@localhost:5671/%2f",
            "--ca-cert",
            "ca.pem",
            "--exchange",
            "testEx",
            "--exchange-type",
            "direct",
            "--queue",
            "testQ1",
            "--routing-key",
            "test",
        ]);
        let s = launch.settings;
        assert!(launch.connect_now);
        assert_eq!(
            (s.host.as_str(), s.port, s.vhost.as_str()),
            ("localhost", 5671, "/")
        );
        assert_eq!(s.password, "s3cret");
        assert_eq!(
            s.tls,
            TlsMode::Verify {
                ca_file: Some("ca.pem".into())
            }
        );
        assert_eq!(s.routing.queue, "testQ1");
        assert!(
            !format!("{s:?}").contains("s3cret"),
            "Debug must not print the password"
        );
    }

    #[test]
    fn insecure_and_heartbeat_and_ipv6() {
        let launch = parse(&[
            "--uri",
            "amqps://u:p@[::1]/vh%2Fx?heartbeat=10",
            "--insecure",
            "--heartbeat",
            "30",
        ]);
        let s = launch.settings;
        assert_eq!(
            (s.host.as_str(), s.port, s.vhost.as_str()),
            ("::1", 5671, "vh/x")
        );
        assert_eq!(s.tls, TlsMode::NoVerify);
        assert_eq!(s.heartbeat_secs, 30, "the flag wins over the URI");
    }

    #[test]
    fn a_bad_uri_is_reported_and_does_not_connect() {
        let launch = parse(&["--uri", "http://localhost"]);
        assert!(!launch.connect_now);
        assert!(launch.problem.expect("a problem").contains("scheme 'http'"));
        let launch = parse(&["--uri", "amqp://host:99999"]);
        assert!(launch.problem.is_some());
    }

    #[test]
    fn tls_flags_with_a_plain_uri_are_questioned_not_ignored() {
        let launch = parse(&["--uri", "amqp://localhost", "--ca-cert", "ca.pem"]);
        assert!(!launch.connect_now);
        assert!(launch.problem.expect("a problem").contains("amqps://"));
    }

    #[test]
    fn no_uri_means_the_form_waits() {
        let launch = parse(&["--exchange", "logs"]);
        assert!(!launch.connect_now);
        assert_eq!(launch.settings.routing.exchange, "logs");
        assert_eq!(launch.settings.port, 5672);
    }

    #[test]
    fn watching_an_existing_queue_or_tapping_comes_from_the_command_line() {
        let launch = parse(&["--watch", "queue", "--queue", "orders", "--ack", "peek"]);
        let routing = &launch.settings.routing;
        assert_eq!(
            (routing.source, routing.ack),
            (Source::Queue, AckMode::Peek)
        );
        assert_eq!(routing.queue, "orders");
        let launch = parse(&[
            "--watch",
            "tap",
            "--exchange",
            "docs",
            "--exchange-type",
            "headers",
            "--routing-key",
            "x-match=any, format=pdf",
        ]);
        let routing = &launch.settings.routing;
        assert_eq!(routing.source, Source::TapExchange);
        assert_eq!(routing.bindings[0].arguments.len(), 2);
        let bad = parse(&[
            "--exchange-type",
            "headers",
            "--routing-key",
            "x-match=some",
        ]);
        assert!(bad.problem.expect("a problem").contains("x-match"));
    }

    #[test]
    fn only_insecure_turns_verification_off() {
        // RabbitMQ's URI spec has `verify=verify_none`; a pasted URI must not be able to
        // turn verification off behind the user's back.
        for uri in [
            "amqps://u:p@h/",
            "amqps://u:p@h/?verify=verify_none",
            "amqps://u:p@h/?verify=verify_none&insecure=true",
        ] {
            let launch = parse(&["--uri", uri]);
            assert_eq!(
                launch.settings.tls,
                TlsMode::Verify { ca_file: None },
                "{uri}"
            );
        }
        let launch = parse(&["--uri", "amqps://u:p@h/", "--insecure"]);
        assert_eq!(launch.settings.tls, TlsMode::NoVerify);
    }

    #[test]
    fn the_log_defaults_to_info_in_the_state_directory() {
        // Unless the environment of the test run says otherwise.
        if std::env::var_os(crate::logging::LEVEL_ENV).is_none() {
            let cli = Cli::try_parse_from(["amqp-tui"]).expect("parses");
            assert_eq!(cli.log_level, "info");
        }
        let cli = Cli::try_parse_from(["amqp-tui", "--log-level", "trace", "--log-file", "x.log"])
            .expect("parses");
        assert_eq!(
            (cli.log_level.as_str(), cli.log_file),
            ("trace", Some("x.log".into()))
        );
    }
}
