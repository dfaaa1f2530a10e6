"""Fetching feed bodies: http(s) through one shared client (watcher.http11), file:// and local paths from disk.

Limits hold whatever the server does: a total deadline per fetch (with timeouts per read alone, a server
dripping a byte every few seconds would never time out), a cap on the bytes after decompression
(we decompress ourselves, in bounded steps, so a gzip bomb stops at the cap), and a redirect limit with
every hop checked.

The parts, one module each: request.py (fetch: a conditional GET, its redirects followed and checked), client.py
(the one shared client, and the origins left alone after a slow failure), body.py (a body read and decompressed
within the byte cap), addresses.py (which URLs and addresses may be fetched), local.py (file:// feeds) and
results.py (what a fetch is given and gives back).
"""
