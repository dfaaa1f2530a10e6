"""A lean HTTP/1.1 client for feed fetches: keep-alive connections per origin over asyncio streams.

Why not httpx for this: a conditional GET answered 304 cost ~0.68 ms of CPU through httpx (its client,
httpcore's pool and h11, anyio's streams) against ~0.06 ms for the same request written and read on an
asyncio stream (bench: docs/benchmarks.md, "Issue 12's shape"); a pass over 1,000 unchanged feeds spent
most of its CPU there. Only what watcher.fetch needs is here: GET, a request's headers, a response's status,
headers and raw body (Content-Length, chunked, or up to the connection's end), connections kept per origin
(`per_host` at once, idle ones of the least recently used origins closed beyond `max_hosts`). Everything
else stays in watcher.fetch, shared with the httpx path (still used behind an HTTP(S)_PROXY): the total
deadline, redirects and their checks, decompression under the size cap, conditional headers.

Guards kept here: addresses checked where the connection is made (`public_only`: the name is resolved once,
every address checked, the checked address connected to, TLS verified for the name), a connect timeout,
bounded header and chunk-line sizes, no header value with a line break, a reused connection that fails
before its answer begins tried once on a fresh one (a GET is safe to repeat). Errors carry httpx's exception
names (ConnectError, ReadError, RemoteProtocolError...), so watcher.fetch words them the same on either path.

The parts: pool.py (LeanPool: connections per origin, made, checked, kept and reused), wire.py (a request written,
a response's head parsed and its body read, Content-Length or chunked) and errors.py (httpx's exception names).
"""
