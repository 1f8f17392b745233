"""MkDocs hooks of the manual (``mkdocs.yml`` names this file under ``hooks:``).

- Pages other branches are still writing (``OPTIONAL``) stay in the nav only once they exist,
  so ``mkdocs build --strict`` passes before and after they land; every other nav entry must
  exist, as strict mode checks.
- The screenshots stay in ``screenshots/`` (where ``make screenshots`` writes them and the
  README shows them) and are added to the site as ``screenshots/*.svg``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files

OPTIONAL = {
    "companies-and-deals.md",
    "settings-and-config.md",
    "phone-sync.md",
    "mail.md",
}
"""Pages in the nav that may not exist yet (each written on its own branch)."""


def _present(entries: list[Any], docs: Path) -> list[Any]:
    kept: list[Any] = []
    for entry in entries:
        if isinstance(entry, dict):
            ((title, target),) = entry.items()
            if isinstance(target, list):
                kept.append({title: _present(target, docs)})
            elif target not in OPTIONAL or (docs / target).is_file():
                kept.append(entry)
        elif entry not in OPTIONAL or (docs / entry).is_file():
            kept.append(entry)
    return kept


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    config.nav = _present(config.nav or [], Path(config.docs_dir))
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    shots = Path(config.config_file_path).parent / "screenshots"
    for path in sorted(shots.glob("*.svg")):
        files.append(File.generated(config, f"screenshots/{path.name}", abs_src_path=str(path)))
    return files
