//! Which field of the form a connection error is about, so the form can point at it.

use super::Field;
use crate::session::ConnectError;

/// The form field a connection error is about, so the form can point at it.
pub fn field_at_fault(error: &ConnectError) -> Option<Field> {
    use ConnectError as E;
    Some(match error {
        E::UnknownHost { .. } | E::Timeout { .. } | E::TlsNameMismatch { .. } => Field::Host,
        E::Refused { .. } => Field::Port,
        E::CaFileMissing { .. }
        | E::CaFileUnreadable { .. }
        | E::CaFileNotPem { .. }
        | E::TlsUnknownIssuer { .. }
        | E::TlsSelfSigned => Field::CaFile,
        E::TlsExpired | E::TlsNotYetValid => Field::Verify,
        E::TlsNotTls { .. } | E::HandshakeClosed { .. } | E::TlsHandshake { .. } => Field::Tls,
        E::ClientCertMissing { .. }
        | E::ClientCertUnreadable { .. }
        | E::ClientCertNotPem { .. }
        | E::ClientCertUnusable { .. }
        | E::TlsClientCertRejected { .. }
        | E::TlsClientCertRequired => Field::ClientCert,
        E::ClientKeyMissing { .. }
        | E::ClientKeyUnreadable { .. }
        | E::ClientKeyNotPem { .. }
        | E::ClientKeyNotPkcs8 { .. }
        | E::ClientKeyEncrypted { .. }
        | E::ClientKeyMismatch { .. } => Field::ClientKey,
        E::AccessRefused { .. } => Field::Password,
        E::ClientIdRefused { .. } => Field::ClientId,
        E::SubscriptionRefused { .. } => Field::Topics,
        E::VhostNotAllowed { .. } | E::VhostOrLoginRefused { .. } | E::StompVhostRefused { .. } => {
            Field::Vhost
        }
        E::ExchangeMismatch { .. } => Field::ExchangeType,
        E::ExchangeNotFound { .. } => Field::Exchange,
        E::QueueMismatch { .. } | E::QueueLocked { .. } | E::QueueNotFound { .. } => Field::Queue,
        E::InvalidName { field, .. } => match *field {
            "Exchange" => Field::Exchange,
            "Queue" => Field::Queue,
            _ => Field::RoutingKey,
        },
        // The host field holds the list, and each node's port with it.
        E::NoNodeAnswered { last, .. } => match field_at_fault(last)? {
            Field::Port => Field::Host,
            field => field,
        },
        // The broker's configuration, not a field, is at fault.
        E::TlsTooOld { .. } => return None,
        E::Broker { .. }
        | E::HeartbeatMissed { .. }
        | E::SubscriptionStalled { .. }
        | E::KeptSessionElsewhere { .. }
        | E::Io { .. }
        | E::Closed { .. } => {
            return None;
        }
        // STOMP's fields are not in the form yet: the message names the cause.
        E::DestinationRefused { .. } | E::WebStompSockJsPath { .. } | E::StompError { .. } => {
            return None;
        }
    })
}
