//! The compliance report of a hospital for a period: what it anchored, the consents it
//! asked for, and every audit entry it caused — as CSV (one row per record) or as a FHIR R4
//! `Bundle` (type `collection`) of `DocumentReference`, `Consent` and `AuditEvent`.
//!
//! Everything comes from the chain; the report only changes its shape. Accounts are given
//! as SS58 identifiers (`urn:medledger:account`), hospitals by their id
//! (`urn:medledger:organisation`), documents by id (`urn:medledger:document`) — the
//! identifiers an auditor looks up in the explorer.
//!
//! ## Why the FHIR resources are built as JSON here, not from a typed model crate
//!
//! Of the Rust FHIR model crates, only `fhirbolt` (0.4) has R4, the version hospitals
//! exchange; `fhir-model`/`fhir-sdk` cover STU3, R4B and R5. A port of this module to
//! fhirbolt gives the same JSON (tried in a scratch crate: every resource compared field by
//! field), but `fhirbolt-serde` turns on serde_json's `arbitrary_precision` and
//! `preserve_order` features, and Cargo unifies features across the build: every JSON value
//! of the gateway — the JSON-RPC server, the generated clients, the chain client's answers —
//! would change how it holds numbers and keys (`arbitrary_precision` breaks numbers inside
//! untagged and flattened serde types, serde-rs/json#1108), to type one export. It also
//! costs 85 s of CPU and 3.0 GiB of memory to compile on the 2-core build machines. So the
//! shape is checked where it matters instead: the consent story validates every export with
//! a real R4 model (Python's `fhir.resources`), and nothing here emits an empty array or
//! object, which FHIR JSON forbids.

use crate::{views, GatewayError};
use medledger_gateway_api::values::rfc3339;
use medledger_primitives::{
	audit::{AuditAction, AuditRecord, Outcome, Subject},
	ConsentId, DocId, Moment, OrgId, Purpose,
};
use medledger_runtime::Runtime;
use pallet_consent::{Consent, ConsentStatus, Scope};
use pallet_documents::{Document, DocumentStatus};
use serde_json::{json, Value};
use sp_runtime::AccountId32;

/// What a hospital did in a period, read from the chain.
pub struct Report {
	/// The hospital.
	pub organisation: OrgId,
	/// Start of the period (ms, inclusive).
	pub from: Moment,
	/// End of the period (ms, exclusive).
	pub to: Moment,
	/// Documents it anchored in the period.
	pub documents: Vec<(DocId, Document<Runtime>)>,
	/// Consents it asked for (or opened by break-glass) whose window meets the period.
	pub consents: Vec<(ConsentId, Consent<Runtime>)>,
	/// Audit entries with the hospital as organisation, in the period: (sequence, entry).
	pub entries: Vec<(u64, AuditRecord<AccountId32>)>,
}

const ACCOUNT: &str = "urn:medledger:account";
const ORGANISATION: &str = "urn:medledger:organisation";
const DOCUMENT: &str = "urn:medledger:document";

fn action_code(action: AuditAction) -> &'static str {
	match action {
		AuditAction::Create => "C",
		AuditAction::Read => "R",
		AuditAction::Update => "U",
		AuditAction::Delete => "D",
		AuditAction::Execute => "E",
	}
}

/// HL7 v3 ActReason codes for the purposes of use.
fn purpose_code(purpose: Purpose) -> &'static str {
	match purpose {
		Purpose::Treatment => "TREAT",
		Purpose::Payment => "HPAYMT",
		Purpose::Research => "HRESCH",
		Purpose::PublicHealth => "PUBHLTH",
		Purpose::PatientRequest => "PATRQT",
		Purpose::Emergency => "ETREAT",
	}
}

fn subject_text(subject: &Subject) -> String {
	match subject {
		Subject::Document(id) => format!("document {id}"),
		Subject::Consent(id) => format!("consent {id}"),
		Subject::Patient => "patient".into(),
	}
}

fn outcome_text(outcome: &Outcome) -> String {
	match outcome {
		Outcome::Success => "success".into(),
		Outcome::Refused(refusal) => format!("refused: {refusal:?}"),
	}
}

fn scope_text(scope: &Scope<Runtime>) -> String {
	match scope {
		Scope::All => "all documents".into(),
		Scope::DocumentTypes(types) => {
			let types: Vec<_> = types.iter().map(|t| String::from_utf8_lossy(t)).collect();
			format!("document types {}", types.join(" "))
		}
		Scope::Documents(ids) => {
			let ids: Vec<_> = ids.iter().map(u64::to_string).collect();
			format!("documents {}", ids.join(" "))
		}
	}
}

impl Report {
	/// The report as CSV: a header, then one row per document, consent and audit entry.
	pub fn to_csv(&self) -> Result<String, GatewayError> {
		let mut out = csv::Writer::from_writer(Vec::new());
		let mut row = |fields: [String; 12]| {
			out.write_record(&fields)
				.map_err(|e| GatewayError::internal(format!("CSV writing failed: {e}")))
		};
		row([
			"record",
			"id",
			"time",
			"patient",
			"actor",
			"organisation",
			"action",
			"subject",
			"consent",
			"purpose",
			"outcome",
			"detail",
		]
		.map(String::from))?;
		for (id, doc) in &self.documents {
			row([
				"document".into(),
				id.to_string(),
				rfc3339(doc.created_at),
				views::account(&doc.patient),
				views::account(&doc.author),
				doc.org.to_string(),
				"anchor".into(),
				format!("document {id}"),
				String::new(),
				String::new(),
				format!("{:?}", doc.status),
				format!(
					"type {} {} bytes {} cid {}",
					String::from_utf8_lossy(&doc.document_type),
					doc.size,
					String::from_utf8_lossy(&doc.media_type),
					views::cid(&doc.cid)
				),
			])?;
		}
		for (id, c) in &self.consents {
			row([
				"consent".into(),
				id.to_string(),
				rfc3339(c.requested_at),
				views::account(&c.patient),
				views::account(&c.requester),
				c.org.to_string(),
				match c.break_glass_reason {
					Some(_) => "break-glass".into(),
					None => "request".into(),
				},
				scope_text(&c.scope),
				id.to_string(),
				format!("{:?}", c.purpose),
				format!("{:?}", c.status),
				format!(
					"window {} to {}{}",
					rfc3339(c.window.from),
					rfc3339(c.window.to),
					c.break_glass_reason
						.as_ref()
						.map(|r| format!("; reason: {}", String::from_utf8_lossy(r)))
						.unwrap_or_default()
				),
			])?;
		}
		for (seq, record) in &self.entries {
			let e = &record.entry;
			row([
				"audit".into(),
				seq.to_string(),
				rfc3339(e.at),
				views::account(&e.patient),
				views::account(&e.actor),
				e.org.map(|o| o.to_string()).unwrap_or_default(),
				format!("{:?}", e.action),
				subject_text(&e.subject),
				e.consent.map(|c| c.to_string()).unwrap_or_default(),
				e.purpose.map(|p| format!("{p:?}")).unwrap_or_default(),
				outcome_text(&e.outcome),
				// `time` is the chain's; a reported read also says when it happened.
				match e.occurred_at {
					Some(occurred) => {
						format!(
							"read at {}; head 0x{}",
							rfc3339(occurred),
							hex::encode(record.head)
						)
					}
					None => format!("head 0x{}", hex::encode(record.head)),
				},
			])?;
		}
		let bytes = out.into_inner().map_err(GatewayError::internal)?;
		String::from_utf8(bytes).map_err(GatewayError::internal)
	}

	/// The report as a FHIR R4 `Bundle` of type `collection`.
	pub fn to_fhir(&self, generated_at: Moment) -> Value {
		let documents = self.documents.iter().map(|(id, doc)| document_reference(*id, doc));
		let consents = self.consents.iter().map(|(id, c)| consent(*id, c));
		let events = self.entries.iter().map(|(seq, record)| audit_event(*seq, record));
		let entries: Vec<Value> =
			documents.chain(consents).chain(events).map(|r| json!({ "resource": r })).collect();
		let mut bundle = json!({
			"resourceType": "Bundle",
			"id": format!("compliance-{}-{}-{}", self.organisation, self.from, self.to),
			"meta": { "tag": [{ "system": "urn:medledger:report", "code": "compliance",
				"display": format!("organisation {} from {} to {}", self.organisation,
					rfc3339(self.from), rfc3339(self.to)) }] },
			"type": "collection",
			"timestamp": rfc3339(generated_at),
		});
		// FHIR JSON has no empty arrays: a period with nothing in it is a bundle without entries.
		if !entries.is_empty() {
			bundle["entry"] = entries.into();
		}
		bundle
	}
}

fn identifier(system: &str, value: impl ToString) -> Value {
	json!({ "identifier": { "system": system, "value": value.to_string() } })
}

fn account(who: &AccountId32) -> Value {
	identifier(ACCOUNT, views::account(who))
}

fn organisation(org: OrgId) -> Value {
	identifier(ORGANISATION, org)
}

fn document_reference(id: DocId, doc: &Document<Runtime>) -> Value {
	let status = match doc.status {
		DocumentStatus::Current => "current",
		DocumentStatus::Superseded { .. } => "superseded",
		DocumentStatus::EnteredInError | DocumentStatus::SupersededEnteredInError { .. } => {
			"entered-in-error"
		}
	};
	let mut resource = json!({
		"resourceType": "DocumentReference",
		"id": format!("document-{id}"),
		"masterIdentifier": { "system": DOCUMENT, "value": id.to_string() },
		"identifier": [{ "system": "urn:medledger:commitment", "value": format!("0x{}", hex::encode(doc.commitment)) }],
		"status": status,
		"type": { "coding": [{ "system": "http://loinc.org",
			"code": String::from_utf8_lossy(&doc.document_type) }] },
		"subject": account(&doc.patient),
		"date": rfc3339(doc.created_at),
		"author": [account(&doc.author)],
		"custodian": organisation(doc.org),
		"content": [{ "attachment": {
			"contentType": String::from_utf8_lossy(&doc.media_type),
			"url": format!("ipfs://{}", views::cid(&doc.cid)),
			"size": doc.size.min(u32::MAX as u64),
		} }],
	});
	if let Some(previous) = doc.previous {
		resource["relatesTo"] = json!([{ "code": "replaces",
			"target": identifier(DOCUMENT, previous) }]);
	}
	resource
}

fn consent(id: ConsentId, c: &Consent<Runtime>) -> Value {
	let status = match c.status {
		ConsentStatus::Requested => "proposed",
		ConsentStatus::Granted => "active",
		ConsentStatus::Denied => "rejected",
		ConsentStatus::Revoked | ConsentStatus::Expired => "inactive",
	};
	// Never empty: the chain refuses a consent without actions, or with an empty list of
	// documents (FHIR JSON has no empty arrays).
	let mut actions = Vec::new();
	if c.actions.read {
		actions.push(json!({ "coding": [{ "system": "http://terminology.hl7.org/CodeSystem/consentaction", "code": "access" }] }));
	}
	if c.actions.write {
		actions.push(json!({ "coding": [{ "system": "http://terminology.hl7.org/CodeSystem/consentaction", "code": "correct" }] }));
	}
	let mut provision = json!({
		"type": "permit",
		"period": { "start": rfc3339(c.window.from), "end": rfc3339(c.window.to) },
		"actor": [{
			"role": { "coding": [{ "system": "http://terminology.hl7.org/CodeSystem/v3-ParticipationType", "code": "IRCP" }] },
			"reference": organisation(c.org),
		}],
		"action": actions,
		"purpose": [{ "system": "http://terminology.hl7.org/CodeSystem/v3-ActReason",
			"code": purpose_code(c.purpose) }],
	});
	if let Scope::Documents(ids) = &c.scope {
		provision["data"] = ids
			.iter()
			.map(|d| json!({ "meaning": "instance", "reference": identifier(DOCUMENT, d) }))
			.collect();
	}
	let mut policy = json!({ "coding": [{ "system": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
		"code": if c.break_glass_reason.is_some() { "EMRGONLY" } else { "OPTIN" } }] });
	if let Some(reason) = &c.break_glass_reason {
		policy["text"] = format!("break-glass: {}", String::from_utf8_lossy(reason)).into();
	}
	json!({
		"resourceType": "Consent",
		"id": format!("consent-{id}"),
		"identifier": [{ "system": "urn:medledger:consent", "value": id.to_string() }],
		"status": status,
		"scope": { "coding": [{ "system": "http://terminology.hl7.org/CodeSystem/consentscope", "code": "patient-privacy" }] },
		"category": [{ "coding": [{ "system": "http://loinc.org", "code": "59284-0", "display": "Patient Consent" }],
			"text": scope_text(&c.scope) }],
		"patient": account(&c.patient),
		"dateTime": rfc3339(c.decided_at.unwrap_or(c.requested_at)),
		"performer": [account(match c.break_glass_reason { Some(_) => &c.requester, None => &c.patient })],
		"organization": [organisation(c.org)],
		"policyRule": policy,
		"provision": provision,
	})
}

fn audit_event(seq: u64, record: &AuditRecord<AccountId32>) -> Value {
	let e = &record.entry;
	let (outcome, description) = match &e.outcome {
		Outcome::Success => ("0", None),
		Outcome::Refused(refusal) => ("4", Some(format!("refused: {refusal:?}"))),
	};
	let mut entities = vec![json!({
		"what": account(&e.patient),
		"role": { "system": "http://terminology.hl7.org/CodeSystem/object-role", "code": "1", "display": "Patient" },
	})];
	let subject = match e.subject {
		Subject::Document(id) => Some(identifier(DOCUMENT, id)),
		Subject::Consent(id) => Some(identifier("urn:medledger:consent", id)),
		Subject::Patient => None,
	};
	if let Some(what) = subject {
		entities.push(json!({ "what": what, "role": { "system": "http://terminology.hl7.org/CodeSystem/object-role", "code": "4", "display": "Domain Resource" } }));
	}
	let mut event = json!({
		"resourceType": "AuditEvent",
		"id": format!("audit-{}-{seq}", &hex::encode(e.patient.as_ref() as &[u8])[..16]),
		"type": { "system": "http://dicom.nema.org/resources/ontology/DCM", "code": "110110", "display": "Patient Record" },
		"action": action_code(e.action),
		"recorded": rfc3339(e.at),
		"outcome": outcome,
		"agent": [{ "who": account(&e.actor), "requestor": true }],
		"source": {
			"site": "MedLedger",
			"observer": e.org.map(organisation).unwrap_or_else(|| account(&e.actor)),
		},
		"entity": entities,
	});
	if let Some(description) = description {
		event["outcomeDesc"] = description.into();
	}
	if let Some(occurred) = e.occurred_at {
		// When the read happened, as its gateway reported it; `recorded` is the chain's time.
		event["period"] = json!({ "start": rfc3339(occurred), "end": rfc3339(occurred) });
	}
	if let Some(purpose) = e.purpose {
		event["purposeOfEvent"] = json!([{ "coding": [{
			"system": "http://terminology.hl7.org/CodeSystem/v3-ActReason",
			"code": purpose_code(purpose) }] }]);
	}
	if let Some(org) = e.org {
		// The hospital the actor acted for.
		event["agent"].as_array_mut().expect("an array").push(json!({
			"who": organisation(org),
			"requestor": false,
		}));
	}
	event
}

#[cfg(test)]
mod tests {
	use super::*;

	/// A hospital that did nothing in the period gets a valid, empty collection: FHIR JSON
	/// has no empty arrays, so the bundle has no `entry` at all.
	#[test]
	fn an_empty_period_is_a_bundle_without_entries() {
		let report = Report {
			organisation: 2,
			from: 0,
			to: 1_000,
			documents: vec![],
			consents: vec![],
			entries: vec![],
		};
		let bundle = report.to_fhir(5_000);
		assert_eq!(bundle["resourceType"], "Bundle");
		assert_eq!(bundle["type"], "collection");
		assert!(bundle.get("entry").is_none(), "{bundle}");
	}
}
