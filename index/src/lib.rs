//! # MedLedger audit index
//!
//! The audit history out of state. The chain keeps per patient only the trail's head (last
//! sequence number and hash-chain head, `Audit.Trails`); each entry is deposited whole in
//! its block as an `Audit.Recorded` event. A gateway files the entries of finalised blocks
//! here, in an embedded database, and answers from it: a patient's trail, the entries an
//! account or a hospital's staff made, each in a period.
//!
//! - [`Index`]: the database (redb — pure Rust, ACID, already the gateway's outbox engine,
//!   so one engine to operate and no C++ build). Blocks are filed in order, several per
//!   commit, with the last block filed in the same commit: a gateway stopped at any
//!   point resumes from there, with no entry missing or filed twice.
//! - [`follow`]: keeps an index up to date with a node's finalised blocks.
//!
//! What makes an answer trustworthy is not this database: each entry is filed only if it
//! extends its patient's hash chain (a node or a file that alters, drops or reorders entries
//! is refused), and a trail served from here verifies against the head proven from the
//! chain's state (`medledger_primitives::audit::verify_trail`). Deleting the file is always
//! safe: the index is rebuilt from the blocks (an archive node keeps every block's events).

mod db;
mod follow;
mod key;

pub use db::{Entry, Index, IndexError, IndexedBlock, Period, TrailPage};
pub use follow::{catch_up, follow, records_in};
