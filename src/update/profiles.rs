//! Profile actions: the list, loading and saving, renaming and deleting, importing a URI,
//! and what a save reported.
//! The file itself is written by the app when `update` asks with [`Effect::SaveProfiles`].

use super::{Effect, connect};
use crate::{
    model::{ConnectForm, Field, Focus, Level, Model, Overlay, Prompt, PromptKind, Screen},
    profile::{self, ProfileError, SaveOutcome},
    session::{ConnectionSettings, uri::apply_uri},
};

pub fn open_list(model: &mut Model) {
    if let Some(name) = model.tab().profile.clone() {
        model.profiles.select_name(&name);
    }
    model.profiles.clamp_selection();
    model.overlay = Overlay::Profiles;
}

/// Enter on the list: the profile goes into this tab's form, or into a new tab when this
/// one is in a session (a live session is never dropped by loading a profile).
pub fn load_selected(model: &mut Model) -> Vec<Effect> {
    let Some(profile) = model.profiles.selected().cloned() else {
        model.notify(
            Level::Info,
            "No profile selected: s saves the current form as one.",
        );
        return Vec::new();
    };
    model.overlay = Overlay::None;
    let form = ConnectForm::from_profile(&profile);
    if model.tab().screen == Screen::Session {
        return open_in_new_tab(model, form, &profile.name, false);
    }
    let tab = model.tab_mut();
    tab.form = form;
    tab.profile = Some(profile.name.clone());
    tab.focus = Focus::Form(Field::Host);
    tab.notify(
        Level::Info,
        format!("Loaded profile {}: press Enter to connect.", profile.name),
    );
    Vec::new()
}

/// `t` on the list: a new tab from the profile, connecting at once.
pub fn open_selected_in_tab(model: &mut Model) -> Vec<Effect> {
    let Some(profile) = model.profiles.selected().cloned() else {
        model.notify(Level::Info, "No profile selected.");
        return Vec::new();
    };
    model.overlay = Overlay::None;
    open_in_new_tab(
        model,
        ConnectForm::from_profile(&profile),
        &profile.name,
        true,
    )
}

/// Opens `form` in a new tab named after `profile`; used by the list and by `--profile`.
pub fn open_in_new_tab(
    model: &mut Model,
    form: ConnectForm,
    profile: &str,
    connect_now: bool,
) -> Vec<Effect> {
    let Some(tab) = model.open_tab(form) else {
        model.notify(
            Level::Warning,
            "All 9 tabs are in use: close one with Ctrl-X, then open the profile again.",
        );
        return Vec::new();
    };
    tab.profile = Some(profile.to_string());
    if connect_now {
        return connect(model);
    }
    model.notify(
        Level::Info,
        format!("Opened profile {profile} in a new tab: press Enter to connect."),
    );
    Vec::new()
}

/// Rename, duplicate or delete need a profile under the cursor.
pub fn ask_about_selected(model: &mut Model, kind: impl FnOnce(String) -> Overlay) {
    match model.profiles.selected() {
        Some(profile) => model.overlay = kind(profile.name.clone()),
        None => model.notify(Level::Info, "No profile selected."),
    }
}

pub(super) fn save_form_as(model: &mut Model, name: &str) -> Result<Vec<Effect>, String> {
    profile::validate_name(name).map_err(|e| e.to_string())?;
    let profile = model
        .tab()
        .form
        .to_profile(name)
        .map_err(|(field, message)| {
            format!("{} — fix the form first ({}).", message, field.label())
        })?;
    profile::upsert(&mut model.profiles.profiles, profile).map_err(|e| e.to_string())?;
    model.tab_mut().profile = Some(name.to_string());
    finish_edit(model, name)
}

pub(super) fn rename(model: &mut Model, from: &str, to: &str) -> Result<Vec<Effect>, String> {
    profile::rename(&mut model.profiles.profiles, from, to).map_err(|e| e.to_string())?;
    // A tab keeps the name of its profile for its title and the next save.
    for tab in model.tabs_mut() {
        for profile in [&mut tab.profile, &mut tab.session_profile] {
            if profile.as_deref() == Some(from) {
                *profile = Some(to.to_string());
            }
        }
    }
    finish_edit(model, to)
}

pub(super) fn edit_list(
    model: &mut Model,
    name: &str,
    edit: impl FnOnce(&mut Vec<crate::profile::Profile>, &str) -> Result<(), ProfileError>,
) -> Result<Vec<Effect>, String> {
    edit(&mut model.profiles.profiles, name).map_err(|e| e.to_string())?;
    finish_edit(model, name)
}

fn finish_edit(model: &mut Model, name: &str) -> Result<Vec<Effect>, String> {
    model.profiles.select_name(name);
    model.overlay = Overlay::Profiles;
    Ok(vec![save(model)])
}

/// The whole list, to be written; its outcome comes back as `Action::ProfilesSaved`.
fn save(model: &mut Model) -> Effect {
    model.profiles.saving += 1;
    Effect::SaveProfiles(model.profiles.profiles.clone())
}

/// `y` on "delete profile?".
pub fn delete(model: &mut Model, name: &str) -> Vec<Effect> {
    model.overlay = Overlay::Profiles;
    match profile::delete(&mut model.profiles.profiles, name) {
        Ok(_) => {
            model.profiles.clamp_selection();
            for tab in model.tabs_mut() {
                for profile in [&mut tab.profile, &mut tab.session_profile] {
                    if profile.as_deref() == Some(name) {
                        *profile = None;
                    }
                }
            }
            vec![save(model)]
        }
        Err(err) => {
            model.notify(Level::Error, err.to_string());
            Vec::new()
        }
    }
}

/// A pasted URI fills in the form (TLS options the URI cannot carry are kept), then the
/// user is offered to save it under the host's name.
pub(super) fn import_uri(model: &mut Model, uri: &str) -> Vec<Effect> {
    let form = &model.tab().form;
    let mut settings = form
        .validate_with(|_| Some(String::new()))
        .unwrap_or_else(|_| ConnectionSettings::default());
    let tls = match apply_uri(&mut settings, uri) {
        Ok(tls) => tls,
        Err(reason) => {
            if let Overlay::Prompt(prompt) = &mut model.overlay {
                prompt.error = Some(crate::text::visible(&format!(
                    "That URI does not parse: {reason}."
                )));
            }
            return Vec::new();
        }
    };
    let mut imported = ConnectForm::from_settings(&settings);
    imported.tls = tls;
    imported.verify = form.verify;
    imported.remember_password = form.remember_password;
    imported.prefetch = form.prefetch;
    // What a URI cannot carry stays as the form had it.
    for field in [
        Field::CaFile,
        Field::ClientCert,
        Field::ClientKey,
        Field::PasswordEnv,
    ] {
        *imported.input_mut(field) = tui_input::Input::new(form.value(field).to_string());
    }
    let host = settings.host.clone();
    let tab = model.tab_mut();
    tab.form = imported;
    tab.profile = None;
    // In a session the form is hidden: focusing a field there would send typing, and
    // Enter, to a form the user cannot see. The session keeps running; the form is what
    // the next connect uses.
    let applies = if tab.screen == Screen::Session {
        "URI imported into this tab's form; it applies on the next connect."
    } else {
        tab.focus = Focus::Form(Field::Host);
        "URI imported into the form."
    };
    tab.notify(
        Level::Info,
        format!("{applies} Name it to save it as a profile, or Esc to just use it."),
    );
    model.overlay = Overlay::Prompt(Prompt::new(PromptKind::SaveAs, &host));
    Vec::new()
}

/// What the app reports after writing the profiles file. The list becomes what was
/// written, which includes what another program added to the file meanwhile.
pub fn saved(model: &mut Model, result: Result<SaveOutcome, ProfileError>) {
    model.profiles.saving = model.profiles.saving.saturating_sub(1);
    match result {
        Ok(outcome) => {
            model.profiles.problem = None;
            // A later save is on its way with edits made since this one: its outcome,
            // not this older list, is what the list becomes.
            if model.profiles.saving == 0 {
                let selected = model.profiles.selected().map(|p| p.name.clone());
                model.profiles.profiles = outcome.profiles;
                if let Some(name) = selected {
                    model.profiles.select_name(&name);
                }
                model.profiles.clamp_selection();
            }
            let mut text = format!("Profiles saved to {}.", outcome.path.display());
            if let Some(backup) = outcome.backed_up {
                text = format!(
                    "The unreadable profiles file was kept as {}. {text}",
                    backup.display()
                );
            }
            if !outcome.from_disk.is_empty() {
                let names: Vec<String> = outcome
                    .from_disk
                    .iter()
                    .map(|name| crate::text::visible(name))
                    .collect();
                text.push_str(&format!(
                    " Kept what another program changed in the file meanwhile: {}.",
                    names.join(", ")
                ));
            }
            model.notify(Level::Success, text);
        }
        Err(err) => model.notify(
            Level::Error,
            format!("The profiles were NOT saved: {err}. They are kept until you quit."),
        ),
    }
}
