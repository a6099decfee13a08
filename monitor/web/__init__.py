"""The web pages and their JSON twins (``nianbao serve``).

``create_app(archive)`` builds the Flask application. Every page reads through
:class:`monitor.web.queries.WebData`; templates autoescape everything, because titles,
texts and file names come from portals nobody here controls. Bound to localhost the
pages need no login; given a token they demand it (query ``?token=``, header
``X-Nianbao-Token`` or ``Authorization: Bearer``, or the cookie the first visit sets).
"""

from __future__ import annotations

import hmac

from flask import Flask, Response, jsonify, render_template, request

from archive.store import Archive

from .queries import WebData

TOKEN_COOKIE = "nianbao_token"
CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
       "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")


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
    app.config["DATA"] = WebData(archive)
    app.config["TOKEN"] = token or None
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.jinja_env.autoescape = True  # every template, whatever its extension

    from .views import bp

    app.register_blueprint(bp)

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
        msg = getattr(e, "description", None) or "请求参数有误"
        if request.path.startswith("/api/"):
            return jsonify({"error": msg}), 400
        return render_template("error.html", code=400, message=msg), 400

    return app
