"""The French translation (i18n/fr.po): complete, and loaded for real.

The language is activated and only this module's fr.po is loaded (no core
translations: cheap), then labels, selections, views, messages raised by the
code and data records are read in French."""
import ast
import os
import re

from odoo.exceptions import UserError, ValidationError
from odoo.modules.module import get_module_resource
from odoo.tools.translate import trans_load

from .common import CustomerCase

I18N = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "i18n")
FR = "fr_FR"
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[-+ #0]*\d*(?:\.\d+)?[sdf]|%[sd]|%%")


def read_po(path):
    """{msgid: (msgstr, flags)} of a .po/.pot file, without the header and
    the obsolete (#~) entries. Enough of the gettext syntax for what
    `odoo --i18n-export` and msgmerge write."""
    entries = {}
    entry = ["", None, set()]  # [msgid, msgstr, flags] being read
    pending_flags = set()  # "#," lines come before their msgid
    with open(path, encoding="utf-8") as po:
        for line in po:
            line = line.strip()
            if line.startswith("#,"):
                pending_flags = {f.strip() for f in line[2:].split(",")}
            elif line.startswith("msgid "):
                if entry[0]:
                    entries[entry[0]] = (entry[1], entry[2])
                entry = [ast.literal_eval(line[6:]), None, pending_flags]
                pending_flags = set()
            elif line.startswith("msgstr "):
                entry[1] = ast.literal_eval(line[7:])
            elif line.startswith('"'):
                index = 0 if entry[1] is None else 1
                entry[index] += ast.literal_eval(line)
    if entry[0]:
        entries[entry[0]] = (entry[1], entry[2])
    return entries


class TestFrenchTranslationFile(CustomerCase):
    """fr.po covers every term of the template: a new string without a French
    translation fails here (run tools/i18n_merge.sh, then translate)."""

    def test_every_template_term_is_translated(self):
        pot = read_po(os.path.join(I18N, "customer_management.pot"))
        po = read_po(os.path.join(I18N, "fr.po"))
        self.assertGreater(len(pot), 800)
        missing = sorted(m for m in pot if m not in po or not po[m][0])
        self.assertEqual(missing, [], "not translated in i18n/fr.po")
        fuzzy = sorted(m for m in pot if "fuzzy" in po[m][1])
        self.assertEqual(fuzzy, [], "fuzzy in i18n/fr.po")

    def test_placeholders_and_markup_kept(self):
        po = read_po(os.path.join(I18N, "fr.po"))
        for msgid, (msgstr, flags) in po.items():
            if not msgstr:
                continue
            if "python-format" in flags:
                self.assertEqual(
                    sorted(PLACEHOLDER.findall(msgid)),
                    sorted(PLACEHOLDER.findall(msgstr)),
                    msgid,
                )
            self.assertEqual(
                sorted(re.findall(r"<[^>]+>", msgid)),
                sorted(re.findall(r"<[^>]+>", msgstr)),
                msgid,
            )
            self.assertEqual(msgid.count("\n"), msgstr.count("\n"), msgid)

    def test_reader_sees_flags_and_multiline_terms(self):
        po = read_po(os.path.join(I18N, "fr.po"))
        msgstr, flags = po["%s days"]
        self.assertEqual(msgstr, "%s jours")
        self.assertIn("python-format", flags)
        self.assertNotIn("python-format", po["Customer"][1])
        self.assertTrue(
            po["<strong>Early payment discount:</strong>\n                Pay"][
                0
            ].startswith("<strong>Escompte pour paiement anticipé :</strong>\n")
        )


class TestFrenchInterface(CustomerCase):
    @classmethod
    def setUpClass(cls):
        super(TestFrenchInterface, cls).setUpClass()
        cls.env["res.lang"].load_lang(FR)
        path = get_module_resource("customer_management", "i18n", "fr.po")
        trans_load(
            cls.env.cr, path, FR, verbose=False, module_name="customer_management"
        )
        cls.env["ir.translation"].clear_caches()
        cls.env_fr = cls.env(context=dict(cls.env.context, lang=FR))
        cls.customer = cls._create_customer("Dupont SARL", credit_limit=1000.0)

    @classmethod
    def tearDownClass(cls):
        super(TestFrenchInterface, cls).tearDownClass()
        # The translations and the activation of French are rolled back: drop
        # what the caches remember of them for the tests that run next.
        cls.env["ir.translation"].clear_caches()

    def test_field_labels_and_help(self):
        fields = self.env_fr["res.partner"].fields_get(
            ["customer_status", "prospect_class", "credit_limit", "customer_type_id"]
        )
        self.assertEqual(fields["customer_status"]["string"], "Statut client")
        self.assertEqual(fields["prospect_class"]["string"], "Classe")
        self.assertEqual(fields["customer_type_id"]["string"], "Type de client")
        self.assertTrue(
            fields["customer_status"]["help"].startswith("Prospect de niveau C/B/A")
        )
        # English without the language: the translation is per context.
        english = self.env["res.partner"].fields_get(["customer_status"])
        self.assertEqual(english["customer_status"]["string"], "Customer Status")

    def test_selection_values(self):
        fields = self.env_fr["res.partner"].fields_get(
            ["customer_status", "prospect_class"]
        )
        status = dict(fields["customer_status"]["selection"])
        self.assertEqual(status["hold"], "Blocage financier")
        self.assertEqual(status["prospect_a"], "Prospect de niveau A")
        self.assertEqual(status["active"], "Client actif")
        self.assertEqual(
            dict(fields["prospect_class"]["selection"])["a"],
            "A - conclusion sous 1 mois",
        )

    def test_kanban_view_in_french(self):
        view = self.env.ref("customer_management.res_partner_view_kanban_pipeline")
        arch = self.env_fr["res.partner"].fields_view_get(
            view_id=view.id, view_type="kanban"
        )["arch"]
        self.assertIn(">effort élevé</span>", arch)
        self.assertIn('title="Effort élevé"', arch)
        self.assertNotIn("high effort", arch)

    def test_settings_block_in_french(self):
        view = self.env.ref("customer_management.res_config_settings_view_form")
        arch = view.with_context(lang=FR).arch
        self.assertIn("Jours entre deux relances par classe de prospect", arch)
        self.assertIn("<h2>Fréquence des relances</h2>", arch)
        self.assertIn("Days between follow-ups per prospect class", view.arch)

    def test_constraint_message_in_french(self):
        with self.assertRaises(ValidationError) as error:
            with self.env.cr.savepoint():
                self.customer.with_context(lang=FR).write({"credit_limit": -5.0})
        self.assertEqual(
            error.exception.name,
            "La limite de crédit de Dupont SARL ne peut pas être négative (-5.0). "
            "Saisissez 0 pour aucune limite.",
        )
        self.customer.invalidate_cache()
        self.assertEqual(self.customer.credit_limit, 1000.0)

    def test_user_error_in_french(self):
        salesperson = self.customer.sudo(self.customer_user).with_context(lang=FR)
        with self.assertRaises(UserError) as error:
            with self.env.cr.savepoint():
                salesperson.write({"customer_status": "hold"})
        self.assertEqual(
            error.exception.name,
            "Dupont SARL ne peut pas être placé manuellement en blocage financier : "
            "un responsable crédit utilise « Bloquer le client » "
            "en indiquant un motif.",
        )
        self.customer.invalidate_cache()
        self.assertEqual(self.customer.customer_status, "prospect_c")

    def test_data_records_in_french(self):
        small = self.small_business.with_context(lang=FR)
        self.assertEqual(small.name, "Petite entreprise")
        self.assertTrue(small.description.startswith("Une petite entreprise : "))
        self.assertEqual(self.small_business.name, "Small business")
        inactive = self.env.ref("customer_management.mail_activity_type_inactive")
        self.assertEqual(
            inactive.with_context(lang=FR).name, "Relancer un client inactif"
        )
        group = self.env.ref("customer_management.group_credit_manager")
        self.assertEqual(group.with_context(lang=FR).name, "Responsable crédit")
