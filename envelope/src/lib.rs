//! # MedLedger envelopes
//!
//! How a medical file is kept confidential on IPFS while everyone who may read it can open it
//! and prove it is the anchored one.
//!
//! ## Model
//!
//! - Each document gets a fresh random 256-bit **data key** and a fresh random 32-byte
//!   **salt**. The chain anchors the commitment of the issuing hospital, the salt and the
//!   file ([`medledger_primitives::commitment`]); a bare hash would let anyone confirm a
//!   guessed file, the salt does not.
//! - The **envelope** is what IPFS stores: a header listing key wraps, then AES-256-GCM over
//!   `salt ‖ file` under the data key, with the header as associated data. So the salt travels
//!   encrypted with the file: whoever can open the envelope can rebuild the commitment and a
//!   proof, and nobody else learns it. A changed byte anywhere — header or body — makes
//!   [`open`] fail with [`EnvelopeError::Tampered`].
//! - A **key wrap** gives the data key to one member: an ephemeral X25519 key agreement with
//!   the member's registered encryption key, HKDF-SHA256 to a key-encryption key, AES-256-GCM
//!   over the data key ([`wrap`], [`unwrap`]). The envelope carries the wraps made at upload
//!   (the patient's and the issuing hospital's); wraps for grantee hospitals live on chain
//!   (`pallet-consent`'s `KeyWraps`), in the same format, [`WRAP_LEN`] bytes each.
//!
//! ## Formats (version 1)
//!
//! ```text
//! envelope = "MLEV" | 0x01 | n: u8 | n × (recipient X25519 public key [32] | wrap [93])
//!            | nonce [12] | AES-256-GCM(data key, nonce, aad = all bytes before the nonce,
//!                                       salt [32] | file) incl. tag [16]
//! wrap     = 0x01 | ephemeral X25519 public key [32] | nonce [12]
//!            | AES-256-GCM(kek, nonce, aad = recipient public key, data key [32]) incl. tag [16]
//! kek      = HKDF-SHA256(salt = ephemeral public ‖ recipient public,
//!                        ikm = X25519(ephemeral secret, recipient public),
//!                        info = "medledger/key-wrap/v1")
//! ```
//!
//! AES-256-GCM (RustCrypto `aes-gcm`) rather than XChaCha20-Poly1305: every key here is
//! fresh and used for one message, so 96-bit random nonces are safe, and the hospitals'
//! servers have AES-NI, which makes it the faster of the two for large files.

pub mod at_rest;

use aes_gcm::{
	aead::{Aead, AeadInPlace, KeyInit, Payload},
	Aes256Gcm, Nonce,
};
use hkdf::Hkdf;
use medledger_primitives::{commitment, recompute, Hash, OrgId, SALT_LEN};
use rand_core::{OsRng, RngCore};
use sha2::Sha256;
use zeroize::{Zeroize, ZeroizeOnDrop};

pub use x25519_dalek::{PublicKey, StaticSecret};

/// Magic bytes that start every envelope.
pub const MAGIC: &[u8; 4] = b"MLEV";
/// The envelope and wrap format version this crate writes and reads.
pub const VERSION: u8 = 1;
/// Length of a key wrap in bytes.
pub const WRAP_LEN: usize = 1 + 32 + NONCE_LEN + KEY_LEN + TAG_LEN;
/// At most this many wraps in an envelope header (the count is one byte).
pub const MAX_RECIPIENTS: usize = u8::MAX as usize;

const KEY_LEN: usize = 32;
const NONCE_LEN: usize = 12;
const TAG_LEN: usize = 16;
const WRAP_INFO: &[u8] = b"medledger/key-wrap/v1";
const RECIPIENT_LEN: usize = 32 + WRAP_LEN;

/// The longest envelope of a file of `file_len` bytes (with the most recipients a header
/// holds): what a reader fetching an envelope of an anchored size need accept, and no more.
pub fn max_envelope_len(file_len: u64) -> u64 {
	let header = MAGIC.len() + 2 + MAX_RECIPIENTS * RECIPIENT_LEN;
	file_len.saturating_add((header + NONCE_LEN + SALT_LEN + TAG_LEN) as u64)
}

/// Why an envelope or a wrap could not be made or opened. Never carries key material.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EnvelopeError {
	/// The bytes are not a MedLedger envelope (wrong magic or cut short).
	#[error("not a MedLedger envelope: {0}")]
	Malformed(&'static str),
	/// The envelope or wrap was written by a format version this build does not read.
	#[error("unsupported envelope format version {0}")]
	UnsupportedVersion(u8),
	/// Authentication failed: the ciphertext or its header was altered (or the key is wrong).
	#[error("the envelope was altered: its authentication tag does not match")]
	Tampered,
	/// The envelope carries no wrap for this key.
	#[error("the envelope has no key wrap for this encryption key")]
	NoWrapForKey,
	/// The wrap could not be opened with this key: altered, or made for another key.
	#[error("the key wrap does not open with this encryption key (altered or not ours)")]
	WrapRejected,
	/// A recipient's public key is a low-order point: no shared secret can come from it.
	#[error("a recipient's encryption key is not a usable X25519 public key")]
	WeakRecipientKey,
	/// More recipients than an envelope header holds.
	#[error("at most {MAX_RECIPIENTS} recipients per envelope")]
	TooManyRecipients,
}

/// A document's data key. Zeroed on drop; never printed.
#[derive(Clone, Zeroize, ZeroizeOnDrop, PartialEq, Eq)]
pub struct DataKey([u8; KEY_LEN]);

impl DataKey {
	/// A fresh random key from the operating system's generator.
	pub fn generate() -> Self {
		let mut key = [0u8; KEY_LEN];
		OsRng.fill_bytes(&mut key);
		DataKey(key)
	}

	fn cipher(&self) -> Aes256Gcm {
		Aes256Gcm::new((&self.0).into())
	}
}

impl core::fmt::Debug for DataKey {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		f.write_str("DataKey(..)")
	}
}

/// A sealed document: the envelope bytes for IPFS and what the chain anchors.
#[derive(Debug)]
pub struct Sealed {
	/// The envelope, ready to store.
	pub envelope: Vec<u8>,
	/// The commitment of the issuing hospital, the salt and the file.
	pub commitment: Hash,
	/// The data key, for wraps made later (grantees).
	pub key: DataKey,
}

/// An opened envelope.
pub struct Opened {
	/// The salt of the document's commitment.
	pub salt: [u8; SALT_LEN],
	/// The file.
	pub plaintext: Vec<u8>,
}

impl core::fmt::Debug for Opened {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		f.debug_struct("Opened").field("len", &self.plaintext.len()).finish_non_exhaustive()
	}
}

impl Opened {
	/// Whether this is the document a record of hospital `issuer` holding commitment
	/// `anchored` anchors ([`medledger_primitives::recompute`]).
	pub fn is_anchored_as(&self, anchored: &Hash, issuer: OrgId) -> bool {
		recompute(anchored, issuer, &self.salt, &self.plaintext) == *anchored
	}
}

/// Encrypts `file`, issued by hospital `issuer`, under a fresh data key and salt, wrapping
/// the key for each recipient.
pub fn seal(issuer: OrgId, file: &[u8], recipients: &[PublicKey]) -> Result<Sealed, EnvelopeError> {
	if recipients.len() > MAX_RECIPIENTS {
		return Err(EnvelopeError::TooManyRecipients);
	}
	let key = DataKey::generate();
	let mut salt = [0u8; SALT_LEN];
	OsRng.fill_bytes(&mut salt);

	let header_len = MAGIC.len() + 2 + recipients.len() * RECIPIENT_LEN;
	let mut envelope = Vec::with_capacity(header_len + NONCE_LEN + SALT_LEN + file.len() + TAG_LEN);
	envelope.extend_from_slice(MAGIC);
	envelope.push(VERSION);
	envelope.push(recipients.len() as u8);
	for recipient in recipients {
		envelope.extend_from_slice(recipient.as_bytes());
		envelope.extend_from_slice(&wrap(&key, recipient)?);
	}
	let nonce = random_nonce();
	envelope.extend_from_slice(&nonce);
	let body_start = envelope.len();
	envelope.extend_from_slice(&salt);
	envelope.extend_from_slice(file);

	let (aad, body) = envelope.split_at_mut(body_start);
	let tag = key
		.cipher()
		.encrypt_in_place_detached(Nonce::from_slice(&nonce), &aad[..header_len], body)
		// Only fails for inputs beyond AES-GCM's 64 GiB limit, which callers' size caps exclude.
		.map_err(|_| EnvelopeError::Malformed("file too large for one envelope"))?;
	envelope.extend_from_slice(&tag);
	let commitment = commitment(issuer, &salt, file);
	salt.zeroize();
	Ok(Sealed { envelope, commitment, key })
}

/// The recipients' public keys and wraps listed in an envelope's header.
pub fn recipients(envelope: &[u8]) -> Result<Vec<(PublicKey, [u8; WRAP_LEN])>, EnvelopeError> {
	let header = Header::parse(envelope)?;
	Ok(header.recipients().collect())
}

/// Recovers the data key from the envelope's own wrap for `secret`'s public key.
pub fn unwrap_own(envelope: &[u8], secret: &StaticSecret) -> Result<DataKey, EnvelopeError> {
	let public = PublicKey::from(secret);
	let header = Header::parse(envelope)?;
	let (_, wrapped) = header
		.recipients()
		.find(|(recipient, _)| recipient == &public)
		.ok_or(EnvelopeError::NoWrapForKey)?;
	unwrap(&wrapped, secret)
}

/// Decrypts an envelope with its data key.
pub fn open(envelope: &[u8], key: &DataKey) -> Result<Opened, EnvelopeError> {
	let header = Header::parse(envelope)?;
	let nonce_end = header.len + NONCE_LEN;
	if envelope.len() < nonce_end + SALT_LEN + TAG_LEN {
		return Err(EnvelopeError::Malformed("cut short"));
	}
	let nonce = Nonce::from_slice(&envelope[header.len..nonce_end]);
	let mut body = key
		.cipher()
		.decrypt(nonce, Payload { msg: &envelope[nonce_end..], aad: &envelope[..header.len] })
		.map_err(|_| EnvelopeError::Tampered)?;
	let mut salt = [0u8; SALT_LEN];
	salt.copy_from_slice(&body[..SALT_LEN]);
	body.drain(..SALT_LEN);
	Ok(Opened { salt, plaintext: body })
}

/// Wraps `key` for the holder of `recipient`'s secret.
pub fn wrap(key: &DataKey, recipient: &PublicKey) -> Result<[u8; WRAP_LEN], EnvelopeError> {
	let ephemeral = StaticSecret::random_from_rng(OsRng);
	let ephemeral_public = PublicKey::from(&ephemeral);
	let kek = key_encryption_key(&ephemeral, recipient, &ephemeral_public, recipient)
		.ok_or(EnvelopeError::WeakRecipientKey)?;
	let nonce = random_nonce();
	let sealed = kek
		.cipher()
		.encrypt(Nonce::from_slice(&nonce), Payload { msg: &key.0, aad: recipient.as_bytes() })
		.map_err(|_| EnvelopeError::Malformed("key wrap"))?;
	let mut out = [0u8; WRAP_LEN];
	out[0] = VERSION;
	out[1..33].copy_from_slice(ephemeral_public.as_bytes());
	out[33..33 + NONCE_LEN].copy_from_slice(&nonce);
	out[33 + NONCE_LEN..].copy_from_slice(&sealed);
	Ok(out)
}

/// Opens a wrap made for `secret`'s public key.
pub fn unwrap(wrapped: &[u8], secret: &StaticSecret) -> Result<DataKey, EnvelopeError> {
	if wrapped.len() != WRAP_LEN {
		return Err(EnvelopeError::Malformed("a key wrap has the wrong length"));
	}
	if wrapped[0] != VERSION {
		return Err(EnvelopeError::UnsupportedVersion(wrapped[0]));
	}
	let mut ephemeral_public = [0u8; 32];
	ephemeral_public.copy_from_slice(&wrapped[1..33]);
	let ephemeral_public = PublicKey::from(ephemeral_public);
	let recipient = PublicKey::from(secret);
	let kek = key_encryption_key(secret, &ephemeral_public, &ephemeral_public, &recipient)
		.ok_or(EnvelopeError::WrapRejected)?;
	let nonce = Nonce::from_slice(&wrapped[33..33 + NONCE_LEN]);
	let mut key = kek
		.cipher()
		.decrypt(nonce, Payload { msg: &wrapped[33 + NONCE_LEN..], aad: recipient.as_bytes() })
		.map_err(|_| EnvelopeError::WrapRejected)?;
	let mut out = [0u8; KEY_LEN];
	out.copy_from_slice(&key);
	key.zeroize();
	Ok(DataKey(out))
}

/// HKDF over the X25519 shared secret of (`own` secret, `their` public), bound to both
/// public keys of the wrap. `None` when the agreement is not contributory (a low-order
/// public key).
fn key_encryption_key(
	own: &StaticSecret,
	their: &PublicKey,
	ephemeral_public: &PublicKey,
	recipient: &PublicKey,
) -> Option<DataKey> {
	let shared = own.diffie_hellman(their);
	if !shared.was_contributory() {
		return None;
	}
	let mut salt = [0u8; 64];
	salt[..32].copy_from_slice(ephemeral_public.as_bytes());
	salt[32..].copy_from_slice(recipient.as_bytes());
	let mut kek = [0u8; KEY_LEN];
	Hkdf::<Sha256>::new(Some(&salt), shared.as_bytes())
		.expand(WRAP_INFO, &mut kek)
		.expect("32 bytes is a valid HKDF-SHA256 output length");
	Some(DataKey(kek))
}

fn random_nonce() -> [u8; NONCE_LEN] {
	let mut nonce = [0u8; NONCE_LEN];
	OsRng.fill_bytes(&mut nonce);
	nonce
}

/// The parsed header of an envelope: where its wraps are and how long it is.
struct Header<'a> {
	wraps: &'a [u8],
	len: usize,
}

impl<'a> Header<'a> {
	fn parse(envelope: &'a [u8]) -> Result<Self, EnvelopeError> {
		if envelope.len() < MAGIC.len() + 2 || &envelope[..MAGIC.len()] != MAGIC {
			return Err(EnvelopeError::Malformed("missing the MLEV magic"));
		}
		let version = envelope[MAGIC.len()];
		if version != VERSION {
			return Err(EnvelopeError::UnsupportedVersion(version));
		}
		let count = envelope[MAGIC.len() + 1] as usize;
		let start = MAGIC.len() + 2;
		let len = start + count * RECIPIENT_LEN;
		if envelope.len() < len {
			return Err(EnvelopeError::Malformed("cut short in the header"));
		}
		Ok(Header { wraps: &envelope[start..len], len })
	}

	fn recipients(&self) -> impl Iterator<Item = (PublicKey, [u8; WRAP_LEN])> + '_ {
		self.wraps.chunks_exact(RECIPIENT_LEN).map(|entry| {
			let mut public = [0u8; 32];
			public.copy_from_slice(&entry[..32]);
			let mut wrapped = [0u8; WRAP_LEN];
			wrapped.copy_from_slice(&entry[32..]);
			(PublicKey::from(public), wrapped)
		})
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	fn member() -> (StaticSecret, PublicKey) {
		let secret = StaticSecret::random_from_rng(OsRng);
		let public = PublicKey::from(&secret);
		(secret, public)
	}

	#[test]
	fn each_recipient_opens_and_rebuilds_the_commitment() {
		let (patient, patient_pub) = member();
		let (hospital, hospital_pub) = member();
		let file = b"discharge summary".repeat(1000);
		let sealed = seal(1, &file, &[patient_pub, hospital_pub]).unwrap();
		for secret in [&patient, &hospital] {
			let key = unwrap_own(&sealed.envelope, secret).unwrap();
			let opened = open(&sealed.envelope, &key).unwrap();
			assert_eq!(opened.plaintext, file);
			assert!(opened.is_anchored_as(&sealed.commitment, 1));
			// Another hospital's anchor of the same commitment is not this document's.
			assert!(!opened.is_anchored_as(&sealed.commitment, 2));
		}
	}

	#[test]
	fn a_stranger_finds_no_wrap_and_a_grantee_opens_a_later_wrap() {
		let (_, patient_pub) = member();
		let (stranger, stranger_pub) = member();
		let sealed = seal(1, b"x", &[patient_pub]).unwrap();
		assert_eq!(
			unwrap_own(&sealed.envelope, &stranger).unwrap_err(),
			EnvelopeError::NoWrapForKey
		);
		let later = wrap(&sealed.key, &stranger_pub).unwrap();
		let key = unwrap(&later, &stranger).unwrap();
		assert_eq!(open(&sealed.envelope, &key).unwrap().plaintext, b"x");
	}

	#[test]
	fn any_altered_byte_is_reported_as_tampering() {
		let (patient, patient_pub) = member();
		let sealed = seal(1, b"lab results", &[patient_pub]).unwrap();
		let key = unwrap_own(&sealed.envelope, &patient).unwrap();
		let header_len = MAGIC.len() + 2 + RECIPIENT_LEN;
		// A byte of the body, of the tag, and of the header's wrap (bound as associated data).
		for at in [header_len + NONCE_LEN + 3, sealed.envelope.len() - 1, header_len - 5] {
			let mut altered = sealed.envelope.clone();
			altered[at] ^= 1;
			assert_eq!(open(&altered, &key).unwrap_err(), EnvelopeError::Tampered, "byte {at}");
		}
	}

	#[test]
	fn wraps_refuse_the_wrong_key_and_alteration() {
		let (owner, owner_pub) = member();
		let (other, _) = member();
		let key = DataKey::generate();
		let wrapped = wrap(&key, &owner_pub).unwrap();
		assert_eq!(unwrap(&wrapped, &other).unwrap_err(), EnvelopeError::WrapRejected);
		let mut altered = wrapped;
		altered[WRAP_LEN - 1] ^= 1;
		assert_eq!(unwrap(&altered, &owner).unwrap_err(), EnvelopeError::WrapRejected);
		assert_eq!(unwrap(&wrapped, &owner).unwrap(), key);
		const { assert!(WRAP_LEN <= 128, "fits pallet-consent's wrap bound") };
	}

	#[test]
	fn malformed_input_and_weak_keys_get_their_own_errors() {
		let key = DataKey::generate();
		assert!(matches!(open(b"hello", &key), Err(EnvelopeError::Malformed(_))));
		let mut future = MAGIC.to_vec();
		future.extend_from_slice(&[2, 0]);
		assert_eq!(open(&future, &key).unwrap_err(), EnvelopeError::UnsupportedVersion(2));
		assert_eq!(
			seal(1, b"x", &[PublicKey::from([0u8; 32])]).unwrap_err(),
			EnvelopeError::WeakRecipientKey
		);
	}

	#[test]
	fn salts_differ_so_equal_files_get_different_commitments() {
		let (_, public) = member();
		let a = seal(1, b"same", &[public]).unwrap();
		let b = seal(1, b"same", &[public]).unwrap();
		assert_ne!(a.commitment, b.commitment);
	}
}
