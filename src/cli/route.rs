//! `amqp-tui route`: where a message would go, answered from the broker's management
//! API without the TUI, for scripts and CI. Exit 0 when a queue is reached, 3 when none
//! is, 1 when the question cannot be answered, 2 when it is asked wrongly.

use std::path::PathBuf;

use clap::Args;

use crate::{
    management::{self, ManagementTarget},
    session::{ConnectionSettings, uri::apply_uri},
    text::visible,
    tls::TlsMode,
    topology::{Arguments, Probe, Route},
};

/// No queue is reached.
pub const EXIT_UNROUTED: u8 = 3;

#[derive(Debug, Args)]
pub struct RouteArgs {
    /// Broker URI of any protocol: its host, user, password, vhost and TLS are the
    /// management API's unless given below
    #[arg(long, env = "AMQP_URL", hide_env_values = true, value_name = "URI")]
    pub uri: Option<String>,
    /// Management API base URL (default http://HOST:15672, https://HOST:15671 for a TLS
    /// URI); user info in it beats the URI's user and password
    #[arg(long, value_name = "URL")]
    pub management: Option<String>,
    /// Virtual host (default: the URI's, else /)
    #[arg(long, value_name = "VHOST")]
    pub vhost: Option<String>,
    /// The exchange published to (empty: the default exchange)
    #[arg(long, value_name = "NAME")]
    pub exchange: String,
    /// The routing key
    #[arg(long, value_name = "KEY", default_value = "")]
    pub key: String,
    /// A header, NAME=VALUE; VALUE is read as JSON when it is (1, true, ["a","b"] for
    /// CC/BCC), else as text. Repeat for several
    #[arg(long = "header", value_name = "NAME=VALUE")]
    pub headers: Vec<String>,
    /// Print one JSON object: queues (sorted), paths, approximate, problems
    #[arg(long)]
    pub json: bool,
    /// Verify an https management API against this CA certificate (PEM) alone
    #[arg(long, value_name = "FILE")]
    pub ca_cert: Option<PathBuf>,
    /// Accept any certificate from an https management API
    #[arg(long, conflicts_with = "ca_cert")]
    pub insecure: bool,
}

/// What to print, and the exit code.
pub struct Outcome {
    pub stdout: String,
    pub stderr: String,
    pub code: u8,
}

impl RouteArgs {
    /// The settings the management target is resolved from, and the vhost asked about.
    pub fn settings(&self) -> Result<ConnectionSettings, String> {
        let mut settings = ConnectionSettings::default();
        if let Some(uri) = &self.uri {
            apply_uri(&mut settings, uri).map_err(|why| {
                format!(
                    "--uri does not parse: {why}. Give one like amqp://user:pass@host:5672/%2f."
                )
            })?;
        }
        if let Some(vhost) = &self.vhost {
            settings.vhost = vhost.clone();
        }
        if self.insecure {
            settings.tls = TlsMode::NoVerify;
        } else if let Some(ca) = &self.ca_cert {
            settings.tls = TlsMode::Verify {
                ca_file: Some(ca.clone()),
            };
        }
        if let Some(url) = &self.management {
            settings.management.url = url.clone();
        }
        Ok(settings)
    }

    pub fn probe(&self) -> Result<Probe, String> {
        let mut headers = Arguments::new();
        for header in &self.headers {
            let Some((name, value)) = header.split_once('=') else {
                return Err(format!(
                    "--header '{}' has no '=': give NAME=VALUE, e.g. --header x-tenant=acme.",
                    visible(header)
                ));
            };
            let value = serde_json::from_str(value)
                .unwrap_or_else(|_| serde_json::Value::String(value.to_string()));
            headers.insert(name.to_string(), value);
        }
        Ok(Probe {
            exchange: self.exchange.clone(),
            routing_key: self.key.clone(),
            headers,
        })
    }

    /// Asks the broker and answers.
    pub async fn run(&self) -> Outcome {
        let failed = |stderr: String, code: u8| Outcome {
            stdout: String::new(),
            stderr: format!("amqp-tui route: {stderr}\n"),
            code,
        };
        let (settings, probe) = match (self.settings(), self.probe()) {
            (Ok(settings), Ok(probe)) => (settings, probe),
            (Err(why), _) | (_, Err(why)) => return failed(why, 2),
        };
        let target = match ManagementTarget::from_settings(&settings) {
            Ok(target) => target,
            Err(why) => return failed(why, 2),
        };
        let topology = match management::fetch_topology(&target, &settings.vhost).await {
            Ok(topology) => topology,
            Err(err) => return failed(err.to_string(), 1),
        };
        // Without these the answer would be a confident "nowhere": say it cannot be known.
        let unreadable: Vec<&str> = topology
            .not_permitted
            .iter()
            .map(|p| p.part.as_str())
            .filter(|part| ["exchanges", "queues", "bindings"].contains(part))
            .collect();
        if !unreadable.is_empty() {
            return failed(
                format!(
                    "cannot answer: user '{}' may not read the vhost's {} (the management API answered 401/403), so where a message goes is unknown.",
                    target.user(),
                    unreadable.join(" and ")
                ),
                1,
            );
        }
        let route = crate::topology::simulate(&topology, &probe);
        let warning = self
            .management
            .as_deref()
            .and_then(super::management_password_warning)
            .map(|w| format!("amqp-tui route: {w}\n"))
            .unwrap_or_default();
        let code = if route.queues.is_empty() {
            EXIT_UNROUTED
        } else {
            0
        };
        let stdout = if self.json {
            json(&settings.vhost, &probe, &route)
        } else {
            text(&probe, &route)
        };
        Outcome {
            stdout,
            stderr: warning,
            code,
        }
    }
}

fn json(vhost: &str, probe: &Probe, route: &Route) -> String {
    let object = serde_json::json!({
        "vhost": vhost,
        "exchange": probe.exchange,
        "routing_key": probe.routing_key,
        "queues": route.queues,
        "paths": route.paths,
        "approximate": route.approximate,
        "problems": route.problems,
    });
    format!("{object}\n")
}

fn text(probe: &Probe, route: &Route) -> String {
    let exchange = if probe.exchange.is_empty() {
        "the default exchange".to_string()
    } else {
        format!("exchange '{}'", visible(&probe.exchange))
    };
    let reach = match route.queues.len() {
        0 => "reaches no queue".to_string(),
        1 => "reaches 1 queue".to_string(),
        n => format!("reaches {n} queues"),
    };
    let mut out = format!(
        "A message to {exchange} with key '{}' {reach}:\n",
        visible(&probe.routing_key)
    );
    for queue in &route.queues {
        out.push_str(&format!("  {}\n", visible(queue)));
    }
    if !route.paths.is_empty() {
        out.push_str("Paths:\n");
        for path in &route.paths {
            out.push_str(&format!("  {path}\n"));
        }
    }
    for note in &route.approximate {
        out.push_str(&format!("Approximate: {note}\n"));
    }
    for problem in &route.problems {
        out.push_str(&format!("Problem: {problem}\n"));
    }
    out
}
