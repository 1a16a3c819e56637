//! The profile list, the prompts that name a profile, URI import and save reports.

use std::path::PathBuf;

use super::{
    Effect,
    tests::{connected, notice, prompt_error, type_text},
    update,
};
use crate::{
    action::Action,
    model::{ConnState, Field, Focus, Level, Model, Overlay, Prompt, PromptKind, Screen},
    profile::{Profile, ProfileError, SaveOutcome},
};

fn named(name: &str) -> Profile {
    Profile {
        name: name.into(),
        ..Profile::default()
    }
}

fn with_profiles(names: &[&str]) -> Model {
    let mut model = Model::default();
    model.profiles.profiles = names.iter().map(|n| named(n)).collect();
    update(&mut model, Action::OpenProfiles);
    model
}

fn names(profiles: &[Profile]) -> Vec<&str> {
    profiles.iter().map(|p| p.name.as_str()).collect()
}

/// The list of the one save the action asked for.
fn saved_list(effects: Vec<Effect>) -> Vec<Profile> {
    match <[Effect; 1]>::try_from(effects) {
        Ok([Effect::SaveProfiles(list)]) => list,
        other => panic!("expected one save, got {other:?}"),
    }
}

/// Replaces what the open prompt holds, as if the user had typed it.
fn answer(model: &mut Model, text: &str) {
    let Overlay::Prompt(prompt) = &mut model.overlay else {
        panic!("expected a prompt, got {:?}", model.overlay);
    };
    prompt.input = tui_input::Input::new(text.into()).into();
}

fn prompt_kind(model: &Model) -> PromptKind {
    match &model.overlay {
        Overlay::Prompt(prompt) => prompt.kind.clone(),
        other => panic!("expected a prompt, got {other:?}"),
    }
}

fn prompt_value(model: &Model) -> String {
    match &model.overlay {
        Overlay::Prompt(prompt) => prompt.input.value().to_string(),
        other => panic!("expected a prompt, got {other:?}"),
    }
}

#[test]
fn save_as_saves_the_form_and_selects_the_new_profile() {
    let mut model = with_profiles(&["a", "b"]);
    *model.tab_mut().form.input_mut(Field::Host) = tui_input::Input::new("rabbit.example".into());
    update(&mut model, Action::SaveProfileAs);
    assert_eq!(prompt_kind(&model), PromptKind::SaveAs);
    type_text(&mut model, "prod");
    let list = saved_list(update(&mut model, Action::SubmitPrompt));
    let expected = model.tab().form.to_profile("prod").expect("a valid form");
    assert_eq!(list, [named("a"), named("b"), expected]);
    assert_eq!(list[2].host, "rabbit.example");
    assert_eq!(model.tab().profile.as_deref(), Some("prod"));
    assert!(matches!(model.overlay, Overlay::Profiles));
    assert_eq!(
        model.profiles.selected().map(|p| p.name.as_str()),
        Some("prod")
    );
}

#[test]
fn an_invalid_name_keeps_the_prompt_open_with_the_reason() {
    for name in ["", "   ", "bad\u{7}name", "rlo\u{202e}"] {
        let mut model = with_profiles(&["a"]);
        update(&mut model, Action::SaveProfileAs);
        answer(&mut model, name);
        let effects = update(&mut model, Action::SubmitPrompt);
        assert!(effects.is_empty(), "{name:?}: {effects:?}");
        let error = prompt_error(&model).unwrap_or_default();
        assert!(error.contains("profile name"), "{name:?}: {error:?}");
        assert!(
            !error.chars().any(crate::text::is_unsafe),
            "shown safely: {error:?}"
        );
        assert_eq!(names(&model.profiles.profiles), ["a"]);
        assert_eq!(model.tab().profile, None);
        type_text(&mut model, "x");
        assert_eq!(prompt_error(&model), None, "typing clears the reason");
    }
}

#[test]
fn rename_duplicate_and_delete_save_the_edited_list() {
    let mut model = with_profiles(&["a", "b", "c"]);
    update(&mut model, Action::ProfileDown);

    update(&mut model, Action::RenameProfile);
    assert_eq!(prompt_kind(&model), PromptKind::Rename { from: "b".into() });
    assert_eq!(prompt_value(&model), "b");
    answer(&mut model, "bee");
    let list = saved_list(update(&mut model, Action::SubmitPrompt));
    assert_eq!(names(&list), ["a", "bee", "c"]);

    update(&mut model, Action::DuplicateProfile);
    assert_eq!(prompt_value(&model), "bee-copy");
    let list = saved_list(update(&mut model, Action::SubmitPrompt));
    assert_eq!(names(&list), ["a", "bee", "bee-copy", "c"]);
    assert_eq!(model.profiles.selected, 2, "the copy is selected");

    update(&mut model, Action::DeleteProfile);
    assert!(matches!(&model.overlay, Overlay::ConfirmDelete(n) if n == "bee-copy"));
    let list = saved_list(update(&mut model, Action::Confirm));
    assert_eq!(names(&list), ["a", "bee", "c"]);
    assert_eq!(names(&model.profiles.profiles), ["a", "bee", "c"]);
    assert!(matches!(model.overlay, Overlay::Profiles));
}

#[test]
fn renaming_to_a_taken_name_keeps_the_prompt_and_the_list() {
    let mut model = with_profiles(&["a", "b"]);
    update(&mut model, Action::RenameProfile);
    answer(&mut model, "b");
    assert!(update(&mut model, Action::SubmitPrompt).is_empty());
    assert!(prompt_error(&model).is_some_and(|e| e.contains("already exists")));
    assert_eq!(names(&model.profiles.profiles), ["a", "b"]);
}

#[test]
fn deleting_the_last_profile_of_the_list_keeps_a_valid_selection() {
    let mut model = with_profiles(&["a", "b"]);
    update(&mut model, Action::ProfileDown);
    update(&mut model, Action::DeleteProfile);
    saved_list(update(&mut model, Action::Confirm));
    assert_eq!(
        model.profiles.selected().map(|p| p.name.as_str()),
        Some("a")
    );
}

#[test]
fn deleting_a_profile_forgets_it_in_the_tabs_that_used_it() {
    let mut model = with_profiles(&["a", "b"]);
    model.overlay = Overlay::None;
    for profile in ["a", "b", "a"] {
        model.tab_mut().profile = Some(profile.into());
        update(&mut model, Action::NewTab);
    }
    update(&mut model, Action::OpenProfiles);
    update(&mut model, Action::DeleteProfile);
    update(&mut model, Action::Confirm);
    let used: Vec<_> = model.tabs().iter().map(|t| t.profile.as_deref()).collect();
    assert_eq!(used, [None, Some("b"), None, None]);
}

#[test]
fn renaming_a_profile_renames_it_in_the_tabs_that_use_it() {
    let mut model = with_profiles(&["a", "b"]);
    model.tab_mut().profile = Some("a".into());
    update(&mut model, Action::RenameProfile);
    answer(&mut model, "alpha");
    saved_list(update(&mut model, Action::SubmitPrompt));
    assert_eq!(model.tab().profile.as_deref(), Some("alpha"));
    assert_eq!(model.tab().title(), "alpha");
}

#[test]
fn loading_a_profile_on_the_form_fills_this_tab() {
    let mut model = with_profiles(&["a"]);
    model.profiles.profiles[0].host = "rabbit.example".into();
    model.profiles.profiles[0].port = 5999;
    let effects = update(&mut model, Action::LoadProfile);
    assert!(effects.is_empty(), "{effects:?}");
    assert_eq!(model.tabs().len(), 1);
    assert!(matches!(model.overlay, Overlay::None));
    let tab = model.tab();
    assert_eq!(tab.form.value(Field::Host), "rabbit.example");
    assert_eq!(tab.form.value(Field::Port), "5999");
    assert_eq!(tab.profile.as_deref(), Some("a"));
}

#[test]
fn loading_a_profile_in_a_session_opens_a_new_tab_and_keeps_the_session() {
    let mut model = connected();
    model.profiles.profiles = vec![Profile {
        host: "rabbit.example".into(),
        ..named("a")
    }];
    update(&mut model, Action::OpenProfiles);
    let effects = update(&mut model, Action::LoadProfile);
    assert!(effects.is_empty(), "no disconnect, no connect: {effects:?}");
    assert_eq!((model.tabs().len(), model.active()), (2, 1));
    let [session, new] = model.tabs() else {
        panic!("two tabs");
    };
    assert!(matches!(session.conn, ConnState::Connected { .. }));
    assert_eq!(session.screen, Screen::Session);
    assert_eq!(session.form.value(Field::Host), "localhost");
    assert_eq!(new.form.value(Field::Host), "rabbit.example");
    assert_eq!(new.profile.as_deref(), Some("a"));
    assert_eq!(new.conn, ConnState::Idle);
}

#[test]
fn opening_a_profile_in_a_tab_connects_at_once() {
    let mut model = with_profiles(&[]);
    model.profiles.profiles = vec![Profile {
        host: "rabbit.example".into(),
        password: Some("pw".into()),
        remember_password: true,
        ..named("a")
    }];
    let effects = update(&mut model, Action::OpenProfileInTab);
    assert_eq!((model.tabs().len(), model.active()), (2, 1));
    let [Effect::Connect { session, settings }] = effects.as_slice() else {
        panic!("expected one connect, got {effects:?}");
    };
    assert_eq!(*session, model.tab().session);
    assert_eq!(
        (settings.host.as_str(), settings.password.as_str()),
        ("rabbit.example", "pw")
    );
    assert_eq!(model.tabs()[0].conn, ConnState::Idle);
}

#[test]
fn opening_a_profile_without_a_password_asks_for_it() {
    let mut model = with_profiles(&["a"]);
    let effects = update(&mut model, Action::OpenProfileInTab);
    assert!(effects.is_empty(), "{effects:?}");
    assert_eq!(model.tabs().len(), 2);
    assert_eq!(
        prompt_kind(&model),
        PromptKind::Password {
            tab: model.tab().number,
            profile: Some("a".into())
        }
    );
}

#[test]
fn an_imported_uri_fills_the_form_and_offers_to_save_it() {
    let mut model = with_profiles(&[]);
    model.tab_mut().profile = Some("old".into());
    update(&mut model, Action::ImportUri);
    assert_eq!(prompt_kind(&model), PromptKind::ImportUri);
    answer(&mut model, "amqps://u:p@h:5999/v?heartbeat=7");
    assert!(update(&mut model, Action::SubmitPrompt).is_empty());
    let form = &model.tab().form;
    assert!(form.tls);
    let fields = [
        Field::Host,
        Field::Port,
        Field::Vhost,
        Field::User,
        Field::Password,
        Field::Heartbeat,
    ];
    assert_eq!(
        fields.map(|f| form.value(f)),
        ["h", "5999", "v", "u", "p", "7"]
    );
    assert_eq!(model.tab().profile, None, "no longer the profile it was");
    assert_eq!(prompt_kind(&model), PromptKind::SaveAs);
    assert_eq!(prompt_value(&model), "h");

    let list = saved_list(update(&mut model, Action::SubmitPrompt));
    assert_eq!(
        (list[0].name.as_str(), list[0].port, list[0].tls),
        ("h", 5999, true)
    );
}

#[test]
fn an_imported_mqtts_uri_makes_an_mqtt_form() {
    let mut model = with_profiles(&[]);
    update(&mut model, Action::ImportUri);
    answer(&mut model, "mqtts://dev:pw@broker.example/plant");
    assert!(update(&mut model, Action::SubmitPrompt).is_empty());
    let form = &model.tab().form;
    assert_eq!(form.protocol, crate::session::Protocol::Mqtt);
    assert!(form.tls);
    assert_eq!(
        [Field::Host, Field::Port, Field::Vhost, Field::User].map(|f| form.value(f)),
        ["broker.example", "8883", "plant", "dev"]
    );
    let list = saved_list(update(&mut model, Action::SubmitPrompt));
    assert_eq!(list[0].protocol, crate::session::Protocol::Mqtt);
}

#[test]
fn a_uri_that_does_not_parse_keeps_the_prompt_and_the_form() {
    for uri in ["not a uri", "http://h/", "amqp://h/?heartbeat=soon"] {
        let mut model = Model::default();
        update(&mut model, Action::ImportUri);
        answer(&mut model, uri);
        assert!(update(&mut model, Action::SubmitPrompt).is_empty());
        assert_eq!(prompt_kind(&model), PromptKind::ImportUri, "{uri}");
        let error = prompt_error(&model).unwrap_or_default();
        assert!(error.contains("does not parse"), "{uri}: {error:?}");
        let form = &model.tab().form;
        assert_eq!(
            (form.value(Field::Host), form.tls),
            ("localhost", false),
            "{uri}"
        );
    }
}

#[test]
fn importing_during_a_session_says_it_applies_on_the_next_connect() {
    let mut model = connected();
    model.overlay = Overlay::Prompt(Prompt::new(PromptKind::ImportUri, "amqp://h2"));
    update(&mut model, Action::SubmitPrompt);
    let tab = model.tab();
    assert!(matches!(tab.conn, ConnState::Connected { .. }));
    assert_eq!(tab.form.value(Field::Host), "h2");
    assert_eq!(
        (tab.screen, tab.focus),
        (Screen::Session, Focus::Messages),
        "keys keep going to the session, not to the hidden form"
    );
    let (_, text) = notice(&model);
    assert!(text.contains("next connect"), "{text}");
}

#[test]
fn a_save_that_moved_a_broken_file_names_the_backup() {
    let mut model = Model::default();
    model.profiles.problem = Some("profiles.toml line 3: bad".into());
    let outcome = SaveOutcome {
        path: PathBuf::from("/cfg/profiles.toml"),
        backed_up: Some(PathBuf::from("/cfg/profiles.toml.bad-20240101")),
        profiles: Vec::new(),
        from_disk: Vec::new(),
    };
    update(&mut model, Action::ProfilesSaved(Ok(outcome)));
    let (level, text) = notice(&model);
    assert_eq!(level, Some(Level::Success));
    assert!(text.contains("/cfg/profiles.toml.bad-20240101"), "{text}");
    assert!(text.contains("saved to /cfg/profiles.toml"), "{text}");
    assert_eq!(model.profiles.problem, None);
}

#[test]
fn a_failed_save_says_the_profiles_were_not_saved() {
    let mut model = Model::default();
    let err = ProfileError::Io {
        path: PathBuf::from("/cfg/profiles.toml"),
        action: "write",
        detail: "disk full".into(),
    };
    update(&mut model, Action::ProfilesSaved(Err(err)));
    let (level, text) = notice(&model);
    assert_eq!(level, Some(Level::Error));
    assert!(text.contains("NOT saved"), "{text}");
    assert!(text.contains("disk full"), "{text}");
}

#[test]
fn a_paste_under_an_overlay_does_not_reach_the_hidden_form() {
    for overlay in [
        Overlay::Profiles,
        Overlay::Help { page: 0 },
        Overlay::Details {
            scroll: Default::default(),
        },
        Overlay::ConfirmDelete("a".into()),
    ] {
        let mut model = with_profiles(&["a"]);
        model.overlay = overlay.clone();
        update(&mut model, Action::Paste("typed-blind".into()));
        assert_eq!(
            model.tab().form.value(Field::Host),
            "localhost",
            "{overlay:?}"
        );
    }
}

#[test]
fn a_save_shows_the_profiles_another_program_added_meanwhile() {
    let mut model = with_profiles(&["a", "b"]);
    model.profiles.selected = 1;
    let merged = vec![
        Profile {
            name: "by-hand".into(),
            ..Profile::default()
        },
        model.profiles.profiles[1].clone(),
    ];
    let outcome = SaveOutcome {
        path: PathBuf::from("/cfg/profiles.toml"),
        backed_up: None,
        profiles: merged.clone(),
        from_disk: vec!["by-hand".into()],
    };
    update(&mut model, Action::ProfilesSaved(Ok(outcome)));
    assert_eq!(model.profiles.profiles, merged);
    assert_eq!(
        model.profiles.selected().map(|p| p.name.as_str()),
        Some("b"),
        "the selection stays on its profile"
    );
    let (_, text) = notice(&model);
    assert!(text.contains("another program"), "{text}");
    assert!(text.contains("by-hand"), "{text}");
}

#[test]
fn an_earlier_saves_outcome_does_not_undo_an_edit_made_while_it_was_written() {
    // Saves run off the loop: a rename's outcome can arrive after the next edit.
    let mut model = with_profiles(&["a", "b"]);
    update(&mut model, Action::RenameProfile);
    answer(&mut model, "first");
    let first = saved_list(update(&mut model, Action::SubmitPrompt));
    update(&mut model, Action::DeleteProfile);
    let second = saved_list(update(&mut model, Action::Confirm));
    assert_eq!(names(&second), ["b"]);

    let outcome = |profiles: Vec<Profile>| SaveOutcome {
        path: PathBuf::from("/cfg/profiles.toml"),
        backed_up: None,
        profiles,
        from_disk: Vec::new(),
    };
    update(&mut model, Action::ProfilesSaved(Ok(outcome(first))));
    assert_eq!(
        names(&model.profiles.profiles),
        ["b"],
        "the deleted profile does not come back with the older save's list"
    );
    update(&mut model, Action::ProfilesSaved(Ok(outcome(second))));
    assert_eq!(names(&model.profiles.profiles), ["b"]);
    assert_eq!(model.profiles.saving, 0);
}

#[test]
fn imported_stomp_and_web_stomp_uris_make_their_forms() {
    let mut model = with_profiles(&[]);
    update(&mut model, Action::ImportUri);
    answer(&mut model, "stomps://dev:pw@broker.example/plant");
    assert!(update(&mut model, Action::SubmitPrompt).is_empty());
    let form = &model.tab().form;
    assert_eq!(
        (form.protocol, form.tls),
        (crate::session::Protocol::Stomp, true)
    );
    assert_eq!(
        [Field::Host, Field::Port, Field::Vhost, Field::User].map(|f| form.value(f)),
        ["broker.example", "61614", "plant", "dev"]
    );

    // Web-STOMP: the path is the endpoint, the vhost stays the form's.
    let mut model = with_profiles(&[]);
    *model.tab_mut().form.input_mut(Field::Vhost) = tui_input::Input::new("staging".into());
    update(&mut model, Action::ImportUri);
    answer(&mut model, "ws://dev:pw@broker.example:15674/ws");
    assert!(update(&mut model, Action::SubmitPrompt).is_empty());
    let form = &model.tab().form;
    assert_eq!(form.protocol, crate::session::Protocol::WebStomp);
    assert_eq!(
        [Field::Port, Field::Vhost, Field::WsPath].map(|f| form.value(f)),
        ["15674", "staging", "/ws"]
    );
    let list = saved_list(update(&mut model, Action::SubmitPrompt));
    assert_eq!(
        (list[0].protocol, list[0].ws_path.as_str()),
        (crate::session::Protocol::WebStomp, "/ws")
    );
}
