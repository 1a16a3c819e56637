//! The real binary's command line: `--help`, shell completions and the man page.

use std::process::{Command, Output};

/// The binary with `args`, in an environment without the variables that fill its flags.
fn run(args: &[&str]) -> Output {
    let output = Command::new(env!("CARGO_BIN_EXE_amqp-tui"))
        .args(args)
        .env_remove("AMQP_URL")
        .env_remove("AMQP_TUI_LOG")
        .env_remove("AMQP_TUI_LOG_FILE")
        .output()
        .expect("run amqp-tui");
    assert!(
        output.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

fn stdout(args: &[&str]) -> String {
    String::from_utf8(run(args).stdout).expect("UTF-8")
}

const NEW_FLAGS: [&str; 5] = [
    "--client-cert",
    "--client-key",
    "--password-env",
    "--completions",
    "--man",
];

#[test]
fn help_names_each_variable_without_an_empty_value() {
    let help = stdout(&["--help"]);
    for env in [
        "[env: AMQP_URL]",
        "[env: AMQP_TUI_LOG_FILE]",
        "[env: AMQP_TUI_LOG]",
    ] {
        assert!(help.contains(env), "no {env} in:\n{help}");
    }
    assert!(!help.contains("=]"), "an empty env value shown:\n{help}");
    for flag in NEW_FLAGS {
        assert!(help.contains(flag), "no {flag} in:\n{help}");
    }
}

#[test]
fn completions_for_every_shell_name_the_real_flags() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let script = stdout(&["--completions", shell]);
        for flag in [
            "uri",
            "client-cert",
            "password-env",
            "list-profiles",
            "routing-key",
        ] {
            assert!(script.contains(flag), "{shell}: no {flag}");
        }
    }
    let bash = stdout(&["--completions", "bash"]);
    assert!(bash.contains("complete -F _amqp__tui"), "{bash}");
}

#[test]
fn the_man_page_is_roff_for_amqp_tui_with_the_real_flags() {
    let page = stdout(&["--man"]);
    assert!(page.contains(".TH amqp-tui 1"), "{page}");
    assert!(page.contains(".SH OPTIONS"), "{page}");
    for flag in NEW_FLAGS.iter().chain(&["--uri", "--list-profiles"]) {
        let roff = flag.replace('-', "\\-");
        assert!(page.contains(&roff), "no {flag} in:\n{page}");
    }
}

#[test]
fn an_unknown_shell_is_refused_with_the_choices() {
    let output = Command::new(env!("CARGO_BIN_EXE_amqp-tui"))
        .args(["--completions", "tcsh"])
        .output()
        .expect("run amqp-tui");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("bash") && stderr.contains("zsh"),
        "{stderr}"
    );
}
