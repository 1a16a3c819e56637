//! Ctrl-O, the file a compose box publishes: a path that cannot be read is the user's
//! input to fix on the prompt, never a publish that failed.

mod support;

use amqp_tui::{
    action::Action,
    amqp::ConnectionSettings,
    app::App,
    model::{Overlay, PromptKind, compose::Tally},
};
use support::screen::{connected, line_with, lines, render};

#[tokio::test]
async fn a_directory_keeps_the_prompt_open_with_its_path_and_counts_no_publish() {
    // A directory that exists on every machine; nothing is created, nothing to remove.
    let dir = std::env::temp_dir().display().to_string();
    let mut app = App::new(connected(ConnectionSettings::default()));
    app.dispatch(Action::PublishFile);
    app.dispatch(Action::Paste(dir.clone()));
    app.dispatch(Action::SubmitPrompt);
    // The file is read off the loop; its answer comes back as an action.
    app.settle_disk().await;

    let model = app.model();
    let Overlay::Prompt(prompt) = &model.overlay else {
        panic!("the prompt must stay open, got {:?}", model.overlay);
    };
    assert_eq!(prompt.kind, PromptKind::PublishFile);
    assert_eq!(prompt.input.value(), dir, "the path typed is kept");
    let expected = format!("{dir} is a directory: give a file.");
    assert_eq!(prompt.error.as_deref(), Some(expected.as_str()));
    let compose = &model.tab().compose;
    assert_eq!(compose.tally, Tally::default(), "nothing was published");
    assert_eq!(compose.in_flight, 0, "nothing awaits a confirm");
    assert!(compose.unsent.is_empty(), "nothing to offer Ctrl-R for");
    let screen = lines(&render(model));
    assert!(
        line_with(&screen, &expected).contains(&expected),
        "the reason is on the prompt"
    );
}
