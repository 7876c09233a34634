"""Install, upgrade, uninstall and reinstall on a database of their own,
through the real server entry point (the way an administrator does it). The
uninstall must leave core as it was before the module: the same menus, crons,
views, actions, fields, properties, parameters, indexes, ... and the same
partner display names (no customer number left in them)."""

from .install_common import CORE_DEPENDS, MODULE, OwnDatabaseCase

# Core tables whose row count the module changes while installed and must give
# back when uninstalled.
COUNTED_TABLES = (
    "ir_model",
    "ir_model_fields",
    "ir_model_constraint",
    "ir_model_relation",
    "ir_model_access",
    "ir_rule",
    "res_groups",
    "ir_ui_menu",
    "ir_ui_view",
    "ir_act_window",
    "ir_act_window_view",
    "ir_act_server",
    "ir_act_report_xml",
    "ir_cron",
    "ir_sequence",
    "ir_property",
    "ir_config_parameter",
    "ir_translation",
    "ir_filters",
    "mail_activity_type",
    "mail_message_subtype",
    "report_paperformat",
)

# Customers that exist before the module is installed (a company and its
# contact, an individual).
EXISTING_CUSTOMERS_SCRIPT = """
company = env["res.partner"].create(
    {"name": "Existing Customer Co", "customer": True, "is_company": True}
)
env["res.partner"].create({"name": "Its Contact", "parent_id": company.id})
env["res.partner"].create({"name": "Existing Individual", "customer": True})
env.cr.commit()
"""

# A customer created while the module is installed; a setting saved.
MODULE_DATA_SCRIPT = """
partner = env["res.partner"].create(
    {"name": "Uninstall Probe", "customer": True, "is_company": True}
)
env["ir.config_parameter"].set_param("customer_management.hold_grace_days", "9")
# A credit limit kept per company, as a company-dependent field keeps it.
env["ir.property"].create({
    "name": "credit_limit", "type": "float", "value_float": 1234.5,
    "fields_id": env.ref("base.field_res_partner_credit_limit").id,
    "res_id": "res.partner,%s" % partner.id, "company_id": partner.company_id.id,
})
env.cr.commit()
print("PROBE", partner.id, partner.customer_number, partner.display_name)
"""

UNINSTALL_SCRIPT = """
env["ir.module.module"].search(
    [("name", "=", "customer_management")]
).button_immediate_uninstall()
env.cr.commit()
"""


class TestInstallUninstall(OwnDatabaseCase):
    db_prefix = "cm_install"

    def _core_state(self):
        """What the uninstall must give back, read in plain SQL."""
        state = {
            table: self.query("SELECT count(*) FROM %s" % table)[0][0]
            for table in COUNTED_TABLES
        }
        state["ir_model_data"] = self.query(
            "SELECT module, model, name FROM ir_model_data ORDER BY 1, 2, 3"
        )
        state["tables"] = self.query(
            "SELECT table_name, table_type FROM information_schema.tables "
            "WHERE table_schema = 'public' ORDER BY 1"
        )
        state["columns"] = self.query(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = 'public' ORDER BY 1, 2"
        )
        state["indexes"] = self.query(
            "SELECT indexname FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1"
        )
        state["sequences"] = self.query(
            "SELECT sequence_name FROM information_schema.sequences ORDER BY 1"
        )
        state["display_names"] = self.query(
            "SELECT id, display_name FROM res_partner ORDER BY id"
        )
        return state

    def _assert_core_as_before(self, before, probe_id):
        after = self._core_state()
        after["display_names"] = [
            row for row in after["display_names"] if row[0] != probe_id
        ]
        for key in before:
            self.assertEqual(after[key], before[key], "%s differ after uninstall" % key)
        self.assertFalse(
            self.query(
                "SELECT module, model, name FROM ir_model_data WHERE module = %s",
                (MODULE,),
            )
        )

    def test_install_upgrade_uninstall_reinstall(self):
        self.odoo("-i", CORE_DEPENDS)
        self.shell(EXISTING_CUSTOMERS_SCRIPT)
        before = self._core_state()

        self.odoo("-i", MODULE)
        self.assertEqual(self.module_state()[0], "installed")
        self.assertEqual(self.query("SELECT count(*) FROM customer_type")[0][0], 5)
        # The customers that existed are numbered, and so named.
        numbered = self.query(
            "SELECT count(*) FROM res_partner WHERE customer_number IS NOT NULL "
            "AND display_name LIKE '%%[' || customer_number || ']%%'"
        )[0][0]
        self.assertEqual(numbered, 2)
        output = self.shell(MODULE_DATA_SCRIPT)
        probe = next(line for line in output.splitlines() if line.startswith("PROBE"))
        _tag, probe_id, number, display_name = probe.split(" ", 3)
        self.assertIn("[%s]" % number, display_name)

        self.odoo("-u", MODULE)
        self.assertEqual(self.module_state()[0], "installed")

        self.shell(UNINSTALL_SCRIPT)
        self.assertEqual(self.module_state()[0], "uninstalled")
        self._assert_core_as_before(before, int(probe_id))
        # The probe customer stays, named as core names it, with its credit
        # limit in core's column.
        self.assertEqual(
            self.query(
                "SELECT display_name, credit_limit FROM res_partner WHERE id = %s",
                (int(probe_id),),
            ),
            [("Uninstall Probe", 1234.5)],
        )

        # Reinstalled: numbered again (new numbers), no error.
        self.odoo("-i", MODULE)
        self.assertEqual(self.module_state()[0], "installed")
        self.assertEqual(
            self.query(
                "SELECT display_name = name || ' [' || customer_number || ']' "
                "FROM res_partner WHERE id = %s",
                (int(probe_id),),
            ),
            [(True,)],
        )
