//! # Consortium pallet
//!
//! The registry of who may use a MedLedger chain, and the source of its validator set.
//!
//! ## Model
//!
//! - An **organisation** is a consortium hospital. It has a *delegate* account (its vote in
//!   the consortium council), an optional *validator* account (the account of the hospital's
//!   validator node, which sets the node's session keys), and the ed25519 public keys of the
//!   libp2p identities of its nodes (the peers other nodes accept). Its status is `Active`,
//!   `Suspended` (may come back) or `Removed` (final). Organisations are never deleted.
//! - A **member** is an account with one [`Role`]: patient, clinician of organisation X,
//!   administrator of organisation X, or auditor, and an X25519 *encryption* public key of
//!   its own, separate from its signing key: documents' data keys are wrapped to it.
//!   Staff roles are tied to an organisation and lapse while that organisation is not active.
//!
//! ## Who decides
//!
//! Admitting, suspending, reinstating or removing an organisation, changing its validator or
//! its authorised nodes, registering auditors and authorising a runtime upgrade are
//! consortium decisions: they require
//! [`Config::GovernanceOrigin`], which the runtime sets to a two-thirds vote of the council
//! (a `pallet-collective` instance whose members this pallet keeps equal to the delegates of
//! the active organisations). Organisation administrators register their own staff and the
//! patients they serve (the patient supplies their own public keys).
//!
//! ## What the chain enforces with it
//!
//! - [`CheckMembership`], a transaction extension ordered before the nonce check, refuses at
//!   transaction-pool validation every extrinsic signed by an account that is not an active
//!   member (or the validator account of an active organisation), with
//!   `InvalidTransaction::Custom` codes listed in [`refusal`]. With [`CheckNonceInTurn`]
//!   (the nonce check, ranking each account's queue) it sets the [`priority`] — which
//!   decides who goes first and what a full pool drops — and it holds each party to its
//!   **share of every block** — by weight and length,
//!   not by count, since there are no fees to deter spam: each hospital (all its staff and
//!   its validator together, however many accounts it registers) at most
//!   [`Config::HospitalBlockShare`], all hospitals together at most what
//!   [`Config::PersonalBlockShare`] leaves, which is kept for patients and auditors (each
//!   of whom has a count per block too). So no hospital can delay another's anchors and
//!   consent decisions, or patients' revocations, by more than a block or two.
//! - Administrators register at most [`Config::MaxRegistrationsPerPeriod`] members per
//!   [`Config::RegistrationPeriod`]: accounts are free to make, so their number is bounded
//!   where they enter.
//! - The pallet is the `SessionManager` of `pallet-session`: the validators of a session are the
//!   validator accounts of the active organisations, so a vote changes the validator set two
//!   sessions later (the queued session).
//! - The authorised node keys are read by the node (runtime API
//!   [`ConsortiumApi::authorized_nodes`]) to accept only those peers.
//!
//! Members receive a provider reference when registered, so their nonce lives without a
//! balance (the chain has no fees and no token). It is never taken back, even on removal:
//! reaping the account would reset its nonce and let its old transactions be replayed.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;

mod extension;
pub mod migrations;
mod nonce;
pub mod priority;
pub mod weights;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;

pub use extension::{refusal, BlockUse, CheckMembership, Share};
pub use nonce::CheckNonceInTurn;
pub use weights::WeightInfo;

use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{pallet_prelude::*, traits::ChangeMembers};
use frame_system::pallet_prelude::*;
use scale_info::TypeInfo;
use sp_runtime::{
	traits::{IdentifyAccount, Verify},
	Perbill,
};

pub use medledger_primitives::OrgId;

/// An X25519 public key: documents' data keys are wrapped to it.
pub type EncryptionKey = [u8; 32];

/// The ed25519 public key of a node's libp2p identity (its peer id is derived from it).
pub type NodeKey = [u8; 32];

/// What a member may do. Staff roles name their organisation.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
	serde::Serialize,
	serde::Deserialize,
)]
#[serde(rename_all = "camelCase")]
pub enum Role {
	/// A patient: owns their records and signs consent.
	Patient,
	/// A clinician working for the organisation.
	Clinician(OrgId),
	/// An administrator of the organisation: registers its staff and patients.
	OrgAdmin(OrgId),
	/// An auditor or regulator: reads audit trails. Registered by consortium vote.
	Auditor,
}

impl Role {
	/// The organisation a staff role belongs to.
	pub fn organisation(&self) -> Option<OrgId> {
		match self {
			Role::Clinician(org) | Role::OrgAdmin(org) => Some(*org),
			Role::Patient | Role::Auditor => None,
		}
	}
}

/// Lifecycle of an organisation.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
pub enum OrgStatus {
	/// Its staff transact, its validator validates, its nodes are accepted.
	Active,
	/// Temporarily excluded; can be reinstated by vote.
	Suspended,
	/// Permanently excluded.
	Removed,
}

/// Lifecycle of a member.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
pub enum MemberStatus {
	/// May transact.
	Active,
	/// Removed: its extrinsics are refused. The record stays so history keeps its meaning.
	Removed,
}

/// A consortium hospital.
#[derive(
	CloneNoBound, PartialEqNoBound, EqNoBound, Encode, Decode, MaxEncodedLen, TypeInfo, DebugNoBound,
)]
#[scale_info(skip_type_params(MaxName, MaxNodes))]
#[codec(mel_bound(AccountId: MaxEncodedLen, BlockNumber: MaxEncodedLen))]
pub struct Organisation<
	AccountId: Clone + PartialEq + Eq + core::fmt::Debug,
	BlockNumber: Clone + PartialEq + Eq + core::fmt::Debug,
	MaxName: Get<u32>,
	MaxNodes: Get<u32>,
> {
	/// Public name of the hospital (hospitals are known to each other; patients never are).
	pub name: BoundedVec<u8, MaxName>,
	/// Lifecycle status.
	pub status: OrgStatus,
	/// The hospital's vote in the consortium council.
	pub delegate: AccountId,
	/// The account of the hospital's validator node, if it runs one.
	pub validator: Option<AccountId>,
	/// Node identities (ed25519 public keys) that other nodes accept as peers.
	pub nodes: BoundedVec<NodeKey, MaxNodes>,
	/// Block at which the organisation was admitted.
	pub admitted_at: BlockNumber,
}

/// A registered account.
#[derive(Clone, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo, Debug)]
pub struct Member<BlockNumber> {
	/// What the member may do.
	pub role: Role,
	/// X25519 public key that documents' data keys are wrapped to.
	pub encryption_key: EncryptionKey,
	/// Lifecycle status.
	pub status: MemberStatus,
	/// Block at which the member was (last) registered.
	pub registered_at: BlockNumber,
}

/// What an account signs, with its own key, to have an encryption key registered for it:
/// the account, the X25519 key, the hospital that registers it (`None`: the consortium, by
/// vote) and the chain (its genesis hash). Whoever registers a member submits it; only the
/// member can make it — so no hospital can register a key it holds for someone else (and
/// then decrypt what is wrapped to them), and a statement made for one hospital or chain
/// is refused by another.
#[derive(Encode)]
pub struct KeyStatement<'a, AccountId, Hash> {
	/// The member.
	pub account: &'a AccountId,
	/// Their encryption key.
	pub encryption_key: &'a EncryptionKey,
	/// The registering hospital.
	pub registrar: Option<OrgId>,
	/// The chain's genesis hash.
	pub genesis: Hash,
}

impl<AccountId: Encode, Hash: Encode> KeyStatement<'_, AccountId, Hash> {
	/// The bytes signed: a tag naming what they are, then the statement (SCALE).
	pub fn message(&self) -> Vec<u8> {
		(KEY_STATEMENT_TAG, self).encode()
	}
}

/// Domain separation: a key statement is never a valid signature of anything else.
const KEY_STATEMENT_TAG: &[u8; 24] = b"medledger/encryption-key";

/// Makes an account that can sign, and its signatures, for the benchmarks.
#[cfg(feature = "runtime-benchmarks")]
pub trait BenchmarkHelper<AccountId, Signature> {
	/// An account whose key signs in [`BenchmarkHelper::sign`].
	fn signer() -> AccountId;
	/// `message` signed by `signer`'s key.
	fn sign(signer: &AccountId, message: &[u8]) -> Signature;
}

/// The unit-test runtimes' signatures (`TestSignature`: the signer's number and the
/// message), for their benchmarks.
#[cfg(all(feature = "runtime-benchmarks", feature = "std"))]
pub struct TestSignatures;

#[cfg(all(feature = "runtime-benchmarks", feature = "std"))]
impl BenchmarkHelper<u64, sp_runtime::testing::TestSignature> for TestSignatures {
	fn signer() -> u64 {
		1_000
	}

	fn sign(signer: &u64, message: &[u8]) -> sp_runtime::testing::TestSignature {
		sp_runtime::testing::TestSignature(*signer, message.to_vec())
	}
}

/// Why an account may or may not transact; see [`Pallet::standing`].
#[derive(Clone, Copy, PartialEq, Eq, Encode, Decode, TypeInfo, Debug)]
pub enum Standing {
	/// An active member with this role.
	Member(Role),
	/// The validator account of an active organisation (it may set session keys).
	Validator(OrgId),
	/// Not registered.
	Unknown,
	/// Registered, then removed.
	Removed,
	/// A staff member (or validator) of an organisation that is not active.
	OrganisationInactive(OrgId),
}

/// An organisation as a chain spec's genesis lists it (keys in hex).
#[derive(Clone, PartialEq, Eq, Debug, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GenesisOrganisation<AccountId> {
	/// Public name of the hospital.
	pub name: alloc::string::String,
	/// Its delegate: first administrator and council member.
	pub delegate: AccountId,
	/// The delegate's X25519 public key.
	pub delegate_encryption_key: sp_core::H256,
	/// The account of its validator node, if it runs one.
	pub validator: Option<AccountId>,
	/// Ed25519 public keys of its nodes' libp2p identities.
	pub nodes: Vec<sp_core::H256>,
}

/// A further member as a chain spec's genesis lists it.
#[derive(Clone, PartialEq, Eq, Debug, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GenesisMember<AccountId> {
	/// The member's account.
	pub account: AccountId,
	/// Its role.
	pub role: Role,
	/// Its X25519 public key.
	pub encryption_key: sp_core::H256,
}

/// The organisation record as stored for runtime `T`.
pub type OrganisationOf<T> = Organisation<
	<T as frame_system::Config>::AccountId,
	BlockNumberFor<T>,
	<T as Config>::MaxNameLength,
	<T as Config>::MaxNodesPerOrganisation,
>;

/// The member record as stored for runtime `T`.
pub type MemberOf<T> = Member<BlockNumberFor<T>>;

#[frame_support::pallet]
pub mod pallet {
	use super::*;

	/// The layout of this pallet's storage; [`crate::migrations`] says why it is 0 and how it
	/// changes.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// The consortium's decision: admits, suspends and removes organisations, changes
		/// validators and authorised nodes, registers auditors.
		type GovernanceOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// The council whose members are the delegates of the active organisations.
		type Council: ChangeMembers<Self::AccountId>;

		/// Most organisations the consortium can hold (also bounds the council and the
		/// validator set).
		#[pallet::constant]
		type MaxOrganisations: Get<u32>;

		/// Longest organisation name, in bytes.
		#[pallet::constant]
		type MaxNameLength: Get<u32>;

		/// Most authorised nodes per organisation.
		#[pallet::constant]
		type MaxNodesPerOrganisation: Get<u32>;

		/// Each hospital's share of a block (its staff's and validator's extrinsics
		/// together), of the weight and of the length normal extrinsics may use.
		#[pallet::constant]
		type HospitalBlockShare: Get<Perbill>;

		/// The share of a block kept for patients and auditors (and all they may use): the
		/// hospitals together have the rest.
		#[pallet::constant]
		type PersonalBlockShare: Get<Perbill>;

		/// Extrinsics one patient or auditor account may have in one block.
		#[pallet::constant]
		type PersonalBlockQuota: Get<u32>;

		/// Most members a hospital's administrators register in one
		/// [`Config::RegistrationPeriod`].
		#[pallet::constant]
		type MaxRegistrationsPerPeriod: Get<u32>;

		/// The period registrations are counted over, in blocks.
		#[pallet::constant]
		type RegistrationPeriod: Get<BlockNumberFor<Self>>;

		/// A signature by an account's own key (the runtime's `MultiSignature`): what a
		/// member signs their [`KeyStatement`] with.
		type KeySignature: Verify<Signer = Self::KeySigner> + Parameter;

		/// The public key behind an account, as [`Config::KeySignature`] names it.
		type KeySigner: IdentifyAccount<AccountId = Self::AccountId>;

		/// Makes members' key statements for the benchmarks.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: BenchmarkHelper<Self::AccountId, Self::KeySignature>;

		/// Weights of this pallet's calls and of [`CheckMembership`].
		type WeightInfo: WeightInfo;
	}

	/// Organisations by id.
	#[pallet::storage]
	pub type Organisations<T: Config> = StorageMap<_, Twox64Concat, OrgId, OrganisationOf<T>>;

	/// How many organisations were ever admitted; the next id is this plus one.
	#[pallet::storage]
	pub type OrganisationCount<T: Config> = StorageValue<_, u32, ValueQuery>;

	/// Members by account.
	#[pallet::storage]
	pub type Members<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, MemberOf<T>>;

	/// The organisation whose validator an account is.
	#[pallet::storage]
	pub type ValidatorOf<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, OrgId>;

	/// The validator set last handed to `pallet-session`, so a session only reports a change
	/// when the set really changed (each change starts a new GRANDPA authority set).
	#[pallet::storage]
	pub type PlannedValidators<T: Config> =
		StorageValue<_, BoundedVec<T::AccountId, T::MaxOrganisations>, ValueQuery>;

	/// A patient's or auditor's use of the current block: (block number, extrinsics so far).
	/// (Staff draw on their hospital's [`BlockShares`] instead.)
	#[pallet::storage]
	pub type BlockUsage<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, (BlockNumberFor<T>, u32)>;

	/// What each [`Share`] used of the block it was last drawn on. An entry of an earlier
	/// block counts as nothing used, so nothing needs clearing; there are at most
	/// `MaxOrganisations + 2` keys.
	#[pallet::storage]
	pub type BlockShares<T: Config> =
		StorageMap<_, Twox64Concat, Share, BlockUse<BlockNumberFor<T>>>;

	/// Members each hospital's administrators registered in the current period: (period
	/// index, count).
	#[pallet::storage]
	pub type Registrations<T: Config> =
		StorageMap<_, Twox64Concat, OrgId, (BlockNumberFor<T>, u32)>;

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// Organisations admitted at genesis, with ids 1, 2, … in this order.
		pub organisations: Vec<GenesisOrganisation<T::AccountId>>,
		/// Further members.
		pub members: Vec<GenesisMember<T::AccountId>>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			for org in &self.organisations {
				let nodes: Vec<NodeKey> = org.nodes.iter().map(|key| key.0).collect();
				Pallet::<T>::do_admit(
					org.name
						.as_bytes()
						.to_vec()
						.try_into()
						.expect("genesis organisation name too long"),
					org.delegate.clone(),
					org.delegate_encryption_key.0,
					org.validator.clone(),
					nodes.try_into().expect("too many genesis nodes for an organisation"),
				)
				.expect("invalid genesis organisation");
			}
			for member in &self.members {
				Pallet::<T>::do_register(&member.account, member.role, member.encryption_key.0)
					.expect("invalid genesis member");
			}
			let delegates = Pallet::<T>::council_members();
			T::Council::set_members_sorted(&delegates, &[]);
			PlannedValidators::<T>::put(Pallet::<T>::validator_set());
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	// Each variant's doc tells what its fields are; they are the event's named data.
	#[allow(missing_docs)]
	pub enum Event<T: Config> {
		/// The consortium admitted a hospital.
		OrganisationAdmitted { org: OrgId, delegate: T::AccountId },
		/// The consortium suspended a hospital: its staff can no longer transact and its
		/// validator leaves the set at the next-but-one session.
		OrganisationSuspended { org: OrgId },
		/// The consortium reinstated a suspended hospital.
		OrganisationReinstated { org: OrgId },
		/// The consortium removed a hospital for good.
		OrganisationRemoved { org: OrgId },
		/// A hospital's validator account changed (takes effect at the next-but-one session).
		ValidatorChanged { org: OrgId, validator: Option<T::AccountId> },
		/// A hospital's authorised node identities changed.
		NodesChanged { org: OrgId },
		/// An account was registered as a member.
		MemberRegistered { who: T::AccountId, role: Role },
		/// A member was removed; its extrinsics are refused from now on.
		MemberRemoved { who: T::AccountId },
		/// A member replaced its encryption key.
		EncryptionKeyChanged { who: T::AccountId },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The encryption key's statement is not signed by the member's own key (or was
		/// made for another key, hospital or chain).
		BadKeyProof,
		/// No organisation has this id.
		UnknownOrganisation,
		/// The organisation is not active.
		OrganisationNotActive,
		/// The organisation is already in the requested state.
		OrganisationAlreadyInState,
		/// A removed organisation cannot be changed.
		OrganisationRemoved,
		/// The consortium already holds the maximum number of organisations.
		TooManyOrganisations,
		/// The account is already an active member.
		AlreadyMember,
		/// The account is not a member.
		NotMember,
		/// The member was already removed.
		MemberAlreadyRemoved,
		/// The caller is not an active administrator of an active organisation.
		NotOrganisationAdmin,
		/// An administrator may only register staff of its own organisation, or patients.
		RoleOutsideOwnOrganisation,
		/// Auditors are registered by consortium vote.
		AuditorNeedsConsortiumVote,
		/// The account already validates for an organisation.
		ValidatorInUse,
		/// An organisation name must not be empty.
		EmptyName,
		/// The hospital registered `MaxRegistrationsPerPeriod` members this period already.
		TooManyRegistrations,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Admit a hospital. Its delegate becomes its first administrator and joins the
		/// council, with the encryption key of its own signed statement
		/// ([`KeyStatement`], no registering hospital); its validator (if any) joins the
		/// validator set at the next-but-one session once it has set session keys.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::admit_organisation())]
		pub fn admit_organisation(
			origin: OriginFor<T>,
			name: BoundedVec<u8, T::MaxNameLength>,
			delegate: T::AccountId,
			delegate_encryption_key: EncryptionKey,
			delegate_key_proof: T::KeySignature,
			validator: Option<T::AccountId>,
			nodes: BoundedVec<NodeKey, T::MaxNodesPerOrganisation>,
		) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			// The delegate's own statement that the key is theirs, for the consortium (no
			// registering hospital) on this chain: a council cannot give a delegate a key
			// the delegate does not hold.
			let statement = KeyStatement {
				account: &delegate,
				encryption_key: &delegate_encryption_key,
				registrar: None,
				genesis: Self::genesis_hash(),
			};
			ensure!(
				delegate_key_proof.verify(&statement.message()[..], &delegate),
				Error::<T>::BadKeyProof
			);
			Self::with_council_update(|| {
				Self::do_admit(name, delegate, delegate_encryption_key, validator, nodes)
			})
			.map(|_| ())
		}

		/// Suspend an active hospital.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::set_organisation_status())]
		pub fn suspend_organisation(origin: OriginFor<T>, org: OrgId) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			Self::with_council_update(|| Self::set_status(org, OrgStatus::Suspended))?;
			Self::deposit_event(Event::OrganisationSuspended { org });
			Ok(())
		}

		/// Reinstate a suspended hospital.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::set_organisation_status())]
		pub fn reinstate_organisation(origin: OriginFor<T>, org: OrgId) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			Self::with_council_update(|| Self::set_status(org, OrgStatus::Active))?;
			Self::deposit_event(Event::OrganisationReinstated { org });
			Ok(())
		}

		/// Remove a hospital for good. Its records stay; its staff and validator lose access.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::set_organisation_status())]
		pub fn remove_organisation(origin: OriginFor<T>, org: OrgId) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			Self::with_council_update(|| Self::set_status(org, OrgStatus::Removed))?;
			Self::deposit_event(Event::OrganisationRemoved { org });
			Ok(())
		}

		/// Set or clear the validator account of a hospital.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::set_validator())]
		pub fn set_validator(
			origin: OriginFor<T>,
			org: OrgId,
			validator: Option<T::AccountId>,
		) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			Organisations::<T>::try_mutate(org, |maybe| -> DispatchResult {
				let record = maybe.as_mut().ok_or(Error::<T>::UnknownOrganisation)?;
				ensure!(record.status != OrgStatus::Removed, Error::<T>::OrganisationRemoved);
				if let Some(v) = &validator {
					ensure!(!ValidatorOf::<T>::contains_key(v), Error::<T>::ValidatorInUse);
				}
				if let Some(old) = record.validator.take() {
					ValidatorOf::<T>::remove(old);
				}
				if let Some(v) = &validator {
					Self::bind_validator(v, org);
				}
				record.validator = validator.clone();
				Ok(())
			})?;
			Self::deposit_event(Event::ValidatorChanged { org, validator });
			Ok(())
		}

		/// Replace the node identities a hospital's peers are accepted by.
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::set_nodes())]
		pub fn set_nodes(
			origin: OriginFor<T>,
			org: OrgId,
			nodes: BoundedVec<NodeKey, T::MaxNodesPerOrganisation>,
		) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			Organisations::<T>::try_mutate(org, |maybe| -> DispatchResult {
				let record = maybe.as_mut().ok_or(Error::<T>::UnknownOrganisation)?;
				ensure!(record.status != OrgStatus::Removed, Error::<T>::OrganisationRemoved);
				record.nodes = nodes;
				Ok(())
			})?;
			Self::deposit_event(Event::NodesChanged { org });
			Ok(())
		}

		/// Register a member with the encryption key they proved is theirs: `proof` is the
		/// member's signature of their [`KeyStatement`] naming the registering hospital. An
		/// organisation administrator registers clinicians and administrators of its own
		/// organisation, and patients; auditors (and anyone else) by consortium vote. A
		/// removed member may be registered again.
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::register_member())]
		pub fn register_member(
			origin: OriginFor<T>,
			who: T::AccountId,
			role: Role,
			encryption_key: EncryptionKey,
			proof: T::KeySignature,
		) -> DispatchResult {
			let registrar = if T::GovernanceOrigin::try_origin(origin.clone()).is_err() {
				let admin_org = Self::ensure_org_admin(origin)?;
				match role {
					Role::Patient => {}
					Role::Auditor => return Err(Error::<T>::AuditorNeedsConsortiumVote.into()),
					Role::Clinician(org) | Role::OrgAdmin(org) => {
						ensure!(org == admin_org, Error::<T>::RoleOutsideOwnOrganisation)
					}
				}
				Some(admin_org)
			} else {
				None
			};
			let statement = KeyStatement {
				account: &who,
				encryption_key: &encryption_key,
				registrar,
				genesis: Self::genesis_hash(),
			};
			ensure!(proof.verify(&statement.message()[..], &who), Error::<T>::BadKeyProof);
			if let Some(org) = registrar {
				Self::count_registration(org)?;
			}
			Self::do_register(&who, role, encryption_key)?;
			Self::deposit_event(Event::MemberRegistered { who, role });
			Ok(())
		}

		/// Remove a member: an administrator removes staff of its own organisation; the
		/// consortium removes anyone. A hospital's delegate is replaced only with the
		/// organisation itself.
		#[pallet::call_index(7)]
		#[pallet::weight(T::WeightInfo::remove_member())]
		pub fn remove_member(origin: OriginFor<T>, who: T::AccountId) -> DispatchResult {
			let by_vote = T::GovernanceOrigin::try_origin(origin.clone()).is_ok();
			Members::<T>::try_mutate(&who, |maybe| -> DispatchResult {
				let member = maybe.as_mut().ok_or(Error::<T>::NotMember)?;
				if !by_vote {
					let admin_org = Self::ensure_org_admin(origin)?;
					ensure!(
						member.role.organisation() == Some(admin_org),
						Error::<T>::RoleOutsideOwnOrganisation
					);
				}
				ensure!(member.status == MemberStatus::Active, Error::<T>::MemberAlreadyRemoved);
				member.status = MemberStatus::Removed;
				Ok(())
			})?;
			Self::deposit_event(Event::MemberRemoved { who });
			Ok(())
		}

		/// Replace the caller's own encryption key (key rotation or loss). Signed by the
		/// member's own account, which binds the account, the key and (through the signed
		/// extension) the chain: the proof a [`KeyStatement`] gives at registration. A
		/// patient's issuing hospitals then wrap their documents' keys to the new key
		/// (`pallet_consent`'s `wrap_for_patient`).
		#[pallet::call_index(8)]
		#[pallet::weight(T::WeightInfo::set_encryption_key())]
		pub fn set_encryption_key(
			origin: OriginFor<T>,
			encryption_key: EncryptionKey,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Members::<T>::try_mutate(&who, |maybe| -> DispatchResult {
				let member = maybe.as_mut().ok_or(Error::<T>::NotMember)?;
				ensure!(member.status == MemberStatus::Active, Error::<T>::MemberAlreadyRemoved);
				member.encryption_key = encryption_key;
				Ok(())
			})?;
			Self::deposit_event(Event::EncryptionKeyChanged { who });
			Ok(())
		}

		/// Authorise a runtime upgrade to the Wasm blob with this hash. Once authorised,
		/// anyone submits the blob with `system.apply_authorized_upgrade`; so a runtime
		/// upgrade is a consortium decision like any other, with no root key on the chain.
		#[pallet::call_index(9)]
		#[pallet::weight(T::WeightInfo::authorize_upgrade())]
		pub fn authorize_upgrade(origin: OriginFor<T>, code_hash: T::Hash) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			frame_system::Pallet::<T>::do_authorize_upgrade(code_hash, true);
			Ok(())
		}
	}
}

impl<T: Config> Pallet<T> {
	/// Whether, and as what, `who` may transact now.
	pub fn standing(who: &T::AccountId) -> Standing {
		if let Some(member) = Members::<T>::get(who) {
			if member.status == MemberStatus::Removed {
				return Standing::Removed;
			}
			return match member.role.organisation() {
				Some(org) if !Self::is_active(org) => Standing::OrganisationInactive(org),
				_ => Standing::Member(member.role),
			};
		}
		match ValidatorOf::<T>::get(who) {
			Some(org) if Self::is_active(org) => Standing::Validator(org),
			Some(org) => Standing::OrganisationInactive(org),
			None => Standing::Unknown,
		}
	}

	/// Whether the organisation exists and is active.
	pub fn is_active(org: OrgId) -> bool {
		Organisations::<T>::get(org).is_some_and(|o| o.status == OrgStatus::Active)
	}

	/// The sorted delegates of the active organisations: the council.
	pub fn council_members() -> Vec<T::AccountId> {
		let mut delegates: Vec<_> = Organisations::<T>::iter_values()
			.filter(|o| o.status == OrgStatus::Active)
			.map(|o| o.delegate)
			.collect();
		delegates.sort();
		delegates
	}

	/// Validator accounts of the active organisations, in organisation order.
	pub fn validator_set() -> BoundedVec<T::AccountId, T::MaxOrganisations> {
		let mut orgs: Vec<_> = Organisations::<T>::iter()
			.filter(|(_, o)| o.status == OrgStatus::Active)
			.filter_map(|(id, o)| o.validator.map(|v| (id, v)))
			.collect();
		orgs.sort_by_key(|(id, _)| *id);
		// At most `MaxOrganisations` organisations exist, so this never truncates.
		BoundedVec::truncate_from(orgs.into_iter().map(|(_, v)| v).collect())
	}

	/// Node identities of the active organisations. Empty means the chain does not restrict
	/// peers (the single-node development chain).
	pub fn authorized_nodes() -> Vec<NodeKey> {
		Organisations::<T>::iter_values()
			.filter(|o| o.status == OrgStatus::Active)
			.flat_map(|o| o.nodes.into_iter())
			.collect()
	}

	fn ensure_org_admin(origin: OriginFor<T>) -> Result<OrgId, DispatchError> {
		let who = ensure_signed(origin)?;
		match Self::standing(&who) {
			Standing::Member(Role::OrgAdmin(org)) => Ok(org),
			_ => Err(Error::<T>::NotOrganisationAdmin.into()),
		}
	}

	/// Runs `change`, then brings the council in line with the active organisations.
	fn with_council_update<R>(
		change: impl FnOnce() -> Result<R, DispatchError>,
	) -> Result<R, DispatchError> {
		let before = Self::council_members();
		let result = change()?;
		let after = Self::council_members();
		if before != after {
			T::Council::set_members_sorted(&after, &before);
		}
		Ok(result)
	}

	/// Admits an organisation without a vote: for genesis, and for the benchmarks of pallets
	/// that need a hospital to exist.
	pub fn do_admit(
		name: BoundedVec<u8, T::MaxNameLength>,
		delegate: T::AccountId,
		delegate_encryption_key: EncryptionKey,
		validator: Option<T::AccountId>,
		nodes: BoundedVec<NodeKey, T::MaxNodesPerOrganisation>,
	) -> Result<OrgId, DispatchError> {
		ensure!(!name.is_empty(), Error::<T>::EmptyName);
		let count = OrganisationCount::<T>::get();
		ensure!(count < T::MaxOrganisations::get(), Error::<T>::TooManyOrganisations);
		if let Some(v) = &validator {
			ensure!(!ValidatorOf::<T>::contains_key(v), Error::<T>::ValidatorInUse);
		}
		let org = count + 1;
		Organisations::<T>::insert(
			org,
			Organisation {
				name,
				status: OrgStatus::Active,
				delegate: delegate.clone(),
				validator: validator.clone(),
				nodes,
				admitted_at: frame_system::Pallet::<T>::block_number(),
			},
		);
		OrganisationCount::<T>::put(org);
		// The organisation must exist before its administrator can be registered; a failure
		// here rolls the whole call back (dispatchables are transactional).
		Self::do_register(&delegate, Role::OrgAdmin(org), delegate_encryption_key)?;
		if let Some(v) = &validator {
			Self::bind_validator(v, org);
		}
		Self::deposit_event(Event::OrganisationAdmitted { org, delegate });
		Ok(org)
	}

	fn set_status(org: OrgId, status: OrgStatus) -> DispatchResult {
		Organisations::<T>::try_mutate(org, |maybe| {
			let record = maybe.as_mut().ok_or(Error::<T>::UnknownOrganisation)?;
			ensure!(record.status != OrgStatus::Removed, Error::<T>::OrganisationRemoved);
			ensure!(record.status != status, Error::<T>::OrganisationAlreadyInState);
			record.status = status;
			Ok(())
		})
	}

	/// The chain's genesis hash, which key statements name (the hash of block 0, recorded
	/// when block 1 was built).
	pub fn genesis_hash() -> T::Hash {
		frame_system::Pallet::<T>::block_hash(BlockNumberFor::<T>::zero())
	}

	/// Registers a member without an administrator's call: for genesis, and for the
	/// benchmarks of pallets that need members.
	pub fn do_register(
		who: &T::AccountId,
		role: Role,
		encryption_key: EncryptionKey,
	) -> DispatchResult {
		if let Some(org) = role.organisation() {
			ensure!(Organisations::<T>::contains_key(org), Error::<T>::UnknownOrganisation);
			ensure!(Self::is_active(org), Error::<T>::OrganisationNotActive);
		}
		let existing = Members::<T>::get(who);
		ensure!(
			existing.as_ref().is_none_or(|m| m.status == MemberStatus::Removed),
			Error::<T>::AlreadyMember
		);
		if existing.is_none() && !ValidatorOf::<T>::contains_key(who) {
			frame_system::Pallet::<T>::inc_providers(who);
		}
		Members::<T>::insert(
			who,
			Member {
				role,
				encryption_key,
				status: MemberStatus::Active,
				registered_at: frame_system::Pallet::<T>::block_number(),
			},
		);
		Ok(())
	}

	/// Counts one registration by `org`'s administrators, or refuses it over the bound.
	fn count_registration(org: OrgId) -> DispatchResult {
		let period = frame_system::Pallet::<T>::block_number() / T::RegistrationPeriod::get();
		let count = match Registrations::<T>::get(org) {
			Some((at, count)) if at == period => count,
			_ => 0,
		};
		ensure!(count < T::MaxRegistrationsPerPeriod::get(), Error::<T>::TooManyRegistrations);
		Registrations::<T>::insert(org, (period, count + 1));
		Ok(())
	}

	fn bind_validator(who: &T::AccountId, org: OrgId) {
		// A validator account needs a nonce and a consumer slot for its session keys.
		if !Members::<T>::contains_key(who) && frame_system::Pallet::<T>::providers(who) == 0 {
			frame_system::Pallet::<T>::inc_providers(who);
		}
		ValidatorOf::<T>::insert(who, org);
	}
}

#[cfg(any(test, feature = "try-runtime"))]
impl<T: Config> Pallet<T> {
	/// Checks the registry and the validator index the session manager and the membership
	/// check trust:
	///
	/// - The organisation ids in use are exactly `1..=OrganisationCount`, at most
	///   `MaxOrganisations` (ids are given in order and organisations are never deleted).
	/// - Each organisation's delegate is a member (registered on admission; member records
	///   are never deleted), and each staff member's organisation exists.
	/// - [`ValidatorOf`] is the inverse of the organisations' `validator`: each organisation's
	///   validator maps to it, and each entry names an organisation with that validator, so
	///   no account validates for two organisations.
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		let count = OrganisationCount::<T>::get();
		ensure!(
			count <= T::MaxOrganisations::get(),
			"consortium: more organisations than MaxOrganisations"
		);
		let mut organisations: u32 = 0;
		for (org, record) in Organisations::<T>::iter() {
			ensure!((1..=count).contains(&org), "consortium: an id is beyond OrganisationCount");
			ensure!(
				Members::<T>::contains_key(&record.delegate),
				"consortium: an organisation's delegate is not a member"
			);
			if let Some(validator) = &record.validator {
				ensure!(
					ValidatorOf::<T>::get(validator) == Some(org),
					"consortium: an organisation's validator is missing from ValidatorOf"
				);
			}
			organisations += 1;
		}
		// Every id found lies in `1..=count`, so as many organisations as `count` leave no gap.
		ensure!(organisations == count, "consortium: an id up to OrganisationCount is unused");
		for (validator, org) in ValidatorOf::<T>::iter() {
			ensure!(
				Organisations::<T>::get(org).is_some_and(|o| o.validator == Some(validator)),
				"consortium: ValidatorOf names an organisation with another validator"
			);
		}
		for member in Members::<T>::iter_values() {
			if let Some(org) = member.role.organisation() {
				ensure!(
					Organisations::<T>::contains_key(org),
					"consortium: a staff member's organisation does not exist"
				);
			}
		}
		Ok(())
	}
}

impl<T: Config> pallet_session::SessionManager<T::AccountId> for Pallet<T> {
	fn new_session(_new_index: u32) -> Option<Vec<T::AccountId>> {
		let next = Self::validator_set();
		// Never leave the chain without validators: an empty set keeps the current one.
		if next.is_empty() || next == PlannedValidators::<T>::get() {
			return None;
		}
		PlannedValidators::<T>::put(&next);
		Some(next.into_inner())
	}

	fn new_session_genesis(_new_index: u32) -> Option<Vec<T::AccountId>> {
		let set = Self::validator_set();
		(!set.is_empty()).then(|| set.into_inner())
	}

	fn end_session(_end_index: u32) {}
	fn start_session(_start_index: u32) {}
}

/// Accounts and hospitals for the benchmarks of the pallets built on this one.
#[cfg(feature = "runtime-benchmarks")]
pub mod benchmark_setup {
	use super::*;

	/// Admits hospital number `n` with an administrator and a clinician; returns
	/// `(org, admin, clinician)`.
	pub fn hospital<T: Config>(n: u32) -> (OrgId, T::AccountId, T::AccountId) {
		let admin: T::AccountId = frame_benchmarking::account("admin", n, 0);
		let clinician: T::AccountId = frame_benchmarking::account("clinician", n, 0);
		let name = alloc::vec![b'H'; T::MaxNameLength::get() as usize];
		let org = Pallet::<T>::do_admit(
			name.try_into().expect("a name of the maximum length fits"),
			admin.clone(),
			[1; 32],
			None,
			Default::default(),
		)
		.expect("benchmarks start with room for a hospital");
		Pallet::<T>::do_register(&clinician, Role::Clinician(org), [2; 32])
			.expect("the hospital was just admitted");
		(org, admin, clinician)
	}

	/// Registers patient number `n`.
	pub fn patient<T: Config>(n: u32) -> T::AccountId {
		let patient: T::AccountId = frame_benchmarking::account("patient", n, 0);
		Pallet::<T>::do_register(&patient, Role::Patient, [3; 32])
			.expect("a fresh account registers");
		patient
	}
}

/// `pallet-session`'s `ValidatorIdOf`: only the validator account of an organisation may
/// set session keys (one storage read, as `pallet-session` requires).
pub struct ValidatorAccount<T>(core::marker::PhantomData<T>);

impl<T: Config> sp_runtime::traits::Convert<T::AccountId, Option<T::AccountId>>
	for ValidatorAccount<T>
{
	fn convert(who: T::AccountId) -> Option<T::AccountId> {
		ValidatorOf::<T>::contains_key(&who).then_some(who)
	}
}

sp_api::decl_runtime_apis! {
	/// Queries of the consortium registry for the node, the gateway and the explorer.
	pub trait ConsortiumApi<AccountId, BlockNumber, OrganisationRecord>
	where
		AccountId: codec::Codec,
		BlockNumber: codec::Codec,
		OrganisationRecord: codec::Codec,
	{
		/// Every organisation with its id.
		fn organisations() -> Vec<(OrgId, OrganisationRecord)>;
		/// A member's record.
		fn member(who: AccountId) -> Option<Member<BlockNumber>>;
		/// Whether, and as what, an account may transact.
		fn standing(who: AccountId) -> Standing;
		/// Node identities the node accepts as peers; empty means unrestricted.
		fn authorized_nodes() -> Vec<NodeKey>;
	}
}
