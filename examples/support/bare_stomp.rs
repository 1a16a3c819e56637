//! What the bare STOMP examples share: a connection from the bench's `stomp://` or `ws://`
//! URI with nothing of amqp-tui's but its frame codec (src/stomp/), so a pair measures the
//! app's session, channel, model and drawing, not two different parsers. Plain only, on
//! loopback: this is a load tool.

use amqp_tui::stomp::{Command, Frame, Item, StompCodec};
use anyhow::{Context, bail};
use bytes::BytesMut;
use futures_util::{SinkExt, StreamExt};
use tokio::net::TcpStream;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream, tungstenite};
use tokio_util::codec::{Decoder, Encoder, Framed};

pub enum Conn {
    Tcp(Box<Framed<TcpStream, StompCodec>>),
    /// Web-STOMP: one STOMP frame per WebSocket message, through the same codec.
    Ws {
        ws: Box<WebSocketStream<MaybeTlsStream<TcpStream>>>,
        codec: StompCodec,
        buffer: BytesMut,
    },
}

/// Connects and logs in to `uri`: `stomp://user:pass@host:port/VHOST` or
/// `ws://user:pass@host:port/ws` (the default vhost), heart-beats off.
pub async fn connect(uri: &str) -> anyhow::Result<Conn> {
    let url = url::Url::parse(uri).context("bad --uri")?;
    let host = url.host_str().context("--uri names no host")?.to_string();
    let (mut conn, vhost) = match url.scheme() {
        "stomp" => {
            let stream = TcpStream::connect((host.as_str(), url.port().unwrap_or(61613))).await?;
            stream.set_nodelay(true)?;
            let vhost = match url.path().trim_start_matches('/') {
                "" | "%2f" | "%2F" => "/".to_string(),
                other => other.to_string(),
            };
            (
                Conn::Tcp(Box::new(Framed::new(stream, StompCodec::default()))),
                vhost,
            )
        }
        "ws" => {
            let mut bare = url.clone();
            let _ = bare.set_username("");
            let _ = bare.set_password(None);
            let mut request =
                tungstenite::client::IntoClientRequest::into_client_request(bare.as_str())?;
            request
                .headers_mut()
                .insert("Sec-WebSocket-Protocol", "v12.stomp".parse()?);
            let (ws, _) = tokio_tungstenite::connect_async(request).await?;
            let conn = Conn::Ws {
                ws: Box::new(ws),
                codec: StompCodec::default(),
                buffer: BytesMut::new(),
            };
            (conn, "/".to_string())
        }
        other => {
            bail!("--uri must be stomp:// or ws://, not {other}:// (the bench measures plain)")
        }
    };
    let connect = Frame::new(Command::Connect)
        .with_header("accept-version", "1.2")
        .with_header("host", vhost)
        .with_header("login", url.username())
        .with_header("passcode", url.password().unwrap_or_default())
        .with_header("heart-beat", "0,0");
    conn.send(connect).await?;
    match conn.next_frame().await? {
        frame if frame.command == Command::Connected => Ok(conn),
        frame => bail!("refused: {}", frame.header("message").unwrap_or("?")),
    }
}

impl Conn {
    pub async fn send(&mut self, frame: Frame) -> anyhow::Result<()> {
        match self {
            Self::Tcp(framed) => framed.send(frame).await?,
            Self::Ws { ws, codec, .. } => {
                let mut out = BytesMut::new();
                codec.encode(&frame, &mut out)?;
                // Text when it can be: RabbitMQ's Web-STOMP answers in kind.
                let message = match String::from_utf8(out.to_vec()) {
                    Ok(text) => tungstenite::Message::text(text),
                    Err(bytes) => tungstenite::Message::binary(bytes.into_bytes()),
                };
                ws.send(message).await?;
            }
        }
        Ok(())
    }

    /// The next frame, past heart-beats; an ERROR frame is an error.
    pub async fn next_frame(&mut self) -> anyhow::Result<Frame> {
        loop {
            let item = match self {
                Self::Tcp(framed) => framed
                    .next()
                    .await
                    .context("the broker closed the connection")??,
                Self::Ws { ws, codec, buffer } => loop {
                    if let Some(item) = codec.decode(buffer)? {
                        break item;
                    }
                    match ws
                        .next()
                        .await
                        .context("the broker closed the connection")??
                    {
                        tungstenite::Message::Text(text) => {
                            buffer.extend_from_slice(text.as_bytes())
                        }
                        tungstenite::Message::Binary(bytes) => buffer.extend_from_slice(&bytes),
                        tungstenite::Message::Close(_) => bail!("the broker closed the WebSocket"),
                        _ => {}
                    }
                },
            };
            match item {
                Item::Heartbeat => {}
                Item::Frame(frame) if frame.command == Command::Error => bail!(
                    "ERROR from the broker: {}",
                    frame.header("message").unwrap_or("?")
                ),
                Item::Frame(frame) => return Ok(frame),
            }
        }
    }
}
