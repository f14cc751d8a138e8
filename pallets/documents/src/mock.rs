//! A minimal runtime for the documents pallet's unit tests: two hospitals with a clinician
//! each, two patients, an auditor, the audit pallet, and write consents from a table.

use crate as pallet_documents;
use frame_support::{
	derive_impl, parameter_types,
	traits::{ConstU32, ConstU64},
};
use medledger_primitives::{ConsentId, DocId, OrgId};
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
}

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
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
	type Subjects = Documents;
	type Reads = NoGrantedReads;
	type MaxReportDelay = ConstU64<600_000>;
	type MaxAccessBatch = ConstU32<4>;
	type WeightInfo = ();
}

/// No consent pallet here: no read is reported as granted in these tests.
pub struct NoGrantedReads;
impl pallet_audit::ReadCheck<u64> for NoGrantedReads {
	fn read_allowed(
		_reader: &u64,
		_document: DocId,
		_consent: Option<ConsentId>,
		_purpose: Option<medledger_primitives::Purpose>,
		_at: medledger_primitives::Moment,
	) -> Result<(), medledger_primitives::audit::Refusal> {
		Err(medledger_primitives::audit::Refusal::NoConsent)
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn grant_for_benchmark(_reader: &u64, _patient: &u64) -> Option<ConsentId> {
		None
	}
}

parameter_types! {
	/// Write consents: (organisation, patient) → consent id.
	pub static WriteGrants: Vec<(OrgId, u64, ConsentId)> = vec![];
}

/// Write consents from [`WriteGrants`].
pub struct TableConsent;
impl crate::WriteConsent<u64> for TableConsent {
	fn write_consent(org: OrgId, patient: &u64, _: DocId, _: &[u8]) -> Option<ConsentId> {
		WriteGrants::get().iter().find(|(o, p, _)| *o == org && p == patient).map(|g| g.2)
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn allow_for_benchmark(org: OrgId, patient: &u64) {
		WriteGrants::mutate(|grants| grants.push((org, *patient, 1)));
	}
}

impl pallet_documents::Config for Test {
	type WriteConsent = TableConsent;
	type MaxCidLength = ConstU32<64>;
	type MaxMediaTypeLength = ConstU32<32>;
	type MaxDocumentTypeLength = ConstU32<16>;
	type MaxBatchSize = ConstU32<3>;
	type MaxRootedBatchSize = ConstU32<3>;
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
		WriteGrants::set(vec![]);
	});
	ext
}

/// Runs `test` in [`new_test_ext`], then checks the documents pallet's invariants on the state the
/// test left, so every test also shows that its calls keep the indexes consistent.
pub(crate) fn build_and_execute(test: impl FnOnce()) {
	new_test_ext().execute_with(|| {
		test();
		Documents::do_try_state().expect("the documents pallet's invariants hold after the test");
	});
}
