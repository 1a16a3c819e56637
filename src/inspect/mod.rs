//! Looking inside a message: its body as text, JSON or hex, its properties and headers,
//! and JSON Lines export and import. Pure functions from message data to `Line`s and
//! files; no state, so every screen that shows a message can use them.

pub mod body;
pub mod export;
pub mod headers;
mod json;
mod rows;
