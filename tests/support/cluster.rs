//! The three-node cluster `scripts/test` starts once per run (`scripts/test-cluster`),
//! described by the env file it exports as `AMQP_TUI_TEST_CLUSTER`.

use std::{collections::HashMap, path::Path, process::Command};

use super::Broker;

#[derive(Clone, Debug)]
pub struct Cluster {
    vars: HashMap<String, String>,
}

impl Cluster {
    pub fn shared() -> Self {
        let path = std::env::var("AMQP_TUI_TEST_CLUSTER").unwrap_or_else(|_| {
            panic!("AMQP_TUI_TEST_CLUSTER is not set: run the tests with scripts/test, which starts a test cluster")
        });
        Self {
            vars: super::read_env_file(Path::new(&path)),
        }
    }

    pub fn var(&self, key: &str) -> &str {
        self.vars
            .get(key)
            .unwrap_or_else(|| panic!("{key} missing from the cluster's env file"))
    }

    /// Node `n` (1 to 3) as a broker of its own: its ports, URLs and `ctl`.
    pub fn node(&self, n: u8) -> Broker {
        let prefix = format!("NODE{n}_");
        let mut vars: HashMap<String, String> = self
            .vars
            .iter()
            .filter_map(|(k, v)| Some((k.strip_prefix(&prefix)?.to_string(), v.clone())))
            .collect();
        vars.insert("CA_CERT".into(), self.var("CA_CERT").to_string());
        vars.insert(
            "BROKER_DIR".into(),
            format!("{}/n{n}", self.var("CLUSTER_DIR")),
        );
        Broker::from_vars(vars)
    }

    /// `scripts/test-cluster ARGS...` on this cluster; fails the test if it fails.
    pub fn script(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "test-cluster {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn run(&self, args: &[&str]) -> std::process::Output {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/test-cluster");
        Command::new(script)
            .args(args)
            .env("AMQP_TUI_CLUSTER_DIR", self.var("CLUSTER_DIR"))
            .output()
            .expect("run scripts/test-cluster")
    }

    /// A guard that brings every node back (resumed, started) when the test ends, passed
    /// or not: the next test finds the cluster whole.
    pub fn restore_on_drop(&self) -> Restore<'_> {
        Restore(self)
    }
}

pub struct Restore<'a>(&'a Cluster);

impl Drop for Restore<'_> {
    fn drop(&mut self) {
        for n in ["1", "2", "3"] {
            // Resuming a node that is not paused does nothing.
            let _ = self.0.run(&["resume", n]);
        }
        let out = self.0.run(&["start"]);
        assert!(
            out.status.success() || std::thread::panicking(),
            "test-cluster start failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
