//! The loop: terminal events, broker events and a frame clock become actions; `update`
//! applies them; effects go to the session workers; the screen is redrawn at most once a
//! frame while the broker is busy, and at once after a key.

use std::{
    collections::{HashMap, HashSet},
    io::IsTerminal,
    time::Duration,
};

use crossterm::event::{Event, EventStream};
use futures_lite::Stream;
use futures_lite::StreamExt;
use ratatui::{Terminal, backend::Backend};
use tokio::{
    signal::unix::{SignalKind, signal},
    sync::mpsc::{self, error::TrySendError},
};

use crate::{
    action::Action,
    amqp::{
        AmqpCommand, AmqpEvent, PublishOutcome, PublishRequest, SessionEvent, SessionId, worker,
    },
    keymap,
    model::Model,
    profile::{ProfileError, ProfileStore},
    ui,
    update::{Effect, SessionCommand, update},
};

const FRAME: Duration = Duration::from_millis(33);
/// Broker events in flight to the UI; a full channel slows the worker, not our memory.
pub const EVENT_CAPACITY: usize = 4096;
/// Events applied per batch before drawing again, so keys are never starved by a flood.
pub const EVENT_BATCH: usize = 1024;
/// How long quitting waits for sessions to close their connections.
const SHUTDOWN_GRACE: Duration = Duration::from_millis(1500);

/// What a run did, for benchmarks: redraws are coalesced to at most one a frame.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RunStats {
    pub draws: u64,
}

pub struct App {
    model: Model,
    workers: HashMap<SessionId, mpsc::Sender<AmqpCommand>>,
    /// Sessions told to disconnect that have not said `Stopped` yet: quitting waits for
    /// them to close their connections politely, and for nothing else.
    stopping: HashSet<SessionId>,
    events_tx: mpsc::Sender<SessionEvent>,
    events_rx: mpsc::Receiver<SessionEvent>,
    /// Where profiles are written; `None` when no config directory could be found.
    profiles: Option<ProfileStore>,
}

impl App {
    pub fn new(model: Model) -> Self {
        Self::with_event_capacity(model, EVENT_CAPACITY)
    }

    /// `capacity` broker events may wait for the UI (`--channel-capacity`): a full channel
    /// slows the workers, never grows memory.
    pub fn with_event_capacity(model: Model, capacity: usize) -> Self {
        let (events_tx, events_rx) = mpsc::channel(capacity.max(1));
        Self {
            model,
            workers: HashMap::new(),
            stopping: HashSet::new(),
            events_tx,
            events_rx,
            profiles: None,
        }
    }

    /// Saves go to `store` (a small file, written synchronously between frames).
    pub fn with_profiles(mut self, store: ProfileStore) -> Self {
        self.profiles = Some(store);
        self
    }

    pub fn model(&self) -> &Model {
        &self.model
    }

    /// Applies an action and carries out what it asks for.
    pub fn dispatch(&mut self, action: Action) {
        if let Action::Broker(SessionEvent {
            session,
            event: AmqpEvent::Failed(_) | AmqpEvent::Stopped,
        }) = &action
        {
            self.workers.remove(session);
            self.stopping.remove(session);
        }
        for effect in update(&mut self.model, action) {
            self.run_effect(effect);
        }
    }

    fn run_effect(&mut self, effect: Effect) {
        match effect {
            Effect::Connect { session, settings } => {
                let commands_tx = worker::spawn(session, settings, self.events_tx.clone());
                self.workers.insert(session, commands_tx);
            }
            Effect::Publish { session, request } => {
                let command = AmqpCommand::Publish(Box::new(request));
                let refused = match self.workers.get(&session) {
                    Some(commands_tx) => match commands_tx.try_send(command) {
                        Ok(()) => None,
                        Err(TrySendError::Full(command) | TrySendError::Closed(command)) => {
                            Some(command)
                        }
                    },
                    None => Some(command),
                };
                if let Some(AmqpCommand::Publish(request)) = refused {
                    let reason = "the session is busy or gone; the message was not sent".into();
                    self.refuse_publish(session, *request, reason);
                }
            }
            Effect::PublishFile {
                session,
                mut request,
                path,
            } => match read_body(&path) {
                Ok(body) => {
                    request.body = body;
                    self.run_effect(Effect::Publish { session, request });
                }
                Err(reason) => self.refuse_publish(session, request, reason),
            },
            Effect::Command { session, command } => {
                let command = match command {
                    SessionCommand::Bind(binding) => AmqpCommand::Bind(binding),
                    SessionCommand::Unbind(binding) => AmqpCommand::Unbind(binding),
                    SessionCommand::Settle {
                        delivery_tag,
                        epoch,
                        settle,
                    } => AmqpCommand::Settle {
                        delivery_tag,
                        epoch,
                        settle,
                    },
                    SessionCommand::Peek { max } => AmqpCommand::Peek { max },
                };
                let sent = self
                    .workers
                    .get(&session)
                    .is_some_and(|tx| tx.try_send(command).is_ok());
                if !sent {
                    self.dispatch(Action::Broker(SessionEvent {
                        session,
                        event: AmqpEvent::Notice(
                            "The session is busy or gone: the command was not sent.".into(),
                        ),
                    }));
                }
            }
            Effect::Export { path, messages } => {
                let result = crate::inspect::export::write_jsonl(&path, &messages)
                    .map(|count| (count, path))
                    .map_err(|e| e.to_string());
                self.dispatch(Action::Exported(result));
            }
            Effect::LoadFile { tab, path } => {
                let result = crate::inspect::export::read_jsonl(&path).map_err(|e| e.to_string());
                self.dispatch(Action::FileLoaded { tab, path, result });
            }
            Effect::SaveProfiles(profiles) => {
                let result = match &mut self.profiles {
                    Some(store) => store.save(&profiles),
                    None => Err(ProfileError::NoConfigDir),
                };
                self.dispatch(Action::ProfilesSaved(result));
            }
            Effect::Disconnect { session } => {
                if let Some(commands_tx) = self.workers.remove(&session) {
                    // A full queue or a finished worker: dropping the sender ends it either way.
                    let _ = commands_tx.try_send(AmqpCommand::Disconnect);
                    self.stopping.insert(session);
                }
            }
        }
    }

    /// Reports a publish that never reached the worker, like any other outcome, and hands
    /// it back for a resend.
    fn refuse_publish(&mut self, session: SessionId, request: PublishRequest, reason: String) {
        let event = AmqpEvent::Published {
            id: request.id,
            exchange: request.exchange.clone(),
            routing_key: request.routing_key.clone(),
            outcome: PublishOutcome::not_sent(request.copies, reason),
            unsent: Some(Box::new(request)),
        };
        self.dispatch(Action::Broker(SessionEvent { session, event }));
    }

    /// Runs in the user's terminal, with crossterm's keys.
    pub async fn run(self, terminal: &mut crate::tui::AppTerminal) -> anyhow::Result<()> {
        match self.run_with(terminal, EventStream::new(), |_| false).await {
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
            tokio::select! {
                event = terminal_events.next() => {
                    let Some(event) = event else { break };
                    if let Some(action) = terminal_action(&self.model, event?) {
                        self.dispatch(action);
                        // Keys are drawn at once: the user is waiting for them.
                        draw(terminal, &self.model)?;
                        dirty = false;
                    }
                }
                // We hold a sender, so this never reports a closed channel.
                _ = self.events_rx.recv_many(&mut batch, EVENT_BATCH) => {
                    for event in batch.drain(..) {
                        self.dispatch(Action::Broker(event));
                    }
                    dirty = true;
                }
                _ = frame.tick() => {
                    if dirty {
                        draw(terminal, &self.model)?;
                        dirty = false;
                    }
                }
                _ = terminate.recv() => self.dispatch(Action::QuitNow),
                _ = hangup.recv() => {
                    hung_up = true;
                    self.dispatch(Action::QuitNow);
                }
            }
        }
        if dirty && !hung_up {
            draw(terminal, &self.model)?;
        }
        Ok(stats)
    }

    /// Lets workers close their connections politely, without keeping the user waiting.
    pub async fn shutdown(&mut self) {
        for (session, commands_tx) in self.workers.drain() {
            // Dropping the sender ends the worker even if this does not get through.
            let _ = commands_tx.try_send(AmqpCommand::Disconnect);
            self.stopping.insert(session);
        }
        let deadline = tokio::time::Instant::now() + SHUTDOWN_GRACE;
        while !self.stopping.is_empty() {
            match tokio::time::timeout_at(deadline, self.events_rx.recv()).await {
                Ok(Some(SessionEvent {
                    session,
                    event: AmqpEvent::Stopped | AmqpEvent::Failed(_),
                })) => {
                    self.stopping.remove(&session);
                }
                Ok(Some(_)) => {}
                Ok(None) | Err(_) => break,
            }
        }
    }
}

/// RabbitMQ refuses messages above its `max_message_size` (128 MiB by default); reading a
/// bigger file would only fail later and cost the memory first.
const MAX_FILE_BODY: u64 = 128 * 1024 * 1024;

fn read_body(path: &std::path::Path) -> Result<Vec<u8>, String> {
    let shown = crate::text::visible(&path.display().to_string());
    let size = std::fs::metadata(path)
        .map_err(|e| format!("cannot read {shown}: {e}"))?
        .len();
    if size > MAX_FILE_BODY {
        return Err(format!(
            "{shown} is {} : more than the 128 MiB RabbitMQ accepts by default",
            crate::text::human_size(usize::try_from(size).unwrap_or(usize::MAX))
        ));
    }
    std::fs::read(path).map_err(|e| format!("cannot read {shown}: {e}"))
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
