//! The audit entries of reads, made durable before the read is answered, many in one commit.
//!
//! Every read is audited: its entry is in the store (committed, synced to disk) before the
//! file is released, so a crash cannot lose it, and the audit worker reports it on chain.
//! One commit per read made concurrent readers queue for one disk sync each; here one
//! committer thread takes every entry that arrived while its last commit ran into the next
//! one (group commit), and each read is answered once the commit holding its entry is
//! durable. Readers only hand their entry over and wait: a reader whose client hangs up
//! cannot stop a commit that holds other readers' entries — once handed over, an entry is
//! committed whether or not anyone still waits for it.

use crate::store::{QueuedAccess, Store, StoreError};
use medledger_gateway_api::GatewayError;
use std::sync::Arc;
use tokio::sync::{mpsc, oneshot, Notify};

/// Whether a commit holding an entry succeeded (shared by every entry it held).
type Committed = Result<(), Arc<StoreError>>;

/// An entry handed to the committer, with whom to tell when it is durable.
type Handed = (QueuedAccess, oneshot::Sender<Committed>);

/// Entries handed over but not yet taken into a commit: a bound on memory, reached only
/// when the disk is slower than reads arrive (readers then wait to hand theirs over).
const WAITING: usize = 4_096;

/// Audit entries waiting for the chain, and the worker that reports them.
pub struct AuditQueue {
	/// To the committer thread, which ends when this is dropped.
	handed: mpsc::Sender<Handed>,
	/// Wakes the audit worker.
	queued: Arc<Notify>,
}

impl AuditQueue {
	/// The queue of entries kept in `store`, and its committer thread.
	pub fn new(store: Arc<Store>) -> std::io::Result<Self> {
		let (handed, taken) = mpsc::channel(WAITING);
		let queued = Arc::new(Notify::new());
		let wake = queued.clone();
		std::thread::Builder::new()
			.name("audit-commit".into())
			.spawn(move || commit(&store, taken, &wake))?;
		Ok(AuditQueue { handed, queued })
	}

	/// Queues `entry` durably (returns once it is committed) and wakes the audit worker.
	pub async fn push(&self, entry: QueuedAccess) -> Result<(), GatewayError> {
		let (done, committed) = oneshot::channel();
		self.handed.send((entry, done)).await.map_err(|_| committer_gone())?;
		committed.await.map_err(|_| committer_gone())?.map_err(GatewayError::internal)
	}

	/// Waits until entries were queued since the last call.
	pub async fn queued(&self) {
		self.queued.notified().await
	}
}

/// The committer: each commit takes every entry handed over since the last one.
fn commit(store: &Store, mut taken: mpsc::Receiver<Handed>, queued: &Notify) {
	let mut batch = Vec::new();
	// Blocks until at least one entry is there: a commit is never empty.
	while taken.blocking_recv_many(&mut batch, WAITING) > 0 {
		let (entries, waiting): (Vec<_>, Vec<_>) = std::mem::take(&mut batch).into_iter().unzip();
		// A panic in the store fails this commit's reads, not every later one.
		let result =
			std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| store.queue_access(&entries)))
				.unwrap_or_else(|_| Err(StoreError::Database("the commit panicked".into())))
				.map_err(Arc::new);
		if let Err(error) = &result {
			tracing::error!(%error, entries = entries.len(), "audit entries not committed; their reads are refused");
		}
		if result.is_ok() {
			queued.notify_one();
		}
		for waiter in waiting {
			// A waiter that went away (its client hung up) needs no answer.
			let _ = waiter.send(result.clone());
		}
	}
}

/// The committer thread is gone (it only ends with the queue, or by a panic in the store).
fn committer_gone() -> GatewayError {
	GatewayError::internal(std::io::Error::other("the audit committer stopped"))
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::store::tests::entry;

	fn queued_ats(store: &Store) -> Vec<u64> {
		let mut ats: Vec<u64> =
			store.queued_access(usize::MAX).unwrap().iter().map(|(_, q)| q.record.at).collect();
		ats.sort();
		ats
	}

	/// Two hundred reads at once: each is answered only once its entry is durable, and every
	/// entry is queued exactly once, whichever commit took it.
	#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
	async fn concurrent_entries_are_each_queued_once_before_their_read_is_answered() {
		let dir = tempfile::tempdir().unwrap();
		let store = Arc::new(Store::open(dir.path()).unwrap());
		let queue = Arc::new(AuditQueue::new(store.clone()).unwrap());
		let pushes = (1..=200u64).map(|at| {
			let (queue, store) = (queue.clone(), store.clone());
			tokio::spawn(async move {
				queue.push(entry(at)).await.unwrap();
				let queued = store.queued_access(usize::MAX).unwrap();
				assert!(queued.iter().any(|(_, q)| q.record.at == at), "entry {at} not durable");
			})
		});
		for push in pushes.collect::<Vec<_>>() {
			push.await.unwrap();
		}
		assert_eq!(queued_ats(&store), (1..=200).collect::<Vec<_>>());
	}

	/// Readers whose clients hang up once their entry is handed over (every other one of a
	/// burst): the entries handed over are still committed, the readers still waiting are
	/// each answered, and no entry is queued twice.
	#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
	async fn a_reader_that_hangs_up_loses_no_entry_and_fails_no_other_reader() {
		let dir = tempfile::tempdir().unwrap();
		let store = Arc::new(Store::open(dir.path()).unwrap());
		let queue = Arc::new(AuditQueue::new(store.clone()).unwrap());
		let pushes = (1..=200u64).map(|at| {
			let queue = queue.clone();
			tokio::spawn(async move {
				let push = queue.push(entry(at));
				tokio::pin!(push);
				if at % 2 == 0 {
					// Polled once (the entry is handed over: the channel has room), then
					// dropped, as a hung-up client's read is.
					let _ = futures::poll!(push.as_mut());
				} else {
					push.await.unwrap();
				}
			})
		});
		for push in pushes.collect::<Vec<_>>() {
			push.await.unwrap();
		}
		// The last hung-up entries may still be in the committer's hands: the next push
		// returns only after the commit that takes them (or a later one) is durable.
		queue.push(entry(201)).await.unwrap();
		assert_eq!(queued_ats(&store), (1..=201).collect::<Vec<_>>());
	}
}
