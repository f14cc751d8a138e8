//! # Consent pallet
//!
//! Who may read (or amend) which of a patient's documents, why and until when — decided by
//! the patient's own signature.
//!
//! ## Model
//!
//! A [`Consent`] goes through the states of ABDM's consent manager:
//!
//! ```text
//! request ──▶ REQUESTED ──grant──▶ GRANTED ──revoke──▶ REVOKED
//!                 │                   │
//!                 └──deny──▶ DENIED   └──window ends──▶ EXPIRED
//! ```
//!
//! - Staff of an active hospital **request** consent from a patient for their hospital: a
//!   [`Scope`] (all documents, documents of some type codes, or listed documents), a
//!   [`Purpose`] (treatment, payment, research, public health, patient request, emergency),
//!   [`Actions`] (read, write) and a validity [`Window`].
//! - Only the patient **grants** or **denies** a request, and may **revoke** a grant at any
//!   time. A hospital has at most [`Config::MaxPendingRequests`] requests open with one
//!   patient, and a request the patient leaves unanswered for [`Config::RequestLifetime`]
//!   lapses (`Expired`).
//! - A grant ends at its window's end: every use checks the window against the chain's
//!   timestamp, and queries show such a grant as `Expired` at once. The chain then ends it
//!   by itself ([`Deadlines`], processed as blocks begin, within a minute of chain time and a
//!   block): the record turns `Expired`, its key wraps are removed, the trail gets an entry
//!   by the pallet's own account and [`Event::Expired`] notifies the patient and the hospital.
//!   [`Pallet::expire`] lets any member record it sooner.
//! - **Break-glass**: a clinician of an active hospital may open emergency read access to all
//!   of a patient's documents for [`Config::BreakGlassWindow`], giving a reason. It is the one
//!   access not signed by the patient: it is always audited and raises
//!   [`Event::BreakGlass`], which the patient's apps notify. A clinician opens at most
//!   [`Config::MaxBreakGlassPerPeriod`] per [`Config::BreakGlassPeriod`]. The patient may
//!   revoke it; their revocation bars that hospital from breaking the glass again for
//!   [`Config::BreakGlassHold`], unless they lift the bar ([`Pallet::lift_break_glass_hold`]).
//!
//! ## Wrapped document keys
//!
//! Each document is encrypted under its own data key. A grantee hospital reads a document
//! with the data key *wrapped* to its encryption key (X25519 + HKDF + AEAD; the gateway
//! defines the format — to the chain a wrap is opaque, bounded bytes). Wraps live in
//! [`KeyWraps`], one per (document, grantee hospital), and come from:
//! - the patient, for documents that exist when they grant (with the grant, or right after
//!   with [`Pallet::add_wraps`]);
//! - the issuing hospital (which holds the data key), for documents anchored after the grant,
//!   and for any of the patient's documents during a break-glass window.
//!
//! The patient's own wrap is in the document's envelope, made to the key they had when it was
//! anchored. When a patient changes their key (`Consortium.set_encryption_key`), each issuing
//! hospital re-wraps its documents' keys to the new one with [`Pallet::wrap_for_patient`]
//! ([`PatientWraps`], one per document, naming the key it is wrapped to), so the patient
//! reads old documents with the new key alone.
//!
//! Revoking or expiring a consent removes its wraps. Nothing can take back a key already
//! fetched: revocation stops future reads through honest gateways.
//!
//! ## Access checks
//!
//! [`Pallet::can_access`] (runtime API `ConsentApi::can_access`) answers whether an account
//! may read or write a document now, with the consent that allows it or the reason it is
//! refused. Gateways ask before every read and record the answer with `pallet-audit`. Every
//! state change here writes an audit entry into the patient's trail.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;

pub mod migrations;
pub mod weights;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;

pub use weights::WeightInfo;

use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{
	dispatch::DispatchResultWithPostInfo, pallet_prelude::*, CloneNoBound, DebugNoBound, EqNoBound,
	PalletId, PartialEqNoBound,
};
use frame_system::pallet_prelude::*;
use medledger_primitives::{
	audit::{AuditAction, AuditEntry, Outcome, Refusal, Subject},
	Action, ConsentId, DocId, Moment, OrgId, Purpose,
};
use pallet_audit::SubjectOwner;
use pallet_consortium::{EncryptionKey, MemberStatus, Role, Standing};
use scale_info::TypeInfo;
use sp_runtime::traits::AccountIdConversion;

/// Most items a query returns in one page (one limit for every list, in primitives).
pub use medledger_primitives::MAX_PAGE;

/// Which documents a consent covers, as requested.
#[derive(Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, Debug)]
pub enum ScopeRequest {
	/// All of the patient's documents, present and future.
	All,
	/// Documents with one of these type codes.
	DocumentTypes(Vec<Vec<u8>>),
	/// These documents.
	Documents(Vec<DocId>),
}

/// Which documents a consent covers.
#[derive(
	CloneNoBound,
	PartialEqNoBound,
	EqNoBound,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	DebugNoBound,
)]
#[scale_info(skip_type_params(T))]
pub enum Scope<T: Config> {
	/// All of the patient's documents, present and future.
	All,
	/// Documents with one of these type codes.
	DocumentTypes(BoundedVec<BoundedVec<u8, T::MaxDocumentTypeLength>, T::MaxScopeItems>),
	/// These documents.
	Documents(BoundedVec<DocId, T::MaxScopeItems>),
}

impl<T: Config> Scope<T> {
	/// The scope, borrowed.
	pub fn borrowed(&self) -> ScopeRef<'_, BoundedVec<u8, T::MaxDocumentTypeLength>> {
		match self {
			Scope::All => ScopeRef::All,
			Scope::DocumentTypes(types) => ScopeRef::DocumentTypes(types),
			Scope::Documents(ids) => ScopeRef::Documents(ids),
		}
	}

	/// Whether the scope takes in document `id` of type `document_type` ([`ScopeRef::covers`]).
	pub fn covers(&self, id: DocId, document_type: &[u8]) -> bool {
		self.borrowed().covers(id, document_type)
	}
}

/// A scope as held anywhere — on chain, or as a gateway's answer shows it — borrowed, so
/// that every holder asks the same [`ScopeRef::covers`] and encodes it the same way (as
/// [`Scope`] encodes: a type code encodes as its bytes whether held as bytes or as text).
#[derive(Encode)]
pub enum ScopeRef<'a, Type: AsRef<[u8]>> {
	/// Every document of the patient.
	All,
	/// Documents of these type codes.
	DocumentTypes(&'a [Type]),
	/// These documents.
	Documents(&'a [DocId]),
}

impl<Type: AsRef<[u8]>> ScopeRef<'_, Type> {
	/// Whether the scope takes in document `id` of type `document_type`: the one rule the
	/// pallet's access checks, the explorer and the patient's CLI apply.
	pub fn covers(&self, id: DocId, document_type: &[u8]) -> bool {
		match self {
			ScopeRef::All => true,
			ScopeRef::DocumentTypes(types) => types.iter().any(|t| t.as_ref() == document_type),
			ScopeRef::Documents(ids) => ids.contains(&id),
		}
	}
}

/// What a consent allows.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
pub struct Actions {
	/// Read the documents.
	pub read: bool,
	/// Amend the documents.
	pub write: bool,
}

impl Actions {
	fn allows(&self, action: Action) -> bool {
		match action {
			Action::Read => self.read,
			Action::Write => self.write,
		}
	}
}

/// When a grant is valid: from `from` (inclusive) to `to` (exclusive), in milliseconds since
/// the Unix epoch.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
pub struct Window {
	/// Start.
	pub from: Moment,
	/// End.
	pub to: Moment,
}

/// Where a consent stands.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
pub enum ConsentStatus {
	/// Waiting for the patient.
	Requested,
	/// Granted by the patient (or opened by break-glass).
	Granted,
	/// Denied by the patient.
	Denied,
	/// Revoked by the patient.
	Revoked,
	/// The window ended.
	Expired,
}

/// What a patient agrees to when granting a consent: which hospital, which documents, why,
/// which actions, when. A grant names the hash of the terms the patient was shown
/// ([`Terms::hash`]); the chain refuses it unless the request holds exactly those terms, so
/// a gateway that shows a patient other terms than it relays gets nothing granted.
#[derive(Encode)]
pub struct Terms<'a, Type: AsRef<[u8]>> {
	/// The hospital that may access.
	pub org: OrgId,
	/// Which documents.
	pub scope: ScopeRef<'a, Type>,
	/// Why.
	pub purpose: Purpose,
	/// Read, write.
	pub actions: Actions,
	/// When.
	pub window: Window,
}

impl<Type: AsRef<[u8]> + Encode> Terms<'_, Type> {
	/// BLAKE2b-256 of the terms' SCALE encoding, after a tag naming what is hashed.
	pub fn hash(&self) -> [u8; 32] {
		use sp_runtime::traits::{BlakeTwo256, Hash};
		BlakeTwo256::hash(&(TERMS_TAG, self).encode()).0
	}
}

/// Domain separation: a terms hash is never the hash of anything else the chain hashes.
const TERMS_TAG: &[u8; 24] = b"medledger/consent-terms1";

/// A consent request and what became of it.
#[derive(
	CloneNoBound,
	PartialEqNoBound,
	EqNoBound,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	DebugNoBound,
)]
#[scale_info(skip_type_params(T))]
pub struct Consent<T: Config> {
	/// Whose documents.
	pub patient: T::AccountId,
	/// The hospital that may access them.
	pub org: OrgId,
	/// The staff member who asked (or the clinician who broke the glass).
	pub requester: T::AccountId,
	/// Which documents.
	pub scope: Scope<T>,
	/// Why.
	pub purpose: Purpose,
	/// Read, write.
	pub actions: Actions,
	/// When valid.
	pub window: Window,
	/// Where it stands. Queries show a grant past its window as `Expired`.
	pub status: ConsentStatus,
	/// When requested.
	pub requested_at: Moment,
	/// When granted or denied.
	pub decided_at: Option<Moment>,
	/// When revoked or recorded as expired.
	pub ended_at: Option<Moment>,
	/// For break-glass access: the clinician's reason.
	pub break_glass_reason: Option<BoundedVec<u8, T::MaxReasonLength>>,
	/// How many key wraps the consent holds.
	pub wraps: u32,
	/// The last document anchored before the grant: keys of documents up to it are wrapped
	/// by the patient, of later ones by the issuing hospital.
	pub last_document_at_grant: DocId,
}

impl<T: Config> Consent<T> {
	/// The terms the patient decides on.
	pub fn terms(&self) -> Terms<'_, BoundedVec<u8, T::MaxDocumentTypeLength>> {
		Terms {
			org: self.org,
			scope: self.scope.borrowed(),
			purpose: self.purpose,
			actions: self.actions,
			window: self.window,
		}
	}
}

/// A data key wrapped for a grantee hospital, and the consent it was released under.
#[derive(
	CloneNoBound,
	PartialEqNoBound,
	EqNoBound,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	DebugNoBound,
)]
#[scale_info(skip_type_params(T))]
pub struct KeyWrap<T: Config> {
	/// The consent.
	pub consent: ConsentId,
	/// The wrapped key (opaque to the chain).
	pub wrapped: BoundedVec<u8, T::MaxWrapLength>,
}

/// A document's data key wrapped to its patient's encryption key by the issuing hospital,
/// after the patient changed that key.
#[derive(
	CloneNoBound,
	PartialEqNoBound,
	EqNoBound,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	DebugNoBound,
)]
#[scale_info(skip_type_params(T))]
pub struct PatientWrap<T: Config> {
	/// The patient's key it is wrapped to: their key when it was written (a later change
	/// makes it stale until the hospital wraps again).
	pub key: EncryptionKey,
	/// The wrapped key (opaque to the chain).
	pub wrapped: BoundedVec<u8, T::MaxWrapLength>,
}

/// Why an account may access a document.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
pub enum Access {
	/// It is the patient's own document.
	Patient,
	/// The account is staff of the issuing hospital.
	IssuingOrganisation,
	/// This consent allows it.
	Consent(ConsentId),
}

#[frame_support::pallet]
pub mod pallet {
	use super::*;

	/// The layout of this pallet's storage; [`crate::migrations`] says what each version
	/// brought.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(1);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config:
		frame_system::Config<RuntimeEvent: From<Event<Self>>> + pallet_documents::Config
	{
		/// Most type codes or documents in a scope.
		#[pallet::constant]
		type MaxScopeItems: Get<u32>;

		/// Most granted (active) consents a patient holds for one hospital.
		#[pallet::constant]
		type MaxGrantsPerOrganisation: Get<u32>;

		/// Longest wrapped key, in bytes.
		#[pallet::constant]
		type MaxWrapLength: Get<u32>;

		/// Most key wraps one call adds, and one consent holds.
		#[pallet::constant]
		type MaxWraps: Get<u32>;

		/// Longest break-glass reason, in bytes.
		#[pallet::constant]
		type MaxReasonLength: Get<u32>;

		/// How long break-glass access lasts, in milliseconds.
		#[pallet::constant]
		type BreakGlassWindow: Get<Moment>;

		/// Most break-glass accesses one clinician opens per `BreakGlassPeriod`.
		#[pallet::constant]
		type MaxBreakGlassPerPeriod: Get<u32>;

		/// The period `MaxBreakGlassPerPeriod` counts over, in milliseconds.
		#[pallet::constant]
		type BreakGlassPeriod: Get<Moment>;

		/// How long a patient's revocation of break-glass access bars that hospital from
		/// breaking the glass on them again, in milliseconds.
		#[pallet::constant]
		type BreakGlassHold: Get<Moment>;

		/// Most requests one hospital has open (unanswered) with one patient.
		#[pallet::constant]
		type MaxPendingRequests: Get<u32>;

		/// How long a request waits for the patient's answer before it lapses, in
		/// milliseconds.
		#[pallet::constant]
		type RequestLifetime: Get<Moment>;

		/// The most block weight the chain spends ending consents by itself in one block (the
		/// rest wait for the next); room for at least one consent with `MaxWraps` wraps.
		#[pallet::constant]
		type MaxExpiryWeight: Get<Weight>;

		/// Names the account that acts for the chain in the trail when it ends a consent by
		/// itself.
		#[pallet::constant]
		type PalletId: Get<PalletId>;

		/// Weights of this pallet's calls.
		type WeightInfo: WeightInfo;
	}

	/// Consents by id.
	#[pallet::storage]
	pub type Consents<T: Config> = StorageMap<_, Twox64Concat, ConsentId, Consent<T>>;

	/// How many consents were ever requested; the next id is this plus one.
	#[pallet::storage]
	pub type ConsentCount<T: Config> = StorageValue<_, ConsentId, ValueQuery>;

	/// Index: each patient's consents.
	#[pallet::storage]
	pub type ByPatient<T: Config> =
		StorageDoubleMap<_, Blake2_128Concat, T::AccountId, Twox64Concat, ConsentId, ()>;

	/// Index: consents requested by each hospital.
	#[pallet::storage]
	pub type ByOrganisation<T: Config> =
		StorageDoubleMap<_, Twox64Concat, OrgId, Twox64Concat, ConsentId, ()>;

	/// Index: each patient's consents per hospital, what access checks walk: one hospital's
	/// requests never lengthen another's checks.
	#[pallet::storage]
	pub type ByPatientOrganisation<T: Config> = StorageNMap<
		_,
		(
			NMapKey<Blake2_128Concat, T::AccountId>,
			NMapKey<Twox64Concat, OrgId>,
			NMapKey<Twox64Concat, ConsentId>,
		),
		(),
	>;

	/// How many requests each hospital has open (unanswered, not lapsed) with each patient.
	#[pallet::storage]
	pub type Pending<T: Config> =
		StorageDoubleMap<_, Blake2_128Concat, T::AccountId, Twox64Concat, OrgId, u32, ValueQuery>;

	/// When consents fall due — requests to lapse, grants to expire — by minute of chain time
	/// ([`DEADLINE_MINUTE`]): the chain ends them as blocks begin.
	#[pallet::storage]
	pub type Deadlines<T: Config> =
		StorageDoubleMap<_, Twox64Concat, u64, Twox64Concat, ConsentId, ()>;

	/// The first minute of [`Deadlines`] not yet processed; none before the first deadline.
	#[pallet::storage]
	pub type NextDeadline<T: Config> = StorageValue<_, u64, OptionQuery>;

	/// Hospitals a patient barred from breaking the glass on them by revoking it, until when.
	#[pallet::storage]
	pub type BreakGlassHolds<T: Config> =
		StorageDoubleMap<_, Blake2_128Concat, T::AccountId, Twox64Concat, OrgId, Moment>;

	/// Each clinician's break-glass accesses in their current period: its start and how many.
	#[pallet::storage]
	pub type BreakGlassUses<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, (Moment, u32)>;

	/// The granted consents of each (patient, hospital): what access checks look at.
	#[pallet::storage]
	pub type Grants<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		Twox64Concat,
		OrgId,
		BoundedVec<ConsentId, T::MaxGrantsPerOrganisation>,
		ValueQuery,
	>;

	/// Data keys wrapped for a grantee hospital, per (document, hospital).
	#[pallet::storage]
	pub type KeyWraps<T: Config> =
		StorageDoubleMap<_, Twox64Concat, DocId, Twox64Concat, OrgId, KeyWrap<T>>;

	/// Data keys re-wrapped to their patient's changed encryption key, per document.
	#[pallet::storage]
	pub type PatientWraps<T: Config> = StorageMap<_, Twox64Concat, DocId, PatientWrap<T>>;

	/// Index: the documents each consent wrapped keys for, so ending it removes them.
	#[pallet::storage]
	pub type WrapsOf<T: Config> =
		StorageDoubleMap<_, Twox64Concat, ConsentId, Twox64Concat, DocId, ()>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	// Each variant's doc tells what its fields are; they are the event's named data.
	#[allow(missing_docs)]
	pub enum Event<T: Config> {
		/// A hospital asked a patient for consent.
		Requested { id: ConsentId, patient: T::AccountId, org: OrgId, requester: T::AccountId },
		/// The patient granted a request.
		Granted { id: ConsentId, patient: T::AccountId, org: OrgId },
		/// The patient denied a request.
		Denied { id: ConsentId, patient: T::AccountId, org: OrgId },
		/// The patient revoked a grant; its key wraps were removed.
		Revoked { id: ConsentId, patient: T::AccountId, org: OrgId },
		/// A grant's window ended; its key wraps were removed.
		Expired { id: ConsentId, patient: T::AccountId, org: OrgId },
		/// A clinician opened emergency access to a patient's documents. Notify the patient.
		BreakGlass {
			id: ConsentId,
			patient: T::AccountId,
			org: OrgId,
			clinician: T::AccountId,
			until: Moment,
		},
		/// Data keys were wrapped for the consent's hospital.
		KeysWrapped { id: ConsentId, documents: u32 },
		/// A hospital re-wrapped data keys of its documents to their patient's current key.
		WrappedForPatient { patient: T::AccountId, org: OrgId, documents: u32 },
		/// The patient revoked break-glass access: the hospital may not break the glass on
		/// them again until `until`.
		BreakGlassHeld { patient: T::AccountId, org: OrgId, until: Moment },
		/// The patient lifted their bar on the hospital's break-glass access.
		BreakGlassHoldLifted { patient: T::AccountId, org: OrgId },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// Only clinicians and administrators of an active hospital request consent.
		NotHospitalStaff,
		/// Only clinicians of an active hospital break the glass.
		NotAClinician,
		/// The account named as patient is not an active patient.
		UnknownPatient,
		/// No consent has this id.
		UnknownConsent,
		/// Only the patient decides on their consents.
		NotThePatient,
		/// The consent is not waiting for a decision.
		NotPending,
		/// The grant names other terms than the request holds: the patient was shown
		/// something else.
		OtherTerms,
		/// The consent is not granted (it was denied or revoked, or is still a request).
		NotGranted,
		/// The consent's window has ended.
		AlreadyExpired,
		/// The consent's window has not ended yet.
		NotYetExpired,
		/// A scope list must not be empty.
		EmptyScope,
		/// A scope lists more than `MaxScopeItems` items.
		ScopeTooLarge,
		/// A document-type code in the scope is empty or too long.
		InvalidDocumentType,
		/// No document has this id.
		UnknownDocument,
		/// The document belongs to another patient.
		DocumentNotOfPatient,
		/// A consent must allow read, write or both.
		NoActions,
		/// A window must end after it starts.
		InvalidWindow,
		/// The window has already ended.
		WindowInPast,
		/// The patient already holds `MaxGrantsPerOrganisation` grants for this hospital.
		TooManyGrants,
		/// Break-glass needs a reason.
		MissingReason,
		/// The reason is longer than `MaxReasonLength`.
		ReasonTooLong,
		/// A wrapped key must not be empty.
		EmptyWrap,
		/// A wrapped key is longer than `MaxWrapLength`.
		WrapTooLong,
		/// More than `MaxWraps` wraps in one call or for one consent.
		TooManyWraps,
		/// The document is outside the consent's scope.
		NotInScope,
		/// Staff may only wrap keys of their own hospital's documents.
		NotIssuingOrganisation,
		/// Keys of documents that existed at grant time are wrapped by the patient.
		PatientMustWrap,
		/// Only the patient and the issuing hospital wrap keys.
		NotAllowedToWrap,
		/// The key named is not the patient's current encryption key.
		NotThePatientsKey,
		/// The hospital already has `MaxPendingRequests` requests open with this patient.
		TooManyPendingRequests,
		/// The request was left unanswered for `RequestLifetime`: it lapsed.
		RequestLapsed,
		/// The patient revoked this hospital's last break-glass access and the bar still
		/// holds.
		BreakGlassHeld,
		/// The clinician already opened `MaxBreakGlassPerPeriod` break-glass accesses in this
		/// period.
		BreakGlassRateExceeded,
		/// The patient has no bar on this hospital's break-glass access.
		NoBreakGlassHold,
		/// The hospital already has break-glass access to this patient open.
		BreakGlassAlreadyOpen,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		/// Ends the consents that fell due. The clock is the previous block's (this block's
		/// timestamp is set after the hooks run): a minute is processed once it has passed.
		fn on_initialize(_n: BlockNumberFor<T>) -> Weight {
			Self::end_due(Self::now())
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Ask `patient` for consent for the caller's hospital.
		#[pallet::call_index(0)]
		#[pallet::weight(<T as Config>::WeightInfo::request())]
		pub fn request(
			origin: OriginFor<T>,
			patient: T::AccountId,
			scope: ScopeRequest,
			purpose: Purpose,
			actions: Actions,
			window: Window,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let org = match pallet_consortium::Pallet::<T>::standing(&who) {
				Standing::Member(Role::Clinician(org) | Role::OrgAdmin(org)) => org,
				_ => return Err(Error::<T>::NotHospitalStaff.into()),
			};
			Self::ensure_patient(&patient)?;
			let scope = Self::validate_scope(&patient, scope)?;
			ensure!(actions.read || actions.write, Error::<T>::NoActions);
			ensure!(window.from < window.to, Error::<T>::InvalidWindow);
			let now = Self::now();
			ensure!(window.to > now, Error::<T>::WindowInPast);
			Pending::<T>::try_mutate(&patient, org, |open| {
				ensure!(*open < T::MaxPendingRequests::get(), Error::<T>::TooManyPendingRequests);
				*open += 1;
				Ok::<_, Error<T>>(())
			})?;
			let consent = Consent {
				patient: patient.clone(),
				org,
				requester: who.clone(),
				scope,
				purpose,
				actions,
				window,
				status: ConsentStatus::Requested,
				requested_at: now,
				decided_at: None,
				ended_at: None,
				break_glass_reason: None,
				wraps: 0,
				last_document_at_grant: 0,
			};
			let id = Self::insert(consent);
			Self::audit(&patient, &who, Some(org), AuditAction::Create, id, purpose);
			Self::deposit_event(Event::Requested { id, patient, org, requester: who });
			Ok(())
		}

		/// Grant a request, naming the hash of its terms as the patient saw them
		/// ([`Terms::hash`]), and wrapping for the hospital the data keys of the covered
		/// documents that exist now (or some of them; [`Pallet::add_wraps`] adds the rest).
		#[pallet::call_index(1)]
		#[pallet::weight(<T as Config>::WeightInfo::grant(
			(wraps.len() as u32).min(T::MaxWraps::get())
		))]
		pub fn grant(
			origin: OriginFor<T>,
			id: ConsentId,
			terms: [u8; 32],
			wraps: Vec<(DocId, Vec<u8>)>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let mut consent = Self::patients_consent(&who, id)?;
			ensure!(consent.status == ConsentStatus::Requested, Error::<T>::NotPending);
			ensure!(consent.terms().hash() == terms, Error::<T>::OtherTerms);
			let now = Self::now();
			ensure!(consent.window.to > now, Error::<T>::AlreadyExpired);
			ensure!(Self::request_deadline(&consent) > now, Error::<T>::RequestLapsed);
			Self::add_grant(&consent.patient, consent.org, id, now)?;
			Self::answered(id, &consent);
			consent.status = ConsentStatus::Granted;
			consent.decided_at = Some(now);
			Self::schedule(id, consent.window.to);
			consent.last_document_at_grant = pallet_documents::DocumentCount::<T>::get();
			Self::audit(&who, &who, None, AuditAction::Update, id, consent.purpose);
			Self::deposit_event(Event::Granted {
				id,
				patient: consent.patient.clone(),
				org: consent.org,
			});
			Self::store_wraps(&who, None, id, &mut consent, wraps)?;
			Consents::<T>::insert(id, consent);
			Ok(())
		}

		/// Deny a request.
		#[pallet::call_index(2)]
		#[pallet::weight(<T as Config>::WeightInfo::deny())]
		pub fn deny(origin: OriginFor<T>, id: ConsentId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let mut consent = Self::patients_consent(&who, id)?;
			ensure!(consent.status == ConsentStatus::Requested, Error::<T>::NotPending);
			let now = Self::now();
			ensure!(Self::request_deadline(&consent) > now, Error::<T>::RequestLapsed);
			Self::answered(id, &consent);
			consent.status = ConsentStatus::Denied;
			consent.decided_at = Some(now);
			Self::audit(&who, &who, None, AuditAction::Update, id, consent.purpose);
			Self::deposit_event(Event::Denied { id, patient: who, org: consent.org });
			Consents::<T>::insert(id, consent);
			Ok(())
		}

		/// Revoke a grant (or break-glass access); its key wraps are removed.
		#[pallet::call_index(3)]
		#[pallet::weight(<T as Config>::WeightInfo::revoke(T::MaxWraps::get()))]
		pub fn revoke(origin: OriginFor<T>, id: ConsentId) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			let consent = Self::patients_consent(&who, id)?;
			let now = Self::now();
			Self::ensure_active(&consent, now)?;
			if consent.break_glass_reason.is_some() {
				let until = now.saturating_add(T::BreakGlassHold::get());
				BreakGlassHolds::<T>::insert(&who, consent.org, until);
				Self::deposit_event(Event::BreakGlassHeld {
					patient: who.clone(),
					org: consent.org,
					until,
				});
			}
			let wraps = consent.wraps;
			Self::end(&who, id, consent, ConsentStatus::Revoked);
			Ok(Some(<T as Config>::WeightInfo::revoke(wraps)).into())
		}

		/// Add key wraps under a grant: the patient for any covered document, the issuing
		/// hospital's staff for covered documents anchored after the grant (or, under
		/// break-glass, any of the patient's documents).
		#[pallet::call_index(4)]
		#[pallet::weight(<T as Config>::WeightInfo::add_wraps(
			(wraps.len() as u32).min(T::MaxWraps::get())
		))]
		pub fn add_wraps(
			origin: OriginFor<T>,
			id: ConsentId,
			wraps: Vec<(DocId, Vec<u8>)>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let mut consent = Consents::<T>::get(id).ok_or(Error::<T>::UnknownConsent)?;
			Self::ensure_active(&consent, Self::now())?;
			let staff_of = if who == consent.patient {
				None
			} else {
				match pallet_consortium::Pallet::<T>::standing(&who) {
					Standing::Member(Role::Clinician(org) | Role::OrgAdmin(org)) => Some(org),
					_ => return Err(Error::<T>::NotAllowedToWrap.into()),
				}
			};
			Self::store_wraps(&who, staff_of, id, &mut consent, wraps)?;
			Consents::<T>::insert(id, consent);
			Ok(())
		}

		/// Record that a grant's window has ended and remove its key wraps. Any member may
		/// call it; access already stops at the window's end without it.
		#[pallet::call_index(5)]
		#[pallet::weight(<T as Config>::WeightInfo::expire(T::MaxWraps::get()))]
		pub fn expire(origin: OriginFor<T>, id: ConsentId) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			let consent = Consents::<T>::get(id).ok_or(Error::<T>::UnknownConsent)?;
			ensure!(consent.status == ConsentStatus::Granted, Error::<T>::NotGranted);
			ensure!(consent.window.to <= Self::now(), Error::<T>::NotYetExpired);
			let wraps = consent.wraps;
			Self::end(&who, id, consent, ConsentStatus::Expired);
			Ok(Some(<T as Config>::WeightInfo::expire(wraps)).into())
		}

		/// Open emergency read access to all of `patient`'s documents for the caller's
		/// hospital, for `BreakGlassWindow`. Audited, and notified to the patient.
		#[pallet::call_index(6)]
		#[pallet::weight(<T as Config>::WeightInfo::break_glass())]
		pub fn break_glass(
			origin: OriginFor<T>,
			patient: T::AccountId,
			reason: Vec<u8>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let org = match pallet_consortium::Pallet::<T>::standing(&who) {
				Standing::Member(Role::Clinician(org)) => org,
				_ => return Err(Error::<T>::NotAClinician.into()),
			};
			Self::ensure_patient(&patient)?;
			ensure!(!reason.is_empty(), Error::<T>::MissingReason);
			let reason: BoundedVec<_, _> =
				reason.try_into().map_err(|_| Error::<T>::ReasonTooLong)?;
			let now = Self::now();
			if let Some(held_until) = BreakGlassHolds::<T>::take(&patient, org) {
				ensure!(held_until <= now, Error::<T>::BreakGlassHeld);
			}
			BreakGlassUses::<T>::try_mutate(&who, |uses| {
				let (start, count) = match *uses {
					Some((start, count))
						if now < start.saturating_add(T::BreakGlassPeriod::get()) =>
					{
						(start, count)
					}
					_ => (now, 0),
				};
				ensure!(
					count < T::MaxBreakGlassPerPeriod::get(),
					Error::<T>::BreakGlassRateExceeded
				);
				*uses = Some((start, count + 1));
				Ok::<_, Error<T>>(())
			})?;
			// One emergency access per hospital and patient at a time, so the patient's one
			// revocation ends the hospital's emergency access.
			let open = Grants::<T>::get(&patient, org).into_iter().any(|id| {
				Consents::<T>::get(id)
					.is_some_and(|c| c.break_glass_reason.is_some() && c.window.to > now)
			});
			ensure!(!open, Error::<T>::BreakGlassAlreadyOpen);
			let until = now.saturating_add(T::BreakGlassWindow::get());
			let consent = Consent {
				patient: patient.clone(),
				org,
				requester: who.clone(),
				scope: Scope::All,
				purpose: Purpose::Emergency,
				actions: Actions { read: true, write: false },
				window: Window { from: now, to: until },
				status: ConsentStatus::Granted,
				requested_at: now,
				decided_at: Some(now),
				ended_at: None,
				break_glass_reason: Some(reason),
				wraps: 0,
				last_document_at_grant: pallet_documents::DocumentCount::<T>::get(),
			};
			let id = Self::insert(consent);
			Self::add_grant(&patient, org, id, now)?;
			Self::audit(&patient, &who, Some(org), AuditAction::Execute, id, Purpose::Emergency);
			Self::deposit_event(Event::BreakGlass { id, patient, org, clinician: who, until });
			Ok(())
		}

		/// Wrap data keys of the caller's hospital's documents to their patient's current
		/// encryption key: what the issuing hospital does when a patient changed their key,
		/// so the patient reads their old documents with the new key alone. Staff of the
		/// issuing hospital only (it alone holds the data keys); `key` names the key wrapped
		/// to and must still be the patient's (a wrap made just before another change is
		/// refused, not filed under the newer key); each wrap replaces the document's earlier
		/// one and is audited in the patient's trail.
		#[pallet::call_index(7)]
		#[pallet::weight(<T as Config>::WeightInfo::wrap_for_patient(
			(wraps.len() as u32).min(T::MaxWraps::get())
		))]
		pub fn wrap_for_patient(
			origin: OriginFor<T>,
			patient: T::AccountId,
			key: EncryptionKey,
			wraps: Vec<(DocId, Vec<u8>)>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let org = match pallet_consortium::Pallet::<T>::standing(&who) {
				Standing::Member(Role::Clinician(org) | Role::OrgAdmin(org)) => org,
				_ => return Err(Error::<T>::NotHospitalStaff.into()),
			};
			let current = pallet_consortium::Members::<T>::get(&patient)
				.filter(|m| m.role == Role::Patient && m.status == MemberStatus::Active)
				.ok_or(Error::<T>::UnknownPatient)?
				.encryption_key;
			ensure!(key == current, Error::<T>::NotThePatientsKey);
			ensure!(wraps.len() as u32 <= T::MaxWraps::get(), Error::<T>::TooManyWraps);
			let now = Self::now();
			let count = wraps.len() as u32;
			for (document, wrapped) in wraps {
				let doc = pallet_documents::Pallet::<T>::facts(document)
					.ok_or(Error::<T>::UnknownDocument)?;
				ensure!(doc.patient == patient, Error::<T>::DocumentNotOfPatient);
				ensure!(doc.org == org, Error::<T>::NotIssuingOrganisation);
				ensure!(!wrapped.is_empty(), Error::<T>::EmptyWrap);
				let wrapped = wrapped.try_into().map_err(|_| Error::<T>::WrapTooLong)?;
				PatientWraps::<T>::insert(document, PatientWrap { key, wrapped });
				pallet_audit::Pallet::<T>::record(AuditEntry {
					patient: patient.clone(),
					actor: who.clone(),
					org: Some(org),
					action: AuditAction::Execute,
					subject: Subject::Document(document),
					consent: None,
					purpose: None,
					outcome: Outcome::Success,
					at: now,
					occurred_at: None,
				});
			}
			Self::deposit_event(Event::WrappedForPatient { patient, org, documents: count });
			Ok(())
		}

		/// Lift the bar on hospital `org` breaking the glass on the caller, which revoking its
		/// break-glass access set; audited in the caller's trail.
		#[pallet::call_index(8)]
		#[pallet::weight(<T as Config>::WeightInfo::lift_break_glass_hold())]
		pub fn lift_break_glass_hold(origin: OriginFor<T>, org: OrgId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			BreakGlassHolds::<T>::take(&who, org).ok_or(Error::<T>::NoBreakGlassHold)?;
			pallet_audit::Pallet::<T>::record(AuditEntry {
				patient: who.clone(),
				actor: who.clone(),
				org: None,
				action: AuditAction::Update,
				subject: Subject::Patient,
				consent: None,
				purpose: Some(Purpose::Emergency),
				outcome: Outcome::Success,
				at: Self::now(),
				occurred_at: None,
			});
			Self::deposit_event(Event::BreakGlassHoldLifted { patient: who, org });
			Ok(())
		}
	}
}

impl<T: Config> Pallet<T> {
	/// A consent as queries show it: a grant past its window is `Expired`.
	pub fn consent(id: ConsentId) -> Option<Consent<T>> {
		Consents::<T>::get(id).map(|consent| Self::as_seen(consent, Self::now()))
	}

	/// A patient's consents after `after` (exclusive), at most `limit` (≤ [`MAX_PAGE`]).
	pub fn by_patient(
		patient: &T::AccountId,
		after: Option<ConsentId>,
		limit: u32,
	) -> Vec<(ConsentId, Consent<T>)> {
		let ids = pallet_audit::keys_after::<ByPatient<T>, _, _>(patient, after);
		Self::resolve(ids, limit)
	}

	/// Consents requested by a hospital after `after` (exclusive), at most `limit`.
	pub fn by_organisation(
		org: OrgId,
		after: Option<ConsentId>,
		limit: u32,
	) -> Vec<(ConsentId, Consent<T>)> {
		let ids = pallet_audit::keys_after::<ByOrganisation<T>, _, _>(&org, after);
		Self::resolve(ids, limit)
	}

	/// Whether `who` may do `action` on `document` now, for `purpose` (a read declares one;
	/// `None` asks whether any consent allows it, whatever its purpose): how, or why not.
	pub fn can_access(
		who: &T::AccountId,
		document: DocId,
		action: Action,
		purpose: Option<Purpose>,
	) -> Result<Access, Refusal> {
		let (doc, reader) = Self::reader(who, document)?;
		let org = match reader {
			Reader::Patient => return Ok(Access::Patient),
			Reader::Staff(org) if org == doc.org => return Ok(Access::IssuingOrganisation),
			Reader::Staff(org) => org,
		};
		let now = Self::now();
		// Every consent of the patient for this hospital, so a refusal can say what stands
		// in the way (revoked, expired, …) and not only that no grant matches.
		let mut refusal = Refusal::NoConsent;
		for id in ByPatientOrganisation::<T>::iter_key_prefix((&doc.patient, org)) {
			let Some(consent) = Consents::<T>::get(id) else { continue };
			match Self::allows(&consent, document, &doc.document_type, action, purpose, now) {
				Ok(()) => return Ok(Access::Consent(id)),
				Err(reason) if rank(reason) > rank(refusal) => refusal = reason,
				Err(_) => {}
			}
		}
		Err(refusal)
	}

	/// Whether a read `who` reports as granted was: without a consent, the document is theirs
	/// or their hospital's; under consent `consent`, it is their hospital's consent from the
	/// document's patient and, at time `at`, was in force, covered the document and allowed
	/// reading for `purpose`. The audit pallet asks before it records a granted read.
	pub fn read_allowed(
		who: &T::AccountId,
		document: DocId,
		consent: Option<ConsentId>,
		purpose: Option<Purpose>,
		at: Moment,
	) -> Result<(), Refusal> {
		let (doc, reader) = Self::reader(who, document)?;
		match (reader, consent) {
			(Reader::Patient, None) => Ok(()),
			(Reader::Staff(org), None) if org == doc.org => Ok(()),
			(Reader::Staff(org), Some(id)) => {
				let consent = Consents::<T>::get(id)
					.filter(|c| c.org == org && c.patient == doc.patient)
					.ok_or(Refusal::NoConsent)?;
				Self::allows(&consent, document, &doc.document_type, Action::Read, purpose, at)
			}
			_ => Err(Refusal::NoConsent),
		}
	}

	/// The document and who `who` is to it: its patient, or staff of a hospital (the issuing
	/// one or another).
	fn reader(
		who: &T::AccountId,
		document: DocId,
	) -> Result<(pallet_documents::Facts<T>, Reader), Refusal> {
		let doc = pallet_documents::Pallet::<T>::facts(document).ok_or(Refusal::UnknownDocument)?;
		let reader = match pallet_consortium::Pallet::<T>::standing(who) {
			Standing::Member(Role::Patient) if *who == doc.patient => Reader::Patient,
			Standing::Member(Role::Clinician(org) | Role::OrgAdmin(org)) => Reader::Staff(org),
			Standing::Member(_) => return Err(Refusal::NoConsent),
			Standing::OrganisationInactive(_) => return Err(Refusal::OrganisationInactive),
			Standing::Validator(_) | Standing::Unknown | Standing::Removed => {
				return Err(Refusal::NotAMember)
			}
		};
		Ok((doc, reader))
	}

	/// The data key of `document` wrapped for `org`, if a consent released it.
	pub fn key_wrap(document: DocId, org: OrgId) -> Option<KeyWrap<T>> {
		KeyWraps::<T>::get(document, org)
	}

	/// The data key of `document` re-wrapped to its patient's key, if it was.
	pub fn patient_wrap(document: DocId) -> Option<PatientWrap<T>> {
		PatientWraps::<T>::get(document)
	}

	fn now() -> Moment {
		pallet_audit::Pallet::<T>::now()
	}

	fn as_seen(mut consent: Consent<T>, now: Moment) -> Consent<T> {
		consent.status = Self::status_at(&consent, now);
		consent
	}

	/// The status `consent` had at time `at` — now, for queries and access checks; when a read
	/// happened, for its report — from its recorded history: a request until decided, a grant
	/// until ended (revoked or expired), and a grant past its window `Expired`.
	fn status_at(consent: &Consent<T>, at: Moment) -> ConsentStatus {
		let ended = consent.ended_at.is_some_and(|t| t <= at);
		let status = match (consent.status, consent.decided_at) {
			// Never answered: a request, then lapsed (below).
			(ConsentStatus::Requested, _) | (_, None) => ConsentStatus::Requested,
			(_, Some(decided)) if decided > at => ConsentStatus::Requested,
			(ConsentStatus::Revoked | ConsentStatus::Expired, _) if !ended => {
				ConsentStatus::Granted
			}
			(status, _) => status,
		};
		match status {
			ConsentStatus::Granted if consent.window.to <= at => ConsentStatus::Expired,
			ConsentStatus::Requested if Self::request_deadline(consent) <= at => {
				ConsentStatus::Expired
			}
			status => status,
		}
	}

	fn resolve(ids: impl Iterator<Item = ConsentId>, limit: u32) -> Vec<(ConsentId, Consent<T>)> {
		let now = Self::now();
		ids.take(limit.min(MAX_PAGE) as usize)
			.filter_map(|id| Consents::<T>::get(id).map(|c| (id, Self::as_seen(c, now))))
			.collect()
	}

	/// Whether `consent` lets its hospital do `action` on the document now.
	/// [`Self::covers`], and the consent is for `purpose` (when one is declared).
	fn allows(
		consent: &Consent<T>,
		document: DocId,
		document_type: &[u8],
		action: Action,
		purpose: Option<Purpose>,
		at: Moment,
	) -> Result<(), Refusal> {
		Self::covers(consent, document, document_type, action, at)?;
		match purpose {
			Some(purpose) if purpose != consent.purpose => Err(Refusal::PurposeNotGranted),
			_ => Ok(()),
		}
	}

	fn covers(
		consent: &Consent<T>,
		document: DocId,
		document_type: &[u8],
		action: Action,
		now: Moment,
	) -> Result<(), Refusal> {
		match Self::status_at(consent, now) {
			ConsentStatus::Granted => {}
			ConsentStatus::Requested => return Err(Refusal::ConsentNotGranted),
			ConsentStatus::Denied => return Err(Refusal::ConsentDenied),
			ConsentStatus::Revoked => return Err(Refusal::ConsentRevoked),
			ConsentStatus::Expired => return Err(Refusal::ConsentExpired),
		}
		if now < consent.window.from {
			return Err(Refusal::ConsentNotYetValid);
		}
		if !consent.scope.covers(document, document_type) {
			return Err(Refusal::OutsideScope);
		}
		if !consent.actions.allows(action) {
			return Err(Refusal::ActionNotGranted);
		}
		Ok(())
	}

	fn ensure_patient(patient: &T::AccountId) -> DispatchResult {
		let is_patient = pallet_consortium::Members::<T>::get(patient)
			.is_some_and(|m| m.role == Role::Patient && m.status == MemberStatus::Active);
		ensure!(is_patient, Error::<T>::UnknownPatient);
		Ok(())
	}

	/// The consent `id`, which must be `who`'s own.
	fn patients_consent(who: &T::AccountId, id: ConsentId) -> Result<Consent<T>, DispatchError> {
		let consent = Consents::<T>::get(id).ok_or(Error::<T>::UnknownConsent)?;
		ensure!(&consent.patient == who, Error::<T>::NotThePatient);
		Ok(consent)
	}

	/// The consent must be granted and within its window.
	fn ensure_active(consent: &Consent<T>, now: Moment) -> DispatchResult {
		ensure!(consent.status == ConsentStatus::Granted, Error::<T>::NotGranted);
		ensure!(consent.window.to > now, Error::<T>::AlreadyExpired);
		Ok(())
	}

	fn validate_scope(
		patient: &T::AccountId,
		scope: ScopeRequest,
	) -> Result<Scope<T>, DispatchError> {
		let max = T::MaxScopeItems::get() as usize;
		Ok(match scope {
			ScopeRequest::All => Scope::All,
			ScopeRequest::DocumentTypes(types) => {
				ensure!(!types.is_empty(), Error::<T>::EmptyScope);
				ensure!(types.len() <= max, Error::<T>::ScopeTooLarge);
				let types = types
					.into_iter()
					.map(|code| {
						ensure!(!code.is_empty(), Error::<T>::InvalidDocumentType);
						code.try_into().map_err(|_| Error::<T>::InvalidDocumentType)
					})
					.collect::<Result<Vec<_>, _>>()?;
				Scope::DocumentTypes(types.try_into().map_err(|_| Error::<T>::ScopeTooLarge)?)
			}
			ScopeRequest::Documents(ids) => {
				ensure!(!ids.is_empty(), Error::<T>::EmptyScope);
				ensure!(ids.len() <= max, Error::<T>::ScopeTooLarge);
				for id in &ids {
					let doc = pallet_documents::Pallet::<T>::facts(*id)
						.ok_or(Error::<T>::UnknownDocument)?;
					ensure!(&doc.patient == patient, Error::<T>::DocumentNotOfPatient);
				}
				Scope::Documents(ids.try_into().map_err(|_| Error::<T>::ScopeTooLarge)?)
			}
		})
	}

	fn insert(consent: Consent<T>) -> ConsentId {
		let id = ConsentCount::<T>::mutate(|count| {
			*count += 1;
			*count
		});
		ByPatient::<T>::insert(&consent.patient, id, ());
		ByOrganisation::<T>::insert(consent.org, id, ());
		ByPatientOrganisation::<T>::insert((&consent.patient, consent.org, id), ());
		if let Some(due) = Self::deadline(&consent) {
			Self::schedule(id, due);
		}
		Consents::<T>::insert(id, consent);
		id
	}

	/// When the chain ends `consent` by itself: a request when it lapses, a grant at its
	/// window's end; nothing else is due.
	fn deadline(consent: &Consent<T>) -> Option<Moment> {
		match consent.status {
			ConsentStatus::Requested => Some(Self::request_deadline(consent)),
			ConsentStatus::Granted => Some(consent.window.to),
			_ => None,
		}
	}

	/// When a request lapses: unanswered for `RequestLifetime`, or its window over.
	fn request_deadline(consent: &Consent<T>) -> Moment {
		consent.requested_at.saturating_add(T::RequestLifetime::get()).min(consent.window.to)
	}

	fn schedule(id: ConsentId, due: Moment) {
		let minute = due / DEADLINE_MINUTE;
		Deadlines::<T>::insert(minute, id, ());
		NextDeadline::<T>::mutate(|next| *next = Some(next.map_or(minute, |n| n.min(minute))));
	}

	fn unschedule(id: ConsentId, due: Moment) {
		Deadlines::<T>::remove(due / DEADLINE_MINUTE, id);
	}

	/// The patient answered request `id`: it is no longer open nor due to lapse.
	fn answered(id: ConsentId, consent: &Consent<T>) {
		Pending::<T>::mutate_exists(&consent.patient, consent.org, |open| {
			*open = open.and_then(|n| n.checked_sub(1)).filter(|n| *n > 0);
		});
		Self::unschedule(id, Self::request_deadline(consent));
	}

	/// The account named as actor when the chain ends a consent by itself.
	pub fn account() -> T::AccountId {
		T::PalletId::get().into_account_truncating()
	}

	/// Ends the consents that fell due by `now`, minute by minute of [`Deadlines`], within
	/// `MaxExpiryWeight` and at most [`MAX_DEADLINE_MINUTES`] minutes (after a long stall) per
	/// call; the rest wait for the next block. Returns the weight used.
	pub(crate) fn end_due(now: Moment) -> Weight {
		let db = T::DbWeight::get();
		let mut weight = db.reads_writes(1, 1);
		let Some(mut minute) = NextDeadline::<T>::get() else { return weight };
		// Room is checked for the dearest consent before each, so the budget is never passed.
		let dearest = Self::dearest_ending();
		let budget = T::MaxExpiryWeight::get();
		let mut minutes = 0;
		// A minute is processed once it has passed entirely, so all its deadlines have.
		'minutes: while (minute + 1).saturating_mul(DEADLINE_MINUTE) <= now
			&& minutes < MAX_DEADLINE_MINUTES
		{
			// Read one at a time: each ending writes into the map being walked.
			while let Some(id) = Deadlines::<T>::iter_key_prefix(minute).next() {
				if weight.saturating_add(dearest).any_gt(budget) {
					break 'minutes;
				}
				Deadlines::<T>::remove(minute, id);
				weight.saturating_accrue(
					db.reads_writes(1, 1).saturating_add(Self::end_if_due(id, now)),
				);
			}
			weight.saturating_accrue(db.reads(1));
			minute += 1;
			minutes += 1;
		}
		NextDeadline::<T>::put(minute);
		weight
	}

	/// The most weight [`Self::end_due`] spends on one consent: taking it from the queue and
	/// ending the dearest kind (a grant with `MaxWraps` wraps, or a lapsed request). The
	/// runtime's `MaxExpiryWeight` must hold at least this, or nothing ever ends.
	pub fn dearest_ending() -> Weight {
		<T as Config>::WeightInfo::expire(T::MaxWraps::get())
			.max(<T as Config>::WeightInfo::deny())
			.saturating_add(T::DbWeight::get().reads_writes(2, 1))
	}

	/// Ends consent `id` if it is due: a grant past its window expires (its wraps removed), a
	/// request unanswered past its deadline lapses. Returns the weight used.
	pub(crate) fn end_if_due(id: ConsentId, now: Moment) -> Weight {
		let Some(mut consent) = Consents::<T>::get(id) else {
			return T::DbWeight::get().reads(1);
		};
		match consent.status {
			ConsentStatus::Granted if consent.window.to <= now => {
				let wraps = consent.wraps;
				Self::end(&Self::account(), id, consent, ConsentStatus::Expired);
				// The same work as a member's `expire`.
				<T as Config>::WeightInfo::expire(wraps)
			}
			ConsentStatus::Requested if Self::request_deadline(&consent) <= now => {
				Self::answered(id, &consent);
				consent.status = ConsentStatus::Expired;
				consent.ended_at = Some(now);
				let (patient, org) = (consent.patient.clone(), consent.org);
				Self::audit(
					&patient,
					&Self::account(),
					None,
					AuditAction::Update,
					id,
					consent.purpose,
				);
				Consents::<T>::insert(id, consent);
				Self::deposit_event(Event::Expired { id, patient, org });
				// The same work as a patient's `deny`.
				<T as Config>::WeightInfo::deny()
			}
			_ => T::DbWeight::get().reads(1),
		}
	}

	/// Checks and stores wraps added by the patient (`staff_of` = None) or by staff of a
	/// hospital, under an active consent. The caller stores `consent` afterwards.
	fn store_wraps(
		who: &T::AccountId,
		staff_of: Option<OrgId>,
		id: ConsentId,
		consent: &mut Consent<T>,
		wraps: Vec<(DocId, Vec<u8>)>,
	) -> DispatchResult {
		if wraps.is_empty() {
			return Ok(());
		}
		let max = T::MaxWraps::get();
		ensure!(wraps.len() as u32 <= max, Error::<T>::TooManyWraps);
		let now = Self::now();
		let count = wraps.len() as u32;
		for (document, wrapped) in wraps {
			let doc = pallet_documents::Pallet::<T>::facts(document)
				.ok_or(Error::<T>::UnknownDocument)?;
			ensure!(doc.patient == consent.patient, Error::<T>::DocumentNotOfPatient);
			Self::covers(consent, document, &doc.document_type, Action::Read, now)
				.map_err(|_| Error::<T>::NotInScope)?;
			if let Some(org) = staff_of {
				ensure!(doc.org == org, Error::<T>::NotIssuingOrganisation);
				ensure!(
					consent.break_glass_reason.is_some()
						|| document > consent.last_document_at_grant,
					Error::<T>::PatientMustWrap
				);
			}
			ensure!(!wrapped.is_empty(), Error::<T>::EmptyWrap);
			let wrapped = wrapped.try_into().map_err(|_| Error::<T>::WrapTooLong)?;
			if !WrapsOf::<T>::contains_key(id, document) {
				consent.wraps += 1;
				ensure!(consent.wraps <= max, Error::<T>::TooManyWraps);
				WrapsOf::<T>::insert(id, document, ());
			}
			KeyWraps::<T>::insert(document, consent.org, KeyWrap { consent: id, wrapped });
			pallet_audit::Pallet::<T>::record(AuditEntry {
				patient: consent.patient.clone(),
				actor: who.clone(),
				org: staff_of,
				action: AuditAction::Execute,
				subject: Subject::Document(document),
				consent: Some(id),
				purpose: Some(consent.purpose),
				outcome: Outcome::Success,
				at: now,
				occurred_at: None,
			});
		}
		Self::deposit_event(Event::KeysWrapped { id, documents: count });
		Ok(())
	}

	/// Adds `id` to the grants access checks look at, first dropping grants whose window
	/// ended (their record and wraps stay until [`Pallet::expire`]).
	fn add_grant(patient: &T::AccountId, org: OrgId, id: ConsentId, now: Moment) -> DispatchResult {
		Grants::<T>::try_mutate(patient, org, |grants| {
			grants.retain(|g| Consents::<T>::get(g).is_some_and(|c| c.window.to > now));
			grants.try_push(id).map_err(|_| Error::<T>::TooManyGrants.into())
		})
	}

	/// Ends a grant as revoked or expired: removes it from the access index and its wraps.
	fn end(who: &T::AccountId, id: ConsentId, mut consent: Consent<T>, status: ConsentStatus) {
		Grants::<T>::mutate(&consent.patient, consent.org, |grants| grants.retain(|g| *g != id));
		Self::unschedule(id, consent.window.to);
		for document in WrapsOf::<T>::drain_prefix(id).map(|(document, ())| document) {
			// Another consent may have rewrapped the key since; leave its wrap alone.
			if KeyWraps::<T>::get(document, consent.org).is_some_and(|w| w.consent == id) {
				KeyWraps::<T>::remove(document, consent.org);
			}
		}
		let now = Self::now();
		consent.status = status;
		consent.ended_at = Some(now);
		consent.wraps = 0;
		let (patient, org) = (consent.patient.clone(), consent.org);
		let actor_org = if *who == patient {
			None
		} else {
			pallet_consortium::Members::<T>::get(who).and_then(|m| m.role.organisation())
		};
		Self::audit(&patient, who, actor_org, AuditAction::Update, id, consent.purpose);
		Consents::<T>::insert(id, consent);
		Self::deposit_event(match status {
			ConsentStatus::Revoked => Event::Revoked { id, patient, org },
			_ => Event::Expired { id, patient, org },
		});
	}

	fn audit(
		patient: &T::AccountId,
		actor: &T::AccountId,
		org: Option<OrgId>,
		action: AuditAction,
		id: ConsentId,
		purpose: Purpose,
	) {
		pallet_audit::Pallet::<T>::record(AuditEntry {
			patient: patient.clone(),
			actor: actor.clone(),
			org,
			action,
			subject: Subject::Consent(id),
			consent: Some(id),
			purpose: Some(purpose),
			outcome: Outcome::Success,
			at: Self::now(),
			occurred_at: None,
		});
	}
}

#[cfg(any(test, feature = "try-runtime"))]
impl<T: Config> Pallet<T> {
	/// Checks the consents and the indexes that access checks and queries trust:
	///
	/// - The ids in use are exactly `1..=ConsentCount` (ids are given in order and consents
	///   are never removed).
	/// - Each consent is in [`ByPatient`] under its patient and in [`ByOrganisation`] under its
	///   hospital; each key of those indexes names a consent of that patient or hospital.
	/// - [`Grants`] lists only granted consents of its (patient, hospital), each once, and
	///   every granted consent whose window has not ended (a grant leaves [`Grants`] early
	///   only once its window ended).
	/// - A consent's `wraps` is at most `MaxWraps` and counts its [`WrapsOf`] entries; only
	///   granted consents hold wraps, and only of their patient's documents.
	/// - Each key wrap in [`KeyWraps`] is listed in [`WrapsOf`] under its consent, which is
	///   for the hospital the wrap is filed under.
	/// - Each patient wrap in [`PatientWraps`] is of an anchored document.
	/// - Each consent is in [`ByPatientOrganisation`] under its patient and hospital, and each
	///   key there names a consent of that patient and hospital.
	/// - [`Pending`] counts each (patient, hospital)'s open requests.
	/// - Each request and grant is in [`Deadlines`] at the minute it falls due, and every
	///   deadline names one; [`NextDeadline`] comes before every deadline.
	/// - No clinician counts more than `MaxBreakGlassPerPeriod` break-glass accesses.
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		let count = ConsentCount::<T>::get();
		let now = Self::now();
		let mut consents: ConsentId = 0;
		let mut wraps: u64 = 0;
		let mut pending = alloc::collections::BTreeMap::<(T::AccountId, OrgId), u32>::new();
		let mut deadlines: u64 = 0;
		for (id, consent) in Consents::<T>::iter() {
			ensure!((1..=count).contains(&id), "consent: an id is beyond ConsentCount");
			ensure!(
				ByPatientOrganisation::<T>::contains_key((&consent.patient, consent.org, id)),
				"consent: a consent is missing from the by-patient-and-hospital index"
			);
			if consent.status == ConsentStatus::Requested {
				*pending.entry((consent.patient.clone(), consent.org)).or_default() += 1;
			}
			if let Some(due) = Self::deadline(&consent) {
				ensure!(
					Deadlines::<T>::contains_key(due / DEADLINE_MINUTE, id),
					"consent: a request or grant is not in Deadlines at its deadline"
				);
				deadlines += 1;
			}
			ensure!(
				ByPatient::<T>::contains_key(&consent.patient, id),
				"consent: a consent is missing from the by-patient index"
			);
			ensure!(
				ByOrganisation::<T>::contains_key(consent.org, id),
				"consent: a consent is missing from the by-organisation index"
			);
			let listed = Grants::<T>::get(&consent.patient, consent.org)
				.iter()
				.filter(|grant| **grant == id)
				.count();
			ensure!(listed <= 1, "consent: a grant is listed twice in Grants");
			if consent.status == ConsentStatus::Granted && consent.window.to > now {
				ensure!(listed == 1, "consent: a grant within its window is missing from Grants");
			}
			ensure!(consent.wraps <= T::MaxWraps::get(), "consent: a consent holds over MaxWraps");
			ensure!(
				WrapsOf::<T>::iter_key_prefix(id).count() == consent.wraps as usize,
				"consent: a consent's wrap count does not match WrapsOf"
			);
			wraps += u64::from(consent.wraps);
			consents += 1;
		}
		// Every id found lies in `1..=count`, so as many consents as `count` leave no gap.
		ensure!(consents == count, "consent: an id up to ConsentCount has no consent");
		// Each consent's entries were counted above, so equal totals leave none of no consent.
		ensure!(
			WrapsOf::<T>::iter_keys().count() as u64 == wraps,
			"consent: WrapsOf lists wraps of no consent"
		);
		for (patient, id) in ByPatient::<T>::iter_keys() {
			ensure!(
				Consents::<T>::get(id).is_some_and(|c| c.patient == patient),
				"consent: a by-patient key names no consent of that patient"
			);
		}
		for (org, id) in ByOrganisation::<T>::iter_keys() {
			ensure!(
				Consents::<T>::get(id).is_some_and(|c| c.org == org),
				"consent: a by-organisation key names no consent of that organisation"
			);
		}
		for (patient, org, grants) in Grants::<T>::iter() {
			for id in grants {
				ensure!(
					Consents::<T>::get(id).is_some_and(|c| {
						c.patient == patient && c.org == org && c.status == ConsentStatus::Granted
					}),
					"consent: Grants lists a consent not granted by that patient to that hospital"
				);
			}
		}
		for (id, document) in WrapsOf::<T>::iter_keys() {
			let consent = Consents::<T>::get(id).ok_or("consent: WrapsOf names no consent")?;
			ensure!(
				consent.status == ConsentStatus::Granted,
				"consent: a consent that is not granted holds wraps"
			);
			ensure!(
				pallet_documents::Pallet::<T>::facts(document)
					.is_some_and(|d| d.patient == consent.patient),
				"consent: a consent holds a wrap of a document not of its patient"
			);
		}
		for (document, org, wrap) in KeyWraps::<T>::iter() {
			ensure!(
				WrapsOf::<T>::contains_key(wrap.consent, document),
				"consent: a key wrap is not listed under its consent in WrapsOf"
			);
			ensure!(
				Consents::<T>::get(wrap.consent).is_some_and(|c| c.org == org),
				"consent: a key wrap is filed under another hospital than its consent's"
			);
		}
		for document in PatientWraps::<T>::iter_keys() {
			ensure!(
				pallet_documents::Pallet::<T>::facts(document).is_some(),
				"consent: a patient wrap names no document"
			);
		}
		for (patient, org, id) in ByPatientOrganisation::<T>::iter_keys() {
			ensure!(
				Consents::<T>::get(id).is_some_and(|c| c.patient == patient && c.org == org),
				"consent: a by-patient-and-hospital key names no consent of them"
			);
		}
		// Not checked against `MaxPendingRequests`: a chain migrated to version 1 may hold
		// more requests than the bound, which then only refuses new ones until these lapse.
		for (patient, org, open) in Pending::<T>::iter() {
			ensure!(
				pending.remove(&(patient, org)) == Some(open),
				"consent: Pending miscounts a hospital's open requests"
			);
		}
		ensure!(pending.is_empty(), "consent: open requests are not counted in Pending");
		// Each request and grant was found in Deadlines above, so equal counts leave no other.
		ensure!(
			Deadlines::<T>::iter_keys().count() as u64 == deadlines,
			"consent: a deadline names no request or grant"
		);
		if let Some(next) = NextDeadline::<T>::get() {
			ensure!(
				Deadlines::<T>::iter_keys().all(|(minute, _)| minute >= next),
				"consent: a deadline lies before NextDeadline"
			);
		}
		for (_, (_, count)) in BreakGlassUses::<T>::iter() {
			ensure!(
				count <= T::MaxBreakGlassPerPeriod::get(),
				"consent: a clinician is over MaxBreakGlassPerPeriod"
			);
		}
		Ok(())
	}
}

/// The granularity of [`Deadlines`], in milliseconds: one storage prefix per minute of chain
/// time, so the chain checks one prefix per block however many consents fall due, and ends a
/// consent within a minute (and a block) of its deadline.
pub const DEADLINE_MINUTE: Moment = 60_000;

/// Most minutes of [`Deadlines`] one block walks: after a stall of the chain, it catches up
/// an hour per block rather than all at once.
pub const MAX_DEADLINE_MINUTES: u32 = 60;

/// An account's relation to a document, for access checks.
#[derive(Clone, Copy)]
enum Reader {
	/// The document's patient.
	Patient,
	/// Staff of this hospital.
	Staff(OrgId),
}

/// How much a refusal says about what stands in the way: the most telling one is reported.
fn rank(refusal: Refusal) -> u8 {
	match refusal {
		Refusal::PurposeNotGranted => 8,
		Refusal::ActionNotGranted => 7,
		Refusal::OutsideScope => 6,
		Refusal::ConsentNotYetValid => 5,
		Refusal::ConsentExpired => 4,
		Refusal::ConsentRevoked => 3,
		Refusal::ConsentDenied => 2,
		Refusal::ConsentNotGranted => 1,
		_ => 0,
	}
}

impl<T: Config> SubjectOwner<T::AccountId> for Pallet<T> {
	fn patient_of(subject: &Subject) -> Option<T::AccountId> {
		match subject {
			Subject::Consent(id) => Consents::<T>::get(id).map(|c| c.patient),
			_ => None,
		}
	}
}

impl<T: Config> pallet_audit::ReadCheck<T::AccountId> for Pallet<T> {
	fn read_allowed(
		reader: &T::AccountId,
		document: DocId,
		consent: Option<ConsentId>,
		purpose: Option<Purpose>,
		at: Moment,
	) -> Result<(), Refusal> {
		Pallet::<T>::read_allowed(reader, document, consent, purpose, at)
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn grant_for_benchmark(reader: &T::AccountId, patient: &T::AccountId) -> Option<ConsentId> {
		let org = pallet_consortium::Members::<T>::get(reader)?.role.organisation()?;
		<Self as pallet_documents::WriteConsent<T::AccountId>>::allow_for_benchmark(org, patient);
		Some(ConsentCount::<T>::get())
	}
}

impl<T: Config> pallet_documents::WriteConsent<T::AccountId> for Pallet<T> {
	fn write_consent(
		org: OrgId,
		patient: &T::AccountId,
		document: DocId,
		document_type: &[u8],
	) -> Option<ConsentId> {
		let now = Self::now();
		// Only granted consents, at most `MaxGrantsPerOrganisation`: bounded for dispatch.
		Grants::<T>::get(patient, org).into_iter().find(|id| {
			Consents::<T>::get(id).is_some_and(|consent| {
				Self::covers(&consent, document, document_type, Action::Write, now).is_ok()
			})
		})
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn allow_for_benchmark(org: OrgId, patient: &T::AccountId) {
		let consent = Consent {
			patient: patient.clone(),
			org,
			requester: patient.clone(),
			scope: Scope::All,
			purpose: Purpose::Treatment,
			actions: Actions { read: true, write: true },
			window: Window { from: 0, to: Moment::MAX },
			status: ConsentStatus::Granted,
			requested_at: 0,
			decided_at: Some(0),
			ended_at: None,
			break_glass_reason: None,
			wraps: 0,
			last_document_at_grant: 0,
		};
		let id = Self::insert(consent);
		// Fill the hospital's grants, the matching one last: the dearest lookup.
		Grants::<T>::mutate(patient, org, |grants| {
			while grants.len() + 1 < T::MaxGrantsPerOrganisation::get() as usize {
				let filler = Self::insert(Consent {
					actions: Actions { read: true, write: false },
					..Consents::<T>::get(id).expect("just inserted")
				});
				grants.try_push(filler).expect("below the bound");
			}
			grants.try_push(id).expect("below the bound");
		});
	}
}

sp_api::decl_runtime_apis! {
	/// Queries of consents for the gateway, the explorer and the patient's CLI.
	#[api_version(2)]
	pub trait ConsentApi<AccountId, ConsentRecord, KeyWrapRecord, PatientWrapRecord>
	where
		AccountId: codec::Codec,
		ConsentRecord: codec::Codec,
		KeyWrapRecord: codec::Codec,
		PatientWrapRecord: codec::Codec,
	{
		/// A consent by id; a grant past its window shows as `Expired`.
		fn consent(id: ConsentId) -> Option<ConsentRecord>;
		/// A patient's consents after `after`, at most `limit` (≤ 1,000).
		fn consents_by_patient(
			patient: AccountId,
			after: Option<ConsentId>,
			limit: u32,
		) -> Vec<(ConsentId, ConsentRecord)>;
		/// Consents requested by a hospital after `after`, at most `limit` (≤ 1,000).
		fn consents_by_organisation(
			org: OrgId,
			after: Option<ConsentId>,
			limit: u32,
		) -> Vec<(ConsentId, ConsentRecord)>;
		/// Whether `who` may do `action` on `document` now, for `purpose` (`None`: any): how,
		/// or the reason refused.
		fn can_access(
			who: AccountId,
			document: DocId,
			action: Action,
			purpose: Option<Purpose>,
		) -> Result<Access, Refusal>;
		/// The data key of `document` wrapped for hospital `org`.
		fn key_wrap(document: DocId, org: OrgId) -> Option<KeyWrapRecord>;
		/// The data key of `document` re-wrapped to its patient's key after a key change.
		#[api_version(2)]
		fn patient_wrap(document: DocId) -> Option<PatientWrapRecord>;
	}
}
