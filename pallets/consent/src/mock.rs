//! A minimal runtime for the consent pallet's unit tests: two hospitals with a clinician
//! each, two patients, an auditor, and the audit and documents pallets.

use crate as pallet_consent;
use frame_support::{
	derive_impl,
	traits::{ConstU32, ConstU64},
};
use pallet_consortium::{GenesisMember, GenesisOrganisation, Role};
use sp_core::H256;
use sp_runtime::BuildStorage;

type Block = frame_system::mocking::MockBlock<Test>;

#[frame_support::runtime]
mod runtime {
	#[runtime::runtime]
	#[runtime::derive(RuntimeCall, RuntimeEvent, RuntimeError, RuntimeOrigin, RuntimeTask)]
	pub struct Test;

	#[runtime::pallet_index(0)]
	pub type System = frame_system;
	#[runtime::pallet_index(1)]
	pub type Timestamp = pallet_timestamp;
	#[runtime::pallet_index(2)]
	pub type Consortium = pallet_consortium;
	#[runtime::pallet_index(3)]
	pub type Audit = pallet_audit;
	#[runtime::pallet_index(4)]
	pub type Documents = pallet_documents;
	#[runtime::pallet_index(5)]
	pub type ConsentPallet = pallet_consent;
}

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	// Storage costs something, so the chain's own expiry work has a weight to budget.
	type DbWeight = frame_support::weights::constants::RocksDbWeight;
}

#[derive_impl(pallet_timestamp::config_preludes::TestDefaultConfig)]
impl pallet_timestamp::Config for Test {}

frame_support::parameter_types! {
	// The whole block for any hospital: these tests dispatch calls, not extrinsics.
	pub HospitalBlockShare: sp_runtime::Perbill = sp_runtime::Perbill::one();
	pub PersonalBlockShare: sp_runtime::Perbill = sp_runtime::Perbill::from_percent(50);
}

impl pallet_consortium::Config for Test {
	type GovernanceOrigin = frame_system::EnsureRoot<u64>;
	type Council = ();
	type MaxOrganisations = ConstU32<8>;
	type MaxNameLength = ConstU32<16>;
	type MaxNodesPerOrganisation = ConstU32<2>;
	type HospitalBlockShare = HospitalBlockShare;
	type PersonalBlockShare = PersonalBlockShare;
	type PersonalBlockQuota = ConstU32<100>;
	type MaxRegistrationsPerPeriod = ConstU32<1000>;
	type RegistrationPeriod = frame_support::traits::ConstU64<1000>;
	type KeySignature = sp_runtime::testing::TestSignature;
	type KeySigner = sp_runtime::testing::UintAuthorityId;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = pallet_consortium::TestSignatures;
	type WeightInfo = ();
}

impl pallet_audit::Config for Test {
	type Time = Timestamp;
	type Subjects = (Documents, ConsentPallet);
	type Reads = ConsentPallet;
	type MaxReportDelay = ConstU64<REPORT_DELAY>;
	type MaxAccessBatch = ConstU32<4>;
	type WeightInfo = ();
}

impl pallet_documents::Config for Test {
	type WriteConsent = ConsentPallet;
	type MaxCidLength = ConstU32<64>;
	type MaxMediaTypeLength = ConstU32<32>;
	type MaxDocumentTypeLength = ConstU32<16>;
	type MaxBatchSize = ConstU32<3>;
	type MaxRootedBatchSize = ConstU32<3>;
	type WeightInfo = ();
}

/// Break-glass access lasts an hour.
pub(crate) const BREAK_GLASS: u64 = 3_600_000;
/// A clinician's break-glass accesses are counted per day.
pub(crate) const BREAK_GLASS_PERIOD: u64 = 86_400_000;
/// A patient's revocation bars break-glass for a day.
pub(crate) const BREAK_GLASS_HOLD: u64 = 86_400_000;
/// A request waits a day for the patient.
pub(crate) const REQUEST_LIFETIME: u64 = 86_400_000;

frame_support::parameter_types! {
	pub const ConsentPalletId: frame_support::PalletId = frame_support::PalletId(*b"ml/cnsnt");
	/// As much as needed, unless a test sets less.
	pub static MaxExpiryWeight: frame_support::weights::Weight = frame_support::weights::Weight::MAX;
}

impl pallet_consent::Config for Test {
	type MaxScopeItems = ConstU32<3>;
	type MaxGrantsPerOrganisation = ConstU32<3>;
	type MaxWrapLength = ConstU32<8>;
	type MaxWraps = ConstU32<4>;
	type MaxReasonLength = ConstU32<16>;
	type BreakGlassWindow = ConstU64<BREAK_GLASS>;
	type MaxBreakGlassPerPeriod = ConstU32<2>;
	type BreakGlassPeriod = ConstU64<BREAK_GLASS_PERIOD>;
	type BreakGlassHold = ConstU64<BREAK_GLASS_HOLD>;
	type MaxPendingRequests = ConstU32<2>;
	type RequestLifetime = ConstU64<REQUEST_LIFETIME>;
	type MaxExpiryWeight = MaxExpiryWeight;
	type PalletId = ConsentPalletId;
	type WeightInfo = ();
}

pub(crate) const H1_ADMIN: u64 = 10;
pub(crate) const H1_CLINICIAN: u64 = 12;
pub(crate) const H2_ADMIN: u64 = 20;
pub(crate) const H2_CLINICIAN: u64 = 22;
pub(crate) const PATIENT: u64 = 30;
pub(crate) const OTHER_PATIENT: u64 = 31;
pub(crate) const AUDITOR: u64 = 40;
pub(crate) const STRANGER: u64 = 99;

/// How late a read may be reported in the tests.
pub(crate) const REPORT_DELAY: u64 = 600_000;

/// The chain's clock in the tests, in milliseconds.
pub(crate) const NOW: u64 = 1_000_000;

pub(crate) fn new_test_ext() -> sp_io::TestExternalities {
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	let org = |name: &str, delegate| GenesisOrganisation {
		name: name.into(),
		delegate,
		delegate_encryption_key: H256::repeat_byte(1),
		validator: None,
		nodes: vec![],
	};
	let member =
		|account, role| GenesisMember { account, role, encryption_key: H256::repeat_byte(2) };
	pallet_consortium::GenesisConfig::<Test> {
		organisations: vec![org("H1", H1_ADMIN), org("H2", H2_ADMIN)],
		members: vec![
			member(H1_CLINICIAN, Role::Clinician(1)),
			member(H2_CLINICIAN, Role::Clinician(2)),
			member(PATIENT, Role::Patient),
			member(OTHER_PATIENT, Role::Patient),
			member(AUDITOR, Role::Auditor),
		],
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| {
		System::set_block_number(1);
		Timestamp::set_timestamp(NOW);
	});
	ext
}

/// Runs `test` in [`new_test_ext`], then checks the consent pallet's invariants on the state the
/// test left, so every test also shows that its calls keep the indexes consistent.
pub(crate) fn build_and_execute(test: impl FnOnce()) {
	new_test_ext().execute_with(|| {
		test();
		ConsentPallet::do_try_state().expect("the consent pallet's invariants hold after the test");
	});
}
