//! Genesis presets: the starting state of each MedLedger chain.
//!
//! - `development`: Alice alone validates (so one node finalises). Hospitals H1–H4 with
//!   delegates (administrators) Alice, Bob, Charlie and Dave; Eve is a patient, Ferdie an
//!   auditor. Alice holds the sudo key. Like every chain, it accepts only its hospitals'
//!   node keys as peers (the well-known `0x…01`–`0x…04`, see `local_testnet`) from
//!   genesis on, so a dev chain started with more than one node is no open network.
//! - `local_testnet`: the same members; Alice–Dave each run H1–H4's validator, and only the
//!   four well-known node keys `0x…01`–`0x…04` are accepted as peers. No sudo.
//!
//! A real consortium starts from the `local_testnet` layout and replaces every well-known
//! key with its hospitals' own (`chain-spec/README.md` walks through it).
//!
//! The chain-spec JSON files in `chain-spec/` are generated from these presets by
//! `scripts/build-chain-specs`; edit the presets, not the files.

use crate::{
	opaque::SessionKeys, AccountId, ConsortiumConfig, RuntimeGenesisConfig, SessionConfig,
	SudoConfig,
};
use alloc::{vec, vec::Vec};
use frame_support::build_struct_json_patch;
use hex_literal::hex;
use pallet_consortium::{EncryptionKey, GenesisMember, GenesisOrganisation, NodeKey, Role};
use serde_json::Value;
use sp_genesis_builder::PresetId;
use sp_keyring::{Ed25519Keyring, Sr25519Keyring};

/// X25519 public keys of the well-known development accounts. Each secret is
/// `blake2b-256("medledger-dev-encryption//" ++ name)`: public, for trying the chain only.
fn dev_encryption_key(who: Sr25519Keyring) -> EncryptionKey {
	match who {
		Sr25519Keyring::Alice => {
			hex!("bd09a07d26d912ebe1a433635e2785fe5e4b56b84254e69b3dd6384e4fadc87b")
		}
		Sr25519Keyring::Bob => {
			hex!("2ad617c3557c66260512f852dc1a12a300a01125311ac7796469455e99a15d7f")
		}
		Sr25519Keyring::Charlie => {
			hex!("1fb48c6c7410ddbe19285ab0f1c266b2be1117b610b9aaf8f8c24a9030914756")
		}
		Sr25519Keyring::Dave => {
			hex!("249f8d3e43ba9fa5b5d9e129b86b1302c30251d8521c0ab0cf36b0bcf0823c3b")
		}
		Sr25519Keyring::Eve => {
			hex!("38d7fe46393d65570ce5b260763963db7ac7424426c708c2c5cb078618b5b13a")
		}
		Sr25519Keyring::Ferdie => {
			hex!("4eb4a648089566e79184d530fdcd337a555d56d0f619590591e34de28caae65f")
		}
		_ => panic!("no development encryption key for {who:?}"),
	}
}

/// The ed25519 public keys of the well-known node keys `0x00…01`–`0x00…04` (the secrets
/// `--node-key 0000…0001` etc.): peer ids `12D3KooWEyop…`, `12D3KooWHdiA…`, `12D3KooWSCuf…`,
/// `12D3KooWSsCh…`.
const DEV_NODE_KEYS: [NodeKey; 4] = [
	hex!("4cb5abf6ad79fbf5abbccafcc269d85cd2651ed4b885b5869f241aedf0a5ba29"),
	hex!("7422b9887598068e32c4448a949adb290d0f4e35b9e01b0ee5f1a1e600fe2674"),
	hex!("f381626e41e7027ea431bfe3009e94bdd25a746beec468948d6c3c7c5dc9a54b"),
	hex!("fd50b8e3b144ea244fbf7737f550bc8dd0c2650bbc1aada833ca17ff8dbf329b"),
];

/// The four hospitals' delegates, in order H1–H4.
const DELEGATES: [Sr25519Keyring; 4] =
	[Sr25519Keyring::Alice, Sr25519Keyring::Bob, Sr25519Keyring::Charlie, Sr25519Keyring::Dave];

fn session_keys(who: Sr25519Keyring) -> SessionKeys {
	let ed = match who {
		Sr25519Keyring::Alice => Ed25519Keyring::Alice,
		Sr25519Keyring::Bob => Ed25519Keyring::Bob,
		Sr25519Keyring::Charlie => Ed25519Keyring::Charlie,
		Sr25519Keyring::Dave => Ed25519Keyring::Dave,
		_ => panic!("{who:?} runs no validator"),
	};
	SessionKeys { aura: who.public().into(), grandpa: ed.public().into() }
}

/// The genesis of the four development hospitals.
///
/// `validators`: how many of H1–H4 run a validator (their delegate's account, with the
/// well-known session keys). H1–H4's well-known node keys are the only accepted peers.
/// `sudo`: whether Alice holds the sudo key.
fn hospitals_genesis(validators: usize, sudo: bool) -> Value {
	let organisations: Vec<_> = DELEGATES
		.iter()
		.enumerate()
		.map(|(i, who)| GenesisOrganisation {
			name: alloc::format!("H{}", i + 1),
			delegate: who.to_account_id(),
			delegate_encryption_key: dev_encryption_key(*who).into(),
			validator: (i < validators).then(|| who.to_account_id()),
			nodes: vec![DEV_NODE_KEYS[i].into()],
		})
		.collect();
	let session_keys: Vec<(AccountId, AccountId, SessionKeys)> = DELEGATES[..validators]
		.iter()
		.map(|who| (who.to_account_id(), who.to_account_id(), session_keys(*who)))
		.collect();
	let member = |who: Sr25519Keyring, role| GenesisMember {
		account: who.to_account_id(),
		role,
		encryption_key: dev_encryption_key(who).into(),
	};
	let members = vec![
		member(Sr25519Keyring::Eve, Role::Patient),
		member(Sr25519Keyring::Ferdie, Role::Auditor),
	];
	build_struct_json_patch!(RuntimeGenesisConfig {
		consortium: ConsortiumConfig { organisations, members },
		session: SessionConfig { keys: session_keys },
		sudo: SudoConfig { key: sudo.then(|| Sr25519Keyring::Alice.to_account_id()) },
	})
}

/// The JSON patch of a preset, if `id` names one.
pub fn get_preset(id: &PresetId) -> Option<Vec<u8>> {
	let patch = match id.as_ref() {
		sp_genesis_builder::DEV_RUNTIME_PRESET => hospitals_genesis(1, true),
		sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET => hospitals_genesis(4, false),
		_ => return None,
	};
	Some(serde_json::to_string(&patch).expect("a JSON value serialises; qed").into_bytes())
}

/// The names of the presets.
pub fn preset_names() -> Vec<PresetId> {
	vec![
		PresetId::from(sp_genesis_builder::DEV_RUNTIME_PRESET),
		PresetId::from(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET),
	]
}
