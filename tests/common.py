from odoo.tests.common import SavepointCase


class CustomerCase(SavepointCase):
    """Users of every role and a couple of customers, built once per class."""

    @classmethod
    def setUpClass(cls):
        super(CustomerCase, cls).setUpClass()
        cls.env = cls.env(
            context=dict(
                cls.env.context,
                tracking_disable=False,
                no_reset_password=True,
                mail_create_nosubscribe=True,
            )
        )
        cls.Partner = cls.env["res.partner"]
        cls.company = cls.env.ref("base.main_company")
        cls.plain_user = cls._create_user("plain", ["base.group_user"])
        cls.customer_user = cls._create_user(
            "salesperson", ["customer_management.group_customer_user"]
        )
        cls.credit_manager = cls._create_user(
            "credit", ["customer_management.group_credit_manager"]
        )
        cls.manager = cls._create_user(
            "manager", ["customer_management.group_customer_manager"]
        )
        cls.small_business = cls.env.ref(
            "customer_management.customer_type_small_business"
        )

    @classmethod
    def _create_user(cls, login, group_xmlids, company=None):
        company = company or cls.company
        return cls.env["res.users"].create(
            {
                "name": "Test %s" % login,
                "login": "cm_test_%s" % login,
                "email": "%s@example.com" % login,
                "company_id": company.id,
                "company_ids": [(6, 0, [company.id])],
                "groups_id": [(6, 0, [cls.env.ref(x).id for x in group_xmlids])],
            }
        )

    @classmethod
    def _create_customer(cls, name, **vals):
        values = {"name": name, "is_company": True, "customer": True}
        values.update(vals)
        return cls.Partner.create(values)
