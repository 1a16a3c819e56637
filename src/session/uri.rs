//! Broker URIs as users paste them, for every protocol:
//! `amqp[s]://user:password@host:port/vhost?heartbeat=N`, and the same shape for
//! `mqtt[s]://` and `stomp[s]://` (the vhost as the path, `%2f` or empty for `/`).
//! Web-STOMP's `ws[s]://user:password@host:port/ws` is the exception: its path is the
//! endpoint on the server, so the vhost stays what the form or `--vhost` says.

use super::{
    ConnectionSettings, Protocol,
    endpoint::{self, Endpoint},
};

/// Fills `settings` from a URI the way pika reads an AMQP one; the scheme picks the
/// protocol. Returns whether it is a TLS scheme. The host may be a comma-separated list
/// of one cluster's nodes (`amqp://u:p@h1:5672,h2:5673/%2f`), each with its own port or
/// the scheme's.
pub fn apply_uri(settings: &mut ConnectionSettings, uri: &str) -> Result<bool, String> {
    let uri = uri.trim();
    let (uri, endpoints) = split_host_list(uri)?;
    let url = url::Url::parse(&uri).map_err(|e| e.to_string())?;
    let Some((protocol, tls)) = Protocol::from_scheme(url.scheme()) else {
        return Err(format!(
            "scheme '{}' is not one of {}",
            url.scheme(),
            Protocol::schemes()
        ));
    };
    settings.protocol = protocol;
    settings.failover = match endpoints {
        Some(text) => {
            let list = endpoint::parse_list(&text, protocol.default_port(tls))?;
            list[1..].to_vec()
        }
        None => Vec::new(),
    };
    let decode = |s: &str| {
        percent_decode(s).ok_or_else(|| "it holds percent-escapes that are not UTF-8".to_string())
    };
    settings.host = match url.host() {
        Some(url::Host::Ipv6(ip)) => ip.to_string(),
        Some(host) => decode(&host.to_string())?,
        None => return Err("it names no host".into()),
    };
    settings.port = url.port().unwrap_or(protocol.default_port(tls));
    if !url.username().is_empty() {
        settings.user = decode(url.username())?;
        settings.password = decode(url.password().unwrap_or_default())?;
    }
    if protocol == Protocol::WebStomp {
        settings.stomp.ws_path = match url.path() {
            "" | "/" => crate::stomp::WEB_STOMP_PATH.to_string(),
            path => decode(path)?,
        };
        return read_query(settings, &url).map(|()| tls);
    }
    let path = url.path().trim_start_matches('/');
    settings.vhost = if path.is_empty() {
        "/".into()
    } else {
        decode(path)?
    };
    read_query(settings, &url).map(|()| tls)
}

/// A URI with several hosts cannot go through `url`: the list is cut out, and the URI
/// goes on with its first host alone. `None` when the URI names one host.
fn split_host_list(uri: &str) -> Result<(String, Option<String>), String> {
    let Some(range) = hosts_span(uri) else {
        return Ok((uri.to_string(), None));
    };
    let hosts = &uri[range.clone()];
    if !hosts.contains(',') {
        return Ok((uri.to_string(), None));
    }
    // An `@` further on: what looks like hosts is user info cut short by a raw `/`, `?`
    // or `#` in it, a password perhaps. Said without repeating any of it.
    if uri[range.end..].contains('@') {
        return Err("its user name or password holds a '/', '?' or '#' before the '@': write them as %2F, %3F and %23".into());
    }
    // Checked here with a stand-in port, so that an empty or bad entry is named before
    // `url` reports a vaguer "empty host"; the ports are read again with the scheme's.
    endpoint::parse_list(hosts, 1)?;
    let first = hosts.split(',').next().unwrap_or_default().trim();
    let single = format!("{}{first}{}", &uri[..range.start], &uri[range.end..]);
    Ok((single, Some(hosts.to_string())))
}

fn read_query(settings: &mut ConnectionSettings, url: &url::Url) -> Result<(), String> {
    for (key, value) in url.query_pairs() {
        if key == "heartbeat" {
            settings.heartbeat_secs = value
                .parse()
                .map_err(|_| format!("heartbeat '{value}' is not a number of seconds"))?;
        }
    }
    Ok(())
}

/// Escaped in a user name or a vhost: all but RFC 3986's unreserved characters, so `/`
/// in a vhost is `%2F` (the vhost `/` itself too, as RabbitMQ's URI spec writes it), and
/// `@`, `:`, `%` and spaces cannot change how the URI reads.
const COMPONENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// The one way a connection target is written for people: `amqps://user@host:port/vhost`
/// with no password, reading back through [`apply_uri`] to the same user, host, port and
/// vhost. For `--list-profiles`, the profile list and (without the scheme) the status bar.
pub fn display_uri(
    protocol: Protocol,
    tls: bool,
    user: &str,
    endpoints: &[Endpoint],
    vhost: &str,
) -> String {
    let scheme = protocol.scheme(tls);
    format!(
        "{scheme}://{}@{}/{}",
        encoded(user),
        hosts(endpoints),
        encoded(vhost)
    )
}

/// `h1:5672,h2:5673`, as a URI writes a cluster's nodes.
fn hosts(endpoints: &[Endpoint]) -> String {
    let list: Vec<String> = endpoints.iter().map(Endpoint::to_string).collect();
    list.join(",")
}

fn encoded(component: &str) -> percent_encoding::PercentEncode<'_> {
    percent_encoding::utf8_percent_encode(component, COMPONENT)
}

/// Web-STOMP's [`display_uri`]: `ws://user@host:port/ws`, the endpoint path where the
/// other schemes have the vhost (which a Web-STOMP URI cannot carry).
pub fn display_web_stomp_uri(tls: bool, user: &str, endpoints: &[Endpoint], path: &str) -> String {
    let path = percent_encoding::utf8_percent_encode(path, PATH);
    let scheme = Protocol::WebStomp.scheme(tls);
    format!("{scheme}://{}@{}{path}", encoded(user), hosts(endpoints))
}

/// Escaped in an endpoint path: what would end it or change how the URI reads.
const PATH: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'%')
    .add(b'?')
    .add(b'#')
    .add(b'"')
    .add(b'<')
    .add(b'>');

/// [`display_uri`] without the scheme: `user@host:port/vhost`.
pub fn display_target(user: &str, host: &str, port: u16, vhost: &str) -> String {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let endpoint = Endpoint::new(host, port);
    format!("{}@{endpoint}/{}", encoded(user), encoded(vhost))
}

fn percent_decode(s: &str) -> Option<String> {
    percent_encoding::percent_decode_str(s)
        .decode_utf8()
        .ok()
        .map(|decoded| decoded.into_owned())
}

/// Where the authority (`user:password@host:port`, or a list of hosts) sits in `uri`, as
/// a byte range: from after `://` to the path, the way URL parsers find it. By hand rather
/// than through `url`, so the rest of the text stays byte for byte what the user wrote,
/// a URI that does not parse is still redacted, and a list of hosts can be read.
fn authority(uri: &str) -> Option<std::ops::Range<usize>> {
    let start = uri.find("://")? + 3;
    let end = uri[start..]
        .find(['/', '?', '#'])
        .map_or(uri.len(), |i| start + i);
    Some(start..end)
}

/// The user info (`user:password`): up to the authority's last `@`.
fn user_info(uri: &str) -> Option<std::ops::Range<usize>> {
    let authority = authority(uri)?;
    let at = authority.start + uri[authority.clone()].rfind('@')?;
    Some(authority.start..at)
}

/// The host (or hosts): after the authority's last `@`.
fn hosts_span(uri: &str) -> Option<std::ops::Range<usize>> {
    let authority = authority(uri)?;
    let start = uri[authority.clone()]
        .rfind('@')
        .map_or(authority.start, |at| authority.start + at + 1);
    Some(start..authority.end)
}

/// Where the password sits in `uri`, as a byte range, if it has a non-empty one.
fn password_span(uri: &str) -> Option<std::ops::Range<usize>> {
    let info = user_info(uri)?;
    let colon = info.start + uri[info.clone()].find(':')?;
    (colon + 1 < info.end).then_some(colon + 1..info.end)
}

/// The URI with its password, if any, replaced by `***`: for logs and messages.
pub fn redacted(uri: &str) -> String {
    match password_span(uri) {
        Some(span) => format!("{}***{}", &uri[..span.start], &uri[span.end..]),
        None => uri.to_string(),
    }
}

/// Splits `amqp://user:pass@host/` into `amqp://user@host/` and `pass` (still
/// percent-encoded), or `None` when the URI carries no password.
pub fn take_password(uri: &str) -> Option<(String, String)> {
    let span = password_span(uri)?;
    let without = format!("{}{}", &uri[..span.start - 1], &uri[span.end..]);
    Some((without, uri[span].to_string()))
}

/// Undoes [`take_password`]: puts `password` back after the user name. `None` when the URI
/// has no user name to attach it to, or already has a password.
pub fn put_password(uri: &str, password: &str) -> Option<String> {
    if password_span(uri).is_some() {
        return None;
    }
    let info = user_info(uri)?;
    let user = &uri[info.clone()];
    let user = user.strip_suffix(':').unwrap_or(user);
    Some(format!(
        "{}{user}:{password}{}",
        &uri[..info.start],
        &uri[info.end..]
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stomp_uris_carry_the_vhost_and_web_stomp_uris_the_endpoint() {
        let mut settings = ConnectionSettings::default();
        assert_eq!(
            apply_uri(&mut settings, "stomp://ops:pw@broker:61613/prod"),
            Ok(false)
        );
        assert_eq!(settings.protocol, Protocol::Stomp);
        let target = (
            settings.user.as_str(),
            settings.password.as_str(),
            settings.port,
        );
        assert_eq!(target, ("ops", "pw", 61613));
        assert_eq!(settings.vhost, "prod");
        for uri in ["stomps://ops:pw@broker/%2f", "stomps://ops:pw@broker:61614"] {
            let mut settings = ConnectionSettings::default();
            assert_eq!(apply_uri(&mut settings, uri), Ok(true), "{uri}");
            assert_eq!(
                (settings.port, settings.vhost.as_str()),
                (61614, "/"),
                "{uri}"
            );
        }

        // The path is the endpoint; the vhost is left as it was.
        let mut settings = ConnectionSettings {
            vhost: "staging".into(),
            ..ConnectionSettings::default()
        };
        assert_eq!(
            apply_uri(&mut settings, "ws://ops:pw@broker:15674/ws"),
            Ok(false)
        );
        assert_eq!(settings.protocol, Protocol::WebStomp);
        assert_eq!(
            (settings.stomp.ws_path.as_str(), settings.vhost.as_str()),
            ("/ws", "staging")
        );
        let mut settings = ConnectionSettings::default();
        assert_eq!(apply_uri(&mut settings, "wss://ops:pw@broker"), Ok(true));
        assert_eq!(settings.port, 15673);
        assert_eq!(
            settings.stomp.ws_path, "/ws",
            "no path: RabbitMQ's endpoint"
        );
        assert_eq!(settings.vhost, "/");

        let shown = display_web_stomp_uri(
            true,
            "ops",
            &[Endpoint::new("broker", 15673)],
            "/behind proxy/ws",
        );
        assert_eq!(shown, "wss://ops@broker:15673/behind%20proxy/ws");
        let mut settings = ConnectionSettings::default();
        assert_eq!(apply_uri(&mut settings, &shown), Ok(true));
        assert_eq!(settings.stomp.ws_path, "/behind proxy/ws");
        assert_eq!(
            display_uri(
                Protocol::Stomp,
                true,
                "ops",
                &[Endpoint::new("broker", 61614)],
                "/"
            ),
            "stomps://ops@broker:61614/%2F"
        );
    }

    #[test]
    fn a_uri_names_a_cluster_s_nodes_and_reads_back() {
        for (uri, tls) in [
            ("amqp://u:p@h1:5672,h2:5673,h3:5674/%2f", false),
            ("amqps://u:p@h1,h2:5673/%2f", true),
            ("mqtt://u:p@h1:1883,[::1]:1884", false),
            ("stomps://u:p@h1,h2/vh", true),
        ] {
            let mut settings = ConnectionSettings::default();
            assert_eq!(apply_uri(&mut settings, uri), Ok(tls), "{uri}");
            assert_eq!(settings.host, "h1", "{uri}");
            assert_eq!(settings.password, "p", "{uri}");
            let endpoints = settings.endpoints();
            let shown = display_uri(settings.protocol, tls, "u", &endpoints, &settings.vhost);
            let mut back = ConnectionSettings::default();
            assert_eq!(apply_uri(&mut back, &shown), Ok(tls), "{shown}");
            assert_eq!(back.endpoints(), endpoints, "{shown}");
            assert_eq!(back.vhost, settings.vhost, "{shown}");
        }
        let mut settings = ConnectionSettings::default();
        apply_uri(&mut settings, "amqps://u:p@h1,h2:5673,h3/%2f").expect("parses");
        let ports: Vec<u16> = settings.endpoints().iter().map(|e| e.port).collect();
        assert_eq!(
            ports,
            [5671, 5673, 5671],
            "the scheme's port where none is given"
        );

        // A URI with one host leaves no failover list behind from an earlier one.
        apply_uri(&mut settings, "amqp://h9").expect("parses");
        assert_eq!(settings.endpoints(), [Endpoint::new("h9", 5672)]);

        for (uri, named) in [
            ("amqp://u:p@h1:5672,,h3/", "host 2 of 3 is empty"),
            (
                "amqp://u:p@h1:5672,h2:70000/",
                "host 2 of 2 'h2:70000': port '70000'",
            ),
            ("amqp://u:p@,h2/", "host 1 of 2 is empty"),
            ("amqp://u:se,cr#t@h1/", "write them as %2F, %3F and %23"),
        ] {
            let error = apply_uri(&mut ConnectionSettings::default(), uri).expect_err(uri);
            assert!(error.contains(named), "{uri}: {error}");
            assert!(
                !error.contains(":p@") && !error.contains("se,cr"),
                "no password in {error}"
            );
        }
    }

    #[test]
    fn the_host_list_of_a_uri_is_found_after_the_user_info() {
        let uri = "amqp://u:p@ss@h1:1,h2:2/%2f?x=1";
        assert_eq!(&uri[hosts_span(uri).expect("found")], "h1:1,h2:2");
        assert_eq!(&uri[user_info(uri).expect("found")], "u:p@ss");
        let uri = "mqtt://h1,h2";
        assert_eq!(&uri[hosts_span(uri).expect("found")], "h1,h2");
        assert_eq!(user_info(uri), None);
    }

    #[test]
    fn redaction_hides_only_the_password() {
        assert_eq!(
            redacted("amqps://guest:s3cret@host:5671/%2f?heartbeat=5"),
            "amqps://guest:***@host:5671/%2f?heartbeat=5"
        );
        // The last `@` ends the user info, as in URL parsers: a raw `@` in a password.
        assert_eq!(redacted("amqp://u:p@ss@h/"), "amqp://u:***@h/");
        assert_eq!(redacted("amqp://u@h/"), "amqp://u@h/");
        assert_eq!(redacted("amqp://u:@h/"), "amqp://u:@h/");
        assert_eq!(redacted("amqp://h/x@y"), "amqp://h/x@y");
        // Redacted even when it would not parse.
        assert_eq!(redacted("amqp://u:pw@h:99999"), "amqp://u:***@h:99999");
        assert_eq!(redacted("not a uri"), "not a uri");
    }

    #[test]
    fn a_password_taken_out_goes_back_exactly() {
        for uri in [
            "amqp://guest:s3cret@127.0.0.1:5672/",
            "amqps://u:p%40ss%2Fw@[::1]:5671/vh?heartbeat=1",
            "amqp://:only-pass@h",
            "amqp://u:p@ss@h/",
        ] {
            let (without, password) = take_password(uri).expect("a password");
            assert!(!without.contains(&password), "{without}");
            assert_eq!(put_password(&without, &password).as_deref(), Some(uri));
        }
        assert_eq!(
            take_password("amqp://guest:s3cret@h/"),
            Some(("amqp://guest@h/".into(), "s3cret".into()))
        );
        assert_eq!(take_password("amqp://guest@h/"), None);
        assert_eq!(take_password("amqp://h/"), None);
        assert_eq!(put_password("amqp://h/", "x"), None, "no user to attach to");
        assert_eq!(put_password("amqp://u:p@h/", "x"), None, "already has one");
    }

    #[test]
    fn apply_uri_reads_the_password_put_back() {
        let (without, password) = take_password("amqp://u:p%40ss@h/").expect("a password");
        let restored = put_password(&without, &password).expect("restored");
        let mut settings = ConnectionSettings::default();
        apply_uri(&mut settings, &restored).expect("parses");
        assert_eq!(settings.password, "p@ss");
    }

    #[test]
    fn a_displayed_uri_reads_back_to_the_same_target() {
        let cases = [
            ("/", "amqp://guest@localhost:5672/%2F"),
            ("/staging", "amqp://guest@localhost:5672/%2Fstaging"),
            ("staging", "amqp://guest@localhost:5672/staging"),
            ("a b", "amqp://guest@localhost:5672/a%20b"),
            ("%", "amqp://guest@localhost:5672/%25"),
        ];
        for (vhost, shown) in cases {
            let local = [Endpoint::new("localhost", 5672)];
            let uri = display_uri(Protocol::Amqp, false, "guest", &local, vhost);
            assert_eq!(uri, shown);
            let mut settings = ConnectionSettings::default();
            assert_eq!(apply_uri(&mut settings, &uri), Ok(false), "{uri}");
            assert_eq!(settings.vhost, vhost, "{uri}");
        }
        let uri = display_uri(
            Protocol::Amqp,
            true,
            "bob@corp:x",
            &[Endpoint::new("::1", 5671)],
            "/",
        );
        assert_eq!(uri, "amqps://bob%40corp%3Ax@[::1]:5671/%2F");
        let mut settings = ConnectionSettings::default();
        assert_eq!(apply_uri(&mut settings, &uri), Ok(true));
        assert_eq!(
            (
                settings.user.as_str(),
                settings.host.as_str(),
                settings.port
            ),
            ("bob@corp:x", "::1", 5671)
        );
    }
}
