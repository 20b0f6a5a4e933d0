"""``docket new KIND "Title"``: a new content file with its front matter filled in."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from slugify import slugify

from .loader import CONFIG_NAME, UsageError

FOLDERS = {"incident": "incidents", "report": "reports", "source": "sources", "entity": "entities",
           "page": "pages"}

TEMPLATES = {
    "incident": """---
title: {title_yaml}
date: {today}
summary: One sentence shown in lists, feeds and social cards.
status: developing   # developing | confirmed | disputed | closed
location:
  place:
  country:
tags: []
figures: {{}}        # e.g. killed: 3
entities: []         # ids of people, organisations, places
sources: []          # - id: x  (with title, type, publisher, url… to define it here)
draft: true          # remove when ready to publish
---

Write what happened. Cite a source with `[@source-id]`; link with `[[id]]`.
""",
    "report": """---
title: {title_yaml}
date: {today}
authors: []
summary: One sentence shown in lists.
incidents: []
tags: []
draft: true
---

Write the report. Cite a source with `[@source-id]`; link with `[[id]]`.
""",
    "source": """---
title: {title_yaml}
type: article   # article | video | document | social | statement | dataset | other
publisher:
url:
published:
accessed: {today}
---

What this source is and why it can be trusted.
""",
    "entity": """---
name: {title_yaml}
kind: person   # person | organisation | place
aliases: []
---

Who or what this is.
""",
    "page": """---
title: {title_yaml}
---

""",
}


def new_content(site: Path, kind: str, title: str) -> Path:
    site = site.resolve()
    if not (site / CONFIG_NAME).is_file():
        raise UsageError(f"{site}: no {CONFIG_NAME} here; run this in a Docket site folder or pass --site")
    slug = slugify(title, max_length=80, word_boundary=True)
    if not slug:
        raise UsageError(f"cannot make a file name from the title {title!r}")
    folder = site / "content" / FOLDERS[kind]
    path = folder / f"{slug}.md"
    if path.exists():
        raise UsageError(f"{path.relative_to(site)} already exists")
    folder.mkdir(parents=True, exist_ok=True)
    title_yaml = '"' + title.replace("\\", "\\\\").replace('"', '\\"') + '"'
    path.write_text(TEMPLATES[kind].format(title_yaml=title_yaml, today=dt.date.today().isoformat()),
                    encoding="utf-8")
    return path.relative_to(site)
