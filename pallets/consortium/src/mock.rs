//! A minimal runtime for the consortium pallet's unit tests.

use crate as pallet_consortium;
use crate::{EncryptionKey, GenesisMember, GenesisOrganisation, NodeKey, Role};
use frame_support::{derive_impl, parameter_types, traits::ChangeMembers};
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
	pub type Consortium = pallet_consortium;
}

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
}

parameter_types! {
	/// The council as the pallet last set it.
	pub static Council: Vec<u64> = vec![];
}

/// Records the council the pallet asks for.
pub struct MockCouncil;
impl ChangeMembers<u64> for MockCouncil {
	fn change_members_sorted(_incoming: &[u64], _outgoing: &[u64], new: &[u64]) {
		Council::set(new.to_vec());
	}
}

frame_support::parameter_types! {
	pub HospitalBlockShare: sp_runtime::Perbill = sp_runtime::Perbill::from_percent(25);
	pub PersonalBlockShare: sp_runtime::Perbill = sp_runtime::Perbill::from_percent(50);
}

impl pallet_consortium::Config for Test {
	type GovernanceOrigin = frame_system::EnsureRoot<u64>;
	type Council = MockCouncil;
	type MaxOrganisations = frame_support::traits::ConstU32<8>;
	type MaxNameLength = frame_support::traits::ConstU32<16>;
	type MaxNodesPerOrganisation = frame_support::traits::ConstU32<2>;
	type HospitalBlockShare = HospitalBlockShare;
	type PersonalBlockShare = PersonalBlockShare;
	type PersonalBlockQuota = frame_support::traits::ConstU32<1>;
	type MaxRegistrationsPerPeriod = frame_support::traits::ConstU32<3>;
	type RegistrationPeriod = frame_support::traits::ConstU64<10>;
	type KeySignature = sp_runtime::testing::TestSignature;
	type KeySigner = sp_runtime::testing::UintAuthorityId;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = pallet_consortium::TestSignatures;
	type WeightInfo = ();
}

/// Hospital 1: delegate 10, validator 11, clinician 12.
pub(crate) const H1_ADMIN: u64 = 10;
pub(crate) const H1_VALIDATOR: u64 = 11;
pub(crate) const H1_CLINICIAN: u64 = 12;
/// Hospital 2: delegate 20, validator 21.
pub(crate) const H2_ADMIN: u64 = 20;
pub(crate) const H2_VALIDATOR: u64 = 21;
/// A patient and an auditor.
pub(crate) const PATIENT: u64 = 30;
pub(crate) const AUDITOR: u64 = 40;
/// Nobody.
pub(crate) const STRANGER: u64 = 99;

pub(crate) fn key(byte: u8) -> EncryptionKey {
	[byte; 32]
}

pub(crate) fn node(byte: u8) -> NodeKey {
	[byte; 32]
}

/// Two hospitals, a clinician of H1, a patient and an auditor, at block 1.
pub(crate) fn new_test_ext() -> sp_io::TestExternalities {
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	let org = |name: &str, delegate, key_byte, validator, node_byte| GenesisOrganisation {
		name: name.into(),
		delegate,
		delegate_encryption_key: H256(key(key_byte)),
		validator: Some(validator),
		nodes: vec![H256(node(node_byte))],
	};
	let member = |account, role, key_byte| GenesisMember {
		account,
		role,
		encryption_key: H256(key(key_byte)),
	};
	pallet_consortium::GenesisConfig::<Test> {
		organisations: vec![
			org("H1", H1_ADMIN, 1, H1_VALIDATOR, 1),
			org("H2", H2_ADMIN, 2, H2_VALIDATOR, 2),
		],
		members: vec![
			member(H1_CLINICIAN, Role::Clinician(1), 3),
			member(PATIENT, Role::Patient, 4),
			member(AUDITOR, Role::Auditor, 5),
		],
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| System::set_block_number(1));
	ext
}

/// Runs `test` in [`new_test_ext`], then checks the consortium pallet's invariants on the state the
/// test left, so every test also shows that its calls keep the indexes consistent.
pub(crate) fn build_and_execute(test: impl FnOnce()) {
	new_test_ext().execute_with(|| {
		test();
		Consortium::do_try_state().expect("the consortium pallet's invariants hold after the test");
	});
}
