//! `medledger`: the patient's command line. See the crate docs and the README.

use anyhow::Context;
use clap::{Parser, Subcommand};
use medledger_cli::{
	gateway::Gateway,
	keys::{self, PatientKeys},
	patient::{self, Decision},
	proven,
};
use medledger_gateway_api::api::consent::Consent;
use medledger_gateway_api::values::rfc3339;
use medledger_verifier::{ProofBundle, TrustedSet};
use serde_json::{json, Value};
use sp_core::crypto::Ss58Codec;
use std::{io::IsTerminal, path::PathBuf, process::ExitCode};

#[derive(Parser)]
#[command(
	name = "medledger",
	version,
	about = "A patient's keys, records, consent and proofs on MedLedger."
)]
struct Cli {
	/// Print results as JSON (for scripts).
	#[arg(long, global = true)]
	json: bool,
	/// The key file.
	#[arg(long, global = true, env = "MEDLEDGER_KEY_FILE", default_value = "medledger-key.json")]
	key_file: PathBuf,
	/// The gateway of the patient's hospital.
	#[arg(long, global = true, env = "MEDLEDGER_GATEWAY", default_value = "http://127.0.0.1:8545")]
	gateway: String,
	/// The patient credential the hospital issued.
	#[arg(long, global = true, env = "MEDLEDGER_TOKEN", hide_env_values = true)]
	token: Option<String>,
	/// A CA certificate (PEM) the gateway's `https://` certificate may lead to, besides the
	/// platform's roots (a hospital's own CA).
	#[arg(long, global = true, env = "MEDLEDGER_CA_FILE")]
	ca_file: Option<PathBuf>,
	/// The consortium's trust file (`medledger trust`) or raw chain spec: every chain fact
	/// the gateway tells is checked against it.
	#[arg(long, global = true, env = "MEDLEDGER_TRUST", default_value = "medledger-trust.json")]
	trust: PathBuf,
	#[command(subcommand)]
	command: Command,
}

#[derive(Subcommand)]
enum Command {
	/// Create or show the patient's keys.
	#[command(subcommand)]
	Keys(KeysCommand),
	/// List my documents.
	Documents,
	/// Fetch and decrypt one of my documents.
	Fetch {
		/// The document id.
		id: u64,
		/// Where to write the file.
		#[arg(long)]
		out: PathBuf,
	},
	/// Show who accessed my records, and check the trail is complete.
	Trail,
	/// List consent requests waiting for my decision.
	Requests,
	/// Grant a consent request (wrapping the covered documents' keys for the hospital).
	/// Exit code 10: granted, but the documents anchored just before the grant are not
	/// wrapped yet (`wrap` finishes it).
	Grant {
		/// The consent id.
		id: u64,
	},
	/// Wrap again, for a consent I granted, the keys of the documents it covers up to its
	/// grant (`grant` does this once the grant is final; for when that step failed).
	Wrap {
		/// The consent id.
		id: u64,
	},
	/// Deny a consent request.
	Deny {
		/// The consent id.
		id: u64,
	},
	/// Revoke a consent I granted.
	Revoke {
		/// The consent id.
		id: u64,
	},
	/// Let a hospital break the glass on me again before the bar my revocation of its
	/// emergency access set has run out.
	LiftHold {
		/// The hospital (organisation id).
		#[arg(long)]
		hospital: u32,
	},
	/// Get a proof bundle of one of my documents (with the salt, for verifying the file).
	Proof {
		/// The document id.
		id: u64,
		/// Where to write the bundle.
		#[arg(long)]
		out: PathBuf,
	},
	/// Verify a file against a proof bundle, offline. Exit codes: 0 verified, 2 usage or
	/// unreadable file, 3 malformed bundle or trust file, 4 another chain or authority set,
	/// 5 finality (justification), 6 header or header chain, 7 storage proof or record,
	/// 8 the file or salt does not match.
	Verify {
		/// The document file.
		file: PathBuf,
		/// The proof bundle.
		#[arg(long)]
		proof: PathBuf,
	},
	/// Write a trust file (the genesis authority set) from the consortium's raw chain spec;
	/// or, with --advance, follow the trust file (--trust) across the changes of validators
	/// since its set, each proved by the set before it (asks the gateway for the proofs).
	Trust {
		/// The raw chain spec (`medledger-node build-spec --chain … --raw`).
		#[arg(long, required_unless_present = "advance", conflicts_with = "advance")]
		chain_spec: Option<PathBuf>,
		/// Advance the trust file to the current authority set.
		#[arg(long)]
		advance: bool,
		/// Where to write the trust file (default with --advance: the trust file itself).
		#[arg(long, required_unless_present = "advance")]
		out: Option<PathBuf>,
	},
}

#[derive(Subcommand)]
enum KeysCommand {
	/// Create new keys in the key file (asks for a passphrase, or MEDLEDGER_PASSPHRASE).
	Init,
	/// Show my account and the public keys a hospital admin registers for me.
	Show,
	/// Sign the statement a hospital admin needs to register my keys: that the encryption
	/// key is mine, for this hospital, on the chain the trust file (or raw chain spec)
	/// names.
	Statement {
		/// The registering hospital's id.
		#[arg(long)]
		hospital: u32,
	},
	/// Change my encryption key: writes a new key file (same account, new encryption key)
	/// and registers the new key on chain. The hospitals that issued my documents then wrap
	/// their keys to it, so the new file alone opens them; keep the old file until `fetch`
	/// works with the new one.
	Rotate {
		/// Where to write the new key file (it must not exist yet).
		#[arg(long)]
		out: PathBuf,
	},
}

fn main() -> ExitCode {
	let cli = Cli::parse();
	match run(&cli) {
		Ok(code) => code,
		Err(error) => {
			if cli.json {
				println!("{}", json!({ "ok": false, "error": format!("{error:#}") }));
			} else {
				eprintln!("error: {error:#}");
			}
			ExitCode::from(1)
		}
	}
}

fn passphrase(confirm: bool) -> anyhow::Result<String> {
	if let Ok(passphrase) = std::env::var("MEDLEDGER_PASSPHRASE") {
		return Ok(passphrase);
	}
	let first = rpassword::prompt_password("Passphrase: ")?;
	if confirm && rpassword::prompt_password("Again: ")? != first {
		anyhow::bail!("the passphrases differ");
	}
	Ok(first)
}

fn run(cli: &Cli) -> anyhow::Result<ExitCode> {
	let show = |value: Value, human: &dyn Fn(&Value)| {
		if cli.json {
			println!("{}", serde_json::to_string_pretty(&value).expect("JSON"));
		} else {
			human(&value);
		}
	};
	let trusted = || -> anyhow::Result<TrustedSet> {
		let text = std::fs::read_to_string(&cli.trust)
			.with_context(|| format!("reading the trust file {}", cli.trust.display()))?;
		Ok(TrustedSet::from_json(&text)?)
	};
	let gateway = || -> anyhow::Result<Gateway> {
		let token =
			cli.token.as_deref().context("no credential: pass --token or set MEDLEDGER_TOKEN")?;
		let ca = match &cli.ca_file {
			Some(path) => {
				Some(std::fs::read(path).with_context(|| format!("reading {}", path.display()))?)
			}
			None => None,
		};
		if cli.gateway.starts_with("http://") && !medledger_cli::gateway::is_loopback(&cli.gateway)
		{
			eprintln!(
				"warning: {} is plain HTTP to another computer: your credential and records cross \
				 the network readable. Ask your hospital for its https:// address.",
				cli.gateway
			);
		}
		let mut gw = Gateway::new(&cli.gateway, token, ca.as_deref())?;
		gw.progress = !cli.json && std::io::stderr().is_terminal();
		// Listing needs no trust file; whatever acts on a chain fact refuses without one.
		gw.trust = cli.trust.exists().then(trusted).transpose()?;
		Ok(gw)
	};
	let open_keys = || PatientKeys::open(&cli.key_file, &passphrase(false)?);
	let me = || -> anyhow::Result<sp_runtime::AccountId32> {
		let identity = keys::identity(&cli.key_file)?;
		sp_runtime::AccountId32::from_ss58check(&identity.account)
			.map_err(|_| anyhow::anyhow!("the key file's account is malformed"))
	};
	match &cli.command {
		Command::Keys(KeysCommand::Init) => {
			let keys = PatientKeys::generate();
			keys.save(&cli.key_file, &passphrase(true)?)?;
			show(serde_json::to_value(keys.identity())?, &|v| {
				println!("Keys created in {}.", cli.key_file.display());
				print_identity(v);
			});
		}
		Command::Keys(KeysCommand::Show) => {
			show(serde_json::to_value(keys::identity(&cli.key_file)?)?, &print_identity);
		}
		Command::Keys(KeysCommand::Statement { hospital }) => {
			let genesis = trusted()?.genesis_hash;
			let keys = open_keys()?;
			let proof = keys.key_proof(*hospital, genesis);
			let identity = keys.identity();
			let statement = json!({
				"account": identity.account,
				"encryptionKey": identity.encryption_key,
				"hospital": hospital,
				"genesis": format!("0x{}", hex::encode(genesis)),
				"proof": format!("0x{}", hex::encode(codec::Encode::encode(&proof))),
			});
			show(statement, &|v| {
				println!("Give this to hospital {hospital}'s administrator to register you:");
				println!("{}", serde_json::to_string_pretty(v).unwrap_or_default());
			});
		}
		Command::Keys(KeysCommand::Rotate { out }) => {
			let passphrase = passphrase(false)?;
			let new = PatientKeys::open(&cli.key_file, &passphrase)?.with_new_encryption_key();
			let gw = gateway()?;
			// The new key is kept before the chain knows it, so it is never lost.
			new.save(out, &passphrase)?;
			let written = patient::change_key(&gw, &new).with_context(|| {
				format!(
					"the new key file {} was written but the key is not registered; your old \
					 key file still opens your documents",
					out.display()
				)
			})?;
			let identity = serde_json::to_value(new.identity())?;
			show(
				json!({ "ok": true, "keyFile": out, "identity": identity, "relayed": written }),
				&|v| {
					println!("Encryption key changed; the new key file is {}.", out.display());
					print_identity(&v["identity"]);
				},
			);
		}
		Command::Documents => {
			let docs = patient::documents(&gateway()?, &me()?)?;
			show(serde_json::to_value(&docs)?, &|v| {
				for d in v.as_array().into_iter().flatten() {
					println!(
						"{:>6}  {}  hospital {}  {}  {} bytes  {}",
						d["id"],
						d["documentType"].as_str().unwrap_or(""),
						d["organisation"],
						d["mediaType"].as_str().unwrap_or(""),
						d["size"],
						d["status"]["state"].as_str().unwrap_or("")
					);
				}
			});
		}
		Command::Fetch { id, out } => {
			let (opened, record, _) = patient::fetch(&gateway()?, &open_keys()?, *id)?;
			std::fs::write(out, &opened.plaintext)
				.with_context(|| format!("writing {}", out.display()))?;
			show(json!({ "ok": true, "document": record, "out": out }), &|_| {
				println!(
					"Document {id} decrypted and checked against its anchor: {} bytes written to {}.",
					opened.plaintext.len(),
					out.display()
				)
			});
		}
		Command::Trail => {
			let trail = patient::trail(&gateway()?, &me()?)?;
			let problem = trail.check.as_ref().err().map(serde_json::to_value).transpose()?;
			let value = json!({
				"entries": trail.entries,
				"head": { "seq": trail.head.seq, "head": format!("0x{}", hex::encode(trail.head.head)) },
				"complete": trail.check.is_ok(),
				"problem": problem,
			});
			show(value, &|v| {
				for e in v["entries"].as_array().into_iter().flatten() {
					println!(
						"{:>5}  {}  {}  hospital {}  {} {}  {}",
						e["seq"],
						e["at"],
						e["actor"].as_str().unwrap_or(""),
						e["organisation"],
						e["action"].as_str().unwrap_or(""),
						e["subject"],
						e["outcome"]["result"].as_str().unwrap_or("")
					);
				}
				match &trail.check {
					Ok(()) => println!(
						"Trail complete: {} entries, hash chain verified up to the head proved \
						 at block #{}.",
						trail.head.seq, trail.proved_at
					),
					Err(p) => println!(
						"TRAIL BROKEN: {}",
						proven::NotTheChain(format!("the trail it listed {p}"))
					),
				}
			});
			if trail.check.is_err() {
				return Ok(ExitCode::from(9));
			}
		}
		Command::Requests => {
			let requests = patient::requests(&gateway()?, &me()?)?;
			show(serde_json::to_value(&requests)?, &|v| {
				for c in v.as_array().into_iter().flatten() {
					println!(
						"{:>5}  hospital {}  purpose {}  scope {}  until {}",
						c["id"],
						c["organisation"],
						c["purpose"].as_str().unwrap_or(""),
						c["scope"],
						c["window"]["to"]
					);
				}
			});
		}
		Command::Grant { id } | Command::Deny { id } | Command::Revoke { id } => {
			let decision = match &cli.command {
				Command::Grant { .. } => Decision::Grant,
				Command::Deny { .. } => Decision::Deny,
				_ => Decision::Revoke,
			};
			let confirm = |c: &Consent| -> anyhow::Result<bool> {
				if cli.json || !std::io::stdin().is_terminal() {
					return Ok(true);
				}
				println!("Consent {id}, as proved on chain:");
				print_terms(c);
				print!("Grant exactly this? [y/N] ");
				std::io::Write::flush(&mut std::io::stdout())?;
				let mut answer = String::new();
				std::io::stdin().read_line(&mut answer)?;
				Ok(answer.trim().eq_ignore_ascii_case("y"))
			};
			let decided = patient::decide(&gateway()?, &open_keys()?, *id, decision, confirm)?;
			show(
				json!({
					"ok": true, "consent": id, "decision": format!("{decision:?}"),
					"relayed": decided.written, "granted": decided.granted,
					"wrappedAfterGrant": decided.late_wraps.as_ref().ok(),
					"wrapError": decided.late_wraps.as_ref().err(),
				}),
				&|_| {
					println!("{decision:?} of consent {id} signed and included in a block.");
					if let Some(c) = &decided.granted {
						println!("Granted, and accepted by the chain for exactly these terms:");
						print_terms(c);
					}
					match &decided.late_wraps {
						Ok(late) if late.is_empty() => {}
						Ok(late) => println!(
							"Documents anchored just before the grant, wrapped once it was final: \
							 {late:?}"
						),
						Err(error) => println!(
							"Granted, but the documents anchored just before the grant are not \
							 wrapped yet ({error}): run `medledger wrap {id}`."
						),
					}
				},
			);
			if decided.late_wraps.is_err() {
				return Ok(ExitCode::from(10));
			}
		}
		Command::Wrap { id } => {
			let wrapped = patient::wrap_granted(&gateway()?, &open_keys()?, *id)?;
			show(json!({ "ok": true, "consent": id, "wrapped": wrapped }), &|_| {
				println!("Keys of documents {wrapped:?} wrapped for consent {id}'s hospital.")
			});
		}
		Command::LiftHold { hospital } => {
			let written = patient::lift_break_glass_hold(&gateway()?, &open_keys()?, *hospital)?;
			show(json!({ "ok": true, "hospital": hospital, "relayed": written }), &|_| {
				println!("Hospital {hospital} may break the glass again: signed and included.")
			});
		}
		Command::Proof { id, out } => {
			let bundle = patient::proof(&gateway()?, &open_keys()?, *id)?;
			std::fs::write(out, bundle.to_json())
				.with_context(|| format!("writing {}", out.display()))?;
			show(json!({ "ok": true, "out": out, "block": bundle.block.number }), &|_| {
				println!(
					"Proof bundle of document {id} (block #{}) written to {}.",
					bundle.block.number,
					out.display()
				)
			});
		}
		Command::Verify { file, proof } => return Ok(verify(cli.json, file, proof, &cli.trust)),
		Command::Trust { chain_spec, advance, out } => {
			let set = match chain_spec {
				Some(spec) => TrustedSet::from_json(
					&std::fs::read_to_string(spec)
						.with_context(|| format!("reading {}", spec.display()))?,
				)?,
				None => {
					debug_assert!(advance, "clap requires --chain-spec or --advance");
					let is_spec = std::fs::read_to_string(&cli.trust)
						.ok()
						.and_then(|text| serde_json::from_str::<Value>(&text).ok())
						.is_some_and(|v| v.get("format").is_none());
					if is_spec && out.is_none() {
						anyhow::bail!(
							"{} is a chain spec: give --out for the advanced trust file",
							cli.trust.display()
						);
					}
					proven::advanced(&gateway()?, trusted()?)?
				}
			};
			let out = out.as_ref().unwrap_or(&cli.trust);
			std::fs::write(out, serde_json::to_string_pretty(&set)?)?;
			show(serde_json::to_value(&set)?, &|_| {
				println!(
					"Trust file for chain 0x{} (authority set {}, {} authorities) written to {}.",
					hex::encode(set.genesis_hash),
					set.set_id,
					set.authorities.len(),
					out.display()
				)
			});
		}
	}
	Ok(ExitCode::SUCCESS)
}

/// A consent's terms, as proved on chain.
fn print_terms(c: &Consent) {
	println!("  hospital {}, purpose {:?}", c.organisation, c.purpose);
	println!("  documents {}", serde_json::to_string(&c.scope).unwrap_or_default());
	println!("  read {}, amend {}", c.actions.read, c.actions.write);
	println!("  from {} to {}", rfc3339(c.window.from), rfc3339(c.window.to));
}

fn print_identity(v: &Value) {
	println!("Account:        {}", v["account"].as_str().unwrap_or(""));
	println!("Signing key:    {}", v["signingKey"].as_str().unwrap_or(""));
	println!("Encryption key: {}", v["encryptionKey"].as_str().unwrap_or(""));
}

/// `medledger verify`: reads the three files, verifies, prints the verdict; the exit code.
fn verify(json: bool, file: &PathBuf, proof: &PathBuf, trust: &PathBuf) -> ExitCode {
	let read = |path: &PathBuf| std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()));
	let inputs = (|| Ok::<_, String>((read(file)?, read(proof)?, read(trust)?)))();
	let (file, proof, trust) = match inputs {
		Ok(inputs) => inputs,
		Err(error) => {
			report(json, Err((2, "unreadable".into(), error)));
			return ExitCode::from(2);
		}
	};
	let outcome = (|| {
		let bundle = ProofBundle::from_json(&String::from_utf8_lossy(&proof))?;
		let trusted = TrustedSet::from_json(&String::from_utf8_lossy(&trust))?;
		medledger_verifier::verify(&bundle, &trusted, Some(&file))
	})();
	match outcome {
		Ok(v) => {
			let record = &v.record;
			report(
				json,
				Ok(json!({
					"document": v.document,
					"patient": sp_runtime::AccountId32::from(record.patient).to_ss58check(),
					"organisation": record.org,
					"author": sp_runtime::AccountId32::from(record.author).to_ss58check(),
					"commitment": format!("0x{}", hex::encode(record.commitment)),
					"documentType": String::from_utf8_lossy(&record.document_type),
					"createdAt": record.created_at,
					"status": format!("{:?}", record.status),
					"batch": v.batch,
					"block": v.block.1,
					"finalisedBlock": v.finalised.1,
					"finalisedHash": format!("0x{}", hex::encode(v.finalised.0)),
				})),
			);
			ExitCode::SUCCESS
		}
		Err(failure) => {
			let code = failure.exit_code();
			report(json, Err((code, failure.kind().into(), failure.to_string())));
			ExitCode::from(code as u8)
		}
	}
}

fn report(json: bool, outcome: Result<Value, (i32, String, String)>) {
	match (json, outcome) {
		(true, Ok(v)) => println!("{}", json!({ "verified": true, "anchor": v })),
		(true, Err((code, kind, message))) => {
			println!(
				"{}",
				json!({ "verified": false, "exitCode": code, "failure": kind, "message": message })
			)
		}
		(false, Ok(v)) => {
			println!("VERIFIED: the file is document {} as anchored on chain.", v["document"]);
			println!(
				"  patient {}, hospital {}, type {}, anchored at {} ms, status {}",
				v["patient"].as_str().unwrap_or(""),
				v["organisation"],
				v["documentType"].as_str().unwrap_or(""),
				v["createdAt"],
				v["status"].as_str().unwrap_or("")
			);
			if let Some(batch) = v["batch"].as_u64() {
				println!("  one of rooted batch {batch}: its leaf and Merkle path lead to the batch's root");
			}
			println!(
				"  proved in block #{}, finalised by GRANDPA at #{} {}",
				v["block"],
				v["finalisedBlock"],
				v["finalisedHash"].as_str().unwrap_or("")
			);
		}
		(false, Err((_, _, message))) => println!("NOT VERIFIED: {message}"),
	}
}
