//! Disk work off the UI loop: exports, loads, the file `Ctrl-O` publishes (up to 128 MiB)
//! and profile saves run on one thread of their own, one job at a time and in the order
//! they were asked for, and their results come back to the loop over a channel.
//!
//! One thread, not a task per job: two quick profile saves must reach the file in order
//! and never interleave (the store merges with what the file holds, so the second save
//! reads what the first wrote), and the store is owned by that thread alone.

use std::{
    path::PathBuf,
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
        mpsc as std_mpsc,
    },
};

use tokio::sync::mpsc;

use super::{App, file_body::read_body};
use crate::{
    action::Action,
    inspect::export::{ExportedMessage, read_jsonl, write_jsonl},
    profile::{Profile, ProfileError, ProfileStore},
    session::{PublishRequest, SessionCommand, SessionId},
};

/// What the disk thread is asked to do.
pub(super) enum Job {
    Export {
        path: PathBuf,
        messages: Vec<ExportedMessage>,
    },
    Load {
        tab: u32,
        path: PathBuf,
    },
    SaveProfiles(Vec<Profile>),
    /// The body of a publish that holds `slot` in `session`'s outgoing queue.
    ReadBody {
        tab: u32,
        session: SessionId,
        slot: u64,
        request: Box<PublishRequest>,
        path: PathBuf,
    },
    /// The store moves to the thread once, before any save: it is its only owner.
    Adopt(ProfileStore),
}

/// A job's result, back on the loop.
#[derive(Debug)]
pub(super) enum Done {
    /// For `update`, as it is.
    Action(Action),
    /// The publish held at `slot` now has its body and may go out.
    Body {
        session: SessionId,
        slot: u64,
        request: Box<PublishRequest>,
    },
    /// The file could not be read: the slot is let go, nothing is sent, and `unreadable`
    /// (an `Action::PublishFileUnreadable`) tells the prompt why.
    Unread {
        session: SessionId,
        slot: u64,
        unreadable: Action,
    },
    /// A read skipped because the app is quitting: its session is gone.
    Skipped { session: SessionId, slot: u64 },
}

impl Job {
    fn run(self, store: &mut Option<ProfileStore>, quitting: &AtomicBool) -> Option<Done> {
        let done = match self {
            Job::Adopt(adopted) => {
                *store = Some(adopted);
                return None;
            }
            Job::Export { path, messages } => Done::Action(Action::Exported(
                write_jsonl(&path, &messages)
                    .map(|count| (count, path))
                    .map_err(|e| e.to_string()),
            )),
            Job::Load { tab, path } => {
                let result = read_jsonl(&path).map_err(|e| e.to_string());
                Done::Action(Action::FileLoaded { tab, path, result })
            }
            Job::SaveProfiles(profiles) => Done::Action(Action::ProfilesSaved(match store {
                Some(store) => store.save(&profiles),
                None => Err(ProfileError::NoConfigDir),
            })),
            // Reading 128 MiB for a session that quitting has closed serves nobody.
            Job::ReadBody { session, slot, .. } if quitting.load(Ordering::Relaxed) => {
                Done::Skipped { session, slot }
            }
            Job::ReadBody {
                tab,
                session,
                slot,
                mut request,
                path,
            } => match read_body(&path) {
                Ok(body) => {
                    request.body = body;
                    Done::Body {
                        session,
                        slot,
                        request,
                    }
                }
                Err(error) => Done::Unread {
                    session,
                    slot,
                    unreadable: Action::PublishFileUnreadable {
                        tab,
                        path,
                        reason: error.to_string(),
                    },
                },
            },
        };
        Some(done)
    }
}

/// The loop's side of the disk thread.
pub(super) struct Disk {
    /// Until the thread starts (it starts with the first job), or for good if it could not.
    store: Option<ProfileStore>,
    /// Tests hold each job back until they send `()`; see `App::with_disk_gate`.
    gate: Option<std_mpsc::Receiver<()>>,
    /// `None` until the first job, or when no thread could be started.
    jobs_tx: Option<mpsc::UnboundedSender<Job>>,
    started: bool,
    done_tx: mpsc::UnboundedSender<Done>,
    done_rx: mpsc::UnboundedReceiver<Done>,
    /// Jobs asked for whose result has not been taken yet.
    pending: usize,
    quitting: Arc<AtomicBool>,
}

impl Default for Disk {
    fn default() -> Self {
        // Unbounded: a result exists only for a job the user asked for, one at a time.
        let (done_tx, done_rx) = mpsc::unbounded_channel();
        Self {
            store: None,
            gate: None,
            jobs_tx: None,
            started: false,
            done_tx,
            done_rx,
            pending: 0,
            quitting: Arc::new(AtomicBool::new(false)),
        }
    }
}

impl Disk {
    pub fn set_store(&mut self, store: ProfileStore) {
        self.store = Some(store);
    }

    pub fn set_gate(&mut self, gate: std_mpsc::Receiver<()>) {
        self.gate = Some(gate);
    }

    /// Queues `job` behind those already asked for; its result comes from [`Disk::next`].
    pub fn start(&mut self, job: Job) {
        self.pending += 1;
        let job = match self.jobs_tx() {
            Some(jobs_tx) => match jobs_tx.send(job) {
                Ok(()) => return,
                Err(mpsc::error::SendError(job)) => job,
            },
            None => job,
        };
        // No thread to run it (the system refused one, or it panicked): run it here, as
        // before there was a thread, rather than lose it.
        if let Some(done) = job.run(&mut self.store, &self.quitting) {
            // We hold the receiver: this cannot fail.
            let _ = self.done_tx.send(done);
        }
    }

    /// Jobs whose result has not been taken.
    pub fn pending(&self) -> usize {
        self.pending
    }

    /// The next result; never resolves while no job is pending. Cancel-safe.
    pub async fn next(&mut self) -> Done {
        if self.pending == 0 {
            return std::future::pending().await;
        }
        // We hold a sender, so this never reports a closed channel.
        match self.done_rx.recv().await {
            Some(done) => {
                self.pending -= 1;
                done
            }
            None => std::future::pending().await,
        }
    }

    /// Reads not started yet will be skipped: quitting closed their sessions.
    pub fn quitting(&self) {
        self.quitting.store(true, Ordering::Relaxed);
    }

    fn jobs_tx(&mut self) -> Option<&mpsc::UnboundedSender<Job>> {
        if !self.started {
            self.started = true;
            self.spawn();
        }
        self.jobs_tx.as_ref()
    }

    fn spawn(&mut self) {
        let (jobs_tx, mut jobs_rx) = mpsc::unbounded_channel::<Job>();
        let done_tx = self.done_tx.clone();
        let gate = self.gate.take();
        let quitting = Arc::clone(&self.quitting);
        let spawned = std::thread::Builder::new()
            .name("amqp-tui-disk".into())
            .spawn(move || {
                let mut store = None;
                while let Some(job) = jobs_rx.blocking_recv() {
                    if let (Some(gate), false) = (&gate, matches!(job, Job::Adopt(_))) {
                        // A dropped sender opens the gate for good.
                        let _ = gate.recv();
                    }
                    if let Some(done) = job.run(&mut store, &quitting)
                        && done_tx.send(done).is_err()
                    {
                        // The app is gone; nobody is left to hear the rest.
                        break;
                    }
                }
            });
        match spawned {
            Ok(_) => {
                if let Some(store) = self.store.take()
                    && let Err(mpsc::error::SendError(Job::Adopt(store))) =
                        jobs_tx.send(Job::Adopt(store))
                {
                    self.store = Some(store);
                }
                self.jobs_tx = Some(jobs_tx);
            }
            Err(err) => tracing::warn!("no thread for disk work, it runs on the UI loop: {err}"),
        }
    }
}

/// The app's side: where results go, and what tests reach.
impl App {
    /// For tests: each disk job (export, load, file body, profile save) waits for one `()`
    /// from `gate` before it starts, so a test can watch the loop while a job is under
    /// way. Dropping the sender lets every job through.
    pub fn with_disk_gate(mut self, gate: std::sync::mpsc::Receiver<()>) -> Self {
        self.disk.set_gate(gate);
        self
    }

    /// Disk jobs asked for whose result has not come back yet.
    pub fn disk_jobs_pending(&self) -> usize {
        self.disk.pending()
    }

    /// Waits for every disk job asked for so far and applies its result, as the loop does.
    pub async fn settle_disk(&mut self) {
        while self.disk.pending() > 0 {
            let done = self.disk.next().await;
            self.disk_done(done);
        }
    }

    /// A disk job's result: an action for `update`, or a file's bytes for their slot.
    pub(super) fn disk_done(&mut self, done: Done) {
        match done {
            Done::Action(action) => self.dispatch(action),
            Done::Body {
                session,
                slot,
                request,
            } => {
                let command = SessionCommand::Publish(request);
                if let Err((command, why)) = self.outgoing.fill(session, slot, command) {
                    self.refuse(session, vec![command], why);
                }
            }
            Done::Unread {
                session,
                slot,
                unreadable,
            } => {
                self.outgoing.release(session, slot);
                self.dispatch(unreadable);
            }
            Done::Skipped { session, slot } => self.outgoing.release(session, slot),
        }
    }
}
