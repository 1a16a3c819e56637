//! The bench's failover row: a session given the test cluster's three nodes
//! (`scripts/test-cluster`) consumes a quorum queue and publishes to it with confirms,
//! without pause, while the node it is on is killed (`kill -9`) `--kills` times, each
//! brought back before the next. Timed per kill: from the loss being noticed to consuming
//! again on another node (the worker's own clock, `FailedOver::took`). At the end what
//! was not confirmed is sent again (as Ctrl-R does) and every confirmed message must be
//! delivered. Prints `median_ms=.. max_ms=.. kills=.. lost=.. confirmed=.. resent=..
//! times_ms=a,b,.. led=1,0,.. downs=0,1,..`: each kill's time, whether the killed node
//! led the quorum queue (then consuming waits for the queue to elect a new leader), and
//! how many nodes did not answer before one did.
//! Loopback only: this is a load tool.

use std::{
    collections::{HashMap, HashSet},
    path::PathBuf,
    process::Command,
    time::{Duration, Instant},
};

use amqp_tui::{
    amqp::{AckMode, Routing, Source},
    management::{ManagementTarget, fetch_topology},
    session::{
        self, ConnectionSettings, Endpoint, ManagementSettings, Properties, PublishOutcome,
        PublishPart, PublishRequest, SessionCommand, SessionEvent, WorkerEvent,
    },
};
use anyhow::{Context, bail};
use clap::Parser;
use lapin::{
    Connection, ConnectionProperties,
    options::{QueueDeclareOptions, QueueDeleteOptions},
    types::{AMQPValue, FieldTable},
};
use tokio::sync::mpsc;

#[derive(Parser)]
struct Args {
    /// The cluster's env file (DIR/env of scripts/test-cluster)
    #[arg(long)]
    cluster_env: PathBuf,
    #[arg(long, default_value_t = 10)]
    kills: usize,
}

/// Publishes in flight at a time: a steady load that never floods the outbox.
const IN_FLIGHT: u64 = 50;
/// Load after a node's restart before the next kill, in ms.
const RESTARTED_SETTLE_MS: u64 = 5_000;
/// Bounds on what is not measured.
const SETTLE: Duration = Duration::from_secs(60);

fn read_env(path: &PathBuf) -> anyhow::Result<HashMap<String, String>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("read {}", path.display()))?;
    Ok(text
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect())
}

struct Cluster {
    vars: HashMap<String, String>,
    script: PathBuf,
}

impl Cluster {
    fn port(&self, n: u8) -> anyhow::Result<u16> {
        let key = format!("NODE{n}_AMQP_PORT");
        let port = self
            .vars
            .get(&key)
            .with_context(|| format!("{key} missing"))?;
        Ok(port.parse()?)
    }

    fn node_of(&self, endpoint: &Endpoint) -> anyhow::Result<u8> {
        for n in 1..=3 {
            if self.port(n)? == endpoint.port {
                return Ok(n);
            }
        }
        bail!("{endpoint} is no node of the cluster")
    }

    /// The quorum queue's leader, as the management API of a running node says.
    async fn leader_of(&self, queue: &str) -> anyhow::Result<Option<String>> {
        for n in 1..=3 {
            let Some(url) = self.vars.get(&format!("NODE{n}_MGMT_URL")) else {
                continue;
            };
            let settings = ConnectionSettings {
                management: ManagementSettings {
                    url: url.clone(),
                    ..ManagementSettings::default()
                },
                ..ConnectionSettings::default()
            };
            let target = ManagementTarget::from_settings(&settings).map_err(anyhow::Error::msg)?;
            match fetch_topology(&target, "/").await {
                Ok(topology) => return Ok(topology.queue(queue).and_then(|q| q.node.clone())),
                // A node down: the next one's API answers.
                Err(err) => eprintln!("node {n}: {err}"),
            }
        }
        bail!("no management API answered")
    }

    fn run(&self, args: &[&str]) -> anyhow::Result<()> {
        let dir = self
            .vars
            .get("CLUSTER_DIR")
            .context("CLUSTER_DIR missing")?;
        run_script(&self.script, dir, args)
    }

    /// `run` on a blocking thread, so the load goes on meanwhile.
    async fn run_async(&self, args: &[&str]) -> anyhow::Result<()> {
        let dir = self
            .vars
            .get("CLUSTER_DIR")
            .context("CLUSTER_DIR missing")?
            .clone();
        let script = self.script.clone();
        let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        tokio::task::spawn_blocking(move || {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            run_script(&script, &dir, &args)
        })
        .await?
    }
}

fn run_script(script: &PathBuf, dir: &str, args: &[&str]) -> anyhow::Result<()> {
    let out = Command::new(script)
        .args(args)
        .env("AMQP_TUI_CLUSTER_DIR", dir)
        .output()
        .context("run scripts/test-cluster")?;
    if !out.status.success() {
        bail!(
            "test-cluster {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(())
}

/// The load and what came of it.
#[derive(Default)]
struct Load {
    next_id: u64,
    /// Sent, outcome not yet reported: id to body.
    pending: HashMap<u64, Vec<u8>>,
    confirmed: HashSet<Vec<u8>>,
    unsent: Vec<PublishRequest>,
    delivered: HashSet<Vec<u8>>,
    on: Option<Endpoint>,
    failovers: Vec<Duration>,
    /// Per kill: whether the node killed was the queue's leader.
    led: Vec<bool>,
    /// Per kill: nodes that did not answer before one did.
    downs: Vec<u32>,
}

impl Load {
    fn note(&mut self, event: WorkerEvent) -> anyhow::Result<()> {
        match event {
            WorkerEvent::Published {
                id,
                outcome,
                unsent,
                ..
            } => {
                let body = self.pending.remove(&id);
                match (unsent, body) {
                    (Some(request), _) if outcome.unconfirmed() > 0 => self.unsent.push(*request),
                    (_, Some(body)) if outcome == PublishOutcome::Routed => {
                        self.confirmed.insert(body);
                    }
                    (_, _) => bail!("publish {id}: {outcome:?}"),
                }
            }
            WorkerEvent::Delivery(message) => {
                self.delivered.insert(message.body);
            }
            WorkerEvent::Connected {
                endpoint,
                failed_over,
                ..
            } => {
                if let Some(moved) = failed_over {
                    self.failovers.push(moved.took);
                }
                self.on = Some(endpoint);
            }
            WorkerEvent::EndpointDown { endpoint, error } => {
                eprintln!("{endpoint} did not answer: {error}");
                if let Some(n) = self.downs.last_mut() {
                    *n += 1;
                }
            }
            WorkerEvent::Failed(error) => bail!("the session gave up: {error}"),
            _ => {}
        }
        Ok(())
    }
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    tokio::runtime::Runtime::new()?.block_on(bench(args))
}

async fn bench(args: Args) -> anyhow::Result<()> {
    let cluster = Cluster {
        vars: read_env(&args.cluster_env)?,
        script: PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scripts/test-cluster"),
    };
    let queue = format!("bench-failover-{}", std::process::id());
    declare(&cluster, &queue).await?;
    // The queue goes whatever happened: a quorum queue outlives the run otherwise.
    let measured = measure(&cluster, &queue, args.kills).await;
    let deleted = delete(&cluster, &queue).await;
    let report = measured?;
    deleted?;
    println!("{report}");
    Ok(())
}

/// The load, the kills, the resend and the count; the report's line.
async fn measure(cluster: &Cluster, queue: &str, kills: usize) -> anyhow::Result<String> {
    let queue_name = queue.to_string();
    let queue = queue.to_string();
    let endpoints: Vec<Endpoint> = (1..=3)
        .map(|n| Ok(Endpoint::new("127.0.0.1", cluster.port(n)?)))
        .collect::<anyhow::Result<_>>()?;
    let settings = ConnectionSettings {
        host: endpoints[0].host.clone(),
        port: endpoints[0].port,
        failover: endpoints[1..].to_vec(),
        heartbeat_secs: 5,
        routing: Routing {
            source: Source::Queue,
            queue: queue.clone(),
            ack: AckMode::Auto,
            ..Routing::default()
        },
        ..ConnectionSettings::default()
    };
    let (events_tx, mut events_rx) = mpsc::channel(4096);
    let commands = session::spawn(1, settings, events_tx, session::COMMAND_CAPACITY);
    let mut load = Load::default();
    let publish = move |id: u64| PublishRequest {
        id,
        exchange: String::new(),
        routing_key: queue.clone(),
        body: format!("m-{id}").into_bytes(),
        properties: Properties {
            delivery_mode: Some(2),
            ..Properties::default()
        },
        copies: 1,
        confirm: true,
        part: PublishPart::Amqp,
    };

    for kill in 0..kills {
        // Load for a while on the node we are on, then kill it. After a restart, long
        // enough for the node to catch up with the queue's log: while it is behind, the
        // queue has no majority once another node goes, and that wait is the broker's.
        let settle = if kill == 0 { 500 } else { RESTARTED_SETTLE_MS };
        let settled = Instant::now() + Duration::from_millis(settle);
        while load.on.is_none() || Instant::now() < settled {
            step(&mut load, &mut events_rx, &commands, &publish).await?;
        }
        let on = load.on.clone().context("connected")?;
        let node = cluster.node_of(&on)?;
        let leader = cluster.leader_of(&queue_name).await?;
        load.led
            .push(leader.as_deref() == Some(&format!("n{node}@localhost")[..]));
        let before = load.failovers.len();
        load.downs.push(0);
        cluster.run(&["kill", &node.to_string()])?;
        let deadline = Instant::now() + SETTLE;
        while load.failovers.len() == before {
            if Instant::now() > deadline {
                bail!("kill {kill}: no failover within {SETTLE:?}");
            }
            step(&mut load, &mut events_rx, &commands, &publish).await?;
        }
        // Back before the next kill, the load running meanwhile: two nodes down would
        // leave the quorum queue without a majority.
        let start = cluster.run_async(&["start"]);
        tokio::pin!(start);
        loop {
            tokio::select! {
                done = &mut start => { done?; break; }
                stepped = step(&mut load, &mut events_rx, &commands, &publish) => stepped?,
            }
        }
    }

    // What was not confirmed goes again; then every confirmed body must arrive.
    let deadline = Instant::now() + SETTLE;
    while !load.pending.is_empty() && Instant::now() < deadline {
        receive(&mut load, &mut events_rx).await?;
    }
    let resent = load.unsent.len();
    for mut request in std::mem::take(&mut load.unsent) {
        load.next_id += 1;
        request.id = load.next_id;
        send(&mut load, &commands, request).await?;
    }
    while (!load.pending.is_empty() || !load.confirmed.is_subset(&load.delivered))
        && Instant::now() < deadline
    {
        receive(&mut load, &mut events_rx).await?;
    }
    let lost = load.confirmed.difference(&load.delivered).count();
    let _ = commands.send(SessionCommand::Disconnect).await;

    let mut times: Vec<f64> = load
        .failovers
        .iter()
        .map(|d| d.as_secs_f64() * 1000.0)
        .collect();
    times.sort_by(f64::total_cmp);
    let median = times.get(times.len() / 2).copied().unwrap_or(f64::NAN);
    let max = times.last().copied().unwrap_or(f64::NAN);
    let each: Vec<String> = load
        .failovers
        .iter()
        .map(|d| format!("{:.0}", d.as_secs_f64() * 1000.0))
        .collect();
    let led: Vec<&str> = load
        .led
        .iter()
        .map(|l| if *l { "1" } else { "0" })
        .collect();
    let downs: Vec<String> = load.downs.iter().map(u32::to_string).collect();
    Ok(format!(
        "median_ms={median:.0} max_ms={max:.0} kills={} lost={lost} confirmed={} resent={resent} times_ms={} led={} downs={}",
        times.len(),
        load.confirmed.len(),
        each.join(","),
        led.join(","),
        downs.join(",")
    ))
}

type Commands = mpsc::Sender<SessionCommand>;
type Events = mpsc::Receiver<SessionEvent>;

async fn send(load: &mut Load, commands: &Commands, request: PublishRequest) -> anyhow::Result<()> {
    load.pending.insert(request.id, request.body.clone());
    commands
        .send(SessionCommand::Publish(Box::new(request)))
        .await
        .context("the session stopped")
}

/// One step of the load: another publish while fewer than `IN_FLIGHT` wait, else an event.
async fn step(
    load: &mut Load,
    events: &mut Events,
    commands: &Commands,
    publish: &impl Fn(u64) -> PublishRequest,
) -> anyhow::Result<()> {
    if (load.pending.len() as u64) < IN_FLIGHT {
        load.next_id += 1;
        let request = publish(load.next_id);
        return send(load, commands, request).await;
    }
    receive(load, events).await
}

/// The next event, if one comes within a second.
async fn receive(load: &mut Load, events: &mut Events) -> anyhow::Result<()> {
    match tokio::time::timeout(Duration::from_secs(1), events.recv()).await {
        Ok(Some(event)) => load.note(event.event),
        Ok(None) => bail!("the session stopped"),
        Err(_) => Ok(()),
    }
}

async fn connect(cluster: &Cluster, n: u8) -> anyhow::Result<Connection> {
    let uri = format!("amqp://guest:guest@127.0.0.1:{}/%2f", cluster.port(n)?);
    Ok(Connection::connect(&uri, ConnectionProperties::default()).await?)
}

/// The quorum queue, declared through node 1.
async fn declare(cluster: &Cluster, queue: &str) -> anyhow::Result<()> {
    let connection = connect(cluster, 1).await?;
    let channel = connection.create_channel().await?;
    let mut arguments = FieldTable::default();
    arguments.insert(
        "x-queue-type".into(),
        AMQPValue::LongString("quorum".into()),
    );
    let durable = QueueDeclareOptions {
        durable: true,
        ..QueueDeclareOptions::default()
    };
    channel
        .queue_declare(queue.into(), durable, arguments)
        .await?;
    Ok(())
}

/// Deleted through whichever node answers.
async fn delete(cluster: &Cluster, queue: &str) -> anyhow::Result<()> {
    for n in 1..=3 {
        if let Ok(connection) = connect(cluster, n).await {
            let channel = connection.create_channel().await?;
            channel
                .queue_delete(queue.into(), QueueDeleteOptions::default())
                .await?;
            return Ok(());
        }
    }
    bail!("no node answered to delete {queue}")
}
