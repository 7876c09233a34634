"""The customer status lifecycle: the pipeline from C-level prospect to
active customer, financial hold and inactive.

The forward/back buttons walk the pipeline; the date of the last change is
kept; the inactivity cron turns active customers without a confirmed order
for N days inactive (with an "approach this customer" activity) and a
confirmed order brings them back.
"""

import datetime
import logging

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import html_escape

from .constants import BATCH_SIZE, CUSTOMER_STATUS, PIPELINE

_logger = logging.getLogger(__name__)


class ResPartner(models.Model):
    _inherit = "res.partner"

    customer_status = fields.Selection(
        CUSTOMER_STATUS,
        default="prospect_c",
        required=True,
        index=True,
        copy=False,
        track_visibility="onchange",
        group_expand="_read_group_customer_status",
        help="C/B/A-level prospect: wants to buy (C unsure what or from whom, "
        "B has a vague idea, A is ready to buy); then negotiation, active "
        "customer, financial hold (no order confirmed until it pays) or inactive.",
    )
    status_date = fields.Date(
        readonly=True,
        copy=False,
        help="Date of the last change of the customer status.",
        prefetch=False,
    )
    status_before_hold = fields.Selection(
        CUSTOMER_STATUS,
        readonly=True,
        copy=False,
        help="Status to return to when the financial hold is released.",
        prefetch=False,
    )

    @api.model
    def _read_group_customer_status(self, values, domain, order):
        # Every pipeline column shows in the kanban, even when empty.
        return [key for key, _label in CUSTOMER_STATUS]

    @api.model
    def create(self, vals):
        if "customer_status" in vals:
            vals = dict(vals, status_date=fields.Date.context_today(self))
        return super(ResPartner, self).create(vals)

    @api.multi
    def write(self, vals):
        if "customer_status" in vals:
            vals = dict(vals, **self._prepare_status_vals(vals["customer_status"]))
        return super(ResPartner, self).write(vals)

    @api.multi
    def action_status_forward(self):
        """Move the customer one step forward in the pipeline (inactive: back to
        active)."""
        return self._step_status(1)

    @api.multi
    def action_status_back(self):
        """Move the customer one step back in the pipeline."""
        return self._step_status(-1)

    @api.multi
    def action_set_inactive(self):
        self.write({"customer_status": "inactive"})
        return True

    @api.model
    def _prepare_status_vals(self, status):
        return {
            "customer_status": status,
            "status_date": fields.Date.context_today(self),
        }

    @api.multi
    def _set_customer_status(self, status):
        """Write the status without the manual-change checks (hold/release)."""
        if not self:
            # write() on no record still costs ~15 ms (tracking, mail thread):
            # every confirmation calls this for the (usually no) inactive ones
            return True
        vals = self._prepare_status_vals(status)
        return super(ResPartner, self).write(vals)

    @api.multi
    def _step_status(self, step):
        for partner in self:
            status = partner.customer_status
            if status in ("hold", "inactive") or status not in PIPELINE:
                target = "active" if status == "inactive" and step > 0 else None
            else:
                index = PIPELINE.index(status) + step
                target = PIPELINE[index] if 0 <= index < len(PIPELINE) else None
            if not target:
                raise UserError(
                    _("%(name)s cannot move %(direction)s from status '%(status)s'.")
                    % {
                        "name": partner.name,
                        "direction": _("forward") if step > 0 else _("back"),
                        "status": dict(CUSTOMER_STATUS)[status],
                    }
                )
            partner.write({"customer_status": target})
        return True

    @api.model
    def _get_inactive_candidates(self, cutoff):
        """Ids of the active customers whose last confirmed order (any
        company), activation and customer-since date are all before
        ``cutoff`` (a date string), in one query."""
        self.env.cr.execute(
            """
            SELECT p.id
              FROM res_partner p
              LEFT JOIN (
                    SELECT c.commercial_partner_id AS partner_id,
                           MAX(so.confirmation_date)::date AS last_order
                      FROM sale_order so
                      JOIN res_partner c ON c.id = so.partner_id
                     WHERE so.state IN ('sale', 'done')
                     GROUP BY c.commercial_partner_id) o ON o.partner_id = p.id
             WHERE p.customer_status = 'active'
               AND p.active AND p.customer AND p.commercial_partner_id = p.id
               AND COALESCE(GREATEST(o.last_order, p.status_date, p.customer_since),
                            p.create_date::date) < %s
             ORDER BY p.id""",
            (cutoff,),
        )
        return [row[0] for row in self.env.cr.fetchall()]

    @api.multi
    def _reactivate_inactive_customers(self):
        """A confirmed order brings an inactive customer back to active."""
        inactive = self.mapped("commercial_partner_id").filtered(
            lambda p: p.customer_status == "inactive"
        )
        inactive.sudo()._set_customer_status("active")
        return inactive

    @api.model
    def _cron_inactivity(self, today=None, batch_size=BATCH_SIZE):
        """Daily: active customers without a confirmed order for the
        inactivity days (Settings) become inactive, with a note in the chatter
        and an "approach this customer" activity. Does nothing when the
        setting is off (businesses that sell durable goods)."""
        settings = self.env["res.config.settings"]
        if not settings.get_customer_management_param("inactivity_enabled"):
            _logger.info("Inactivity: turned off in the settings")
            return 0
        days = settings.get_customer_management_param("inactivity_days")
        today = self._get_metrics_today(today)
        cutoff = fields.Date.to_string(today - datetime.timedelta(days=days))
        partner_ids = self._get_inactive_candidates(cutoff)
        activity_type = self.env.ref("customer_management.mail_activity_type_inactive")
        note = html_escape(
            _("No confirmed order for %s days: status set to Inactive.") % days
        )
        summary = _("Approach this customer: what changed?")
        activity_note = "<p>%s</p>" % html_escape(
            _(
                "No order for %s days. Call the customer: did its needs change, "
                "does it buy elsewhere, what would bring it back?"
            )
            % days
        )
        deadline = fields.Date.to_string(today)
        for batch in self._iter_batches(partner_ids, batch_size):
            partners = self.browse(batch)
            partners.with_context(tracking_disable=True)._set_customer_status(
                "inactive"
            )
            self._bulk_post_notes([(pid, "<p>%s</p>" % note) for pid in batch])
            users = self._get_activity_fallback_user_ids(batch)
            self._bulk_schedule_activities(
                activity_type,
                [(pid, users[pid], summary, activity_note, deadline) for pid in batch],
            )
            self._commit_batch()
            partners.invalidate_cache()
        _logger.info(
            "Inactivity: %s customers set inactive (no order for %s days)",
            len(partner_ids),
            days,
        )
        return len(partner_ids)
