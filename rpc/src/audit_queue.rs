//! The audit entries of reads, made durable before the read is answered, many in one commit.
//!
//! Every read is audited: its entry is in the store (committed, synced to disk) before the
//! file is released, so a crash cannot lose it, and the audit worker reports it on chain.
//! One commit per read made concurrent readers queue for one disk sync each; here the entries
//! that arrive while a commit runs go together into the next one (group commit), and each
//! read is answered once the commit holding its own entry is durable.

use crate::store::{QueuedAccess, Store, StoreError};
use medledger_gateway_api::GatewayError;
use std::sync::{Arc, Mutex};
use tokio::sync::{oneshot, Notify};

/// Whether a commit holding an entry succeeded (shared by every entry it held).
type Committed = Result<(), Arc<StoreError>>;

/// Audit entries waiting for the chain, and the worker that reports them.
pub struct AuditQueue {
	store: Arc<Store>,
	/// Entries not yet in a commit, each with whom to tell when it is.
	pending: Mutex<Vec<(QueuedAccess, oneshot::Sender<Committed>)>>,
	/// Held while a commit runs: whoever takes it next commits everything pending.
	committing: tokio::sync::Mutex<()>,
	/// Wakes the audit worker.
	queued: Notify,
}

impl AuditQueue {
	/// The queue of entries kept in `store`.
	pub fn new(store: Arc<Store>) -> Self {
		AuditQueue {
			store,
			pending: Mutex::new(Vec::new()),
			committing: tokio::sync::Mutex::new(()),
			queued: Notify::new(),
		}
	}

	/// Queues `entry` durably (returns once it is committed) and wakes the audit worker.
	pub async fn push(&self, entry: QueuedAccess) -> Result<(), GatewayError> {
		let (done, committed) = oneshot::channel();
		self.lock_pending().push((entry, done));
		let guard = self.committing.lock().await;
		let mut committed = committed;
		// A commit that ran while this call waited for the lock may have held its entry.
		if let Ok(result) = committed.try_recv() {
			return result.map_err(shared_error);
		}
		let batch = std::mem::take(&mut *self.lock_pending());
		let (entries, waiting): (Vec<_>, Vec<_>) = batch.into_iter().unzip();
		let store = self.store.clone();
		let result = tokio::task::spawn_blocking(move || store.queue_access(&entries))
			.await
			.map_err(GatewayError::internal)?
			.map_err(Arc::new);
		for waiter in waiting {
			// A waiter that went away (its client hung up) needs no answer.
			let _ = waiter.send(result.clone());
		}
		// Released only once every entry of the commit has its answer: the next holder finds
		// its own there if this commit held it.
		drop(guard);
		self.queued.notify_one();
		committed.try_recv().map_err(GatewayError::internal)?.map_err(shared_error)
	}

	/// Waits until entries were queued since the last call.
	pub async fn queued(&self) {
		self.queued.notified().await
	}

	fn lock_pending(
		&self,
	) -> std::sync::MutexGuard<'_, Vec<(QueuedAccess, oneshot::Sender<Committed>)>> {
		// Nothing panics while holding it; a poisoned lock still holds a consistent list.
		self.pending.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
	}
}

/// A commit's error, as each of the calls whose entries it held reports it.
fn shared_error(error: Arc<StoreError>) -> GatewayError {
	GatewayError::internal(error)
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::store::tests::entry;

	/// Two hundred reads at once: each is answered only once its entry is durable, and every
	/// entry is queued exactly once, whichever commit took it.
	#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
	async fn concurrent_entries_are_each_queued_once_before_their_read_is_answered() {
		let dir = tempfile::tempdir().unwrap();
		let store = Arc::new(Store::open(dir.path()).unwrap());
		let queue = Arc::new(AuditQueue::new(store.clone()));
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
		let mut ats: Vec<u64> =
			store.queued_access(usize::MAX).unwrap().iter().map(|(_, q)| q.record.at).collect();
		ats.sort();
		assert_eq!(ats, (1..=200).collect::<Vec<_>>());
	}
}
