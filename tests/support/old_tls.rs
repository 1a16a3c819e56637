//! A stand-in TLS server that only speaks TLS 1.1, for the client's version policy.

/// `openssl s_server` speaking TLS 1.1 and nothing newer, with the test broker's
/// certificate; killed on drop. Its stdin stays open: s_server quits when it reads EOF.
pub struct OldTlsServer {
    child: std::process::Child,
    pub port: u16,
}

impl OldTlsServer {
    pub fn start() -> Self {
        let broker = super::Broker::shared();
        let port = super::closed_port();
        let child = std::process::Command::new("openssl")
            .args(["s_server", "-tls1_1", "-cipher", "DEFAULT:@SECLEVEL=0"])
            .args(["-cert", broker.var("SERVER_CERT")])
            .args(["-key", broker.var("SERVER_KEY")])
            .args(["-accept", &format!("127.0.0.1:{port}")])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("start openssl s_server");
        let server = Self { child, port };
        // Bounded: s_server listens within a few milliseconds.
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return server;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        panic!("openssl s_server did not listen on 127.0.0.1:{port} within 5 s");
    }

    /// What `openssl s_client` negotiates with it when allowed TLS 1.1: proof that the
    /// stand-in speaks TLS 1.1, so a refusal is our policy, not a broken server.
    pub fn protocol_with_an_old_client(&self) -> String {
        let out = std::process::Command::new("openssl")
            .args(["s_client", "-tls1_1", "-cipher", "DEFAULT:@SECLEVEL=0"])
            .args(["-connect", &format!("127.0.0.1:{}", self.port)])
            .stdin(std::process::Stdio::null())
            .output()
            .expect("run openssl s_client");
        let text = String::from_utf8_lossy(&out.stdout);
        text.lines()
            .find_map(|l| l.trim().strip_prefix("Protocol  : "))
            .unwrap_or_default()
            .to_string()
    }
}

impl Drop for OldTlsServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
