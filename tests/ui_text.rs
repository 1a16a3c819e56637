//! Text as the screen shows it (TestBackend): wide and zero-width characters measured by
//! display width, long text wrapped or scrolled instead of cut off.

mod support;

use std::path::PathBuf;

use amqp_tui::{
    action::Action,
    amqp::{
        AmqpEvent, CertificateInfo, ConnectionDetails, ConnectionSettings, Security, TlsDetails,
        TlsMode,
    },
    keymap,
    model::{Focus, Model},
    update::update,
};
use crossterm::event::{KeyCode, KeyEvent};
use ratatui::{Terminal, backend::TestBackend, buffer::Buffer};
use support::screen::{delivery, feed, with_messages};
use unicode_width::UnicodeWidthStr;

/// A key as the terminal sends it, through the keymap as the app applies it.
fn press(model: &mut Model, code: KeyCode) {
    let action = keymap::action_for(model, KeyEvent::from(code))
        .unwrap_or_else(|| panic!("{code:?} does nothing here"));
    update(model, action);
}

/// The screen's rows as text, each wide character once: the cell after a two-column
/// character is covered by it and holds nothing of its own.
fn rows(buffer: &Buffer) -> Vec<String> {
    (0..buffer.area.height)
        .map(|y| {
            let mut row = String::new();
            let mut x = 0;
            while x < buffer.area.width {
                let symbol = buffer[(x, y)].symbol();
                row.push_str(symbol);
                x += u16::try_from(symbol.width().max(1)).expect("a cell is narrow");
            }
            row
        })
        .collect()
}

fn draw(model: &Model, width: u16, height: u16) -> Vec<String> {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("test terminal");
    terminal
        .draw(|f| amqp_tui::ui::draw(f, model))
        .expect("draw");
    rows(terminal.backend().buffer())
}

/// The text between a bordered panel's side borders on the rows after `from`.
fn inside_after(screen: &[String], from: &str) -> Vec<String> {
    let start = screen
        .iter()
        .position(|l| l.contains(from))
        .unwrap_or_else(|| panic!("no row holds {from:?}:\n{}", screen.join("\n")));
    screen[start + 1..]
        .iter()
        .take_while(|l| !l.starts_with('└'))
        .map(|l| {
            l.trim_start_matches('│')
                .trim_end_matches([' ', '│'])
                .to_string()
        })
        .collect()
}

/// Chinese, emoji built with joiners, skin tones and presentation selectors, and letters
/// with combining accents: text whose width is not its number of characters.
fn wide_body() -> String {
    let cjk = |from: u32, n: u32| -> String {
        (from..from + n)
            .map(|c| char::from_u32(c).expect("a CJK character"))
            .collect()
    };
    let mut body = cjk(0x4e00, 300);
    body.push_str("\u{1f468}\u{200d}\u{1f469}\u{200d}\u{1f467}\u{1f469}\u{1f3fd}\u{200d}\u{1f4bb}");
    body.push_str("\u{1f3f3}\u{fe0f}\u{200d}\u{1f308}\u{2764}\u{fe0f}");
    body.push_str("cafe\u{301}nai\u{308}ve\u{1f600}");
    body.push_str(&cjk(0x5000, 40));
    body
}

#[test]
fn every_character_of_a_wide_body_appears_in_the_message_view() {
    let body = wide_body();
    for (width, height) in [(110, 30), (80, 40), (61, 40)] {
        let mut model = with_messages(0);
        feed(&mut model, AmqpEvent::Delivery(delivery(body.as_bytes())));
        model.tab_mut().focus = Focus::Messages;
        update(&mut model, Action::OpenMessage);
        let screen = draw(&model, width, height);
        let shown: String = inside_after(&screen, "Body").concat();
        assert_eq!(shown, body, "at {width}x{height}:\n{}", screen.join("\n"));
    }
}

#[test]
fn an_emoji_in_a_profile_name_keeps_the_list_columns_aligned() {
    let mut model = Model::default();
    model.profiles.profiles = ["plain-one", "\u{1f680}-rocket", "中文名"]
        .into_iter()
        .map(|name| amqp_tui::profile::Profile {
            name: name.into(),
            ..Default::default()
        })
        .collect();
    update(&mut model, Action::OpenProfiles);
    let screen = draw(&model, 110, 30);
    // The column where the security label starts, in display columns.
    let columns: Vec<usize> = ["plain-one", "-rocket", "中文名"]
        .iter()
        .map(|name| {
            let row = screen
                .iter()
                .find(|l| l.contains(name))
                .unwrap_or_else(|| panic!("no {name} row:\n{}", screen.join("\n")));
            let at = row.find("plain  amqp").expect("the security label");
            row[..at].width()
        })
        .collect();
    assert_eq!(columns[0], columns[1], "{}", screen.join("\n"));
    assert_eq!(columns[0], columns[2], "{}", screen.join("\n"));
}

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
        AmqpEvent::Connected {
            queue: "amq.gen-details".into(),
            security: security.clone(),
            reconnected: false,
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
            rows[0].starts_with("Target"),
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
    assert!(top[0].starts_with("Target"), "{top:?}");
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
    feed(&mut model, AmqpEvent::Delivery(d.clone()));
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
fn headers_are_listed_in_natural_order() {
    let mut d = delivery(b"x");
    // As the broker's tables arrive: sorted as text.
    d.properties.headers = Some(
        ["h1", "h10", "h2", "x-retry-11", "x-retry-9"]
            .map(|k| (k.to_string(), amqp_tui::amqp::Value::I64(1)))
            .to_vec(),
    );
    let mut model = with_messages(0);
    feed(&mut model, AmqpEvent::Delivery(d));
    model.tab_mut().focus = Focus::Messages;
    press(&mut model, KeyCode::Enter);
    let view = inside_after(&draw(&model, 100, 30), "Headers");
    let names: Vec<&str> = view
        .iter()
        .take_while(|r| *r != "Body")
        .filter_map(|r| r.split(':').next())
        .collect();
    assert_eq!(
        names,
        ["h1", "h2", "h10", "x-retry-9", "x-retry-11"],
        "{view:?}"
    );
}

#[test]
fn one_property_set_is_singular() {
    let mut model = with_messages(0);
    model.tab_mut().focus = Focus::ComposeBody;
    press(&mut model, KeyCode::F(4));
    for c in "text/plain".chars() {
        press(&mut model, KeyCode::Char(c));
    }
    press(&mut model, KeyCode::Esc);
    let screen = draw(&model, 110, 30);
    let title = screen
        .iter()
        .find(|r| r.contains("┌ Publish"))
        .expect("the compose box");
    assert!(title.contains(" · 1 property set (F4) "), "{title}");
}

#[test]
fn the_filter_is_shown_as_typed_and_a_bad_regex_is_one_clear_line() {
    let mut model = with_messages(2);
    model.tab_mut().focus = Focus::Messages;
    press(&mut model, KeyCode::Char('/'));
    for c in "/message\\s1/".chars() {
        press(&mut model, KeyCode::Char(c));
    }
    press(&mut model, KeyCode::Enter);
    let screen = draw(&model, 110, 30);
    assert!(
        screen[1].contains(" · filter /message\\s1/ (1 match) "),
        "one backslash, as typed: {}",
        screen[1]
    );
    let mut model = with_messages(2);
    model.tab_mut().focus = Focus::Messages;
    press(&mut model, KeyCode::Char('/'));
    for c in "/(bad/".chars() {
        press(&mut model, KeyCode::Char(c));
    }
    press(&mut model, KeyCode::Enter);
    let screen = draw(&model, 110, 30);
    let error = screen
        .iter()
        .find(|r| r.contains("regular expression"))
        .unwrap_or_else(|| panic!("no error:\n{}", screen.join("\n")));
    assert!(
        error.contains("not a valid regular expression: unclosed group (column 1)"),
        "{}",
        screen.join("\n")
    );
    assert!(
        !screen.iter().any(|r| r.contains("\\n")),
        "{}",
        screen.join("\n")
    );
}

#[test]
fn a_long_notice_wraps_over_the_rows_it_needs() {
    let mut model = with_messages(3);
    let notice = format!(
        "Published to exchange 'orders.{}' with key 'eu.created', but no queue is bound \
         for it: the broker returned it (312 NO_ROUTE). Bind a queue with b, or check the \
         key with x: the explainer shows which bindings match and why.",
        "regional".repeat(5)
    );
    model.notify(amqp_tui::model::Level::Warning, &notice);
    for (width, height) in [(100, 24), (120, 30), (60, 24)] {
        let screen = draw(&model, width, height);
        // The notice is the rows between the status bar and the footer.
        let status = screen
            .iter()
            .position(|r| r.contains("CONNECTED"))
            .expect("the status bar");
        let shown: Vec<&str> = screen[status + 1..screen.len() - 1]
            .iter()
            .map(|r| r.trim())
            .collect();
        assert_eq!(
            shown.join(" ").trim(),
            notice,
            "at {width}x{height}:\n{}",
            screen.join("\n")
        );
        assert!(
            screen.iter().any(|r| r.contains("message 2")),
            "the pane keeps rows:\n{}",
            screen.join("\n")
        );
    }
}

#[test]
fn titles_too_long_for_their_border_keep_what_matters_and_show_the_cut() {
    let mut model = with_messages(5);
    model.tab_mut().focus = Focus::Messages;
    press(&mut model, KeyCode::Char('p'));
    press(&mut model, KeyCode::Char('/'));
    for c in "message".chars() {
        press(&mut model, KeyCode::Char(c));
    }
    press(&mut model, KeyCode::Enter);
    let screen = draw(&model, 80, 24);
    let title = &screen[1];
    // The watched name gives up its middle, and the least important parts go; the state
    // and the filter stay whole, and the cut shows.
    assert!(
        title.starts_with(
            "┌ testEx (…en-test · PAUSED (End resumes) · filter message (5 matches) · … ─"
        ),
        "{title}"
    );
    // The compose box's title leaves out its least important part, and says so.
    model.tab_mut().compose.confirm = false;
    let screen = draw(&model, 60, 24);
    let compose = screen
        .iter()
        .find(|r| r.contains("┌ Publish"))
        .expect("the compose box");
    assert!(
        compose.contains("┌ Publish · mandatory, NOT confirmed (F5) · … ─"),
        "{compose}"
    );
}

#[test]
fn the_cursor_of_a_masked_password_with_wide_characters_sits_after_its_last_bullet() {
    let mut model = Model::default();
    model.tab_mut().focus = amqp_tui::model::Focus::Form(amqp_tui::model::Field::Password);
    for c in "密码".chars() {
        press(&mut model, KeyCode::Char(c));
    }
    let mut terminal = Terminal::new(TestBackend::new(100, 30)).expect("test terminal");
    terminal
        .draw(|f| amqp_tui::ui::draw(f, &model))
        .expect("draw");
    let screen = rows(terminal.backend().buffer());
    let (y, row) = screen
        .iter()
        .enumerate()
        .find(|(_, r)| r.contains("Password •"))
        .expect("the password row");
    assert!(row.contains(" ••••••• "), "guest and two more: {row}");
    assert!(!row.contains("密"), "{row}");
    let after_last = row.rfind('•').map(|at| row[..at].width() + 1);
    let cursor = terminal.get_cursor_position().expect("cursor");
    assert_eq!(
        (Some(usize::from(cursor.x)), usize::from(cursor.y)),
        (after_last, y),
        "{row}"
    );
}
