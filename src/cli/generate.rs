//! Shell completions and the manual page, generated from the same clap definition that
//! parses the arguments, so they can never list a flag that does not exist.

use std::io::{self, Write};

use clap::CommandFactory;
use clap_complete::Shell;

use super::Cli;

/// The name users type, whatever the binary file is called.
const BIN_NAME: &str = "amqp-tui";

/// `amqp-tui --completions SHELL`: the completion script for `shell`. Into memory, since
/// clap_complete panics when its writer fails (`amqp-tui --completions bash | head`).
pub fn completions(shell: Shell) -> Vec<u8> {
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), BIN_NAME, &mut out);
    out
}

/// `amqp-tui --man`: the manual page, in roff.
pub fn man() -> Vec<u8> {
    let mut out = Vec::new();
    let command = Cli::command().name(BIN_NAME);
    // Writing to a Vec cannot fail.
    let _ = clap_mangen::Man::new(command).render(&mut out);
    out
}

/// Prints generated text; a reader that stopped early (`| head`) is no failure.
pub fn print(text: &[u8]) -> io::Result<()> {
    match io::stdout().lock().write_all(text) {
        Err(err) if err.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(bytes: Vec<u8>) -> String {
        String::from_utf8(bytes).expect("UTF-8")
    }

    #[test]
    fn every_shell_completes_the_real_flags() {
        for shell in [
            Shell::Bash,
            Shell::Zsh,
            Shell::Fish,
            Shell::Elvish,
            Shell::PowerShell,
        ] {
            let script = text(completions(shell));
            for flag in ["uri", "client-cert", "password-env", "list-profiles", "man"] {
                assert!(script.contains(flag), "{shell}: no {flag}");
            }
        }
    }

    #[test]
    fn the_man_page_documents_the_real_flags() {
        let page = text(man());
        assert!(page.starts_with(".ie"), "roff: {page}");
        assert!(page.contains(".TH amqp-tui 1"), "{page}");
        for flag in ["uri", "client\\-cert", "client\\-key", "password\\-env"] {
            assert!(
                page.contains(&format!("\\-\\-{flag}")),
                "no --{flag}:\n{page}"
            );
        }
    }
}
