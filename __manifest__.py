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
        "data/mail_activity_data.xml",
        "data/ir_cron_data.xml",
        "wizards/customer_hold_wizard_views.xml",
        "wizards/customer_credit_override_wizard_views.xml",
        "views/sale_order_views.xml",
        "views/customer_type_views.xml",
        # [data: commercial terms]
        "data/customer_pricing_agreement_data.xml",
        "views/customer_delivery_team_views.xml",
        "views/customer_service_area_views.xml",
        "views/customer_pricing_agreement_views.xml",
        "views/res_partner_commercial_terms_views.xml",
        # [data: relationships and history]
        "views/customer_interaction_views.xml",
        "views/customer_guarantor_views.xml",
        "views/customer_sales_forecast_views.xml",
        "views/customer_affiliate_views.xml",
        "views/customer_contact_role_views.xml",
        # [data: classification, follow-up and metrics]
        # [data: invoicing]
        "views/account_invoice_views.xml",
        "views/account_payment_views.xml",
        "wizards/account_register_payments_views.xml",
        "report/account_invoice_report_templates.xml",
        # [data: automation and analysis]
        "wizards/customer_followup_wizard_views.xml",
        "views/customer_pipeline_analysis_views.xml",
        # [data: affiliate commissions]
        # [data: reports]
        "report/customer_profile_reports.xml",
        "report/customer_profile_templates.xml",
        "report/customer_pipeline_reports.xml",
        "report/customer_pipeline_templates.xml",
        "views/res_partner_views.xml",
        "views/res_config_settings_views.xml",
        "views/customer_management_menus.xml",
    ],
    "demo": [
        "demo/res_partner_demo.xml",
        "demo/customer_pricing_agreement_demo.xml",
        "demo/sale_order_demo.xml",
        "demo/account_invoice_demo.xml",
        "demo/res_partner_relationship_demo.xml",
        "demo/customer_guarantor_demo.xml",
        "demo/customer_interaction_demo.xml",
        "demo/customer_sales_forecast_demo.xml",
        # last: recomputes the metrics from all the demo records above
        "demo/res_partner_metrics_demo.xml",
        "demo/res_partner_automation_demo.xml",
    ],
    "post_init_hook": "post_init_hook",
    "application": True,
    "installable": True,
}
