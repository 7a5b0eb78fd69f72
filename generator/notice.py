"""The progress notice (zhenggai jinzhan qingkuang tongbao) generated from the records: a page, a .docx, printable.

A notice of rectification progress, as commissions publish them (shared/DOMAIN.md), has one shape:
the metadata block (document number, index number, issuing body, date written, how disclosed), the
background, the totals sentence (`figures.totals_sentence`), the outcome and accountability figures,
the problems grouped by aspect (category), each with its measures and how its rectification stands,
the next steps, a line inviting supervision with the hotline and mailbox, and the issuer and date set
right (the signature). `progress_notice` puts it together from one audience's linked site for a
scope and an as-of date; `markdown` and `docx` write it out.

Every build makes the site-wide notice as of its as-of date (`Notices`, `SITE_NOTICE_PATH`), and one
for every notice record with `generate: progress` in its front matter, whose body paragraphs are
kept: those above a line `{{ progress }}` come before the generated parts, those below it after
(without that line, all before, in place of the generated background). `disclose notice` makes one
for any scope from the command line.

The figures are counted as `figures.count` counts them, from the records as they are, with each
rectification's overdue state derived as of the notice's date: a notice as of the build date says
what the progress page says.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from .errors import UsageError
from .figures import Figures, amount_text, count, derive_state, finding_state, outcome_items, totals_sentence
from .link import Site
from .markup import escape_html, escape_text, front_matter
from .messages import msg
from .office import moment, reproducible, xml_text
from .official import Official, Words, meta_html, signature_html
from .outputs import Made, Page, PerFile
from .reads import collecting, replay
from .records import Record
from .schema import AMOUNTS, NoticeScope
from .settings import Settings
from .typeset import join_lines
from .urls import SITE_NOTICE_DOCX, SITE_NOTICE_PATH, notice_docx_path
from .words import Labels

# The line in a notice's body below which its own paragraphs follow the generated parts.
SPLIT = "{{ progress }}"


@dataclass(frozen=True)
class Scope:
    """What a notice covers: every problem of the site, of a team, of a unit, of a year, of a period."""

    team: str | None = None
    unit: str | None = None
    year: int | None = None
    start: dt.date | None = None
    end: dt.date | None = None

    @classmethod
    def of(cls, model: NoticeScope | None) -> Scope:
        """The scope a notice's front matter gives (none: the whole site)."""
        if model is None:
            return cls()
        return cls(model.team, model.unit, model.year, model.start, model.end)

    @classmethod
    def parse(cls, text: str) -> Scope:
        """A scope as the command line gives it: `site`, `team:T-X`, `unit:U-X`, `year:2026`,
        `period:2026-01-01..2026-06-30`."""
        kind, _, value = text.partition(":")
        try:
            if kind == "site" and not value:
                return cls()
            if kind == "team" and value:
                return cls(team=value)
            if kind == "unit" and value:
                return cls(unit=value)
            if kind == "year" and value.isdigit() and len(value) == 4:
                return cls(year=int(value))
            if kind == "period" and ".." in value:
                start, _, end = value.partition("..")
                return cls(start=dt.date.fromisoformat(start), end=dt.date.fromisoformat(end))
        except ValueError:
            pass
        raise UsageError(msg("notice.scope", value=text))

    def findings(self, site: Site, as_of: dt.date) -> list[Record]:
        """The problems the scope covers that were found by the as-of date, in the site's order; the
        parts of a scope narrow it together (a unit's problems of a year)."""
        found = site.of_kind("finding")
        for kind, record_id in (("team", self.team), ("unit", self.unit)):
            if record_id:
                owner = site.get(record_id)
                if owner is None or owner.kind != kind:
                    raise UsageError(msg("notice.scope_unknown", kind=msg(f"kind.{kind}"), id=record_id))
                ids = {f.id for f in site.findings_of(owner)}
                found = [f for f in found if f.id in ids]
        return [
            f
            for f in found
            if f.model.found_on <= as_of
            and (self.year is None or f.model.found_on.year == self.year)
            and (self.start is None or f.model.found_on >= self.start)
            and (self.end is None or f.model.found_on <= self.end)
        ]

    def subject(self, site: Site, t: Labels, date: Callable[[dt.date], str]) -> str:
        """Whose problems, in the notice's words ("at the Vehicle Service Centre", "in 2026")."""
        if self.unit:
            unit = site.get(self.unit)
            return t("notice_subject_unit", name=site.title_of(unit) if unit else self.unit)
        if self.year is not None:
            return t("notice_subject_year", year=self.year)
        if self.start or self.end:
            start = date(self.start) if self.start else ""
            end = date(self.end) if self.end else ""
            return t("notice_subject_period", start=start, end=end)
        return t("notice_subject_site")


@dataclass(frozen=True)
class Problem:
    """One problem as the notice tells it: its heading, what was found, the measures, how it stands."""

    title: str
    found: str
    measures: list[str]
    situation: list[str]


@dataclass(frozen=True)
class Aspect:
    """The problems of one category, under its heading."""

    heading: str
    problems: list[Problem]


@dataclass(frozen=True)
class ProgressNotice:
    """A progress notice, put together: every text in the order it is read, and what it states about
    itself as an official document (`official`: the page shows it as every notice does)."""

    title: str
    meta: list[tuple[str, str]]  # the .docx's metadata lines, from `official`
    before: list[str]
    totals: str
    outcomes: str | None
    aspects_heading: str
    aspects: list[Aspect]
    next_steps: str
    supervision: str
    after: list[str]
    issuer: str
    date: str
    as_of: dt.date
    official: Official
    say: Words = field(compare=False)  # the site's words, to lay `official` out as the pages do
    gap: str = " "
    figures: Figures = field(compare=False, default_factory=Figures)
    labels: dict[str, str] = field(compare=False, default_factory=dict)

    def words(self) -> list[str]:
        """Every text of the notice, in reading order (for the leak checks and for tests)."""
        texts = [self.title, *(f"{k} {v}" for k, v in self.meta), *self.before, self.totals]
        texts += [self.outcomes or "", self.aspects_heading]
        for aspect in self.aspects:
            texts.append(aspect.heading)
            for problem in aspect.problems:
                texts += [problem.title, problem.found, *problem.measures, *problem.situation]
        return [
            t for t in [*texts, self.next_steps, self.supervision, *self.after, self.issuer, self.date] if t
        ]


# -- putting it together ---------------------------------------------------------------------------


def progress_notice(
    site: Site, settings: Settings, scope: Scope, as_of: dt.date | None = None, record: Record | None = None
) -> ProgressNotice:
    """The progress notice of a scope as of a date (default: the build's), from one audience's site;
    `record` is the notice record that asks for it (its front matter and body)."""
    as_of = as_of or site.as_of
    t = Labels(settings.template_dirs, settings.language)
    model = record.model if record is not None else None
    texts = settings.progress_notice if record is None else {}
    date = _date_words(t)
    findings = scope.findings(site, as_of)
    figures = _figures(site, findings, as_of)
    issuer = _issuer(site, settings, scope, model)
    subject = scope.subject(site, t, date)
    official = _official(model, texts, issuer, as_of, t, subject)
    before, after = _own_paragraphs(record)
    background = texts.get("background") or t(
        "notice_background", issuer=issuer, subject=subject, date=date(as_of)
    )
    return ProgressNotice(
        title=official.title,
        meta=_meta(t, official, date),
        before=before if before or (record is not None and after) else [background],
        totals=t("notice_totals", date=date(as_of), totals=totals_sentence(figures, t)),
        outcomes=_outcomes(figures, t, settings.language),
        aspects_heading=t("notice_aspects"),
        aspects=_aspects(site, settings, t, findings, as_of, date),
        next_steps=texts.get("next_steps") or t("notice_next_steps", issuer=issuer),
        supervision=_supervision(settings, t),
        after=after,
        issuer=issuer,
        date=date(official.written_on),
        as_of=as_of,
        official=official,
        say=t,
        figures=figures,
        # Chinese sets its sentences one after the other; other languages put a space between them.
        gap="" if settings.language == "zh" else " ",
        labels={key: t(key) for key in ("notice_measures", "notice_situation", "notice_found")},
    )


def _figures(site: Site, findings: list[Record], as_of: dt.date) -> Figures:
    """The figures of these findings with overdue derived as of the notice's date."""
    if as_of == site.as_of:
        return site.figures(findings)
    states = []
    rects: dict[str, Record] = {}
    for finding in findings:
        own = site.referrers(finding, "rectification")
        rects.update((r.id, r) for r in own)
        states.append(
            (finding.model.found_on, finding_state([(r.model, derive_state(r.model, as_of)) for r in own]))
        )
    models = [(r.model, derive_state(r.model, as_of)) for r in rects.values()]
    outcomes = [*(f.model.outcomes for f in findings), *(r.model.outcomes for r in rects.values())]
    return count(states, models, outcomes)


def _issuer(site: Site, settings: Settings, scope: Scope, model: Any) -> str:
    """Who issues it: the notice's or the scope's team, else mkdocs.yml's `issuer` (the body that
    publishes the site, as official.issuer_name), else the one team, else the site."""
    team = site.get(model.issuer) if model is not None and model.issuer else None
    if team is None and scope.team:
        team = site.get(scope.team)
    if team is None and scope.unit and (unit := site.get(scope.unit)) is not None:
        team = site.team_of(unit)
    if team is None and settings.issuer:
        return settings.issuer
    teams = site.of_kind("team")
    if team is None and len(teams) == 1:
        team = teams[0]
    return site.title_of(team) if team is not None else settings.site_name


def _official(
    model: Any, texts: dict[str, str], issuer: str, as_of: dt.date, t: Labels, subject: str
) -> Official:
    """What the notice states about itself: the record's front matter, else mkdocs.yml's texts;
    proactively disclosed unless it says otherwise."""
    given = {
        name: (getattr(model, name, None) if model is not None else texts.get(name)) or None
        for name in ("document_number", "index_number", "disclosure")
    }
    return Official(
        title=model.title if model is not None else texts.get("title") or t("notice_title", subject=subject),
        written_on=model.date if model is not None else as_of,
        issuer=issuer,
        document_number=given["document_number"],
        index_number=given["index_number"],
        disclosure=given["disclosure"] or "proactive",
    )


def _meta(t: Labels, official: Official, date: Callable[[dt.date], str]) -> list[tuple[str, str]]:
    """The .docx's metadata lines, in its own order and words: each only when there is something to say."""
    words = dict(official.meta(t))
    rows = [
        ("notice_doc_number", official.document_number),
        ("notice_index_number", official.index_number),
        ("notice_publisher", official.issuer),
        ("notice_written_on", date(official.written_on)),
        ("notice_disclosure", words.get("disclosure")),
    ]
    return [(t(key), value) for key, value in rows if value]


def _own_paragraphs(record: Record | None) -> tuple[list[str], list[str]]:
    """The notice record's own paragraphs, before and after the generated parts."""
    body = (record.body or "") if record is not None else ""
    head, split, tail = body.partition(SPLIT)
    return _paragraphs(head), _paragraphs(tail) if split else []


def _paragraphs(text: str) -> list[str]:
    return [" ".join(p.split("\n")).strip() for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]


def _outcomes(figures: Figures, t: Labels, language: str) -> str | None:
    """The outcome and accountability sentence: people by measure, rules, then the amounts."""
    items = outcome_items(figures.outcomes)
    if not items:
        return None
    people = [t(f"notice_people_{name}", n=n) for name, n in items if name not in ("rules", *AMOUNTS)]
    rest = [
        t("notice_rules", n=value)
        if name == "rules"
        else t(f"notice_{name}", amount=amount_text(value, 10000 if language == "zh" else 1))  # type: ignore[arg-type]
        for name, value in items
        if name in ("rules", *AMOUNTS)
    ]
    parts = ([t("notice_people_joiner").join(people)] if people else []) + rest
    return t("notice_outcomes", items=t("notice_outcome_joiner").join(parts))


def _aspects(
    site: Site,
    settings: Settings,
    t: Labels,
    findings: list[Record],
    as_of: dt.date,
    date: Callable[[dt.date], str],
) -> list[Aspect]:
    """The problems grouped by category, in the site's order of categories, oldest problem first."""
    order = {name: n for n, name in enumerate(settings.categories)}
    by_category: dict[str, list[Record]] = {}
    for finding in sorted(findings, key=lambda f: (f.model.found_on, f.id)):
        by_category.setdefault(finding.model.category, []).append(finding)
    numerals = t("notice_numerals").split(",")
    aspects = []
    number = 0
    for n, category in enumerate(sorted(by_category, key=lambda c: (order.get(c, len(order)), c))):
        heading = t(
            "notice_aspect",
            number=numerals[n] if n < len(numerals) else n + 1,
            category=_nested(settings.category_label(category)),
        )
        problems = []
        for finding in by_category[category]:
            number += 1
            problems.append(_problem(site, t, finding, number, as_of, date))
        aspects.append(Aspect(heading, problems))
    return aspects


def _problem(
    site: Site, t: Labels, finding: Record, number: int, as_of: dt.date, date: Callable[[dt.date], str]
) -> Problem:
    """One problem: what was found, the measures of its rectifications, how each stands."""
    rects = sorted(site.referrers(finding, "rectification"), key=lambda r: (r.model.opened_on, r.id))
    measures = [m.text for r in rects for m in r.model.measures]
    situation = []
    state = (
        site.state_of(finding)
        if as_of == site.as_of
        else finding_state([(r.model, derive_state(r.model, as_of)) for r in rects])
    )
    if state.no_rectification:
        situation.append(t("notice_state_none"))
    for rect in rects:
        situation.append(_rect_situation(site, t, rect, as_of, date))
        situation += [
            t("notice_progress_note", date=date(p.date), note=p.note)
            for p in rect.model.progress
            if p.date <= as_of
        ]
        check = rect.model.verification
        if check is not None and check.date <= as_of:
            situation.append(t("notice_verified", date=date(check.date), note=check.note or ""))
    return Problem(
        title=t("notice_problem", number=number, title=_nested(site.title_of(finding))),
        # Markdown text as the page reads it: a line break inside a paragraph is no break in a
        # document (nor a space between Chinese characters, `typeset.join_lines`).
        found=join_lines(finding.model.description or "").strip(),
        measures=[join_lines(m).strip() for m in measures],
        situation=[join_lines(s).strip() for s in situation if s],
    )


def _rect_situation(
    site: Site, t: Labels, rect: Record, as_of: dt.date, date: Callable[[dt.date], str]
) -> str:
    model = rect.model
    state = derive_state(model, as_of)
    if model.status in ("completed", "verified") and model.completed_on is not None:
        return t(f"notice_status_{model.status}", date=date(model.completed_on))
    if state.overdue:
        return t("notice_status_overdue", deadline=date(state.effective_deadline), days=state.days_overdue)
    return t(f"notice_status_{model.status}", deadline=date(state.effective_deadline))


def _supervision(settings: Settings, t: Labels) -> str:
    """The line inviting supervision, with the hotline and mailbox mkdocs.yml gives."""
    phone, email = settings.contact.phone, settings.contact.email
    contacts = [t("notice_hotline", hotline=phone)] if phone else []
    if email:
        contacts.append(t("notice_mailbox", mailbox=email))
    if not contacts:
        return t("notice_supervision_plain")
    return t("notice_supervision", contacts=t("notice_outcome_joiner").join(contacts))


def _nested(text: str) -> str:
    """A text set inside the notice's own quotation marks: its double quotes become single ones,
    as nested quotes are written ("the “two responsibilities”" inside “...” reads ‘two ...’)."""
    return text.replace("\u201c", "\u2018").replace("\u201d", "\u2019")


def _date_words(t: Labels) -> Callable[[dt.date], str]:
    return lambda day: t("notice_date", year=day.year, month=day.month, day=day.day)


# -- writing it out ---------------------------------------------------------------------------------


def markdown(notice: ProgressNotice, docx_link: str | None = None, download: str = "") -> str:
    """The notice as the body of a page: the metadata block, the text, the signature set right, as
    every notice's page shows them (`official.meta_html`, `official.signature_html`)."""
    e = escape_text
    lines = ['<div class="disclose-notice" markdown>', meta_html(notice.official, notice.say)]
    lines += [f"{e(p)}\n" for p in notice.before]
    lines += [f"{e(notice.totals)}\n"]
    if notice.outcomes:
        lines += [f"{e(notice.outcomes)}\n"]
    # The problems repeat their records' own text: kept out of the search index, as the rows copied
    # onto other pages are, so that a search finds the record itself.
    lines += ["<div data-search-exclude markdown>", ""]
    for aspect in notice.aspects:
        lines += [f"## {e(aspect.heading)}\n"]
        for problem in aspect.problems:
            lines += [f"### {e(problem.title)}\n"]
            if problem.found:
                lines += [f"{e(notice.labels['notice_found'])}{notice.gap}{e(problem.found)}\n"]
            if problem.measures:
                lines += [f"**{e(notice.labels['notice_measures'])}**\n"]
                lines += [*(f"{n}. {e(m)}" for n, m in enumerate(problem.measures, start=1)), ""]
            situation = notice.gap.join(problem.situation)
            lines += [f"**{e(notice.labels['notice_situation'])}**{notice.gap}{e(situation)}\n"]
    lines += ["</div>", ""]
    lines += [f"{e(notice.next_steps)}\n", f"{e(notice.supervision)}\n"]
    lines += [f"{e(p)}\n" for p in notice.after]
    lines += [signature_html(notice.official, notice.say), "</div>", ""]
    if docx_link:
        lines += [
            f'<p class="disclose-notice-download"><a href="{escape_html(docx_link)}">{escape_html(download)}</a></p>',
            "",
        ]
    return "\n".join(lines)


# The fonts of the document (labels.yml `notice_font_*`: a site may give its own), their sizes in
# points as official documents set them (GB/T 9704: the title 22 pt, the text 16 pt).
TITLE_PT = 22
TEXT_PT = 16
LINE_PT = 28


def docx(notice: ProgressNotice, settings: Settings) -> bytes:
    """The notice as a Word document (A4, official layout), the same bytes from the same records."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.shared import Mm, Pt

    t = Labels(settings.template_dirs, settings.language)
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    styles = document.styles
    body, title = styles["Normal"], styles["Title"]
    first, second = styles["Heading 1"], styles["Heading 2"]
    _style(body, t("notice_font_latin"), t("notice_font_body"), TEXT_PT)
    _style(title, t("notice_font_latin"), t("notice_font_title"), TITLE_PT)
    _style(first, t("notice_font_latin"), t("notice_font_heading"), TEXT_PT)
    _style(second, t("notice_font_latin"), t("notice_font_subheading"), TEXT_PT)
    for style in (body, first, second):
        fmt = style.paragraph_format
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(LINE_PT)
        fmt.space_before = fmt.space_after = Pt(0)
        fmt.first_line_indent = Pt(TEXT_PT * 2)
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.space_after = Pt(LINE_PT)
    _fallbacks(document, t)

    body = _Body(document)
    body.add(notice.title, style="Title")
    for key, value in notice.meta:
        body.add(f"{key}{t('notice_meta_colon')}{value}").paragraph_format.first_line_indent = Pt(0)
    for text in [*notice.before, notice.totals, *([notice.outcomes] if notice.outcomes else [])]:
        body.add(text)
    for aspect in notice.aspects:
        body.add(aspect.heading, style="Heading 1")
        for problem in aspect.problems:
            body.add(problem.title, style="Heading 2")
            if problem.found:
                body.add(notice.labels["notice_found"] + notice.gap + problem.found)
            if problem.measures:
                body.add(notice.labels["notice_measures"])
                for n, measure in enumerate(problem.measures, start=1):
                    body.add(f"{n}. {measure}")
            body.add(notice.labels["notice_situation"] + notice.gap + notice.gap.join(problem.situation))
    for text in [notice.next_steps, notice.supervision, *notice.after]:
        body.add(text)
    body.add()
    for text in (notice.issuer, notice.date):
        signature = body.add(text)
        signature.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        signature.paragraph_format.first_line_indent = Pt(0)
    _properties(document, notice)
    out = io.BytesIO()
    document.save(out)
    return reproducible(out.getvalue(), notice.as_of)


def _style(style: Any, latin: str, east_asia: str, size: int) -> None:
    """A style's fonts (Latin and East Asian, not the theme's), size, black, not bold or italic."""
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    font = style.font
    font.name, font.size, font.bold, font.italic = latin, Pt(size), False, False
    font.color.rgb = RGBColor(0, 0, 0)
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)
    fonts.set(qn("w:eastAsia"), east_asia)


def _fallbacks(document: Any, t: Labels) -> None:
    """Each official font's stand-in where it is not installed (the font table's altName: Word and
    WPS use it), from labels.yml `notice_font_fallbacks` ("font=stand-in;...")."""
    pairs = [pair.split("=", 1) for pair in t("notice_font_fallbacks").split(";") if "=" in pair]
    if not pairs:
        return
    for part in document.part.package.iter_parts():
        if str(part.partname) == "/word/fontTable.xml":
            namespace = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
            entries = "".join(
                f'<w:font w:name="{escape_html(name)}"><w:altName w:val="{escape_html(alt)}"/>'
                '<w:charset w:val="86"/><w:family w:val="modern"/></w:font>'
                for name, alt in pairs
            )
            blob = part.blob.decode("utf-8")
            if f'xmlns:w="{namespace}"' in blob and "</w:fonts>" in blob:
                part._blob = blob.replace("</w:fonts>", entries + "</w:fonts>").encode("utf-8")


def _properties(document: Any, notice: ProgressNotice) -> None:
    """The document's properties: its title and author, dated at the as-of date (no clock)."""
    props = document.core_properties
    props.title, props.author, props.last_modified_by = notice.title, notice.issuer, notice.issuer
    props.created = props.modified = moment(notice.as_of)
    props.revision = 1
    props.comments = props.subject = props.keywords = ""


# -- the output family ------------------------------------------------------------------------------


class Notices:
    """The site-wide progress notice (a page and its .docx) and the .docx of every notice record that
    asks for a generated one (its page is the record's own, see render.py)."""

    def __init__(self, settings: Settings, keep: bool = False) -> None:
        self.settings = settings
        self._files: PerFile = PerFile(keep)

    def make(self, site: Site, changed: set[str] | None) -> Made:
        """The site-wide notice's page and .docx, and a .docx per generated notice record (kept, only
        those that read what an edit changed are made again)."""
        settings = self.settings
        whole = _Once(lambda: progress_notice(site, settings, Scope()))
        if changed is None:
            whole()  # before the files are spread over the workers: the page and the .docx share it
        wanted: list[tuple[str, Callable[[], Page]]] = [
            (SITE_NOTICE_PATH, lambda: self._page(whole())),
            (SITE_NOTICE_DOCX, lambda: _docx_page(SITE_NOTICE_DOCX, whole(), settings)),
        ]
        for record in generated(site.of_kind("notice")):
            path = notice_docx_path(record.id)
            wanted.append((path, functools.partial(_record_docx, site, settings, record, path)))
        return self._files.each(changed, wanted)

    def _page(self, whole: ProgressNotice) -> Page:
        t = Labels(self.settings.template_dirs, self.settings.language)
        link = notice_docx_link(SITE_NOTICE_PATH, SITE_NOTICE_DOCX)
        head = front_matter({"title": whole.title}) + f"# {escape_text(whole.title)}\n\n"
        return Page(SITE_NOTICE_PATH, head + markdown(whole, link, t("notice_download")))


class _Once:
    """A notice made once for the files that show it, each counted as reading what it read."""

    def __init__(self, make: Callable[[], ProgressNotice]) -> None:
        self._make = make
        self._made: tuple[ProgressNotice, frozenset[str]] | None = None

    def __call__(self) -> ProgressNotice:
        if self._made is None:
            with collecting() as seen:
                notice = self._make()
            self._made = (notice, frozenset(seen))
        replay(self._made[1])
        return self._made[0]


def _record_docx(site: Site, settings: Settings, record: Record, path: str) -> Page:
    return _docx_page(path, record_notice(site, settings, record), settings)


def generated(notices: Iterable[Record]) -> list[Record]:
    """The notice records that ask for a generated progress notice."""
    return [n for n in notices if n.model.generate == "progress"]


def record_notice(site: Site, settings: Settings, record: Record) -> ProgressNotice:
    """The progress notice a notice record asks for, with its scope, as-of date and paragraphs."""
    model = record.model
    return progress_notice(site, settings, Scope.of(model.scope), model.as_of or model.date, record)


def notice_docx_link(page_path: str, docx_path: str) -> str:
    """The link from a notice's page to its .docx, relative to the page's URL (a folder)."""
    from .urls import relative_url

    return relative_url(docx_path, page_path.rsplit("/", 1)[0])


def _docx_page(path: str, notice: ProgressNotice, settings: Settings) -> Page:
    return Page(path, "\n".join(notice.words()), docx(notice, settings))


class _Body:
    """Appends paragraphs to a python-docx document in time linear in their number.

    `Document.add_paragraph` looks for the section properties among all of the body's children on
    every call, and for the style's id among all styles: quadratic, 11 s for a site-wide notice of
    5,000 problems. This puts each paragraph just before the section properties, and looks each
    style's id up once; the XML is what `add_paragraph` writes.
    """

    def __init__(self, document: Any) -> None:
        self.document = document
        self._element = document.element.body
        self._end = self._element.sectPr  # None in a document without section properties
        self._style_ids: dict[str, str] = {}

    def add(self, text: str = "", style: str | None = None) -> Any:
        """A paragraph of this text (as XML can hold it, `office.xml_text`) in this style."""
        from docx.oxml import OxmlElement
        from docx.text.paragraph import Paragraph

        element = OxmlElement("w:p")
        if self._end is not None:
            self._end.addprevious(element)
        else:
            self._element.append(element)
        paragraph = Paragraph(element, self.document._body)
        if text:
            paragraph.add_run(xml_text(text))
        if style is not None:
            if style not in self._style_ids:
                self._style_ids[style] = self.document.styles[style].style_id
            element.style = self._style_ids[style]
        return paragraph
