//! Commands on their way to the session workers, in order and never refused for lack of
//! room. A worker's channel stays bounded (its memory); what does not fit waits here and
//! goes out as the worker takes it, so a replay of 10,000 messages is sent whole without
//! the UI loop ever blocking, and a settle or bind typed meanwhile does not overtake it.

use std::collections::{HashMap, VecDeque};

use futures_util::future::select_all;
use tokio::sync::mpsc::{self, OwnedPermit, error::TrySendError};

use crate::session::{SessionCommand, SessionId};

/// What may wait in the app for one session: past it a publish is refused (and kept for
/// Ctrl-R, as any failed one) rather than grow memory while the broker takes nothing, as
/// when a memory alarm blocks publishers and Ctrl-R is pressed again and again.
pub const MAX_WAITING_BYTES: usize = 256 * 1024 * 1024;

/// Why a command was not taken: there is no worker for it, or too much waits already.
pub(super) const NO_WORKER: &str = "the session has ended";
pub(super) const TOO_MUCH_WAITING: &str =
    "256 MiB already wait to go to this session (the broker takes nothing or is slow)";

/// A worker's channel has room for one command, or the worker has ended.
pub(super) type Room = (SessionId, Result<OwnedPermit<SessionCommand>, ()>);

#[derive(Default)]
pub(super) struct Outgoing {
    workers: HashMap<SessionId, Worker>,
}

struct Worker {
    commands_tx: mpsc::Sender<SessionCommand>,
    /// Commands the channel had no room for yet, oldest first.
    waiting: VecDeque<SessionCommand>,
    /// The bodies among them, in bytes.
    waiting_bytes: usize,
}

/// What a command holds in memory, for the bound on what waits.
fn bytes(command: &SessionCommand) -> usize {
    match command {
        SessionCommand::Publish(request) => request.body.len(),
        _ => 0,
    }
}

impl Worker {
    fn wait(&mut self, command: SessionCommand) -> Result<(), (SessionCommand, &'static str)> {
        let size = bytes(&command);
        if self.waiting_bytes + size > MAX_WAITING_BYTES && !self.waiting.is_empty() {
            return Err((command, TOO_MUCH_WAITING));
        }
        self.waiting_bytes += size;
        self.waiting.push_back(command);
        Ok(())
    }

    fn next_waiting(&mut self) -> Option<SessionCommand> {
        let command = self.waiting.pop_front()?;
        self.waiting_bytes -= bytes(&command);
        Some(command)
    }

    fn put_back(&mut self, command: SessionCommand) {
        self.waiting_bytes += bytes(&command);
        self.waiting.push_front(command);
    }
}

impl Outgoing {
    pub fn insert(&mut self, session: SessionId, commands_tx: mpsc::Sender<SessionCommand>) {
        let worker = Worker {
            commands_tx,
            waiting: VecDeque::new(),
            waiting_bytes: 0,
        };
        self.workers.insert(session, worker);
    }

    /// Hands `command` to the session's worker, after whatever already waits for it. It
    /// comes back, with why, only when there is no worker to take it (none was started, or
    /// it ended) or when [`MAX_WAITING_BYTES`] wait for it already.
    pub fn send(
        &mut self,
        session: SessionId,
        command: SessionCommand,
    ) -> Result<(), (SessionCommand, &'static str)> {
        let Some(worker) = self.workers.get_mut(&session) else {
            return Err((command, NO_WORKER));
        };
        if !worker.waiting.is_empty() {
            return worker.wait(command);
        }
        match worker.commands_tx.try_send(command) {
            Ok(()) => Ok(()),
            Err(TrySendError::Full(command)) => worker.wait(command),
            Err(TrySendError::Closed(command)) => Err((command, NO_WORKER)),
        }
    }

    /// Forgets the session's worker: its sender, and the commands that never reached it
    /// (oldest first), for the caller to report.
    pub fn remove(
        &mut self,
        session: SessionId,
    ) -> Option<(mpsc::Sender<SessionCommand>, Vec<SessionCommand>)> {
        let worker = self.workers.remove(&session)?;
        Some((worker.commands_tx, worker.waiting.into()))
    }

    /// Every worker, with what never reached it.
    pub fn drain(&mut self) -> Vec<(SessionId, mpsc::Sender<SessionCommand>, Vec<SessionCommand>)> {
        self.workers
            .drain()
            .map(|(session, w)| (session, w.commands_tx, w.waiting.into()))
            .collect()
    }

    /// Commands waiting in the app, for every session.
    #[cfg(test)]
    pub fn waiting(&self) -> usize {
        self.workers.values().map(|w| w.waiting.len()).sum()
    }

    /// Resolves once a session with waiting commands has room in its channel (or has
    /// ended); never while nothing waits. Cancel-safe: a permit not taken is given back.
    pub async fn room(&self) -> Room {
        let waits: Vec<_> = self
            .workers
            .iter()
            .filter(|(_, worker)| !worker.waiting.is_empty())
            .map(|(session, worker)| {
                let (session, commands_tx) = (*session, worker.commands_tx.clone());
                Box::pin(async move { (session, commands_tx.reserve_owned().await.map_err(drop)) })
            })
            .collect();
        if waits.is_empty() {
            return std::future::pending().await;
        }
        select_all(waits).await.0
    }

    /// Moves waiting commands into the channel `room` made space in, as many as fit now.
    /// Hands back, oldest first, those a worker that ended can no longer take.
    pub fn feed(&mut self, (session, permit): Room) -> Vec<SessionCommand> {
        let Some(worker) = self.workers.get_mut(&session) else {
            return Vec::new();
        };
        let Ok(permit) = permit else {
            worker.waiting_bytes = 0;
            return worker.waiting.drain(..).collect();
        };
        if let Some(command) = worker.next_waiting() {
            permit.send(command);
        }
        while let Some(command) = worker.next_waiting() {
            match worker.commands_tx.try_send(command) {
                Ok(()) => {}
                Err(TrySendError::Full(command)) => {
                    worker.put_back(command);
                    break;
                }
                Err(TrySendError::Closed(command)) => {
                    worker.put_back(command);
                    worker.waiting_bytes = 0;
                    return worker.waiting.drain(..).collect();
                }
            }
        }
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn peek(max: u32) -> SessionCommand {
        SessionCommand::Peek { max }
    }

    fn max_of(command: &SessionCommand) -> u32 {
        match command {
            SessionCommand::Peek { max } => *max,
            other => panic!("unexpected {other:?}"),
        }
    }

    #[tokio::test]
    async fn a_full_channel_makes_commands_wait_in_order_and_none_is_refused() {
        let (commands_tx, mut commands_rx) = mpsc::channel(2);
        let mut outgoing = Outgoing::default();
        outgoing.insert(7, commands_tx);
        for max in 0..100 {
            assert!(outgoing.send(7, peek(max)).is_ok(), "command {max} refused");
        }
        assert_eq!(outgoing.waiting(), 98);
        let mut got = Vec::new();
        while got.len() < 100 {
            while let Ok(command) = commands_rx.try_recv() {
                got.push(max_of(&command));
            }
            if outgoing.waiting() > 0 {
                let room = outgoing.room().await;
                assert!(outgoing.feed(room).is_empty());
            }
        }
        assert_eq!(got, (0..100).collect::<Vec<_>>());
    }

    #[tokio::test]
    async fn commands_for_a_worker_that_ended_come_back_oldest_first() {
        let (commands_tx, commands_rx) = mpsc::channel(1);
        let mut outgoing = Outgoing::default();
        outgoing.insert(1, commands_tx);
        for max in 0..4 {
            assert!(outgoing.send(1, peek(max)).is_ok());
        }
        drop(commands_rx);
        let room = outgoing.room().await;
        let back: Vec<u32> = outgoing.feed(room).iter().map(max_of).collect();
        assert_eq!(
            back,
            [1, 2, 3],
            "the first was in the channel when it closed"
        );
        let (refused, why) = outgoing.send(1, peek(9)).expect_err("nobody to take it");
        assert_eq!((max_of(&refused), why), (9, NO_WORKER));
        assert!(outgoing.send(2, peek(0)).is_err(), "no such session");
    }

    fn publish(bytes: usize) -> SessionCommand {
        SessionCommand::Publish(Box::new(crate::session::PublishRequest {
            id: 0,
            exchange: String::new(),
            routing_key: "k".into(),
            body: vec![0; bytes],
            properties: Default::default(),
            copies: 1,
            confirm: true,
            part: Default::default(),
        }))
    }

    #[tokio::test]
    async fn what_waits_for_a_worker_is_bounded_by_bytes_and_frees_as_it_goes_out() {
        let (commands_tx, mut commands_rx) = mpsc::channel(1);
        let mut outgoing = Outgoing::default();
        outgoing.insert(1, commands_tx);
        let quarter = MAX_WAITING_BYTES / 4;
        // One in the channel, four waiting: the fifth waiting one is past the bound.
        for _ in 0..5 {
            assert!(outgoing.send(1, publish(quarter)).is_ok());
        }
        let (_, why) = outgoing
            .send(1, publish(quarter))
            .expect_err("past the bound");
        assert_eq!(why, TOO_MUCH_WAITING);
        assert!(
            outgoing.send(1, peek(0)).is_ok(),
            "a command without a body still waits its turn"
        );
        // The worker takes one: room for one more body.
        commands_rx.recv().await.expect("the first publish");
        let room = outgoing.room().await;
        assert!(outgoing.feed(room).is_empty());
        assert!(outgoing.send(1, publish(quarter)).is_ok());
    }
}
