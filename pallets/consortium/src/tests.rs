//! Unit tests: every call, every error, the transaction gate and the session manager.

use crate::{
	mock::*, refusal, CheckMembership, EncryptionKey, Error, Event, KeyStatement, MemberStatus,
	Members, OrgId, OrgStatus, Organisations, Role, Standing, ValidatorAccount, ValidatorOf,
};
use frame_support::{
	assert_noop, assert_ok,
	dispatch::{DispatchClass, DispatchInfo},
	traits::Get,
	weights::Weight,
	BoundedVec,
};
use pallet_session::SessionManager;
use sp_runtime::{
	traits::{Convert, DispatchTransaction, TransactionExtension},
	transaction_validity::{InvalidTransaction, TransactionSource, TransactionValidityError},
	DispatchError, Perbill,
};

/// H3's delegate (its first administrator), once [`admit_h3`] admitted it.
const H3_ADMIN: u64 = 50;

fn signed(who: u64) -> RuntimeOrigin {
	RuntimeOrigin::signed(who)
}

/// `who`'s signature of their key statement for `encryption_key`, registered by
/// `registrar` on this chain.
fn proof(
	who: u64,
	encryption_key: EncryptionKey,
	registrar: Option<OrgId>,
) -> sp_runtime::testing::TestSignature {
	let genesis = Consortium::genesis_hash();
	let statement =
		KeyStatement { account: &who, encryption_key: &encryption_key, registrar, genesis };
	sp_runtime::testing::TestSignature(who, statement.message())
}

fn name(text: &[u8]) -> BoundedVec<u8, frame_support::traits::ConstU32<16>> {
	text.to_vec().try_into().unwrap()
}

fn admit_h3() -> DispatchResultLike {
	Consortium::admit_organisation(
		RuntimeOrigin::root(),
		name(b"H3"),
		50,
		key(50),
		proof(50, key(50), None),
		Some(51),
		vec![node(3)].try_into().unwrap(),
	)
}

type DispatchResultLike = frame_support::dispatch::DispatchResult;

fn last_event() -> RuntimeEvent {
	System::events().pop().expect("an event").event
}

#[test]
fn genesis_registers_hospitals_council_and_validators() {
	build_and_execute(|| {
		let h1 = Organisations::<Test>::get(1).unwrap();
		assert_eq!(h1.delegate, H1_ADMIN);
		assert_eq!(h1.status, OrgStatus::Active);
		assert_eq!(Council::get(), vec![H1_ADMIN, H2_ADMIN]);
		assert_eq!(Consortium::validator_set().into_inner(), vec![H1_VALIDATOR, H2_VALIDATOR]);
		assert_eq!(Consortium::standing(&H1_ADMIN), Standing::Member(Role::OrgAdmin(1)));
		assert_eq!(Consortium::standing(&H1_VALIDATOR), Standing::Validator(1));
		assert_eq!(Consortium::standing(&STRANGER), Standing::Unknown);
		// Members and validators can hold a nonce without a balance.
		assert_eq!(System::providers(&PATIENT), 1);
		assert_eq!(System::providers(&H1_VALIDATOR), 1);
		assert_eq!(System::providers(&STRANGER), 0);
	});
}

#[test]
fn admit_organisation_by_vote_only() {
	build_and_execute(|| {
		assert_noop!(
			Consortium::admit_organisation(
				signed(H1_ADMIN),
				name(b"H3"),
				50,
				key(50),
				proof(50, key(50), None),
				None,
				Default::default()
			),
			DispatchError::BadOrigin
		);
		assert_ok!(admit_h3());
		assert_eq!(
			last_event(),
			RuntimeEvent::Consortium(Event::OrganisationAdmitted { org: 3, delegate: 50 })
		);
		assert_eq!(Consortium::standing(&50), Standing::Member(Role::OrgAdmin(3)));
		assert_eq!(Council::get(), vec![H1_ADMIN, H2_ADMIN, 50]);
		assert_eq!(ValidatorOf::<Test>::get(51), Some(3));
		assert!(Consortium::authorized_nodes().contains(&node(3)));
	});
}

#[test]
fn admit_organisation_rejects_bad_input() {
	build_and_execute(|| {
		assert_noop!(
			Consortium::admit_organisation(
				RuntimeOrigin::root(),
				name(b""),
				50,
				key(50),
				proof(50, key(50), None),
				None,
				Default::default()
			),
			Error::<Test>::EmptyName
		);
		assert_noop!(
			Consortium::admit_organisation(
				RuntimeOrigin::root(),
				name(b"H3"),
				PATIENT,
				key(50),
				proof(PATIENT, key(50), None),
				None,
				Default::default()
			),
			Error::<Test>::AlreadyMember
		);
		assert_noop!(
			Consortium::admit_organisation(
				RuntimeOrigin::root(),
				name(b"H3"),
				50,
				key(50),
				proof(50, key(50), None),
				Some(H1_VALIDATOR),
				Default::default()
			),
			Error::<Test>::ValidatorInUse
		);
		for i in 0..6u64 {
			assert_ok!(Consortium::admit_organisation(
				RuntimeOrigin::root(),
				name(b"Hx"),
				100 + i,
				key(9),
				proof(100 + i, key(9), None),
				None,
				Default::default()
			));
		}
		assert_noop!(admit_h3(), Error::<Test>::TooManyOrganisations);
	});
}

#[test]
fn suspend_reinstate_remove_lifecycle() {
	build_and_execute(|| {
		assert_noop!(
			Consortium::suspend_organisation(signed(H1_ADMIN), 2),
			DispatchError::BadOrigin
		);
		assert_noop!(
			Consortium::suspend_organisation(RuntimeOrigin::root(), 7),
			Error::<Test>::UnknownOrganisation
		);
		assert_noop!(
			Consortium::reinstate_organisation(RuntimeOrigin::root(), 2),
			Error::<Test>::OrganisationAlreadyInState
		);

		assert_ok!(Consortium::suspend_organisation(RuntimeOrigin::root(), 2));
		assert_eq!(last_event(), RuntimeEvent::Consortium(Event::OrganisationSuspended { org: 2 }));
		assert_eq!(Council::get(), vec![H1_ADMIN]);
		assert_eq!(Consortium::standing(&H2_ADMIN), Standing::OrganisationInactive(2));
		assert_eq!(Consortium::standing(&H2_VALIDATOR), Standing::OrganisationInactive(2));
		assert_eq!(Consortium::validator_set().into_inner(), vec![H1_VALIDATOR]);
		assert!(!Consortium::authorized_nodes().contains(&node(2)));

		assert_ok!(Consortium::reinstate_organisation(RuntimeOrigin::root(), 2));
		assert_eq!(Council::get(), vec![H1_ADMIN, H2_ADMIN]);

		assert_ok!(Consortium::remove_organisation(RuntimeOrigin::root(), 2));
		assert_eq!(last_event(), RuntimeEvent::Consortium(Event::OrganisationRemoved { org: 2 }));
		assert_noop!(
			Consortium::reinstate_organisation(RuntimeOrigin::root(), 2),
			Error::<Test>::OrganisationRemoved
		);
		assert_noop!(
			Consortium::set_validator(RuntimeOrigin::root(), 2, None),
			Error::<Test>::OrganisationRemoved
		);
		assert_noop!(
			Consortium::set_nodes(RuntimeOrigin::root(), 2, Default::default()),
			Error::<Test>::OrganisationRemoved
		);
	});
}

#[test]
fn set_validator_rebinds_the_account() {
	build_and_execute(|| {
		assert_noop!(
			Consortium::set_validator(signed(H1_ADMIN), 1, Some(60)),
			DispatchError::BadOrigin
		);
		assert_noop!(
			Consortium::set_validator(RuntimeOrigin::root(), 1, Some(H2_VALIDATOR)),
			Error::<Test>::ValidatorInUse
		);
		assert_noop!(
			Consortium::set_validator(RuntimeOrigin::root(), 9, None),
			Error::<Test>::UnknownOrganisation
		);
		assert_ok!(Consortium::set_validator(RuntimeOrigin::root(), 1, Some(60)));
		assert_eq!(ValidatorOf::<Test>::get(H1_VALIDATOR), None);
		assert_eq!(ValidatorOf::<Test>::get(60), Some(1));
		assert_eq!(System::providers(&60), 1);
		assert_eq!(
			last_event(),
			RuntimeEvent::Consortium(Event::ValidatorChanged { org: 1, validator: Some(60) })
		);
		assert_ok!(Consortium::set_validator(RuntimeOrigin::root(), 1, None));
		assert_eq!(Consortium::validator_set().into_inner(), vec![H2_VALIDATOR]);
	});
}

#[test]
fn set_nodes_replaces_authorised_peers() {
	build_and_execute(|| {
		assert_noop!(
			Consortium::set_nodes(signed(H1_ADMIN), 1, Default::default()),
			DispatchError::BadOrigin
		);
		assert_noop!(
			Consortium::set_nodes(RuntimeOrigin::root(), 9, Default::default()),
			Error::<Test>::UnknownOrganisation
		);
		assert_ok!(Consortium::set_nodes(
			RuntimeOrigin::root(),
			1,
			vec![node(7), node(8)].try_into().unwrap()
		));
		let mut nodes = Consortium::authorized_nodes();
		nodes.sort();
		assert_eq!(nodes, vec![node(2), node(7), node(8)]);
		assert_eq!(last_event(), RuntimeEvent::Consortium(Event::NodesChanged { org: 1 }));
	});
}

#[test]
fn admins_register_their_staff_and_patients() {
	build_and_execute(|| {
		assert_ok!(Consortium::register_member(
			signed(H1_ADMIN),
			60,
			Role::Clinician(1),
			key(6),
			proof(60, key(6), Some(1))
		));
		assert_eq!(
			last_event(),
			RuntimeEvent::Consortium(Event::MemberRegistered { who: 60, role: Role::Clinician(1) })
		);
		assert_ok!(Consortium::register_member(
			signed(H2_ADMIN),
			61,
			Role::Patient,
			key(6),
			proof(61, key(6), Some(2))
		));
		assert_ok!(Consortium::register_member(
			signed(H1_ADMIN),
			62,
			Role::OrgAdmin(1),
			key(6),
			proof(62, key(6), Some(1))
		));
		assert_eq!(System::providers(&61), 1);
		assert_eq!(Members::<Test>::get(61).unwrap().encryption_key, key(6));
		// The consortium registers auditors (and anyone).
		assert_ok!(Consortium::register_member(
			RuntimeOrigin::root(),
			63,
			Role::Auditor,
			key(6),
			proof(63, key(6), None)
		));
	});
}

/// A hospital administrator cannot register a key for someone who did not sign it: not with
/// no statement, another account's, one for another key, hospital or chain.
#[test]
fn a_key_is_registered_only_with_its_members_own_statement() {
	build_and_execute(|| {
		let register =
			|proof| Consortium::register_member(signed(H1_ADMIN), 60, Role::Patient, key(6), proof);
		let genesis = Consortium::genesis_hash();
		let other_chain = KeyStatement {
			account: &60,
			encryption_key: &key(6),
			registrar: Some(1),
			genesis: sp_core::H256::repeat_byte(9),
		};
		assert_ne!(genesis, sp_core::H256::repeat_byte(9));
		let forged = [
			sp_runtime::testing::TestSignature(60, Vec::new()),
			proof(61, key(6), Some(1)),
			sp_runtime::testing::TestSignature(H1_ADMIN, proof(60, key(6), Some(1)).1),
			proof(60, key(7), Some(1)),
			proof(60, key(6), Some(2)),
			proof(60, key(6), None),
			sp_runtime::testing::TestSignature(60, other_chain.message()),
		];
		for proof in forged {
			assert_noop!(register(proof), Error::<Test>::BadKeyProof);
		}
		assert_ok!(register(proof(60, key(6), Some(1))));
	});
}

/// The council cannot admit a hospital with a delegate key the delegate did not sign for
/// the consortium: not another account's statement, one for another key, or one made for a
/// hospital's registration.
#[test]
fn a_delegate_key_is_admitted_only_with_the_delegates_own_statement() {
	build_and_execute(|| {
		let admit = |proof| {
			Consortium::admit_organisation(
				RuntimeOrigin::root(),
				name(b"H3"),
				50,
				key(50),
				proof,
				None,
				Default::default(),
			)
		};
		for forged in
			[proof(51, key(50), None), proof(50, key(51), None), proof(50, key(50), Some(1))]
		{
			assert_noop!(admit(forged), Error::<Test>::BadKeyProof);
		}
		assert_ok!(admit(proof(50, key(50), None)));
	});
}

#[test]
fn register_member_rejects_bad_input() {
	build_and_execute(|| {
		assert_noop!(
			Consortium::register_member(
				signed(H1_ADMIN),
				60,
				Role::Clinician(2),
				key(6),
				proof(60, key(6), Some(1))
			),
			Error::<Test>::RoleOutsideOwnOrganisation
		);
		assert_noop!(
			Consortium::register_member(
				signed(H1_ADMIN),
				60,
				Role::Auditor,
				key(6),
				proof(60, key(6), Some(1))
			),
			Error::<Test>::AuditorNeedsConsortiumVote
		);
		assert_noop!(
			Consortium::register_member(
				signed(H1_CLINICIAN),
				60,
				Role::Patient,
				key(6),
				proof(60, key(6), None)
			),
			Error::<Test>::NotOrganisationAdmin
		);
		assert_noop!(
			Consortium::register_member(
				signed(STRANGER),
				60,
				Role::Patient,
				key(6),
				proof(60, key(6), None)
			),
			Error::<Test>::NotOrganisationAdmin
		);
		assert_noop!(
			Consortium::register_member(
				signed(H1_ADMIN),
				PATIENT,
				Role::Patient,
				key(6),
				proof(PATIENT, key(6), Some(1))
			),
			Error::<Test>::AlreadyMember
		);
		assert_noop!(
			Consortium::register_member(
				RuntimeOrigin::root(),
				60,
				Role::Clinician(9),
				key(6),
				proof(60, key(6), None)
			),
			Error::<Test>::UnknownOrganisation
		);
		assert_ok!(Consortium::suspend_organisation(RuntimeOrigin::root(), 2));
		assert_noop!(
			Consortium::register_member(
				RuntimeOrigin::root(),
				60,
				Role::Clinician(2),
				key(6),
				proof(60, key(6), None)
			),
			Error::<Test>::OrganisationNotActive
		);
		// A suspended hospital's admin can no longer register anyone.
		assert_noop!(
			Consortium::register_member(
				signed(H2_ADMIN),
				60,
				Role::Patient,
				key(6),
				proof(60, key(6), Some(2))
			),
			Error::<Test>::NotOrganisationAdmin
		);
	});
}

#[test]
fn remove_member_and_register_again() {
	build_and_execute(|| {
		assert_noop!(
			Consortium::remove_member(signed(H2_ADMIN), H1_CLINICIAN),
			Error::<Test>::RoleOutsideOwnOrganisation
		);
		assert_noop!(
			Consortium::remove_member(signed(H1_ADMIN), PATIENT),
			Error::<Test>::RoleOutsideOwnOrganisation
		);
		assert_noop!(
			Consortium::remove_member(signed(H1_ADMIN), STRANGER),
			Error::<Test>::NotMember
		);
		assert_noop!(
			Consortium::remove_member(signed(H1_CLINICIAN), H1_CLINICIAN),
			Error::<Test>::NotOrganisationAdmin
		);
		assert_ok!(Consortium::remove_member(signed(H1_ADMIN), H1_CLINICIAN));
		assert_eq!(
			last_event(),
			RuntimeEvent::Consortium(Event::MemberRemoved { who: H1_CLINICIAN })
		);
		assert_eq!(Consortium::standing(&H1_CLINICIAN), Standing::Removed);
		assert_noop!(
			Consortium::remove_member(signed(H1_ADMIN), H1_CLINICIAN),
			Error::<Test>::MemberAlreadyRemoved
		);
		// The provider stays, so the nonce is never reset.
		assert_eq!(System::providers(&H1_CLINICIAN), 1);
		assert_ok!(Consortium::remove_member(RuntimeOrigin::root(), PATIENT));
		assert_ok!(Consortium::register_member(
			signed(H1_ADMIN),
			PATIENT,
			Role::Patient,
			key(7),
			proof(PATIENT, key(7), Some(1))
		));
		assert_eq!(Members::<Test>::get(PATIENT).unwrap().status, MemberStatus::Active);
		assert_eq!(System::providers(&PATIENT), 1);
	});
}

#[test]
fn members_rotate_their_own_encryption_key() {
	build_and_execute(|| {
		assert_noop!(
			Consortium::set_encryption_key(signed(STRANGER), key(8)),
			Error::<Test>::NotMember
		);
		assert_ok!(Consortium::set_encryption_key(signed(PATIENT), key(8)));
		assert_eq!(Members::<Test>::get(PATIENT).unwrap().encryption_key, key(8));
		assert_eq!(
			last_event(),
			RuntimeEvent::Consortium(Event::EncryptionKeyChanged { who: PATIENT })
		);
		assert_ok!(Consortium::remove_member(RuntimeOrigin::root(), PATIENT));
		assert_noop!(
			Consortium::set_encryption_key(signed(PATIENT), key(9)),
			Error::<Test>::MemberAlreadyRemoved
		);
	});
}

fn gate(who: u64) -> Result<(), TransactionValidityError> {
	let call = RuntimeCall::System(frame_system::Call::remark { remark: vec![] });
	CheckMembership::<Test>::new()
		.validate_and_prepare(signed(who), &call, &DispatchInfo::default(), 0, 0)
		.map(|_| ())
}

fn refused(code: u8) -> Result<(), TransactionValidityError> {
	Err(InvalidTransaction::Custom(code).into())
}

#[test]
fn gate_admits_members_and_refuses_others() {
	build_and_execute(|| {
		assert_ok!(gate(PATIENT));
		assert_ok!(gate(H1_CLINICIAN));
		assert_ok!(gate(H1_VALIDATOR));
		assert_eq!(gate(STRANGER), refused(refusal::NOT_A_MEMBER));

		assert_ok!(Consortium::remove_member(signed(H1_ADMIN), H1_CLINICIAN));
		assert_eq!(gate(H1_CLINICIAN), refused(refusal::MEMBERSHIP_REMOVED));

		assert_ok!(Consortium::suspend_organisation(RuntimeOrigin::root(), 2));
		assert_eq!(gate(H2_ADMIN), refused(refusal::ORGANISATION_INACTIVE));
		assert_eq!(gate(H2_VALIDATOR), refused(refusal::ORGANISATION_INACTIVE));
		// Patients belong to no hospital and keep their access (in a new block: their quota
		// in the mock is one extrinsic per block).
		System::set_block_number(2);
		assert_ok!(gate(PATIENT));
	});
}

#[test]
fn gate_leaves_unsigned_extrinsics_alone() {
	build_and_execute(|| {
		let call = RuntimeCall::System(frame_system::Call::remark { remark: vec![] });
		let (valid, signer, _) = CheckMembership::<Test>::new()
			.validate(
				RuntimeOrigin::none(),
				&call,
				&DispatchInfo::default(),
				0,
				(),
				&sp_runtime::traits::TxBaseImplication(()),
				TransactionSource::InBlock,
			)
			.unwrap();
		assert_eq!(valid.priority, 0);
		assert!(signer.is_none());
	});
}

#[test]
fn gate_refuses_in_the_pool_before_any_block() {
	build_and_execute(|| {
		let call = RuntimeCall::System(frame_system::Call::remark { remark: vec![] });
		let refusal = CheckMembership::<Test>::new()
			.validate_only(
				signed(STRANGER),
				&call,
				&DispatchInfo::default(),
				0,
				TransactionSource::External,
				0,
			)
			.map(|_| ());
		assert_eq!(refusal, refused(refusal::NOT_A_MEMBER));
	});
}

/// The priority the gate gives an extrinsic of `parts` of a block (as in [`gate_sized`]).
fn priority_sized(who: u64, parts: Perbill) -> u64 {
	let (info, length) = sized(parts);
	let call = RuntimeCall::System(frame_system::Call::remark { remark: vec![] });
	CheckMembership::<Test>::new()
		.validate_only(signed(who), &call, &info, length, TransactionSource::External, 0)
		.unwrap()
		.0
		.priority
}

#[test]
fn gate_orders_roles_by_priority() {
	build_and_execute(|| {
		let priority = |who| priority_sized(who, Perbill::zero());
		assert!(priority(PATIENT) > priority(AUDITOR));
		assert!(priority(AUDITOR) > priority(H1_CLINICIAN));
		// No hospital's accounts outrank another's.
		assert_eq!(priority(H1_ADMIN), priority(H1_CLINICIAN));
		assert_eq!(priority(H2_VALIDATOR), priority(H1_CLINICIAN));
	});
}

/// A hospital that used its share in the last block ranks below one that did not, so
/// busy hospitals cannot keep a quiet one out, and a full pool drops the busy one's first.
#[test]
fn a_hospital_that_used_its_share_last_block_ranks_below_a_quiet_one() {
	build_and_execute(|| {
		let tenth = Perbill::from_percent(10);
		assert_eq!(priority_sized(H1_CLINICIAN, tenth), priority_sized(H2_ADMIN, tenth));
		assert_ok!(gate_sized(H1_ADMIN, Perbill::from_percent(20)));
		// Pool validation of the next block sees the last one's use.
		System::set_block_number(2);
		assert!(priority_sized(H1_CLINICIAN, tenth) < priority_sized(H2_ADMIN, tenth));
		// Its standing comes back with a block it leaves alone.
		System::set_block_number(3);
		assert_eq!(priority_sized(H1_CLINICIAN, tenth), priority_sized(H2_ADMIN, tenth));
	});
}

/// Among one role, a smaller extrinsic goes first: a flood of the largest extrinsics ranks
/// below an anchor or a revocation.
#[test]
fn a_smaller_extrinsic_ranks_above_a_larger_one() {
	build_and_execute(|| {
		let anchor = priority_sized(H2_ADMIN, Perbill::from_parts(1_000));
		assert!(anchor > priority_sized(H1_ADMIN, Perbill::from_percent(20)));
		let revocation = priority_sized(PATIENT, Perbill::zero());
		assert!(revocation > priority_sized(PATIENT, Perbill::from_percent(1)));
	});
}

/// A patient who used their count in the last block ranks below their own standing after a
/// quiet block (and so below other patients).
#[test]
fn a_patient_who_used_their_count_last_block_ranks_lower() {
	build_and_execute(|| {
		let quiet = priority_sized(PATIENT, Perbill::zero());
		assert_ok!(gate(PATIENT));
		System::set_block_number(2);
		assert!(priority_sized(PATIENT, Perbill::zero()) < quiet);
		System::set_block_number(3);
		assert_eq!(priority_sized(PATIENT, Perbill::zero()), quiet);
	});
}

/// The gate on an extrinsic of `parts` of what normal extrinsics may use of a block, in
/// weight (base weight included) and in length.
fn gate_sized(who: u64, parts: Perbill) -> Result<(), TransactionValidityError> {
	let (info, length) = sized(parts);
	let call = RuntimeCall::System(frame_system::Call::remark { remark: vec![] });
	CheckMembership::<Test>::new()
		.validate_and_prepare(signed(who), &call, &info, length, 0)
		.map(|_| ())
}

/// The dispatch info and length of an extrinsic of `parts` of what normal extrinsics may use
/// of a block, in weight (base weight included) and in length.
fn sized(parts: Perbill) -> (DispatchInfo, usize) {
	let weights: frame_system::limits::BlockWeights =
		<Test as frame_system::Config>::BlockWeights::get();
	let normal: Weight = weights.get(DispatchClass::Normal).max_total.unwrap();
	let lengths: frame_system::limits::BlockLength =
		<Test as frame_system::Config>::BlockLength::get();
	let length: u32 = *lengths.max.get(DispatchClass::Normal);
	// The gate counts the base weight of every extrinsic on top of its call's.
	let base = weights.get(DispatchClass::Normal).base_extrinsic;
	let whole = Weight::from_parts(parts * normal.ref_time(), parts * normal.proof_size());
	let info = DispatchInfo { call_weight: whole.saturating_sub(base), ..Default::default() };
	(info, (parts * length) as usize)
}

/// However many accounts a hospital uses, together they get its share of each block (25 %
/// in the mock) and no more; another hospital and the patients are untouched by it.
#[test]
fn a_hospital_gets_its_share_of_a_block_however_many_accounts_it_uses() {
	build_and_execute(|| {
		let tenth = Perbill::from_percent(10);
		assert_ok!(gate_sized(H1_CLINICIAN, tenth));
		assert_ok!(gate_sized(H1_ADMIN, tenth));
		let exhausted = Err(InvalidTransaction::ExhaustsResources.into());
		assert_eq!(gate_sized(H1_VALIDATOR, tenth), exhausted);
		assert_eq!(gate_sized(H1_CLINICIAN, tenth), exhausted);
		// Another hospital's, and a patient's, are admitted in the same block.
		assert_ok!(gate_sized(H2_ADMIN, tenth));
		assert_ok!(gate_sized(PATIENT, tenth));
		// A new block, a new share.
		System::set_block_number(2);
		assert_ok!(gate_sized(H1_CLINICIAN, tenth));
	});
}

/// The hospitals together leave the patients' share free (half a block in the mock).
#[test]
fn the_hospitals_together_leave_the_patients_share() {
	build_and_execute(|| {
		assert_ok!(admit_h3());
		assert_ok!(gate_sized(H1_ADMIN, Perbill::from_percent(25)));
		assert_ok!(gate_sized(H2_ADMIN, Perbill::from_percent(20)));
		// Hospitals are at 45 % of the block: a tenth more from any hospital is refused,
		// even from one that used none of its own share…
		let exhausted = Err(InvalidTransaction::ExhaustsResources.into());
		assert_eq!(gate_sized(H3_ADMIN, Perbill::from_percent(10)), exhausted);
		// …and the patients' half is whole.
		assert_ok!(gate_sized(PATIENT, Perbill::from_percent(50)));
	});
}

/// A patient or an auditor also has a count of extrinsics per block (1 in the mock).
#[test]
fn a_person_has_a_count_per_block() {
	build_and_execute(|| {
		assert_ok!(gate(PATIENT));
		assert_eq!(gate(PATIENT), Err(InvalidTransaction::ExhaustsResources.into()));
		assert_ok!(gate(AUDITOR));
		System::set_block_number(2);
		assert_ok!(gate(PATIENT));
	});
}

/// An extrinsic larger than its signer's whole share could never be included: refused in
/// the pool with its own code, rather than left waiting there.
#[test]
fn an_extrinsic_larger_than_its_share_is_refused_in_the_pool() {
	build_and_execute(|| {
		let larger = gate_sized(H1_ADMIN, Perbill::from_percent(30));
		assert_eq!(larger, refused(refusal::LARGER_THAN_SHARE));
		assert_ok!(gate_sized(H1_ADMIN, Perbill::from_percent(25)));
	});
}

/// Accounts cost nothing to make, so their number is bounded where they enter: an
/// administrator registers at most 3 members per 10 blocks in the mock.
#[test]
fn a_hospital_registers_a_bounded_number_of_members_per_period() {
	build_and_execute(|| {
		let register = |who: u64| {
			Consortium::register_member(
				signed(H1_ADMIN),
				who,
				Role::Patient,
				key(6),
				proof(who, key(6), Some(1)),
			)
		};
		for who in 60..63 {
			assert_ok!(register(who));
		}
		assert_noop!(register(63), Error::<Test>::TooManyRegistrations);
		// Another hospital has its own count; the consortium is not counted.
		assert_ok!(Consortium::register_member(
			signed(H2_ADMIN),
			64,
			Role::Patient,
			key(6),
			proof(64, key(6), Some(2))
		));
		assert_ok!(Consortium::register_member(
			RuntimeOrigin::root(),
			65,
			Role::Auditor,
			key(6),
			proof(65, key(6), None)
		));
		System::set_block_number(10);
		assert_ok!(register(63));
	});
}

#[test]
fn refusal_codes_have_words() {
	// No chain state, so no `build_and_execute`: its invariant check would have nothing to see.
	assert_eq!(refusal::describe(refusal::NOT_A_MEMBER), Some("not a consortium member"));
	assert!(refusal::describe(refusal::MEMBERSHIP_REMOVED).is_some());
	assert!(refusal::describe(refusal::ORGANISATION_INACTIVE).is_some());
	assert_eq!(refusal::describe(0), None);
}

#[test]
fn session_manager_reports_only_real_changes() {
	build_and_execute(|| {
		assert_eq!(
			<Consortium as SessionManager<u64>>::new_session_genesis(0),
			Some(vec![H1_VALIDATOR, H2_VALIDATOR])
		);
		assert_eq!(<Consortium as SessionManager<u64>>::new_session(2), None);
		assert_ok!(admit_h3());
		assert_eq!(
			<Consortium as SessionManager<u64>>::new_session(3),
			Some(vec![H1_VALIDATOR, H2_VALIDATOR, 51])
		);
		assert_eq!(<Consortium as SessionManager<u64>>::new_session(4), None);
		assert_ok!(Consortium::suspend_organisation(RuntimeOrigin::root(), 1));
		assert_eq!(
			<Consortium as SessionManager<u64>>::new_session(5),
			Some(vec![H2_VALIDATOR, 51])
		);
	});
}

#[test]
fn session_manager_never_empties_the_validator_set() {
	build_and_execute(|| {
		assert_ok!(Consortium::suspend_organisation(RuntimeOrigin::root(), 1));
		assert_ok!(Consortium::suspend_organisation(RuntimeOrigin::root(), 2));
		assert_eq!(<Consortium as SessionManager<u64>>::new_session(2), None);
	});
}

#[test]
fn only_validator_accounts_may_set_session_keys() {
	build_and_execute(|| {
		assert_eq!(ValidatorAccount::<Test>::convert(H1_VALIDATOR), Some(H1_VALIDATOR));
		assert_eq!(ValidatorAccount::<Test>::convert(H1_ADMIN), None);
	});
}

#[test]
fn runtime_upgrades_are_authorised_by_vote_only() {
	build_and_execute(|| {
		let hash = sp_core::H256::repeat_byte(7);
		assert_noop!(
			Consortium::authorize_upgrade(signed(H1_ADMIN), hash),
			DispatchError::BadOrigin
		);
		assert_ok!(Consortium::authorize_upgrade(RuntimeOrigin::root(), hash));
		assert!(System::events().iter().any(|record| record.event
			== RuntimeEvent::System(frame_system::Event::UpgradeAuthorized {
				code_hash: hash,
				check_version: true
			})));
	});
}

#[test]
fn try_state_finds_a_broken_validator_index() {
	// Breaks the state on purpose, so not `build_and_execute`: its final check would fail.
	new_test_ext().execute_with(|| {
		assert_ok!(Consortium::do_try_state());
		ValidatorOf::<Test>::remove(H1_VALIDATOR);
		let missing = "consortium: an organisation's validator is missing from ValidatorOf";
		assert_eq!(Consortium::do_try_state(), Err(missing.into()));
		ValidatorOf::<Test>::insert(H1_VALIDATOR, 1);
		ValidatorOf::<Test>::insert(STRANGER, 1);
		let stray = "consortium: ValidatorOf names an organisation with another validator";
		assert_eq!(Consortium::do_try_state(), Err(stray.into()));
	});
}
