//! The workers that carry accepted work to the chain, across node and IPFS outages and
//! gateway restarts.
//!
//! **Uploads** move `Accepted → Stored → Anchored → Finalised` (see
//! [`UploadState`]); every step is saved before the next starts, so a restart resumes
//! where it stopped. Anchoring is exactly-once because the worker asks the chain for this
//! hospital's document of the commitment (`DocumentsApi_document_id`) before every
//! submission — an anchor
//! that landed while the gateway was down is found, not repeated — and the chain refuses this
//! hospital's second anchor of a commitment anyway. What it looks for is this upload: this
//! hospital's anchor for this patient with this CID (`Upload::is_anchored_as`), never another
//! hospital's anchor of the same commitment. Stored uploads of one signer go in one
//! `anchor_rooted_batch` (one record for the batch, its Merkle root over the documents'
//! leaves; each document's proof carries its path, from the index); if the chain refuses the
//! batch, each is tried alone so only the faulty one is marked rejected. An amendment (an upload that `supersedes` a document) goes alone in
//! an `amend`. An upload is final when the anchor is in the state of the finalised
//! head; if it vanished from the best chain (a reorganisation), it is anchored again.
//!
//! **Reads' audit entries** are sent in reports of at most `MaxAccessBatch` per reporting
//! account, several in flight at once (as many as a hospital's share of a block holds, and
//! one more waiting for the next block). Each report is signed and kept in the store before
//! it is sent, and its entries leave the queue only when the chain settles it — found in the
//! finalised block that used its nonce, or sent again as the same bytes — never signed a
//! second time: whatever the gateway missed (the wait for its block ended, the node
//! connection dropped, the gateway stopped) and whatever a reorganisation did to its block,
//! no read is recorded twice or lost. Reports are `record_access` for a reader's own reads,
//! `record_refusals` for refused attempts the hospital's administrator reports for a member
//! who no longer stands.
//! If the chain refuses a batch (its pool, or its final block), each half is sent alone, down
//! to single entries, so one bad entry holds back no other for long. A read reported as granted that the
//! chain says was not allowed when it happened (`ReadNotAllowed`: say the grant ended
//! between the gateway's check and the read) is reported again as a refused read, with the
//! reason the chain gives now — the patient's trail shows the attempt either way. Any other
//! entry the chain refuses alone (it cannot become valid by waiting) moves to the store's
//! dead letters with the chain's reason — kept on disk, listed, counted and logged, never
//! dropped.

use crate::{
	store::{QueuedAccess, Upload, UploadState},
	Gateway,
};
use medledger_chain_client::{ChainError, Settled};
use medledger_gateway_api::GatewayError;
use medledger_primitives::{
	audit::{Outcome, Refusal, Subject},
	Action,
};
use medledger_runtime::{RuntimeCall, RuntimeEvent};
use pallet_documents::NewDocument;
use sp_core::Pair;
use sp_runtime::AccountId32;
use std::{collections::BTreeMap, sync::Arc, time::Duration};

/// Longest pause between passes when nothing is pending.
const IDLE: Duration = Duration::from_secs(30);
/// Pause while something waits for finality.
const FINALITY_POLL: Duration = Duration::from_secs(2);

/// Runs the upload worker until the gateway stops.
pub async fn run_uploads(gw: Arc<Gateway>) {
	loop {
		let wait = uploads_pass(&gw).await;
		tokio::select! {
			_ = gw.outbox.notified() => {}
			_ = tokio::time::sleep(wait) => {}
		}
	}
}

/// Runs the audit worker until the gateway stops.
pub async fn run_audit(gw: Arc<Gateway>) {
	loop {
		let wait = match audit_pass(&gw).await {
			Ok(wait) => wait,
			Err(error) => {
				tracing::warn!(%error, "audit entries not recorded yet; retrying");
				Duration::from_secs(3)
			}
		};
		tokio::select! {
			_ = gw.audit.queued() => {}
			_ = tokio::time::sleep(wait) => {}
		}
	}
}

fn backoff(attempts: u32) -> Duration {
	Duration::from_secs(1u64 << attempts.min(5))
}

/// One pass over the outbox; returns how long to wait before the next.
pub async fn uploads_pass(gw: &Gateway) -> Duration {
	let uploads = match gw.store.outbox() {
		Ok(uploads) => uploads,
		Err(error) => {
			tracing::error!(%error, "cannot read the outbox");
			return IDLE;
		}
	};
	let mut wait = IDLE;
	let mut to_anchor: BTreeMap<String, Vec<Upload>> = BTreeMap::new();
	for mut upload in uploads {
		let result = match upload.state {
			UploadState::Accepted => store(gw, &mut upload).await,
			UploadState::Stored => match gw.anchored_id(&upload, false).await {
				Ok(Some(document)) => {
					upload.state = UploadState::Anchored { document, block: None };
					Ok(())
				}
				// An amendment is its own extrinsic (`amend`), so it is not batched.
				Ok(None) if upload.supersedes.is_some() => {
					let signer = upload.signer.clone();
					wait = wait.min(anchor(gw, &signer, vec![upload]).await);
					continue;
				}
				Ok(None) => {
					to_anchor.entry(upload.signer.clone()).or_default().push(upload.clone());
					continue;
				}
				Err(e) => Err(e),
			},
			UploadState::Anchored { .. } => finalise(gw, &mut upload).await,
			UploadState::Finalised { .. } | UploadState::Rejected { .. } => continue,
		};
		wait = wait.min(settle(gw, &mut upload, result));
	}
	for (signer, batch) in to_anchor {
		for chunk in batch.chunks(max_rooted_batch()) {
			wait = wait.min(anchor(gw, &signer, chunk.to_vec()).await);
		}
	}
	wait
}

/// Saves an upload after a step and says how soon to look again.
fn settle(gw: &Gateway, upload: &mut Upload, result: Result<(), GatewayError>) -> Duration {
	let wait = match result {
		Ok(()) => {
			upload.last_error = None;
			match upload.state {
				UploadState::Finalised { .. } | UploadState::Rejected { .. } => IDLE,
				UploadState::Anchored { .. } => FINALITY_POLL,
				_ => Duration::ZERO,
			}
		}
		Err(GatewayError::ChainRejected(error)) => {
			tracing::error!(upload = upload.id, %error, "the chain refused an anchor");
			upload.state = UploadState::Rejected { error };
			IDLE
		}
		Err(error) => {
			upload.attempts += 1;
			upload.last_error = Some(error.to_string());
			tracing::warn!(upload = upload.id, %error, attempts = upload.attempts, "will retry");
			backoff(upload.attempts)
		}
	};
	if let Err(error) = gw.store.update(upload) {
		tracing::error!(%error, "cannot save an upload's progress");
	}
	wait
}

async fn store(gw: &Gateway, upload: &mut Upload) -> Result<(), GatewayError> {
	let dag = gw.store.spooled(upload).await?;
	gw.storage.put(&dag).await?;
	upload.state = UploadState::Stored;
	gw.store.update(upload)?;
	// Only now is the spooled copy redundant.
	gw.store.unspool(upload.id).await;
	Ok(())
}

fn new_document(upload: &Upload) -> Result<NewDocument<AccountId32>, GatewayError> {
	Ok(NewDocument {
		patient: upload.patient.clone(),
		commitment: upload.commitment.0,
		cid: upload.cid.to_bytes(),
		size: upload.size,
		media_type: upload.media_type.clone().into_bytes(),
		document_type: upload.document_type.clone().into_bytes(),
	})
}

/// Anchors uploads of one signer: one batch, or one by one if the batch is refused.
async fn anchor(gw: &Gateway, signer: &str, mut batch: Vec<Upload>) -> Duration {
	let result = anchor_together(gw, signer, &mut batch).await;
	match result {
		Err(GatewayError::ChainRejected(_)) if batch.len() > 1 => {
			let mut wait = IDLE;
			for upload in batch {
				let mut single = vec![upload];
				let result = anchor_together(gw, signer, &mut single).await;
				let result = landed_already(gw, &mut single[0], result).await;
				wait = wait.min(settle(gw, &mut single[0], result));
			}
			wait
		}
		result => {
			let mut wait = IDLE;
			for upload in &mut batch {
				let result = landed_already(gw, upload, result.clone()).await;
				wait = wait.min(settle(gw, upload, result));
			}
			wait
		}
	}
}

/// `result` of anchoring `upload`, unless the chain refused it because it is anchored
/// already — by an earlier submission of this gateway still in the pool when it asked (after
/// a restart, or a submission that timed out): found, it is anchored, not rejected.
async fn landed_already(
	gw: &Gateway,
	upload: &mut Upload,
	result: Result<(), GatewayError>,
) -> Result<(), GatewayError> {
	if let Err(GatewayError::ChainRejected(_)) = &result {
		if let Ok(Some(document)) = gw.anchored_id(upload, false).await {
			upload.state = UploadState::Anchored { document, block: None };
			return Ok(());
		}
	}
	result
}

async fn anchor_together(
	gw: &Gateway,
	signer: &str,
	batch: &mut [Upload],
) -> Result<(), GatewayError> {
	let pair = gw.signing_pair(signer).await?;
	let documents = batch.iter().map(new_document).collect::<Result<Vec<_>, _>>()?;
	let call = match (documents.len(), batch[0].supersedes) {
		(1, Some(previous)) => RuntimeCall::Documents(pallet_documents::Call::amend {
			previous,
			document: documents.into_iter().next().expect("one"),
		}),
		(1, None) => RuntimeCall::Documents(pallet_documents::Call::anchor {
			document: documents.into_iter().next().expect("one"),
		}),
		_ => RuntimeCall::Documents(pallet_documents::Call::anchor_rooted_batch { documents }),
	};
	let (included, watch) = gw.chain.submit(&pair, call).await?;
	gw.watch_finality(watch, None);
	// The pallet emits one `Anchored` per document, in the batch's order.
	let ids = included.events.iter().filter_map(|event| match event {
		RuntimeEvent::Documents(pallet_documents::Event::Anchored { id, .. }) => Some(*id),
		_ => None,
	});
	for (upload, id) in batch.iter_mut().zip(ids) {
		upload.state = UploadState::Anchored { document: id, block: Some(included.block) };
	}
	Ok(())
}

async fn finalise(gw: &Gateway, upload: &mut Upload) -> Result<(), GatewayError> {
	let UploadState::Anchored { block, .. } = upload.state.clone() else { return Ok(()) };
	if let Some(document) = gw.anchored_id(upload, true).await? {
		upload.state = UploadState::Finalised { document, block };
	} else if gw.anchored_id(upload, false).await?.is_none() {
		// Gone from the best chain too: its block was abandoned. Anchor it again.
		upload.state = UploadState::Stored;
	}
	Ok(())
}

/// One pass of the audit worker; returns how long to wait before the next (none if it
/// recorded something).
async fn audit_pass(gw: &Gateway) -> Result<Duration, GatewayError> {
	settle_kept_reports(gw).await?;
	let per_report = max_access_batch();
	let queued = gw.store.queued_access(per_report * reports_in_flight())?;
	if queued.is_empty() {
		// Reports in blocks not final yet (or sent again just now) are looked at again soon.
		let unsettled = gw.store.counts()?.reports_unsettled > 0;
		return Ok(if unsettled { FINALITY_POLL } else { IDLE });
	}
	// Reports per signer and kind (own reads, or refusals reported for others).
	let mut by_signer: BTreeMap<(String, bool), Vec<(u64, QueuedAccess)>> = BTreeMap::new();
	for (id, entry) in queued {
		let key = (entry.signer.clone(), entry.reader.is_some());
		by_signer.entry(key).or_default().push((id, entry));
	}
	let mut pairs = BTreeMap::new();
	for (signer, _) in by_signer.keys() {
		if !pairs.contains_key(signer) {
			pairs.insert(signer.clone(), gw.signing_pair(signer).await?);
		}
	}
	// All reports at once: `Chain::sign` gives one signer's reports their nonces in turn.
	// Each is awaited until it is in a block (or refused); the passes after settle it once
	// that block is final, or find what the chain did instead.
	let reports = by_signer.iter().flat_map(|((signer, _), entries)| {
		let pair = &pairs[signer];
		entries.chunks(per_report).map(move |report| record(gw, pair, report.to_vec()))
	});
	let results = futures::future::join_all(reports).await;
	results.into_iter().collect::<Result<(), _>>()?;
	Ok(Duration::ZERO)
}

/// Settles the reports sent before whose block is not known to be final — every report
/// once its pool took it, and any whose fate the gateway missed (the wait for its block
/// ended, the connection dropped, the gateway stopped) — by asking the chain: landed in a
/// final block, their entries leave the queue; failed in a final block, they are halved as
/// [`refused`] says; lost, they are free for another report; pending, or not answered, they
/// wait. Signing their entries again instead could record each read twice.
async fn settle_kept_reports(gw: &Gateway) -> Result<(), GatewayError> {
	let kept = gw.store.kept_reports()?;
	let fates = futures::future::join_all(kept.iter().map(|(_, r)| gw.chain.settle(&r.signed)));
	for ((id, report), fate) in kept.iter().zip(fates.await) {
		match fate {
			Ok(Settled::Included(_)) => gw.store.land_report(*id)?,
			Ok(Settled::Lost) => {
				tracing::warn!(
					report = id,
					count = report.entries.len(),
					"a report sent before will never be on chain; its entries are sent again"
				);
				gw.store.release_report(*id)?;
			}
			Err(ChainError::Failed { error, block }) => {
				let entries = gw.store.release_report(*id)?;
				tracing::warn!(report = id, ?block, count = entries.len(), %error, "a report failed in a final block");
				refused(gw, entries, error).await?;
			}
			Ok(Settled::Pending) => {}
			// Asked again next pass; the other entries need not wait for this answer.
			Err(error) => {
				tracing::warn!(report = id, %error, "cannot settle a report sent before yet")
			}
		}
	}
	Ok(())
}

/// Records `entries` in one report, signed and kept before it is sent. Its entries leave the
/// queue only once its block is final ([`settle_kept_reports`]): a report in a block that a
/// reorganisation abandons is carried into another, perhaps with another outcome, and what it
/// records is decided by the final one. Refused by the pool (in no block), it is released and
/// halved at once ([`refused`]).
fn record<'a>(
	gw: &'a Gateway,
	pair: &'a sp_core::sr25519::Pair,
	entries: Vec<(u64, QueuedAccess)>,
) -> futures::future::BoxFuture<'a, Result<(), GatewayError>> {
	Box::pin(async move {
		let signing = gw.chain.sign(pair, report_call(&entries)).await?;
		let ids: Vec<u64> = entries.iter().map(|(id, _)| *id).collect();
		// Kept before it is sent: whatever happens next, it is settled, not signed again.
		let report = gw.store.keep_report(&ids, signing.signed())?;
		match gw.chain.send(signing).await {
			Ok((_, watch)) => {
				gw.watch_finality(watch, None);
				Ok(())
			}
			// In a block: settled once a final block holds it (or its nonce).
			Err(ChainError::Failed { .. }) => Ok(()),
			Err(ChainError::Rejected(error)) => {
				let entries = gw.store.release_report(report)?;
				refused(gw, entries, error).await
			}
			// Perhaps in the pool all the same: the next pass settles it.
			Err(unavailable) => Err(unavailable.into()),
		}
	})
}

/// `entries`, released from a report the chain refused (or that failed in a final block),
/// each half sent on its own, down to single entries: one bad entry among a thousand costs
/// some twenty reports, not a thousand. A single entry refused is reported again as a
/// refused read if it was a granted read not allowed, else kept as a dead letter.
async fn refused(
	gw: &Gateway,
	mut entries: Vec<(u64, QueuedAccess)>,
	error: String,
) -> Result<(), GatewayError> {
	if entries.len() > 1 {
		tracing::warn!(%error, count = entries.len(), "the chain refused a batch of audit entries; sending each half alone");
		// All of one report share its signer.
		let pair = gw.signing_pair(&entries[0].1.signer).await?;
		let second = entries.split_off(entries.len() / 2);
		// Both sent, whatever befalls the first: else the second half, free again, would go
		// out whole with others and the halving start over.
		let first = record(gw, &pair, entries).await;
		first.and(record(gw, &pair, second).await)?;
	} else if let Some((id, entry)) = entries.pop() {
		if is_read_not_allowed(&error, &entry) {
			let refused = as_refused(gw, entry).await?;
			tracing::warn!(%error, ?refused, "a read reported as granted was not allowed; reporting it as refused");
			gw.store.replace_access(id, &refused)?;
		} else {
			tracing::error!(%error, ?entry, "the chain refused an audit entry; kept as a dead letter");
			gw.store.bury_access(id, &error)?;
		}
	}
	Ok(())
}

/// Whether the chain refused `entry` as a granted read that was not allowed.
fn is_read_not_allowed(error: &str, entry: &QueuedAccess) -> bool {
	let name = medledger_chain_client::dispatch_error_name(
		pallet_audit::Error::<medledger_runtime::Runtime>::ReadNotAllowed.into(),
	);
	error == name && entry.record.outcome == Outcome::Success
}

/// `entry` as a refused read, with the reason the chain gives now for the reader and the
/// document (the consent it named no longer counts, whatever else might allow it now).
async fn as_refused(gw: &Gateway, mut entry: QueuedAccess) -> Result<QueuedAccess, GatewayError> {
	let reader = match &entry.reader {
		Some(reader) => reader.clone(),
		None => gw.signing_pair(&entry.signer).await.map(|pair| pair.public().into())?,
	};
	let refusal = match entry.record.subject {
		Subject::Document(document) => {
			let purpose = entry.record.purpose;
			match gw.chain.api().can_access(&reader, document, Action::Read, purpose).await? {
				Err(refusal) => refusal,
				Ok(_) => Refusal::NoConsent,
			}
		}
		_ => Refusal::NoConsent,
	};
	entry.record.outcome = Outcome::Refused(refusal);
	Ok(entry)
}

/// The call recording `entries`, all of one kind: refusals reported for their readers if
/// every entry names a reader, else the signer's own reads.
fn report_call(entries: &[(u64, QueuedAccess)]) -> RuntimeCall {
	let for_readers: Option<Vec<_>> = entries
		.iter()
		.map(|(_, e)| e.reader.clone().map(|reader| (reader, e.record.clone())))
		.collect();
	RuntimeCall::Audit(match for_readers {
		Some(refusals) => pallet_audit::Call::record_refusals { refusals },
		None => pallet_audit::Call::record_access {
			reads: entries.iter().map(|(_, e)| e.record.clone()).collect(),
		},
	})
}

/// As many documents as the chain takes in one rooted batch (sized to fit a hospital's share
/// of a block).
fn max_rooted_batch() -> usize {
	use frame_support::traits::Get;
	<<medledger_runtime::Runtime as pallet_documents::Config>::MaxRootedBatchSize as Get<u32>>::get(
	) as usize
}

/// As many reads as the chain takes in one report (`record_access`, `record_refusals`).
fn max_access_batch() -> usize {
	use frame_support::traits::Get;
	<<medledger_runtime::Runtime as pallet_audit::Config>::MaxAccessBatch as Get<u32>>::get()
		as usize
}

/// How many reports of one signer are in flight at once: as many full reports as a
/// hospital's share of a block admits, and one more waiting in the pool for the next block,
/// so that the share is used in every block rather than one report per round trip.
fn reports_in_flight() -> usize {
	use medledger_runtime::Runtime;
	let (share, _) = pallet_consortium::Pallet::<Runtime>::share_limit(
		pallet_consortium::Share::Hospital(Default::default()),
	);
	let full = max_access_batch() as u32;
	let report = pallet_audit::Pallet::<Runtime>::report_weight(full, full);
	let fit = share.ref_time() / report.ref_time().max(1);
	fit.min(share.proof_size() / report.proof_size().max(1)) as usize + 1
}
