//! `amqp-tui --list-profiles`: one aligned line per profile, safe to print to a terminal.

use super::Profile;
use crate::text::{self, visible};

/// One line per profile: name, URL (its scheme names the protocol; never the password),
/// routing (MQTT: the topics), TLS verification and
/// where the password comes from. Every field is passed through [`visible`], since a
/// hand-edited file may hold escape sequences. Empty when there are no profiles.
pub fn list_text(profiles: &[Profile]) -> String {
    let rows: Vec<[String; 5]> = profiles.iter().map(row).collect();
    let mut widths = [0usize; 5];
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            // Display columns: a name with an emoji or CJK takes two a character.
            *width = (*width).max(text::width(cell));
        }
    }
    let mut out = String::new();
    for row in &rows {
        let mut line = String::new();
        for (cell, width) in row.iter().zip(widths) {
            line.push_str(cell);
            line.extend(std::iter::repeat_n(' ', width + 2 - text::width(cell)));
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn row(profile: &Profile) -> [String; 5] {
    [
        visible(&profile.name),
        visible(&url(profile)),
        visible(&routing(profile)),
        visible(&security(profile)),
        visible(&password_source(profile)),
    ]
}

/// Where the profile connects, as a URI (its scheme names the protocol; no password).
pub fn url(profile: &Profile) -> String {
    use crate::session::{Protocol, uri};
    let p = profile;
    match p.protocol {
        Protocol::WebStomp => {
            uri::display_web_stomp_uri(p.tls, &p.user, &p.endpoints(), &p.ws_path)
        }
        _ => uri::display_uri(p.protocol, p.tls, &p.user, &p.endpoints(), &p.vhost),
    }
}

/// What the profile watches, in its protocol's words.
pub(crate) fn routing(profile: &Profile) -> String {
    use crate::session::Protocol;
    match profile.protocol {
        Protocol::Mqtt => {
            return format!(
                "topics {} (QoS {}) publish {}",
                profile.topics.join(", "),
                profile.qos.min(1),
                profile.publish_topic
            );
        }
        Protocol::Stomp => return stomp_routing(profile),
        // The URI holds the endpoint path, so the vhost is said here.
        Protocol::WebStomp => return format!("vhost {} {}", profile.vhost, stomp_routing(profile)),
        Protocol::Amqp => {}
    }
    let exchange = if profile.exchange.is_empty() {
        "(default exchange)".to_string()
    } else {
        format!("{} ({})", profile.exchange, profile.exchange_type)
    };
    let mut text = format!("{exchange} key {}", profile.routing_key);
    if !profile.queue.is_empty() {
        text.push_str(&format!(" queue {}", profile.queue));
    }
    text
}

fn stomp_routing(profile: &Profile) -> String {
    format!(
        "destinations {} (ack {}) publish {}",
        profile.destinations.join(", "),
        profile.stomp_ack.as_str(),
        profile.publish_destination
    )
}

fn security(profile: &Profile) -> String {
    let mut text = match (profile.tls, profile.verify, &profile.ca_file) {
        (false, _, _) => "plain".to_string(),
        (true, false, _) => "NOT VERIFIED".to_string(),
        (true, true, Some(ca)) => format!("verify: {}", ca.display()),
        (true, true, None) => "verify: system CAs".to_string(),
    };
    if let (true, Some(cert)) = (profile.tls, &profile.client_cert) {
        text.push_str(&format!(", client cert {}", cert.display()));
    }
    text
}

fn password_source(profile: &Profile) -> String {
    match (&profile.password_env, profile.remember_password) {
        (Some(var), _) => format!("password from ${var}"),
        (None, true) if profile.password.is_some() => "password saved".into(),
        _ => "password asked".into(),
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::amqp::ExchangeType;

    fn sample() -> Vec<Profile> {
        vec![
            Profile {
                name: "local-plain".into(),
                ..Profile::default()
            },
            Profile {
                name: "local-tls-verified".into(),
                port: 5671,
                tls: true,
                ca_file: Some(PathBuf::from("ca.pem")),
                password: Some("s3cr3t-pw".into()),
                remember_password: true,
                ..Profile::default()
            },
            Profile {
                name: "v6".into(),
                host: "::1".into(),
                vhost: "staging".into(),
                tls: true,
                verify: false,
                exchange: "orders".into(),
                exchange_type: ExchangeType::Topic,
                routing_key: "order.#".into(),
                queue: "audit".into(),
                password_env: Some("AMQP_PASS".into()),
                ..Profile::default()
            },
        ]
    }

    #[test]
    fn lines_are_aligned_and_describe_each_profile() {
        let text = list_text(&sample());
        let expected = "\
local-plain         amqp://guest@localhost:5672/%2F   testEx (direct) key test                plain           password asked
local-tls-verified  amqps://guest@localhost:5671/%2F  testEx (direct) key test                verify: ca.pem  password saved
v6                  amqps://guest@[::1]:5672/staging  orders (topic) key order.# queue audit  NOT VERIFIED    password from $AMQP_PASS
";
        assert_eq!(text, expected);
    }

    #[test]
    fn stomp_profiles_show_their_protocol_and_destinations() {
        let profiles = [
            Profile {
                name: "stomp-tls".into(),
                protocol: crate::session::Protocol::Stomp,
                port: 61614,
                tls: true,
                destinations: vec!["/topic/test.#".into(), "/queue/q".into()],
                stomp_ack: crate::stomp::AckMode::ClientIndividual,
                ..Profile::default()
            },
            Profile {
                name: "web".into(),
                protocol: crate::session::Protocol::WebStomp,
                port: 15674,
                vhost: "staging".into(),
                password: Some("s3cr3t-pw".into()),
                remember_password: true,
                ..Profile::default()
            },
        ];
        let expected = "\
stomp-tls  stomps://guest@localhost:61614/%2F  destinations /topic/test.#, /queue/q (ack client-individual) publish /exchange/testEx/test  verify: system CAs  password asked
web        ws://guest@localhost:15674/ws       vhost staging destinations /exchange/testEx/test (ack auto) publish /exchange/testEx/test   plain               password saved
";
        assert_eq!(list_text(&profiles), expected);
    }

    #[test]
    fn a_cluster_profile_shows_every_node_and_the_uri_reads_back() {
        let profile = Profile {
            name: "prod".into(),
            host: "rabbit-1".into(),
            port: 5671,
            failover: vec![
                crate::session::Endpoint::new("rabbit-2", 5671),
                crate::session::Endpoint::new("::2", 5681),
            ],
            tls: true,
            ..Profile::default()
        };
        let shown = url(&profile);
        assert_eq!(
            shown,
            "amqps://guest@rabbit-1:5671,rabbit-2:5671,[::2]:5681/%2F"
        );
        let mut settings = crate::session::ConnectionSettings::default();
        crate::session::uri::apply_uri(&mut settings, &shown).expect("reads back");
        assert_eq!(settings.endpoints(), profile.endpoints());
        assert!(list_text(&[profile]).contains(&shown));
    }

    #[test]
    fn the_list_never_shows_a_password() {
        let text = list_text(&sample());
        assert!(!text.contains("s3cr3t-pw"), "{text}");
    }

    #[test]
    fn control_characters_in_names_are_made_visible() {
        let profiles = [Profile {
            name: "evil\x1b[2J".into(),
            host: "h\u{202e}x".into(),
            ..Profile::default()
        }];
        let text = list_text(&profiles);
        assert!(text.starts_with("evil\\e[2J  "), "{text}");
        assert!(text.contains("h\\u{202e}x"), "{text}");
        assert!(!text.contains('\x1b'));
    }

    #[test]
    fn wide_names_keep_the_columns_aligned() {
        let mut profiles = sample();
        profiles[0].name = "\u{1f680}-rocket".into();
        profiles[1].name = "中文名".into();
        let text = list_text(&profiles);
        let columns: Vec<usize> = text
            .lines()
            .map(|l| text::width(&l[..l.find("amqp").expect("a URL")]))
            .collect();
        assert!(columns.windows(2).all(|w| w[0] == w[1]), "{text}");
    }

    #[test]
    fn no_profiles_no_lines() {
        assert_eq!(list_text(&[]), "");
    }
}
