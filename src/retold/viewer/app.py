"""The web viewer: every route registered in one place, each HTML page with a ``.json`` twin.

The JSON twin of ``/PATH?QUERY`` is ``/PATH.json?QUERY`` (``/.json`` for the cluster list);
``/api`` lists them. Document ids travel only as query parameters and are looked up in the
store, never joined to a path, so ``../../etc/passwd`` is simply an unknown id (404).
"""

from __future__ import annotations

import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment, PackageLoader
from markupsafe import Markup
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from retold import __version__
from retold.documents import Comparison, Document
from retold.errors import InputError, RetoldError
from retold.report.html import REPORT_CSS
from retold.report.json import comparison_dict
from retold.report.layout import direction_text, percent
from retold.viewer.pairview import changes_html, legend_html, pair_table
from retold.viewer.store import SORTS, PairFn, Store

PER_PAGE = 50
MAX_PER_PAGE = 500
MAX_UPLOAD = 1 << 20  # bytes accepted by /check, text or file
CHECK_CANDIDATES = 10
CHECK_SLOTS = 2  # /check requests worked on at once; more are answered 503 at once
# pair comparisons computed at once; more wait their turn. Each is CPU-bound and runs in the
# server's thread pool (40 threads): unbounded, dozens of them share the CPUs, every one of them
# slows down and pages already cached wait behind them
COMPARE_SLOTS = max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 2)
CHECK_CHAR_BUDGET = 2_000_000  # checked characters times candidates compared, per request
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
STATIC = Path(__file__).parent / "static"
log = logging.getLogger("retold.viewer")

# (HTML path, JSON twin, what it shows), the order the /api page lists them in
API: tuple[tuple[str, str, str], ...] = (
    ("/?sort=size|date&page=N", "/.json", "clusters, largest or newest first, paged"),
    ("/search?q=WORDS", "/search.json", "documents whose title or text hold every word"),
    ("/cluster/N", "/cluster/N.json", "one cluster: its source and each copy's verdict"),
    ("/pair?a=ID&b=ID", "/pair.json", "two documents aligned sentence by sentence"),
    ("/doc?id=ID", "/doc.json", "one document and the clusters it belongs to"),
    ("/check (POST text or file)", "/check.json", "sources of a pasted article"),
    ("/api", "/api.json", "this list"),
)


class CheckTooLarge(InputError):
    """The checked article has more sentences than one comparison takes (answered 413)."""


class Viewer:
    """Shared state behind the routes: the store and a bounded cache of comparisons.

    Args:
        store: Where clusters and documents come from.
        pair_fn: Compares two documents; default: ``retold.pair.compare.Comparer(model)``, loaded on
            first use.
        model: Embedding model of the default comparer.
        cache_size: Comparisons kept (least recently used dropped first).
    """

    def __init__(
        self,
        store: Store,
        pair_fn: PairFn | None = None,
        *,
        model: str = "fast",
        cache_size: int = 256,
    ) -> None:
        if cache_size < 1:
            raise ValueError("cache_size must be >= 1")
        self.store = store
        self.model = model
        self._pair_fn = pair_fn
        self._cache: OrderedDict[tuple[str, str], Comparison] = OrderedDict()
        # rendered table and change list of cached comparisons, keyed like the cache
        self._html: OrderedDict[tuple[str, str], tuple[Comparison, Markup, Markup]] = OrderedDict()
        self._cache_size = cache_size
        self._lock = threading.Lock()
        self._comparer: Any = None  # the default comparer, once made
        self._check_slots = threading.BoundedSemaphore(CHECK_SLOTS)
        self._compare_slots = threading.BoundedSemaphore(COMPARE_SLOTS)

    def warm(self) -> None:
        """Load the model now rather than on the first pair page."""
        self._compare_fn()

    def _compare_fn(self) -> PairFn:
        if self._pair_fn is None:
            from retold.pair.compare import Comparer

            self._comparer = Comparer(self.model)
            self._pair_fn = self._comparer.compare
        return self._pair_fn

    def compare(self, a: Document, b: Document, *, cache: bool = True) -> Comparison:
        """The comparison of two documents, from the cache when it was computed before.

        At most ``COMPARE_SLOTS`` comparisons are computed at once; a request for a pair that
        another request computed while it waited for a slot is answered from the cache.
        """
        key = (a.id, b.id)
        if cache and (hit := self._cached(key)) is not None:
            return hit
        with self._compare_slots:
            if cache and (hit := self._cached(key)) is not None:
                return hit
            result = self._compare_fn()(a, b)
        if cache:
            with self._lock:
                self._cache[key] = result
                while len(self._cache) > self._cache_size:
                    self._cache.popitem(last=False)
        return result

    def _cached(self, key: tuple[str, str]) -> Comparison | None:
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None:
                self._cache.move_to_end(key)
            return hit

    def fragments(self, c: Comparison) -> tuple[Markup, Markup]:
        """The pair table and change list of a comparison, rendered once per cached pair."""
        key = (c.a.id, c.b.id)
        with self._lock:
            hit = self._html.get(key)
            if hit is not None and hit[0] is c:
                self._html.move_to_end(key)
                return hit[1], hit[2]
        table, changes = pair_table(c), changes_html(c)
        with self._lock:
            self._html[key] = (c, table, changes)
            while len(self._html) > self._cache_size:
                self._html.popitem(last=False)
        return table, changes

    def check(self, checked: Document, limit: int = CHECK_CANDIDATES) -> list[Comparison]:
        """Comparisons of ``checked`` (side B) with its sources in the store, best first.

        The work is bounded: the checked text is segmented and embedded once for all its
        candidates, a long text is compared with fewer candidates (``CHECK_CHAR_BUDGET``), and
        a text with more sentences than one comparison takes is refused.

        Raises:
            CheckTooLarge: over ``CompareConfig.max_sentences`` sentences.
            RetoldError: the text cannot be compared (e.g. it has no sentences).
        """
        from retold.pair.compare import CompareConfig
        from retold.segment import segment

        fn = self._compare_fn()
        seg = segment(checked)
        most = CompareConfig().max_sentences
        if len(seg.sentences) > most:
            raise CheckTooLarge(
                f"the article has {len(seg.sentences):,} sentences, over the limit of {most:,}"
                " for one check: paste one article at a time"
            )
        limit = max(1, min(limit, CHECK_CHAR_BUDGET // max(len(checked.text), 1)))
        comparer = self._comparer
        if comparer is None or fn != comparer.compare:
            return self.store.sources(checked, lambda a, b: self.compare(a, b, cache=False), limit)
        vectors = comparer.embed(seg) if seg.sentences else None

        def against(a: Document, b: Document) -> Comparison:
            if b is not checked:
                return self.compare(a, b, cache=False)
            return comparer.compare_segmented(segment(a), seg, None, vectors)

        return self.store.sources(checked, against, limit)

    def try_check(self, checked: Document) -> list[Comparison] | None:
        """``check`` when a slot is free, else None at once (the caller answers busy)."""
        if not self._check_slots.acquire(blocking=False):
            return None
        try:
            return self.check(checked)
        finally:
            self._check_slots.release()


def _templates() -> Environment:
    env = Environment(
        loader=PackageLoader("retold.viewer", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(
        url=_url, percent=percent, direction_text=direction_text, version=__version__
    )
    return env


def _url(path: str, **params: Any) -> str:
    """A local URL with its query string encoded (ids with slashes or spaces stay intact)."""
    query = {k: v for k, v in params.items() if v is not None}
    return path + ("?" + urlencode(query) if query else "")


class Guard:
    """ASGI middleware: security headers on every response and a Host header allow-list.

    The allow-list stops DNS-rebinding pages from reading a loopback server through a foreign
    host name; ``None`` allows any host (for an explicit ``--host``).
    """

    def __init__(
        self,
        app: ASGIApp,
        allowed_hosts: tuple[str, ...] | None,
        on_error: Callable[[Request, Exception], Awaitable[Response]] | None = None,
    ) -> None:
        self.app = app
        self.allowed = None if allowed_hosts is None else {h.lower() for h in allowed_hosts}
        self.on_error = on_error

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self.allowed is not None:
            host = _host_name(dict(scope["headers"]).get(b"host", b"").decode("latin-1"))
            if host not in self.allowed:
                response = Response("Invalid host header", status_code=400)
                await _secured(response)(scope, receive, send)
                return

        if scope["method"] not in ("GET", "HEAD") and _cross_origin(scope):
            response = Response(
                "Cross-origin request refused: submit the form from the viewer's own pages",
                status_code=403,
            )
            await _secured(response)(scope, receive, send)
            return
        started = False

        async def send_secured(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = list(message.get("headers", []))
                headers += [(k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_secured)
        except Exception as exc:
            # answered here, inside the headers, rather than by Starlette's outermost handler
            log.exception("internal error on %s", scope.get("path"))
            if started:
                raise
            if self.on_error is not None:
                response = await self.on_error(Request(scope), exc)
            else:
                response = Response("Internal Server Error", status_code=500)
            await _secured(response)(scope, receive, send)


def _cross_origin(scope: Scope) -> bool:
    """True for a browser request sent by another site's page (a form post, a fetch).

    Browsers send ``Sec-Fetch-Site`` and, on posts, ``Origin``; clients that send neither
    (curl, scripts) are not browsers a foreign page could drive, and are let through.
    """
    headers = dict(scope["headers"])
    site = headers.get(b"sec-fetch-site", b"").decode("latin-1").lower()
    if site:
        # the browser's own word; its Origin is "null" on our pages' posts, since they send
        # Referrer-Policy: no-referrer
        return site not in ("same-origin", "none")
    origin = headers.get(b"origin", b"").decode("latin-1").strip().lower()
    if not origin:
        return False
    host = headers.get(b"host", b"").decode("latin-1").strip().lower()
    return origin == "null" or origin.split("://", 1)[-1] != host


SECURITY_HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "cross-origin-resource-policy": "same-origin",
}


def _secured(response: Response) -> Response:
    response.headers.update(SECURITY_HEADERS)
    return response


def _host_name(header: str) -> str:
    """The host of a Host header without its port; IPv6 brackets removed."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1 : header.find("]")] if "]" in header else header
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


def create_app(
    store: Store,
    *,
    pair_fn: PairFn | None = None,
    model: str = "fast",
    cache_size: int = 256,
    allowed_hosts: tuple[str, ...] | None = LOOPBACK_HOSTS,
    max_upload: int = MAX_UPLOAD,
) -> Starlette:
    """The viewer as an ASGI app.

    Args:
        store: Clusters and documents to serve (read only).
        pair_fn: Replaces the model-backed comparison (tests pass a cheap one).
        model: Embedding model for pair pages and /check.
        cache_size: Pair comparisons kept in memory.
        allowed_hosts: Host header values accepted; None accepts any.
        max_upload: Largest /check body in bytes.
    """
    viewer = Viewer(store, pair_fn, model=model, cache_size=cache_size)
    env = _templates()

    def page(request: Request, template: str, data: dict[str, Any], **extra: Any) -> Response:
        if request.url.path.endswith(".json"):
            return JSONResponse(data)
        html = env.get_template(template).render(data=data, store=store, request=request, **extra)
        return HTMLResponse(html)

    def int_param(request: Request, name: str, default: int, low: int, high: int) -> int:
        raw = request.query_params.get(name)
        if raw is None or raw == "":
            return default
        try:
            value = int(raw)
        except ValueError:
            raise HTTPException(400, f"{name} must be an integer") from None
        if not low <= value <= high:
            raise HTTPException(400, f"{name} must be in [{low}, {high}]")
        return value

    def document(request: Request, name: str) -> Document:
        doc_id = request.query_params.get(name)
        if not doc_id:
            raise HTTPException(400, f"missing parameter {name!r}: pass a document id")
        doc = store.document(doc_id)
        if doc is None:
            raise HTTPException(404, f"no document with id {doc_id!r}")
        return doc

    def clusters(request: Request) -> Response:
        sort = request.query_params.get("sort", "size")
        if sort not in SORTS:
            raise HTTPException(400, f"sort must be one of {', '.join(SORTS)}")
        per_page = int_param(request, "per_page", PER_PAGE, 1, MAX_PER_PAGE)
        total = store.cluster_count()
        pages = max(1, -(-total // per_page))
        number = int_param(request, "page", 1, 1, pages)
        items = store.clusters(sort=sort, offset=(number - 1) * per_page, limit=per_page)
        data = {
            "sort": sort,
            "page": number,
            "pages": pages,
            "per_page": per_page,
            "clusters_total": total,
            "documents_total": store.document_count(),
            "clusters": [c.summary() for c in items],
        }
        return page(request, "clusters.html", data)

    def search(request: Request) -> Response:
        query = request.query_params.get("q", "").strip()
        limit = int_param(request, "limit", 50, 1, 500)
        hits = store.search(query, limit) if query else []
        found = [{**h.to_dict(), "clusters": store.clusters_of(h.id)} for h in hits]
        return page(request, "search.html", {"q": query, "hits": found})

    def cluster(request: Request) -> Response:
        number = request.path_params["number"]
        found = store.cluster(number)
        if found is None:
            raise HTTPException(404, f"no cluster {number}")
        return page(request, "cluster.html", found.to_dict(), cluster=found)

    def pair(request: Request) -> Response:
        a, b = document(request, "a"), document(request, "b")
        try:
            c = viewer.compare(a, b)
        except RetoldError as exc:
            raise HTTPException(422, str(exc)) from None
        member = store.member(a.id, b.id)
        shared = sorted(set(store.clusters_of(a.id)) & set(store.clusters_of(b.id)))
        about = {"dedup": member.entry if member is not None else None, "clusters": shared}
        if request.url.path.endswith(".json"):
            return JSONResponse({**comparison_dict(c), **about})
        table, changes = viewer.fragments(c)
        data = {"verdict": str(c.verdict), **about}
        extra = {"c": c, "table": table, "changes": changes, "legend": legend_html()}
        return page(request, "pair.html", data, **extra)

    def doc(request: Request) -> Response:
        found = document(request, "id")
        numbers = store.clusters_of(found.id)
        data = {
            **found.to_dict(),
            "clusters": [c.summary() for n in numbers if (c := store.cluster(n)) is not None],
        }
        return page(request, "doc.html", data)

    def check_form(request: Request) -> Response:
        return page(request, "check.html", {"text": "", "sources": None}, max_upload=max_upload)

    async def check(request: Request) -> Response:
        checked = await _checked_document(request, max_upload)
        try:
            found = await run_in_threadpool(viewer.try_check, checked)
        except CheckTooLarge as exc:
            raise HTTPException(413, str(exc)) from None
        except RetoldError as exc:
            raise HTTPException(422, str(exc)) from None
        if found is None:
            raise HTTPException(
                503, "the viewer is busy with other checks: try again in a few seconds"
            )
        sources = [
            {
                "id": c.a.id,
                "title": c.a.document.title,
                "verdict": str(c.verdict),
                "coverage": {"source": round(c.coverage_a, 4), "checked": round(c.coverage_b, 4)},
                "direction": c.direction.to_dict(),
                "links": len(c.alignment.links),
            }
            for c in found
        ]
        data = {
            "characters": len(checked.text),
            "candidates_checked": CHECK_CANDIDATES,
            "sources": sources,
        }
        tables = [(c, pair_table(c)) for c in found]
        return page(request, "check.html", data, tables=tables, max_upload=max_upload)

    def report_css(request: Request) -> Response:
        return Response(REPORT_CSS, media_type="text/css")

    def api(request: Request) -> Response:
        data = {"routes": [{"html": h, "json": j, "shows": s} for h, j, s in API]}
        return page(request, "api.html", data)

    async def error(request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        detail = exc.detail if isinstance(exc, HTTPException) else "internal error"
        if request.url.path.endswith(".json"):
            return JSONResponse({"error": detail, "status": status}, status_code=status)
        html = env.get_template("error.html").render(
            status=status, detail=detail, store=store, request=request
        )
        return HTMLResponse(html, status_code=status)

    routes = [
        Route("/", clusters),
        Route("/.json", clusters),
        Route("/search", search),
        Route("/search.json", search),
        Route("/cluster/{number:int}", cluster),
        Route("/cluster/{number:int}.json", cluster),
        Route("/pair", pair),
        Route("/pair.json", pair),
        Route("/doc", doc),
        Route("/doc.json", doc),
        Route("/check", check_form, methods=["GET"]),
        Route("/check", check, methods=["POST"]),
        Route("/check.json", check, methods=["POST"]),
        Route("/api", api),
        Route("/api.json", api),
        Route("/report.css", report_css),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    app = Starlette(routes=routes, exception_handlers={HTTPException: error, 500: error})
    app.state.viewer = viewer
    app.add_middleware(Guard, allowed_hosts=allowed_hosts, on_error=error)
    return app


async def _checked_document(request: Request, limit: int) -> Document:
    """The article posted to /check: a ``text`` field or an uploaded ``file`` (.html or .txt)."""
    from retold.readers import read_text
    from retold.readers.files import parse_bytes

    length = request.headers.get("content-length")
    if length is not None and (not length.isdigit() or int(length) > limit + 4096):
        raise HTTPException(413, f"the article is too large: at most {limit} bytes")
    try:
        form = await request.form(max_files=1, max_fields=4, max_part_size=limit)
    except HTTPException as exc:
        if "maximum size" in str(exc.detail):  # Starlette answers 400 for an oversized field
            raise HTTPException(413, f"the article is too large: at most {limit} bytes") from None
        raise
    except Exception as exc:
        raise HTTPException(400, f"could not read the form: {exc}") from None
    upload = form.get("file")
    text = form.get("text")
    try:
        if upload is not None and not isinstance(upload, str) and upload.filename:
            raw = await upload.read(limit + 1)
            if len(raw) > limit:
                raise HTTPException(413, f"the file is too large: at most {limit} bytes")
            name = Path(upload.filename).name or "upload"
            # parsed in memory (format from the name's extension or the first bytes): the
            # upload's name is only a label, never a path to open
            return parse_bytes(raw, name, id="checked")
        if not isinstance(text, str) or not text.strip():
            raise HTTPException(400, "nothing to check: paste the article's text or choose a file")
        if len(text.encode("utf-8")) > limit:
            raise HTTPException(413, f"the article is too large: at most {limit} bytes")
        return read_text(text, id="checked")
    except RetoldError as exc:
        raise HTTPException(400, str(exc)) from None


__all__ = ["API", "CSP", "LOOPBACK_HOSTS", "Viewer", "create_app"]
