//! serde-pickle's errors as rejections, with the error kinds of docs/CANON.md section 10. Shared by
//! the adapters of serde-pickle 1.x, 0.6.x (`#[path]` from ../../serde-pickle-0.6) and of its fork
//! pickled (from ../../pickled), whose `Error`s are the same; each names its crate `pickle`.
use crate::pickle::{Error, ErrorCode};
use picklejar_kit::Fail;

/// Every error of the deserializer is its "bad input": a rejection.
pub fn reject(e: &Error) -> Fail {
    Fail::Reject(kind(e).into(), e.to_string())
}

fn kind(e: &Error) -> &'static str {
    match e {
        Error::Io(_) => "truncated",
        Error::Eval(c, _) | Error::Syntax(c) => match c {
            ErrorCode::EOFWhileParsing => "truncated",
            ErrorCode::StackUnderflow => "stack-underflow",
            ErrorCode::Unsupported(_) => "unknown-opcode",
            ErrorCode::StringNotUTF8 => "bad-utf8",
            ErrorCode::MissingMemo(_) => "bad-memo",
            ErrorCode::NegativeLength | ErrorCode::InvalidLiteral(_) => "bad-literal",
            ErrorCode::UnresolvedGlobal | ErrorCode::UnsupportedGlobal(..) => "unresolved",
            ErrorCode::Recursive => "recursive",
            ErrorCode::TrailingBytes => "trailing-bytes",
            _ => "bad-argument", // InvalidStackTop, ValueNotHashable, InvalidValue, Structure
        },
    }
}
