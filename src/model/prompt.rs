//! A one-line question drawn over the tabs: a profile name, a URI to import, a password.

use super::text_field::TextField;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PromptKind {
    /// The form of tab `tab` (its number) has no password and names no variable: ask,
    /// then connect.
    Password {
        tab: u32,
        profile: Option<String>,
    },
    /// Save the current tab's form as a profile with the typed name.
    SaveAs,
    Rename {
        from: String,
    },
    Duplicate {
        from: String,
    },
    /// An AMQP URI to load into the current tab's form.
    ImportUri,
    /// The message pane's filter: a substring or a /regex/; empty clears it.
    Filter,
    /// A file whose bytes the compose box publishes as the body.
    PublishFile,
    /// Where to write the selected message, or every shown one, as JSON Lines.
    ExportSelected,
    ExportShown,
    /// A JSON Lines file to load into the pane.
    LoadFile,
    /// A binding to add to the session, in RabbitMQ's syntax for its exchange type.
    AddBinding,
    /// The broker view's name filter: a substring or a /regex/; empty clears it.
    BrokerFilter,
    /// The routing simulation's questions, in turn: exchange, key, headers.
    SimulateExchange,
    SimulateKey {
        exchange: String,
    },
    SimulateHeaders {
        exchange: String,
        key: String,
    },
}

impl PromptKind {
    pub fn title(&self) -> String {
        match self {
            Self::Password {
                profile: Some(p), ..
            } => {
                format!("Password for profile {}", crate::text::visible(p))
            }
            Self::Password { .. } => "Password".into(),
            Self::SaveAs => "Save the form as profile".into(),
            Self::Rename { from } => format!("Rename profile {}", crate::text::visible(from)),
            Self::Duplicate { from } => format!("Duplicate profile {}", crate::text::visible(from)),
            Self::ImportUri => "Import an AMQP URI".into(),
            Self::Filter => "Filter the message pane".into(),
            Self::PublishFile => "Publish a file as the body".into(),
            Self::ExportSelected => "Export the selected message".into(),
            Self::ExportShown => "Export every message shown in the pane".into(),
            Self::LoadFile => "Load exported messages into the pane".into(),
            Self::AddBinding => "Add a binding".into(),
            Self::BrokerFilter => "Filter exchanges and queues by name".into(),
            Self::SimulateExchange => "Simulate routing: the exchange".into(),
            Self::SimulateKey { exchange } => format!(
                "Simulate routing: the key, on exchange '{}'",
                crate::text::visible(exchange)
            ),
            Self::SimulateHeaders { exchange, key } => format!(
                "Simulate routing: headers, on '{}' with key '{}'",
                crate::text::visible(exchange),
                crate::text::visible(key)
            ),
        }
    }

    pub fn help(&self) -> &'static str {
        match self {
            Self::Password { .. } => {
                "Enter connects. Written to disk only if \"Save password in profile\" is ticked and you save."
            }
            Self::SaveAs => {
                "Enter saves; a profile of the same name is replaced. Up to 64 characters."
            }
            Self::Rename { .. } => {
                "Enter renames; the name must not be taken. Up to 64 characters."
            }
            Self::Duplicate { .. } => "Enter saves the copy under this name. Up to 64 characters.",
            Self::ImportUri => {
                "amqp[s]://user:password@host:port/vhost?heartbeat=N. Enter fills in the form."
            }
            Self::ExportSelected | Self::ExportShown => {
                "JSON Lines: properties, headers and the body as UTF-8 or base64. An existing file is replaced."
            }
            Self::AddBinding => {
                "direct/topic: a key (topic: * one word, # any). headers: x-match=all|any, name=value, … fanout: empty."
            }
            Self::LoadFile => {
                "A file written by Export (e / E). Its messages are shown, not published."
            }
            Self::PublishFile => {
                "The file's bytes are sent as they are, with the compose box's exchange, key, properties and copies."
            }
            Self::Filter => {
                "Text (any case) or /regex/, matched against routing key or MQTT topic, exchange, headers and body. Empty clears."
            }
            Self::BrokerFilter => {
                "Text (any case) or /regex/, matched against exchange and queue names. Empty clears."
            }
            Self::SimulateExchange => {
                "An exchange of this vhost (empty: the default exchange). Enter asks for the key."
            }
            Self::SimulateKey { .. } => "The routing key, as published. Enter asks for headers.",
            Self::SimulateHeaders { .. } => {
                "name=value, … as in a headers binding (CC and BCC count). Empty: none. Enter simulates."
            }
        }
    }

    /// Drawn over the profile list, which then stays in view.
    pub fn is_about_profiles(&self) -> bool {
        matches!(
            self,
            Self::SaveAs | Self::Rename { .. } | Self::Duplicate { .. } | Self::ImportUri
        )
    }

    pub fn is_secret(&self) -> bool {
        matches!(self, Self::Password { .. })
    }
}

#[derive(Clone)]
pub struct Prompt {
    pub kind: PromptKind,
    /// Starts with its pre-filled answer selected: typing replaces it.
    pub input: TextField,
    /// Why the last Enter was refused; the prompt stays open to fix it.
    pub error: Option<String>,
}

// By hand: a password prompt holds the password, an imported URI may hold one.
impl std::fmt::Debug for Prompt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let input = match self.kind {
            PromptKind::Password { .. } => "<redacted>".to_string(),
            PromptKind::ImportUri => crate::session::uri::redacted(self.input.value()),
            _ => self.input.value().to_string(),
        };
        f.debug_struct("Prompt")
            .field("kind", &self.kind)
            .field("input", &input)
            .field("error", &self.error)
            .finish()
    }
}

impl Prompt {
    pub fn new(kind: PromptKind, initial: &str) -> Self {
        Self {
            kind,
            input: TextField::prefilled(initial),
            error: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_a_typed_password_and_the_password_in_a_uri() {
        let typed = Prompt::new(
            PromptKind::Password {
                tab: 1,
                profile: None,
            },
            "hunter2",
        );
        assert!(!format!("{typed:?}").contains("hunter2"));
        let uri = Prompt::new(PromptKind::ImportUri, "amqp://u:hunter2@h/");
        let shown = format!("{uri:?}");
        assert!(
            !shown.contains("hunter2") && shown.contains("amqp://u:***@h/"),
            "{shown}"
        );
    }
}
