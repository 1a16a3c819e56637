//! The tree's rows as lines: indentation, the edge (binding key, alternate, dead letter),
//! the name cut to fit, and a queue's figures when there is room for them.

use ratatui::{
    Frame,
    layout::Rect,
    style::{Color, Style},
    text::{Line, Span},
    widgets::Paragraph,
};

use crate::{
    model::broker_view::{BrokerView, Row, RowKind},
    text::{visible, width},
    topology::{Queue, QueueKind, Topology},
    ui::theme,
};

/// `s` cut to `columns` display columns, ending in `…` when cut.
pub fn fit(s: &str, columns: usize) -> String {
    if width(s) <= columns {
        return s.to_string();
    }
    if columns == 0 {
        return String::new();
    }
    format!("{}…", crate::text::columns(s, 0, columns - 1))
}

pub fn draw_tree(frame: &mut Frame, area: Rect, view: &BrokerView) {
    let height = usize::from(area.height);
    if height == 0 {
        return;
    }
    let Some(topology) = &view.topology else {
        return;
    };
    // The selected row stays in view; the tree scrolls only as far as it must.
    let top = view.selected.saturating_sub(height - 1);
    let width = usize::from(area.width);
    let lines: Vec<Line> = view
        .rows
        .iter()
        .enumerate()
        .skip(top)
        .take(height)
        .map(|(i, row)| {
            let line = row_line(row, topology, view, width);
            if i == view.selected {
                line.style(theme::FOCUS)
            } else {
                line
            }
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), area);
}

fn row_line(row: &Row, topology: &Topology, view: &BrokerView, columns: usize) -> Line<'static> {
    // Deep trees in narrow terminals: the indent never takes more than half the row.
    let indent = "  ".repeat(usize::from(row.depth).min(columns / 4));
    let room = columns.saturating_sub(indent.len());
    let (text, style, queue) = match &row.kind {
        RowKind::NotPermitted { part, status } => (
            format!(
                "not permitted: {} (HTTP {status}); the rest still works",
                visible(part)
            ),
            Style::new().fg(Color::Yellow),
            None,
        ),
        RowKind::Section(title) => (title.clone(), theme::HEADER, None),
        RowKind::Exchange { name, hidden } => {
            let fold = if view.options.collapsed.contains(name) {
                "▸"
            } else {
                "▾"
            };
            let kind = topology
                .exchange(name)
                .map(|e| visible(&e.kind))
                .unwrap_or_default();
            let hidden = match hidden {
                0 => String::new(),
                n => {
                    let show = crate::keymap::keys_for(
                        crate::keymap::Context::Broker,
                        &crate::action::Action::BrokerShowImplicit,
                    );
                    format!(", {n} implicit bindings hidden ({show} shows)")
                }
            };
            (
                format!("{fold} {} ({kind}{hidden})", exchange_name(name)),
                theme::TITLE,
                None,
            )
        }
        RowKind::Binding {
            label,
            destination,
            to_exchange,
            cycle,
        } => {
            let edge = format!("─[{}]→ ", visible(label));
            if *to_exchange {
                let kind = topology
                    .exchange(destination)
                    .map(|e| format!(" ({})", visible(&e.kind)))
                    .unwrap_or_default();
                let cycle = if *cycle { " ↻ cycle" } else { "" };
                (
                    format!("{edge}{}{kind}{cycle}", exchange_name(destination)),
                    Style::new().fg(Color::Cyan),
                    None,
                )
            } else {
                (
                    format!("{edge}{}", visible(destination)),
                    Style::new(),
                    topology.queue(destination),
                )
            }
        }
        RowKind::Alternate {
            exchange,
            policy,
            cycle,
        } => {
            let cycle = if *cycle { " ↻ cycle" } else { "" };
            (
                format!(
                    "└ alternate exchange → {}{}{cycle}",
                    exchange_name(exchange),
                    origin(policy)
                ),
                Style::new().fg(Color::Magenta),
                None,
            )
        }
        RowKind::DeadLetter {
            exchange,
            routing_key,
            policy,
        } => {
            let key = routing_key
                .as_ref()
                .map(|k| format!(" [{}]", visible(k)))
                .unwrap_or_default();
            (
                format!(
                    "└ dead letters → {}{key}{}",
                    exchange_name(exchange),
                    origin(policy)
                ),
                Style::new().fg(Color::Magenta),
                None,
            )
        }
        RowKind::Queue { name } => (visible(name), Style::new(), topology.queue(name)),
        RowKind::More(n) => (
            format!("… {n} more rows not shown: filter to narrow the tree"),
            theme::DIM,
            None,
        ),
        RowKind::Node { name } => node_line(name, topology, view),
    };
    let figures = queue
        .map(|q| figures(q, room, width(&text)))
        .unwrap_or_default();
    let name_room = room.saturating_sub(crate::text::width(&figures));
    let mut spans = vec![
        Span::raw(indent),
        Span::styled(fit(&text, name_room), style),
    ];
    if !figures.is_empty() {
        spans.push(Span::styled(figures, theme::DIM));
    }
    Line::from(spans)
}

/// A node: running or not, its alarms (publishers are blocked while one is on), and
/// which of our tabs are connected to it.
fn node_line(
    name: &str,
    topology: &Topology,
    view: &BrokerView,
) -> (String, Style, Option<&'static Queue>) {
    let Some(node) = topology.nodes.iter().find(|n| n.name == name) else {
        return (visible(name), Style::new(), None);
    };
    let mut text = format!("● {}", visible(name));
    let mut style = Style::new().fg(Color::Green);
    if !node.running {
        text.push_str("  NOT RUNNING");
        style = Style::new().fg(Color::Red).bold();
    }
    for (on, alarm) in [
        (node.mem_alarm, "memory alarm"),
        (node.disk_free_alarm, "disk alarm"),
    ] {
        if on {
            text.push_str(&format!("  {alarm}: publishers blocked"));
            style = Style::new().fg(Color::Red).bold();
        }
    }
    match view.our_tabs.get(name).map(Vec::as_slice) {
        None | Some([]) => {}
        Some([one]) => text.push_str(&format!("  tab {one} is on it")),
        Some(many) => {
            let list: Vec<String> = many.iter().map(u32::to_string).collect();
            text.push_str(&format!("  tabs {} are on it", list.join(", ")));
        }
    }
    (text, style, None)
}

/// The default exchange has no name of its own.
fn exchange_name(name: &str) -> String {
    if name.is_empty() {
        "(default exchange)".into()
    } else {
        visible(name)
    }
}

fn origin(policy: &Option<String>) -> String {
    match policy {
        Some(name) => format!(" (policy {})", visible(name)),
        None => " (argument)".into(),
    }
}

/// A queue's figures after its name: in full when the row has room, shorter when not,
/// none in a very narrow terminal (the name comes first).
fn figures(queue: &Queue, room: usize, text: usize) -> String {
    let kind = match &queue.kind {
        QueueKind::Classic => "classic".to_string(),
        QueueKind::Quorum => "quorum".to_string(),
        QueueKind::Stream => "stream".to_string(),
        QueueKind::Other(other) => visible(other),
    };
    let rate = |r: Option<f64>| r.map_or("-".to_string(), |r| format!("{r:.1}"));
    let members = if queue.kind == QueueKind::Quorum {
        let leader = queue
            .node
            .as_deref()
            .map(visible)
            .unwrap_or_else(|| "?".into());
        format!(
            "  leader {leader} {}/{} online",
            queue.online.len(),
            queue.members.len()
        )
    } else {
        String::new()
    };
    let full = format!(
        "  {kind}  ready {}  unacked {}  consumers {}  in {}/s out {}/s{members}",
        queue.ready,
        queue.unacked,
        queue.consumers,
        rate(queue.publish_rate),
        rate(queue.deliver_rate)
    );
    // The edge and name keep this many columns (all they need, if fewer) before the
    // figures are shortened, and half of it before they are left out.
    let keep = text.min(24);
    if width(&full) + keep <= room {
        return full;
    }
    let short = format!(
        "  {} {}r {}u {}c",
        kind.chars().next().unwrap_or('?'),
        queue.ready,
        queue.unacked,
        queue.consumers
    );
    if width(&short) + keep / 2 <= room {
        short
    } else {
        String::new()
    }
}
