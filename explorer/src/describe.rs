//! Extrinsics and events told in the auditor's words: "H1 anchored document 7 (18842-5)
//! for patient 5FHneW…M694ty", "patient … granted H2 read for treatment until …".
//!
//! A sentence is a list of parts, each a text with an optional explorer link, so the page
//! renders links without ever parsing the text. Details that events do not carry (a
//! consent's purpose and window, a document's type) are read from the state of the block
//! being described — the node keeps archive state, so old blocks read as they were.

use medledger_chain_client::Chain;
use medledger_gateway_api::api::explorer::Part;
use medledger_gateway_api::{
	values::{rfc3339, Account},
	GatewayError,
};
use medledger_primitives::{
	audit::{AuditAction, Outcome, Subject},
	OrgId,
};
use medledger_runtime::{Runtime, RuntimeEvent};
use pallet_consent::{Consent, Scope};
use pallet_consortium::{Member, Role};
use pallet_documents::Document;
use sp_core::H256;
use sp_runtime::AccountId32;
use std::collections::HashMap;

/// A sentence being built: text and linked parts.
#[derive(Default)]
pub struct Sentence(Vec<Part>);

impl Sentence {
	/// Plain text.
	pub fn text(mut self, text: impl Into<String>) -> Self {
		self.0.push(Part { text: text.into(), href: None });
		self
	}

	/// Text linking to an explorer page (`#/document/7`).
	pub fn link(mut self, text: impl Into<String>, href: impl Into<String>) -> Self {
		self.0.push(Part { text: text.into(), href: Some(href.into()) });
		self
	}

	/// The parts, for the page.
	pub fn into_parts(self) -> Vec<Part> {
		self.0
	}
}

/// An account shortened for reading: `5FHneW…694ty`.
pub fn short(account: &AccountId32) -> String {
	let text = Account::from(account).to_string();
	format!("{}…{}", &text[..6], &text[text.len() - 6..])
}

/// Names and roles as of one block, looked up once each.
pub struct Names<'a> {
	chain: &'a Chain,
	at: H256,
	orgs: HashMap<OrgId, String>,
	roles: HashMap<AccountId32, Option<Role>>,
}

impl<'a> Names<'a> {
	/// The names at block `at`.
	pub async fn at(chain: &'a Chain, at: H256) -> Result<Names<'a>, GatewayError> {
		let orgs: Vec<(OrgId, pallet_consortium::OrganisationOf<Runtime>)> =
			chain.api_at(at).organisations().await?;
		let orgs =
			orgs.into_iter().map(|(id, o)| (id, String::from_utf8_lossy(&o.name).into())).collect();
		Ok(Names { chain, at, orgs, roles: HashMap::new() })
	}

	/// An organisation's name (or `organisation N` if it is not admitted at this block).
	pub fn org(&self, org: OrgId) -> String {
		self.orgs.get(&org).cloned().unwrap_or_else(|| format!("organisation {org}"))
	}

	/// Appends organisation `org`, linked.
	pub fn add_org(&self, sentence: Sentence, org: OrgId) -> Sentence {
		sentence.link(self.org(org), format!("#/organisation/{org}"))
	}

	/// Appends an account with its role ("patient 5F…", "clinician 5G… of H1"), linked to
	/// the patient's trail or the account's page.
	pub async fn add_account(
		&mut self,
		sentence: Sentence,
		who: &AccountId32,
	) -> Result<Sentence, GatewayError> {
		let role = match self.roles.get(who) {
			Some(role) => *role,
			None => {
				let member: Option<Member<u32>> = self.chain.api_at(self.at).member(who).await?;
				let role = member.map(|m| m.role);
				self.roles.insert(who.clone(), role);
				role
			}
		};
		let address = Account::from(who).to_string();
		Ok(match role {
			Some(Role::Patient) => {
				sentence.link(format!("patient {}", short(who)), format!("#/patient/{address}"))
			}
			Some(Role::Clinician(org)) => sentence
				.link(format!("clinician {}", short(who)), format!("#/account/{address}"))
				.text(" of ")
				.link(self.org(org), format!("#/organisation/{org}")),
			Some(Role::OrgAdmin(org)) => sentence
				.link(format!("administrator {}", short(who)), format!("#/account/{address}"))
				.text(" of ")
				.link(self.org(org), format!("#/organisation/{org}")),
			Some(Role::Auditor) => {
				sentence.link(format!("auditor {}", short(who)), format!("#/account/{address}"))
			}
			None => {
				sentence.link(format!("account {}", short(who)), format!("#/account/{address}"))
			}
		})
	}

	async fn consent(&self, id: u64) -> Result<Option<Consent<Runtime>>, GatewayError> {
		Ok(self.chain.api_at(self.at).consent(id).await?)
	}

	async fn document(&self, id: u64) -> Result<Option<Document<Runtime>>, GatewayError> {
		Ok(self.chain.api_at(self.at).document(id).await?)
	}
}

fn document_link(sentence: Sentence, id: u64) -> Sentence {
	sentence.link(format!("document {id}"), format!("#/document/{id}"))
}

fn consent_link(sentence: Sentence, id: u64) -> Sentence {
	sentence.link(format!("consent {id}"), format!("#/consent/{id}"))
}

/// "read for treatment, all documents, until 2026-…": what a consent allows.
fn terms(consent: &Consent<Runtime>) -> String {
	let actions = match (consent.actions.read, consent.actions.write) {
		(true, true) => "read and write",
		(true, false) => "read",
		(false, true) => "write",
		(false, false) => "nothing",
	};
	let scope = match &consent.scope {
		Scope::All => "all documents".to_string(),
		Scope::DocumentTypes(types) => format!(
			"documents of type {}",
			types
				.iter()
				.map(|t| String::from_utf8_lossy(t).into_owned())
				.collect::<Vec<_>>()
				.join(", ")
		),
		Scope::Documents(ids) => {
			format!("documents {}", ids.iter().map(u64::to_string).collect::<Vec<_>>().join(", "))
		}
	};
	let purpose = format!("{:?}", consent.purpose).to_lowercase();
	format!("{actions} for {purpose} ({scope}) until {}", rfc3339(consent.window.to))
}

/// The sentence for a domain event; `None` for bookkeeping events (fees, nonces, an
/// extrinsic's success) that the extrinsic itself stands for.
pub async fn event(
	names: &mut Names<'_>,
	event: &RuntimeEvent,
) -> Result<Option<Vec<Part>>, GatewayError> {
	use pallet_consent::Event as C;
	use pallet_documents::Event as D;
	let s = Sentence::default();
	let sentence = match event {
		RuntimeEvent::Documents(D::Anchored { id, patient, org, author }) => {
			let s = names.add_org(s, *org).text(" anchored ");
			let s = document_link(s, *id);
			let s = match names.document(*id).await? {
				Some(doc) => s.text(format!(
					" ({}, {})",
					String::from_utf8_lossy(&doc.document_type),
					String::from_utf8_lossy(&doc.media_type)
				)),
				None => s,
			};
			let s = names.add_account(s.text(" for "), patient).await?;
			names.add_account(s.text(", signed by "), author).await?
		}
		RuntimeEvent::Documents(D::BatchAnchored { batch, first, count, root, org }) => {
			let s = names.add_org(s, *org).text(format!(" anchored {count} documents, from "));
			let s = document_link(s, *first);
			s.text(format!(
				", in rooted batch {batch} under Merkle root 0x{} (one record on chain; each \
				 document's proof carries its path)",
				hex::encode(root)
			))
		}
		RuntimeEvent::Documents(D::Amended { previous, id }) => {
			let s = document_link(s, *id).text(" amends ");
			document_link(s, *previous).text(", which is now superseded")
		}
		RuntimeEvent::Documents(D::MarkedEnteredInError { id }) => {
			document_link(s, *id).text(" marked entered-in-error (kept, never deleted)")
		}
		RuntimeEvent::Consent(C::Requested { id, patient, org, requester }) => {
			let s = names.add_account(s, requester).await?.text(" asked ");
			let s = names.add_account(s, patient).await?.text(" for ");
			let s = consent_link(s, *id).text(" for ");
			let s = names.add_org(s, *org);
			match names.consent(*id).await? {
				Some(c) => s.text(format!(": {}", terms(&c))),
				None => s,
			}
		}
		RuntimeEvent::Consent(C::Granted { id, patient, org }) => {
			let s = names.add_account(s, patient).await?.text(" granted ");
			let s = names.add_org(s, *org);
			let s = match names.consent(*id).await? {
				Some(c) => s.text(format!(" {}", terms(&c))),
				None => s,
			};
			consent_link(s.text(" ("), *id).text(")")
		}
		RuntimeEvent::Consent(C::Denied { id, patient, org }) => {
			let s = names.add_account(s, patient).await?.text(" denied ");
			let s = names.add_org(s, *org).text("'s request ");
			consent_link(s, *id)
		}
		RuntimeEvent::Consent(C::Revoked { id, patient, org }) => {
			let s = names.add_account(s, patient).await?.text(" revoked ");
			let s = consent_link(s, *id).text(" of ");
			names.add_org(s, *org).text(": its future reads are refused")
		}
		RuntimeEvent::Consent(C::Expired { id, org, .. }) => {
			let s = consent_link(s, *id).text(" of ");
			names.add_org(s, *org).text(" expired")
		}
		RuntimeEvent::Consent(C::BreakGlass { id, patient, clinician, until, .. }) => {
			let s = names.add_account(s, clinician).await?.text(" opened emergency access to ");
			let s = names.add_account(s, patient).await?;
			let s = s.text(format!("'s records until {} (", rfc3339(*until)));
			let s = consent_link(s, *id).text(")");
			let reason = names.consent(*id).await?.and_then(|c| c.break_glass_reason);
			let s = match reason {
				Some(reason) => {
					s.text(format!(", reason: \"{}\"", String::from_utf8_lossy(&reason)))
				}
				None => s,
			};
			s
		}
		RuntimeEvent::Consent(C::KeysWrapped { id, documents }) => {
			let s = s.text(format!("{documents} document key(s) released under "));
			consent_link(s, *id)
		}
		RuntimeEvent::Audit(pallet_audit::Event::Recorded { seq, record }) => {
			let pallet_audit::AuditEntry { patient, actor, action, subject, outcome, .. } =
				&record.entry;
			let trail = format!("#/patient/{}", Account::from(patient));
			let s = s.link(format!("audit entry {seq}"), trail).text(": ");
			let s = names.add_account(s, actor).await?;
			let s = match (action, subject) {
				(AuditAction::Execute, Subject::Document(id)) => {
					document_link(s.text(" released the data key of "), *id)
				}
				(AuditAction::Execute, _) => {
					let s = names.add_account(s.text(" opened emergency access to "), patient);
					s.await?.text("'s records")
				}
				(action, subject) => {
					let verb = match action {
						AuditAction::Create => " created ",
						AuditAction::Read => " read ",
						AuditAction::Delete => " deleted ",
						_ => " updated ",
					};
					match subject {
						Subject::Document(id) => document_link(s.text(verb), *id),
						Subject::Consent(id) => consent_link(s.text(verb), *id),
						Subject::Patient => {
							names.add_account(s.text(verb), patient).await?.text("'s records")
						}
					}
				}
			};
			match outcome {
				Outcome::Success => s,
				Outcome::Refused(why) => s.text(format!(" — refused ({why:?})")),
			}
		}
		RuntimeEvent::Consortium(e) => consortium(names, s, e).await?,
		RuntimeEvent::Session(pallet_session::Event::NewSession { session_index }) => {
			s.text(format!("session {session_index} began (validator set applied)"))
		}
		RuntimeEvent::Grandpa(pallet_grandpa::Event::NewAuthorities { authority_set }) => s.text(
			format!("a new finality (GRANDPA) authority set of {} takes over", authority_set.len()),
		),
		RuntimeEvent::Council(e) => s.text(format!("council: {}", variant(e))),
		RuntimeEvent::Sudo(e) => s.text(format!("sudo (development only): {}", variant(e))),
		RuntimeEvent::System(frame_system::Event::CodeUpdated { .. }) => {
			s.text("the runtime was upgraded")
		}
		_ => return Ok(None),
	};
	Ok(Some(sentence.into_parts()))
}

async fn consortium(
	names: &mut Names<'_>,
	s: Sentence,
	event: &pallet_consortium::Event<Runtime>,
) -> Result<Sentence, GatewayError> {
	use pallet_consortium::Event as O;
	Ok(match event {
		O::OrganisationAdmitted { org, delegate } => {
			let s = names.add_org(s, *org).text(" admitted to the consortium, delegate ");
			names.add_account(s, delegate).await?
		}
		O::OrganisationSuspended { org } => names.add_org(s, *org).text(" suspended"),
		O::OrganisationReinstated { org } => names.add_org(s, *org).text(" reinstated"),
		O::OrganisationRemoved { org } => names.add_org(s, *org).text(" removed"),
		O::ValidatorChanged { org, validator: Some(v) } => {
			let s = names.add_org(s, *org).text("'s validator set to ");
			names.add_account(s, v).await?.text(" (from the next session)")
		}
		O::ValidatorChanged { org, validator: None } => {
			names.add_org(s, *org).text(" no longer runs a validator (from the next session)")
		}
		O::NodesChanged { org } => names.add_org(s, *org).text("'s authorised nodes changed"),
		O::MemberRegistered { who, .. } => names.add_account(s, who).await?.text(" registered"),
		O::MemberRemoved { who } => names.add_account(s, who).await?.text(" removed"),
		O::EncryptionKeyChanged { who } => {
			names.add_account(s, who).await?.text(" changed their encryption key")
		}
		_ => s.text(format!("consortium: {}", variant(event))),
	})
}

/// An event's variant name (`Proposed { … }` → `Proposed`), for pallets told generically.
fn variant(event: &impl std::fmt::Debug) -> String {
	let text = format!("{event:?}");
	text.split([' ', '(', '{']).next().unwrap_or_default().to_string()
}
