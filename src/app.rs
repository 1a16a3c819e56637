//! The loop: terminal events, broker events and a frame clock become actions; `update`
//! applies them; effects go to the session workers; the screen is redrawn at most once a
//! frame while the broker is busy, and at once after a key.

use std::{collections::HashMap, time::Duration};

use crossterm::event::{Event, EventStream};
use futures_lite::StreamExt;
use ratatui::DefaultTerminal;
use tokio::{
    signal::unix::{SignalKind, signal},
    sync::mpsc,
};

use crate::{
    action::Action,
    amqp::{AmqpCommand, AmqpEvent, PublishOutcome, SessionEvent, SessionId, worker},
    keymap,
    model::Model,
    ui,
    update::{Effect, update},
};

const FRAME: Duration = Duration::from_millis(33);
/// Broker events in flight to the UI; a full channel slows the worker, not our memory.
const EVENT_CAPACITY: usize = 4096;
/// Events applied per batch before drawing again, so keys are never starved by a flood.
const EVENT_BATCH: usize = 1024;

pub struct App {
    model: Model,
    workers: HashMap<SessionId, mpsc::Sender<AmqpCommand>>,
    events_tx: mpsc::Sender<SessionEvent>,
    events_rx: mpsc::Receiver<SessionEvent>,
}

impl App {
    pub fn new(model: Model) -> Self {
        let (events_tx, events_rx) = mpsc::channel(EVENT_CAPACITY);
        Self {
            model,
            workers: HashMap::new(),
            events_tx,
            events_rx,
        }
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
                let refused = match self.workers.get(&session) {
                    Some(commands_tx) => commands_tx
                        .try_send(AmqpCommand::Publish(request.clone()))
                        .is_err(),
                    None => true,
                };
                if refused {
                    let event = AmqpEvent::Published {
                        id: request.id,
                        exchange: request.exchange,
                        routing_key: request.routing_key,
                        outcome: PublishOutcome::Failed {
                            reason: "the session is busy or gone; the message was not sent".into(),
                        },
                    };
                    self.dispatch(Action::Broker(SessionEvent { session, event }));
                }
            }
            Effect::Disconnect { session } => {
                if let Some(commands_tx) = self.workers.remove(&session) {
                    // A full queue or a finished worker: dropping the sender ends it either way.
                    let _ = commands_tx.try_send(AmqpCommand::Disconnect);
                }
            }
        }
    }

    /// Applies every broker event waiting, up to a batch; false when none came.
    pub fn drain_broker_events(&mut self) -> bool {
        let mut any = false;
        for _ in 0..EVENT_BATCH {
            match self.events_rx.try_recv() {
                Ok(event) => {
                    self.dispatch(Action::Broker(event));
                    any = true;
                }
                Err(_) => break,
            }
        }
        any
    }

    pub async fn run(mut self, terminal: &mut DefaultTerminal) -> anyhow::Result<()> {
        let mut terminal_events = EventStream::new();
        let mut frame = tokio::time::interval(FRAME);
        frame.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        let mut terminate = signal(SignalKind::terminate())?;
        let mut hangup = signal(SignalKind::hangup())?;
        let size = terminal.size()?;
        self.dispatch(Action::Resize {
            page_rows: ui::message_rows(size.height),
        });
        terminal.draw(|f| ui::draw(f, &self.model))?;
        let mut dirty = false;

        while !self.model.quit {
            tokio::select! {
                event = terminal_events.next() => {
                    let Some(event) = event else { break };
                    if let Some(action) = terminal_action(&self.model, event?) {
                        self.dispatch(action);
                        // Keys are drawn at once: the user is waiting for them.
                        terminal.draw(|f| ui::draw(f, &self.model))?;
                        dirty = false;
                    }
                }
                Some(event) = self.events_rx.recv() => {
                    self.dispatch(Action::Broker(event));
                    self.drain_broker_events();
                    dirty = true;
                }
                _ = frame.tick() => {
                    if dirty {
                        terminal.draw(|f| ui::draw(f, &self.model))?;
                        dirty = false;
                    }
                }
                _ = terminate.recv() => self.dispatch(Action::Quit),
                _ = hangup.recv() => self.dispatch(Action::Quit),
            }
        }
        self.shutdown().await;
        Ok(())
    }

    /// Lets workers close their connections politely, without keeping the user waiting.
    async fn shutdown(&mut self) {
        for (_, commands_tx) in self.workers.drain() {
            let _ = commands_tx.try_send(AmqpCommand::Disconnect);
        }
        let deadline = tokio::time::Instant::now() + Duration::from_millis(1500);
        while let Ok(Some(event)) = tokio::time::timeout_at(deadline, self.events_rx.recv()).await {
            if event.event == AmqpEvent::Stopped {
                break;
            }
        }
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
