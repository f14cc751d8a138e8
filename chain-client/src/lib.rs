//! # MedLedger chain client
//!
//! What every off-chain part of MedLedger needs from a node — the gateway, the explorer,
//! the patient's CLI, the tests and the load generator — in the runtime's own types:
//!
//! - [`Chain`]: a connection to one node, re-established after the node went away; blocks,
//!   headers, events, finalised heads, storage reads and read proofs.
//! - [`Chain::api`] / [`Chain::api_at`]: the runtime APIs, one typed function each
//!   ([`RuntimeApi`]).
//! - [`sign_extrinsic`], [`Chain::submit`]: signed extrinsics, followed to inclusion (with
//!   their events, or the dispatch error) and to finality ([`Watch`]); [`Chain::sign`],
//!   [`Chain::send`] and [`Chain::settle`] for a sender that keeps what it signed
//!   ([`Signed`]) and must never sign the same call twice.
//! - [`DomainEvent`]: the runtime events that mean something to hospitals, patients and
//!   auditors, decoded once (`TryFrom<&RuntimeEvent>`) for notifications, the explorer
//!   and the gateway's workers.
//!
//! - [`facts`]: the facts a patient acts on, as storage keys to prove and as typed values
//!   read from a verified state proof.
//!
//! ## Why the runtime's own types over jsonrpsee, not subxt
//!
//! The client lives in the same workspace as the runtime, so it builds calls as
//! `medledger_runtime::RuntimeCall`, signs them with the runtime's `SignedPayload`, derives
//! storage keys from the pallets' storage types and decodes runtime-API results and events
//! into the pallets' own Rust types — checked by the compiler against exactly the runtime
//! it ships with, with no metadata code-generation step and no second set of type
//! definitions to keep in sync. The transport is jsonrpsee's WebSocket client speaking the
//! node's standard RPC (`state_call`, `author_submitAndWatchExtrinsic`,
//! `state_getStorage`, `state_getReadProof`). A runtime upgrade that changes a type needs a
//! client built from the same source — the consortium upgrades both together; the spec and
//! transaction versions are read from the node at every submission, so signatures follow
//! upgrades that keep the types.

mod connection;
mod error;
mod event;
mod extrinsic;
pub mod facts;
mod legacy;
mod runtime_api;

pub use connection::{Block, Chain, EventRecords};
pub use error::ChainError;
pub use event::{DomainEvent, NotDomain};
pub use extrinsic::{
	dispatch_error_name, sign_extrinsic, Included, Settled, Signed, Signing, Versions, Watch,
};
pub use legacy::AUDIT_IN_BLOCKS;
pub use runtime_api::RuntimeApi;

/// A node's hash of a block.
pub use sp_core::H256;
