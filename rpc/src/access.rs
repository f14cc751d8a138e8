//! Who may do what at this gateway: the caller kinds a credential's role maps to, the
//! check made before every method and when a WebSocket opens, and which notifications
//! each subscriber receives.

use crate::{auth::Credential, notify::Audience, Gateway};
use medledger_gateway_api::GatewayError;
use pallet_consortium::{OrgId, Role};

/// Who may call a method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Caller {
	/// A clinician of the gateway's hospital.
	Clinician,
	/// An administrator of the gateway's hospital.
	Admin,
	/// An auditor.
	Auditor,
	/// A patient (for their own consents and records).
	Patient,
}

/// Clinicians and administrators of this hospital.
pub const STAFF: &[Caller] = &[Caller::Clinician, Caller::Admin];
/// Staff and auditors.
pub const READERS: &[Caller] = &[Caller::Clinician, Caller::Admin, Caller::Auditor];
/// The explorer is the auditors' (read-only) view.
pub const EXPLORER: &[Caller] = &[Caller::Auditor];
/// Every member with a credential here.
pub const ANY: &[Caller] = &[Caller::Clinician, Caller::Admin, Caller::Auditor, Caller::Patient];

/// What a role is at the gateway of hospital `org`; staff of another hospital have no
/// business here.
fn caller_kind(role: &Role, org: OrgId) -> Option<Caller> {
	match role {
		Role::Clinician(o) if *o == org => Some(Caller::Clinician),
		Role::OrgAdmin(o) if *o == org => Some(Caller::Admin),
		Role::Auditor => Some(Caller::Auditor),
		Role::Patient => Some(Caller::Patient),
		_ => None,
	}
}

/// An authenticated caller allowed at this gateway.
#[derive(Debug, Clone)]
pub struct Authorised {
	/// The credential presented.
	pub credential: Credential,
	/// What its role is here.
	pub kind: Caller,
}

/// Authenticates `token` and checks that its role is one of `callers` (for `method`).
pub fn authorise(
	gw: &Gateway,
	token: Option<&str>,
	callers: &[Caller],
	method: &str,
) -> Result<Authorised, GatewayError> {
	let credential = gw.credentials.authenticate(token)?;
	match caller_kind(&credential.role, gw.organisation) {
		Some(kind) if callers.contains(&kind) => Ok(Authorised { credential, kind }),
		_ => Err(GatewayError::Forbidden {
			role: format!("{:?}", credential.role),
			method: method.into(),
		}),
	}
}

/// Whether `subscriber` may receive a notification for `audience`: auditors every one,
/// a patient those about themselves, staff those concerning their hospital.
pub fn may_see(subscriber: &Authorised, organisation: OrgId, audience: &Audience) -> bool {
	match subscriber.kind {
		Caller::Auditor => true,
		Caller::Patient => audience.patient.as_ref() == Some(&subscriber.credential.account),
		Caller::Clinician | Caller::Admin => audience.organisations.contains(&organisation),
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use sp_runtime::AccountId32;

	fn subscriber(kind: Caller, account: u8) -> Authorised {
		let credential = Credential {
			id: String::new(),
			hash: String::new(),
			account: AccountId32::new([account; 32]),
			role: Role::Patient,
			key_name: None,
			label: String::new(),
			issued_at: 0,
			revoked: false,
		};
		Authorised { credential, kind }
	}

	#[test]
	fn each_subscriber_sees_only_what_concerns_it() {
		let about_a_at_h2 =
			Audience { patient: Some(AccountId32::new([1; 32])), organisations: vec![2] };
		assert!(may_see(&subscriber(Caller::Patient, 1), 1, &about_a_at_h2));
		assert!(!may_see(&subscriber(Caller::Patient, 2), 1, &about_a_at_h2));
		assert!(!may_see(&subscriber(Caller::Clinician, 9), 1, &about_a_at_h2));
		assert!(may_see(&subscriber(Caller::Admin, 9), 2, &about_a_at_h2));
		assert!(may_see(&subscriber(Caller::Auditor, 9), 1, &about_a_at_h2));
		// A write of hospital 1 that names no patient reaches no patient.
		let write = Audience { patient: None, organisations: vec![1] };
		assert!(!may_see(&subscriber(Caller::Patient, 1), 1, &write));
		assert!(may_see(&subscriber(Caller::Clinician, 9), 1, &write));
	}
}
