"""Two Odoo server processes (--workers=2 each) on one database, the way Odoo
scales out: parallel XML-RPC confirmations for one customer sent to both
never take it past its credit limit, and no client sees an error other than
the refusal."""

import os
import unittest

import odoo
from odoo.tests.common import get_db_name

from .http_common import ADMIN_LOGIN, ADMIN_PASSWORD
from .server_process import OdooServer, RpcClient, credit_stress

REQUESTS = 24
ORDER_AMOUNT = 100.0
LIMIT = 1050.0


class TestTwoServers(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.db = get_db_name()
        cls.servers = []
        try:
            for number in (1, 2):
                log_path = os.path.join(
                    odoo.tools.config["data_dir"], "two_servers_%s.log" % number
                )
                server = OdooServer(
                    odoo.tools.config.rcfile, [cls.db], log_path, ["--workers=2"]
                )
                cls.servers.append(server)
                server.start()
        except Exception:
            cls._stop_servers()
            raise
        cls.clients = [
            RpcClient(server.url, cls.db, ADMIN_LOGIN, ADMIN_PASSWORD)
            for server in cls.servers
        ]

    @classmethod
    def tearDownClass(cls):
        cls._stop_servers()
        super().tearDownClass()

    @classmethod
    def _stop_servers(cls):
        for server in cls.servers:
            server.stop()

    def test_confirmations_across_two_servers_stay_within_the_limit(self):
        self.assertNotEqual(self.servers[0].port, self.servers[1].port)
        result = credit_stress(self.clients, LIMIT, ORDER_AMOUNT, REQUESTS)
        outcomes = result["outcomes"]
        print(  # pylint: disable=print-used
            "\ntwo servers: %s requests, %s confirmed, %s refused, confirmed sum "
            "%.2f vs limit %.2f"
            % (
                REQUESTS,
                outcomes.count("confirmed"),
                outcomes.count("refused"),
                result["total"],
                LIMIT,
            )
        )
        self.assertEqual(set(outcomes) - {"confirmed", "refused"}, set(), outcomes)
        self.assertLessEqual(result["total"], LIMIT)
        self.assertEqual(result["confirmed"], outcomes.count("confirmed"))
        # Every order that fits went through: the lock serialises the
        # checks, it does not refuse because of a concurrent one.
        self.assertEqual(result["confirmed"], int(LIMIT // ORDER_AMOUNT))
