//! The terminal: raw mode, alternate screen and bracketed paste on the way in, all of it
//! undone on the way out, on error, and on panic.

use std::io::{self, IsTerminal, stdout};

use crossterm::{
    event::{DisableBracketedPaste, EnableBracketedPaste},
    execute,
};
use ratatui::DefaultTerminal;

pub fn init() -> io::Result<DefaultTerminal> {
    if !io::stdin().is_terminal() || !stdout().is_terminal() {
        return Err(io::Error::other(
            "this is an interactive terminal UI: run it with its input and output on a terminal, not a pipe",
        ));
    }
    // ratatui's hook restores raw mode and the screen; ours adds paste mode before it.
    let terminal = ratatui::try_init()?;
    let ratatui_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let _ = execute!(stdout(), DisableBracketedPaste);
        ratatui_hook(info);
    }));
    // Without bracketed paste a pasted newline would arrive as Enter and publish.
    let _ = execute!(stdout(), EnableBracketedPaste);
    Ok(terminal)
}

pub fn restore() {
    let _ = execute!(stdout(), DisableBracketedPaste);
    ratatui::restore();
}
