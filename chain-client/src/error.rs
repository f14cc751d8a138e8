//! Why a call to the node failed.

/// A failed call to the node.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainError {
	/// The node cannot be reached, did not answer in time, cannot take the transaction now
	/// (its pool is full, the bytes are banned for a while, another extrinsic of the signer
	/// outranks it), or dropped it after taking it (evicted, found invalid, usurped — by then
	/// other nodes may hold it, so only the chain can say whether it lands).
	#[error("the chain node is unavailable: {0}")]
	Unavailable(String),
	/// The node refused the transaction for what it is when it was submitted (undecodable,
	/// invalid for the runtime: the pool's reason): it is in no pool and no block.
	#[error("the chain refused the transaction: {0}")]
	Rejected(String),
	/// The transaction is in block `block` and its dispatch failed there, as `Pallet.Error`
	/// (e.g. `Documents.DuplicateAnchor`). Until that block is final, a reorganisation may
	/// still carry it into another block, with another outcome.
	#[error("the transaction failed in block {block:?}: {error}")]
	Failed {
		/// The block that holds it.
		block: sp_core::H256,
		/// The dispatch error.
		error: String,
	},
	/// An answer does not decode as the runtime's types: client and runtime were built
	/// from different sources.
	#[error("the node's answer to {what} does not decode: client and runtime differ")]
	Decode {
		/// What was asked (a runtime API, a storage item, a header).
		what: &'static str,
	},
}

/// Node errors from jsonrpsee for a submitted transaction: transport failures, and the
/// pool's refusals that may pass later ([`refuses_for_good`]), mean "unavailable" — a sender
/// retries; a refusal for good means "rejected" (the pool's reason is named either way).
pub(crate) fn refused(error: jsonrpsee::core::client::Error) -> ChainError {
	use jsonrpsee::core::client::Error;
	match error {
		Error::Call(object) => {
			let detail = object.data().map(|d| d.get().trim_matches('"').to_string());
			let reason = match detail {
				Some(detail) => format!("{}: {detail}", object.message()),
				None => object.message().to_string(),
			};
			if refuses_for_good(&object) {
				ChainError::Rejected(reason)
			} else {
				ChainError::Unavailable(reason)
			}
		}
		other => ChainError::Unavailable(other.to_string()),
	}
}

/// Whether the node refused an extrinsic for what its bytes are — undecodable, or invalid
/// for the runtime (a bad signature, a used nonce, a signer the consortium does not admit:
/// `sc-rpc-api`'s author error codes) — so that sending the same bytes again cannot succeed.
/// Its other refusals — already in the pool, banned for a while, outranked by another with
/// the same nonce, the pool full, or the node failing to check it (`1002`, which `sc-rpc`
/// gives any error that is not the pool's: an unknown block, a runtime call that failed) —
/// may pass later.
pub(crate) fn refuses_for_good(refusal: &jsonrpsee::types::ErrorObjectOwned) -> bool {
	const BAD_FORMAT: i32 = 1001;
	const POOL_INVALID_TX: i32 = 1010;
	matches!(refusal.code(), BAD_FORMAT | POOL_INVALID_TX)
}

/// Node errors from jsonrpsee for a question (a header, a storage item, a runtime API):
/// whatever the node answers — an unknown or pruned block, a runtime API that failed — it
/// did not answer it, which is no refusal of anything the caller wrote.
pub(crate) fn unanswered(method: &str, error: jsonrpsee::core::client::Error) -> ChainError {
	ChainError::Unavailable(format!("{method}: {error}"))
}

#[cfg(test)]
mod tests {
	use super::*;
	use jsonrpsee::{core::client::Error, types::ErrorObject};

	fn pool_refusal(code: i32) -> ChainError {
		refused(Error::Call(ErrorObject::owned(code, "refused", Some("why"))))
	}

	#[test]
	fn only_refusals_for_what_the_bytes_are_are_rejections() {
		// Undecodable; invalid for the runtime (bad signature, stale nonce, not admitted).
		for code in [1001, 1010] {
			assert_eq!(pool_refusal(code), ChainError::Rejected("refused: why".into()), "{code}");
		}
		// The node failed to check it; unknown validity; banned for a while; already in the
		// pool; outranked at its nonce; the pool full.
		for code in [1002, 1011, 1012, 1013, 1014, 1016] {
			assert!(matches!(pool_refusal(code), ChainError::Unavailable(_)), "{code}");
		}
	}
}
