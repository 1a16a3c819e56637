use std::process::ExitCode;

use amqp_tui::{
    action::Action,
    app::App,
    cli::Cli,
    model::{ConnectForm, Level, Model},
    profile::{self, ProfileStore},
    tui,
    update::open_in_new_tab,
};
use clap::Parser;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let loaded = profile::config_dir().map(|dir| ProfileStore::load(&dir));
    if cli.list_profiles {
        return list_profiles(&loaded);
    }
    let launch = cli.launch();
    let mut model = Model::with_history(&launch.settings, cli.history());
    let mut app_store = None;
    let mut connect_now = launch.connect_now;
    match loaded {
        Ok(loaded) => {
            model.profiles.path = Some(loaded.store.path().to_path_buf());
            model.profiles.profiles = loaded.profiles;
            model.profiles.problem = loaded.problem.map(|p| p.to_string());
            app_store = Some(loaded.store);
        }
        Err(err) => model.profiles.problem = Some(err.to_string()),
    }
    // Named profiles replace the form the other flags describe, one tab each.
    let mut profile_tabs = Vec::new();
    for (i, name) in cli.profile.iter().enumerate() {
        let Some(profile) = model.profiles.get(name).cloned() else {
            eprintln!("amqp-tui: {}", unknown_profile(name, &model));
            return ExitCode::from(2);
        };
        let form = ConnectForm::from_profile(&profile);
        if i == 0 {
            model.tab_mut().form = form;
            model.tab_mut().profile = Some(profile.name.clone());
        } else {
            open_in_new_tab(&mut model, form, &profile.name, false);
        }
        profile_tabs.push(i);
    }
    if !cli.profile.is_empty() {
        connect_now = !cli.no_connect;
    }
    match (&launch.problem, &model.profiles.problem) {
        (Some(problem), _) => model.notify(Level::Error, problem),
        (None, Some(problem)) => model.notify(
            Level::Error,
            format!("Profiles are unavailable: {problem}"),
        ),
        (None, None) => model.notify(
            Level::Info,
            "Fill in the form and press Enter to connect. F2 opens the profiles, F1 lists the keys.",
        ),
    }
    let mut app = App::with_event_capacity(model, cli.channel_capacity);
    if let Some(store) = app_store {
        app = app.with_profiles(store);
    }
    if connect_now {
        if profile_tabs.is_empty() {
            app.dispatch(Action::Connect);
        }
        // The first tab last, so it is the one in front.
        for index in profile_tabs.into_iter().rev() {
            app.dispatch(Action::GoToTab(index));
            app.dispatch(Action::Connect);
        }
    }
    let mut terminal = match tui::init() {
        Ok(terminal) => terminal,
        Err(err) => {
            eprintln!("amqp-tui: {err}");
            return ExitCode::from(2);
        }
    };
    let result = app.run(&mut terminal).await;
    tui::restore();
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("amqp-tui: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn list_profiles(loaded: &Result<profile::Loaded, profile::ProfileError>) -> ExitCode {
    let loaded = match loaded {
        Ok(loaded) => loaded,
        Err(err) => {
            eprintln!("amqp-tui: {err}");
            return ExitCode::FAILURE;
        }
    };
    if let Some(problem) = &loaded.problem {
        eprintln!("amqp-tui: {problem}");
        return ExitCode::FAILURE;
    }
    if loaded.profiles.is_empty() {
        println!(
            "No profiles in {}. Save one from the app's profile list (F2).",
            loaded.store.path().display()
        );
    } else {
        print!("{}", profile::list_text(&loaded.profiles));
    }
    ExitCode::SUCCESS
}

fn unknown_profile(name: &str, model: &Model) -> String {
    let names: Vec<&str> = model
        .profiles
        .profiles
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    let name = amqp_tui::text::visible(name);
    match (&model.profiles.problem, names.is_empty()) {
        (Some(problem), _) => {
            format!("no profile {name}: the profiles file is unusable: {problem}")
        }
        (None, true) => {
            format!("no profile {name}: there are no saved profiles (amqp-tui --list-profiles)")
        }
        (None, false) => format!("no profile {name}; saved profiles: {}", names.join(", ")),
    }
}
