//! The gateway's errors and their stable JSON-RPC codes.
//!
//! Every error a portal method can return is a [`GatewayError`]; its code never changes
//! once released and is listed in the OpenRPC document (`rpc.discover`). Messages never
//! carry secrets (keys, tokens, plaintext).

use jsonrpsee::types::ErrorObjectOwned;
use medledger_primitives::audit::Refusal;
use serde_json::json;

/// An error a portal method returns.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
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
	/// The file is larger than the gateway accepts.
	#[error("file of {size} bytes is larger than the limit of {limit} bytes")]
	FileTooLarge {
		/// Size of the file sent.
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
	/// The document's ciphertext does not authenticate: it was altered in storage.
	#[error("the stored ciphertext of document {0} was altered")]
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
	/// The node cannot be reached or did not answer.
	#[error("the chain node is unavailable: {0}")]
	ChainUnavailable(String),
	/// IPFS cannot be reached or does not have the content.
	#[error("document storage is unavailable: {0}")]
	StorageUnavailable(String),
	/// No finality proof covers the block yet (the node has not finalised it, or holds no
	/// justification yet); retry shortly.
	#[error("no finality proof for block {0} yet; retry shortly")]
	ProofNotReady(u64),
	/// Something failed inside the gateway (details are in its log).
	#[error("internal error")]
	Internal,
}

/// The codes, in one place, with their names as the OpenRPC document lists them.
pub const CODES: &[(i32, &str, &str)] = &[
	(-32001, "Unauthenticated", "missing, unknown or revoked credential"),
	(-32002, "Forbidden", "the credential's role may not call this method"),
	(-32003, "RateLimited", "too many calls with this credential"),
	(-32004, "FileTooLarge", "the file exceeds the gateway's size limit"),
	(-32005, "InvalidInput", "a parameter is malformed (data.field names it)"),
	(-32010, "UnknownPatient", "the account is not an active patient"),
	(-32011, "UnknownDocument", "no such document"),
	(-32012, "UnknownUpload", "no such upload at this gateway"),
	(-32013, "UnknownConsent", "no such consent"),
	(-32020, "AccessRefused", "the chain refused the access; data.refusal says why"),
	(-32021, "NoConsent", "refused: no consent covers the document"),
	(-32022, "ConsentDenied", "refused: the patient denied the request"),
	(-32023, "ConsentRevoked", "refused: the patient revoked the grant"),
	(-32024, "ConsentExpired", "refused: the grant's window has ended"),
	(-32025, "ConsentNotYetValid", "refused: the grant's window has not started"),
	(-32026, "NotAMember", "refused: the caller is not an active member"),
	(-32030, "Tampered", "the stored ciphertext was altered"),
	(-32031, "CommitmentMismatch", "the decrypted file does not match its anchor"),
	(-32032, "NoKeyWrap", "no key wrap lets this hospital decrypt the document"),
	(-32040, "ChainRejected", "the chain refused the transaction; data.error names it"),
	(-32041, "ChainUnavailable", "the node cannot be reached"),
	(-32042, "StorageUnavailable", "IPFS cannot be reached or lacks the content"),
	(
		-32043,
		"ProofNotReady",
		"the block is not finalised or not yet covered by a justification; retry",
	),
	(-32099, "Internal", "internal gateway error"),
];

impl GatewayError {
	/// The stable JSON-RPC error code.
	pub fn code(&self) -> i32 {
		use GatewayError::*;
		match self {
			Unauthenticated => -32001,
			Forbidden { .. } => -32002,
			RateLimited => -32003,
			FileTooLarge { .. } => -32004,
			InvalidInput { .. } => -32005,
			UnknownPatient => -32010,
			UnknownDocument(_) => -32011,
			UnknownUpload(_) => -32012,
			UnknownConsent(_) => -32013,
			AccessRefused(refusal) => match refusal {
				Refusal::NoConsent => -32021,
				Refusal::ConsentDenied => -32022,
				Refusal::ConsentRevoked => -32023,
				Refusal::ConsentExpired => -32024,
				Refusal::ConsentNotYetValid => -32025,
				Refusal::NotAMember => -32026,
				_ => -32020,
			},
			Tampered(_) => -32030,
			CommitmentMismatch(_) => -32031,
			NoKeyWrap(_) => -32032,
			ChainRejected(_) => -32040,
			ChainUnavailable(_) => -32041,
			StorageUnavailable(_) => -32042,
			ProofNotReady(_) => -32043,
			Internal => -32099,
		}
	}

	/// Structured details for clients, beside the message.
	fn data(&self) -> Option<serde_json::Value> {
		match self {
			GatewayError::InvalidInput { field, .. } => Some(json!({ "field": field })),
			GatewayError::AccessRefused(refusal) => {
				Some(json!({ "refusal": format!("{refusal:?}") }))
			}
			GatewayError::ChainRejected(error) => Some(json!({ "error": error })),
			GatewayError::FileTooLarge { limit, .. } => Some(json!({ "limit": limit })),
			_ => None,
		}
	}

	/// Shorthand for [`GatewayError::InvalidInput`].
	pub fn invalid(field: &'static str, reason: impl Into<String>) -> Self {
		GatewayError::InvalidInput { field, reason: reason.into() }
	}
}

impl From<GatewayError> for ErrorObjectOwned {
	fn from(error: GatewayError) -> Self {
		ErrorObjectOwned::owned(error.code(), error.to_string(), error.data())
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn every_code_is_listed_once() {
		let samples = [
			GatewayError::Unauthenticated,
			GatewayError::RateLimited,
			GatewayError::AccessRefused(Refusal::ConsentRevoked),
			GatewayError::AccessRefused(Refusal::OutsideScope),
			GatewayError::Tampered(1),
			GatewayError::Internal,
		];
		for error in samples {
			assert!(CODES.iter().any(|(code, ..)| *code == error.code()), "{error:?}");
		}
		let mut codes: Vec<_> = CODES.iter().map(|(code, ..)| code).collect();
		codes.sort();
		codes.dedup();
		assert_eq!(codes.len(), CODES.len());
	}
}
