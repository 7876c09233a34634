# The tests that run inside one database transaction (rolled back at the end),
# imported here so that Odoo's own runner finds them as well as pytest-odoo.
# The dependencies first, so that the runner tests this module only (core's
# own account and sale tests need demo data):
#   odoo -d NEWDB -i sale_management,sale_payment,account_invoicing,contacts,\
#        l10n_generic_coa --stop-after-init --without-demo=all
#   odoo -d NEWDB -i customer_management --test-enable --stop-after-init \
#        --without-demo=all
# They run after the whole installation (post_install, see common.py): the
# invoices need the chart of accounts of l10n_generic_coa.
#
# Not imported, pytest only (`make test`): the tests that need a running
# server, commits or databases of their own, which Odoo's runner cannot give
# them in the middle of an installation: HTTP and XML-RPC clients
# (test_http_client, test_hold_doors_rpc, test_rpc_stress), concurrent
# confirmations (test_credit_concurrency), two servers on one database
# (test_two_servers), install/uninstall, upgrade and the wheel package on
# databases of their own (test_install, test_upgrade, test_package); the
# figures of `make load` (test_load_figures: bench/ is not installed).
from . import (
    test_activity_deadline,
    test_affiliate_commission,
    test_bench_properties,
    test_commercial_terms,
    test_credit_hold,
    test_credit_limit,
    test_credit_per_company,
    test_customer_number,
    test_customer_type,
    test_early_discount,
    test_field_rights,
    test_fiscal_year,
    test_followup,
    test_followup_forgery,
    test_hold_doors,
    test_i18n,
    test_interactions,
    test_invoice_addressing,
    test_metrics,
    test_nightly_recompute,
    test_number_checks,
    test_periodic_invoicing,
    test_payment_behaviour,
    test_pipeline_analysis,
    test_pipeline_kanban,
    test_pricing_agreement,
    test_rating,
    test_relationships,
    test_reparenting,
    test_report_rendering,
    test_reports,
    test_sales,
    test_sales_forecast,
    test_security,
    test_settings,
    test_status,
    test_web_client_views,
)
