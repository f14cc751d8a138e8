//! The gateway's errors and their stable JSON-RPC codes.
//!
//! Every error a portal method returns is a [`GatewayError`]. Its code comes from its
//! kind ([`ErrorKind::code`]) — or, for a refused access, from the chain's reason
//! ([`refusal_code`]) — and never changes once released; [`codes`] lists them all for the
//! OpenRPC document. Messages never carry secrets (keys, tokens, plaintext); an internal
//! failure's cause is logged once, where the error becomes a JSON-RPC answer, and never
//! sent.

use jsonrpsee::types::ErrorObjectOwned;
use medledger_chain_client::ChainError;
use medledger_index::{IndexError, RecordError};
use medledger_primitives::audit::Refusal;
use serde_json::json;
use std::{fmt, sync::Arc};
use strum::IntoEnumIterator;

/// An error a portal method returns.
#[derive(Debug, Clone, thiserror::Error, strum::EnumDiscriminants)]
#[strum_discriminants(name(ErrorKind), derive(strum::EnumIter, strum::IntoStaticStr))]
pub enum GatewayError {
	/// No credential, or one the gateway does not know (or has revoked).
	#[error("missing or invalid credential")]
	Unauthenticated,
	/// The credential's role may not call this method.
	#[error("role {role} may not call {method}")]
	Forbidden {
		/// The caller's role.
		role: String,
		/// The method called.
		method: String,
	},
	/// Too many calls with this credential; retry later.
	#[error("rate limit exceeded for this credential")]
	RateLimited,
	/// The file is larger than the gateway accepts: one sent, or another hospital's whose
	/// anchored size is over the limit (not fetched).
	#[error("file of {size} bytes is larger than the limit of {limit} bytes")]
	FileTooLarge {
		/// Size of the file: sent, or anchored.
		size: u64,
		/// The configured limit.
		limit: u64,
	},
	/// A parameter is malformed: bad base64, bad account id, empty field, …
	#[error("invalid {field}: {reason}")]
	InvalidInput {
		/// The parameter.
		field: &'static str,
		/// What is wrong with it.
		reason: String,
	},
	/// The account is not a registered, active patient.
	#[error("unknown patient")]
	UnknownPatient,
	/// No document with this id is anchored.
	#[error("unknown document {0}")]
	UnknownDocument(u64),
	/// This gateway accepted no upload with this id.
	#[error("unknown upload {0}")]
	UnknownUpload(u64),
	/// No consent with this id exists.
	#[error("unknown consent {0}")]
	UnknownConsent(u64),
	/// The chain refused the access (the refusal is audited).
	#[error("access refused: {0:?}")]
	AccessRefused(Refusal),
	/// The document's ciphertext does not authenticate, or is larger than an envelope of its
	/// anchored size: altered in storage, or anchored with a false size.
	#[error("the stored ciphertext of document {0} was altered or does not fit its anchor")]
	Tampered(u64),
	/// The decrypted document does not match its anchored commitment.
	#[error("document {0} does not match its anchored commitment")]
	CommitmentMismatch(u64),
	/// No key wrap lets this hospital decrypt the document.
	#[error("no key wrap for this hospital on document {0}")]
	NoKeyWrap(u64),
	/// The chain refused the transaction (the pallet's error is named).
	#[error("the chain refused the transaction: {0}")]
	ChainRejected(String),
	/// The node cannot be reached, did not answer, or cannot take the transaction now (its
	/// pool is full, say); retry later.
	#[error("the chain node is unavailable: {0}")]
	ChainUnavailable(String),
	/// IPFS cannot be reached or does not have the content.
	#[error("document storage is unavailable: {0}")]
	StorageUnavailable(String),
	/// No finality proof covers the block yet (the node has not finalised it, or holds no
	/// justification yet); retry shortly.
	#[error("no finality proof for block {0} yet; retry shortly")]
	ProofNotReady(u64),
	/// Something failed inside the gateway; the cause is logged, never sent.
	#[error("internal error")]
	Internal(#[source] Cause),
}

/// Why the gateway failed inside: kept for its log, never sent to a client.
#[derive(Clone)]
pub struct Cause(Arc<dyn std::error::Error + Send + Sync>);

impl fmt::Debug for Cause {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		fmt::Debug::fmt(&self.0, f)
	}
}

impl fmt::Display for Cause {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		fmt::Display::fmt(&self.0, f)
	}
}

impl std::error::Error for Cause {
	fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
		Some(&*self.0)
	}
}

impl ErrorKind {
	/// The stable JSON-RPC code.
	pub const fn code(self) -> i32 {
		use ErrorKind::*;
		match self {
			Unauthenticated => -32001,
			Forbidden => -32002,
			RateLimited => -32003,
			FileTooLarge => -32004,
			InvalidInput => -32005,
			UnknownPatient => -32010,
			UnknownDocument => -32011,
			UnknownUpload => -32012,
			UnknownConsent => -32013,
			AccessRefused => -32020,
			Tampered => -32030,
			CommitmentMismatch => -32031,
			NoKeyWrap => -32032,
			ChainRejected => -32040,
			ChainUnavailable => -32041,
			StorageUnavailable => -32042,
			ProofNotReady => -32043,
			Internal => -32099,
		}
	}

	/// What the code means, for the OpenRPC document.
	pub const fn meaning(self) -> &'static str {
		use ErrorKind::*;
		match self {
			Unauthenticated => "missing, unknown or revoked credential",
			Forbidden => "the credential's role may not call this method",
			RateLimited => "too many calls with this credential",
			FileTooLarge => "the file exceeds the gateway's size limit",
			InvalidInput => "a parameter is malformed (data.field names it)",
			UnknownPatient => "the account is not an active patient",
			UnknownDocument => "no such document",
			UnknownUpload => "no such upload at this gateway",
			UnknownConsent => "no such consent",
			AccessRefused => "the chain refused the access; data.refusal says why",
			Tampered => "the stored ciphertext was altered",
			CommitmentMismatch => "the decrypted file does not match its anchor",
			NoKeyWrap => "no key wrap lets this hospital decrypt the document",
			ChainRejected => "the chain refused the transaction; data.error names it",
			ChainUnavailable => "the node cannot be reached or cannot take the transaction now",
			StorageUnavailable => "IPFS cannot be reached or lacks the content",
			ProofNotReady => {
				"the block is not finalised or not yet covered by a justification; retry"
			}
			Internal => "internal gateway error",
		}
	}
}

/// The refusals that have a code of their own; any other refusal is
/// [`ErrorKind::AccessRefused`] with the reason in `data.refusal`.
const REFUSALS: &[(Refusal, i32, &str)] = &[
	(Refusal::NoConsent, -32021, "refused: no consent covers the document"),
	(Refusal::ConsentDenied, -32022, "refused: the patient denied the request"),
	(Refusal::ConsentRevoked, -32023, "refused: the patient revoked the grant"),
	(Refusal::ConsentExpired, -32024, "refused: the grant's window has ended"),
	(Refusal::ConsentNotYetValid, -32025, "refused: the grant's window has not started"),
	(Refusal::NotAMember, -32026, "refused: the caller is not an active member"),
	(Refusal::PurposeNotGranted, -32027, "refused: the grant is for another purpose"),
];

/// The code of a refused access with this reason.
pub fn refusal_code(refusal: Refusal) -> i32 {
	REFUSALS
		.iter()
		.find(|(r, ..)| *r == refusal)
		.map_or(ErrorKind::AccessRefused.code(), |(_, code, _)| *code)
}

/// One entry of the error table.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ErrorCode {
	/// The JSON-RPC code.
	pub code: i32,
	/// Its name (the error kind, or the refusal as `data.refusal` names it).
	pub name: String,
	/// What it means.
	pub meaning: &'static str,
}

/// Every code a portal method may answer with.
pub fn codes() -> Vec<ErrorCode> {
	let kinds = ErrorKind::iter().map(|kind| ErrorCode {
		code: kind.code(),
		name: <&str>::from(kind).into(),
		meaning: kind.meaning(),
	});
	let refusals = REFUSALS.iter().map(|(refusal, code, meaning)| ErrorCode {
		code: *code,
		name: json!(refusal).as_str().unwrap_or_default().into(),
		meaning,
	});
	let mut all: Vec<ErrorCode> = kinds.chain(refusals).collect();
	all.sort_by_key(|e| std::cmp::Reverse(e.code));
	all
}

impl GatewayError {
	/// The stable JSON-RPC code.
	pub fn code(&self) -> i32 {
		match self {
			GatewayError::AccessRefused(refusal) => refusal_code(*refusal),
			other => ErrorKind::from(other).code(),
		}
	}

	/// Shorthand for [`GatewayError::InvalidInput`].
	pub fn invalid(field: &'static str, reason: impl Into<String>) -> Self {
		GatewayError::InvalidInput { field, reason: reason.into() }
	}

	/// An internal failure with its cause (logged when answered, never sent).
	pub fn internal(cause: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
		GatewayError::Internal(Cause(Arc::from(cause.into())))
	}

	/// Structured details for clients, beside the message.
	fn data(&self) -> Option<serde_json::Value> {
		match self {
			GatewayError::InvalidInput { field, .. } => Some(json!({ "field": field })),
			GatewayError::AccessRefused(refusal) => Some(json!({ "refusal": refusal })),
			GatewayError::ChainRejected(error) => Some(json!({ "error": error })),
			GatewayError::FileTooLarge { limit, .. } => Some(json!({ "limit": limit })),
			_ => None,
		}
	}
}

impl From<ChainError> for GatewayError {
	fn from(error: ChainError) -> Self {
		match error {
			ChainError::Unavailable(reason) => GatewayError::ChainUnavailable(reason),
			ChainError::Rejected(reason) | ChainError::Failed { error: reason, .. } => {
				GatewayError::ChainRejected(reason)
			}
			decode @ ChainError::Decode { .. } => GatewayError::internal(decode),
		}
	}
}

impl From<IndexError> for GatewayError {
	fn from(error: IndexError) -> Self {
		match error {
			IndexError::Chain(error) => error.into(),
			other => GatewayError::internal(other),
		}
	}
}

impl From<RecordError> for GatewayError {
	fn from(error: RecordError) -> Self {
		match error {
			RecordError::Chain(error) => error.into(),
			RecordError::Index(error) => error.into(),
			// Asked again once the index files the batch's block: unavailable, not unknown.
			not_indexed @ RecordError::NotIndexed(_) => {
				GatewayError::ChainUnavailable(not_indexed.to_string())
			}
			mismatch @ RecordError::Mismatch(_) => GatewayError::internal(mismatch),
		}
	}
}

impl From<GatewayError> for ErrorObjectOwned {
	fn from(error: GatewayError) -> Self {
		if let GatewayError::Internal(cause) = &error {
			tracing::error!(%cause, "internal error answered as -32099");
		}
		ErrorObjectOwned::owned(error.code(), error.to_string(), error.data())
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn every_code_is_listed_once_with_its_name() {
		let table = codes();
		let mut seen: Vec<i32> = table.iter().map(|e| e.code).collect();
		seen.dedup();
		assert_eq!(seen.len(), table.len(), "{table:?}");
		for error in [
			GatewayError::Unauthenticated,
			GatewayError::AccessRefused(Refusal::ConsentRevoked),
			GatewayError::AccessRefused(Refusal::OutsideScope),
			GatewayError::internal("disk full"),
		] {
			assert!(table.iter().any(|e| e.code == error.code()), "{error:?}");
		}
		assert_eq!(GatewayError::AccessRefused(Refusal::OutsideScope).code(), -32020);
		assert_eq!(GatewayError::AccessRefused(Refusal::ConsentRevoked).code(), -32023);
	}

	#[test]
	fn an_internal_cause_is_never_sent() {
		let answer = ErrorObjectOwned::from(GatewayError::internal("key file at /secret/x"));
		assert_eq!(answer.code(), -32099);
		assert!(!answer.message().contains("secret"));
		assert!(answer.data().is_none());
	}
}
