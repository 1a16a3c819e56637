//! The measurements of `scripts/bench` that need the real binary in a pseudo-terminal:
//! start-up, connect time, keypress latency under a flood, and peak memory, the last two
//! for an AMQP, (`--topic`) an MQTT or (`--destination`) a STOMP or Web-STOMP session.
//! Each subcommand prints `key=value` lines on stdout; nothing here judges a timing.
//!
//!   cargo run --release --example bench_pty -- startup --bin target/release/amqp-tui --runs 5
//!
//! The binary runs in `support/pty.rs`, whose waits wake on the app's own output.

#[path = "support/pty.rs"]
mod pty;

use std::{
    path::{Path, PathBuf},
    process::{Command, Stdio},
    time::{Duration, Instant},
};

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};

use pty::App;

/// Generous for a broker on loopback; only a broken set-up takes this long.
const CONNECT_WITHIN: Duration = Duration::from_secs(20);
/// A keypress not drawn within this counts as this long (and as missed).
const PRESS_WITHIN: Duration = Duration::from_secs(1);

#[derive(Parser)]
#[command(about = "PTY measurements of amqp-tui for scripts/bench")]
struct Args {
    #[command(subcommand)]
    figure: Figure,
}

#[derive(Subcommand)]
enum Figure {
    /// Launch with --no-connect until the form is drawn
    Startup {
        #[arg(long)]
        bin: PathBuf,
        #[arg(long, default_value_t = 10)]
        runs: usize,
    },
    /// Launch with a URI until " CONNECTED " is drawn, TLS and plain in turn
    TlsConnect {
        #[arg(long)]
        bin: PathBuf,
        #[arg(long)]
        uri: String,
        #[arg(long)]
        ca_cert: PathBuf,
        #[arg(long)]
        plain_uri: String,
        #[arg(long, default_value_t = 5)]
        runs: usize,
    },
    /// Time `p` (pause / resume) until the pane title changes, while a flood arrives
    Responsiveness {
        #[command(flatten)]
        session: Session,
        /// p99 is the 2nd-worst of 100 and the 3rd-worst of 200: 200 makes it a percentile
        /// rather than the one unluckiest press
        #[arg(long, default_value_t = 200)]
        presses: usize,
        /// Messages the publisher sends: bounds the flood (it is stopped after the presses)
        #[arg(long, default_value_t = 400_000)]
        rate_count: u64,
        #[arg(long, default_value_t = 64)]
        size: usize,
    },
    /// Stream messages through the app and read its peak RSS (VmHWM)
    Memory {
        #[command(flatten)]
        session: Session,
        #[arg(long)]
        count: u64,
        #[arg(long)]
        size: usize,
        /// Passed on as --history-mib
        #[arg(long)]
        history_mib: Option<usize>,
        /// Stop waiting for all messages after this long, and report what arrived
        #[arg(long, default_value_t = 240)]
        timeout_secs: u64,
    },
}

/// The app connected to an exchange it declares, and the publisher that floods it; or,
/// with `--topic`, an MQTT session subscribed to that topic, flooded by the bare rumqttc
/// publisher over MQTT; or, with `--destination /topic/KEY`, a STOMP or Web-STOMP session
/// flooded over AMQP (`--publisher-uri`) through amq.topic with KEY, where RabbitMQ routes
/// that destination's messages from.
#[derive(clap::Args)]
struct Session {
    #[arg(long)]
    bin: PathBuf,
    /// amqp://… with --exchange and --key, mqtt://… with --topic, or stomp://… or ws://…
    /// with --destination
    #[arg(long)]
    uri: String,
    #[arg(long, required_unless_present_any = ["topic", "destination"], conflicts_with_all = ["topic", "destination"])]
    exchange: Option<String>,
    #[arg(long, required_unless_present_any = ["topic", "destination"], conflicts_with_all = ["topic", "destination"])]
    key: Option<String>,
    /// MQTT: the topic the app subscribes to and the flood is published to
    #[arg(long, conflicts_with = "destination")]
    topic: Option<String>,
    /// MQTT: the QoS of the app's subscription and of the flood
    #[arg(long, default_value_t = 0, requires = "topic")]
    qos: u8,
    /// STOMP, Web-STOMP: the `/topic/KEY` the app subscribes to
    #[arg(long, requires = "publisher_uri")]
    destination: Option<String>,
    /// STOMP, Web-STOMP: the amqp://… URI the flood goes in by
    #[arg(long, requires = "destination")]
    publisher_uri: Option<String>,
    /// The flood's pace in messages a second (bare_publisher's --rate; rumqttc's has
    /// none): on two cores a publisher at full speed takes the CPU the broker needs to
    /// pass its messages on
    #[arg(long, conflicts_with = "topic")]
    publisher_rate: Option<u64>,
    /// examples/bare_publisher built (examples/bare_mqtt_publisher with --topic)
    #[arg(long)]
    publisher: PathBuf,
}

fn main() -> Result<()> {
    match Args::parse().figure {
        Figure::Startup { bin, runs } => startup(&bin, runs),
        Figure::TlsConnect {
            bin,
            uri,
            ca_cert,
            plain_uri,
            runs,
        } => tls_connect(&bin, &uri, &ca_cert, &plain_uri, runs),
        Figure::Responsiveness {
            session,
            presses,
            rate_count,
            size,
        } => responsiveness(&session, presses, rate_count, size),
        Figure::Memory {
            session,
            count,
            size,
            history_mib,
            timeout_secs,
        } => memory(&session, count, size, history_mib, timeout_secs),
    }
}

fn startup(bin: &Path, runs: usize) -> Result<()> {
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs.max(1) {
        let mut app = App::start(bin, &["--no-connect"])?;
        let drawn = app
            .wait_until(Duration::from_secs(10), |s| {
                s.contains("amqp-tui · connect")
            })
            .context("the connect form was not drawn within 10 s")?;
        times.push(ms(drawn.saturating_duration_since(app.started)));
        app.quit();
    }
    let times = sorted(times);
    println!("median_ms={:.1}", percentile(&times, 50.0));
    println!("p90_ms={:.1}", percentile(&times, 90.0));
    println!("runs={}", times.len());
    Ok(())
}

fn tls_connect(bin: &Path, uri: &str, ca: &Path, plain_uri: &str, runs: usize) -> Result<()> {
    let ca = ca.to_str().context("the CA path is not UTF-8")?;
    let (mut tls, mut plain) = (Vec::new(), Vec::new());
    // Interleaved, so a broker warming up or a busy neighbour weighs on both alike.
    for _ in 0..runs.max(1) {
        tls.push(time_to_connected(bin, &["--uri", uri, "--ca-cert", ca])?);
        plain.push(time_to_connected(bin, &["--uri", plain_uri])?);
    }
    let (tls, plain) = (sorted(tls), sorted(plain));
    println!("tls_median_ms={:.1}", percentile(&tls, 50.0));
    println!("tls_p90_ms={:.1}", percentile(&tls, 90.0));
    println!("plain_median_ms={:.1}", percentile(&plain, 50.0));
    println!("plain_p90_ms={:.1}", percentile(&plain, 90.0));
    println!("runs={}", tls.len());
    Ok(())
}

/// Launch to " CONNECTED " drawn: start-up plus connect, what a user waits for.
fn time_to_connected(bin: &Path, args: &[&str]) -> Result<f64> {
    let mut app = App::start(bin, args)?;
    let connected = app
        .wait_until(CONNECT_WITHIN, |s| s.contains(" CONNECTED "))
        .with_context(|| format!("not connected within {CONNECT_WITHIN:?}:\n{}", app.screen()))?;
    let took = ms(connected.saturating_duration_since(app.started));
    app.quit();
    Ok(took)
}

fn responsiveness(session: &Session, presses: usize, rate_count: u64, size: usize) -> Result<()> {
    let mut app = session.connect(&[])?;
    // A session starts in the message pane, where `p` pauses.
    app.wait_until(Duration::from_secs(5), |s| s.contains("pause / resume"))
        .context("the session did not start in the message pane")?;
    let mut publisher = session.publish(rate_count, size)?;
    app.wait_until(CONNECT_WITHIN, |s| received(s).is_some_and(|n| n >= 1_000))
        .with_context(|| format!("the flood did not arrive:\n{}", app.screen()))?;
    let (start, first) = (Instant::now(), received(&app.screen()).unwrap_or(0));

    let floor = TimerFloor::start();
    let (mut times, mut missed) = (Vec::with_capacity(presses), 0usize);
    let mut before_last = first;
    for _ in 0..presses.max(1) {
        before_last = received(&app.screen()).unwrap_or(before_last);
        let paused = app.screen().contains(" · PAUSED");
        let sent = Instant::now();
        app.press(b"p");
        let changed = app.wait_until(PRESS_WITHIN, |s| {
            s.contains(if paused {
                " · following "
            } else {
                " · PAUSED"
            })
        });
        match changed {
            Some(at) => times.push(ms(at.saturating_duration_since(sent))),
            None => {
                if missed == 0 {
                    // What the screen showed says why better than a count does.
                    eprintln!(
                        "bench_pty: a press was not drawn within 1 s:\n{}",
                        app.screen()
                    );
                }
                missed += 1;
                times.push(ms(PRESS_WITHIN));
            }
        }
        // A user does not type faster than this; it also lets a frame pass between presses.
        std::thread::sleep(Duration::from_millis(100));
    }
    let last = received(&app.screen()).unwrap_or(first);
    let flood = (last.saturating_sub(first)) as f64 / start.elapsed().as_secs_f64();
    // A flood that ended before the last press means the last presses were timed on a
    // quiet app: the figure would flatter it, so say so. A publisher faster than the app
    // (rumqttc writes QoS 0 at over 100k/s) is done early while its messages still wait
    // in the broker and keep arriving: the count rising over the last press says so too.
    let lasted = matches!(publisher.0.try_wait(), Ok(None)) || last > before_last;
    let times = sorted(times);
    let late = sorted(floor.stop());
    println!("p50_ms={:.1}", percentile(&times, 50.0));
    println!("p99_ms={:.1}", percentile(&times, 99.0));
    println!("max_ms={:.1}", times.last().copied().unwrap_or(f64::NAN));
    println!("flood_msgs_per_sec={flood:.0}");
    println!("flood_lasted={}", if lasted { "yes" } else { "no" });
    println!("presses={} missed={missed}", times.len());
    println!("timer_late_p99_ms={:.1}", percentile(&late, 99.0));
    // The publisher first: the app's exchange may go with it.
    drop(publisher);
    app.quit();
    Ok(())
}

/// How late a thread of this process wakes from a 5 ms sleep while the presses are timed:
/// the delay the machine's scheduler alone adds to any process under the same flood, the
/// floor under which no keypress figure can go.
struct TimerFloor {
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    thread: std::thread::JoinHandle<Vec<f64>>,
}

impl TimerFloor {
    const NAP: Duration = Duration::from_millis(5);

    fn start() -> Self {
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::spawn(move || {
            let mut late = Vec::new();
            while !flag.load(std::sync::atomic::Ordering::Relaxed) {
                let asleep = Instant::now();
                std::thread::sleep(Self::NAP);
                late.push(ms(asleep.elapsed().saturating_sub(Self::NAP)));
            }
            late
        });
        Self { stop, thread }
    }

    fn stop(self) -> Vec<f64> {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        self.thread.join().unwrap_or_default()
    }
}

fn memory(
    session: &Session,
    count: u64,
    size: usize,
    history_mib: Option<usize>,
    timeout_secs: u64,
) -> Result<()> {
    let mib = history_mib.map(|h| h.to_string());
    let extra: Vec<&str> = match &mib {
        Some(h) => vec!["--history-mib", h],
        None => Vec::new(),
    };
    let mut app = session.connect(&extra)?;
    let start = Instant::now();
    let publisher = session.publish(count, size)?;
    // Not all arriving is a result too (the pane says how many did), not an error.
    let all = app
        .wait_until(Duration::from_secs(timeout_secs), |s| {
            received(s).is_some_and(|n| n >= count)
        })
        .is_some();
    let secs = start.elapsed().as_secs_f64();
    let arrived = received(&app.screen()).unwrap_or(0);
    let pid = app.child.process_id().context("amqp-tui has no pid")?;
    let peak = vm_hwm_kib(pid)?;
    drop(publisher);
    println!("peak_rss_mib={:.1}", peak as f64 / 1024.0);
    println!("received={arrived}");
    println!("complete={}", if all { "yes" } else { "no" });
    println!("secs={secs:.1}");
    app.quit();
    Ok(())
}

impl Session {
    fn connect(&self, extra: &[&str]) -> Result<App> {
        let qos = self.qos.to_string();
        let mut args = vec!["--uri", &self.uri];
        match (&self.topic, &self.exchange, &self.key, &self.destination) {
            (Some(topic), ..) => args.extend(["--topic", topic.as_str(), "--qos", &qos]),
            (.., Some(destination)) => args.extend(["--destination", destination.as_str()]),
            (None, Some(exchange), Some(key), None) => args.extend([
                "--exchange",
                exchange.as_str(),
                "--exchange-type",
                "direct",
                "--routing-key",
                key.as_str(),
            ]),
            _ => anyhow::bail!("give --topic, --destination, or --exchange and --key"),
        }
        args.extend_from_slice(extra);
        let app = App::start(&self.bin, &args)?;
        app.wait_until(CONNECT_WITHIN, |s| s.contains(" CONNECTED "))
            .with_context(|| format!("amqp-tui did not connect:\n{}", app.screen()))?;
        Ok(app)
    }

    /// The app has declared and bound its queue (or subscribed) once connected, so
    /// nothing is lost.
    fn publish(&self, count: u64, size: usize) -> Result<Publisher> {
        let mut command = Command::new(&self.publisher);
        command.args(["--uri", self.publisher_uri.as_ref().unwrap_or(&self.uri)]);
        match (&self.topic, &self.exchange, &self.key, &self.destination) {
            (Some(topic), ..) => {
                command.args(["--topic", topic.as_str(), "--qos", &self.qos.to_string()]);
            }
            (.., Some(destination)) => {
                let key = destination
                    .strip_prefix("/topic/")
                    .context("--destination must be /topic/KEY: the flood goes in by amq.topic")?;
                command.args(["--exchange", "amq.topic", "--key", key]);
            }
            (None, Some(exchange), Some(key), None) => {
                command.args(["--exchange", exchange.as_str(), "--key", key.as_str()]);
            }
            _ => anyhow::bail!("give --topic, --destination, or --exchange and --key"),
        }
        if let Some(rate) = self.publisher_rate {
            command.args(["--rate", &rate.to_string()]);
        }
        let child = command
            .args(["--count", &count.to_string(), "--size", &size.to_string()])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .spawn()
            .with_context(|| format!("cannot start {}", self.publisher.display()))?;
        Ok(Publisher(child))
    }
}

/// The background publisher: killed when dropped, so no path leaves it running.
struct Publisher(std::process::Child);

impl Drop for Publisher {
    fn drop(&mut self) {
        // It may have finished already; either way it is reaped below.
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The `N` of the pane title's "N received".
fn received(screen: &str) -> Option<u64> {
    let line = screen.lines().find(|l| l.contains(" received"))?;
    let before = &line[..line.find(" received")?];
    before.rsplit(' ').next()?.parse().ok()
}

fn vm_hwm_kib(pid: u32) -> Result<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))
        .with_context(|| format!("cannot read /proc/{pid}/status (Linux only)"))?;
    let line = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .context("no VmHWM in /proc/PID/status")?;
    let kib = line.trim().trim_end_matches("kB").trim();
    kib.parse().with_context(|| format!("VmHWM {kib:?}"))
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn sorted(mut v: Vec<f64>) -> Vec<f64> {
    v.sort_by(f64::total_cmp);
    v
}

/// Nearest-rank percentile of sorted samples.
fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = (p / 100.0 * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}
