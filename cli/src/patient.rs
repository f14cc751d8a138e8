//! What a patient does through their hospital's gateway, as plain functions: list documents,
//! fetch and decrypt one, read and check the audit trail, decide consent requests, get a
//! proof bundle. Secrets stay here: the gateway gets signed extrinsics and key wraps only.
//! Every chain fact acted on or shown as verified is proved ([`crate::proven`]): a
//! document's record, a trail's head, a consent's terms and status, a hospital's key.

use crate::{
	gateway::Gateway,
	keys::PatientKeys,
	proven::{self, NotTheChain},
};
use anyhow::{anyhow, bail, Context};
use codec::Decode;
use indicatif::ProgressBar;
use medledger_chain_client::{sign_extrinsic, Versions};
use medledger_gateway_api::{
	api::{
		audit::{AuditApiClient, TrailEntry},
		consent::{Consent, ConsentApiClient, ConsentStatus as Listed},
		documents::{Document, DocumentStatus, DocumentsApiClient},
		members::MembersApiClient,
		proofs::ProofsApiClient,
	},
	convert,
	values::{Account, HexBytes},
	Written,
};
use medledger_primitives::audit::{verify_trail, AuditRecord, TrailError, TrailHead};
use medledger_runtime::{Runtime, RuntimeCall};
use medledger_verifier::ProofBundle;
use pallet_consent::{ConsentStatus, Scope};
use pallet_consortium::{MemberStatus, OrgStatus};
use sp_runtime::{traits::Get, AccountId32};
use std::time::{Duration, Instant};

/// Largest page the gateway returns.
const PAGE: u32 = 1000;
/// How long a grant may take to be final and proved: finality lags a few blocks of 2 s, and
/// a justification is stored every 4 blocks; with margin.
const GRANT_FINAL_WAIT: Duration = Duration::from_secs(60);

/// Every document of `patient`, oldest id first.
pub fn documents(gw: &Gateway, patient: &AccountId32) -> anyhow::Result<Vec<Document>> {
	listed(gw, patient, None, None)
}

/// Every document of `patient` with an id above `after` (all, without it), oldest id first;
/// with `finalised_at`, every one up to that finalised block at least (the gateway answers
/// once its index has filed it).
fn listed(
	gw: &Gateway,
	patient: &AccountId32,
	mut after: Option<u64>,
	finalised_at: Option<u64>,
) -> anyhow::Result<Vec<Document>> {
	let mut out: Vec<Document> = Vec::new();
	loop {
		let page = proven::waiting(gw, |client| {
			let patient = Some(Account::from(patient));
			client.document_list(patient, None, after, Some(PAGE), finalised_at)
		})?;
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
/// The envelope wraps it to the key they had when it was anchored; after a key change, the
/// issuing hospital's wrap to the new key (on chain) does. A wrap a gateway makes up opens to
/// a key that does not decrypt the envelope, or (with the envelope swapped too) to a file
/// whose commitment is not the proven one: [`fetch`] refuses both.
fn own_key(
	gw: &Gateway,
	keys: &PatientKeys,
	id: u64,
) -> anyhow::Result<(medledger_envelope::DataKey, Vec<u8>)> {
	let answer = gw.run(gw.client.document_envelope(id))?;
	let envelope = answer.envelope.0;
	if let Ok(key) = medledger_envelope::unwrap_own(&envelope, &keys.encryption) {
		return Ok((key, envelope));
	}
	let mine = *medledger_envelope::PublicKey::from(&keys.encryption).as_bytes();
	match answer.patient_wrap {
		Some(wrap) if wrap.key.0 == mine => {
			let key =
				medledger_envelope::unwrap(&wrap.wrapped.0, &keys.encryption).map_err(|_| {
					anyhow!("document {id}'s key wrapped to this key file does not open")
				})?;
			Ok((key, envelope))
		}
		_ => bail!(
			"document {id} holds no key wrap for this key file yet: its envelope is for the key \
			 you had when it was anchored, and the issuing hospital has not wrapped it to your \
			 current key (it does within seconds of a key change; try again, or use your \
			 previous key file)"
		),
	}
}

/// The patient's document `id`, decrypted with their key and checked against the
/// commitment of its anchor record as proved on chain; with that record and its proof.
pub fn fetch(
	gw: &Gateway,
	keys: &PatientKeys,
	id: u64,
) -> anyhow::Result<(medledger_envelope::Opened, Document, ProofBundle)> {
	let (bundle, verified) = proven::document(gw, id)?;
	if AccountId32::from(verified.record.patient) != keys.account() {
		return Err(NotTheChain(format!("document {id} is another patient's on chain")).into());
	}
	let (key, envelope) = own_key(gw, keys, id)?;
	let opened = medledger_envelope::open(&envelope, &key).map_err(|_| {
		anyhow!("document {id}'s ciphertext was altered (it does not authenticate)")
	})?;
	if !opened.is_anchored_as(&verified.record.commitment, verified.record.org) {
		return Err(NotTheChain(format!(
			"document {id}'s envelope is not the anchored document (its commitment differs \
			 from the one proved on chain)"
		))
		.into());
	}
	let record = pallet_documents::Document::<Runtime>::decode(&mut &bundle.document.record[..])
		.context("the proved record does not decode")?;
	Ok((opened, convert::document(id, &record)?, bundle))
}

/// A patient's audit trail and whether it is complete.
pub struct Trail {
	/// The entries, as the gateway shows them.
	pub entries: Vec<TrailEntry>,
	/// The trail's head (sequence number and hash), as proved on chain.
	pub head: TrailHead,
	/// The block whose state proved the head.
	pub proved_at: u32,
	/// The hash-chain check of the entries as stored against the proven head.
	pub check: Result<(), TrailError>,
}

/// `patient`'s whole audit trail, checked here: every entry, in order, hashing to the
/// trail's head proved on chain (entries after it are left for next time).
pub fn trail(gw: &Gateway, patient: &AccountId32) -> anyhow::Result<Trail> {
	let proven = proven::state(gw, |c| c.trail_proof(Account::from(patient)))?;
	let head = proven.trail(patient).map_err(NotTheChain::from)?;
	let mut entries: Vec<TrailEntry> = Vec::new();
	let mut records: Vec<(u64, AuditRecord<AccountId32>)> = Vec::new();
	while (records.len() as u64) < head.seq {
		let from = records.len() as u64 + 1;
		let page = gw.run(gw.client.audit_trail(Account::from(patient), Some(from), Some(PAGE)))?;
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
		if done {
			break;
		}
	}
	let check = verify_trail(patient, TrailHead::default(), &records, head);
	Ok(Trail { entries, head, proved_at: proven.0.block.1, check })
}

/// `patient`'s consent requests still waiting for a decision, each with its terms and
/// status as proved on chain. The gateway's list says which to look at: one it shows as
/// decided is left out (a lie there only hides a request, which no grant can follow).
pub fn requests(gw: &Gateway, patient: &AccountId32) -> anyhow::Result<Vec<Consent>> {
	let listed =
		gw.run(gw.client.consent_list(Some(Account::from(patient)), None, None, Some(PAGE)))?;
	let mut waiting = Vec::new();
	let listed = listed.into_iter().filter(|c| c.status == Listed::Requested);
	for id in listed.map(|c| c.id) {
		let (consent, _) = proven_consent(gw, patient, id)?;
		if consent.status == ConsentStatus::Requested {
			waiting.push(convert::consent(id, &consent));
		}
	}
	Ok(waiting)
}

/// Consent `id` as proved on chain, and the finalised block it was proved at; it must be
/// `patient`'s.
fn proven_consent(
	gw: &Gateway,
	patient: &AccountId32,
	id: u64,
) -> anyhow::Result<(pallet_consent::Consent<Runtime>, u64)> {
	let proven = proven::state(gw, |c| c.consent_proof(id))?;
	let at = u64::from(proven.0.block.1);
	let consent = proven
		.consent(id)
		.map_err(NotTheChain::from)?
		.ok_or_else(|| NotTheChain(format!("there is no consent {id} on chain")))?;
	if &consent.patient != patient {
		return Err(NotTheChain(format!("consent {id} is another patient's on chain")).into());
	}
	Ok((consent, at))
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

/// What a decision did: the relay's reply and, for a grant, the consent as proved on chain
/// — the terms the grant's signature is bound to.
pub struct Decided {
	/// The relay's reply.
	pub written: Written,
	/// For a grant: the consent whose terms were signed.
	pub granted: Option<Consent>,
	/// For a grant: the documents wrapped once it was final, which the list did not hold
	/// when it was signed ([`wrap_late`]); or why that failed ([`wrap_granted`] tries
	/// again).
	pub late_wraps: Result<Vec<u64>, String>,
}

/// Signs `decision` on consent `id` locally and relays it through the gateway. A grant
/// signs the hash of the request's terms as proved on chain (the chain refuses any other)
/// and carries, for every document the request covers, its data key wrapped for the
/// grantee hospital's key as proved on chain (the gateway never sees the data keys).
/// `confirm` is shown a grant's proven terms before anything is wrapped or signed; it
/// answers whether to go on.
pub fn decide(
	gw: &Gateway,
	keys: &PatientKeys,
	id: u64,
	decision: Decision,
	confirm: impl Fn(&Consent) -> anyhow::Result<bool>,
) -> anyhow::Result<Decided> {
	let (call, granted, listed_at_grant) = match decision {
		Decision::Grant => {
			let (consent, _) = proven_consent(gw, &keys.account(), id)?;
			if consent.status != ConsentStatus::Requested {
				bail!("consent {id} is not waiting for a decision: it is {:?}", consent.status);
			}
			let shown = convert::consent(id, &consent);
			if !confirm(&shown)? {
				bail!("not granted: nothing was signed");
			}
			let terms = consent.terms().hash();
			let grantee = grantee_key(gw, &consent)?;
			let list = listed(gw, &keys.account(), None, None)?;
			let wraps = wrap_covered(gw, keys, &consent, &grantee, &list, |_| true)?;
			let seen = SignedWith { grantee, highest: list.last().map(|d| d.id) };
			(pallet_consent::Call::grant { id, terms, wraps }, Some(shown), Some(seen))
		}
		Decision::Deny => (pallet_consent::Call::deny { id }, None, None),
		Decision::Revoke => (pallet_consent::Call::revoke { id }, None, None),
	};
	let written = relay(gw, keys, RuntimeCall::Consent(call))?;
	// The grant stands whatever happens next: a failure to wrap the rest is reported beside
	// it, for `wrap_granted` to finish.
	let late_wraps = match listed_at_grant {
		Some(seen) => granted_final(gw, keys, id)
			.and_then(|proved| match proved {
				Some((consent, at)) => wrap_late(gw, keys, id, &consent, at, Some(seen)),
				None => Ok(Vec::new()),
			})
			.map_err(|e| format!("{e:#}")),
		None => Ok(Vec::new()),
	};
	Ok(Decided { written, granted, late_wraps })
}

/// What a grant was signed with: the grantee's key as proved then, and the highest document
/// id of the list it wrapped from. A document the list did not hold because its block was
/// not final yet has a higher id (ids are given in block order, and the gateway lists
/// finalised blocks in order), so the late wraps list only above it.
struct SignedWith {
	grantee: medledger_envelope::PublicKey,
	highest: Option<u64>,
}

/// Wraps again, for consent `id` the patient granted, the keys of every document it covers
/// up to its grant (what [`decide`] does once a grant is final; for when that step failed).
/// Wrapping a document again replaces its wrap. The documents wrapped.
pub fn wrap_granted(gw: &Gateway, keys: &PatientKeys, id: u64) -> anyhow::Result<Vec<u64>> {
	let (consent, at) = proven_consent(gw, &keys.account(), id)?;
	if consent.status != ConsentStatus::Granted {
		bail!("consent {id} is not granted (it is {:?}): no key is shared", consent.status);
	}
	wrap_late(gw, keys, id, &consent, at, None)
}

/// Consent `id` once its grant is proved final, and the block that proved it; `None` if it
/// was revoked or expired meanwhile (nothing more to share).
fn granted_final(
	gw: &Gateway,
	keys: &PatientKeys,
	id: u64,
) -> anyhow::Result<Option<(pallet_consent::Consent<Runtime>, u64)>> {
	let deadline = Instant::now() + GRANT_FINAL_WAIT;
	loop {
		let (consent, at) = proven_consent(gw, &keys.account(), id)?;
		match consent.status {
			ConsentStatus::Requested if Instant::now() < deadline => {
				std::thread::sleep(Duration::from_secs(2))
			}
			ConsentStatus::Requested => bail!(
				"consent {id} is not proved granted after {} s: documents anchored just before \
				 the grant are not wrapped for the hospital yet",
				GRANT_FINAL_WAIT.as_secs()
			),
			ConsentStatus::Granted => return Ok(Some((consent, at))),
			_ => return Ok(None),
		}
	}
}

/// Wraps, for granted consent `id` (proved at finalised block `at`), the covered documents
/// the grant left out because the gateway's list did not hold them when it was signed: those
/// anchored in the seconds before it, not final yet. The chain leaves every document up to
/// the grant's `last_document_at_grant` to the patient (later ones to the issuing hospital),
/// and the gateway lists every document of its finalised blocks, so the list through `at`
/// holds them all. Without `seen` (a retry), every covered document up to the grant is
/// wrapped again. The documents wrapped now.
fn wrap_late(
	gw: &Gateway,
	keys: &PatientKeys,
	id: u64,
	consent: &pallet_consent::Consent<Runtime>,
	at: u64,
	seen: Option<SignedWith>,
) -> anyhow::Result<Vec<u64>> {
	let last = consent.last_document_at_grant;
	let after = seen.as_ref().and_then(|s| s.highest);
	if after.is_some_and(|highest| highest >= last) {
		return Ok(Vec::new());
	}
	let list = listed(gw, &keys.account(), after, Some(at))?;
	// The key the grant's own wraps went to, proved a minute or so before: the late wraps
	// join them, to the same key (proving it again could not help the grant's own).
	let grantee = match seen {
		Some(seen) => seen.grantee,
		None => grantee_key(gw, consent)?,
	};
	let rest = wrap_covered(gw, keys, consent, &grantee, &list, |d| d <= last)?;
	let max = <<Runtime as pallet_consent::Config>::MaxWraps as Get<u32>>::get() as usize;
	for wraps in rest.chunks(max) {
		let call = pallet_consent::Call::add_wraps { id, wraps: wraps.to_vec() };
		relay(gw, keys, RuntimeCall::Consent(call))?;
	}
	Ok(rest.into_iter().map(|(document, _)| document).collect())
}

/// The encryption key of `consent`'s hospital as proved on chain (the hospital and its
/// delegate active): what the patient wraps document keys to.
fn grantee_key(
	gw: &Gateway,
	consent: &pallet_consent::Consent<Runtime>,
) -> anyhow::Result<medledger_envelope::PublicKey> {
	let org = consent.org;
	let proven = proven::state(gw, |c| c.organisation_proof(org))?;
	let hospital = proven
		.organisation(org)
		.map_err(NotTheChain::from)?
		.filter(|h| h.status == OrgStatus::Active)
		.ok_or_else(|| anyhow!("hospital {org} is not an active member of the consortium"))?;
	let delegate = proven
		.member(&hospital.delegate)
		.map_err(NotTheChain::from)?
		.filter(|m| m.status == MemberStatus::Active)
		.ok_or_else(|| anyhow!("hospital {org}'s delegate is not an active member"))?;
	Ok(medledger_envelope::PublicKey::from(delegate.encryption_key))
}

/// The data keys of the documents of `list` that `consent` covers and `wanted` takes,
/// wrapped to `to`.
fn wrap_covered(
	gw: &Gateway,
	keys: &PatientKeys,
	consent: &pallet_consent::Consent<Runtime>,
	to: &medledger_envelope::PublicKey,
	list: &[Document],
	wanted: impl Fn(u64) -> bool,
) -> anyhow::Result<Vec<(u64, Vec<u8>)>> {
	let covered: Vec<u64> =
		list.iter().filter(|d| wanted(d.id) && covers(&consent.scope, d)).map(|d| d.id).collect();
	let bar =
		if gw.progress { ProgressBar::new(covered.len() as u64) } else { ProgressBar::hidden() };
	let mut wraps = Vec::with_capacity(covered.len());
	for document in covered {
		let (key, _) = own_key(gw, keys, document)?;
		let wrapped = medledger_envelope::wrap(&key, to)
			.map_err(|_| anyhow!("wrapping document {document}'s key failed"))?;
		wraps.push((document, wrapped.to_vec()));
		bar.inc(1);
	}
	bar.finish_and_clear();
	Ok(wraps)
}

/// Whether a grant shares document `doc`'s key: the consent's scope covers it (the chain's
/// own rule, which it checks again for every wrap) and the patient's CLI does not share
/// documents entered in error (their hospital withdrew them).
fn covers(scope: &Scope<Runtime>, doc: &Document) -> bool {
	!matches!(doc.status, DocumentStatus::EnteredInError { .. })
		&& scope.covers(doc.id, doc.document_type.as_bytes())
}

/// Lifts the bar on hospital `org` breaking the glass on the patient, which revoking its
/// emergency access set (signed with their account key, relayed by the gateway).
pub fn lift_break_glass_hold(
	gw: &Gateway,
	keys: &PatientKeys,
	org: u32,
) -> anyhow::Result<Written> {
	relay(gw, keys, RuntimeCall::Consent(pallet_consent::Call::lift_break_glass_hold { org }))
}

/// Changes the patient's encryption key on chain to `new`'s (signed with their account key,
/// relayed by the gateway). The issuing hospitals then wrap the patient's documents' keys to
/// it ([`own_key`] finds those wraps).
pub fn change_key(gw: &Gateway, new: &PatientKeys) -> anyhow::Result<Written> {
	let encryption_key = *medledger_envelope::PublicKey::from(&new.encryption).as_bytes();
	let call =
		RuntimeCall::Consortium(pallet_consortium::Call::set_encryption_key { encryption_key });
	relay(gw, new, call)
}

/// Signs `call` with the patient's key (nonce and versions from the gateway) and relays it.
fn relay(gw: &Gateway, keys: &PatientKeys, call: RuntimeCall) -> anyhow::Result<Written> {
	let context = gw.run(gw.client.patient_relay_context())?;
	let versions = Versions {
		spec_version: context.spec_version,
		tx_version: context.transaction_version,
		genesis: context.genesis_hash.0.into(),
	};
	let extrinsic = sign_extrinsic(&keys.signing, call, context.nonce, versions);
	Ok(gw.run(gw.client.patient_relay(HexBytes(extrinsic)))?)
}

/// The proof bundle of the patient's document `id`, verified, with the salt recovered from
/// the envelope with their key (the gateway cannot give a patient the salt).
pub fn proof(gw: &Gateway, keys: &PatientKeys, id: u64) -> anyhow::Result<ProofBundle> {
	let (opened, _, mut bundle) = fetch(gw, keys, id)?;
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
		let types = |t: &[&str]| {
			let types: Vec<_> =
				t.iter().map(|t| t.as_bytes().to_vec().try_into().unwrap()).collect();
			Scope::<Runtime>::DocumentTypes(types.try_into().unwrap())
		};
		let documents = |ids: Vec<u64>| Scope::<Runtime>::Documents(ids.try_into().unwrap());
		assert!(covers(&Scope::All, &doc));
		assert!(covers(&types(&["11502-2"]), &doc));
		assert!(!covers(&types(&["34133-9"]), &doc));
		assert!(covers(&documents(vec![3, 4]), &doc));
		assert!(!covers(&documents(vec![3]), &doc));
		doc.status = DocumentStatus::EnteredInError { superseded_by: None };
		assert!(!covers(&Scope::All, &doc));
	}
}
