//! The terminal: raw mode, alternate screen and bracketed paste on the way in, all of it
//! undone on the way out, on error, and on panic.
//!
//! We do not use `ratatui::init`/`restore`: their restore stops at the first failed step
//! and reports it with `eprintln!`, which panics when stderr is the terminal that just
//! went away (SIGHUP); inside the panic hook that second panic aborts the process.
//!
//! What a draw writes goes out as one synchronized update (DEC mode 2026): a terminal that
//! knows the mode shows each frame whole, never half drawn, and one that does not ignores
//! it. Our PTY tests read the screen the same way, frame by frame.

use std::io::{self, IsTerminal, Stdout, Write, stdout};

use crossterm::{
    cursor::Show,
    event::{DisableBracketedPaste, EnableBracketedPaste},
    execute,
    terminal::{EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode},
};
use ratatui::{Terminal, backend::CrosstermBackend};

/// The app's terminal: crossterm on stdout, a frame at a time.
pub type AppTerminal = Terminal<CrosstermBackend<FrameWriter<Stdout>>>;

/// Starts a synchronized update: the terminal holds what follows until [`FRAME_END`].
pub const FRAME_BEGIN: &[u8] = b"\x1b[?2026h";
/// Ends a synchronized update: the terminal shows everything since [`FRAME_BEGIN`] at once.
pub const FRAME_END: &[u8] = b"\x1b[?2026l";

/// Holds what is written until a flush, then writes it between [`FRAME_BEGIN`] and
/// [`FRAME_END`] in one piece: ratatui flushes once the frame and its cursor are drawn.
pub struct FrameWriter<W: Write> {
    pending: Vec<u8>,
    out: W,
}

impl<W: Write> FrameWriter<W> {
    pub fn new(out: W) -> Self {
        Self {
            pending: Vec::new(),
            out,
        }
    }
}

impl<W: Write> Write for FrameWriter<W> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.pending.extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if !self.pending.is_empty() {
            let mut frame = Vec::with_capacity(self.pending.len() + 16);
            frame.extend_from_slice(FRAME_BEGIN);
            frame.append(&mut self.pending);
            frame.extend_from_slice(FRAME_END);
            // Written or not, this frame is over: a failed write is not tried again.
            self.out.write_all(&frame)?;
        }
        self.out.flush()
    }
}

pub fn init() -> io::Result<AppTerminal> {
    if !io::stdin().is_terminal() || !stdout().is_terminal() {
        return Err(io::Error::other(
            "this is an interactive terminal UI: run it with its input and output on a terminal, not a pipe",
        ));
    }
    // Before the first change, so a panic at any point after it is undone.
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        default_hook(info);
    }));
    let entered = enable_raw_mode()
        .and_then(|()| execute!(stdout(), EnterAlternateScreen))
        .and_then(|()| Terminal::new(CrosstermBackend::new(FrameWriter::new(stdout()))));
    match entered {
        Ok(terminal) => {
            // Without bracketed paste a pasted newline would arrive as Enter and publish.
            let _ = execute!(stdout(), EnableBracketedPaste);
            Ok(terminal)
        }
        Err(err) => {
            restore();
            Err(err)
        }
    }
}

/// Hands the terminal back. Never panics and never blocks on a report nobody can read.
pub fn restore() {
    if let Some(err) = undo(&mut stdout(), disable_raw_mode) {
        // After a hangup nobody is left to read this; failing to say it is no error.
        let _ = writeln!(
            io::stderr(),
            "amqp-tui: could not restore the terminal: {err}"
        );
    }
}

/// Every step is tried even when an earlier one failed, so a half-broken terminal gets
/// back all that can still be given; the first failure is returned. Raw mode goes first:
/// it changes how everything after it is read.
fn undo(out: &mut impl Write, raw_off: impl FnOnce() -> io::Result<()>) -> Option<io::Error> {
    let mut first = None;
    let mut note = |step: io::Result<()>| {
        if let Err(err) = step {
            first.get_or_insert(err);
        }
    };
    note(raw_off());
    note(execute!(out, DisableBracketedPaste));
    note(execute!(out, LeaveAlternateScreen));
    note(execute!(out, Show));
    first
}

/// The terminal's events for the app's loop: crossterm's stream, ended once the terminal
/// hangs up. crossterm 0.29 retries a read that returns EOF or EIO for ever, so reading a
/// hung-up terminal froze the app in a busy loop (seen in tests/pty_terminal: a window
/// closed under a flood of messages, the app never exited). poll(2) says POLLHUP first;
/// the stream then ends, and the loop with it.
pub struct TerminalEvents {
    inner: crossterm::event::EventStream,
    /// Whether stdin is the terminal crossterm reads: only then does its state tell.
    watch_stdin: bool,
}

impl TerminalEvents {
    pub fn new() -> Self {
        Self {
            inner: crossterm::event::EventStream::new(),
            watch_stdin: io::stdin().is_terminal(),
        }
    }
}

impl Default for TerminalEvents {
    fn default() -> Self {
        Self::new()
    }
}

impl futures_lite::Stream for TerminalEvents {
    type Item = io::Result<crossterm::event::Event>;

    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        if self.watch_stdin && hung_up(&io::stdin()) {
            return std::task::Poll::Ready(None);
        }
        std::pin::Pin::new(&mut self.inner).poll_next(cx)
    }
}

/// The terminal behind `fd` has hung up (or is no longer valid).
fn hung_up(fd: &impl std::os::fd::AsFd) -> bool {
    use rustix::event::{PollFd, PollFlags, Timespec, poll};
    let mut fds = [PollFd::new(fd, PollFlags::IN)];
    let now = Timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    match poll(&mut fds, Some(&now)) {
        Ok(_) => fds[0]
            .revents()
            .intersects(PollFlags::HUP | PollFlags::ERR | PollFlags::NVAL),
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A terminal that is gone: every write fails, as on a hung-up tty.
    struct Gone {
        attempts: usize,
    }

    impl Write for Gone {
        fn write(&mut self, _: &[u8]) -> io::Result<usize> {
            self.attempts += 1;
            Err(io::Error::from_raw_os_error(libc::EIO))
        }
        fn flush(&mut self) -> io::Result<()> {
            Err(io::Error::from_raw_os_error(libc::EIO))
        }
    }

    #[test]
    fn a_frame_goes_out_whole_between_the_synchronized_update_marks() {
        let mut writer = FrameWriter::new(Vec::new());
        writer.write_all(b"top").expect("write");
        writer.write_all(b" bottom").expect("write");
        assert!(writer.out.is_empty(), "nothing goes out before the flush");
        writer.flush().expect("flush");
        writer
            .flush()
            .expect("an empty flush writes no empty frame");
        assert_eq!(writer.out, b"\x1b[?2026htop bottom\x1b[?2026l");
    }

    #[test]
    fn every_step_is_undone_in_order() {
        let mut out = Vec::new();
        let mut raw_off_called = false;
        let failed = undo(&mut out, || {
            raw_off_called = true;
            Ok(())
        });
        assert!(failed.is_none());
        assert!(raw_off_called);
        assert_eq!(
            String::from_utf8_lossy(&out),
            "\x1b[?2004l\x1b[?1049l\x1b[?25h",
            "paste off, alternate screen left, cursor shown"
        );
    }

    #[test]
    fn a_terminal_that_is_gone_gets_every_step_tried_and_nothing_panics() {
        let mut out = Gone { attempts: 0 };
        let failed = undo(&mut out, || Err(io::Error::from_raw_os_error(libc::ENXIO)));
        assert_eq!(
            failed.and_then(|e| e.raw_os_error()),
            Some(libc::ENXIO),
            "the first failure is the one reported"
        );
        assert_eq!(
            out.attempts, 3,
            "each of the three sequences was still tried"
        );
    }
}
