//! Secrets at rest under a passphrase: Argon2id derives a key from the passphrase (salt and
//! cost stored beside the ciphertext) and AES-256-GCM seals the bytes. The gateway's keystore
//! and the patient's key file both use it.

use aes_gcm::{
	aead::{Aead, KeyInit},
	Aes256Gcm, Nonce,
};
use rand_core::{OsRng, RngCore};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

/// Why sealed secrets could not be opened.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AtRestError {
	/// The passphrase does not open them (or the file was altered).
	#[error("the passphrase does not open the file (or the file was altered)")]
	WrongPassphrase,
	/// The file is not sealed secrets this version reads.
	#[error("malformed sealed file: {0}")]
	Malformed(String),
}

/// How the sealing key is derived from the passphrase.
#[derive(Serialize, Deserialize, Clone, Copy, Debug)]
pub struct Kdf {
	algorithm: KdfAlgorithm,
	m_cost_kib: u32,
	t_cost: u32,
	p_cost: u32,
	#[serde(with = "hex_salt")]
	salt: [u8; 16],
}

#[derive(Serialize, Deserialize, Clone, Copy, Debug)]
#[serde(rename_all = "lowercase")]
enum KdfAlgorithm {
	Argon2id,
}

impl Kdf {
	/// Argon2id with a fresh random salt and OWASP's recommended cost (19 MiB, 2 passes).
	pub fn fresh() -> Self {
		let mut salt = [0u8; 16];
		OsRng.fill_bytes(&mut salt);
		Kdf { algorithm: KdfAlgorithm::Argon2id, m_cost_kib: 19 * 1024, t_cost: 2, p_cost: 1, salt }
	}

	/// The sealing key for `passphrase`.
	pub fn derive(&self, passphrase: &str) -> Result<Zeroizing<[u8; 32]>, AtRestError> {
		let KdfAlgorithm::Argon2id = self.algorithm;
		let params = argon2::Params::new(self.m_cost_kib, self.t_cost, self.p_cost, Some(32))
			.map_err(|e| AtRestError::Malformed(format!("argon2 parameters: {e}")))?;
		let argon =
			argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
		let mut key = Zeroizing::new([0u8; 32]);
		argon
			.hash_password_into(passphrase.as_bytes(), &self.salt, &mut *key)
			.map_err(|e| AtRestError::Malformed(format!("argon2: {e}")))?;
		Ok(key)
	}
}

/// Bytes sealed under a passphrase-derived key, as stored (JSON, hex fields).
#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct Sealed {
	/// Layout version (1).
	pub version: u32,
	/// How the key was derived.
	pub kdf: Kdf,
	nonce: String,
	ciphertext: String,
}

impl Sealed {
	/// Seals `plaintext` under `key` (derived with `kdf`), with a fresh nonce.
	pub fn seal(key: &[u8; 32], kdf: Kdf, plaintext: &[u8]) -> Self {
		let mut nonce = [0u8; 12];
		OsRng.fill_bytes(&mut nonce);
		let ciphertext = Aes256Gcm::new(key.into())
			.encrypt(Nonce::from_slice(&nonce), plaintext)
			.expect("in-memory AES-GCM encryption of a small buffer cannot fail");
		Sealed { version: 1, kdf, nonce: hex::encode(nonce), ciphertext: hex::encode(ciphertext) }
	}

	/// The plaintext, if `key` opens it.
	pub fn open(&self, key: &[u8; 32]) -> Result<Zeroizing<Vec<u8>>, AtRestError> {
		if self.version != 1 {
			return Err(AtRestError::Malformed(format!("version {}", self.version)));
		}
		let nonce = hex::decode(&self.nonce).map_err(|e| AtRestError::Malformed(e.to_string()))?;
		let ciphertext =
			hex::decode(&self.ciphertext).map_err(|e| AtRestError::Malformed(e.to_string()))?;
		if nonce.len() != 12 {
			return Err(AtRestError::Malformed("nonce length".into()));
		}
		Aes256Gcm::new(key.into())
			.decrypt(Nonce::from_slice(&nonce), ciphertext.as_slice())
			.map(Zeroizing::new)
			.map_err(|_| AtRestError::WrongPassphrase)
	}
}

mod hex_salt {
	use serde::{Deserialize, Deserializer, Serializer};

	pub(super) fn serialize<S: Serializer>(bytes: &[u8; 16], s: S) -> Result<S::Ok, S::Error> {
		s.serialize_str(&hex::encode(bytes))
	}

	pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<[u8; 16], D::Error> {
		let text = String::deserialize(d)?;
		let bytes = hex::decode(text).map_err(serde::de::Error::custom)?;
		bytes.try_into().map_err(|_| serde::de::Error::custom("expected 16 bytes"))
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn only_the_right_passphrase_opens() {
		let kdf = Kdf::fresh();
		let sealed = Sealed::seal(&kdf.derive("correct horse").unwrap(), kdf, b"secret");
		let reread: Sealed =
			serde_json::from_str(&serde_json::to_string(&sealed).unwrap()).unwrap();
		assert_eq!(
			&**reread.open(&reread.kdf.derive("correct horse").unwrap()).unwrap(),
			b"secret"
		);
		assert_eq!(
			reread.open(&reread.kdf.derive("wrong").unwrap()),
			Err(AtRestError::WrongPassphrase)
		);
	}
}
