//! The management client against the real node: every failure a specific, actionable
//! message, no password in any message or Debug output.

mod support;

use amqp_tui::{
    management::{ManagementError, ManagementTarget, set_tracing},
    tls::TlsMode,
};
use support::{
    Broker,
    management::{fetch, says, settings},
};

#[tokio::test]
async fn the_node_answers_with_its_topology_over_http_and_https() {
    let broker = Broker::shared();
    let topology = fetch(&settings(&broker.mgmt_url(), "guest", "guest"), "/")
        .await
        .expect("topology");
    assert!(topology.exchange("amq.topic").is_some(), "{topology:?}");
    assert!(topology.exchange("").is_some(), "the default exchange");
    assert_eq!(topology.broker_version.as_deref(), Some("3.10.8"));
    assert!(
        topology
            .listeners
            .iter()
            .any(|l| l.protocol == "amqp" && l.port == broker.port()),
        "{:?}",
        topology.listeners
    );
    assert!(topology.not_permitted.is_empty());
    // The session's trust: the test CA alone verifies the https listener...
    let mut tls = settings(&broker.mgmts_url(), "guest", "guest");
    tls.tls = TlsMode::Verify {
        ca_file: Some(broker.ca()),
    };
    fetch(&tls, "/")
        .await
        .expect("verified against the test CA");
    // ...and another CA does not, in the sessions' words.
    tls.tls = TlsMode::Verify {
        ca_file: Some(broker.other_ca()),
    };
    let err = fetch(&tls, "/").await.expect_err("another CA");
    says(
        &err,
        &["TLS: the server's certificate is not issued by the CA in"],
        "guest:",
    );
}

#[tokio::test]
async fn a_closed_port_says_how_to_enable_the_plugin() {
    let port = support::closed_port();
    let err = fetch(
        &settings(
            &format!("http://127.0.0.1:{port}"),
            "guest",
            "s3cret-closed",
        ),
        "/",
    )
    .await
    .expect_err("nothing listens");
    assert!(matches!(err, ManagementError::Refused { .. }), "{err:?}");
    says(
        &err,
        &[
            "connection refused",
            "rabbitmq-plugins enable rabbitmq_management",
            "15672",
        ],
        "s3cret-closed",
    );
}

#[tokio::test]
async fn a_wrong_password_is_a_401_about_the_user() {
    let broker = Broker::shared();
    let err = fetch(&settings(&broker.mgmt_url(), "guest", "Wr0ng-pw-x9"), "/")
        .await
        .expect_err("wrong password");
    assert!(
        matches!(err, ManagementError::Unauthorized { .. }),
        "{err:?}"
    );
    says(
        &err,
        &["401, wrong user or password for 'guest'"],
        "Wr0ng-pw-x9",
    );
}

#[tokio::test]
async fn a_user_without_the_management_tag_is_told_how_to_tag_it() {
    let broker = Broker::shared();
    let user = broker.temp_user("mgmt-notag");
    let err = fetch(
        &settings(&broker.mgmt_url(), &user.name, &user.password),
        "/",
    )
    .await
    .expect_err("no management tag");
    assert!(
        matches!(err, ManagementError::NotManagementUser { .. }),
        "{err:?}"
    );
    says(
        &err,
        &[
            "lacks the management tag",
            &format!("set_user_tags {} management", user.name),
        ],
        &user.password,
    );
}

#[tokio::test]
async fn a_vhost_the_user_may_not_read_names_the_vhost_and_the_grant() {
    let broker = Broker::shared();
    let user = broker.temp_user("mgmt-noperm");
    broker.ctl(&["set_user_tags", &user.name, "management"]);
    broker.ctl(&["clear_permissions", "-p", "/", &user.name]);
    let err = fetch(
        &settings(&broker.mgmt_url(), &user.name, &user.password),
        "/",
    )
    .await
    .expect_err("no permissions on /");
    assert!(
        matches!(err, ManagementError::VhostNotPermitted { .. }),
        "{err:?}"
    );
    says(
        &err,
        &["may not read vhost '/'", "set_permissions -p /"],
        &user.password,
    );
    // A vhost that does not exist is said to be missing, not forbidden.
    let err = fetch(
        &settings(&broker.mgmt_url(), "guest", "guest"),
        "no-such-vhost-x",
    )
    .await
    .expect_err("no such vhost");
    says(
        &err,
        &["vhost 'no-such-vhost-x' does not exist"],
        "guest:guest",
    );
}

#[tokio::test]
async fn switching_tracing_needs_an_administrator_and_says_how_to_become_one() {
    let broker = Broker::shared();
    let user = broker.temp_user("mgmt-trace");
    // May read everything in `/` through the API, but is no administrator.
    broker.ctl(&["set_user_tags", &user.name, "monitoring"]);
    let target =
        ManagementTarget::from_settings(&settings(&broker.mgmt_url(), &user.name, &user.password))
            .expect("a target");
    let err = set_tracing(&target, "/", true)
        .await
        .expect_err("only an administrator switches tracing");
    assert!(
        matches!(err, ManagementError::NotAdministrator { .. }),
        "{err:?}"
    );
    says(
        &err,
        &["may not switch tracing", "set_user_tags", "administrator"],
        &user.password,
    );
    let listed = broker.ctl(&["list_vhosts", "name", "tracing"]);
    assert!(
        listed.lines().any(|l| l == "/\tfalse"),
        "tracing of / untouched:\n{listed}"
    );
}
