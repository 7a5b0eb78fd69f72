"""Office files (.docx, .xlsx) that a build makes byte for byte the same from the same records.

python-docx and openpyxl stamp each zip member with the clock and write the document's dates from it;
`reproducible` writes the package again with every member dated from the as-of date, in the same
order, so two builds of the same records give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile


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
