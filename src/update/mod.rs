//! The only place the model changes. Pure: it returns [`Effect`]s for the app to carry out.
//!
//! `update` dispatches; what concerns one tab is in `tab`, what the broker reports in
//! `broker`, the profile list and its prompts in `profiles`.

use crossterm::event::Event;
use tui_input::backend::crossterm::EventHandler;

mod armed;
#[cfg(test)]
mod armed_tests;
mod broker;
mod broker_open;
mod broker_view;
#[cfg(test)]
mod broker_view_tests;
mod explain;
#[cfg(test)]
mod hints_tests;
mod inspect;
mod nodes;
#[cfg(test)]
mod nodes_tests;
mod observe;
#[cfg(test)]
mod observe_tests;
mod profiles;
#[cfg(test)]
mod profiles_tests;
mod prompt;
mod queue;
mod tab;
#[cfg(test)]
mod tab_tests;
#[cfg(test)]
mod tests;

pub use profiles::open_in_new_tab;

use crate::{
    action::Action,
    inspect::body::BodyView,
    keymap,
    model::{
        Level, MAX_TABS, Model, Overlay, Prompt, PromptKind, Tab,
        scroll::Scroll,
        text_field::{TextField, paste_one_line},
    },
    profile::Profile,
    session::{ConnectionSettings, Protocol, PublishRequest, SessionCommand, SessionId},
};
use tab::{connect, disconnect};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effect {
    Connect {
        session: SessionId,
        settings: ConnectionSettings,
    },
    Publish {
        session: SessionId,
        request: PublishRequest,
    },
    Disconnect {
        session: SessionId,
    },
    /// Write the whole list to the profiles file.
    SaveProfiles(Vec<Profile>),
    /// A command for a session's worker that needs no bookkeeping in the app: bind,
    /// unbind, settle, peek. Never a publish or a disconnect, which have their own effects.
    Command {
        session: SessionId,
        command: SessionCommand,
    },
    /// Write `messages` to `path` as JSON Lines.
    Export {
        path: std::path::PathBuf,
        messages: Vec<crate::inspect::export::ExportedMessage>,
    },
    /// Read a JSON Lines file for the tab numbered `tab`.
    LoadFile {
        tab: u32,
        path: std::path::PathBuf,
    },
    /// Publish `request` with the bytes of the file at `path` as its body; if it cannot be
    /// read, tab `tab`'s prompt hears why.
    PublishFile {
        tab: u32,
        session: SessionId,
        request: PublishRequest,
        path: std::path::PathBuf,
    },
    /// Fetch the topology of the vhost of `settings` through the management API, for the
    /// broker view of tab `tab`; the answer comes back as `Action::TopologyFetched`.
    FetchTopology {
        tab: u32,
        fetch: u64,
        settings: ConnectionSettings,
        /// The view's options now: the answer's rows are built with them, off the loop.
        options: Box<crate::model::broker_view::TreeOptions>,
    },
    /// `Action::TopologyDue` for tab `tab`'s view after `after`.
    RefreshLater {
        tab: u32,
        timer: u64,
        after: std::time::Duration,
    },
    /// Observe routes for tab `tab`'s view: the firehose tap over `tap` (AMQP to the same
    /// broker), tracing switched through the management API `management` names. Reports
    /// come back as `Action::Observed` numbered `observe`.
    StartObserve {
        tab: u32,
        observe: u64,
        management: Box<ConnectionSettings>,
        tap: Box<ConnectionSettings>,
    },
    /// Stop observing for tab `tab`: the tap closes and tracing is put back as it was.
    StopObserve {
        tab: u32,
    },
    /// Ask the management API which node `session`'s connection to `endpoint` is on;
    /// the answer comes back as `Action::NodeFound`.
    FindNode {
        session: SessionId,
        endpoint: crate::session::Endpoint,
        settings: Box<ConnectionSettings>,
        ours: crate::management::OurConnection,
    },
}

pub fn update(model: &mut Model, action: Action) -> Vec<Effect> {
    let effects = apply(model, action);
    follow_publishes(model, &effects);
    effects
}

/// Every publish leaves `update` as an [`Effect::Publish`], so each is followed from here,
/// the moment it goes out: a copy can reach another tab before its outcome reaches the
/// publishing one. (A file's bytes are read later, by the app: those are not followed.)
fn follow_publishes(model: &mut Model, effects: &[Effect]) {
    let mut now = None;
    for effect in effects {
        if let Effect::Publish { session, request } = effect {
            let now = *now.get_or_insert_with(clock);
            model.crossings.sent(Tab::number_of(*session), request, now);
        }
    }
}

/// The time a publish goes out or hears its outcome, as a delivery's `received_at` is
/// stamped: the crossings' window is measured between the two.
fn clock() -> chrono::DateTime<chrono::Local> {
    chrono::Local::now()
}

fn apply(model: &mut Model, action: Action) -> Vec<Effect> {
    if armed::holds(model, &action) {
        return Vec::new();
    }
    let protocol = model.tab().protocol();
    if !keymap::offered(protocol, &action) {
        model.notify(
            Level::Info,
            format!(
                "Bindings, acks, peeking and AMQP properties are AMQP features: this tab speaks {}.",
                protocol.label()
            ),
        );
        return Vec::new();
    }
    match action {
        Action::OtherKey => {}
        Action::Quit | Action::QuitNow => {
            model.quit = true;
            let mut effects: Vec<Effect> = model.tabs_mut().flat_map(observe::stop).collect();
            effects.extend(model.tabs_mut().flat_map(disconnect));
            return effects;
        }
        Action::ToggleHelp => model.overlay = toggled(&model.overlay, Overlay::Help { page: 0 }),
        Action::HelpPage(step) => {
            if let Overlay::Help { page } = &mut model.overlay {
                // The view clamps the last page: it knows how many fit.
                *page = page.saturating_add_signed(step).min(16);
            }
        }
        Action::ToggleDetails => {
            let details = Overlay::Details {
                scroll: Scroll::default(),
            };
            model.overlay = toggled(&model.overlay, details);
        }
        Action::Connect => return connect(model),
        Action::OpenProfiles => profiles::open_list(model),
        Action::ProfileUp => model.profiles.select_by(-1),
        Action::ProfileDown => model.profiles.select_by(1),
        Action::LoadProfile => return profiles::load_selected(model),
        Action::OpenProfileInTab => return profiles::open_selected_in_tab(model),
        Action::SaveProfileAs => prompt::ask(model, PromptKind::SaveAs),
        Action::ImportUri => prompt::ask(model, PromptKind::ImportUri),
        Action::OpenFilter => prompt::ask(model, PromptKind::Filter),
        Action::PublishFile => prompt::ask(model, PromptKind::PublishFile),
        Action::OpenProperties => model.overlay = Overlay::Properties,
        Action::OpenMessage => open_message(model),
        Action::ExportSelected => inspect::ask_export(model, false),
        Action::ExportShown => inspect::ask_export(model, true),
        Action::LoadFile => prompt::ask(model, PromptKind::LoadFile),
        Action::Replay => inspect::replay_into_compose(model),
        Action::Settle(settle) => return queue::settle(model, settle),
        Action::Peek => return queue::peek(model),
        Action::OpenBindings => queue::open_bindings(model),
        Action::AddBinding => prompt::ask(model, PromptKind::AddBinding),
        Action::RemoveBinding => return queue::remove_binding(model),
        Action::BindingUp | Action::BindingDown => {
            if let Overlay::Bindings { selected } = &mut model.overlay {
                *selected = if action == Action::BindingUp {
                    selected.saturating_sub(1)
                } else {
                    selected.saturating_add(1)
                };
            }
        }
        Action::ReplayShown => return inspect::replay_shown(model),
        Action::Exported(result) => inspect::exported(model, result),
        Action::FileLoaded { tab, path, result } => inspect::loaded(model, tab, path, result),
        Action::PublishFileUnreadable { tab, path, reason } => {
            prompt::file_unreadable(model, tab, &path, &reason)
        }
        Action::OpenExplain => explain::open(model),
        Action::SwitchExplainInput => {
            if let Overlay::Explain { on_headers, .. } = &mut model.overlay {
                *on_headers = !*on_headers;
            }
        }
        Action::Edit(key) if matches!(model.overlay, Overlay::Explain { .. }) => {
            if let Some(input) = explain::input(&mut model.overlay) {
                input.handle_key(key);
            }
        }
        Action::Paste(text) if matches!(model.overlay, Overlay::Explain { .. }) => {
            if let Some(input) = explain::input(&mut model.overlay) {
                input.paste(&text);
            }
        }
        Action::CycleBodyView => {
            if let Overlay::Message { view, scroll } = &mut model.overlay {
                *view = match view {
                    BodyView::Text => BodyView::Json,
                    BodyView::Json => BodyView::Hex,
                    BodyView::Hex => BodyView::Text,
                };
                *scroll = Scroll::default();
            }
        }
        Action::ScrollOverlay(step) => {
            if let Overlay::Message { scroll, .. } | Overlay::Details { scroll } =
                &mut model.overlay
            {
                *scroll = scroll.step(step, model.page_rows);
            }
        }
        Action::PropertyNext | Action::PropertyPrev => {
            let step = if action == Action::PropertyNext {
                1
            } else {
                -1
            };
            let props = &mut model.tab_mut().compose.props;
            props.focus = props.focus.step(step);
        }
        Action::Edit(key) if matches!(model.overlay, Overlay::Properties) => {
            let props = &mut model.tab_mut().compose.props;
            props.error = None;
            props.input_mut(props.focus).handle_event(&Event::Key(key));
        }
        Action::Paste(text) if matches!(model.overlay, Overlay::Properties) => {
            let props = &mut model.tab_mut().compose.props;
            props.error = None;
            paste_one_line(props.input_mut(props.focus), &text);
        }
        Action::RenameProfile => profiles::ask_about_selected(model, |from| {
            Overlay::Prompt(Prompt::new(
                PromptKind::Rename { from: from.clone() },
                &from,
            ))
        }),
        Action::DuplicateProfile => profiles::ask_about_selected(model, |from| {
            let copy = format!("{from}-copy");
            Overlay::Prompt(Prompt::new(PromptKind::Duplicate { from }, &copy))
        }),
        Action::DeleteProfile => profiles::ask_about_selected(model, Overlay::ConfirmDelete),
        Action::SubmitPrompt => return prompt::submit(model),
        Action::Confirm => {
            if let Overlay::ConfirmDelete(name) = std::mem::take(&mut model.overlay) {
                return profiles::delete(model, &name);
            }
        }
        Action::ProfilesSaved(result) => profiles::saved(model, result),
        Action::Edit(key) if matches!(model.overlay, Overlay::Prompt(_)) => {
            edit_prompt(model, |input| input.handle_key(key))
        }
        Action::Paste(text) if matches!(model.overlay, Overlay::Prompt(_)) => {
            edit_prompt(model, |input| input.paste(&text))
        }
        // A paste is not a key and reaches `update` whatever is open: under an overlay it
        // would change a field the user cannot see.
        Action::Edit(_) | Action::Paste(_) if !matches!(model.overlay, Overlay::None) => {}
        Action::CloseOverlay => model.overlay = Overlay::None,
        Action::NewTab => new_tab(model),
        Action::CloseTab => return close_tab(model),
        Action::NextTab => model.cycle_tab(1),
        Action::PrevTab => model.cycle_tab(-1),
        Action::GoToTab(index) => {
            if !model.select_tab(index) {
                let count = model.tabs().len();
                model.notify(
                    Level::Info,
                    format!("There is no tab {}: {count} open.", index + 1),
                );
            }
        }
        Action::Resize { page_rows } => model.page_rows = page_rows.max(1),
        Action::Broker(event) => {
            // Cloned only when rare: deliveries pass here thousands of times a second.
            let connected = matches!(event.event, crate::session::WorkerEvent::Connected { .. })
                .then(|| (event.session, event.event.clone()));
            let mut effects = broker_view::broker_event(model, event);
            if let Some((session, connected)) = connected {
                effects.extend(nodes::after_connected(model, session, &connected));
            }
            return effects;
        }
        Action::NodeFound {
            session,
            endpoint,
            result,
        } => nodes::found(model, session, endpoint, result),
        Action::ToggleBrokerView => return broker_view::toggle(model),
        Action::RefreshTopology => return broker_view::refresh_now(model),
        Action::TopologyDue { tab, timer } => return broker_view::due(model, tab, timer),
        Action::TopologyFetched {
            tab,
            fetch,
            fetched,
        } => return broker_view::fetched(model, tab, fetch, *fetched),
        Action::BrokerSelect(_)
        | Action::BrokerOpen
        | Action::BrokerFold
        | Action::BrokerFilter
        | Action::BrokerHideIdle
        | Action::BrokerShowImplicit
        | Action::BrokerSort
        | Action::Simulate => return broker_view::view_action(model, action),
        Action::ToggleObserve => return observe::toggle(model),
        Action::Observed {
            tab,
            observe,
            event,
        } => observe::observed(model, tab, observe, event),
        // The broker view hides the tab's fields: nothing may be typed into them unseen.
        Action::Edit(_) | Action::Paste(_) if model.tab().broker.open => {}
        other => {
            let page_rows = model.page_rows;
            return tab::tab_action(model.tab_mut(), page_rows, other);
        }
    }
    Vec::new()
}

fn toggled(current: &Overlay, wanted: Overlay) -> Overlay {
    if std::mem::discriminant(current) == std::mem::discriminant(&wanted) {
        Overlay::None
    } else {
        wanted
    }
}

/// Enter in the pane: the message under the cursor, or the newest in view, in full.
fn open_message(model: &mut Model) {
    let page = model.page_rows;
    let log = &mut model.tab_mut().log;
    if log.selected().is_none() {
        log.select_by(0, page);
    }
    let Some(entry) = log.selected() else {
        model.notify(Level::Info, "No message to open yet.");
        return;
    };
    let d = &entry.delivery;
    let view = crate::inspect::body::best_view(&d.body, d.properties.content_type.as_deref());
    model.overlay = Overlay::Message {
        view,
        scroll: Scroll::default(),
    };
}

fn edit_prompt(model: &mut Model, apply: impl FnOnce(&mut TextField)) {
    if let Overlay::Prompt(prompt) = &mut model.overlay {
        prompt.error = None;
        apply(&mut prompt.input);
    }
}

/// A new tab starts as a copy of the current form: watching a second exchange on the same
/// broker is the common case.
fn new_tab(model: &mut Model) {
    let mut form = model.tab().form.clone();
    form.error = None;
    match model.open_tab(form) {
        Some(tab) => {
            let close = keymap::keys_at(tab.focus, &Action::CloseTab);
            tab.notify(
                Level::Info,
                format!("New tab: edit the form and press Enter to connect. {close} closes it."),
            )
        }
        None => {
            let close = keymap::keys_at(model.tab().focus, &Action::CloseTab);
            model.notify(
                Level::Warning,
                format!("{MAX_TABS} tabs are open, the most Alt-1..9 can reach: close one with {close} first."),
            )
        }
    }
}

fn close_tab(model: &mut Model) -> Vec<Effect> {
    match model.close_tab() {
        Some(mut tab) => {
            let mut effects = observe::stop(&mut tab);
            effects.extend(disconnect(&mut tab));
            model.notify(Level::Info, format!("Closed tab {}.", tab.title()));
            effects
        }
        None => {
            let quit = keymap::keys_at(model.tab().focus, &Action::Quit);
            model.notify(Level::Info, format!("This is the last tab: {quit} quits."));
            Vec::new()
        }
    }
}

/// Where a publish went, in its protocol's words: an MQTT topic, or an AMQP exchange and
/// key (an MQTT session's key is its topic, mapped as RabbitMQ maps it).
fn target_label(protocol: Protocol, exchange: &str, key: &str) -> String {
    if protocol == Protocol::Mqtt {
        return format!("topic '{}'", crate::mqtt::topic::from_routing_key(key));
    }
    let exchange = if exchange.is_empty() {
        "the default exchange".to_string()
    } else {
        format!("exchange '{exchange}'")
    };
    format!("{exchange} with key '{key}'")
}
