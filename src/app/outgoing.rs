//! Commands on their way to the session workers, in order and never refused for lack of
//! room. A worker's channel stays bounded (its memory); what does not fit waits here and
//! goes out as the worker takes it, so a replay of 10,000 messages is sent whole without
//! the UI loop ever blocking, and a settle or bind typed meanwhile does not overtake it.
//! A file being read for a publish holds its place (a slot) the same way: what is typed
//! after Ctrl-O waits behind it until its bytes arrive from the disk thread.

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
    /// Commands the channel had no room for yet, or that wait behind a file being read,
    /// oldest first.
    waiting: VecDeque<Slot>,
    /// The bodies among them, in bytes.
    waiting_bytes: usize,
}

enum Slot {
    Ready(SessionCommand),
    /// The place of a publish whose file is being read; the number the read carries.
    Reading(u64),
}

impl Slot {
    fn ready(self) -> Option<SessionCommand> {
        match self {
            Slot::Ready(command) => Some(command),
            Slot::Reading(_) => None,
        }
    }
}

/// What a command holds in memory, for the bound on what waits.
fn bytes(command: &SessionCommand) -> usize {
    match command {
        SessionCommand::Publish(request) => request.body.len(),
        _ => 0,
    }
}

fn ready(waiting: impl IntoIterator<Item = Slot>) -> Vec<SessionCommand> {
    waiting.into_iter().filter_map(Slot::ready).collect()
}

impl Worker {
    fn wait(&mut self, command: SessionCommand) -> Result<(), (SessionCommand, &'static str)> {
        let size = bytes(&command);
        if self.waiting_bytes + size > MAX_WAITING_BYTES && !self.waiting.is_empty() {
            return Err((command, TOO_MUCH_WAITING));
        }
        self.waiting_bytes += size;
        self.waiting.push_back(Slot::Ready(command));
        Ok(())
    }

    /// The oldest waiting command, unless a file being read comes first.
    fn next_waiting(&mut self) -> Option<SessionCommand> {
        let Some(Slot::Ready(_)) = self.waiting.front() else {
            return None;
        };
        let command = self.waiting.pop_front()?.ready()?;
        self.waiting_bytes -= bytes(&command);
        Some(command)
    }

    fn put_back(&mut self, command: SessionCommand) {
        self.waiting_bytes += bytes(&command);
        self.waiting.push_front(Slot::Ready(command));
    }

    fn slot(&self, slot: u64) -> Option<usize> {
        self.waiting
            .iter()
            .position(|s| matches!(s, Slot::Reading(n) if *n == slot))
    }

    /// Whether the oldest waiting command can go as soon as there is room.
    fn can_feed(&self) -> bool {
        matches!(self.waiting.front(), Some(Slot::Ready(_)))
    }

    /// Takes every command that is ready: the worker ended and will take none of them.
    /// Slots of files still being read stay, to be refused when their bytes arrive.
    fn drain_ready(&mut self) -> Vec<SessionCommand> {
        let (ready_ones, reading): (Vec<Slot>, Vec<Slot>) = self
            .waiting
            .drain(..)
            .partition(|s| matches!(s, Slot::Ready(_)));
        self.waiting = reading.into();
        self.waiting_bytes = 0;
        ready(ready_ones)
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
        Some((worker.commands_tx, ready(worker.waiting)))
    }

    /// Holds the place of a publish whose file `slot` is being read: what is sent after
    /// it waits behind it. Nothing to hold for a session without a worker: [`Outgoing::fill`]
    /// refuses its body.
    pub fn hold(&mut self, session: SessionId, slot: u64) {
        if let Some(worker) = self.workers.get_mut(&session) {
            worker.waiting.push_back(Slot::Reading(slot));
        }
    }

    /// The publish read for `slot` takes its place; it goes out once what was sent before
    /// it has (see [`Outgoing::room`]). It comes back, with why, when the session ended
    /// meanwhile or too much waits already.
    pub fn fill(
        &mut self,
        session: SessionId,
        slot: u64,
        command: SessionCommand,
    ) -> Result<(), (SessionCommand, &'static str)> {
        let Some(worker) = self.workers.get_mut(&session) else {
            return Err((command, NO_WORKER));
        };
        let Some(at) = worker.slot(slot) else {
            return Err((command, NO_WORKER));
        };
        let size = bytes(&command);
        if worker.waiting_bytes + size > MAX_WAITING_BYTES && worker.waiting.len() > 1 {
            worker.waiting.remove(at);
            return Err((command, TOO_MUCH_WAITING));
        }
        worker.waiting_bytes += size;
        worker.waiting[at] = Slot::Ready(command);
        Ok(())
    }

    /// The file for `slot` could not be read: what waited behind it may go.
    pub fn release(&mut self, session: SessionId, slot: u64) {
        if let Some(worker) = self.workers.get_mut(&session)
            && let Some(at) = worker.slot(slot)
        {
            worker.waiting.remove(at);
        }
    }

    /// Every worker, with what never reached it.
    pub fn drain(&mut self) -> Vec<(SessionId, mpsc::Sender<SessionCommand>, Vec<SessionCommand>)> {
        self.workers
            .drain()
            .map(|(session, w)| (session, w.commands_tx, ready(w.waiting)))
            .collect()
    }

    /// Commands waiting in the app, for every session.
    #[cfg(test)]
    pub fn waiting(&self) -> usize {
        self.workers.values().map(|w| w.waiting.len()).sum()
    }

    /// Resolves once a session with waiting commands has room in its channel (or has
    /// ended); never while nothing waits, or only behind a file being read. Cancel-safe: a
    /// permit not taken is given back.
    pub async fn room(&self) -> Room {
        let waits: Vec<_> = self
            .workers
            .iter()
            .filter(|(_, worker)| worker.can_feed())
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
            return worker.drain_ready();
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
                    return worker.drain_ready();
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

#[cfg(test)]
#[path = "outgoing_slot_tests.rs"]
mod slot_tests;
