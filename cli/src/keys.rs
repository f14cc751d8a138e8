//! The patient's key file: an ed25519 signing key (their account; signs consent decisions)
//! and a separate X25519 encryption key (their documents' data keys are wrapped to it), sealed
//! together under a passphrase (`medledger_envelope::at_rest`: Argon2id + AES-256-GCM).
//!
//! The public halves are stored in the clear beside the sealed secrets, so `keys show` needs
//! no passphrase. Format `medledger-patient-key/1`, written once with mode 0600.

use anyhow::{bail, Context};
use medledger_envelope::{
	at_rest::{Kdf, Sealed},
	PublicKey, StaticSecret,
};
use serde::{Deserialize, Serialize};
use sp_core::{crypto::Ss58Codec, ed25519, Pair};
use sp_runtime::AccountId32;
use std::path::Path;
use zeroize::{Zeroize, Zeroizing};

/// Format tag of a key file.
pub const KEY_FORMAT: &str = "medledger-patient-key/1";

/// A patient's keys, opened.
pub struct PatientKeys {
	/// Signs the patient's extrinsics; its public key is the account.
	pub signing: ed25519::Pair,
	/// Opens the data keys wrapped for the patient.
	pub encryption: StaticSecret,
}

/// What the patient shows an organisation's admin to be registered: the public keys.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Identity {
	/// The account (SS58).
	pub account: String,
	/// The ed25519 public key (`0x` hex): the account's key.
	pub signing_key: String,
	/// The X25519 public key (`0x` hex) the admin registers as the encryption key.
	pub encryption_key: String,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct KeyFile {
	format: String,
	#[serde(flatten)]
	identity: Identity,
	sealed: Sealed,
}

#[derive(Serialize, Deserialize, Zeroize)]
#[zeroize(drop)]
#[serde(rename_all = "camelCase")]
struct Secrets {
	signing_seed: String,
	encryption_secret: String,
}

impl PatientKeys {
	/// Fresh random keys.
	pub fn generate() -> Self {
		let (signing, _) = ed25519::Pair::generate();
		PatientKeys { signing, encryption: StaticSecret::random_from_rng(rand::rngs::OsRng) }
	}

	/// The same account with a fresh encryption key (a key change: the signing key stays,
	/// for it is the account).
	pub fn with_new_encryption_key(&self) -> Self {
		PatientKeys {
			signing: self.signing,
			encryption: StaticSecret::random_from_rng(rand::rngs::OsRng),
		}
	}

	/// The patient's account.
	pub fn account(&self) -> AccountId32 {
		self.signing.public().0.into()
	}

	/// The public keys.
	pub fn identity(&self) -> Identity {
		Identity {
			account: self.account().to_ss58check(),
			signing_key: format!("0x{}", hex::encode(self.signing.public().0)),
			encryption_key: format!(
				"0x{}",
				hex::encode(PublicKey::from(&self.encryption).as_bytes())
			),
		}
	}

	/// The patient's proof that the encryption key is theirs, for hospital `hospital` to
	/// register on the chain with genesis hash `genesis`: their signature of their
	/// [`pallet_consortium::KeyStatement`] (SCALE `MultiSignature`).
	pub fn key_proof(&self, hospital: u32, genesis: [u8; 32]) -> sp_runtime::MultiSignature {
		let encryption_key = *PublicKey::from(&self.encryption).as_bytes();
		let statement = pallet_consortium::KeyStatement {
			account: &self.account(),
			encryption_key: &encryption_key,
			registrar: Some(hospital),
			genesis: sp_core::H256(genesis),
		};
		self.signing.sign(&statement.message()).into()
	}

	/// Writes the keys to a new file at `path`, sealed under `passphrase`; refuses to
	/// overwrite.
	pub fn save(&self, path: &Path, passphrase: &str) -> anyhow::Result<()> {
		let secrets = Secrets {
			signing_seed: hex::encode(self.signing.seed()),
			encryption_secret: hex::encode(self.encryption.to_bytes()),
		};
		let plaintext = Zeroizing::new(serde_json::to_vec(&secrets)?);
		let kdf = Kdf::fresh();
		let sealed = Sealed::seal(&*kdf.derive(passphrase)?, kdf, &plaintext);
		let file = KeyFile { format: KEY_FORMAT.into(), identity: self.identity(), sealed };
		if let Some(dir) = path.parent() {
			std::fs::create_dir_all(dir)?;
		}
		let mut options = std::fs::OpenOptions::new();
		options.write(true).create_new(true);
		#[cfg(unix)]
		std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
		let mut out = options
			.open(path)
			.with_context(|| format!("creating {} (it must not exist yet)", path.display()))?;
		std::io::Write::write_all(&mut out, serde_json::to_string_pretty(&file)?.as_bytes())?;
		out.sync_all()?;
		Ok(())
	}

	/// Opens the key file at `path` with `passphrase`.
	pub fn open(path: &Path, passphrase: &str) -> anyhow::Result<Self> {
		let file = read(path)?;
		let plaintext = file.sealed.open(&*file.sealed.kdf.derive(passphrase)?)?;
		let secrets: Secrets = serde_json::from_slice(&plaintext).context("key file contents")?;
		let seed = Zeroizing::new(secret32(&secrets.signing_seed)?);
		let keys = PatientKeys {
			signing: ed25519::Pair::from_seed(&seed),
			encryption: StaticSecret::from(*secret32(&secrets.encryption_secret)?),
		};
		if keys.identity() != file.identity {
			bail!("the key file's public keys do not match its secrets (the file was altered)");
		}
		Ok(keys)
	}
}

/// The public keys in the key file at `path` (no passphrase needed).
pub fn identity(path: &Path) -> anyhow::Result<Identity> {
	Ok(read(path)?.identity)
}

fn read(path: &Path) -> anyhow::Result<KeyFile> {
	let text = std::fs::read_to_string(path).with_context(|| {
		format!("reading {} (create keys with `medledger keys init`)", path.display())
	})?;
	let file: KeyFile = serde_json::from_str(&text).context("the key file is malformed")?;
	if file.format != KEY_FORMAT {
		bail!("the key file's format is {:?}; this version reads {KEY_FORMAT}", file.format);
	}
	Ok(file)
}

fn secret32(text: &str) -> anyhow::Result<Zeroizing<[u8; 32]>> {
	let bytes = Zeroizing::new(hex::decode(text).context("key file contents")?);
	let mut out = Zeroizing::new([0u8; 32]);
	if bytes.len() != 32 {
		bail!("key file contents: a key is not 32 bytes");
	}
	out.copy_from_slice(&bytes);
	Ok(out)
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn keys_survive_the_file_and_only_the_passphrase_opens_them() {
		let dir = tempfile::tempdir().unwrap();
		let path = dir.path().join("key.json");
		let keys = PatientKeys::generate();
		keys.save(&path, "correct horse").unwrap();
		assert!(keys.save(&path, "again").is_err(), "never overwrites");
		assert_eq!(identity(&path).unwrap(), keys.identity());
		let opened = PatientKeys::open(&path, "correct horse").unwrap();
		assert_eq!(opened.identity(), keys.identity());
		assert!(PatientKeys::open(&path, "wrong").is_err());
		let text = std::fs::read_to_string(&path).unwrap();
		assert!(!text.contains(&hex::encode(keys.signing.seed())), "no secret in the clear");
	}
}
