//! Colours and styles in one place.

use ratatui::style::{Color, Modifier, Style};

use crate::{model::Level, tls::Security};

pub const FOCUS: Style = Style::new().fg(Color::Black).bg(Color::Cyan);
/// Pre-filled text that typing replaces.
pub const SELECTION: Style = FOCUS.add_modifier(Modifier::REVERSED);
pub const LABEL: Style = Style::new().fg(Color::Gray);
pub const DIM: Style = Style::new().fg(Color::DarkGray);
pub const TITLE: Style = Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD);
pub const HEADER: Style = Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD);
pub const ERROR: Style = Style::new().fg(Color::Red).add_modifier(Modifier::BOLD);
pub const KEY: Style = Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD);
pub const BORDER_FOCUSED: Style = Style::new().fg(Color::Cyan);
pub const BORDER: Style = Style::new().fg(Color::DarkGray);

pub fn security(security: &Security) -> Style {
    match security {
        Security::Plain => Style::new().fg(Color::Yellow),
        Security::TlsVerified { .. } => Style::new().fg(Color::Green).add_modifier(Modifier::BOLD),
        // Unmissable on purpose: the user chose to trust any certificate.
        Security::TlsNotVerified => Style::new()
            .fg(Color::White)
            .bg(Color::Red)
            .add_modifier(Modifier::BOLD),
    }
}

pub fn level(level: Level) -> Style {
    match level {
        Level::Info => Style::new().fg(Color::Gray),
        Level::Success => Style::new().fg(Color::Green),
        Level::Warning => Style::new().fg(Color::Yellow),
        Level::Error => ERROR,
    }
}
