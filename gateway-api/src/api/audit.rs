//! `audit_*`: patients' audit trails with their hash-chain check, queries by actor and
//! hospital, and compliance reports.

use super::namespace;
use crate::{
	access::{Ownership, ADMIN, OVERSIGHT, TRAIL_READERS},
	values::{Account, Hex32, HexBytes, Purpose},
};
use medledger_primitives::audit::{Refusal, TrailError};
use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// What an audit entry records was done.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum AuditAction {
	/// Created (a document anchored, a consent asked).
	Create,
	/// Read.
	Read,
	/// Updated (a consent decided, a document amended).
	Update,
	/// Deleted (a consent revoked or ended).
	Delete,
	/// Executed (break-glass; a data key released: wrapped for a grantee, or to the patient's
	/// new key after they changed it).
	Execute,
}

/// What an audit entry is about: `{"document": id}`, `{"consent": id}` or
/// `{"patient": true}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum Subject {
	/// A document.
	Document(u64),
	/// A consent.
	Consent(u64),
	/// The patient's record as a whole (always `true`).
	Patient(bool),
}

/// How the attempt ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "result", rename_all = "camelCase")]
pub enum Outcome {
	/// Done.
	Success,
	/// Refused by the chain, for this reason.
	Refused {
		/// Why.
		refusal: Refusal,
	},
}

/// One entry of a patient's audit trail, with its place in it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct AuditEntry {
	/// Whose trail.
	pub patient: Account,
	/// Its sequence number in the trail (from 1).
	pub seq: u64,
	/// Who acted.
	pub actor: Account,
	/// The actor's hospital (none: the patient acted).
	pub organisation: Option<u32>,
	/// What was done.
	pub action: AuditAction,
	/// To what.
	pub subject: Subject,
	/// The consent it was done under.
	pub consent: Option<u64>,
	/// Why (reads).
	pub purpose: Option<Purpose>,
	/// How it ended.
	pub outcome: Outcome,
	/// When the chain recorded it (ms since the Unix epoch).
	pub at: u64,
	/// For a read a gateway reported: when it happened, as the gateway said (at most an hour
	/// before `at`).
	#[serde(rename = "occurredAt")]
	pub occurred_at: Option<u64>,
	/// The trail's hash after this entry.
	pub head: Hex32,
}

/// An entry of [`Trail`], with its bytes as stored.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TrailEntry {
	/// The entry.
	#[serde(flatten)]
	pub entry: AuditEntry,
	/// The record as stored (SCALE), so a patient's tools can check the chain again.
	pub record: HexBytes,
}

/// A trail's head: how many entries and the hash after the last.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Head {
	/// The last sequence number.
	pub seq: u64,
	/// The hash after it.
	pub head: Hex32,
}

/// A block, by number and hash.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct BlockRef {
	/// Its number.
	pub number: u64,
	/// Its hash.
	pub hash: Hex32,
}

/// A page of a patient's trail with its hash-chain check.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Trail {
	/// The trail's head at `at`.
	pub head: Head,
	/// The block head and entries were read at.
	pub at: BlockRef,
	/// The entries.
	pub entries: Vec<TrailEntry>,
	/// Whether the page hash-chains from the head before it to its last entry.
	pub verified: bool,
	/// Why not.
	pub problem: Option<TrailError>,
}

/// A read's audit entry the chain refused for good, kept by this gateway with the chain's
/// reason, never dropped (`audit_deadLetters`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeadLetter {
	/// Its number in this gateway's audit queue.
	pub id: u64,
	/// Whose trail it was for.
	pub patient: Account,
	/// Who read (or tried to); none if the reporting key has left the keystore since.
	pub reader: Option<Account>,
	/// The keystore account that reported it: the reader, or this hospital's administrator
	/// for a member who no longer stands.
	pub reported_by: String,
	/// What was read.
	pub subject: Subject,
	/// The consent named.
	pub consent: Option<u64>,
	/// The purpose declared.
	pub purpose: Option<Purpose>,
	/// Granted, or refused and why, as the gateway decided.
	pub outcome: Outcome,
	/// When the read happened (ms since the Unix epoch).
	pub at: u64,
	/// Why the chain refused the entry (its error's name).
	pub reason: String,
}

/// A compliance report's format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum ReportFormat {
	/// CSV text.
	Csv,
	/// A FHIR R4 Bundle.
	Fhir,
}

/// A compliance report: CSV text or a FHIR R4 Bundle.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum Report {
	/// CSV text.
	Csv(String),
	/// A FHIR R4 Bundle of DocumentReference, Consent and AuditEvent.
	Fhir(FhirBundle),
}

/// A FHIR R4 `Bundle` resource (as JSON; FHIR's own schema defines it).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct FhirBundle(pub serde_json::Value);

impl JsonSchema for FhirBundle {
	fn schema_name() -> Cow<'static, str> {
		"FhirBundle".into()
	}

	fn json_schema(_: &mut SchemaGenerator) -> Schema {
		json_schema!({
			"type": "object",
			"description": "A FHIR R4 Bundle (type collection): see http://hl7.org/fhir/R4/bundle.html.",
			"properties": { "resourceType": { "const": "Bundle" } },
			"required": ["resourceType"],
		})
	}
}

namespace! {
	/// Audit trails, queries and reports.
	trait AuditApi;

	/// A patient's audit trail, with its hash-chain check (patients: their own).
	#[method("audit_trail", callers = TRAIL_READERS, owns = Ownership::Patient)]
	fn audit_trail(
		"patient" patient: Account,
		"from" from: Option<u64>,
		"limit" limit: Option<u32>,
	) -> Trail;

	/// Audit entries of an actor in a time range.
	#[method("audit_byActor", callers = OVERSIGHT, owns = Ownership::None)]
	fn audit_by_actor(
		"actor" actor: Account,
		"from" from: Option<u64>,
		"to" to: Option<u64>,
		"limit" limit: Option<u32>,
	) -> Vec<AuditEntry>;

	/// Audit entries of a hospital in a time range.
	#[method("audit_byOrganisation", callers = OVERSIGHT, owns = Ownership::None)]
	fn audit_by_organisation(
		"organisation" organisation: u32,
		"from" from: Option<u64>,
		"to" to: Option<u64>,
		"limit" limit: Option<u32>,
	) -> Vec<AuditEntry>;

	/// A hospital's compliance report for a period (documents anchored, consents asked,
	/// audit entries): CSV text, or a FHIR R4 Bundle of DocumentReference, Consent and
	/// AuditEvent.
	#[method("audit_report", callers = OVERSIGHT, owns = Ownership::None)]
	fn audit_report(
		"organisation" organisation: u32,
		"from" from: u64,
		"to" to: u64,
		"format" format: ReportFormat,
	) -> Report;

	/// The audit entries of reads at this gateway that the chain refused for good, with its
	/// reason: what the hospital must look into (oldest first, after the one numbered
	/// `after`, at most `limit`).
	#[method("audit_deadLetters", callers = ADMIN, owns = Ownership::None)]
	fn audit_dead_letters("after" after: Option<u64>, "limit" limit: Option<u32>) -> Vec<DeadLetter>;
}
