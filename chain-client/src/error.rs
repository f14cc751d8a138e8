//! Why a call to the node failed.

/// A failed call to the node.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainError {
	/// The node cannot be reached, did not answer in time, or dropped the transaction.
	#[error("the chain node is unavailable: {0}")]
	Unavailable(String),
	/// The node or the runtime refused the transaction: the pool's reason, or the
	/// dispatch error as `Pallet.Error` (e.g. `Documents.DuplicateAnchor`).
	#[error("the chain refused the transaction: {0}")]
	Rejected(String),
	/// An answer does not decode as the runtime's types: client and runtime were built
	/// from different sources.
	#[error("the node's answer to {what} does not decode: client and runtime differ")]
	Decode {
		/// What was asked (a runtime API, a storage item, a header).
		what: &'static str,
	},
}

/// Node errors from jsonrpsee for a submitted transaction: transport failures mean
/// "unavailable"; a call error means the node refused it (the pool's reason is named).
pub(crate) fn refused(error: jsonrpsee::core::client::Error) -> ChainError {
	use jsonrpsee::core::client::Error;
	match error {
		Error::Call(object) => {
			let detail = object.data().map(|d| d.get().trim_matches('"').to_string());
			ChainError::Rejected(match detail {
				Some(detail) => format!("{}: {detail}", object.message()),
				None => object.message().to_string(),
			})
		}
		other => ChainError::Unavailable(other.to_string()),
	}
}

/// Whether the node refused an extrinsic for what its bytes are — undecodable, a bad
/// signature, invalid for the runtime (`sc-rpc-api`'s author error codes) — so that sending
/// the same bytes again cannot succeed. Its other refusals — already in the pool, banned
/// for a while, outranked by another with the same nonce, the pool full — may pass later.
pub(crate) fn refuses_for_good(refusal: &jsonrpsee::types::ErrorObjectOwned) -> bool {
	const BAD_FORMAT: i32 = 1001;
	const VERIFICATION_ERROR: i32 = 1002;
	const POOL_INVALID_TX: i32 = 1010;
	matches!(refusal.code(), BAD_FORMAT | VERIFICATION_ERROR | POOL_INVALID_TX)
}

/// Node errors from jsonrpsee for a question (a header, a storage item, a runtime API):
/// whatever the node answers — an unknown or pruned block, a runtime API that failed — it
/// did not answer it, which is no refusal of anything the caller wrote.
pub(crate) fn unanswered(method: &str, error: jsonrpsee::core::client::Error) -> ChainError {
	ChainError::Unavailable(format!("{method}: {error}"))
}
