//! Keeping and resending messages: export to JSON Lines, load such a file into the pane,
//! and replay a message (or every shown one) to its original or another target.

use std::path::PathBuf;

use super::Effect;
use crate::{
    action::Action,
    inspect::export::ExportedMessage,
    keymap,
    model::{ConnState, Focus, Level, Model, Overlay, Prompt, PromptKind},
    session::{PublishPart, PublishRequest},
};

/// The default file name a prompt offers.
const DEFAULT_EXPORT: &str = "amqp-tui-messages.jsonl";

pub fn ask_export(model: &mut Model, all: bool) {
    let has = if all {
        model.tab().log.shown_len() > 0
    } else {
        model.tab().log.selected().is_some()
    };
    if !has {
        let what = if all {
            "The pane is empty"
        } else {
            "No message is selected (Up/Down picks one)"
        };
        model.notify(Level::Info, format!("{what}: nothing to export."));
        return;
    }
    let kind = if all {
        PromptKind::ExportShown
    } else {
        PromptKind::ExportSelected
    };
    model.overlay = Overlay::Prompt(Prompt::new(kind, DEFAULT_EXPORT));
}

/// Enter in an export prompt.
pub fn export(model: &mut Model, path: &str, all: bool) -> Result<Vec<Effect>, String> {
    if path.is_empty() {
        return Err("Type the path of the file to write.".into());
    }
    let log = &model.tab().log;
    let messages: Vec<ExportedMessage> = if all {
        log.shown_entries()
            .map(|e| ExportedMessage::from_delivery(&e.delivery))
            .collect()
    } else {
        log.selected()
            .map(|e| ExportedMessage::from_delivery(&e.delivery))
            .into_iter()
            .collect()
    };
    model.overlay = Overlay::None;
    // The file is written off the loop; this says so until `exported` replaces it.
    let count = messages.len();
    model.notify(
        Level::Info,
        format!(
            "Exporting {count} message{} to {path} …",
            if count == 1 { "" } else { "s" }
        ),
    );
    Ok(vec![Effect::Export {
        path: PathBuf::from(path),
        messages,
    }])
}

pub fn exported(model: &mut Model, result: Result<(usize, PathBuf), String>) {
    match result {
        Ok((count, path)) => model.notify(
            Level::Success,
            format!(
                "Exported {count} message{} to {} (JSON Lines; L loads it back).",
                if count == 1 { "" } else { "s" },
                path.display()
            ),
        ),
        Err(reason) => model.notify(Level::Error, format!("Nothing was exported: {reason}")),
    }
}

/// Enter in the "load a file" prompt.
pub fn load(model: &mut Model, path: &str) -> Result<Vec<Effect>, String> {
    if path.is_empty() {
        return Err("Type the path of a JSON Lines file exported by amqp-tui.".into());
    }
    model.overlay = Overlay::None;
    model.notify(Level::Info, format!("Loading {path} …"));
    Ok(vec![Effect::LoadFile {
        tab: model.tab().number,
        path: PathBuf::from(path),
    }])
}

/// The app read a file for tab `tab`: its messages join that tab's pane.
pub fn loaded(
    model: &mut Model,
    tab: u32,
    path: PathBuf,
    result: Result<Vec<ExportedMessage>, String>,
) {
    let Some(tab) = model.tabs_mut().find(|t| t.number == tab) else {
        return;
    };
    match result {
        Ok(messages) => {
            let name = path.display().to_string();
            for message in &messages {
                tab.log.push(Box::new(message.to_delivery(&name)));
            }
            // The file arrives later: the keys are named for where the user is then.
            let one = keymap::reach(tab.focus, &Action::Replay);
            let all = keymap::reach(tab.focus, &Action::ReplayShown);
            let how = if one.is_empty() || all.is_empty() {
                String::new()
            } else {
                format!(
                    ": {one} replays the one under the cursor, {all} every shown one to its original exchange and key"
                )
            };
            tab.notify(
                Level::Success,
                format!(
                    "Loaded {} messages from {name} into the pane{how}.",
                    messages.len()
                ),
            );
        }
        Err(reason) => tab.notify(Level::Error, format!("Nothing was loaded: {reason}")),
    }
}

/// `R`: the selected message into the compose box, to send as it is or retargeted.
pub fn replay_into_compose(model: &mut Model) {
    let tab = model.tab_mut();
    let Some(entry) = tab.log.selected() else {
        tab.notify(Level::Info, "No message is selected: Up/Down picks one.");
        return;
    };
    let delivery = entry.delivery.clone();
    tab.compose.load(&delivery);
    tab.focus = Focus::ComposeExchange;
    model.overlay = Overlay::None;
    model.notify(
        Level::Info,
        "The message is in the compose box with its properties and exact body: change the exchange or key if you like, Enter publishes it.",
    );
}

/// `Ctrl-R`: every shown message again, each to its own original exchange and key.
pub fn replay_shown(model: &mut Model) -> Vec<Effect> {
    let tab = model.tab_mut();
    if !matches!(tab.conn, ConnState::Connected { .. }) {
        tab.notify(Level::Error, "Not connected: nothing was replayed.");
        return Vec::new();
    }
    let deliveries: Vec<_> = tab
        .log
        .shown_entries()
        .map(|e| e.delivery.clone())
        .collect();
    let mut requests: Vec<PublishRequest> = deliveries
        .into_iter()
        .map(|d| PublishRequest {
            id: 0,
            exchange: d.exchange,
            routing_key: d.routing_key,
            body: d.body,
            properties: d.properties,
            copies: 1,
            confirm: true,
            part: PublishPart::Amqp,
        })
        .collect();
    let count = requests.len();
    let what = format!("Replayed {count} messages to their original exchanges and keys");
    tab.compose.number_bulk(what, &mut requests);
    tab.notify(
        Level::Info,
        format!("Replaying {count} messages to their original exchanges and keys …"),
    );
    let session = tab.session;
    requests
        .into_iter()
        .map(|request| Effect::Publish { session, request })
        .collect()
}
