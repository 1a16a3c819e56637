//! The bench's topology rows: a synthetic vhost of `--queues` queues and `--bindings`
//! bindings over 100 exchanges (direct, topic, fanout, headers), imported in one
//! definitions request, then timed: `fetch_topology` beside `curl` of the same six
//! endpoints (medians of `--runs`, alternating), decoding and indexing the replies, and
//! `simulate` per message over random probes, then the broker view over it: a frame with
//! the tree open while the cursor moves down it a row a key, and applying a refresh's
//! answer on the loop (how long a key pressed meanwhile can wait). Prints
//! `fetch_ms=.. curl_ms=.. parse_index_ms=.. simulate_us=.. frame_ms=.. frame_p99_ms=..
//! rows_ms=.. apply_ms=.. queues=.. bindings=..`.
//! The vhost is deleted at the end. Loopback only: this is a load tool.

use std::{process::Command, time::Instant};

use amqp_tui::{
    action::Action,
    management::{ManagementTarget, Replies, fetch_topology, topology_from_replies},
    model::{Model, broker_view, scroll::Step},
    session::{ConnectionSettings, ManagementSettings},
    topology::{Probe, Topology, simulate::Index},
    ui,
    update::update,
};
use anyhow::{Context, bail};
use clap::Parser;
use ratatui::{Terminal, backend::TestBackend};
use serde_json::json;

#[derive(Parser)]
struct Args {
    /// http://127.0.0.1:PORT (administrator guest:guest)
    #[arg(long)]
    mgmt: String,
    #[arg(long, default_value_t = 10_000)]
    queues: usize,
    #[arg(long, default_value_t = 30_000)]
    bindings: usize,
    #[arg(long, default_value_t = 3)]
    runs: usize,
    #[arg(long, default_value_t = 20_000)]
    probes: usize,
}

const VHOST: &str = "bench-topology";
const EXCHANGES: usize = 100;
const KINDS: [&str; 4] = ["direct", "topic", "fanout", "headers"];
const KEYS: [&str; 6] = ["a", "b", "a.b", "a.b.c", "c.d", "x"];
const PATTERNS: [&str; 6] = ["a.*", "#", "a.#", "*.b", "c.*", "x"];

/// A fixed sequence, so every run measures the same topology and probes.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

fn definitions(args: &Args) -> serde_json::Value {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let exchanges: Vec<_> = (0..EXCHANGES)
        .map(|i| json!({"name": format!("x{i}"), "type": KINDS[i % 4], "durable": true, "auto_delete": false, "internal": false, "arguments": {}}))
        .collect();
    let queues: Vec<_> = (0..args.queues)
        .map(|i| json!({"name": format!("q{i}"), "durable": true, "auto_delete": false, "arguments": {}}))
        .collect();
    let bindings: Vec<_> = (0..args.bindings)
        .map(|_| {
            let x = rng.below(EXCHANGES);
            let (key, arguments) = match KINDS[x % 4] {
                "topic" => (PATTERNS[rng.below(PATTERNS.len())], json!({})),
                "headers" => ("", json!({"x-match": "any", "h": rng.below(20) as i64})),
                _ => (KEYS[rng.below(KEYS.len())], json!({})),
            };
            json!({"source": format!("x{x}"), "destination": format!("q{}", rng.below(args.queues)),
                   "destination_type": "queue", "routing_key": key, "arguments": arguments})
        })
        .collect();
    json!({"exchanges": exchanges, "queues": queues, "bindings": bindings})
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

const ENDPOINTS: [&str; 6] = [
    "overview",
    "exchanges",
    "queues",
    "bindings",
    "policies",
    "operator-policies",
];

fn url(base: &str, endpoint: &str) -> String {
    if endpoint == "overview" {
        format!("{base}/api/overview")
    } else {
        format!("{base}/api/{endpoint}/{VHOST}")
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let base = args.mgmt.trim_end_matches('/').to_string();
    let http = reqwest::Client::new();
    let put = |path: String, body: serde_json::Value| {
        http.put(format!("{base}{path}"))
            .basic_auth("guest", Some("guest"))
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body.to_string())
            .send()
    };
    put(format!("/api/vhosts/{VHOST}"), json!({}))
        .await?
        .error_for_status()?;
    put(
        format!("/api/permissions/{VHOST}/guest"),
        json!({"configure": ".*", "write": ".*", "read": ".*"}),
    )
    .await?
    .error_for_status()?;
    let result = measure(&args, &base, &http).await;
    let _ = http
        .delete(format!("{base}/api/vhosts/{VHOST}"))
        .basic_auth("guest", Some("guest"))
        .send()
        .await;
    result
}

async fn measure(args: &Args, base: &str, http: &reqwest::Client) -> anyhow::Result<()> {
    http.post(format!("{base}/api/definitions/{VHOST}"))
        .basic_auth("guest", Some("guest"))
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .body(definitions(args).to_string())
        .send()
        .await?
        .error_for_status()
        .context("importing the definitions")?;
    let settings = ConnectionSettings {
        management: ManagementSettings {
            url: base.to_string(),
            ..ManagementSettings::default()
        },
        ..ConnectionSettings::default()
    };
    let target = ManagementTarget::from_settings(&settings).map_err(anyhow::Error::msg)?;
    let (mut fetch, mut curl) = (Vec::new(), Vec::new());
    let mut topology = None;
    for _ in 0..args.runs {
        let started = Instant::now();
        topology = Some(fetch_topology(&target, VHOST).await?);
        fetch.push(started.elapsed().as_secs_f64() * 1e3);
        let started = Instant::now();
        let mut command = Command::new("curl");
        command.args(["-sf", "-u", "guest:guest"]);
        for endpoint in ENDPOINTS {
            command.args(["-o", "/dev/null", &url(base, endpoint)]);
        }
        if !command.status().context("running curl")?.success() {
            bail!("curl failed");
        }
        curl.push(started.elapsed().as_secs_f64() * 1e3);
    }
    let topology = topology.context("no run")?;
    if topology.queues.len() < args.queues || topology.bindings.len() < args.bindings {
        bail!(
            "the topology is short: {} queues, {} bindings",
            topology.queues.len(),
            topology.bindings.len()
        );
    }
    // Decoding and indexing alone, on the bodies as they arrived.
    let mut bodies = Vec::new();
    for endpoint in ENDPOINTS {
        let body = http
            .get(url(base, endpoint))
            .basic_auth("guest", Some("guest"))
            .send()
            .await?
            .bytes()
            .await?;
        bodies.push(Ok(body.to_vec()));
    }
    let mut parts = bodies.into_iter();
    let mut next = || parts.next().unwrap_or(Err(0));
    let replies = Replies {
        overview: next(),
        exchanges: next(),
        queues: next(),
        bindings: next(),
        policies: next(),
        operator_policies: next(),
        nodes: next(),
        connections: next(),
    };
    let mut parse = Vec::new();
    for _ in 0..args.runs {
        let started = Instant::now();
        let decoded = topology_from_replies(VHOST, &replies)
            .map_err(|(i, e)| anyhow::anyhow!("part {i}: {e:?}"))?;
        let index = Index::new(&decoded);
        std::hint::black_box(&index);
        parse.push(started.elapsed().as_secs_f64() * 1e3);
    }
    let index = Index::new(&topology);
    let mut rng = Rng(42);
    let probes: Vec<Probe> = (0..args.probes)
        .map(|_| {
            let mut headers = serde_json::Map::new();
            headers.insert("h".into(), json!(rng.below(20) as i64));
            Probe {
                exchange: format!("x{}", rng.below(EXCHANGES)),
                routing_key: KEYS[rng.below(KEYS.len())].to_string(),
                headers,
            }
        })
        .collect();
    let started = Instant::now();
    let mut reached = 0;
    for probe in &probes {
        reached += index.simulate(probe).queues.len();
    }
    let simulate_us = started.elapsed().as_secs_f64() * 1e6 / args.probes as f64;
    let (frames, builds, applies) = view_frames(&topology, args.runs)?;
    println!(
        "fetch_ms={:.1} curl_ms={:.1} parse_index_ms={:.1} simulate_us={simulate_us:.1} frame_ms={:.2} frame_p99_ms={:.2} rows_ms={:.1} apply_ms={:.1} queues={} bindings={} mean_reached={:.1}",
        median(fetch),
        median(curl),
        median(parse),
        median(frames.clone()),
        percentile(frames, 0.99),
        median(builds),
        median(applies),
        topology.queues.len(),
        topology.bindings.len(),
        reached as f64 / args.probes as f64
    );
    Ok(())
}

fn percentile(mut values: Vec<f64>, p: f64) -> f64 {
    values.sort_by(f64::total_cmp);
    let at = ((values.len() as f64 * p).ceil() as usize).clamp(1, values.len());
    values[at - 1]
}

/// Frames of the broker view over `topology` in a 200x50 terminal, each after one key
/// (Down) moving the cursor, as the loop draws them: milliseconds per key and frame. Then
/// `runs` refresh answers: the tree's rows built (off the loop, in the app) and the answer
/// applied as `update` applies it (the depth history kept): milliseconds each.
type Times = Vec<f64>;

fn view_frames(topology: &Topology, runs: usize) -> anyhow::Result<(Times, Times, Times)> {
    const KEYS: usize = 300;
    let mut model = Model::new(&ConnectionSettings::default());
    let view = &mut model.tab_mut().broker;
    view.open = true;
    view.fetched(topology.clone(), None, None);
    let mut terminal = Terminal::new(TestBackend::new(200, 50))?;
    let mut frames = Vec::with_capacity(KEYS);
    for _ in 0..KEYS {
        let started = Instant::now();
        update(&mut model, Action::BrokerSelect(Step::Rows(1)));
        terminal.draw(|f| ui::draw(f, &model))?;
        frames.push(started.elapsed().as_secs_f64() * 1e3);
    }
    // As the app gets an answer: the rows and the routing index built by the fetch's task,
    // with the view's options, then applied on the loop. Only the applying is what a key
    // waits behind.
    let (mut builds, mut applies) = (Vec::new(), Vec::new());
    for _ in 0..runs.max(1) {
        let answer = topology.clone();
        let options = model.tab().broker.options.clone();
        let started = Instant::now();
        let rows = broker_view::rows(&answer, &options);
        let index = std::sync::Arc::new(amqp_tui::topology::Indexed::build(answer.clone()));
        builds.push(started.elapsed().as_secs_f64() * 1e3);
        let started = Instant::now();
        model
            .tab_mut()
            .broker
            .fetched(answer, Some((options, rows)), Some(index));
        applies.push(started.elapsed().as_secs_f64() * 1e3);
    }
    Ok((frames, builds, applies))
}
