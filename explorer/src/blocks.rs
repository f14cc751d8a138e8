//! `explorer_blocks` and `explorer_block`: blocks listed, and one block told in domain
//! language.

use crate::describe::{self, Names, Sentence};

use codec::Decode;
use frame_support::traits::GetCallMetadata;
use medledger_chain_client::Chain;
use medledger_gateway_api::{
	api::explorer::{Author, BlockDetail, BlockSummary, Blocks, Extrinsic},
	values::{rfc3339, Account, Hex32},
	GatewayError,
};
use medledger_runtime::{RuntimeCall, RuntimeEvent, UncheckedExtrinsic};
use sp_core::H256;
use sp_crypto_hashing::blake2_256;
use sp_runtime::{generic::Preamble, MultiAddress};

use crate::validators::Authors;

/// Most blocks in one `explorer_blocks` page.
const MAX_BLOCKS: u32 = 50;

/// `explorer_blocks`: the latest blocks (or those before `before`), newest first, each with
/// its time, author's hospital, signed extrinsics and domain events counted, and whether
/// it is finalised.
pub(crate) async fn blocks(
	chain: &Chain,
	before: Option<u64>,
	limit: Option<u32>,
) -> Result<Blocks, GatewayError> {
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
	let mut authors = Authors::new(chain);
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
pub(crate) async fn block(
	chain: &Chain,
	number: Option<u64>,
	hash: Option<Hex32>,
) -> Result<BlockDetail, GatewayError> {
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
	let author = Authors::new(chain).of(&header).await?.and_then(|(_, hospital)| hospital);
	let records = chain.events_at(hash).await?;
	let mut names = Names::at(chain, hash).await?;

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
			(_, RuntimeCall::Timestamp(pallet_timestamp::Call::set { now })) => {
				Sentence::default().text(format!("block time set to {}", rfc3339(*now)))
			}
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

pub(crate) fn parse_hash(field: &'static str, text: &str) -> Result<H256, GatewayError> {
	let bytes = hex::decode(text.trim_start_matches("0x"))
		.map_err(|_| GatewayError::invalid(field, "not hex"))?;
	let bytes: [u8; 32] =
		bytes.try_into().map_err(|_| GatewayError::invalid(field, "not 32 bytes"))?;
	Ok(H256(bytes))
}
