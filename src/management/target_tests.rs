use super::*;
use crate::session::ManagementSettings;

fn settings() -> ConnectionSettings {
    ConnectionSettings {
        host: "rabbit.example".into(),
        user: "app".into(),
        password: "app-secret".into(),
        ..ConnectionSettings::default()
    }
}

#[test]
fn the_default_url_follows_the_session_host_and_tls() {
    let plain = ManagementTarget::from_settings(&settings()).expect("resolves");
    assert_eq!(plain.display_url(), "http://rabbit.example:15672");
    assert_eq!(
        (plain.user.as_str(), plain.password.as_str()),
        ("app", "app-secret")
    );
    let tls = ConnectionSettings {
        tls: TlsMode::NoVerify,
        ..settings()
    };
    let target = ManagementTarget::from_settings(&tls).expect("resolves");
    assert_eq!(target.display_url(), "https://rabbit.example:15671");
    assert_eq!(target.trust.mode, TlsMode::NoVerify, "the session's trust");
}

#[test]
fn user_info_beats_the_fields_which_beat_the_session() {
    let mut s = settings();
    s.management = ManagementSettings {
        url: "https://ops:url%40pw@mgmt.example/rabbitmq".into(),
        user: "field-user".into(),
        password: "field-pw".into(),
    };
    let target = ManagementTarget::from_settings(&s).expect("resolves");
    assert_eq!(
        (target.user.as_str(), target.password.as_str()),
        ("ops", "url@pw")
    );
    assert_eq!(target.display_url(), "https://mgmt.example/rabbitmq");
    assert_eq!(
        target.base.join("api/overview").expect("joins").as_str(),
        "https://mgmt.example/rabbitmq/api/overview"
    );
    assert!(!format!("{target:?}").contains("url@pw"));
    s.management.url = "http://mgmt.example:15672".into();
    let target = ManagementTarget::from_settings(&s).expect("resolves");
    assert_eq!(
        (target.user.as_str(), target.password.as_str()),
        ("field-user", "field-pw")
    );
    assert_eq!(target.trust.mode, TlsMode::Off);
}

#[test]
fn bad_urls_name_the_field_and_never_the_password() {
    for (url, says) in [
        (
            "amqp://u:hunter2@h:5672",
            "is amqp://, not http:// or https://",
        ),
        ("http://u:hunter2@", "does not parse"),
        ("not a url", "does not parse"),
        ("http://u:hunter2@h:15672/?x=1", "query or fragment"),
    ] {
        let mut s = settings();
        s.management.url = url.into();
        let err = ManagementTarget::from_settings(&s).expect_err("refused");
        assert!(err.starts_with("Management URL: "), "{err}");
        assert!(err.contains(says), "{url}: {err}");
        assert!(!err.contains("hunter2"), "{err}");
    }
}

#[test]
fn a_missing_ca_file_is_named_before_any_request() {
    let s = ConnectionSettings {
        tls: TlsMode::Verify {
            ca_file: Some("/nonexistent/ca.pem".into()),
        },
        ..settings()
    };
    let err = ManagementTarget::from_settings(&s).expect_err("refused");
    assert!(
        err.contains("Management URL: CA certificate file '/nonexistent/ca.pem' does not exist"),
        "{err}"
    );
}
