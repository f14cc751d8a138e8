//! Keeping an index up to date with a node's finalised blocks.

use crate::{db::FiledBatch, Index, IndexError, IndexedBlock};
use codec::Decode;
use medledger_chain_client::{Chain, ChainError, AUDIT_IN_BLOCKS};
use medledger_primitives::{merkle, DocId, Hash, OrgId};
use medledger_runtime::{AccountId, Runtime, RuntimeCall, RuntimeEvent, UncheckedExtrinsic};
use pallet_documents::{BatchId, NewDocument};
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
	let mut anchored: Vec<Anchored> = Vec::new();
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
	let batches = if anchored.is_empty() {
		Vec::new()
	} else {
		let body = chain.block(hash).await?.ok_or_else(|| missing(number))?;
		batches_of(number, &anchored, &body.extrinsics)?
	};
	Ok(IndexedBlock { number, hash, entries, documents, batches })
}

/// A `BatchAnchored` event as the index reads it: the extrinsic that emitted it, the batch,
/// its first document, its count, its root and its issuer.
type Anchored = (u32, BatchId, DocId, u32, Hash, OrgId);

/// The rooted batches block `number` anchored, as `anchored` (its events) describes them,
/// with each document's leaf taken from the block's `extrinsics`. A block whose calls do not
/// hold exactly what its events say — another call at the event's place, other documents,
/// more or fewer — is refused whole: the node serving it is not to be believed.
fn batches_of(
	number: u64,
	anchored: &[Anchored],
	extrinsics: &[Vec<u8>],
) -> Result<Vec<FiledBatch>, IndexError> {
	anchored
		.iter()
		.map(|&(index, batch, first, count, root, org)| {
			let broken = || IndexError::BrokenBatch { block: number, batch };
			let extrinsic = extrinsics.get(index as usize).ok_or_else(broken)?;
			let extrinsic =
				UncheckedExtrinsic::decode(&mut &extrinsic[..]).map_err(|_| broken())?;
			let documents = rooted_batch(extrinsic.function).ok_or_else(broken)?;
			let leaves: Vec<Vec<u8>> = (first..)
				.zip(&documents)
				.map(|(id, document)| pallet_documents::leaf(id, org, document))
				.collect();
			let hashes: Vec<_> = leaves.iter().map(|leaf| merkle::leaf_hash(leaf)).collect();
			if leaves.len() != count as usize || merkle::root(&hashes) != root {
				return Err(broken());
			}
			Ok(FiledBatch { batch, first, leaves })
		})
		.collect()
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
	use super::{batches_of, rooted_batch, same_history};
	use crate::IndexError;
	use codec::Encode;
	use medledger_primitives::merkle;
	use medledger_runtime::AccountId as AccountId32;
	use medledger_runtime::{RuntimeCall, UncheckedExtrinsic};
	use pallet_documents::NewDocument;
	use sp_core::H256;

	fn documents(n: u8) -> Vec<NewDocument<AccountId32>> {
		(0..n)
			.map(|i| NewDocument {
				patient: AccountId32::new([1; 32]),
				commitment: [i; 32],
				cid: b"a cid".to_vec(),
				size: 3,
				media_type: b"application/pdf".to_vec(),
				document_type: b"34133-9".to_vec(),
			})
			.collect()
	}

	/// A block's body as a node sends it: `calls`, encoded as extrinsics.
	fn body(calls: &[RuntimeCall]) -> Vec<Vec<u8>> {
		calls.iter().map(|call| UncheckedExtrinsic::new_bare(call.clone()).encode()).collect()
	}

	fn rooted(documents: Vec<NewDocument<AccountId32>>) -> RuntimeCall {
		RuntimeCall::Documents(pallet_documents::Call::anchor_rooted_batch { documents })
	}

	/// The root hospital `org`'s batch of `documents`, numbered from `first`, has on chain.
	fn root_of(first: u64, org: u32, documents: &[NewDocument<AccountId32>]) -> [u8; 32] {
		let leaves: Vec<_> = (first..)
			.zip(documents)
			.map(|(id, d)| merkle::leaf_hash(&pallet_documents::leaf(id, org, d)))
			.collect();
		merkle::root(&leaves)
	}

	/// A lying node: the block's `BatchAnchored` event is the chain's, its body is not — a
	/// document altered, one left out or added, another call at the event's place, no
	/// extrinsic there, bytes that are no extrinsic. Each is refused whole, nothing filed;
	/// the honest body is filed with one leaf per document, in id order.
	#[test]
	fn a_block_whose_batch_call_differs_from_its_event_is_refused() {
		let (first, org, honest) = (40, 2, documents(3));
		let event = [(1, 7, first, 3, root_of(first, org, &honest), org)];
		let remark = RuntimeCall::System(frame_system::Call::remark { remark: vec![] });
		let filed = batches_of(9, &event, &body(&[remark.clone(), rooted(honest.clone())]))
			.expect("the honest body is filed");
		assert_eq!(filed.len(), 1);
		assert_eq!((filed[0].batch, filed[0].first, filed[0].leaves.len()), (7, first, 3));
		assert_eq!(filed[0].leaves[2], pallet_documents::leaf(first + 2, org, &honest[2]));

		let mut altered = honest.clone();
		altered[1].commitment = [9; 32];
		let mut added = honest.clone();
		added.extend(documents(1));
		let lies = [
			body(&[remark.clone(), rooted(altered)]),
			body(&[remark.clone(), rooted(honest[..2].to_vec())]),
			body(&[remark.clone(), rooted(added)]),
			body(&[rooted(honest.clone()), remark.clone()]),
			body(&[rooted(honest)]),
			vec![body(&[remark])[0].clone(), vec![0xff; 8]],
		];
		for (n, lie) in lies.iter().enumerate() {
			assert!(
				matches!(
					batches_of(9, &event, lie),
					Err(IndexError::BrokenBatch { block: 9, batch: 7 })
				),
				"lie {n} was filed"
			);
		}
	}

	/// A batch anchored through sudo (as `sudo_as` a hospital's staff, on a development
	/// chain) is filed like one anchored directly; a call that anchors no rooted batch, at a
	/// `BatchAnchored` event's place, is not taken for one.
	#[test]
	fn a_rooted_batch_is_found_in_its_call_or_under_sudo() {
		let documents = documents(1);
		let direct = rooted(documents.clone());
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
