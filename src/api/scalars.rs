//! Scalars of our own: `Date`, a calendar date "YYYY-MM-DD" (valid time);
//! and how the built-in `Int` is read.
//!
//! GraphQL's `Int` is a 32-bit signed integer, but async-graphql parses any
//! 64-bit number into an `i64` or `u64` argument, so a `u64` field took
//! 2^40 without a word. Every `Int` input is therefore an `i64` in Rust and
//! goes through a check that names its field: a domain constructor with a
//! narrower range (`Year::new`, `AreaNumber::new`, `Nok::from_kroner`
//! together with `INT_MAX`) or `count`. An `i32` would not do: async-graphql
//! would refuse 2^40 itself, without saying which field. A number beyond
//! the 64-bit range never reaches a resolver: GraphQL's own type check
//! refuses it (VALIDATION from the HTTP layer, the argument in its message).

use async_graphql::{InputValueError, InputValueResult, Scalar, ScalarType, Value};
use chrono::NaiveDate;

use super::{ApiError, ApiResult};

/// The largest value of GraphQL's `Int`.
pub const INT_MAX: i64 = i32::MAX as i64;

/// A count or a position sent as an `Int`: from 0 to the largest `Int`.
pub fn count(field: &str, value: i64) -> ApiResult<u64> {
    match u64::try_from(value) {
        Ok(count) if value <= INT_MAX => Ok(count),
        _ => Err(ApiError::validation(
            field,
            format!("'{value}' is not between 0 and {INT_MAX}"),
        )),
    }
}

/// A calendar date, "YYYY-MM-DD": the valid-time axis (`validAt`,
/// `effectiveAt`), e.g. "2021-12-31" for status per 31.12.2021.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date(pub NaiveDate);

#[Scalar(name = "Date")]
impl ScalarType for Date {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map(Date)
                .map_err(|_| InputValueError::custom(format!("'{s}' is not a date YYYY-MM-DD"))),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.format("%Y-%m-%d").to_string())
    }
}

impl From<NaiveDate> for Date {
    fn from(date: NaiveDate) -> Self {
        Date(date)
    }
}

impl From<Date> for NaiveDate {
    fn from(date: Date) -> Self {
        date.0
    }
}
