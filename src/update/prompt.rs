//! The one-line prompts: what each starts with, and what Enter does with the answer. A
//! refused answer keeps the prompt open with the reason, so nothing typed is lost.

use super::{Effect, broker_open, broker_view, connect, inspect, profiles, queue, tab};
use crate::{
    model::{Level, Model, Overlay, Prompt, PromptKind},
    profile,
};

pub fn ask(model: &mut Model, kind: PromptKind) {
    let initial = match &kind {
        PromptKind::SaveAs => model.tab().profile.clone().unwrap_or_default(),
        PromptKind::Rename { from } => from.clone(),
        PromptKind::Duplicate { from } => format!("{from}-copy"),
        PromptKind::Filter => model
            .tab()
            .log
            .filter()
            .map(|f| f.text.clone())
            .unwrap_or_default(),
        PromptKind::BrokerFilter => model
            .tab()
            .broker
            .options
            .filter
            .as_ref()
            .map(|f| f.text.clone())
            .unwrap_or_default(),
        PromptKind::SimulateExchange
        | PromptKind::SimulateKey { .. }
        | PromptKind::SimulateHeaders { .. }
        | PromptKind::Password { .. }
        | PromptKind::ImportUri
        | PromptKind::PublishFile
        | PromptKind::ExportSelected
        | PromptKind::ExportShown
        | PromptKind::LoadFile
        | PromptKind::AddBinding => String::new(),
    };
    model.overlay = Overlay::Prompt(Prompt::new(kind, &initial));
}

/// Enter in a prompt. A refused answer keeps the prompt open with the reason.
pub fn submit(model: &mut Model) -> Vec<Effect> {
    let Overlay::Prompt(prompt) = &model.overlay else {
        return Vec::new();
    };
    let kind = prompt.kind.clone();
    let answer = prompt.input.value().to_string();
    let result = match kind {
        PromptKind::Password { tab, .. } => {
            model.overlay = Overlay::None;
            let Some(tab) = model.focus_tab_number(tab) else {
                return Vec::new();
            };
            tab.form.set_password(&answer);
            return connect(model);
        }
        PromptKind::SaveAs => profiles::save_form_as(model, answer.trim()),
        PromptKind::Rename { from } => profiles::rename(model, &from, answer.trim()),
        PromptKind::Duplicate { from } => profiles::edit_list(model, answer.trim(), |list, new| {
            profile::duplicate(list, &from, new)
        }),
        PromptKind::ImportUri => return profiles::import_uri(model, &answer),
        PromptKind::Filter => apply_filter(model, &answer),
        PromptKind::PublishFile => tab::publish_file(model, answer.trim()),
        PromptKind::ExportSelected => inspect::export(model, answer.trim(), false),
        PromptKind::ExportShown => inspect::export(model, answer.trim(), true),
        PromptKind::LoadFile => inspect::load(model, answer.trim()),
        PromptKind::AddBinding => queue::add_binding(model, &answer),
        PromptKind::BrokerFilter => broker_view::apply_filter(model, &answer),
        kind @ (PromptKind::SimulateExchange
        | PromptKind::SimulateKey { .. }
        | PromptKind::SimulateHeaders { .. }) => broker_open::simulation_step(model, kind, &answer),
    };
    match result {
        Ok(effects) => effects,
        Err(message) => {
            if let Overlay::Prompt(prompt) = &mut model.overlay {
                prompt.error = Some(crate::text::visible(&message));
            }
            Vec::new()
        }
    }
}

/// Enter in the filter prompt: a bad regex keeps the prompt open with the reason.
fn apply_filter(model: &mut Model, text: &str) -> Result<Vec<Effect>, String> {
    let filter = match text {
        "" => None,
        text => Some(crate::model::filter::Filter::parse(text)?),
    };
    model.tab_mut().log.set_filter(filter);
    model.overlay = Overlay::None;
    Ok(Vec::new())
}

/// The app could not read the file Enter named: nothing was published, so the publish
/// is no longer awaited, and the prompt asks again with the path as typed and the reason.
pub fn file_unreadable(model: &mut Model, tab: u32, path: &std::path::Path, reason: &str) {
    let current = model.tab().number == tab;
    let Some(owner) = model.tabs_mut().find(|t| t.number == tab) else {
        return;
    };
    owner.compose.in_flight = owner.compose.in_flight.saturating_sub(1);
    owner.notify(Level::Error, format!("Nothing was published: {reason}"));
    if current && matches!(model.overlay, Overlay::None) {
        let mut prompt = Prompt::new(PromptKind::PublishFile, &path.to_string_lossy());
        prompt.error = Some(crate::text::visible(reason));
        model.overlay = Overlay::Prompt(prompt);
    }
}
