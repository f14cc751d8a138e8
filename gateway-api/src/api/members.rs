//! `organisation_*`, `member_*`, `*_register`, `patient_relay*`: the consortium's hospitals
//! and members, and what patients sign themselves.

use super::namespace;
use crate::{
	access::{Ownership, ADMIN, ANY, PATIENT},
	values::{Account, Hex32, HexBytes, KeyProof, Role, StaffRole, Status},
	Written,
};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A hospital of the consortium.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Organisation {
	/// Its id on chain.
	pub id: u32,
	/// Its name.
	pub name: String,
	/// Whether it is active.
	pub status: Status,
	/// Its delegate (the administrator who speaks for it).
	pub delegate: Account,
	/// Its validator's account, if it runs one.
	pub validator: Option<Account>,
}

/// A member of the consortium.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Member {
	/// The member's account.
	pub account: Account,
	/// Their role.
	pub role: Role,
	/// Whether they are active.
	pub status: Status,
	/// The X25519 public key data keys are wrapped to.
	pub encryption_key: Hex32,
	/// The block they were registered in.
	pub registered_at: u32,
}

/// A staff account created and registered by the gateway.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct StaffRegistered {
	/// The registration's block and events.
	#[serde(flatten)]
	pub written: Written,
	/// The new account (its key stays in this gateway's keystore).
	pub account: Account,
}

/// What a patient signs a relayed extrinsic with, besides the call.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RelayContext {
	/// The next nonce of the patient's account.
	pub nonce: u32,
	/// The runtime's spec version.
	pub spec_version: u32,
	/// The runtime's transaction version.
	pub transaction_version: u32,
	/// The chain's genesis hash.
	pub genesis_hash: Hex32,
}

namespace! {
	/// Hospitals and members.
	trait MembersApi;

	/// The consortium's hospitals.
	#[method("organisation_list", callers = ANY, owns = Ownership::None)]
	fn organisation_list() -> Vec<Organisation>;

	/// A member's role, status and encryption key (null if the account is no member);
	/// patients: themselves and hospitals' staff.
	#[method("member_get", callers = ANY, owns = Ownership::Account)]
	fn member_get("account" account: Account) -> Option<Member>;

	/// Register a patient with the public keys they made, and their signed statement that
	/// the encryption key is theirs, for this hospital (`medledger keys statement`).
	#[method("patient_register", callers = ADMIN, owns = Ownership::None)]
	fn patient_register("account" account: Account, "encryptionKey" encryption_key: Hex32, "proof" proof: KeyProof) -> Written;

	/// Create a staff key at this gateway and register it on chain.
	#[method("staff_register", callers = ADMIN, owns = Ownership::None)]
	fn staff_register("name" name: String, "role" role: StaffRole) -> StaffRegistered;

	/// What the calling patient signs a relayed extrinsic with: next nonce, spec and
	/// transaction versions, genesis hash.
	#[method("patient_relayContext", callers = PATIENT, owns = Ownership::None)]
	fn patient_relay_context() -> RelayContext;

	/// Submit an extrinsic the patient signed: a consent decision (grant, deny, revoke,
	/// addWraps) or a change of their own encryption key.
	#[method("patient_relay", callers = PATIENT, owns = Ownership::None)]
	fn patient_relay("extrinsic" extrinsic: HexBytes) -> Written;
}
