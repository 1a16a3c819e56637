//! Header values as RabbitMQ compares them: as Erlang terms, with `=:=`.
//!
//! Since 3.13 the headers exchange (`rabbit_exchange_type_headers.erl`, `match/2`) reads
//! the message headers through `mc:routing_headers/2`, which for AMQP 0-9-1 messages
//! (`mc_amqpl.erl`, `routing_headers/2` and `routing_value/2`) drops each header's type
//! and keeps the bare Erlang value, multiplying top-level timestamps by 1000. A binding
//! argument keeps its bare value from the `{Name, Type, Value}` triple. The two are then
//! compared with `=:=`. What the bare values are comes from `rabbit_binary_parser.erl`:
//!
//! * every integer type is an Erlang integer, so `I32(1)` equals `I64(1)` and `U8(1)`;
//! * `f` and `d` are both Erlang floats, and a float never `=:=` an integer (`1.0 =/= 1`);
//! * long strings and byte arrays (`x`) are both binaries, so equal bytes match;
//! * a decimal is the tuple `{Scale, Value}`;
//! * arrays keep `{Type, Value}` per element and tables `{Name, Type, Value}` per entry,
//!   so inside them the AMQP types must agree as well (`[I32 1]` is not `[I64 1]`);
//! * booleans are the atoms `true`/`false`; void is `undefined`.
//!
//! `ShortString` has no field-table type RabbitMQ accepts (its `s` is a 16-bit integer,
//! and lapin writes `_`); it is modelled as the binary of its text.

use crate::session::Value;

#[derive(Debug, PartialEq, Eq)]
pub(super) enum Term<'a> {
    Bool(bool),
    Int(i128),
    /// Bits of the `f64`: Erlang has only doubles, and `=:=` tells `0.0` from `-0.0`
    /// (OTP 27+).
    Float(u64),
    Bin(&'a [u8]),
    Decimal(u8, u32),
    /// An array element: `{Type, Value}`.
    Typed(&'static str, Box<Term<'a>>),
    /// A table entry: `{Name, Type, Value}`.
    Entry(&'a str, &'static str, Box<Term<'a>>),
    List(Vec<Term<'a>>),
    Undefined,
}

/// Where a value sits decides how RabbitMQ sees it: only a message header at the top
/// level goes through `routing_value/2`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Side {
    Header,
    Binding,
}

pub(super) fn term(value: &Value, side: Side) -> Term<'_> {
    match value {
        Value::Timestamp(t) if side == Side::Header => Term::Int(i128::from(*t) * 1000),
        other => nested(other),
    }
}

fn nested(value: &Value) -> Term<'_> {
    match value {
        Value::Bool(b) => Term::Bool(*b),
        Value::I8(v) => Term::Int((*v).into()),
        Value::U8(v) => Term::Int((*v).into()),
        Value::I16(v) => Term::Int((*v).into()),
        Value::U16(v) => Term::Int((*v).into()),
        Value::I32(v) => Term::Int((*v).into()),
        Value::U32(v) => Term::Int((*v).into()),
        Value::I64(v) => Term::Int((*v).into()),
        Value::Timestamp(v) => Term::Int((*v).into()),
        Value::F32Bits(bits) => Term::Float(f64::from(f32::from_bits(*bits)).to_bits()),
        Value::F64Bits(bits) => Term::Float(*bits),
        Value::Decimal { scale, value } => Term::Decimal(*scale, *value),
        Value::ShortString(s) => Term::Bin(s.as_bytes()),
        Value::LongString(b) | Value::ByteArray(b) => Term::Bin(b),
        Value::Array(items) => Term::List(
            items
                .iter()
                .map(|v| Term::Typed(type_atom(v), Box::new(nested(v))))
                .collect(),
        ),
        Value::Table(table) => Term::List(
            table
                .iter()
                .map(|(k, v)| Term::Entry(k, type_atom(v), Box::new(nested(v))))
                .collect(),
        ),
        Value::Void => Term::Undefined,
    }
}

/// The type atoms of `rabbit_binary_parser.erl`.
fn type_atom(value: &Value) -> &'static str {
    match value {
        Value::Bool(_) => "bool",
        Value::I8(_) => "byte",
        Value::U8(_) => "unsignedbyte",
        Value::I16(_) => "short",
        Value::U16(_) => "unsignedshort",
        Value::I32(_) => "signedint",
        Value::U32(_) => "unsignedint",
        Value::I64(_) => "long",
        Value::F32Bits(_) => "float",
        Value::F64Bits(_) => "double",
        Value::Decimal { .. } => "decimal",
        Value::ShortString(_) | Value::LongString(_) => "longstr",
        Value::Array(_) => "array",
        Value::Timestamp(_) => "timestamp",
        Value::Table(_) => "table",
        Value::ByteArray(_) => "binary",
        Value::Void => "void",
    }
}

/// What an operator calls the Erlang kind of a term, to say why two values differ.
pub(super) fn kind(term: &Term<'_>) -> &'static str {
    match term {
        Term::Bool(_) => "a boolean",
        Term::Int(_) => "an integer",
        Term::Float(_) => "a float",
        Term::Bin(_) => "a string",
        Term::Decimal(..) => "a decimal",
        Term::List(_) | Term::Typed(..) | Term::Entry(..) => "an array or table",
        Term::Undefined => "void",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn same(a: &Value, b: &Value) -> bool {
        term(a, Side::Header) == term(b, Side::Binding)
    }

    #[test]
    fn integers_of_every_width_are_one_erlang_integer() {
        for header in [Value::I8(7), Value::U16(7), Value::I32(7), Value::U32(7)] {
            assert!(same(&header, &Value::I64(7)), "{header:?}");
        }
        assert!(!same(&Value::I32(7), &Value::I64(8)));
    }

    #[test]
    fn a_float_never_equals_an_integer_but_f32_equals_f64() {
        assert!(!same(&Value::F64Bits(1.0f64.to_bits()), &Value::I64(1)));
        assert!(same(
            &Value::F32Bits(1.5f32.to_bits()),
            &Value::F64Bits(1.5f64.to_bits())
        ));
        // 0.1 as f32 widens to 0.100000001490116..., not the double 0.1.
        assert!(!same(
            &Value::F32Bits(0.1f32.to_bits()),
            &Value::F64Bits(0.1f64.to_bits())
        ));
    }

    #[test]
    fn long_strings_and_byte_arrays_are_both_binaries() {
        assert!(same(
            &Value::ByteArray(b"pdf".to_vec()),
            &Value::LongString(b"pdf".to_vec())
        ));
        assert!(!same(&Value::LongString(b"1".to_vec()), &Value::I64(1)));
        assert!(!same(
            &Value::Bool(true),
            &Value::LongString(b"true".to_vec())
        ));
    }

    #[test]
    fn inside_arrays_and_tables_the_types_must_agree() {
        let arr = |v| Value::Array(vec![v]);
        assert!(!same(&arr(Value::I32(1)), &arr(Value::I64(1))));
        assert!(same(&arr(Value::I64(1)), &arr(Value::I64(1))));
        let tbl = |v| Value::Table(vec![("n".into(), v)]);
        assert!(!same(&tbl(Value::U8(1)), &tbl(Value::I8(1))));
    }

    #[test]
    fn a_header_timestamp_is_compared_in_milliseconds() {
        assert!(!same(&Value::Timestamp(5), &Value::Timestamp(5)));
        assert!(same(&Value::Timestamp(5), &Value::I64(5000)));
        // Only at the top level: an array keeps the seconds and the type.
        let arr = |v| Value::Array(vec![v]);
        assert!(same(&arr(Value::Timestamp(5)), &arr(Value::Timestamp(5))));
    }
}
