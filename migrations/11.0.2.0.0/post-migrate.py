"""11.0.2.0.0: the credit limit is per company (a company-dependent field).

The single limit that base kept in the ``res_partner.credit_limit`` column
(still there: the field is no longer stored, the ORM leaves the column alone)
becomes every company's limit: one property per partner and company, in one
INSERT ... SELECT that skips the properties already there (a rerun adds
nothing). Every company rather than the partner's own: until now the one
limit applied to the orders of all companies, and a company without a
property would read "no limit"."""

import logging

from odoo.addons.customer_management.models.res_partner_credit_limit import (
    copy_credit_limit_column_to_properties,
)

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    if not version:
        return
    count = copy_credit_limit_column_to_properties(cr)
    _logger.info("Credit limits: %s per-company properties from the column", count)
