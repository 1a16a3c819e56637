use std::{io::Write, process::ExitCode};

use amqp_tui::{
    action::Action,
    app::{self, App},
    cli::{Cli, Command, generate, password, route::RouteArgs},
    logging,
    model::{ConnectForm, Level, Model},
    profile::{self, ProfileStore},
    tui,
    update::open_in_new_tab,
};
use clap::Parser;

/// A plain `fn main`: hiding a password from `ps` may exec and edits the environment, which
/// must happen while the process has one thread, before the runtime starts its workers.
fn main() -> ExitCode {
    deep_thread_stacks();
    let origin = password::hide_from_ps();
    let mut cli = Cli::parse();
    if let Some(Command::Route(args)) = &mut cli.command {
        origin.restore(&mut args.uri);
        return route(args, &origin);
    }
    origin.restore(&mut cli.uri);
    // Before the log is opened: these only print, and run at install time.
    let generated = match (cli.completions, cli.man) {
        (Some(shell), _) => Some(generate::completions(shell)),
        (None, true) => Some(generate::man()),
        (None, false) => None,
    };
    if let Some(text) = generated {
        return match generate::print(&text) {
            Ok(()) => ExitCode::SUCCESS,
            Err(err) => {
                let _ = writeln!(std::io::stderr(), "amqp-tui: cannot print: {err}");
                ExitCode::FAILURE
            }
        };
    }
    let logging = logging::init(cli.log_file.as_deref(), &cli.log_level);
    tracing::info!(
        version = env!("CARGO_PKG_VERSION"),
        log_level = %cli.log_level,
        "amqp-tui starting"
    );
    if let password::Origin::StillOnCommandLine(why) = &origin {
        tracing::warn!("the --uri password is still on the command line: {why}");
    }
    // The loop runs on a worker and draws with blocking writes: on a one-CPU machine a
    // single worker would stop every session's heart-beats while a slow terminal takes
    // a frame, so there are always at least two.
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get().max(2));
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("amqp-tui: cannot start the async runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    let code = runtime.block_on(app::on_runtime_worker(run(cli, origin, logging)));
    tracing::info!("amqp-tui exiting");
    code
}

/// `amqp-tui route`: no terminal setup, no log file; the answer on stdout, problems on
/// stderr.
fn route(args: &RouteArgs, origin: &password::Origin) -> ExitCode {
    if let Some(warning) = origin.warning() {
        let _ = writeln!(std::io::stderr(), "amqp-tui route: {warning}");
    }
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            let _ = writeln!(
                std::io::stderr(),
                "amqp-tui: cannot start the async runtime: {err}"
            );
            return ExitCode::FAILURE;
        }
    };
    let outcome = runtime.block_on(args.run());
    // A closed stdout (`| head`) is no reason to panic.
    let _ = std::io::stdout().write_all(outcome.stdout.as_bytes());
    let _ = std::io::stderr().write_all(outcome.stderr.as_bytes());
    ExitCode::from(outcome.code)
}

/// lapin reads header tables recursively on its own I/O thread, and a broker passes on
/// tables nested as deep as a frame holds (about 18,000 levels in RabbitMQ's 128 KiB
/// frame): on the default 2 MiB stack one hostile message would abort the app, terminal
/// and all. Threads without an explicit size, lapin's among them, take theirs from
/// `RUST_MIN_STACK`, read once at the first spawn. Only address space is reserved; pages
/// are used as the stack grows. Debug builds use far more stack per level.
fn deep_thread_stacks() {
    const STACK: usize = if cfg!(debug_assertions) { 512 } else { 64 } << 20;
    if std::env::var_os("RUST_MIN_STACK").is_none() {
        // SAFETY: the process has one thread (nothing has spawned yet), so nothing reads
        // the environment concurrently.
        unsafe { std::env::set_var("RUST_MIN_STACK", STACK.to_string()) };
    }
}

async fn run(cli: Cli, origin: password::Origin, logging: logging::Logging) -> ExitCode {
    let loaded = profile::config_dir().map(|dir| ProfileStore::load(&dir));
    if cli.list_profiles {
        return list_profiles(&loaded);
    }
    let launch = cli.launch();
    let mut model = Model::with_history(&launch.settings, cli.history());
    launch.fill_form(&mut model.tab_mut().form);
    model.open_broker_view = cli.view == Some(amqp_tui::cli::StartView::Topology);
    model.topology_refresh = std::time::Duration::from_secs(cli.refresh);
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
    if let Some(uri) = &cli.uri {
        tracing::info!(
            uri = %amqp_tui::session::uri::redacted(uri),
            connect_now,
            "launched with a URI"
        );
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
    for problem in &logging.problems {
        model.notify(Level::Error, problem);
    }
    if let Some(warning) = cli.management_password_warning() {
        tracing::warn!("the --management password is on the command line");
        model.notify(Level::Error, warning);
    }
    // Last, so it is the notice in view; the tab bar keeps a short form once it is replaced.
    if let Some(warning) = origin.warning() {
        model.notify(Level::Error, warning);
        model.warning =
            Some("--uri password was visible in ps and shell history: use AMQP_URL".into());
    }
    #[cfg(debug_assertions)]
    let debug_panic = debug_panic_message(&launch.settings, &model);
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
    #[cfg(debug_assertions)]
    if let Some(message) = debug_panic {
        panic!("{message}");
    }
    let result = app.run(&mut terminal).await;
    tui::restore();
    // restore() has shown the cursor. Dropping the Terminal would show it again when the
    // app hid it (no text field focused) and, on a hung-up terminal, report that failing
    // with eprintln!, which panics on a dead stderr: exit code 101 instead of 0.
    std::mem::forget(terminal);
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            // The terminal may be the very thing that failed: eprintln! would panic.
            let _ = writeln!(std::io::stderr(), "amqp-tui: {err:#}");
            ExitCode::FAILURE
        }
    }
}

/// Debug builds only: with `AMQP_TUI_DEBUG_PANIC` set, panic once the terminal is in raw
/// mode, with the state a real panic message would most likely carry, so a test can check
/// that the terminal is restored and that the message holds no password.
#[cfg(debug_assertions)]
fn debug_panic_message(
    settings: &amqp_tui::session::ConnectionSettings,
    model: &Model,
) -> Option<String> {
    std::env::var_os("AMQP_TUI_DEBUG_PANIC")?;
    Some(format!(
        "AMQP_TUI_DEBUG_PANIC is set: panicking on purpose with {settings:?} and {:?}",
        model.tab().form
    ))
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
