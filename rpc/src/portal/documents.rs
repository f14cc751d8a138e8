//! `document_*` and `upload_status`: uploads through the outbox, the audited read pipeline,
//! patients' envelopes, listings and checks.

use super::{caller, check_text, document_record, page_limit, whose, write, Portal};
use crate::{
	access::Authorised,
	auth::Credential,
	ipfs,
	store::{self, QueuedAccess, UploadState},
	Gateway,
};
use jsonrpsee::{core::RpcResult, Extensions};
use medledger_envelope::PublicKey;
use medledger_gateway_api::{
	api::documents::{
		self as api, Document, DocumentContent, DocumentEnvelope, DocumentsApiServer, PatientWrap,
		Upload, Verification,
	},
	convert,
	values::{Account, Base64, CidText, Hex32, Purpose},
	GatewayError, Written,
};
use medledger_primitives::{
	audit::{Outcome, Refusal, Subject},
	Action, DocId,
};
use medledger_runtime::{Runtime, RuntimeCall};
use pallet_audit::AccessRecord;
use pallet_consent::{Access, KeyWrap};
use pallet_consortium::{Member, MemberStatus, Role};
use pallet_documents::DocumentStatus;
use sp_runtime::AccountId32;

#[jsonrpsee::core::async_trait]
impl DocumentsApiServer for Portal {
	async fn document_upload(
		&self,
		ext: &Extensions,
		patient: Account,
		content: Base64,
		media_type: String,
		document_type: String,
		supersedes: Option<DocId>,
	) -> RpcResult<Upload> {
		let upload = NewUpload {
			patient: patient.0,
			file: content.0,
			media_type,
			document_type,
			supersedes,
		};
		Ok(upload_document(self, caller(ext)?, upload).await?)
	}

	/// It stays on chain, readable, with that status.
	async fn document_mark_entered_in_error(
		&self,
		ext: &Extensions,
		id: DocId,
	) -> RpcResult<Written> {
		document_record(self, id).await?;
		let call = RuntimeCall::Documents(pallet_documents::Call::mark_entered_in_error { id });
		Ok(write(self, caller(ext)?, call).await?)
	}

	async fn upload_status(&self, _: &Extensions, id: u64) -> RpcResult<Upload> {
		let upload = self.store.upload(id).map_err(GatewayError::from)?;
		let upload = upload.ok_or(GatewayError::UnknownUpload(id))?;
		Ok(upload_view(&upload))
	}

	async fn document_list(
		&self,
		_: &Extensions,
		patient: Option<Account>,
		organisation: Option<u32>,
		after: Option<u64>,
		limit: Option<u32>,
		finalised_at: Option<u64>,
	) -> RpcResult<Vec<Document>> {
		let whose = whose(patient, organisation)?;
		if let Some(number) = finalised_at {
			crate::records::filed(self, number).await?;
		}
		let docs = crate::records::page(self, &whose, after, page_limit(limit)).await?;
		Ok(convert::documents(&docs)?)
	}

	async fn document_status(&self, _: &Extensions, id: DocId) -> RpcResult<Document> {
		Ok(convert::document(id, &document_record(self, id).await?)?)
	}

	/// Consent check on chain → audit entry (queued durably, granted or refused) → envelope
	/// from IPFS → data key unwrapped with the hospital's key → decrypt → commitment
	/// checked → the file.
	async fn document_get(
		&self,
		ext: &Extensions,
		id: DocId,
		purpose: Purpose,
	) -> RpcResult<DocumentContent> {
		let (doc, opened) = read_document(self, caller(ext)?, id, purpose).await?;
		Ok(DocumentContent {
			document: convert::document(id, &doc)?,
			content: Base64(opened.plaintext),
		})
	}

	/// The patient's CLI unwraps the data key with the patient's key and decrypts locally,
	/// so the gateway never sees the patient's secret. Ciphertext only: no read of the
	/// record to audit. (The access middleware has checked the document is the caller's.)
	async fn document_envelope(&self, _: &Extensions, id: DocId) -> RpcResult<DocumentEnvelope> {
		let doc = document_record(self, id).await?;
		let envelope = self.envelope(id, &doc).await?;
		let wrap = self.chain.api().patient_wrap(id).await.map_err(GatewayError::from)?;
		Ok(DocumentEnvelope {
			document: convert::document(id, &doc)?,
			envelope: Base64(envelope),
			patient_wrap: wrap.map(|w| PatientWrap {
				key: Hex32(w.key),
				wrapped: Base64(w.wrapped.into_inner()),
			}),
		})
	}

	async fn document_verify(
		&self,
		_: &Extensions,
		id: DocId,
		content: Base64,
		salt: Hex32,
	) -> RpcResult<Verification> {
		let doc = document_record(self, id).await?;
		let computed =
			medledger_primitives::recompute(&doc.commitment, doc.org, &salt.0, &content.0);
		Ok(Verification {
			id,
			matches: computed == doc.commitment,
			commitment: Hex32(doc.commitment),
			computed: Hex32(computed),
		})
	}
}

/// An upload as the API shows it.
fn upload_view(upload: &store::Upload) -> Upload {
	Upload {
		id: upload.id,
		patient: Account::from(&upload.patient),
		commitment: Hex32::from(upload.commitment),
		cid: CidText(upload.cid),
		size: upload.size,
		media_type: upload.media_type.clone(),
		document_type: upload.document_type.clone(),
		accepted_at: upload.accepted_at,
		supersedes: upload.supersedes,
		state: match &upload.state {
			UploadState::Accepted => api::UploadState::Accepted,
			UploadState::Stored => api::UploadState::Stored,
			UploadState::Anchored { document, block } => {
				api::UploadState::Anchored { document: *document, block: block.map(Hex32::from) }
			}
			UploadState::Finalised { document, block } => {
				api::UploadState::Finalised { document: *document, block: block.map(Hex32::from) }
			}
			UploadState::Rejected { error } => api::UploadState::Rejected { error: error.clone() },
		},
		attempts: upload.attempts,
		last_error: upload.last_error.clone(),
	}
}

/// What `document_upload` was given.
pub(crate) struct NewUpload {
	pub(crate) patient: AccountId32,
	pub(crate) file: Vec<u8>,
	pub(crate) media_type: String,
	pub(crate) document_type: String,
	pub(crate) supersedes: Option<DocId>,
}

/// Encrypts, stores durably and queues the anchor (or, with `supersedes`, the amendment).
/// Returns once the upload is on the gateway's disk; `upload_status` follows it to
/// finality.
pub(crate) async fn upload_document(
	gw: &Gateway,
	caller: &Authorised,
	p: NewUpload,
) -> Result<Upload, GatewayError> {
	let signer = caller
		.credential
		.key_name
		.clone()
		.ok_or_else(|| GatewayError::internal("a staff credential without a key"))?;
	if p.file.len() as u64 > gw.limits.max_file_size {
		return Err(GatewayError::FileTooLarge {
			size: p.file.len() as u64,
			limit: gw.limits.max_file_size,
		});
	}
	check_text("mediaType", &p.media_type, 128)?;
	check_text("documentType", &p.document_type, 64)?;
	let patient_key = active_patient(gw, &p.patient).await?;
	if let Some(previous) = p.supersedes {
		check_amendable(gw, caller, &p.patient, previous).await?;
	}
	let (org, org_key) = {
		let keystore = gw.keystore.read().await;
		(keystore.organisation(), keystore.encryption_public())
	};

	let store = gw.store.clone();
	let accepted_at = crate::unix_millis();
	let upload = tokio::task::spawn_blocking(move || -> Result<store::Upload, GatewayError> {
		let sealed = medledger_envelope::seal(org, &p.file, &[patient_key, org_key])
			.map_err(|e| GatewayError::internal(format!("sealing failed: {e}")))?;
		let dag = ipfs::Dag::of(&sealed.envelope);
		let upload = store::Upload {
			id: 0,
			signer,
			patient: p.patient,
			commitment: sealed.commitment.into(),
			cid: dag.root(),
			size: p.file.len() as u64,
			media_type: p.media_type,
			document_type: p.document_type,
			accepted_at,
			supersedes: p.supersedes,
			state: UploadState::Accepted,
			attempts: 0,
			last_error: None,
		};
		Ok(store.accept(upload, &dag)?)
	})
	.await
	.map_err(GatewayError::internal)??;
	gw.outbox.notify_one();
	Ok(upload_view(&upload))
}

/// The encryption key of `patient`, an active patient.
async fn active_patient(gw: &Gateway, patient: &AccountId32) -> Result<PublicKey, GatewayError> {
	let member: Option<Member<u32>> = gw.chain.api().member(patient).await?;
	match member {
		Some(m) if m.role == Role::Patient && m.status == MemberStatus::Active => {
			Ok(PublicKey::from(m.encryption_key))
		}
		_ => Err(GatewayError::UnknownPatient),
	}
}

/// Refuses now, before anything is accepted, what the chain would refuse in the amendment
/// of `previous`: it must exist, be current, be `patient`'s, not be amended by an upload
/// still in this gateway's outbox, and be the caller's hospital's document or covered by
/// the patient's write consent.
async fn check_amendable(
	gw: &Gateway,
	caller: &Authorised,
	patient: &AccountId32,
	previous: DocId,
) -> Result<(), GatewayError> {
	let doc = document_record(gw, previous).await?;
	let refuse = |reason: String| Err(GatewayError::invalid("supersedes", reason));
	match doc.status {
		DocumentStatus::Current => {}
		DocumentStatus::Superseded { by } => {
			return refuse(format!("document {previous} is already superseded by {by}"))
		}
		DocumentStatus::EnteredInError | DocumentStatus::SupersededEnteredInError { .. } => {
			return refuse(format!("document {previous} was entered in error"))
		}
	}
	if &doc.patient != patient {
		return refuse(format!("document {previous} belongs to another patient"));
	}
	if let Some(pending) = gw.store.outbox()?.iter().find(|u| {
		u.supersedes == Some(previous) && !matches!(u.state, UploadState::Rejected { .. })
	}) {
		return refuse(format!("upload {} already amends document {previous}", pending.id));
	}
	let access: Result<Access, Refusal> = gw
		.chain
		.api()
		.can_access(&caller.credential.account, previous, Action::Write, None)
		.await?;
	access.map(|_| ()).map_err(GatewayError::AccessRefused)
}

/// The methods that read a document's contents when they name a purpose.
const READS: &[&str] = &["document_get", "document_proof"];

/// Audits a call refused because its caller no longer stands on chain — removed or
/// suspended staff of this hospital — when it tried to read a document: the patient's trail
/// gets the refused attempt, once per reader and document per minute. The reader can sign
/// nothing any more, so this hospital's administrator key reports it for them
/// (`audit.record_refusals`, which takes nothing else). Others are not reported here: the
/// chain would refuse them (a patient or auditor is no hospital's staff; a suspended
/// hospital's administrator cannot sign either). The caller is refused either way: a
/// failure here is logged, not answered.
pub(crate) async fn audit_refused_attempt(
	gw: &Gateway,
	method: &str,
	params: Option<&str>,
	credential: &Credential,
	refusal: Refusal,
) {
	#[derive(serde::Deserialize)]
	struct Attempt {
		id: DocId,
		purpose: Purpose,
	}
	let own_staff = matches!(
		credential.role,
		Role::Clinician(org) | Role::OrgAdmin(org) if org == gw.organisation
	);
	if !own_staff || refusal != Refusal::NotAMember || !READS.contains(&method) {
		return;
	}
	let Some(Attempt { id, purpose }) = params.and_then(|p| serde_json::from_str(p).ok()) else {
		return;
	};
	let reader = &credential.account;
	if !gw.recent_attempts.first_in_a_while(reader, id) {
		return;
	}
	if let Err(error) = queue_refused_attempt(gw, reader, id, purpose, refusal).await {
		tracing::error!(%error, %reader, document = id, "a refused attempt was not audited");
	}
}

async fn queue_refused_attempt(
	gw: &Gateway,
	reader: &AccountId32,
	id: DocId,
	purpose: Purpose,
	refusal: Refusal,
) -> Result<(), GatewayError> {
	let Some((patient, _)) = crate::records::owner(gw.chain.api(), id).await? else {
		return Ok(());
	};
	let admin = Role::OrgAdmin(gw.organisation);
	let signer = gw
		.keystore
		.read()
		.await
		.accounts()
		.iter()
		.find(|account| account.role == admin)
		.map(|account| account.name.clone())
		.ok_or_else(|| GatewayError::internal("no administrator key in the keystore"))?;
	let record = AccessRecord {
		patient,
		subject: Subject::Document(id),
		consent: None,
		purpose: Some(purpose.into()),
		outcome: Outcome::Refused(refusal),
		at: gw.chain.now().await?,
	};
	gw.audit.push(QueuedAccess { signer, reader: Some(reader.clone()), record }).await?;
	Ok(())
}

/// The read pipeline of `document_get` (also how a proof bundle gets its salt): the record
/// and the opened, commitment-checked file.
pub(crate) async fn read_document(
	gw: &Gateway,
	caller: &Authorised,
	id: DocId,
	purpose: Purpose,
) -> Result<(pallet_documents::Document<Runtime>, medledger_envelope::Opened), GatewayError> {
	let reporter = caller
		.credential
		.key_name
		.clone()
		.ok_or_else(|| GatewayError::internal("a staff credential without a key"))?;
	let reader = caller.credential.account.clone();
	// The record, the answer and the read's time from one block, so the chain checks the
	// report against the very state that allowed the read.
	let (chain, reads) = (&gw.chain, &gw.reads);
	let best = reads.best(chain).await?;
	let (doc, access, at) = tokio::join!(
		reads.document(chain, &gw.index, best, id),
		reads.can_read(chain, best, &reader, id, purpose.into()),
		reads.time(chain, best),
	);
	let (access, at) = (access?, at?);
	let patient = match (&doc, &access) {
		(Ok(Some(doc)), _) => doc.patient.clone(),
		(Ok(None), _) => return Err(GatewayError::UnknownDocument(id)),
		// A refusal needs no record: audited even when the record cannot be had (a rooted
		// batch's document the index has not filed yet), the patient from the chain's facts.
		(Err(_), Err(_)) => {
			crate::records::owner(chain.api_at(best.0), id)
				.await?
				.ok_or(GatewayError::UnknownDocument(id))?
				.0
		}
		// Granted, but nothing is released without the record: no read to audit.
		(Err(error), Ok(_)) => return Err(error.clone().into()),
	};
	let record = AccessRecord {
		patient,
		subject: Subject::Document(id),
		consent: match access {
			Ok(Access::Consent(consent)) => Some(consent),
			_ => None,
		},
		purpose: Some(purpose.into()),
		outcome: match access {
			Ok(_) => Outcome::Success,
			Err(refusal) => Outcome::Refused(refusal),
		},
		at,
	};
	gw.audit.push(QueuedAccess { signer: reporter, reader: None, record }).await?;
	let access = access.map_err(GatewayError::AccessRefused)?;
	let doc = doc?.ok_or(GatewayError::UnknownDocument(id))?;

	let envelope = gw.envelope(id, &doc).await?;
	// Asked before the keystore is locked: a node call must not hold it.
	let wrap: Option<KeyWrap<Runtime>> = match access {
		Access::Consent(_) => reads.key_wrap(chain, best, id, gw.organisation).await?,
		_ => None,
	};
	let key = {
		let keystore = gw.keystore.read().await;
		match wrap {
			Some(wrap) => keystore.unwrap(&wrap.wrapped),
			None => keystore.unwrap_own(&envelope),
		}
		.map_err(|_| GatewayError::NoKeyWrap(id))?
	};
	let opened = tokio::task::spawn_blocking(move || medledger_envelope::open(&envelope, &key))
		.await
		.map_err(GatewayError::internal)?
		.map_err(|_| GatewayError::Tampered(id))?;
	if !opened.is_anchored_as(&doc.commitment, doc.org) {
		return Err(GatewayError::CommitmentMismatch(id));
	}
	Ok((doc, opened))
}
