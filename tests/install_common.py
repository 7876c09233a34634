"""Databases of their own for the install, upgrade and package tests: the
server's command line (the way an administrator runs it), its shell, and
plain SQL reads; each database is dropped (with its filestore) afterwards."""

import ast
import os
import shutil
import subprocess
import sys
import unittest
import uuid

import odoo
from odoo.sql_db import db_connect

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ODOO_BIN = os.path.join(ROOT, "tools", "odoo_bin.py")
MODULE = "customer_management"
# What the module depends on (its manifest), installed alone first when a test
# needs core as it was before the module.
with open(os.path.join(ROOT, "__manifest__.py"), encoding="utf-8") as _manifest:
    CORE_DEPENDS = ",".join(ast.literal_eval(_manifest.read())["depends"])


def run_odoo(args, python=sys.executable, stdin=None, timeout=1200):
    """Run ``python -c 'odoo.cli.main()' ARGS``: (return code, output)."""
    cmd = [python, "-c", "import sys, odoo; sys.exit(odoo.cli.main())"] + list(args)
    run = subprocess.run(
        cmd,
        input=stdin,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        universal_newlines=True,
        check=False,
        timeout=timeout,
    )
    return run.returncode, run.stdout


class OwnDatabaseCase(unittest.TestCase):
    """``self.dbname``: a database name of its own, dropped after the test;
    ``self.config``: the server's configuration file."""

    db_prefix = "cm_db"

    def setUp(self):
        super().setUp()
        self.dbname = "%s_%s" % (self.db_prefix, uuid.uuid4().hex[:8])
        self.config = odoo.tools.config.rcfile
        self.addCleanup(self._drop)

    def _drop(self):
        odoo.sql_db.close_db(self.dbname)
        with db_connect("postgres").cursor() as cr:
            cr.autocommit(True)
            # the name is the test's own (a uuid), never user input
            cr.execute(  # pylint: disable=sql-injection
                'DROP DATABASE IF EXISTS "%s"' % self.dbname
            )
        data_dir = odoo.tools.config["data_dir"]
        filestore = os.path.join(data_dir, "filestore", self.dbname)
        shutil.rmtree(filestore, ignore_errors=True)

    def odoo(self, *args, python=sys.executable, config=None):
        """The server with --stop-after-init on this database, no demo data;
        fails the test when it fails or logs an error."""
        code, output = run_odoo(
            [
                "-c",
                config or self.config,
                "-d",
                self.dbname,
                "--stop-after-init",
                "--log-level=warn",
                "--without-demo=all",
                "--max-cron-threads=0",
            ]
            + list(args),
            python=python,
        )
        self.assertEqual(code, 0, output[-3000:])
        self.assertNotIn("ERROR", output, output[-3000:])
        self.assertNotIn("CRITICAL", output, output[-3000:])
        return output

    def shell(self, script, python=sys.executable, config=None):
        """Run ``script`` in `odoo shell` on this database (``env`` is the
        superuser's; the script commits what it wants kept); its output."""
        code, output = run_odoo(
            [
                "shell",
                "-c",
                config or self.config,
                "-d",
                self.dbname,
                "--no-http",
                "--log-level=warn",
            ],
            python=python,
            stdin=script,
        )
        self.assertEqual(code, 0, output[-3000:])
        self.assertNotIn("Traceback", output, output[-3000:])
        return output

    def query(self, sql, params=None):
        with db_connect(self.dbname).cursor() as cr:
            cr.execute(sql, params)
            return cr.fetchall()

    def module_state(self, module=MODULE):
        rows = self.query(
            "SELECT state, latest_version FROM ir_module_module WHERE name = %s",
            (module,),
        )
        return rows[0] if rows else (None, None)
