//! The gateway under abuse, against one dev node and one hospital's gateway. Each step plays
//! an adversary:
//! - **a stranger with a socket** declares a 100 MiB body, or streams 64 KiB in chunks; **a
//!   member** declares a body over the upload limit: refused before it is read, never a hang;
//! - **a broken or hostile client, with or without a credential**, calls every method with
//!   each parameter malformed (a 1 MiB string, out-of-range numbers, wrong types, 100 000
//!   nested arrays, a bad account, bad hex, bad base64): each call is refused as documented
//!   within the hang bound, memory stays bounded, nothing reaches the queues or the chain;
//! - **a stranger holding sockets** (200 idle, 200 WebSocket upgrades without a credential,
//!   each refused 401) does not keep a member out, and an idle socket is closed; **a host
//!   opening sockets until refused** gets a quarter of the gateway's, and a member on
//!   another address is answered meanwhile;
//! - **a member hoarding connections** (an app gone wrong, a stolen token): one credential
//!   holds a bounded number of WebSockets, the next is refused 429; another member is
//!   unaffected, and closing the connections frees them.

use medledger_gateway::limits::{
	CONNECTIONS_PER_ADDRESS, CONNECTIONS_PER_CREDENTIAL, FIRST_REQUEST_TIMEOUT,
};
use medledger_gateway_api::{codes, ErrorKind, METHODS};
use medledger_tests::{
	gateway_admin, tempdir, token, wait_for, Hospital, Node, Steps, EVE, FERDIE,
};
use serde_json::{json, Value};
use sp_crypto_hashing::twox_128;
use std::{
	collections::BTreeMap,
	io::{ErrorKind as Io, Read, Write},
	net::TcpStream,
	time::{Duration, Instant},
};
use tungstenite::{client::IntoClientRequest, Message, WebSocket};

const PATIENCE: Duration = Duration::from_secs(120);
/// An answer later than this counts as a hang. Not a latency goal: those live in benchmarks.
const HANG: Duration = Duration::from_secs(10);
/// A refusal before the body is read needs no more than this (raw sockets' read timeout).
const PROMPT: Duration = Duration::from_secs(5);
/// The largest file here (1 MiB): the upload limit is about twice that, far below 100 MiB.
const MAX_FILE: &str = "1048576";

/// How the gateway answered one HTTP request: an HTTP status other than 200 (refused before
/// any method ran), a JSON-RPC error's code, or a result.
#[derive(Debug, PartialEq)]
enum Answer {
	Refused(u16),
	Error(i64),
	Success,
}

/// The node, H1's gateway, and a credential for each kind of member.
struct Story {
	node: Node,
	h1: Hospital,
	patient: String,
	clinician: String,
	auditor: String,
	/// Reports HTTP refusals as statuses; gives up on an answer after [`HANG`].
	http: ureq::Agent,
}

impl Story {
	fn start() -> Story {
		let dir = tempdir();
		let node = Node::start("dev", &dir.join("node"), &["--dev"]);
		node.wait_ready(PATIENCE);
		// A high rate limit: the matrix makes ~750 calls per credential, and each must reach
		// the checks behind the limiter, not be turned away by it.
		let args = ["--max-file-size", MAX_FILE, "--rate-limit", "1000"];
		let h1 = Hospital::start(&dir.join("h1"), "1", "alice", node.rpc_port, &args);
		h1.gateway
			.call(Some(&h1.admin), "staff_register", json!({ "name": "doc", "role": "clinician" }))
			.expect("clinician registered");
		let node_url = h1.gateway.node_url();
		let issue = ["credentials", "issue", "--key", "doc", "--node-url", &node_url];
		let clinician = token(&gateway_admin(&h1.dir, &issue));
		let (patient, auditor) = (h1.credential(EVE, "patient"), h1.credential(FERDIE, "auditor"));
		let http = ureq::Agent::config_builder()
			.timeout_global(Some(HANG))
			.timeout_await_100(Some(HANG / 2))
			.http_status_as_error(false)
			.build()
			.new_agent();
		Story { node, h1, patient, clinician, auditor, http }
	}

	/// POSTs `body` (raw JSON text) with `token`: how the gateway answered, or why not.
	fn post(&self, token: Option<&str>, body: &str) -> Result<Answer, String> {
		let mut request = self
			.http
			.post(&self.h1.gateway.url())
			.header("Content-Type", "application/json")
			// The client waits for the go-ahead before sending a body, so a body refused
			// unread comes back as its status, not as a reset of a socket no longer read.
			.header("Expect", "100-continue");
		if let Some(token) = token {
			request = request.header("Authorization", &format!("Bearer {token}"));
		}
		let mut response = request.send(body).map_err(|e| e.to_string())?;
		let status = response.status().as_u16();
		if status != 200 {
			return Ok(Answer::Refused(status));
		}
		let reply: Value = response.body_mut().read_json().map_err(|e| e.to_string())?;
		Ok(match reply.get("error") {
			Some(error) => Answer::Error(error["code"].as_i64().unwrap_or(0)),
			None => Answer::Success,
		})
	}

	/// Bodies too large are refused unread: declared (with a credential or not), or streamed.
	fn oversize_bodies_are_refused(&self) {
		let port = self.h1.gateway.port;
		let head = |extra: &str| {
			format!(
				"POST / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n\
				 Connection: close\r\n{extra}\r\n"
			)
		};
		// 100 MiB declared, nothing sent: only an answer given without the body can come.
		let declared = "Content-Length: 104857600\r\n";
		let stranger = exchange(port, head(declared).as_bytes());
		assert_eq!(status(&stranger), 413, "{stranger}");
		let bearer = format!("{declared}Authorization: Bearer {}\r\n", self.clinician);
		let member = exchange(port, head(&bearer).as_bytes());
		assert_eq!(status(&member), 413, "{member}");
		// 64 KiB in chunks, no credential: `rpc.discover`, which anyone may call, padded with
		// whitespace — it would succeed if the gateway read it all.
		let padding = " ".repeat(64 * 1024);
		let body = format!(r#"{{"jsonrpc":"2.0","id":1,{padding}"method":"rpc.discover"}}"#);
		let mut request = head("Transfer-Encoding: chunked\r\n").into_bytes();
		for chunk in body.as_bytes().chunks(4096) {
			request.extend(format!("{:x}\r\n", chunk.len()).bytes());
			request.extend(chunk);
			request.extend(b"\r\n");
		}
		request.extend(b"0\r\n\r\n");
		let streamed = exchange(port, &request);
		assert_eq!(status(&streamed), 413, "{streamed:.500}");
	}

	/// Every method but the subscription, by every kind of caller, each parameter set to each
	/// bad value (the others left out): refused as documented, in bounded time and memory.
	fn bad_input_is_refused(&self) {
		let gateway = gateway_pid(self.h1.gateway.port);
		// "5" resets the peak (VmHWM) to the resident size now, so the peak after the calls
		// is one reached during them.
		std::fs::write(format!("/proc/{gateway}/clear_refs"), "5").expect("the peak reset");
		let rss_before = memory_kib(gateway, "VmRSS");
		let callers = [
			("no credential", None),
			("a patient", Some(self.patient.as_str())),
			("a clinician", Some(self.clinician.as_str())),
			("an administrator", Some(self.h1.admin.as_str())),
			("an auditor", Some(self.auditor.as_str())),
		];
		// The API's documented codes but the internal error (bad input is the caller's fault),
		// and JSON-RPC's own for a body that is not JSON or not a request.
		let internal = i64::from(ErrorKind::Internal.code());
		let mut documented: Vec<i64> = codes().iter().map(|c| i64::from(c.code)).collect();
		documented.retain(|code| *code != internal);
		documented.extend([-32700, -32600]);
		let values = bad_values();
		let (mut calls, mut slowest, mut failures) = (0, (Duration::ZERO, String::new()), vec![]);
		let mut tally = BTreeMap::<String, usize>::new();
		for method in METHODS.iter().filter(|m| !m.subscription) {
			// A parameter that takes any text (its schema is a bare string) may well take a
			// short garbage string: only there may such a call succeed.
			let free_text: Vec<&str> = (method.params)(&mut Default::default())
				.into_iter()
				.filter(|p| {
					serde_json::to_value(&p.schema).ok() == Some(json!({ "type": "string" }))
				})
				.map(|p| p.name)
				.collect();
			for param in method.param_names {
				for (label, raw, short_text) in &values {
					let body = format!(
						r#"{{"jsonrpc":"2.0","id":1,"method":"{}","params":{{"{param}":{raw}}}}}"#,
						method.name
					);
					for (who, token) in &callers {
						calls += 1;
						let started = Instant::now();
						let answer = self.post(*token, &body);
						let call = format!("{} with {param} = {label} by {who}", method.name);
						slowest = slowest.max((started.elapsed(), call.clone()));
						// 429 would mean the rate limit (set high here) answered instead of
						// the method: not a refusal of the input.
						let refused_as_documented = match &answer {
							Ok(Answer::Refused(status)) => [400, 401, 403, 413].contains(status),
							Ok(Answer::Error(code)) => documented.contains(code),
							Ok(Answer::Success) => *short_text && free_text.contains(param),
							Err(_) => false,
						};
						let kind = answer.as_ref().map_or("no answer".into(), |a| format!("{a:?}"));
						*tally.entry(kind).or_default() += 1;
						if !refused_as_documented {
							failures.push(format!("{call}: {answer:?}"));
						}
					}
				}
			}
		}
		// The peak, not the resident size at the end: memory taken and given back between
		// two samples counts too.
		let peak_after = memory_kib(gateway, "VmHWM");
		eprintln!("{calls} calls: {tally:?}; slowest answer {:?}: {}", slowest.0, slowest.1);
		eprintln!(
			"gateway: VmRSS {} MiB before, peak {} MiB during",
			rss_before >> 10,
			peak_after >> 10
		);
		let grown = peak_after.saturating_sub(rss_before) >> 10;
		assert!(
			failures.is_empty() && grown < 256,
			"memory grew by {grown} MiB; {} of {calls} calls not refused as documented:\n{}",
			failures.len(),
			failures[..failures.len().min(20)].join("\n")
		);
	}

	/// Nothing sent so far was accepted: no upload, no audit entry queued, no chain record.
	fn nothing_was_written(&self, before: &[(&'static str, Value)]) {
		let gw = &self.h1.gateway;
		let upload = gw.call(Some(&self.clinician), "upload_status", json!({ "id": 1 }));
		let unknown = i64::from(ErrorKind::UnknownUpload.code());
		assert_eq!(upload.expect_err("no upload accepted").0, unknown);
		let metrics = gw.metrics(Some(&self.h1.admin)).expect("metrics for the administrator");
		for empty in ["medledger_uploads_pending 0", "medledger_audit_queued 0"] {
			assert!(metrics.contains(empty), "{metrics}");
		}
		// What the gateway writes itself (registrations, consents, relays) it answers once the
		// write is in the best block; the rest goes through the queues just found empty. So
		// the best block shows now any write a call caused.
		assert_eq!(chain_records(&self.node), before);
	}

	/// Outsiders hold 200 idle sockets (kept open past the member's call, returned for the
	/// next step) and try 200 WebSockets without a credential: refused 401; a member gets in.
	fn idle_sockets_do_not_lock_out_a_member(&self) -> Vec<TcpStream> {
		let gw = &self.h1.gateway;
		let idle: Vec<TcpStream> = (0..200)
			.map(|_| TcpStream::connect(("127.0.0.1", gw.port)).expect("a socket"))
			.collect();
		for _ in 0..200 {
			assert_eq!(gw.websocket_refusal(None), Some(401), "no WebSocket without a credential");
		}
		let member = gw.call(Some(&self.clinician), "member_get", json!({ "account": EVE }));
		assert_eq!(member.expect("the clinician is answered")["account"], EVE);
		idle
	}

	/// A host (127.0.0.3) opens sockets past the bound per address, as fast as it can: the
	/// gateway keeps the first [`CONNECTIONS_PER_ADDRESS`] (closing them only when they stay
	/// silent) and closes the rest at once; a member on 127.0.0.1 is answered meanwhile.
	fn one_address_cannot_take_every_socket(&self) {
		let gateway = std::net::SocketAddr::from(([127, 0, 0, 1], self.h1.gateway.port));
		let extra = 20;
		let runtime =
			tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
		// tokio binds before connecting; the sockets are then read as plain non-blocking ones.
		let sockets: Vec<TcpStream> = runtime.block_on(async {
			let mut sockets = Vec::new();
			for _ in 0..CONNECTIONS_PER_ADDRESS + extra {
				let socket = tokio::net::TcpSocket::new_v4().expect("a socket");
				socket.bind(([127, 0, 0, 3], 0).into()).expect("bound to 127.0.0.3");
				let connected = socket.connect(gateway).await.expect("the kernel takes it");
				sockets.push(connected.into_std().expect("a std socket"));
			}
			sockets
		});
		let member =
			self.h1.gateway.call(Some(&self.clinician), "member_get", json!({ "account": EVE }));
		assert_eq!(member.expect("the clinician is answered")["account"], EVE);
		// Well within the silent sockets' wait: the ones kept are open, the rest closed.
		std::thread::sleep(Duration::from_secs(2));
		assert!(FIRST_REQUEST_TIMEOUT > Duration::from_secs(4));
		// A closed socket reads end of file (or a reset); an open, silent one would block.
		let open = |mut socket: &TcpStream| matches!(socket.read(&mut [0; 1]), Err(e) if e.kind() == Io::WouldBlock);
		let closed = sockets.iter().filter(|socket| !open(socket)).count();
		assert_eq!(closed, extra, "sockets closed of {} from one address", sockets.len());
	}

	/// A patient's credential opens WebSockets until refused: a bounded number, then 429 (for
	/// its HTTP requests too). A clinician is unaffected; closing them lets the patient in.
	fn connections_per_credential_are_bounded(&self) {
		let port = self.h1.gateway.port;
		let mut held = Vec::new();
		let refused = loop {
			match websocket(port, &self.patient) {
				Ok(socket) => held.push(socket),
				Err(status) => break status,
			}
			assert!(
				held.len() <= 4 * CONNECTIONS_PER_CREDENTIAL,
				"{} open, none refused",
				held.len()
			);
		};
		assert_eq!((held.len(), refused), (CONNECTIONS_PER_CREDENTIAL, 429));
		let member_get = format!(
			r#"{{"jsonrpc":"2.0","id":1,"method":"member_get","params":{{"account":"{EVE}"}}}}"#
		);
		assert_eq!(self.post(Some(&self.patient), &member_get), Ok(Answer::Refused(429)));
		let mut clinician = websocket(port, &self.clinician).expect("the clinician connects");
		let reply = call_over(&mut clinician, "member_get", json!({ "account": EVE }));
		assert_eq!(reply["result"]["account"], EVE, "{reply}");
		// The gateway sees the sockets close and frees their slots.
		drop(held);
		let mut again = wait_for(Duration::from_secs(30), "the patient to connect again", || {
			websocket(port, &self.patient).ok()
		});
		let reply = call_over(&mut again, "member_get", json!({ "account": EVE }));
		assert_eq!(reply["result"]["account"], EVE, "{reply}");
	}
}

/// Bad values as raw JSON text, and whether each is a short string (free text may take it).
fn bad_values() -> Vec<(&'static str, String, bool)> {
	vec![
		("a 1 MiB string", format!("\"{}\"", "x".repeat(1 << 20)), false),
		("1e300", "1e300".into(), false),
		("2^64", "18446744073709551616".into(), false),
		("-1", "-1".into(), false),
		("true", "true".into(), false),
		("[]", "[]".into(), false),
		("{}", "{}".into(), false),
		// Raw text: serde_json would refuse (or overflow on) a value this deep before sending.
		("100 000 nested arrays", format!("{}{}", "[".repeat(100_000), "]".repeat(100_000)), false),
		("a bad SS58 account", format!("\"5Grwva{}\"", "x".repeat(42)), true),
		("bad hex", r#""0xzz""#.into(), true),
		("bad base64", r#""@@@""#.into(), true),
	]
}

/// Sends `request` on a new socket and reads the gateway's answer, until it closes the
/// socket (asked to by `Connection: close`); fails if nothing comes back within [`PROMPT`].
fn exchange(port: u16, request: &[u8]) -> String {
	let mut socket = TcpStream::connect(("127.0.0.1", port)).expect("a socket");
	socket.set_read_timeout(Some(PROMPT)).unwrap();
	// The gateway may answer, and close, before all of it is sent: its answer is what counts.
	let _ = socket.write_all(request);
	let (mut answer, mut buffer) = (Vec::new(), [0; 8192]);
	loop {
		match socket.read(&mut buffer) {
			Ok(0) => break,
			Ok(read) => answer.extend_from_slice(&buffer[..read]),
			// After an answer: a reset for what it did not read, or the socket left open.
			Err(_) if !answer.is_empty() => break,
			Err(e) => panic!("no answer within {PROMPT:?}: {e}"),
		}
	}
	String::from_utf8_lossy(&answer).into_owned()
}

/// The status code of an HTTP answer.
fn status(answer: &str) -> u16 {
	let code = answer.split_whitespace().nth(1).and_then(|code| code.parse().ok());
	code.unwrap_or_else(|| panic!("no HTTP status line: {answer:?}"))
}

/// A WebSocket to the gateway presenting `token`, or the HTTP status refusing it. Its reads
/// time out after [`HANG`], so a silent gateway fails the test instead of hanging it.
fn websocket(port: u16, token: &str) -> Result<WebSocket<TcpStream>, u16> {
	let stream = TcpStream::connect(("127.0.0.1", port)).expect("a socket");
	stream.set_read_timeout(Some(HANG)).unwrap();
	let mut request = format!("ws://127.0.0.1:{port}").into_client_request().unwrap();
	request.headers_mut().insert("Authorization", format!("Bearer {token}").parse().unwrap());
	match tungstenite::client(request, stream) {
		Ok((socket, _)) => Ok(socket),
		Err(tungstenite::HandshakeError::Failure(tungstenite::Error::Http(response))) => {
			Err(response.status().as_u16())
		}
		Err(other) => panic!("WebSocket handshake failed otherwise: {other}"),
	}
}

/// Calls `method` over `socket`; the reply.
fn call_over(socket: &mut WebSocket<TcpStream>, method: &str, params: Value) -> Value {
	let request = json!({ "jsonrpc": "2.0", "id": 7, "method": method, "params": params });
	socket.send(Message::text(request.to_string())).expect("sent");
	loop {
		// Skipping anything else (a ping) until the answer.
		let message = socket.read().expect("an answer within the hang bound");
		if let Ok(reply) = serde_json::from_str(message.to_text().unwrap_or_default()) {
			return reply;
		}
	}
}

/// The gateway closes a socket that sends no request within `FIRST_REQUEST_TIMEOUT` (thrice
/// that here, for a loaded machine): else enough idle sockets take every connection it allows.
fn idle_socket_is_closed(mut idle: Vec<TcpStream>) {
	let bound = FIRST_REQUEST_TIMEOUT * 3;
	idle[0].set_read_timeout(Some(bound)).unwrap();
	// A reset is a close too: only a timeout means the socket is still held.
	let held = idle[0]
		.read(&mut [0; 64])
		.is_err_and(|e| matches!(e.kind(), Io::WouldBlock | Io::TimedOut));
	assert!(!held, "an idle socket is still open after {bound:?}");
}

/// What a write through the gateway would change, at the best block: the document and consent
/// counters, the member registry and the audit trails' heads. The chain's per-block state
/// (timestamps, block usage) is left out: it changes whatever the gateway does.
fn chain_records(node: &Node) -> Vec<(&'static str, Value)> {
	let key = |pallet: &str, item: &str| {
		let (pallet, item) = (twox_128(pallet.as_bytes()), twox_128(item.as_bytes()));
		format!("0x{}{}", hex::encode(pallet), hex::encode(item))
	};
	let read = |method: &str, params: Value| {
		node.rpc(method, params).unwrap_or_else(|e| panic!("{method}: {e}"))
	};
	let value = |pallet: &str, item: &str| read("state_getStorage", json!([key(pallet, item)]));
	// Keys listed up to 1000: a fresh dev chain has a handful.
	let keys =
		|pallet: &str, item: &str| read("state_getKeysPaged", json!([key(pallet, item), 1000]));
	vec![
		("Documents.DocumentCount", value("Documents", "DocumentCount")),
		("Consent.ConsentCount", value("Consent", "ConsentCount")),
		("Consortium.Members", keys("Consortium", "Members")),
		// Every trail head: a new entry changes its patient's (the entries are in blocks).
		(
			"Audit.Trails",
			json!(keys("Audit", "Trails").as_array().map(|keys| {
				keys.iter().map(|key| read("state_getStorage", json!([key]))).collect::<Vec<_>>()
			})),
		),
	]
}

/// The gateway's pid (the harness keeps its process to itself): the process whose command
/// line listens on the gateway's port.
fn gateway_pid(port: u16) -> u32 {
	let listen = format!("127.0.0.1:{port}");
	std::fs::read_dir("/proc")
		.expect("/proc")
		.filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<u32>().ok())
		.find(|pid| {
			let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
			let args: Vec<&[u8]> = cmdline.split(|byte| *byte == 0).collect();
			args.windows(2).any(|w| w[0] == b"--listen" && w[1] == listen.as_bytes())
		})
		.expect("the gateway's process")
}

/// A memory figure of process `pid`, in KiB, from its status: `VmRSS` (resident now) or
/// `VmHWM` (the resident peak), as `VmRSS:   1234 kB`.
fn memory_kib(pid: u32, field: &str) -> u64 {
	let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("its status");
	let prefix = format!("{field}:");
	let value = status.lines().find_map(|line| line.strip_prefix(&prefix)).expect(field);
	value.trim().trim_end_matches("kB").trim().parse().expect("a size in kB")
}

#[test]
fn strangers_and_members_cannot_hang_or_exhaust_the_gateway() {
	let story = Story::start();
	let mut steps = Steps::new();
	let before = steps.need("read the chain's records", || chain_records(&story.node));
	steps.check("oversize bodies are refused unread", || story.oversize_bodies_are_refused());
	steps.check("bad input is refused as documented", || story.bad_input_is_refused());
	steps.check("nothing reached the queues or the chain", || story.nothing_was_written(&before));
	let idle = steps.check("idle sockets do not lock a member out", || {
		story.idle_sockets_do_not_lock_out_a_member()
	});
	if let Some(idle) = idle {
		steps.check("an idle socket is closed", || idle_socket_is_closed(idle));
	}
	steps.check("connections per credential are bounded", || {
		story.connections_per_credential_are_bounded()
	});
	steps.check("one address cannot take every socket", || {
		story.one_address_cannot_take_every_socket()
	});
	steps.finish();
}
