"""Helpers for the Playwright browser tests: Debian's Chromium, axe-core from node_modules.

No browser is downloaded: the tests drive ``/usr/bin/chromium`` (override with
``GEVINST_CHROMIUM``). axe-core comes from ``node_modules`` (``make test`` runs
``npm install`` from ``package.json``). When either is missing, the tests are
skipped with a message saying what to install.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
AXE_PATH = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def chromium_path() -> str:
    path = os.environ.get("GEVINST_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        pytest.skip("Chromium not found (apt-get install chromium, or set GEVINST_CHROMIUM)")
    return path


def launch(playwright):
    return playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)


def axe_source() -> str:
    if not AXE_PATH.exists():
        pytest.skip("axe-core not installed: run `npm install` (make test does it)")
    return AXE_PATH.read_text(encoding="utf-8")


def run_axe(page) -> list[dict]:
    """Run axe-core on the page (WCAG 2.0/2.1 A and AA rules) and return its violations.

    The page's Content-Security-Policy forbids inline scripts, so axe is not
    added as a ``<script>`` tag: its source is evaluated through the DevTools
    protocol, which CSP does not govern.
    """
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source() + "\n;undefined")
    return page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}})).violations",
        WCAG_TAGS,
    )


def format_violations(violations: list[dict]) -> str:
    """Violations as readable text: rule, impact, help, and the offending elements."""
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v.get('impact')}): {v['help']} <{v.get('helpUrl', '')}>")
        for node in v.get("nodes", [])[:5]:
            lines.append(f"    {json.dumps(node.get('target'))}: {node.get('html', '')[:160]}")
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            if summary:
                lines.append(f"      {summary[:300]}")
    return "\n".join(lines)
