//! The broker view (F6): a status line, the tree of the vhost, and under it the selected
//! queue's depth as a sparkline, or the last routing simulation. Every name and value
//! from the broker is drawn through `crate::text`.

mod rows;

use ratatui::{
    Frame,
    layout::{Constraint, Layout, Rect},
    style::Style,
    text::{Line, Span},
    widgets::{Block, Borders, Paragraph, Sparkline},
};

use super::theme;
use crate::{
    model::broker_view::BrokerView,
    text::visible,
    topology::{Probe, Route},
};

pub use rows::fit;

pub fn draw(frame: &mut Frame, area: Rect, view: &BrokerView) {
    let vhost = view
        .topology
        .as_ref()
        .map(|t| format!(" vhost {}", visible(&t.vhost)))
        .unwrap_or_default();
    let state = if view.in_flight.is_some() {
        " · refreshing…"
    } else {
        ""
    };
    let title = format!(" Broker{vhost}{state} ");
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme::BORDER_FOCUSED)
        .title(Span::styled(
            fit(&title, usize::from(area.width.saturating_sub(2))),
            theme::TITLE,
        ));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let bottom = bottom_rows(view, inner.height);
    let [status, tree, panel] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(bottom),
    ])
    .areas(inner);
    draw_status(frame, status, view);
    rows::draw_tree(frame, tree, view);
    if bottom > 0 {
        match &view.route {
            Some((probe, route)) => draw_route(frame, panel, probe, route),
            None => draw_depth(frame, panel, view),
        }
    }
}

/// The panel under the tree: a simulation's lines, or two rows for a queue's sparkline;
/// never more than a third of the view, so the tree keeps its rows.
fn bottom_rows(view: &BrokerView, height: u16) -> u16 {
    let wanted = match &view.route {
        Some((_, route)) => 2 + route.paths.len().max(1) + route.problems.len(),
        None if view.selected_queue().is_some() => 2,
        None => 0,
    };
    u16::try_from(wanted).unwrap_or(u16::MAX).min(height / 3)
}

/// The last error, specifically; else what the view is showing and how.
fn draw_status(frame: &mut Frame, area: Rect, view: &BrokerView) {
    let width = usize::from(area.width);
    let line = if let Some(error) = &view.error {
        Line::styled(
            fit(&format!("Refresh failed: {error}"), width),
            theme::ERROR,
        )
    } else if view.topology.is_none() {
        let text = match view.in_flight {
            Some(_) => "Reading the topology from the management API…",
            None => "No topology yet.",
        };
        Line::styled(fit(text, width), theme::DIM)
    } else {
        let mut parts = Vec::new();
        if let Some(topology) = &view.topology {
            if let Some(version) = &topology.broker_version {
                parts.push(format!("RabbitMQ {}", visible(version)));
            }
            if let Some(cluster) = &topology.cluster_name {
                parts.push(format!("cluster {}", visible(cluster)));
            }
        }
        if let Some(url) = &view.url {
            parts.push(url.clone());
        }
        let options = &view.options;
        if let Some(filter) = &options.filter {
            parts.push(format!("filter {}", visible(&filter.text)));
        }
        if options.hide_idle {
            parts.push("idle hidden".into());
        }
        if options.show_implicit {
            parts.push("implicit bindings shown".into());
        }
        Line::styled(fit(&parts.join(" · "), width), theme::LABEL)
    };
    frame.render_widget(Paragraph::new(line), area);
}

fn draw_depth(frame: &mut Frame, area: Rect, view: &BrokerView) {
    let Some(name) = view.selected_queue() else {
        return;
    };
    let depths: Vec<u64> = view
        .depths
        .get(name)
        .map(|d| d.iter().copied().collect())
        .unwrap_or_default();
    let now = depths.last().copied().unwrap_or(0);
    let most = depths.iter().copied().max().unwrap_or(0);
    let label = format!(
        "Depth of {} over {} refreshes: now {now}, most {most}",
        visible(name),
        depths.len()
    );
    let [text, spark] =
        Layout::vertical([Constraint::Length(1), Constraint::Length(1)]).areas(area);
    frame.render_widget(
        Paragraph::new(Line::styled(
            fit(&label, usize::from(area.width)),
            theme::LABEL,
        )),
        text,
    );
    // The newest depths at the right edge.
    let shown = depths.len().saturating_sub(usize::from(spark.width));
    frame.render_widget(
        Sparkline::default()
            .data(&depths[shown..])
            .style(Style::new().fg(ratatui::style::Color::Cyan)),
        spark,
    );
}

fn draw_route(frame: &mut Frame, area: Rect, probe: &Probe, route: &Route) {
    let width = usize::from(area.width);
    let exchange = if probe.exchange.is_empty() {
        "the default exchange".to_string()
    } else {
        format!("exchange {}", visible(&probe.exchange))
    };
    let reached = if route.queues.is_empty() {
        "reaches no queue".to_string()
    } else {
        let names: Vec<String> = route.queues.iter().map(|q| visible(q)).collect();
        format!("reaches {}", names.join(", "))
    };
    let approximate = if route.approximate.is_empty() {
        String::new()
    } else {
        let names: Vec<String> = route.approximate.iter().map(|e| visible(e)).collect();
        format!(" (approximate: {} cannot be predicted)", names.join(", "))
    };
    let mut lines = vec![Line::styled(
        fit(
            &format!(
                "Simulated: {exchange}, key {} {reached}{approximate}",
                visible(&probe.routing_key)
            ),
            width,
        ),
        theme::HEADER,
    )];
    for problem in &route.problems {
        lines.push(Line::styled(fit(&visible(problem), width), theme::ERROR));
    }
    for path in &route.paths {
        lines.push(Line::raw(fit(&format!("  {}", visible(path)), width)));
    }
    frame.render_widget(Paragraph::new(lines), area);
}
