//! Which broker node a session's connection is on: the API's connection list
//! (`/api/connections`) holds every connection of the cluster with its node, and ours is
//! the one whose peer address is our socket's local address (AMQP, STOMP) or, for MQTT,
//! whose client id is ours (rumqttc keeps its socket to itself).

use std::net::SocketAddr;

use super::{
    ManagementError, ManagementTarget,
    api::{ApiConnection, Overview},
    http::{self, Reply},
    resolve::{self, parse, parse_repeated_keys},
};
use crate::topology::ClientConnection;

/// How the connection list can tell our connection from the others.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OurConnection {
    /// Our end of the TCP connection, as the broker sees it as the peer.
    pub local_addr: Option<SocketAddr>,
    /// MQTT: the client id the broker lists under `client_properties`.
    pub client_id: Option<String>,
}

/// What the API said about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeSeen {
    /// `None` when the API's cluster does not list our connection.
    pub node: Option<String>,
    pub cluster_name: Option<String>,
}

/// How often the list is read before concluding our connection is not in it: the API
/// lists a connection once its node emits statistics for it, every 5 s by default
/// (`collect_statistics_interval`), so the last read is 10 s after the first.
const TRIES: u32 = 21;
const BETWEEN_TRIES: std::time::Duration = std::time::Duration::from_millis(500);

/// The node our connection is on, and the name of the cluster the API belongs to.
pub async fn node_of(
    target: &ManagementTarget,
    ours: &OurConnection,
) -> Result<NodeSeen, ManagementError> {
    let client = http::client(target)?;
    let cluster_name = match http::get(&client, target, "api/overview", "").await? {
        Reply::Body(body) => {
            parse::<Overview>(&body, "api/overview")
                .unwrap_or_default()
                .cluster_name
        }
        Reply::NotPermitted(_) => None,
    };
    let endpoint = "api/connections?columns=node,peer_host,peer_port,client_properties";
    for attempt in 1..=TRIES {
        let list = match http::get(&client, target, endpoint, "").await? {
            Reply::Body(body) => {
                // 3.10.8 gives an MQTT connection `client_properties` twice.
                parse_repeated_keys::<Vec<ApiConnection>>(&body, "api/connections").map_err(
                    |_| ManagementError::Other("the API's connection list did not decode".into()),
                )?
            }
            Reply::NotPermitted(status) => {
                return Err(ManagementError::Other(format!(
                    "the API refused to list connections ({status})"
                )));
            }
        };
        if let Some(connection) = resolve::connections(list).into_iter().find(|c| ours.is(c)) {
            return Ok(NodeSeen {
                node: Some(connection.node),
                cluster_name,
            });
        }
        if attempt < TRIES {
            tokio::time::sleep(BETWEEN_TRIES).await;
        }
    }
    Ok(NodeSeen {
        node: None,
        cluster_name,
    })
}

impl OurConnection {
    /// What a session's details say the broker sees of its connection; `None` when they
    /// say nothing it could be told by.
    pub fn of(details: &crate::session::ConnectionDetails) -> Option<Self> {
        (details.local_addr.is_some() || details.client_id.is_some()).then(|| Self {
            local_addr: details.local_addr,
            client_id: details.client_id.clone(),
        })
    }

    pub fn is(&self, connection: &ClientConnection) -> bool {
        connection.is(self.local_addr, self.client_id.as_deref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listed(json: &str) -> ClientConnection {
        let api: ApiConnection = serde_json::from_str(json).expect("json");
        resolve::connections(vec![api])
            .pop()
            .expect("a connection with a node")
    }

    #[test]
    fn ours_is_found_by_address_or_client_id() {
        let ours = OurConnection {
            local_addr: Some("127.0.0.1:38158".parse().expect("addr")),
            client_id: None,
        };
        let amqp = listed(r#"{"node":"n1@h","peer_host":"127.0.0.1","peer_port":38158}"#);
        assert!(ours.is(&amqp));
        let mapped = listed(r#"{"node":"n2@h","peer_host":"::ffff:127.0.0.1","peer_port":38158}"#);
        assert!(ours.is(&mapped));
        let other = listed(r#"{"node":"n1@h","peer_host":"127.0.0.1","peer_port":1}"#);
        assert!(!ours.is(&other));

        let mqtt_ours = OurConnection {
            local_addr: None,
            client_id: Some("dev-1".into()),
        };
        let mqtt = listed(
            r#"{"node":"n3@h","peer_host":"127.0.0.1","peer_port":5,"client_properties":{"client_id":"dev-1"}}"#,
        );
        assert!(mqtt_ours.is(&mqtt));
        let stomp = listed(r#"{"node":"n3@h","client_properties":{"product":"STOMP client"}}"#);
        assert!(!mqtt_ours.is(&stomp));
        assert!(
            !OurConnection {
                local_addr: None,
                client_id: None
            }
            .is(&stomp)
        );
    }
}
