//! Bodies, headers and properties from the network, drawn by the real views.

use amqp_tui::{
    action::Action,
    inspect::{
        body::{self, BodyView},
        headers,
    },
    model::{Focus, Model, Overlay, scroll::Step},
    session::{Message, WorkerEvent},
    text, ui,
    update::update,
};
use proptest::prelude::*;
use ratatui::{Terminal, backend::TestBackend, buffer::Buffer};

use crate::{
    assert_clean, dirty_span, forbidden_in, screens,
    strategies::{hostile_body, hostile_string, properties, table},
    support::screen::{delivery, feed, with_messages},
};

const VIEWS: [BodyView; 3] = [BodyView::Text, BodyView::Json, BodyView::Hex];

fn draw(model: &Model, (width, height): (u16, u16)) -> Buffer {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("test terminal");
    terminal.draw(|f| ui::draw(f, model)).expect("draw");
    terminal.backend().buffer().clone()
}

fn hostile_delivery() -> impl Strategy<Value = Box<Message>> {
    (
        hostile_body(),
        properties(),
        hostile_string(40),
        hostile_string(60),
        proptest::option::of(hostile_string(30)),
    )
        .prop_map(|(body, properties, exchange, routing_key, consumer_tag)| {
            let mut d = delivery(b"");
            d.body = body;
            d.properties = properties;
            d.exchange = exchange;
            d.routing_key = routing_key;
            d.consumer_tag = consumer_tag;
            d
        })
}

fn terminal_size() -> impl Strategy<Value = (u16, u16)> {
    (20u16..160, 12u16..45)
}

proptest! {
    #![proptest_config(screens(512))]

    /// The renderers alone, cheaply, in every view and at every size.
    #[test]
    fn body_lines_and_previews_hold_nothing_unsafe(
        body in hostile_body(),
        width in 0u16..130,
        max_lines in 0usize..40,
    ) {
        for view in VIEWS {
            let lines = body::render(&body, view, width, max_lines);
            prop_assert_eq!(dirty_span(&lines), None, "{:?}", view);
        }
        let preview = text::body_preview(&body);
        prop_assert!(!forbidden_in(&preview), "preview {:?}", preview);
        body::best_view(&body, None);
    }

    #[test]
    fn header_and_property_lines_hold_nothing_unsafe(
        props in properties(),
        extra in table(),
    ) {
        prop_assert_eq!(dirty_span(&headers::header_lines(&extra)), None);
        if let Some(table) = &props.headers {
            prop_assert_eq!(dirty_span(&headers::header_lines(table)), None);
        }
        for (label, value) in headers::property_lines(&props) {
            prop_assert!(!forbidden_in(&value), "{}: {:?}", label, value);
        }
    }

    #[test]
    fn visible_leaves_nothing_unsafe(s in hostile_string(80)) {
        let shown = text::visible(&s);
        prop_assert!(!forbidden_in(&shown), "{:?}", shown);
    }
}

proptest! {
    #![proptest_config(screens(40))]

    /// A delivery as the worker hands it over, drawn in the pane, in the message view in
    /// each body view (scrolled), replayed into the compose box and its properties editor,
    /// and in the routing explainer.
    #[test]
    fn hostile_deliveries_draw_clean_everywhere(
        d in hostile_delivery(),
        size in terminal_size(),
        scroll in 0isize..40,
    ) {
        let mut model = with_messages(0);
        update(&mut model, Action::Resize { page_rows: ui::message_rows(size.1) });
        feed(&mut model, WorkerEvent::Delivery(d));
        assert_clean!(draw(&model, size), "the pane");
        model.tab_mut().focus = Focus::Messages;
        update(&mut model, Action::OpenMessage);
        for _ in VIEWS {
            let Overlay::Message { view, .. } = model.overlay else {
                panic!("the message view is open");
            };
            assert_clean!(draw(&model, size), format!("{view:?} view"));
            update(&mut model, Action::ScrollOverlay(Step::Rows(scroll)));
            assert_clean!(draw(&model, size), format!("{view:?} view, scrolled"));
            update(&mut model, Action::CycleBodyView);
        }
        update(&mut model, Action::CloseOverlay);
        update(&mut model, Action::OpenExplain);
        assert_clean!(draw(&model, size), "the explainer");
        update(&mut model, Action::CloseOverlay);
        update(&mut model, Action::Replay);
        assert_clean!(draw(&model, size), "the compose box after a replay");
        update(&mut model, Action::OpenProperties);
        assert_clean!(draw(&model, size), "the properties editor after a replay");
    }
}
