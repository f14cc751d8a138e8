//! Configuration of each pallet in the runtime.

use crate::{
	opaque::SessionKeys, AccountId, Aura, Balance, Block, BlockNumber, Consent, Council,
	CouncilInstance, Documents, Hash, Nonce, PalletInfo, Runtime, RuntimeCall, RuntimeEvent,
	RuntimeFreezeReason, RuntimeHoldReason, RuntimeOrigin, RuntimeTask, System, Timestamp, DAYS,
	MINUTES, SLOT_DURATION, VERSION,
};
use frame_support::{
	derive_impl,
	dispatch::DispatchClass,
	parameter_types,
	traits::{ConstBool, ConstU128, ConstU16, ConstU32, ConstU64, EitherOfDiverse, VariantCountOf},
	weights::{constants::WEIGHT_REF_TIME_PER_SECOND, Weight},
};
use frame_system::{
	limits::{BlockLength, BlockWeights},
	EnsureRoot,
};
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_runtime::{traits::OpaqueKeys, Perbill};
use sp_version::RuntimeVersion;

const NORMAL_DISPATCH_RATIO: Perbill = Perbill::from_percent(75);

parameter_types! {
	pub const Version: RuntimeVersion = VERSION;
	/// One second of compute per 2-second block: the author proposes for two thirds of the
	/// slot, and the other validators must import the block within the rest.
	pub RuntimeBlockWeights: BlockWeights = BlockWeights::with_sensible_defaults(
		Weight::from_parts(WEIGHT_REF_TIME_PER_SECOND, u64::MAX),
		NORMAL_DISPATCH_RATIO,
	);
	/// 5 MiB per block, three quarters of it for normal (non-operational) extrinsics.
	pub RuntimeBlockLength: BlockLength = BlockLength::builder()
		.max_length(5 * 1024 * 1024)
		.modify_max_length_for_class(DispatchClass::Normal, |max| *max = NORMAL_DISPATCH_RATIO * *max)
		.build();
}

/// Calls a consortium chain does not need, refused whoever signs them (root excepted):
/// remarks longer than [`MAX_REMARK`] (a hospital could fill blocks with them),
/// `remark_with_event` (it writes an event anyone can make), and balance transfers (the chain
/// has no token).
pub struct ConsortiumCalls;

/// Longest `system.remark` allowed: enough for a load test's marker, not for stuffing.
pub const MAX_REMARK: usize = 256;

impl frame_support::traits::Contains<RuntimeCall> for ConsortiumCalls {
	fn contains(call: &RuntimeCall) -> bool {
		match call {
			RuntimeCall::System(frame_system::Call::remark { remark }) => {
				remark.len() <= MAX_REMARK
			}
			RuntimeCall::System(frame_system::Call::remark_with_event { .. }) => false,
			RuntimeCall::Balances(_) => false,
			_ => true,
		}
	}
}

#[derive_impl(frame_system::config_preludes::SolochainDefaultConfig)]
impl frame_system::Config for Runtime {
	type BaseCallFilter = ConsortiumCalls;
	type Block = Block;
	type BlockWeights = RuntimeBlockWeights;
	type BlockLength = RuntimeBlockLength;
	type AccountId = AccountId;
	type Nonce = Nonce;
	type Hash = Hash;
	type BlockHashCount = ConstU32<2400>;
	/// Measured on the reference machine with `benchmark storage` (ParityDB).
	type DbWeight = crate::paritydb_weights::constants::ParityDbWeight;
	type Version = Version;
	type AccountData = pallet_balances::AccountData<Balance>;
	type SS58Prefix = ConstU16<42>;
	type MaxConsumers = ConstU32<16>;
}

impl pallet_timestamp::Config for Runtime {
	type Moment = u64;
	type OnTimestampSet = Aura;
	type MinimumPeriod = ConstU64<{ SLOT_DURATION / 2 }>;
	type WeightInfo = ();
}

impl pallet_balances::Config for Runtime {
	type MaxLocks = ConstU32<0>;
	type MaxReserves = ();
	type ReserveIdentifier = [u8; 8];
	type Balance = Balance;
	type RuntimeEvent = RuntimeEvent;
	type DustRemoval = ();
	// Balances requires a non-zero existential deposit; no account ever holds a balance.
	type ExistentialDeposit = ConstU128<1>;
	type AccountStore = System;
	type WeightInfo = pallet_balances::weights::SubstrateWeight<Runtime>;
	type FreezeIdentifier = RuntimeFreezeReason;
	type MaxFreezes = VariantCountOf<RuntimeFreezeReason>;
	type RuntimeHoldReason = RuntimeHoldReason;
	type RuntimeFreezeReason = RuntimeFreezeReason;
	type DoneSlashHandler = ();
}

parameter_types! {
	/// A quarter of each block for any one hospital: with the patients' quarter kept, no
	/// hospital's flood delays another's extrinsics by more than a block or two — each
	/// block holds the others' quarters — while one busy hospital alone still writes a
	/// quarter of the chain's capacity.
	pub HospitalBlockShare: Perbill = Perbill::from_percent(25);
	/// A quarter of each block kept for patients (revocations, grants, key changes) and
	/// auditors, whatever the hospitals submit.
	pub PersonalBlockShare: Perbill = Perbill::from_percent(25);
}

/// A decision of the consortium: two thirds of the hospitals' delegates, or root (which
/// exists only where the genesis sets a sudo key: the development chain).
pub type ConsortiumDecision = EitherOfDiverse<
	EnsureRoot<AccountId>,
	pallet_collective::EnsureProportionAtLeast<AccountId, CouncilInstance, 2, 3>,
>;

impl pallet_consortium::Config for Runtime {
	type GovernanceOrigin = ConsortiumDecision;
	type Council = Council;
	type MaxOrganisations = ConstU32<32>;
	type MaxNameLength = ConstU32<64>;
	type MaxNodesPerOrganisation = ConstU32<8>;
	type HospitalBlockShare = HospitalBlockShare;
	type PersonalBlockShare = PersonalBlockShare;
	type PersonalBlockQuota = ConstU32<20>;
	type MaxRegistrationsPerPeriod = ConstU32<1000>;
	type RegistrationPeriod = ConstU32<DAYS>;
	type KeySignature = crate::Signature;
	type KeySigner = <crate::Signature as sp_runtime::traits::Verify>::Signer;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = KeyStatementSigner;
	type WeightInfo = pallet_consortium::weights::MeasuredWeight<Runtime>;
}

/// Signs the benchmarks' key statements with an sr25519 key in the host's keystore.
#[cfg(feature = "runtime-benchmarks")]
pub struct KeyStatementSigner;

#[cfg(feature = "runtime-benchmarks")]
impl pallet_consortium::BenchmarkHelper<AccountId, crate::Signature> for KeyStatementSigner {
	fn signer() -> AccountId {
		let seed = b"//medledger-benchmark".to_vec();
		sp_io::crypto::sr25519_generate(sp_core::testing::SR25519, Some(seed)).into()
	}

	fn sign(signer: &AccountId, message: &[u8]) -> crate::Signature {
		let public = sp_core::sr25519::Public::from_raw(*signer.as_ref());
		sp_io::crypto::sr25519_sign(sp_core::testing::SR25519, &public, message)
			.expect("the keystore holds the key it generated")
			.into()
	}
}

impl pallet_audit::Config for Runtime {
	type Time = Timestamp;
	type Subjects = (Documents, Consent);
	type Reads = Consent;
	/// An hour: a gateway reports reads within seconds, and keeps them across node outages
	/// and restarts of this length; longer would let a report date a read further back
	/// into a consent's window after the patient revoked it.
	type MaxReportDelay = ConstU64<{ 60 * 60 * 1000 }>;
	/// A report is admitted on its weight as if every read were distinct (≈ 74 ms for 500,
	/// measured 2026-12-02) and charged what it used; a hospital's reports fit its share of a
	/// block while the last one's declared weight does. Smaller reports waste less of the
	/// share on that margin: 500 leave room for about ten reports of repeated reads a block
	/// (≈ 11 ms each), against two of 1,000.
	type MaxAccessBatch = ConstU32<500>;
	type WeightInfo = pallet_audit::weights::MeasuredWeight<Runtime>;
}

impl pallet_documents::Config for Runtime {
	type WriteConsent = Consent;
	/// A SHA2-256 CIDv1 has 36 bytes; the bound only stops oversize input before parsing.
	type MaxCidLength = ConstU32<64>;
	/// RFC 6838 allows 127-character type and subtype names.
	type MaxMediaTypeLength = ConstU32<255>;
	/// LOINC codes have at most 10 characters; FHIR codes more, rarely over 32.
	type MaxDocumentTypeLength = ConstU32<64>;
	/// A full batch (≈ 380 µs a document) must fit in a hospital's quarter of a block
	/// (187.5 ms of weight): 400 documents weigh ≈ 152 ms (`tests/weights_fit.rs`).
	type MaxBatchSize = ConstU32<400>;
	type MaxRootedBatchSize = ConstU32<1000>;
	type WeightInfo = pallet_documents::weights::MeasuredWeight<Runtime>;
}

impl pallet_consent::Config for Runtime {
	type MaxScopeItems = ConstU32<64>;
	type MaxGrantsPerOrganisation = ConstU32<16>;
	/// An X25519 ephemeral key (32), a nonce (24), a 32-byte data key and a tag (16), with
	/// room for a format header.
	type MaxWrapLength = ConstU32<128>;
	type MaxWraps = ConstU32<500>;
	type MaxReasonLength = ConstU32<256>;
	/// Emergency access lasts one hour.
	type BreakGlassWindow = ConstU64<{ 60 * 60 * 1000 }>;
	/// An emergency clinician may break the glass for several patients in a shift; more than
	/// ten a day from one account is a stolen credential or abuse, and waits for the next day.
	type MaxBreakGlassPerPeriod = ConstU32<10>;
	type BreakGlassPeriod = ConstU64<{ 24 * 60 * 60 * 1000 }>;
	/// A day: a patient who revoked a hospital's emergency access is not overridden by the
	/// same hospital at once, and a new emergency the next day is not barred; the patient
	/// may lift the bar sooner.
	type BreakGlassHold = ConstU64<{ 24 * 60 * 60 * 1000 }>;
	/// A hospital asks one patient for a few things at once (treatment, payment, research);
	/// each open request is a decision on the patient's screen, and eight is already many.
	type MaxPendingRequests = ConstU32<8>;
	/// A week: a patient who has not answered in a week is not going to; the hospital asks
	/// again if it still needs to.
	type RequestLifetime = ConstU64<{ 7 * 24 * 60 * 60 * 1000 }>;
	type MaxExpiryWeight = MaxExpiryWeight;
	type PalletId = ConsentPalletId;
	type WeightInfo = pallet_consent::weights::MeasuredWeight<Runtime>;
}

parameter_types! {
	/// A fifth of a block: consents end within a block or two of falling due even when many
	/// fall due together, and what users submit keeps the rest.
	pub MaxExpiryWeight: Weight = Perbill::from_percent(20) * RuntimeBlockWeights::get().max_block;
	/// The account named as actor when the chain ends a consent by itself.
	pub const ConsentPalletId: frame_support::PalletId = frame_support::PalletId(*b"ml/cnsnt");
}

parameter_types! {
	/// A passed proposal runs inside the `close` its delegate signs, which must fit in that
	/// hospital's share of a block (25 % of 750 ms): 15 % of the block leaves `close` its
	/// own weight (`tests/weights_fit.rs`). A larger bound would let motions pass that no
	/// block could ever carry out.
	pub MaxCouncilProposalWeight: Weight = Perbill::from_percent(15) * RuntimeBlockWeights::get().max_block;
}

impl pallet_collective::Config<CouncilInstance> for Runtime {
	type RuntimeOrigin = RuntimeOrigin;
	type Proposal = RuntimeCall;
	type RuntimeEvent = RuntimeEvent;
	type MotionDuration = ConstU32<{ 3 * DAYS }>;
	type MaxProposals = ConstU32<100>;
	type MaxMembers = ConstU32<32>;
	type DefaultVote = pallet_collective::PrimeDefaultVote;
	type WeightInfo = pallet_collective::weights::SubstrateWeight<Runtime>;
	// Membership follows the consortium registry, never a direct call.
	type SetMembersOrigin = frame_system::EnsureNever<()>;
	type MaxProposalWeight = MaxCouncilProposalWeight;
	type DisapproveOrigin = EnsureRoot<AccountId>;
	type KillOrigin = EnsureRoot<AccountId>;
	type Consideration = ();
}

parameter_types! {
	/// A session lasts a minute: a voted validator change is live within two minutes.
	pub const SessionPeriod: BlockNumber = MINUTES;
	pub const SessionOffset: BlockNumber = 0;
}

impl pallet_session::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type ValidatorId = AccountId;
	type ValidatorIdOf = pallet_consortium::ValidatorAccount<Runtime>;
	type ShouldEndSession = pallet_session::PeriodicSessions<SessionPeriod, SessionOffset>;
	type NextSessionRotation = pallet_session::PeriodicSessions<SessionPeriod, SessionOffset>;
	type SessionManager = pallet_consortium::Pallet<Runtime>;
	type SessionHandler = <SessionKeys as OpaqueKeys>::KeyTypeIdProviders;
	type Keys = SessionKeys;
	type DisablingStrategy = ();
	type WeightInfo = pallet_session::weights::SubstrateWeight<Runtime>;
	type Currency = pallet_balances::Pallet<Runtime>;
	// No token economics: setting session keys holds nothing.
	type KeyDeposit = ConstU128<0>;
}

impl pallet_aura::Config for Runtime {
	type AuthorityId = AuraId;
	type DisabledValidators = ();
	type MaxAuthorities = ConstU32<32>;
	type AllowMultipleBlocksPerSlot = ConstBool<false>;
	type SlotDuration = pallet_aura::MinimumPeriodTimesTwo<Runtime>;
}

impl pallet_grandpa::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type WeightInfo = ();
	type MaxAuthorities = ConstU32<32>;
	type MaxNominators = ConstU32<0>;
	type MaxSetIdSessionEntries = ConstU64<0>;
	type KeyOwnerProof = sp_core::Void;
	type EquivocationReportSystem = ();
}

impl pallet_sudo::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeCall = RuntimeCall;
	type WeightInfo = pallet_sudo::weights::SubstrateWeight<Runtime>;
}
