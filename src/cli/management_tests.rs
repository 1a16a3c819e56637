//! `--management` for the app and `amqp-tui route`'s arguments.

use super::*;

fn cli(args: &[&str]) -> Cli {
    let mut argv = vec!["amqp-tui"];
    argv.extend_from_slice(args);
    Cli::try_parse_from(argv).expect("arguments parse")
}

#[test]
fn management_sets_the_sessions_management_url() {
    let launch = cli(&["--uri", "amqp://u:p@h/", "--management", "https://h:15671"]).launch();
    assert_eq!(launch.settings.management.url, "https://h:15671");
    assert_eq!(launch.problem, None);
    assert!(launch.connect_now);
}

#[test]
fn a_bad_management_url_names_the_flag_and_keeps_the_app_usable() {
    let launch = cli(&[
        "--uri",
        "amqp://u:p@h/",
        "--management",
        "ftp://u:hunter2@h",
    ])
    .launch();
    let problem = launch.problem.expect("a problem");
    assert!(
        problem.starts_with("--management: Management URL: 'ftp://u:***@h' is ftp://"),
        "{problem}"
    );
    assert!(!launch.connect_now);
}

#[test]
fn a_password_in_management_is_warned_about_like_one_in_uri() {
    let with = cli(&["--management", "http://ops:hunter2@h:15672"]);
    let warning = with.management_password_warning().expect("a warning");
    assert!(
        warning.contains("visible to other local users (ps)"),
        "{warning}"
    );
    assert!(!warning.contains("hunter2"));
    assert_eq!(
        cli(&["--management", "http://ops@h:15672"]).management_password_warning(),
        None
    );
}

#[test]
fn management_is_not_mixed_with_a_profile() {
    assert!(
        Cli::try_parse_from(["amqp-tui", "--profile", "p", "--management", "http://h"]).is_err()
    );
}

#[test]
fn route_reads_headers_as_json_when_they_are() {
    let Some(Command::Route(args)) = cli(&[
        "route",
        "--exchange",
        "x",
        "--key",
        "k",
        "--header",
        "n=1",
        "--header",
        "s=text",
        "--header",
        "CC=[\"a\",\"b\"]",
        "--header",
        "empty=",
    ])
    .command
    else {
        panic!("the route command");
    };
    let probe = args.probe().expect("a probe");
    assert_eq!(
        serde_json::Value::Object(probe.headers),
        serde_json::json!({"n": 1, "s": "text", "CC": ["a", "b"], "empty": ""})
    );
    let Some(Command::Route(bad)) =
        cli(&["route", "--exchange", "x", "--header", "novalue"]).command
    else {
        panic!("the route command");
    };
    let err = bad.probe().expect_err("no '='");
    assert!(err.starts_with("--header 'novalue' has no '='"), "{err}");
}

#[test]
fn a_password_in_management_moves_out_of_the_url_into_the_password() {
    let launch = cli(&["--management", "http://ops:hunter%202@h:15672"]).launch();
    let management = &launch.settings.management;
    assert_eq!(management.url, "http://ops@h:15672");
    assert_eq!(management.password, "hunter 2");
    // So the form never draws it in the URL field, and a profile never saves it there.
    let form = crate::model::ConnectForm::from_settings(&launch.settings);
    assert_eq!(
        form.value(crate::model::Field::ManagementUrl),
        "http://ops@h:15672"
    );
}

#[test]
fn refresh_is_seconds_between_one_and_an_hour() {
    assert_eq!(cli(&[]).refresh, 5);
    assert_eq!(cli(&["--refresh", "30"]).refresh, 30);
    for bad in ["0", "3601", "soon"] {
        let err = Cli::try_parse_from(["amqp-tui", "--refresh", bad]).expect_err(bad);
        assert!(err.to_string().contains("--refresh"), "{err}");
    }
}
