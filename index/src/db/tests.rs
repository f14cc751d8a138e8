//! The index files what blocks give it, in order, all or nothing, and only entries that
//! extend their trails; what it answers verifies against the chain's heads.

use super::*;
use medledger_primitives::audit::{verify_trail, AuditAction, Outcome, Refusal, Subject};
use pallet_documents::NewDocument;
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
		let (documents, batches) = (Vec::new(), Vec::new());
		self.blocks.push(IndexedBlock { number, hash, entries, documents, batches });
		self
	}

	/// Appends a block anchoring rooted batch `batch` of `count` documents from `first`.
	fn batch(&mut self, batch: BatchId, first: DocId, count: u32) -> &mut Self {
		let number = self.blocks.len() as u64 + 1;
		let leaves: Vec<_> =
			(first..first + DocId::from(count)).map(|id| leaf(batch, id)).collect();
		// Each document's `Anchored` event: its id, patient and issuer, as in its leaf.
		let documents = leaves
			.iter()
			.map(|leaf| {
				let (id, org, document) =
					<(DocId, OrgId, NewDocument<AccountId>)>::decode(&mut &leaf[..]).unwrap();
				(id, document.patient, org)
			})
			.collect();
		let batches = vec![FiledBatch { batch, first, leaves }];
		let hash = H256::from_low_u64_be(number);
		self.blocks.push(IndexedBlock { number, hash, entries: Vec::new(), documents, batches });
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
		// Batches of one, of a power of two and of an odd size, after documents anchored alone.
		chain.batch(1, 5, 1).batch(2, 6, 4).batch(3, 10, 7);
		chain
	}
}

/// The leaf of document `id` in `batch`: batch 2 is H2's, the others H1's; odd ids are
/// patient 1's, even ones patient 2's.
fn leaf(batch: BatchId, id: DocId) -> Vec<u8> {
	let org = if batch == 2 { H2 } else { H1 };
	let document = NewDocument {
		patient: account(2 - (id % 2) as u8),
		commitment: [id as u8; 32],
		cid: b"a cid".to_vec(),
		size: id,
		media_type: b"application/pdf".to_vec(),
		document_type: b"34133-9".to_vec(),
	};
	pallet_documents::leaf(id, org, &document)
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

/// Every batched document's leaf and path, as an index answers them (none for ids 1–4,
/// anchored alone, and none past the last batch).
fn leaves(index: &Index) -> Vec<Option<(BatchedLeaf, Vec<Hash>)>> {
	(1..=18).map(|id| index.leaf_with_path(id).unwrap()).collect()
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
	assert_eq!(leaves(&rebuilt), leaves(&incremental));
	assert_eq!(leaves(&rebuilt).iter().flatten().count(), 12);
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
	assert_eq!(leaves(&index), leaves(&one_pass));
}

/// Each batched document's leaf, with the path the index computes from its batch's leaves,
/// verifies against the batch's root — the root the chain keeps — at its own position.
#[test]
fn a_batched_documents_leaf_and_path_verify_against_its_batchs_root() {
	let chain = Chain::sample();
	let (_dir, index) = fresh_index();
	index.apply(&chain.blocks).unwrap();
	for filed in chain.blocks.iter().flat_map(|block| &block.batches) {
		let hashes: Vec<_> = filed.leaves.iter().map(|leaf| merkle::leaf_hash(leaf)).collect();
		let root = merkle::root(&hashes);
		let size = filed.leaves.len() as u64;
		for (position, id) in (0u32..).zip(filed.first..filed.first + size) {
			let (found, path) = index.leaf_with_path(id).unwrap().expect("filed");
			assert_eq!((found.batch, found.position), (filed.batch, position));
			let hash = merkle::leaf_hash(&found.leaf);
			assert_eq!(merkle::verify(&root, hash, position.into(), size, &path), Ok(()));
		}
	}
	assert_eq!(index.leaf_with_path(4).unwrap(), None);
	assert_eq!(index.leaf_with_path(17).unwrap(), None);
}

/// A patient's and a hospital's documents are listed in id order, from after a given id, up
/// to a limit.
#[test]
fn documents_are_listed_by_patient_and_by_issuer_in_id_order() {
	let chain = Chain::sample();
	let (_dir, index) = fresh_index();
	index.apply(&chain.blocks).unwrap();
	assert_eq!(index.documents_of_patient(&account(1), None, 100).unwrap(), [5, 7, 9, 11, 13, 15]);
	assert_eq!(index.documents_of_patient(&account(2), Some(8), 2).unwrap(), [10, 12]);
	assert_eq!(index.documents_of_organisation(H2, None, 100).unwrap(), [6, 7, 8, 9]);
	let h1 = index.documents_of_organisation(H1, Some(5), 100).unwrap();
	assert_eq!(h1, (10..=16).collect::<Vec<_>>());
	assert!(index.documents_of_patient(&account(3), None, 100).unwrap().is_empty());
	assert!(index.documents_of_organisation(H1, Some(DocId::MAX), 100).unwrap().is_empty());
}

/// An index a gateway of an older version filed (no format recorded: it holds no batches'
/// leaves) is emptied, to be rebuilt with them.
#[test]
fn an_index_of_an_older_format_is_emptied_and_rebuilt() {
	let chain = Chain::sample();
	let (_dir, index) = fresh_index();
	let genesis = H256::repeat_byte(1);
	index.bind(genesis, true).unwrap();
	index.apply(&chain.blocks).unwrap();
	let txn = index.db.begin_write().unwrap();
	txn.open_table(META).unwrap().remove(FORMAT).unwrap();
	txn.commit().unwrap();
	assert!(index.bind(genesis, true).unwrap());
	assert_eq!(index.next_block().unwrap(), 1);
	assert!(leaves(&index).iter().all(Option::is_none));
	assert!(!index.bind(genesis, true).unwrap());
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

/// Something that writes to the index file — swaps two leaves of a batch, rewrites a leaf's
/// CID — makes the index give leaves, and paths computed from them, that do not lead to the
/// batch's root as the chain keeps it: no record of the altered batch is served, each is
/// refused as a mismatch.
#[test]
fn an_index_file_altered_on_disk_serves_no_record_of_the_batch() {
	use crate::records::{checked, RecordError};
	use medledger_runtime::Runtime;
	use pallet_documents::{Batch, BatchedDocument, DocumentStatus};

	let chain = Chain::sample();
	let (_dir, index) = fresh_index();
	index.apply(&chain.blocks).unwrap();
	// Batch 3 (H1's documents 10 to 16) as the chain keeps it.
	let filed = chain.blocks.iter().flat_map(|b| &b.batches).find(|b| b.batch == 3).unwrap();
	let hashes: Vec<_> = filed.leaves.iter().map(|leaf| merkle::leaf_hash(leaf)).collect();
	let batch = Batch::<Runtime> {
		root: merkle::root(&hashes),
		first: 10,
		count: 7,
		org: H1,
		author: account(10),
		created_at: 0,
	};
	let entry = |id: DocId| BatchedDocument::<Runtime> {
		batch: 3,
		patient: account(2 - (id % 2) as u8),
		org: H1,
		document_type: b"34133-9".to_vec().try_into().unwrap(),
		status: DocumentStatus::Current,
	};
	let record = |index: &Index, id: DocId| {
		let (leaf, path) = index.leaf_with_path(id).unwrap().expect("filed");
		checked(id, entry(id), batch.clone(), &leaf, &path)
	};
	let refuses_the_batch = |index: &Index| {
		(10..17).all(|id| matches!(record(index, id), Err(RecordError::Mismatch(m)) if m == id))
	};
	let alter = |index: &Index, id: DocId, leaf: &BatchedLeaf| {
		let txn = index.db.begin_write().unwrap();
		txn.open_table(LEAVES).unwrap().insert(id, leaf.encode().as_slice()).unwrap();
		txn.commit().unwrap();
	};
	let filed_leaf = |index: &Index, id: DocId| index.leaf_with_path(id).unwrap().expect("filed").0;
	for id in 10..17 {
		let served = record(&index, id).unwrap_or_else(|e| panic!("document {id}: {e}"));
		assert_eq!((served.size, served.commitment), (id, [id as u8; 32]));
	}

	// Documents 11 and 13, both patient 1's, swapped in the file.
	let (eleven, thirteen) = (filed_leaf(&index, 11), filed_leaf(&index, 13));
	alter(&index, 11, &BatchedLeaf { position: 1, ..thirteen });
	alter(&index, 13, &BatchedLeaf { position: 3, ..eleven });
	assert!(refuses_the_batch(&index));

	// In another index, document 15's CID rewritten, its id, issuer and patient kept.
	let (_dir, index) = fresh_index();
	index.apply(&chain.blocks).unwrap();
	let mut fifteen = filed_leaf(&index, 15);
	let (id, org, mut document) =
		<(DocId, OrgId, NewDocument<AccountId>)>::decode(&mut &fifteen.leaf[..]).unwrap();
	document.cid = b"another cid".to_vec();
	fifteen.leaf = pallet_documents::leaf(id, org, &document);
	alter(&index, 15, &fifteen);
	assert!(refuses_the_batch(&index));
}
