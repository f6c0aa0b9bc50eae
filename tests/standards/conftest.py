"""Where the standards tests find their example payloads."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

#: Copies of ../shared/standards/examples (so the tests never depend on shared/ existing), plus
#: full request and answer examples in the profile's canonical shape.
EXAMPLES = Path(__file__).parent / "examples"
#: The shared originals, when the checkout sits next to them.
SHARED_EXAMPLES = Path(__file__).resolve().parents[3] / "shared" / "standards" / "examples"


def example(name: str) -> dict[str, Any]:
    """One example payload as parsed JSON."""
    return json.loads((EXAMPLES / name).read_text(encoding="utf-8"))  # type: ignore[no-any-return]
