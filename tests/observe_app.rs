//! Observing routes through the whole app loop on the real node: `o` (asked twice) binds
//! the tap and switches tracing on for the tab's vhost; a publish from the app comes back
//! with the queues the broker chose, beside the simulation; leaving the view switches
//! tracing off again and deletes the tap's queue; tracing found on is left on; quitting
//! switches it off too.

mod support;

use amqp_tui::{
    action::Action,
    amqp::{Binding, ExchangeType, Routing, Source},
    app::App,
    model::{Model, broker_view::ObserveState},
    session::ConnectionSettings,
};
use lapin::ExchangeKind;
use ratatui::{Terminal, backend::TestBackend};
use support::{
    Broker,
    app_loop::{all_connected, run_until},
    client::Client,
    unique_suffix,
};
use tui_input::Input;

/// A vhost of the test's own (tracing off), deleted with everything in it when dropped.
struct Vhost {
    broker: Broker,
    name: String,
}

impl Vhost {
    fn new(broker: &Broker) -> Self {
        let name = format!("observe-app-{}-{}", std::process::id(), unique_suffix());
        broker.ctl(&["add_vhost", &name]);
        broker.ctl(&["set_permissions", "-p", &name, "guest", ".*", ".*", ".*"]);
        Self {
            broker: broker.clone(),
            name,
        }
    }

    /// Whether the broker traces this vhost now.
    fn tracing(&self) -> bool {
        let listed = self.broker.ctl(&["list_vhosts", "name", "tracing"]);
        let line = listed
            .lines()
            .find(|l| l.split('\t').next() == Some(self.name.as_str()))
            .unwrap_or_else(|| panic!("{} not listed:\n{listed}", self.name));
        line.ends_with("true")
    }

    fn queues(&self) -> Vec<String> {
        let listed = self
            .broker
            .ctl(&["list_queues", "-p", &self.name, "-q", "name"]);
        let mut names: Vec<String> = listed
            .lines()
            .filter(|l| !l.is_empty() && *l != "name")
            .map(String::from)
            .collect();
        names.sort();
        names
    }
}

impl Drop for Vhost {
    fn drop(&mut self) {
        self.broker.ctl(&["delete_vhost", &self.name]);
    }
}

fn observe_state(model: &Model) -> ObserveState {
    model.tab().broker.observe.state
}

/// `o`, asked and confirmed, then waits until tracing is on (or observing failed).
async fn observe(app: &mut App, terminal: &mut Terminal<TestBackend>) {
    app.dispatch(Action::ToggleObserve);
    assert_eq!(app.model().armed, Some(Action::ToggleObserve), "asks first");
    app.dispatch(Action::ToggleObserve);
    run_until(app, terminal, |m| {
        matches!(
            observe_state(m),
            ObserveState::On { .. } | ObserveState::Off
        )
    })
    .await;
    assert!(
        matches!(observe_state(app.model()), ObserveState::On { .. }),
        "{:?}",
        app.model().tab().notice
    );
}

fn stopped(model: &Model) -> bool {
    model
        .tab()
        .notice
        .as_ref()
        .is_some_and(|n| n.text.starts_with("Observing stopped"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_publish_of_the_apps_is_observed_beside_the_simulation_and_tracing_is_put_back() {
    let broker = Broker::shared();
    let vhost = Vhost::new(&broker);
    let client = Client::connect_vhost(&broker, &vhost.name).await;
    client.exchange("orders", ExchangeKind::Topic).await;
    client.queue("orders-q").await;
    client.bind("orders-q", "orders", "order.#").await;

    // The tab taps `orders` for `order.eu`: its compose box publishes there too.
    let mut settings = ConnectionSettings {
        vhost: vhost.name.clone(),
        routing: Routing {
            source: Source::TapExchange,
            exchange: "orders".into(),
            exchange_type: ExchangeType::Topic,
            bindings: vec![Binding::key("order.eu")],
            ..Routing::default()
        },
        ..broker.plain("observe-app")
    };
    settings.management.url = broker.mgmt_url();
    let mut model = Model::new(&settings);
    model.tab_mut().compose.body = Input::new("observed".into());
    let mut app = App::new(model);
    let mut terminal = Terminal::new(TestBackend::new(160, 40)).expect("test terminal");
    app.dispatch(Action::Connect);
    run_until(&mut app, &mut terminal, |m| {
        all_connected(m) || m.tab().form.error.is_some()
    })
    .await;
    app.dispatch(Action::ToggleBrokerView);
    run_until(&mut app, &mut terminal, |m| {
        m.tab().broker.topology.is_some() || m.tab().broker.error.is_some()
    })
    .await;
    assert_eq!(app.model().tab().broker.error, None);
    let before = vhost.queues();

    observe(&mut app, &mut terminal).await;
    assert!(vhost.tracing(), "tracing is on while observing");
    assert_eq!(vhost.queues().len(), before.len() + 1, "the tap's queue");

    app.dispatch(Action::Publish);
    run_until(&mut app, &mut terminal, |m| {
        !m.tab().broker.observe.seen.is_empty()
    })
    .await;
    let observed = app.model().tab().broker.observe.seen[0].clone();
    assert_eq!(observed.published_as, "AMQP orders order.eu");
    // orders-q, and the tab's own tap queue.
    assert_eq!(observed.routed.len(), 2, "{observed:?}");
    assert!(
        observed.routed.contains(&"orders-q".to_string()),
        "{observed:?}"
    );
    assert!(observed.comparison.matches(), "{observed:?}");
    run_until(&mut app, &mut terminal, |_| true).await;
    let screen = support::screen::rows(terminal.backend().buffer()).join("\n");
    assert!(
        screen.contains("= AMQP orders order.eu: the broker routed it as simulated, to "),
        "{screen}"
    );

    // Leaving the view puts tracing back and deletes the tap's queue.
    app.dispatch(Action::ToggleBrokerView);
    run_until(&mut app, &mut terminal, stopped).await;
    let notice = app.model().tab().notice.clone().expect("a notice");
    assert_eq!(notice.text, "Observing stopped: tracing is off again.");
    assert!(!vhost.tracing());
    assert_eq!(vhost.queues(), before, "the tap's queue is gone");

    // Found on, left on.
    vhost.broker.ctl(&["trace_on", "-p", &vhost.name]);
    app.dispatch(Action::ToggleBrokerView);
    run_until(&mut app, &mut terminal, |m| {
        m.tab().broker.topology.is_some()
    })
    .await;
    observe(&mut app, &mut terminal).await;
    assert_eq!(
        observe_state(app.model()),
        match observe_state(app.model()) {
            ObserveState::On { id, .. } => ObserveState::On { id, was_on: true },
            other => other,
        }
    );
    app.dispatch(Action::ToggleObserve);
    run_until(&mut app, &mut terminal, stopped).await;
    assert!(
        app.model()
            .tab()
            .notice
            .as_ref()
            .is_some_and(|n| n.text.contains("left on")),
        "{:?}",
        app.model().tab().notice
    );
    assert!(vhost.tracing());

    // Quitting while observing switches it off before the app is gone.
    vhost.broker.ctl(&["trace_off", "-p", &vhost.name]);
    observe(&mut app, &mut terminal).await;
    assert!(vhost.tracing());
    app.dispatch(Action::QuitNow);
    app.shutdown().await;
    assert!(!vhost.tracing(), "quitting switched tracing off");
    // The session's own queue went with it, and so did the tap's.
    assert_eq!(vhost.queues(), ["orders-q"]);
}
