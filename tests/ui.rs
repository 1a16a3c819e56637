//! Screens rendered into ratatui's TestBackend from model states reached through `update`.

mod support;

use amqp_tui::{
    action::Action,
    model::{Field, Focus, Model, Overlay, Screen},
    session::{ConnectionSettings, WorkerEvent},
    tls::{Security, TlsMode},
    ui,
    update::update,
};
use ratatui::{Terminal, backend::TestBackend, style::Color};
use support::screen::{H, connected, delivery, feed, line_with, lines, render, with_messages};

#[test]
fn the_form_shows_the_guides_defaults_and_masks_the_password() {
    let model = Model::default();
    let screen = lines(&render(&model));
    assert!(line_with(&screen, "Host").contains("localhost"));
    assert!(line_with(&screen, "Port").contains("5672"));
    assert!(line_with(&screen, "Virtual host").contains(" /"));
    assert!(line_with(&screen, "Exchange type").contains("< direct >"));
    assert!(line_with(&screen, "Binding key").contains("test"));
    assert!(line_with(&screen, "Exchange ").contains("testEx"));
    assert!(line_with(&screen, "Queue").contains("server-named"));
    let password = line_with(&screen, "Password");
    assert!(
        password.contains("•••••") && !password.contains("guest"),
        "{password}"
    );
    assert!(line_with(&screen, "DISCONNECTED").contains("DISCONNECTED"));
}

#[test]
fn a_bad_port_is_marked_on_its_field_and_the_form_keeps_the_input() {
    let mut model = Model::default();
    model.tab_mut().focus = Focus::Form(Field::Port);
    for key in ['0'; 6] {
        update(
            &mut model,
            Action::Edit(crossterm::event::KeyEvent::from(
                crossterm::event::KeyCode::Char(key),
            )),
        );
    }
    let effects = update(&mut model, Action::Connect);
    assert!(effects.is_empty(), "nothing is attempted with a bad port");
    let screen = lines(&render(&model));
    let port = line_with(&screen, "Port");
    assert!(port.starts_with("│! "), "{port}");
    assert!(
        port.contains("5672000000"),
        "the typed text is kept: {port}"
    );
    assert!(line_with(&screen, "not a number from 1 to 65535").contains("Port '5672000000'"));
    assert_eq!(model.tab().focus, Focus::Form(Field::Port));
}

#[test]
fn the_pane_shows_text_binary_and_hostile_bodies_safely() {
    let mut model = connected(ConnectionSettings::default());
    for body in [
        &b"Hello World!"[..],
        &[0x00, 0x9b, 0xff, 0x10],
        b"evil \x1b[31mred\x1b]0;title\x07 \xe2\x80\xaeabc\n",
    ] {
        feed(&mut model, WorkerEvent::Delivery(delivery(body)));
    }
    let buffer = render(&model);
    let screen = lines(&buffer);
    assert_eq!(
        line_with(&screen, "Hello World!").trim_end(),
        "│12:34:56.000 testEx         test             12 B      Hello World!                                         │"
            .trim_end()
    );
    assert!(line_with(&screen, "4 B").contains("hex 00 9b ff 10"));
    assert!(
        line_with(&screen, "evil").contains(r"evil \e[31mred\e]0;title\u{7} \u{202e}abc\n"),
        "{}",
        line_with(&screen, "evil")
    );
    let title = line_with(&screen, "3 received");
    assert!(
        title.contains("testEx (direct) ─test→ amq.gen-test · following · 3 received"),
        "{title}"
    );
    for cell in buffer.content() {
        assert!(
            !cell.symbol().chars().any(amqp_tui::text::is_unsafe),
            "a control character reached a cell: {:?}",
            cell.symbol()
        );
    }
}

#[test]
fn scrolling_back_says_so_and_end_follows_again() {
    let mut model = with_messages(100);
    model.tab_mut().focus = Focus::Messages;
    update(&mut model, Action::PageUp);
    let screen = lines(&render(&model));
    assert!(line_with(&screen, "received").contains("scrolled back (End follows)"));
    assert!(
        !screen.iter().any(|l| l.contains("message 99")),
        "the newest row is scrolled out of view"
    );
    update(&mut model, Action::FollowTail);
    let screen = lines(&render(&model));
    assert!(line_with(&screen, "message 99").contains("message 99"));
    assert!(line_with(&screen, "received").contains("following"));
}

#[test]
fn paging_moves_by_exactly_the_rows_the_pane_shows() {
    let mut model = with_messages(100);
    let drawn = lines(&render(&model))
        .iter()
        .filter(|l| l.starts_with("│12:34"))
        .count();
    assert_eq!(
        drawn,
        ui::message_rows(H),
        "the pane draws as many rows as paging assumes"
    );
    model.tab_mut().focus = Focus::Messages;
    update(&mut model, Action::PageUp);
    let screen = lines(&render(&model));
    let newest_shown = format!("message {} ", 99 - drawn);
    assert!(
        screen.iter().any(|l| l.contains(&newest_shown)),
        "one page up ends at {newest_shown:?}"
    );
    assert!(
        !screen
            .iter()
            .any(|l| l.contains(&format!("message {} ", 100 - drawn)))
    );
}

#[test]
fn the_status_bar_states_the_security_of_each_kind_of_session() {
    let plain = connected(ConnectionSettings::default());
    let screen = lines(&render(&plain));
    assert!(line_with(&screen, "CONNECTED").contains("AMQP · plain"));

    let verified = connected(ConnectionSettings {
        tls: TlsMode::Verify {
            ca_file: Some("/etc/amqp/ca.pem".into()),
        },
        ..ConnectionSettings::default()
    });
    let screen = lines(&render(&verified));
    assert!(
        line_with(&screen, "CONNECTED").contains("TLS, server verified against /etc/amqp/ca.pem")
    );

    let system = connected(ConnectionSettings {
        tls: TlsMode::Verify { ca_file: None },
        ..ConnectionSettings::default()
    });
    let screen = lines(&render(&system));
    assert!(
        line_with(&screen, "CONNECTED")
            .contains("TLS, server verified against the system trust store")
    );

    let insecure = connected(ConnectionSettings {
        tls: TlsMode::NoVerify,
        ..ConnectionSettings::default()
    });
    let buffer = render(&insecure);
    let screen = lines(&buffer);
    let row = screen
        .iter()
        .position(|l| l.contains("TLS, NOT VERIFIED"))
        .expect("the warning is shown");
    // Cells hold one character each on this line, so a char index is a column.
    let column = screen[row]
        .chars()
        .collect::<Vec<_>>()
        .windows(3)
        .position(|w| w == ['N', 'O', 'T'])
        .expect("NOT is on the line");
    let cell = &buffer[(
        u16::try_from(column).expect("fits"),
        u16::try_from(row).expect("fits"),
    )];
    assert_eq!(cell.bg, Color::Red, "NOT VERIFIED is drawn on red");
    assert_eq!(Security::TlsNotVerified.label(), "TLS, NOT VERIFIED");
}

#[test]
fn reconnecting_is_shown_with_the_cause() {
    let mut model = connected(ConnectionSettings::default());
    let lost = WorkerEvent::ConnectionLost {
        error: amqp_tui::session::ConnectError::Refused {
            addr: "localhost:5672".into(),
            protocol: amqp_tui::session::Protocol::Amqp,
        },
        retry_in: std::time::Duration::from_secs(5),
        attempt: 3,
    };
    feed(&mut model, lost);
    let screen = lines(&render(&model));
    assert!(line_with(&screen, "RECONNECTING").contains("RECONNECTING in 5 s (attempt 3)"));
    assert!(line_with(&screen, "Connection lost").contains("Connection refused by localhost:5672"));
    assert_eq!(
        model.tab().screen,
        Screen::Session,
        "the pane and its messages stay while reconnecting"
    );
}

#[test]
fn the_help_overlay_lists_the_keymap() {
    let mut model = Model::default();
    let mut screen = Vec::new();
    for page in 0..4 {
        model.overlay = Overlay::Help { page };
        screen.extend(lines(&render(&model)));
    }
    for binding in amqp_tui::keymap::BINDINGS {
        assert!(
            screen
                .iter()
                .any(|l| l.contains(binding.keys) && l.contains(binding.label)),
            "help lacks {} {}:\n{}",
            binding.keys,
            binding.label,
            screen.join("\n")
        );
    }
}

#[test]
fn a_tiny_terminal_still_draws() {
    let mut model = connected(ConnectionSettings::default());
    feed(&mut model, WorkerEvent::Delivery(delivery(b"x")));
    for (w, h) in [(20, 5), (1, 1), (40, 12)] {
        let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("test terminal");
        terminal.draw(|f| ui::draw(f, &model)).expect("draw");
        let screen = lines(terminal.backend().buffer());
        if h >= 5 {
            // The status bar is the last thing to give up its row.
            assert!(
                screen.iter().any(|l| l.contains("CONNECTED")),
                "{w}x{h}:\n{}",
                screen.join("\n")
            );
        }
    }
}

#[test]
fn the_profile_list_shows_each_profile_its_protection_and_a_file_problem() {
    use amqp_tui::profile::Profile;
    let mut model = Model::default();
    model.profiles.profiles = vec![
        Profile {
            name: "local-plain".into(),
            ..Profile::default()
        },
        Profile {
            name: "prod-tls".into(),
            host: "rabbit.example".into(),
            port: 5671,
            tls: true,
            verify: false,
            password: Some("hunter2".into()),
            remember_password: true,
            ..Profile::default()
        },
    ];
    model.profiles.problem = Some("profiles.toml line 7, column 3: unknown field `prot`".into());
    update(&mut model, Action::OpenProfiles);
    update(&mut model, Action::ProfileDown);
    let screen = lines(&render(&model));
    assert!(line_with(&screen, "line 7, column 3").contains("unknown field"));
    assert!(line_with(&screen, "local-plain").contains("amqp://guest@localhost:5672"));
    let prod = line_with(&screen, "prod-tls");
    assert!(
        prod.contains("> prod-tls"),
        "the selection is marked: {prod}"
    );
    assert!(prod.contains("TLS NOT VERIFIED"), "{prod}");
    assert!(prod.contains("password saved"), "{prod}");
    assert!(
        !screen.iter().any(|l| l.contains("hunter2")),
        "a saved password is never drawn"
    );
}
