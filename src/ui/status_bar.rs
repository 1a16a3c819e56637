//! The bottom lines: connection state and security, the latest notice, key hints.

use ratatui::{
    Frame,
    layout::Rect,
    style::{Color, Style},
    text::{Line, Span},
    widgets::{Paragraph, Wrap},
};

use super::theme;
use crate::{
    keymap,
    model::{ConnState, Model, Tab},
    session::Protocol,
    text::width,
};

pub fn draw_status(frame: &mut Frame, area: Rect, tab: &Tab) {
    let (badge, color, target) = match &tab.conn {
        ConnState::Idle => (" DISCONNECTED ".to_string(), Color::DarkGray, String::new()),
        ConnState::Connecting {
            target, attempt, ..
        } => {
            let badge = if *attempt > 1 {
                format!(" CONNECTING (attempt {attempt}) ")
            } else {
                " CONNECTING ".into()
            };
            (badge, Color::Yellow, target.clone())
        }
        ConnState::Connected { target, .. } => {
            // The broker node behind the address, once the management API named it.
            let target = match tab.endpoints.current().and_then(|c| c.node.as_deref()) {
                Some(node) => format!("{target} on {node}"),
                None => target.clone(),
            };
            (" CONNECTED ".into(), Color::Green, target)
        }
        ConnState::Reconnecting {
            target,
            attempt,
            retry_in_secs,
            ..
        } => (
            if *retry_in_secs == 0 {
                // Another node is tried at once, no wait.
                " FAILING OVER ".to_string()
            } else {
                format!(" RECONNECTING in {retry_in_secs} s (attempt {attempt}) ")
            },
            Color::Red,
            target.clone(),
        ),
    };
    let mut spans = vec![
        Span::styled(badge, Style::new().fg(Color::Black).bg(color).bold()),
        Span::raw(" "),
    ];
    let target = crate::text::visible(&target);
    // Security first: it is what must never be cut off on a narrow terminal.
    if let Some(security) = tab.conn.security() {
        let label = crate::text::visible(&security.label_for(tab.protocol()));
        let room = usize::from(area.width)
            .saturating_sub(crate::text::width(&spans_text(&spans)) + width(&target) + 4);
        spans.push(Span::styled(
            format!(" {} ", fit_label(&label, room)),
            theme::security(security),
        ));
        spans.push(Span::raw("  "));
    }
    if !target.is_empty() {
        spans.push(Span::raw(target));
    }
    if tab.outages > 0 {
        spans.push(Span::styled(
            format!("  {} outage(s) recovered", tab.outages),
            theme::DIM,
        ));
    }
    if tab.not_watching.is_some() {
        spans.push(Span::styled(
            "  NOT WATCHING (channel closed by the broker; retrying)",
            Style::new().fg(Color::Red).bold(),
        ));
    } else if let ConnState::Connected { queue, .. } = &tab.conn {
        let what = match tab.protocol() {
            Protocol::Amqp => "queue",
            Protocol::Mqtt | Protocol::Stomp | Protocol::WebStomp => "subscribed",
        };
        spans.push(Span::styled(
            format!("  {what} {}", crate::text::visible(queue)),
            theme::DIM,
        ));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn spans_text(spans: &[Span]) -> String {
    spans.iter().map(|s| s.content.as_ref()).collect()
}

/// The security label in `room` columns when it can be: the CA file's path gives up its
/// middle (F3 shows it whole), never the verdict before it, so the target stays in view.
fn fit_label(label: &str, room: usize) -> String {
    if width(label) <= room {
        return label.to_string();
    }
    match label.split_once(" against ") {
        Some((verdict, path)) => {
            let keep = room.saturating_sub(width(verdict) + " against ".len());
            format!(
                "{verdict} against {}",
                super::title::middle_keeping(path, keep.max(MIN_PATH), file_name_width(path))
            )
        }
        None => label.to_string(),
    }
}

/// The columns of a path's last component and the slash before it.
fn file_name_width(path: &str) -> usize {
    path.rsplit_once('/').map_or(0, |(_, name)| width(name) + 1)
}

/// A shortened path keeps at least its file name's worth of columns.
const MIN_PATH: usize = 12;

/// The current tab's notice.
pub fn draw_notice(frame: &mut Frame, area: Rect, model: &Model) {
    if let Some(paragraph) = notice(model) {
        frame.render_widget(paragraph, area);
    }
}

/// The notice, and for a publish the tabs its copies were seen in so far.
fn notice(model: &Model) -> Option<Paragraph<'static>> {
    let notice = model.tab().notice.as_ref()?;
    let mut text = notice.text.clone();
    if let Some(seen) = super::seen::notice_suffix(model) {
        text.push_str(&seen);
    }
    let line = Line::styled(text, theme::level(notice.level));
    Some(Paragraph::new(line).wrap(Wrap { trim: true }))
}

/// Rows for the current tab's notice on `screen`: the rows it wraps to, at least
/// `NOTICE_ROWS` (the layout does not jump as notices come and go), at most half the
/// screen, so that a long refusal is read whole, taking rows from the message pane while it
/// is shown.
pub fn notice_rows(model: &Model, screen: Rect) -> u16 {
    let wrapped = notice(model).map_or(0, |p| p.line_count(screen.width));
    let wrapped = u16::try_from(wrapped).unwrap_or(u16::MAX);
    wrapped.clamp(
        super::NOTICE_ROWS,
        (screen.height / 2).max(super::NOTICE_ROWS),
    )
}

pub fn draw_hints(frame: &mut Frame, area: Rect, model: &Model) {
    let mut spans = Vec::new();
    for binding in keymap::hints(model) {
        spans.push(Span::styled(binding.keys, theme::KEY));
        spans.push(Span::styled(format!(" {}  ", binding.label), theme::DIM));
    }
    spans.push(Span::styled("F1", theme::KEY));
    spans.push(Span::styled(" all keys", theme::DIM));
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
