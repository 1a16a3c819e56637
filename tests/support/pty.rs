//! The real binary in a pseudo-terminal: keys in, screen text out.

use std::{
    fs::File,
    io::{Read, Write},
    os::fd::FromRawFd,
    path::Path,
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, Ordering},
    },
    thread::JoinHandle,
    time::{Duration, Instant},
};

use portable_pty::{Child, CommandBuilder, ExitStatus, MasterPty, PtySize, native_pty_system};

pub const ROWS: u16 = 30;
const COLS: u16 = 110;

/// amqp-tui running in a pty, with what it drew parsed by a VT100 emulator.
pub struct Launched {
    pub child: Box<dyn Child + Send + Sync>,
    keys: Option<Box<dyn Write + Send>>,
    parser: Arc<Mutex<vt100::Parser>>,
    raw: Arc<Mutex<Vec<u8>>>,
    /// `None` once hung up: the terminal is gone.
    master: Option<Box<dyn MasterPty + Send>>,
    /// Tells the reader to let go of its copy of the master, so a hangup can close it.
    stop_reading: Arc<AtomicBool>,
    reader: Option<JoinHandle<()>>,
    /// The profiles directory `start` made for this run, removed with it.
    config: Option<tempfile::TempDir>,
}

impl Launched {
    /// amqp-tui connecting to `uri` and watching `routing`'s exchange (direct) and key,
    /// with `extra` arguments after those.
    pub fn watching(uri: &str, routing: &amqp_tui::amqp::Routing, extra: &[&str]) -> Self {
        Self::start(&watch_args(uri, routing, extra))
    }

    /// Starts amqp-tui with its own empty profiles directory.
    pub fn start(args: &[&str]) -> Self {
        let config = super::scratch_dir("pty");
        let mut app = Self::start_with_config(args, config.path());
        app.config = Some(config);
        app
    }

    /// Starts amqp-tui reading its profiles from `config_dir`.
    pub fn start_with_config(args: &[&str], config_dir: &Path) -> Self {
        Self::start_with_env(args, config_dir, &[])
    }

    /// Starts amqp-tui with `env` set on top of the usual test environment.
    pub fn start_with_env(args: &[&str], config_dir: &Path, env: &[(&str, &str)]) -> Self {
        Self::start_sized(args, config_dir, env, (COLS, ROWS))
    }

    /// Starts amqp-tui in a terminal of `cols` x `rows`.
    pub fn start_sized(
        args: &[&str],
        config_dir: &Path,
        env: &[(&str, &str)],
        (cols, rows): (u16, u16),
    ) -> Self {
        let pty = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("open a pty");
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_amqp-tui"));
        cmd.args(args);
        cmd.env("TERM", "xterm-256color");
        cmd.env_remove("AMQP_URL");
        // Never the user's own profiles.
        cmd.env("AMQP_TUI_CONFIG_DIR", config_dir);
        // Nor the user's own log file.
        cmd.env("AMQP_TUI_LOG_FILE", config_dir.join("amqp-tui.log"));
        cmd.env_remove("AMQP_TUI_LOG");
        for (name, value) in env {
            cmd.env(name, value);
        }
        let child = pty.slave.spawn_command(cmd).expect("spawn amqp-tui");
        drop(pty.slave);

        let parser = Arc::new(Mutex::new(vt100::Parser::new(rows, cols, 0)));
        let raw: Arc<Mutex<Vec<u8>>> = Arc::default();
        let master_fd = pty.master.as_raw_fd().expect("a unix pty has a master fd");
        // Close-on-exec, unlike plain dup(2): an app another test spawns meanwhile must not
        // inherit our master and hold it open, or a hang-up here would never reach our app.
        // SAFETY: fcntl(2) F_DUPFD_CLOEXEC of an open fd; the copy is owned by the File below.
        let fd = unsafe { libc::fcntl(master_fd, libc::F_DUPFD_CLOEXEC, 0) };
        assert!(fd >= 0, "dup the pty master");
        // SAFETY: `fd` is a fresh descriptor nothing else owns.
        let mut reader = unsafe { File::from_raw_fd(fd) };
        let (screen, bytes) = (Arc::clone(&parser), Arc::clone(&raw));
        let stop_reading = Arc::new(AtomicBool::new(false));
        let stop = Arc::clone(&stop_reading);
        let reader = std::thread::spawn(move || {
            let mut frames = Frames::default();
            let mut buf = [0u8; 8192];
            // Polled, not blocked in read: a hangup must be able to close this copy.
            while !stop.load(Ordering::Relaxed) {
                let mut poll = libc::pollfd {
                    fd,
                    events: libc::POLLIN,
                    revents: 0,
                };
                // SAFETY: one valid pollfd, for the fd `reader` keeps open.
                let ready = unsafe { libc::poll(&mut poll, 1, 50) };
                if ready == 0
                    || (ready < 0
                        && std::io::Error::last_os_error().kind()
                            == std::io::ErrorKind::Interrupted)
                {
                    continue;
                }
                match reader.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        bytes.lock().expect("raw lock").extend_from_slice(&buf[..n]);
                        frames.extend(&buf[..n]);
                        let whole = frames.take_whole();
                        screen.lock().expect("parser lock").process(&whole);
                    }
                }
            }
        });
        let keys = pty.master.take_writer().expect("pty writer");
        Self {
            child,
            keys: Some(keys),
            parser,
            raw,
            master: Some(pty.master),
            stop_reading,
            reader: Some(reader),
            config: None,
        }
    }

    /// Closes the terminal under the app, as when its window or SSH session goes away: the
    /// kernel sends SIGHUP, and the app's reads and writes on it fail from then on.
    pub fn hang_up(&mut self) {
        self.stop_reading.store(true, Ordering::Relaxed);
        if let Some(reader) = self.reader.take() {
            reader.join().expect("the pty reader ends");
        }
        // The writer sends EOF as it goes; the app may read it before the hangup.
        self.keys = None;
        self.master = None;
    }

    /// Resizes the window as a terminal emulator does: TIOCSWINSZ on the master, which
    /// makes the kernel send SIGWINCH to the app. What it draws is read at the new size.
    pub fn resize(&mut self, cols: u16, rows: u16) {
        let master = self.master.as_ref().expect("the terminal is still there");
        // The reader waits on this lock from before the resize until the blank emulator is
        // in place: a frame the app draws for the new size, however quickly, reaches it and
        // not the old one.
        let mut parser = self.parser.lock().expect("parser lock");
        master
            .resize(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("resize the pty");
        // A blank emulator at the new size: whatever shows from now on was drawn after the
        // resize. It needs two columns and two rows (the app is told the real size):
        // vt100 0.16 panics on a wide character in a one-column grid, and on a line that
        // wraps in a one-row grid (`col_wrap` subtracts the scroll from row 0), as in a
        // frame drawn for the old size.
        *parser = vt100::Parser::new(rows.max(2), cols.max(2), 0);
    }

    /// The terminal's line discipline is cooked again: raw mode was turned off.
    pub fn assert_cooked(&self) {
        let master = self.master.as_ref().expect("the terminal is still there");
        let fd = master.as_raw_fd().expect("a unix pty has a master fd");
        // SAFETY: an all-zero termios is a valid value to be overwritten.
        let mut termios: libc::termios = unsafe { std::mem::zeroed() };
        // SAFETY: tcgetattr(3) on an open fd, into a termios we own.
        let read = unsafe { libc::tcgetattr(fd, &mut termios) };
        assert_eq!(read, 0, "read the pty's termios");
        let cooked = libc::ICANON | libc::ECHO;
        assert_eq!(
            termios.c_lflag & cooked,
            cooked,
            "raw mode is still on: c_lflag {:#o}",
            termios.c_lflag
        );
    }

    pub fn screen(&self) -> String {
        self.parser.lock().expect("parser lock").screen().contents()
    }

    pub fn wait_for(&self, what: &str, within: Duration, found: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + within;
        loop {
            let text = self.screen();
            if found(&text) {
                return text;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}; screen:\n{text}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn press(&mut self, keys: &[u8]) {
        let writer = self.keys.as_mut().expect("the terminal is still there");
        writer.write_all(keys).expect("type");
        writer.flush().expect("flush");
    }

    pub fn exit_status(&mut self, within: Duration) -> ExitStatus {
        let deadline = Instant::now() + within;
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "amqp-tui did not exit; screen:\n{}",
                self.screen()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Everything the app wrote to the terminal so far, escape sequences included.
    pub fn raw_output(&self) -> String {
        String::from_utf8_lossy(&self.raw.lock().expect("raw lock")).into_owned()
    }

    /// The app's process id.
    pub fn pid(&self) -> u32 {
        self.child.process_id().expect("a pid")
    }

    /// `/proc/PID/cmdline` of the app, arguments joined by spaces: what `ps` shows.
    pub fn cmdline(&self) -> String {
        let pid = self.child.process_id().expect("a pid");
        let raw = std::fs::read(format!("/proc/{pid}/cmdline")).expect("read cmdline");
        String::from_utf8_lossy(&raw).replace('\0', " ")
    }

    /// Like `assert_terminal_restored`, for output that goes on after the restore (a panic
    /// message): the restore must come before `text`.
    pub fn assert_terminal_restored_before(&self, text: &str) {
        std::thread::sleep(Duration::from_millis(200));
        let raw = self.raw_output();
        let at = raw
            .find(text)
            .unwrap_or_else(|| panic!("{text:?} was never written: {raw:?}"));
        for (sequence, what) in [
            ("\x1b[?1049l", "alternate screen"),
            ("\x1b[?2004l", "bracketed paste"),
        ] {
            let restored = raw[..at].rfind(sequence);
            assert!(
                restored.is_some(),
                "the {what} was not restored before {text:?}: {raw:?}"
            );
        }
    }

    /// Asserts the terminal was handed back: alternate screen left, paste mode off.
    pub fn assert_terminal_restored(&self) {
        std::thread::sleep(Duration::from_millis(200));
        let raw = self.raw.lock().expect("raw lock");
        let tail = String::from_utf8_lossy(&raw[raw.len().saturating_sub(200)..]).into_owned();
        assert!(
            tail.contains("\x1b[?1049l"),
            "the alternate screen was not left: {tail:?}"
        );
        assert!(
            tail.contains("\x1b[?2004l"),
            "bracketed paste was not turned off: {tail:?}"
        );
        assert!(tail.contains("\x1b[?25h"), "the cursor is hidden: {tail:?}");
    }
}

impl Drop for Launched {
    /// A test that failed half way must not leave the app running on its terminal.
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// The arguments that point the app at `uri`, watching `routing`'s exchange and key.
pub fn watch_args<'a>(
    uri: &'a str,
    routing: &'a amqp_tui::amqp::Routing,
    extra: &[&'a str],
) -> Vec<&'a str> {
    let mut args = vec![
        "--uri",
        uri,
        "--exchange",
        &routing.exchange,
        "--exchange-type",
        "direct",
        "--routing-key",
        routing.key(),
    ];
    args.extend_from_slice(extra);
    args
}

/// What the app wrote, handed to the screen only in whole frames: the app draws each frame
/// between the synchronized-update marks, so a screen read between two reads of the pty
/// is never half drawn. Output outside a frame (the terminal set up or restored, a message
/// after the app quit) is passed on as it comes.
#[derive(Default)]
struct Frames {
    pending: Vec<u8>,
}

impl Frames {
    fn extend(&mut self, bytes: &[u8]) {
        self.pending.extend_from_slice(bytes);
    }

    /// The bytes that can be shown now: everything up to the end of the last whole frame,
    /// and what follows it unless a frame has begun there (or may be beginning: a mark
    /// cut in two by the read).
    fn take_whole(&mut self) -> Vec<u8> {
        use amqp_tui::tui::{FRAME_BEGIN, FRAME_END};
        let after_last_end =
            find_last(&self.pending, FRAME_END).map_or(0, |at| at + FRAME_END.len());
        let rest = &self.pending[after_last_end..];
        let keep_from = match rest
            .windows(FRAME_BEGIN.len())
            .position(|w| w == FRAME_BEGIN)
        {
            Some(at) => after_last_end + at,
            None => after_last_end + rest.len() - partial_mark_at_end(rest, FRAME_BEGIN),
        };
        let tail = self.pending.split_off(keep_from);
        std::mem::replace(&mut self.pending, tail)
    }
}

fn find_last(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

/// How many bytes at the end of `bytes` could be the start of `mark`.
fn partial_mark_at_end(bytes: &[u8], mark: &[u8]) -> usize {
    (1..mark.len())
        .rev()
        .find(|&n| bytes.len() >= n && bytes[bytes.len() - n..] == mark[..n])
        .unwrap_or(0)
}
