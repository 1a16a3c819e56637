//! The top line: one label per tab with its state and how it is protected. When the labels
//! do not fit, long titles are shortened first, then the bar shows a window of tabs around
//! the current one, with how many are hidden on each side: the current tab is always in
//! view, and its protection is never cut.

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
    text,
    tls::Security,
};

/// Title lengths tried in turn when the full labels do not fit; the last is the shortest a
/// title gets (a profile name cut shorter stops telling tabs apart).
const TITLE_CAPS: [usize; 4] = [24, 16, 12, 8];
/// When not every tab fits even so, fewer are shown, each readable.
const WINDOW_CAP: usize = 16;

pub fn draw(frame: &mut Frame, area: Rect, model: &Model) {
    let mut labels = labels(model);
    let whole: usize = labels.iter().map(|l| l.width(usize::MAX)).sum();
    if whole > usize::from(area.width) {
        drop_shared_prefix(&mut labels);
    }
    let hint = match &model.warning {
        Some(warning) => Span::styled(warning.as_str(), theme::ERROR),
        None if model.tabs().len() > 1 => Span::styled("Alt-1..9 / Ctrl-←→ switch", theme::DIM),
        None => Span::styled("Ctrl-T new tab  F2 profiles", theme::DIM),
    };
    let fit = fit(&labels, model.active(), usize::from(area.width));
    let mut spans = Vec::new();
    if fit.first > 0 {
        spans.push(Span::styled(format!("‹{} ", fit.first), theme::DIM));
    }
    for label in &labels[fit.first..fit.end] {
        label.push_spans(fit.cap, &mut spans);
    }
    if fit.end < labels.len() {
        spans.push(Span::styled(
            format!("{}› ", labels.len() - fit.end),
            theme::DIM,
        ));
    }
    // A warning is news and is shown however little room is left; a hint only when whole.
    let used: usize = spans.iter().map(|s| s.width()).sum();
    if model.warning.is_some() || used + hint.width() <= usize::from(area.width) {
        spans.push(hint);
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// One tab's label, before it is fitted.
struct Label {
    number: usize,
    title: String,
    style: Style,
    /// Protocol and protection, once the tab has a session.
    tag: Option<(String, Style)>,
}

impl Label {
    /// The title in at most `cap` columns, cut in the middle: tabs' titles often share
    /// their start (`local-mqtt-plain`, `local-mqtt-tls-verified`; a host with the part
    /// that tells twins apart appended), so the end is kept longer.
    fn title(&self, cap: usize) -> String {
        let width = text::width(&self.title);
        if width <= cap {
            return self.title.clone();
        }
        let room = cap.saturating_sub(1);
        // A title whose shared start is already gone keeps its end only: one `…`.
        let head = if self.title.starts_with('…') {
            0
        } else {
            room * 2 / 5
        };
        let tail = room - head;
        // `columns` never splits a wide character, so each side may come out a column short.
        let end = text::columns(&self.title, width - tail, tail);
        format!("{}…{end}", text::columns(&self.title, 0, head))
    }

    fn push_spans<'a>(&self, cap: usize, spans: &mut Vec<Span<'a>>) {
        spans.push(Span::styled(
            format!(" {} {} ", self.number, self.title(cap)),
            self.style,
        ));
        if let Some((tag, style)) = &self.tag {
            spans.push(Span::styled(format!("{tag} "), *style));
        }
        spans.push(Span::raw(" "));
    }

    fn width(&self, cap: usize) -> usize {
        let mut spans = Vec::new();
        self.push_spans(cap, &mut spans);
        spans.iter().map(Span::width).sum()
    }
}

fn labels(model: &Model) -> Vec<Label> {
    let titles = crate::model::tab::titles(model.tabs());
    model
        .tabs()
        .iter()
        .zip(titles)
        .enumerate()
        .map(|(i, (tab, title))| {
            let mut style = Style::new().fg(state_color(&tab.conn));
            if i == model.active() {
                style = style.add_modifier(Modifier::REVERSED | Modifier::BOLD);
            }
            let tag = tab.conn.security().map(|security| {
                (
                    format!("{}{}", protocol_tag(tab.protocol()), security_tag(security)),
                    theme::security(security),
                )
            });
            Label {
                number: i + 1,
                title,
                style,
                tag,
            }
        })
        .collect()
}

/// Profiles named alike (`local-plain`, `local-tls-verified`, …) spend the room on what
/// they share: it goes, up to a separator, and `…` says something was left out.
fn drop_shared_prefix(labels: &mut [Label]) {
    let Some(first) = labels.first().map(|l| l.title.clone()) else {
        return;
    };
    if labels.len() < 2 {
        return;
    }
    let mut shared = first.len();
    for label in &labels[1..] {
        shared = first
            .char_indices()
            .zip(label.title.chars())
            .take_while(|((_, a), b)| a == b)
            .last()
            .map_or(0, |((i, c), _)| i + c.len_utf8())
            .min(shared);
    }
    // Only up to and including the last separator, and never a whole title.
    let cut = first[..shared]
        .rfind(['-', '_', '.', ' ', ':', '/'])
        .map_or(0, |i| i + 1);
    if cut == 0 || labels.iter().any(|l| l.title.len() <= cut) {
        return;
    }
    for label in labels.iter_mut() {
        label.title = format!("…{}", &label.title[cut..]);
    }
}

/// Which labels are shown, and how long their titles may be.
#[derive(Debug, PartialEq, Eq)]
struct Fit {
    cap: usize,
    first: usize,
    end: usize,
}

fn fit(labels: &[Label], active: usize, width: usize) -> Fit {
    let total = |cap: usize| labels.iter().map(|l| l.width(cap)).sum::<usize>();
    let all = |cap| Fit {
        cap,
        first: 0,
        end: labels.len(),
    };
    if total(usize::MAX) <= width {
        return all(usize::MAX);
    }
    if let Some(cap) = TITLE_CAPS.into_iter().find(|&cap| total(cap) <= width) {
        return all(cap);
    }
    // A window around the current tab, grown one tab at a time on the side with more
    // hidden, while it fits beside the counts of the hidden ones ("‹3 " and "4› ").
    let cap = WINDOW_CAP;
    let active = active.min(labels.len().saturating_sub(1));
    let (mut first, mut end) = (active, (active + 1).min(labels.len()));
    let marks = |first: usize, end: usize| {
        let left = if first > 0 {
            first.to_string().len() + 2
        } else {
            0
        };
        let right = if end < labels.len() {
            (labels.len() - end).to_string().len() + 2
        } else {
            0
        };
        left + right
    };
    let shown = |first: usize, end: usize| {
        labels[first..end]
            .iter()
            .map(|l| l.width(cap))
            .sum::<usize>()
            + marks(first, end)
    };
    loop {
        let grow_left = first > 0 && (end == labels.len() || first >= labels.len() - end);
        let (f, e) = if grow_left {
            (first - 1, end)
        } else if end < labels.len() {
            (first, end + 1)
        } else {
            break;
        };
        if shown(f, e) > width {
            break;
        }
        (first, end) = (f, e);
    }
    Fit { cap, first, end }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn label(number: usize, title: &str, tag: Option<&str>) -> Label {
        Label {
            number,
            title: title.into(),
            style: Style::new(),
            tag: tag.map(|t| (t.to_string(), Style::new())),
        }
    }

    fn nine() -> Vec<Label> {
        (1..=9)
            .map(|n| label(n, &format!("local-profile-number-{n}"), Some("MQTT TLS")))
            .collect()
    }

    #[test]
    fn labels_that_fit_are_shown_whole() {
        let labels = vec![label(1, "a-rather-long-profile-name-indeed", None)];
        assert_eq!(
            fit(&labels, 0, 80),
            Fit {
                cap: usize::MAX,
                first: 0,
                end: 1
            }
        );
    }

    #[test]
    fn titles_are_shortened_before_any_tab_is_hidden() {
        let labels: Vec<Label> = (1..=3)
            .map(|n| label(n, "a-profile-name-of-thirty-cols", Some("TLS")))
            .collect();
        let got = fit(&labels, 0, 80);
        assert_eq!((got.first, got.end), (0, 3));
        assert!(got.cap < 30, "{got:?}");
        let title = labels[0].title(got.cap);
        assert!(title.starts_with("a-p") && title.contains('…'), "{title}");
        assert!(title.ends_with("-cols"), "{title}");
        let used: usize = labels.iter().map(|l| l.width(got.cap)).sum();
        assert!(used <= 80, "{used}");
    }

    #[test]
    fn the_current_tab_stays_in_view_with_the_hidden_ones_counted() {
        let labels = nine();
        for active in 0..9 {
            let got = fit(&labels, active, 100);
            assert!(got.first <= active && active < got.end, "{active}: {got:?}");
            assert!(got.end - got.first >= 3, "{active}: {got:?}");
            let marks = if got.first > 0 { 3 } else { 0 } + if got.end < 9 { 3 } else { 0 };
            let used: usize = labels[got.first..got.end]
                .iter()
                .map(|l| l.width(got.cap))
                .sum::<usize>()
                + marks;
            assert!(used <= 100, "{active}: {used} columns");
        }
    }

    #[test]
    fn wide_titles_are_cut_between_characters_within_the_cap() {
        let wide = label(1, "東京のブローカー本番環境", None);
        let title = wide.title(8);
        assert!(text::width(&title) <= 8, "{title}");
        assert!(title.contains('…') && title.ends_with("環境"), "{title}");
    }

    #[test]
    fn a_prefix_all_titles_share_gives_way_up_to_a_separator() {
        let mut labels: Vec<Label> = ["local-plain", "local-tls-verified", "local-tls-unverified"]
            .iter()
            .enumerate()
            .map(|(i, t)| label(i + 1, t, None))
            .collect();
        drop_shared_prefix(&mut labels);
        let titles: Vec<&str> = labels.iter().map(|l| l.title.as_str()).collect();
        assert_eq!(titles, ["…plain", "…tls-verified", "…tls-unverified"]);
        // Nothing shared up to a separator, or a title that is all prefix: left alone.
        for names in [["alpha", "alps"], ["local", "local-x"]] {
            let mut labels: Vec<Label> = names.iter().map(|t| label(1, t, None)).collect();
            drop_shared_prefix(&mut labels);
            assert_eq!(labels[0].title, names[0]);
        }
    }

    #[test]
    fn a_window_narrower_than_one_label_still_holds_the_current_tab() {
        let labels = nine();
        let got = fit(&labels, 4, 10);
        assert_eq!((got.first, got.end), (4, 5));
    }
}
