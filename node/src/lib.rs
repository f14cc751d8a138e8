//! # MedLedger node
//!
//! The node a consortium hospital runs: a Substrate full node with Aura block authoring,
//! GRANDPA finality, the MedLedger runtime in Wasm, ParityDB storage and libp2p networking.
//!
//! - [`command`]: the command line every Substrate operator knows (`--dev`, `--chain`,
//!   `--alice`…, `key`, `build-spec`, `purge-chain`, `export-blocks`, …).
//! - [`chain_spec`]: the built-in `dev` and `local` chains.
//! - [`service`]: assembles the node; [`peers`] keeps its peer set to the consortium's
//!   authorised nodes; [`listen`] keeps it on loopback and off mDNS unless told otherwise;
//!   [`rpc`] adds the GRANDPA and account-nonce RPCs to the standard set.

// sc-cli's and sc-service's error types are large, and every runner closure and service
// constructor returns them as Substrate's own node templates do.
#![allow(clippy::result_large_err)]

pub mod chain_spec;
pub mod cli;
pub mod command;
pub mod listen;
pub mod peers;
pub mod rpc;
pub mod service;
