//! # Audit pallet
//!
//! The append-only record of who did what to whose medical records, kept so that an auditor
//! can prove a patient's trail is complete.
//!
//! ## Model
//!
//! - An [`AuditEntry`] names the patient whose records were touched, the actor and the actor's
//!   organisation, the action (FHIR AuditEvent codes C/R/U/D/E), the subject (a document, a
//!   consent, or the patient's records as a whole), the consent used and the purpose, the
//!   outcome (success, or refused and why) and the time: the chain's (the recording block's
//!   timestamp, so never earlier than the patient's previous entry) and, for a read a
//!   gateway reports, also the time it says the read happened.
//! - Every entry goes into its patient's **trail** with the next sequence number (the first
//!   is number one). The pallet keeps per patient a [`TrailHead`]: the last sequence number and the hash
//!   chain's head, `head(n) = BLAKE2b-256(head(n − 1) ‖ SCALE(entry n))`. Each stored entry
//!   keeps the head after it. [`medledger_primitives::audit::verify_trail`] checks a list of
//!   entries against a head read (with a storage proof) from a finalised block: a missing,
//!   reordered, inserted or altered entry is found and located.
//! - State keeps only the heads; the entries themselves live in blocks. Each entry is
//!   deposited whole, with the head after it, as a [`Event::Recorded`] event: an archive
//!   node keeps every block's events for good, and a gateway's index (`medledger-index`)
//!   builds the trails and the by-actor, by-organisation and by-period lists from finalised
//!   blocks — rebuildable from the chain at any time, each trail checked against the head
//!   proven from state. So a read adds nothing to state once its patient has a trail:
//!   the entry costs an event, not storage kept for ever.
//!
//! ## Who writes entries
//!
//! - The documents and consent pallets call [`Pallet::record`] for every state change they
//!   make, in the same extrinsic, so the change and its entry cannot part.
//! - Reads happen off chain, at a hospital's gateway, after it checked consent on chain. The
//!   gateway records each read, granted or refused, with [`Pallet::record_access`]: many
//!   entries in one extrinsic, signed by the actor who read, so reads need not wait for a
//!   block each. The pallet checks that each subject belongs to the named patient, that no
//!   read is dated in the future or more than `MaxReportDelay` back, and that a read
//!   reported as granted was allowed when it happened ([`ReadCheck`], the consent pallet in
//!   the runtime): the reader's own or their hospital's document, or a consent of their
//!   hospital in force then, covering the document, for reading and for the declared
//!   purpose. A refused read is recorded as the gateway reports it.
//! - A member removed or suspended (or whose hospital is) signs nothing, yet their refused
//!   attempts belong in the patients' trails: their hospital's administrator reports them
//!   with [`Pallet::record_refusals`], naming the staff member as actor. Only refusals, only
//!   of that hospital's staff, and only of those removed or suspended (one who stands signs
//!   their own reports).

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

pub use medledger_primitives::audit::{
	AuditAction, AuditEntry, AuditRecord, Outcome, Refusal, Subject, TrailHead,
};
pub use weights::WeightInfo;

use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{pallet_prelude::*, traits::Time};
use frame_system::pallet_prelude::*;
use medledger_primitives::{ConsentId, DocId, Moment, OrgId, Purpose};
use pallet_consortium::{MemberStatus, Role, Standing};
use scale_info::TypeInfo;

/// The patient a document or a consent belongs to; implemented by the pallets that own them.
pub trait SubjectOwner<AccountId> {
	/// The patient of `subject`, if this implementation knows the subject.
	fn patient_of(subject: &Subject) -> Option<AccountId>;

	/// Creates a subject of `patient` for benchmarks (the dearest kind to look up).
	#[cfg(feature = "runtime-benchmarks")]
	fn benchmark_subject(_patient: &AccountId) -> Subject {
		Subject::Patient
	}
}

/// The runtime joins the documents and consent pallets as `(Documents, Consent)`.
impl<AccountId, A: SubjectOwner<AccountId>, B: SubjectOwner<AccountId>> SubjectOwner<AccountId>
	for (A, B)
{
	fn patient_of(subject: &Subject) -> Option<AccountId> {
		A::patient_of(subject).or_else(|| B::patient_of(subject))
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn benchmark_subject(patient: &AccountId) -> Subject {
		A::benchmark_subject(patient)
	}
}

/// The second keys of the index `Index` under `first` that come after `after` (exclusive),
/// in the index's hashed order: how every paged query of the MedLedger pallets walks its
/// index, `after` being the last key of the previous page.
pub fn keys_after<Index, K1, K2>(first: &K1, after: Option<K2>) -> Index::PartialKeyIterator
where
	K1: codec::FullCodec,
	K2: codec::FullCodec,
	Index: frame_support::storage::IterableStorageDoubleMap<K1, K2, ()>
		+ frame_support::storage::StorageDoubleMap<K1, K2, ()>,
{
	match after {
		Some(after) => Index::iter_key_prefix_from(first, Index::hashed_key_for(first, after)),
		None => Index::iter_key_prefix(first),
	}
}

/// How many reads of `reads` count as distinct for their weight: a read of a patient, subject
/// or consent no earlier read named reads (and for a patient, writes) keys from the
/// database; the others find them in the block's overlay. Every key a read touches is keyed
/// by one of the three (the patient's membership and trail head, the subject's record, the
/// consent) or by the actor, the same for the whole report; and the benchmark's distinct
/// read touches every kind. So the largest of the three counts, times a distinct read's keys,
/// bounds what a report reads from the database. A check reading a key of two of them at
/// once (say, a patient's grants to one hospital) would break this bound.
fn distinct_reads<AccountId: Ord>(reads: &[AccessRecord<AccountId>]) -> u32 {
	use alloc::collections::BTreeSet;
	let patients: BTreeSet<_> = reads.iter().map(|r| &r.patient).collect();
	let subjects: BTreeSet<_> = reads.iter().map(|r| &r.subject).collect();
	let consents: BTreeSet<_> = reads.iter().map(|r| r.consent).collect();
	[patients.len(), subjects.len(), consents.len()].into_iter().max().unwrap_or(0) as u32
}

/// Whether a read reported as granted was allowed when it happened; the consent pallet
/// answers in the runtime.
pub trait ReadCheck<AccountId> {
	/// `Ok` if `reader` could read `document` at time `at` for `purpose`: under consent
	/// `consent`, or without one as its patient or its issuing hospital's staff.
	fn read_allowed(
		reader: &AccountId,
		document: DocId,
		consent: Option<ConsentId>,
		purpose: Option<Purpose>,
		at: Moment,
	) -> Result<(), Refusal>;

	/// Makes `reader`'s hospital a consent from `patient` to read all their documents for
	/// treatment, for benchmarks; its id.
	#[cfg(feature = "runtime-benchmarks")]
	fn grant_for_benchmark(reader: &AccountId, patient: &AccountId) -> Option<ConsentId>;
}

/// One read a gateway reports with [`Pallet::record_access`]; the actor is the signer.
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
pub struct AccessRecord<AccountId> {
	/// Whose record was read.
	pub patient: AccountId,
	/// What was read (normally a document).
	pub subject: Subject,
	/// The consent that allowed it, if one did.
	pub consent: Option<ConsentId>,
	/// The purpose the reader declared.
	pub purpose: Option<Purpose>,
	/// Granted, or refused and why.
	pub outcome: Outcome,
	/// When the read happened (the entry keeps it as `occurred_at`, beside the chain's time).
	pub at: Moment,
}

#[frame_support::pallet]
pub mod pallet {
	use super::*;

	/// The layout of this pallet's storage; [`crate::migrations`] says what each version
	/// brought.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(2);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config:
		frame_system::Config<RuntimeEvent: From<Event<Self>>> + pallet_consortium::Config
	{
		/// The chain's clock (milliseconds since the Unix epoch).
		type Time: Time<Moment = Moment>;

		/// Who owns documents and consents.
		type Subjects: SubjectOwner<Self::AccountId>;

		/// Whether reads reported as granted were.
		type Reads: ReadCheck<Self::AccountId>;

		/// How long after a read its report may come (milliseconds): the most a report can
		/// date a read back — e.g. into a consent's window after the patient revoked it.
		#[pallet::constant]
		type MaxReportDelay: Get<Moment>;

		/// Most reads one [`Pallet::record_access`] may report.
		#[pallet::constant]
		type MaxAccessBatch: Get<u32>;

		/// Weights of this pallet's calls.
		type WeightInfo: WeightInfo;
	}

	/// Each patient's trail: last sequence number and hash-chain head.
	#[pallet::storage]
	pub type Trails<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, TrailHead, ValueQuery>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	// Each variant's doc tells what its fields are; they are the event's named data.
	#[allow(missing_docs)]
	pub enum Event<T: Config> {
		/// Entry `seq` of its patient's trail (`record.entry.patient`), with the trail's head
		/// after it: the entry itself, kept in the block, not in state.
		Recorded { seq: u64, record: AuditRecord<T::AccountId> },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// Only active patients and staff of active hospitals report reads.
		NotAllowedToReport,
		/// A report must hold at least one read.
		EmptyReport,
		/// A report holds more reads than `MaxAccessBatch`.
		ReportTooLarge,
		/// The account named as patient is not a patient.
		UnknownPatient,
		/// The subject does not exist, or belongs to another patient.
		SubjectNotOfPatient,
		/// A patient may only report reads of their own records.
		NotOwnRecord,
		/// A read is dated after the current block.
		DatedInTheFuture,
		/// A read is dated more than `MaxReportDelay` before the current block.
		ReportedTooLate,
		/// A read reported as granted was not allowed when it happened: not the reader's own
		/// or their hospital's document, and no consent of their hospital covering it, in
		/// force then, for reading, for the declared purpose.
		ReadNotAllowed,
		/// Only active administrators of an active hospital report refusals of their staff.
		NotAnAdministrator,
		/// A hospital reports only refused attempts of others, never granted reads.
		NotARefusal,
		/// The account named as reader is not (and never was) staff of the reporting
		/// hospital.
		NotOwnStaff,
		/// The account named as reader is an active member: they report their own reads.
		ReaderStillStands,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Record reads of medical records made through a gateway, granted or refused. The
		/// signer is the actor of every entry. All entries are checked before any is written.
		/// Charged as if every read were of another patient, document and consent; what the
		/// repeats did not cost (their keys were read and written once) is refunded.
		#[pallet::call_index(0)]
		#[pallet::weight(<T as Config>::WeightInfo::record_access(
			(reads.len() as u32).min(T::MaxAccessBatch::get())
		))]
		pub fn record_access(
			origin: OriginFor<T>,
			reads: Vec<AccessRecord<T::AccountId>>,
		) -> DispatchResultWithPostInfo {
			let actor = ensure_signed(origin)?;
			let org = match pallet_consortium::Pallet::<T>::standing(&actor) {
				Standing::Member(Role::Patient) => None,
				Standing::Member(role @ (Role::Clinician(_) | Role::OrgAdmin(_))) => {
					role.organisation()
				}
				_ => return Err(Error::<T>::NotAllowedToReport.into()),
			};
			ensure!(!reads.is_empty(), Error::<T>::EmptyReport);
			ensure!(reads.len() as u32 <= T::MaxAccessBatch::get(), Error::<T>::ReportTooLarge);
			let now = T::Time::now();
			for read in &reads {
				Self::check_read(&actor, org, read, now)?;
			}
			let (all, distinct) = (reads.len() as u32, distinct_reads(&reads));
			for read in reads {
				Self::record_read(actor.clone(), org, read);
			}
			Ok(Some(Self::report_weight(all, distinct)).into())
		}

		/// Record refused attempts of the caller's hospital's staff — kept from signing by
		/// their own standing (removed, suspended) — each naming its reader, who becomes the
		/// entry's actor. The signer must be an active administrator of that active hospital;
		/// each reader a removed or suspended member with a staff role there; each outcome a
		/// refusal. All entries are checked before any is written.
		#[pallet::call_index(1)]
		#[pallet::weight(<T as Config>::WeightInfo::record_refusals(
			(refusals.len() as u32).min(T::MaxAccessBatch::get())
		))]
		pub fn record_refusals(
			origin: OriginFor<T>,
			refusals: Vec<(T::AccountId, AccessRecord<T::AccountId>)>,
		) -> DispatchResult {
			let admin = ensure_signed(origin)?;
			let Standing::Member(Role::OrgAdmin(org)) =
				pallet_consortium::Pallet::<T>::standing(&admin)
			else {
				return Err(Error::<T>::NotAnAdministrator.into());
			};
			ensure!(!refusals.is_empty(), Error::<T>::EmptyReport);
			ensure!(refusals.len() as u32 <= T::MaxAccessBatch::get(), Error::<T>::ReportTooLarge);
			let now = T::Time::now();
			for (reader, read) in &refusals {
				ensure!(read.outcome != Outcome::Success, Error::<T>::NotARefusal);
				let member = pallet_consortium::Members::<T>::get(reader)
					.filter(
						|m| matches!(m.role, Role::Clinician(o) | Role::OrgAdmin(o) if o == org),
					)
					.ok_or(Error::<T>::NotOwnStaff)?;
				// One who stands signs their own reports: the hospital cannot write in their name.
				ensure!(member.status != MemberStatus::Active, Error::<T>::ReaderStillStands);
				Self::check_read(reader, Some(org), read, now)?;
			}
			for (reader, read) in refusals {
				Self::record_read(reader, Some(org), read);
			}
			Ok(())
		}
	}
}

impl<T: Config> Pallet<T> {
	/// Appends `entry` to its patient's trail and returns its sequence number. Callers check
	/// their own preconditions first; recording cannot fail.
	pub fn record(entry: AuditEntry<T::AccountId>) -> u64 {
		let trail = Trails::<T>::get(&entry.patient).append(&entry);
		Trails::<T>::insert(&entry.patient, trail);
		Self::deposit_event(Event::Recorded {
			seq: trail.seq,
			record: AuditRecord { entry, head: trail.head },
		});
		trail.seq
	}

	fn record_read(actor: T::AccountId, org: Option<OrgId>, read: AccessRecord<T::AccountId>) {
		Self::record(AuditEntry {
			patient: read.patient,
			actor,
			org,
			action: AuditAction::Read,
			subject: read.subject,
			consent: read.consent,
			purpose: read.purpose,
			outcome: read.outcome,
			at: T::Time::now(),
			occurred_at: Some(read.at),
		});
	}

	/// What a report of `all` reads, `distinct` of them distinct, uses: its distinct reads as
	/// measured, and each repeat as measured on top of one read.
	pub fn report_weight(all: u32, distinct: u32) -> Weight {
		let repeats = all.saturating_sub(distinct);
		<T as Config>::WeightInfo::record_access(distinct)
			.saturating_add(<T as Config>::WeightInfo::record_access_repeats(repeats))
			.saturating_sub(<T as Config>::WeightInfo::record_access_repeats(0))
	}

	/// The current time, for pallets that date their entries.
	pub fn now() -> Moment {
		T::Time::now()
	}

	fn check_read(
		actor: &T::AccountId,
		org: Option<OrgId>,
		read: &AccessRecord<T::AccountId>,
		now: Moment,
	) -> DispatchResult {
		ensure!(org.is_some() || &read.patient == actor, Error::<T>::NotOwnRecord);
		let is_patient = pallet_consortium::Members::<T>::get(&read.patient)
			.is_some_and(|m| m.role == Role::Patient && m.status == MemberStatus::Active);
		ensure!(is_patient, Error::<T>::UnknownPatient);
		if read.subject != Subject::Patient {
			ensure!(
				T::Subjects::patient_of(&read.subject).as_ref() == Some(&read.patient),
				Error::<T>::SubjectNotOfPatient
			);
		}
		ensure!(read.at <= now, Error::<T>::DatedInTheFuture);
		ensure!(
			read.at >= now.saturating_sub(T::MaxReportDelay::get()),
			Error::<T>::ReportedTooLate
		);
		if read.outcome == Outcome::Success {
			// Granted reads are of documents: nothing else is released to a reader.
			let Subject::Document(document) = read.subject else {
				return Err(Error::<T>::ReadNotAllowed.into());
			};
			T::Reads::read_allowed(actor, document, read.consent, read.purpose, read.at)
				.map_err(|_| Error::<T>::ReadNotAllowed)?;
		}
		Ok(())
	}
}

#[cfg(any(test, feature = "try-runtime"))]
impl<T: Config> Pallet<T> {
	/// Checks what the runtime relies on: a trail is stored by its first entry, so no stored
	/// trail is empty. (The entries are in blocks: the index checks each trail's hash chain
	/// against its head as it files them.)
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		for (_, trail) in Trails::<T>::iter() {
			ensure!(trail.seq > 0, "audit: an empty trail is stored");
		}
		Ok(())
	}
}

/// The entries recorded in the current block so far, in order, from its events — what a
/// finalised block gives the index; for tests of the pallets that record.
#[cfg(feature = "std")]
pub fn recorded_in_block<T: Config>() -> Vec<(u64, AuditRecord<T::AccountId>)>
where
	<T as frame_system::Config>::RuntimeEvent: TryInto<Event<T>>,
{
	frame_system::Pallet::<T>::read_events_no_consensus()
		.filter_map(|record| match record.event.clone().try_into() {
			Ok(Event::Recorded { seq, record }) => Some((seq, record)),
			_ => None,
		})
		.collect()
}

sp_api::decl_runtime_apis! {
	/// The trail heads, for the gateway, the explorer and the verifier. Version 3: the entries
	/// left state (storage version 2) — they are read from blocks' `Recorded` events — and
	/// with them the trail and by-actor/by-organisation queries of versions 1 and 2.
	#[api_version(3)]
	pub trait AuditApi<AccountId> where AccountId: codec::Codec {
		/// A patient's trail head: last sequence number and hash-chain head.
		fn trail_head(patient: AccountId) -> TrailHead;
	}
}
