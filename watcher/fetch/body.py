"""A response body read to its end and decompressed in bounded steps: never past the byte cap (a gzip bomb stops
there)."""

from __future__ import annotations

import zlib
from typing import Any

from watcher.errors import FetchError


async def read_limited(response: Any, max_bytes: int) -> bytes:
    """The response body, decompressed, refusing to grow past max_bytes at any stage."""
    declared = response.headers.get("content-length", "")
    if declared.isascii() and declared.isdigit() and int(declared) > max_bytes:
        raise FetchError(f"response of {int(declared)} bytes exceeds the {max_bytes} byte limit")
    decoder = _Decoder(response.headers.get("content-encoding", ""), max_bytes)
    async for chunk in response.aiter_raw():
        decoder.feed(chunk)
    return decoder.finish()


class _Decoder:
    """Decompresses gzip/deflate in steps of bounded output, so memory stays near max_bytes."""

    def __init__(self, content_encoding: str, max_bytes: int) -> None:
        encodings = [part.strip().lower() for part in content_encoding.split(",") if part.strip()]
        encodings = [e for e in encodings if e != "identity"]
        if len(encodings) > 1 or (encodings and encodings[0] not in ("gzip", "x-gzip", "deflate")):
            raise FetchError(f"unsupported Content-Encoding {content_encoding!r}")
        self.encoding = encodings[0] if encodings else None
        self.max_bytes = max_bytes
        self.parts: list[bytes] = []
        self.size = 0
        self.decompressor: zlib._Decompress | None = None
        self.pending = b""  # the first byte of a stream, when it came alone: too little to tell its format
        self.streams = 0  # compressed streams (gzip members) begun
        self.ignoring = False  # bytes after the last stream that begin no new gzip member

    def _start(self, first: bytes) -> zlib._Decompress:
        if self.encoding == "deflate":
            # "deflate" is zlib-wrapped per RFC 9110, but some servers send raw deflate.
            wrapped = len(first) >= 2 and first[0] & 0x0F == 8 and int.from_bytes(first[:2]) % 31 == 0
            return zlib.decompressobj(zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)
        return zlib.decompressobj(16 + zlib.MAX_WBITS)

    def _append(self, data: bytes) -> None:
        self.size += len(data)
        if self.size > self.max_bytes:
            raise FetchError(f"response exceeds the {self.max_bytes} byte limit (after decompression)")
        self.parts.append(data)

    def feed(self, data: bytes) -> None:
        if self.encoding is None:
            self._append(data)
            return
        if self.pending:
            data, self.pending = self.pending + data, b""
        while data and not self.ignoring:
            if self.decompressor is None:
                if len(data) < 2:
                    self.pending = data
                    return
                if self.streams and not (self.encoding != "deflate" and data.startswith(b"\x1f\x8b")):
                    # Padding or junk after a complete body: ignored, as browsers and curl do.
                    self.ignoring = True
                    return
                self.decompressor = self._start(data)
                self.streams += 1
            try:
                out = self.decompressor.decompress(data, self.max_bytes - self.size + 1)
            except zlib.error as exc:
                raise FetchError(f"corrupt {self.encoding} response body: {exc}") from None
            self._append(out)
            if self.decompressor.unconsumed_tail:
                data = self.decompressor.unconsumed_tail
            elif self.decompressor.eof:
                data = self.decompressor.unused_data  # perhaps a concatenated gzip member
                self.decompressor = None
            else:
                data = b""

    def finish(self) -> bytes:
        if (self.decompressor is not None and not self.decompressor.eof) or (self.pending and not self.streams):
            raise FetchError(f"truncated {self.encoding} response body")
        return b"".join(self.parts)
