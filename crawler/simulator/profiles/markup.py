"""What every simulated portal's answers share: the page shell, JSON answers and the
files' content types."""

from __future__ import annotations

import html
import json
from typing import Any

from ..portal import Response

CTYPES = {"pdf": "application/pdf", "docx":
          "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
          "huge": "application/zip", "doc": "application/msword"}


def page(title: str, body: str, head: str = "", charset: str = "utf-8") -> str:
    return (f"<!DOCTYPE html><html><head><meta charset=\"{charset}\"><title>{html.escape(title)}"
            f"</title>{head}</head><body>{body}</body></html>")


def json_response(data: Any, ctype: str = "application/json;charset=UTF-8",
                  static: bool = False) -> Response:
    """A list API's answer: ``data`` as JSON, Chinese written as is."""
    return Response(body=json.dumps(data, ensure_ascii=False).encode(), ctype=ctype,
                    static=static)
