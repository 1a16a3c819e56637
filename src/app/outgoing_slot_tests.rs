//! A file being read holds its place among a session's commands.

use tokio::sync::mpsc;

use super::*;

fn peek(max: u32) -> SessionCommand {
    SessionCommand::Peek { max }
}

fn received(commands_rx: &mut mpsc::Receiver<SessionCommand>) -> Vec<u32> {
    let mut got = Vec::new();
    while let Ok(command) = commands_rx.try_recv() {
        match command {
            SessionCommand::Peek { max } => got.push(max),
            other => panic!("unexpected {other:?}"),
        }
    }
    got
}

#[tokio::test]
async fn commands_sent_after_a_held_slot_wait_until_it_is_filled() {
    let (commands_tx, mut commands_rx) = mpsc::channel(8);
    let mut outgoing = Outgoing::default();
    outgoing.insert(1, commands_tx);
    assert!(outgoing.send(1, peek(0)).is_ok());
    outgoing.hold(1, 42);
    assert!(outgoing.send(1, peek(2)).is_ok());
    assert_eq!(
        received(&mut commands_rx),
        [0],
        "the one after the slot waits"
    );
    // Nothing to feed while the slot is first: the loop must not spin on room().
    let room = futures_lite::future::poll_once(outgoing.room()).await;
    assert!(room.is_none(), "room() waits while a file is read");

    assert!(outgoing.fill(1, 42, peek(1)).is_ok());
    let room = outgoing.room().await;
    assert!(outgoing.feed(room).is_empty());
    assert_eq!(
        received(&mut commands_rx),
        [1, 2],
        "the file's first, in order"
    );
}

#[tokio::test]
async fn a_released_slot_lets_what_waited_behind_it_go_and_a_late_fill_is_refused() {
    let (commands_tx, mut commands_rx) = mpsc::channel(8);
    let mut outgoing = Outgoing::default();
    outgoing.insert(1, commands_tx);
    outgoing.hold(1, 7);
    assert!(outgoing.send(1, peek(3)).is_ok());
    outgoing.release(1, 7);
    let room = outgoing.room().await;
    assert!(outgoing.feed(room).is_empty());
    assert_eq!(received(&mut commands_rx), [3]);

    let (_, why) = outgoing
        .fill(1, 7, peek(9))
        .expect_err("no slot 7 any more");
    assert_eq!(why, NO_WORKER);
    let (_, why) = outgoing.fill(2, 1, peek(9)).expect_err("no such session");
    assert_eq!(why, NO_WORKER);
}

#[tokio::test]
async fn a_session_removed_while_a_file_is_read_reports_only_real_commands() {
    let (commands_tx, _commands_rx) = mpsc::channel(1);
    let mut outgoing = Outgoing::default();
    outgoing.insert(1, commands_tx);
    outgoing.hold(1, 5);
    assert!(outgoing.send(1, peek(4)).is_ok());
    let (_, unsent) = outgoing.remove(1).expect("the worker");
    assert_eq!(unsent.len(), 1, "the slot is no command: {unsent:?}");
}
