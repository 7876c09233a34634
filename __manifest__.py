# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Customer Management",
    "summary": "Customer numbers, types, sales pipeline status, classification, "
               "credit hold and follow-up for Odoo contacts",
    "version": "11.0.1.0.0",
    "category": "Sales",
    "author": "customer_management developers",
    "website": "https://github.com/customer-management/customer_management",
    "license": "LGPL-3",
    "depends": ["sale_management", "account_invoicing", "contacts", "mail"],
    "data": [
        "security/customer_management_security.xml",
        "security/ir.model.access.csv",
        "data/ir_sequence_data.xml",
        "data/customer_type_data.xml",
        "wizards/customer_hold_wizard_views.xml",
        "views/customer_type_views.xml",
        # [data: commercial terms]
        # [data: relationships and history]
        # [data: classification, follow-up and metrics]
        "views/res_partner_views.xml",
        "views/res_config_settings_views.xml",
        "views/customer_management_menus.xml",
    ],
    "demo": [
        "demo/res_partner_demo.xml",
    ],
    "post_init_hook": "post_init_hook",
    "application": True,
    "installable": True,
}
