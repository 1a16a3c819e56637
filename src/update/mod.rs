//! The only place the model changes. Pure: it returns [`Effect`]s for the app to carry out.
//!
//! `update` dispatches; what concerns one tab is in `tab`, what the broker reports in
//! `broker`, the profile list and its prompts in `profiles`.

use crossterm::event::Event;
use tui_input::{InputRequest, backend::crossterm::EventHandler};

mod broker;
mod profiles;
#[cfg(test)]
mod profiles_tests;
mod tab;
#[cfg(test)]
mod tab_tests;
#[cfg(test)]
mod tests;

pub use profiles::open_in_new_tab;

use crate::{
    action::Action,
    amqp::{ConnectionSettings, PublishRequest, SessionId},
    model::{Level, MAX_TABS, Model, Overlay, Prompt, PromptKind},
    profile::Profile,
};
use tab::{connect, disconnect};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effect {
    Connect {
        session: SessionId,
        settings: ConnectionSettings,
    },
    Publish {
        session: SessionId,
        request: PublishRequest,
    },
    Disconnect {
        session: SessionId,
    },
    /// Write the whole list to the profiles file.
    SaveProfiles(Vec<Profile>),
    /// Publish `request` with the bytes of the file at `path` as its body.
    PublishFile {
        session: SessionId,
        request: PublishRequest,
        path: std::path::PathBuf,
    },
}

pub fn update(model: &mut Model, action: Action) -> Vec<Effect> {
    match action {
        Action::Quit => {
            model.quit = true;
            return model.tabs_mut().flat_map(disconnect).collect();
        }
        Action::ToggleHelp => model.overlay = toggled(&model.overlay, Overlay::Help),
        Action::ToggleDetails => model.overlay = toggled(&model.overlay, Overlay::Details),
        Action::Connect => return connect(model),
        Action::OpenProfiles => profiles::open_list(model),
        Action::ProfileUp => model.profiles.select_by(-1),
        Action::ProfileDown => model.profiles.select_by(1),
        Action::LoadProfile => return profiles::load_selected(model),
        Action::OpenProfileInTab => return profiles::open_selected_in_tab(model),
        Action::SaveProfileAs => profiles::ask(model, PromptKind::SaveAs),
        Action::ImportUri => profiles::ask(model, PromptKind::ImportUri),
        Action::OpenFilter => profiles::ask(model, PromptKind::Filter),
        Action::PublishFile => profiles::ask(model, PromptKind::PublishFile),
        Action::OpenProperties => model.overlay = Overlay::Properties,
        Action::PropertyNext | Action::PropertyPrev => {
            let step = if action == Action::PropertyNext {
                1
            } else {
                -1
            };
            let props = &mut model.tab_mut().compose.props;
            props.focus = props.focus.step(step);
        }
        Action::Edit(key) if matches!(model.overlay, Overlay::Properties) => {
            let props = &mut model.tab_mut().compose.props;
            props.error = None;
            props.input_mut(props.focus).handle_event(&Event::Key(key));
        }
        Action::Paste(text) if matches!(model.overlay, Overlay::Properties) => {
            let props = &mut model.tab_mut().compose.props;
            props.error = None;
            paste(props.input_mut(props.focus), &text);
        }
        Action::RenameProfile => profiles::ask_about_selected(model, |from| {
            Overlay::Prompt(Prompt::new(
                PromptKind::Rename { from: from.clone() },
                &from,
            ))
        }),
        Action::DuplicateProfile => profiles::ask_about_selected(model, |from| {
            let copy = format!("{from}-copy");
            Overlay::Prompt(Prompt::new(PromptKind::Duplicate { from }, &copy))
        }),
        Action::DeleteProfile => profiles::ask_about_selected(model, Overlay::ConfirmDelete),
        Action::SubmitPrompt => return profiles::submit(model),
        Action::Confirm => {
            if let Overlay::ConfirmDelete(name) = std::mem::take(&mut model.overlay) {
                return profiles::delete(model, &name);
            }
        }
        Action::ProfilesSaved(result) => profiles::saved(model, result),
        Action::Edit(key) if matches!(model.overlay, Overlay::Prompt(_)) => {
            edit_prompt(model, |input| {
                input.handle_event(&Event::Key(key));
            })
        }
        Action::Paste(text) if matches!(model.overlay, Overlay::Prompt(_)) => {
            edit_prompt(model, |input| paste(input, &text))
        }
        // A paste is not a key and reaches `update` whatever is open: under an overlay it
        // would change a field the user cannot see.
        Action::Edit(_) | Action::Paste(_) if !matches!(model.overlay, Overlay::None) => {}
        Action::CloseOverlay => model.overlay = Overlay::None,
        Action::NewTab => new_tab(model),
        Action::CloseTab => return close_tab(model),
        Action::NextTab => model.cycle_tab(1),
        Action::PrevTab => model.cycle_tab(-1),
        Action::GoToTab(index) => {
            if !model.select_tab(index) {
                let count = model.tabs().len();
                model.notify(
                    Level::Info,
                    format!("There is no tab {}: {count} open.", index + 1),
                );
            }
        }
        Action::Resize { page_rows } => model.page_rows = page_rows.max(1),
        Action::Broker(event) => broker::broker_event(model, event),
        other => {
            let page_rows = model.page_rows;
            return tab::tab_action(model.tab_mut(), page_rows, other);
        }
    }
    Vec::new()
}

fn toggled(current: &Overlay, wanted: Overlay) -> Overlay {
    if std::mem::discriminant(current) == std::mem::discriminant(&wanted) {
        Overlay::None
    } else {
        wanted
    }
}

fn edit_prompt(model: &mut Model, apply: impl FnOnce(&mut tui_input::Input)) {
    if let Overlay::Prompt(prompt) = &mut model.overlay {
        prompt.error = None;
        apply(&mut prompt.input);
    }
}

/// Fields are one line: a pasted newline must not become a stray Enter, nor a bidi
/// override reorder what the field shows.
fn paste(input: &mut tui_input::Input, text: &str) {
    for c in text.chars() {
        let c = if crate::text::is_unsafe(c) { ' ' } else { c };
        input.handle(InputRequest::InsertChar(c));
    }
}

/// A new tab starts as a copy of the current form: watching a second exchange on the same
/// broker is the common case.
fn new_tab(model: &mut Model) {
    let mut form = model.tab().form.clone();
    form.error = None;
    match model.open_tab(form) {
        Some(tab) => tab.notify(
            Level::Info,
            "New tab: edit the form and press Enter to connect. Ctrl-X closes it.",
        ),
        None => model.notify(
            Level::Warning,
            format!("{MAX_TABS} tabs are open, the most Alt-1..9 can reach: close one with Ctrl-X first."),
        ),
    }
}

fn close_tab(model: &mut Model) -> Vec<Effect> {
    match model.close_tab() {
        Some(mut tab) => {
            let effects = disconnect(&mut tab);
            model.notify(Level::Info, format!("Closed tab {}.", tab.title()));
            effects
        }
        None => {
            model.notify(Level::Info, "This is the last tab: Ctrl-C quits.");
            Vec::new()
        }
    }
}

fn target_label(exchange: &str, key: &str) -> String {
    let exchange = if exchange.is_empty() {
        "the default exchange".to_string()
    } else {
        format!("exchange '{exchange}'")
    };
    format!("{exchange} with key '{key}'")
}
