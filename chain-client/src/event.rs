//! The runtime events that mean something to a hospital, a patient or an auditor, decoded
//! once from the runtime's own event type.

use medledger_primitives::{
	audit::{AuditAction, Outcome, Subject},
	ConsentId, DocId, Moment,
};
use medledger_runtime::{AccountId, RuntimeEvent};
use pallet_consent::Event as Consent;
use pallet_consortium::OrgId;

/// A change in a patient's records: their consents, their documents, reads of them.
///
/// Every variant names the patient it concerns ([`DomainEvent::patient`]); all but
/// [`DomainEvent::DocumentAccessed`] also name the hospital
/// ([`DomainEvent::organisation`]) — an audit entry names the reader, not the document's
/// hospital.
///
/// Serialised (for the gateway's notifications) with its variant as `kind` in camelCase
/// (`consentRequested`, `breakGlass`, `documentAccessed`, …) and accounts in SS58.
#[derive(
	Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, schemars::JsonSchema,
)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum DomainEvent {
	/// A hospital asked the patient for consent.
	ConsentRequested {
		/// The consent.
		consent: ConsentId,
		/// The patient asked.
		#[schemars(with = "String")]
		patient: AccountId,
		/// The hospital asking.
		organisation: OrgId,
	},
	/// The patient granted a request.
	ConsentGranted {
		/// The consent.
		consent: ConsentId,
		/// The patient.
		#[schemars(with = "String")]
		patient: AccountId,
		/// The hospital granted access.
		organisation: OrgId,
	},
	/// The patient denied a request.
	ConsentDenied {
		/// The consent.
		consent: ConsentId,
		/// The patient.
		#[schemars(with = "String")]
		patient: AccountId,
		/// The hospital denied.
		organisation: OrgId,
	},
	/// The patient revoked a grant.
	ConsentRevoked {
		/// The consent.
		consent: ConsentId,
		/// The patient.
		#[schemars(with = "String")]
		patient: AccountId,
		/// The hospital whose access ended.
		organisation: OrgId,
	},
	/// A grant's window ended.
	ConsentExpired {
		/// The consent.
		consent: ConsentId,
		/// The patient.
		#[schemars(with = "String")]
		patient: AccountId,
		/// The hospital whose access ended.
		organisation: OrgId,
	},
	/// A clinician opened emergency access to the patient's documents.
	BreakGlass {
		/// The emergency consent.
		consent: ConsentId,
		/// The patient.
		#[schemars(with = "String")]
		patient: AccountId,
		/// The clinician's hospital.
		organisation: OrgId,
		/// When the emergency access ends (ms since the Unix epoch).
		until: Moment,
	},
	/// A document was anchored for the patient.
	DocumentAdded {
		/// The document.
		document: DocId,
		/// The patient.
		#[schemars(with = "String")]
		patient: AccountId,
		/// The issuing hospital.
		organisation: OrgId,
	},
	/// A read of one of the patient's documents was audited, granted or refused.
	DocumentAccessed {
		/// The document.
		document: DocId,
		/// The patient.
		#[schemars(with = "String")]
		patient: AccountId,
		/// Who read (or tried to).
		#[schemars(with = "String")]
		actor: AccountId,
		/// The audit entry's sequence number in the patient's trail.
		seq: u64,
		/// Whether the read was granted.
		granted: bool,
	},
}

/// The event is not one of [`DomainEvent`]'s (fees, governance, consensus, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotDomain;

impl DomainEvent {
	/// The patient the event concerns.
	pub fn patient(&self) -> &AccountId {
		use DomainEvent::*;
		match self {
			ConsentRequested { patient, .. }
			| ConsentGranted { patient, .. }
			| ConsentDenied { patient, .. }
			| ConsentRevoked { patient, .. }
			| ConsentExpired { patient, .. }
			| BreakGlass { patient, .. }
			| DocumentAdded { patient, .. }
			| DocumentAccessed { patient, .. } => patient,
		}
	}

	/// The hospital the event names, if it names one.
	pub fn organisation(&self) -> Option<OrgId> {
		use DomainEvent::*;
		match self {
			ConsentRequested { organisation, .. }
			| ConsentGranted { organisation, .. }
			| ConsentDenied { organisation, .. }
			| ConsentRevoked { organisation, .. }
			| ConsentExpired { organisation, .. }
			| BreakGlass { organisation, .. }
			| DocumentAdded { organisation, .. } => Some(*organisation),
			DocumentAccessed { .. } => None,
		}
	}
}

impl TryFrom<&RuntimeEvent> for DomainEvent {
	type Error = NotDomain;

	fn try_from(event: &RuntimeEvent) -> Result<Self, NotDomain> {
		Ok(match event.clone() {
			RuntimeEvent::Consent(event) => match event {
				Consent::Requested { id, patient, org, .. } => {
					DomainEvent::ConsentRequested { consent: id, patient, organisation: org }
				}
				Consent::Granted { id, patient, org } => {
					DomainEvent::ConsentGranted { consent: id, patient, organisation: org }
				}
				Consent::Denied { id, patient, org } => {
					DomainEvent::ConsentDenied { consent: id, patient, organisation: org }
				}
				Consent::Revoked { id, patient, org } => {
					DomainEvent::ConsentRevoked { consent: id, patient, organisation: org }
				}
				Consent::Expired { id, patient, org } => {
					DomainEvent::ConsentExpired { consent: id, patient, organisation: org }
				}
				Consent::BreakGlass { id, patient, org, until, .. } => {
					DomainEvent::BreakGlass { consent: id, patient, organisation: org, until }
				}
				_ => return Err(NotDomain),
			},
			RuntimeEvent::Documents(pallet_documents::Event::Anchored {
				id, patient, org, ..
			}) => DomainEvent::DocumentAdded { document: id, patient, organisation: org },
			RuntimeEvent::Audit(pallet_audit::Event::Recorded { seq, record }) => {
				let entry = record.entry;
				let Subject::Document(document) = entry.subject else { return Err(NotDomain) };
				if entry.action != AuditAction::Read {
					return Err(NotDomain);
				}
				DomainEvent::DocumentAccessed {
					document,
					patient: entry.patient,
					actor: entry.actor,
					seq,
					granted: matches!(entry.outcome, Outcome::Success),
				}
			}
			_ => return Err(NotDomain),
		})
	}
}
