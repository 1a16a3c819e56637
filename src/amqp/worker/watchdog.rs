//! Notices a broker that stopped answering within two heartbeat intervals.
//!
//! lapin gives up only after *more* than two intervals without a frame, and checks on its
//! own half-interval schedule, so it reports a hung broker 2 to 2.5 intervals after it
//! went quiet. The broker's heartbeats are not visible through lapin's API, so we ask for
//! a sign of life ourselves: a basic.qos round trip on a channel of our own every half
//! interval (a no-op on a channel without consumers). An answer proves the broker reads
//! and writes; two intervals without one end the session at that very moment.

use std::{
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use lapin::{Channel, Connection, options::BasicQosOptions};
use tokio::{
    sync::oneshot,
    task::JoinHandle,
    time::{Instant, sleep_until, timeout_at},
};

pub(super) struct Watchdog {
    /// Says how long the broker has been silent, once that is two intervals. `None` with
    /// heartbeats off, and once it has said so.
    silent_rx: Option<oneshot::Receiver<Duration>>,
    /// A blocked connection is not read by the broker until it unblocks (a resource
    /// alarm): no answer is expected then, and its heartbeats still keep lapin content.
    blocked: Arc<AtomicBool>,
    task: Option<JoinHandle<()>>,
    gave_up: bool,
}

impl Watchdog {
    /// Watches `connection` at its negotiated heartbeat; off when heartbeats are.
    pub async fn start(connection: &Connection) -> lapin::Result<Self> {
        let heartbeat = connection.configuration().heartbeat();
        if heartbeat == 0 {
            return Ok(Self::off());
        }
        let interval = Duration::from_secs(u64::from(heartbeat));
        let channel = connection.create_channel().await?;
        let (silent_tx, silent_rx) = oneshot::channel();
        let blocked = Arc::new(AtomicBool::new(false));
        let task = tokio::spawn(watch(
            channel,
            interval / 2,
            interval * 2,
            Arc::clone(&blocked),
            silent_tx,
        ));
        Ok(Self {
            silent_rx: Some(silent_rx),
            blocked,
            task: Some(task),
            gave_up: false,
        })
    }

    pub fn off() -> Self {
        Self {
            silent_rx: None,
            blocked: Arc::default(),
            task: None,
            gave_up: false,
        }
    }

    /// Resolves with the silence once the broker has not answered for two intervals;
    /// never while it answers. Cancel-safe: the serve loop polls it in its select.
    pub async fn silence(&mut self) -> Duration {
        let Some(silent_rx) = &mut self.silent_rx else {
            return std::future::pending().await;
        };
        let answer = silent_rx.await;
        self.silent_rx = None;
        match answer {
            Ok(silence) => {
                self.gave_up = true;
                silence
            }
            // The watch ended with its channel: the connection is closing, and lapin
            // reports why.
            Err(_) => std::future::pending().await,
        }
    }

    pub fn set_blocked(&self, blocked: bool) {
        self.blocked.store(blocked, Ordering::Relaxed);
    }

    /// The broker stopped answering: a polite close would only wait for it.
    pub fn gave_up(&self) -> bool {
        self.gave_up
    }
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        if let Some(task) = &self.task {
            task.abort();
        }
    }
}

async fn watch(
    channel: Channel,
    period: Duration,
    limit: Duration,
    blocked: Arc<AtomicBool>,
    silent_tx: oneshot::Sender<Duration>,
) {
    let mut heard = Instant::now();
    loop {
        sleep_until(heard + period).await;
        let ping = channel.basic_qos(0, BasicQosOptions::default());
        tokio::pin!(ping);
        // Measured from the last answer, not from this question: the broker may have
        // gone quiet just after answering.
        let mut deadline = heard + limit;
        let answer = loop {
            match timeout_at(deadline, &mut ping).await {
                Ok(answer) => break answer,
                Err(_) if blocked.load(Ordering::Relaxed) => deadline = Instant::now() + limit,
                Err(_) => {
                    // Nobody listening means the session already ended.
                    let _ = silent_tx.send(heard.elapsed());
                    return;
                }
            }
        };
        match answer {
            Ok(()) => heard = Instant::now(),
            // The channel or the connection is gone; the serve loop hears it from lapin.
            Err(_) => return,
        }
    }
}
