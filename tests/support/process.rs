//! A third-party client as a child process: its output lines arrive on a channel, read by
//! two threads beside the runtime (not a blocked test task), so an app session in the same
//! test keeps running while a client waits for it. Every wait is bounded; a process still
//! running when its handle is dropped is killed. `mqtt_clients` and `stomp_clients` drive
//! their clients through it.

use std::{
    io::{BufRead, BufReader, Read},
    process::{Child, Command, Stdio},
    time::Duration,
};

use tokio::sync::mpsc;

use super::WAIT;

/// How a client process ended and what it printed.
#[derive(Debug)]
pub struct Finished {
    /// `None` when a signal ended it.
    pub code: Option<i32>,
    pub stdout: Vec<String>,
    pub stderr: Vec<String>,
}

impl Finished {
    pub fn success(&self) -> bool {
        self.code == Some(0)
    }

    /// Panics with everything it printed unless it exited 0.
    pub fn expect_success(self, what: &str) -> Self {
        assert!(self.success(), "{what} failed: {self:#?}");
        self
    }

    /// Everything it wrote to stderr, one string.
    pub fn said(&self) -> String {
        self.stderr.join("\n")
    }
}

enum Line {
    Out(String),
    Err(String),
}

/// A child process whose output lines arrive on a channel, read by two threads.
pub struct Process {
    what: &'static str,
    child: Child,
    lines_rx: mpsc::UnboundedReceiver<Line>,
    stdout: Vec<String>,
    stderr: Vec<String>,
}

impl Process {
    pub fn spawn(mut command: Command, what: &'static str) -> Self {
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run {what} (does scripts/test install it?): {e}"));
        let (lines_tx, lines_rx) = mpsc::unbounded_channel();
        let out = child.stdout.take().expect("stdout is piped");
        let err = child.stderr.take().expect("stderr is piped");
        forward(out, lines_tx.clone(), Line::Out);
        forward(err, lines_tx, Line::Err);
        Self {
            what,
            child,
            lines_rx,
            stdout: Vec::new(),
            stderr: Vec::new(),
        }
    }

    /// Reads its output until `granted` says yes (`Some(true)`) to a line; panics when it
    /// says no (`Some(false)`), when the process ends first, or after `WAIT`.
    pub async fn wait_until_subscribed(mut self, granted: impl Fn(&str) -> Option<bool>) -> Self {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            match tokio::time::timeout_at(deadline, self.lines_rx.recv()).await {
                Ok(Some(Line::Out(line))) => {
                    let verdict = granted(&line);
                    self.stdout.push(line);
                    match verdict {
                        Some(true) => return self,
                        Some(false) => panic!("{} was refused its subscription", self.what),
                        None => {}
                    }
                }
                Ok(Some(Line::Err(line))) => self.stderr.push(line),
                Ok(None) => {
                    let finished = self.finish(WAIT).await;
                    panic!("subscriber ended before it was subscribed: {finished:#?}")
                }
                Err(_) => panic!(
                    "{} not subscribed within {WAIT:?}; stdout {:?}, stderr {:?}",
                    self.what, self.stdout, self.stderr
                ),
            }
        }
    }

    /// Collects its output until both pipes close (it exited), then its exit status.
    /// Past `within` it is killed and the test fails with what it printed.
    pub async fn finish(mut self, within: Duration) -> Finished {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            match tokio::time::timeout_at(deadline, self.lines_rx.recv()).await {
                Ok(Some(Line::Out(line))) => self.stdout.push(line),
                Ok(Some(Line::Err(line))) => self.stderr.push(line),
                Ok(None) => break,
                Err(_) => panic!(
                    "{} still running after {within:?} (killed); stdout {:?}, stderr {:?}",
                    self.what, self.stdout, self.stderr
                ),
            }
        }
        // Both pipes are closed, so it has exited or is exiting: this wait is short.
        let status = self.child.wait().expect("wait for the client");
        Finished {
            code: status.code(),
            stdout: std::mem::take(&mut self.stdout),
            stderr: std::mem::take(&mut self.stderr),
        }
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        // Already reaped after `finish`; otherwise a test that failed midway.
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn forward(
    pipe: impl Read + Send + 'static,
    lines_tx: mpsc::UnboundedSender<Line>,
    wrap: fn(String) -> Line,
) {
    std::thread::spawn(move || {
        for line in BufReader::new(pipe).lines() {
            let Ok(line) = line else { break };
            // The receiver is gone once the test stopped listening: nothing left to do.
            if lines_tx.send(wrap(line)).is_err() {
                break;
            }
        }
    });
}
