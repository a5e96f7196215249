"""Client for SSB's PxWebApi v2 (``https://data.ssb.no/api/pxwebapi/v2``).

* ``metadata(table_id)``: ``GET /tables/{id}/metadata?lang=no`` (a JSON-stat 2.0 document).
* ``fetch(table_id, regions=..., contents=..., years=..., filters=...)``: verifies the
  requested codes against the metadata, builds
  ``GET /tables/{id}/data?lang=no&outputFormat=json-stat2&valueCodes[Dim]=a,b&...``,
  splits queries larger than SSB's cell limit into chunks (by region, then by year),
  paces requests with a sliding-window rate limiter, caches raw responses on disk (key:
  sha256 of the URL) and parses them with :func:`gevinst.sources.jsonstat.read_jsonstat`.

SSB's published limits (https://www.ssb.no/api/api-mot-statistikkbanken--brukerveiledning,
and the live values at https://data.ssb.no/api/pxwebapi/v2/config): at most 800 000 data
cells per extract and 30 queries per minute per IP address.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import os
import sys
import time
from collections import deque
from pathlib import Path
from typing import Any, Callable, Iterable, TextIO
from urllib.parse import quote

import httpx
import polars as pl

from gevinst.errors import DataFormatError, NetworkError, UserError
from gevinst.sources.jsonstat import parse_json, parse_time_code, read_jsonstat, read_jsonstat_metadata

__all__ = [
    "DEFAULT_BASE_URL",
    "SSB_MAX_CELLS",
    "SSB_MAX_CALLS",
    "SSB_PERIOD_SECONDS",
    "PxWebClient",
    "RateLimiter",
    "progress_reporter",
]

DEFAULT_BASE_URL = "https://data.ssb.no/api/pxwebapi/v2"
SSB_MAX_CELLS = 800_000
SSB_MAX_CALLS = 30
SSB_PERIOD_SECONDS = 60.0

Progress = Callable[[int, int, str], None]


def _default_cache_dir() -> Path:
    env = os.environ.get("GEVINST_CACHE_DIR")
    base = Path(env) if env else Path.home() / ".cache" / "gevinst"
    return base / "pxweb"


class RateLimiter:
    """Sliding window: at most ``max_calls`` in any ``period`` seconds (sleeps otherwise)."""

    def __init__(
        self,
        max_calls: int = SSB_MAX_CALLS,
        period: float = SSB_PERIOD_SECONDS,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.max_calls = max_calls
        self.period = period
        self.clock = clock
        self.sleep = sleep
        self.calls: deque[float] = deque()

    def wait(self) -> float:
        """Block until a call is allowed, record it, and return the time slept."""
        slept = 0.0
        while True:
            now = self.clock()
            while self.calls and now - self.calls[0] >= self.period:
                self.calls.popleft()
            if len(self.calls) < self.max_calls:
                self.calls.append(now)
                return slept
            delay = self.period - (now - self.calls[0])
            if delay > 0:
                self.sleep(delay)
                slept += delay


def progress_reporter(stream: TextIO | None = None) -> Progress:
    """Progress callback: a bar redrawn in place on a TTY, plain lines otherwise."""
    out = stream if stream is not None else sys.stderr
    tty = bool(getattr(out, "isatty", lambda: False)())

    def report(done: int, total: int, label: str) -> None:
        if tty:
            width = 30
            filled = int(width * done / total) if total else width
            bar = "#" * filled + "-" * (width - filled)
            out.write(f"\r[{bar}] {done}/{total} {label}"[:120])
            if done >= total:
                out.write("\n")
        else:
            out.write(f"Henter fra SSB: del {done} av {total} ({label})\n")
        out.flush()

    return report


class PxWebClient:
    """PxWebApi v2 client with verification, chunking, rate limiting and a disk cache."""

    def __init__(
        self,
        base_url: str = DEFAULT_BASE_URL,
        cache_dir: str | Path | None = None,
        timeout: float = 60.0,
        progress: Progress | None = None,
        *,
        connect_timeout: float = 4.0,
        lang: str = "no",
        max_cells: int = SSB_MAX_CELLS,
        rate_limiter: RateLimiter | None = None,
        use_cache: bool = True,
        transport: httpx.BaseTransport | None = None,
    ):
        self.base_url = base_url.rstrip("/")
        self.cache_dir = Path(cache_dir) if cache_dir is not None else _default_cache_dir()
        self.use_cache = use_cache
        self.progress = progress
        self.lang = lang
        self.max_cells = max_cells
        self.rate_limiter = rate_limiter or RateLimiter()
        self._client = httpx.Client(
            timeout=httpx.Timeout(timeout, connect=connect_timeout),
            headers={"User-Agent": "gevinst (kommunal gevinstrealisering)"},
            follow_redirects=True,
            transport=transport,
        )
        self._metadata: dict[str, dict] = {}

    # ------------------------------------------------------------------ plumbing
    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> "PxWebClient":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def _cache_path(self, url: str) -> Path:
        return self.cache_dir / (hashlib.sha256(url.encode("utf-8")).hexdigest() + ".json")

    def _get(self, url: str, table_id: str, *, refresh: bool = False) -> tuple[bytes, bool, str]:
        """Return (bytes, from_cache, fetched_at ISO)."""
        path = self._cache_path(url)
        if self.use_cache and not refresh and path.exists():
            stamp = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.timezone.utc)
            return path.read_bytes(), True, stamp.isoformat(timespec="seconds")
        self.rate_limiter.wait()
        try:
            resp = self._client.get(url)
        except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
            raise NetworkError(
                f"Fikk ikke kontakt med SSB ({self.base_url}). Sjekk nettverket og prøv "
                "igjen, eller importer en fil lastet ned fra Statistikkbanken.",
                f"connect to {url} failed: {exc!r}",
            ) from None
        except httpx.TimeoutException as exc:
            raise NetworkError(
                f"SSB svarte ikke i tide på forespørselen om tabell {table_id}. Prøv igjen "
                "senere.",
                f"timeout for {url}: {exc!r}",
            ) from None
        except httpx.HTTPError as exc:
            raise NetworkError(
                f"Fikk ikke kontakt med SSB ({self.base_url}). Sjekk nettverket ({exc}).",
                f"http error for {url}: {exc!r}",
            ) from None
        if resp.status_code >= 400:
            detail = resp.text[:200].strip()
            if resp.status_code == 429:
                msg = (
                    f"SSB avviste forespørselen om tabell {table_id} fordi det er sendt for "
                    "mange forespørsler (HTTP 429, grensen er 30 per minutt). Vent et minutt "
                    "og prøv igjen."
                )
            elif resp.status_code == 404:
                msg = f"SSB fant ikke tabell {table_id} (HTTP 404). Sjekk tabellnummeret."
            elif resp.status_code < 500:
                msg = (
                    f"SSB avviste forespørselen om tabell {table_id} (HTTP {resp.status_code})"
                    + (f": {detail}" if detail else ".")
                )
            else:
                msg = (
                    f"SSB svarte med en feil for tabell {table_id} (HTTP {resp.status_code}). "
                    "Prøv igjen senere."
                )
            raise UserError(msg, f"HTTP {resp.status_code} for {url}: {detail}")
        data = resp.content
        fetched_at = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
        if self.use_cache:
            self.cache_dir.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            tmp.write_bytes(data)
            tmp.replace(path)
        return data, False, fetched_at

    # ------------------------------------------------------------------ API
    def metadata_url(self, table_id: str) -> str:
        return f"{self.base_url}/tables/{quote(table_id, safe='')}/metadata?lang={self.lang}"

    def data_url(self, table_id: str, selection: dict[str, list[str]]) -> str:
        parts = [f"lang={self.lang}", "outputFormat=json-stat2"]
        for dim, codes in selection.items():
            value = ",".join(quote(c, safe="*()?") for c in codes)
            parts.append(f"valueCodes[{quote(dim, safe='')}]={value}")
        return f"{self.base_url}/tables/{quote(table_id, safe='')}/data?" + "&".join(parts)

    def metadata(self, table_id: str, *, refresh: bool = False) -> dict:
        """Table metadata (see :func:`read_jsonstat_metadata`) plus ``elimination`` per dim."""
        if table_id in self._metadata and not refresh:
            return self._metadata[table_id]
        url = self.metadata_url(table_id)
        data, _cached, _at = self._get(url, table_id, refresh=refresh)
        doc = parse_json(data)
        if "value" not in doc:  # /metadata documents may omit or empty the values
            doc = {**doc, "value": []}
        meta = read_jsonstat_metadata(doc)
        elim = {}
        for dim_id in meta["ids"]:
            ext = doc["dimension"][dim_id].get("extension")
            elim[dim_id] = bool(isinstance(ext, dict) and ext.get("elimination"))
        meta["elimination"] = elim
        meta["url"] = url
        self._metadata[table_id] = meta
        return meta

    def fetch(
        self,
        table_id: str,
        *,
        regions: Iterable[str] | None = None,
        contents: Iterable[str] | None = None,
        years: Iterable[int | str] | None = None,
        filters: dict[str, Iterable[str] | str] | None = None,
        refresh: bool = False,
    ) -> tuple[pl.DataFrame, dict]:
        """Fetch data as a long frame (``read_jsonstat`` columns) and its vintage metadata.

        ``regions``/``contents``/``years`` select codes in the table's region, content and
        time dimensions (None: all). ``filters`` maps other dimension ids to codes (or
        ``"*"``); eliminable dimensions not mentioned are left out (SSB sums/eliminates
        them), non-eliminable ones get all codes.
        """
        md = self.metadata(table_id, refresh=refresh)
        dims = md["dimensions"]
        roles = md["roles"]
        geo = (roles.get("geo") or [None])[0]
        metric = (roles.get("metric") or [None])[0]
        time_dim = (roles.get("time") or [None])[0]
        selection: dict[str, list[str]] = {}

        def check(dim: str | None, codes: Iterable[str], what: str) -> list[str]:
            if dim is None:
                raise DataFormatError(
                    f"Tabell {table_id} har ingen dimensjon for {what}.",
                    f"table {table_id} has no {what} dimension",
                )
            codes = [str(c) for c in codes]
            known = set(dims[dim]["codes"])
            unknown = [c for c in codes if c not in known]
            if unknown:
                raise DataFormatError(
                    f"Ukjent kode «{unknown[0]}» for {what} ({dim}) i tabell {table_id}."
                    + (f" Også ukjent: {', '.join(unknown[1:6])}." if len(unknown) > 1 else ""),
                    f"unknown code(s) {unknown} for {dim} in table {table_id}",
                )
            return codes

        if regions is not None:
            selection[geo or ""] = check(geo, regions, "region")
        if contents is not None:
            selection[metric or ""] = check(metric, contents, "statistikkvariabel")
        if years is not None:
            if time_dim is None:
                check(None, [], "tid")
            wanted = {int(y) for y in years}
            codes = [c for c in dims[time_dim]["codes"] if parse_time_code(c)[0] in wanted]
            have = {parse_time_code(c)[0] for c in codes}
            missing = sorted(wanted - have)
            if missing:
                raise DataFormatError(
                    f"Tabell {table_id} har ikke tall for år {missing[0]} "
                    f"(tilgjengelig: {dims[time_dim]['codes'][0]}–{dims[time_dim]['codes'][-1]}).",
                    f"years {missing} not in table {table_id}",
                )
            selection[time_dim] = codes
        for dim, codes in (filters or {}).items():
            if dim not in dims:
                raise DataFormatError(
                    f"Tabell {table_id} har ingen dimensjon «{dim}». "
                    f"Dimensjoner: {', '.join(md['ids'])}.",
                    f"unknown dimension {dim} in table {table_id}",
                )
            if codes == "*" or codes == ["*"]:
                selection[dim] = list(dims[dim]["codes"])
            else:
                selection[dim] = check(dim, [codes] if isinstance(codes, str) else codes, dim)
        for dim in md["ids"]:
            if dim not in selection and not md.get("elimination", {}).get(dim, False):
                selection[dim] = list(dims[dim]["codes"])
        selection = {d: selection[d] for d in md["ids"] if d in selection}

        chunks = self._chunks(table_id, selection, geo, time_dim)
        frames: list[pl.DataFrame] = []
        parts: list[dict] = []
        first_meta: dict | None = None
        for i, sel in enumerate(chunks, start=1):
            url = self.data_url(table_id, sel)
            data, cached, fetched_at = self._get(url, table_id, refresh=refresh)
            doc = parse_json(data)
            frames.append(read_jsonstat(doc))
            if first_meta is None:
                first_meta = read_jsonstat_metadata(doc)
            parts.append(
                {
                    "url": url,
                    "sha256": hashlib.sha256(data).hexdigest(),
                    "cached": cached,
                    "fetched_at": fetched_at,
                    "updated": doc.get("updated"),
                }
            )
            if self.progress:
                self.progress(i, len(chunks), f"tabell {table_id}")
        assert first_meta is not None
        df = pl.concat(frames, how="vertical") if len(frames) > 1 else frames[0]
        meta = dict(first_meta)
        meta["table_id"] = meta.get("table_id") or table_id
        meta["updated"] = max((p["updated"] for p in parts if p["updated"]), default=None)
        meta["fetched_at"] = min(p["fetched_at"] for p in parts)
        meta["url"] = parts[0]["url"]
        meta["sha256"] = (
            parts[0]["sha256"]
            if len(parts) == 1
            else hashlib.sha256("".join(p["sha256"] for p in parts).encode()).hexdigest()
        )
        meta["chunks"] = parts
        meta["selection"] = selection
        return df, meta

    def _chunks(
        self,
        table_id: str,
        selection: dict[str, list[str]],
        geo: str | None,
        time_dim: str | None,
    ) -> list[dict[str, list[str]]]:
        total = math.prod(len(v) for v in selection.values())
        if total <= self.max_cells:
            return [selection]
        regions = selection.get(geo, []) if geo else []
        times = selection.get(time_dim, []) if time_dim else []
        rest = total // max(1, len(regions) or 1) // max(1, len(times) or 1)
        n_times = max(1, len(times))
        if rest > self.max_cells or (not regions and not times):
            raise DataFormatError(
                f"Spørringen mot tabell {table_id} gir {total} celler, og kan ikke deles "
                f"opp under SSBs grense på {self.max_cells} celler per uttrekk. Velg færre "
                "statistikkvariabler eller andre koder.",
                f"cannot split {total} cells below {self.max_cells}",
            )
        if rest * n_times <= self.max_cells and regions:
            per = max(1, self.max_cells // (rest * n_times))
            return [
                {**selection, geo: regions[i : i + per]}  # type: ignore[dict-item]
                for i in range(0, len(regions), per)
            ]
        # Split by year too: one region at a time, as many periods as fit.
        per_t = max(1, self.max_cells // rest)
        out = []
        for r in regions or [None]:
            for i in range(0, n_times, per_t):
                sel = dict(selection)
                if r is not None:
                    sel[geo] = [r]  # type: ignore[index]
                if times:
                    sel[time_dim] = times[i : i + per_t]  # type: ignore[index]
                out.append(sel)
        return out
