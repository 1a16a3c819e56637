//! Observing routes, off the loop: one task per broker view that binds the firehose tap
//! first (so a tap that cannot connect leaves tracing as it found it), then switches
//! tracing on for the vhost on every node, forwards what the tap reads in batches, and at
//! the end closes the tap and switches tracing off again unless it was on before.

use tokio::{
    sync::{mpsc, oneshot},
    task::JoinHandle,
};

use crate::{
    action::Action,
    management::{ManagementTarget, set_tracing},
    observe::{self, ObserveEvent, TapEvent, TraceEvent},
    session::ConnectionSettings,
};

/// Traced publishes forwarded in one action at most: a busy vhost is read in batches, so
/// it takes the loop's turns a batch at a time, not a message at a time.
const BATCH: usize = 256;
/// Traced publishes waiting between the tap and this task.
const TAP_CAPACITY: usize = 1024;

/// One view's observing, under way or winding down.
pub struct Observer {
    pub tab: u32,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<()>,
}

impl Observer {
    /// Asks it to stop: it closes the tap, restores tracing and reports `Ended`.
    pub fn stop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }

    pub fn is_finished(&self) -> bool {
        self.task.is_finished()
    }

    /// Waits for it to finish: quitting lets tracing be switched back off.
    pub async fn finished(self) {
        let _ = self.task.await;
    }
}

/// Observing of tab `tab`'s vhost: `management` says where the API is (the session's
/// settings), `tap` is the same broker over AMQP. Reports come back as
/// `Action::Observed` numbered `observe`. It starts once `before` (the tab's earlier
/// observing, told to stop) has finished, so an old one switching tracing off cannot
/// undo the new one switching it on.
pub fn start(
    actions_tx: mpsc::Sender<Action>,
    tab: u32,
    observe: u64,
    settings: (ConnectionSettings, ConnectionSettings),
    before: Vec<Observer>,
) -> Observer {
    let (management, tap) = settings;
    let (stop_tx, stop_rx) = oneshot::channel();
    let task = tokio::spawn(async move {
        for mut earlier in before {
            earlier.stop();
            earlier.finished().await;
        }
        let report = |event| {
            let actions_tx = actions_tx.clone();
            async move {
                // Closed only when the app is gone, and then nobody is waiting for it.
                let _ = actions_tx
                    .send(Action::Observed {
                        tab,
                        observe,
                        event,
                    })
                    .await;
            }
        };
        let (why, tracing) = run(&management, tap, stop_rx, &report).await;
        report(ObserveEvent::Ended { why, tracing }).await;
    });
    Observer {
        tab,
        stop: Some(stop_tx),
        task,
    }
}

/// Observes until stopped or broken: why it ended (`None` when asked to), and what became
/// of tracing.
async fn run<F, Fut>(
    management: &ConnectionSettings,
    tap: ConnectionSettings,
    mut stop: oneshot::Receiver<()>,
    report: &F,
) -> (Option<String>, String)
where
    F: Fn(ObserveEvent) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let untouched = "tracing was not changed".to_string();
    let target = match ManagementTarget::from_settings(management) {
        Ok(target) => target,
        Err(why) => return (Some(why), untouched),
    };
    let vhost = management.vhost.clone();
    let (tap_tx, mut tap_rx) = mpsc::channel(TAP_CAPACITY);
    // Dropping the receiver stops the tap, which closes its connection and queue.
    let _tap = observe::start(tap, tap_tx);
    tokio::select! {
        event = tap_rx.recv() => match event {
            Some(TapEvent::Ready) => {}
            Some(TapEvent::Ended(why)) => return (Some(why), untouched),
            Some(TapEvent::Traced(_)) | None => {
                return (Some("the tap stopped before it was bound".into()), untouched);
            }
        },
        _ = &mut stop => return (None, untouched),
    }
    let switched = match set_tracing(&target, &vhost, true).await {
        Ok(switched) => switched,
        Err(err) => return (Some(err.to_string()), untouched),
    };
    let failed = switched
        .failures()
        .map(|(node, why)| format!("{node}: {}", why.as_ref().err().map_or("", |w| w)))
        .collect();
    report(ObserveEvent::On {
        was_on: switched.was_on,
        failed,
    })
    .await;

    let why = forward(&mut tap_rx, &mut stop, report).await;
    drop(tap_rx);
    let tracing = if switched.was_on {
        "tracing was on before, so it is left on".to_string()
    } else {
        match set_tracing(&target, &vhost, false).await {
            Ok(off) if off.failures().count() == 0 => "tracing is off again".to_string(),
            failed => {
                let left = match failed {
                    Ok(off) => {
                        let nodes: Vec<&str> =
                            off.failures().map(|(node, _)| node.as_str()).collect();
                        format!(
                            "tracing may still be on at {} (switch it off there: rabbitmqctl trace_off -p {vhost})",
                            nodes.join(", ")
                        )
                    }
                    Err(err) => format!(
                        "tracing could not be switched off ({err}): rabbitmqctl trace_off -p {vhost} does it"
                    ),
                };
                // Said to the log too: at quit, or with the tab closed, nobody reads the
                // notice.
                tracing::warn!(%vhost, "observing ended: {left}");
                left
            }
        }
    };
    (why, tracing)
}

/// Passes traced publishes on in batches until stopped (`None`) or the tap ends (why).
async fn forward<F, Fut>(
    tap_rx: &mut mpsc::Receiver<TapEvent>,
    stop: &mut oneshot::Receiver<()>,
    report: &F,
) -> Option<String>
where
    F: Fn(ObserveEvent) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let mut events = Vec::with_capacity(BATCH);
    loop {
        tokio::select! {
            // Stopping first: a busy vhost always has a batch ready.
            biased;
            _ = &mut *stop => return None,
            n = tap_rx.recv_many(&mut events, BATCH) => {
                if n == 0 {
                    return Some("the tap stopped".into());
                }
                let mut traced: Vec<TraceEvent> = Vec::with_capacity(n);
                let mut ended = None;
                for event in events.drain(..) {
                    match event {
                        TapEvent::Traced(event) => traced.push(*event),
                        TapEvent::Ended(why) => ended = Some(why),
                        TapEvent::Ready => {}
                    }
                }
                if !traced.is_empty() {
                    report(ObserveEvent::Traced(traced)).await;
                }
                if ended.is_some() {
                    return ended;
                }
            }
        }
    }
}
