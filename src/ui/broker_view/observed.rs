//! The observed routes panel: what observing is doing, then this app's publishes as the
//! broker routed them, newest first, each beside the simulation; a difference is drawn
//! as an error and names the queues on each side.

use ratatui::text::Line;

use super::{fit, theme};
use crate::{
    model::broker_view::{Observation, ObserveState, Observed},
    text::visible,
};

/// Whether the panel has anything to say.
pub fn shown(observation: &Observation) -> bool {
    observation.state != ObserveState::Off || !observation.seen.is_empty()
}

/// The panel's lines, `width` columns each; as many as there are publishes kept.
pub fn lines(observation: &Observation, width: usize) -> Vec<Line<'static>> {
    let mut lines = vec![Line::styled(
        fit(&status(observation), width),
        theme::HEADER,
    )];
    for observed in observation.seen.iter().rev() {
        let style = if observed.comparison.matches() {
            theme::LABEL
        } else {
            theme::ERROR
        };
        lines.push(Line::styled(fit(&line(observed), width), style));
    }
    lines
}

fn status(observation: &Observation) -> String {
    let state = match observation.state {
        ObserveState::Off => "Observed (stopped)".to_string(),
        ObserveState::Starting { .. } => {
            "Observing: binding the tap, switching tracing on…".to_string()
        }
        ObserveState::On { was_on: true, .. } => "Observing (tracing was on already)".into(),
        ObserveState::On { was_on: false, .. } => "Observing (tracing on while you look)".into(),
    };
    let mine: u64 = observation.seen.iter().map(|o| o.count).sum();
    let mut parts = vec![
        state,
        format!("{mine} of this app's publishes"),
        format!("{} others traced", observation.others),
    ];
    match observation.differences() {
        0 if mine > 0 => parts.push("the simulation agrees with the broker".into()),
        0 => {}
        1 => parts.push("1 differs from the simulation".into()),
        n => parts.push(format!("{n} differ from the simulation")),
    }
    if !observation.failed_nodes.is_empty() {
        parts.push(format!(
            "not traced at {} node(s)",
            observation.failed_nodes.len()
        ));
    }
    parts.join(" · ")
}

/// The verdict first, then the queues: a narrow window cuts names, never the verdict.
fn line(observed: &Observed) -> String {
    let times = match observed.count {
        1 => String::new(),
        n => format!(" ×{n}"),
    };
    let approximate = if observed.simulated.approximate.is_empty() {
        ""
    } else {
        " (simulation approximate)"
    };
    let comparison = &observed.comparison;
    if comparison.matches() {
        return format!(
            "= {}{times}: the broker routed it as simulated{approximate}, to {}",
            observed.published_as,
            queues(&observed.routed)
        );
    }
    let mut parts = Vec::new();
    if !comparison.only_observed.is_empty() {
        parts.push(format!(
            "only the broker: {}",
            queues(&comparison.only_observed)
        ));
    }
    if !comparison.only_simulated.is_empty() {
        parts.push(format!(
            "only simulated: {}",
            queues(&comparison.only_simulated)
        ));
    }
    if !comparison.agreed.is_empty() {
        parts.push(format!("both: {}", queues(&comparison.agreed)));
    }
    format!(
        "≠ {}{times}: the broker differs from the simulation{approximate}: {}",
        observed.published_as,
        parts.join("; ")
    )
}

fn queues(names: &[String]) -> String {
    if names.is_empty() {
        return "no queue".into();
    }
    let shown: Vec<String> = names.iter().map(|n| visible(n)).collect();
    shown.join(", ")
}
