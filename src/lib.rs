//! amqp-tui: a terminal UI for debugging AMQP 0-9-1 routing.

pub mod action;
pub mod amqp;
pub mod app;
pub mod cli;
pub mod inspect;
pub mod keymap;
pub mod logging;
pub mod management;
pub mod model;
pub mod mqtt;
pub mod observe;
pub mod private_file;
pub mod profile;
pub mod routing;
pub mod session;
pub mod stomp;
pub mod text;
pub mod tls;
pub mod topology;
pub mod tui;
pub mod ui;
pub mod update;
