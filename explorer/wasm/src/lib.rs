//! # The explorer's trail check, run in the auditor's browser
//!
//! An auditor should not have to take the gateway's word that a patient's audit trail is
//! complete. The explorer page therefore fetches the trail's entries *as stored on chain*
//! (each `AuditRecord` in SCALE) and the trail's head, and runs this crate — compiled to
//! WebAssembly and served by the gateway with the page — to recompute the hash chain with
//! [`medledger_primitives::audit::verify_trail`], the very function that defines it. What
//! the page shows of each entry is what this crate decoded from those bytes, not the
//! gateway's JSON about them, so a list with an entry dropped, reordered or altered shows as
//! broken at that entry.
//!
//! The head itself is checked too when the auditor has loaded the consortium's trust file
//! (kept in the browser): the page passes the gateway's `trail_proof` and the trust file,
//! and [`medledger_verifier::verify_state`] proves the head at a block GRANDPA finalised
//! under the trusted authority set — so a gateway that drops the newest entries and moves
//! the head back is caught as well. The answer says which block and set it was proved at.
//!
//! [`check`] is the whole logic (tested natively); on `wasm32` it is exported to the page
//! through wasm-bindgen as `checkTrail`, JSON text in and out.

use codec::DecodeAll;
use medledger_primitives::audit::{
	verify_trail, AuditAction, AuditRecord, Outcome, SequencedRecord, Subject, TrailError,
	TrailHead,
};
use serde::Deserialize;
use serde_json::{json, Value};

/// The chain's SS58 address prefix (the runtime's `SS58Prefix`).
const SS58_PREFIX: u8 = 42;

/// What the page asks: whose trail, the head to check it against, the entries as stored.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Request {
	/// The patient, in SS58 (as the auditor asked for them).
	pub patient: String,
	/// The trail's head at a block as the gateway reports it: the last sequence number and
	/// the hash after it (used when no proof is given).
	pub trusted: Head,
	/// The entries from sequence number 1, each with its SCALE-encoded `AuditRecord`.
	pub entries: Vec<Entry>,
	/// The gateway's state proof of the trail head (`trail_proof`) and the auditor's trust
	/// file (or raw chain spec) text: given both, the head is the proven one.
	#[serde(default)]
	pub proof: Option<Proven>,
}

/// A trail head's proof and what it is checked against.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Proven {
	/// The state proof.
	pub state: medledger_verifier::StateProof,
	/// The trust file's text.
	pub trust: String,
}

/// A trail head as the gateway reports it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Head {
	/// Sequence number of the last entry.
	pub seq: u64,
	/// The head hash, `0x` hex.
	pub head: String,
}

/// One entry as the gateway returns it; only its number and stored bytes are used.
#[derive(Deserialize)]
pub struct Entry {
	/// Its sequence number.
	pub seq: u64,
	/// `AuditRecord` (entry and head after it), SCALE, `0x` hex.
	pub record: String,
}

/// Checks a trail. The answer: `verified`, and if not, `brokenAt` (the first entry number
/// that is missing, altered or misplaced, when one can be named) and `problem` (what was
/// found); `entries` are the records decoded, for display.
pub fn check(request: &str) -> Value {
	match check_request(request) {
		Ok(answer) => answer,
		Err(message) => {
			json!({ "verified": false, "brokenAt": null, "problem": message, "entries": [] })
		}
	}
}

fn check_request(request: &str) -> Result<Value, String> {
	let request: Request =
		serde_json::from_str(request).map_err(|e| format!("unreadable request: {e}"))?;
	let patient = ss58_decode(&request.patient).ok_or("the patient is not an SS58 account")?;
	let (trusted, proven) = match &request.proof {
		Some(proof) => {
			let (head, at) = proven_head(&patient, proof).map_err(|failure| {
				format!("the gateway's answer does not match the chain: {failure}")
			})?;
			(head, json!({ "block": at.0, "setId": at.1 }))
		}
		None => {
			let head = bytes32(&request.trusted.head).ok_or("the trusted head is not 32 bytes")?;
			(TrailHead { seq: request.trusted.seq, head }, Value::Null)
		}
	};

	let mut records: Vec<SequencedRecord<[u8; 32]>> = Vec::new();
	// Entries after the head being checked against are left for a later check.
	for entry in request.entries.iter().filter(|e| e.seq <= trusted.seq) {
		let decoded = hex::decode(entry.record.trim_start_matches("0x"))
			.ok()
			// Nothing may follow the record: appended bytes are an alteration too.
			.and_then(|bytes| AuditRecord::<[u8; 32]>::decode_all(&mut &bytes[..]).ok());
		match decoded {
			Some(record) => records.push((entry.seq, record)),
			None => {
				let shown: Vec<Value> = records.iter().map(view).collect();
				return Ok(json!({
					"verified": false,
					"brokenAt": entry.seq,
					"problem": format!("entry {} is not an audit record of this chain", entry.seq),
					"entries": shown,
				}));
			}
		}
	}
	let shown: Vec<Value> = records.iter().map(view).collect();
	let outcome = verify_trail(&patient, TrailHead::default(), &records, trusted);
	let (broken_at, problem) = match outcome {
		Ok(()) => (None, None),
		Err(error) => {
			let (at, text) = explain(error);
			(at, Some(text))
		}
	};
	Ok(json!({
		"verified": problem.is_none(),
		"brokenAt": broken_at,
		"problem": problem,
		"entries": shown,
		"head": { "seq": trusted.seq, "head": format!("0x{}", hex::encode(trusted.head)) },
		"proven": proven,
	}))
}

/// `patient`'s trail head proved by `proof` against its trust file; the block (number) and
/// authority set (id) it was proved at.
fn proven_head(
	patient: &[u8; 32],
	proof: &Proven,
) -> Result<(TrailHead, (u32, u64)), medledger_verifier::Failure> {
	use medledger_verifier::{state::trail_key, verify_state, Failure, TrustedSet};
	let trusted = TrustedSet::from_json(&proof.trust)?;
	let state = verify_state(&proof.state, &trusted)?;
	let head = match state.read(&trail_key(patient))? {
		None => TrailHead::default(),
		Some(bytes) => TrailHead::decode_all(&mut &bytes[..])
			.map_err(|_| Failure::Malformed("the proved trail head does not decode".into()))?,
	};
	Ok((head, (state.block.1, trusted.set_id)))
}

/// The entry number a trail error points at, and what it means.
fn explain(error: TrailError) -> (Option<u64>, String) {
	match error {
		TrailError::OutOfSequence { expected, found, .. } => (
			Some(expected),
			format!(
				"entry {expected} is missing or out of order: entry {found} comes in its place"
			),
		),
		TrailError::WrongPatient { seq } => {
			(Some(seq), format!("entry {seq} belongs to another patient's trail"))
		}
		TrailError::Altered { seq } => {
			(Some(seq), format!("entry {seq} does not hash to the head recorded with it: altered"))
		}
		TrailError::Incomplete { last, trusted } => (
			Some(last + 1),
			format!("the list ends at entry {last} but the chain's head is at entry {trusted}"),
		),
		TrailError::BeyondTrusted { trusted } => {
			(Some(trusted + 1), format!("the list goes past the chain's head at entry {trusted}"))
		}
		TrailError::HeadMismatch => (
			None,
			"every entry matches its recorded head, but the chain does not end at the trusted \
			 head: entries were altered and their heads recomputed"
				.into(),
		),
	}
}

/// An audit entry with its place in the patient's trail, as JSON. The gateway's answers
/// and this check's decoded entries both have this shape, so the page shows either with one
/// table; `account` writes an account (SS58).
pub fn entry_view<A>(seq: u64, record: &AuditRecord<A>, account: impl Fn(&A) -> String) -> Value {
	let e = &record.entry;
	let subject = match e.subject {
		Subject::Document(id) => json!({ "document": id }),
		Subject::Consent(id) => json!({ "consent": id }),
		Subject::Patient => json!({ "patient": true }),
	};
	let outcome = match e.outcome {
		Outcome::Success => json!({ "result": "success" }),
		Outcome::Refused(refusal) => {
			json!({ "result": "refused", "refusal": format!("{refusal:?}") })
		}
	};
	let action = match e.action {
		AuditAction::Create => "Create",
		AuditAction::Read => "Read",
		AuditAction::Update => "Update",
		AuditAction::Delete => "Delete",
		AuditAction::Execute => "Execute",
	};
	json!({
		"patient": account(&e.patient),
		"seq": seq,
		"actor": account(&e.actor),
		"organisation": e.org,
		"action": action,
		"subject": subject,
		"consent": e.consent,
		"purpose": e.purpose.map(|p| format!("{p:?}")),
		"outcome": outcome,
		"at": e.at,
		"occurredAt": e.occurred_at,
		"head": format!("0x{}", hex::encode(record.head)),
	})
}

/// An entry decoded from its stored bytes.
fn view((seq, record): &SequencedRecord<[u8; 32]>) -> Value {
	entry_view(*seq, record, ss58_encode)
}

fn bytes32(text: &str) -> Option<[u8; 32]> {
	hex::decode(text.trim_start_matches("0x")).ok()?.try_into().ok()
}

/// SS58's checksum: the first two bytes of BLAKE2b-512("SS58PRE" ‖ prefix ‖ key).
fn ss58_checksum(body: &[u8]) -> [u8; 2] {
	let hash = blake2b_simd::Params::new()
		.hash_length(64)
		.to_state()
		.update(b"SS58PRE")
		.update(body)
		.finalize();
	[hash.as_bytes()[0], hash.as_bytes()[1]]
}

/// The 32-byte account of an SS58 address with this chain's prefix and a valid checksum.
pub fn ss58_decode(text: &str) -> Option<[u8; 32]> {
	let bytes = bs58::decode(text).into_vec().ok()?;
	let (body, checksum) = bytes.split_at_checked(33)?;
	if body[0] != SS58_PREFIX || checksum != ss58_checksum(body) {
		return None;
	}
	body[1..].try_into().ok()
}

/// The SS58 address of an account, with this chain's prefix.
pub fn ss58_encode(account: &[u8; 32]) -> String {
	let mut bytes = Vec::with_capacity(35);
	bytes.push(SS58_PREFIX);
	bytes.extend_from_slice(account);
	let checksum = ss58_checksum(&bytes);
	bytes.extend_from_slice(&checksum);
	bs58::encode(bytes).into_string()
}

/// The boundary with JavaScript, generated by wasm-bindgen: `checkTrail(requestJson)`
/// returns the answer as JSON text (explorer/build.rs turns the bindings into the ES module
/// `trail_check.js` the page imports).
#[cfg(target_arch = "wasm32")]
mod bindings {
	use wasm_bindgen::prelude::wasm_bindgen;

	/// [`super::check`] over JSON text, for the page.
	#[wasm_bindgen(js_name = checkTrail)]
	pub fn check_trail(request: &str) -> String {
		super::check(request).to_string()
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use codec::Encode;
	use medledger_primitives::audit::AuditEntry;

	const PATIENT: [u8; 32] = [7; 32];

	/// A patient's trail of `n` entries as stored, and the request the page would send.
	fn request(n: u64) -> Value {
		let mut head = TrailHead::default();
		let mut entries = Vec::new();
		for seq in 1..=n {
			let entry = AuditEntry {
				patient: PATIENT,
				actor: [9; 32],
				org: Some(1),
				action: AuditAction::Read,
				subject: Subject::Document(seq),
				consent: None,
				purpose: None,
				outcome: Outcome::Success,
				at: seq * 1000,
				occurred_at: None,
			};
			head = head.append(&entry);
			let record = AuditRecord { entry, head: head.head };
			entries.push(
				json!({ "seq": seq, "record": format!("0x{}", hex::encode(record.encode())) }),
			);
		}
		json!({
			"patient": ss58_encode(&PATIENT),
			"trusted": { "seq": head.seq, "head": format!("0x{}", hex::encode(head.head)) },
			"entries": entries,
		})
	}

	#[test]
	fn a_head_proof_that_does_not_verify_names_the_gateway() {
		let mut forged = request(4);
		let hex = |n: usize| format!("0x{}", "00".repeat(n));
		forged["proof"] = json!({
			"state": {
				"format": medledger_verifier::STATE_FORMAT,
				"genesisHash": hex(32),
				"block": { "number": 9, "hash": hex(32), "header": hex(4) },
				"storageProof": [],
				"headers": [],
				"finality": { "setId": 0, "justification": hex(8) },
			},
			"trust": json!({
				"format": medledger_verifier::TRUST_FORMAT,
				"genesisHash": hex(32),
				"setId": 0,
				"authorities": [{ "id": hex(32), "weight": 1 }],
			})
			.to_string(),
		});
		let answer = check(&forged.to_string());
		assert_eq!(answer["verified"], false, "{answer}");
		let problem = answer["problem"].as_str().unwrap();
		assert!(problem.contains("does not match the chain"), "{answer}");
		assert!(answer["entries"].as_array().unwrap().is_empty(), "nothing shown as verified");
	}

	#[test]
	fn a_whole_trail_is_verified_and_decoded() {
		let answer = check(&request(4).to_string());
		assert_eq!(answer["verified"], true, "{answer}");
		assert_eq!(answer["entries"].as_array().unwrap().len(), 4);
		assert_eq!(answer["entries"][2]["subject"]["document"], 3);
		assert_eq!(answer["entries"][2]["actor"], ss58_encode(&[9; 32]));
	}

	#[test]
	fn a_missing_entry_breaks_the_trail_at_it() {
		let mut request = request(4);
		request["entries"].as_array_mut().unwrap().remove(1);
		let answer = check(&request.to_string());
		assert_eq!(answer["verified"], false);
		assert_eq!(answer["brokenAt"], 2);
	}

	#[test]
	fn an_altered_entry_breaks_the_trail_at_it() {
		let mut request = request(4);
		let record = request["entries"][2]["record"].as_str().unwrap().to_string();
		// The last byte of the entry before the 32-byte head: a byte of its time.
		let mut bytes = hex::decode(&record[2..]).unwrap();
		let at = bytes.len() - 33;
		bytes[at] ^= 1;
		request["entries"][2]["record"] = format!("0x{}", hex::encode(bytes)).into();
		let answer = check(&request.to_string());
		assert_eq!(
			(answer["verified"].clone(), answer["brokenAt"].clone()),
			(json!(false), json!(3))
		);
	}

	#[test]
	fn a_short_list_or_another_patient_is_not_verified() {
		let mut short = request(4);
		short["entries"].as_array_mut().unwrap().pop();
		assert_eq!(check(&short.to_string())["brokenAt"], 4);
		let mut other = request(2);
		other["patient"] = ss58_encode(&[8; 32]).into();
		assert_eq!(check(&other.to_string())["brokenAt"], 1);
	}

	#[test]
	fn ss58_round_trips_and_refuses_bad_checksums() {
		let text = ss58_encode(&[3; 32]);
		assert_eq!(ss58_decode(&text), Some([3; 32]));
		// Alice's well-known dev account.
		assert!(ss58_decode("5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY").is_some());
		let mut broken = text.into_bytes();
		let last = broken.len() - 1;
		broken[last] = if broken[last] == b'1' { b'2' } else { b'1' };
		assert_eq!(ss58_decode(&String::from_utf8(broken).unwrap()), None);
		assert!(check("not json")["problem"].as_str().unwrap().contains("unreadable"));
	}
}
