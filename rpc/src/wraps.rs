//! The key wraps this hospital owes other hospitals, as the issuer of documents.
//!
//! A hospital reads another's document with the document's data key wrapped to its own
//! encryption key (`KeyWraps` on chain, one per document and hospital). The patient wraps
//! the documents that exist when they grant; only the issuing hospital's gateway holds the
//! data keys of what it anchors later, so it wraps:
//! - documents it anchors for a patient who has granted another hospital access covering
//!   them (documents newer than the grant);
//! - all documents it issued for a patient while a clinician of another hospital has the
//!   glass broken.
//!
//! The worker follows finalised blocks from a cursor kept in the store. A block's
//! `Documents.Anchored` (by this hospital) and `Consent.BreakGlass` (by another hospital)
//! events name patients to reconcile; the cursor passes a block only once they
//! are, so outages and restarts leave nothing owed undone. Reconciling a patient asks the
//! chain, for each hospital holding an active grant and each document issued here, whether
//! the hospital may read it and under which consent (`ConsentApi_can_access`, as the
//! hospital's delegate); where the chain lets the issuer wrap under that consent and no wrap
//! exists, the data key is unwrapped from the envelope and wrapped to the hospital's
//! registered key, all of one consent in one `add_wraps`.
//!
//! It also owes patients: when a patient changes their encryption key
//! (`Consortium.EncryptionKeyChanged`), the envelopes of the documents issued here still wrap
//! the data keys to the old one. Each such document's key is wrapped to the new key and filed
//! on chain (`consent.wrap_for_patient`, naming the key), so the patient's CLI opens old
//! documents with the new key alone — whichever hospital's gateway it talks to.

use crate::Gateway;
use frame_support::traits::Get;
use medledger_chain_client::ChainError;
use medledger_gateway_api::GatewayError;
use medledger_primitives::{audit::Refusal, Action, ConsentId, DocId, OrgId};
use medledger_runtime::{Runtime, RuntimeCall, RuntimeEvent};
use pallet_consent::{Access, Consent, ConsentStatus, KeyWrap, PatientWrap};
use pallet_consortium::{Member, Role};
use pallet_documents::Document;
use sp_runtime::AccountId32;
use std::{
	collections::{BTreeMap, BTreeSet},
	sync::Arc,
	time::Duration,
};

/// Pause between passes.
const POLL: Duration = Duration::from_secs(2);

/// Runs the worker until the gateway stops.
pub async fn run(gw: Arc<Gateway>) {
	loop {
		if let Err(error) = pass(&gw).await {
			tracing::warn!(%error, "key wraps not brought up to date yet; retrying");
		}
		tokio::time::sleep(POLL).await;
	}
}

/// Deals with every finalised block after the cursor.
async fn pass(gw: &Gateway) -> Result<(), GatewayError> {
	let head = gw.chain.finalised_head().await?;
	let head = gw.chain.block_number(head).await?;
	// A new gateway has issued nothing yet: it starts at the current head.
	let mut next = gw.store.wrap_cursor()?.unwrap_or(head);
	let own = gw.keystore.read().await.organisation();
	while next <= head {
		// The documents of a rooted batch are known (listed, read) once the index filed
		// their block: a block passed before then would leave them unwrapped for good.
		if !gw.index.filed(next, POLL).await {
			break;
		}
		let Some(hash) = gw.chain.block_hash(next).await? else { break };
		let mut patients = BTreeSet::new();
		let mut rekeyed = BTreeSet::new();
		for record in gw.chain.events_at(hash).await? {
			match record.event {
				RuntimeEvent::Documents(pallet_documents::Event::Anchored {
					patient, org, ..
				}) if org == own => {
					patients.insert(patient);
				}
				RuntimeEvent::Consent(pallet_consent::Event::BreakGlass {
					patient, org, ..
				}) if org != own => {
					patients.insert(patient);
				}
				RuntimeEvent::Consortium(pallet_consortium::Event::EncryptionKeyChanged {
					who,
				}) => {
					rekeyed.insert(who);
				}
				_ => {}
			}
		}
		for patient in patients {
			reconcile(gw, own, &patient).await?;
		}
		for patient in rekeyed {
			rewrap_for_patient(gw, own, &patient).await?;
		}
		next += 1;
		gw.store.set_wrap_cursor(next)?;
	}
	Ok(())
}

/// Adds the wraps this hospital owes for `patient`'s documents.
async fn reconcile(gw: &Gateway, own: OrgId, patient: &AccountId32) -> Result<(), GatewayError> {
	let grantees = grantees(gw, own, patient).await?;
	if grantees.is_empty() {
		return Ok(());
	}
	let documents = issued_here(gw, own, patient).await?;
	let mut owed: BTreeMap<ConsentId, Vec<(DocId, Vec<u8>)>> = BTreeMap::new();
	for (org, (delegate, key)) in &grantees {
		for (id, doc) in &documents {
			let access: Result<Access, Refusal> =
				gw.chain.api().can_access(delegate, *id, Action::Read, None).await?;
			let Ok(Access::Consent(consent_id)) = access else { continue };
			let consent: Option<Consent<Runtime>> = gw.chain.api().consent(consent_id).await?;
			let Some(consent) = consent else { continue };
			// The patient wraps what existed when they granted; the chain refuses ours.
			if consent.break_glass_reason.is_none() && *id <= consent.last_document_at_grant {
				continue;
			}
			let wrap: Option<KeyWrap<Runtime>> = gw.chain.api().key_wrap(*id, *org).await?;
			if wrap.is_some_and(|w| w.consent == consent_id) {
				continue;
			}
			let data_key = own_data_key(gw, *id, &envelope_of(gw, *id, doc).await?).await?;
			let wrapped = medledger_envelope::wrap(&data_key, key).map_err(|e| {
				GatewayError::internal(format!(
					"a hospital's registered key cannot be wrapped to: {e}"
				))
			})?;
			owed.entry(consent_id).or_default().push((*id, wrapped.to_vec()));
		}
	}
	let signer = signer(gw, own).await?;
	for (consent, wraps) in owed {
		let count = wraps.len();
		let call = RuntimeCall::Consent(pallet_consent::Call::add_wraps { id: consent, wraps });
		// Refused: revoked or expired meanwhile (nothing is owed any more), or past the
		// pallet's `MaxWraps` per consent (retrying cannot help).
		submit(gw, &signer, call, count, "data keys for a grantee hospital").await?;
	}
	Ok(())
}

/// Submits `call`, filing `count` wraps of `what`. A refusal is logged, not retried: why it
/// cannot help is the caller's to say.
async fn submit(
	gw: &Gateway,
	signer: &sp_core::sr25519::Pair,
	call: RuntimeCall,
	count: usize,
	what: &str,
) -> Result<(), GatewayError> {
	match gw.chain.submit(signer, call).await {
		Ok((_, watch)) => {
			tracing::info!(count, "wrapped {what}");
			gw.watch_finality(watch, None);
		}
		Err(ChainError::Rejected(error) | ChainError::Failed { error, .. }) => {
			tracing::warn!(count, %error, "the chain refused wraps of {what}")
		}
		Err(other) => return Err(other.into()),
	}
	Ok(())
}

/// The other hospitals with an active read grant from `patient`: their delegate (whose
/// view of access the chain answers for) and their encryption key.
async fn grantees(
	gw: &Gateway,
	own: OrgId,
	patient: &AccountId32,
) -> Result<BTreeMap<OrgId, (AccountId32, medledger_envelope::PublicKey)>, GatewayError> {
	let consents: Vec<(ConsentId, Consent<Runtime>)> =
		gw.chain.api().all_consents_by_patient(patient).await?;
	let orgs: BTreeSet<OrgId> = consents
		.iter()
		.filter(|(_, c)| c.org != own && c.status == ConsentStatus::Granted && c.actions.read)
		.map(|(_, c)| c.org)
		.collect();
	let mut out = BTreeMap::new();
	if orgs.is_empty() {
		return Ok(out);
	}
	let all: Vec<(OrgId, pallet_consortium::OrganisationOf<Runtime>)> =
		gw.chain.api().organisations().await?;
	for (id, org) in all.into_iter().filter(|(id, _)| orgs.contains(id)) {
		let member: Option<Member<u32>> = gw.chain.api().member(&org.delegate).await?;
		if let Some(member) = member {
			out.insert(
				id,
				(org.delegate, medledger_envelope::PublicKey::from(member.encryption_key)),
			);
		}
	}
	Ok(out)
}

/// `patient`'s documents issued by this hospital.
async fn issued_here(
	gw: &Gateway,
	own: OrgId,
	patient: &AccountId32,
) -> Result<Vec<(DocId, Document<Runtime>)>, GatewayError> {
	let whose = crate::portal::Whose::Patient(patient.clone());
	let documents = crate::records::all(gw, &whose).await?;
	Ok(documents.into_iter().filter(|(_, doc)| doc.org == own).collect())
}

/// Wraps the data keys of `patient`'s documents issued here to their current encryption key,
/// after they changed it: each document whose envelope is for another key and whose wrap on
/// chain (if any) too. Nothing for staff (no one else reads with their key).
async fn rewrap_for_patient(
	gw: &Gateway,
	own: OrgId,
	patient: &AccountId32,
) -> Result<(), GatewayError> {
	let member: Option<Member<u32>> = gw.chain.api().member(patient).await?;
	let Some(member) = member.filter(|m| m.role == Role::Patient) else { return Ok(()) };
	let key = medledger_envelope::PublicKey::from(member.encryption_key);
	let mut owed = Vec::new();
	for (id, doc) in issued_here(gw, own, patient).await? {
		let filed: Option<PatientWrap<Runtime>> = gw.chain.api().patient_wrap(id).await?;
		if filed.is_some_and(|w| w.key == member.encryption_key) {
			continue;
		}
		let envelope = envelope_of(gw, id, &doc).await?;
		let recipients =
			medledger_envelope::recipients(&envelope).map_err(GatewayError::internal)?;
		// Anchored after the change: the envelope already wraps to the new key.
		if recipients.iter().any(|(to, _)| *to == key) {
			continue;
		}
		let data_key = own_data_key(gw, id, &envelope).await?;
		let wrapped = medledger_envelope::wrap(&data_key, &key).map_err(|e| {
			GatewayError::internal(format!("a patient's registered key cannot be wrapped to: {e}"))
		})?;
		owed.push((id, wrapped.to_vec()));
	}
	if owed.is_empty() {
		return Ok(());
	}
	let signer = signer(gw, own).await?;
	let max = <<Runtime as pallet_consent::Config>::MaxWraps as Get<u32>>::get() as usize;
	for wraps in owed.chunks(max) {
		let call = RuntimeCall::Consent(pallet_consent::Call::wrap_for_patient {
			patient: patient.clone(),
			key: member.encryption_key,
			wraps: wraps.to_vec(),
		});
		// Refused: the patient changed their key again, or left, meanwhile; the next
		// change's event brings this back with the key then current.
		submit(gw, &signer, call, wraps.len(), "data keys to a patient's new key").await?;
	}
	Ok(())
}

/// The envelope of a document, from this gateway's store or the consortium's IPFS.
async fn envelope_of(
	gw: &Gateway,
	id: DocId,
	doc: &Document<Runtime>,
) -> Result<Vec<u8>, GatewayError> {
	gw.envelope(id, doc).await
}

/// The data key of a document this hospital issued: its own wrap in the envelope's header.
async fn own_data_key(
	gw: &Gateway,
	id: DocId,
	envelope: &[u8],
) -> Result<medledger_envelope::DataKey, GatewayError> {
	let keystore = gw.keystore.read().await;
	keystore.unwrap_own(envelope).map_err(|_| GatewayError::NoKeyWrap(id))
}

/// A staff key of this hospital to sign `add_wraps` with.
async fn signer(gw: &Gateway, own: OrgId) -> Result<sp_core::sr25519::Pair, GatewayError> {
	let keystore = gw.keystore.read().await;
	keystore
		.accounts()
		.iter()
		.find(|a| matches!(a.role, Role::OrgAdmin(o) | Role::Clinician(o) if o == own))
		.map(|a| a.pair.clone())
		.ok_or_else(|| {
			GatewayError::internal("no staff key in the keystore to sign key wraps with")
		})
}
