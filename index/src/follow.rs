//! Keeping an index up to date with a node's finalised blocks.

use crate::{db::FiledBatch, Index, IndexError, IndexedBlock};
use codec::Decode;
use medledger_chain_client::{Chain, ChainError, AUDIT_IN_BLOCKS};
use medledger_primitives::merkle;
use medledger_runtime::{AccountId, Runtime, RuntimeCall, RuntimeEvent, UncheckedExtrinsic};
use pallet_documents::NewDocument;
use sp_core::H256;
use std::{sync::Arc, time::Duration};

/// How often the follower asks for the finalised head.
const POLL: Duration = Duration::from_millis(500);

/// Most blocks filed in one commit (each commit is a disk sync) while catching up.
const BATCH: u64 = 256;

/// Keeps `index` up to date with `chain`'s finalised blocks until the gateway stops.
pub async fn follow(index: Arc<Index>, chain: Arc<Chain>) {
	loop {
		let failed = match catch_up(&index, &chain).await {
			Ok(()) => 0,
			Err(error) => {
				tracing::warn!(%error, "audit index not up to date; retrying");
				index.failed_passes() + 1
			}
		};
		index.failed_passes.store(failed, std::sync::atomic::Ordering::Relaxed);
		tokio::time::sleep(POLL).await;
	}
}

/// Files every finalised block of `chain` not yet in `index`.
pub async fn catch_up(index: &Index, chain: &Chain) -> Result<(), IndexError> {
	let genesis = chain.block_hash(0).await?.ok_or_else(|| missing(0))?;
	let last_filed_is_on_chain = match index.last_indexed()? {
		Some((number, hash)) => {
			let on_node = chain.block_hash(number).await?;
			let first = match on_node {
				Some(_) => (None, None),
				None => (index.first_indexed()?, chain.block_hash(1).await?),
			};
			// Nothing is filed or emptied while the node cannot tell.
			same_history((hash, on_node), first).ok_or_else(|| missing(number))?
		}
		None => true,
	};
	if index.bind(genesis, last_filed_is_on_chain)? {
		tracing::warn!("the audit index held another chain's entries: rebuilding it from this one");
	}
	let finalised = chain.block_number(chain.finalised_head().await?).await?;
	let mut next = index.next_block()?;
	while next <= finalised {
		let end = finalised.min(next + BATCH - 1);
		let mut blocks = Vec::new();
		for number in next..=end {
			let hash = chain.block_hash(number).await?.ok_or_else(|| missing(number))?;
			blocks.push(filed_in(chain, number, hash).await?);
		}
		index.apply(&blocks)?;
		next = end + 1;
	}
	Ok(())
}

/// Whether the index's history is the node's, from the hashes of the last block filed and of
/// block 1, each as filed and as the node holds it (`None`: not filed, or not on the node).
/// `None` when the node cannot tell yet: it has not reached the last block filed, and holds
/// no block 1 or the one filed — a node still syncing.
fn same_history(last: (H256, Option<H256>), first: (Option<H256>, Option<H256>)) -> Option<bool> {
	match (last, first) {
		((filed, Some(on_node)), _) => Some(filed == on_node),
		// A chain wiped and started again from the same spec differs from block 1 on (its
		// time): found at once, not only once it has grown past the last block filed.
		(_, (Some(filed), Some(on_node))) => (filed != on_node).then_some(false),
		_ => None,
	}
}

/// What block `number` (`hash`) holds for the index: the entries it recorded, in order —
/// its `Audit.Recorded` events, none before the audit pallet kept its history in blocks —,
/// the documents it anchored (`Documents.Anchored`) and the rooted batches, each document's
/// leaf taken from the call and checked against the root its `BatchAnchored` event gives.
pub async fn filed_in(chain: &Chain, number: u64, hash: H256) -> Result<IndexedBlock, IndexError> {
	let events = chain.events_at(hash).await?;
	let version = chain.storage_version_at::<pallet_audit::Pallet<Runtime>>(hash).await?;
	let mut entries = Vec::new();
	let mut documents = Vec::new();
	let mut anchored = Vec::new();
	for record in events {
		match (record.phase, record.event) {
			(_, RuntimeEvent::Audit(pallet_audit::Event::Recorded { seq, record }))
				if version >= AUDIT_IN_BLOCKS =>
			{
				entries.push((seq, record))
			}
			(
				_,
				RuntimeEvent::Documents(pallet_documents::Event::Anchored {
					id, patient, org, ..
				}),
			) => documents.push((id, patient, org)),
			(
				frame_system::Phase::ApplyExtrinsic(index),
				RuntimeEvent::Documents(pallet_documents::Event::BatchAnchored {
					batch,
					first,
					count,
					root,
					org,
				}),
			) => anchored.push((index, batch, first, count, root, org)),
			_ => {}
		}
	}
	let mut block = IndexedBlock { number, hash, entries, documents, batches: Vec::new() };
	if anchored.is_empty() {
		return Ok(block);
	}
	let body = chain.block(hash).await?.ok_or_else(|| missing(number))?;
	for (index, batch, first, count, root, org) in anchored {
		let broken = || IndexError::BrokenBatch { block: number, batch };
		let extrinsic = body.extrinsics.get(index as usize).ok_or_else(broken)?;
		let extrinsic = UncheckedExtrinsic::decode(&mut &extrinsic[..]).map_err(|_| broken())?;
		let documents = rooted_batch(extrinsic.function).ok_or_else(broken)?;
		let leaves: Vec<Vec<u8>> = (first..)
			.zip(&documents)
			.map(|(id, document)| pallet_documents::leaf(id, org, document))
			.collect();
		let hashes: Vec<_> = leaves.iter().map(|leaf| merkle::leaf_hash(leaf)).collect();
		if leaves.len() != count as usize || merkle::root(&hashes) != root {
			return Err(broken());
		}
		block.batches.push(FiledBatch { batch, first, leaves });
	}
	Ok(block)
}

/// The documents of the `anchor_rooted_batch` that `call` is or dispatches (through sudo, on
/// a development chain: the only call that dispatches another).
fn rooted_batch(call: RuntimeCall) -> Option<Vec<NewDocument<AccountId>>> {
	match call {
		RuntimeCall::Documents(pallet_documents::Call::anchor_rooted_batch { documents }) => {
			Some(documents)
		}
		RuntimeCall::Sudo(
			pallet_sudo::Call::sudo { call }
			| pallet_sudo::Call::sudo_as { call, .. }
			| pallet_sudo::Call::sudo_unchecked_weight { call, .. },
		) => rooted_batch(*call),
		_ => None,
	}
}

/// A block the node should have (at most the finalised head) and does not.
fn missing(number: u64) -> ChainError {
	ChainError::Unavailable(format!("the node has no block {number}"))
}

#[cfg(test)]
mod tests {
	use super::{rooted_batch, same_history};
	use medledger_runtime::AccountId as AccountId32;
	use medledger_runtime::RuntimeCall;
	use pallet_documents::NewDocument;
	use sp_core::H256;

	/// A batch anchored through sudo (as `sudo_as` a hospital's staff, on a development
	/// chain) is filed like one anchored directly; a call that anchors no rooted batch, at a
	/// `BatchAnchored` event's place, is not taken for one.
	#[test]
	fn a_rooted_batch_is_found_in_its_call_or_under_sudo() {
		let documents = vec![NewDocument {
			patient: AccountId32::new([1; 32]),
			commitment: [2; 32],
			cid: b"a cid".to_vec(),
			size: 3,
			media_type: b"application/pdf".to_vec(),
			document_type: b"34133-9".to_vec(),
		}];
		let direct = RuntimeCall::Documents(pallet_documents::Call::anchor_rooted_batch {
			documents: documents.clone(),
		});
		let under_sudo = RuntimeCall::Sudo(pallet_sudo::Call::sudo_as {
			who: AccountId32::new([5; 32]).into(),
			call: Box::new(direct.clone()),
		});
		assert_eq!(rooted_batch(direct), Some(documents.clone()));
		assert_eq!(rooted_batch(under_sudo), Some(documents));
		let remark = RuntimeCall::System(frame_system::Call::remark { remark: vec![] });
		assert_eq!(rooted_batch(remark), None);
	}

	const A: H256 = H256::repeat_byte(0xa);
	const B: H256 = H256::repeat_byte(0xb);

	#[test]
	fn the_last_block_filed_decides_when_the_node_holds_it() {
		assert_eq!(same_history((A, Some(A)), (None, None)), Some(true));
		assert_eq!(same_history((A, Some(B)), (None, None)), Some(false));
	}

	/// A node behind the index: still syncing the same chain (waited for), or a chain started
	/// again from the same spec, shorter than the one indexed (rebuilt from at once).
	#[test]
	fn a_node_behind_the_index_is_waited_for_unless_its_first_block_differs() {
		assert_eq!(same_history((A, None), (Some(B), Some(A))), Some(false));
		assert_eq!(same_history((A, None), (Some(B), Some(B))), None);
		assert_eq!(same_history((A, None), (Some(B), None)), None);
		// An index filed before block 1's hash was kept can only wait.
		assert_eq!(same_history((A, None), (None, Some(B))), None);
	}
}
