//! Chain records as the API shows them: each storage type's conversion to its wire type,
//! written once here, for the gateway's portal and the explorer alike.

use crate::{
	api::{
		audit::{AuditAction, AuditEntry, Outcome, Subject},
		consent::{Actions, Consent, ConsentStatus, ScopeRequest, Window},
		documents::{Document, DocumentStatus},
	},
	values::{Account, CidText, Hex32},
	GatewayError,
};
use medledger_primitives::audit::{self, AuditRecord};
use medledger_runtime::Runtime;
use pallet_consent::Scope;
use sp_runtime::AccountId32;

/// Bytes the chain stores as text (names, codes) as text; the chain accepts any bytes, so
/// invalid UTF-8 is shown replaced, not refused.
fn text(bytes: &[u8]) -> String {
	String::from_utf8_lossy(bytes).into_owned()
}

/// An anchored document.
pub fn document(
	id: u64,
	doc: &pallet_documents::Document<Runtime>,
) -> Result<Document, GatewayError> {
	// The pallet refuses anchors whose CID does not parse, so this holds for every record.
	let cid = cid::Cid::try_from(&doc.cid[..]).map_err(GatewayError::internal)?;
	Ok(Document {
		id,
		patient: Account::from(&doc.patient),
		organisation: doc.org,
		author: Account::from(&doc.author),
		commitment: Hex32(doc.commitment),
		cid: CidText(cid),
		size: doc.size,
		media_type: text(&doc.media_type),
		document_type: text(&doc.document_type),
		created_at: doc.created_at,
		status: match doc.status.is_entered_in_error() {
			true => DocumentStatus::EnteredInError { superseded_by: doc.status.superseded_by() },
			false => match doc.status.superseded_by() {
				Some(by) => DocumentStatus::Superseded { by },
				None => DocumentStatus::Current,
			},
		},
		previous: doc.previous,
	})
}

/// Documents, each with its id.
pub fn documents(
	docs: &[(u64, pallet_documents::Document<Runtime>)],
) -> Result<Vec<Document>, GatewayError> {
	docs.iter().map(|(id, d)| document(*id, d)).collect()
}

/// A consent and its lifecycle.
pub fn consent(id: u64, c: &pallet_consent::Consent<Runtime>) -> Consent {
	Consent {
		id,
		patient: Account::from(&c.patient),
		organisation: c.org,
		requester: Account::from(&c.requester),
		scope: match &c.scope {
			Scope::All => ScopeRequest::All(true),
			Scope::DocumentTypes(types) => {
				ScopeRequest::DocumentTypes(types.iter().map(|t| text(t)).collect())
			}
			Scope::Documents(ids) => ScopeRequest::Documents(ids.to_vec()),
		},
		purpose: c.purpose.into(),
		actions: Actions { read: c.actions.read, write: c.actions.write },
		window: Window { from: c.window.from, to: c.window.to },
		status: match c.status {
			pallet_consent::ConsentStatus::Requested => ConsentStatus::Requested,
			pallet_consent::ConsentStatus::Granted => ConsentStatus::Granted,
			pallet_consent::ConsentStatus::Denied => ConsentStatus::Denied,
			pallet_consent::ConsentStatus::Revoked => ConsentStatus::Revoked,
			pallet_consent::ConsentStatus::Expired => ConsentStatus::Expired,
		},
		requested_at: c.requested_at,
		decided_at: c.decided_at,
		ended_at: c.ended_at,
		break_glass_reason: c.break_glass_reason.as_ref().map(|r| text(r)),
		wraps: c.wraps,
	}
}

/// An audit entry with its place in the patient's trail.
pub fn audit_entry(seq: u64, record: &AuditRecord<AccountId32>) -> AuditEntry {
	let e = &record.entry;
	AuditEntry {
		patient: Account::from(&e.patient),
		seq,
		actor: Account::from(&e.actor),
		organisation: e.org,
		action: match e.action {
			audit::AuditAction::Create => AuditAction::Create,
			audit::AuditAction::Read => AuditAction::Read,
			audit::AuditAction::Update => AuditAction::Update,
			audit::AuditAction::Delete => AuditAction::Delete,
			audit::AuditAction::Execute => AuditAction::Execute,
		},
		subject: subject(e.subject),
		consent: e.consent,
		purpose: e.purpose.map(Into::into),
		outcome: outcome(e.outcome),
		at: e.at,
		occurred_at: e.occurred_at,
		head: Hex32(record.head),
	}
}

/// What an audit entry is about.
pub fn subject(subject: audit::Subject) -> Subject {
	match subject {
		audit::Subject::Document(id) => Subject::Document(id),
		audit::Subject::Consent(id) => Subject::Consent(id),
		audit::Subject::Patient => Subject::Patient(true),
	}
}

/// How an audited attempt ended.
pub fn outcome(outcome: audit::Outcome) -> Outcome {
	match outcome {
		audit::Outcome::Success => Outcome::Success,
		audit::Outcome::Refused(refusal) => Outcome::Refused { refusal },
	}
}

impl ScopeRequest {
	/// The scope as the chain's rules take it (`{"all": false}` is no scope).
	pub fn borrowed(&self) -> Option<pallet_consent::ScopeRef<'_, String>> {
		use pallet_consent::ScopeRef;
		Some(match self {
			ScopeRequest::All(true) => ScopeRef::All,
			ScopeRequest::All(false) => return None,
			ScopeRequest::DocumentTypes(types) => ScopeRef::DocumentTypes(types),
			ScopeRequest::Documents(ids) => ScopeRef::Documents(ids),
		})
	}
}

impl Consent {
	/// The terms a patient grants when granting this consent: what the grant names the hash
	/// of, which the chain compares with the request it holds.
	pub fn terms(&self) -> Option<pallet_consent::Terms<'_, String>> {
		Some(pallet_consent::Terms {
			org: self.organisation,
			scope: self.scope.borrowed()?,
			purpose: self.purpose.into(),
			actions: pallet_consent::Actions { read: self.actions.read, write: self.actions.write },
			window: pallet_consent::Window { from: self.window.from, to: self.window.to },
		})
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use sp_runtime::BoundedVec;

	/// A patient's tool hashes the terms of the consent the API shows; the chain hashes the
	/// request it holds. For an honest answer the two agree, whatever the scope.
	#[test]
	fn the_shown_terms_hash_as_the_chain_hashes_the_request() {
		let scopes = [
			Scope::All,
			Scope::DocumentTypes(BoundedVec::truncate_from(vec![BoundedVec::truncate_from(
				b"34133-9".to_vec(),
			)])),
			Scope::Documents(BoundedVec::truncate_from(vec![4, 9])),
		];
		for scope in scopes {
			let held = pallet_consent::Consent::<Runtime> {
				patient: AccountId32::new([1; 32]),
				org: 2,
				requester: AccountId32::new([2; 32]),
				scope,
				purpose: medledger_primitives::Purpose::Research,
				actions: pallet_consent::Actions { read: true, write: false },
				window: pallet_consent::Window { from: 10, to: 20 },
				status: pallet_consent::ConsentStatus::Requested,
				requested_at: 10,
				decided_at: None,
				ended_at: None,
				break_glass_reason: None,
				wraps: 0,
				last_document_at_grant: 0,
			};
			let shown = consent(7, &held);
			assert_eq!(shown.terms().unwrap().hash(), held.terms().hash(), "{:?}", held.scope);
		}
	}
}
