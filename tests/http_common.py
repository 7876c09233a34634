"""A real Odoo server for real-client tests: started once per test class on a
free loopback port against the test database, stopped after the class.

The server is another process with its own transactions: data it must see is
created through it (XML-RPC, committed) and removed by the test afterwards."""

import os
import socket
import subprocess
import sys
import time
import unittest
import xmlrpc.client

import odoo
from odoo.tests.common import get_db_name

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ADMIN_LOGIN = ADMIN_PASSWORD = "admin"
# What Odoo 11 logs once the registry is loaded (odoo/modules/loading.py); its
# logger is set to INFO on the command line whatever the log level.
READY_LOGGER = "odoo.modules.loading"
READY_LINE = "%s: Modules loaded." % READY_LOGGER


def wait_for_registry(log_path, process, deadline):
    """Wait until the server writing ``log_path`` has loaded its registry:
    a request that arrives while it preloads makes Odoo 11 import the add-ons
    in the HTTP thread at the same time as the main thread, and the registry
    comes out broken. False when ``process`` exited or ``deadline`` passed."""
    while time.time() < deadline and process.poll() is None:
        with open(log_path, encoding="utf-8", errors="replace") as log:
            if READY_LINE in log.read():
                return True
        time.sleep(0.5)
    return False


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class HttpServerCase(unittest.TestCase):
    """Base class: ``cls.url``, ``cls.db`` and ``cls.uid`` (admin) are set;
    ``_call`` runs a model method over XML-RPC as admin, ``_call_as`` as
    another user. Subclasses choose the server's options (``server_options``)
    and log file (``server_log``, in the data dir)."""

    server_options = ["--workers=2"]
    server_log = "http_server.log"
    start_timeout = 120

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.db = get_db_name()
        cls.port = free_port()
        cls.url = "http://127.0.0.1:%s" % cls.port
        cmd = [
            sys.executable,
            os.path.join(ROOT, "tools", "odoo_bin.py"),
            "-c",
            odoo.tools.config.rcfile,
            "-d",
            cls.db,
            "--db-filter=^%s$" % cls.db,
            "--http-interface=127.0.0.1",
            "--http-port=%s" % cls.port,
            "--longpolling-port=%s" % free_port(),
            "--max-cron-threads=0",
            "--log-level=warn",
            "--log-handler=%s:INFO" % READY_LOGGER,
        ] + list(cls.server_options)
        # Kept open for the server's lifetime; closed in tearDownClass.
        log_path = os.path.join(odoo.tools.config["data_dir"], cls.server_log)
        # pylint: disable=consider-using-with
        cls.log = open(log_path, "w", encoding="utf-8")
        cls.server = subprocess.Popen(cmd, stdout=cls.log, stderr=subprocess.STDOUT)
        # pylint: enable=consider-using-with
        deadline = time.time() + cls.start_timeout
        if not wait_for_registry(log_path, cls.server, deadline):
            cls._stop_server()
            raise RuntimeError("the Odoo server did not load (log: %s)" % log_path)
        while time.time() < deadline:
            try:
                xmlrpc.client.ServerProxy(cls.url + "/xmlrpc/2/common").version()
                break
            except OSError:
                time.sleep(0.5)
        else:
            cls._stop_server()
            raise RuntimeError("the Odoo server did not start (log: %s)" % log_path)
        cls.uid = cls._authenticate(ADMIN_LOGIN, ADMIN_PASSWORD)

    @classmethod
    def tearDownClass(cls):
        cls._stop_server()
        super().tearDownClass()

    @classmethod
    def _stop_server(cls):
        cls.server.terminate()
        try:
            cls.server.wait(30)
        except subprocess.TimeoutExpired:
            cls.server.kill()
            cls.server.wait(10)
        cls.log.close()

    @classmethod
    def _authenticate(cls, login, password):
        common = xmlrpc.client.ServerProxy(cls.url + "/xmlrpc/2/common")
        return common.authenticate(cls.db, login, password, {})

    @classmethod
    def _call_as(cls, uid, password, model, method, *args, **kwargs):
        proxy = xmlrpc.client.ServerProxy(
            cls.url + "/xmlrpc/2/object", allow_none=False
        )
        return proxy.execute_kw(
            cls.db, uid, password, model, method, list(args), kwargs
        )

    @classmethod
    def _call(cls, model, method, *args, **kwargs):
        return cls._call_as(cls.uid, ADMIN_PASSWORD, model, method, *args, **kwargs)

    @classmethod
    def _xmlid_to_id(cls, xmlid):
        module, name = xmlid.split(".")
        rows = cls._call(
            "ir.model.data",
            "search_read",
            [("module", "=", module), ("name", "=", name)],
            ["res_id"],
        )
        return rows[0]["res_id"] if rows else False
