//! Who may call each method: the kinds of caller a credential's role makes at a gateway,
//! and which records a patient must own to reach them. The gateway's access middleware
//! enforces these, from each method's declaration in [`crate::METHODS`].

use serde::Serialize;

/// A kind of caller, as a credential's role makes it at one hospital's gateway.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, strum::EnumIter)]
#[serde(rename_all = "camelCase")]
pub enum Caller {
	/// A clinician of the gateway's hospital.
	Clinician,
	/// An administrator of the gateway's hospital.
	Admin,
	/// An auditor.
	Auditor,
	/// A patient (for their own records).
	Patient,
}

/// The callers allowed a method; empty: no credential needed.
pub type Callers = &'static [Caller];

/// No credential needed (the API's own description).
pub const PUBLIC: Callers = &[];
/// Clinicians and administrators of this hospital.
pub const STAFF: Callers = &[Caller::Clinician, Caller::Admin];
/// This hospital's administrators.
pub const ADMIN: Callers = &[Caller::Admin];
/// This hospital's clinicians.
pub const CLINICIAN: Callers = &[Caller::Clinician];
/// Patients.
pub const PATIENT: Callers = &[Caller::Patient];
/// Staff and auditors.
pub const READERS: Callers = &[Caller::Clinician, Caller::Admin, Caller::Auditor];
/// Auditors and this hospital's administrators.
pub const OVERSIGHT: Callers = &[Caller::Auditor, Caller::Admin];
/// Auditors only (the explorer is their read-only view).
pub const AUDITOR: Callers = &[Caller::Auditor];
/// Who reads a patient's trail: auditors and this hospital's administrators, and the
/// patient (their own).
pub const TRAIL_READERS: Callers = &[Caller::Auditor, Caller::Patient, Caller::Admin];
/// Every member with a credential at this gateway.
pub const ANY: Callers = &[Caller::Clinician, Caller::Admin, Caller::Auditor, Caller::Patient];

/// What a patient calling a method must own; other callers are bounded by their role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Ownership {
	/// Nothing: the answer concerns no patient's records (or only the caller's own).
	None,
	/// The `patient` parameter must be given and be the caller.
	Patient,
	/// The `account` parameter must be the caller or no patient: a patient looks up
	/// hospitals' members (to wrap keys for them), not whether others are patients.
	Account,
	/// The document named by the `id` parameter must be the caller's.
	Document,
	/// The consent named by the `id` parameter must be the caller's.
	Consent,
	/// Each notification is filtered to what concerns the subscriber.
	Notifications,
}
