//! The chain facts a read needs, asked of the node once per best block.
//!
//! A read checks the caller's standing, the document's record, whether the caller may read it
//! (`can_access`), the block's time (the audit entry's) and, under a consent, the key wrap —
//! all in the state of the best block, as the chain's own checks are. Each answer is a
//! function of that block's state, so answers kept per block hash are exact, not stale: a
//! new best block (a revocation, a new document) starts an empty set. The best block itself
//! is asked at most every [`BEST_MAX_AGE`]. Each answer is asked once: callers that need it
//! while it is being asked wait for it rather than asking again (a new block would otherwise
//! send every reader's questions to the node at once). A read asks its facts concurrently
//! over the one connection to the node.

use codec::Encode;
use medledger_chain_client::{Chain, ChainError, H256};
use medledger_primitives::{audit::Refusal, Action, DocId, OrgId, Purpose};
use medledger_runtime::Runtime;
use pallet_consent::{Access, KeyWrap};
use pallet_documents::Document;
use sp_runtime::AccountId32;
use std::{
	collections::HashMap,
	future::Future,
	hash::Hash,
	sync::{Arc, Mutex},
	time::{Duration, Instant},
};
use tokio::sync::OnceCell;

/// How old a best block answered from memory may be: well under a block time (2 s), about a
/// round trip to the node — a read answered in that state is one that arrived that much
/// earlier.
const BEST_MAX_AGE: Duration = Duration::from_millis(50);

/// Most answers of each kind kept for one block: a flood of distinct reads within a block
/// is answered by the node without filling memory.
const MAX_PER_BLOCK: usize = 10_000;

/// The facts of the current best block, as asked so far.
#[derive(Default)]
pub struct ReadCache {
	best: tokio::sync::Mutex<Option<(Instant, Block)>>,
	facts: Mutex<Option<BlockFacts>>,
}

/// Whether `reader` may read a document for a purpose, and under what.
type Decision = Result<Access, Refusal>;

/// A block: its hash and number.
pub type Block = (H256, u64);

/// An answer asked once: whoever needs it while it is being asked waits for that answer.
type Asked<V> = Arc<OnceCell<V>>;

/// The answers asked of one block.
#[derive(Default)]
struct BlockFacts {
	block: Block,
	time: Asked<u64>,
	documents: HashMap<DocId, Asked<Option<Document<Runtime>>>>,
	/// By reader, document and purpose (SCALE-encoded: `Purpose` has no `Hash`).
	access: HashMap<(AccountId32, DocId, Vec<u8>), Asked<Decision>>,
	wraps: HashMap<(DocId, OrgId), Asked<Option<KeyWrap<Runtime>>>>,
}

impl ReadCache {
	/// The best block's hash and number, asked of the node at most every [`BEST_MAX_AGE`].
	pub async fn best(&self, chain: &Chain) -> Result<Block, ChainError> {
		// Held while asking: concurrent callers take the answer instead of asking again.
		let mut best = self.best.lock().await;
		if let Some((asked, block)) = *best {
			if asked.elapsed() < BEST_MAX_AGE {
				return Ok(block);
			}
		}
		let block = chain.best_head().await?;
		*best = Some((Instant::now(), block));
		Ok(block)
	}

	/// Block `at`'s timestamp.
	pub async fn time(&self, chain: &Chain, at: Block) -> Result<u64, ChainError> {
		let cell = self.with(at, |facts| Some(facts.time.clone())).unwrap_or_default();
		cell.get_or_try_init(|| chain.time_at(Some(at.0))).await.copied()
	}

	/// Document `id`'s record at `at`.
	pub async fn document(
		&self,
		chain: &Chain,
		at: Block,
		id: DocId,
	) -> Result<Option<Document<Runtime>>, ChainError> {
		let api = chain.api_at(at.0);
		self.memo(at, |f| &mut f.documents, id, || api.document(id)).await
	}

	/// Whether `reader` may read document `id` for `purpose` at `at`.
	pub async fn can_read(
		&self,
		chain: &Chain,
		at: Block,
		reader: &AccountId32,
		id: DocId,
		purpose: Purpose,
	) -> Result<Decision, ChainError> {
		let api = chain.api_at(at.0);
		let ask = || api.can_access(reader, id, Action::Read, Some(purpose));
		self.memo(at, |f| &mut f.access, (reader.clone(), id, purpose.encode()), ask).await
	}

	/// Document `id`'s data key wrapped for hospital `org`, at `at`.
	pub async fn key_wrap(
		&self,
		chain: &Chain,
		at: Block,
		id: DocId,
		org: OrgId,
	) -> Result<Option<KeyWrap<Runtime>>, ChainError> {
		let api = chain.api_at(at.0);
		self.memo(at, |f| &mut f.wraps, (id, org), || api.key_wrap(id, org)).await
	}

	/// The answer asked for `key` at `at`: asked by `ask` if no one has, or waited for if
	/// someone is asking. A failed ask keeps nothing: the next caller asks again.
	async fn memo<K: Hash + Eq, V: Clone, F: Future<Output = Result<V, ChainError>>>(
		&self,
		at: Block,
		answers: fn(&mut BlockFacts) -> &mut HashMap<K, Asked<V>>,
		key: K,
		ask: impl FnOnce() -> F,
	) -> Result<V, ChainError> {
		let cell = self
			.with(at, |facts| {
				let kept = answers(facts);
				if kept.len() >= MAX_PER_BLOCK && !kept.contains_key(&key) {
					return None;
				}
				Some(kept.entry(key).or_default().clone())
			})
			.unwrap_or_default();
		cell.get_or_try_init(ask).await.cloned()
	}

	/// `f` over block `at`'s facts: those kept if they are its, new ones (replacing those of
	/// an older block) if not. `None` for a block older than the one kept (a read that began
	/// before the last new block): its answers are asked and not kept.
	fn with<R>(&self, at: Block, f: impl FnOnce(&mut BlockFacts) -> Option<R>) -> Option<R> {
		// Nothing panics while holding it; a poisoned lock still holds whole answers.
		let mut facts = self.facts.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
		match facts.as_mut() {
			Some(kept) if kept.block == at => f(kept),
			Some(kept) if kept.block.1 > at.1 => None,
			_ => f(facts.insert(BlockFacts { block: at, ..BlockFacts::default() })),
		}
	}
}
