//! # MedLedger runtime
//!
//! One runtime serves every MedLedger chain (development, local, consortium): the chain
//! specs differ only in their genesis (see [`genesis`]). It composes
//!
//! - block production and finality: `pallet-aura` (2-second slots) and `pallet-grandpa`,
//!   with the validator set managed by `pallet-session` from the consortium registry;
//! - the consortium: `pallet-consortium` (hospitals, members, roles, authorised nodes) and
//!   a `pallet-collective` council of the hospitals' delegates that votes on admissions,
//!   suspensions, validator changes and runtime upgrades;
//! - `pallet-sudo`, whose key is set only in the development genesis.
//!
//! There are no fees and no token: `pallet-balances` is present only because
//! `pallet-session` holds key deposits through it, and the deposit is zero. Spam is held off
//! by the membership gate instead ([`pallet_consortium::CheckMembership`]), which refuses
//! unregistered signers in the transaction pool and bounds each account's share of a block.

#![cfg_attr(not(feature = "std"), no_std)]
// `construct_runtime` and `impl_runtime_apis` expand into very deep generic types.
#![recursion_limit = "256"]

#[cfg(feature = "std")]
include!(concat!(env!("OUT_DIR"), "/wasm_binary.rs"));

extern crate alloc;

use alloc::vec::Vec;

pub mod apis;
#[cfg(feature = "runtime-benchmarks")]
mod benchmarks;
mod configs;
pub use configs::MAX_REMARK;
pub mod genesis;
/// Database read and write weights measured on the reference machine (`scripts/benchmark-weights`).
// The generated file documents its constants with comments rustc cannot attach.
#[allow(unused_doc_comments)]
mod paritydb_weights;

pub use apis::RuntimeApi;

use sp_runtime::{
	generic, impl_opaque_keys,
	traits::{BlakeTwo256, IdentifyAccount, Verify},
	MultiAddress, MultiSignature,
};
use sp_version::{runtime_version, RuntimeVersion};

/// A block number.
pub type BlockNumber = u32;

/// A transaction signature: sr25519, ed25519 or ecdsa.
pub type Signature = MultiSignature;

/// An account id: the public key of the signature scheme.
pub type AccountId = <<Signature as Verify>::Signer as IdentifyAccount>::AccountId;

/// A balance. Nobody holds any: the chain has no token.
pub type Balance = u128;

/// The number of transactions an account has sent.
pub type Nonce = u32;

/// A hash of some data used by the chain.
pub type Hash = sp_core::H256;

/// Milliseconds per block. Every MedLedger chain uses one slot length, short so that a
/// write is final within seconds.
pub const MILLISECS_PER_BLOCK: u64 = 2000;

/// The Aura slot length.
pub const SLOT_DURATION: u64 = MILLISECS_PER_BLOCK;

/// Blocks per minute.
pub const MINUTES: BlockNumber = 60_000 / (MILLISECS_PER_BLOCK as BlockNumber);
/// Blocks per hour.
pub const HOURS: BlockNumber = MINUTES * 60;
/// Blocks per day.
pub const DAYS: BlockNumber = HOURS * 24;

/// Types the node needs without knowing the runtime's details.
pub mod opaque {
	use super::*;
	pub use sp_runtime::OpaqueExtrinsic as UncheckedExtrinsic;

	/// Opaque block header type.
	pub type Header = generic::Header<BlockNumber, BlakeTwo256>;
	/// Opaque block type.
	pub type Block = generic::Block<Header, UncheckedExtrinsic>;

	impl_opaque_keys! {
		/// The session keys of a validator: one for authoring, one for finality votes.
		pub struct SessionKeys {
			pub aura: Aura,
			pub grandpa: Grandpa,
		}
	}
}

/// The runtime's version.
#[runtime_version]
pub const VERSION: RuntimeVersion = RuntimeVersion {
	spec_name: alloc::borrow::Cow::Borrowed("medledger"),
	impl_name: alloc::borrow::Cow::Borrowed("medledger"),
	authoring_version: 1,
	// 101: `consent.grant` names the hash of the terms granted; `consortium.register_member`
	// carries the member's signed key statement. 102: so does `admit_organisation`, for the
	// delegate's key. 103: `consent.wrap_for_patient` (a new call; no existing call changed)
	// and `ConsentApi` version 2 (`patient_wrap`). 104: reads declare a purpose
	// (`ConsentApi::can_access` takes it, still version 2: 103 never ran outside tests), and
	// `audit.record_access` checks granted reads against the consent when they happened.
	// 109: `documents.anchor_rooted_batch` (a new call: one record per batch, under a
	// Merkle root). 111: `audit.record_access` is charged its distinct reads and refunded its
	// repeats, and the block shares give back what a call did not use; `anchor_rooted_batch`
	// is charged its own measured weight.
	spec_version: 111,
	impl_version: 1,
	apis: apis::RUNTIME_API_VERSIONS,
	// 2: `consent.grant` and `consortium.register_member` take new arguments; 3:
	// `consortium.admit_organisation` too.
	transaction_version: 3,
	system_version: 1,
};

/// The address format for describing accounts.
pub type Address = MultiAddress<AccountId, ()>;

/// Block header type as expected by this runtime.
pub type Header = generic::Header<BlockNumber, BlakeTwo256>;

/// Block type as expected by this runtime.
pub type Block = generic::Block<Header, UncheckedExtrinsic>;

/// The checks every signed extrinsic passes. `CheckMembership` comes before the nonce check:
/// an unregistered account has no nonce, and "not a consortium member" is the refusal its
/// sender should see. The nonce check is `frame_system`'s, ranking each account's queue
/// (`CheckNonceInTurn`, signed as `CheckNonce`).
pub type TxExtension = (
	frame_system::CheckNonZeroSender<Runtime>,
	frame_system::CheckSpecVersion<Runtime>,
	frame_system::CheckTxVersion<Runtime>,
	frame_system::CheckGenesis<Runtime>,
	frame_system::CheckEra<Runtime>,
	pallet_consortium::CheckMembership<Runtime>,
	pallet_consortium::CheckNonceInTurn<Runtime>,
	frame_system::CheckWeight<Runtime>,
);

/// The extensions a client attaches to an immortal extrinsic with `nonce`: the one place
/// that spells out their order for the runtime's tests and the load generator.
pub fn immortal_extension(nonce: Nonce) -> TxExtension {
	(
		frame_system::CheckNonZeroSender::new(),
		frame_system::CheckSpecVersion::new(),
		frame_system::CheckTxVersion::new(),
		frame_system::CheckGenesis::new(),
		frame_system::CheckEra::from(generic::Era::Immortal),
		pallet_consortium::CheckMembership::new(),
		pallet_consortium::CheckNonceInTurn::from(nonce),
		frame_system::CheckWeight::new(),
	)
}

/// Unchecked extrinsic type as expected by this runtime.
pub type UncheckedExtrinsic =
	generic::UncheckedExtrinsic<Address, RuntimeCall, Signature, TxExtension>;

/// The payload being signed in transactions.
pub type SignedPayload = generic::SignedPayload<RuntimeCall, TxExtension>;

/// Executive: dispatches extrinsics and runs the pallets' hooks.
pub type Executive = frame_executive::Executive<
	Runtime,
	Block,
	frame_system::ChainContext<Runtime>,
	Runtime,
	AllPalletsWithSystem,
	Migrations,
>;

/// Storage migrations this release runs on upgrade; each runs once, on the storage version it
/// expects, and is dropped once every chain has upgraded.
pub type Migrations = (
	pallet_audit::migrations::MigrateV0ToV1<Runtime>,
	pallet_audit::migrations::MigrateV1ToV2<Runtime>,
	pallet_consent::migrations::MigrateV0ToV1<Runtime>,
	pallet_documents::migrations::MigrateV0ToV1<Runtime>,
);

/// The council instance of `pallet-collective`.
pub type CouncilInstance = pallet_collective::Instance1;

#[frame_support::runtime]
mod runtime {
	#[runtime::runtime]
	#[runtime::derive(
		RuntimeCall,
		RuntimeEvent,
		RuntimeError,
		RuntimeOrigin,
		RuntimeFreezeReason,
		RuntimeHoldReason,
		RuntimeSlashReason,
		RuntimeLockId,
		RuntimeTask,
		RuntimeViewFunction
	)]
	pub struct Runtime;

	#[runtime::pallet_index(0)]
	pub type System = frame_system;

	#[runtime::pallet_index(1)]
	pub type Timestamp = pallet_timestamp;

	#[runtime::pallet_index(2)]
	pub type Balances = pallet_balances;

	// The registry comes before the session pallet: session's genesis asks it for the
	// first validator set.
	#[runtime::pallet_index(3)]
	pub type Consortium = pallet_consortium;

	#[runtime::pallet_index(4)]
	pub type Council = pallet_collective<Instance1>;

	#[runtime::pallet_index(5)]
	pub type Session = pallet_session;

	#[runtime::pallet_index(6)]
	pub type Aura = pallet_aura;

	#[runtime::pallet_index(7)]
	pub type Grandpa = pallet_grandpa;

	#[runtime::pallet_index(8)]
	pub type Sudo = pallet_sudo;

	#[runtime::pallet_index(9)]
	pub type Audit = pallet_audit;

	#[runtime::pallet_index(10)]
	pub type Documents = pallet_documents;

	#[runtime::pallet_index(11)]
	pub type Consent = pallet_consent;
}
