"""Install, upgrade and uninstall on a database of their own, through the real
server entry point (the way an administrator does it)."""

import os
import subprocess
import sys
import unittest
import uuid

import odoo
from odoo.sql_db import db_connect

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ODOO_BIN = os.path.join(ROOT, "tools", "odoo_bin.py")


def _odoo(dbname, *args):
    cmd = [
        sys.executable,
        ODOO_BIN,
        "-c",
        odoo.tools.config.rcfile,
        "-d",
        dbname,
        "--stop-after-init",
        "--log-level=warn",
        "--without-demo=all",
    ] + list(args)
    return subprocess.run(
        cmd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        universal_newlines=True,
        check=False,
        timeout=900,
    )


def _query(dbname, sql):
    with db_connect(dbname).cursor() as cr:
        cr.execute(sql)
        return cr.fetchall()


class TestInstallUninstall(unittest.TestCase):

    def setUp(self):
        super().setUp()
        self.dbname = "cm_install_%s" % uuid.uuid4().hex[:8]
        self.addCleanup(self._drop)

    def _drop(self):
        odoo.sql_db.close_db(self.dbname)
        with db_connect("postgres").cursor() as cr:
            cr.autocommit(True)
            cr.execute('DROP DATABASE IF EXISTS "%s"' % self.dbname)

    def _module_state(self):
        return _query(
            self.dbname,
            "SELECT state FROM ir_module_module WHERE name = 'customer_management'",
        )[0][0]

    def test_install_upgrade_uninstall(self):
        run = _odoo(self.dbname, "-i", "customer_management")
        self.assertEqual(run.returncode, 0, run.stdout[-3000:])
        self.assertNotIn("ERROR", run.stdout, run.stdout[-3000:])
        self.assertEqual(self._module_state(), "installed")
        self.assertEqual(
            _query(self.dbname, "SELECT count(*) FROM customer_type")[0][0], 5
        )

        run = _odoo(self.dbname, "-u", "customer_management")
        self.assertEqual(run.returncode, 0, run.stdout[-3000:])
        self.assertNotIn("ERROR", run.stdout, run.stdout[-3000:])

        script = (
            "env['ir.module.module'].search([('name', '=', 'customer_management')])"
            ".button_immediate_uninstall(); env.cr.commit()"
        )
        cmd = [
            sys.executable,
            ODOO_BIN,
            "shell",
            "-c",
            odoo.tools.config.rcfile,
            "-d",
            self.dbname,
            "--no-http",
            "--log-level=warn",
        ]
        run = subprocess.run(
            cmd,
            input=script,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            universal_newlines=True,
            check=False,
            timeout=900,
        )
        self.assertEqual(run.returncode, 0, run.stdout[-3000:])
        self.assertEqual(self._module_state(), "uninstalled")
        self.assertFalse(
            _query(
                self.dbname,
                "SELECT 1 FROM information_schema.tables "
                "WHERE table_name = 'customer_type'",
            )
        )
        self.assertFalse(
            _query(
                self.dbname,
                "SELECT 1 FROM information_schema.columns "
                "WHERE table_name = 'res_partner' "
                "AND column_name = 'customer_number'",
            )
        )
