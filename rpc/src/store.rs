//! The gateway's durable state: accepted uploads (the outbox) and audit entries waiting to
//! be recorded on chain.
//!
//! An embedded database (redb: pure Rust, ACID, every commit fsynced) in
//! `DATA_DIR/gateway.redb`, plus a spool directory holding each accepted upload's envelope
//! — its IPFS blocks, as a CAR — until IPFS has it. An upload is acknowledged only after
//! both its spooled envelope and its record are on disk, so a crash after the
//! acknowledgement loses nothing.

use crate::ipfs::Dag;
use codec::{Decode, Encode};
use medledger_chain_client::Signed;
use medledger_gateway_api::GatewayError;
use medledger_primitives::audit::Refusal;
use redb::{Database, ReadableTable, ReadableTableMetadata, TableDefinition};
use serde::{Deserialize, Serialize};
use std::{
	io::Write,
	path::{Path, PathBuf},
};

const UPLOADS: TableDefinition<u64, &[u8]> = TableDefinition::new("uploads");
/// Uploads not yet finalised on chain: what the outbox worker walks.
const OUTBOX: TableDefinition<u64, ()> = TableDefinition::new("outbox");
/// Audit entries of reads, waiting for a `record_access` extrinsic.
const ACCESS_QUEUE: TableDefinition<u64, &[u8]> = TableDefinition::new("access_queue");
/// What the chain last said about each credential's account (by credential id): JSON of
/// `Option<Refusal>`, so a gateway restarted while its node is down still knows.
const STANDINGS: TableDefinition<&str, &[u8]> = TableDefinition::new("standings");
/// Audit reports signed and kept before they were sent, until the chain tells what became
/// of them (SCALE of [`KeptReport`], by report id); their entries stay in the queue meanwhile
/// and go in no other report.
const KEPT_REPORTS: TableDefinition<u64, &[u8]> = TableDefinition::new("audit_kept_reports");
/// Audit entries the chain refused for good, with the reason: kept, never dropped.
const DEAD_LETTERS: TableDefinition<u64, &[u8]> = TableDefinition::new("audit_dead_letters");
const COUNTERS: TableDefinition<&str, u64> = TableDefinition::new("counters");
/// The counter holding the key-wrap worker's next block.
const WRAP_CURSOR: &str = "wrap_cursor";

/// Where an accepted upload stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "state")]
pub enum UploadState {
	/// Durably accepted; its envelope waits in the spool for IPFS.
	Accepted,
	/// In IPFS (pinned); waiting to be anchored.
	Stored,
	/// Anchored in a block, not final yet.
	Anchored {
		/// The document id the chain gave it.
		document: u64,
		/// The block that holds the anchor (unknown when the anchor was found by its
		/// commitment after a restart).
		#[serde(deserialize_with = "block_or_empty")]
		block: Option<sp_core::H256>,
	},
	/// Anchored in a finalised block. Nothing further happens.
	Finalised {
		/// The document id.
		document: u64,
		/// The block that holds the anchor.
		#[serde(deserialize_with = "block_or_empty")]
		block: Option<sp_core::H256>,
	},
	/// The chain refused the anchor for a reason retrying cannot fix.
	Rejected {
		/// The chain's error.
		error: String,
	},
}

/// An accepted upload and its progress.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Upload {
	/// Id local to this gateway.
	pub id: u64,
	/// The staff account (keystore name) that signs the anchor.
	pub signer: String,
	/// The patient (SS58 on disk and on the wire).
	pub patient: sp_runtime::AccountId32,
	/// The salted commitment of this hospital, salt and file (`0x` hex on disk and on the wire).
	pub commitment: sp_core::H256,
	/// CID of the envelope (its text form on disk and on the wire).
	#[serde(with = "cid_text")]
	pub cid: cid::Cid,
	/// Plaintext size in bytes.
	pub size: u64,
	/// Media type.
	pub media_type: String,
	/// Document type code.
	pub document_type: String,
	/// When the gateway accepted it (ms since the Unix epoch).
	pub accepted_at: u64,
	/// The document this upload amends, if it is a new version.
	#[serde(default, skip_serializing_if = "Option::is_none")]
	pub supersedes: Option<u64>,
	/// Progress.
	#[serde(flatten)]
	pub state: UploadState,
	/// Failed attempts so far (node or IPFS unavailable).
	pub attempts: u32,
	/// The last transient failure, if any.
	pub last_error: Option<String>,
}

impl Upload {
	/// Whether `anchored`, a record holding this upload's commitment, is this upload: hospital
	/// `org`'s anchor for this patient with this CID, signed by `signer` (the key this
	/// gateway holds for the upload's signer). Another hospital's anchor of the same
	/// commitment, or a colleague's (copied from the transaction pool, say), is not it.
	pub fn is_anchored_as(
		&self,
		org: pallet_consortium::OrgId,
		signer: &sp_runtime::AccountId32,
		anchored: &pallet_documents::Document<medledger_runtime::Runtime>,
	) -> bool {
		anchored.org == org
			&& &anchored.author == signer
			&& anchored.patient == self.patient
			&& anchored.cid[..] == self.cid.to_bytes()[..]
	}
}

/// A block hash, or none: outboxes written before blocks were typed stored an unknown block
/// as `""`.
fn block_or_empty<'de, D: serde::Deserializer<'de>>(
	d: D,
) -> Result<Option<sp_core::H256>, D::Error> {
	match Option::<String>::deserialize(d)?.as_deref() {
		None | Some("") => Ok(None),
		Some(text) => serde_json::from_value(serde_json::Value::String(text.into()))
			.map(Some)
			.map_err(serde::de::Error::custom),
	}
}

/// A CID as its text form (`bafy…`), as stored and answered before uploads were typed.
mod cid_text {
	use serde::{de::Error, Deserialize, Deserializer, Serializer};

	pub(super) fn serialize<S: Serializer>(cid: &cid::Cid, s: S) -> Result<S::Ok, S::Error> {
		s.collect_str(cid)
	}

	pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<cid::Cid, D::Error> {
		String::deserialize(d)?.parse().map_err(D::Error::custom)
	}
}

/// A read to record on chain, with the account that reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueuedAccess {
	/// Keystore name of the reporting account: the reader, or (for a refused attempt of a
	/// member who no longer stands) the hospital's administrator.
	pub signer: String,
	/// The reader, when the signer reports for them (`audit.record_refusals`); none when the
	/// signer is the reader (`audit.record_access`). Absent in entries queued before it
	/// existed, which were all the reader's own.
	#[serde(default, skip_serializing_if = "Option::is_none")]
	pub reader: Option<sp_runtime::AccountId32>,
	/// The read (SCALE in hex on disk, as before it was typed).
	#[serde(with = "scale_hex")]
	pub record: pallet_audit::AccessRecord<sp_runtime::AccountId32>,
}

/// What waits in the store ([`Store::counts`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
	/// Audit entries waiting for the chain.
	pub audit_queued: u64,
	/// Audit entries the chain refused for good.
	pub dead_letters: u64,
	/// Audit reports sent (or about to be) whose block is not final yet.
	pub reports_unsettled: u64,
	/// Uploads accepted and not final yet.
	pub uploads_pending: u64,
}

/// An audit entry the chain refused for good (alone, not for another entry of its batch).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeadLetter {
	/// The entry as it was queued.
	pub entry: QueuedAccess,
	/// The chain's reason.
	pub reason: String,
}

/// An audit report signed and kept before it was sent: the queued entries it holds and the
/// extrinsic, to be settled by the chain, never signed again while it may still land.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
pub struct KeptReport {
	/// The queue ids of its entries.
	pub entries: Vec<u64>,
	/// The signed extrinsic.
	pub signed: Signed,
}

/// A SCALE-encoded value as hex text.
mod scale_hex {
	use codec::{Decode, Encode};
	use serde::{de::Error, Deserialize, Deserializer, Serializer};

	pub(super) fn serialize<T: Encode, S: Serializer>(value: &T, s: S) -> Result<S::Ok, S::Error> {
		s.serialize_str(&hex::encode(value.encode()))
	}

	pub(super) fn deserialize<'de, T: Decode, D: Deserializer<'de>>(d: D) -> Result<T, D::Error> {
		let bytes = hex::decode(String::deserialize(d)?).map_err(D::Error::custom)?;
		T::decode(&mut &bytes[..]).map_err(D::Error::custom)
	}
}

/// The database and the spool.
pub struct Store {
	db: Database,
	spool: PathBuf,
}

impl Store {
	/// Opens (or creates) the store under `data_dir`.
	pub fn open(data_dir: &Path) -> Result<Self, StoreError> {
		let spool = data_dir.join("spool");
		std::fs::create_dir_all(&spool)?;
		let db = Database::create(data_dir.join("gateway.redb"))?;
		let txn = db.begin_write()?;
		{
			txn.open_table(UPLOADS)?;
			txn.open_table(OUTBOX)?;
			txn.open_table(ACCESS_QUEUE)?;
			txn.open_table(DEAD_LETTERS)?;
			txn.open_table(KEPT_REPORTS)?;
			txn.open_table(STANDINGS)?;
			txn.open_table(COUNTERS)?;
		}
		txn.commit()?;
		Ok(Store { db, spool })
	}

	/// Durably accepts an upload: spools the envelope, then records the upload with the next
	/// id. Returns the record. Only after this returns may the client be told "accepted".
	pub fn accept(&self, mut upload: Upload, envelope: &Dag) -> Result<Upload, StoreError> {
		let txn = self.db.begin_write()?;
		{
			let mut counters = txn.open_table(COUNTERS)?;
			let id = counters.get("upload")?.map(|v| v.value()).unwrap_or(0) + 1;
			counters.insert("upload", id)?;
			upload.id = id;
			upload.state = UploadState::Accepted;
			write_atomically(&self.spool_path(id), &envelope.to_car())?;
			txn.open_table(UPLOADS)?.insert(id, encode(&upload).as_slice())?;
			txn.open_table(OUTBOX)?.insert(id, ())?;
		}
		txn.commit()?;
		Ok(upload)
	}

	/// The upload with this id.
	pub fn upload(&self, id: u64) -> Result<Option<Upload>, StoreError> {
		let txn = self.db.begin_read()?;
		let table = txn.open_table(UPLOADS)?;
		table.get(id)?.map(|v| decode(v.value())).transpose()
	}

	/// Saves an upload's new state; it leaves the outbox once finalised or rejected.
	pub fn update(&self, upload: &Upload) -> Result<(), StoreError> {
		let txn = self.db.begin_write()?;
		{
			txn.open_table(UPLOADS)?.insert(upload.id, encode(upload).as_slice())?;
			if matches!(upload.state, UploadState::Finalised { .. } | UploadState::Rejected { .. })
			{
				txn.open_table(OUTBOX)?.remove(upload.id)?;
			}
		}
		txn.commit()?;
		Ok(())
	}

	/// The uploads still in the outbox, oldest first.
	pub fn outbox(&self) -> Result<Vec<Upload>, StoreError> {
		let txn = self.db.begin_read()?;
		let outbox = txn.open_table(OUTBOX)?;
		let uploads = txn.open_table(UPLOADS)?;
		let mut out = Vec::new();
		for entry in outbox.iter()? {
			let (id, _) = entry?;
			if let Some(value) = uploads.get(id.value())? {
				out.push(decode(value.value())?);
			}
		}
		Ok(out)
	}

	/// Where upload `id`'s envelope is spooled.
	fn spool_path(&self, id: u64) -> PathBuf {
		self.spool.join(format!("{id}.car"))
	}

	/// Where gateways before the CAR spool kept upload `id`'s envelope: its bytes.
	fn legacy_spool_path(&self, id: u64) -> PathBuf {
		self.spool.join(format!("{id}.mlev"))
	}

	/// Upload `upload`'s spooled envelope, each block checked against its CID and the root
	/// against the upload's CID. (A spool left by an older gateway holds the envelope's
	/// bytes; its DAG is built here, the one time.)
	pub async fn spooled(&self, upload: &Upload) -> Result<Dag, StoreError> {
		match tokio::fs::read(self.spool_path(upload.id)).await {
			Ok(car) => Ok(Dag::from_car(&car, &upload.cid).await?),
			Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
				let bytes = tokio::fs::read(self.legacy_spool_path(upload.id)).await?;
				let dag = Dag::of(&bytes);
				if dag.root() != upload.cid {
					return Err(crate::ipfs::SpoolError::OtherRoot { expected: upload.cid }.into());
				}
				Ok(dag)
			}
			Err(error) => Err(error.into()),
		}
	}

	/// Drops upload `id`'s spooled envelope (IPFS has it now).
	pub async fn unspool(&self, id: u64) {
		for path in [self.spool_path(id), self.legacy_spool_path(id)] {
			let _ = tokio::fs::remove_file(path).await;
		}
	}

	/// Queues audit entries for recording on chain (one transaction for all).
	pub fn queue_access(&self, entries: &[QueuedAccess]) -> Result<(), StoreError> {
		let txn = self.db.begin_write()?;
		{
			let mut counters = txn.open_table(COUNTERS)?;
			let mut queue = txn.open_table(ACCESS_QUEUE)?;
			let mut next = counters.get("access")?.map(|v| v.value()).unwrap_or(0);
			for entry in entries {
				next += 1;
				queue.insert(next, encode(entry).as_slice())?;
			}
			counters.insert("access", next)?;
		}
		txn.commit()?;
		Ok(())
	}

	/// Up to `limit` queued audit entries in no kept report, oldest first, with their queue
	/// ids.
	pub fn queued_access(&self, limit: usize) -> Result<Vec<(u64, QueuedAccess)>, StoreError> {
		let txn = self.db.begin_read()?;
		let queue = txn.open_table(ACCESS_QUEUE)?;
		// A few reports of at most `MaxAccessBatch` entries: read whole, not indexed.
		let mut in_report = std::collections::BTreeSet::new();
		for report in txn.open_table(KEPT_REPORTS)?.iter()? {
			in_report.extend(decode_report(report?.1.value())?.entries);
		}
		let mut out = Vec::new();
		for entry in queue.iter()? {
			if out.len() == limit {
				break;
			}
			let (id, value) = entry?;
			if !in_report.contains(&id.value()) {
				out.push((id.value(), decode(value.value())?));
			}
		}
		Ok(out)
	}

	/// Keeps a report of queued entries `entries`, signed as `signed`, before it is sent;
	/// returns its id. Its entries are in no other report until it is landed or released.
	pub fn keep_report(&self, entries: &[u64], signed: &Signed) -> Result<u64, StoreError> {
		let txn = self.db.begin_write()?;
		let id = {
			let mut counters = txn.open_table(COUNTERS)?;
			let id = counters.get("report")?.map(|v| v.value()).unwrap_or(0) + 1;
			counters.insert("report", id)?;
			let report = KeptReport { entries: entries.to_vec(), signed: signed.clone() };
			txn.open_table(KEPT_REPORTS)?.insert(id, report.encode().as_slice())?;
			id
		};
		txn.commit()?;
		Ok(id)
	}

	/// The kept reports whose fate is not known yet, oldest first.
	pub fn kept_reports(&self) -> Result<Vec<(u64, KeptReport)>, StoreError> {
		let txn = self.db.begin_read()?;
		let table = txn.open_table(KEPT_REPORTS)?;
		let mut out = Vec::new();
		for entry in table.iter()? {
			let (id, value) = entry?;
			out.push((id.value(), decode_report(value.value())?));
		}
		Ok(out)
	}

	/// Kept report `id` is on chain: it and its entries leave the store, in one transaction.
	pub fn land_report(&self, id: u64) -> Result<(), StoreError> {
		let txn = self.db.begin_write()?;
		{
			let removed = txn.open_table(KEPT_REPORTS)?.remove(id)?.map(|v| v.value().to_vec());
			let Some(report) = removed else { return Ok(()) };
			let mut queue = txn.open_table(ACCESS_QUEUE)?;
			for entry in decode_report(&report)?.entries {
				queue.remove(entry)?;
			}
		}
		txn.commit()?;
		Ok(())
	}

	/// Kept report `id` will never be on chain (or the chain refused it): its entries are
	/// free to go in another report; returns them, oldest first.
	pub fn release_report(&self, id: u64) -> Result<Vec<(u64, QueuedAccess)>, StoreError> {
		let txn = self.db.begin_write()?;
		let mut entries = Vec::new();
		{
			let removed = txn.open_table(KEPT_REPORTS)?.remove(id)?.map(|v| v.value().to_vec());
			let queue = txn.open_table(ACCESS_QUEUE)?;
			for id in
				removed.as_deref().map(decode_report).transpose()?.map_or(vec![], |r| r.entries)
			{
				if let Some(value) = queue.get(id)? {
					entries.push((id, decode(value.value())?));
				}
			}
		}
		txn.commit()?;
		Ok(entries)
	}

	/// The next finalised block the key-wrap worker has to look at, once it has started.
	pub fn wrap_cursor(&self) -> Result<Option<u64>, StoreError> {
		let txn = self.db.begin_read()?;
		Ok(txn.open_table(COUNTERS)?.get(WRAP_CURSOR)?.map(|v| v.value()))
	}

	/// Records that every block before `next` has been dealt with by the key-wrap worker.
	pub fn set_wrap_cursor(&self, next: u64) -> Result<(), StoreError> {
		let txn = self.db.begin_write()?;
		txn.open_table(COUNTERS)?.insert(WRAP_CURSOR, next)?;
		txn.commit()?;
		Ok(())
	}

	/// Moves queued audit entry `id` to the dead letters with the chain's `reason`, in one
	/// transaction: it leaves the queue only to be kept there.
	pub fn bury_access(&self, id: u64, reason: &str) -> Result<(), StoreError> {
		let txn = self.db.begin_write()?;
		{
			let mut queue = txn.open_table(ACCESS_QUEUE)?;
			let Some(entry) = queue.remove(id)?.map(|v| decode::<QueuedAccess>(v.value())) else {
				return Ok(());
			};
			let letter = DeadLetter { entry: entry?, reason: reason.to_owned() };
			txn.open_table(DEAD_LETTERS)?.insert(id, encode(&letter).as_slice())?;
		}
		txn.commit()?;
		Ok(())
	}

	/// What the chain last said about credential `id`'s account: `None` if never asked;
	/// `Some(None)` if it stood, `Some(Some(reason))` if not.
	pub fn standing(&self, id: &str) -> Result<Option<Option<Refusal>>, StoreError> {
		let txn = self.db.begin_read()?;
		let table = txn.open_table(STANDINGS)?;
		table.get(id)?.map(|v| decode(v.value())).transpose()
	}

	/// Records what the chain says about credential `id`'s account, if it changed.
	pub fn set_standing(&self, id: &str, standing: Option<Refusal>) -> Result<(), StoreError> {
		if self.standing(id)? == Some(standing) {
			return Ok(());
		}
		let txn = self.db.begin_write()?;
		txn.open_table(STANDINGS)?.insert(id, encode(&standing).as_slice())?;
		txn.commit()?;
		Ok(())
	}

	/// The audit entries the chain refused for good, oldest first, after queue id `after`,
	/// at most `limit`, with their queue ids.
	pub fn dead_letters(
		&self,
		after: Option<u64>,
		limit: usize,
	) -> Result<Vec<(u64, DeadLetter)>, StoreError> {
		let txn = self.db.begin_read()?;
		let table = txn.open_table(DEAD_LETTERS)?;
		let mut out = Vec::new();
		let from = after.map_or(0, |id| id.saturating_add(1));
		for entry in table.range(from..)?.take(limit) {
			let (id, value) = entry?;
			out.push((id.value(), decode(value.value())?));
		}
		Ok(out)
	}

	/// How many audit entries wait for the chain, how many it refused for good, and how
	/// many uploads are not final yet: the tables' lengths, nothing decoded.
	pub fn counts(&self) -> Result<Counts, StoreError> {
		let txn = self.db.begin_read()?;
		Ok(Counts {
			audit_queued: txn.open_table(ACCESS_QUEUE)?.len()?,
			dead_letters: txn.open_table(DEAD_LETTERS)?.len()?,
			reports_unsettled: txn.open_table(KEPT_REPORTS)?.len()?,
			uploads_pending: txn.open_table(OUTBOX)?.len()?,
		})
	}

	/// Replaces queued audit entry `id` (it keeps its place in the queue).
	pub fn replace_access(&self, id: u64, entry: &QueuedAccess) -> Result<(), StoreError> {
		let txn = self.db.begin_write()?;
		txn.open_table(ACCESS_QUEUE)?.insert(id, encode(entry).as_slice())?;
		txn.commit()?;
		Ok(())
	}
}

/// Writes `bytes` to `path` so that a crash leaves either the old file or the new one:
/// temporary file, fsync, rename, fsync of the directory. Mode 0600 (keys, envelopes).
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
	use std::os::unix::fs::OpenOptionsExt;
	let tmp = path.with_extension("tmp");
	let mut file = std::fs::OpenOptions::new()
		.write(true)
		.create(true)
		.truncate(true)
		.mode(0o600)
		.open(&tmp)?;
	file.write_all(bytes)?;
	file.sync_all()?;
	std::fs::rename(&tmp, path)?;
	if let Some(dir) = path.parent() {
		std::fs::File::open(dir)?.sync_all()?;
	}
	Ok(())
}

fn encode<T: Serialize>(value: &T) -> Vec<u8> {
	serde_json::to_vec(value).expect("store records serialise")
}

fn decode_report(bytes: &[u8]) -> Result<KeptReport, StoreError> {
	KeptReport::decode(&mut &bytes[..]).map_err(|e| StoreError::Corrupt(e.to_string()))
}

fn decode<T: for<'de> Deserialize<'de>>(bytes: &[u8]) -> Result<T, StoreError> {
	serde_json::from_slice(bytes).map_err(|e| StoreError::Corrupt(e.to_string()))
}

/// A failure of the local store. Logged in full; clients see an internal error.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
	/// The database failed.
	#[error("database: {0}")]
	Database(String),
	/// A record does not decode.
	#[error("corrupt record: {0}")]
	Corrupt(String),
	/// The spool failed.
	#[error("spool: {0}")]
	Io(#[from] std::io::Error),
	/// A spooled envelope is not the upload's blocks.
	#[error("spooled envelope: {0}")]
	Spooled(#[from] crate::ipfs::SpoolError),
}

macro_rules! database_errors {
	($($t:ty),*) => {$(
		impl From<$t> for StoreError {
			fn from(e: $t) -> Self {
				StoreError::Database(e.to_string())
			}
		}
	)*};
}
database_errors!(
	redb::DatabaseError,
	redb::TransactionError,
	redb::TableError,
	redb::StorageError,
	redb::CommitError
);

impl From<StoreError> for GatewayError {
	fn from(error: StoreError) -> Self {
		GatewayError::internal(error)
	}
}

#[cfg(test)]
pub(crate) mod tests {
	use super::*;

	fn upload() -> Upload {
		Upload {
			id: 0,
			signer: "alice".into(),
			patient: sp_runtime::AccountId32::new([7; 32]),
			commitment: sp_core::H256::repeat_byte(1),
			cid: Dag::of(b"envelope one").root(),
			size: 3,
			media_type: "text/plain".into(),
			document_type: "34133-9".into(),
			accepted_at: 1,
			supersedes: None,
			state: UploadState::Accepted,
			attempts: 0,
			last_error: None,
		}
	}

	/// H2 anchored H1's commitment first (for the same patient, with its own CID): H1's
	/// gateway does not take that document for its upload, only its own.
	#[test]
	fn another_hospitals_anchor_of_the_same_commitment_is_not_this_upload() {
		let upload = upload();
		let signer = sp_runtime::AccountId32::new([9; 32]);
		let anchor = |org, cid: &cid::Cid| pallet_documents::Document {
			patient: upload.patient.clone(),
			org,
			author: signer.clone(),
			commitment: upload.commitment.0,
			cid: cid.to_bytes().try_into().unwrap(),
			size: 3,
			media_type: b"text/plain".to_vec().try_into().unwrap(),
			document_type: b"34133-9".to_vec().try_into().unwrap(),
			created_at: 0,
			status: pallet_documents::DocumentStatus::Current,
			previous: None,
		};
		let squat_cid = Dag::of(b"the squatter's envelope").root();
		assert!(!upload.is_anchored_as(1, &signer, &anchor(2, &squat_cid)));
		// Even a squatter copying the CID too is another hospital's record.
		assert!(!upload.is_anchored_as(1, &signer, &anchor(2, &upload.cid)));
		// A colleague's anchor of the commitment, with another file, is not this upload; nor
		// is one with this very CID, signed with a colleague's key.
		assert!(!upload.is_anchored_as(1, &signer, &anchor(1, &squat_cid)));
		let colleague = sp_runtime::AccountId32::new([8; 32]);
		assert!(!upload.is_anchored_as(1, &colleague, &anchor(1, &upload.cid)));
		assert!(upload.is_anchored_as(1, &signer, &anchor(1, &upload.cid)));
	}

	#[test]
	fn uploads_stored_before_they_were_typed_still_read() {
		use sp_core::crypto::Ss58Codec;
		let typed = upload();
		let stored_as_text = serde_json::json!({
			"id": 0, "signer": "alice",
			"patient": typed.patient.to_ss58check(),
			"commitment": format!("0x{}", "01".repeat(32)),
			"cid": typed.cid.to_string(),
			"size": 3, "mediaType": "text/plain", "documentType": "34133-9",
			"acceptedAt": 1, "state": "accepted", "attempts": 0, "lastError": null,
		});
		let read: Upload = serde_json::from_value(stored_as_text.clone()).unwrap();
		assert_eq!(read, typed);
		assert_eq!(serde_json::to_value(&read).unwrap(), stored_as_text);
	}

	#[tokio::test]
	async fn accepted_uploads_survive_reopening_until_finalised() {
		let dir = tempfile::tempdir().unwrap();
		let store = Store::open(dir.path()).unwrap();
		let (one, two) = (Dag::of(b"envelope one"), Dag::of(b"envelope two"));
		let first = store.accept(upload(), &one).unwrap();
		let second = store.accept(Upload { cid: two.root(), ..upload() }, &two).unwrap();
		assert_eq!((first.id, second.id), (1, 2));
		drop(store);

		let store = Store::open(dir.path()).unwrap();
		assert_eq!(store.outbox().unwrap().len(), 2);
		let spooled = store.spooled(&store.upload(2).unwrap().unwrap()).await.unwrap();
		assert_eq!(spooled.root(), two.root());
		let mut done = store.upload(1).unwrap().unwrap();
		done.state =
			UploadState::Finalised { document: 7, block: Some(sp_core::H256::repeat_byte(1)) };
		store.update(&done).unwrap();
		assert_eq!(store.outbox().unwrap().iter().map(|u| u.id).collect::<Vec<_>>(), vec![2]);
		assert_eq!(store.upload(1).unwrap().unwrap().state, done.state);
	}

	/// An upload accepted by a gateway before the CAR spool (its envelope spooled as bytes)
	/// is still stored after the upgrade; bytes that are not that envelope are refused.
	#[tokio::test]
	async fn an_envelope_spooled_by_an_older_gateway_is_still_stored() {
		let dir = tempfile::tempdir().unwrap();
		let store = Store::open(dir.path()).unwrap();
		let accepted = store.accept(upload(), &Dag::of(b"envelope one")).unwrap();
		std::fs::remove_file(store.spool_path(accepted.id)).unwrap();
		std::fs::write(store.legacy_spool_path(accepted.id), b"envelope one").unwrap();
		assert_eq!(store.spooled(&accepted).await.unwrap().root(), accepted.cid);

		std::fs::write(store.legacy_spool_path(accepted.id), b"something else").unwrap();
		assert!(matches!(
			store.spooled(&accepted).await,
			Err(StoreError::Spooled(crate::ipfs::SpoolError::OtherRoot { .. }))
		));
		store.unspool(accepted.id).await;
		assert!(store.spooled(&accepted).await.is_err(), "nothing left");
	}

	/// A successful read of document 7 by signer "a", dated `at`.
	pub(crate) fn entry(at: u64) -> QueuedAccess {
		QueuedAccess {
			reader: None,
			signer: "a".into(),
			record: pallet_audit::AccessRecord {
				patient: [1; 32].into(),
				subject: medledger_primitives::audit::Subject::Document(7),
				consent: None,
				purpose: None,
				outcome: medledger_primitives::audit::Outcome::Success,
				at,
			},
		}
	}

	#[test]
	fn access_queue_is_first_in_first_out() {
		let dir = tempfile::tempdir().unwrap();
		let store = Store::open(dir.path()).unwrap();
		store.queue_access(&[entry(1), entry(2)]).unwrap();
		store.queue_access(&[entry(3)]).unwrap();
		let queued = store.queued_access(2).unwrap();
		assert_eq!(queued.iter().map(|(_, q)| q.record.at).collect::<Vec<_>>(), [1, 2]);
		let report = store.keep_report(&ids(&queued), &signed()).unwrap();
		store.land_report(report).unwrap();
		assert_eq!(store.queued_access(10).unwrap().len(), 1);
	}

	fn ids(queued: &[(u64, QueuedAccess)]) -> Vec<u64> {
		queued.iter().map(|(id, _)| *id).collect()
	}

	fn signed() -> Signed {
		Signed { account: [2; 32].into(), nonce: 5, signed_at: 9, extrinsic: vec![1, 2, 3] }
	}

	/// A report kept before sending survives a restart with its extrinsic, and its entries go
	/// in no other report until the chain settles it: landed, they are gone; released (lost or
	/// refused), they are queued again, in their place.
	#[test]
	fn entries_of_a_kept_report_are_sent_in_no_other_until_it_is_settled() {
		let dir = tempfile::tempdir().unwrap();
		let store = Store::open(dir.path()).unwrap();
		store.queue_access(&[entry(1), entry(2), entry(3), entry(4)]).unwrap();
		let queued = store.queued_access(4).unwrap();
		let first = store.keep_report(&ids(&queued[..2]), &signed()).unwrap();
		let second = store.keep_report(&ids(&queued[2..3]), &signed()).unwrap();
		drop(store);

		let store = Store::open(dir.path()).unwrap();
		let kept = store.kept_reports().unwrap();
		assert_eq!(kept.iter().map(|(id, _)| *id).collect::<Vec<_>>(), [first, second]);
		assert_eq!(kept[0].1, KeptReport { entries: ids(&queued[..2]), signed: signed() });
		let free = |store: &Store| {
			store.queued_access(10).unwrap().iter().map(|(_, q)| q.record.at).collect::<Vec<_>>()
		};
		assert_eq!(free(&store), [4]);
		assert_eq!(store.counts().unwrap().audit_queued, 4, "kept entries are still queued");
		assert_eq!(store.counts().unwrap().reports_unsettled, 2);

		assert_eq!(store.release_report(second).unwrap(), queued[2..3], "what it held");
		assert_eq!(free(&store), [3, 4]);
		store.land_report(first).unwrap();
		assert_eq!(free(&store), [3, 4]);
		assert_eq!(store.counts().unwrap().audit_queued, 2);
		assert_eq!(store.counts().unwrap().reports_unsettled, 0);
		assert!(store.kept_reports().unwrap().is_empty());
	}

	#[test]
	fn a_buried_entry_is_kept_with_its_reason() {
		let dir = tempfile::tempdir().unwrap();
		let entry = QueuedAccess {
			reader: None,
			signer: "a".into(),
			record: pallet_audit::AccessRecord {
				patient: [1; 32].into(),
				subject: medledger_primitives::audit::Subject::Document(7),
				consent: Some(3),
				purpose: None,
				outcome: medledger_primitives::audit::Outcome::Success,
				at: 1,
			},
		};
		{
			let store = Store::open(dir.path()).unwrap();
			store.queue_access(std::slice::from_ref(&entry)).unwrap();
			let id = store.queued_access(1).unwrap()[0].0;
			store.bury_access(id, "Audit.ReadNotAllowed").unwrap();
			assert!(store.queued_access(10).unwrap().is_empty());
		}
		let reopened = Store::open(dir.path()).unwrap();
		let letters = reopened.dead_letters(None, 10).unwrap();
		assert!(reopened.dead_letters(Some(letters[0].0), 10).unwrap().is_empty());
		let counts = reopened.counts().unwrap();
		assert_eq!((counts.audit_queued, counts.dead_letters), (0, 1));
		assert_eq!(letters.len(), 1);
		assert_eq!(letters[0].1, DeadLetter { entry, reason: "Audit.ReadNotAllowed".into() });
	}
}
