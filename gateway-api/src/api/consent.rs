//! `consent_*`: patients' consents — asked by hospitals, decided by patients (their
//! signed extrinsics relayed), break-glass, and each consent's history.

// `consent_request` takes its terms as named parameters: one Rust argument each.
#![allow(clippy::too_many_arguments)]

use super::{audit::AuditEntry, namespace};
use crate::{
	access::{Ownership, ANY, CLINICIAN, STAFF},
	values::{Account, Purpose},
	Written,
};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// What a consent covers: `{"all": true}`, `{"documentTypes": [..]}` or
/// `{"documents": [..]}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum ScopeRequest {
	/// Every document of the patient (`true`; `false` is refused).
	All(bool),
	/// Documents of these type codes.
	DocumentTypes(Vec<String>),
	/// These documents.
	Documents(Vec<u64>),
}

/// What a consent lets its hospital do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Actions {
	/// Read documents (receive their data keys).
	pub read: bool,
	/// Amend documents.
	pub write: bool,
}

/// When a consent is in force (ms since the Unix epoch, `from ≤ t < to`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Window {
	/// Start.
	pub from: u64,
	/// End.
	pub to: u64,
}

/// Where a consent stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum ConsentStatus {
	/// Asked, not decided.
	Requested,
	/// Granted by the patient (or opened by break-glass).
	Granted,
	/// Denied by the patient.
	Denied,
	/// Revoked by the patient.
	Revoked,
	/// Its window ended.
	Expired,
}

/// A consent and its lifecycle.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Consent {
	/// Its id on chain.
	pub id: u64,
	/// The patient.
	pub patient: Account,
	/// The hospital it is for.
	pub organisation: u32,
	/// The staff account that asked.
	pub requester: Account,
	/// What it covers.
	pub scope: ScopeRequest,
	/// Why.
	pub purpose: Purpose,
	/// What it allows.
	pub actions: Actions,
	/// When it is in force.
	pub window: Window,
	/// Where it stands.
	pub status: ConsentStatus,
	/// When it was asked (ms).
	pub requested_at: u64,
	/// When the patient decided (ms).
	pub decided_at: Option<u64>,
	/// When it ended (ms).
	pub ended_at: Option<u64>,
	/// Break-glass: the clinician's reason.
	pub break_glass_reason: Option<String>,
	/// How many documents' keys are wrapped for its hospital.
	pub wraps: u32,
}

/// A consent with every audit entry about it and every read made under it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ConsentHistory {
	/// The consent.
	pub consent: Consent,
	/// Its entries in the patient's trail, in order.
	pub events: Vec<AuditEntry>,
}

namespace! {
	/// Consents: request, break-glass, look up (patients decide through `patient_relay`).
	trait ConsentApi;

	/// Ask a patient for consent for this hospital.
	#[method("consent_request", callers = STAFF, owns = Ownership::None)]
	fn consent_request(
		"patient" patient: Account,
		"scope" scope: ScopeRequest,
		"purpose" purpose: Purpose,
		"read" read: bool,
		"write" write: bool,
		"from" from: u64,
		"to" to: u64,
	) -> Written;

	/// Open emergency read access to a patient's documents for the break-glass window.
	#[method("consent_breakGlass", callers = CLINICIAN, owns = Ownership::None)]
	fn consent_break_glass("patient" patient: Account, "reason" reason: String) -> Written;

	/// One consent and its lifecycle (patients: their own).
	#[method("consent_get", callers = ANY, owns = Ownership::Consent)]
	fn consent_get("id" id: u64) -> Consent;

	/// A consent with every audit entry about it (request, decision, end, key wraps) and
	/// every read made under it (patients: their own).
	#[method("consent_history", callers = ANY, owns = Ownership::Consent)]
	fn consent_history("id" id: u64) -> ConsentHistory;

	/// A patient's or an organisation's consents (patients: their own).
	#[method("consent_list", callers = ANY, owns = Ownership::Patient)]
	fn consent_list(
		"patient" patient: Option<Account>,
		"organisation" organisation: Option<u32>,
		"after" after: Option<u64>,
		"limit" limit: Option<u32>,
	) -> Vec<Consent>;
}
