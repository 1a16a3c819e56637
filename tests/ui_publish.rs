//! What the screen says about publishes the broker refused: the broker's reason, that it
//! is in no queue, and a count apart from what Ctrl-R resends.

mod support;

use amqp_tui::{
    action::Action,
    session::{ConnectionSettings, PublishOutcome, WorkerEvent},
    ui,
    update::{Effect, update},
};
use ratatui::{Terminal, backend::TestBackend};
use support::screen::{connected, feed, line_with, lines};

/// Wide enough that no line of interest wraps.
const WIDE: u16 = 220;

#[test]
fn a_refused_publish_names_the_brokers_reason_and_is_not_offered_for_resend() {
    let mut model = connected(ConnectionSettings::default());
    let compose = &mut model.tab_mut().compose;
    compose.exchange = tui_input::Input::new("nowhere".into());
    compose.routing_key = tui_input::Input::new("k".into());
    compose.body = tui_input::Input::new("hello".into());
    let effects = update(&mut model, Action::Publish);
    let [Effect::Publish { request, .. }] = effects.as_slice() else {
        panic!("expected one publish, got {effects:?}");
    };
    feed(
        &mut model,
        WorkerEvent::Published {
            id: request.id,
            exchange: "nowhere".into(),
            routing_key: "k".into(),
            outcome: PublishOutcome::Refused {
                reason: "NOT_FOUND - no exchange 'nowhere' in vhost '/'".into(),
            },
            unsent: None,
        },
    );

    let mut terminal = Terminal::new(TestBackend::new(WIDE, 30)).expect("test terminal");
    terminal.draw(|f| ui::draw(f, &model)).expect("draw");
    let screen = lines(terminal.backend().buffer());
    let notice = "The broker refused the message to exchange 'nowhere' with key 'k': NOT_FOUND - no exchange 'nowhere' in vhost '/'. It is in no queue.";
    assert_eq!(line_with(&screen, "refused the message").trim(), notice);
    let title = line_with(&screen, " Publish ");
    assert!(
        title.contains(" Publish · 0 acked, 0 returned, 0 nacked, 0 failed · 1 refused · "),
        "{title}"
    );
    assert!(!title.contains("Ctrl-R"), "nothing to resend: {title}");
}
