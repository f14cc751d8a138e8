//! The values the portal's wire carries, each with its text form and JSON schema:
//! accounts in SS58, 32-byte values and SCALE bytes in `0x` hex, files in base64, and the
//! closed vocabularies (purposes, statuses, roles) as camelCase names.
//!
//! These are the wire's own types, not the chain's storage types: a storage layout change
//! cannot silently change the API, and each conversion below is an exhaustive match, so a
//! new variant on chain fails to compile here until the API says how to show it.

use base64::Engine;
use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::{de, Deserialize, Deserializer, Serialize, Serializer};
use sp_core::crypto::Ss58Codec;
use sp_runtime::AccountId32 as AccountId;
use std::borrow::Cow;

/// An account: SS58 with this chain's prefix, or `0x` and 32 bytes of hex.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Account(pub AccountId);

/// Longest account text accepted (the hex form): longer input is refused before it is
/// decoded, so no caller can make the gateway spend time on a huge string.
const MAX_ACCOUNT_TEXT: usize = 66;

impl Account {
	/// Parses SS58 or `0x` hex.
	pub fn parse(text: &str) -> Result<Self, &'static str> {
		if text.len() > MAX_ACCOUNT_TEXT {
			return Err("longer than any account");
		}
		if let Some(hex) = text.strip_prefix("0x") {
			let bytes: [u8; 32] = hex::decode(hex)
				.ok()
				.and_then(|b| b.try_into().ok())
				.ok_or("expected SS58 or 0x + 32 bytes of hex")?;
			return Ok(Account(AccountId::new(bytes)));
		}
		AccountId::from_ss58check(text).map(Account).map_err(|_| "not an SS58 account id")
	}
}

impl std::fmt::Display for Account {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		f.write_str(&self.0.to_ss58check())
	}
}

impl From<AccountId> for Account {
	fn from(account: AccountId) -> Self {
		Account(account)
	}
}

impl From<&AccountId> for Account {
	fn from(account: &AccountId) -> Self {
		Account(account.clone())
	}
}

impl Serialize for Account {
	fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
		s.collect_str(self)
	}
}

impl<'de> Deserialize<'de> for Account {
	fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
		let text = Cow::<str>::deserialize(d)?;
		Account::parse(&text).map_err(de::Error::custom)
	}
}

impl JsonSchema for Account {
	fn schema_name() -> Cow<'static, str> {
		"Account".into()
	}

	fn json_schema(_: &mut SchemaGenerator) -> Schema {
		json_schema!({
			"type": "string",
			"description": "An account: SS58 (this chain's prefix) or 0x + 32 bytes of hex.",
			"minLength": 46,
			"maxLength": MAX_ACCOUNT_TEXT,
		})
	}
}

/// 32 bytes in `0x` hex: a commitment, a block or trail hash, a public key, a salt.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Hex32(pub [u8; 32]);

impl Serialize for Hex32 {
	fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
		s.collect_str(&format_args!("0x{}", hex::encode(self.0)))
	}
}

impl<'de> Deserialize<'de> for Hex32 {
	fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
		let text = Cow::<str>::deserialize(d)?;
		text.strip_prefix("0x")
			.filter(|hex| hex.len() == 64)
			.and_then(|hex| hex::decode(hex).ok())
			.and_then(|bytes| bytes.try_into().ok())
			.map(Hex32)
			.ok_or_else(|| de::Error::custom("expected 0x + 32 bytes of hex"))
	}
}

impl JsonSchema for Hex32 {
	fn schema_name() -> Cow<'static, str> {
		"Hex32".into()
	}

	fn json_schema(_: &mut SchemaGenerator) -> Schema {
		json_schema!({
			"type": "string",
			"description": "32 bytes in 0x hex.",
			"pattern": "^0x[0-9a-fA-F]{64}$",
		})
	}
}

impl From<sp_core::H256> for Hex32 {
	fn from(hash: sp_core::H256) -> Self {
		Hex32(hash.0)
	}
}

/// Bytes in `0x` hex: a signed extrinsic, a SCALE-encoded record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HexBytes(pub Vec<u8>);

impl Serialize for HexBytes {
	fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
		s.collect_str(&format_args!("0x{}", hex::encode(&self.0)))
	}
}

impl<'de> Deserialize<'de> for HexBytes {
	fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
		let text = Cow::<str>::deserialize(d)?;
		hex::decode(text.trim_start_matches("0x"))
			.map(HexBytes)
			.map_err(|_| de::Error::custom("expected 0x + hex"))
	}
}

impl JsonSchema for HexBytes {
	fn schema_name() -> Cow<'static, str> {
		"HexBytes".into()
	}

	fn json_schema(_: &mut SchemaGenerator) -> Schema {
		json_schema!({
			"type": "string",
			"description": "Bytes in 0x hex.",
			"pattern": "^0x([0-9a-fA-F]{2})*$",
		})
	}
}

/// A member's proof that an encryption key is theirs: their signature of their key
/// statement (`pallet_consortium::KeyStatement`), as `medledger keys statement` prints it —
/// a SCALE `MultiSignature` in `0x` hex.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyProof(pub sp_runtime::MultiSignature);

impl Serialize for KeyProof {
	fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
		HexBytes(codec::Encode::encode(&self.0)).serialize(s)
	}
}

impl<'de> Deserialize<'de> for KeyProof {
	fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
		let bytes = HexBytes::deserialize(d)?.0;
		codec::DecodeAll::decode_all(&mut &bytes[..])
			.map(KeyProof)
			.map_err(|_| de::Error::custom("expected a SCALE-encoded MultiSignature in 0x hex"))
	}
}

impl JsonSchema for KeyProof {
	fn schema_name() -> Cow<'static, str> {
		"KeyProof".into()
	}

	fn json_schema(_: &mut SchemaGenerator) -> Schema {
		json_schema!({
			"type": "string",
			"description": "The member's signature of their key statement: a SCALE-encoded \
				MultiSignature in 0x hex (`medledger keys statement` prints it).",
			"pattern": "^0x([0-9a-fA-F]{2})*$",
		})
	}
}

/// A file or envelope in standard base64.
#[derive(Clone, PartialEq, Eq)]
pub struct Base64(pub Vec<u8>);

impl std::fmt::Debug for Base64 {
	// Files are patients' data: never written to a log, only their size.
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		write!(f, "Base64({} bytes)", self.0.len())
	}
}

impl Serialize for Base64 {
	fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
		s.serialize_str(&base64::engine::general_purpose::STANDARD.encode(&self.0))
	}
}

impl<'de> Deserialize<'de> for Base64 {
	fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
		let text = Cow::<str>::deserialize(d)?;
		base64::engine::general_purpose::STANDARD
			.decode(text.as_bytes())
			.map(Base64)
			.map_err(|_| de::Error::custom("not valid base64"))
	}
}

impl JsonSchema for Base64 {
	fn schema_name() -> Cow<'static, str> {
		"Base64".into()
	}

	fn json_schema(_: &mut SchemaGenerator) -> Schema {
		json_schema!({
			"type": "string",
			"contentEncoding": "base64",
			"description": "Bytes in standard base64.",
		})
	}
}

/// A CID in its text form (CIDv1, base32).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CidText(pub cid::Cid);

impl Serialize for CidText {
	fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
		s.collect_str(&self.0)
	}
}

impl<'de> Deserialize<'de> for CidText {
	fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
		let text = Cow::<str>::deserialize(d)?;
		cid::Cid::try_from(text.as_ref()).map(CidText).map_err(de::Error::custom)
	}
}

impl JsonSchema for CidText {
	fn schema_name() -> Cow<'static, str> {
		"Cid".into()
	}

	fn json_schema(_: &mut SchemaGenerator) -> Schema {
		json_schema!({ "type": "string", "description": "An IPFS CID in text form." })
	}
}

/// Why a record is read or a consent asked for (HL7 PurposeOfUse); read in either case.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum Purpose {
	/// Treatment of the patient (`CAREMGT`).
	#[serde(alias = "treatment")]
	Treatment,
	/// Payment for care (`HPAYMT`).
	#[serde(alias = "payment")]
	Payment,
	/// Research (`DSRCH`).
	#[serde(alias = "research")]
	Research,
	/// Public health (`PUBHLTH`).
	#[serde(alias = "publicHealth")]
	PublicHealth,
	/// At the patient's own request (`PATRQT`).
	#[serde(alias = "patientRequest")]
	PatientRequest,
	/// Emergency access, break-glass (`BTG`).
	#[serde(alias = "emergency")]
	Emergency,
}

impl From<Purpose> for medledger_primitives::Purpose {
	fn from(purpose: Purpose) -> Self {
		use medledger_primitives::Purpose as P;
		match purpose {
			Purpose::Treatment => P::Treatment,
			Purpose::Payment => P::Payment,
			Purpose::Research => P::Research,
			Purpose::PublicHealth => P::PublicHealth,
			Purpose::PatientRequest => P::PatientRequest,
			Purpose::Emergency => P::Emergency,
		}
	}
}

impl From<medledger_primitives::Purpose> for Purpose {
	fn from(purpose: medledger_primitives::Purpose) -> Self {
		use medledger_primitives::Purpose as P;
		match purpose {
			P::Treatment => Purpose::Treatment,
			P::Payment => Purpose::Payment,
			P::Research => Purpose::Research,
			P::PublicHealth => Purpose::PublicHealth,
			P::PatientRequest => Purpose::PatientRequest,
			P::Emergency => Purpose::Emergency,
		}
	}
}

/// A member's role on chain.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum Role {
	/// A patient.
	Patient,
	/// A clinician of this organisation.
	Clinician(u32),
	/// An administrator of this organisation.
	OrgAdmin(u32),
	/// An auditor (consortium-wide, read-only).
	Auditor,
}

impl From<pallet_consortium::Role> for Role {
	fn from(role: pallet_consortium::Role) -> Self {
		use pallet_consortium::Role as R;
		match role {
			R::Patient => Role::Patient,
			R::Clinician(org) => Role::Clinician(org),
			R::OrgAdmin(org) => Role::OrgAdmin(org),
			R::Auditor => Role::Auditor,
		}
	}
}

/// The role of a staff account a gateway creates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum StaffRole {
	/// Reads and writes patients' records under their consent.
	Clinician,
	/// Registers patients and staff.
	Admin,
}

/// Whether a member or organisation is in good standing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum Status {
	/// In good standing.
	Active,
	/// Suspended (organisations only): its members may not act.
	Suspended,
	/// Removed from the consortium.
	Removed,
}

impl From<pallet_consortium::MemberStatus> for Status {
	fn from(status: pallet_consortium::MemberStatus) -> Self {
		match status {
			pallet_consortium::MemberStatus::Active => Status::Active,
			pallet_consortium::MemberStatus::Removed => Status::Removed,
		}
	}
}

impl From<pallet_consortium::OrgStatus> for Status {
	fn from(status: pallet_consortium::OrgStatus) -> Self {
		match status {
			pallet_consortium::OrgStatus::Active => Status::Active,
			pallet_consortium::OrgStatus::Suspended => Status::Suspended,
			pallet_consortium::OrgStatus::Removed => Status::Removed,
		}
	}
}

/// A time (ms since the Unix epoch) as RFC 3339 text, UTC, to the millisecond: how reports
/// and the explorer write times for people.
pub fn rfc3339(ms: u64) -> String {
	chrono::DateTime::from_timestamp_millis(ms as i64)
		.unwrap_or_default()
		.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// A parameter a caller may leave out (`Option`) or must give (everything else): the
/// OpenRPC document marks each parameter from this.
pub trait Param {
	/// Whether the parameter must be given.
	const REQUIRED: bool = true;
	/// Whether it carries a file (base64): a method taking one may be sent a body up to the
	/// upload limit; any other method's parameters are bounded to a few KiB.
	const CARRIES_FILE: bool = false;
}

impl<T: Param> Param for Option<T> {
	const REQUIRED: bool = false;
	const CARRIES_FILE: bool = T::CARRIES_FILE;
}

impl Param for Base64 {
	const CARRIES_FILE: bool = true;
}

macro_rules! required {
	($($ty:ty),* $(,)?) => { $(impl Param for $ty {})* };
}

required!(
	Account,
	Hex32,
	HexBytes,
	KeyProof,
	Purpose,
	StaffRole,
	String,
	bool,
	u32,
	u64,
	crate::api::consent::ScopeRequest,
	crate::api::audit::ReportFormat
);

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn an_oversized_account_is_refused_before_decoding() {
		assert_eq!(Account::parse(&"5".repeat(1 << 20)), Err("longer than any account"));
		let alice = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";
		assert_eq!(Account::parse(alice).unwrap().to_string(), alice);
	}

	#[test]
	fn purposes_read_in_either_case() {
		let p: Purpose = serde_json::from_str("\"Treatment\"").unwrap();
		assert_eq!(p, serde_json::from_str("\"treatment\"").unwrap());
		assert_eq!(serde_json::to_string(&Purpose::PublicHealth).unwrap(), "\"PublicHealth\"");
	}
}
