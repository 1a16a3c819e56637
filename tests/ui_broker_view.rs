//! The broker view (F6) drawn into TestBackend from hand-built topologies reached through
//! `update`: the tree with bindings, AE and DLX edges and cycle marks, the filter, parts
//! not permitted, an error, a simulated route, the sparkline, 80x24 and narrower, and
//! hostile names made visible.

#[path = "ui_broker_view/fixture.rs"]
mod fixture;
mod support;

use amqp_tui::{
    action::Action,
    model::{Model, broker_view::Fetched, scroll::Step},
    session::ConnectionSettings,
    topology::{ClientConnection, Node, NotPermitted, Probe, Route, Topology},
    ui,
    update::{Effect, update},
};
use fixture::{bind, example, exchange, queue};
use ratatui::{Terminal, backend::TestBackend};
use support::screen::{connected, line_with, lines, press};

/// Connected, the view opened with F6, and the broker's answer `result`.
fn viewing(result: Result<Topology, String>) -> Model {
    let mut model = connected(ConnectionSettings::default());
    press(&mut model, crossterm::event::KeyCode::F(6));
    answer(&mut model, result);
    model
}

/// The current fetch answered.
fn answer(model: &mut Model, result: Result<Topology, String>) {
    let fetch = match model.tab().broker.in_flight {
        Some(fetch) => fetch,
        None => {
            let effects = update(model, Action::RefreshTopology);
            let [Effect::FetchTopology { fetch, .. }] = effects.as_slice() else {
                panic!("r fetches: {effects:?}");
            };
            *fetch
        }
    };
    let fetched = Box::new(Fetched {
        result,
        url: Some("http://localhost:15672".into()),
        tree: None,
        index: None,
    });
    let tab = model.tab().number;
    update(
        model,
        Action::TopologyFetched {
            tab,
            fetch,
            fetched,
        },
    );
}

fn screen(model: &Model, width: u16, height: u16) -> Vec<String> {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("test terminal");
    terminal.draw(|f| ui::draw(f, model)).expect("draw");
    lines(terminal.backend().buffer())
}

fn select(model: &mut Model, id: &str) {
    let at = model
        .tab()
        .broker
        .rows
        .iter()
        .position(|r| r.id == id)
        .unwrap_or_else(|| panic!("no row {id:?}"));
    update(model, Action::BrokerSelect(Step::Home));
    update(model, Action::BrokerSelect(Step::Rows(at as isize)));
}

#[test]
fn the_tree_shows_bindings_edges_cycles_and_queue_figures() {
    let model = viewing(Ok(example()));
    let screen = screen(&model, 120, 50);
    let all = screen.join("\n");
    assert!(line_with(&screen, "Broker vhost /").contains("─"), "{all}");
    assert!(
        line_with(&screen, "RabbitMQ 3.10.8")
            .contains("cluster rabbit@test · http://localhost:15672"),
        "{all}"
    );
    assert!(
        all.contains("▾ (default exchange) (direct, 5 implicit bindings hidden (d shows))"),
        "{all}"
    );
    assert!(all.contains("▾ orders (topic)"), "{all}");
    assert!(
        line_with(&screen, "  ─[order.#]→ orders-q")
            .contains("classic  ready 3  unacked 1  consumers 1  in 1.5/s out 1.0/s"),
        "{all}"
    );
    assert!(
        all.contains("    └ dead letters → dlx [dead] (argument)"),
        "{all}"
    );
    assert!(all.contains("  ─[#]→ audit-x (fanout)"), "{all}");
    assert!(
        line_with(&screen, "    ─[]→ audit-q").contains(
            "quorum  ready 0  unacked 0  consumers 0  in -/s out -/s  leader rabbit@a 2/3 online"
        ),
        "{all}"
    );
    assert!(
        all.contains("  └ alternate exchange → unrouted (policy ae-policy)"),
        "{all}"
    );
    assert!(all.contains("    ─[k]→ loop-a (direct) ↻ cycle"), "{all}");
    assert!(all.contains("  ─[x-match=any, format=pdf]→ pdf-q"), "{all}");
    assert!(all.contains("Queues (5) by name"), "{all}");
}

#[test]
fn implicit_bindings_show_when_asked_and_queues_sort_by_depth() {
    let mut model = viewing(Ok(example()));
    press(&mut model, crossterm::event::KeyCode::Char('d'));
    press(&mut model, crossterm::event::KeyCode::Char('s'));
    let screen = screen(&model, 120, 60);
    let all = screen.join("\n");
    let default = line_with(&screen, "(default exchange)");
    assert!(default.contains("▾ (default exchange) (direct)  "), "{all}");
    assert!(all.contains("  ─[dead-q]→ dead-q"), "{all}");
    let queues: Vec<&String> = screen
        .iter()
        .skip_while(|l| !l.contains("Queues (5) by depth"))
        .skip(1)
        .take(2)
        .collect();
    assert!(queues[0].starts_with("│dead-q "), "{all}");
    assert!(queues[1].starts_with("│orders-q "), "{all}");
}

#[test]
fn a_filter_keeps_what_leads_to_a_match() {
    let mut model = viewing(Ok(example()));
    press(&mut model, crossterm::event::KeyCode::Char('/'));
    for c in "dead".chars() {
        press(&mut model, crossterm::event::KeyCode::Char(c));
    }
    press(&mut model, crossterm::event::KeyCode::Enter);
    let screen = screen(&model, 120, 40);
    let all = screen.join("\n");
    assert!(
        line_with(&screen, "RabbitMQ").contains("filter dead"),
        "{all}"
    );
    assert!(all.contains("▾ dlx (direct)"), "{all}");
    assert!(all.contains("  ─[dead]→ dead-q"), "{all}");
    assert!(!all.contains("orders"), "{all}");
    assert!(!all.contains("loop-a"), "{all}");
}

#[test]
fn parts_not_permitted_and_an_error_are_said_while_the_rest_works() {
    let mut topology = example();
    topology.not_permitted = vec![NotPermitted {
        part: "policies".into(),
        status: 403,
    }];
    let mut model = viewing(Ok(topology));
    let screen1 = screen(&model, 120, 40);
    let all = screen1.join("\n");
    assert!(
        all.contains("not permitted: policies (HTTP 403); the rest still works"),
        "{all}"
    );
    assert!(all.contains("▾ orders (topic)"), "{all}");
    answer(
        &mut model,
        Err("The management API refused the credentials (HTTP 401): check the management user and password.".into()),
    );
    let screen2 = screen(&model, 120, 40);
    let all = screen2.join("\n");
    assert!(
        all.contains("Refresh failed: The management API refused the credentials (HTTP 401)"),
        "{all}"
    );
    assert!(
        all.contains("▾ orders (topic)"),
        "the last topology stays: {all}"
    );
}

#[test]
fn a_simulated_route_is_drawn_under_the_tree() {
    let mut model = viewing(Ok(example()));
    model.tab_mut().broker.route = Some((
        Probe {
            exchange: "orders".into(),
            routing_key: "order.eu".into(),
            headers: Default::default(),
        },
        Route {
            queues: vec!["audit-q".into(), "orders-q".into()],
            paths: vec![
                "orders -[order.#]-> orders-q".into(),
                "orders -[#]-> audit-x -[]-> audit-q".into(),
                "if rejected or expired -> dlx -[dead]-> dead-q".into(),
            ],
            approximate: vec!["hash-x".into()],
            problems: vec![],
        },
    ));
    let screen = screen(&model, 120, 40);
    let all = screen.join("\n");
    assert!(
        all.contains("Simulated: exchange orders, key order.eu reaches audit-q, orders-q (approximate: hash-x)"),
        "{all}"
    );
    assert!(
        all.contains("  orders -[#]-> audit-x -[]-> audit-q"),
        "{all}"
    );
    assert!(
        all.contains("  if rejected or expired -> dlx -[dead]-> dead-q"),
        "{all}"
    );
}

#[test]
fn the_selected_queue_shows_its_depth_over_the_refreshes() {
    let mut model = viewing(Ok(example()));
    for depth in [1, 5, 9] {
        let mut topology = example();
        topology.queues[0].ready = depth;
        topology.queues[0].unacked = 0;
        answer(&mut model, Ok(topology));
    }
    select(&mut model, "q\0orders-q");
    let screen = screen(&model, 120, 40);
    let all = screen.join("\n");
    assert!(
        all.contains("Depth of orders-q over 4 refreshes: now 9, most 9"),
        "{all}"
    );
    let spark = screen
        .iter()
        .find(|l| l.contains('█'))
        .unwrap_or_else(|| panic!("a sparkline: {all}"));
    assert!(
        spark.contains('▄') || spark.contains('▅') || spark.contains('▃'),
        "{spark}"
    );
}

#[test]
fn at_80x24_and_narrower_long_names_are_cut_and_nothing_overlaps() {
    let mut topology = example();
    let long = "orders.".repeat(20) + "end";
    topology.queues.push(queue(&long, 12));
    topology
        .bindings
        .push(bind("orders", "order.long", &long, false));
    let mut model = viewing(Ok(topology));
    select(&mut model, &format!("q\0{long}"));
    for (width, height) in [(80, 24), (50, 20), (30, 12)] {
        let screen = screen(&model, width, height);
        let all = screen.join("\n");
        // Every row of the view starts and ends on its border: nothing runs over it.
        let inside: Vec<&String> = screen
            .iter()
            .skip(2)
            .take_while(|l| l.starts_with('│'))
            .collect();
        assert!(inside.len() >= 3, "{width}x{height}\n{all}");
        for row in &inside {
            assert!(row.ends_with('│'), "{width}x{height}: {row}\n{all}");
        }
        let cut = line_with(&screen, "orders.orders.");
        assert!(cut.contains('…'), "{width}x{height}: {cut}\n{all}");
        assert!(!all.contains("end "), "{width}x{height}\n{all}");
    }
    let screen = screen(&model, 80, 24);
    let cut = line_with(&screen, "orders.orders.");
    assert!(
        cut.contains("…  c 12r 0u 0c"),
        "short figures at 80 columns: {cut}"
    );
}

#[test]
fn hostile_names_from_the_broker_are_drawn_visible_never_executed() {
    let mut topology = example();
    topology
        .exchanges
        .push(exchange("evil\x1b[2J\x07x", "topic"));
    topology.queues.push(queue("q\u{202e}rtl\u{9b}", 1));
    topology.bindings.push(bind(
        "evil\x1b[2J\x07x",
        "k\x1b]0;t\x07",
        "q\u{202e}rtl\u{9b}",
        false,
    ));
    topology.vhost = "v\x1b[31m".into();
    topology.cluster_name = Some("c\x1b[5m".into());
    let model = viewing(Ok(topology));
    let screen = screen(&model, 120, 50);
    let all = screen.join("\n");
    for raw in ['\x1b', '\x07', '\u{202e}', '\u{9b}'] {
        assert!(!all.contains(raw), "{raw:?} reached the screen:\n{all}");
    }
    assert!(all.contains("▾ evil\\e[2J\\u{7}x (topic)"), "{all}");
    assert!(
        all.contains("─[k\\e]0;t\\u{7}]→ q\\u{202e}rtl\\u{9b}  classic"),
        "{all}"
    );
    assert!(all.contains("vhost v\\e[31m"), "{all}");
}

#[test]
fn f6_is_in_the_help_and_the_views_keys_in_the_footer() {
    let mut model = viewing(Ok(example()));
    let screen1 = screen(&model, 120, 30);
    let footer = screen1.last().expect("a footer");
    assert!(
        footer.contains("Enter open in a new tab")
            && footer.contains("/ filter")
            && footer.contains("x simulate")
            && footer.contains("o observe")
            && footer.contains("Esc close the view"),
        "{footer}"
    );
    press(&mut model, crossterm::event::KeyCode::Char('q'));
    assert!(!model.tab().broker.open, "q closes the view");
    press(&mut model, crossterm::event::KeyCode::F(1));
    let help = screen(&model, 120, 60).join("\n");
    assert!(
        help.contains("F6") && help.contains("broker view"),
        "{help}"
    );
}

#[test]
fn observed_publishes_are_drawn_beside_the_simulation_and_a_difference_stands_out() {
    use amqp_tui::{
        model::broker_view::{ObserveState, Observed},
        observe::{Comparison, ObserveEvent},
    };
    use crossterm::event::KeyCode;

    let mut model = viewing(Ok(example()));
    press(&mut model, KeyCode::Char('o'));
    let asked = screen(&model, 160, 40).join("\n");
    assert!(
        asked.contains("copies every message published in the vhost"),
        "{asked}"
    );
    press(&mut model, KeyCode::Char('o'));
    let ObserveState::Starting { id } = model.tab().broker.observe.state else {
        panic!("starting: {:?}", model.tab().broker.observe.state);
    };
    let tab = model.tab().number;
    update(
        &mut model,
        Action::Observed {
            tab,
            observe: id,
            event: ObserveEvent::On {
                was_on: false,
                failed: Vec::new(),
            },
        },
    );
    let observed = |key: &str, routed: &[&str], simulated: &[&str], count| {
        // Both sorted, as the firehose reader and the simulation give them.
        let sorted = |names: &[&str]| {
            let mut names: Vec<String> = names.iter().map(|q| q.to_string()).collect();
            names.sort();
            names
        };
        let (routed, simulated) = (sorted(routed), sorted(simulated));
        Observed {
            published_as: format!("AMQP orders {key}"),
            probe: Probe {
                exchange: "orders".into(),
                routing_key: key.into(),
                headers: Default::default(),
            },
            comparison: Comparison::of(&simulated, &routed),
            routed,
            simulated: Route {
                queues: simulated,
                ..Route::default()
            },
            count,
            generation: 0,
        }
    };
    let observation = &mut model.tab_mut().broker.observe;
    observation.push(observed(
        "order.eu",
        &["audit-q", "orders-q"],
        &["audit-q", "orders-q"],
        3,
    ));
    observation.push(observed(
        "order.us",
        &["orders-q", "late-q"],
        &["orders-q", "audit-q"],
        1,
    ));
    observation.others = 12;

    let mut terminal = Terminal::new(TestBackend::new(160, 40)).expect("test terminal");
    terminal.draw(|f| ui::draw(f, &model)).expect("draw");
    let buffer = terminal.backend().buffer().clone();
    let screen = lines(&buffer);
    let all = screen.join("\n");
    assert!(all.contains(" · observing"), "the title says so:\n{all}");
    assert!(
        all.contains("Observing (tracing on while you look) · 4 of this app's publishes · 12 others traced · 1 differs from the simulation"),
        "{all}"
    );
    let agreed =
        "= AMQP orders order.eu ×3: the broker routed it as simulated, to audit-q, orders-q";
    let differs = "≠ AMQP orders order.us: the broker differs from the simulation: only the broker: late-q; only simulated: audit-q; both: orders-q";
    assert!(all.contains(agreed), "{all}");
    assert!(all.contains(differs), "{all}");
    // Newest first; the difference in the error colour, the agreement not.
    let row_of = |text: &str| screen.iter().position(|l| l.contains(text)).expect("drawn");
    let (agreed_row, differs_row) = (row_of(agreed), row_of(differs));
    assert!(differs_row < agreed_row);
    let colour_at = |row: usize, text: &str| {
        let column = screen[row].find(text).expect("on the row");
        let column = screen[row][..column].chars().count();
        buffer[(column as u16, row as u16)].fg
    };
    assert_eq!(colour_at(differs_row, "≠"), ratatui::style::Color::Red);
    assert_ne!(colour_at(agreed_row, "="), ratatui::style::Color::Red);
}

#[test]
fn x_in_the_session_follows_the_message_over_the_brokers_bindings_once_f6_has_read_them() {
    use tui_input::Input;

    let mut before = connected(ConnectionSettings::default());
    before.tab_mut().compose.exchange = Input::new("orders".into());
    before.tab_mut().compose.routing_key = Input::new("order.eu".into());
    update(&mut before, Action::OpenExplain);
    let all = screen(&before, 140, 40).join("\n");
    assert!(
        all.contains("F6 reads the broker's topology: then x also follows the message"),
        "{all}"
    );

    let mut model = viewing(Ok(example()));
    press(&mut model, crossterm::event::KeyCode::Char('q'));
    assert!(!model.tab().broker.open);
    model.tab_mut().compose.exchange = Input::new("orders".into());
    model.tab_mut().compose.routing_key = Input::new("order.eu".into());
    update(&mut model, Action::OpenExplain);
    let all = screen(&model, 140, 40).join("\n");
    assert!(
        all.contains("On the broker (vhost /, as F6 last read it):")
            && all.contains("Simulated: exchange orders, key order.eu reaches audit-q, orders-q"),
        "{all}"
    );
    assert!(all.contains("  orders -[order.#]-> orders-q"), "{all}");
}

#[test]
fn the_nodes_list_says_what_runs_its_alarms_and_which_tab_is_on_it() {
    let mut model = connected(ConnectionSettings::default());
    let ours = "127.0.0.1:40000".parse().expect("addr");
    model
        .tab_mut()
        .details
        .as_mut()
        .expect("details")
        .local_addr = Some(ours);
    press(&mut model, crossterm::event::KeyCode::F(6));
    let node = |name: &str, running, mem_alarm| Node {
        name: name.into(),
        running,
        mem_alarm,
        disk_free_alarm: false,
    };
    let mut topology = example();
    topology.nodes = vec![
        node("rabbit@b", false, false),
        node("rabbit@a\x1b[2J", true, true),
        node("rabbit@c", true, false),
    ];
    topology.connections = vec![
        ClientConnection {
            node: "rabbit@a\x1b[2J".into(),
            peer: Some("127.0.0.1:1".parse().expect("addr")),
            client_id: None,
        },
        ClientConnection {
            node: "rabbit@c".into(),
            peer: Some(ours),
            client_id: None,
        },
    ];
    answer(&mut model, Ok(topology));
    update(&mut model, Action::BrokerSelect(Step::End));
    let shown = screen(&model, 100, 40);
    assert!(line_with(&shown, "Nodes (3)").contains("Nodes (3)"));
    let a = line_with(&shown, "● rabbit@a");
    assert!(
        a.contains("● rabbit@a\\e[2J  memory alarm: publishers blocked"),
        "the name made visible, the alarm said: {a}"
    );
    assert!(!a.contains("tab"), "another client's connection: {a}");
    assert!(line_with(&shown, "● rabbit@b").contains("● rabbit@b  NOT RUNNING"));
    assert!(line_with(&shown, "● rabbit@c").contains("● rabbit@c  tab 1 is on it"));
    let order: Vec<usize> = ["● rabbit@a", "● rabbit@b", "● rabbit@c"]
        .iter()
        .map(|n| shown.iter().position(|l| l.contains(n)).expect("shown"))
        .collect();
    assert!(
        order.windows(2).all(|w| w[0] < w[1]),
        "sorted by name: {order:?}"
    );
}
