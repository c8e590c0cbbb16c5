#!/usr/bin/env python3
"""Weft's network anchors on asyncio / uvloop (issue 9): the cases the shared anchors
(shared/bench/anchors/py_bench.py) do not have, with the same conventions (one case per process,
one result line, perf_counter timing, RSS from /proc/self/status and resource.getrusage).

Usage: /usr/bin/python3 py_bench_net.py --loop asyncio|uvloop --case NAME [--n N]

Each case prints exactly one result line:
  case=<name> loop=<loop> n=<N> seconds=<s> rate=<ops/s> unit=... peak_rss_mb=<MB> [...]

Cases:
  idle_conns     n client connections (default 10,000) to a server on 127.0.0.1 in the same loop, opened one
                 after another with a do-nothing Protocol (the server's Protocol only counts); once the server
                 has seen all n and nothing moves: KB per connection = RSS delta / n (current RSS after
                 gc.collect(), and peak RSS = ru_maxrss), against the RSS after the server was made.
                 A connection = a client transport + its server transport (2 sockets). Then closes all and
                 checks the fd count is back. Raises the soft fd limit to the hard one; n must fit (2n + ~20).
  connects_seq   n cycles (default 10,000), one after another: create_connection; connection_made writes 64
                 bytes; data_received closes once 64 came back; the cycle ends at the client's connection_lost.
                 The server (same loop) echoes and closes on EOF. rate = cycles/s. fd count checked after (back to the count before, less the listener).
  connects_conc  the same, 100 client tasks each doing n/100 cycles one after another.
  echo_tls       TLS echo: 100 client connections with ssl= (TLS 1.3, an RSA-2048 certificate for 127.0.0.1 made by
                 the openssl CLI into a temporary directory; the client checks the hostname), each doing n/100
                 round trips of 64 bytes (default n = 50,000) with Protocols on both sides, as py_bench.py's
                 echo_proto_both. Connects and handshakes come before the clock starts. rate = round trips/s.
  echo_plain     the same program without TLS, for the ratio measured in the same run.
  tls_handshakes n connections (default 500) to a TLS server in the same loop (the echo server), one after another:
                 create_connection(ssl=) (a full TLS 1.3 handshake, RSA-2048, the client checking the hostname;
                 the client never offers a session to resume, checked with session_reused), close(), and wait
                 for connection_lost. rate = handshakes/s.
  plain_connects the same cycle without TLS, for the ratio (rate = connections/s).
  tls_bulk       one TLS connection: the client writes n MiB (default 64) in writes of 256 KiB as flow control lets
                 it (pause_writing/resume_writing); the server echoes, pausing its reading while its writing is
                 paused; done when the client has read everything back. rate = MiB/s of payload.
  plain_bulk     the same transfer without TLS.
  idle_conns_tls idle_conns over TLS (both ends; the server counts a connection once its handshake is done).

Weft's side of each case: io.weft.bench.IdleConnections (--tls for idle_conns_tls), io.weft.bench.ConnectBench,
io.weft.bench.TlsEchoBench, io.weft.bench.TlsHandshakeBench and io.weft.bench.TlsBulkBench.
"""
import argparse
import asyncio
import gc
import os
import resource
import ssl
import subprocess
import tempfile
import time

DEFAULTS = {
    "idle_conns": 10_000,
    "connects_seq": 10_000,
    "connects_conc": 10_000,
    "echo_tls": 50_000,
    "echo_plain": 50_000,
    "tls_handshakes": 500,
    "plain_connects": 500,
    "tls_bulk": 64,
    "plain_bulk": 64,
    "idle_conns_tls": 2_000,
}

MSG = b"x" * 64
CLIENTS = 100


def peak_rss_mb():
    # Linux: ru_maxrss is in KiB
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def cur_rss_mb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


def fd_count():
    return len(os.listdir("/proc/self/fd"))


def raise_fd_limit():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


class EchoServerProtocol(asyncio.Protocol):
    """As py_bench.py's: writes back what it receives; closes on EOF (eof_received returns None)."""

    def connection_made(self, transport):
        self.transport = transport

    def data_received(self, data):
        self.transport.write(data)


# ---- idle connections
class CountingProtocol(asyncio.Protocol):
    def __init__(self, state, n, done):
        self.state = state
        self.n = n
        self.done = done

    def connection_made(self, transport):
        self.state[0] += 1
        if self.state[0] == self.n and not self.done.done():
            self.done.set_result(None)


async def case_idle_conns(n):
    return await _idle(n, False)


async def case_idle_conns_tls(n):
    return await _idle(n, True)


async def _idle(n, tls):
    limit = raise_fd_limit()
    if 2 * n + 20 > limit:
        raise SystemExit(f"idle_conns: n={n} needs about {2 * n + 20} fds, the limit is {limit}")
    loop = asyncio.get_running_loop()
    made = [0]
    all_made = loop.create_future()
    server_ctx, client_ctx = tls_contexts() if tls else (None, None)
    server = await loop.create_server(lambda: CountingProtocol(made, n, all_made), "127.0.0.1", 0, backlog=1024,
                                      ssl=server_ctx)
    port = server.sockets[0].getsockname()[1]
    fds0 = fd_count()
    gc.collect()
    base = cur_rss_mb()
    t0 = time.perf_counter()
    clients = []
    for _ in range(n):
        tr, _ = await loop.create_connection(asyncio.Protocol, "127.0.0.1", port, ssl=client_ctx)
        clients.append(tr)
    await all_made
    dt = time.perf_counter() - t0
    await asyncio.sleep(0.05)  # idle
    fds_open = fd_count()
    gc.collect()
    after = cur_rss_mb()
    peak = peak_rss_mb()
    for tr in clients:
        tr.close()
    server.close()
    await server.wait_closed()
    for _ in range(100):  # 3.11's wait_closed does not wait for the connections: let them go
        if fd_count() == fds0 - 1:
            break
        await asyncio.sleep(0.02)
    fds1 = fd_count()
    if fds_open - fds0 != 2 * n:
        raise SystemExit(f"idle_conns: expected {2 * n} more fds with every connection open, got {fds_open - fds0}")
    if fds1 != fds0 - 1:
        raise SystemExit(f"idle_conns: fd leak: {fds0} before (listener included), {fds1} after closing all")
    extra = {
        "rss_kb_per_conn": round((after - base) * 1024 / n, 3),
        "peak_kb_per_conn": round((peak - base) * 1024 / n, 3),
        "base_rss_mb": round(base, 1),
        "fds_open": fds_open,
        "fds_before": fds0,
        "fds_after_close": fds1,
    }
    return dt, n, "connects/s", extra


# ---- connects
class OneTripProtocol(asyncio.Protocol):
    def __init__(self, lost):
        self.lost = lost
        self.got = 0

    def connection_made(self, transport):
        self.transport = transport
        transport.write(MSG)

    def data_received(self, data):
        self.got += len(data)
        if self.got >= len(MSG):
            self.transport.close()

    def connection_lost(self, exc):
        if self.got == len(MSG):
            self.lost.set_result(None)
        else:
            self.lost.set_exception(RuntimeError(f"connection lost after {self.got} of {len(MSG)} bytes: {exc!r}"))


async def _cycle(loop, port):
    lost = loop.create_future()
    await loop.create_connection(lambda: OneTripProtocol(lost), "127.0.0.1", port)
    await lost


async def _connects(n, clients):
    loop = asyncio.get_running_loop()
    server = await loop.create_server(EchoServerProtocol, "127.0.0.1", 0, backlog=1024)
    port = server.sockets[0].getsockname()[1]
    # counted with the listener open: uvloop (libuv) opens a spare /dev/null with its first server and keeps it
    fds0 = fd_count()
    per = n // clients

    async def client():
        for _ in range(per):
            await _cycle(loop, port)
        return per

    t0 = time.perf_counter()
    if clients == 1:
        done = await client()
    else:
        done = sum(await asyncio.gather(*[client() for _ in range(clients)]))
    dt = time.perf_counter() - t0
    assert done == per * clients
    server.close()
    await server.wait_closed()
    for _ in range(100):  # 3.11's wait_closed does not wait for the connections: let them go
        if fd_count() == fds0 - 1:
            break
        await asyncio.sleep(0.02)
    fds1 = fd_count()
    if fds1 != fds0 - 1:
        raise SystemExit(f"connects: fd leak after {done} cycles: {fds0} fds with the server listening before,"
                         f" {fds1} after closing it (expected {fds0 - 1})")
    return dt, done, "cycles/s", {"clients": clients, "fds_before": fds0, "fds_after": fds1}


async def case_connects_seq(n):
    return await _connects(n, 1)


async def case_connects_conc(n):
    return await _connects(n, CLIENTS)


# ---- echo, plain and TLS
def tls_contexts():
    """A server and a client context for a fresh self-signed RSA-2048 certificate for 127.0.0.1 and localhost."""
    d = tempfile.mkdtemp(prefix="weft-anchor-tls")
    key, cert = os.path.join(d, "key.pem"), os.path.join(d, "cert.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                    "-days", "2", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
                   check=True, capture_output=True)
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(cert, key)
    client = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # check_hostname and CERT_REQUIRED by default
    client.load_verify_locations(cert)
    for f in (key, cert):
        os.unlink(f)
    os.rmdir(d)
    return server, client


class EchoClientProtocol(asyncio.Protocol):
    """Sends 64 bytes, and again each time 64 came back, until `rounds`; then closes and counts down."""

    def __init__(self, rounds, remaining, done):
        self.rounds = rounds
        self.remaining = remaining
        self.done = done
        self.got = 0
        self.count = 0

    def connection_made(self, transport):
        self.transport = transport

    def start(self):
        self.transport.write(MSG)

    def data_received(self, data):
        self.got += len(data)
        while self.got >= len(MSG):
            self.got -= len(MSG)
            self.count += 1
            if self.count == self.rounds:
                self.transport.close()
                self.remaining[0] -= 1
                if self.remaining[0] == 0:
                    self.done.set_result(None)
                return
            self.transport.write(MSG)


async def _echo(n, tls):
    loop = asyncio.get_running_loop()
    server_ctx, client_ctx = tls_contexts() if tls else (None, None)
    server = await loop.create_server(EchoServerProtocol, "127.0.0.1", 0, backlog=1024, ssl=server_ctx)
    port = server.sockets[0].getsockname()[1]
    rounds = n // CLIENTS
    remaining = [CLIENTS]
    done = loop.create_future()
    clients = []
    for _ in range(CLIENTS):
        _, p = await loop.create_connection(lambda: EchoClientProtocol(rounds, remaining, done), "127.0.0.1", port,
                                            ssl=client_ctx)
        clients.append(p)
    t0 = time.perf_counter()
    for c in clients:
        c.start()
    await done
    dt = time.perf_counter() - t0
    total = sum(c.count for c in clients)
    if total != rounds * CLIENTS:
        raise SystemExit(f"echo: expected {rounds * CLIENTS} round trips, got {total}")
    server.close()
    await server.wait_closed()
    version = clients[0].transport.get_extra_info("ssl_object").version() if tls else "none"
    return dt, total, "round_trips/s", {"clients": CLIENTS, "tls": version}


async def case_echo_tls(n):
    return await _echo(n, True)


async def case_echo_plain(n):
    return await _echo(n, False)


# ---- TLS handshakes and bulk transfer
class LostProtocol(asyncio.Protocol):
    def __init__(self, gone):
        self.gone = gone

    def connection_lost(self, exc):
        self.gone.set_result(None)


async def _handshakes(n, tls):
    loop = asyncio.get_running_loop()
    server_ctx, client_ctx = tls_contexts() if tls else (None, None)
    server = await loop.create_server(EchoServerProtocol, "127.0.0.1", 0, backlog=1024, ssl=server_ctx)
    port = server.sockets[0].getsockname()[1]
    reused = 0
    t0 = time.perf_counter()
    for _ in range(n):
        gone = loop.create_future()
        tr, _ = await loop.create_connection(lambda: LostProtocol(gone), "127.0.0.1", port, ssl=client_ctx)
        if tls and tr.get_extra_info("ssl_object").session_reused:
            reused += 1
        tr.close()
        await gone
    dt = time.perf_counter() - t0
    if reused:
        raise SystemExit(f"handshakes: {reused} of {n} sessions were resumed, not full handshakes")
    server.close()
    await server.wait_closed()
    return dt, n, "handshakes/s" if tls else "connections/s", {"tls": "TLSv1.3" if tls else "none"}


async def case_tls_handshakes(n):
    return await _handshakes(n, True)


async def case_plain_connects(n):
    return await _handshakes(n, False)


CHUNK = 256 * 1024


class BulkEchoProtocol(asyncio.Protocol):
    """Writes back what it reads; stops reading while its transport is above its high-water mark."""

    def connection_made(self, transport):
        self.transport = transport

    def data_received(self, data):
        self.transport.write(data)

    def pause_writing(self):
        self.transport.pause_reading()

    def resume_writing(self):
        self.transport.resume_reading()


class BulkSenderProtocol(asyncio.Protocol):
    """Writes `total` bytes in CHUNK writes while not paused; completes `done` once all came back."""

    def __init__(self):
        self.chunk = b"x" * CHUNK
        self.paused = False
        self.to_send = 0
        self.expected = 0
        self.received = 0
        self.done = None

    def connection_made(self, transport):
        self.transport = transport

    def transfer(self, total, done):
        self.to_send = self.expected = total
        self.received = 0
        self.done = done
        self.pump()

    def pump(self):
        while not self.paused and self.to_send > 0:
            n = min(CHUNK, self.to_send)
            self.to_send -= n
            self.transport.write(self.chunk if n == CHUNK else self.chunk[:n])

    def data_received(self, data):
        self.received += len(data)
        if self.received == self.expected:
            self.done.set_result(None)

    def pause_writing(self):
        self.paused = True

    def resume_writing(self):
        self.paused = False
        self.pump()


async def _bulk(n, tls):
    loop = asyncio.get_running_loop()
    server_ctx, client_ctx = tls_contexts() if tls else (None, None)
    server = await loop.create_server(BulkEchoProtocol, "127.0.0.1", 0, ssl=server_ctx)
    port = server.sockets[0].getsockname()[1]
    tr, sender = await loop.create_connection(BulkSenderProtocol, "127.0.0.1", port, ssl=client_ctx)
    total = n << 20
    done = loop.create_future()
    t0 = time.perf_counter()
    sender.transfer(total, done)
    await done
    dt = time.perf_counter() - t0
    if sender.received != total:
        raise SystemExit(f"bulk: expected {total} bytes back, got {sender.received}")
    cipher = tr.get_extra_info("cipher")[0] if tls else "none"
    tr.close()
    server.close()
    await server.wait_closed()
    return dt, n, "MiB/s", {"chunk": CHUNK, "cipher": cipher}


async def case_tls_bulk(n):
    return await _bulk(n, True)


async def case_plain_bulk(n):
    return await _bulk(n, False)


CASES = {name: globals()["case_" + name] for name in DEFAULTS}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--loop", choices=["asyncio", "uvloop"], default="asyncio")
    ap.add_argument("--case", choices=sorted(CASES), required=True)
    ap.add_argument("--n", type=int, default=None)
    a = ap.parse_args()
    n = a.n or DEFAULTS[a.case]

    if a.loop == "uvloop":
        import uvloop
        loop = uvloop.new_event_loop()
    else:
        loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        dt, ops, unit, extra = loop.run_until_complete(CASES[a.case](n))
    finally:
        loop.close()
    fields = [
        f"case={a.case}", f"loop={a.loop}", f"n={ops}",
        f"seconds={dt:.4f}", f"rate={ops / dt:.0f}", f"unit={unit}",
        f"peak_rss_mb={peak_rss_mb():.1f}",
    ]
    fields += [f"{k}={v}" for k, v in extra.items()]
    print(" ".join(fields), flush=True)


if __name__ == "__main__":
    main()
