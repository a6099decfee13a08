"""Session-wide test settings.

The simulated portals run on 127.0.0.x, which a deployment refuses unless it opts in
(``interfaces.md``): the tests opt in, as acceptance checks do, and the registry tests
that check the refusal take the opt-in away again.
"""

from __future__ import annotations

import os

os.environ.setdefault("NIANBAO_ALLOW_PRIVATE", "1")
