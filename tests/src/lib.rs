//! Helpers for end-to-end tests: start `medledger-node` processes on loopback, talk to them
//! over JSON-RPC, and stop them by pid.
//!
//! The node binary is `$MEDLEDGER_NODE` if set, else `medledger-node` next to the test
//! executable's `deps/` folder (the same cargo target directory and profile).
//!
//! The stories call a gateway through the API's generated client ([`Gateway::client`]);
//! [`Gateway::call`] sends raw JSON, for what the typed client cannot express (malformed
//! parameters, no credential). A long story runs as [`Steps`], so one failing step does not
//! hide the checks after it.

pub mod proxy;

use jsonrpsee::{
	core::ClientError,
	http_client::{HeaderMap, HeaderValue, HttpClient, HttpClientBuilder},
};
use medledger_gateway_api::{
	api::documents::{DocumentsApiClient, UploadState},
	api::members::MembersApiClient,
	values::{Account, Hex32, KeyProof},
};
use serde_json::{json, Value};
use std::{
	future::Future,
	net::TcpListener,
	panic::{catch_unwind, AssertUnwindSafe},
	path::PathBuf,
	process::{Child, Command, Stdio},
	thread::sleep,
	time::{Duration, Instant},
};

/// The node binary under test.
pub fn node_binary() -> PathBuf {
	if let Some(path) = std::env::var_os("MEDLEDGER_NODE") {
		return path.into();
	}
	// Next to a binary of this crate (target/<profile>/), or one level up from a test's
	// target/<profile>/deps/.
	let exe = std::env::current_exe().expect("executable path");
	let dir = exe.parent().expect("executable directory");
	let binary = [dir.join("medledger-node"), dir.parent().unwrap_or(dir).join("medledger-node")]
		.into_iter()
		.find(|path| path.exists())
		.unwrap_or_else(|| dir.join("medledger-node"));
	assert!(
		binary.exists(),
		"{} not found: build it first (cargo build --release -p medledger-node)",
		binary.display()
	);
	binary
}

/// A free TCP port on 127.0.0.1.
pub fn free_port() -> u16 {
	TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// The well-known validators of the `local` chain and their node keys.
pub const LOCAL_VALIDATORS: [(&str, &str); 4] = [
	("alice", "0000000000000000000000000000000000000000000000000000000000000001"),
	("bob", "0000000000000000000000000000000000000000000000000000000000000002"),
	("charlie", "0000000000000000000000000000000000000000000000000000000000000003"),
	("dave", "0000000000000000000000000000000000000000000000000000000000000004"),
];

/// Alice's peer id in `local` (from node key `0x…01`).
pub const ALICE_PEER_ID: &str = "12D3KooWEyoppNCUx8Yx66oV9fJnriXwCcXwDDUA2kj6vnc6iDEp";

/// A running node, killed (by pid) when dropped.
pub struct Node {
	/// Name, for messages.
	pub name: String,
	/// JSON-RPC port on 127.0.0.1.
	pub rpc_port: u16,
	/// libp2p port on 127.0.0.1.
	pub p2p_port: u16,
	args: Vec<String>,
	child: Option<Child>,
}

impl Node {
	/// Starts a node with `args` plus loopback-only listeners and no mDNS or telemetry.
	/// Its log goes to `<base_path>.log`.
	pub fn start(name: &str, base_path: &std::path::Path, args: &[&str]) -> Node {
		Node::start_on_free_ports(name, base_path, args, |p2p_port| {
			vec![format!("--listen-addr=/ip4/127.0.0.1/tcp/{p2p_port}"), "--no-mdns".into()]
		})
	}

	/// Starts a node with `args` and nothing about where to listen or mDNS: the node's own
	/// network defaults (a port of its own, and no telemetry or Prometheus, only).
	pub fn start_with_network_defaults(
		name: &str,
		base_path: &std::path::Path,
		args: &[&str],
	) -> Node {
		Node::start_on_free_ports(name, base_path, args, |p2p_port| {
			vec![format!("--port={p2p_port}")]
		})
	}

	/// Starts a node with `args`, its base path, free RPC and p2p ports (`network` gives
	/// the flags that use the p2p port), and no telemetry or Prometheus.
	fn start_on_free_ports(
		name: &str,
		base_path: &std::path::Path,
		args: &[&str],
		network: impl FnOnce(u16) -> Vec<String>,
	) -> Node {
		let rpc_port = free_port();
		let p2p_port = free_port();
		let mut all: Vec<String> = args.iter().map(|a| a.to_string()).collect();
		all.extend(network(p2p_port));
		all.extend([
			format!("--base-path={}", base_path.display()),
			format!("--rpc-port={rpc_port}"),
			"--no-telemetry".into(),
			"--no-prometheus".into(),
		]);
		let mut node = Node { name: name.into(), rpc_port, p2p_port, args: all, child: None };
		node.spawn(base_path);
		node
	}

	fn spawn(&mut self, base_path: &std::path::Path) {
		let log = std::fs::OpenOptions::new()
			.create(true)
			.append(true)
			.open(base_path.with_extension("log"))
			.unwrap();
		let child = Command::new(node_binary())
			.args(&self.args)
			.stdout(Stdio::null())
			.stderr(log)
			.spawn()
			.expect("start medledger-node");
		self.child = Some(child);
	}

	/// The pid of the running process.
	pub fn pid(&self) -> Option<u32> {
		self.child.as_ref().map(|c| c.id())
	}

	/// SIGKILLs the node (no clean shutdown) and waits for it to exit.
	pub fn kill(&mut self) {
		if let Some(mut child) = self.child.take() {
			let _ = child.kill();
			let _ = child.wait();
		}
	}

	/// Starts the node again with the same arguments, base path and ports.
	pub fn restart(&mut self, base_path: &std::path::Path) {
		assert!(self.child.is_none(), "{} is still running", self.name);
		self.spawn(base_path);
	}

	/// Calls a JSON-RPC method.
	pub fn rpc(&self, method: &str, params: Value) -> Result<Value, String> {
		rpc(self.rpc_port, method, params)
	}

	/// `call` as an extrinsic signed by the development key `uri` (e.g. `//Bob`) with its
	/// next nonce, for this node's chain.
	pub fn signed(&self, uri: &str, call: medledger_runtime::RuntimeCall) -> Vec<u8> {
		let who = sp_core::crypto::Ss58Codec::to_ss58check(&sp_core::Pair::public(&dev_pair(uri)));
		let nonce = self.rpc("system_accountNextIndex", json!([who])).expect("a nonce");
		self.signed_with_nonce(uri, nonce.as_u64().unwrap() as u32, call)
	}

	/// `call` as an extrinsic signed by the development key `uri` with `nonce`, for this
	/// node's chain.
	pub fn signed_with_nonce(
		&self,
		uri: &str,
		nonce: u32,
		call: medledger_runtime::RuntimeCall,
	) -> Vec<u8> {
		let version = self.rpc("state_getRuntimeVersion", json!([])).expect("a version");
		let genesis = self.rpc("chain_getBlockHash", json!([0])).expect("the genesis hash");
		let versions = medledger_chain_client::Versions {
			spec_version: version["specVersion"].as_u64().unwrap() as u32,
			tx_version: version["transactionVersion"].as_u64().unwrap() as u32,
			genesis: genesis.as_str().unwrap().parse().unwrap(),
		};
		medledger_chain_client::sign_extrinsic(&dev_pair(uri), call, nonce, versions)
	}

	/// Waits until the node answers RPC.
	pub fn wait_ready(&self, within: Duration) {
		wait_for(within, &format!("{} to answer RPC", self.name), || {
			self.rpc("system_health", json!([])).ok().map(|_| ())
		});
	}

	/// The number of the node's finalised head.
	pub fn finalized_number(&self) -> Option<u64> {
		let hash = self.rpc("chain_getFinalizedHead", json!([])).ok()?;
		let header = self.rpc("chain_getHeader", json!([hash])).ok()?;
		u64::from_str_radix(header["number"].as_str()?.trim_start_matches("0x"), 16).ok()
	}

	/// The number of the node's best block.
	pub fn best_number(&self) -> Option<u64> {
		let header = self.rpc("chain_getHeader", json!([])).ok()?;
		u64::from_str_radix(header["number"].as_str()?.trim_start_matches("0x"), 16).ok()
	}
}

/// A document of Eve's (a development patient) with `commitment`, its CID made from it:
/// what the load generator and the pool test anchor.
pub fn eves_document(
	commitment: [u8; 32],
) -> pallet_documents::NewDocument<sp_runtime::AccountId32> {
	pallet_documents::NewDocument {
		patient: sp_keyring::Sr25519Keyring::Eve.to_account_id(),
		commitment,
		cid: [&[0x01, 0x55, 0x12, 0x20][..], &commitment].concat(),
		size: 4096,
		media_type: b"application/fhir+json".to_vec(),
		document_type: b"11502-2".to_vec(),
	}
}

/// The development key `uri` (e.g. `//Bob`).
fn dev_pair(uri: &str) -> sp_core::sr25519::Pair {
	<sp_core::sr25519::Pair as sp_core::Pair>::from_string(uri, None).expect("a development key")
}

impl Drop for Node {
	fn drop(&mut self) {
		self.kill();
	}
}

/// Calls a JSON-RPC method on 127.0.0.1:`port` over HTTP.
pub fn rpc(port: u16, method: &str, params: Value) -> Result<Value, String> {
	let body = json!({ "jsonrpc": "2.0", "id": 1, "method": method, "params": params });
	let mut response = ureq::post(&format!("http://127.0.0.1:{port}"))
		.send_json(&body)
		.map_err(|e| e.to_string())?;
	let reply: Value = response.body_mut().read_json().map_err(|e| e.to_string())?;
	match reply.get("error") {
		Some(error) => Err(error.to_string()),
		None => Ok(reply["result"].clone()),
	}
}

/// A fresh directory under the system's temporary directory.
pub fn tempdir() -> PathBuf {
	let dir = std::env::temp_dir().join(format!(
		"medledger-test-{}-{}",
		std::process::id(),
		std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos()
	));
	std::fs::create_dir_all(&dir).unwrap();
	dir
}

/// Starts the four validators of the `local` chain under `dir` (Bob, Charlie and Dave boot
/// from Alice), each with `extra` arguments, and waits until each answers RPC. Returns the
/// nodes and their base paths.
pub fn start_local_net(dir: &std::path::Path, extra: &[&str]) -> (Vec<Node>, Vec<PathBuf>) {
	let mut nodes: Vec<Node> = Vec::new();
	let mut bases = Vec::new();
	for (i, (name, node_key)) in LOCAL_VALIDATORS.iter().enumerate() {
		let base = dir.join(name);
		let flag = format!("--{name}");
		let mut args = vec!["--chain", "local", flag.as_str(), "--node-key", node_key];
		args.extend(extra);
		let bootnode;
		if i > 0 {
			bootnode = format!("/ip4/127.0.0.1/tcp/{}/p2p/{ALICE_PEER_ID}", nodes[0].p2p_port);
			args.extend(["--bootnodes", bootnode.as_str()]);
		}
		nodes.push(Node::start(name, &base, &args));
		bases.push(base);
	}
	for node in &nodes {
		node.wait_ready(Duration::from_secs(180));
	}
	(nodes, bases)
}

/// Polls `check` every half second until it gives a value; panics after `within`.
pub fn wait_for<T>(within: Duration, what: &str, mut check: impl FnMut() -> Option<T>) -> T {
	let deadline = Instant::now() + within;
	loop {
		if let Some(value) = check() {
			return value;
		}
		assert!(Instant::now() < deadline, "gave up waiting for {what} after {within:?}");
		sleep(Duration::from_millis(500));
	}
}

/// The passphrase test gateways' keystores use (never a real one).
pub const TEST_PASSPHRASE: &str = "test passphrase";

/// `bytes` in standard base64, as the portal takes and returns files.
pub fn base64(bytes: &[u8]) -> String {
	use base64::Engine;
	base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// The bytes of a base64 string in a portal result.
pub fn unbase64(value: &Value) -> Vec<u8> {
	use base64::Engine;
	base64::engine::general_purpose::STANDARD.decode(value.as_str().expect("base64")).unwrap()
}

/// The token printed by `medledger-gateway credentials issue`.
pub fn token(issued: &Value) -> String {
	issued["token"].as_str().expect("token").to_string()
}

/// The gateway binary next to the node binary.
pub fn gateway_binary() -> PathBuf {
	node_binary().with_file_name("medledger-gateway")
}

/// Runs a `medledger-gateway` admin subcommand on `data_dir`; returns its JSON output.
pub fn gateway_admin(data_dir: &std::path::Path, args: &[&str]) -> Value {
	let output = Command::new(gateway_binary())
		.args(args)
		.args(["--data-dir", data_dir.to_str().unwrap()])
		.env("MEDLEDGER_KEYSTORE_PASSPHRASE", TEST_PASSPHRASE)
		.output()
		.expect("run medledger-gateway");
	assert!(output.status.success(), "{args:?}: {}", String::from_utf8_lossy(&output.stderr));
	serde_json::from_slice(&output.stdout).expect("JSON output")
}

/// A running gateway process, killed (by pid) when dropped.
pub struct Gateway {
	/// Its JSON-RPC port on 127.0.0.1.
	pub port: u16,
	/// Its embedded IPFS node's port on 127.0.0.1.
	pub ipfs_port: u16,
	args: Vec<String>,
	data_dir: PathBuf,
	child: Option<Child>,
	/// For a gateway serving TLS: the CA its certificate leads to ([`TestPki`]).
	ca: Option<PathBuf>,
}

impl Gateway {
	/// The node URL it was started with (`--node-url`).
	pub fn node_url(&self) -> String {
		let at = self.args.iter().position(|a| a == "--node-url").expect("started with a node");
		self.args[at + 1].clone()
	}

	/// Starts `medledger-gateway run` on `data_dir` against the node's RPC port, with
	/// `extra` arguments, and waits until it serves.
	pub fn start(data_dir: &std::path::Path, node_rpc_port: u16, extra: &[&str]) -> Gateway {
		let (port, ipfs_port) = (free_port(), free_port());
		let mut args: Vec<String> = [
			"run",
			"--data-dir",
			data_dir.to_str().unwrap(),
			"--node-url",
			&format!("ws://127.0.0.1:{node_rpc_port}"),
			"--listen",
			&format!("127.0.0.1:{port}"),
			"--ipfs-listen",
			&format!("/ip4/127.0.0.1/tcp/{ipfs_port}"),
		]
		.map(String::from)
		.to_vec();
		args.extend(extra.iter().map(|a| a.to_string()));
		// A certificate made by `TestPki` has its CA beside it.
		let ca = extra
			.iter()
			.position(|a| *a == "--tls-cert")
			.and_then(|i| extra.get(i + 1))
			.map(|cert| std::path::Path::new(cert).with_file_name(TestPki::CA));
		let mut gateway =
			Gateway { port, ipfs_port, args, data_dir: data_dir.into(), child: None, ca };
		gateway.spawn();
		gateway
	}

	fn spawn(&mut self) {
		let log = std::fs::OpenOptions::new()
			.create(true)
			.append(true)
			.open(self.data_dir.with_extension("log"))
			.unwrap();
		self.child = Some(
			Command::new(gateway_binary())
				.args(&self.args)
				.env("MEDLEDGER_KEYSTORE_PASSPHRASE", TEST_PASSPHRASE)
				.stdout(Stdio::null())
				.stderr(log)
				.spawn()
				.expect("start medledger-gateway"),
		);
		wait_for(Duration::from_secs(60), "the gateway to serve", || match self.ca {
			None => self.call(None, "rpc.discover", json!({})).ok().map(|_| ()),
			// The portal's port opens once everything behind it is up.
			Some(_) => std::net::TcpStream::connect(("127.0.0.1", self.port)).ok().map(|_| ()),
		});
	}

	/// The gateway's endpoint: `http://127.0.0.1:…`, or `https://localhost:…` (the name its
	/// test certificate is for) when it serves TLS.
	pub fn url(&self) -> String {
		match self.ca {
			None => format!("http://127.0.0.1:{}", self.port),
			Some(_) => format!("https://localhost:{}", self.port),
		}
	}

	/// The CA a TLS gateway's certificate leads to.
	pub fn ca(&self) -> Option<&std::path::Path> {
		self.ca.as_deref()
	}

	/// SIGKILLs the gateway and waits for it to exit.
	pub fn kill(&mut self) {
		if let Some(mut child) = self.child.take() {
			let _ = child.kill();
			let _ = child.wait();
		}
	}

	/// Starts the gateway again with the same arguments.
	pub fn restart(&mut self) {
		assert!(self.child.is_none(), "the gateway is still running");
		self.spawn();
	}

	/// Waits until upload `id` is finalised on chain; its document id. Fails at once if the
	/// chain rejected it.
	pub fn finalised(&self, token: &str, upload: u64) -> u64 {
		let c = self.client(token);
		wait_for(Duration::from_secs(300), &format!("upload {upload} to be finalised"), || {
			let status = c.run(c.client.upload_status(upload)).ok()?;
			match status.state {
				UploadState::Finalised { document, .. } => Some(document),
				UploadState::Rejected { .. } => panic!("upload {upload} rejected: {status:?}"),
				_ => None,
			}
		})
	}

	/// The API's generated client of this gateway, presenting `token`.
	pub fn client(&self, token: &str) -> Client {
		let ca = self.ca.as_ref().map(|path| std::fs::read(path).expect("the test CA"));
		Client::new(&self.url(), token, ca.as_deref())
	}

	/// Calls a portal method with raw JSON params and a bearer token; an error comes back
	/// as (code, message). For what the typed client cannot send ([`Gateway::client`]).
	pub fn call(
		&self,
		token: Option<&str>,
		method: &str,
		params: Value,
	) -> Result<Value, (i64, String)> {
		let body = json!({ "jsonrpc": "2.0", "id": 1, "method": method, "params": params });
		let mut request = ureq::post(&format!("http://127.0.0.1:{}", self.port));
		if let Some(token) = token {
			request = request.header("Authorization", &format!("Bearer {token}"));
		}
		let mut response = request.send_json(&body).map_err(|e| (0, e.to_string()))?;
		let reply: Value = response.body_mut().read_json().map_err(|e| (0, e.to_string()))?;
		match reply.get("error") {
			Some(error) => Err((error["code"].as_i64().unwrap_or(0), error["message"].to_string())),
			None => Ok(reply["result"].clone()),
		}
	}
}

impl Gateway {
	/// `PUT /documents?{query}` of `file` with a bearer token: the HTTP status and the JSON
	/// answer (the upload, or a JSON-RPC error object).
	pub fn put_document(&self, token: Option<&str>, query: &str, file: &[u8]) -> (u16, Value) {
		let url = format!("http://127.0.0.1:{}/documents?{query}", self.port);
		let mut request = ureq::put(&url);
		if let Some(token) = token {
			request = request.header("Authorization", &format!("Bearer {token}"));
		}
		let mut response =
			request.config().http_status_as_error(false).build().send(file).expect("PUT answered");
		let status = response.status().as_u16();
		(status, response.body_mut().read_json().expect("a JSON answer"))
	}

	/// `GET /metrics` with a bearer token: the text, or the HTTP status it was refused with.
	/// A scrape held a minute panics: a monitor would have given up on it long before.
	pub fn metrics(&self, token: Option<&str>) -> Result<String, u16> {
		let mut request = ureq::get(&format!("http://127.0.0.1:{}/metrics", self.port));
		if let Some(token) = token {
			request = request.header("Authorization", &format!("Bearer {token}"));
		}
		let request = request.config().timeout_global(Some(Duration::from_secs(60))).build();
		match request.call() {
			Ok(mut response) => Ok(response.body_mut().read_to_string().expect("metrics text")),
			Err(ureq::Error::StatusCode(status)) => Err(status),
			Err(other) => panic!("GET /metrics: {other}"),
		}
	}
}

/// Largest request or reply the typed client sends or reads (a file the gateway accepts, in
/// base64, with room to spare).
const MAX_MESSAGE: u32 = 64 * 1024 * 1024;
/// How long one typed call may take.
const CALL_TIMEOUT: Duration = Duration::from_secs(300);

/// A blocking client of one gateway with one credential: the API's generated client
/// (`MembersApiClient`, `DocumentsApiClient`, … from `medledger_gateway_api::api`) over
/// HTTP, driven on its own one-thread runtime.
///
/// ```ignore
/// let c = gateway.client(&token);
/// let upload = c.run(c.client.upload_status(7))?;
/// ```
pub struct Client {
	/// The generated client: call the API's `…Client` trait methods on it, then [`Client::run`].
	pub client: HttpClient,
	runtime: tokio::runtime::Runtime,
}

impl Client {
	/// A client of the gateway at `url` presenting `token` as its bearer credential,
	/// trusting `ca_pem` (PEM) for an `https://` gateway.
	pub fn new(url: &str, token: &str, ca_pem: Option<&[u8]>) -> Client {
		let mut headers = HeaderMap::new();
		let bearer = HeaderValue::from_str(&format!("Bearer {token}")).expect("a header value");
		headers.insert("Authorization", bearer);
		// A connection per call: the one-thread runtime below runs only during a call, so a
		// pooled connection the gateway closed while idle would be noticed only by the next
		// request sent on it, which would fail.
		headers.insert("Connection", HeaderValue::from_static("close"));
		let runtime = tokio::runtime::Builder::new_current_thread()
			.enable_all()
			.build()
			.expect("a one-thread runtime");
		let client = {
			let _entered = runtime.enter();
			let mut builder = HttpClientBuilder::default()
				.set_headers(headers)
				.max_request_size(MAX_MESSAGE)
				.max_response_size(MAX_MESSAGE)
				.request_timeout(CALL_TIMEOUT);
			if let Some(ca) = ca_pem {
				let tls = medledger_cli::gateway::tls_config(ca).expect("the test CA");
				builder = builder.with_custom_cert_store(tls);
			}
			builder.build(url).expect("an HTTP client")
		};
		Client { client, runtime }
	}

	/// Runs one call of the generated client to completion; the gateway's error comes back
	/// as its (code, message), any other failure (transport, a reply that does not decode
	/// as the declared type) as (0, what went wrong).
	pub fn run<T>(
		&self,
		call: impl Future<Output = Result<T, ClientError>>,
	) -> Result<T, (i64, String)> {
		self.runtime.block_on(call).map_err(|error| match error {
			ClientError::Call(refused) => (refused.code() as i64, refused.message().to_string()),
			other => (0, other.to_string()),
		})
	}
}

/// `text` (SS58 or `0x` hex) as the API's account value.
pub fn account(text: &str) -> Account {
	Account::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

/// The steps of a story, run in order: a failing step is recorded (with its panic message)
/// and the story goes on, so one failure does not hide the checks after it; the story fails
/// at [`Steps::finish`] listing every failed step. A step that later ones depend on runs
/// with [`Steps::need`], which ends the story at once if it fails.
#[derive(Default)]
pub struct Steps {
	failed: Vec<String>,
}

impl Steps {
	/// No steps run yet.
	pub fn new() -> Steps {
		Steps::default()
	}

	/// Runs `step`; its value, or `None` (recorded as failed) if it panicked.
	pub fn check<T>(&mut self, name: &str, step: impl FnOnce() -> T) -> Option<T> {
		eprintln!("step: {name}");
		match catch_unwind(AssertUnwindSafe(step)) {
			Ok(value) => Some(value),
			Err(panic) => {
				let message = panic
					.downcast_ref::<String>()
					.cloned()
					.or_else(|| panic.downcast_ref::<&str>().map(|m| m.to_string()))
					.unwrap_or_else(|| "(no message)".into());
				eprintln!("step failed: {name}: {message}");
				self.failed.push(format!("{name}: {message}"));
				None
			}
		}
	}

	/// Runs `step`, which later steps depend on; if it fails, the story ends here, listing
	/// every failed step so far.
	pub fn need<T>(&mut self, name: &str, step: impl FnOnce() -> T) -> T {
		match self.check(name, step) {
			Some(value) => value,
			None => {
				self.failed.push(format!("(the steps after `{name}` depend on it: not run)"));
				self.finish();
				unreachable!("finish panics on a failed step")
			}
		}
	}

	/// Ends the story: panics listing every failed step, if any.
	pub fn finish(&mut self) {
		let failed = std::mem::take(&mut self.failed);
		assert!(failed.is_empty(), "{} failed step(s):\n{}", failed.len(), failed.join("\n"));
	}
}

impl Drop for Steps {
	fn drop(&mut self) {
		if self.failed.is_empty() {
			return;
		}
		if std::thread::panicking() {
			// The story panicked outside its steps: still name the steps that failed before.
			eprintln!("failed steps before the story panicked:\n{}", self.failed.join("\n"));
		} else {
			self.finish();
		}
	}
}

impl Gateway {
	/// Subscribes to the gateway's notifications over WebSocket with `token`; they collect
	/// in the returned list as they arrive.
	pub fn subscribe(&self, token: &str) -> Notifications {
		use tungstenite::Message;
		let (mut socket, _) = tungstenite::connect(self.websocket_request(Some(token)))
			.expect("WebSocket connection");
		let subscribe =
			json!({ "jsonrpc": "2.0", "id": 1, "method": "subscribe_events", "params": [] });
		socket.send(Message::text(subscribe.to_string())).unwrap();
		let seen = Notifications::default();
		let sink = seen.clone();
		std::thread::spawn(move || {
			while let Ok(message) = socket.read() {
				let Ok(text) = message.to_text() else { continue };
				let Ok(value) = serde_json::from_str::<Value>(text) else { continue };
				if value["method"] == "events" {
					sink.0.lock().unwrap().push(value["params"]["result"].clone());
				}
			}
		});
		seen
	}

	/// The HTTP status with which the gateway refuses to open a WebSocket for `token`, or
	/// `None` if it opens one.
	pub fn websocket_refusal(&self, token: Option<&str>) -> Option<u16> {
		self.websocket_refused(token).map(|(status, _)| status)
	}

	/// A WebSocket handshake's refusal with `token`: its HTTP status and its
	/// `WWW-Authenticate` challenge, if any; `None` if it was accepted.
	pub fn websocket_refused(&self, token: Option<&str>) -> Option<(u16, Option<String>)> {
		match tungstenite::connect(self.websocket_request(token)) {
			Ok(_) => None,
			Err(tungstenite::Error::Http(response)) => {
				let challenge = response.headers().get("www-authenticate");
				let challenge = challenge.map(|c| c.to_str().expect("ASCII").to_string());
				Some((response.status().as_u16(), challenge))
			}
			Err(other) => panic!("WebSocket handshake failed otherwise: {other}"),
		}
	}

	fn websocket_request(&self, token: Option<&str>) -> tungstenite::handshake::client::Request {
		use tungstenite::client::IntoClientRequest;
		let mut request = format!("ws://127.0.0.1:{}", self.port).into_client_request().unwrap();
		if let Some(token) = token {
			request
				.headers_mut()
				.insert("Authorization", format!("Bearer {token}").parse().unwrap());
		}
		request
	}
}

/// Notifications received by a subscriber, in order.
#[derive(Clone, Default)]
pub struct Notifications(std::sync::Arc<std::sync::Mutex<Vec<Value>>>);

impl Notifications {
	/// What has arrived so far.
	pub fn received(&self) -> Vec<Value> {
		self.0.lock().unwrap().clone()
	}

	/// The kinds received so far.
	pub fn kinds(&self) -> std::collections::BTreeSet<String> {
		self.received().iter().filter_map(|n| n["kind"].as_str().map(str::to_string)).collect()
	}
}

impl Drop for Gateway {
	fn drop(&mut self) {
		self.kill();
	}
}

/// A hospital's gateway in a test, with its data directory and administrator credential.
pub struct Hospital {
	/// The running gateway.
	pub gateway: Gateway,
	/// Its data directory (for `gateway_admin`).
	pub dir: PathBuf,
	/// Its delegate's (administrator's) token.
	pub admin: String,
}

impl Hospital {
	/// Hospital `organisation`, whose delegate (administrator) is the dev key `delegate`: its
	/// keystore under `dir`, its administrator's credential, and its gateway against the node
	/// at `node_rpc_port` with `extra` arguments.
	pub fn start(
		dir: &std::path::Path,
		organisation: &str,
		delegate: &str,
		node_rpc_port: u16,
		extra: &[&str],
	) -> Hospital {
		gateway_admin(dir, &["keys", "init", "--organisation", organisation, "--dev", delegate]);
		let node = format!("ws://127.0.0.1:{node_rpc_port}");
		let admin = token(&gateway_admin(
			dir,
			&["credentials", "issue", "--key", delegate, "--node-url", &node],
		));
		let gateway = Gateway::start(dir, node_rpc_port, extra);
		Hospital { gateway, dir: dir.into(), admin }
	}

	/// A credential at this gateway for `account` (SS58) in `role` (patient or auditor).
	pub fn credential(&self, account: &str, role: &str) -> String {
		let node = self.gateway.node_url();
		token(&gateway_admin(
			&self.dir,
			&["credentials", "issue", "--account", account, "--role", role, "--node-url", &node],
		))
	}

	/// A patient whose keys the CLI makes in `key_file`, registered by this hospital's
	/// (organisation `organisation`'s) administrator with her signed key statement (for this
	/// hospital, on this chain), with a patient credential here.
	pub fn register_patient(&self, organisation: &str, key_file: &std::path::Path) -> PatientCli {
		let folder = key_file.parent().expect("the key file's folder");
		std::fs::create_dir_all(folder).expect("the key file's folder");
		let mut cli = PatientCli {
			key_file: key_file.into(),
			gateway: self.gateway.url(),
			token: String::new(),
			account: String::new(),
			trust: raw_chain_spec(folder, "dev"),
			ca_file: self.gateway.ca().map(PathBuf::from),
		};
		let identity = cli.ok(&["keys", "init"]);
		cli.account = identity["account"].as_str().expect("account").to_string();
		let statement = cli.ok(&["keys", "statement", "--hospital", organisation]);
		let encryption_key: Hex32 =
			serde_json::from_value(statement["encryptionKey"].clone()).expect("encryption key");
		let proof: KeyProof = serde_json::from_value(statement["proof"].clone()).expect("proof");
		let c = self.gateway.client(&self.admin);
		c.run(c.client.patient_register(account(&cli.account), encryption_key, proof))
			.expect("patient registered");
		cli.token = self.credential(&cli.account, "patient");
		cli
	}

	/// What another hospital's gateway needs to peer with this one's IPFS node: its address
	/// (`/ip4/127.0.0.1/tcp/…/p2p/…`) and the swarm key file.
	pub fn ipfs_peering(&self) -> (String, PathBuf) {
		let peer = gateway_admin(&self.dir, &["keys", "show"])["ipfsPeerId"]
			.as_str()
			.expect("peer id")
			.to_string();
		let address = format!("/ip4/127.0.0.1/tcp/{}/p2p/{peer}", self.gateway.ipfs_port);
		(address, self.dir.join("ipfs/swarm.key"))
	}
}

/// Gateway arguments that peer its IPFS node with `peer` over the swarm key `swarm_key`.
pub fn peer_args<'a>(peer: &'a str, swarm_key: &'a std::path::Path) -> [&'a str; 4] {
	["--ipfs-peer", peer, "--swarm-key", swarm_key.to_str().expect("UTF-8 path")]
}

/// A dev node (archive state) and two hospitals' gateways on loopback: H1 (Alice's,
/// organisation 1) and H2 (Bob's, organisation 2), H2's IPFS node peered with H1's over
/// H1's swarm key, so H2 fetches H1's ciphertexts.
pub struct TwoHospitals {
	/// The dev node.
	pub node: Node,
	/// Alice's hospital.
	pub h1: Hospital,
	/// Bob's hospital.
	pub h2: Hospital,
}

impl TwoHospitals {
	/// Starts the node and both gateways under `dir`.
	pub fn start(dir: &std::path::Path) -> TwoHospitals {
		let node = Node::start(
			"dev",
			&dir.join("node"),
			&[
				"--dev",
				"--state-pruning",
				"archive-canonical",
				"--blocks-pruning",
				"archive-canonical",
			],
		);
		node.wait_ready(Duration::from_secs(120));
		let h1 = Hospital::start(&dir.join("h1"), "1", "alice", node.rpc_port, &[]);
		let (peer, swarm_key) = h1.ipfs_peering();
		let h2 = Hospital::start(
			&dir.join("h2"),
			"2",
			"bob",
			node.rpc_port,
			&peer_args(&peer, &swarm_key),
		);
		TwoHospitals { node, h1, h2 }
	}

	/// A patient registered at H1 ([`Hospital::register_patient`]).
	pub fn register_patient(&self, key_file: &std::path::Path) -> PatientCli {
		self.h1.register_patient("1", key_file)
	}
}

/// Chain `chain`'s (`dev`, `local`) raw spec, written into `dir` (what a patient trusts the
/// chain by).
pub fn raw_chain_spec(dir: &std::path::Path, chain: &str) -> PathBuf {
	let built = Command::new(node_binary())
		.args(["build-spec", "--chain", chain, "--raw"])
		.output()
		.expect("build-spec");
	assert!(built.status.success(), "build-spec: {}", String::from_utf8_lossy(&built.stderr));
	let spec = dir.join(format!("{chain}-spec.json"));
	std::fs::write(&spec, &built.stdout).expect("write the chain spec");
	spec
}

/// A certificate authority made for a test, and a gateway certificate it signed for
/// `localhost` and 127.0.0.1, as PEM files in one folder (a gateway started with
/// `--tls-cert` one of these finds its CA beside it).
pub struct TestPki {
	/// The CA's certificate.
	pub ca: PathBuf,
	/// The gateway's certificate.
	pub cert: PathBuf,
	/// The gateway's private key.
	pub key: PathBuf,
}

impl TestPki {
	/// The CA certificate's file name.
	const CA: &'static str = "ca.pem";

	/// Makes a CA and a signed gateway certificate in `dir`.
	pub fn new(dir: &std::path::Path) -> TestPki {
		use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair, KeyUsagePurpose};
		std::fs::create_dir_all(dir).expect("the PKI folder");
		let ca_key = KeyPair::generate().expect("a CA key");
		let mut ca = CertificateParams::new(Vec::<String>::new()).expect("CA parameters");
		ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
		ca.distinguished_name.push(DnType::CommonName, "MedLedger test CA");
		ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
		let ca = ca.self_signed(&ca_key).expect("the CA certificate");
		let key = KeyPair::generate().expect("a gateway key");
		let leaf = CertificateParams::new(vec!["localhost".into(), "127.0.0.1".into()])
			.expect("gateway certificate parameters")
			.signed_by(&key, &ca, &ca_key)
			.expect("the gateway certificate");
		let pki = TestPki {
			ca: dir.join(Self::CA),
			cert: dir.join("gateway.pem"),
			key: dir.join("gateway-key.pem"),
		};
		for (path, pem) in
			[(&pki.ca, ca.pem()), (&pki.cert, leaf.pem()), (&pki.key, key.serialize_pem())]
		{
			std::fs::write(path, pem).expect("a PEM file");
		}
		pki
	}

	/// The gateway arguments that serve TLS with this certificate.
	pub fn gateway_args(&self) -> [&str; 4] {
		["--tls-cert", self.cert.to_str().unwrap(), "--tls-key", self.key.to_str().unwrap()]
	}
}

/// The passphrase of test patients' key files.
pub const PATIENT_PASSPHRASE: &str = "patient passphrase";

/// A patient's `medledger` command line, with their key file, gateway and credential.
#[derive(Clone)]
pub struct PatientCli {
	/// The key file (`MEDLEDGER_KEY_FILE`).
	pub key_file: PathBuf,
	/// The gateway URL.
	pub gateway: String,
	/// The patient's credential at that gateway.
	pub token: String,
	/// The patient's account (SS58).
	pub account: String,
	/// What the patient trusts the chain by (`MEDLEDGER_TRUST`): the dev chain's raw spec.
	pub trust: PathBuf,
	/// The CA of a gateway serving TLS (`MEDLEDGER_CA_FILE`).
	pub ca_file: Option<PathBuf>,
}

impl PatientCli {
	/// Runs `medledger --json ARGS`; its exit code and JSON output.
	pub fn run(&self, args: &[&str]) -> (i32, Value) {
		let mut command = Command::new(node_binary().with_file_name("medledger"));
		if let Some(ca) = &self.ca_file {
			command.env("MEDLEDGER_CA_FILE", ca);
		}
		let output = command
			.arg("--json")
			.args(args)
			.env("MEDLEDGER_KEY_FILE", &self.key_file)
			.env("MEDLEDGER_GATEWAY", &self.gateway)
			.env("MEDLEDGER_TOKEN", &self.token)
			.env("MEDLEDGER_TRUST", &self.trust)
			.env("MEDLEDGER_PASSPHRASE", PATIENT_PASSPHRASE)
			.output()
			.expect("run medledger");
		let stdout = String::from_utf8_lossy(&output.stdout);
		let value = serde_json::from_str(&stdout).unwrap_or_else(|_| {
			panic!("{args:?}: not JSON: {stdout} / {}", String::from_utf8_lossy(&output.stderr))
		});
		(output.status.code().unwrap_or(-1), value)
	}

	/// Runs `medledger --json ARGS`, which must succeed; its JSON output.
	pub fn ok(&self, args: &[&str]) -> Value {
		let (code, value) = self.run(args);
		assert_eq!(code, 0, "{args:?}: {value}");
		value
	}
}

/// Milliseconds since the Unix epoch (consent windows are in chain time, which follows it).
pub fn now_ms() -> u64 {
	std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as u64
}

/// Ferdie, the auditor of the development presets (`dev` and `local`).
pub const FERDIE: &str = "5CiPPseXPECbkjWCa6MnjNokrgYjMqmKndv2rSnekmSK2DjL";
/// Eve, a patient of the development presets.
pub const EVE: &str = "5HGjWAeFDfFCWPsjFQdVV2Msvz2XtMktvgocEZcCj68kUMaw";
/// Bob, H2's delegate (administrator) in the development presets.
pub const BOB: &str = "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty";

#[cfg(test)]
mod tests {
	use super::Steps;
	use std::panic::{catch_unwind, AssertUnwindSafe};

	fn message(panic: Box<dyn std::any::Any + Send>) -> String {
		panic.downcast_ref::<String>().cloned().unwrap_or_default()
	}

	#[test]
	fn a_failing_step_does_not_hide_the_later_ones() {
		let mut steps = Steps::new();
		assert_eq!(steps.check("first", || -> u8 { panic!("first broke") }), None);
		assert_eq!(steps.check("second", || 2), Some(2));
		steps.check("third", || assert_eq!(1, 2, "third broke"));
		let failed = message(catch_unwind(AssertUnwindSafe(|| steps.finish())).unwrap_err());
		assert!(failed.starts_with("2 failed step(s)"), "{failed}");
		assert!(failed.contains("first: first broke") && failed.contains("third broke"));
		assert!(!failed.contains("second"), "{failed}");
	}

	#[test]
	fn a_needed_step_that_fails_ends_the_story() {
		let mut steps = Steps::new();
		steps.check("first", || panic!("first broke"));
		let failed = catch_unwind(AssertUnwindSafe(|| {
			steps.need("needed", || -> u8 { panic!("needed broke") });
			unreachable!("the story goes on after a failed needed step");
		}));
		let failed = message(failed.unwrap_err());
		assert!(failed.contains("first broke") && failed.contains("needed broke"), "{failed}");
		assert!(failed.contains("depend on it"), "{failed}");
		assert_eq!(steps.check("passes", || 1), Some(1));
		steps.finish();
	}
}
