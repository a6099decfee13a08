"""Test support: every data directory its own database on one shared PostgreSQL server.

With ``NIANBAO_TEST_POSTGRES`` set to a server URL (``tests/conftest.py`` sets it while
tests run on PostgreSQL) and no ``database_url`` configured, a data directory's database is
``nb_<hash of its path>`` on that server, created on first use as a copy of the template
the suite migrated once (:data:`TEMPLATE`). A test, its fixtures and the ``nianbao``
processes it starts therefore all see one fresh, migrated database per data directory,
just as they would see one ``nianbao.db`` file on SQLite.
"""

from __future__ import annotations

import hashlib
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import psycopg

#: the migrated database each test database is copied from
TEMPLATE = "nianbao_template"
#: prefix of the per-data-directory databases (dropped by the suite between modules)
PREFIX = "nb_"

_made: set[str] = set()
#: databases of data directories the whole session shares (the demo run): kept by drop_all
_kept: set[str] = set()


def keep(data_dir: Path) -> None:
    """Keep ``data_dir``'s database until the session ends (see :func:`drop_all`)."""
    _kept.add(database_name(data_dir))


def database_name(data_dir: Path) -> str:
    return PREFIX + hashlib.sha1(str(Path(data_dir).resolve()).encode()).hexdigest()[:24]


def connect(server: str, dbname: str = "postgres") -> psycopg.Connection[Any]:
    """A psycopg autocommit connection to ``dbname`` on the server of an SQLAlchemy URL."""
    import psycopg
    from sqlalchemy.engine import make_url

    u = make_url(server)
    return psycopg.connect(host=u.host, port=u.port, user=u.username, password=u.password,
                           dbname=dbname, autocommit=True)


def database_url(server: str, data_dir: Path) -> str:
    """The URL of ``data_dir``'s database on ``server``, creating it from the template."""
    from sqlalchemy.engine import make_url

    name = database_name(data_dir)
    if name not in _made:
        create(server, name)
        _made.add(name)
    return make_url(server).set(database=name).render_as_string(hide_password=False)


def create(server: str, name: str, template: str = TEMPLATE) -> None:
    import psycopg

    with connect(server) as c:
        for attempt in range(50):
            try:
                c.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}" STRATEGY FILE_COPY')
                return
            except (psycopg.errors.DuplicateDatabase, psycopg.errors.UniqueViolation):
                return  # a twin process of the same test made it first (or is making it)
            except psycopg.errors.ObjectInUse:  # the template is being copied right now
                time.sleep(0.05 * (attempt + 1))
        raise RuntimeError(f"could not create test database {name}")


def drop_all(server: str) -> int:
    """Drop every per-data-directory database (their connections closed by force) but
    those :func:`keep` names."""
    with connect(server) as c:
        names = [r[0] for r in c.execute("SELECT datname FROM pg_database WHERE datname LIKE %s",
                                         (PREFIX + "%",)) if r[0] not in _kept]
        for name in names:
            c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _made.difference_update(names)
    return len(names)
