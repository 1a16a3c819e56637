//! Every intent the app acts on: from keys, from the broker, from the clock.

use crossterm::event::KeyEvent;

use crate::{
    profile::{ProfileError, SaveOutcome},
    session::SessionEvent,
};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    Quit,
    /// Quit without asking: SIGTERM, SIGHUP.
    QuitNow,
    ToggleHelp,
    /// Turns the help's pages; positive goes forward.
    HelpPage(isize),
    /// The connection details panel of the current tab.
    ToggleDetails,
    /// Esc (or any key, for help) on whatever is drawn over the tabs.
    CloseOverlay,
    /// A new tab, starting from a copy of the current form.
    NewTab,
    /// Closes the current tab and its session.
    CloseTab,
    NextTab,
    PrevTab,
    /// 0-based.
    GoToTab(usize),
    /// The profile list (F2).
    OpenProfiles,
    ProfileUp,
    ProfileDown,
    /// Enter on the list: into this tab's form (a new tab if this one is in a session).
    LoadProfile,
    /// A new tab from the selected profile, connecting at once.
    OpenProfileInTab,
    /// Save the current form as a profile (asks for the name).
    SaveProfileAs,
    RenameProfile,
    DuplicateProfile,
    /// Asks first.
    DeleteProfile,
    ImportUri,
    /// Enter in a prompt.
    SubmitPrompt,
    /// `y` on a yes/no question.
    Confirm,
    /// The app wrote (or failed to write) the profiles file.
    ProfilesSaved(Result<SaveOutcome, ProfileError>),
    FocusNext,
    FocusPrev,
    /// Enter on the form.
    Connect,
    /// Esc on the form while an attempt is under way.
    CancelConnect,
    /// Esc or q on the message pane: end the session and go back to the form.
    LeaveSession,
    /// Esc in the compose box: back to the message pane.
    FocusMessages,
    Publish,
    ToggleField,
    NextChoice,
    PrevChoice,
    /// Up in the message pane: the cursor moves to the previous (older) message.
    ScrollUp,
    ScrollDown,
    PageUp,
    PageDown,
    ScrollOldest,
    FollowTail,
    ClearMessages,
    /// Pause / resume the live tail.
    TogglePause,
    /// The filter prompt (`/`).
    OpenFilter,
    /// The selected message in full (Enter in the pane).
    OpenMessage,
    /// Export the selected message (`e`) or every shown one (`E`) to JSON Lines.
    ExportSelected,
    ExportShown,
    /// Load an exported file into the pane (`L`).
    LoadFile,
    /// The selected message into the compose box, to send again (`R`).
    Replay,
    /// Every shown message again, to its original exchange and key (`Ctrl-R`).
    ReplayShown,
    /// Publish again what the broker did not confirm (`Ctrl-R` in the compose box).
    ResendUnsent,
    /// The app wrote an export: how many messages, where; or why not.
    Exported(Result<(usize, std::path::PathBuf), String>),
    /// The app read a file for tab `tab`.
    FileLoaded {
        tab: u32,
        path: std::path::PathBuf,
        result: Result<Vec<crate::inspect::export::ExportedMessage>, String>,
    },
    /// The file to publish for tab `tab` could not be read: nothing was published, and
    /// the prompt asks again with the path and the reason.
    PublishFileUnreadable {
        tab: u32,
        path: std::path::PathBuf,
        reason: String,
    },
    /// Ack (`a`), reject (`d`) or requeue (`u`) the selected message (manual acks).
    Settle(crate::session::Settle),
    /// basic.get a batch from the queue and requeue it all (`g`, peek mode).
    Peek,
    /// The session's bindings (`b`): add and remove them live.
    OpenBindings,
    AddBinding,
    RemoveBinding,
    BindingUp,
    BindingDown,
    /// The routing explainer (`x`).
    OpenExplain,
    /// Tab in the explainer: between the key and the headers.
    SwitchExplainInput,
    /// Text → JSON → hex in the message view.
    CycleBodyView,
    /// Scrolls the open overlay's text: the message view or the connection details.
    ScrollOverlay(crate::model::scroll::Step),
    /// Publisher confirms on or off for the compose box (F5).
    ToggleConfirms,
    /// The compose box's properties and headers editor (F4).
    OpenProperties,
    PropertyNext,
    PropertyPrev,
    /// Publish the bytes of a file (asks for the path).
    PublishFile,
    /// A key bound to nothing where it was pressed: it still cancels an armed question
    /// (quit, disconnect, close a tab?).
    OtherKey,
    /// A key for the focused text field.
    Edit(KeyEvent),
    Paste(String),
    /// The terminal changed size; the message pane now shows `page_rows` rows.
    Resize {
        page_rows: usize,
    },
    Broker(SessionEvent),
    /// The broker view (F6) of the current tab, open or closed.
    ToggleBrokerView,
    /// `r` in the broker view: fetch now.
    RefreshTopology,
    /// A refresh timer of tab `tab` went off; only the view's current `timer` counts.
    TopologyDue {
        tab: u32,
        timer: u64,
    },
    /// Fetch `fetch` of tab `tab` answered.
    TopologyFetched {
        tab: u32,
        fetch: u64,
        fetched: Box<crate::model::broker_view::Fetched>,
    },
    /// Moves the broker view's cursor by rows (a page is `page_rows`).
    BrokerSelect(crate::model::scroll::Step),
    /// Enter on the tree: tap the exchange, or peek at the queue, in a new tab.
    BrokerOpen,
    /// Folds or unfolds the exchange under the cursor.
    BrokerFold,
    /// The broker view's name filter (asks for it).
    BrokerFilter,
    /// Hide or show queues without messages or traffic.
    BrokerHideIdle,
    /// Show or hide the default exchange's implicit bindings.
    BrokerShowImplicit,
    /// Queues by name, depth or rate.
    BrokerSort,
    /// Routing simulated over the fetched topology (`x`): asks for exchange, key, headers.
    Simulate,
    /// `o` in the broker view: observe routes through the broker's firehose, or stop.
    ToggleObserve,
    /// The management API said which node a session's connection is on.
    NodeFound {
        session: crate::session::SessionId,
        endpoint: crate::session::Endpoint,
        result: Result<crate::management::NodeSeen, String>,
    },
    /// Observing `observe` of tab `tab` reports.
    Observed {
        tab: u32,
        observe: u64,
        event: crate::observe::ObserveEvent,
    },
}
