//! amqp-tui in a pseudo-terminal for `bench_pty`: the screen is read the way
//! `tests/support/pty.rs` reads it (examples cannot reach `tests/support`), but every
//! wait wakes on the app's own output rather than a fixed poll, so a time is taken when
//! the bytes that changed the screen were read.

use std::{
    io::{Read, Write},
    path::Path,
    sync::{Arc, Condvar, Mutex, MutexGuard},
    time::{Duration, Instant},
};

use anyhow::{Context, Result};
use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

const ROWS: u16 = 40;
/// Wide enough for the whole pane title (names, counters, "oldest dropped", PAUSED):
/// the keypress figure reads the pause state there.
const COLS: u16 = 160;

/// What the reader thread shares: the parsed screen and when its last bytes were read.
struct Screen {
    parser: vt100::Parser,
    read_at: Instant,
    closed: bool,
}

struct Shared {
    screen: Mutex<Screen>,
    changed: Condvar,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Screen> {
        self.screen
            .lock()
            .expect("the reader thread never panics holding the lock")
    }
}

/// amqp-tui in a pty with its own empty config dir; quit (or killed) when dropped.
pub struct App {
    pub child: Box<dyn Child + Send + Sync>,
    keys: Box<dyn Write + Send>,
    shared: Arc<Shared>,
    /// When the binary was spawned.
    pub started: Instant,
    _master: Box<dyn MasterPty + Send>,
    _config: tempfile::TempDir,
}

impl App {
    pub fn start(bin: &Path, args: &[&str]) -> Result<Self> {
        let config = tempfile::Builder::new()
            .prefix("amqp-tui-bench-")
            .tempdir()
            .context("a temporary config dir")?;
        let pty = native_pty_system()
            .openpty(PtySize {
                rows: ROWS,
                cols: COLS,
                pixel_width: 0,
                pixel_height: 0,
            })
            .context("open a pty")?;
        // A relative path would be looked up in PATH.
        let bin = std::fs::canonicalize(bin)
            .with_context(|| format!("no amqp-tui binary at {}", bin.display()))?;
        let mut cmd = CommandBuilder::new(&bin);
        cmd.args(args);
        cmd.env("TERM", "xterm-256color");
        cmd.env_remove("AMQP_URL");
        // Never the user's own profiles, nor their log.
        cmd.env("AMQP_TUI_CONFIG_DIR", config.path());
        cmd.arg("--log-file");
        cmd.arg(config.path().join("amqp-tui.log"));
        let shared = Arc::new(Shared {
            screen: Mutex::new(Screen {
                parser: vt100::Parser::new(ROWS, COLS, 0),
                read_at: Instant::now(),
                closed: false,
            }),
            changed: Condvar::new(),
        });
        let mut reader = pty.master.try_clone_reader().context("pty reader")?;
        let started = Instant::now();
        let child = pty
            .slave
            .spawn_command(cmd)
            .with_context(|| format!("cannot start {}", bin.display()))?;
        drop(pty.slave);
        let screen = Arc::clone(&shared);
        std::thread::spawn(move || {
            let mut buf = [0u8; 16384];
            loop {
                let n = reader.read(&mut buf).unwrap_or(0);
                let read_at = Instant::now();
                let mut s = screen.lock();
                if n == 0 {
                    s.closed = true;
                    screen.changed.notify_all();
                    break;
                }
                s.parser.process(&buf[..n]);
                s.read_at = read_at;
                drop(s);
                screen.changed.notify_all();
            }
        });
        let keys = pty.master.take_writer().context("pty writer")?;
        Ok(Self {
            child,
            keys,
            shared,
            started,
            _master: pty.master,
            _config: config,
        })
    }

    pub fn screen(&self) -> String {
        self.shared.lock().parser.screen().contents()
    }

    /// When the bytes that made `found` true were read; None if that took too long or
    /// the app closed its terminal. Checked each time the app writes, not on a timer.
    pub fn wait_until(&self, within: Duration, found: impl Fn(&str) -> bool) -> Option<Instant> {
        let deadline = Instant::now() + within;
        let mut s = self.shared.lock();
        loop {
            if found(&s.parser.screen().contents()) {
                return Some(s.read_at);
            }
            let left = deadline.checked_duration_since(Instant::now())?;
            if s.closed || left.is_zero() {
                return None;
            }
            s = self
                .shared
                .changed
                .wait_timeout(s, left)
                .expect("the reader thread never panics holding the lock")
                .0;
        }
    }

    pub fn press(&mut self, keys: &[u8]) {
        // A write error means the app has gone; the wait that follows reports it.
        let _ = self.keys.write_all(keys).and_then(|()| self.keys.flush());
    }

    /// Ctrl-C twice, as a user quits a live session (the first asks); killed if it has
    /// not exited within 3 s.
    pub fn quit(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            self.press(b"\x03\x03");
            let deadline = Instant::now() + Duration::from_secs(3);
            while Instant::now() < deadline {
                if !matches!(self.child.try_wait(), Ok(None)) {
                    return;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            // Best effort: it is being abandoned either way.
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

impl Drop for App {
    fn drop(&mut self) {
        self.quit();
        // AMQP_TUI_BENCH_LOGS=DIR keeps each run's log (its config dir goes with it): the
        // app notes there what held its loop longer than a frame.
        if let Some(dir) = std::env::var_os("AMQP_TUI_BENCH_LOGS") {
            let log = self._config.path().join("amqp-tui.log");
            let name = format!("amqp-tui-{}.log", self.child.process_id().unwrap_or(0));
            let _ = std::fs::copy(log, std::path::Path::new(&dir).join(name));
        }
    }
}
