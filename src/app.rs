//! The loop: terminal events, broker events and a frame clock become actions; `update`
//! applies them; effects go to the session workers; the screen is redrawn at most once a
//! frame while the broker is busy, and at once after a key. Disk work runs on a thread of
//! its own and comes back as actions too.

mod disk;
mod file_body;
mod observe;
mod outgoing;
mod topology;

use std::{
    collections::HashSet,
    io::IsTerminal,
    time::{Duration, Instant},
};

use crossterm::event::Event;
use futures_lite::Stream;
use futures_lite::StreamExt;
use ratatui::{Terminal, backend::Backend};
use tokio::{
    signal::unix::{SignalKind, signal},
    sync::mpsc,
};

use disk::{Disk, Job};
use outgoing::Outgoing;

use crate::{
    action::Action,
    keymap,
    model::Model,
    profile::ProfileStore,
    session::{self, SessionCommand, SessionEvent, SessionId, WorkerEvent},
    ui,
    update::{Effect, update},
};

const FRAME: Duration = Duration::from_millis(33);
/// Broker events in flight to the UI; a full channel slows the worker, not our memory.
pub const EVENT_CAPACITY: usize = 4096;
/// Events applied per batch before drawing again, so keys are never starved by a flood.
pub const EVENT_BATCH: usize = 1024;
/// How long quitting waits for sessions to close their connections.
const SHUTDOWN_GRACE: Duration = Duration::from_millis(1500);
/// How long quitting waits for observing to close its tap and switch tracing back off.
const OBSERVE_GRACE: Duration = Duration::from_secs(5);
/// How long quitting waits, after that, for exports and profile saves under way to reach
/// the disk: they are small and quick, but a hung network mount must not keep the user.
const DISK_GRACE: Duration = Duration::from_secs(10);

/// What a run did, for benchmarks: redraws are coalesced to at most one a frame.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RunStats {
    pub draws: u64,
}

pub struct App {
    model: Model,
    /// The session workers, and the commands waiting for room in their channels.
    outgoing: Outgoing,
    /// Room in each worker's command channel; tests make it tiny.
    command_capacity: usize,
    /// Sessions told to disconnect that have not said `Stopped` yet: quitting waits for
    /// them to close their connections politely, and for nothing else.
    stopping: HashSet<SessionId>,
    events_tx: mpsc::Sender<SessionEvent>,
    events_rx: mpsc::Receiver<SessionEvent>,
    /// Exports, loads, file bodies and profile saves, in order, off the loop.
    disk: Disk,
    /// Numbers the outgoing slots of files being read for a publish.
    next_slot: u64,
    /// Answers of background tasks (the broker view's fetches and timers).
    actions_tx: mpsc::Sender<Action>,
    actions_rx: mpsc::Receiver<Action>,
    /// Broker views observing routes, and those winding down (tracing to switch off).
    observers: Vec<observe::Observer>,
}

impl App {
    pub fn new(model: Model) -> Self {
        Self::with_event_capacity(model, EVENT_CAPACITY)
    }

    /// `capacity` broker events may wait for the UI (`--channel-capacity`): a full channel
    /// slows the workers, never grows memory.
    pub fn with_event_capacity(model: Model, capacity: usize) -> Self {
        let (events_tx, events_rx) = mpsc::channel(capacity.max(1));
        let (actions_tx, actions_rx) = mpsc::channel(topology::CAPACITY);
        Self {
            model,
            outgoing: Outgoing::default(),
            command_capacity: session::COMMAND_CAPACITY,
            stopping: HashSet::new(),
            events_tx,
            events_rx,
            disk: Disk::default(),
            next_slot: 0,
            actions_tx,
            actions_rx,
            observers: Vec::new(),
        }
    }

    /// Each worker's channel holds `capacity` commands; more wait in the app, in order.
    pub fn with_command_capacity(mut self, capacity: usize) -> Self {
        self.command_capacity = capacity.max(1);
        self
    }

    /// Saves go to `store`, which moves to the disk thread: one save at a time, in order.
    pub fn with_profiles(mut self, store: ProfileStore) -> Self {
        self.disk.set_store(store);
        self
    }

    pub fn model(&self) -> &Model {
        &self.model
    }

    /// Applies an action and carries out what it asks for.
    pub fn dispatch(&mut self, action: Action) {
        if let Action::Broker(SessionEvent {
            session,
            event: WorkerEvent::Failed(_) | WorkerEvent::Stopped,
        }) = &action
        {
            let session = *session;
            self.stopping.remove(&session);
            if let Some((_, unsent)) = self.outgoing.remove(session) {
                self.refuse(session, unsent, "the session has ended");
            }
        }
        for effect in update(&mut self.model, action) {
            self.run_effect(effect);
        }
    }

    fn run_effect(&mut self, effect: Effect) {
        match effect {
            Effect::Connect { session, settings } => {
                let commands_tx = session::spawn(
                    session,
                    settings,
                    self.events_tx.clone(),
                    self.command_capacity,
                );
                self.outgoing.insert(session, commands_tx);
            }
            Effect::Publish { session, request } => {
                self.send(session, SessionCommand::Publish(Box::new(request)));
            }
            Effect::PublishFile {
                tab,
                session,
                request,
                path,
            } => {
                // The publish keeps its place among the session's commands while the file
                // is read: a message typed meanwhile goes after it. Without a worker there
                // is no place to keep, and the file is still read: a path that cannot be
                // read is the user's to fix first, and a body finds no slot and is refused.
                self.next_slot += 1;
                let slot = self.next_slot;
                self.outgoing.hold(session, slot);
                self.disk.start(Job::ReadBody {
                    tab,
                    session,
                    slot,
                    request: Box::new(request),
                    path,
                });
            }
            Effect::Command { session, command } => self.send(session, command),
            Effect::Export { path, messages } => self.disk.start(Job::Export { path, messages }),
            Effect::LoadFile { tab, path } => self.disk.start(Job::Load { tab, path }),
            Effect::SaveProfiles(profiles) => self.disk.start(Job::SaveProfiles(profiles)),
            Effect::FetchTopology {
                tab,
                fetch,
                settings,
                options,
            } => topology::fetch(self.actions_tx.clone(), tab, fetch, settings, *options),
            Effect::RefreshLater { tab, timer, after } => {
                topology::later(self.actions_tx.clone(), tab, timer, after)
            }
            Effect::StartObserve {
                tab,
                observe,
                management,
                tap,
            } => {
                let (before, others) = std::mem::take(&mut self.observers)
                    .into_iter()
                    .partition(|o| o.tab == tab);
                self.observers = others;
                let observer = observe::start(
                    self.actions_tx.clone(),
                    tab,
                    observe,
                    (*management, *tap),
                    before,
                );
                self.observers.push(observer);
            }
            Effect::StopObserve { tab } => self.stop_observing(tab),
            Effect::FindNode {
                session,
                endpoint,
                settings,
                ours,
            } => topology::find_node(self.actions_tx.clone(), session, endpoint, *settings, ours),
            Effect::Disconnect { session } => {
                if let Some((commands_tx, unsent)) = self.outgoing.remove(session) {
                    self.refuse(session, unsent, "you disconnected before it was sent");
                    // A full queue or a finished worker: dropping the sender ends it either way.
                    let _ = commands_tx.try_send(SessionCommand::Disconnect);
                    self.stopping.insert(session);
                }
            }
        }
    }

    /// Stops tab `tab`'s observing, if any; forgets those that have finished.
    fn stop_observing(&mut self, tab: u32) {
        self.observers.retain(|o| !o.is_finished());
        for observer in self.observers.iter_mut().filter(|o| o.tab == tab) {
            observer.stop();
        }
    }

    /// To the session's worker, after what already waits for it; only a session without a
    /// worker (never started, or ended) refuses it.
    fn send(&mut self, session: SessionId, command: SessionCommand) {
        if let Err((command, why)) = self.outgoing.send(session, command) {
            self.refuse(session, vec![command], why);
        }
    }

    /// Reports commands that never reached a worker like the worker reports those it cannot
    /// carry out: a publish fails and is kept for Ctrl-R, a settle or bind says why not.
    fn refuse(&mut self, session: SessionId, commands: Vec<SessionCommand>, why: &str) {
        for command in commands {
            let event = session::refusal(command, why);
            self.dispatch(Action::Broker(SessionEvent { session, event }));
        }
    }

    /// Runs in the user's terminal, with crossterm's keys.
    pub async fn run(self, terminal: &mut crate::tui::AppTerminal) -> anyhow::Result<()> {
        match self
            .run_with(terminal, crate::tui::TerminalEvents::new(), |_| false)
            .await
        {
            Ok(_) => Ok(()),
            // A hangup closes the terminal before its SIGHUP arrives, so a draw or a read
            // can fail first: that is the hangup itself, and nobody is left to tell.
            Err(_) if !std::io::stdout().is_terminal() => Ok(()),
            Err(err) => Err(err),
        }
    }

    /// The loop, on any backend and any stream of terminal events; it also ends once
    /// `until` holds (benchmarks drive it this way). SIGTERM and SIGHUP quit.
    pub async fn run_with<B, S>(
        mut self,
        terminal: &mut Terminal<B>,
        terminal_events: S,
        until: impl Fn(&Model) -> bool,
    ) -> anyhow::Result<RunStats>
    where
        B: Backend,
        B::Error: Send + Sync + 'static,
        S: Stream<Item = std::io::Result<Event>> + Unpin,
    {
        let stats = self.run_until(terminal, terminal_events, until).await;
        self.shutdown().await;
        stats
    }

    /// The loop without the shutdown: a harness can dispatch more actions and run on.
    pub async fn run_until<B, S>(
        &mut self,
        terminal: &mut Terminal<B>,
        mut terminal_events: S,
        until: impl Fn(&Model) -> bool,
    ) -> anyhow::Result<RunStats>
    where
        B: Backend,
        B::Error: Send + Sync + 'static,
        S: Stream<Item = std::io::Result<Event>> + Unpin,
    {
        let mut frame = tokio::time::interval(FRAME);
        frame.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        let mut terminate = signal(SignalKind::terminate())?;
        let mut hangup = signal(SignalKind::hangup())?;
        let size = terminal.size()?;
        self.dispatch(Action::Resize {
            page_rows: ui::message_rows(size.height),
        });
        let mut stats = RunStats::default();
        let mut draw = |terminal: &mut Terminal<B>, model: &Model| -> anyhow::Result<()> {
            terminal.draw(|f| ui::draw(f, model))?;
            stats.draws += 1;
            Ok(())
        };
        draw(terminal, &self.model)?;
        let mut dirty = false;
        // SIGHUP: the terminal is gone, and drawing on it could only fail.
        let mut hung_up = false;
        let mut batch = Vec::with_capacity(EVENT_BATCH);

        while !self.model.quit && !until(&self.model) {
            // Biased, in this order: a key waiting is handled before anything else, and a
            // due frame, a finished disk job or room for waiting commands before more
            // broker events, so a flood that keeps `events_rx` ready delays none of them
            // (an unbiased select picks at random).
            tokio::select! {
                biased;
                event = terminal_events.next() => {
                    // Ended: the terminal is gone, as after SIGHUP.
                    let Some(event) = event else {
                        hung_up = true;
                        break;
                    };
                    let started = Instant::now();
                    if let Some(action) = terminal_action(&self.model, event?) {
                        self.dispatch(action);
                        // Keys are drawn at once: the user is waiting for them.
                        draw(terminal, &self.model)?;
                        dirty = false;
                    }
                    note_slow(started, || "a key and its frame".into());
                }
                _ = terminate.recv() => self.dispatch(Action::QuitNow),
                _ = hangup.recv() => {
                    hung_up = true;
                    self.dispatch(Action::QuitNow);
                }
                _ = frame.tick() => {
                    if dirty {
                        let started = Instant::now();
                        draw(terminal, &self.model)?;
                        dirty = false;
                        note_slow(started, || "a frame".into());
                    }
                }
                // Only while a disk job is under way.
                done = self.disk.next() => {
                    self.disk_done(done);
                    dirty = true;
                }
                // We hold a sender, so this never reports a closed channel.
                Some(action) = self.actions_rx.recv() => {
                    self.dispatch(action);
                    dirty = true;
                }
                // Only while commands wait for room in a worker's channel.
                room = self.outgoing.room() => {
                    let session = room.0;
                    let unsent = self.outgoing.feed(room);
                    if !unsent.is_empty() {
                        self.refuse(session, unsent, "the session has ended");
                        // Their failures change what the compose box says.
                        dirty = true;
                    }
                }
                // We hold a sender, so this never reports a closed channel.
                _ = self.events_rx.recv_many(&mut batch, EVENT_BATCH) => {
                    let started = Instant::now();
                    let n = batch.len();
                    for event in batch.drain(..) {
                        self.dispatch(Action::Broker(event));
                    }
                    dirty = true;
                    note_slow(started, || format!("{n} broker events"));
                }
            }
        }
        if dirty && !hung_up {
            draw(terminal, &self.model)?;
        }
        Ok(stats)
    }

    /// Lets workers close their connections politely, without keeping the user waiting,
    /// and lets exports and profile saves under way finish (files being read to publish
    /// are skipped: their sessions are closed).
    pub async fn shutdown(&mut self) {
        self.disk.quitting();
        // Nobody reads answers any more: a task reporting one must not wait for room
        // (an observer on a busy vhost would, and never switch tracing back off).
        self.actions_rx.close();
        // Tracing left on would copy every message of the vhost for nobody: observers
        // are told first and switch it off while the sessions close.
        let mut observers = std::mem::take(&mut self.observers);
        for observer in &mut observers {
            observer.stop();
        }
        // Quitting disconnected every tab first, which reported what waited for them.
        for (session, commands_tx, _) in self.outgoing.drain() {
            // Dropping the sender ends the worker even if this does not get through.
            let _ = commands_tx.try_send(SessionCommand::Disconnect);
            self.stopping.insert(session);
        }
        let deadline = tokio::time::Instant::now() + SHUTDOWN_GRACE;
        while !self.stopping.is_empty() {
            match tokio::time::timeout_at(deadline, self.events_rx.recv()).await {
                Ok(Some(SessionEvent {
                    session,
                    event: WorkerEvent::Stopped | WorkerEvent::Failed(_),
                })) => {
                    self.stopping.remove(&session);
                }
                Ok(Some(_)) => {}
                Ok(None) | Err(_) => break,
            }
        }
        let finished = futures_util::future::join_all(observers.into_iter().map(|o| o.finished()));
        if tokio::time::timeout(OBSERVE_GRACE, finished).await.is_err() {
            tracing::warn!("quit before observing had switched tracing back off");
        }
        if tokio::time::timeout(DISK_GRACE, self.settle_disk())
            .await
            .is_err()
        {
            tracing::warn!(
                "quit with {} disk jobs unfinished after {DISK_GRACE:?}",
                self.disk.pending()
            );
        }
    }
}

/// Runs `future` (the loop and what drives it) as a task on the runtime's workers, not on
/// the thread blocked on the runtime. A session worker handing the loop a delivery then
/// wakes a task that its own thread runs next, instead of waking another thread through
/// the kernel for every few messages: on a 2-core machine that cut the app's CPU per MQTT
/// delivery by a third to a half, and its context switches by two thirds (`perf stat` on
/// the bench's MQTT ingest). A panic in it is resumed here, so it ends the process as it
/// would have on the blocked thread.
pub async fn on_runtime_worker<F>(future: F) -> F::Output
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    match tokio::spawn(future).await {
        Ok(output) => output,
        Err(err) => match err.try_into_panic() {
            Ok(panic) => std::panic::resume_unwind(panic),
            // Only a runtime shutting down cancels a task, and this one is blocked on it.
            Err(err) => panic!("the app's task ended without finishing: {err}"),
        },
    }
}

/// Work that held the loop longer than a frame delayed any key that came meanwhile: the
/// log says what it was, for anyone chasing a slow keypress.
fn note_slow(started: Instant, what: impl FnOnce() -> String) {
    let took = started.elapsed();
    if took > FRAME {
        let what = what();
        tracing::warn!(
            took_ms = took.as_millis() as u64,
            "the UI loop spent more than a frame on {what}"
        );
    }
}

fn terminal_action(model: &Model, event: Event) -> Option<Action> {
    match event {
        Event::Key(key) => keymap::action_for(model, key),
        Event::Paste(text) => Some(Action::Paste(text)),
        Event::Resize(_, rows) => Some(Action::Resize {
            page_rows: ui::message_rows(rows),
        }),
        _ => None,
    }
}
