//! `scripts/bench-lib.sh`: how the benchmark measures an app-vs-bare row. Stand-in
//! examples (shell scripts that log their turn and print a rate from a list) replace the
//! real ones, so the order, the median, the spread and the crash rules are checked
//! without a broker and without timing anything.

use std::{fs, os::unix::fs::PermissionsExt, path::Path, process::Command};

const LIB: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/bench-lib.sh");

/// A stand-in example `name` in `dir`: logs `name ARGS` to `dir/log`, then prints the
/// next of `rates` (one per call) as `msgs_per_sec=`; a rate of `crash` exits 3 instead.
fn example(dir: &Path, name: &str, rates: &[&str]) {
    fs::write(dir.join("examples").join(format!("{name}.rs")), "").expect("write source");
    fs::write(dir.join(format!("{name}.rates")), rates.join("\n") + "\n").expect("rates");
    let script = format!(
        r#"#!/usr/bin/env bash
set -eu
d={dir}
echo "{name} $*" >>"$d/log"
n=$(grep -c . "$d/log.{name}" 2>/dev/null || true)
echo x >>"$d/log.{name}"
r=$(sed -n "$((n + 1))p" "$d/{name}.rates")
[[ $r == crash ]] && exit 3
echo "msgs_per_sec=$r count=1 secs=1"
"#,
        dir = dir.display()
    );
    let bin = dir.join("bin").join(name);
    fs::write(&bin, script).expect("write stand-in");
    fs::set_permissions(&bin, fs::Permissions::from_mode(0o755)).expect("chmod");
}

struct Run {
    /// What print_table printed.
    table: String,
    /// The stand-ins' turns, in order.
    log: Vec<String>,
    /// The crash file's lines.
    crashes: Vec<String>,
    /// What the library warned about.
    stderr: String,
}

/// Sources the library with `pairs` pairs, runs `script`, then prints the table.
fn bench(dir: &Path, pairs: u32, script: &str) -> Run {
    let out = Command::new("bash")
        .arg("-c")
        .arg(format!("set -euo pipefail; . {LIB}; {script}\nprint_table"))
        .env("ROOT", dir)
        .env("EXAMPLES", dir.join("bin"))
        .env("STEP_TIMEOUT", "20")
        .env("PAIRS", pairs.to_string())
        .env("CRASHES", dir.join("crashes"))
        .output()
        .expect("run bash");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "bash failed: {stderr}");
    let read = |name: &str| -> Vec<String> {
        fs::read_to_string(dir.join(name))
            .unwrap_or_default()
            .lines()
            .map(str::to_owned)
            .collect()
    };
    Run {
        table: String::from_utf8(out.stdout).expect("UTF-8"),
        log: read("log"),
        crashes: read("crashes"),
        stderr: stderr.into_owned(),
    }
}

fn setup() -> tempfile::TempDir {
    let dir = tempfile::Builder::new()
        .prefix("amqp-tui-bench-pairs-")
        .tempdir()
        .expect("temp dir");
    fs::create_dir(dir.path().join("examples")).expect("mkdir");
    fs::create_dir(dir.path().join("bin")).expect("mkdir");
    fs::write(dir.path().join("crashes"), "").expect("crash file");
    dir
}

/// The table line of `figure`, split into its cells.
fn cells(table: &str, figure: &str) -> Vec<String> {
    let line = table
        .lines()
        .find(|l| l.starts_with(figure))
        .unwrap_or_else(|| panic!("no row {figure:?} in:\n{table}"));
    line.split('|').map(|c| c.trim().to_owned()).collect()
}

#[test]
fn a_row_alternates_app_and_bare_and_reports_the_median_ratio_its_spread_and_raw_rates() {
    let dir = setup();
    example(dir.path(), "app_x", &["100000", "120000", "90000"]);
    example(dir.path(), "bare_x", &["100000", "100000", "100000"]);
    let run = bench(
        dir.path(),
        3,
        "pair 'fake ingest' 0.9 - -- app_x --count 5 -- bare_x --count 5",
    );
    assert_eq!(
        run.log,
        [
            "app_x --count 5",
            "bare_x --count 5",
            "app_x --count 5",
            "bare_x --count 5",
            "app_x --count 5",
            "bare_x --count 5",
        ]
    );
    assert_eq!(
        cells(&run.table, "fake ingest"),
        [
            "fake ingest",
            "100.0k/s",
            "100.0k/s",
            "1.00",
            "0.90-1.20",
            "3/3",
            ">= 0.9x",
            "yes"
        ]
    );
    assert_eq!(
        cells(&run.table, "figure"),
        [
            "figure", "ours", "baseline", "ratio", "spread", "pairs", "target", "met"
        ]
    );
    assert!(
        run.table.contains(
            "fake ingest: 100.0k/s/100.0k/s=1.00 120.0k/s/100.0k/s=1.20 90.0k/s/100.0k/s=0.90"
        ),
        "{}",
        run.table
    );
    assert!(run.crashes.is_empty(), "{:?}", run.crashes);
}

#[test]
fn a_crashed_side_loses_its_pair_and_is_counted_as_a_crash() {
    let dir = setup();
    example(dir.path(), "app_x", &["100000", "80000", "110000"]);
    example(dir.path(), "bare_x", &["100000", "crash", "100000"]);
    let run = bench(
        dir.path(),
        3,
        "pair 'fake publish' 0.9 - -- app_x -- bare_x",
    );
    // The median of two pairs is their mean: (1.00 + 1.10) / 2.
    assert_eq!(
        cells(&run.table, "fake publish")[3..6],
        ["1.05", "1.00-1.10", "2/3"]
    );
    assert!(run.table.contains("pair 2 lost"), "{}", run.table);
    assert_eq!(run.crashes, ["bare_x"]);
}

#[test]
fn prepare_runs_before_every_side_and_its_failure_is_a_crash() {
    let dir = setup();
    example(dir.path(), "app_x", &["100000", "100000"]);
    example(dir.path(), "bare_x", &["100000", "100000"]);
    let run = bench(
        dir.path(),
        2,
        &format!(
            "fill() {{ echo \"fill $*\" >>{log}; }}\n\
             pair 'prepared' '' 'fill 7 64' -- app_x -- bare_x\n\
             pair 'unprepared' 0.9 false -- app_x -- bare_x",
            log = dir.path().join("log").display()
        ),
    );
    assert_eq!(
        run.log,
        [
            "fill 7 64",
            "app_x ",
            "fill 7 64",
            "bare_x ",
            "fill 7 64",
            "app_x ",
            "fill 7 64",
            "bare_x ",
        ]
    );
    // No target: the ratio is information only.
    assert_eq!(
        cells(&run.table, "prepared")[3..],
        ["1.00", "1.00-1.00", "2/2", "none set", "n/a"]
    );
    assert_eq!(
        cells(&run.table, "unprepared")[1..7],
        ["error", "error", "n/a", "-", "0/2", ">= 0.9x"]
    );
    assert_eq!(run.crashes, ["false", "false", "false", "false"]);
}

#[test]
fn a_row_whose_example_is_missing_shows_n_a_and_runs_nothing() {
    let dir = setup();
    example(dir.path(), "bare_x", &["100000"]);
    let run = bench(
        dir.path(),
        3,
        "pair 'mqtt later' 0.9 - -- app_mqtt -- bare_x",
    );
    assert_eq!(
        cells(&run.table, "mqtt later")[1..],
        ["n/a", "n/a", "n/a", "-", "-", ">= 0.9x", "n/a"]
    );
    assert!(run.log.is_empty(), "{:?}", run.log);
    assert!(run.crashes.is_empty(), "{:?}", run.crashes);
}

/// scripts/bench's `queue` (pika) stood in for: logs its call, and answers `depth` with
/// `depth`.
fn fake_queue(dir: &Path, depth: u64) -> String {
    format!(
        "queue() {{ echo \"queue $*\" >>{log}; if [[ $1 == depth ]]; then echo {depth}; fi; }}\n\
         AMQP_URL=amqp://a MQTT_URL=mqtt://m\n",
        log = dir.join("log").display()
    )
}

#[test]
fn an_mqtt_ingest_row_fills_the_kept_session_queue_its_two_sides_then_drain() {
    let dir = setup();
    for name in ["bare_mqtt_subscriber", "bare_publisher"] {
        example(dir.path(), name, &["0"; 8]);
    }
    example(dir.path(), "app_x", &["9000"]);
    example(dir.path(), "bare_x", &["10000"]);
    let run = bench(
        dir.path(),
        1,
        &format!(
            "{}mapfile -t args < <(mqtt_ingest 1 500)\n\
             pair 'mqtt ingest' 0.9 'mqtt_fill 1 500 64' -- app_x \"${{args[@]}}\" -- bare_x \"${{args[@]}}\"",
            fake_queue(dir.path(), 500)
        ),
    );
    // The subscriber makes the queue of the client id both sides use, the filler routes
    // to it through amq.topic with the key RabbitMQ makes of the topic, and both sides
    // resume that session rather than start a clean one.
    let fill = [
        "bare_mqtt_subscriber --uri mqtt://m --topic bench/in1 --qos 1 --client-id bench-in-qos1 --no-clean-session --count 0",
        "queue purge mqtt-subscription-bench-in-qos1qos1",
        "bare_publisher --uri amqp://a --exchange amq.topic --key bench.in1 --count 500 --size 64 --confirm",
        "queue depth mqtt-subscription-bench-in-qos1qos1",
    ];
    let side = "--uri mqtt://m --topic bench/in1 --qos 1 --client-id bench-in-qos1 --no-clean-session --count 500";
    let mut expected: Vec<String> = fill.iter().map(|l| l.to_string()).collect();
    expected.push(format!("app_x {side}"));
    expected.extend(fill.iter().map(|l| l.to_string()));
    expected.push(format!("bare_x {side}"));
    assert_eq!(run.log, expected);
    assert_eq!(
        cells(&run.table, "mqtt ingest")[3..6],
        ["0.90", "0.90-0.90", "1/1"]
    );
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);
    assert!(run.crashes.is_empty(), "{:?}", run.crashes);
}

#[test]
fn a_qos_0_queue_is_declared_as_the_mqtt_plugin_would_a_short_fill_is_said_a_crash_counted() {
    let dir = setup();
    example(dir.path(), "bare_mqtt_subscriber", &["crash"]);
    example(dir.path(), "bare_publisher", &["0"]);
    let run = bench(
        dir.path(),
        1,
        &format!(
            "{}mqtt_fill 0 500 64\n\
             mqtt_fill 1 500 64 || echo 'fill failed' >>{log}\n\
             mqtt_ingest 0 500 | paste -sd' ' >>{log}",
            fake_queue(dir.path(), 499),
            log = dir.path().join("log").display()
        ),
    );
    // RabbitMQ 3.10 deletes a QoS 0 subscription's queue when its client leaves, so no
    // session can keep it: it is declared (auto-delete, bound to the topic's key), and
    // both sides start clean.
    assert_eq!(
        run.log,
        [
            "queue auto-delete mqtt-subscription-bench-in-qos0qos0 amq.topic bench.in0",
            "bare_publisher --uri amqp://a --exchange amq.topic --key bench.in0 --count 500 --size 64 --confirm",
            "queue depth mqtt-subscription-bench-in-qos0qos0",
            "bare_mqtt_subscriber --uri mqtt://m --topic bench/in1 --qos 1 --client-id bench-in-qos1 --no-clean-session --count 0",
            "fill failed",
            "--uri mqtt://m --topic bench/in0 --qos 0 --client-id bench-in-qos0 --count 500",
        ]
    );
    assert!(
        run.stderr
            .contains("the queue mqtt-subscription-bench-in-qos0qos0 holds 499 of 500 messages"),
        "{}",
        run.stderr
    );
    assert_eq!(run.crashes, ["bare_mqtt_subscriber"]);
}
