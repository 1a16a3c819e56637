//! A STOMP 1.2 frame as plain data: its command, its headers in the order they came, and
//! its body. What a frame looks like on the wire is the codec's business (`codec.rs`).

use std::fmt;

/// The fifteen commands of STOMP 1.2: the client's and the server's. A closed set, so a
/// frame can never be encoded with a command a server would refuse, and the decoder can
/// tell a STOMP peer from something else on the port at the first line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Command {
    // Client frames.
    Connect,
    Stomp,
    Send,
    Subscribe,
    Unsubscribe,
    Ack,
    Nack,
    Begin,
    Commit,
    Abort,
    Disconnect,
    // Server frames.
    Connected,
    Message,
    Receipt,
    Error,
}

impl Command {
    /// Every command, for tests and tools that go through them all.
    pub const ALL: [Command; 15] = [
        Self::Connect,
        Self::Stomp,
        Self::Send,
        Self::Subscribe,
        Self::Unsubscribe,
        Self::Ack,
        Self::Nack,
        Self::Begin,
        Self::Commit,
        Self::Abort,
        Self::Disconnect,
        Self::Connected,
        Self::Message,
        Self::Receipt,
        Self::Error,
    ];

    /// The longest command on the wire (`UNSUBSCRIBE`): a first line longer than this is
    /// not STOMP, and the decoder says so without waiting for its end.
    pub const MAX_LEN: usize = 11;

    /// The command as it is written on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Connect => "CONNECT",
            Self::Stomp => "STOMP",
            Self::Send => "SEND",
            Self::Subscribe => "SUBSCRIBE",
            Self::Unsubscribe => "UNSUBSCRIBE",
            Self::Ack => "ACK",
            Self::Nack => "NACK",
            Self::Begin => "BEGIN",
            Self::Commit => "COMMIT",
            Self::Abort => "ABORT",
            Self::Disconnect => "DISCONNECT",
            Self::Connected => "CONNECTED",
            Self::Message => "MESSAGE",
            Self::Receipt => "RECEIPT",
            Self::Error => "ERROR",
        }
    }

    /// The command a wire line names; commands are case-sensitive (STOMP 1.2).
    pub fn from_wire(line: &[u8]) -> Option<Command> {
        Self::ALL
            .into_iter()
            .find(|c| c.as_str().as_bytes() == line)
    }

    /// Whether this frame's headers are escaped (`\\ \n \r \c`). CONNECT, STOMP and
    /// CONNECTED are not, so that STOMP 1.0 peers read them as they always did (STOMP 1.2,
    /// "Value Encoding"; the spec names CONNECT and CONNECTED, and STOMP is CONNECT under
    /// another name).
    pub fn escapes_headers(self) -> bool {
        !matches!(self, Self::Connect | Self::Stomp | Self::Connected)
    }
}

impl fmt::Display for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One STOMP frame. `content-length` is not among `headers`: it is framing, like the NUL
/// after the body, so the decoder checks and removes it and the encoder always writes the
/// body's true length (a stale copy in `headers` could only disagree with the body).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Frame {
    pub command: Command,
    /// Unescaped, in wire order, repeats kept: STOMP 1.2 says the first one counts (see
    /// [`Frame::header`]) and the later ones are history a debugger should still show.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Frame {
    /// A frame with no headers and an empty body.
    pub fn new(command: Command) -> Self {
        Self {
            command,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    /// Appends a header (after any of the same name, which keep precedence).
    pub fn with_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    pub fn with_body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = body.into();
        self
    }

    /// The value of the first header called `name`: STOMP 1.2 says a repeated header's
    /// first entry is its value (RabbitMQ's parser keeps the first too).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// What the decoder yields: a frame, or a heartbeat (a bare line end between frames).
/// Heartbeats are their own item so a session can tell the server is alive when no frame
/// has come for a while (STOMP 1.2 "Heart-beating"). RabbitMQ also writes a LF after every
/// frame's NUL, which arrives here as a heartbeat: any item is a sign of life, and
/// heartbeats are not worth counting.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Item {
    Frame(Frame),
    Heartbeat,
}

impl From<Frame> for Item {
    fn from(frame: Frame) -> Self {
        Self::Frame(frame)
    }
}
