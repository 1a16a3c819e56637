#![allow(dead_code)]
//! A tiny fake STOMP server on 127.0.0.1:0 for the hostile-server tests: it reads the
//! client's CONNECT, answers with whatever bytes the test gives, and keeps the socket open
//! so only the session's own checks can end it.

use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{TcpListener, TcpStream},
    task::JoinHandle,
};

/// What the server writes after the CONNECT.
pub enum Answer {
    /// These bytes, once.
    Bytes(Vec<u8>),
    /// These bytes, then `chunk` again and again until the client hangs up.
    Endless { first: Vec<u8>, chunk: Vec<u8> },
    /// These bytes, then close the connection as soon as the client writes a SEND.
    CloseOnSend(Vec<u8>),
}

pub struct FakeServer {
    pub port: u16,
    task: JoinHandle<()>,
}

impl Drop for FakeServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl FakeServer {
    pub async fn start(answer: Answer) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let port = listener.local_addr().expect("bound").port();
        let task = tokio::spawn(async move {
            // One client per test; a reconnect finds nobody listening for long.
            if let Ok((socket, _)) = listener.accept().await {
                serve(socket, answer).await;
            }
        });
        Self { port, task }
    }
}

async fn read_until(socket: &mut TcpStream, seen: &mut Vec<u8>, needle: &[u8]) -> bool {
    let mut buf = [0u8; 4096];
    while !seen.windows(needle.len()).any(|w| w == needle) {
        match socket.read(&mut buf).await {
            Ok(0) | Err(_) => return false,
            Ok(n) => seen.extend_from_slice(&buf[..n]),
        }
    }
    true
}

async fn serve(mut socket: TcpStream, answer: Answer) {
    let mut seen = Vec::new();
    if !read_until(&mut socket, &mut seen, b"\0").await {
        return;
    }
    match answer {
        Answer::Bytes(bytes) => {
            if socket.write_all(&bytes).await.is_err() {
                return;
            }
        }
        Answer::Endless { first, chunk } => {
            if socket.write_all(&first).await.is_err() {
                return;
            }
            while socket.write_all(&chunk).await.is_ok() {}
            return;
        }
        Answer::CloseOnSend(bytes) => {
            if socket.write_all(&bytes).await.is_ok() {
                read_until(&mut socket, &mut seen, b"SEND\n").await;
            }
            return;
        }
    }
    // Hold the connection until the client hangs up.
    let mut buf = [0u8; 4096];
    while matches!(socket.read(&mut buf).await, Ok(n) if n > 0) {}
}
