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
//! 1. **Turn** ([`turn`], from [`crate::CheckNonceInTurn`]): an account's next extrinsic
//!    before its later ones, whoever signs. One account's queue of a thousand extrinsics —
//!    a hospital administrator's, or a "patient" a hospital registered with a key it holds
//!    — ranks below every other account's next one; so three hospitals' queues cannot keep
//!    a fourth's anchor out, and filling a pool ahead of others takes as many registered
//!    accounts as the pool holds extrinsics.
//! 2. **Role** ([`role`], from [`crate::CheckMembership`]): among next extrinsics,
//!    patients' own decisions, then auditors', then every hospital's alike.
//! 3. **Fairness** ([`fairness`], from [`crate::CheckMembership`]): then the party that
//!    used less of its share of the last block, and the extrinsic that takes less of that
//!    share, first: a hospital that kept its share full ranks below a quiet one.
//!
//! The terms are computed when the extrinsic enters the pool, from the state of the best
//! block then (a party quiet for a block keeps its fairness on what it sends next).

use sp_runtime::{transaction_validity::TransactionPriority, PerThing, Perbill};

/// The most [`fairness`] gives: a party that used nothing of the last block, submitting an
/// extrinsic that takes nothing of its share.
const FAIRNESS_MAX: TransactionPriority = 2 * Perbill::ACCURACY as TransactionPriority;

/// One role outweighs every difference in [`fairness`].
const ROLE_STEP: TransactionPriority = FAIRNESS_MAX + 1;

/// The most [`role`] gives.
const ROLE_MAX: TransactionPriority = ROLE_STEP * Rank::Patient as TransactionPriority;

/// One place in an account's queue outweighs every difference in [`role`] and
/// [`fairness`].
const TURN_STEP: TransactionPriority = ROLE_MAX + FAIRNESS_MAX + 1;

/// How many places of an account's queue are told apart; later ones rank as the last.
pub const TURN_WINDOW: u64 = 1024;

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
		// A hospital's next extrinsic, at its worst, above a patient's second, at its best.
		let worst_at = |place| turn(place) + role(Rank::Hospital) + worst_fairness;
		let best_at = |place| turn(place) + role(Rank::Patient) + best_fairness;
		assert!(worst_at(0) > best_at(1));
		assert!(worst_at(TURN_WINDOW - 1) > best_at(TURN_WINDOW));
		// Among next extrinsics, roles in order, whatever the fairness.
		assert!(role(Rank::Patient) + worst_fairness > role(Rank::Auditor) + best_fairness);
		assert!(role(Rank::Auditor) + worst_fairness > role(Rank::Hospital) + best_fairness);
		// The largest sum is far from overflowing.
		assert!(best_at(0) < u64::MAX / 2);
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
