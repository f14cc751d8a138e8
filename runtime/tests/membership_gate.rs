//! The membership gate in the real runtime: checked in the transaction pool, before any block.

mod common;

use common::{account, chain, signed};
use medledger_runtime::{Executive, Runtime, RuntimeCall, RuntimeOrigin};
use pallet_consortium::refusal;
use sp_keyring::Sr25519Keyring::{Alice, Eve, Ferdie, One};
use sp_runtime::transaction_validity::{
	InvalidTransaction, TransactionSource, TransactionValidityError,
};

fn remark() -> RuntimeCall {
	RuntimeCall::System(frame_system::Call::remark { remark: b"hello".to_vec() })
}

fn validate(who: sp_keyring::Sr25519Keyring) -> Result<(), TransactionValidityError> {
	let tx = signed(who, 0, remark());
	Executive::validate_transaction(TransactionSource::External, tx, Default::default()).map(|_| ())
}

#[test]
fn members_are_accepted_into_the_pool() {
	chain("local_testnet").execute_with(|| {
		assert_eq!(validate(Eve), Ok(()));
		assert_eq!(validate(Ferdie), Ok(()));
		assert_eq!(validate(Alice), Ok(()));
	});
}

#[test]
fn unregistered_signers_are_refused_with_the_membership_code() {
	chain("local_testnet").execute_with(|| {
		assert_eq!(
			validate(One),
			Err(TransactionValidityError::Invalid(InvalidTransaction::Custom(
				refusal::NOT_A_MEMBER
			)))
		);
	});
}

#[test]
fn removed_members_are_refused_afterwards() {
	chain("local_testnet").execute_with(|| {
		assert_eq!(validate(Eve), Ok(()));
		pallet_consortium::Pallet::<Runtime>::remove_member(RuntimeOrigin::root(), account(Eve))
			.unwrap();
		assert_eq!(
			validate(Eve),
			Err(TransactionValidityError::Invalid(InvalidTransaction::Custom(
				refusal::MEMBERSHIP_REMOVED
			)))
		);
	});
}

#[test]
fn a_member_extrinsic_applies_and_a_strangers_never_does() {
	chain("local_testnet").execute_with(|| {
		assert!(Executive::apply_extrinsic(signed(Eve, 0, remark())).unwrap().is_ok());
		assert_eq!(frame_system::Pallet::<Runtime>::account_nonce(account(Eve)), 1);
		assert_eq!(
			Executive::apply_extrinsic(signed(One, 0, remark())),
			Err(TransactionValidityError::Invalid(InvalidTransaction::Custom(
				refusal::NOT_A_MEMBER
			)))
		);
	});
}
