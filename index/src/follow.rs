//! Keeping an index up to date with a node's finalised blocks.

use crate::{Entry, Index, IndexError, IndexedBlock};
use medledger_chain_client::{Chain, ChainError, AUDIT_IN_BLOCKS};
use medledger_runtime::{Runtime, RuntimeEvent};
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
		Some((number, hash)) => match chain.block_hash(number).await? {
			Some(on_chain) => on_chain == hash,
			// A node still syncing has not reached it (a chain wiped and started again is
			// found once it has): nothing is filed or emptied until it does.
			None => return Err(missing(number).into()),
		},
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
			blocks.push(IndexedBlock { number, hash, entries: records_in(chain, hash).await? });
		}
		index.apply(&blocks)?;
		next = end + 1;
	}
	Ok(())
}

/// The entries block `hash` recorded, in order: its `Audit.Recorded` events — none before
/// the audit pallet kept its history in blocks.
pub async fn records_in(chain: &Chain, hash: H256) -> Result<Vec<Entry>, IndexError> {
	let version = chain.storage_version_at::<pallet_audit::Pallet<Runtime>>(hash).await?;
	if version < AUDIT_IN_BLOCKS {
		return Ok(Vec::new());
	}
	let events = chain.events_at(hash).await?;
	Ok(events
		.into_iter()
		.filter_map(|record| match record.event {
			RuntimeEvent::Audit(pallet_audit::Event::Recorded { seq, record }) => {
				Some((seq, record))
			}
			_ => None,
		})
		.collect())
}

/// A block the node should have (at most the finalised head) and does not.
fn missing(number: u64) -> ChainError {
	ChainError::Unavailable(format!("the node has no block {number}"))
}
