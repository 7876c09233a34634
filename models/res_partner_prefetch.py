"""How the module's columns of a customer are read.

Core reads a customer's row several times in one order confirmation (its
name for the chatter, its followers, the user's own partner), each time with
every prefetched column: each column costs every one of those reads. So the
module's columns are declared ``prefetch=False``, except the few that every
confirmation reads (the credit rule's, the customer number of the display
name). Read alone, each of them would then cost a query of its own on first
use; instead the first one read brings all of them, for all the records
being prefetched: one query, like a prefetch group of later Odoo versions.
"""

from odoo import api, models
from odoo.exceptions import AccessError

MODULE = "customer_management"


class ResPartner(models.Model):
    _inherit = "res.partner"

    @api.multi
    def _prefetch_field(self, field):
        names = self._on_demand_group(field)
        if names:
            self._read_on_demand_group(field, names)
        if self.env.cache.contains(self, field):
            return None
        return super(ResPartner, self)._prefetch_field(field)

    @api.multi
    def _on_demand_group(self, field):
        """Names of the module's on-demand columns to read with ``field``
        (none when ``field`` is not one of them, or prefetching is off)."""
        if (
            field.prefetch
            or field._module != MODULE
            or not self._context.get("prefetch_fields", True)
            or self.env.in_onchange
        ):
            return []
        return [
            f.name
            for f in self._fields.values()
            if f._module == MODULE and f.store and f.column_type and not f.prefetch
            # as core's prefetch: no field the user may not read, none to
            # recompute first
            and not (f.groups and not self.user_has_groups(f.groups))
            and not (f.compute and self.env.field_todo(f))
        ]

    @api.multi
    def _read_on_demand_group(self, field, names):
        records = self._in_cache_without(field) - self.env.field_todo(field)
        if self - records:
            return  # records to recompute first: core's prefetch knows how
        try:
            records.with_prefetch(self._prefetch).read(names, load="_classic_write")
        except AccessError:
            # as core's prefetch: the records of the set the user may not read
            # must not stop the one asked for
            self.read(names, load="_classic_write")
