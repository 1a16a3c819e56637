//! The top line: one label per tab with its state and how it is protected.

use ratatui::{
    Frame,
    layout::Rect,
    style::{Color, Modifier, Style},
    text::{Line, Span},
    widgets::Paragraph,
};

use super::theme;
use crate::{
    model::{ConnState, Model},
    session::Protocol,
    tls::Security,
};

pub fn draw(frame: &mut Frame, area: Rect, model: &Model) {
    let mut spans = Vec::new();
    let titles = crate::model::tab::titles(model.tabs());
    for ((i, tab), title) in model.tabs().iter().enumerate().zip(titles) {
        let current = i == model.active();
        let mut style = Style::new().fg(state_color(&tab.conn));
        if current {
            style = style.add_modifier(Modifier::REVERSED | Modifier::BOLD);
        }
        spans.push(Span::styled(format!(" {} {title} ", i + 1), style));
        if let Some(security) = tab.conn.security() {
            spans.push(Span::styled(
                format!(
                    "{}{} ",
                    protocol_tag(tab.protocol()),
                    security_tag(security)
                ),
                theme::security(security),
            ));
        }
        spans.push(Span::raw(" "));
    }
    if let Some(warning) = &model.warning {
        spans.push(Span::styled(warning.as_str(), theme::ERROR));
    } else if model.tabs().len() > 1 {
        spans.push(Span::styled("Alt-1..9 / Ctrl-←→ switch", theme::DIM));
    } else {
        spans.push(Span::styled("Ctrl-T new tab  F2 profiles", theme::DIM));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn state_color(conn: &ConnState) -> Color {
    match conn {
        ConnState::Idle => Color::Gray,
        ConnState::Connecting { .. } => Color::Yellow,
        ConnState::Connected { .. } => Color::Green,
        ConnState::Reconnecting { .. } => Color::Red,
    }
}

/// The protocol, for a tab that does not speak amqp-tui's first one: nine tabs of AMQP
/// need no label each, and the status bar names it for the current tab anyway.
fn protocol_tag(protocol: Protocol) -> String {
    match protocol {
        Protocol::Amqp => String::new(),
        other => format!("{} ", other.label()),
    }
}

/// Short enough for a tab label; the status bar and the details panel say it in full.
fn security_tag(security: &Security) -> &'static str {
    match security {
        Security::Plain => "plain",
        Security::TlsVerified { .. } => "TLS",
        Security::TlsNotVerified => "TLS NOT VERIFIED",
    }
}
