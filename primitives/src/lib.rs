//! # MedLedger primitives
//!
//! The vocabulary every part of MedLedger shares, with no dependency on a node or on FRAME,
//! so the same definitions (and the same bytes, since everything here is SCALE-encoded the
//! way the runtime stores it) serve the pallets, the gateway, the patient's offline verifier
//! and the explorer compiled to Wasm.
//!
//! - Identifiers: [`OrgId`], [`DocId`], [`ConsentId`], and time as [`Moment`].
//! - Consent vocabulary: [`Purpose`] and [`Action`].
//! - [`commitment`]: the salted commitment a document anchor holds, `H(domain ‖ issuer ‖ salt ‖ plaintext)`.
//!   A bare hash of the file would let anyone who guesses a document (a standard form, a
//!   common result) confirm the guess from the chain; the 32-byte random salt, known only to
//!   holders of the document's key, prevents that.
//! - [`validate_cid`]: which IPFS content identifiers an anchor may name.
//! - [`audit`]: audit entries and the per-patient hash chain that makes a trail
//!   tamper-evident and omission-evident, with [`audit::verify_trail`].
//! - [`merkle`]: the Merkle tree of a batch of anchors (RFC 6962's, over BLAKE2b-256) and
//!   the inclusion paths that prove one document of a batch.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub mod audit;
pub mod merkle;

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

/// Identifies an organisation (hospital). Assigned in order of admission, starting at 1.
pub type OrgId = u32;

/// Identifies an anchored document version. Assigned in order of anchoring, starting at 1.
pub type DocId = u64;

/// Identifies a consent (a request, and the grant it may become). Starting at 1.
pub type ConsentId = u64;

/// The most items one page of a list holds — the runtime APIs' lists of documents,
/// consents and audit entries, and the gateway's list methods — so no query walks an
/// unbounded index.
pub const MAX_PAGE: u32 = 1_000;

/// Milliseconds since the Unix epoch, as the chain's timestamp gives it.
pub type Moment = u64;

/// A 32-byte hash (BLAKE2b-256 throughout).
pub type Hash = [u8; 32];

/// Length of a commitment's salt, in bytes.
pub const SALT_LEN: usize = 32;

/// Why data is used; the purposes of ABDM's consent artefact.
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
pub enum Purpose {
	/// Care management: treatment of the patient (ABDM `CAREMGT`).
	Treatment,
	/// Payment for care, e.g. an insurer (`HPAYMT`).
	Payment,
	/// Research (`DSRCH`).
	Research,
	/// Public health (`PUBHLTH`).
	PublicHealth,
	/// At the patient's own request, e.g. a second opinion (`PATRQT`).
	PatientRequest,
	/// Emergency access, "break the glass" (`BTG`).
	Emergency,
}

/// What a consent lets its grantee do with a document.
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
pub enum Action {
	/// Read the document (receive its data key).
	Read,
	/// Write: anchor a new version of the document (amend it).
	Write,
}

/// The commitment an anchor of hospital `issuer` holds for a document:
/// BLAKE2b-256 of `"medledger/commitment/v2" ‖ issuer (u32, little-endian) ‖ salt ‖ plaintext`.
///
/// The issuer is inside so that the commitment names who anchored it: another hospital that
/// copies it from the transaction pool and anchors it first under its own name gets a record
/// that no file matches, and cannot pass a document it never had as its own.
pub fn commitment(issuer: OrgId, salt: &[u8; SALT_LEN], plaintext: &[u8]) -> Hash {
	let mut state = blake2b_256();
	state.update(COMMITMENT_DOMAIN);
	state.update(&issuer.to_le_bytes());
	state.update(salt);
	state.update(plaintext);
	finish(state)
}

/// Domain of [`commitment`] (version 1 had none, and no issuer).
const COMMITMENT_DOMAIN: &[u8] = b"medledger/commitment/v2";

/// The commitment of `salt` and `plaintext` by the rule `anchored` was made by, in a record
/// of hospital `issuer`: [`commitment`], or — for documents anchored before issuers were
/// bound — `BLAKE2b-256(salt ‖ plaintext)`. Equal to `anchored` exactly when the file and
/// salt are the anchored ones; a version-1 record names its issuer on the chain's word
/// alone (a hospital copying one from the chain could claim it).
///
/// The old rule never takes a salt that begins with [`commitment`]'s domain: else whoever
/// can read a new document could present its bound input, cut differently (domain, issuer
/// and the salt's first bytes as "salt", the rest as "file"), as an old-rule match for a
/// record of its own.
pub fn recompute(anchored: &Hash, issuer: OrgId, salt: &[u8; SALT_LEN], plaintext: &[u8]) -> Hash {
	let bound = commitment(issuer, salt, plaintext);
	if bound == *anchored || salt.starts_with(COMMITMENT_DOMAIN) {
		return bound;
	}
	let mut state = blake2b_256();
	state.update(salt);
	state.update(plaintext);
	match finish(state) {
		unbound if unbound == *anchored => unbound,
		_ => bound,
	}
}

/// A streaming BLAKE2b-256, for hashing large files in parts (`sp_core::hashing::blake2_256`
/// gives the same result over the concatenation).
pub fn blake2b_256() -> blake2b_simd::State {
	blake2b_simd::Params::new().hash_length(32).to_state()
}

/// The 32-byte digest of a [`blake2b_256`] state.
pub fn finish(state: blake2b_simd::State) -> Hash {
	let mut out = [0u8; 32];
	out.copy_from_slice(state.finalize().as_bytes());
	out
}

/// Why a content identifier is refused by [`validate_cid`].
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum CidError {
	/// The bytes are not a binary CID, or have bytes after it.
	Malformed,
	/// The content is neither raw bytes nor a UnixFS (dag-pb) file.
	UnsupportedCodec,
	/// The multihash is not SHA2-256 with a 32-byte digest.
	UnsupportedHash,
}

/// Multicodec code of raw bytes (a file small enough for one block).
pub const CODEC_RAW: u64 = 0x55;
/// Multicodec code of dag-pb (the root of a chunked UnixFS file).
pub const CODEC_DAG_PB: u64 = 0x70;
/// Multihash code of SHA2-256.
pub const MULTIHASH_SHA2_256: u64 = 0x12;

/// Checks that `bytes` are exactly one binary CID (v0 or v1) of a file as IPFS stores it:
/// raw or dag-pb content addressed by SHA2-256, which is what both the embedded IPFS node and
/// kubo produce. Anything else is refused, in particular the `identity` multihash, which
/// would put the content itself (possibly plaintext) on chain.
pub fn validate_cid(bytes: &[u8]) -> Result<(), CidError> {
	let cid = cid::Cid::try_from(bytes).map_err(|_| CidError::Malformed)?;
	if cid.encoded_len() != bytes.len() {
		return Err(CidError::Malformed);
	}
	if cid.codec() != CODEC_RAW && cid.codec() != CODEC_DAG_PB {
		return Err(CidError::UnsupportedCodec);
	}
	if cid.hash().code() != MULTIHASH_SHA2_256 || cid.hash().size() != 32 {
		return Err(CidError::UnsupportedHash);
	}
	Ok(())
}

#[cfg(test)]
mod tests {
	use super::*;

	/// CIDv1, raw, sha2-256 of "hello" (`ipfs add --cid-version=1 --raw-leaves`).
	const RAW_CID: &str = "01551220\
		2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";

	fn hex(s: &str) -> Vec<u8> {
		(0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
	}

	#[test]
	fn commitment_depends_on_issuer_salt_and_content() {
		let a = commitment(1, &[1; 32], b"result: negative");
		let spelled_out =
			[&b"medledger/commitment/v2"[..], &1u32.to_le_bytes(), &[1u8; 32], b"result: negative"];
		assert_eq!(a, sp_crypto_hashing::blake2_256(&spelled_out.concat()));
		assert_ne!(a, commitment(2, &[1; 32], b"result: negative"));
		assert_ne!(a, commitment(1, &[2; 32], b"result: negative"));
		assert_ne!(a, commitment(1, &[1; 32], b"result: positive"));
	}

	/// A record of hospital 2 holding hospital 1's commitment matches no file; a record
	/// anchored before issuers were bound still matches its file.
	#[test]
	fn a_commitment_matches_only_in_its_issuers_record_or_by_the_old_rule() {
		let (salt, file) = ([7; 32], &b"discharge summary"[..]);
		let h1s = commitment(1, &salt, file);
		assert_eq!(recompute(&h1s, 1, &salt, file), h1s);
		assert_ne!(recompute(&h1s, 2, &salt, file), h1s);
		let old = sp_crypto_hashing::blake2_256(&[&salt[..], file].concat());
		assert_eq!(recompute(&old, 2, &salt, file), old);
		assert_ne!(recompute(&old, 2, &salt, b"another file"), old);
	}

	/// Hospital 2, able to read hospital 1's document, re-cuts its bound input as an
	/// old-rule (salt, file) pair for a record of its own holding hospital 1's commitment:
	/// refused.
	#[test]
	fn a_bound_input_recut_is_no_old_rule_match() {
		let (salt, file) = ([7; 32], &b"discharge summary"[..]);
		let h1s = commitment(1, &salt, file);
		let input = [COMMITMENT_DOMAIN, &1u32.to_le_bytes(), &salt, file].concat();
		let (recut_salt, recut_file) = input.split_at(SALT_LEN);
		let recut_salt: [u8; SALT_LEN] = recut_salt.try_into().unwrap();
		assert_eq!(sp_crypto_hashing::blake2_256(&input), h1s, "the same bytes under the old rule");
		assert_ne!(recompute(&h1s, 2, &recut_salt, recut_file), h1s);
	}

	#[test]
	fn accepts_raw_and_dag_pb_sha256_cids() {
		let raw = hex(RAW_CID);
		assert_eq!(validate_cid(&raw), Ok(()));
		let mut dag_pb = raw.clone();
		dag_pb[1] = 0x70;
		assert_eq!(validate_cid(&dag_pb), Ok(()));
		// CIDv0: a bare sha2-256 multihash.
		assert_eq!(validate_cid(&raw[2..]), Ok(()));
	}

	#[test]
	fn refuses_other_cids() {
		let raw = hex(RAW_CID);
		assert_eq!(validate_cid(b"QmNotBinary"), Err(CidError::Malformed));
		assert_eq!(validate_cid(&raw[..20]), Err(CidError::Malformed));
		assert_eq!(validate_cid(&[&raw[..], &[0]].concat()), Err(CidError::Malformed));
		let mut dag_cbor = raw;
		dag_cbor[1] = 0x71;
		assert_eq!(validate_cid(&dag_cbor), Err(CidError::UnsupportedCodec));
		// identity multihash carrying the bytes "hi".
		assert_eq!(
			validate_cid(&[0x01, 0x55, 0x00, 0x02, b'h', b'i']),
			Err(CidError::UnsupportedHash)
		);
	}
}
