//! The management API's fields on every protocol's form, rendered into TestBackend: an
//! empty URL shows the default it stands for (following host and TLS), the password is a
//! secret, a URL that is not http(s) is named, and what is typed reaches the settings.

mod support;

use amqp_tui::{
    action::Action,
    model::{Field, Focus, Model},
    session::{ManagementSettings, Protocol},
    update::{Effect, update},
};
use support::screen::{line_with, lines, render};

fn type_into(model: &mut Model, field: Field, text: &str) {
    *model.tab_mut().form.input_mut(field) = tui_input::Input::new(text.into());
}

#[test]
fn every_protocol_shows_the_fields_and_the_default_url_follows_host_and_tls() {
    for protocol in [
        Protocol::Amqp,
        Protocol::Mqtt,
        Protocol::Stomp,
        Protocol::WebStomp,
    ] {
        let mut model = Model::default();
        model.tab_mut().form.set_protocol(protocol);
        type_into(&mut model, Field::Host, "rabbit.example");
        // The focus keeps the field in view however long the form is.
        model.tab_mut().focus = Focus::Form(Field::ManagementUrl);
        let screen = lines(&render(&model));
        let all = screen.join("\n");
        assert!(
            line_with(&screen, "Management URL").contains("(default: http://rabbit.example:15672)"),
            "{protocol:?}\n{all}"
        );
        assert!(
            line_with(&screen, "Management user").contains("(the session's user)"),
            "{all}"
        );
        model.tab_mut().form.toggle_tls();
        let screen = lines(&render(&model));
        assert!(
            line_with(&screen, "Management URL")
                .contains("(default: https://rabbit.example:15671)"),
            "{protocol:?}\n{}",
            screen.join("\n")
        );
    }
}

#[test]
fn a_typed_url_replaces_the_default_and_the_password_is_masked() {
    let mut model = Model::default();
    type_into(
        &mut model,
        Field::ManagementUrl,
        "https://mgmt.example:8443",
    );
    type_into(&mut model, Field::ManagementUser, "monitor");
    type_into(&mut model, Field::ManagementPassword, "mgmt-hunter2");
    model.tab_mut().focus = Focus::Form(Field::ManagementPassword);
    let screen = lines(&render(&model));
    let all = screen.join("\n");
    let url = line_with(&screen, "Management URL");
    assert!(
        url.contains("https://mgmt.example:8443") && !url.contains("default"),
        "{all}"
    );
    assert!(!all.contains("mgmt-hunter2"), "{all}");
    assert!(
        line_with(&screen, "Management password").contains("•••••"),
        "{all}"
    );
    assert!(!format!("{:?}", model.tab().form).contains("mgmt-hunter2"));
    let effects = update(&mut model, Action::Connect);
    let Some(Effect::Connect { settings, .. }) = effects.first() else {
        panic!("connects: {effects:?}");
    };
    assert_eq!(
        settings.management,
        ManagementSettings {
            url: "https://mgmt.example:8443".into(),
            user: "monitor".into(),
            password: "mgmt-hunter2".into(),
        }
    );
}

#[test]
fn a_url_that_is_not_http_is_named_on_the_form() {
    let mut model = Model::default();
    type_into(&mut model, Field::ManagementUrl, "amqp://localhost:15672");
    let effects = update(&mut model, Action::Connect);
    assert!(effects.is_empty(), "{effects:?}");
    assert_eq!(model.tab().focus, Focus::Form(Field::ManagementUrl));
    let screen = lines(&render(&model));
    let all = screen.join("\n");
    assert!(
        all.contains("Management URL 'amqp://localhost:15672' is not an http:// or https:// URL"),
        "{all}"
    );
    assert!(
        line_with(&screen, "Management URL").starts_with("│! "),
        "{all}"
    );
}
