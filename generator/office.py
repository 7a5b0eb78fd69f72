"""Office files (.docx, .xlsx) that a build makes byte for byte the same from the same records.

python-docx and openpyxl stamp each zip member with the clock and write the document's dates from it;
`reproducible` writes the package again with every member dated from the as-of date, in the same
order, so two builds of the same records give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

# What XML 1.0 cannot hold, and so neither can a .docx or an .xlsx: C0 controls but tab, line feed
# and carriage return, lone surrogates, U+FFFE and U+FFFF. Validation lets a few such characters
# through quoted (they round-trip in YAML); the libraries refuse them outright.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str) -> str:
    """Text an Office file can hold: each character XML cannot hold shown by its code (\\x01)."""
    return _NOT_XML.sub(lambda m: f"\\x{ord(m[0]):02x}" if ord(m[0]) < 0x100 else f"\\u{ord(m[0]):04x}", text)


def moment(as_of: dt.date) -> dt.datetime:
    """The document's created and modified time: midnight of the as-of date (no clock)."""
    return dt.datetime(as_of.year, as_of.month, as_of.day)


def reproducible(data: bytes, as_of: dt.date) -> bytes:
    """A zip package again, every member dated at the as-of date, with fixed permissions."""
    stamp = (max(as_of.year, 1980), as_of.month, as_of.day, 0, 0, 0)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=stamp)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o644 << 16
            target.writestr(member, source.read(info.filename))
    return out.getvalue()
