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
//! over the one connection to the node. Each question runs in a task of its own, within
//! [`ASK_TIMEOUT`]: everyone waiting for it gets its answer or its failure, whichever of them
//! goes away — readers of a hung node are refused within one timeout, not one after another,
//! and a client that hangs up cannot make the others ask again. A failure is kept only for
//! those already waiting: the next caller asks again.

use codec::Encode;
use futures::{
	future::{BoxFuture, Shared},
	FutureExt,
};
use medledger_chain_client::{Chain, ChainError, H256};
use medledger_index::Index;
use medledger_primitives::{audit::Refusal, Action, DocId, OrgId, Purpose};
use medledger_runtime::Runtime;
use pallet_consent::{Access, KeyWrap};
use pallet_documents::Document;
use parking_lot::Mutex;
use sp_runtime::AccountId32;
use std::{
	collections::HashMap,
	future::Future,
	hash::Hash,
	sync::Arc,
	time::{Duration, Instant},
};

/// How old a best block answered from memory may be: well under a block time (2 s), about a
/// round trip to the node — a read answered in that state is one that arrived that much
/// earlier.
const BEST_MAX_AGE: Duration = Duration::from_millis(50);

/// How long one question may wait for the node: far above its answers under load (a few
/// milliseconds), far below a client's patience.
const ASK_TIMEOUT: Duration = Duration::from_secs(5);

/// Most answers of each kind kept for one block: a flood of distinct reads within a block
/// is answered by the node without filling memory.
const MAX_PER_BLOCK: usize = 10_000;

/// The facts of the current best block, as asked so far.
pub struct ReadCache {
	best: Arc<Mutex<Best>>,
	facts: Arc<Mutex<Option<BlockFacts>>>,
	ask_timeout: Duration,
}

impl Default for ReadCache {
	fn default() -> Self {
		ReadCache::with_timeout(ASK_TIMEOUT)
	}
}

/// Whether `reader` may read a document for a purpose, and under what.
type Decision = Result<Access, Refusal>;

/// A block: its hash and number.
pub type Block = (H256, u64);

/// A question to the node being asked, or asked: whoever needs it awaits the same answer.
type Asked<V> = Shared<BoxFuture<'static, Result<V, ChainError>>>;

/// Where a block's answers of one kind are kept.
type Answers<K, V> = fn(&mut BlockFacts) -> &mut HashMap<K, Asked<V>>;

/// The best block as last asked, and the question being asked.
#[derive(Default)]
struct Best {
	/// The last answer (or failure) and when it was asked (a failure: when it came).
	last: Option<(Instant, Result<Block, ChainError>)>,
	asking: Option<Asked<Block>>,
}

/// The answers asked of one block.
#[derive(Default)]
struct BlockFacts {
	block: Block,
	/// The block's time: one answer, keyed by nothing.
	time: HashMap<(), Asked<u64>>,
	documents: HashMap<DocId, Asked<Option<Document<Runtime>>>>,
	/// By reader, document and purpose (SCALE-encoded: `Purpose` has no `Hash`).
	access: HashMap<(AccountId32, DocId, Vec<u8>), Asked<Decision>>,
	wraps: HashMap<(DocId, OrgId), Asked<Option<KeyWrap<Runtime>>>>,
}

impl ReadCache {
	/// A cache whose questions to the node fail after `ask_timeout`.
	pub fn with_timeout(ask_timeout: Duration) -> Self {
		ReadCache { best: Default::default(), facts: Default::default(), ask_timeout }
	}

	/// The best block's hash and number, asked of the node at most every [`BEST_MAX_AGE`].
	pub async fn best(&self, chain: &Arc<Chain>) -> Result<Block, ChainError> {
		let asking = {
			let mut best = self.best.lock();
			if let Some((asked, answer)) = &best.last {
				if asked.elapsed() < BEST_MAX_AGE {
					return answer.clone();
				}
			}
			match &best.asking {
				// A question already answered (its task gone without storing the answer, as
				// when it panicked) is asked again rather than told forever.
				Some(asking) if asking.peek().is_none() => asking.clone(),
				_ => {
					let (state, chain, timeout) =
						(self.best.clone(), chain.clone(), self.ask_timeout);
					let started = Instant::now();
					// The task stores its answer under this lock, so only after this holder
					// has set `asking`, which the answer then clears.
					let asking = joined(tokio::spawn(async move {
						let answer = within(timeout, chain.best_head()).await;
						let asked = if answer.is_ok() { started } else { Instant::now() };
						*state.lock() = Best { last: Some((asked, answer.clone())), asking: None };
						answer
					}));
					best.asking = Some(asking.clone());
					asking
				}
			}
		};
		asking.await
	}

	/// The node's finalised block's number: not kept, asked each time within the timeout.
	pub async fn finalised(&self, chain: &Chain) -> Result<u64, ChainError> {
		self.bounded(async { chain.block_number(chain.finalised_head().await?).await }).await
	}

	/// `asking` (a question this cache does not keep), within its timeout.
	pub async fn bounded<V>(
		&self,
		asking: impl Future<Output = Result<V, ChainError>>,
	) -> Result<V, ChainError> {
		within(self.ask_timeout, asking).await
	}

	/// Block `at`'s timestamp.
	pub async fn time(&self, chain: &Arc<Chain>, at: Block) -> Result<u64, ChainError> {
		let chain = chain.clone();
		self.memo(at, |f| &mut f.time, (), async move { chain.time_at(Some(at.0)).await }).await
	}

	/// Document `id`'s record at `at` (of a rooted batch: with its leaf from `index`).
	pub async fn document(
		&self,
		chain: &Arc<Chain>,
		index: &Arc<Index>,
		at: Block,
		id: DocId,
	) -> Result<Option<Document<Runtime>>, ChainError> {
		let (chain, index) = (chain.clone(), index.clone());
		let ask = async move {
			medledger_index::record_at(&chain, &index, Some(at.0), id).await.map_err(Into::into)
		};
		self.memo(at, |f| &mut f.documents, id, ask).await
	}

	/// Whether `reader` may read document `id` for `purpose` at `at`.
	pub async fn can_read(
		&self,
		chain: &Arc<Chain>,
		at: Block,
		reader: &AccountId32,
		id: DocId,
		purpose: Purpose,
	) -> Result<Decision, ChainError> {
		let (chain, who) = (chain.clone(), reader.clone());
		let ask = async move {
			chain.api_at(at.0).can_access(&who, id, Action::Read, Some(purpose)).await
		};
		self.memo(at, |f| &mut f.access, (reader.clone(), id, purpose.encode()), ask).await
	}

	/// Document `id`'s data key wrapped for hospital `org`, at `at`.
	pub async fn key_wrap(
		&self,
		chain: &Arc<Chain>,
		at: Block,
		id: DocId,
		org: OrgId,
	) -> Result<Option<KeyWrap<Runtime>>, ChainError> {
		let chain = chain.clone();
		let ask = async move { chain.api_at(at.0).key_wrap(id, org).await };
		self.memo(at, |f| &mut f.wraps, (id, org), ask).await
	}

	/// The answer for `key` at `at`: the one asked or being asked, or `ask` (which does
	/// nothing until asked). Kept for the best block only, and at most [`MAX_PER_BLOCK`] of a
	/// kind; an older block's question, or one over the bound, is asked for its caller alone.
	async fn memo<K, V, F>(
		&self,
		at: Block,
		answers: Answers<K, V>,
		key: K,
		ask: F,
	) -> Result<V, ChainError>
	where
		K: Hash + Eq,
		V: Clone + Send + Sync + 'static,
		F: Future<Output = Result<V, ChainError>> + Send + 'static,
	{
		let asked = {
			let mut facts = self.facts.lock();
			// A newer block's (or another fork's) question replaces the answers kept; an
			// older block's keeps them.
			if facts.as_ref().is_none_or(|kept| kept.block != at && kept.block.1 <= at.1) {
				*facts = Some(BlockFacts { block: at, ..BlockFacts::default() });
			}
			let kept = facts
				.as_mut()
				.filter(|kept| kept.block == at)
				.map(answers)
				.filter(|kept| kept.contains_key(&key) || kept.len() < MAX_PER_BLOCK);
			match kept {
				// A failure was told to those who waited for it; this caller asks again.
				Some(kept) => match kept.get(&key) {
					Some(asked) if !failed(asked) => asked.clone(),
					_ => {
						let asked = self.ask(ask);
						kept.insert(key, asked.clone());
						asked
					}
				},
				None => self.ask(ask),
			}
		};
		asked.await
	}

	/// `ask`ed in a task of its own, within the timeout, so that a caller who goes away does
	/// not take the question with it.
	fn ask<V, F>(&self, ask: F) -> Asked<V>
	where
		V: Clone + Send + Sync + 'static,
		F: Future<Output = Result<V, ChainError>> + Send + 'static,
	{
		joined(tokio::spawn(within(self.ask_timeout, ask)))
	}
}

/// Whether a kept question has been answered with a failure.
fn failed<V: Clone>(asked: &Asked<V>) -> bool {
	matches!(asked.peek(), Some(Err(_)))
}

/// `asking`, failed as unavailable if the node does not answer within `timeout`.
async fn within<V>(
	timeout: Duration,
	asking: impl Future<Output = Result<V, ChainError>>,
) -> Result<V, ChainError> {
	tokio::time::timeout(timeout, asking)
		.await
		.unwrap_or_else(|_| Err(ChainError::Unavailable(format!("no answer within {timeout:?}"))))
}

/// A spawned question's answer, for every caller that awaits it.
fn joined<V: Clone + Send + Sync + 'static>(
	task: tokio::task::JoinHandle<Result<V, ChainError>>,
) -> Asked<V> {
	async move {
		task.await.unwrap_or_else(|e| Err(ChainError::Unavailable(format!("asking failed: {e}"))))
	}
	.boxed()
	.shared()
}

#[cfg(test)]
mod tests {
	use super::*;
	use jsonrpsee::{server::Server, RpcModule};

	/// How many questions of each method a node has been asked.
	type Questions = Arc<Mutex<HashMap<&'static str, usize>>>;

	/// A node that accepts connections, counts the questions asked and never answers one.
	async fn hung_node() -> (Chain, Questions, jsonrpsee::server::ServerHandle) {
		let server = Server::builder().build("127.0.0.1:0").await.unwrap();
		let url = format!("ws://{}", server.local_addr().unwrap());
		let asked = Questions::default();
		let mut module = RpcModule::new(asked.clone());
		for method in ["chain_getHeader", "state_call", "state_getStorage"] {
			module
				.register_async_method(method, move |_, asked, _| {
					*asked.lock().entry(method).or_default() += 1;
					std::future::pending::<String>()
				})
				.unwrap();
		}
		(Chain::new(&url), asked, server.start(module))
	}

	/// Twenty readers of a node that never answers: the node is asked each question once, and
	/// every reader is refused as "unavailable" within about that one question's timeout —
	/// not one timeout after another. The failure is not kept: later readers ask again.
	#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
	async fn readers_of_a_hung_node_share_one_question_and_its_timeout() {
		let (chain, asked, _node) = hung_node().await;
		let chain = Arc::new(chain);
		let timeout = Duration::from_millis(200);
		let reads = ReadCache::with_timeout(timeout);
		let block = (H256::repeat_byte(1), 7);
		let dir = tempfile::tempdir().unwrap();
		let index = Arc::new(Index::open(&dir.path().join("index.redb")).unwrap());
		for round in 1..=2 {
			let started = Instant::now();
			let (bests, documents) = futures::join!(
				futures::future::join_all((0..20).map(|_| reads.best(&chain))),
				futures::future::join_all(
					(0..20).map(|_| reads.document(&chain, &index, block, 3))
				),
			);
			let elapsed = started.elapsed();
			assert!(bests.iter().all(|b| matches!(b, Err(ChainError::Unavailable(_)))));
			assert!(documents.iter().all(|d| matches!(d, Err(ChainError::Unavailable(_)))));
			// One timeout plus the connection; questions asked in turn would take 20 × 200 ms.
			assert!(elapsed < timeout * 10, "round {round}: twenty readers took {elapsed:?}");
			let asked = asked.lock().clone();
			assert_eq!(asked.get("chain_getHeader"), Some(&round), "{asked:?}");
			assert_eq!(asked.get("state_call"), Some(&round), "{asked:?}");
			// A failed best block is told for BEST_MAX_AGE, like an answer.
			tokio::time::sleep(BEST_MAX_AGE).await;
		}
	}
}
