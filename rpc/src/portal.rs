//! The portal's operations as plain async functions over a [`Gateway`]: what each JSON-RPC
//! method does, callable by tests without a server. `server.rs` maps methods onto these,
//! after authentication and the role check.

use crate::{
	auth::Credential,
	ipfs,
	store::{QueuedAccess, Upload, UploadState},
	views, Gateway,
};
use base64::Engine;
use codec::Encode;
use medledger_envelope::PublicKey;
use medledger_gateway_api::GatewayError;
use medledger_primitives::{
	audit::{AuditEntry, AuditRecord, Outcome, Refusal, Subject, TrailHead},
	Action, DocId, OrgId, Purpose, MAX_PAGE,
};
use medledger_runtime::{Runtime, RuntimeCall};
use pallet_audit::AccessRecord;
use pallet_consent::{Access, Actions, Consent, KeyWrap, ScopeRequest, Window};
use pallet_consortium::{Member, MemberStatus, Role};
use pallet_documents::{Document, DocumentStatus};
use serde::Deserialize;
use serde_json::{json, Value};
use sp_core::crypto::Ss58Codec;
use sp_runtime::AccountId32;

type BlockNumber = u32;

/// Parses an account given as SS58 or `0x` + 32 bytes of hex.
pub fn parse_account(field: &'static str, text: &str) -> Result<AccountId32, GatewayError> {
	if let Some(hex) = text.strip_prefix("0x") {
		let bytes: [u8; 32] = hex::decode(hex)
			.ok()
			.and_then(|b| b.try_into().ok())
			.ok_or_else(|| GatewayError::invalid(field, "expected SS58 or 0x + 32 bytes"))?;
		return Ok(AccountId32::new(bytes));
	}
	AccountId32::from_ss58check(text)
		.map_err(|_| GatewayError::invalid(field, "not an SS58 account id"))
}

fn parse_purpose(text: &str) -> Result<Purpose, GatewayError> {
	Ok(match text {
		"Treatment" | "treatment" => Purpose::Treatment,
		"Payment" | "payment" => Purpose::Payment,
		"Research" | "research" => Purpose::Research,
		"PublicHealth" | "publicHealth" => Purpose::PublicHealth,
		"PatientRequest" | "patientRequest" => Purpose::PatientRequest,
		"Emergency" | "emergency" => Purpose::Emergency,
		_ => return Err(GatewayError::invalid("purpose", "unknown purpose")),
	})
}

fn decode_base64(field: &'static str, text: &str) -> Result<Vec<u8>, GatewayError> {
	base64::engine::general_purpose::STANDARD
		.decode(text)
		.map_err(|_| GatewayError::invalid(field, "not valid base64"))
}

/// Patients see their own records only: refuses a patient credential asking about `patient`
/// unless it is theirs.
pub(crate) fn ensure_own(
	caller: &Credential,
	patient: &AccountId32,
	method: &str,
) -> Result<(), GatewayError> {
	if caller.role == Role::Patient && caller.account != *patient {
		return Err(GatewayError::Forbidden {
			role: "Patient".into(),
			method: format!("{method} for another patient"),
		});
	}
	Ok(())
}

/// The keystore account a staff credential signs with.
async fn signer_of(
	gw: &Gateway,
	caller: &Credential,
) -> Result<sp_core::sr25519::Pair, GatewayError> {
	let name = caller.key_name.as_deref().ok_or_else(|| GatewayError::Forbidden {
		role: format!("{:?}", caller.role),
		method: "a signing method (no key at this gateway)".into(),
	})?;
	gw.signing_pair(name).await
}

async fn active_patient(gw: &Gateway, patient: &AccountId32) -> Result<PublicKey, GatewayError> {
	let member: Option<Member<BlockNumber>> = gw.chain.api().member(patient).await?;
	match member {
		Some(m) if m.role == Role::Patient && m.status == MemberStatus::Active => {
			Ok(PublicKey::from(m.encryption_key))
		}
		_ => Err(GatewayError::UnknownPatient),
	}
}

pub(crate) async fn document_record(
	gw: &Gateway,
	id: DocId,
) -> Result<Document<Runtime>, GatewayError> {
	let doc: Option<Document<Runtime>> = gw.chain.api().document(id).await?;
	doc.ok_or(GatewayError::UnknownDocument(id))
}

/// Submits `call` signed by the caller's key; returns the block and the events.
async fn write(
	gw: &Gateway,
	caller: &Credential,
	call: RuntimeCall,
) -> Result<Value, GatewayError> {
	let signer = signer_of(gw, caller).await?;
	let (included, watch) = gw.chain.submit(&signer, call).await?;
	let events: Vec<String> = included.events.iter().map(|e| format!("{e:?}")).collect();
	gw.watch_finality(watch, None);
	Ok(json!({ "block": format!("{:?}", included.block), "events": events }))
}

// ---------------------------------------------------------------- organisations, members

/// `organisation_list`: the consortium's hospitals.
pub async fn organisation_list(gw: &Gateway) -> Result<Value, GatewayError> {
	let orgs: Vec<(OrgId, pallet_consortium::OrganisationOf<Runtime>)> =
		gw.chain.api().organisations().await?;
	Ok(Value::Array(
		orgs.iter()
			.map(|(id, org)| {
				json!({
					"id": id,
					"name": String::from_utf8_lossy(&org.name),
					"status": format!("{:?}", org.status),
					"delegate": views::account(&org.delegate),
					"validator": org.validator.as_ref().map(views::account),
				})
			})
			.collect(),
	))
}

/// `member_get`: a member's role, status and encryption key.
pub async fn member_get(gw: &Gateway, account: &str) -> Result<Value, GatewayError> {
	let who = parse_account("account", account)?;
	let member: Option<Member<BlockNumber>> = gw.chain.api().member(&who).await?;
	Ok(match member {
		Some(m) => json!({
			"account": views::account(&who),
			"role": m.role,
			"status": format!("{:?}", m.status),
			"encryptionKey": views::hex0x(&m.encryption_key),
			"registeredAt": m.registered_at,
		}),
		None => Value::Null,
	})
}

/// Parameters of `patient_register`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RegisterPatient {
	/// The patient's account (their own signing key, from the CLI).
	pub account: String,
	/// Their X25519 encryption public key, `0x` hex.
	pub encryption_key: String,
}

/// `patient_register`: an administrator registers a patient with the keys the patient made.
pub async fn patient_register(
	gw: &Gateway,
	caller: &Credential,
	p: RegisterPatient,
) -> Result<Value, GatewayError> {
	let who = parse_account("account", &p.account)?;
	let key = crate::keystore::parse_secret32(&p.encryption_key)
		.map_err(|_| GatewayError::invalid("encryptionKey", "expected 0x + 32 bytes of hex"))?;
	let call = RuntimeCall::Consortium(pallet_consortium::Call::register_member {
		who,
		role: Role::Patient,
		encryption_key: key,
	});
	write(gw, caller, call).await
}

/// Parameters of `staff_register`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RegisterStaff {
	/// Keystore name for the new account.
	pub name: String,
	/// `clinician` or `admin`.
	pub role: String,
}

/// `staff_register`: an administrator creates a staff key at this gateway and registers it
/// on chain. Staff are registered with the hospital's encryption key: data keys are
/// wrapped to hospitals, not to individual staff.
pub async fn staff_register(
	gw: &Gateway,
	caller: &Credential,
	p: RegisterStaff,
) -> Result<Value, GatewayError> {
	let (org, encryption_key) = {
		let keystore = gw.keystore.read().await;
		if p.name.is_empty() || keystore.account(&p.name).is_some() {
			return Err(GatewayError::invalid("name", "empty or already used"));
		}
		(keystore.organisation(), *keystore.encryption_public().as_bytes())
	};
	let role = crate::keystore::staff_role(&p.role, org)
		.ok_or_else(|| GatewayError::invalid("role", "clinician or admin"))?;
	// The key is kept only once the chain has registered it: a refused registration
	// leaves the keystore as it was.
	let (pair, secret_uri) = crate::keystore::generate_pair();
	let account: AccountId32 = sp_core::Pair::public(&pair).into();
	let call = RuntimeCall::Consortium(pallet_consortium::Call::register_member {
		who: account.clone(),
		role,
		encryption_key,
	});
	let mut result = write(gw, caller, call).await?;
	gw.keystore.write().await.add_account(&p.name, role, Some(secret_uri.to_string())).map_err(
		|e| {
			GatewayError::internal(format!(
				"{} registered on chain but the keystore write failed: {e}",
				p.name
			))
		},
	)?;
	result["account"] = json!(views::account(&account));
	Ok(result)
}

/// Parameters of `document_upload`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UploadDocument {
	/// The patient (SS58).
	pub patient: String,
	/// The file, base64.
	pub content: String,
	/// Media type, e.g. `application/fhir+json`.
	pub media_type: String,
	/// Document type code, e.g. LOINC `34133-9`.
	pub document_type: String,
	/// The document this one corrects (amend): once the new version is anchored, the old
	/// one is superseded by it and stays on chain.
	pub supersedes: Option<DocId>,
}

/// `document_upload`: encrypts, stores durably and queues the anchor (or, with
/// `supersedes`, the amendment). Returns once the upload is on the gateway's disk;
/// `upload_status` follows it to finality.
pub async fn document_upload(
	gw: &Gateway,
	caller: &Credential,
	p: UploadDocument,
) -> Result<Value, GatewayError> {
	let signer = caller
		.key_name
		.clone()
		.ok_or_else(|| GatewayError::internal("a staff credential without a key"))?;
	let patient = parse_account("patient", &p.patient)?;
	// base64 is 4 characters per 3 bytes: refuse oversize input before decoding it.
	let approx = p.content.len() as u64 / 4 * 3;
	if approx > gw.limits.max_file_size + 3 {
		return Err(GatewayError::FileTooLarge { size: approx, limit: gw.limits.max_file_size });
	}
	let file = decode_base64("content", &p.content)?;
	if file.len() as u64 > gw.limits.max_file_size {
		return Err(GatewayError::FileTooLarge {
			size: file.len() as u64,
			limit: gw.limits.max_file_size,
		});
	}
	check_text("mediaType", &p.media_type, 128)?;
	check_text("documentType", &p.document_type, 64)?;
	let patient_key = active_patient(gw, &patient).await?;
	if let Some(previous) = p.supersedes {
		check_amendable(gw, caller, &patient, previous).await?;
	}
	let org_key = gw.keystore.read().await.encryption_public();

	let store = gw.store.clone();
	let accepted_at = crate::unix_millis();
	let upload = tokio::task::spawn_blocking(move || -> Result<Upload, GatewayError> {
		let sealed = medledger_envelope::seal(&file, &[patient_key, org_key])
			.map_err(|e| GatewayError::internal(format!("sealing failed: {e}")))?;
		let upload = Upload {
			id: 0,
			signer,
			patient,
			commitment: sealed.commitment.into(),
			cid: ipfs::cid_of(&sealed.envelope),
			size: file.len() as u64,
			media_type: p.media_type,
			document_type: p.document_type,
			accepted_at,
			supersedes: p.supersedes,
			state: UploadState::Accepted,
			attempts: 0,
			last_error: None,
		};
		Ok(store.accept(upload, &sealed.envelope)?)
	})
	.await
	.map_err(GatewayError::internal)??;
	gw.outbox.notify_one();
	Ok(serde_json::to_value(&upload).expect("serialisable"))
}

/// Refuses now, before anything is accepted, what the chain would refuse in the amendment
/// of `previous`: it must exist, be current, be `patient`'s, not be amended by an upload
/// still in this gateway's outbox, and be the caller's hospital's document or covered by
/// the patient's write consent.
async fn check_amendable(
	gw: &Gateway,
	caller: &Credential,
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
		DocumentStatus::EnteredInError => {
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
	let writer = caller.account.clone();
	let access: Result<Access, Refusal> =
		gw.chain.api().can_access(&writer, previous, Action::Write).await?;
	access.map(|_| ()).map_err(GatewayError::AccessRefused)
}

/// `document_markEnteredInError`: the issuing hospital marks a document entered in error.
/// It stays on chain, readable, with that status.
pub async fn document_mark_entered_in_error(
	gw: &Gateway,
	caller: &Credential,
	id: DocId,
) -> Result<Value, GatewayError> {
	document_record(gw, id).await?;
	let call = RuntimeCall::Documents(pallet_documents::Call::mark_entered_in_error { id });
	write(gw, caller, call).await
}

fn check_text(field: &'static str, text: &str, max: usize) -> Result<(), GatewayError> {
	if text.is_empty() {
		return Err(GatewayError::invalid(field, "must not be empty"));
	}
	if text.len() > max {
		return Err(GatewayError::invalid(field, format!("longer than {max} bytes")));
	}
	Ok(())
}

/// `upload_status`: where an accepted upload stands.
pub async fn upload_status(gw: &Gateway, id: u64) -> Result<Value, GatewayError> {
	let upload = gw.store.upload(id)?.ok_or(GatewayError::UnknownUpload(id))?;
	Ok(serde_json::to_value(&upload).expect("serialisable"))
}

/// Parameters of the list methods.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Page {
	/// Whose documents / consents (SS58); or the organisation, for `byOrganisation` lists.
	pub patient: Option<String>,
	/// The organisation.
	pub organisation: Option<OrgId>,
	/// Continue after this id.
	pub after: Option<u64>,
	/// At most this many (≤ 1000).
	pub limit: Option<u32>,
}

/// `document_list`: a patient's documents, or an organisation's.
pub async fn document_list(
	gw: &Gateway,
	caller: &Credential,
	p: Page,
) -> Result<Value, GatewayError> {
	let limit = p.limit.unwrap_or(100).min(MAX_PAGE);
	let docs: Vec<(DocId, Document<Runtime>)> = match (&p.patient, p.organisation) {
		(Some(patient), None) => {
			let who = parse_account("patient", patient)?;
			ensure_own(caller, &who, "document_list")?;
			gw.chain.api().documents_by_patient(&who, p.after, limit).await?
		}
		(None, Some(_)) if caller.role == Role::Patient => {
			return Err(GatewayError::Forbidden {
				role: "Patient".into(),
				method: "document_list by organisation".into(),
			})
		}
		(None, Some(org)) => gw.chain.api().documents_by_organisation(org, p.after, limit).await?,
		_ => {
			return Err(GatewayError::invalid(
				"params",
				"give exactly one of patient, organisation",
			))
		}
	};
	Ok(Value::Array(docs.iter().map(|(id, d)| views::document(*id, d)).collect()))
}

/// `document_status`: the anchor record (status, version links).
pub async fn document_status(gw: &Gateway, id: DocId) -> Result<Value, GatewayError> {
	Ok(views::document(id, &document_record(gw, id).await?))
}

/// Parameters of `document_get`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GetDocument {
	/// The document.
	pub id: DocId,
	/// Why it is read (recorded in the audit trail).
	pub purpose: String,
}

/// `document_get`: consent check on chain → audit entry (queued durably, granted or
/// refused) → envelope from IPFS → data key unwrapped with the hospital's key → decrypt →
/// commitment checked → the file.
pub async fn document_get(
	gw: &Gateway,
	caller: &Credential,
	p: GetDocument,
) -> Result<Value, GatewayError> {
	let (doc, opened) = read_document(gw, caller, &p).await?;
	Ok(json!({
		"document": views::document(p.id, &doc),
		"content": base64::engine::general_purpose::STANDARD.encode(&opened.plaintext),
	}))
}

/// The read pipeline of [`document_get`] (also how a proof bundle gets its salt): the
/// record and the opened, commitment-checked file.
pub(crate) async fn read_document(
	gw: &Gateway,
	caller: &Credential,
	p: &GetDocument,
) -> Result<(Document<Runtime>, medledger_envelope::Opened), GatewayError> {
	let purpose = parse_purpose(&p.purpose)?;
	let reporter = caller
		.key_name
		.clone()
		.ok_or_else(|| GatewayError::internal("a staff credential without a key"))?;
	let reader = caller.account.clone();
	let doc = document_record(gw, p.id).await?;
	let access: Result<Access, Refusal> =
		gw.chain.api().can_access(&reader, p.id, Action::Read).await?;
	let record = AccessRecord {
		patient: doc.patient.clone(),
		subject: Subject::Document(p.id),
		consent: match access {
			Ok(Access::Consent(id)) => Some(id),
			_ => None,
		},
		purpose: Some(purpose),
		outcome: match access {
			Ok(_) => Outcome::Success,
			Err(refusal) => Outcome::Refused(refusal),
		},
		at: gw.chain.now().await?,
	};
	gw.store
		.queue_access(&[QueuedAccess { signer: reporter, record: hex::encode(record.encode()) }])?;
	gw.audit.notify_one();
	let access = access.map_err(GatewayError::AccessRefused)?;

	let cid = cid::Cid::try_from(&doc.cid[..]).map_err(GatewayError::internal)?;
	let envelope = gw.storage.get(&cid, p.id).await?;
	let key = {
		let keystore = gw.keystore.read().await;
		let secret = keystore.encryption_secret();
		match access {
			Access::Consent(_) => {
				let wrap: Option<KeyWrap<Runtime>> =
					gw.chain.api().key_wrap(p.id, keystore.organisation()).await?;
				match wrap {
					Some(wrap) => medledger_envelope::unwrap(&wrap.wrapped, secret)
						.map_err(|_| GatewayError::NoKeyWrap(p.id))?,
					None => medledger_envelope::unwrap_own(&envelope, secret)
						.map_err(|_| GatewayError::NoKeyWrap(p.id))?,
				}
			}
			_ => medledger_envelope::unwrap_own(&envelope, secret)
				.map_err(|_| GatewayError::NoKeyWrap(p.id))?,
		}
	};
	let id = p.id;
	let opened = tokio::task::spawn_blocking(move || medledger_envelope::open(&envelope, &key))
		.await
		.map_err(GatewayError::internal)?
		.map_err(|_| GatewayError::Tampered(id))?;
	if opened.commitment() != doc.commitment {
		return Err(GatewayError::CommitmentMismatch(id));
	}
	Ok((doc, opened))
}

/// `document_envelope`: a patient's own document, still encrypted, with the anchor record.
/// The patient's CLI unwraps the data key with the patient's key and decrypts locally, so
/// the gateway never sees the patient's secret; it also recovers the salt for proofs and
/// wraps the key for grantees. Ciphertext only: no read of the record to audit.
pub async fn document_envelope(
	gw: &Gateway,
	caller: &Credential,
	id: DocId,
) -> Result<Value, GatewayError> {
	let doc = document_record(gw, id).await?;
	if doc.patient != caller.account {
		return Err(GatewayError::AccessRefused(Refusal::NoConsent));
	}
	let cid = cid::Cid::try_from(&doc.cid[..]).map_err(GatewayError::internal)?;
	let envelope = gw.storage.get(&cid, id).await?;
	Ok(json!({
		"document": views::document(id, &doc),
		"envelope": base64::engine::general_purpose::STANDARD.encode(&envelope),
	}))
}

/// Parameters of `document_verify`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct VerifyDocument {
	/// The document.
	pub id: DocId,
	/// The file, base64.
	pub content: String,
	/// The salt (from the envelope), `0x` hex.
	pub salt: String,
}

/// `document_verify`: whether a file and salt match the anchored commitment.
pub async fn document_verify(gw: &Gateway, p: VerifyDocument) -> Result<Value, GatewayError> {
	let file = decode_base64("content", &p.content)?;
	let salt = crate::keystore::parse_secret32(&p.salt)
		.map_err(|_| GatewayError::invalid("salt", "expected 0x + 32 bytes of hex"))?;
	let doc = document_record(gw, p.id).await?;
	let computed = medledger_primitives::commitment(&salt, &file);
	Ok(json!({
		"id": p.id,
		"matches": computed == doc.commitment,
		"commitment": views::hex0x(&doc.commitment),
		"computed": views::hex0x(&computed),
	}))
}

// ---------------------------------------------------------------- consent

/// Parameters of `consent_request`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RequestConsent {
	/// The patient (SS58).
	pub patient: String,
	/// `{"all": true}`, `{"documentTypes": [..]}` or `{"documents": [..]}`.
	pub scope: Value,
	/// Why.
	pub purpose: String,
	/// Read access asked.
	pub read: bool,
	/// Write (amend) access asked.
	pub write: bool,
	/// Window start, ms.
	pub from: u64,
	/// Window end, ms.
	pub to: u64,
}

/// `consent_request`: the caller's hospital asks a patient for consent.
pub async fn consent_request(
	gw: &Gateway,
	caller: &Credential,
	p: RequestConsent,
) -> Result<Value, GatewayError> {
	let patient = parse_account("patient", &p.patient)?;
	let scope = if p.scope.get("all").and_then(Value::as_bool) == Some(true) {
		ScopeRequest::All
	} else if let Some(types) = p.scope.get("documentTypes").and_then(Value::as_array) {
		ScopeRequest::DocumentTypes(
			types.iter().filter_map(Value::as_str).map(|t| t.as_bytes().to_vec()).collect(),
		)
	} else if let Some(ids) = p.scope.get("documents").and_then(Value::as_array) {
		ScopeRequest::Documents(ids.iter().filter_map(Value::as_u64).collect())
	} else {
		return Err(GatewayError::invalid("scope", "all, documentTypes or documents"));
	};
	let call = RuntimeCall::Consent(pallet_consent::Call::request {
		patient,
		scope,
		purpose: parse_purpose(&p.purpose)?,
		actions: Actions { read: p.read, write: p.write },
		window: Window { from: p.from, to: p.to },
	});
	write(gw, caller, call).await
}

/// Parameters of `consent_breakGlass`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BreakGlass {
	/// The patient (SS58).
	pub patient: String,
	/// Why (visible to the consortium and the patient).
	pub reason: String,
}

/// `consent_breakGlass`: a clinician opens emergency access (always audited).
pub async fn consent_break_glass(
	gw: &Gateway,
	caller: &Credential,
	p: BreakGlass,
) -> Result<Value, GatewayError> {
	let patient = parse_account("patient", &p.patient)?;
	check_text("reason", &p.reason, 256)?;
	let call = RuntimeCall::Consent(pallet_consent::Call::break_glass {
		patient,
		reason: p.reason.into_bytes(),
	});
	write(gw, caller, call).await
}

/// `consent_get`: one consent.
pub async fn consent_get(
	gw: &Gateway,
	caller: &Credential,
	id: u64,
) -> Result<Value, GatewayError> {
	Ok(views::consent(id, &visible_consent(gw, caller, id, "consent_get").await?))
}

/// Consent `id`, if the caller may see it (patients: their own).
async fn visible_consent(
	gw: &Gateway,
	caller: &Credential,
	id: u64,
	method: &str,
) -> Result<Consent<Runtime>, GatewayError> {
	let consent: Option<Consent<Runtime>> = gw.chain.api().consent(id).await?;
	let consent = consent.ok_or(GatewayError::UnknownConsent(id))?;
	ensure_own(caller, &consent.patient, method)?;
	Ok(consent)
}

/// `consent_history`: a consent and every entry of the patient's trail about it — its
/// request, decision, end, key wraps — and every read made under it, in order.
pub async fn consent_history(
	gw: &Gateway,
	caller: &Credential,
	id: u64,
) -> Result<Value, GatewayError> {
	let consent = visible_consent(gw, caller, id, "consent_history").await?;
	let events = trail_matching(gw, &consent.patient, |entry| {
		entry.subject == Subject::Consent(id) || entry.consent == Some(id)
	})
	.await?;
	Ok(json!({ "consent": views::consent(id, &consent), "events": events }))
}

/// Every entry of `patient`'s trail that `wanted` picks, in order, as the portal shows them.
pub(crate) async fn trail_matching(
	gw: &Gateway,
	patient: &AccountId32,
	wanted: impl Fn(&AuditEntry<AccountId32>) -> bool,
) -> Result<Vec<Value>, GatewayError> {
	let mut matching = Vec::new();
	let mut from = 1u64;
	loop {
		let page: Vec<(u64, AuditRecord<AccountId32>)> =
			gw.chain.api().trail(patient, from, MAX_PAGE).await?;
		let full = page.len() as u32 == MAX_PAGE;
		for (seq, record) in &page {
			if wanted(&record.entry) {
				matching.push(views::audit(*seq, record));
			}
		}
		match page.last() {
			Some((seq, _)) if full => from = seq + 1,
			_ => return Ok(matching),
		}
	}
}

/// `consent_list`: a patient's consents, or an organisation's.
pub async fn consent_list(
	gw: &Gateway,
	caller: &Credential,
	p: Page,
) -> Result<Value, GatewayError> {
	let limit = p.limit.unwrap_or(100).min(MAX_PAGE);
	if caller.role == Role::Patient && p.patient.is_none() {
		return Err(GatewayError::Forbidden {
			role: "Patient".into(),
			method: "consent_list by organisation".into(),
		});
	}
	let consents: Vec<(u64, Consent<Runtime>)> = match (&p.patient, p.organisation) {
		(Some(patient), None) => {
			let who = parse_account("patient", patient)?;
			ensure_own(caller, &who, "consent_list")?;
			gw.chain.api().consents_by_patient(&who, p.after, limit).await?
		}
		(None, Some(org)) => gw.chain.api().consents_by_organisation(org, p.after, limit).await?,
		_ => {
			return Err(GatewayError::invalid(
				"params",
				"give exactly one of patient, organisation",
			))
		}
	};
	Ok(Value::Array(consents.iter().map(|(id, c)| views::consent(*id, c)).collect()))
}

/// `consent_relay`: submits an extrinsic the patient signed with their own key (grant,
/// deny, revoke, add_wraps) — the gateway never holds patient keys. Anything else is
/// refused before it reaches the node.
pub async fn consent_relay(
	gw: &Gateway,
	caller: &Credential,
	extrinsic: &str,
) -> Result<Value, GatewayError> {
	use codec::Decode;
	let bytes = hex::decode(extrinsic.trim_start_matches("0x"))
		.map_err(|_| GatewayError::invalid("extrinsic", "not hex"))?;
	let xt = medledger_runtime::UncheckedExtrinsic::decode(&mut &bytes[..])
		.map_err(|_| GatewayError::invalid("extrinsic", "not an extrinsic of this chain"))?;
	let allowed = matches!(
		xt.function,
		RuntimeCall::Consent(
			pallet_consent::Call::grant { .. }
				| pallet_consent::Call::deny { .. }
				| pallet_consent::Call::revoke { .. }
				| pallet_consent::Call::add_wraps { .. }
		)
	);
	if !allowed {
		return Err(GatewayError::invalid("extrinsic", "only consent grant/deny/revoke/addWraps"));
	}
	let (included, watch) = gw.chain.submit_signed(bytes).await?;
	gw.watch_finality(watch, Some(caller.account.clone()));
	let events: Vec<String> = included.events.iter().map(|e| format!("{e:?}")).collect();
	Ok(json!({ "block": format!("{:?}", included.block), "events": events }))
}

/// `consent_relayContext`: what the calling patient signs a relayed extrinsic with besides
/// the call — the next nonce of their account and the chain's versions.
pub async fn consent_relay_context(
	gw: &Gateway,
	caller: &Credential,
) -> Result<Value, GatewayError> {
	let (nonce, versions) = gw.chain.signing_context(&caller.account).await?;
	Ok(json!({
		"nonce": nonce,
		"specVersion": versions.spec_version,
		"transactionVersion": versions.tx_version,
		"genesisHash": views::hex0x(versions.genesis.as_bytes()),
	}))
}

// ---------------------------------------------------------------- audit

/// Parameters of `audit_trail`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Trail {
	/// The patient (SS58).
	pub patient: String,
	/// First sequence number (default 1).
	pub from: Option<u64>,
	/// At most this many (≤ 1000).
	pub limit: Option<u32>,
}

/// `audit_trail`: a patient's trail, with the hash-chain check of the page returned.
pub async fn audit_trail(
	gw: &Gateway,
	caller: &Credential,
	p: Trail,
) -> Result<Value, GatewayError> {
	let patient = parse_account("patient", &p.patient)?;
	ensure_own(caller, &patient, "audit_trail")?;
	let from = p.from.unwrap_or(1).max(1);
	let limit = p.limit.unwrap_or(100).min(MAX_PAGE);
	// Head and entries from one block, so a check of the whole trail against this head
	// cannot race a new entry.
	let (at, at_number) = gw.chain.best_head().await?;
	let head: TrailHead = gw.chain.api_at(at).trail_head(&patient).await?;
	let records: Vec<(u64, AuditRecord<AccountId32>)> =
		gw.chain.api_at(at).trail(&patient, from, limit).await?;
	// The page verifies from the head before it (genesis for the first page).
	let start = if from == 1 {
		TrailHead::default()
	} else {
		let before: Vec<(u64, AuditRecord<AccountId32>)> =
			gw.chain.api_at(at).trail(&patient, from - 1, 1u32).await?;
		before.first().map(|(seq, r)| TrailHead { seq: *seq, head: r.head }).unwrap_or_default()
	};
	let end = records.last().map(|(seq, r)| TrailHead { seq: *seq, head: r.head });
	let check =
		medledger_primitives::audit::verify_trail(&patient, start, &records, end.unwrap_or(start));
	Ok(json!({
		"head": { "seq": head.seq, "head": views::hex0x(&head.head) },
		"at": { "number": at_number, "hash": views::hex0x(at.as_bytes()) },
		// Each entry also as stored (SCALE), so a patient's tools can check the chain again.
		"entries": records
			.iter()
			.map(|(seq, r)| {
				let mut entry = views::audit(*seq, r);
				entry["record"] = views::hex0x(&r.encode()).into();
				entry
			})
			.collect::<Vec<_>>(),
		"verified": check.is_ok(),
		"problem": check.err().map(|e| format!("{e:?}")),
	}))
}

/// Parameters of `audit_byActor` and `audit_byOrganisation`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AuditQuery {
	/// The actor (SS58), for `audit_byActor`.
	pub actor: Option<String>,
	/// The organisation, for `audit_byOrganisation`.
	pub organisation: Option<OrgId>,
	/// Entries at or after this time (ms).
	pub from: Option<u64>,
	/// Entries before this time (ms).
	pub to: Option<u64>,
	/// At most this many (≤ 1000).
	pub limit: Option<u32>,
}

type Placed = ((AccountId32, u64), AuditRecord<AccountId32>);

/// `audit_byActor` / `audit_byOrganisation`: entries of an actor or a hospital in a time
/// range.
pub async fn audit_query(gw: &Gateway, p: AuditQuery) -> Result<Value, GatewayError> {
	let limit = p.limit.unwrap_or(100).min(MAX_PAGE) as usize;
	let (from, to) = (p.from.unwrap_or(0), p.to.unwrap_or(u64::MAX));
	let actor = p.actor.as_deref().map(|a| parse_account("actor", a)).transpose()?;
	let who = match (actor, p.organisation) {
		(Some(actor), None) => Who::Actor(actor),
		(None, Some(org)) => Who::Organisation(org),
		_ => {
			return Err(GatewayError::invalid("params", "give exactly one of actor, organisation"))
		}
	};
	let entries = audit_entries(gw, &who, from, to, limit).await?;
	Ok(Value::Array(entries.iter().map(|(seq, r)| views::audit(*seq, r)).collect()))
}

/// Whose audit entries.
enum Who {
	Actor(AccountId32),
	Organisation(OrgId),
}

/// Up to `limit` audit entries of `who` with `from ≤ at < to`, pages walked on chain.
async fn audit_entries(
	gw: &Gateway,
	who: &Who,
	from: u64,
	to: u64,
	limit: usize,
) -> Result<Vec<(u64, AuditRecord<AccountId32>)>, GatewayError> {
	if from > to {
		return Err(GatewayError::invalid("from", "after to"));
	}
	let mut after: Option<(AccountId32, u64)> = None;
	let mut out = Vec::new();
	loop {
		let page: Vec<Placed> = match who {
			Who::Actor(actor) => gw.chain.api().by_actor(actor, &after, MAX_PAGE).await?,
			Who::Organisation(org) => {
				gw.chain.api().by_organisation(*org, &after, MAX_PAGE).await?
			}
		};
		let Some((last, _)) = page.last() else { break };
		after = Some(last.clone());
		let full = page.len() as u32 == MAX_PAGE;
		for ((_, seq), record) in page {
			if (from..to).contains(&record.entry.at) && out.len() < limit {
				out.push((seq, record));
			}
		}
		if !full || out.len() >= limit {
			break;
		}
	}
	Ok(out)
}

/// Most audit entries in one compliance report.
const MAX_REPORT_ENTRIES: usize = 100_000;

/// Parameters of `audit_report`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReportQuery {
	/// The hospital.
	pub organisation: OrgId,
	/// Start of the period (ms, inclusive).
	pub from: u64,
	/// End of the period (ms, exclusive).
	pub to: u64,
	/// `csv` or `fhir`.
	pub format: String,
}

/// `audit_report`: a hospital's compliance report for a period, as CSV (a string) or as a
/// FHIR R4 Bundle (an object).
pub async fn audit_report(gw: &Gateway, p: ReportQuery) -> Result<Value, GatewayError> {
	if !matches!(p.format.as_str(), "csv" | "fhir") {
		return Err(GatewayError::invalid("format", "csv or fhir"));
	}
	let who = Who::Organisation(p.organisation);
	let entries = audit_entries(gw, &who, p.from, p.to, MAX_REPORT_ENTRIES + 1).await?;
	if entries.len() > MAX_REPORT_ENTRIES {
		return Err(GatewayError::invalid(
			"to",
			"more than 100000 audit entries: ask for a shorter period",
		));
	}
	let in_period = |at: u64| (p.from..p.to).contains(&at);
	let documents: Vec<(DocId, Document<Runtime>)> =
		gw.chain.api().all_documents_by_organisation(p.organisation).await?;
	let consents: Vec<(u64, Consent<Runtime>)> =
		gw.chain.api().all_consents_by_organisation(p.organisation).await?;
	let documents = documents.into_iter().filter(|(_, d)| in_period(d.created_at)).collect();
	let consents = consents
		.into_iter()
		.filter(|(_, c)| c.requested_at < p.to && c.window.to > p.from)
		.collect();
	let report = crate::report::Report {
		organisation: p.organisation,
		from: p.from,
		to: p.to,
		documents,
		consents,
		entries,
	};
	Ok(match p.format.as_str() {
		"csv" => Value::String(report.to_csv()?),
		_ => report.to_fhir(crate::unix_millis()),
	})
}
