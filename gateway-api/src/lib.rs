//! # MedLedger gateway API
//!
//! The contract between a hospital's gateway and its clients (apps, the patient's CLI,
//! the explorer, the tests), declared once:
//! - the methods, one jsonrpsee `#[rpc(server, client)]` trait per namespace
//!   ([`api`]: members, documents, proofs, consent, audit, events, explorer), with
//!   named parameters and typed results; the gateway implements the `…Server` traits,
//!   clients call through the `…Client` traits;
//! - who may call each method and what a patient must own ([`METHODS`], [`access`]),
//!   which the gateway's access middleware enforces;
//! - the wire's values ([`values`]), the chain records' conversions to them ([`convert`]),
//!   and errors with their stable codes ([`GatewayError`]);
//! - what a gateway relays for a patient ([`relay`]);
//! - the OpenRPC document ([`openrpc`]), with a JSON schema for every parameter, result
//!   and error, generated from those types.

pub mod access;
pub mod api;
pub mod convert;
mod error;
mod openrpc;
pub mod relay;
pub mod values;

pub use api::{method, Method, Param, METHODS};
pub use error::{codes, refusal_code, Cause, ErrorCode, ErrorKind, GatewayError};
pub use openrpc::openrpc;

use medledger_chain_client::DomainEvent;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use values::Hex32;

/// A transaction the gateway submitted (or relayed) and saw included in a block.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Written {
	/// The block that includes it.
	pub block: Hex32,
	/// What it did that concerns patients' records.
	pub events: Vec<DomainEvent>,
}
