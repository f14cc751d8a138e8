//! Which waiting extrinsic goes first: the one rule for transaction priority.
//!
//! There are no fees to bid with, so the priority is what decides both the order in which a
//! block author tries the pool and, when a node's pool is full, which extrinsic it drops:
//! the lowest, the oldest among equals. Were all hospitals' extrinsics equal, a hospital
//! could flood the pools right after another hospital's anchor and push it out (or, with
//! the fork-aware pool's own store full, have it refused at the door). So the priority is
//! the sum of three terms, each step of a more significant term larger than all of the
//! less significant ones together:
//!
//! 1. **Role** ([`role`], from [`crate::CheckMembership`]): patients' own decisions, then
//!    auditors', then every hospital's extrinsics alike.
//! 2. **Turn** ([`turn`], from [`crate::CheckNonceInTurn`]): an account's next extrinsic
//!    before its later ones. One account's queue of a thousand extrinsics ranks below
//!    every other account's next one, so filling a pool ahead of others takes as many
//!    registered accounts as the pool holds extrinsics.
//! 3. **Fairness** ([`fairness`], from [`crate::CheckMembership`]): among next extrinsics
//!    of one role, the party that used less of its share of the last block, and the
//!    extrinsic that takes less of that share, first. A hospital that kept its share full
//!    ranks below a quiet one, so three busy hospitals cannot keep a fourth out.
//!
//! The terms are computed when the extrinsic enters the pool, from the state of the best
//! block then.

use sp_runtime::{transaction_validity::TransactionPriority, PerThing, Perbill};

/// The most [`fairness`] gives: a party that used nothing of the last block, submitting an
/// extrinsic that takes nothing of its share.
const FAIRNESS_MAX: TransactionPriority = 2 * Perbill::ACCURACY as TransactionPriority;

/// One place in an account's queue outweighs every difference in [`fairness`].
const TURN_STEP: TransactionPriority = FAIRNESS_MAX + 1;

/// How many places of an account's queue are told apart; later ones rank as the last.
pub const TURN_WINDOW: u64 = 1024;

/// One role outweighs every difference in [`turn`] and [`fairness`].
const ROLE_STEP: TransactionPriority = TURN_STEP * (TURN_WINDOW + 1);

/// Who signs, in the order their extrinsics are tried.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
pub enum Rank {
	/// Any hospital account: staff, administrators and validators of every hospital alike
	/// (a hospital's administrators outranking others' clinicians would let its flood in
	/// first).
	Hospital = 1,
	/// An auditor.
	Auditor = 2,
	/// A patient: their own grants and revocations first.
	Patient = 3,
}

/// The role term.
pub fn role(rank: Rank) -> TransactionPriority {
	ROLE_STEP * rank as TransactionPriority
}

/// The turn term of an extrinsic `place` nonces after its account's current one (0: next).
pub fn turn(place: u64) -> TransactionPriority {
	TURN_STEP * (TURN_WINDOW - place.min(TURN_WINDOW))
}

/// The fairness term: `recent` is how much of its share the signer's party used in the last
/// block, `size` how much of that share the extrinsic itself takes.
pub fn fairness(recent: Perbill, size: Perbill) -> TransactionPriority {
	let used =
		recent.deconstruct() as TransactionPriority + size.deconstruct() as TransactionPriority;
	FAIRNESS_MAX - used
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn a_more_significant_term_outweighs_all_less_significant_ones() {
		let best_fairness = fairness(Perbill::zero(), Perbill::zero());
		let worst_fairness = fairness(Perbill::one(), Perbill::one());
		assert!(turn(0) + worst_fairness > turn(1) + best_fairness);
		assert!(turn(TURN_WINDOW - 1) + worst_fairness > turn(TURN_WINDOW) + best_fairness);
		let worst_of_role = |rank| role(rank) + turn(u64::MAX) + worst_fairness;
		let best_of_role = |rank| role(rank) + turn(0) + best_fairness;
		assert!(worst_of_role(Rank::Patient) > best_of_role(Rank::Auditor));
		assert!(worst_of_role(Rank::Auditor) > best_of_role(Rank::Hospital));
	}

	#[test]
	fn later_places_and_busier_parties_rank_lower() {
		assert!(turn(0) > turn(1));
		assert_eq!(turn(TURN_WINDOW), turn(u64::MAX));
		let half = Perbill::from_percent(50);
		assert!(fairness(Perbill::zero(), half) > fairness(half, half));
		assert!(fairness(half, Perbill::zero()) > fairness(half, half));
	}
}
