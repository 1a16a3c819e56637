//! Topic matching as RabbitMQ does it, with a reason an operator can act on.
//!
//! Rules, from `deps/rabbit/src/rabbit_db_topic_exchange.erl` (`split_topic_key/1`,
//! `split_topic_key_binary/1`, `trie_match/5`, `trie_match_skip_any/5`) and
//! <https://www.rabbitmq.com/tutorials/tutorial-five-python>:
//!
//! * key and pattern are split on every "."; the empty string is zero words, and every
//!   other string has one word more than it has dots, so "a." is `["a", ""]`;
//! * "*" takes exactly one word, which may be the empty word;
//! * "#" takes zero or more words;
//! * any other pattern word must equal the key word byte for byte.
//!
//! The matcher anchors the words before the first "#" at the start and those after the
//! last "#" at the end, then places each run between two "#"s as far left as it fits.
//! Runs have a fixed length, so the leftmost placement never loses a match; the tests
//! check it against a transliteration of RabbitMQ's trie walk.

use super::{Verdict, quote};

pub(super) fn words(s: &str) -> Vec<&str> {
    if s.is_empty() {
        Vec::new()
    } else {
        s.split('.').collect()
    }
}

fn fits(pattern_word: &str, word: &str) -> bool {
    pattern_word == "*" || pattern_word == word
}

fn count(n: usize) -> String {
    match n {
        0 => "no words".into(),
        1 => "1 word".into(),
        n => format!("{n} words"),
    }
}

fn joined(words: &[&str]) -> String {
    quote(&words.join("."))
}

/// Why pattern word `p` and key word `w` (1-based position `at`) differ.
fn differ(p: &str, w: &str, at: usize) -> String {
    let case = if p.eq_ignore_ascii_case(w) {
        " (case matters)"
    } else {
        ""
    };
    format!("{} ≠ {} at word {at}{case}", quote(p), quote(w))
}

/// Compares a run of pattern words with the key words from `start`; on a mismatch
/// returns it, after the notes on the "*"s that did match.
fn run(run: &[&str], key: &[&str], start: usize, notes: &mut Vec<String>) -> Result<(), String> {
    for (i, (p, w)) in run.iter().zip(&key[start..]).enumerate() {
        if !fits(p, w) {
            return Err(differ(p, w, start + i + 1));
        }
        if *p == "*" {
            notes.push(format!("\"*\" matched {}", quote(w)));
        }
    }
    Ok(())
}

/// Whether `pattern` matches `key`, by the rules above, without the reasons: the
/// simulator asks this for every binding on a message's way. Word positions the pattern
/// can have reached so far, one pattern word at a time: linear in each, whatever the
/// "#"s.
pub(super) fn is_match(pattern: &str, key: &str) -> bool {
    if !pattern.contains(['#', '*']) {
        return pattern == key;
    }
    is_match_words(&words(pattern), &words(key))
}

/// [`is_match`] on words split already: the simulator splits each binding's pattern once
/// a refresh and each key once a message.
pub(super) fn is_match_words(pattern: &[&str], key: &[&str]) -> bool {
    let mut reach = vec![false; key.len() + 1];
    let mut next = vec![false; key.len() + 1];
    reach[0] = true;
    for &word in pattern {
        next.fill(false);
        if word == "#" {
            let mut any = false;
            for (at, reached) in reach.iter().enumerate() {
                any |= *reached;
                next[at] = any;
            }
        } else {
            for (at, key_word) in key.iter().enumerate() {
                next[at + 1] = reach[at] && fits(word, key_word);
            }
        }
        std::mem::swap(&mut reach, &mut next);
        if !reach.contains(&true) {
            return false;
        }
    }
    reach[key.len()]
}

pub(super) fn explain(pattern: &str, key: &str) -> Verdict {
    let p = words(pattern);
    let k = words(key);
    let head = format!("topic pattern {}", quote(pattern));
    let outcome = if p.contains(&"#") {
        with_hash(&p, &k)
    } else {
        without_hash(&p, &k)
    };
    match outcome {
        Ok(notes) if notes.is_empty() => Verdict::new(true, format!("{head} equals the key")),
        Ok(notes) => {
            let hint = if pattern == "#" {
                ", and \"#\" matches zero or more words"
            } else {
                ""
            };
            Verdict::new(true, format!("{head}: {}{hint}", notes.join(", ")))
        }
        Err((notes, why)) if notes.is_empty() => Verdict::new(false, format!("{head}: {why}")),
        Err((notes, why)) => {
            Verdict::new(false, format!("{head}: {}, but {why}", notes.join(", ")))
        }
    }
}

type Outcome = Result<Vec<String>, (Vec<String>, String)>;

fn without_hash(p: &[&str], k: &[&str]) -> Outcome {
    let mut notes = Vec::new();
    if let Err(why) = run(p, k, 0, &mut notes) {
        return Err((notes, why));
    }
    if k.len() < p.len() {
        let why = format!(
            "the key has {}, the pattern needs exactly {} (nothing for {} at word {})",
            count(k.len()),
            p.len(),
            quote(p[k.len()]),
            k.len() + 1
        );
        return Err((notes, why));
    }
    if k.len() > p.len() {
        let why = format!(
            "the key has {}, the pattern only {} and no \"#\" to take {}",
            count(k.len()),
            p.len(),
            joined(&k[p.len()..])
        );
        return Err((notes, why));
    }
    Ok(notes)
}

fn with_hash(p: &[&str], k: &[&str]) -> Outcome {
    // Runs of pattern words between the "#"s; there is one "#" between each two runs.
    let runs: Vec<&[&str]> = p.split(|w| *w == "#").collect();
    let [first, middle @ .., last] = runs.as_slice() else {
        // Unreachable: a pattern holding a "#" splits into at least two runs.
        return without_hash(p, k);
    };
    let needed: usize = runs.iter().map(|r| r.len()).sum();
    if k.len() < needed {
        let why = format!(
            "the key has {}, the pattern needs at least {needed}",
            count(k.len())
        );
        return Err((Vec::new(), why));
    }
    let mut notes = Vec::new();
    if let Err(why) = run(first, k, 0, &mut notes) {
        return Err((notes, why));
    }
    let end = k.len() - last.len();
    run(last, k, end, &mut Vec::new()).map_err(|why| {
        let why = format!("the key must end with {}: {why}", joined(last));
        (Vec::new(), why)
    })?;
    // Where each run starts in the key, to say what every "#" took.
    let mut starts = vec![0];
    let mut cursor = first.len();
    for m in middle {
        let found = (cursor..=end.saturating_sub(m.len()))
            .find(|&at| at + m.len() <= end && m.iter().zip(&k[at..]).all(|(p, w)| fits(p, w)));
        let Some(at) = found else {
            let why = if cursor + m.len() > end {
                format!("no words are left for {}", joined(m))
            } else {
                format!(
                    "no {} in words {}–{end} match {}",
                    count(m.len()),
                    cursor + 1,
                    joined(m)
                )
            };
            return Err((Vec::new(), why));
        };
        starts.push(at);
        cursor = at + m.len();
    }
    starts.push(end);
    Ok(notes_for(&runs, &starts, k))
}

/// Describes, in pattern order, what each "*" and "#" took in a successful match.
fn notes_for(runs: &[&[&str]], starts: &[usize], k: &[&str]) -> Vec<String> {
    let mut notes = Vec::new();
    for (i, (r, &start)) in runs.iter().zip(starts).enumerate() {
        if i > 0 {
            let gap_start = starts[i - 1] + runs[i - 1].len();
            let took = &k[gap_start..start];
            notes.push(if took.is_empty() {
                "\"#\" matched zero words".to_string()
            } else {
                format!("\"#\" matched {}", joined(took))
            });
        }
        for (p, w) in r.iter().zip(&k[start..]) {
            if *p == "*" {
                notes.push(format!("\"*\" matched {}", quote(w)));
            }
        }
    }
    notes
}

#[cfg(test)]
#[path = "topic_tests.rs"]
mod tests;
