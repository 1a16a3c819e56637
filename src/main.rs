use std::process::ExitCode;

use amqp_tui::{
    action::Action,
    app::App,
    cli::Cli,
    model::{Level, Model},
    tui,
};
use clap::Parser;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let launch = cli.launch();
    let mut model = Model::new(&launch.settings);
    match &launch.problem {
        Some(problem) => model.notify(Level::Error, problem),
        None => model.notify(
            Level::Info,
            "Fill in the form and press Enter to connect. F1 lists the keys.",
        ),
    }
    let mut app = App::new(model);
    if launch.connect_now {
        app.dispatch(Action::Connect);
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
