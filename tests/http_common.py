"""A real Odoo server for real-client tests: started once per test class on a
free loopback port against the test database, stopped after the class.

The server is another process with its own transactions: data it must see is
created through it (XML-RPC, committed) and removed by the test afterwards."""

import os
import unittest
import xmlrpc.client

import odoo
from odoo.tests.common import get_db_name

from .server_process import OdooServer

ADMIN_LOGIN = ADMIN_PASSWORD = "admin"


class HttpServerCase(unittest.TestCase):
    """Base class: ``cls.url``, ``cls.db`` and ``cls.uid`` (admin) are set;
    ``_call`` runs a model method over XML-RPC as admin, ``_call_as`` as
    another user. Subclasses choose the server's options (``server_options``)
    and log file (``server_log``, in the data dir). The server answers only
    once its registry is loaded (see OdooServer)."""

    server_options = ["--workers=2"]
    server_log = "http_server.log"
    start_timeout = 120

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.db = get_db_name()
        cls.server = OdooServer(
            odoo.tools.config.rcfile,
            [cls.db],
            os.path.join(odoo.tools.config["data_dir"], cls.server_log),
            cls.server_options,
        )
        cls.server.start(cls.start_timeout)
        cls.port, cls.url = cls.server.port, cls.server.url
        cls.uid = cls._authenticate(ADMIN_LOGIN, ADMIN_PASSWORD)

    @classmethod
    def tearDownClass(cls):
        cls._stop_server()
        super().tearDownClass()

    @classmethod
    def _stop_server(cls):
        cls.server.stop()

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
