//! lapin's errors as [`ConnectError`]s, by the step of session setup they happened in.

use std::io;

use lapin::{
    ErrorKind,
    protocol::{AMQPErrorKind, AMQPHardError, AMQPSoftError},
};

use crate::session::{
    ConnectionSettings,
    error::{ConnectError, Stage},
};

/// What a classification needs to know about the attempt, to name names in the message.
#[derive(Clone, Copy)]
pub struct Context<'a> {
    pub settings: &'a ConnectionSettings,
    /// The queue's actual name once the broker named it.
    pub queue: &'a str,
}

impl<'a> Context<'a> {
    pub fn new(settings: &'a ConnectionSettings) -> Self {
        Self {
            settings,
            queue: &settings.routing.queue,
        }
    }
}

impl ConnectError {
    pub fn from_lapin(err: &lapin::Error, stage: Stage, cx: &Context<'_>) -> Self {
        match err.kind() {
            ErrorKind::ProtocolError(amqp) => {
                let text = amqp.get_message().to_string();
                let code = amqp.get_id();
                Self::from_reply(amqp.kind(), code, text, stage, cx)
            }
            ErrorKind::IOError(io) => Self::from_io_during(io, stage, cx),
            // lapin gives up after two intervals without a frame.
            ErrorKind::MissingHeartbeatError => Self::HeartbeatMissed {
                secs: 2 * u64::from(cx.settings.heartbeat_secs),
            },
            // A TLS listener answers a plain AMQP header with a TLS alert: not a frame.
            ErrorKind::ParsingError(_) if stage == Stage::Connect => Self::HandshakeClosed {
                addr: cx.settings.addr(),
                protocol: cx.settings.protocol,
            },
            ErrorKind::InvalidConnectionState(_) | ErrorKind::InvalidChannelState(..)
                if stage == Stage::Connect =>
            {
                Self::HandshakeClosed {
                    addr: cx.settings.addr(),
                    protocol: cx.settings.protocol,
                }
            }
            _ => Self::Closed {
                detail: err.to_string(),
            },
        }
    }

    fn from_reply(
        kind: &AMQPErrorKind,
        code: u16,
        text: String,
        stage: Stage,
        cx: &Context<'_>,
    ) -> Self {
        match (kind, stage) {
            (AMQPErrorKind::Soft(AMQPSoftError::ACCESSREFUSED), Stage::Connect) => {
                Self::AccessRefused {
                    user: cx.settings.user.clone(),
                }
            }
            (AMQPErrorKind::Hard(AMQPHardError::NOTALLOWED), Stage::Connect) => {
                Self::VhostNotAllowed {
                    vhost: cx.settings.vhost.clone(),
                    user: cx.settings.user.clone(),
                }
            }
            (AMQPErrorKind::Soft(AMQPSoftError::PRECONDITIONFAILED), Stage::DeclareExchange) => {
                Self::ExchangeMismatch {
                    exchange: cx.settings.routing.exchange.clone(),
                    detail: text,
                }
            }
            (AMQPErrorKind::Soft(AMQPSoftError::PRECONDITIONFAILED), Stage::DeclareQueue) => {
                Self::QueueMismatch {
                    queue: cx.queue.into(),
                    detail: text,
                }
            }
            (AMQPErrorKind::Soft(AMQPSoftError::RESOURCELOCKED), _) => Self::QueueLocked {
                queue: cx.queue.into(),
            },
            (
                AMQPErrorKind::Soft(AMQPSoftError::NOTFOUND),
                Stage::DeclareExchange | Stage::Bind,
            ) => Self::ExchangeNotFound {
                exchange: cx.settings.routing.exchange.clone(),
                detail: text,
            },
            // Only a passive declare (an existing queue to consume) can miss it.
            (AMQPErrorKind::Soft(AMQPSoftError::NOTFOUND), Stage::DeclareQueue) => {
                Self::QueueNotFound {
                    queue: cx.queue.into(),
                }
            }
            _ => Self::Broker {
                code,
                text,
                doing: stage.doing(),
            },
        }
    }

    pub fn from_io_during(io: &io::Error, stage: Stage, cx: &Context<'_>) -> Self {
        let settings = cx.settings;
        match Self::from_io(io, settings.protocol, &settings.host, &settings.addr()) {
            // A reset after login is the connection dropping, not a refused handshake.
            Self::HandshakeClosed { .. } if stage != Stage::Connect => Self::Io {
                detail: io.to_string(),
            },
            other => other,
        }
    }
}

/// The broker's own words for a refusal ("NOT_FOUND - no exchange 'x' in vhost '/'"),
/// or lapin's description of anything else.
pub fn describe(err: &lapin::Error) -> String {
    match err.kind() {
        ErrorKind::ProtocolError(amqp) => amqp.get_message().to_string(),
        _ => err.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> ConnectionSettings {
        ConnectionSettings::default()
    }

    #[test]
    fn refused_tcp_names_the_address() {
        let io = io::Error::from(io::ErrorKind::ConnectionRefused);
        let err = ConnectError::from_io_during(&io, Stage::Connect, &Context::new(&settings()));
        assert_eq!(
            err,
            ConnectError::Refused {
                addr: "localhost:5672".into(),
                protocol: crate::session::Protocol::Amqp,
            }
        );
        assert!(err.to_string().contains("localhost:5672"));
        assert!(!err.needs_user(), "a broker that is down may come back");
    }

    #[test]
    fn access_refused_at_login_is_about_credentials_but_on_declare_is_permission() {
        let kind = AMQPErrorKind::Soft(AMQPSoftError::ACCESSREFUSED);
        let login = ConnectError::from_reply(
            &kind,
            403,
            "x".into(),
            Stage::Connect,
            &Context::new(&settings()),
        );
        assert!(matches!(login, ConnectError::AccessRefused { .. }));
        let declare = ConnectError::from_reply(
            &kind,
            403,
            "reserved".into(),
            Stage::DeclareExchange,
            &Context::new(&settings()),
        );
        assert!(matches!(declare, ConnectError::Broker { code: 403, .. }));
        assert!(declare.to_string().contains("declaring the exchange"));
    }

    #[test]
    fn a_dropped_connection_says_connection_lost_once() {
        let io = io::Error::from_raw_os_error(104);
        let error = ConnectError::from_io_during(&io, Stage::Consume, &Context::new(&settings()));
        let mut model = crate::model::Model::default();
        crate::update::update(&mut model, crate::action::Action::Connect);
        let session = model.tab().session;
        let event = crate::session::WorkerEvent::ConnectionLost {
            error,
            retry_in: std::time::Duration::from_secs(1),
            attempt: 1,
        };
        crate::update::update(
            &mut model,
            crate::action::Action::Broker(crate::session::SessionEvent { session, event }),
        );
        let notice = model.tab().notice.as_ref().map(|n| n.text.as_str());
        assert_eq!(
            notice,
            Some(
                "Connection lost: The network connection failed: Connection reset by peer (os \
                 error 104). Reconnecting in 1 s (attempt 1)."
            )
        );
    }
}
