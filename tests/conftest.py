"""Session-wide test settings.

The simulated portals run on 127.0.0.x, which a deployment refuses unless it opts in
(``docs/commands.md``): the tests opt in, as acceptance checks do, and the registry tests
that check the refusal take the opt-in away again.

The database: the archive, monitor and web suites (``PG_MODULES``) run twice, on SQLite
and on PostgreSQL (test ids ``[sqlite]`` / ``[postgresql]``); ``--database`` or
``NIANBAO_TEST_DATABASE`` = ``sqlite`` | ``postgresql`` | ``both`` (the default) chooses.
``postgresql`` runs every test of the suite on PostgreSQL only. A module-scoped fixture
that builds a data directory takes ``database`` as an argument, so that it is built
again for the other database: under pytest-xdist a module's ``[sqlite]`` and
``[postgresql]`` tests run back to back, and a fixture that ignores the parameter would
serve the ``[postgresql]`` tests its SQLite archive. On PostgreSQL one
throw-away server (Debian's binaries, ``initdb``/``pg_ctl`` on a temporary directory) serves
the whole session, and every data directory gets its own database, copied from a template
migrated once (``archive/testdb.py``); the databases are dropped after each module. Without
a PostgreSQL server installed the ``[postgresql]`` tests are skipped.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from servers import PostgresServer, pg_bin

if TYPE_CHECKING:
    from archive.store import Archive

os.environ.setdefault("NIANBAO_ALLOW_PRIVATE", "1")

#: the suites run on both databases (module names). Not test_demo: it passes on PostgreSQL
#: (``--database postgresql`` runs the whole suite there) but is two minutes of crawling
#: simulated portals; nor the hostile-value sweep over every web route, the daemon's
#: schedule and the pages in Chromium, which pass there too but are slow, and read the
#: database through the same queries test_web runs on both. The README's one test command
#: must stay well inside CI's 20 minutes.
PG_MODULES = {
    "test_alert_kinds", "test_archive", "test_findings", "test_monitor_alerts",
    "test_monitor_mail", "test_races", "test_rollup", "test_search", "test_web",
}


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--database", choices=("sqlite", "postgresql", "both"),
                     default=os.environ.get("NIANBAO_TEST_DATABASE") or "both",
                     help="the database the archive, monitor and web suites run on")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "database" not in metafunc.fixturenames:
        return
    mode = metafunc.config.getoption("database")
    if mode == "postgresql":
        kinds = ["postgresql"]
    elif mode == "both" and metafunc.module.__name__ in PG_MODULES:
        kinds = ["sqlite", "postgresql"]
    else:
        return
    # session scope: pytest runs every [sqlite] test, then every [postgresql] one, so the
    # module-scoped archives are built once per database
    metafunc.parametrize("database", kinds, indirect=True, scope="session")


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """A throw-away PostgreSQL server for the session; yields the URL of its ``postgres``
    database. The migrated template (``archive.testdb.TEMPLATE``) is made on it."""
    if pg_bin() is None:
        pytest.skip("no PostgreSQL server installed (apt-get install postgresql)")
    server = PostgresServer().start()
    try:
        _make_template(server.url, server.root)
        yield server.url
    finally:
        server.stop()


def _make_template(url: str, root: Path) -> None:
    from archive import testdb
    from archive.store import Archive

    with testdb.connect(url) as c:
        c.execute(f'CREATE DATABASE "{testdb.TEMPLATE}"')
    mp = pytest.MonkeyPatch()
    mp.setenv("NIANBAO_DATABASE_URL", url.rsplit("/", 1)[0] + "/" + testdb.TEMPLATE)
    try:
        a = Archive(root / "template")
        a.migrate()
        a.engine.dispose()
    finally:
        mp.undo()


@pytest.fixture(scope="session", autouse=True)
def database(request: pytest.FixtureRequest) -> Iterator[str]:
    """``sqlite`` or ``postgresql``: where the data directories of this test keep their
    database (parametrised by ``pytest_generate_tests``)."""
    kind = getattr(request, "param", "sqlite")
    if kind == "sqlite":
        yield kind
        return
    server = request.getfixturevalue("pg_server")
    mp = pytest.MonkeyPatch()
    mp.setenv("NIANBAO_TEST_POSTGRES", server)
    try:
        yield kind
    finally:
        mp.undo()


@pytest.fixture(scope="module", autouse=True)
def _drop_test_databases(database: str, request: pytest.FixtureRequest) -> Iterator[None]:
    server = request.getfixturevalue("pg_server") if database == "postgresql" else None
    yield
    if server:
        from archive import testdb

        testdb.drop_all(server)


@pytest.fixture(autouse=True)
def _archive_on_its_database(database: str, request: pytest.FixtureRequest) -> None:
    """A ``[postgresql]`` test's ``archive`` is on PostgreSQL, not a module fixture's leftover
    SQLite one (see the module docstring)."""
    if database == "postgresql" and "archive" in request.fixturenames:
        a = request.getfixturevalue("archive")
        assert a.engine.dialect.name == "postgresql", f"{request.node.nodeid}: archive on SQLite"


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory: pytest.TempPathFactory,
             request: pytest.FixtureRequest) -> dict[str, Any]:
    """One ``nianbao demo --no-serve`` for the whole session (about a minute), read-only to
    the tests that share it: over a data directory ``init`` made first, whose untouched
    built-in registry the demo replaces. Under pytest-xdist the first worker that needs it
    runs it and the others read its result, except on PostgreSQL, where each worker has its
    own server and so runs its own demo."""
    import datetime as dt
    import fcntl
    import json
    import re

    from helpers import clean_env, nianbao

    from archive import testdb

    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER") and request.config.getoption("database") != \
            "postgresql":
        root = root.parent  # the directory every worker's own basetemp sits in
    data, result = root / "demo" / "data", root / "demo" / "result.json"
    data.parent.mkdir(exist_ok=True)
    with open(root / "demo.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not result.exists():
            testdb.keep(data)  # on PostgreSQL its database outlives the modules sharing it
            assert nianbao(data, "init", env=clean_env()).returncode == 0
            p = nianbao(data, "demo", "--no-serve", env=clean_env())
            assert p.returncode == 0, p.stderr[-3000:]
            m = re.search(r"检查日期 (\d{4}-\d{2}-\d{2})", p.stdout)
            assert m, p.stdout
            result.write_text(json.dumps({"stdout": p.stdout, "stderr": p.stderr,
                                          "today": m.group(1)}))
        run = json.loads(result.read_text())
    return {**run, "data": data, "today": dt.date.fromisoformat(run["today"])}


@pytest.fixture
def archive(tmp_path: Path) -> Archive:
    """An empty, migrated archive in ``tmp_path/data`` (on this session's database). Modules
    that need one filled or shared override it with their own ``archive`` fixture."""
    from archive.store import Archive

    a = Archive(tmp_path / "data")
    a.migrate()
    return a
