//! The STOMP codec's own throughput, in memory, with no broker: MESSAGE frames as RabbitMQ
//! 3.10 sends them to a `client-individual` subscriber, decoded from 64 KiB reads the way
//! `FramedRead` gets them from a socket, and SEND frames with a receipt encoded the way the
//! session writes them. For 64 B and 4 KiB bodies, prints one line per figure:
//!
//! `decode_64b_frames_per_sec=<f64> frames=<N> secs=<f64>` (and `encode_64b_…`,
//! `decode_4kib_…`, `encode_4kib_…`).
//!
//! Each figure runs until `--count` frames or `--max-secs` seconds, whichever comes first,
//! so a slow machine or a slow codec still finishes in bounded time.

use std::{
    hint::black_box,
    time::{Duration, Instant},
};

use anyhow::{Context, bail};
use bytes::BytesMut;
use clap::Parser;
use tokio_util::codec::{Decoder, Encoder};

use amqp_tui::stomp::{Command, Frame, Item, StompCodec};

#[derive(Parser)]
struct Args {
    /// Frames per figure at most.
    #[arg(long, default_value_t = 200_000)]
    count: u64,
    /// Seconds per figure at most.
    #[arg(long, default_value_t = 2.0)]
    max_secs: f64,
}

/// Frames decoded or encoded between two looks at the clock.
const BATCH: u64 = 1000;
/// What one socket read hands the decoder.
const READ: usize = 64 * 1024;

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let limit = Duration::from_secs_f64(args.max_secs);
    for (label, size) in [("64b", 64), ("4kib", 4096)] {
        let body = vec![b'x'; size];
        let (frames, secs) = decode(&body, args.count, limit)?;
        report("decode", label, frames, secs);
        let (frames, secs) = encode(&body, args.count, limit)?;
        report("encode", label, frames, secs);
    }
    Ok(())
}

fn report(what: &str, label: &str, frames: u64, secs: f64) {
    println!(
        "{what}_{label}_frames_per_sec={:.0} frames={frames} secs={secs:.3}",
        frames as f64 / secs
    );
}

/// A MESSAGE as RabbitMQ 3.10.8 writes it, headers and the LF after the NUL included.
fn message(n: u64, body: &[u8]) -> Frame {
    let id = format!("T_sub-0@@session-F7yQ6HK6nHH2hVBvC8_Ahw@@{n}");
    Frame::new(Command::Message)
        .with_header("subscription", "sub-0")
        .with_header("destination", "/topic/test.any")
        .with_header("message-id", id.as_str())
        .with_header("redelivered", "false")
        .with_header("ack", id)
        .with_header("content-type", "application/octet-stream")
        .with_header("persistent", "true")
        .with_body(body)
}

/// Decodes `BATCH` frames at a time from a wire image of them, fed in `READ`-byte pieces.
fn decode(body: &[u8], count: u64, limit: Duration) -> anyhow::Result<(u64, f64)> {
    let mut codec = StompCodec::default();
    let mut wire = BytesMut::new();
    for n in 0..BATCH {
        codec.encode(&message(n, body), &mut wire)?;
        codec.encode(Item::Heartbeat, &mut wire)?;
    }
    let started = Instant::now();
    let mut frames = 0;
    let mut src = BytesMut::with_capacity(2 * READ);
    while frames < count && started.elapsed() < limit {
        for read in wire.chunks(READ) {
            src.extend_from_slice(read);
            while let Some(item) = codec.decode(&mut src).context("decode")? {
                if let Item::Frame(frame) = item {
                    black_box(&frame);
                    frames += 1;
                }
            }
        }
    }
    if !src.is_empty() {
        bail!("{} bytes left undecoded", src.len());
    }
    Ok((frames, started.elapsed().as_secs_f64()))
}

/// Encodes SEND frames with a receipt, as the session publishes, `BATCH` to a write.
fn encode(body: &[u8], count: u64, limit: Duration) -> anyhow::Result<(u64, f64)> {
    let mut codec = StompCodec::default();
    let mut dst = BytesMut::new();
    let started = Instant::now();
    let mut frames = 0;
    while frames < count && started.elapsed() < limit {
        for _ in 0..BATCH {
            let send = Frame::new(Command::Send)
                .with_header("destination", "/topic/test.any")
                .with_header("receipt", format!("r-{frames}"))
                .with_header("content-type", "application/octet-stream")
                .with_header("persistent", "true")
                .with_body(body);
            codec.encode(&send, &mut dst).context("encode")?;
            frames += 1;
        }
        black_box(&dst);
        // The writer flushes: the buffer is reused, as FramedWrite's is.
        dst.clear();
    }
    Ok((frames, started.elapsed().as_secs_f64()))
}
