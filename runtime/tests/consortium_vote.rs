//! Consortium decisions through the council, and their effect on the validator set.

mod common;

use codec::Encode;
use common::{account, chain};
use medledger_runtime::{Council, Runtime, RuntimeCall, RuntimeOrigin, Session};
use pallet_consortium::OrgStatus;
use sp_keyring::Sr25519Keyring::{self, Alice, Bob, Charlie, Dave};
use sp_runtime::traits::{BlakeTwo256, Hash};

/// Alice proposes `call`; each of `ayes` votes for it; Alice closes the vote.
fn council_decides(
	call: RuntimeCall,
	ayes: &[Sr25519Keyring],
) -> frame_support::dispatch::DispatchResultWithPostInfo {
	let length = call.encoded_size() as u32;
	let hash = BlakeTwo256::hash_of(&call);
	let index = pallet_collective::ProposalCount::<Runtime, pallet_collective::Instance1>::get();
	Council::propose(RuntimeOrigin::signed(account(Alice)), 3, Box::new(call), length)?;
	for who in ayes {
		Council::vote(RuntimeOrigin::signed(account(*who)), hash, index, true)?;
	}
	Council::close(
		RuntimeOrigin::signed(account(Alice)),
		hash,
		index,
		frame_support::weights::Weight::MAX,
		length,
	)
}

fn suspend(org: u32) -> RuntimeCall {
	RuntimeCall::Consortium(pallet_consortium::Call::suspend_organisation { org })
}

fn validators() -> Vec<sp_runtime::AccountId32> {
	pallet_session::Validators::<Runtime>::get()
}

#[test]
fn the_council_is_the_hospitals_delegates() {
	chain("local_testnet").execute_with(|| {
		let mut expected: Vec<_> = [Alice, Bob, Charlie, Dave].map(account).to_vec();
		expected.sort();
		assert_eq!(
			pallet_collective::Members::<Runtime, pallet_collective::Instance1>::get(),
			expected
		);
		assert_eq!(validators(), [Alice, Bob, Charlie, Dave].map(account).to_vec());
	});
}

#[test]
fn a_two_thirds_vote_suspends_a_hospital_and_its_validator_leaves_after_the_queued_session() {
	chain("local_testnet").execute_with(|| {
		assert!(council_decides(suspend(4), &[Alice, Bob, Charlie]).is_ok());
		let h4 = pallet_consortium::Organisations::<Runtime>::get(4).unwrap();
		assert_eq!(h4.status, OrgStatus::Suspended);
		// Dave leaves the council at once…
		assert!(!pallet_collective::Members::<Runtime, pallet_collective::Instance1>::get()
			.contains(&account(Dave)));
		// …and the validator set two sessions later: the next session was already queued.
		Session::rotate_session();
		assert_eq!(validators().len(), 4);
		Session::rotate_session();
		assert_eq!(validators(), [Alice, Bob, Charlie].map(account).to_vec());
		assert_eq!(pallet_aura::Authorities::<Runtime>::get().len(), 3);
	});
}

#[test]
fn fewer_than_two_thirds_change_nothing() {
	chain("local_testnet").execute_with(|| {
		// Two of four ayes: the motion cannot close before its time is up.
		assert!(council_decides(suspend(4), &[Alice, Bob]).is_err());
		let h4 = pallet_consortium::Organisations::<Runtime>::get(4).unwrap();
		assert_eq!(h4.status, OrgStatus::Active);
	});
}

#[test]
fn no_single_hospital_decides_alone() {
	chain("local_testnet").execute_with(|| {
		assert!(pallet_consortium::Pallet::<Runtime>::suspend_organisation(
			RuntimeOrigin::signed(account(Alice)),
			4
		)
		.is_err());
		// There is no sudo key outside the development chain.
		assert_eq!(pallet_sudo::Key::<Runtime>::get(), None);
	});
}

#[test]
fn a_runtime_upgrade_goes_through_the_same_vote() {
	chain("local_testnet").execute_with(|| {
		let code_hash = sp_core::H256::repeat_byte(1);
		let call =
			RuntimeCall::Consortium(pallet_consortium::Call::authorize_upgrade { code_hash });
		assert!(council_decides(call, &[Alice, Bob, Charlie]).is_ok());
		let authorized = frame_system::Pallet::<Runtime>::events().into_iter().any(|record| {
			record.event
				== medledger_runtime::RuntimeEvent::System(frame_system::Event::UpgradeAuthorized {
					code_hash,
					check_version: true,
				})
		});
		assert!(authorized);
	});
}

#[test]
fn the_development_chain_has_alice_validating_alone_with_sudo() {
	chain("development").execute_with(|| {
		assert_eq!(validators(), vec![account(Alice)]);
		assert_eq!(pallet_sudo::Key::<Runtime>::get(), Some(account(Alice)));
		// Like every chain, it accepts only its hospitals' nodes as peers.
		assert_eq!(pallet_consortium::Pallet::<Runtime>::authorized_nodes().len(), 4);
	});
}
