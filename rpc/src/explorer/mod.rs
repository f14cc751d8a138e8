//! The block explorer for auditors: read-only pages served by the gateway under
//! `/explorer` ([`assets`]) and the `explorer_*` methods they call (auditor credential
//! only), alongside the portal's own read methods (`consent_history`, `audit_trail`,
//! `audit_report`, `document_proof`, …).
//!
//! Everything here is read from the gateway's node, which keeps archive state: a block is
//! described with the state *of that block* ([`describe`]), and a document's anchoring
//! block is found by searching old states. Nothing here writes to the chain or the outbox.
//!
//! The trail completeness check is not done here: the page runs it itself, in WebAssembly
//! built from `explorer/wasm`, over the records as stored on chain.

pub mod assets;
pub mod describe;

use crate::{
	portal::{document_record, trail_matching, Portal},
	proof, views, Gateway,
};
use codec::Decode;
use describe::{Names, Sentence};
use frame_support::traits::GetCallMetadata;
use jsonrpsee::{core::RpcResult, Extensions};
use medledger_gateway_api::{
	api::{
		audit::BlockRef,
		explorer::{
			Author, BlockDetail, BlockSummary, Blocks, ChainStatus, CoveringConsent,
			DocumentHistory, ExplorerApiServer, Extrinsic, Hit, UnclaimedAuthority, Validator,
		},
	},
	values::{Account, Hex32, Status},
	GatewayError,
};
use medledger_primitives::{audit::Subject, DocId, OrgId};
use medledger_runtime::{Header, Runtime, RuntimeCall, RuntimeEvent, UncheckedExtrinsic};
use pallet_consent::{Consent, KeyWrap};
use pallet_documents::{Document, DocumentStatus};
use sp_core::{crypto::Ss58Codec, H256};
use sp_crypto_hashing::blake2_256;
use sp_runtime::{generic::Preamble, AccountId32, DigestItem, MultiAddress};
use std::collections::HashMap;

/// Aura rounds the status page counts authorship over: a validator that authored no block
/// in the last four rounds (one slot each per round) is "not authoring".
const AUTHORSHIP_ROUNDS: u64 = 4;
/// The fewest recent blocks counted, for small sets.
const MIN_AUTHORSHIP_WINDOW: u64 = 16;
/// Most blocks in one `explorer_blocks` page.
const MAX_BLOCKS: u32 = 50;

#[jsonrpsee::core::async_trait]
impl ExplorerApiServer for Portal {
	async fn explorer_status(&self, _: &Extensions) -> RpcResult<ChainStatus> {
		Ok(status(self).await?)
	}

	async fn explorer_blocks(
		&self,
		_: &Extensions,
		before: Option<u64>,
		limit: Option<u32>,
	) -> RpcResult<Blocks> {
		Ok(blocks(self, before, limit).await?)
	}

	async fn explorer_block(
		&self,
		_: &Extensions,
		number: Option<u64>,
		hash: Option<Hex32>,
	) -> RpcResult<BlockDetail> {
		Ok(block(self, number, hash).await?)
	}

	async fn explorer_document(&self, _: &Extensions, id: DocId) -> RpcResult<DocumentHistory> {
		Ok(document(self, id).await?)
	}

	async fn explorer_search(&self, _: &Extensions, query: String) -> RpcResult<Vec<Hit>> {
		Ok(search(self, &query).await?)
	}
}

/// `explorer_status`: the best and finalised heads, and each validator — a hospital's
/// node — with whether it is authoring (blocks in the last [`AUTHORSHIP_ROUNDS`] rounds) and
/// voting (a precommit in the last stored GRANDPA justification); and any authority no
/// hospital claims.
async fn status(gw: &Gateway) -> Result<ChainStatus, GatewayError> {
	let chain = &gw.chain;
	let (best, best_number) = chain.best_head().await?;
	let finalised = chain.finalised_head().await?;
	let finalised_number = chain.block_number(finalised).await?;
	let api = chain.api_at(best);
	let aura: Vec<[u8; 32]> = api.aura_authorities().await?.iter().map(raw_key).collect();
	let grandpa: Vec<([u8; 32], u64)> = api
		.grandpa_authorities()
		.await?
		.iter()
		.map(|(key, weight)| (raw_key(key), *weight))
		.collect();
	let set_id = api.grandpa_set_id().await?;

	// Authorship: blocks per Aura key in the window, with the newest block of each.
	let mut authored: HashMap<[u8; 32], (u64, u64)> = HashMap::new();
	let window = (AUTHORSHIP_ROUNDS * aura.len() as u64).max(MIN_AUTHORSHIP_WINDOW);
	let first = best_number.saturating_sub(window - 1).max(1);
	let mut authors = Authors::new(gw);
	for number in (first..=best_number).rev() {
		let Some(hash) = chain.block_hash(number).await? else { continue };
		let Some((key, _)) = authors.of(&chain.header(hash).await?).await? else { continue };
		authored.entry(key).or_insert((0, number)).0 += 1;
	}

	// Voting: who signed the last justification the node stored.
	let recent = finalised_number.saturating_sub(64) as u32..=finalised_number as u32;
	let justified = proof::justified_block(gw, recent.rev()).await?;
	let (justified_number, voters) = match &justified {
		Some((number, _, bytes)) => {
			let justification =
				medledger_verifier::finality::Justification::decode(&mut &bytes[..])
					.map_err(GatewayError::internal)?;
			let voters: Vec<[u8; 32]> =
				justification.commit.precommits.iter().map(|p| p.id).collect();
			(Some(*number), voters)
		}
		None => (None, Vec::new()),
	};

	// The explorer describes old blocks with their own state: that needs an archive node. A
	// pruned node has discarded block 1's state.
	let archive = match chain.block_hash(1).await? {
		Some(first) => chain.time_at(Some(first)).await.is_ok(),
		None => true,
	};

	let hospitals = hospital_validators(gw, best).await?;
	let grandpa: Vec<[u8; 32]> = grandpa.into_iter().map(|(key, _)| key).collect();
	let unclaimed = unclaimed_authorities(&hospitals, &aura, &grandpa, &authored, &voters);
	let mut validators = Vec::new();
	for v in hospitals {
		let (aura_key, grandpa_key) = v.keys.unzip();
		let (blocks, last) = aura_key.and_then(|k| authored.get(&k).copied()).unwrap_or((0, 0));
		validators.push(Validator {
			organisation: v.org,
			name: v.name,
			status: v.status,
			account: Account(v.account),
			aura_key: aura_key.map(Hex32),
			grandpa_key: grandpa_key.map(Hex32),
			in_authoring_set: aura_key.is_some_and(|k| aura.contains(&k)),
			in_finality_set: grandpa_key.is_some_and(|k| grandpa.contains(&k)),
			blocks_authored: blocks,
			last_authored: (blocks > 0).then_some(last),
			authoring: blocks > 0,
			voting: grandpa_key.is_some_and(|k| voters.contains(&k)),
		});
	}
	Ok(ChainStatus {
		best: BlockRef { number: best_number, hash: Hex32::from(best) },
		finalised: BlockRef { number: finalised_number, hash: Hex32::from(finalised) },
		archive,
		authorship_window: window,
		last_justified: justified_number.map(u64::from),
		finality_set_id: set_id,
		authoring_set_size: aura.len() as u32,
		finality_set_size: grandpa.len() as u32,
		validators,
		unclaimed_authorities: unclaimed,
	})
}

/// Authorities in the current sets that are no hospital's validator's session keys: the
/// consortium does not know who runs them, which an auditor must see. Each with what it
/// did (blocks authored in the window; a precommit in the last justification).
fn unclaimed_authorities(
	hospitals: &[HospitalValidator],
	aura: &[[u8; 32]],
	grandpa: &[[u8; 32]],
	authored: &HashMap<[u8; 32], (u64, u64)>,
	voters: &[[u8; 32]],
) -> Vec<UnclaimedAuthority> {
	let claimed = |key: &[u8; 32], grandpa_key: bool| {
		hospitals
			.iter()
			.filter_map(|v| v.keys)
			.any(|(a, g)| *key == if grandpa_key { g } else { a })
	};
	let authoring = aura.iter().filter(|k| !claimed(k, false)).map(|key| {
		let blocks = authored.get(key).map_or(0, |(blocks, _)| *blocks);
		UnclaimedAuthority::Authoring { key: Hex32(*key), blocks_authored: blocks }
	});
	let finality = grandpa
		.iter()
		.filter(|k| !claimed(k, true))
		.map(|key| UnclaimedAuthority::Finality { key: Hex32(*key), voting: voters.contains(key) });
	authoring.chain(finality).collect()
}

/// Aura's consensus engine id in header digests.
const AURA_ENGINE: [u8; 4] = *b"aura";

/// The Aura key that authored a block, from the slot in its pre-runtime digest.
fn author(header: &Header, authorities: &[[u8; 32]]) -> Option<[u8; 32]> {
	let slot = header.digest.logs.iter().find_map(|log| match log {
		DigestItem::PreRuntime(AURA_ENGINE, data) => u64::decode(&mut &data[..]).ok(),
		_ => None,
	})?;
	if authorities.is_empty() {
		return None;
	}
	authorities.get((slot % authorities.len() as u64) as usize).copied()
}

/// A validator account's session keys (Aura, GRANDPA) as `Session.NextKeys` holds them.
async fn session_keys(
	gw: &Gateway,
	validator: &AccountId32,
	at: H256,
) -> Result<Option<([u8; 32], [u8; 32])>, GatewayError> {
	let keys = gw.chain.session_keys(validator, at).await?;
	Ok(keys.map(|keys| (raw_key(&keys.aura), raw_key(&keys.grandpa))))
}

/// The bytes of an authority key (sr25519 for Aura, ed25519 for GRANDPA: 32 bytes each),
/// as the explorer compares and shows them.
fn raw_key(key: &impl sp_core::crypto::ByteArray) -> [u8; 32] {
	let mut out = [0; 32];
	out.copy_from_slice(key.as_slice());
	out
}

/// `explorer_blocks`: the latest blocks (or those before `before`), newest first, each with
/// its time, author's hospital, signed extrinsics and domain events counted, and whether
/// it is finalised.
async fn blocks(
	gw: &Gateway,
	before: Option<u64>,
	limit: Option<u32>,
) -> Result<Blocks, GatewayError> {
	let chain = &gw.chain;
	let (_, best_number) = chain.best_head().await?;
	let finalised_number = chain.block_number(chain.finalised_head().await?).await?;
	let top = match before {
		Some(0) => return Err(GatewayError::invalid("before", "there is no block before 0")),
		Some(before) => (before - 1).min(best_number),
		None => best_number,
	};
	let limit = limit.unwrap_or(20);
	if !(1..=MAX_BLOCKS).contains(&limit) {
		return Err(GatewayError::invalid("limit", format!("1 to {MAX_BLOCKS}")));
	}
	let mut authors = Authors::new(gw);
	let mut out = Vec::new();
	for number in (top.saturating_sub(limit as u64 - 1)..=top).rev() {
		let Some(hash) = chain.block_hash(number).await? else { continue };
		let Some(block) = chain.block(hash).await? else { continue };
		let signed = block
			.extrinsics
			.iter()
			.filter_map(|x| UncheckedExtrinsic::decode(&mut &x[..]).ok())
			.filter(|x| matches!(x.preamble, Preamble::Signed(..)))
			.count();
		let events = chain.events_at(hash).await?;
		let domain = events.iter().filter(|r| is_domain(&r.event)).count();
		let author = authors.of(&block.header).await?.and_then(|(_, hospital)| hospital);
		out.push(BlockSummary {
			number,
			hash: Hex32::from(hash),
			time: chain.time_at(Some(hash)).await?,
			author: author.map(|(organisation, name)| Author { organisation, name }),
			extrinsics: signed as u32,
			events: domain as u32,
			finalised: number <= finalised_number,
		});
	}
	Ok(Blocks { best: best_number, finalised: finalised_number, blocks: out })
}

/// A hospital's validator as of a block: its validator account and the session keys
/// (Aura, GRANDPA) that account registered.
struct HospitalValidator {
	org: OrgId,
	name: String,
	status: Status,
	account: AccountId32,
	keys: Option<([u8; 32], [u8; 32])>,
}

/// The hospitals that run a validator, in the state of block `at`.
async fn hospital_validators(
	gw: &Gateway,
	at: H256,
) -> Result<Vec<HospitalValidator>, GatewayError> {
	let orgs: Vec<(OrgId, pallet_consortium::OrganisationOf<Runtime>)> =
		gw.chain.api_at(at).organisations().await?;
	let mut out = Vec::new();
	for (org, o) in orgs {
		let Some(account) = o.validator else { continue };
		out.push(HospitalValidator {
			org,
			name: String::from_utf8_lossy(&o.name).into_owned(),
			status: o.status.into(),
			keys: session_keys(gw, &account, at).await?,
			account,
		});
	}
	Ok(out)
}

/// Finds blocks' authors: a block's slot picks from the Aura set in its *parent's* state
/// (the set it was authored under); the hospitals' keys are read again only when that set
/// changes from one block to the next.
struct Authors<'a> {
	gw: &'a Gateway,
	set: Option<Vec<[u8; 32]>>,
	hospitals: HashMap<[u8; 32], (OrgId, String)>,
}

impl<'a> Authors<'a> {
	fn new(gw: &'a Gateway) -> Self {
		Authors { gw, set: None, hospitals: HashMap::new() }
	}

	/// The Aura key that authored `header`, and its hospital if one holds that key; `None`
	/// for genesis.
	async fn of(
		&mut self,
		header: &Header,
	) -> Result<Option<([u8; 32], Option<(OrgId, String)>)>, GatewayError> {
		if header.number == 0 {
			return Ok(None);
		}
		let parent = header.parent_hash;
		let set: Vec<[u8; 32]> =
			self.gw.chain.api_at(parent).aura_authorities().await?.iter().map(raw_key).collect();
		if self.set.as_ref() != Some(&set) {
			self.hospitals = hospital_validators(self.gw, parent)
				.await?
				.into_iter()
				.filter_map(|v| Some((v.keys?.0, (v.org, v.name))))
				.collect();
			self.set = Some(set);
		}
		let set = self.set.as_deref().unwrap_or_default();
		Ok(author(header, set).map(|key| (key, self.hospitals.get(&key).cloned())))
	}
}

/// The events `describe::event` tells (MedLedger's pallets, governance, validator set,
/// runtime upgrades), counted on the blocks list.
fn is_domain(event: &RuntimeEvent) -> bool {
	matches!(
		event,
		RuntimeEvent::Documents(_)
			| RuntimeEvent::Consent(_)
			| RuntimeEvent::Audit(_)
			| RuntimeEvent::Consortium(_)
			| RuntimeEvent::Council(_)
			| RuntimeEvent::Session(_)
			| RuntimeEvent::Grandpa(_)
			| RuntimeEvent::Sudo(_)
			| RuntimeEvent::System(frame_system::Event::CodeUpdated { .. })
	)
}

/// `explorer_block`: one block — header, author, time, finality — with each extrinsic (its
/// call, signer, outcome) and every event told in domain language.
async fn block(
	gw: &Gateway,
	number: Option<u64>,
	hash: Option<Hex32>,
) -> Result<BlockDetail, GatewayError> {
	let chain = &gw.chain;
	let hash = match (number, hash) {
		(Some(number), None) => chain
			.block_hash(number)
			.await?
			.ok_or_else(|| GatewayError::invalid("number", format!("no block {number} yet")))?,
		(None, Some(hash)) => H256(hash.0),
		_ => return Err(GatewayError::invalid("params", "give exactly one of number, hash")),
	};
	let medledger_chain_client::Block { header, extrinsics, justification } = chain
		.block(hash)
		.await?
		.ok_or_else(|| GatewayError::invalid("hash", "no such block on this chain"))?;
	let number = u64::from(header.number);
	let finalised_number = chain.block_number(chain.finalised_head().await?).await?;
	let author = Authors::new(gw).of(&header).await?.and_then(|(_, hospital)| hospital);
	let records = chain.events_at(hash).await?;
	let mut names = Names::at(gw, hash).await?;

	let mut described = Vec::new();
	for (index, bytes) in extrinsics.iter().enumerate() {
		let phase = frame_system::Phase::ApplyExtrinsic(index as u32);
		let mut events = Vec::new();
		let mut failure = None;
		for record in records.iter().filter(|r| r.phase == phase) {
			if let RuntimeEvent::System(frame_system::Event::ExtrinsicFailed {
				dispatch_error,
				..
			}) = &record.event
			{
				failure = Some(medledger_chain_client::dispatch_error_name(*dispatch_error));
			}
			if let Some(sentence) = describe::event(&mut names, &record.event).await? {
				events.push(sentence);
			}
		}
		let Ok(xt) = UncheckedExtrinsic::decode(&mut &bytes[..]) else {
			described.push(Extrinsic {
				index: index as u32,
				hash: None,
				call: "undecodable".into(),
				signer: None,
				summary: None,
				success: None,
				error: None,
				events,
			});
			continue;
		};
		let meta = xt.function.get_call_metadata();
		let call = format!("{}.{}", meta.pallet_name, meta.function_name);
		let signer = match &xt.preamble {
			Preamble::Signed(MultiAddress::Id(who), ..) => Some(who.clone()),
			_ => None,
		};
		let summary = match (&signer, &xt.function) {
			(_, RuntimeCall::Timestamp(pallet_timestamp::Call::set { now })) => Sentence::default()
				.text(format!("block time set to {}", crate::report::rfc3339(*now))),
			(Some(who), _) => {
				let s = names.add_account(Sentence::default(), who).await?;
				s.text(format!(" called {call}"))
			}
			(None, _) => Sentence::default().text(format!("inherent {call}")),
		};
		described.push(Extrinsic {
			index: index as u32,
			hash: Some(Hex32(blake2_256(bytes))),
			call,
			signer: signer.map(Account),
			summary: Some(summary.into_parts()),
			success: Some(failure.is_none()),
			error: failure,
			events,
		});
	}
	let mut block_events = Vec::new();
	for record in
		records.iter().filter(|r| !matches!(r.phase, frame_system::Phase::ApplyExtrinsic(_)))
	{
		if let Some(sentence) = describe::event(&mut names, &record.event).await? {
			block_events.push(sentence);
		}
	}
	Ok(BlockDetail {
		number,
		hash: Hex32::from(hash),
		parent: Hex32::from(header.parent_hash),
		state_root: Hex32::from(header.state_root),
		extrinsics_root: Hex32::from(header.extrinsics_root),
		time: chain.time_at(Some(hash)).await?,
		author: author.map(|(organisation, name)| Author { organisation, name }),
		finalised: number <= finalised_number,
		justified: justification.is_some(),
		extrinsics: described,
		events: block_events,
	})
}

fn parse_hash(field: &'static str, text: &str) -> Result<H256, GatewayError> {
	let bytes = hex::decode(text.trim_start_matches("0x"))
		.map_err(|_| GatewayError::invalid(field, "not hex"))?;
	let bytes: [u8; 32] =
		bytes.try_into().map_err(|_| GatewayError::invalid(field, "not 32 bytes"))?;
	Ok(H256(bytes))
}

/// `explorer_document`: a document with the block that anchored it, its versions, the
/// consents whose scope covers it (and whether its key was released to each), and every
/// access to it in the patient's trail.
async fn document(gw: &Gateway, id: DocId) -> Result<DocumentHistory, GatewayError> {
	let doc = document_record(gw, id).await?;
	let anchored = anchoring_block(gw, id).await?;

	// Versions: back through `previous`, forward through `superseded by`.
	let mut versions = vec![(id, doc.clone())];
	let mut earlier = doc.previous;
	while let Some(previous) = earlier {
		let record = document_record(gw, previous).await?;
		earlier = record.previous;
		versions.insert(0, (previous, record));
	}
	let mut later = doc.status;
	while let DocumentStatus::Superseded { by } = later {
		let record = document_record(gw, by).await?;
		later = record.status;
		versions.push((by, record));
	}

	let consents: Vec<(u64, Consent<Runtime>)> =
		gw.chain.api().all_consents_by_patient(&doc.patient).await?;
	let mut coverage = Vec::new();
	for (consent_id, consent) in
		consents.iter().filter(|(_, c)| c.scope.covers(id, &doc.document_type))
	{
		let wrap: Option<KeyWrap<Runtime>> = gw.chain.api().key_wrap(id, consent.org).await?;
		coverage.push(CoveringConsent {
			consent: views::consent(*consent_id, consent),
			// Wraps are kept per (document, hospital); this consent's, if it made the one
			// there.
			key_released: wrap.is_some_and(|w| w.consent == *consent_id),
		});
	}
	let access =
		trail_matching(gw, &doc.patient, |entry| entry.subject == Subject::Document(id)).await?;
	Ok(DocumentHistory {
		document: views::document(id, &doc)?,
		anchored_in: anchored.map(|(number, hash)| BlockRef { number, hash: Hex32::from(hash) }),
		versions: views::documents(&versions)?,
		consents: coverage,
		access,
	})
}

/// A staff or auditor role in words, for search results.
fn role_word(role: &pallet_consortium::Role) -> &'static str {
	match role {
		pallet_consortium::Role::Patient => "patient",
		pallet_consortium::Role::Clinician(_) => "clinician",
		pallet_consortium::Role::OrgAdmin(_) => "administrator",
		pallet_consortium::Role::Auditor => "auditor",
	}
}

/// The first block whose state holds document `id`: a binary search over the archive
/// node's states (records are never deleted, so presence is monotonic).
async fn anchoring_block(gw: &Gateway, id: DocId) -> Result<Option<(u64, H256)>, GatewayError> {
	let key = medledger_chain_client::Chain::document_key(id);
	let (_, best) = gw.chain.best_head().await?;
	let (mut low, mut high) = (0u64, best);
	let present = |number: u64| {
		let key = &key;
		async move {
			let Some(hash) = gw.chain.block_hash(number).await? else {
				return Ok::<_, GatewayError>(None);
			};
			Ok(gw.chain.storage_at(key, hash).await?.map(|_| hash))
		}
	};
	let Some(mut found) = present(high).await? else { return Ok(None) };
	while low < high {
		let middle = low + (high - low) / 2;
		match present(middle).await? {
			Some(hash) => {
				high = middle;
				found = hash;
			}
			None => low = middle + 1,
		}
	}
	Ok(Some((high, found)))
}

/// `explorer_search`: what a query names — a block number or hash, a document (id or
/// commitment), a consent, an organisation (id or name), an account (SS58) — each with
/// the explorer page that shows it.
async fn search(gw: &Gateway, query: &str) -> Result<Vec<Hit>, GatewayError> {
	let query = query.trim().trim_start_matches('#');
	if query.is_empty() || query.len() > 128 {
		return Err(GatewayError::invalid("query", "give a number, a 0x hash or an account"));
	}
	let chain = &gw.chain;
	let mut found = Vec::new();
	let mut hit = |kind: &str, label: String, href: String| {
		found.push(Hit { kind: kind.into(), label, href });
	};
	if let Ok(number) = query.parse::<u64>() {
		if chain.block_hash(number).await?.is_some() {
			hit("block", format!("block {number}"), format!("#/block/{number}"));
		}
		let doc: Option<Document<Runtime>> = chain.api().document(number).await?;
		if doc.is_some() {
			hit("document", format!("document {number}"), format!("#/document/{number}"));
		}
		let consent: Option<Consent<Runtime>> = chain.api().consent(number).await?;
		if consent.is_some() {
			hit("consent", format!("consent {number}"), format!("#/consent/{number}"));
		}
	}
	let orgs: Vec<(OrgId, pallet_consortium::OrganisationOf<Runtime>)> =
		chain.api().organisations().await?;
	for (id, org) in &orgs {
		let name = String::from_utf8_lossy(&org.name).into_owned();
		let by_id = query.parse::<OrgId>() == Ok(*id);
		if by_id || name.to_lowercase().contains(&query.to_lowercase()) {
			hit("organisation", name, format!("#/organisation/{id}"));
		}
	}
	if let Ok(hash) = parse_hash("query", query) {
		if chain.block(hash).await?.is_some() {
			hit("block", format!("block {hash:?}"), format!("#/block/{hash:?}"));
		}
		let by_commitment: Option<DocId> = chain.api().document_by_commitment(hash.0).await?;
		if let Some(id) = by_commitment {
			hit(
				"document",
				format!("document {id} (by its commitment)"),
				format!("#/document/{id}"),
			);
		}
	}
	if let Ok(account) = AccountId32::from_ss58check(query) {
		let member: Option<pallet_consortium::Member<u32>> = chain.api().member(&account).await?;
		let address = Account::from(&account).to_string();
		match member.map(|m| m.role) {
			Some(pallet_consortium::Role::Patient) => {
				hit("patient", format!("patient {address}"), format!("#/patient/{address}"))
			}
			Some(role) => hit(
				"account",
				format!("{} {address}", role_word(&role)),
				format!("#/account/{address}"),
			),
			None => hit(
				"account",
				format!("account {address} (not a member)"),
				format!("#/account/{address}"),
			),
		}
	}
	Ok(found)
}

#[cfg(test)]
mod tests {
	use super::*;

	fn hospital(org: OrgId, keys: Option<([u8; 32], [u8; 32])>) -> HospitalValidator {
		HospitalValidator {
			org,
			name: format!("H{org}"),
			status: Status::Active,
			account: AccountId32::new([org as u8; 32]),
			keys,
		}
	}

	#[test]
	fn authorities_no_hospital_claims_are_listed_with_what_they_did() {
		let hospitals = [hospital(1, Some(([1; 32], [11; 32]))), hospital(2, None)];
		let authored = HashMap::from([([1; 32], (3, 40)), ([9; 32], (2, 41))]);
		let unclaimed = unclaimed_authorities(
			&hospitals,
			&[[1; 32], [9; 32]],
			&[[11; 32], [19; 32], [29; 32]],
			&authored,
			&[[11; 32], [19; 32]],
		);
		assert_eq!(
			unclaimed,
			[
				UnclaimedAuthority::Authoring { key: Hex32([9; 32]), blocks_authored: 2 },
				UnclaimedAuthority::Finality { key: Hex32([19; 32]), voting: true },
				UnclaimedAuthority::Finality { key: Hex32([29; 32]), voting: false },
			]
		);
	}
}
