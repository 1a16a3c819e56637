//! The connection details panel: who answered, and how the link is protected. The point
//! of it is the difference between plain AMQP and TLS, verified or not.

use ratatui::{
    Frame,
    layout::{Constraint, Rect},
    style::{Color, Style},
    text::{Line, Span},
    widgets::{Block, Clear, Paragraph, Wrap},
};

use super::theme;
use crate::{
    model::{
        ConnState, Tab,
        endpoints::{EndpointState, Endpoints},
        scroll::Scroll,
    },
    session::Protocol,
    text::visible,
    tls::{CertificateInfo, Security, TlsDetails},
};

const LABEL_WIDTH: usize = 18;

pub fn draw(frame: &mut Frame, area: Rect, tab: &Tab, scroll: Scroll) {
    let width = area.width.saturating_sub(2).clamp(20, 110);
    let paragraph = Paragraph::new(lines(tab)).wrap(Wrap { trim: false });
    // Sized by the rows the text wraps to, as the paragraph itself counts them: a CA path
    // or the warning that wraps must not push the fingerprint out of the panel.
    let rows = paragraph.line_count(width.saturating_sub(2));
    let height = u16::try_from(rows.saturating_add(2)).unwrap_or(u16::MAX);
    let popup = area.centered(
        Constraint::Length(width),
        Constraint::Length(height.min(area.height)),
    );
    frame.render_widget(Clear, popup);
    let shown = usize::from(popup.height.saturating_sub(2));
    let top = scroll.offset(rows, shown);
    // What does not fit scrolls; the bottom border says where the window is, the footer
    // which keys move it.
    let position = if rows > shown {
        format!(" rows {}-{} of {rows} ·", top + 1, (top + shown).min(rows))
    } else {
        String::new()
    };
    let block = Block::bordered()
        .title(Span::styled(" Connection details ", theme::TITLE))
        .title_bottom(Span::styled(format!("{position} Esc closes "), theme::DIM))
        .border_style(theme::BORDER_FOCUSED);
    let paragraph = paragraph
        .block(block)
        .scroll((u16::try_from(top).unwrap_or(u16::MAX), 0));
    frame.render_widget(paragraph, popup);
}

/// The panel's text; every value that came from the network or the user is made visible.
pub fn lines(tab: &Tab) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    let state = match &tab.conn {
        ConnState::Connected { .. } => None,
        ConnState::Idle if tab.details.is_some() => {
            Some("Disconnected: these are the details of the last connection.")
        }
        ConnState::Idle => Some("Not connected: fill in the form and press Enter."),
        ConnState::Connecting { .. } => Some("Connecting …"),
        ConnState::Reconnecting { .. } => {
            Some("Connection lost, reconnecting: these are the details of the last connection.")
        }
    };
    if let Some(state) = state {
        out.push(Line::styled(state, theme::HEADER));
        out.push(Line::raw(""));
    }
    let (Some(settings), Some(details)) = (&tab.session_settings, &tab.details) else {
        return out;
    };
    let protocol = settings.protocol;
    out.push(field("Protocol", protocol_name(protocol).into()));
    // The node the session is on, which after a failover is not the first listed.
    let target = match tab.endpoints.current() {
        Some(current) => settings.display_target_at(&current.endpoint),
        None => settings.display_target(),
    };
    out.push(field("Target", target));
    node_lines(&mut out, &tab.endpoints);
    if protocol == Protocol::Mqtt {
        let id = details
            .client_id
            .as_ref()
            .unwrap_or(&settings.mqtt.client_id);
        out.push(field("Client id", id.clone()));
        let clean = if settings.mqtt.clean_session {
            "yes (the broker keeps nothing for this client id)"
        } else {
            "no (the broker keeps subscriptions and QoS 1 messages)"
        };
        out.push(field("Clean session", clean.into()));
    }
    if matches!(protocol, Protocol::Stomp | Protocol::WebStomp) {
        let stomp = &settings.stomp;
        if protocol == Protocol::WebStomp {
            out.push(field("Endpoint", stomp.ws_path.clone()));
        }
        out.push(field("Destinations", stomp.destinations.join(", ")));
        out.push(field("Ack mode", stomp.ack.as_str().into()));
    }
    if let Some(addr) = &details.peer_addr {
        out.push(field("Peer address", addr.clone()));
    }
    if let Some(server) = &details.server {
        out.push(field("Broker", server.clone()));
    }
    if let Some(secs) = details.heartbeat_secs {
        let text = if secs == 0 {
            "off".to_string()
        } else {
            format!("{secs} s")
        };
        let label = match protocol {
            Protocol::Amqp => "Heartbeat",
            Protocol::Mqtt => "Keep-alive",
            Protocol::Stomp | Protocol::WebStomp => "Heart-beat",
        };
        out.push(field(label, text));
    }
    if let ConnState::Connected { queue, .. } = &tab.conn {
        out.push(field("Watching", settings.watch_summary(queue)));
    }
    out.push(Line::raw(""));
    match &details.tls {
        None => plain_warning(&mut out, protocol),
        Some(tls) => tls_lines(&mut out, tls),
    }
    out
}

fn protocol_name(protocol: Protocol) -> &'static str {
    match protocol {
        Protocol::Amqp => "AMQP 0-9-1",
        Protocol::Mqtt => "MQTT 3.1.1",
        Protocol::Stomp => "STOMP 1.2",
        Protocol::WebStomp => "STOMP 1.2 over WebSocket (Web-STOMP)",
    }
}

fn plain_warning(out: &mut Vec<Line<'static>>, protocol: Protocol) {
    let warning = theme::security(&Security::Plain);
    let name = protocol.label();
    out.push(Line::styled(
        format!("Plain {name}: NOT ENCRYPTED"),
        warning.bold(),
    ));
    out.push(Line::styled(
        format!(
            "The user name, the password and every message body cross the network in clear text: \
             anyone on the path can read or change them. Use TLS ({}, port {}) for anything \
             beyond a loopback test.",
            protocol.scheme(true).to_uppercase(),
            protocol.default_port(true)
        ),
        warning,
    ));
}

fn tls_lines(out: &mut Vec<Line<'static>>, tls: &TlsDetails) {
    out.push(Line::styled("TLS: encrypted", theme::HEADER));
    // native-tls reports neither, so one line says so instead of two.
    match (&tls.protocol, &tls.cipher) {
        (None, None) => out.push(field(
            "Protocol, cipher",
            "not reported by native-tls (TLS 1.2 or newer is required)".into(),
        )),
        (protocol, cipher) => {
            let unknown = || "not reported".to_string();
            out.push(field("Protocol", protocol.clone().unwrap_or_else(unknown)));
            out.push(field("Cipher", cipher.clone().unwrap_or_else(unknown)));
        }
    }
    let verification = match &tls.security {
        Security::TlsVerified { ca_file: Some(ca) } => {
            format!("verified (chain and host name) against {}", ca.display())
        }
        Security::TlsVerified { ca_file: None } => {
            "verified (chain and host name) against the system trust store".into()
        }
        Security::TlsNotVerified => {
            "NOT VERIFIED: verification is off, any certificate was accepted".into()
        }
        Security::Plain => "none".into(),
    };
    out.push(styled_field(
        "Server verified",
        verification,
        theme::security(&tls.security),
    ));
    out.push(field(
        "Client certificate",
        tls.client_certificate
            .clone()
            .unwrap_or_else(|| "none presented".into()),
    ));
    out.push(Line::raw(""));
    match &tls.server_certificate {
        Some(cert) => certificate_lines(out, cert),
        None => out.push(Line::styled(
            "The server's certificate was not captured.",
            theme::DIM,
        )),
    }
}

fn certificate_lines(out: &mut Vec<Line<'static>>, cert: &CertificateInfo) {
    out.push(Line::styled("Server certificate", theme::HEADER));
    out.push(field("Subject", cert.subject.clone()));
    out.push(field("Issuer", cert.issuer.clone()));
    let sans = if cert.subject_alt_names.is_empty() {
        "none".to_string()
    } else {
        cert.subject_alt_names.join(", ")
    };
    out.push(field("Alt. names", sans));
    out.push(field("Valid from", cert.not_before.clone()));
    out.push(field("Valid until", cert.not_after.clone()));
    // 95 characters: on a line of its own so it is never wrapped mid-pair.
    out.push(field("SHA-256", String::new()));
    out.push(Line::raw(visible(&cert.sha256_fingerprint)));
}

/// Every node of a cluster's list with what it last did; the one the session is on first
/// in bold. Nothing for a single node: the target says it all.
fn node_lines(out: &mut Vec<Line<'static>>, endpoints: &Endpoints) {
    if !endpoints.several() {
        if let Some(node) = endpoints.current().and_then(|c| c.node.clone()) {
            out.push(field("Node", node));
        }
        return;
    }
    let current = endpoints.current().map(|c| c.endpoint.clone());
    for (i, status) in endpoints.list.iter().enumerate() {
        let label = if i == 0 { "Nodes" } else { "" };
        let state = match &status.state {
            EndpointState::NotTried => "not tried".to_string(),
            EndpointState::Connecting => "connecting".to_string(),
            EndpointState::Connected => "connected".to_string(),
            EndpointState::Lost(why) => format!("lost: {why}"),
            EndpointState::Down(why) => format!("down: {why}"),
        };
        let node = status
            .node
            .as_deref()
            .map_or(String::new(), |n| format!(" ({n})"));
        let value = format!("{}{node} {state}", status.endpoint);
        let style = match status.state {
            _ if current.as_ref() == Some(&status.endpoint)
                && status.state == EndpointState::Connected =>
            {
                Style::new().bold()
            }
            EndpointState::Lost(_) | EndpointState::Down(_) => Style::new().fg(Color::Red),
            _ => theme::DIM,
        };
        out.push(styled_field(label, value, style));
    }
}

fn field(label: &str, value: String) -> Line<'static> {
    styled_field(label, value, Style::new())
}

fn styled_field(label: &str, value: String, style: Style) -> Line<'static> {
    Line::from(vec![
        Span::styled(format!("{label:>LABEL_WIDTH$}  "), theme::LABEL),
        Span::styled(visible(&value), style),
    ])
}
