use super::*;
use crate::model::Field;

fn press(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
    KeyEvent::new(code, modifiers)
}

#[test]
fn q_types_in_text_fields_but_leaves_the_message_pane() {
    let mut model = Model::default();
    model.tab_mut().focus = Focus::Form(Field::Host);
    assert!(matches!(
        action_for(&model, press(Char('q'), NONE)),
        Some(Action::Edit(_))
    ));
    model.tab_mut().focus = Focus::Messages;
    assert_eq!(
        action_for(&model, press(Char('q'), NONE)),
        Some(Action::LeaveSession)
    );
}

#[test]
fn ctrl_c_quits_from_anywhere_even_the_help() {
    let mut model = Model::default();
    for focus in [
        Focus::Form(Field::Password),
        Focus::Messages,
        Focus::ComposeBody,
    ] {
        model.tab_mut().focus = focus;
        assert_eq!(
            action_for(&model, press(Char('c'), CTRL)),
            Some(Action::Quit)
        );
    }
    model.overlay = Overlay::Help { page: 0 };
    assert_eq!(
        action_for(&model, press(Char('c'), CTRL)),
        Some(Action::Quit)
    );
}

fn in_overlay(overlay: Overlay) -> Model {
    let mut model = Model::default();
    // Not a text field: whatever is typed below is the overlay's doing.
    model.tab_mut().focus = Focus::Messages;
    model.overlay = overlay;
    model
}

fn prompt() -> Overlay {
    Overlay::Prompt(crate::model::Prompt::new(
        crate::model::PromptKind::SaveAs,
        "",
    ))
}

#[test]
fn alt_digits_go_to_tabs_but_not_from_an_overlay() {
    let mut model = Model::default();
    for focus in [
        Focus::Form(Field::Host),
        Focus::Messages,
        Focus::ComposeBody,
    ] {
        model.tab_mut().focus = focus;
        assert_eq!(
            action_for(&model, press(Char('3'), ALT)),
            Some(Action::GoToTab(2)),
            "{focus:?}"
        );
    }
    assert_eq!(
        action_for(&model, press(Char('9'), ALT)),
        Some(Action::GoToTab(8))
    );
    assert_eq!(
        action_for(&in_overlay(Overlay::Profiles), press(Char('3'), ALT)),
        None
    );
    let in_prompt = action_for(&in_overlay(prompt()), press(Char('3'), ALT));
    assert!(
        !matches!(in_prompt, Some(Action::GoToTab(_))),
        "{in_prompt:?}"
    );
}

#[test]
fn the_profile_list_takes_every_key_but_ctrl_c() {
    let model = in_overlay(Overlay::Profiles);
    for (code, modifiers) in [
        (Tab, NONE),
        (Char('t'), CTRL),
        (Char('x'), CTRL),
        (F(1), NONE),
        (Right, CTRL),
    ] {
        assert_eq!(
            action_for(&model, press(code, modifiers)),
            None,
            "{code:?} {modifiers:?}"
        );
    }
    assert_eq!(
        action_for(&model, press(Char('c'), CTRL)),
        Some(Action::Quit)
    );
    assert_eq!(
        action_for(&model, press(Char('t'), NONE)),
        Some(Action::OpenProfileInTab),
        "its own keys still work"
    );
}

#[test]
fn a_prompt_takes_typing_and_enter_submits_it() {
    let model = in_overlay(prompt());
    for c in ['a', 'q', 's', 't', 'x', 'y', ' ', '?'] {
        let key = press(Char(c), NONE);
        assert_eq!(action_for(&model, key), Some(Action::Edit(key)), "{c:?}");
    }
    let shifted = press(Char('A'), SHIFT);
    assert_eq!(action_for(&model, shifted), Some(Action::Edit(shifted)));
    assert_eq!(
        action_for(&model, press(Enter, NONE)),
        Some(Action::SubmitPrompt)
    );
    assert_eq!(
        action_for(&model, press(Esc, NONE)),
        Some(Action::CloseOverlay)
    );
    assert_eq!(
        action_for(&model, press(Char('c'), CTRL)),
        Some(Action::Quit)
    );
}

#[test]
fn overlays_show_only_their_own_hints() {
    for overlay in [
        Overlay::Profiles,
        prompt(),
        Overlay::ConfirmDelete("a".into()),
    ] {
        let model = in_overlay(overlay);
        let context = context_of(&model);
        assert!(hints(&model).all(|b| b.context == context), "{context:?}");
        assert!(hints(&model).next().is_some(), "{context:?}");
    }
}

#[test]
fn no_key_is_bound_twice_in_one_context() {
    for (i, a) in BINDINGS.iter().enumerate() {
        for b in &BINDINGS[i + 1..] {
            let reaches = |x: &Binding, y: &Binding| {
                x.context == Context::Anywhere && !y.context.is_overlay()
            };
            let overlap = a.context == b.context || reaches(a, b) || reaches(b, a);
            assert!(
                !(overlap && a.code == b.code && a.modifiers == b.modifiers),
                "{} bound twice ({:?} / {:?})",
                a.keys,
                a.context,
                b.context
            );
        }
    }
}

#[test]
fn the_help_lists_the_text_field_keys_and_each_edits_as_its_label_says() {
    use tui_input::{Input, backend::crossterm::EventHandler};
    let field_keys: Vec<&Binding> = BINDINGS
        .iter()
        .filter(|b| b.context == Context::TextField)
        .collect();
    let named: Vec<String> = field_keys
        .iter()
        .map(|b| format!("{} {}", b.keys, b.label))
        .collect();
    for key in ["Ctrl-U", "Ctrl-W", "Ctrl-A", "Ctrl-E", "Home/End"] {
        assert!(
            named.iter().any(|n| n.contains(key)),
            "{key} missing: {named:?}"
        );
    }
    let after = |keys: &str| {
        let mut input = Input::new("hello big world".into());
        let binding = field_keys.iter().find(|b| b.keys == keys).expect(keys);
        let Action::Edit(key) = binding.action else {
            panic!("{keys} is not an edit")
        };
        input.handle_event(&crossterm::event::Event::Key(key));
        input.value().to_string()
    };
    assert_eq!(after("Ctrl-U"), "", "clears the field");
    assert_eq!(
        after("Ctrl-W"),
        "hello big ",
        "deletes the word before the cursor"
    );
    assert!(
        Context::ALL.contains(&Context::TextField),
        "the help shows the section"
    );
}
