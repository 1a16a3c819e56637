use super::*;

fn matches(pattern: &str, key: &str) -> bool {
    explain(pattern, key).matched
}

fn reason(pattern: &str, key: &str) -> String {
    explain(pattern, key).reason
}

/// RabbitMQ's trie walk (`trie_match/5` and `trie_match_skip_any/5` in
/// rabbit_db_topic_exchange.erl) written as plain recursion: a literal word or "*"
/// takes one key word, "#" takes any number of them.
fn reference(p: &[&str], k: &[&str]) -> bool {
    match p.split_first() {
        None => k.is_empty(),
        Some((&"#", rest)) => (0..=k.len()).any(|skip| reference(rest, &k[skip..])),
        Some((w, rest)) => match k.split_first() {
            Some((kw, k_rest)) => (*w == "*" || w == kw) && reference(rest, k_rest),
            None => false,
        },
    }
}

#[test]
fn rabbitmq_routing_suite_topic_table() {
    // The bindings and expectations of `topic1/1` in deps/rabbit/test/routing_SUITE.erl
    // (rabbitmq-server), before any binding is removed.
    let bindings = [
        ("a.b.c", "t1"),
        ("a.*.c", "t2"),
        ("a.#.b", "t3"),
        ("a.b.b.c", "t4"),
        ("#", "t5"),
        ("#.#", "t6"),
        ("#.b", "t7"),
        ("*.*", "t8"),
        ("a.*", "t9"),
        ("*.b.c", "t10"),
        ("a.#", "t11"),
        ("a.#.#", "t12"),
        ("b.b.c", "t13"),
        ("a.b.b", "t14"),
        ("a.b", "t15"),
        ("b.c", "t16"),
        ("", "t17"),
        ("*.*.*", "t18"),
        ("vodka.martini", "t19"),
        ("a.b.c", "t20"),
        ("*.#", "t21"),
        ("#.*.#", "t22"),
        ("*.#.#", "t23"),
        ("#.#.#", "t24"),
        ("*", "t25"),
        ("#.b.#", "t26"),
    ];
    let expected: [(&str, &[&str]); 11] = [
        (
            "a.b.c",
            &[
                "t1", "t2", "t5", "t6", "t10", "t11", "t12", "t18", "t20", "t21", "t22", "t23",
                "t24", "t26",
            ],
        ),
        (
            "a.b",
            &[
                "t3", "t5", "t6", "t7", "t8", "t9", "t11", "t12", "t15", "t21", "t22", "t23",
                "t24", "t26",
            ],
        ),
        (
            "a.b.b",
            &[
                "t3", "t5", "t6", "t7", "t11", "t12", "t14", "t18", "t21", "t22", "t23", "t24",
                "t26",
            ],
        ),
        ("", &["t5", "t6", "t17", "t24"]),
        (
            "b.c.c",
            &["t5", "t6", "t18", "t21", "t22", "t23", "t24", "t26"],
        ),
        (
            "a.a.a.a.a",
            &["t5", "t6", "t11", "t12", "t21", "t22", "t23", "t24"],
        ),
        ("vodka.gin", &["t5", "t6", "t8", "t21", "t22", "t23", "t24"]),
        (
            "vodka.martini",
            &["t5", "t6", "t8", "t19", "t21", "t22", "t23", "t24"],
        ),
        (
            "b.b.c",
            &[
                "t5", "t6", "t10", "t13", "t18", "t21", "t22", "t23", "t24", "t26",
            ],
        ),
        (
            "nothing.here.at.all",
            &["t5", "t6", "t21", "t22", "t23", "t24"],
        ),
        ("oneword", &["t5", "t6", "t21", "t22", "t23", "t24", "t25"]),
    ];
    for (key, want) in expected {
        let got: Vec<&str> = bindings
            .iter()
            .filter(|(pattern, _)| matches(pattern, key))
            .map(|(_, q)| *q)
            .collect();
        assert_eq!(got, want, "routing key {key:?}");
    }
}

#[test]
fn agrees_with_rabbitmqs_trie_walk_on_every_small_case() {
    // Every pattern of up to 4 words from these, every key of up to 4 words from those:
    // empty words, dots at either end and repeated "#" all come up.
    fn all(alphabet: &[&str], max: usize) -> Vec<String> {
        let mut out = vec![String::new()];
        let mut layer = vec![Vec::<&str>::new()];
        for _ in 0..max {
            layer = layer
                .iter()
                .flat_map(|w| alphabet.iter().map(move |a| [w.as_slice(), &[*a]].concat()))
                .collect();
            out.extend(layer.iter().map(|w| w.join(".")));
        }
        out
    }
    let patterns = all(&["a", "b", "", "*", "#"], 5);
    let keys = all(&["a", "b", ""], 4);
    for pattern in &patterns {
        for key in &keys {
            let expected = reference(&words(pattern), &words(key));
            assert_eq!(
                matches(pattern, key),
                expected,
                "pattern {pattern:?} key {key:?}"
            );
            assert_eq!(
                is_match(pattern, key),
                expected,
                "is_match: pattern {pattern:?} key {key:?}"
            );
        }
    }
}

#[test]
fn the_empty_key_has_zero_words() {
    // split_topic_key(<<>>) -> [] (rabbit_db_topic_exchange.erl); routing_SUITE routes
    // "" to "#", "#.#", "#.#.#" and "" only.
    assert_eq!(words(""), Vec::<&str>::new());
    assert!(matches("#", ""));
    assert!(matches("#.#", ""));
    assert!(matches("", ""));
    assert!(!matches("*", ""));
    assert!(!matches("", "a"));
    assert_eq!(
        reason("*", ""),
        r##"topic pattern "*": the key has no words, the pattern needs exactly 1 (nothing for "*" at word 1)"##
    );
}

#[test]
fn dots_at_the_ends_and_in_a_row_make_empty_words() {
    // split_topic_key splits at every ".", so "a." is ["a", ""] and "." is ["", ""].
    assert_eq!(words("a."), ["a", ""]);
    assert_eq!(words(".a"), ["", "a"]);
    assert_eq!(words("."), ["", ""]);
    assert_eq!(words("a..b"), ["a", "", "b"]);
    assert!(matches("a..b", "a..b"));
    assert!(!matches("a.b", "a..b"));
    assert!(!matches("a", "a."));
    assert!(!matches("a", ".a"));
}

#[test]
fn star_takes_exactly_one_word_even_an_empty_one() {
    // tutorial-five: "* (star) can substitute for exactly one word".
    assert!(matches("a.*", "a."));
    assert!(matches("a.*.b", "a..b"));
    assert!(!matches("*", "."));
    assert!(matches("*.*", "."));
    assert!(!matches("*.*", "a"));
    assert!(!matches("a.*", "a"));
    assert!(!matches("a.*", "a.b.c"));
    assert_eq!(
        reason("a.*", "a."),
        r##"topic pattern "a.*": "*" matched """##
    );
}

#[test]
fn hash_takes_zero_or_more_words() {
    // tutorial-five: "# (hash) can substitute for zero or more words".
    assert!(matches("a.#", "a"));
    assert!(matches("#.a", "a"));
    assert!(matches("a.#.b", "a.b"));
    assert!(matches("a.#.b", "a.x.y.b"));
    assert!(!matches("a.#.b", "a.x.y"));
    assert!(matches("#.#", "a.b"));
    assert!(!matches("#.*", ""));
    assert!(matches("#.b.#", "a.b.c"));
    assert!(!matches("#.b.#", "a.c"));
    assert_eq!(
        reason("#", "a.b"),
        r##"topic pattern "#": "#" matched "a.b", and "#" matches zero or more words"##
    );
    assert_eq!(
        reason("a.#", "a"),
        r##"topic pattern "a.#": "#" matched zero words"##
    );
    assert_eq!(
        reason("#.#", "a.b"),
        r##"topic pattern "#.#": "#" matched zero words, "#" matched "a.b""##
    );
    assert_eq!(
        reason("*.#.*", "a.b.c.d"),
        r##"topic pattern "*.#.*": "*" matched "a", "#" matched "b.c", "*" matched "d""##
    );
}

#[test]
fn wildcards_count_only_as_whole_words() {
    assert!(!matches("a#", "ab"));
    assert!(!matches("*b", "ab"));
    assert!(matches("a*", "a*"));
    // In a routing key "*" and "#" are plain words.
    assert!(!matches("a", "*"));
    assert!(matches("*", "#"));
}

#[test]
fn a_word_mismatch_says_where_and_what_the_stars_took() {
    assert_eq!(
        reason("orders.*.eu", "orders.new.us"),
        r##"topic pattern "orders.*.eu": "*" matched "new", but "eu" ≠ "us" at word 3"##
    );
    assert_eq!(
        reason("orders.eu", "orders.EU"),
        r##"topic pattern "orders.eu": "eu" ≠ "EU" at word 2 (case matters)"##
    );
    assert_eq!(
        reason("a.b", "a.b"),
        r##"topic pattern "a.b" equals the key"##
    );
}

#[test]
fn a_length_mismatch_says_what_is_missing_or_left_over() {
    assert_eq!(
        reason("a.b.c", "a.b"),
        r##"topic pattern "a.b.c": the key has 2 words, the pattern needs exactly 3 (nothing for "c" at word 3)"##
    );
    assert_eq!(
        reason("a", "a.b.c"),
        r##"topic pattern "a": the key has 3 words, the pattern only 1 and no "#" to take "b.c""##
    );
    assert_eq!(
        reason("a.#.a", "a"),
        r##"topic pattern "a.#.a": the key has 1 word, the pattern needs at least 2"##
    );
}

#[test]
fn a_hash_mismatch_names_the_part_that_failed() {
    assert_eq!(
        reason("x.#", "a.b"),
        r##"topic pattern "x.#": "x" ≠ "a" at word 1"##
    );
    assert_eq!(
        reason("a.#.c", "a.b.d"),
        r##"topic pattern "a.#.c": the key must end with "c": "c" ≠ "d" at word 3"##
    );
    assert_eq!(
        reason("#.b.c.#", "a.b.x.c"),
        r##"topic pattern "#.b.c.#": no 2 words in words 1–4 match "b.c""##
    );
    assert_eq!(
        reason("#.a.#.b.#", "b.a"),
        r##"topic pattern "#.a.#.b.#": no words are left for "b""##
    );
}
