//! The hospital's keys, encrypted at rest.
//!
//! One file, `keystore.json` in the data directory, holds:
//! - the hospital's X25519 **encryption secret** — the key its delegate registered on chain,
//!   to which documents' data keys are wrapped for the hospital;
//! - the **signing keys** (sr25519 secret URIs) of the staff accounts the gateway signs for.
//!
//! The contents are JSON sealed with AES-256-GCM under a key derived from the operator's
//! passphrase by Argon2id (salt and parameters stored beside the ciphertext). The file is
//! written atomically (temporary file, fsync, rename) with mode 0600. Nothing from it is
//! ever logged; [`Keystore`]'s `Debug` shows public keys only.

use medledger_envelope::{
	at_rest::{AtRestError, Kdf, Sealed},
	DataKey, EnvelopeError, PublicKey, StaticSecret, WRAP_LEN,
};
use medledger_primitives::OrgId;
use pallet_consortium::Role;
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sp_core::{crypto::Ss58Codec, sr25519, Pair};
use sp_runtime::AccountId32;
use std::{
	collections::HashMap,
	path::{Path, PathBuf},
};
use zeroize::{Zeroize, Zeroizing};

/// File name of the keystore inside the data directory.
pub const FILE_NAME: &str = "keystore.json";

impl From<AtRestError> for KeystoreError {
	fn from(e: AtRestError) -> Self {
		match e {
			AtRestError::WrongPassphrase => KeystoreError::WrongPassphrase,
			AtRestError::Malformed(why) => KeystoreError::Malformed(why),
		}
	}
}

/// Why the keystore could not be used.
#[derive(Debug, thiserror::Error)]
pub enum KeystoreError {
	/// No keystore in the data directory yet (`medledger-gateway keys init`).
	#[error("no keystore at {0}: run `medledger-gateway keys init` first")]
	Missing(PathBuf),
	/// The passphrase does not open the keystore (or the file was altered).
	#[error("the passphrase does not open the keystore (or the file was altered)")]
	WrongPassphrase,
	/// The file is not a keystore this version reads.
	#[error("the keystore file is malformed: {0}")]
	Malformed(String),
	/// A secret URI does not parse as an sr25519 key.
	#[error("account {0}: the secret is not a valid sr25519 secret URI")]
	BadSecret(String),
	/// An account with this name already exists.
	#[error("an account named {0} already exists")]
	Duplicate(String),
	/// Reading or writing the file failed.
	#[error("keystore file: {0}")]
	Io(#[from] std::io::Error),
}

/// The decrypted contents.
#[derive(Serialize, Deserialize, Zeroize)]
#[zeroize(drop)]
struct Contents {
	#[zeroize(skip)]
	organisation: OrgId,
	encryption_secret: String,
	accounts: Vec<StoredAccount>,
}

#[derive(Serialize, Deserialize, Zeroize, Clone)]
#[zeroize(drop)]
struct StoredAccount {
	name: String,
	#[zeroize(skip)]
	role: Role,
	secret_uri: String,
}

/// A staff account the gateway signs for.
#[derive(Clone)]
pub struct Account {
	/// Local name (what credentials refer to).
	pub name: String,
	/// The role it was added with (checked against the chain when credentials are issued).
	pub role: Role,
	/// Its signing key.
	pub pair: sr25519::Pair,
}

impl std::fmt::Debug for Account {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		f.debug_struct("Account")
			.field("name", &self.name)
			.field("role", &self.role)
			.field("account", &self.account_id().to_ss58check())
			.finish()
	}
}

impl Account {
	/// The on-chain account id.
	pub fn account_id(&self) -> AccountId32 {
		self.pair.public().into()
	}
}

/// The opened keystore.
pub struct Keystore {
	path: PathBuf,
	kdf: Kdf,
	key: Zeroizing<[u8; 32]>,
	organisation: OrgId,
	encryption_secret: StaticSecret,
	/// Derived from the secret once: each read compares it with an envelope's recipients.
	encryption_public: PublicKey,
	/// Data keys unwrapped lately, by the wrap they came from ([`Keystore::unwrap`]).
	unwrapped: parking_lot::Mutex<HashMap<[u8; WRAP_LEN], DataKey>>,
	accounts: Vec<Account>,
	/// The accounts' secret URIs as saved (zeroed on drop), to write the file again.
	stored: Vec<StoredAccount>,
}

/// Most data keys kept unwrapped; beyond, all are dropped (and zeroed) and kept anew.
const MAX_UNWRAPPED: usize = 4_096;

/// Room for every data key kept, taken at once: a table that grew would leave copies of the
/// keys it held in the memory it freed (they are zeroised only where they are dropped).
fn room_for_unwrapped() -> parking_lot::Mutex<HashMap<[u8; WRAP_LEN], DataKey>> {
	parking_lot::Mutex::new(HashMap::with_capacity(MAX_UNWRAPPED))
}

impl std::fmt::Debug for Keystore {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		f.debug_struct("Keystore")
			.field("organisation", &self.organisation)
			.field("encryption_key", &hex::encode(self.encryption_public().as_bytes()))
			.field("accounts", &self.accounts.iter().map(|a| &a.name).collect::<Vec<_>>())
			.finish()
	}
}

impl Keystore {
	/// Creates a new keystore for `organisation` with the given encryption secret (or a fresh
	/// random one) and no accounts. Refuses to overwrite an existing file.
	pub fn create(
		data_dir: &Path,
		passphrase: &str,
		organisation: OrgId,
		encryption_secret: Option<[u8; 32]>,
	) -> Result<Self, KeystoreError> {
		let path = data_dir.join(FILE_NAME);
		if path.exists() {
			return Err(KeystoreError::Io(std::io::Error::new(
				std::io::ErrorKind::AlreadyExists,
				format!("{} already exists", path.display()),
			)));
		}
		let kdf = Kdf::fresh();
		let secret = match encryption_secret {
			Some(bytes) => StaticSecret::from(bytes),
			None => StaticSecret::random_from_rng(rand::rngs::OsRng),
		};
		let store = Keystore {
			path,
			kdf,
			key: kdf.derive(passphrase)?,
			organisation,
			encryption_public: PublicKey::from(&secret),
			encryption_secret: secret,
			unwrapped: room_for_unwrapped(),
			accounts: Vec::new(),
			stored: Vec::new(),
		};
		store.save()?;
		Ok(store)
	}

	/// Opens the keystore in `data_dir` with `passphrase`.
	pub fn open(data_dir: &Path, passphrase: &str) -> Result<Self, KeystoreError> {
		let path = data_dir.join(FILE_NAME);
		let text = match std::fs::read_to_string(&path) {
			Ok(text) => text,
			Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
				return Err(KeystoreError::Missing(path))
			}
			Err(e) => return Err(e.into()),
		};
		let file: Sealed =
			serde_json::from_str(&text).map_err(|e| KeystoreError::Malformed(e.to_string()))?;
		let key = file.kdf.derive(passphrase)?;
		let mut contents: Contents = serde_json::from_slice(&file.open(&key)?)
			.map_err(|_| KeystoreError::Malformed("contents".into()))?;
		let encryption_secret = StaticSecret::from(parse_secret32(&contents.encryption_secret)?);
		let accounts = contents
			.accounts
			.iter()
			.map(|stored| {
				let pair = sr25519::Pair::from_string(&stored.secret_uri, None)
					.map_err(|_| KeystoreError::BadSecret(stored.name.clone()))?;
				Ok(Account { name: stored.name.clone(), role: stored.role, pair })
			})
			.collect::<Result<_, KeystoreError>>()?;
		Ok(Keystore {
			path,
			kdf: file.kdf,
			key,
			organisation: contents.organisation,
			encryption_public: PublicKey::from(&encryption_secret),
			encryption_secret,
			unwrapped: room_for_unwrapped(),
			accounts,
			stored: std::mem::take(&mut contents.accounts),
		})
	}

	/// Adds a signing account from a secret URI (`//Alice`, a mnemonic, or `0x` + seed) and
	/// saves. `secret_uri = None` generates a fresh key.
	pub fn add_account(
		&mut self,
		name: &str,
		role: Role,
		secret_uri: Option<String>,
	) -> Result<&Account, KeystoreError> {
		if self.accounts.iter().any(|a| a.name == name) {
			return Err(KeystoreError::Duplicate(name.into()));
		}
		let (pair, secret_uri) = match secret_uri {
			Some(uri) => {
				let pair = sr25519::Pair::from_string(&uri, None)
					.map_err(|_| KeystoreError::BadSecret(name.into()))?;
				(pair, uri)
			}
			None => {
				let (pair, uri) = generate_pair();
				(pair, uri.to_string())
			}
		};
		self.stored.push(StoredAccount { name: name.into(), role, secret_uri });
		if let Err(e) = self.save() {
			self.stored.pop();
			return Err(e);
		}
		self.accounts.push(Account { name: name.into(), role, pair });
		Ok(self.accounts.last().expect("just pushed"))
	}

	/// The organisation this gateway serves.
	pub fn organisation(&self) -> OrgId {
		self.organisation
	}

	/// The hospital's encryption secret (data keys are unwrapped by [`Keystore::unwrap`]).
	#[cfg(test)]
	fn encryption_secret(&self) -> &StaticSecret {
		&self.encryption_secret
	}

	/// The hospital's encryption public key (what its delegate registered on chain).
	pub fn encryption_public(&self) -> PublicKey {
		self.encryption_public
	}

	/// The data key in `wrapped`, a wrap made for this hospital's encryption key. Kept in
	/// memory once unwrapped, by the wrap's bytes (a pure function of them and the secret,
	/// which never changes while the keystore is open): the X25519 agreement costs more than
	/// the rest of a read of a small document, and whoever can read this process's memory
	/// holds the hospital's secret — which opens every wrap — anyway.
	pub fn unwrap(&self, wrapped: &[u8]) -> Result<DataKey, EnvelopeError> {
		let wrapped: [u8; WRAP_LEN] = wrapped
			.try_into()
			.map_err(|_| EnvelopeError::Malformed("a key wrap has the wrong length"))?;
		if let Some(key) = self.unwrapped.lock().get(&wrapped) {
			return Ok(key.clone());
		}
		let key = medledger_envelope::unwrap(&wrapped, &self.encryption_secret)?;
		let mut unwrapped = self.unwrapped.lock();
		if unwrapped.len() >= MAX_UNWRAPPED {
			unwrapped.clear();
		}
		unwrapped.insert(wrapped, key.clone());
		Ok(key)
	}

	/// The data key of an envelope this hospital sealed: its own wrap in the header.
	pub fn unwrap_own(&self, envelope: &[u8]) -> Result<DataKey, EnvelopeError> {
		let (_, wrapped) = medledger_envelope::recipients(envelope)?
			.into_iter()
			.find(|(recipient, _)| recipient == &self.encryption_public)
			.ok_or(EnvelopeError::NoWrapForKey)?;
		self.unwrap(&wrapped)
	}

	/// The accounts the gateway signs for.
	pub fn accounts(&self) -> &[Account] {
		&self.accounts
	}

	/// The account named `name`.
	pub fn account(&self, name: &str) -> Option<&Account> {
		self.accounts.iter().find(|a| a.name == name)
	}

	/// A short public listing (no secrets), for `keys show`.
	pub fn describe(&self) -> serde_json::Value {
		serde_json::json!({
			"organisation": self.organisation,
			"encryptionKey": format!("0x{}", hex::encode(self.encryption_public().as_bytes())),
			"accounts": self.accounts.iter().map(|a| serde_json::json!({
				"name": a.name,
				"role": a.role,
				"account": a.account_id().to_ss58check(),
			})).collect::<Vec<_>>(),
		})
	}

	fn save(&self) -> Result<(), KeystoreError> {
		let contents = Contents {
			organisation: self.organisation,
			encryption_secret: hex::encode(self.encryption_secret.to_bytes()),
			accounts: self.stored.clone(),
		};
		let plaintext = Zeroizing::new(serde_json::to_vec(&contents).expect("serialisable"));
		let file = Sealed::seal(&self.key, self.kdf, &plaintext);
		crate::store::write_atomically(
			&self.path,
			serde_json::to_string_pretty(&file).expect("serialisable").as_bytes(),
		)?;
		Ok(())
	}
}

/// The staff role named `clinician` or `admin` in organisation `org`.
pub fn staff_role(name: &str, org: OrgId) -> Option<Role> {
	match name {
		"clinician" => Some(Role::Clinician(org)),
		"admin" => Some(Role::OrgAdmin(org)),
		_ => None,
	}
}

/// A fresh sr25519 key and its secret URI (`0x` + seed).
pub fn generate_pair() -> (sr25519::Pair, Zeroizing<String>) {
	let mut seed = Zeroizing::new([0u8; 32]);
	rand::rngs::OsRng.fill_bytes(&mut *seed);
	(sr25519::Pair::from_seed(&seed), Zeroizing::new(format!("0x{}", hex::encode(*seed))))
}

/// Parses 32 bytes of hex, with or without `0x`.
pub fn parse_secret32(text: &str) -> Result<[u8; 32], KeystoreError> {
	let bytes = hex::decode(text.trim_start_matches("0x"))
		.map_err(|_| KeystoreError::Malformed("expected 32 bytes of hex".into()))?;
	bytes.try_into().map_err(|_| KeystoreError::Malformed("expected 32 bytes of hex".into()))
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn accounts_survive_reopening_and_the_file_holds_no_secret() {
		let dir = tempfile::tempdir().unwrap();
		let mut store = Keystore::create(dir.path(), "correct horse", 1, None).unwrap();
		store.add_account("alice", Role::OrgAdmin(1), Some("//Alice".into())).unwrap();
		store.add_account("clinician", Role::Clinician(1), None).unwrap();
		let public = store.encryption_public();
		let alice = store.account("alice").unwrap().account_id();

		let text = std::fs::read_to_string(dir.path().join(FILE_NAME)).unwrap();
		assert!(!text.contains("Alice") && !text.contains("alice"));
		assert!(!text.contains(&hex::encode(store.encryption_secret().to_bytes())));

		let reopened = Keystore::open(dir.path(), "correct horse").unwrap();
		assert_eq!(reopened.encryption_public(), public);
		assert_eq!(reopened.account("alice").unwrap().account_id(), alice);
		assert_eq!(reopened.accounts().len(), 2);
		assert!(matches!(
			Keystore::open(dir.path(), "wrong").unwrap_err(),
			KeystoreError::WrongPassphrase
		));
	}

	#[test]
	fn a_wrap_opens_to_its_data_key_every_time_and_a_wrong_one_never() {
		let dir = tempfile::tempdir().unwrap();
		let store = Keystore::create(dir.path(), "p", 1, None).unwrap();
		let other = PublicKey::from(&StaticSecret::random_from_rng(rand::rngs::OsRng));
		let sealed =
			medledger_envelope::seal(1, b"a note", &[other, store.encryption_public()]).unwrap();
		for _ in 0..2 {
			let key = store.unwrap_own(&sealed.envelope).unwrap();
			assert!(key == sealed.key);
			assert_eq!(
				medledger_envelope::open(&sealed.envelope, &key).unwrap().plaintext,
				b"a note"
			);
		}
		let theirs = medledger_envelope::wrap(&sealed.key, &other).unwrap();
		assert!(store.unwrap(&theirs).is_err());
		assert!(store.unwrap(&theirs[1..]).is_err());
		let only_theirs = medledger_envelope::seal(1, b"not ours", &[other]).unwrap();
		assert!(matches!(
			store.unwrap_own(&only_theirs.envelope),
			Err(EnvelopeError::NoWrapForKey)
		));
	}

	#[test]
	fn bad_secrets_and_duplicates_change_nothing() {
		let dir = tempfile::tempdir().unwrap();
		let mut store = Keystore::create(dir.path(), "p", 2, None).unwrap();
		store.add_account("a", Role::Clinician(2), None).unwrap();
		assert!(matches!(
			store.add_account("a", Role::Clinician(2), None).unwrap_err(),
			KeystoreError::Duplicate(_)
		));
		assert!(matches!(
			store.add_account("b", Role::Clinician(2), Some("not a key".into())).unwrap_err(),
			KeystoreError::BadSecret(_)
		));
		assert_eq!(Keystore::open(dir.path(), "p").unwrap().accounts().len(), 1);
	}
}
