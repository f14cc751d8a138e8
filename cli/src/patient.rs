//! What a patient does through their hospital's gateway, as plain functions: list documents,
//! fetch and decrypt one, read and check the audit trail, decide consent requests, get a
//! proof bundle. Secrets stay here: the gateway gets signed extrinsics and key wraps only.

use crate::{
	gateway::{CallError, Gateway},
	keys::PatientKeys,
};
use anyhow::{anyhow, bail, Context};
use base64::Engine;
use codec::Decode;
use indicatif::ProgressBar;
use medledger_chain_client::{sign_extrinsic, Versions};
use medledger_primitives::audit::{verify_trail, AuditRecord, TrailError, TrailHead};
use medledger_runtime::RuntimeCall;
use medledger_verifier::ProofBundle;
use serde_json::{json, Value};
use sp_core::crypto::Ss58Codec;
use sp_runtime::AccountId32;

/// Largest page the gateway returns.
const PAGE: u64 = 1000;
/// The gateway's code for "no finality proof covers the document yet".
const PROOF_NOT_READY: i64 = -32043;
/// How long `proof` waits for the next justification (16 blocks of 2 s, and margin).
const PROOF_WAIT: std::time::Duration = std::time::Duration::from_secs(90);

/// Every document of `patient`, oldest id first.
pub fn documents(gw: &Gateway, patient: &AccountId32) -> anyhow::Result<Vec<Value>> {
	let mut out: Vec<Value> = Vec::new();
	let mut after: Option<u64> = None;
	loop {
		let page = gw.call(
			"document_list",
			json!({ "patient": patient.to_ss58check(), "after": after, "limit": PAGE }),
		)?;
		let page = page.as_array().cloned().unwrap_or_default();
		let full = page.len() as u64 == PAGE;
		after = page.iter().filter_map(|d| d["id"].as_u64()).max().or(after);
		out.extend(page);
		if !full {
			break;
		}
	}
	out.sort_by_key(|d| d["id"].as_u64());
	Ok(out)
}

/// The data key of the patient's document `id`, unwrapped with their key, and the envelope.
fn own_key(
	gw: &Gateway,
	keys: &PatientKeys,
	id: u64,
) -> anyhow::Result<(medledger_envelope::DataKey, Vec<u8>, Value)> {
	let reply = gw.call_with_progress("document_envelope", json!({ "id": id }), "downloading")?;
	let envelope = base64::engine::general_purpose::STANDARD
		.decode(reply["envelope"].as_str().unwrap_or_default())
		.context("the gateway's envelope is not base64")?;
	let key = medledger_envelope::unwrap_own(&envelope, &keys.encryption)
		.map_err(|_| anyhow!("document {id}'s envelope holds no key wrap for this key file"))?;
	Ok((key, envelope, reply["document"].clone()))
}

/// The patient's document `id`, decrypted with their key and checked against its anchored
/// commitment; with its anchor record.
pub fn fetch(
	gw: &Gateway,
	keys: &PatientKeys,
	id: u64,
) -> anyhow::Result<(medledger_envelope::Opened, Value)> {
	let (key, envelope, record) = own_key(gw, keys, id)?;
	let opened = medledger_envelope::open(&envelope, &key).map_err(|_| {
		anyhow!("document {id}'s ciphertext was altered (it does not authenticate)")
	})?;
	let anchored = record["commitment"].as_str().unwrap_or_default();
	if format!("0x{}", hex::encode(opened.commitment())) != anchored {
		bail!("document {id} does not match its anchored commitment");
	}
	Ok((opened, record))
}

/// A patient's audit trail and whether it is complete.
pub struct Trail {
	/// The entries, as the gateway shows them.
	pub entries: Vec<Value>,
	/// The chain's head of the trail (sequence number and hash).
	pub head: TrailHead,
	/// The hash-chain check, recomputed here from the entries as stored.
	pub check: Result<(), TrailError>,
}

/// `patient`'s whole audit trail, checked here: every entry, in order, hashing to the
/// chain's head.
pub fn trail(gw: &Gateway, patient: &AccountId32) -> anyhow::Result<Trail> {
	let mut entries: Vec<Value> = Vec::new();
	let mut records: Vec<(u64, AuditRecord<AccountId32>)> = Vec::new();
	let mut head: Option<TrailHead> = None;
	loop {
		let from = records.len() as u64 + 1;
		let page = gw.call(
			"audit_trail",
			json!({ "patient": patient.to_ss58check(), "from": from, "limit": PAGE }),
		)?;
		// The head as of the first page: entries added meanwhile are left for next time.
		let head = *head.get_or_insert(TrailHead {
			seq: page["head"]["seq"].as_u64().unwrap_or(0),
			head: hash32(&page["head"]["head"])?,
		});
		let batch = page["entries"].as_array().cloned().unwrap_or_default();
		let done = batch.len() as u64 != PAGE;
		for entry in batch {
			let seq = entry["seq"].as_u64().unwrap_or(0);
			if seq > head.seq {
				break;
			}
			let bytes =
				hex::decode(entry["record"].as_str().unwrap_or_default().trim_start_matches("0x"))
					.context("an audit entry is not hex")?;
			let record = AuditRecord::<AccountId32>::decode(&mut &bytes[..])
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
pub fn requests(gw: &Gateway, patient: &AccountId32) -> anyhow::Result<Vec<Value>> {
	let consents = gw.call("consent_list", json!({ "patient": patient.to_ss58check() }))?;
	Ok(consents
		.as_array()
		.into_iter()
		.flatten()
		.filter(|c| c["status"] == "Requested")
		.cloned()
		.collect())
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

/// Signs `decision` on consent `id` locally and relays it through the gateway. A grant
/// carries, for every document the request covers, its data key wrapped for the grantee
/// hospital (the gateway never sees the data keys). The relay's reply.
pub fn decide(
	gw: &Gateway,
	keys: &PatientKeys,
	id: u64,
	decision: Decision,
) -> anyhow::Result<Value> {
	let call = match decision {
		Decision::Grant => {
			let wraps = grant_wraps(gw, keys, id)?;
			pallet_consent::Call::grant { id, wraps }
		}
		Decision::Deny => pallet_consent::Call::deny { id },
		Decision::Revoke => pallet_consent::Call::revoke { id },
	};
	relay(gw, keys, RuntimeCall::Consent(call))
}

/// The data keys of the documents consent `id` covers, wrapped for its hospital.
fn grant_wraps(gw: &Gateway, keys: &PatientKeys, id: u64) -> anyhow::Result<Vec<(u64, Vec<u8>)>> {
	let consent = gw.call("consent_get", json!({ "id": id }))?;
	let org = consent["organisation"]
		.as_u64()
		.ok_or_else(|| anyhow!("consent {id} names no hospital"))?;
	let orgs = gw.call("organisation_list", json!({}))?;
	let delegate = orgs
		.as_array()
		.into_iter()
		.flatten()
		.find(|o| o["id"].as_u64() == Some(org))
		.and_then(|o| o["delegate"].as_str().map(String::from))
		.ok_or_else(|| anyhow!("hospital {org} is not in the consortium"))?;
	let member = gw.call("member_get", json!({ "account": delegate }))?;
	let to = medledger_envelope::PublicKey::from(
		hash32(&member["encryptionKey"]).context("the hospital's encryption key")?,
	);
	let covered: Vec<u64> = documents(gw, &keys.account())?
		.iter()
		.filter(|d| covers(&consent["scope"], d))
		.filter_map(|d| d["id"].as_u64())
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

/// Whether a consent's scope (as the gateway shows it) covers document `doc`. Documents
/// entered in error are never shared.
fn covers(scope: &Value, doc: &Value) -> bool {
	if doc["status"]["state"] == "enteredInError" {
		return false;
	}
	if scope["all"] == true {
		return true;
	}
	let listed = |field: &str, value: &Value| {
		scope[field].as_array().is_some_and(|items| items.contains(value))
	};
	listed("documentTypes", &doc["documentType"]) || listed("documents", &doc["id"])
}

/// Signs `call` with the patient's key (nonce and versions from the gateway) and relays it.
fn relay(gw: &Gateway, keys: &PatientKeys, call: RuntimeCall) -> anyhow::Result<Value> {
	let context = gw.call("consent_relayContext", json!({}))?;
	let number = |field: &str| {
		context[field]
			.as_u64()
			.map(|n| n as u32)
			.ok_or_else(|| anyhow!("relay context lacks {field}"))
	};
	let versions = Versions {
		spec_version: number("specVersion")?,
		tx_version: number("transactionVersion")?,
		genesis: hash32(&context["genesisHash"])?.into(),
	};
	let extrinsic = sign_extrinsic(&keys.signing, call, number("nonce")?, versions);
	Ok(gw.call("consent_relay", json!({ "extrinsic": format!("0x{}", hex::encode(extrinsic)) }))?)
}

/// The proof bundle of the patient's document `id`, with the salt recovered from the
/// envelope with their key (the gateway cannot give a patient the salt).
pub fn proof(gw: &Gateway, keys: &PatientKeys, id: u64) -> anyhow::Result<ProofBundle> {
	// A document anchored moments ago waits for the chain's next stored justification (at
	// most 16 blocks).
	let deadline = std::time::Instant::now() + PROOF_WAIT;
	let reply = loop {
		match gw.call("document_proof", json!({ "id": id })) {
			Err(CallError::Refused { code: PROOF_NOT_READY, .. })
				if std::time::Instant::now() < deadline =>
			{
				std::thread::sleep(std::time::Duration::from_secs(3))
			}
			reply => break reply?,
		}
	};
	let mut bundle: ProofBundle =
		serde_json::from_value(reply).context("the gateway's proof bundle is malformed")?;
	let (opened, _) = fetch(gw, keys, id)?;
	bundle.document.salt = Some(opened.salt);
	Ok(bundle)
}

fn hash32(value: &Value) -> anyhow::Result<[u8; 32]> {
	let text = value.as_str().unwrap_or_default();
	hex::decode(text.trim_start_matches("0x"))
		.ok()
		.and_then(|b| b.try_into().ok())
		.ok_or_else(|| anyhow!("expected 32 bytes of hex, got {text:.20}"))
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn scopes_cover_what_they_name() {
		let doc = json!({ "id": 4, "documentType": "11502-2", "status": { "state": "current" } });
		assert!(covers(&json!({ "all": true }), &doc));
		assert!(covers(&json!({ "documentTypes": ["11502-2"] }), &doc));
		assert!(!covers(&json!({ "documentTypes": ["34133-9"] }), &doc));
		assert!(covers(&json!({ "documents": [3, 4] }), &doc));
		assert!(!covers(&json!({ "documents": [3] }), &doc));
		let withdrawn = json!({ "id": 4, "status": { "state": "enteredInError" } });
		assert!(!covers(&json!({ "all": true }), &withdrawn));
	}
}
