"""Upgrade from the last release (tools/releases) to the checkout, the way an
administrator does it: the released add-on (git archive of its tag, or of its
commit when the clone carries no tags) is installed into a new database and
filled with data through its own code; then the server is run with
`-u customer_management` on the checkout's add-on and the data is read back
through public fields (whatever the storage the new version chose)."""

import ast
import json
import os
import shutil
import subprocess
import tempfile

import odoo

from .install_common import MODULE, ROOT, OwnDatabaseCase

RELEASES = os.path.join(ROOT, "tools", "releases")

# Run on the released code: customers in every state the module knows, with
# numbers, types, classes, credit limits, holds (automatic and manual),
# pricing agreements, forecasts, an order and its credit override.
FILL_SCRIPT = """
Partner = env["res.partner"]
types = env["customer.type"].search([], order="id")
product = env["product.product"].create({"name": "Upgrade Probe Product",
                                         "list_price": 100.0})
partners = Partner
for index, (status, klass, limit) in enumerate([
        ("prospect_c", "c", 0.0), ("prospect_a", "a", 500.0),
        ("negotiation", "b", 1000.0), ("active", "d", 2500.5),
        ("active", False, 7000.0), ("inactive", "e", 0.0)]):
    partner = Partner.create({
        "name": "Upgrade Probe %s" % index, "customer": True, "is_company": True,
        "customer_type_id": types[index % len(types)].id,
        "prospect_class": klass, "credit_limit": limit,
        "last_followup_date": "2020-01-%02d" % (index + 1),
    })
    partner.write({"customer_status": status})
    partners |= partner
partners[3]._place_hold("overdue invoices (probe)", automatic=True)
partners[4].action_place_hold("manual hold (probe)")
agreement = env["customer.pricing.agreement"].create({
    "partner_id": partners[3].id, "date_start": "2020-01-01",
    "date_end": "2030-12-31", "invoice_policy": "periodic"})
agreement.action_activate()
env["customer.pricing.agreement"].create({
    "partner_id": partners[1].id, "date_start": "2021-06-01"})
env["customer.sales.forecast"].create({
    "partner_id": partners[2].id, "date_start": "2020-01-01",
    "date_end": "2099-12-31", "amount": 12000.0, "probability": 25.0})
order = env["sale.order"].create({
    "partner_id": partners[4].id,
    "order_line": [(0, 0, {"product_id": product.id, "product_uom_qty": 3})]})
env["customer.credit.override"].create({
    "order_id": order.id, "amount_over": 150.25, "reason": "probe override"})
env.cr.commit()
"""

# Run before and after the upgrade: public field reads only.
SNAPSHOT_SCRIPT = """
import json
rows = {}
for p in env["res.partner"].search([("name", "like", "Upgrade Probe %")]):
    if p.parent_id:
        continue
    company = p.company_id or env.user.company_id
    rows[p.name] = {
        "number": p.customer_number, "display_name": p.display_name,
        "status": p.customer_status, "status_before_hold": p.status_before_hold,
        "hold_reason": p.hold_reason, "hold_automatic": p.hold_automatic,
        "hold_date": p.hold_date, "class": p.prospect_class,
        "type": p.customer_type_id.name,
        "credit_limit": p.with_context(force_company=company.id).credit_limit,
        "agreements": sorted(
            [a.name, a.state, a.date_start, a.date_end, a.invoice_policy]
            for a in p.pricing_agreement_ids),
        "forecasts": [[f.amount, f.probability, f.expected_amount]
                      for f in p.sales_forecast_ids],
        "overrides": [[o.order_id.name, o.amount_over, o.reason, o.approver_id.login]
                      for o in p.credit_override_ids],
        "orders": sorted(o.name for o in env["sale.order"].search(
            [("partner_id", "=", p.id)])),
    }
print("SNAPSHOT " + json.dumps(rows, sort_keys=True))
"""

# After the upgrade: the next customer number, and a field the release did
# not have, filled for the existing customers by the upgrade.
AFTER_UPGRADE_SCRIPT = """
partner = env["res.partner"].create(
    {"name": "After Upgrade", "customer": True, "is_company": True})
print("NUMBER", partner.customer_number)
env.cr.rollback()
forecasted = env["res.partner"].search([("name", "=", "Upgrade Probe 2")])
print("REVENUE", forecasted.expected_revenue)
"""


def last_release():
    """(version, commit) of the last line of tools/releases."""
    with open(RELEASES, encoding="utf-8") as releases:
        lines = [
            line.split()
            for line in releases
            if line.strip() and not line.startswith("#")
        ]
    return lines[-1][0], lines[-1][1]


def resolve_release(version, commit):
    """The tag when this clone has it, else the recorded commit."""
    for rev in ("refs/tags/%s^{commit}" % version, "%s^{commit}" % commit):
        found = subprocess.run(
            ["git", "-C", ROOT, "rev-parse", "--verify", "-q", rev],
            stdout=subprocess.PIPE,
            universal_newlines=True,
            check=False,
        )
        if found.returncode == 0:
            return found.stdout.strip()
    raise AssertionError(
        "release %s: neither its tag nor commit %s is in this clone "
        "(a shallow clone? fetch the history)" % (version, commit)
    )


def write_config(path, addons_dirs):
    """The server's configuration with another addons path: core's add-ons
    and ``addons_dirs`` (not the checkout's)."""
    core = os.path.dirname(os.path.dirname(odoo.addons.base.__file__))
    with open(odoo.tools.config.rcfile, encoding="utf-8") as source:
        lines = source.read().splitlines()
    with open(path, "w", encoding="utf-8") as target:
        for line in lines:
            if line.replace(" ", "").startswith("addons_path="):
                line = "addons_path = %s" % ",".join([core] + list(addons_dirs))
            target.write(line + "\n")
    return path


def read_manifest(addon_dir):
    with open(os.path.join(addon_dir, "__manifest__.py"), encoding="utf-8") as manifest:
        return ast.literal_eval(manifest.read())


def parse_line(output, tag):
    line = next(line for line in output.splitlines() if line.startswith(tag + " "))
    return line[len(tag) + 1 :]


class TestUpgrade(OwnDatabaseCase):
    db_prefix = "cm_upgrade"

    def _release_config(self, version, commit):
        tmp = tempfile.mkdtemp(prefix="cm_release_")
        self.addCleanup(shutil.rmtree, tmp, True)
        addon_dir = os.path.join(tmp, "addons", MODULE)
        os.makedirs(addon_dir)
        archive = subprocess.run(
            ["git", "-C", ROOT, "archive", resolve_release(version, commit)],
            stdout=subprocess.PIPE,
            check=True,
        )
        subprocess.run(["tar", "-x", "-C", addon_dir], input=archive.stdout, check=True)
        addons = os.path.dirname(addon_dir)
        return write_config(os.path.join(tmp, "odoo.conf"), [addons])

    def test_upgrade_from_last_release(self):
        version, commit = last_release()
        release_config = self._release_config(version, commit)
        self.odoo("-i", MODULE, config=release_config)
        self.assertEqual(self.module_state(), ("installed", version))
        self.shell(FILL_SCRIPT, config=release_config)
        before = json.loads(
            parse_line(self.shell(SNAPSHOT_SCRIPT, config=release_config), "SNAPSHOT")
        )
        self.assertEqual(len(before), 6)
        self.assertEqual(before["Upgrade Probe 3"]["status"], "hold")
        self.assertTrue(before["Upgrade Probe 3"]["hold_automatic"])
        self.assertEqual(before["Upgrade Probe 4"]["status_before_hold"], "active")
        self.assertEqual(before["Upgrade Probe 3"]["credit_limit"], 2500.5)

        # A dependency the new version adds is installed first, with the old
        # code still in place (the README's upgrade steps): the new manifest
        # would otherwise name a module the database does not have yet.
        head = read_manifest(ROOT)
        release_dir = os.path.join(os.path.dirname(release_config), "addons", MODULE)
        added = set(head["depends"]) - set(read_manifest(release_dir)["depends"])
        if added:
            self.odoo("-i", ",".join(sorted(added)), config=release_config)
        self.odoo("-u", MODULE)  # the checkout's add-on

        head_version = head["version"]
        self.assertEqual(self.module_state(), ("installed", head_version))
        after = json.loads(parse_line(self.shell(SNAPSHOT_SCRIPT), "SNAPSHOT"))
        self.assertEqual(after, before)
        # The number sequence goes on after the numbers already given.
        output = self.shell(AFTER_UPGRADE_SCRIPT)
        number = parse_line(output, "NUMBER")
        self.assertGreater(number, max(row["number"] for row in after.values()))
        self.assertEqual(float(parse_line(output, "REVENUE")), 3000.0)
