"""A site of one's own: a folder with `content/` and a short mkdocs.yml, and no templates of its own."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

from conftest import MINIMAL, REPO, Project

# What the README's "A site of one's own" shows: no docs_dir, custom_dir, extra_css or extensions.
MINIMAL_CONFIG = """\
site_name: Example disclosure
# Only what an engine that skips the disclose plugin would build: never site/, which is published.
site_dir: .build/without-disclose
theme:
  name: material
plugins:
  - disclose
  - search
"""

# A few of the sample's records that name only each other: a team, its units, a meeting, three
# findings (F-2022-003 internal), a rectification and a notice.
SAMPLE_RECORDS = [
    "teams/T-GO.yaml",
    *(f"units/U-MOAA-0{n}.yaml" for n in range(1, 9)),
    "meetings/M-2021-001.yaml",
    "findings/2022/F-2022-001.yaml",
    "findings/2022/F-2022-002.yaml",
    "findings/2022/F-2022-003.yaml",
    "rectifications/2022/R-2022-001.yaml",
    "notices/N-2022-001.md",
]


def own_site(root: Path, config: str = MINIMAL_CONFIG, sample: bool = False) -> Project:
    """A site folder with mkdocs.yml `config` and the four records of MINIMAL (or SAMPLE_RECORDS)."""
    project = Project(root)
    root.mkdir(parents=True, exist_ok=True)
    (root / "mkdocs.yml").write_text(config, encoding="utf-8")
    if sample:
        for record in SAMPLE_RECORDS:
            target = root / "content" / record
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(REPO / "content" / record, target)
    else:
        for path, text in MINIMAL.items():
            project.write(path, textwrap.dedent(text))
    return project
