//! The tampering matrix over a synthetic chain: four authorities, a state trie holding one
//! document record, a block proving it and two headers up to the finalised block.

use super::*;
use crate::{
	finality::{DigestItem, Header, Justification, SignedPrecommit},
	record::SubmittedDocument,
};
use codec::Encode;
use ed25519_dalek::{Signer, SigningKey};
use finality_grandpa::{Message, Precommit};
use medledger_primitives::merkle;
use sp_core::Blake2Hasher;
use sp_trie::{trie_types::TrieDBMutBuilderV1, LayoutV1, TrieMut};

const DOC: u64 = 7;
const SALT: [u8; 32] = [9; 32];
const FILE: &[u8] = b"{\"resourceType\":\"DiagnosticReport\",\"status\":\"final\"}";
const GENESIS: [u8; 32] = [1; 32];
const ROUND: u64 = 42;

fn key(seed: u8) -> SigningKey {
	SigningKey::from_bytes(&[seed; 32])
}

fn trusted() -> TrustedSet {
	TrustedSet {
		format: TRUST_FORMAT.into(),
		genesis_hash: GENESIS,
		set_id: 0,
		authorities: (1..=4)
			.map(|seed| trust::Authority { id: key(seed).verifying_key().to_bytes(), weight: 1 })
			.collect(),
	}
}

fn record() -> DocumentRecord {
	DocumentRecord {
		patient: [5; 32],
		org: 1,
		author: [6; 32],
		commitment: medledger_primitives::commitment(1, &SALT, FILE),
		cid: vec![1, 0x55, 0x12, 0x20, 3, 3, 3],
		size: FILE.len() as u64,
		media_type: b"application/fhir+json".to_vec(),
		document_type: b"11502-2".to_vec(),
		created_at: 1_700_000_000_000,
		status: RecordStatus::Current,
		previous: None,
	}
}

/// A state trie with `record` and some other entries; its root and the read proof.
fn state(record: &DocumentRecord) -> ([u8; 32], Vec<Vec<u8>>) {
	let key = record::storage_key(DOC);
	state_of(&[(key.clone(), record.encode())], &[key])
}

/// A state trie holding `entries` and some others; its root and the proof of reading `reads`.
fn state_of(entries: &[(Vec<u8>, Vec<u8>)], reads: &[Vec<u8>]) -> ([u8; 32], Vec<Vec<u8>>) {
	let mut db = sp_trie::MemoryDB::<Blake2Hasher>::default();
	let mut root = Default::default();
	{
		let mut trie = TrieDBMutBuilderV1::<Blake2Hasher>::new(&mut db, &mut root).build();
		for (key, value) in entries {
			trie.insert(key, value).unwrap();
		}
		for other in 0..64u64 {
			trie.insert(&record::storage_key(100 + other), &[other as u8; 48]).unwrap();
		}
	}
	let recorder = sp_trie::recorder::Recorder::<Blake2Hasher>::default();
	for key in reads {
		let mut trie_recorder = recorder.as_trie_recorder(root);
		sp_trie::read_trie_value::<LayoutV1<Blake2Hasher>, _>(
			&db,
			&root,
			key,
			Some(&mut trie_recorder),
			None,
		)
		.unwrap()
		.unwrap();
	}
	(root.into(), recorder.drain_storage_proof().into_iter_nodes().collect())
}

fn header(parent: [u8; 32], number: u32, state_root: [u8; 32]) -> Header {
	Header {
		parent_hash: parent,
		number: number.into(),
		state_root,
		extrinsics_root: [0; 32],
		digest: vec![DigestItem::PreRuntime(*b"aura", number.encode())],
	}
}

fn sign(by: &SigningKey, target: &Header, set_id: u64) -> SignedPrecommit {
	let precommit = Precommit { target_hash: target.hash(), target_number: target.number() };
	let payload = (Message::<[u8; 32], u32>::Precommit(precommit.clone()), ROUND, set_id).encode();
	SignedPrecommit {
		precommit,
		signature: by.sign(&payload).to_bytes(),
		id: by.verifying_key().to_bytes(),
	}
}

fn justification(target: &Header, signers: &[u8]) -> Justification {
	justification_in_set(target, signers, 0)
}

fn justification_in_set(target: &Header, signers: &[u8], set_id: u64) -> Justification {
	Justification {
		round: ROUND,
		commit: finality_grandpa::Commit {
			target_hash: target.hash(),
			target_number: target.number(),
			precommits: signers.iter().map(|seed| sign(&key(*seed), target, set_id)).collect(),
		},
		votes_ancestries: Vec::new(),
	}
}

/// A valid bundle: the record proved at block 10, headers 11 and 12, block 12 finalised by
/// three of the four authorities (exactly the threshold).
fn bundle() -> ProofBundle {
	bundle_of(record())
}

/// A valid bundle, as [`bundle`], of another record.
fn bundle_of(record: DocumentRecord) -> ProofBundle {
	let (root, proof) = state(&record);
	let document = bundle::DocumentPart { id: DOC, record: record.encode(), salt: Some(SALT) };
	proved_at(root, proof, BUNDLE_FORMAT, document, None)
}

/// A bundle of `document` (and `batch`) whose storage proof, against `state_root`, is at
/// block 10, with headers 11 and 12, block 12 finalised by three of the four authorities.
fn proved_at(
	state_root: [u8; 32],
	storage_proof: Vec<Vec<u8>>,
	format: &str,
	document: bundle::DocumentPart,
	batch: Option<bundle::BatchPart>,
) -> ProofBundle {
	let block = header([3; 32], 10, state_root);
	let h11 = header(block.hash(), 11, [0; 32]);
	let h12 = header(h11.hash(), 12, [0; 32]);
	ProofBundle {
		format: format.into(),
		genesis_hash: GENESIS,
		document,
		batch,
		block: bundle::BlockPart { number: 10, hash: block.hash(), header: block.encode() },
		storage_proof,
		headers: vec![h11.encode(), h12.encode()],
		finality: bundle::FinalityPart {
			set_id: 0,
			justification: justification(&h12, &[1, 2, 3]).encode(),
		},
	}
}

fn with_justification(edit: impl FnOnce(&mut Justification)) -> ProofBundle {
	let mut b = bundle();
	let mut j = Justification::decode(&mut &b.finality.justification[..]).unwrap();
	edit(&mut j);
	b.finality.justification = j.encode();
	b
}

fn check(b: &ProofBundle, file: &[u8]) -> Result<Verified, Failure> {
	verify(b, &trusted(), Some(file))
}

#[test]
fn a_valid_bundle_and_file_verify() {
	let verified = check(&bundle(), FILE).unwrap();
	assert_eq!((verified.record, verified.batch), (record(), None));
	assert_eq!(verified.block.1, 10);
	assert_eq!(verified.finalised.1, 12);
	assert!(verified.file_matches);
	// Through the file format too.
	let reread = ProofBundle::from_json(&bundle().to_json()).unwrap();
	assert_eq!(reread, bundle());
	// Without a file, the anchor alone verifies.
	assert!(!verify(&bundle(), &trusted(), None).unwrap().file_matches);
}

#[test]
fn an_altered_file_or_wrong_salt_is_refused() {
	let mut altered = FILE.to_vec();
	altered[3] ^= 1;
	assert_eq!(check(&bundle(), &altered), Err(Failure::CommitmentMismatch(DOC)));
	let mut b = bundle();
	b.document.salt = Some([8; 32]);
	assert_eq!(check(&b, FILE), Err(Failure::CommitmentMismatch(DOC)));
	b.document.salt = None;
	assert_eq!(check(&b, FILE), Err(Failure::SaltMissing));
}

/// Hospital 2 copied hospital 1's commitment from the transaction pool and anchored it
/// first: its record is proved on chain, but the document does not verify as its own.
#[test]
fn a_squatters_record_of_a_copied_commitment_matches_no_file() {
	let squatted = DocumentRecord { org: 2, ..record() };
	assert_eq!(check(&bundle_of(squatted), FILE), Err(Failure::CommitmentMismatch(DOC)));
}

/// A record anchored before commitments named their issuer (`BLAKE2b-256(salt ‖ file)`)
/// still verifies with its file, and only with it.
#[test]
fn a_record_from_before_issuers_were_bound_still_verifies() {
	let commitment = sp_crypto_hashing::blake2_256(&[&SALT[..], FILE].concat());
	let old = bundle_of(DocumentRecord { commitment, ..record() });
	assert!(check(&old, FILE).unwrap().file_matches);
	assert_eq!(check(&old, b"another file"), Err(Failure::CommitmentMismatch(DOC)));
}

#[test]
fn an_altered_record_field_is_refused() {
	let mut b = bundle();
	let mut altered = record();
	altered.org = 2;
	b.document.record = altered.encode();
	assert_eq!(check(&b, FILE), Err(Failure::RecordMismatch(DOC)));
}

#[test]
fn an_altered_trie_node_is_refused() {
	for node in 0..bundle().storage_proof.len() {
		let mut b = bundle();
		let last = b.storage_proof[node].len() - 1;
		b.storage_proof[node][last] ^= 1;
		assert_eq!(check(&b, FILE), Err(Failure::StorageProofInvalid { block: 10 }), "node {node}");
	}
	let mut b = bundle();
	b.storage_proof.pop();
	assert_eq!(check(&b, FILE), Err(Failure::StorageProofInvalid { block: 10 }));
}

#[test]
fn a_header_of_another_block_is_refused() {
	let mut b = bundle();
	let other = b.headers[0].clone();
	b.block.header = other;
	assert!(matches!(check(&b, FILE), Err(Failure::HeaderMismatch { number: 11, .. })));
}

#[test]
fn a_broken_header_chain_is_refused() {
	let mut b = bundle();
	let mut h11 = finality::decode_header(&b.headers[0]).unwrap();
	h11.parent_hash[0] ^= 1;
	b.headers[0] = h11.encode();
	assert_eq!(check(&b, FILE), Err(Failure::HeaderChainBroken { after: 10 }));
	// Dropping the last header leaves the chain short of the finalised block.
	let mut b = bundle();
	b.headers.pop();
	assert!(matches!(
		check(&b, FILE),
		Err(Failure::NotFinalised { number: 11, finalised_number: 12, .. })
	));
}

#[test]
fn a_removed_signature_or_too_few_signatures_are_refused() {
	let removed = with_justification(|j| {
		j.commit.precommits.pop();
	});
	let too_few = |signed| Err(Failure::TooFewSignatures { signed, needed: 3, total: 4 });
	assert_eq!(check(&removed, FILE), too_few(2));
	let b = bundle();
	let h12 = finality::decode_header(&b.headers[1]).unwrap();
	let one = with_justification(|j| *j = justification(&h12, &[4]));
	assert_eq!(check(&one, FILE), too_few(1));
}

#[test]
fn a_forged_signature_is_refused() {
	let forged = with_justification(|j| j.commit.precommits[1].signature[10] ^= 1);
	let by = key(2).verifying_key().to_bytes();
	assert_eq!(check(&forged, FILE), Err(Failure::BadSignature { authority: by }));
	// A signature made for another round does not count either.
	let replayed = with_justification(|j| j.round += 1);
	assert!(matches!(check(&replayed, FILE), Err(Failure::BadSignature { .. })));
}

#[test]
fn a_duplicated_signature_is_refused() {
	// Three signatures, two of them the same authority's: not a supermajority of four, and
	// named as the duplicate it is.
	let duplicated = with_justification(|j| {
		let first = j.commit.precommits[0].clone();
		j.commit.precommits[2] = first;
	});
	let by = key(1).verifying_key().to_bytes();
	assert_eq!(check(&duplicated, FILE), Err(Failure::DuplicateSignature { authority: by }));
}

#[test]
fn an_authority_outside_the_trusted_set_is_refused() {
	let b = bundle();
	let h12 = finality::decode_header(&b.headers[1]).unwrap();
	let outsider = with_justification(|j| *j = justification(&h12, &[1, 2, 9]));
	let by = key(9).verifying_key().to_bytes();
	assert_eq!(check(&outsider, FILE), Err(Failure::AuthorityOutsideSet { authority: by }));
}

#[test]
fn another_chain_or_authority_set_is_refused() {
	let mut b = bundle();
	b.genesis_hash = [2; 32];
	assert!(matches!(check(&b, FILE), Err(Failure::WrongChain { .. })));
	let mut b = bundle();
	b.finality.set_id = 1;
	assert_eq!(check(&b, FILE), Err(Failure::WrongAuthoritySet { bundle: 1, trusted: 0 }));
}

#[test]
fn unused_vote_ancestries_are_refused() {
	let extra = with_justification(|j| j.votes_ancestries.push(header([4; 32], 99, [0; 32])));
	assert!(matches!(check(&extra, FILE), Err(Failure::CommitInvalid(_))));
}

#[test]
fn failures_have_distinct_documented_exit_codes() {
	assert_eq!(Failure::Malformed(String::new()).exit_code(), 3);
	assert_eq!(Failure::SaltMissing.exit_code(), 8);
	assert_eq!(Failure::RecordMismatch(1).exit_code(), 7);
	assert_eq!(Failure::HeaderChainBroken { after: 1 }.exit_code(), 6);
}

#[test]
fn the_trust_file_roundtrips_and_a_raw_chain_spec_gives_its_authorities() {
	let json = serde_json::to_string(&trusted()).unwrap();
	assert_eq!(TrustedSet::from_json(&json).unwrap(), trusted());
	let spec = include_str!("../../chain-spec/local-raw.json");
	let set = TrustedSet::from_json(spec).unwrap();
	assert_eq!(set.set_id, 0);
	assert_eq!(set.authorities.len(), 4);
	assert!(set.authorities.iter().all(|a| a.weight == 1));
	assert!(matches!(TrustedSet::from_json("{}"), Err(Failure::Malformed(_))));
}

/// The bundle's parts as a state proof (the same block, nodes, headers and finality).
fn state_proof() -> StateProof {
	let b = bundle();
	StateProof {
		format: STATE_FORMAT.into(),
		genesis_hash: b.genesis_hash,
		block: b.block,
		storage_proof: b.storage_proof,
		headers: b.headers,
		finality: b.finality,
	}
}

#[test]
fn a_state_proof_reads_its_keys_and_refuses_keys_it_does_not_reach() {
	let proven = verify_state(&state_proof(), &trusted()).unwrap();
	assert_eq!(proven.block.1, 10);
	assert_eq!(proven.finalised.1, 12);
	assert_eq!(proven.read(&record::storage_key(DOC)).unwrap(), Some(record().encode()));
	// Document 100 is in the trie but its path is not in the proof: an error, not "absent".
	assert_eq!(
		proven.read(&record::storage_key(100)),
		Err(Failure::StorageProofInvalid { block: 10 })
	);
}

#[test]
fn a_state_proof_with_an_altered_value_or_finality_is_refused() {
	let mut altered = state_proof();
	let node = altered.storage_proof.iter_mut().find(|n| n.len() > 40).unwrap();
	let last = node.len() - 1;
	node[last] ^= 1;
	let read = verify_state(&altered, &trusted())
		.and_then(|proven| proven.read(&record::storage_key(DOC)));
	assert_eq!(read, Err(Failure::StorageProofInvalid { block: 10 }));

	let mut unsigned = state_proof();
	unsigned.finality.justification = with_justification(|j| {
		j.commit.precommits.pop();
	})
	.finality
	.justification;
	assert!(matches!(verify_state(&unsigned, &trusted()), Err(Failure::TooFewSignatures { .. })));

	let mut other = state_proof();
	other.format = BUNDLE_FORMAT.into();
	assert!(matches!(verify_state(&other, &trusted()), Err(Failure::Malformed(_))));
}

/// GRANDPA's digest log scheduling `seeds`' keys (weight 1 each) after `delay` blocks, as
/// `sp_consensus_grandpa::ConsensusLog::ScheduledChange` encodes (index 1); `forced` is
/// `ForcedChange` (index 2).
fn scheduling(seeds: &[u8], forced: bool) -> Vec<u8> {
	let next: Vec<([u8; 32], u64)> =
		seeds.iter().map(|s| (key(*s).verifying_key().to_bytes(), 1)).collect();
	match forced {
		false => (1u8, next, 0u32).encode(),
		true => (2u8, 0u32, next, 0u32).encode(),
	}
}

/// Block 20 schedules (with no delay) the handover from set 0 (seeds 1–4) to `next`,
/// justified by `signers` voting in set `set_id`.
fn set_change(log: Option<Vec<u8>>, signers: &[u8], set_id: u64) -> SetChange {
	let mut block = header([4; 32], 20, [0; 32]);
	block.digest.extend(log.map(|log| DigestItem::Consensus(*b"FRNK", log)));
	SetChange {
		headers: vec![block.encode()],
		justification: justification_in_set(&block, signers, set_id).encode(),
	}
}

#[test]
fn a_set_change_signed_by_the_trusted_set_advances_it() {
	let change = set_change(Some(scheduling(&[5, 6, 7], false)), &[1, 2, 3], 0);
	let next = advance(&trusted(), &change).unwrap();
	assert_eq!(next.set_id, 1);
	assert_eq!(next.genesis_hash, GENESIS);
	let ids: Vec<_> = next.authorities.iter().map(|a| a.id).collect();
	assert_eq!(ids, [5, 6, 7].map(|s| key(s).verifying_key().to_bytes()));

	// A bundle the new set signs verifies with the advanced trust, not with the original.
	let mut b = bundle();
	let finalised = finality::decode_header(b.headers.last().unwrap()).unwrap();
	b.finality = bundle::FinalityPart {
		set_id: 1,
		justification: justification_in_set(&finalised, &[5, 6, 7], 1).encode(),
	};
	assert!(verify(&b, &next, Some(FILE)).is_ok());
	assert!(matches!(
		verify(&b, &trusted(), Some(FILE)),
		Err(Failure::WrongAuthoritySet { bundle: 1, trusted: 0 })
	));
}

#[test]
fn a_forged_set_change_is_refused() {
	let next = Some(scheduling(&[5, 6, 7], false));
	// Signed by the keys it hands over to, not by the trusted set.
	let by_itself = set_change(next.clone(), &[5, 6, 7], 0);
	assert!(matches!(advance(&trusted(), &by_itself), Err(Failure::AuthorityOutsideSet { .. })));
	// Too few of the trusted set.
	let too_few = set_change(next.clone(), &[1, 2], 0);
	assert!(matches!(advance(&trusted(), &too_few), Err(Failure::TooFewSignatures { .. })));
	// The next authorities swapped after the trusted set signed the header.
	let mut swapped = set_change(next.clone(), &[1, 2, 3], 0);
	let mut header = finality::decode_header(&swapped.headers[0]).unwrap();
	header.digest = vec![DigestItem::Consensus(*b"FRNK", scheduling(&[8, 9, 10], false))];
	swapped.headers[0] = header.encode();
	assert!(matches!(advance(&trusted(), &swapped), Err(Failure::NotFinalised { .. })));
	// A header that schedules nothing, and a forced change.
	let nothing = set_change(None, &[1, 2, 3], 0);
	assert!(matches!(advance(&trusted(), &nothing), Err(Failure::SetChangeInvalid(_))));
	let forced = set_change(Some(scheduling(&[5, 6, 7], true)), &[1, 2, 3], 0);
	assert!(matches!(advance(&trusted(), &forced), Err(Failure::SetChangeInvalid(_))));
	// Signed in another set's round.
	let other_set = set_change(next, &[1, 2, 3], 1);
	assert!(matches!(advance(&trusted(), &other_set), Err(Failure::BadSignature { .. })));
}

/// Document `DOC` as the third of five documents that hospital 1 anchored under one root
/// (batch 3, ids 5 to 9): its leaves, and the document's entry on chain.
fn batch_leaves() -> Vec<Vec<u8>> {
	(5..10u64)
		.map(|id| {
			let r = record();
			let mine = id == DOC;
			let document = SubmittedDocument {
				patient: if mine { r.patient } else { [id as u8; 32] },
				commitment: if mine { r.commitment } else { [id as u8; 32] },
				cid: r.cid,
				size: r.size,
				media_type: r.media_type,
				document_type: r.document_type,
			};
			(id, 1u32, document).encode()
		})
		.collect()
}

fn batch_record() -> BatchRecord {
	let hashes: Vec<_> = batch_leaves().iter().map(|l| merkle::leaf_hash(l)).collect();
	BatchRecord {
		root: merkle::root(&hashes),
		first: 5,
		count: 5,
		org: 1,
		author: record().author,
		created_at: record().created_at,
	}
}

fn entry() -> BatchedRecord {
	BatchedRecord {
		batch: 3,
		patient: record().patient,
		org: 1,
		document_type: record().document_type,
		status: RecordStatus::Current,
	}
}

/// A valid format-2 bundle of `DOC`, with `edit` made to its batch part.
fn batched_bundle(edit: impl FnOnce(&mut bundle::BatchPart)) -> ProofBundle {
	let (entry_key, batch_key) = (record::in_batch_key(DOC), record::batch_key(3));
	let (root, proof) = state_of(
		&[(entry_key.clone(), entry().encode()), (batch_key.clone(), batch_record().encode())],
		&[entry_key, batch_key],
	);
	let leaves = batch_leaves();
	let hashes: Vec<_> = leaves.iter().map(|l| merkle::leaf_hash(l)).collect();
	let mut batch = bundle::BatchPart {
		id: 3,
		record: batch_record().encode(),
		leaf: leaves[2].clone(),
		index: 2,
		path: merkle::path(&hashes, 2).unwrap(),
	};
	edit(&mut batch);
	let document = bundle::DocumentPart { id: DOC, record: entry().encode(), salt: Some(SALT) };
	proved_at(root, proof, BATCHED_BUNDLE_FORMAT, document, Some(batch))
}

#[test]
fn a_document_of_a_rooted_batch_verifies_by_its_leaf_and_path() {
	let b = batched_bundle(|_| {});
	let verified = check(&b, FILE).unwrap();
	assert_eq!((verified.record, verified.batch), (record(), Some(3)));
	assert!(verified.file_matches);
	assert_eq!(ProofBundle::from_json(&b.to_json()).unwrap(), b);
	let mut altered = FILE.to_vec();
	altered[0] ^= 1;
	assert_eq!(check(&b, &altered), Err(Failure::CommitmentMismatch(DOC)));
}

/// Each part of a batch proof altered: refused, each with the failure that names it.
#[test]
fn an_altered_leaf_path_root_or_index_is_refused_with_its_own_failure() {
	let refused = |edit: &dyn Fn(&mut bundle::BatchPart)| check(&batched_bundle(edit), FILE);
	fn with_leaf(edit: fn(&mut SubmittedDocument)) -> impl Fn(&mut bundle::BatchPart) {
		move |batch| {
			let (id, org, mut document) = Leaf::decode(&mut &batch.leaf[..]).unwrap();
			edit(&mut document);
			batch.leaf = (id, org, document).encode();
		}
	}
	let path_error = |reason| Err(Failure::BatchPathInvalid { document: DOC, reason });
	// The leaf: another patient (the chain's entry says whose it is), another file.
	assert_eq!(refused(&with_leaf(|d| d.patient = [8; 32])), Err(Failure::LeafMismatch(DOC)));
	let other_file = with_leaf(|d| d.commitment = [8; 32]);
	assert_eq!(refused(&other_file), path_error(merkle::PathError::RootMismatch));
	// The path: a hash altered, one left out.
	assert_eq!(refused(&|b| b.path[1][0] ^= 1), path_error(merkle::PathError::RootMismatch));
	assert_eq!(
		refused(&|b| {
			b.path.pop();
		}),
		path_error(merkle::PathError::WrongLength)
	);
	// The root (in the batch's record, which the chain holds).
	let other_root = |b: &mut bundle::BatchPart| {
		b.record = BatchRecord { root: [8; 32], ..batch_record() }.encode()
	};
	assert_eq!(refused(&other_root), Err(Failure::BatchRecordMismatch(3)));
	// The index, and another document's leaf at it.
	assert_eq!(
		refused(&|b| b.index = 3),
		Err(Failure::LeafIndexMismatch { document: DOC, index: 3 })
	);
	let neighbour = |b: &mut bundle::BatchPart| b.leaf = batch_leaves()[3].clone();
	assert_eq!(refused(&neighbour), Err(Failure::LeafMismatch(DOC)));
	// Another batch than the chain's entry names.
	assert_eq!(
		refused(&|b| b.id = 4),
		Err(Failure::BatchNotAnchored { batch: 4, document: DOC, block: 10 })
	);
}

/// A bundle says which kind of anchor it proves: a batch part only in format 2, always
/// there; an entry of a batch does not pass for a record of its own.
#[test]
fn the_format_names_the_kind_of_anchor() {
	let batched = batched_bundle(|_| {});
	let mut json: serde_json::Value = serde_json::from_str(&batched.to_json()).unwrap();
	json["format"] = BUNDLE_FORMAT.into();
	assert!(matches!(ProofBundle::from_json(&json.to_string()), Err(Failure::Malformed(_))));
	json["format"] = BATCHED_BUNDLE_FORMAT.into();
	json.as_object_mut().unwrap().remove("batch");
	assert!(matches!(ProofBundle::from_json(&json.to_string()), Err(Failure::Malformed(_))));
	let as_record = ProofBundle { format: BUNDLE_FORMAT.into(), batch: None, ..batched };
	let refused = check(&as_record, FILE);
	assert!(
		matches!(refused, Err(Failure::StorageProofInvalid { .. } | Failure::NotAnchored { .. })),
		"{refused:?}"
	);
}
