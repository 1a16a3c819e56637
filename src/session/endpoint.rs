//! Where a session may connect: one or several nodes of one cluster, as `host[:port]`
//! entries separated by commas. The one reader and writer of that list, for the URI, the
//! form's host field, profiles and the command line.

use std::fmt;

/// One node's address. `host` holds an IPv6 literal without its brackets.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Endpoint {
    pub host: String,
    pub port: u16,
}

impl Endpoint {
    pub fn new(host: impl Into<String>, port: u16) -> Self {
        Self {
            host: host.into(),
            port,
        }
    }
}

impl fmt::Display for Endpoint {
    /// `host:port`, bracketing IPv6 literals.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.host.contains(':') {
            write!(f, "[{}]:{}", self.host, self.port)
        } else {
            write!(f, "{}:{}", self.host, self.port)
        }
    }
}

// In profiles as `"host:port"`, the way people write a node.
impl serde::Serialize for Endpoint {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Endpoint {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        // No default port here: a profile's list is written whole, port and all.
        match parse_one(text.trim(), 0) {
            Ok(endpoint) if endpoint.port == 0 => Err(serde::de::Error::custom(format!(
                "failover entry '{text}' has no port: write host:port"
            ))),
            Ok(endpoint) => Ok(endpoint),
            Err(why) => Err(serde::de::Error::custom(format!("failover entry {why}"))),
        }
    }
}

/// Reads `h1:5672, h2, [::1]:5673`: entries without a port get `default_port`. The error
/// names the entry at fault (counting from 1) and what is wrong with it.
pub fn parse_list(text: &str, default_port: u16) -> Result<Vec<Endpoint>, String> {
    let entries: Vec<&str> = text.split(',').map(str::trim).collect();
    let several = entries.len() > 1;
    let name = |i: usize| {
        if several {
            format!("host {} of {}", i + 1, entries.len())
        } else {
            "the host".to_string()
        }
    };
    let mut list: Vec<Endpoint> = Vec::with_capacity(entries.len());
    for (i, entry) in entries.iter().enumerate() {
        let endpoint =
            parse_one(entry, default_port).map_err(|why| format!("{} {why}", name(i)))?;
        // Twice in the list, it would be tried twice a round and shown twice on F3.
        if list.contains(&endpoint) {
            return Err(format!("{} '{entry}' is listed twice", name(i)));
        }
        list.push(endpoint);
    }
    Ok(list)
}

fn parse_one(entry: &str, default_port: u16) -> Result<Endpoint, String> {
    if entry.is_empty() {
        return Err("is empty: write host or host:port, with commas between nodes".into());
    }
    let (host, port) = if let Some(rest) = entry.strip_prefix('[') {
        let Some((host, after)) = rest.split_once(']') else {
            return Err(format!("'{entry}' opens '[' and never closes it"));
        };
        match after {
            "" => (host, None),
            _ => match after.strip_prefix(':') {
                Some(port) => (host, Some(port)),
                None => return Err(format!("'{entry}' has '{after}' after ']'")),
            },
        }
    } else if entry.matches(':').count() > 1 {
        // A bare IPv6 literal: its colons are not a port separator.
        (entry, None)
    } else {
        match entry.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (entry, None),
        }
    };
    if host.is_empty() {
        return Err(format!("'{entry}' names no host before the port"));
    }
    if host.contains(char::is_whitespace) || host.contains(['/', '@', '?', '#']) {
        return Err(format!("'{host}' is not a host name or address"));
    }
    let port = match port {
        None => default_port,
        Some(text) => match text.parse::<u16>() {
            Ok(p) if p > 0 => p,
            _ => {
                return Err(format!(
                    "'{entry}': port '{text}' is not a number from 1 to 65535"
                ));
            }
        },
    };
    Ok(Endpoint::new(host, port))
}

/// The list as the form's host field shows it: the first host alone when its port is
/// `port` (the port field's), every other entry with its port.
pub fn host_field_text(endpoints: &[Endpoint], port: u16) -> String {
    let mut out = Vec::with_capacity(endpoints.len());
    for (i, endpoint) in endpoints.iter().enumerate() {
        if i == 0 && endpoint.port == port {
            out.push(bracketed(&endpoint.host));
        } else {
            out.push(endpoint.to_string());
        }
    }
    out.join(", ")
}

fn bracketed(host: &str) -> String {
    if host.contains(':') {
        format!("[{host}]")
    } else {
        host.to_string()
    }
}

/// The order a session tries `endpoints` in: as given, or shuffled by `seed` when the
/// profile asks (Java's client shuffles so that a cluster's clients spread over nodes).
pub fn connect_order(endpoints: &[Endpoint], shuffle: bool, seed: u64) -> Vec<Endpoint> {
    let mut order = endpoints.to_vec();
    if shuffle {
        // Fisher-Yates with a small xorshift: spreading clients needs no strong randomness.
        let mut state = seed | 1;
        for i in (1..order.len()).rev() {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let j = (state % (i as u64 + 1)) as usize;
            order.swap(i, j);
        }
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_reads_hosts_ports_and_ipv6() {
        let list = parse_list("h1:5672, h2 ,[::1]:5674,::1,[fe80::1]", 5671).expect("parses");
        assert_eq!(
            list,
            [
                Endpoint::new("h1", 5672),
                Endpoint::new("h2", 5671),
                Endpoint::new("::1", 5674),
                Endpoint::new("::1", 5671),
                Endpoint::new("fe80::1", 5671),
            ]
        );
        assert_eq!(list[2].to_string(), "[::1]:5674");
        assert_eq!(host_field_text(&list[..3], 5672), "h1, h2:5671, [::1]:5674");
        let back = parse_list(&host_field_text(&list, 5672), 5672).expect("reads back");
        assert_eq!(back, list);
    }

    #[test]
    fn a_bad_entry_is_named_with_what_is_wrong() {
        let cases = [
            ("h1:5672,,h3", "host 2 of 3 is empty"),
            (
                "h1:99999",
                "the host 'h1:99999': port '99999' is not a number from 1 to 65535",
            ),
            ("h1,h2:0", "host 2 of 2 'h2:0': port '0'"),
            ("h1,:5673", "host 2 of 2 ':5673' names no host"),
            ("h1,h2:x", "port 'x'"),
            ("[::1", "never closes"),
            ("a b", "'a b' is not a host name"),
            ("", "the host is empty"),
            ("h1, h2, h1:5672", "host 3 of 3 'h1:5672' is listed twice"),
        ];
        for (text, expected) in cases {
            let error = parse_list(text, 5672).expect_err(text);
            assert!(error.contains(expected), "{text}: {error}");
        }
    }

    #[test]
    fn shuffling_keeps_every_endpoint_once() {
        let list: Vec<Endpoint> = (1..=5).map(|p| Endpoint::new("h", p)).collect();
        assert_eq!(connect_order(&list, false, 42), list);
        let orders: std::collections::HashSet<Vec<u16>> = (0..50)
            .map(|seed| {
                let mut ports: Vec<u16> = connect_order(&list, true, seed)
                    .iter()
                    .map(|e| e.port)
                    .collect();
                let order = ports.clone();
                ports.sort_unstable();
                assert_eq!(ports, [1, 2, 3, 4, 5]);
                order
            })
            .collect();
        assert!(orders.len() > 5, "seeds give different orders: {orders:?}");
    }
}
