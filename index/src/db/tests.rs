//! The index files what blocks give it, in order, all or nothing, and only entries that
//! extend their trails; what it answers verifies against the chain's heads.

use super::*;
use medledger_primitives::audit::{verify_trail, AuditAction, Outcome, Refusal, Subject};
use sp_core::crypto::AccountId32;

const H1: OrgId = 1;
const H2: OrgId = 2;

fn account(n: u8) -> AccountId {
	AccountId32::new([n; 32])
}

/// A chain's worth of blocks: `reads` reads by `(actor, org)` of `patient`, one per block
/// from block 1, each entry dated by its block (6 s apart), with the heads the chain keeps.
struct Chain {
	heads: std::collections::BTreeMap<AccountId, TrailHead>,
	blocks: Vec<IndexedBlock>,
}

impl Chain {
	fn new() -> Self {
		Chain { heads: Default::default(), blocks: Vec::new() }
	}

	/// Appends a block holding one read per `(patient, actor, org)`.
	fn block(&mut self, reads: &[(u8, u8, Option<OrgId>)]) -> &mut Self {
		let number = self.blocks.len() as u64 + 1;
		let at = number * 6_000;
		let mut entries = Vec::new();
		for &(patient, actor, org) in reads {
			let entry = AuditEntry {
				patient: account(patient),
				actor: account(actor),
				org,
				action: AuditAction::Read,
				subject: Subject::Document(number),
				consent: None,
				purpose: None,
				outcome: Outcome::Success,
				at,
				occurred_at: Some(at - 1),
			};
			let head = self.heads.entry(account(patient)).or_default();
			*head = head.append(&entry);
			entries.push((head.seq, AuditRecord { entry, head: head.head }));
		}
		let hash = H256::from_low_u64_be(number);
		self.blocks.push(IndexedBlock { number, hash, entries });
		self
	}

	/// Ten blocks of reads of three patients by staff of two hospitals and a patient.
	fn sample() -> Self {
		let mut chain = Chain::new();
		for n in 0..10u8 {
			chain.block(&[(1, 10, Some(H1)), (2, 20, Some(H2)), (1, 20, Some(H2))]);
			if n % 3 == 0 {
				chain.block(&[(3, 3, None), (1, 10, Some(H1))]);
			}
			chain.block(&[]);
		}
		chain
	}
}

fn fresh_index() -> (tempfile::TempDir, Index) {
	let dir = tempfile::tempdir().unwrap();
	let index = Index::open(&dir.path().join("index.redb")).unwrap();
	(dir, index)
}

/// Everything an index answers for the sample's accounts and hospitals.
fn answers(index: &Index) -> Vec<Vec<Entry>> {
	let mut all = Vec::new();
	for n in [1, 2, 3] {
		all.push(index.trail(&account(n), 1, MAX_PAGE).unwrap().entries);
	}
	for n in [3, 10, 20] {
		all.push(index.by_actor(&account(n), Period::ALL, usize::MAX).unwrap());
	}
	for org in [H1, H2] {
		all.push(index.by_organisation(org, Period::ALL, usize::MAX).unwrap());
	}
	all
}

#[test]
fn a_rebuild_from_scratch_equals_the_index_built_block_by_block() {
	let chain = Chain::sample();
	let (_dir, incremental) = fresh_index();
	for block in &chain.blocks {
		incremental.apply(std::slice::from_ref(block)).unwrap();
	}
	let (_dir2, rebuilt) = fresh_index();
	rebuilt.apply(&chain.blocks).unwrap();
	assert_eq!(answers(&rebuilt), answers(&incremental));
	assert_eq!(rebuilt.last_indexed().unwrap(), incremental.last_indexed().unwrap());
	assert_eq!(answers(&rebuilt)[0].len(), 24);
}

/// A batch that fails part-way (here: its last block holds an altered entry) files nothing;
/// the index reopened resumes at the first block not filed and ends equal to one built in
/// one pass: no entry missing, none twice.
#[test]
fn a_failed_batch_and_a_restart_leave_no_gap_and_no_duplicate() {
	let chain = Chain::sample();
	let dir = tempfile::tempdir().unwrap();
	let path = dir.path().join("index.redb");
	{
		let index = Index::open(&path).unwrap();
		index.apply(&chain.blocks[..5]).unwrap();
		let mut batch = chain.blocks[5..9].to_vec();
		batch[3].entries[0].1.entry.outcome = Outcome::Refused(Refusal::ConsentRevoked);
		assert!(matches!(index.apply(&batch), Err(IndexError::BrokenTrail { block: 9, .. })));
		assert_eq!(index.next_block().unwrap(), 6);
	}
	let index = Index::open(&path).unwrap();
	assert_eq!(index.next_block().unwrap(), 6);
	// A block filed already is not filed again.
	assert!(matches!(
		index.apply(&chain.blocks[4..6]),
		Err(IndexError::OutOfOrder { expected: 6, got: 5 })
	));
	index.apply(&chain.blocks[5..]).unwrap();
	let (_dir2, one_pass) = fresh_index();
	one_pass.apply(&chain.blocks).unwrap();
	assert_eq!(answers(&index), answers(&one_pass));
}

/// What a node (or anything between it and the index) could do to the entries: each is
/// refused with the place it breaks, and nothing of the batch is filed.
#[test]
fn entries_that_do_not_extend_their_trail_are_refused() {
	let chain = Chain::sample();
	let (_dir, index) = fresh_index();
	index.apply(&chain.blocks[..3]).unwrap();
	let next = &chain.blocks[3];
	let tamper = |change: &dyn Fn(&mut IndexedBlock)| {
		let mut block = next.clone();
		change(&mut block);
		index.apply(&[block])
	};
	let broken = |result: Result<(), IndexError>| {
		matches!(result, Err(IndexError::BrokenTrail { block: 4, .. }))
	};
	// Altered, missing, repeated, reordered.
	assert!(broken(tamper(&|b| b.entries[0].1.entry.at += 1)));
	assert!(broken(tamper(&|b| {
		b.entries.remove(0);
	})));
	assert!(broken(tamper(&|b| b.entries.insert(0, chain.blocks[0].entries[0].clone()))));
	assert!(broken(tamper(&|b| b.entries.swap(0, 2))));
	assert!(broken(tamper(&|b| b.entries[1].0 += 1)));
	assert_eq!(index.next_block().unwrap(), 4);
	assert_eq!(index.head(&account(1)).unwrap().seq, 3);
	index.apply(std::slice::from_ref(next)).unwrap();
}

/// A trail served from the index verifies against the head the chain keeps, whole and by
/// pages (a page from the head after the entry before it).
#[test]
fn a_trail_from_the_index_verifies_against_the_chains_head() {
	let chain = Chain::sample();
	let (_dir, index) = fresh_index();
	index.apply(&chain.blocks).unwrap();
	let patient = account(1);
	let head = chain.heads[&patient];
	assert_eq!(index.head(&patient).unwrap(), head);
	let whole = index.trail(&patient, 1, MAX_PAGE).unwrap();
	assert_eq!(whole.start, TrailHead::default());
	assert_eq!(whole.at, Some((chain.blocks.len() as u64, chain.blocks.last().unwrap().hash)));
	assert_eq!(verify_trail(&patient, whole.start, &whole.entries, head), Ok(()));
	let page = index.trail(&patient, 5, 100).unwrap();
	assert_eq!(page.start, TrailHead { seq: 4, head: whole.entries[3].1.head });
	assert_eq!(verify_trail(&patient, page.start, &page.entries, head), Ok(()));
	assert_eq!(page.entries.len(), whole.entries.len() - 4);
}

#[test]
fn lists_by_actor_and_organisation_keep_time_order_period_and_limit() {
	let chain = Chain::sample();
	let (_dir, index) = fresh_index();
	index.apply(&chain.blocks).unwrap();
	let h2 = index.by_organisation(H2, Period::ALL, usize::MAX).unwrap();
	assert_eq!(h2.len(), 20);
	assert!(h2.windows(2).all(|w| w[0].1.entry.at <= w[1].1.entry.at));
	assert!(h2.iter().all(|(_, r)| r.entry.org == Some(H2)));
	// The patient's own reads name no hospital.
	assert_eq!(index.by_actor(&account(3), Period::ALL, usize::MAX).unwrap().len(), 4);
	assert!(index.by_organisation(3, Period::ALL, usize::MAX).unwrap().is_empty());
	// A period is `from ≤ at < to`.
	let at = h2[4].1.entry.at;
	let period = Period { from: at, to: at + 1 };
	let in_period = index.by_organisation(H2, period, usize::MAX).unwrap();
	assert_eq!(in_period.len(), 2);
	assert!(in_period.iter().all(|(_, r)| r.entry.at == at));
	assert_eq!(index.by_actor(&account(10), Period::ALL, 3).unwrap().len(), 3);
	assert!(index.by_actor(&account(10), Period { from: 9, to: 9 }, 3).unwrap().is_empty());
}

#[test]
fn an_index_of_another_chain_is_emptied_and_rebuilt() {
	let chain = Chain::sample();
	let (_dir, index) = fresh_index();
	assert!(!index.bind(H256::repeat_byte(1), true).unwrap());
	index.apply(&chain.blocks).unwrap();
	assert!(!index.bind(H256::repeat_byte(1), true).unwrap());
	assert_eq!(index.next_block().unwrap(), chain.blocks.len() as u64 + 1);
	assert!(index.bind(H256::repeat_byte(2), true).unwrap());
	assert_eq!(index.next_block().unwrap(), 1);
	assert!(answers(&index).iter().all(Vec::is_empty));
	index.apply(&chain.blocks).unwrap();
}

/// A development chain wiped and started again from its spec has the same genesis and
/// another history: the index, whose last block the new chain does not hold, is rebuilt.
#[test]
fn an_index_of_the_same_genesis_but_another_history_is_emptied() {
	let chain = Chain::sample();
	let (_dir, index) = fresh_index();
	index.bind(H256::repeat_byte(1), true).unwrap();
	assert_eq!(index.first_indexed().unwrap(), None);
	index.apply(&chain.blocks).unwrap();
	// Kept to tell the new chain from the old before it has grown as long.
	assert_eq!(index.first_indexed().unwrap(), Some(chain.blocks[0].hash));
	assert!(index.bind(H256::repeat_byte(1), false).unwrap());
	assert_eq!(index.next_block().unwrap(), 1);
	assert!(answers(&index).iter().all(Vec::is_empty));
	assert_eq!(index.first_indexed().unwrap(), None);
}
