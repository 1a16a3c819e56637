//! Where a publish made in one tab was seen in the others, in words: after the publishing
//! tab's notice, and atop the message view of each copy. Read from `Model::crossings`.

use crate::model::{Model, crossings::Crossing};

/// What follows the current tab's notice when it reports a publish that other tabs have
/// seen: ` · seen in 2 other tabs: MQTT test/any · AMQP amq.topic test.any`. It grows as
/// copies arrive.
pub fn notice_suffix(model: &Model) -> Option<String> {
    let tab = model.tab();
    let id = tab.notice.as_ref()?.publish?;
    let seen = model
        .crossings
        .of_publish(tab.number, id)?
        .seen_except(tab.number);
    if seen.is_empty() {
        return None;
    }
    let n = seen.len();
    let tabs = if n == 1 { "tab" } else { "tabs" };
    Some(format!(" · seen in {n} other {tabs}: {}", seen.join(" · ")))
}

/// For the message under the cursor, when it is the copy of a publish made in this app:
/// `published from tab 1 (AMQP amq.topic test.any) · also seen in: MQTT test/any`. A copy
/// seen only in its own publishing tab says nothing new.
pub fn copy_line(model: &Model) -> Option<String> {
    let tab = model.tab();
    let seq = tab.log.selected_seq()?;
    let crossing = model.crossings.of_copy(tab.number, seq)?;
    let also = crossing.seen_except(tab.number);
    if crossing.tab == tab.number && also.is_empty() {
        return None;
    }
    let mut line = format!(
        "published from {} ({})",
        publisher(model, crossing),
        crossing.published_as
    );
    if !also.is_empty() {
        line.push_str(&format!(" · also seen in: {}", also.join(" · ")));
    }
    Some(line)
}

/// The publishing tab as the tab bar numbers it now: tabs closed since then move the
/// others along, and the crossing remembers the tab, not its place.
fn publisher(model: &Model, crossing: &Crossing) -> String {
    match model.tabs().iter().position(|t| t.number == crossing.tab) {
        Some(index) => format!("tab {}", index + 1),
        None => "a tab since closed".to_string(),
    }
}
