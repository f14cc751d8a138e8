//! Who may call: bearer credentials bound to a member account and role, stored hashed,
//! with a rate limit per credential.
//!
//! `medledger-gateway credentials issue` prints a token once (`mlg_` + 32 random bytes,
//! base64url) and stores only its SHA-256 in `DATA_DIR/credentials.json` (tokens are
//! random, so a fast hash suffices; the file reveals no usable token). The running gateway
//! re-reads the file when it changes, so credentials are issued and revoked without a
//! restart. Clients send `Authorization: Bearer <token>` on HTTP requests and on the
//! WebSocket upgrade.

use base64::Engine;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use medledger_gateway_api::GatewayError;
use pallet_consortium::Role;
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::{
	num::NonZeroU32,
	path::{Path, PathBuf},
	time::SystemTime,
};

/// File name of the credential list inside the data directory.
pub const FILE_NAME: &str = "credentials.json";

/// A credential as stored (without its token).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Credential {
	/// Short id, for listing and revoking.
	pub id: String,
	/// SHA-256 of the token, hex.
	pub hash: String,
	/// The member account the credential acts for (SS58 in the credentials file).
	pub account: sp_runtime::AccountId32,
	/// The account's role.
	pub role: Role,
	/// The keystore account the gateway signs with, for staff; none for patients and
	/// auditors (the gateway holds no key of theirs).
	pub key_name: Option<String>,
	/// Free label (who holds it).
	pub label: String,
	/// Issue time, ms since the Unix epoch.
	pub issued_at: u64,
	/// Revoked credentials stay listed and are refused.
	pub revoked: bool,
}

/// The credential list, reloaded when its file changes.
pub struct Credentials {
	path: PathBuf,
	loaded: parking_lot::Mutex<(Option<SystemTime>, Vec<Credential>)>,
	limiter: DefaultKeyedRateLimiter<String>,
}

impl Credentials {
	/// The list in `data_dir`, with `per_second` calls allowed per credential (bursts of
	/// twice that).
	pub fn new(data_dir: &Path, per_second: u32) -> Self {
		let rate = NonZeroU32::new(per_second.max(1)).expect("at least 1");
		let burst = NonZeroU32::new(per_second.max(1).saturating_mul(2)).expect("at least 2");
		Credentials {
			path: data_dir.join(FILE_NAME),
			loaded: parking_lot::Mutex::new((None, Vec::new())),
			limiter: RateLimiter::keyed(Quota::per_second(rate).allow_burst(burst)),
		}
	}

	/// The credential a bearer token stands for, after the rate limit.
	pub fn authenticate(&self, token: Option<&str>) -> Result<Credential, GatewayError> {
		let credential = self.identify(token).ok_or(GatewayError::Unauthenticated)?;
		self.limiter.check_key(&credential.id).map_err(|_| GatewayError::RateLimited)?;
		Ok(credential)
	}

	/// The valid credential a bearer token stands for, without counting a call: what the
	/// transport bounds a request by before it is read.
	pub fn identify(&self, token: Option<&str>) -> Option<Credential> {
		let hash = hash_token(token?);
		self.with_current(|list| list.iter().find(|c| c.hash == hash && !c.revoked).cloned())
	}

	/// Whether `credential` is still issued and not revoked (no rate limit spent): checked
	/// again for each notification an open subscription delivers.
	pub fn is_valid(&self, credential: &Credential) -> bool {
		self.with_current(|list| list.iter().any(|c| c.hash == credential.hash && !c.revoked))
	}

	/// `f` over the current list (re-read if its file changed), without copying it: this
	/// runs for every call and every notification delivered.
	fn with_current<R>(&self, f: impl FnOnce(&[Credential]) -> R) -> R {
		let mut loaded = self.loaded.lock();
		let modified = std::fs::metadata(&self.path).and_then(|m| m.modified()).ok();
		if modified != loaded.0 {
			*loaded = (modified, read_list(&self.path).unwrap_or_default());
		}
		f(&loaded.1)
	}
}

/// Issues a credential and returns its token (shown once) and record.
pub fn issue(
	data_dir: &Path,
	account: sp_runtime::AccountId32,
	role: Role,
	key_name: Option<String>,
	label: String,
) -> std::io::Result<(String, Credential)> {
	let path = data_dir.join(FILE_NAME);
	let mut list = read_list(&path)?;
	let mut secret = [0u8; 32];
	rand::rngs::OsRng.fill_bytes(&mut secret);
	let token = format!("mlg_{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(secret));
	let credential = Credential {
		id: format!("c{}", list.len() + 1),
		hash: hash_token(&token),
		account,
		role,
		key_name,
		label,
		issued_at: crate::unix_millis(),
		revoked: false,
	};
	list.push(credential.clone());
	write_list(&path, &list)?;
	Ok((token, credential))
}

/// Revokes credential `id`; `false` if there is none.
pub fn revoke(data_dir: &Path, id: &str) -> std::io::Result<bool> {
	let path = data_dir.join(FILE_NAME);
	let mut list = read_list(&path)?;
	let found = list.iter_mut().find(|c| c.id == id).map(|c| c.revoked = true).is_some();
	write_list(&path, &list)?;
	Ok(found)
}

/// The stored credentials (hashes only).
pub fn list(data_dir: &Path) -> std::io::Result<Vec<Credential>> {
	read_list(&data_dir.join(FILE_NAME))
}

fn hash_token(token: &str) -> String {
	hex::encode(Sha256::digest(token.as_bytes()))
}

fn read_list(path: &Path) -> std::io::Result<Vec<Credential>> {
	match std::fs::read(path) {
		Ok(bytes) => serde_json::from_slice(&bytes).map_err(std::io::Error::other),
		Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
		Err(e) => Err(e),
	}
}

fn write_list(path: &Path, list: &[Credential]) -> std::io::Result<()> {
	let text = serde_json::to_vec_pretty(list).expect("serialisable");
	crate::store::write_atomically(path, &text)
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn tokens_authenticate_until_revoked_and_are_not_stored() {
		let dir = tempfile::tempdir().unwrap();
		let (token, issued) =
			issue(dir.path(), [6; 32].into(), Role::Auditor, None, "ferdie".into()).unwrap();
		let file = std::fs::read_to_string(dir.path().join(FILE_NAME)).unwrap();
		assert!(!file.contains(&token));

		let credentials = Credentials::new(dir.path(), 100);
		assert_eq!(credentials.authenticate(Some(&token)).unwrap(), issued);
		assert!(matches!(
			credentials.authenticate(Some("mlg_guess")),
			Err(GatewayError::Unauthenticated)
		));
		assert!(matches!(credentials.authenticate(None), Err(GatewayError::Unauthenticated)));

		// The file's modification time may not change within its resolution: wait a little.
		std::thread::sleep(std::time::Duration::from_millis(20));
		assert!(credentials.is_valid(&issued));
		assert!(revoke(dir.path(), &issued.id).unwrap());
		assert!(!credentials.is_valid(&issued));
		assert!(matches!(
			credentials.authenticate(Some(&token)),
			Err(GatewayError::Unauthenticated)
		));
	}

	#[test]
	fn each_credential_has_its_own_rate_limit() {
		let dir = tempfile::tempdir().unwrap();
		let (a, _) = issue(dir.path(), [1; 32].into(), Role::Auditor, None, "a".into()).unwrap();
		let (b, _) = issue(dir.path(), [2; 32].into(), Role::Auditor, None, "b".into()).unwrap();
		let credentials = Credentials::new(dir.path(), 1);
		assert!(credentials.authenticate(Some(&a)).is_ok());
		assert!(credentials.authenticate(Some(&a)).is_ok());
		assert!(matches!(credentials.authenticate(Some(&a)), Err(GatewayError::RateLimited)));
		assert!(credentials.authenticate(Some(&b)).is_ok());
	}
}
