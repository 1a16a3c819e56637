//! The broker view (F6): a status line, the tree of the vhost, and under it the selected
//! queue's depth as a sparkline, or the last routing simulation. Every name and value
//! from the broker is drawn through `crate::text`.

mod observed;
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
    model::broker_view::{BrokerView, ObserveState},
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
    let observing = match view.observe.state {
        ObserveState::Off => "",
        _ => " · observing",
    };
    let title = format!(" Broker{vhost}{observing}{state} ");
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
    if bottom == 0 {
        return;
    }
    let width = usize::from(panel.width);
    let mut lines = Vec::new();
    if observed::shown(&view.observe) {
        lines.extend(observed::lines(&view.observe, width));
    }
    if let Some((probe, route)) = &view.route {
        lines.extend(route_lines(probe, route, width));
    }
    if lines.is_empty() {
        draw_depth(frame, panel, view);
    } else {
        frame.render_widget(Paragraph::new(lines), panel);
    }
}

/// The panel under the tree: what is observed and a simulation's lines, or two rows for a
/// queue's sparkline; never more than a third of the view (half while observing), so the
/// tree keeps its rows.
fn bottom_rows(view: &BrokerView, height: u16) -> u16 {
    let observing = observed::shown(&view.observe);
    let mut wanted = match &view.route {
        Some((_, route)) => 1 + route.paths.len().max(1) + route.problems.len(),
        None => 0,
    };
    if observing {
        wanted += 1 + view.observe.seen.len().max(1);
    }
    if wanted == 0 && view.selected_queue().is_some() {
        wanted = 2;
    }
    let most = if observing { height / 2 } else { height / 3 };
    u16::try_from(wanted).unwrap_or(u16::MAX).min(most)
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

/// A simulation's lines: where it goes, then any problems and each path; `width` columns.
pub fn route_lines(probe: &Probe, route: &Route, width: usize) -> Vec<Line<'static>> {
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
        // Notes the simulation made visible already, each saying what cannot be predicted.
        format!(" (approximate: {})", route.approximate.join("; "))
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
    // Paths and problems name the broker's objects already made visible by the
    // simulation (`route` prints them too): escaping again would double every `\`.
    for problem in &route.problems {
        lines.push(Line::styled(fit(problem, width), theme::ERROR));
    }
    for path in &route.paths {
        lines.push(Line::raw(fit(&format!("  {path}"), width)));
    }
    lines
}
