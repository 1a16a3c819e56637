//! Headers matching as RabbitMQ 3.13+ does it, argument by argument.
//!
//! From `deps/rabbit/src/rabbit_exchange_type_headers.erl` (`route/3`, `match/2`,
//! `match_x/2`, `match_all/3`, `match_any/3`, `validate_binding/2`):
//!
//! * `x-match` is looked up once; a long string `all`, `any`, `all-with-x` or
//!   `any-with-x` is accepted, anything else makes the broker refuse the binding, and
//!   its absence means `all`;
//! * `x-match` itself is never compared; other arguments whose names start with "x-"
//!   are skipped unless the kind ends in `-with-x`;
//! * a void argument asks only that the header be present, whatever its value;
//! * any other argument needs the header with an `=:=` value (see [`super::term`]);
//! * `all` with nothing to compare matches every message, `any` none.
//!
//! Before 3.13 a merge over sorted tables compared with `==`, so `1` matched `1.0` there
//! and timestamps were not scaled; this models the current broker.

use super::{
    Verdict, quote,
    syntax::shown,
    term::{Side, kind, term},
};
use crate::session::{Table, Value};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    All,
    Any,
}

pub(super) const X_MATCH_RULE: &str = "x-match must be all, any, all-with-x or any-with-x";

/// The match kind and whether "x-" arguments count, or why RabbitMQ refuses the binding.
pub(super) fn x_match(arguments: &Table) -> Result<Option<(&'static str, bool)>, String> {
    let Some((_, value)) = arguments.iter().find(|(k, _)| k == "x-match") else {
        return Ok(None);
    };
    match value {
        Value::LongString(b) => match b.as_slice() {
            b"all" => Ok(Some(("all", false))),
            b"any" => Ok(Some(("any", false))),
            b"all-with-x" => Ok(Some(("all-with-x", true))),
            b"any-with-x" => Ok(Some(("any-with-x", true))),
            _ => Err(format!("{X_MATCH_RULE}, not {}", shown(value))),
        },
        other => Err(format!(
            "{X_MATCH_RULE} as a long string, not {}",
            shown(other)
        )),
    }
}

/// Whether a binding with `arguments` takes a message with `headers`, as [`explain`]
/// decides it, without the reasons: the simulator asks this for every binding on a
/// message's way.
pub(super) fn is_match(arguments: &Table, headers: &Table) -> bool {
    let (any, with_x) = match x_match(arguments) {
        Ok(Some((name, with_x))) => (name.starts_with("any"), with_x),
        Ok(None) => (false, false),
        Err(_) => return false,
    };
    let mut tested = 0;
    let mut passed = 0;
    for (key, wanted) in arguments {
        if key == "x-match" || (key.starts_with("x-") && !with_x) {
            continue;
        }
        tested += 1;
        let found = headers.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v);
        passed += usize::from(equal(wanted, found));
    }
    if any { passed > 0 } else { passed == tested }
}

/// `compare`'s verdict alone.
fn equal(wanted: &Value, found: Option<&Value>) -> bool {
    match found {
        None => false,
        Some(_) if *wanted == Value::Void => true,
        Some(found) => term(wanted, Side::Binding) == term(found, Side::Header),
    }
}

pub(super) fn explain(arguments: &Table, headers: &Table) -> Verdict {
    let (name, with_x) = match x_match(arguments) {
        Ok(Some(found)) => found,
        Ok(None) => ("all (the default)", false),
        Err(why) => {
            return Verdict::new(
                false,
                format!("headers: RabbitMQ refuses this binding: {why}"),
            );
        }
    };
    let kind = if name.starts_with("any") {
        Kind::Any
    } else {
        Kind::All
    };
    let head = format!("headers x-match={name}");
    let mut notes = Vec::new();
    let mut tested = 0;
    let mut passed = 0;
    for (key, wanted) in arguments {
        if key == "x-match" {
            continue;
        }
        if key.starts_with("x-") && !with_x {
            notes.push(format!("{} ignored", quote(key)));
            continue;
        }
        tested += 1;
        // mc_amqpl builds a map from the headers, so a repeated name keeps its last value.
        let found = headers.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v);
        let (ok, note) = compare(key, wanted, found);
        passed += usize::from(ok);
        notes.push(note);
    }
    let matched = match kind {
        Kind::All => passed == tested,
        Kind::Any => passed > 0,
    };
    if tested == 0 {
        let outcome = match kind {
            Kind::All => "every message matches",
            Kind::Any => "no message matches",
        };
        notes.push(format!("no header arguments to compare, so {outcome}"));
    }
    Verdict::new(matched, format!("{head}: {}", notes.join(", ")))
}

fn compare(key: &str, wanted: &Value, found: Option<&Value>) -> (bool, String) {
    let name = quote(key);
    let Some(found) = found else {
        return (false, format!("{name} missing ✗"));
    };
    if *wanted == Value::Void {
        return (true, format!("{name} present ✓"));
    }
    let (want, got) = (term(wanted, Side::Binding), term(found, Side::Header));
    if want == got {
        return (true, format!("{name} = {} ✓", shown(wanted)));
    }
    let why = if let Value::Timestamp(t) = found {
        format!(
            ": RabbitMQ compares a header timestamp in milliseconds, as {}",
            u128::from(*t) * 1000
        )
    } else if kind(&want) != kind(&got) {
        format!(": {} never equals {}", kind(&got), kind(&want))
    } else {
        String::new()
    };
    (
        false,
        format!(
            "{name} = {} ✗ (header is {}{why})",
            shown(wanted),
            shown(found)
        ),
    )
}

#[cfg(test)]
#[path = "headers_tests.rs"]
mod tests;
