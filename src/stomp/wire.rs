//! The byte transport a STOMP session runs on, written once for all three: a TCP or TLS
//! stream framed by [`StompCodec`], or WebSocket messages whose bodies the same codec
//! reads and writes (Web-STOMP). The session only sees [`Wire::recv`] and [`Wire::send`].

use bytes::BytesMut;
use futures_util::{SinkExt, StreamExt};
use tokio::{
    io::{AsyncRead, AsyncWrite},
    net::TcpStream,
};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream, tungstenite};
use tokio_util::codec::{Decoder, Encoder, Framed};

use super::{FrameError, Item, StompCodec};

/// A TCP or TLS stream, boxed so both go through one `Framed`.
/// `Sync` too: the session's futures hold `&StompLink` across awaits and must be `Send`.
pub trait Io: AsyncRead + AsyncWrite + Send + Sync + Unpin {}
impl<T: AsyncRead + AsyncWrite + Send + Sync + Unpin> Io for T {}

pub enum Wire {
    Stream(Box<Framed<Box<dyn Io>, StompCodec>>),
    WebSocket(Box<WsWire>),
}

pub struct WsWire {
    ws: WebSocketStream<MaybeTlsStream<TcpStream>>,
    codec: StompCodec,
    /// Bytes of WebSocket messages not yet decoded: a frame may span messages.
    read: BytesMut,
    write: BytesMut,
}

/// Why the transport failed.
#[derive(Debug)]
pub enum WireError {
    /// What the server sent is not STOMP 1.2, or breaks a limit (a hostile server).
    Frame(FrameError),
    /// The socket failed, or the WebSocket protocol did; worded for the user.
    Io(String),
}

impl std::fmt::Display for WireError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Frame(err) => err.fmt(f),
            Self::Io(detail) => f.write_str(detail),
        }
    }
}

impl From<FrameError> for WireError {
    fn from(err: FrameError) -> Self {
        match err {
            // The codec wraps socket errors; they are the network's, not the server's.
            FrameError::Io { detail, .. } => Self::Io(detail),
            other => Self::Frame(other),
        }
    }
}

impl Wire {
    pub fn stream(io: Box<dyn Io>) -> Self {
        Self::Stream(Box::new(Framed::new(io, StompCodec::default())))
    }

    pub fn websocket(ws: WebSocketStream<MaybeTlsStream<TcpStream>>) -> Self {
        Self::WebSocket(Box::new(WsWire {
            ws,
            codec: StompCodec::default(),
            read: BytesMut::new(),
            write: BytesMut::new(),
        }))
    }

    /// The next frame or heartbeat; `None` when the server closed the connection cleanly
    /// between frames. Cancel-safe: bytes read are kept for the next call, so it can sit
    /// in a `select!` beside commands and timers.
    pub async fn recv(&mut self) -> Option<Result<Item, WireError>> {
        match self {
            Self::Stream(framed) => framed.next().await.map(|r| r.map_err(WireError::from)),
            Self::WebSocket(ws) => ws.recv().await,
        }
    }

    /// Writes `item` and flushes it.
    pub async fn send(&mut self, item: Item) -> Result<(), WireError> {
        self.feed(item).await?;
        self.flush().await
    }

    /// Writes `item` without flushing, so a batch goes out in one write.
    pub async fn feed(&mut self, item: Item) -> Result<(), WireError> {
        match self {
            Self::Stream(framed) => framed.feed(item).await.map_err(WireError::from),
            Self::WebSocket(ws) => {
                ws.write.clear();
                ws.codec.encode(item, &mut ws.write)?;
                let bytes = ws.write.split().freeze();
                // Text when it is text (what Web-STOMP itself sends); a binary body goes
                // in a binary message, which RabbitMQ accepts as well.
                let message = match tungstenite::Utf8Bytes::try_from(bytes.clone()) {
                    Ok(text) => tungstenite::Message::Text(text),
                    Err(_) => tungstenite::Message::Binary(bytes),
                };
                ws.ws.feed(message).await.map_err(ws_error)
            }
        }
    }

    pub async fn flush(&mut self) -> Result<(), WireError> {
        match self {
            Self::Stream(framed) => SinkExt::<Item>::flush(framed.as_mut())
                .await
                .map_err(WireError::from),
            Self::WebSocket(ws) => ws.ws.flush().await.map_err(ws_error),
        }
    }

    /// Closes politely (the WebSocket close handshake, or the TCP write side).
    pub async fn shutdown(&mut self) {
        match self {
            Self::Stream(framed) => {
                let _ = tokio::io::AsyncWriteExt::shutdown(framed.get_mut()).await;
            }
            Self::WebSocket(ws) => {
                let _ = ws.ws.close(None).await;
            }
        }
    }
}

impl WsWire {
    async fn recv(&mut self) -> Option<Result<Item, WireError>> {
        loop {
            match self.codec.decode(&mut self.read) {
                Ok(Some(item)) => return Some(Ok(item)),
                Ok(None) => {}
                Err(err) => return Some(Err(err.into())),
            }
            // Nothing awaits between a message's arrival and its bytes joining `read`,
            // so dropping this future loses nothing.
            match self.ws.next().await {
                Some(Ok(tungstenite::Message::Text(text))) => {
                    self.read.extend_from_slice(text.as_bytes());
                }
                Some(Ok(tungstenite::Message::Binary(bytes))) => {
                    self.read.extend_from_slice(&bytes);
                }
                // tungstenite answers pings itself.
                Some(Ok(
                    tungstenite::Message::Ping(_)
                    | tungstenite::Message::Pong(_)
                    | tungstenite::Message::Frame(_),
                )) => {}
                Some(Ok(tungstenite::Message::Close(close))) => {
                    return match self.codec.decode_eof(&mut self.read) {
                        Err(err) => Some(Err(err.into())),
                        Ok(_) if close.as_ref().is_some_and(|c| !c.reason.is_empty()) => {
                            let reason = close.map(|c| c.reason.to_string()).unwrap_or_default();
                            Some(Err(WireError::Io(format!(
                                "the server closed the WebSocket: {}",
                                crate::text::visible(&reason)
                            ))))
                        }
                        Ok(_) => None,
                    };
                }
                Some(Err(err)) => return Some(Err(ws_error(err))),
                None => {
                    return match self.codec.decode_eof(&mut self.read) {
                        Err(err) => Some(Err(err.into())),
                        Ok(_) => None,
                    };
                }
            }
        }
    }
}

/// A WebSocket failure in words: the one that needs explaining is a text message that is
/// not UTF-8, which is how a binary body from the broker arrives over Web-STOMP.
pub fn ws_error(err: tungstenite::Error) -> WireError {
    match err {
        tungstenite::Error::Utf8(_) => WireError::Io(
            "the broker sent a message body that is not UTF-8 inside a WebSocket text frame, which the WebSocket protocol forbids, so the connection had to be dropped (RabbitMQ's Web-STOMP sends text frames unless web_stomp.ws_frame = binary; read such messages over plain STOMP or AMQP)".into(),
        ),
        tungstenite::Error::ConnectionClosed | tungstenite::Error::AlreadyClosed => {
            WireError::Io("the WebSocket connection is closed".into())
        }
        tungstenite::Error::Io(io) => WireError::Io(io.to_string()),
        other => WireError::Io(crate::text::visible(&other.to_string())),
    }
}
