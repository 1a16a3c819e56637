use super::*;
use crate::model::message_log::DEFAULT_CAPACITY;

fn tab(profile: Option<&str>, settings: Option<ConnectionSettings>) -> Tab {
    let history = History {
        messages: DEFAULT_CAPACITY,
        bytes: 1 << 20,
    };
    let mut tab = Tab::new(1, ConnectForm::default(), history);
    tab.profile = profile.map(Into::into);
    tab.session_profile = tab.profile.clone();
    if let Some(settings) = settings {
        tab.conn = ConnState::Connected {
            target: settings.display_target(),
            security: settings.security(),
            queue: "q".into(),
        };
        tab.session_settings = Some(settings);
    }
    tab
}

fn watching(user: &str, vhost: &str, exchange: &str) -> ConnectionSettings {
    let mut settings = ConnectionSettings {
        user: user.into(),
        vhost: vhost.into(),
        ..ConnectionSettings::default()
    };
    settings.routing.exchange = exchange.into();
    settings
}

#[test]
fn only_what_differs_is_added_to_the_labels_that_would_read_the_same() {
    let tabs = [
        tab(None, Some(watching("guest", "/", "orders"))),
        tab(None, Some(watching("bob", "/", "orders"))),
        tab(None, Some(watching("guest", "staging", "orders"))),
        tab(Some("prod"), Some(watching("guest", "/", "orders"))),
        tab(None, None),
    ];
    assert_eq!(
        titles(&tabs),
        [
            "localhost:5672 user guest vhost /",
            "localhost:5672 user bob vhost /",
            "localhost:5672 user guest vhost staging",
            "prod",
            "new",
        ]
    );
}

#[test]
fn a_connected_tab_keeps_the_name_of_the_profile_it_connected_with() {
    let mut connected = tab(Some("prod"), Some(watching("guest", "/", "orders")));
    connected.profile = Some("saved-later".into());
    assert_eq!(connected.title(), "prod");
    connected.conn = ConnState::Idle;
    assert_eq!(
        connected.title(),
        "saved-later",
        "the form's, once it is idle"
    );
}
