//! # MedLedger index
//!
//! The history out of state. The chain keeps per patient only the audit trail's head (last
//! sequence number and hash-chain head, `Audit.Trails`); each entry is deposited whole in
//! its block as an `Audit.Recorded` event. Of a rooted batch of documents it keeps the root,
//! and per document what its checks read; each document's leaf (CID, commitment, size, media
//! type) is only in the call that anchored it. A gateway files the entries and leaves of
//! finalised blocks here, in an embedded database, and answers from it: a patient's trail,
//! the entries an account or a hospital's staff made, each in a period; a batched document's
//! leaf and its Merkle path.
//!
//! - [`Index`]: the database (redb — pure Rust, ACID, already the gateway's outbox engine,
//!   so one engine to operate and no C++ build). Blocks are filed in order, several per
//!   commit, with the last block filed in the same commit: a gateway stopped at any
//!   point resumes from there, with no entry missing or filed twice.
//! - [`follow`]: keeps an index up to date with a node's finalised blocks.
//! - [`record_at`]: a document's record, however it was anchored (a rooted batch's
//!   documents with their leaves from here).
//!
//! What makes an answer trustworthy is not this database: each entry is filed only if it
//! extends its patient's hash chain (a node or a file that alters, drops or reorders entries
//! is refused), and a trail served from here verifies against the head proven from the
//! chain's state (`medledger_primitives::audit::verify_trail`); a batch is filed only if its
//! leaves have the root its event gives, and a leaf served from here verifies, with its path,
//! against the root proven from the state. Deleting the file is always
//! safe: the index is rebuilt from the blocks (an archive node keeps every block's events).

mod db;
mod follow;
mod key;
mod records;

pub use db::{BatchedLeaf, Entry, FiledBatch, Index, IndexError, IndexedBlock, Period, TrailPage};
pub use follow::{catch_up, filed_in, follow};
pub use records::{record_at, RecordError};
