"""The web pages and their JSON twins (``nianbao serve``).

``create_app(archive)`` builds the Flask application. Every page reads through
:class:`monitor.web.queries.WebData`; templates autoescape everything, because titles,
texts and file names come from portals nobody here controls. Bound to localhost the
pages need no login; given a token they demand it (query ``?token=``, header
``X-Nianbao-Token`` or ``Authorization: Bearer``, or the cookie the first visit sets).

Hostile input gets a 4xx, never a 500: a path or query carrying control characters or
overlong values is refused with 400 before any view runs; integers in paths are bounded
by the converter (``<int:…>`` past 32 bits is 404), integers in queries are validated and
clamped by the views (``views.int_arg``); templates build links from the views' own
validated values, never from ``request.args``, and never absolute (no ``Host`` header in
a link).
"""

from __future__ import annotations

import hmac
import logging
import unicodedata
from typing import Any

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.routing import Map
from werkzeug.routing.converters import IntegerConverter

from archive.store import Archive

from .queries import WebData

TOKEN_COOKIE = "nianbao_token"
CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
       "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
#: longest query value accepted (a search phrase, an agency id); longer is a 400
MAX_ARG = 1000
#: longest path accepted
MAX_PATH = 2000
_ALLOWED_CONTROLS = frozenset("\t\n\r")
log = logging.getLogger(__name__)


class BoundedInt(IntegerConverter):
    """``<int:…>`` that stops at what the models' INTEGER columns hold (32 bits on
    PostgreSQL): a larger number in a path does not match the route (404) instead of
    overflowing in SQLite or PostgreSQL."""

    def __init__(self, map: Map, fixed_digits: int = 0, min: int | None = None,
                 max: int | None = None, signed: bool = False) -> None:
        super().__init__(map, fixed_digits, 0 if min is None else min,
                         2**31 - 1 if max is None else max, signed)


def hostile(value: str, allow_whitespace: bool = True) -> bool:
    """Whether text holds a control character (NUL, ESC, DEL, C1…) or a lone surrogate;
    tab, newline and carriage return pass where whitespace is allowed."""
    for ch in value:
        if ch in _ALLOWED_CONTROLS and allow_whitespace:
            continue
        if unicodedata.category(ch) in ("Cc", "Cs"):
            return True
    return False


def _input_problem() -> str | None:
    """A Chinese message when the request's path or query is unacceptable, else None."""
    if len(request.path) > MAX_PATH:
        return "请求地址过长"
    if hostile(request.path, allow_whitespace=False):
        return "请求地址含有控制字符（如 NUL），已拒绝"
    for key, value in request.args.items(multi=True):
        if hostile(key, allow_whitespace=False) or hostile(value):
            return f"参数“{key[:40]}”含有控制字符（如 NUL），已拒绝"
        if len(key) > 100 or len(value) > MAX_ARG:
            return f"参数“{key[:40]}”过长（最多 {MAX_ARG} 个字符）"
    return None


def _given_token() -> tuple[str | None, bool]:
    """The token the request carries, and whether it came in the query string."""
    if request.args.get("token"):
        return request.args["token"], True
    auth = request.headers.get("Authorization", "")
    if auth.lower().startswith("bearer "):
        return auth[7:].strip(), False
    return request.headers.get("X-Nianbao-Token") or request.cookies.get(TOKEN_COOKIE), False


def create_app(archive: Archive, token: str | None = None) -> Flask:
    app = Flask(__name__)
    # before any route is added: every <int:…>, present and future, is bounded
    app.url_map.converters["int"] = BoundedInt
    app.config["DATA"] = WebData(archive)
    app.config["TOKEN"] = token or None
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.jinja_env.autoescape = True  # every template, whatever its extension

    from .views import bp

    app.register_blueprint(bp)
    from .rollup_views import bp as rollup_bp

    app.register_blueprint(rollup_bp)

    @app.before_request
    def _check_input() -> tuple[Response | str, int] | None:
        problem = _input_problem()
        if problem is None:
            return None
        return _error(400, problem)

    @app.before_request
    def _check_token() -> Response | tuple[Response, int] | tuple[str, int] | None:
        want = app.config["TOKEN"]
        if not want or request.path.startswith("/static/"):
            return None
        got, _ = _given_token()
        if got and hmac.compare_digest(got.encode(), want.encode()):
            return None
        if request.path.startswith("/api/"):
            return jsonify({"error": "需要访问令牌：在地址后加 ?token=… 或发送 X-Nianbao-Token 请求头"}), 401
        return render_template("error.html", code=401,
                               message="需要访问令牌：请在地址后加上 ?token=（启动 nianbao serve 时给出的令牌）"), 401

    @app.after_request
    def _headers(resp: Response) -> Response:
        want = app.config["TOKEN"]
        got, from_query = _given_token()
        if want and from_query and got and hmac.compare_digest(got.encode(), want.encode()):
            resp.set_cookie(TOKEN_COOKIE, got, httponly=True, samesite="Strict")
        resp.headers.setdefault("Content-Security-Policy", CSP)
        resp.headers["X-Content-Type-Options"] = "nosniff"
        resp.headers["Referrer-Policy"] = "no-referrer"
        resp.headers["X-Frame-Options"] = "DENY"
        return resp

    @app.errorhandler(404)
    def _not_found(_: Exception) -> tuple[Response | str, int]:
        if request.path.startswith("/api/"):
            return jsonify({"error": "未找到"}), 404
        return render_template("error.html", code=404, message="未找到该页面或文件"), 404

    @app.errorhandler(400)
    def _bad_request(e: Exception) -> tuple[Response | str, int]:
        msg = getattr(e, "description", None)
        if not isinstance(msg, str) or not msg or msg.isascii():  # werkzeug's English default
            msg = "请求参数有误"
        return _error(400, msg)

    @app.errorhandler(405)
    def _not_allowed(_: Exception) -> tuple[Response | str, int]:
        return _error(405, "只接受 GET 请求")

    @app.errorhandler(500)
    def _server_error(e: Exception) -> tuple[Response | str, int]:
        log.error("internal error on %s: %r", request.path, getattr(e, "original_exception", e))
        return _error(500, "服务器内部错误，已记录；请稍后再试")

    return app


def _error(code: int, message: str) -> tuple[Response | str, int]:
    """The error in the page's language: JSON under /api/, else the error page."""
    if request.path.startswith("/api/"):
        return jsonify({"error": message}), code
    body: Any = render_template("error.html", code=code, message=message)
    return body, code
