//! What a patient does through their hospital's gateway, as plain functions: list documents,
//! fetch and decrypt one, read and check the audit trail, decide consent requests, get a
//! proof bundle. Secrets stay here: the gateway gets signed extrinsics and key wraps only.

use crate::{
	gateway::{CallError, Gateway},
	keys::PatientKeys,
};
use anyhow::{anyhow, bail, Context};
use codec::Decode;
use indicatif::ProgressBar;
use medledger_chain_client::{sign_extrinsic, Versions};
use medledger_gateway_api::{
	api::{
		audit::{AuditApiClient, TrailEntry},
		consent::{Consent, ConsentApiClient, ConsentStatus, ScopeRequest},
		documents::{Document, DocumentStatus, DocumentsApiClient},
		members::MembersApiClient,
		proofs::ProofsApiClient,
	},
	values::{Account, HexBytes},
	ErrorKind, Written,
};
use medledger_primitives::audit::{verify_trail, AuditRecord, TrailError, TrailHead};
use medledger_runtime::RuntimeCall;
use medledger_verifier::ProofBundle;
use sp_runtime::AccountId32;

/// Largest page the gateway returns.
const PAGE: u32 = 1000;
/// How long `proof` waits for the next justification (16 blocks of 2 s, and margin).
const PROOF_WAIT: std::time::Duration = std::time::Duration::from_secs(90);

/// Every document of `patient`, oldest id first.
pub fn documents(gw: &Gateway, patient: &AccountId32) -> anyhow::Result<Vec<Document>> {
	let mut out: Vec<Document> = Vec::new();
	let mut after: Option<u64> = None;
	loop {
		let patient = Some(Account::from(patient));
		let page = gw.run(gw.client.document_list(patient, None, after, Some(PAGE)))?;
		let full = page.len() as u32 == PAGE;
		after = page.iter().map(|d| d.id).max().or(after);
		out.extend(page);
		if !full {
			break;
		}
	}
	out.sort_by_key(|d| d.id);
	Ok(out)
}

/// The data key of the patient's document `id`, unwrapped with their key, and the envelope.
fn own_key(
	gw: &Gateway,
	keys: &PatientKeys,
	id: u64,
) -> anyhow::Result<(medledger_envelope::DataKey, Vec<u8>, Document)> {
	let reply = gw.run(gw.client.document_envelope(id))?;
	let envelope = reply.envelope.0;
	let key = medledger_envelope::unwrap_own(&envelope, &keys.encryption)
		.map_err(|_| anyhow!("document {id}'s envelope holds no key wrap for this key file"))?;
	Ok((key, envelope, reply.document))
}

/// The patient's document `id`, decrypted with their key and checked against its anchored
/// commitment; with its anchor record.
pub fn fetch(
	gw: &Gateway,
	keys: &PatientKeys,
	id: u64,
) -> anyhow::Result<(medledger_envelope::Opened, Document)> {
	let (key, envelope, record) = own_key(gw, keys, id)?;
	let opened = medledger_envelope::open(&envelope, &key).map_err(|_| {
		anyhow!("document {id}'s ciphertext was altered (it does not authenticate)")
	})?;
	if opened.commitment() != record.commitment.0 {
		bail!("document {id} does not match its anchored commitment");
	}
	Ok((opened, record))
}

/// A patient's audit trail and whether it is complete.
pub struct Trail {
	/// The entries, as the gateway shows them.
	pub entries: Vec<TrailEntry>,
	/// The chain's head of the trail (sequence number and hash).
	pub head: TrailHead,
	/// The hash-chain check, recomputed here from the entries as stored.
	pub check: Result<(), TrailError>,
}

/// `patient`'s whole audit trail, checked here: every entry, in order, hashing to the
/// chain's head.
pub fn trail(gw: &Gateway, patient: &AccountId32) -> anyhow::Result<Trail> {
	let mut entries: Vec<TrailEntry> = Vec::new();
	let mut records: Vec<(u64, AuditRecord<AccountId32>)> = Vec::new();
	let mut head: Option<TrailHead> = None;
	loop {
		let from = records.len() as u64 + 1;
		let page = gw.run(gw.client.audit_trail(Account::from(patient), Some(from), Some(PAGE)))?;
		// The head as of the first page: entries added meanwhile are left for next time.
		let head = *head.get_or_insert(TrailHead { seq: page.head.seq, head: page.head.head.0 });
		let done = page.entries.len() as u32 != PAGE;
		for entry in page.entries {
			let seq = entry.entry.seq;
			if seq > head.seq {
				break;
			}
			// The record as stored, not the gateway's rendering of it, is what is checked.
			let record = AuditRecord::<AccountId32>::decode(&mut &entry.record.0[..])
				.context("an audit entry does not decode")?;
			records.push((seq, record));
			entries.push(entry);
		}
		if done || records.len() as u64 >= head.seq {
			break;
		}
	}
	let head = head.unwrap_or_default();
	let check = verify_trail(patient, TrailHead::default(), &records, head);
	Ok(Trail { entries, head, check })
}

/// `patient`'s consent requests still waiting for a decision.
pub fn requests(gw: &Gateway, patient: &AccountId32) -> anyhow::Result<Vec<Consent>> {
	let consents =
		gw.run(gw.client.consent_list(Some(Account::from(patient)), None, None, Some(PAGE)))?;
	Ok(consents.into_iter().filter(|c| c.status == ConsentStatus::Requested).collect())
}

/// A patient's decision on a consent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
	/// Grant the request (and wrap the covered documents' keys for the grantee).
	Grant,
	/// Deny the request.
	Deny,
	/// Revoke a granted consent.
	Revoke,
}

/// What a decision did: the relay's reply and, for a grant, the consent as the patient was
/// shown it — the terms the grant's signature is bound to.
pub struct Decided {
	/// The relay's reply.
	pub written: Written,
	/// For a grant: the consent whose terms were signed.
	pub granted: Option<Consent>,
}

/// Signs `decision` on consent `id` locally and relays it through the gateway. A grant
/// names the hash of the terms shown here (the chain refuses it unless the request it holds
/// has exactly those terms) and carries, for every document the request covers, its data
/// key wrapped for the grantee hospital (the gateway never sees the data keys).
pub fn decide(
	gw: &Gateway,
	keys: &PatientKeys,
	id: u64,
	decision: Decision,
) -> anyhow::Result<Decided> {
	let (call, granted) = match decision {
		Decision::Grant => {
			let consent = gw.run(gw.client.consent_get(id))?;
			let terms = consent.terms().ok_or_else(|| anyhow!("consent {id} has no scope"))?.hash();
			let wraps = grant_wraps(gw, keys, &consent)?;
			(pallet_consent::Call::grant { id, terms, wraps }, Some(consent))
		}
		Decision::Deny => (pallet_consent::Call::deny { id }, None),
		Decision::Revoke => (pallet_consent::Call::revoke { id }, None),
	};
	let written = relay(gw, keys, RuntimeCall::Consent(call)).map_err(|error| {
		if error.to_string().contains("OtherTerms") {
			anyhow!(
				"the gateway's answer does not match the chain: the terms it showed for consent \
				 {id} are not the request's terms on chain; nothing was granted"
			)
		} else {
			error
		}
	})?;
	Ok(Decided { written, granted })
}

/// The data keys of the documents `consent` covers, wrapped for its hospital.
fn grant_wraps(
	gw: &Gateway,
	keys: &PatientKeys,
	consent: &Consent,
) -> anyhow::Result<Vec<(u64, Vec<u8>)>> {
	let org = consent.organisation;
	let orgs = gw.run(gw.client.organisation_list())?;
	let delegate = orgs
		.into_iter()
		.find(|o| o.id == org)
		.map(|o| o.delegate)
		.ok_or_else(|| anyhow!("hospital {org} is not in the consortium"))?;
	let member = gw
		.run(gw.client.member_get(delegate))?
		.ok_or_else(|| anyhow!("hospital {org}'s delegate is no member"))?;
	let to = medledger_envelope::PublicKey::from(member.encryption_key.0);
	let covered: Vec<u64> = documents(gw, &keys.account())?
		.iter()
		.filter(|d| covers(&consent.scope, d))
		.map(|d| d.id)
		.collect();
	let bar =
		if gw.progress { ProgressBar::new(covered.len() as u64) } else { ProgressBar::hidden() };
	let mut wraps = Vec::with_capacity(covered.len());
	for document in covered {
		let (key, _, _) = own_key(gw, keys, document)?;
		let wrapped = medledger_envelope::wrap(&key, &to)
			.map_err(|_| anyhow!("wrapping document {document}'s key failed"))?;
		wraps.push((document, wrapped.to_vec()));
		bar.inc(1);
	}
	bar.finish_and_clear();
	Ok(wraps)
}

/// Whether a grant shares document `doc`'s key: the consent's scope covers it (the chain's
/// own rule, `pallet_consent::ScopeRef::covers`) and the patient's CLI does not share
/// documents entered in error (their hospital withdrew them).
fn covers(scope: &ScopeRequest, doc: &Document) -> bool {
	doc.status != DocumentStatus::EnteredInError
		&& scope.borrowed().is_some_and(|s| s.covers(doc.id, doc.document_type.as_bytes()))
}

/// Signs `call` with the patient's key (nonce and versions from the gateway) and relays it.
fn relay(gw: &Gateway, keys: &PatientKeys, call: RuntimeCall) -> anyhow::Result<Written> {
	let context = gw.run(gw.client.consent_relay_context())?;
	let versions = Versions {
		spec_version: context.spec_version,
		tx_version: context.transaction_version,
		genesis: context.genesis_hash.0.into(),
	};
	let extrinsic = sign_extrinsic(&keys.signing, call, context.nonce, versions);
	Ok(gw.run(gw.client.consent_relay(HexBytes(extrinsic)))?)
}

/// The proof bundle of the patient's document `id`, with the salt recovered from the
/// envelope with their key (the gateway cannot give a patient the salt).
pub fn proof(gw: &Gateway, keys: &PatientKeys, id: u64) -> anyhow::Result<ProofBundle> {
	// A document anchored moments ago waits for the chain's next stored justification (at
	// most 16 blocks).
	let deadline = std::time::Instant::now() + PROOF_WAIT;
	let not_ready = ErrorKind::ProofNotReady.code();
	let mut bundle = loop {
		match gw.run(gw.client.document_proof(id, None, None)) {
			Err(CallError::Refused { code, .. })
				if code == not_ready && std::time::Instant::now() < deadline =>
			{
				std::thread::sleep(std::time::Duration::from_secs(3))
			}
			reply => break reply?,
		}
	};
	let (opened, _) = fetch(gw, keys, id)?;
	bundle.document.salt = Some(opened.salt);
	Ok(bundle)
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn scopes_cover_what_they_name() {
		let mut doc: Document = serde_json::from_value(serde_json::json!({
			"id": 4, "patient": "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY",
			"organisation": 1, "author": "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY",
			"commitment": format!("0x{}", "00".repeat(32)),
			"cid": "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku",
			"size": 1, "mediaType": "text/plain", "documentType": "11502-2", "createdAt": 0,
			"status": { "state": "current" }, "previous": null,
		}))
		.unwrap();
		let types =
			|t: &[&str]| ScopeRequest::DocumentTypes(t.iter().map(|t| t.to_string()).collect());
		assert!(covers(&ScopeRequest::All(true), &doc));
		assert!(covers(&types(&["11502-2"]), &doc));
		assert!(!covers(&types(&["34133-9"]), &doc));
		assert!(covers(&ScopeRequest::Documents(vec![3, 4]), &doc));
		assert!(!covers(&ScopeRequest::Documents(vec![3]), &doc));
		doc.status = DocumentStatus::EnteredInError;
		assert!(!covers(&ScopeRequest::All(true), &doc));
	}
}
