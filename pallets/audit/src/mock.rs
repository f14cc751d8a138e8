//! A minimal runtime for the audit pallet's unit tests: the consortium of
//! `pallet_consortium`'s own mock (two hospitals, a clinician, a patient, an auditor) and a
//! fixed table of subjects.

use crate as pallet_audit;
use crate::{ReadCheck, Refusal, Subject, SubjectOwner};
use frame_support::{
	derive_impl,
	traits::{ConstU32, ConstU64},
};
use medledger_primitives::{ConsentId, DocId, Moment, Purpose};
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

/// Document 1 and consent 1 are the patient's; document 2 is the other patient's. For
/// benchmarks, document `BENCHMARK_DOCUMENTS + n` is account `n`'s.
pub struct Subjects;
impl SubjectOwner<u64> for Subjects {
	fn patient_of(subject: &Subject) -> Option<u64> {
		match subject {
			Subject::Document(1) | Subject::Consent(1) => Some(PATIENT),
			Subject::Document(2) => Some(OTHER_PATIENT),
			Subject::Document(n) if *n >= BENCHMARK_DOCUMENTS => Some(n - BENCHMARK_DOCUMENTS),
			_ => None,
		}
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn benchmark_subject(patient: &u64) -> Subject {
		Subject::Document(BENCHMARK_DOCUMENTS + patient)
	}
}

const BENCHMARK_DOCUMENTS: u64 = 1_000_000;

/// Consent 9 is another hospital's: granted reads under it were not allowed. Every other
/// granted read was (the consent pallet's own tests check the real rule).
pub struct Reads;
impl ReadCheck<u64> for Reads {
	fn read_allowed(
		_reader: &u64,
		_document: DocId,
		consent: Option<ConsentId>,
		_purpose: Option<Purpose>,
		_at: Moment,
	) -> Result<(), Refusal> {
		match consent {
			Some(OTHER_HOSPITALS_CONSENT) => Err(Refusal::NoConsent),
			_ => Ok(()),
		}
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn grant_for_benchmark(_reader: &u64, _patient: &u64) -> Option<ConsentId> {
		Some(1)
	}
}

pub(crate) const OTHER_HOSPITALS_CONSENT: ConsentId = 9;
/// How late a read may be reported in the tests.
pub(crate) const REPORT_DELAY: Moment = 600_000;

impl pallet_audit::Config for Test {
	type Time = Timestamp;
	type Subjects = Subjects;
	type Reads = Reads;
	type MaxReportDelay = ConstU64<REPORT_DELAY>;
	type MaxAccessBatch = ConstU32<4>;
	type WeightInfo = ReportWeights;
}

/// Weights that tell a report's distinct reads (a thousand each) from its repeats (one each,
/// on top of a base of seven), for the tests of what a report is charged.
pub struct ReportWeights;

impl crate::WeightInfo for ReportWeights {
	fn record_access(n: u32) -> frame_support::weights::Weight {
		frame_support::weights::Weight::from_parts(1_000 * u64::from(n), 0)
	}
	fn record_access_repeats(n: u32) -> frame_support::weights::Weight {
		frame_support::weights::Weight::from_parts(7 + u64::from(n), 0)
	}
	fn record_refusals(_n: u32) -> frame_support::weights::Weight {
		frame_support::weights::Weight::zero()
	}
}

pub(crate) const H1_ADMIN: u64 = 10;
pub(crate) const H1_CLINICIAN: u64 = 12;
pub(crate) const H2_ADMIN: u64 = 20;
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

/// Runs `test` in [`new_test_ext`], then checks the audit pallet's invariants on the state the
/// test left, so every test also shows that its calls keep the indexes consistent.
pub(crate) fn build_and_execute(test: impl FnOnce()) {
	new_test_ext().execute_with(|| {
		test();
		Audit::do_try_state().expect("the audit pallet's invariants hold after the test");
	});
}
