//! # MedLedger gateway API
//!
//! The contract between a hospital's gateway and its clients (apps, the patient's CLI,
//! the explorer, the tests): the errors every method may answer with, each with a stable
//! JSON-RPC code ([`GatewayError`], [`codes`]).

mod error;

pub use error::{codes, refusal_code, Cause, ErrorCode, ErrorKind, GatewayError};
