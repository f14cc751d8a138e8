//! The index's database and its queries.

use crate::key;
use codec::{Decode, Encode};
use medledger_chain_client::ChainError;
use medledger_primitives::{
	audit::{AuditEntry, AuditRecord, TrailHead},
	merkle, DocId, Hash, OrgId, MAX_PAGE,
};
use medledger_runtime::AccountId;
use pallet_documents::BatchId;
use redb::{Database, ReadableTable, TableDefinition};
use sp_core::H256;
use std::path::Path;

/// Entries by place (patient ‖ sequence number), each SCALE-encoded with the head after it.
const TRAILS: TableDefinition<&[u8], &[u8]> = TableDefinition::new("trails");
/// `actor ‖ at ‖ place`: each account's entries in the chain's time order.
const BY_ACTOR: TableDefinition<&[u8], ()> = TableDefinition::new("by_actor");
/// `organisation ‖ at ‖ place`: each hospital's staff's entries in time order.
const BY_ORGANISATION: TableDefinition<&[u8], ()> = TableDefinition::new("by_organisation");
/// The documents of rooted batches, by id: SCALE of `(batch, position, leaf)` — the leaf as
/// its batch's block carries it (`pallet_documents::leaf`), which the state does not keep.
const LEAVES: TableDefinition<DocId, &[u8]> = TableDefinition::new("leaves");
/// `patient ‖ id`: each patient's documents, however anchored, in id order.
const DOCUMENTS_BY_PATIENT: TableDefinition<&[u8], ()> =
	TableDefinition::new("documents_by_patient");
/// `organisation ‖ id`: each hospital's documents, however anchored, in id order.
const DOCUMENTS_BY_ORGANISATION: TableDefinition<&[u8], ()> =
	TableDefinition::new("documents_by_organisation");
/// Where the index stands.
const META: TableDefinition<&str, &[u8]> = TableDefinition::new("meta");
/// What the index files (u32 LE): an index filed by an older gateway lacks something, and is
/// rebuilt from the chain.
const FORMAT: &str = "format";
/// 2: the leaves of rooted batches, and every document listed by patient and by issuer.
const CURRENT_FORMAT: u32 = 2;
/// The genesis hash of the chain indexed.
const GENESIS: &str = "genesis";
/// The last block filed: number (u64 LE) ‖ hash.
const LAST: &str = "last";
/// Block 1's hash, once filed: a chain started again from the same spec has another.
const FIRST: &str = "first";

/// An entry with its sequence number in its patient's trail.
pub type Entry = (u64, AuditRecord<AccountId>);

/// A period of the chain's time, milliseconds since the Unix epoch: `from ≤ at < to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
	/// The first millisecond in the period.
	pub from: u64,
	/// The first millisecond after it.
	pub to: u64,
}

#[cfg(test)]
impl Period {
	/// All time.
	pub const ALL: Period = Period { from: 0, to: u64::MAX };
}

/// A page of a patient's trail, as [`Index::trail`] reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrailPage {
	/// The last block filed when the page was read (none before the first).
	pub at: Option<(u64, H256)>,
	/// The head the page continues from: after the entry before its first (the empty head
	/// for a page from the first entry).
	pub start: TrailHead,
	/// The entries, in sequence order.
	pub entries: Vec<Entry>,
}

/// A finalised block's entries and batches, as they are filed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexedBlock {
	/// Its number.
	pub number: u64,
	/// Its hash.
	pub hash: H256,
	/// The entries it recorded, in the order of its events.
	pub entries: Vec<Entry>,
	/// The documents it anchored, however (its `Documents.Anchored` events): id, patient,
	/// issuer.
	pub documents: Vec<(DocId, AccountId, OrgId)>,
	/// The rooted batches it anchored.
	pub batches: Vec<FiledBatch>,
}

/// A rooted batch as its block carries it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FiledBatch {
	/// Its id.
	pub batch: BatchId,
	/// Its first document's id; the others follow it.
	pub first: DocId,
	/// Each document's leaf, in id order; their Merkle root is the batch's.
	pub leaves: Vec<Vec<u8>>,
}

/// A document of a rooted batch as filed: its leaf, and where the leaf stands in its batch.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
pub struct BatchedLeaf {
	/// The batch.
	pub batch: BatchId,
	/// The leaf's position in the batch (0 for its first document).
	pub position: u32,
	/// The leaf: SCALE of `(id, org, document)` (`pallet_documents::leaf`).
	pub leaf: Vec<u8>,
}

/// Why the index could not file or answer.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
	/// The database failed (boxed: redb's error is large, and every call returns this).
	#[error("audit index database: {0}")]
	Database(Box<redb::Error>),
	/// Blocks must be filed one after another.
	#[error("block {got} given to an audit index that expects block {expected}")]
	OutOfOrder {
		/// The next block the index files.
		expected: u64,
		/// The block it was given.
		got: u64,
	},
	/// An entry does not extend its patient's trail as indexed: altered, missing, repeated
	/// or out of order. Nothing of its batch was filed.
	#[error("entry {seq} of {patient}'s trail in block {block} does not extend the indexed trail (at entry {indexed})")]
	BrokenTrail {
		/// The block that holds it.
		block: u64,
		/// Whose trail.
		patient: AccountId,
		/// Its sequence number.
		seq: u64,
		/// The last sequence number indexed for the patient.
		indexed: u64,
	},
	/// A block's rooted batch is not the one its `BatchAnchored` event describes: the call
	/// that anchored it is missing, not `anchor_rooted_batch`, or its documents' leaves do not
	/// have the event's root and count. Nothing of its block was filed.
	#[error("batch {batch} in block {block} does not match its BatchAnchored event")]
	BrokenBatch {
		/// The block that holds it.
		block: u64,
		/// The batch.
		batch: BatchId,
	},
	/// A stored value does not decode (the file was changed by something else).
	#[error("audit index holds a value that does not decode: {0}")]
	Corrupt(#[from] codec::Error),
	/// The node failed or does not have a finalised block.
	#[error("audit index could not read the chain: {0}")]
	Chain(#[from] ChainError),
}

macro_rules! database_errors {
	($($error:ty),*) => {$(
		impl From<$error> for IndexError {
			fn from(error: $error) -> Self {
				IndexError::Database(Box::new(error.into()))
			}
		}
	)*};
}
database_errors!(
	redb::Error,
	redb::DatabaseError,
	redb::TransactionError,
	redb::TableError,
	redb::StorageError,
	redb::CommitError
);

/// The audit index: an embedded database of the entries of finalised blocks.
pub struct Index {
	db: Database,
	/// The number of the last block filed (0 before any), for those who wait for one.
	filed: tokio::sync::watch::Sender<u64>,
	/// Passes of the follower that failed since the last that did not ([`crate::follow`]).
	pub(crate) failed_passes: std::sync::atomic::AtomicU64,
}

impl Index {
	/// Opens the index at `path`, creating it empty if there is none.
	pub fn open(path: &Path) -> Result<Self, IndexError> {
		let db = Database::create(path)?;
		let txn = db.begin_write()?;
		txn.open_table(TRAILS)?;
		txn.open_table(BY_ACTOR)?;
		txn.open_table(BY_ORGANISATION)?;
		txn.open_table(LEAVES)?;
		txn.open_table(DOCUMENTS_BY_PATIENT)?;
		txn.open_table(DOCUMENTS_BY_ORGANISATION)?;
		let last = last_in(&txn.open_table(META)?)?;
		txn.commit()?;
		let filed = tokio::sync::watch::Sender::new(last.map_or(0, |(number, _)| number));
		Ok(Index { db, filed, failed_passes: Default::default() })
	}

	/// Waits until block `number` is filed, at most `patience`; whether it was. What a
	/// notification of that block's events waits for, so that whoever is told can already
	/// query it — but never for ever: an index that is stuck or rebuilding must not hold
	/// back a patient's break-glass alert.
	pub async fn filed(&self, number: u64, patience: std::time::Duration) -> bool {
		let mut filed = self.filed.subscribe();
		let wait = filed.wait_for(|last| *last >= number);
		let waited = tokio::time::timeout(patience, wait).await;
		matches!(waited, Ok(Ok(_)))
	}

	/// How many passes of the follower failed in a row (0 when the last one filed every
	/// finalised block): an index stuck on a block it refuses, or on an unreachable node,
	/// shows here — its readers get answers that stop at its last block.
	pub fn failed_passes(&self) -> u64 {
		self.failed_passes.load(std::sync::atomic::Ordering::Relaxed)
	}

	/// Binds the index to the chain of `genesis` whose finalised blocks hold the last block
	/// filed (`last_filed_is_on_chain`; true before any). An index of another chain — another
	/// genesis, or the same one whose history differs, as a development chain wiped and
	/// started again from its spec — is emptied (it is rebuilt from this chain's blocks);
	/// whether it was. So is one in an older format, which lacks what this one files. Writes
	/// nothing when the index is already bound to this chain, in this format.
	pub fn bind(&self, genesis: H256, last_filed_is_on_chain: bool) -> Result<bool, IndexError> {
		let (bound, format) = {
			let txn = self.db.begin_read()?;
			let meta = txn.open_table(META)?;
			let bound = meta.get(GENESIS)?.map(|v| v.value().to_vec());
			let format = meta.get(FORMAT)?.map(|v| v.value().to_vec());
			(bound, format)
		};
		let current = Some(CURRENT_FORMAT.to_le_bytes().to_vec());
		let this_chain = bound.as_deref() == Some(genesis.as_bytes()) && last_filed_is_on_chain;
		if this_chain && format == current {
			return Ok(false);
		}
		let txn = self.db.begin_write()?;
		let emptied = match bound {
			Some(_) => {
				txn.delete_table(TRAILS)?;
				txn.delete_table(BY_ACTOR)?;
				txn.delete_table(BY_ORGANISATION)?;
				txn.delete_table(LEAVES)?;
				txn.delete_table(DOCUMENTS_BY_PATIENT)?;
				txn.delete_table(DOCUMENTS_BY_ORGANISATION)?;
				txn.delete_table(META)?;
				txn.open_table(TRAILS)?;
				txn.open_table(BY_ACTOR)?;
				txn.open_table(BY_ORGANISATION)?;
				txn.open_table(LEAVES)?;
				txn.open_table(DOCUMENTS_BY_PATIENT)?;
				txn.open_table(DOCUMENTS_BY_ORGANISATION)?;
				true
			}
			None => false,
		};
		let mut meta = txn.open_table(META)?;
		meta.insert(GENESIS, genesis.as_bytes())?;
		meta.insert(FORMAT, &CURRENT_FORMAT.to_le_bytes()[..])?;
		drop(meta);
		txn.commit()?;
		if emptied {
			self.filed.send_replace(0);
		}
		Ok(emptied)
	}

	/// The last block filed, if any.
	pub fn last_indexed(&self) -> Result<Option<(u64, H256)>, IndexError> {
		let txn = self.db.begin_read()?;
		last_in(&txn.open_table(META)?)
	}

	/// Block 1's hash, if filed (indexes filed before it was kept have none).
	pub fn first_indexed(&self) -> Result<Option<H256>, IndexError> {
		let txn = self.db.begin_read()?;
		let meta = txn.open_table(META)?;
		let first = meta.get(FIRST)?.map(|v| H256::from_slice(v.value()));
		Ok(first)
	}

	/// The number of the next block to file (genesis has no entries: 1 on a new index).
	pub fn next_block(&self) -> Result<u64, IndexError> {
		Ok(self.last_indexed()?.map_or(1, |(number, _)| number + 1))
	}

	/// Files `blocks`, which must follow the last block filed, one after another, in one
	/// commit: all of them or, on any error, none. Each entry must extend its patient's
	/// trail as indexed (next sequence number, head `BLAKE2b-256(previous head ‖ entry)`).
	pub fn apply(&self, blocks: &[IndexedBlock]) -> Result<(), IndexError> {
		let Some(last) = blocks.last() else { return Ok(()) };
		let mut expected = self.next_block()?;
		let txn = self.db.begin_write()?;
		{
			let mut trails = txn.open_table(TRAILS)?;
			let mut by_actor = txn.open_table(BY_ACTOR)?;
			let mut by_organisation = txn.open_table(BY_ORGANISATION)?;
			let mut leaves = txn.open_table(LEAVES)?;
			let mut documents_by_patient = txn.open_table(DOCUMENTS_BY_PATIENT)?;
			let mut documents_by_organisation = txn.open_table(DOCUMENTS_BY_ORGANISATION)?;
			for block in blocks {
				if block.number != expected {
					return Err(IndexError::OutOfOrder { expected, got: block.number });
				}
				expected += 1;
				for (seq, record) in &block.entries {
					let entry = &record.entry;
					let indexed = head_in(&trails, &entry.patient)?;
					let next = indexed.append(entry);
					if next.seq != *seq || next.head != record.head {
						return Err(IndexError::BrokenTrail {
							block: block.number,
							patient: entry.patient.clone(),
							seq: *seq,
							indexed: indexed.seq,
						});
					}
					let place = key::place(&entry.patient, *seq);
					trails.insert(&place[..], &record.encode()[..])?;
					by_actor
						.insert(&key::listed(entry.actor.as_ref(), entry.at, &place)[..], ())?;
					if let Some(org) = entry.org {
						let owner = key::organisation(org);
						by_organisation.insert(&key::listed(&owner, entry.at, &place)[..], ())?;
					}
				}
				for filed in &block.batches {
					for (position, leaf) in (0u32..).zip(&filed.leaves) {
						let id = filed.first + DocId::from(position);
						let value =
							BatchedLeaf { batch: filed.batch, position, leaf: leaf.clone() };
						leaves.insert(id, &value.encode()[..])?;
					}
				}
				for (id, patient, org) in &block.documents {
					let patient: &[u8] = patient.as_ref();
					documents_by_patient.insert(&key::listed_id(patient, *id)[..], ())?;
					let owner = key::organisation(*org);
					documents_by_organisation.insert(&key::listed_id(&owner, *id)[..], ())?;
				}
			}
			let mut meta = txn.open_table(META)?;
			if let Some(first) = blocks.iter().find(|block| block.number == 1) {
				meta.insert(FIRST, first.hash.as_bytes())?;
			}
			meta.insert(LAST, &(last.number, last.hash).encode()[..])?;
		}
		txn.commit()?;
		self.filed.send_replace(last.number);
		Ok(())
	}

	/// `patient`'s trail head as indexed: the last entry filed and the head after it.
	#[cfg(test)]
	pub fn head(&self, patient: &AccountId) -> Result<TrailHead, IndexError> {
		let txn = self.db.begin_read()?;
		head_in(&txn.open_table(TRAILS)?, patient)
	}

	/// A page of `patient`'s trail from sequence number `from` (≥ 1), at most `limit`
	/// (≤ `MAX_PAGE`) entries, read at one moment with the block last filed and the head the
	/// page continues from — so a check of the page against the chain's head at that block
	/// cannot race a block filed meanwhile.
	pub fn trail(
		&self,
		patient: &AccountId,
		from: u64,
		limit: u32,
	) -> Result<TrailPage, IndexError> {
		let txn = self.db.begin_read()?;
		let trails = txn.open_table(TRAILS)?;
		let at = last_in(&txn.open_table(META)?)?;
		let from = from.max(1);
		let start = match trails.get(&key::place(patient, from - 1)[..])? {
			Some(before) => {
				let before = AuditRecord::<AccountId>::decode(&mut before.value())?;
				TrailHead { seq: from - 1, head: before.head }
			}
			None => TrailHead::default(),
		};
		let (first, last) = (key::place(patient, from), key::place(patient, u64::MAX));
		let limit = limit.min(MAX_PAGE) as usize;
		let mut entries = Vec::new();
		for item in trails.range::<&[u8]>(&first[..]..=&last[..])?.take(limit) {
			let (place, record) = item?;
			entries.push(entry(place.value(), record.value())?);
		}
		Ok(TrailPage { at, start, entries })
	}

	/// Every entry of `patient`'s trail that `wanted` picks, in order.
	pub fn trail_matching(
		&self,
		patient: &AccountId,
		wanted: impl Fn(&AuditEntry<AccountId>) -> bool,
	) -> Result<Vec<Entry>, IndexError> {
		let txn = self.db.begin_read()?;
		let trails = txn.open_table(TRAILS)?;
		let (start, end) = (key::place(patient, 0), key::place(patient, u64::MAX));
		let mut entries = Vec::new();
		for item in trails.range::<&[u8]>(&start[..]..=&end[..])? {
			let (place, record) = item?;
			let (seq, record) = entry(place.value(), record.value())?;
			if wanted(&record.entry) {
				entries.push((seq, record));
			}
		}
		Ok(entries)
	}

	/// Document `id`'s leaf with its Merkle path to its batch's root, if it is of a rooted
	/// batch filed here: the part of a proof the state does not hold.
	pub fn leaf_with_path(
		&self,
		id: DocId,
	) -> Result<Option<(BatchedLeaf, Vec<Hash>)>, IndexError> {
		let txn = self.db.begin_read()?;
		let leaves = txn.open_table(LEAVES)?;
		let Some(found) = leaves.get(id)? else { return Ok(None) };
		let found = BatchedLeaf::decode(&mut found.value())?;
		// A batch's documents have consecutive ids, from its first.
		let first = id - DocId::from(found.position);
		let mut hashes = Vec::new();
		for item in leaves.range(first..)? {
			let (_, value) = item?;
			let member = BatchedLeaf::decode(&mut value.value())?;
			if member.batch != found.batch {
				break;
			}
			hashes.push(merkle::leaf_hash(&member.leaf));
		}
		let path = merkle::path(&hashes, found.position as usize)
			.ok_or(codec::Error::from("a filed leaf outside its batch"))?;
		Ok(Some((found, path)))
	}

	/// `patient`'s documents after `after`, in id order, at most `limit`.
	pub fn documents_of_patient(
		&self,
		patient: &AccountId,
		after: Option<DocId>,
		limit: usize,
	) -> Result<Vec<DocId>, IndexError> {
		self.documents_listed(DOCUMENTS_BY_PATIENT, patient.as_ref(), after, limit)
	}

	/// Hospital `org`'s documents after `after`, in id order, at most `limit`.
	pub fn documents_of_organisation(
		&self,
		org: OrgId,
		after: Option<DocId>,
		limit: usize,
	) -> Result<Vec<DocId>, IndexError> {
		self.documents_listed(DOCUMENTS_BY_ORGANISATION, &key::organisation(org), after, limit)
	}

	fn documents_listed(
		&self,
		list: TableDefinition<&[u8], ()>,
		owner: &[u8],
		after: Option<DocId>,
		limit: usize,
	) -> Result<Vec<DocId>, IndexError> {
		let Some(from) = after.map_or(Some(0), |after| after.checked_add(1)) else {
			return Ok(Vec::new());
		};
		let txn = self.db.begin_read()?;
		let list = txn.open_table(list)?;
		let (start, end) = (key::listed_id(owner, from), key::listed_id(owner, DocId::MAX));
		let mut ids = Vec::new();
		for item in list.range::<&[u8]>(&start[..]..=&end[..])?.take(limit) {
			ids.push(key::id_of(item?.0.value()));
		}
		Ok(ids)
	}

	/// The entries `actor` made in `period`, in time order, at most `limit`.
	pub fn by_actor(
		&self,
		actor: &AccountId,
		period: Period,
		limit: usize,
	) -> Result<Vec<Entry>, IndexError> {
		self.listed(BY_ACTOR, actor.as_ref(), period, limit)
	}

	/// The entries organisation `org`'s staff made in `period`, in time order, at most
	/// `limit`.
	pub fn by_organisation(
		&self,
		org: OrgId,
		period: Period,
		limit: usize,
	) -> Result<Vec<Entry>, IndexError> {
		self.listed(BY_ORGANISATION, &key::organisation(org), period, limit)
	}

	fn listed(
		&self,
		list: TableDefinition<&[u8], ()>,
		owner: &[u8],
		period: Period,
		limit: usize,
	) -> Result<Vec<Entry>, IndexError> {
		if period.from >= period.to {
			return Ok(Vec::new());
		}
		let txn = self.db.begin_read()?;
		let (list, trails) = (txn.open_table(list)?, txn.open_table(TRAILS)?);
		let (start, end) =
			(key::listed_from(owner, period.from), key::listed_from(owner, period.to));
		let mut entries = Vec::new();
		for item in list.range::<&[u8]>(&start[..]..&end[..])?.take(limit) {
			let (listed, _) = item?;
			let place = key::place_of(listed.value());
			let record =
				trails.get(place)?.ok_or(codec::Error::from("a listed entry is not filed"))?;
			entries.push(entry(place, record.value())?);
		}
		Ok(entries)
	}
}

/// The last block filed, by `meta`.
fn last_in(
	meta: &impl ReadableTable<&'static str, &'static [u8]>,
) -> Result<Option<(u64, H256)>, IndexError> {
	let Some(last) = meta.get(LAST)? else { return Ok(None) };
	Ok(Some(<(u64, H256)>::decode(&mut last.value())?))
}

/// The head after the last entry of `patient` in `trails` (the empty head if none).
fn head_in(
	trails: &impl ReadableTable<&'static [u8], &'static [u8]>,
	patient: &AccountId,
) -> Result<TrailHead, IndexError> {
	let (start, end) = (key::place(patient, 0), key::place(patient, u64::MAX));
	let Some(last) = trails.range::<&[u8]>(&start[..]..=&end[..])?.next_back() else {
		return Ok(TrailHead::default());
	};
	let (place, record) = last?;
	let (seq, record) = entry(place.value(), record.value())?;
	Ok(TrailHead { seq, head: record.head })
}

/// An entry from its place and stored value.
fn entry(place: &[u8], value: &[u8]) -> Result<Entry, IndexError> {
	let seq = u64::from_be_bytes(
		place[32..].try_into().map_err(|_| codec::Error::from("a short place"))?,
	);
	Ok((seq, AuditRecord::decode(&mut &value[..])?))
}

#[cfg(test)]
mod tests;
