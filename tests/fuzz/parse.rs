//! Parsers of what users paste and files they edit: AMQP URIs (`--uri` and the profile
//! list's import), the connect form, `profiles.toml`. Whatever they are given, they answer
//! with settings or a message, and what reaches the screen is clean.

use amqp_tui::{
    action::Action,
    cli::Cli,
    model::{Field, Focus, Level, Model, Overlay, Prompt, PromptKind},
    profile::{FILE_NAME, Profile, ProfileStore},
    session::{ConnectionSettings, uri::apply_uri},
    update::update,
};
use clap::Parser;
use crossterm::event::{KeyCode, KeyEvent};
use proptest::{collection::vec, prelude::*};

use crate::{
    assert_clean, screens,
    strategies::{hostile_string, mutate, mutations},
    support::screen::render,
};

const VALID_URIS: [&str; 4] = [
    "amqps://guest:s3cret@localhost:5671/%2f?heartbeat=30",
    "amqp://us%1ber:p%40ss@[::1]:5672/v%E2%80%AEhost",
    "amqp://localhost",
    "amqps://a:b@127.0.0.1/%2f?heartbeat=0&frame_max=4096",
];

fn uri() -> impl Strategy<Value = String> {
    prop_oneof![
        hostile_string(80),
        hostile_string(40).prop_map(|s| format!("amqp://{s}")),
        // Each part that a message may quote back.
        hostile_string(20).prop_map(|s| format!("amqp://u:p@h:1/v?heartbeat={s}")),
        hostile_string(20).prop_map(|s| format!("{s}://h")),
        hostile_string(20).prop_map(|s| format!("amqps://{s}@h/{s}")),
        (proptest::sample::select(VALID_URIS.to_vec()), mutations())
            .prop_map(|(valid, m)| String::from_utf8_lossy(&mutate(valid, &m)).into_owned()),
    ]
}

/// Draws `model`, then again after Enter on its form: the connect attempt's target, or
/// the form's complaint.
fn assert_form_and_connect_clean(mut model: Model, what: &str) {
    assert_clean!(render(&model), format!("{what}: the form"));
    update(&mut model, Action::Connect);
    assert_clean!(render(&model), format!("{what}: after Enter"));
}

proptest! {
    #![proptest_config(screens(64))]

    #[test]
    fn uris_from_the_command_line_fill_the_form_or_say_why_not(uri in uri()) {
        let mut settings = ConnectionSettings::default();
        let _ = apply_uri(&mut settings, &uri);
        // `--uri=` so that a URI starting with `-` is still the value.
        let cli = Cli::try_parse_from(["amqp-tui".to_string(), format!("--uri={uri}")]);
        let Ok(cli) = cli else {
            return Ok(());
        };
        let launch = cli.launch();
        let mut model = Model::new(&launch.settings);
        // As `main` does.
        if let Some(problem) = &launch.problem {
            model.notify(Level::Error, problem);
        }
        assert_form_and_connect_clean(model, "--uri");
    }

    #[test]
    fn uris_imported_in_the_profile_list_fill_the_form_or_say_why_not(uri in uri()) {
        let mut model = Model::default();
        update(&mut model, Action::OpenProfiles);
        // Set directly: a paste would already have replaced unsafe characters.
        model.overlay = Overlay::Prompt(Prompt::new(PromptKind::ImportUri, &uri));
        update(&mut model, Action::SubmitPrompt);
        assert_clean!(render(&model), "the import prompt");
        update(&mut model, Action::CloseOverlay);
        assert_form_and_connect_clean(model, "imported");
    }

    /// Text in every field of the form, as settings carry it, pasted, and typed key by key.
    #[test]
    fn any_text_in_the_form_connects_or_names_the_field(
        fields in vec(hostile_string(30), 5),
        pasted in vec(hostile_string(20), Field::ALL.len()),
        typed in hostile_string(20),
        typed_into in 0usize..64,
    ) {
        let mut settings = ConnectionSettings {
            host: fields[0].clone(),
            vhost: fields[1].clone(),
            user: fields[2].clone(),
            ..ConnectionSettings::default()
        };
        settings.routing.exchange = fields[3].clone();
        settings.routing.queue = fields[4].clone();
        let mut model = Model::new(&settings);
        for (field, text) in Field::ALL.into_iter().zip(&pasted) {
            model.tab_mut().focus = Focus::Form(field);
            update(&mut model, Action::Paste(text.clone()));
        }
        let text_fields: Vec<Field> = Field::ALL.into_iter().filter(|f| f.is_text()).collect();
        model.tab_mut().focus = Focus::Form(text_fields[typed_into % text_fields.len()]);
        for c in typed.chars() {
            update(&mut model, Action::Edit(KeyEvent::from(KeyCode::Char(c))));
        }
        assert_form_and_connect_clean(model, "the form");
    }
}

/// A valid file with every field set, the hostile ones as TOML escapes, made by our own
/// writer.
fn valid_profiles() -> String {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut loaded = ProfileStore::load(dir.path());
    let profiles = [
        Profile {
            name: "prod".into(),
            host: "rabbit\u{1b}[2J.example".into(),
            user: "ops\u{202e}".into(),
            password: Some("s3cret".into()),
            remember_password: true,
            tls: true,
            ca_file: Some("/etc/ca\u{9b}.pem".into()),
            exchange: "orders\u{7}".into(),
            routing_key: "order.*.created".into(),
            queue: "q\u{200b}".into(),
            ..Profile::default()
        },
        Profile {
            name: "dev".into(),
            password_env: Some("AMQP_PASSWORD".into()),
            ..Profile::default()
        },
    ];
    loaded.store.save(&profiles).expect("save");
    std::fs::read_to_string(dir.path().join(FILE_NAME)).expect("read back")
}

/// `s` as a TOML basic string, so that any character can be a key or a value.
fn toml_quoted(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        if c.is_control() || c == '"' || c == '\\' {
            out.push_str(&format!("\\U{:08X}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out.push('"');
    out
}

fn profiles_file() -> impl Strategy<Value = Vec<u8>> {
    let valid = valid_profiles();
    let with_line = valid.clone();
    prop_oneof![
        1 => hostile_string(200).prop_map(String::into_bytes),
        1 => vec(any::<u8>(), 0..300),
        4 => mutations().prop_map(move |m| mutate(&valid, &m)),
        // Keys and values that errors quote: unknown fields, wrong types, bad names.
        3 => (
            hostile_string(20),
            proptest::sample::select(vec!["name", "host", "port", "version", "tls", "source"]),
            any::<bool>(),
        )
            .prop_map(move |(text, field, as_key)| {
                let line = if as_key {
                    format!("{} = 1", toml_quoted(&text))
                } else {
                    format!("{field} = {}", toml_quoted(&text))
                };
                format!("{with_line}\n[[profile]]\n{line}\n").into_bytes()
            }),
    ]
}

proptest! {
    #![proptest_config(screens(64))]

    /// Loaded as the app starts: the notice, the list, a profile in the form, Enter.
    #[test]
    fn any_profiles_file_loads_or_says_what_is_wrong(bytes in profiles_file()) {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join(FILE_NAME), &bytes).expect("write");
        let loaded = ProfileStore::load(dir.path());
        let mut model = Model::default();
        // As `main` does.
        model.profiles.path = Some(loaded.store.path().to_path_buf());
        model.profiles.profiles = loaded.profiles;
        model.profiles.problem = loaded.problem.map(|p| p.to_string());
        if let Some(problem) = model.profiles.problem.clone() {
            model.notify(Level::Error, format!("Profiles are unavailable: {problem}"));
        }
        assert_clean!(render(&model), "the notice");
        update(&mut model, Action::OpenProfiles);
        assert_clean!(render(&model), "the profile list");
        if !model.profiles.profiles.is_empty() {
            update(&mut model, Action::LoadProfile);
            update(&mut model, Action::CloseOverlay);
            assert_form_and_connect_clean(model, "a loaded profile");
        }
    }
}

#[test]
fn the_valid_profiles_file_loads_whole() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join(FILE_NAME), valid_profiles()).expect("write");
    let loaded = ProfileStore::load(dir.path());
    assert!(loaded.problem.is_none(), "{:?}", loaded.problem);
    assert_eq!(loaded.profiles.len(), 2);
    assert_eq!(loaded.profiles[0].host, "rabbit\u{1b}[2J.example");
}
