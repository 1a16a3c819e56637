//! Overlays whose text is longer than the screen (TestBackend): the F3 connection details
//! and the message view are sized by the rows their text wraps to, and scroll with the
//! keymap's Up/Down/PgUp/PgDn/Home/End.

mod support;

use std::path::PathBuf;

use amqp_tui::{
    action::Action,
    model::{Focus, Model},
    session::{ConnectionDetails, ConnectionSettings, WorkerEvent},
    tls::{CertificateInfo, Security, TlsDetails, TlsMode},
    update::update,
};
use crossterm::event::KeyCode;
use support::screen::{delivery, draw_at as draw, feed, inside_after, press, with_messages};

const FINGERPRINT: &str = "3A:7F:19:C2:88:04:5B:E1:9D:2C:44:0F:A6:71:B3:58:\
    E0:12:9C:4D:7B:A8:36:F5:01:CE:62:9A:D4:17:8B:E3";

/// A tab connected as `security`, with the details a real TLS session reports.
fn details_model(security: &Security) -> Model {
    let tls = match security {
        Security::Plain => TlsMode::Off,
        Security::TlsVerified { ca_file } => TlsMode::Verify {
            ca_file: ca_file.clone(),
        },
        Security::TlsNotVerified => TlsMode::NoVerify,
    };
    let settings = ConnectionSettings {
        tls,
        ..ConnectionSettings::default()
    };
    let mut model = Model::new(&settings);
    update(&mut model, Action::Connect);
    let certificate = CertificateInfo {
        subject: "CN=localhost, O=amqp-tui demo broker".into(),
        issuer: "CN=amqp-tui demo CA, O=amqp-tui demo".into(),
        subject_alt_names: vec!["DNS:localhost".into(), "IP:127.0.0.1".into()],
        not_before: "2026-11-24T21:00:00Z".into(),
        not_after: "2036-11-22T21:00:00Z".into(),
        sha256_fingerprint: FINGERPRINT.replace(' ', ""),
    };
    let details = ConnectionDetails {
        peer_addr: Some("127.0.0.1:5671".into()),
        local_addr: None,
        client_id: None,
        server: None,
        heartbeat_secs: Some(60),
        tls: (*security != Security::Plain).then(|| TlsDetails {
            protocol: None,
            cipher: None,
            security: security.clone(),
            server_certificate: Some(certificate),
            client_certificate: None,
        }),
    };
    feed(
        &mut model,
        WorkerEvent::Connected {
            queue: "amq.gen-details".into(),
            security: security.clone(),
            reconnected: false,
            endpoint: amqp_tui::session::Endpoint::new("localhost", 5672),
            failed_over: None,
            details: Box::new(details),
        },
    );
    model.tab_mut().focus = Focus::Messages;
    press(&mut model, KeyCode::F(3));
    model
}

/// The details panel's rows, inside its borders, without the padding. The panel is
/// drawn over the pane, so its borders are found from its top-left corner.
fn panel(screen: &[String]) -> Vec<String> {
    let rows: Vec<Vec<char>> = screen.iter().map(|r| r.chars().collect()).collect();
    let (top, left) = rows
        .iter()
        .enumerate()
        .find_map(|(y, r)| {
            let row: String = r.iter().collect();
            let at = row.find("┌ Connection details")?;
            Some((y, row[..at].chars().count()))
        })
        .unwrap_or_else(|| panic!("no details panel:\n{}", screen.join("\n")));
    let right = left
        + rows[top][left..]
            .iter()
            .position(|&c| c == '┐')
            .expect("corner");
    rows[top + 1..]
        .iter()
        .take_while(|r| r[left] != '└')
        .map(|r| {
            r[left + 1..right]
                .iter()
                .collect::<String>()
                .trim()
                .to_string()
        })
        .collect()
}

#[test]
fn the_details_panel_sizes_by_wrapped_rows_and_scrolls_to_the_fingerprint() {
    let ca = PathBuf::from(format!(
        "/home/someone/.local/share/amqp-tui/demo/{}/broker/tls/ca_certificate.pem",
        "nested/deeper".repeat(4)
    ));
    let fingerprint = FINGERPRINT.replace(' ', "");
    for (width, height) in [(100, 24), (110, 32), (130, 45), (180, 45)] {
        let mut model = details_model(&Security::TlsVerified {
            ca_file: Some(ca.clone()),
        });
        let screen = draw(&model, width, height);
        let rows = panel(&screen);
        let shown = screen.join("\n");
        assert!(
            rows[0].starts_with("Protocol") && rows[1].starts_with("Target"),
            "the top is shown first:\n{shown}"
        );
        // The whole CA path, over the rows it wraps to.
        let verified = rows.iter().position(|r| r.starts_with("Server verified"));
        let verified = verified.unwrap_or_else(|| panic!("no verification row:\n{shown}"));
        let path: String = rows[verified..]
            .iter()
            .take_while(|r| !r.starts_with("Client certificate"))
            .map(|r| r.trim_start_matches("Server verified").trim())
            .collect::<Vec<_>>()
            .join("");
        assert!(path.contains(&ca.display().to_string()), "{path}\n{shown}");
        // All of it fits at these sizes, or End brings the end into view.
        if !rows.iter().any(|r| r == &fingerprint) {
            press(&mut model, KeyCode::End);
        }
        let screen = draw(&model, width, height);
        let rows = panel(&screen);
        assert_eq!(
            rows.last(),
            Some(&fingerprint),
            "the fingerprint whole on the last row at {width}x{height}:\n{}",
            screen.join("\n")
        );
    }
}

#[test]
fn the_details_panel_scrolls_with_home_end_and_the_arrows_when_it_does_not_fit() {
    let ca = PathBuf::from("/tmp/demo/ca.pem");
    let mut model = details_model(&Security::TlsVerified { ca_file: Some(ca) });
    let fingerprint = FINGERPRINT.replace(' ', "");
    let top = panel(&draw(&model, 100, 14));
    assert!(top[0].starts_with("Protocol"), "{top:?}");
    assert!(!top.contains(&fingerprint));
    press(&mut model, KeyCode::End);
    let end = panel(&draw(&model, 100, 14));
    assert_eq!(end.last(), Some(&fingerprint), "{end:?}");
    press(&mut model, KeyCode::Up);
    let up = panel(&draw(&model, 100, 14));
    assert_eq!(up[1..], end[..end.len() - 1], "Up from End moves one row");
    press(&mut model, KeyCode::Home);
    assert_eq!(panel(&draw(&model, 100, 14)), top);
    press(&mut model, KeyCode::Down);
    assert_eq!(panel(&draw(&model, 100, 14))[0], top[1]);
}

#[test]
fn the_plain_amqp_warning_is_whole() {
    for (width, height) in [(100, 24), (110, 32), (80, 24)] {
        let model = details_model(&Security::Plain);
        let screen = draw(&model, width, height);
        let text = panel(&screen).join(" ");
        assert!(
            text.contains(
                "The user name, the password and every message body cross the network in \
                 clear text: anyone on the path can read or change them. Use TLS (AMQPS, port \
                 5671) for anything beyond a loopback test."
            ),
            "at {width}x{height}:\n{}",
            screen.join("\n")
        );
    }
}

#[test]
fn the_message_view_goes_to_the_end_and_back_with_end_and_home() {
    let body: String = (0..300).map(|n| format!("line {n}\n")).collect();
    let mut d = delivery(body.trim_end().as_bytes());
    d.routing_key = format!("orders.{}.created", "eu-west".repeat(30));
    let mut model = with_messages(0);
    feed(&mut model, WorkerEvent::Delivery(d.clone()));
    model.tab_mut().focus = Focus::Messages;
    press(&mut model, KeyCode::Enter);
    let view = |model: &Model| inside_after(&draw(model, 100, 24), "Message ·");
    let top = view(&model);
    assert_eq!(top[0], "Delivery");
    // A routing key longer than the row wraps instead of running off the edge.
    let key: String = top
        .iter()
        .skip_while(|r| !r.contains("routing-key"))
        .take_while(|r| !r.contains("redelivered"))
        .map(|r| r.trim_start_matches("  routing-key").trim())
        .collect();
    assert_eq!(key, d.routing_key);
    press(&mut model, KeyCode::End);
    let end = view(&model);
    assert_eq!(end.last().map(String::as_str), Some("line 299"), "{end:?}");
    press(&mut model, KeyCode::Up);
    let up = view(&model);
    assert_eq!(up.last().map(String::as_str), Some("line 298"), "{up:?}");
    press(&mut model, KeyCode::Home);
    assert_eq!(view(&model), top);
}

#[test]
fn end_on_a_huge_body_draws_in_bounded_time() {
    const SIZE: usize = 16 << 20;
    let cases = [
        ("one line", vec![b'x'; SIZE]),
        (
            "many lines",
            b"lorem ipsum dolor sit amet\n".repeat(SIZE / 27),
        ),
        ("binary", (0..SIZE).map(|i| (i % 251) as u8).collect()),
    ];
    for (name, body) in cases {
        let mut model = with_messages(0);
        feed(&mut model, WorkerEvent::Delivery(delivery(&body)));
        model.tab_mut().focus = Focus::Messages;
        press(&mut model, KeyCode::Enter);
        press(&mut model, KeyCode::End);
        let start = std::time::Instant::now();
        let view = inside_after(&draw(&model, 110, 30), "Message ·");
        let elapsed = start.elapsed();
        println!("{name}: End drawn in {elapsed:?}");
        // The bound on rows built: the end of what is built, and how much is left out.
        assert!(
            view.last().is_some_and(|l| l.starts_with('…')),
            "{name}: {view:?}"
        );
        assert!(
            elapsed < std::time::Duration::from_secs(3),
            "{name}: {elapsed:?}"
        );
    }
}

#[test]
fn the_footer_names_the_scroll_keys_of_the_details_and_the_message_view() {
    let mut model = details_model(&Security::Plain);
    let screen = draw(&model, 100, 24);
    let footer = screen.last().expect("a footer");
    assert!(
        footer.contains("Down scroll down") && footer.contains("End to the end"),
        "{footer}"
    );
    press(&mut model, KeyCode::Esc);
    feed(&mut model, WorkerEvent::Delivery(delivery(b"x")));
    press(&mut model, KeyCode::Enter);
    // The message view covers the footer: its bottom border names the keys instead.
    let screen = draw(&model, 120, 24);
    let border = screen.last().expect("the bottom border");
    assert!(
        border.starts_with("└ rows 1-12 · Esc close · v text / JSON / hex · R replay via compose · e export · Down scroll down · End to the end ─"),
        "{border}"
    );
}

#[test]
fn a_long_ca_path_gives_up_its_middle_in_the_status_line_so_the_target_shows() {
    let ca = PathBuf::from(format!(
        "/home/someone/.local/share/amqp-tui/demo/{}/broker/tls/ca_certificate.pem",
        "nested/deeper".repeat(4)
    ));
    let mut model = details_model(&Security::TlsVerified {
        ca_file: Some(ca.clone()),
    });
    press(&mut model, KeyCode::Esc);
    let target = ConnectionSettings::default().display_target();
    for width in [100, 120] {
        let screen = draw(&model, width, 24);
        let status = screen
            .iter()
            .find(|row| row.contains(" CONNECTED "))
            .expect("the status line");
        assert!(
            status.contains("TLS, server verified against /hom") && status.contains("…"),
            "the verdict stays, the path is shortened: {status}"
        );
        assert!(
            status.contains("certificate.pem   "),
            "the file name ends it: {status}"
        );
        assert!(status.contains(&target), "the target is whole: {status}");
    }
}
