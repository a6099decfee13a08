"""Where a deployment keeps its things, and its settings (``docs/commands.md``).

The data directory: ``--data-dir``, else ``NIANBAO_HOME``, else ``./nianbao-data``.
Settings: ``nianbao.toml`` there, each overridden by ``NIANBAO_<NAME>`` in the environment.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_type_hints

DEFAULT_TOML = """\
# nianbao configuration. Every setting may also be given as an environment variable
# NIANBAO_<NAME IN CAPITALS>, which wins over this file.

# SQLAlchemy URL of the database; empty means SQLite in this directory (nianbao.db).
# database_url = "postgresql+psycopg://nianbao:secret@localhost/nianbao"

# Mail to the disclosure office (政务公开办).
smtp_host = "localhost"
smtp_port = 25
# smtp_user = ""
# smtp_password = ""
smtp_starttls = false
smtp_ssl = false
# CA file to verify the mail server's certificate when it is not publicly signed
# smtp_cafile = "/etc/ssl/certs/office-ca.pem"
mail_from = "nianbao@localhost"
alert_recipients = []
# also send each agency a copy of its own alerts (to the registry's emails)
copy_agencies = false
# base URL of `nianbao serve`, used for links in the mail
site_url = "http://127.0.0.1:8000"

# Nightly cycle (nianbao daemon)
schedule = "0 2 * * *"
timezone = "Asia/Shanghai"
misfire_grace_seconds = 21600

# Crawler politeness
download_delay = 1.0
page_budget = 300
max_file_mb = 64
# portals on private, loopback or link-local addresses (127.0.0.1, 10.x, 192.168.x …) are
# refused unless this is true (or NIANBAO_ALLOW_PRIVATE=1): a registry must not turn the
# crawler against the machine it runs on
allow_private = false
# pages a portal's walk from its home page to its 年报 column may fetch (first night, or
# when the remembered column fails)
discovery_budget = 20
# the User-Agent of every request: visible ASCII only (RFC 9110), with a URL where the
# portal's webmaster finds who crawls; unset, it names site_url
# user_agent = "Mozilla/5.0 (compatible; nianbao/0.1; +https://nianbao.example.gov.cn/)"

# Scaling out (docs/scaling.md): with a Redis URL, crawl / run / daemon put the night's
# portals in Redis and ``nianbao worker`` processes (on any machine that reaches the
# database, Redis and this data directory) crawl them. Unset: one process crawls.
# redis_url = "redis://localhost:6379/0"
# seconds a worker holds a portal without renewing its lease: a worker that dies leaves
# its portals to the others after this long
lease_seconds = 60
# portals one worker process crawls at a time
worker_portals = 32

# The crawler's network: seconds before a download is given up, retries of a failed
# request (with exponential back-off from crawl_backoff seconds), and the crawl log's level
crawl_timeout = 30.0
crawl_retries = 4
crawl_backoff = 1.0
log_level = "INFO"

# What reading one file may cost. The command line (parse, ingest, crawl, daemon) reads
# every file in a child process: past these limits the file is archived all the same and
# marked unparseable with the reason, never a report version.
# memory of the child process, MB (its address space may grow to this over its start)
parse_memory_mb = 512
# seconds one file may take to extract and parse
parse_seconds = 120
# a DOCX may inflate to this many MB in all (counted while inflating, not taken from
# the zip's headers; more is a zip bomb)
docx_unzipped_mb = 200
# the XML of a DOCX, all parts together, MB (parsed, it takes about 20 times as much memory)
docx_xml_mb = 16
"""


@dataclass(frozen=True)
class Settings:
    """Every setting, typed; one object loaded and checked once (:func:`load_settings`).
    The defaults are those of :data:`DEFAULT_TOML` (a key commented out there is None)."""

    data_dir: Path
    database_url: str | None
    smtp_host: str
    smtp_port: int
    smtp_user: str | None
    smtp_password: str | None
    smtp_starttls: bool
    smtp_ssl: bool
    smtp_cafile: str | None
    mail_from: str
    alert_recipients: list[str]
    copy_agencies: bool
    site_url: str
    schedule: str
    timezone: str
    misfire_grace_seconds: int
    download_delay: float
    page_budget: int
    max_file_mb: int
    allow_private: bool
    discovery_budget: int
    user_agent: str | None
    redis_url: str | None
    lease_seconds: int
    worker_portals: int
    crawl_timeout: float
    crawl_retries: int
    crawl_backoff: float
    log_level: str
    parse_memory_mb: int
    parse_seconds: float
    docx_unzipped_mb: int
    docx_xml_mb: int

    @property
    def database(self) -> str:
        """The SQLAlchemy URL to open: ``database_url``, else SQLite in the data directory."""
        if self.database_url:
            return self.database_url
        test_server = os.environ.get("NIANBAO_TEST_POSTGRES")
        if test_server:  # the test suite on PostgreSQL: one database per data directory
            from .testdb import database_url

            return database_url(test_server, self.data_dir)
        return f"sqlite:///{self.data_dir / 'nianbao.db'}"


#: key -> the type a value must have (from :class:`Settings`)
TYPES: dict[str, Any] = {k: v for k, v in get_type_hints(Settings).items() if k != "data_dir"}
KNOWN_KEYS = set(TYPES)
LIST_KEYS = {k for k, t in TYPES.items() if t == list[str]}
BOOL_KEYS = {k for k, t in TYPES.items() if t is bool}
INT_KEYS = {k for k, t in TYPES.items() if t is int}
FLOAT_KEYS = {k for k, t in TYPES.items() if t is float}
STR_KEYS = KNOWN_KEYS - LIST_KEYS - BOOL_KEYS - INT_KEYS - FLOAT_KEYS


def resolve_data_dir(cli: str | os.PathLike[str] | None = None) -> Path:
    if cli:
        return Path(cli).resolve()
    env = os.environ.get("NIANBAO_HOME")
    return Path(env).resolve() if env else (Path.cwd() / "nianbao-data").resolve()


class ConfigError(ValueError):
    """A setting that cannot be used; the message names the file or variable, the key and
    what it should be. Commands exit 2 on it."""


def _coerce(key: str, raw: str) -> Any:
    if key in LIST_KEYS:
        return [s.strip() for s in raw.split(",") if s.strip()]
    if key in BOOL_KEYS:
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    try:
        if key in INT_KEYS:
            return int(raw)
        if key in FLOAT_KEYS:
            return float(raw)
    except ValueError:
        kind = "整数" if key in INT_KEYS else "数字"
        raise ConfigError(f"环境变量 NIANBAO_{key.upper()}={raw!r}：应为{kind}") from None
    return raw


def _check_types(values: dict[str, Any], where: str) -> None:
    """The file's values have the types the code relies on (TOML ``"fast"`` for a delay)."""
    for key, value in values.items():
        if key in INT_KEYS and (not isinstance(value, int) or isinstance(value, bool)):
            raise ConfigError(f"{where}：{key} = {value!r} 应为整数")
        if key in FLOAT_KEYS and (not isinstance(value, int | float) or isinstance(value, bool)):
            raise ConfigError(f"{where}：{key} = {value!r} 应为数字")
        if key in BOOL_KEYS and not isinstance(value, bool):
            raise ConfigError(f"{where}：{key} = {value!r} 应为 true 或 false")
        if key in STR_KEYS and not isinstance(value, str):
            raise ConfigError(f"{where}：{key} = {value!r} 应为文字（加引号）")
        if key in LIST_KEYS and not (isinstance(value, list)
                                     and all(isinstance(v, str) for v in value)):
            raise ConfigError(f"{where}：{key} 应为文字列表，例如 [\"a@example.cn\"]")
        if (key in INT_KEYS | FLOAT_KEYS and isinstance(value, int | float) and value < 0):
            raise ConfigError(f"{where}：{key} = {value!r} 不能为负数")


def load_settings(data_dir: Path) -> Settings:
    """The defaults, then ``nianbao.toml``, then ``NIANBAO_*`` variables; a value of the
    wrong type raises :class:`ConfigError` naming where it came from."""
    values: dict[str, Any] = tomllib.loads(DEFAULT_TOML)
    path = data_dir / "nianbao.toml"
    if path.exists():
        try:
            own = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
            raise ConfigError(f"{path}：不是有效的 TOML（{e}）；可对照 nianbao init 写出的注释模板修改") from e
        _check_types(own, str(path))
        values.update(own)
    for key in KNOWN_KEYS:
        env = os.environ.get(f"NIANBAO_{key.upper()}")
        if env is not None:
            values[key] = _coerce(key, env)
    _check_types({k: v for k, v in values.items() if k in KNOWN_KEYS}, "环境变量")
    for key in FLOAT_KEYS:  # TOML's 1 for a float
        if key in values:
            values[key] = float(values[key])
    typed: dict[str, Any] = {k: values.get(k) for k in KNOWN_KEYS}
    return Settings(data_dir=data_dir, **typed)


def write_default_config(data_dir: Path) -> bool:
    """Write a commented nianbao.toml unless one exists; never overwrite."""
    path = data_dir / "nianbao.toml"
    if path.exists():
        return False
    path.write_text(DEFAULT_TOML, encoding="utf-8")
    return True
