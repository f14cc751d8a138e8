//! JSON shapes of chain records as the portal returns them: accounts in SS58, hashes in
//! `0x` hex, CIDs in their text form, times in ms since the Unix epoch.

use medledger_primitives::audit::AuditRecord;
use medledger_runtime::Runtime;
use pallet_consent::{Consent, Scope};
use pallet_documents::{Document, DocumentStatus};
use serde_json::{json, Value};
use sp_core::crypto::Ss58Codec;
use sp_runtime::AccountId32;

/// An account in SS58.
pub(crate) fn account(who: &AccountId32) -> String {
	who.to_ss58check()
}

/// Bytes as `0x` hex.
pub(crate) fn hex0x(bytes: &[u8]) -> String {
	format!("0x{}", hex::encode(bytes))
}

/// A binary CID in text form (or hex if it does not parse, which the chain prevents).
pub(crate) fn cid(bytes: &[u8]) -> String {
	cid::Cid::try_from(bytes).map(|c| c.to_string()).unwrap_or_else(|_| hex0x(bytes))
}

/// An anchored document.
pub(crate) fn document(id: u64, doc: &Document<Runtime>) -> Value {
	let status = match doc.status {
		DocumentStatus::Current => json!({ "state": "current" }),
		DocumentStatus::Superseded { by } => json!({ "state": "superseded", "by": by }),
		DocumentStatus::EnteredInError => json!({ "state": "enteredInError" }),
	};
	json!({
		"id": id,
		"patient": account(&doc.patient),
		"organisation": doc.org,
		"author": account(&doc.author),
		"commitment": hex0x(&doc.commitment),
		"cid": cid(&doc.cid),
		"size": doc.size,
		"mediaType": String::from_utf8_lossy(&doc.media_type),
		"documentType": String::from_utf8_lossy(&doc.document_type),
		"createdAt": doc.created_at,
		"status": status,
		"previous": doc.previous,
	})
}

/// A consent and its lifecycle.
pub(crate) fn consent(id: u64, c: &Consent<Runtime>) -> Value {
	let scope = match &c.scope {
		Scope::All => json!({ "all": true }),
		Scope::DocumentTypes(types) => json!({
			"documentTypes": types.iter().map(|t| String::from_utf8_lossy(t).into_owned()).collect::<Vec<_>>()
		}),
		Scope::Documents(ids) => json!({ "documents": ids.to_vec() }),
	};
	json!({
		"id": id,
		"patient": account(&c.patient),
		"organisation": c.org,
		"requester": account(&c.requester),
		"scope": scope,
		"purpose": format!("{:?}", c.purpose),
		"actions": { "read": c.actions.read, "write": c.actions.write },
		"window": { "from": c.window.from, "to": c.window.to },
		"status": format!("{:?}", c.status),
		"requestedAt": c.requested_at,
		"decidedAt": c.decided_at,
		"endedAt": c.ended_at,
		"breakGlassReason": c.break_glass_reason.as_ref().map(|r| String::from_utf8_lossy(r).into_owned()),
		"wraps": c.wraps,
	})
}

/// An audit entry with its place in the patient's trail (the shape the explorer's trail
/// check gives the entries it decodes).
pub(crate) fn audit(seq: u64, record: &AuditRecord<AccountId32>) -> Value {
	medledger_explorer_wasm::entry_view(seq, record, account)
}
