"""What makes a notice an official document, whatever shows it: the metadata block government portals
put above a notice (index number, title, issuing body, date written, document number, how it is
disclosed), the signature set right at its end (the issuer and the date), and the contact lines of the
site's footer (the issuing body, the supervision hotline, mailbox, postal address, website).

Data first (`Official`, `footer_lines`), then the HTML the Markdown pages carry (`meta_html`,
`signature_html`), so that other outputs (a generated notice, a Word file) lay out the same facts
in their own way. The words come from labels.yml; the settings from plugins.disclose in mkdocs.yml
(`issuer`, `contact`).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, Protocol, get_args

from .markup import escape_html
from .schema import Disclosure
from .settings import Settings

DISCLOSURES = frozenset(get_args(Disclosure))


class Words(Protocol):
    """`words.Labels`, or anything that answers a label key the same way."""

    def __call__(self, key: str, **values: Any) -> str: ...


@dataclass(frozen=True)
class Official:
    """What an official notice states about itself, in the order a portal's metadata block shows it."""

    title: str
    written_on: dt.date
    issuer: str | None = None  # the issuing body's name (a team's, else the site's `issuer`)
    document_number: str | None = None
    index_number: str | None = None
    # A `schema.Disclosure` (proactive, on-request), or a text of its own (mkdocs.yml's progress_notice).
    disclosure: str | None = None

    def meta(self, words: Words) -> list[tuple[str, str]]:
        """The metadata block's rows as (label key, text), those without a value left out."""
        disclosure = self.disclosure
        if disclosure in DISCLOSURES:
            disclosure = words(f"disclosure_{disclosure}")
        # Two short facts a line, the long ones a line each (see `meta_html`).
        rows = [
            ("index_number", self.index_number),
            ("written_on", written_date(self.written_on, words)),
            ("issuing_body", self.issuer),
            ("document_title", self.title),
            ("document_number", self.document_number),
            ("disclosure", disclosure),
        ]
        return [(key, value) for key, value in rows if value]


def issuer_name(settings: Settings, team_name: str | None) -> str | None:
    """Who issues a notice: its team (when the audience has it), else the site's issuing body."""
    return team_name or settings.issuer


def written_date(date: dt.date, words: Words) -> str:
    """A date as official documents write it: 20 November 2026, or the year, month and day in Chinese."""
    months = words("month_names").split()
    month = months[date.month - 1] if len(months) == 12 else str(date.month)
    return words("written_date", year=date.year, month=month, day=date.day)


# The rows that take the block's whole width (a title is long), the others sharing a line on a wide screen.
_WIDE = frozenset({"document_title", "issuing_body"})


def meta_html(official: Official, words: Words) -> str:
    """The metadata block as an HTML block of a Markdown page (every value escaped; left raw by Markdown)."""
    items = "".join(
        f'<div class="disclose-docmeta__item{" disclose-docmeta__item--wide" if key in _WIDE else ""}">'
        f"<dt>{escape_html(words(key))}</dt><dd>{escape_html(value)}</dd></div>\n"
        for key, value in official.meta(words)
    )
    label = escape_html(words("doc_meta"))
    return (
        f'\n<div class="disclose-docmeta" markdown="0" role="group" aria-label="{label}">\n'
        f"<dl>\n{items}</dl>\n</div>\n\n"
    )


def signature_html(official: Official, words: Words) -> str:
    """The issuer and the date set right, at the end of a notice; only the date if no issuer is known."""
    lines = [f"<p>{escape_html(official.issuer)}</p>"] if official.issuer else []
    date = escape_html(written_date(official.written_on, words))
    lines.append(f'<p><time datetime="{official.written_on.isoformat()}">{date}</time></p>')
    label = escape_html(words("signature"))
    inner = "\n".join(lines)
    return (
        f'\n<div class="disclose-signature" markdown="0" role="group" aria-label="{label}">\n'
        f'<div class="disclose-signature__lines">\n{inner}\n</div>\n</div>\n\n'
    )


@dataclass(frozen=True)
class FooterLine:
    """One line of the footer: its label, its text, and the link it makes (tel:, mailto:, https:), if any."""

    key: str
    label: str
    text: str
    href: str | None = None


# A phone number alone, as a tel: link can dial it: digits, spaces, hyphens, brackets, a leading '+'.
_PHONE = re.compile(r"\+?[0-9][0-9 ()\-]{2,}")


def footer_lines(settings: Settings, words: Words) -> list[FooterLine]:
    """The issuing body and how the public reaches it, in that order; none that is not configured."""
    contact = settings.contact
    lines = [FooterLine("footer_issuer", words("footer_issuer"), settings.issuer)] if settings.issuer else []
    if contact.phone:
        phone = contact.phone
        dial = "tel:" + re.sub(r"[^0-9+]", "", phone) if _PHONE.fullmatch(phone) else None
        lines.append(FooterLine("contact_phone", words("contact_phone"), phone, dial))
    if contact.email:
        lines.append(
            FooterLine("contact_email", words("contact_email"), contact.email, f"mailto:{contact.email}")
        )
    if contact.address:
        lines.append(FooterLine("contact_address", words("contact_address"), contact.address))
    if contact.website:
        lines.append(
            FooterLine("contact_website", words("contact_website"), contact.website, contact.website)
        )
    return lines


def footer_config(settings: Settings, words: Words) -> dict[str, Any] | None:
    """What the theme's footer shows (`extra.disclose.footer` in the MkDocs config); None without one."""
    lines = footer_lines(settings, words)
    if not lines:
        return None
    return {
        "label": words("footer_contact"),
        # A colon and a space in English, the full-width colon (its space in its glyph) in Chinese.
        "colon": colon + " " if (colon := words("colon")).isascii() else colon,
        "lines": [{"label": line.label, "text": line.text, "href": line.href} for line in lines],
    }
