"""Who may change what on a customer, enforced on the server.

The field-rights table (``_get_field_rights``) says which group changes each
field that decides money or holds; ``create``/``write`` refuse any other
change, whatever the client (form, RPC, import). Reading stays open. The hold
state fields are written only by the module's hold actions (place, release,
credit review, refusal): in SQL, or through ``_hold_action_env()`` whose
context marker is a Python object no RPC client can send (JSON and XML-RPC
carry data only, and in Odoo 11 the administrator's RPC runs as the
superuser, so neither uid nor a plain context key would do).

Also here: moving a held or indebted partner between commercial entities is
a Credit Manager's act; numbers are finite (number_checks.py); a customer
whose stored numbers are not (an old NaN) is held until a Credit Manager
fixes them; a manual hold placed on an automatic one turns it manual.
"""
import logging
import math

from odoo import _, api, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import html_escape

from .constants import GROUP_CREDIT, GROUP_MANAGER, GROUP_USER
from .number_checks import check_finite_numbers
from .res_partner_credit_limit import SMALL_SET

_logger = logging.getLogger(__name__)

# Table value of the fields that only the module's hold actions write.
HOLD_ACTIONS = "hold_actions"
# Context marker of those actions (see the module docstring).
_HOLD_ACTION_TOKEN = object()
# Stored numbers that decide credit: not finite means held.
CREDIT_NUMBER_FIELDS = (
    "credit_limit",
    "early_discount_value",
    "affiliate_commission_rate",
)
# Moving a partner between commercial entities.
REPARENTING_FIELDS = ("parent_id", "is_company", "commercial_partner_id")


class ResPartner(models.Model):
    _inherit = "res.partner"

    # ------------------------------------------------------------------
    # The table
    # ------------------------------------------------------------------
    @api.model
    def _get_field_rights(self):
        """The field-rights table: {field name: xml id of the group that may
        change it, or HOLD_ACTIONS (only the module's hold actions)}.
        ``customer_status`` moving to or from ``hold`` counts as a hold
        field. Extend through super()."""
        return {
            "customer_status": GROUP_USER,
            "account_rating": GROUP_USER,
            "credit_limit": GROUP_CREDIT,
            "payment_days": GROUP_CREDIT,
            "early_discount_type": GROUP_CREDIT,
            "early_discount_value": GROUP_CREDIT,
            "early_discount_days": GROUP_CREDIT,
            "is_affiliate": GROUP_MANAGER,
            "affiliate_commission_rate": GROUP_MANAGER,
            "affiliate_id": GROUP_MANAGER,
            "hold_reason": HOLD_ACTIONS,
            "hold_date": HOLD_ACTIONS,
            "hold_automatic": HOLD_ACTIONS,
            "status_before_hold": HOLD_ACTIONS,
        }

    @api.model
    def _hold_action_env(self):
        """Context of the module's own writes of the hold state fields."""
        return {"cm_hold_action": _HOLD_ACTION_TOKEN}

    @api.model
    def _is_hold_action(self):
        return self.env.context.get("cm_hold_action") is _HOLD_ACTION_TOKEN

    # ------------------------------------------------------------------
    # The check
    # ------------------------------------------------------------------
    @api.multi
    def _check_field_rights(self, vals):
        """Refuse the changes of ``vals`` (on ``self``; on a new partner when
        ``self`` is empty) that the table gives to a group the user is not
        in, or to the hold actions. Values equal to the current ones (or, on
        a contact, to its commercial partner's: the commercial sync) are no
        change."""
        table = self._get_field_rights()
        for name in sorted(set(vals) & set(table)):
            changed = self._filter_changed_partners(name, vals[name], vals)
            if changed is None:
                continue
            right = table[name]
            if name == "customer_status" and (
                vals[name] == "hold" or "hold" in changed.mapped("customer_status")
            ):
                right = HOLD_ACTIONS
            if right == HOLD_ACTIONS:
                if not self._is_hold_action():
                    raise UserError(
                        self._field_right_message(name, right, changed, vals[name])
                    )
            elif not self.env.user.has_group(right):
                raise AccessError(self._field_right_message(name, right, changed))

    @api.multi
    def _filter_changed_partners(self, name, value, vals=None):
        """The partners of ``self`` whose ``name`` would change to ``value``
        (an empty recordset for a new partner that gets a value of its own);
        None when nothing changes. A commercial field of a contact that takes
        the value of its commercial entity after the write (``vals``) is the
        commercial sync, not a change."""
        field = self._fields[name]
        new = self._normalize_right_value(field, value)
        if not self:
            default = self._without_context_defaults().default_get([name]).get(name)
            if new == self._normalize_right_value(field, default):
                return None
            return self
        synced = name in self._commercial_fields()
        changed = self.filtered(
            lambda p: self._normalize_right_value(field, p[name]) != new
            and not (
                synced
                and self._normalize_right_value(
                    field, p._get_commercial_after(vals or {})[name]
                )
                == new
            )
        )
        return changed or None

    @api.multi
    def _get_commercial_after(self, vals):
        """The commercial entity this partner has once ``vals`` is written
        (itself when it is one)."""
        self.ensure_one()
        parent = self.parent_id
        if "parent_id" in vals:
            parent = self.browse(vals["parent_id"] or [])
        if vals.get("is_company", self.is_company) or not parent:
            return self
        return parent.commercial_partner_id

    @api.model
    def _normalize_right_value(self, field, value):
        """``value`` of ``field`` in a form that compares equal when equal."""
        if isinstance(value, models.BaseModel):
            return value.id or False
        if field.type in ("float", "monetary"):
            number = float(value or 0.0)
            digits = field.digits[1] if field.digits else 2
            return round(number, digits) if math.isfinite(number) else repr(number)
        if field.type == "integer":
            return int(value or 0)
        if field.type == "boolean":
            return bool(value)
        return value or False

    @api.multi
    def _field_right_message(self, name, right, partners, value=None):
        """Why the change of ``name`` to ``value`` on ``partners`` is refused,
        naming who may make it."""
        if right == HOLD_ACTIONS:
            return self._hold_field_message(name, partners, value)
        return _("Only %(group)s may change %(field)s (%(partners)s).") % {
            "group": self.env.ref(right).sudo().full_name,
            "field": self._fields[name]._description_string(self.env),
            "partners": ", ".join(p.display_name or "" for p in partners[:5])
            or _("a new partner"),
        }

    @api.multi
    def _hold_field_message(self, name, partners, value):
        if name == "customer_status" and value == "hold" and partners:
            return _(
                "%s cannot be moved to Financial hold by hand: a Credit Manager "
                "uses 'Place on hold' with a reason."
            ) % ", ".join(partners.mapped("name"))
        if name == "customer_status" and value == "hold":
            return _(
                "A customer goes on financial hold only through 'Place on hold' "
                "(Credit Manager)."
            )
        if name == "customer_status":
            held = partners.filtered(lambda p: p.customer_status == "hold")
            return _(
                "%s is on financial hold: only a release by a Credit Manager "
                "(with a reason) or a payment that cures the hold can change "
                "its status."
            ) % ", ".join(held.mapped("name"))
        return _(
            "%(field)s of %(partners)s changes only through the financial hold "
            "actions: 'Place on hold' and 'Release hold' (a Credit Manager, with "
            "a reason), the daily credit review and a payment that cures an "
            "automatic hold."
        ) % {
            "field": self._fields[name]._description_string(self.env),
            "partners": ", ".join(p.display_name or "" for p in partners[:5])
            or _("a new partner"),
        }

    @api.multi
    def _check_reparenting(self, vals):
        """Moving a partner between commercial entities (parent, company flag)
        is a Credit Manager's act when the partner or its commercial entity
        is on hold or owes money (open receivables, confirmed orders not
        invoiced yet): the hold and the debt stay with the customer."""
        moving = self.browse()
        for name in set(vals) & set(REPARENTING_FIELDS):
            moving |= self._filter_changed_partners(name, vals[name]) or moving
        if not moving or self.env.user.has_group(GROUP_CREDIT):
            return
        bound = self.browse(moving._get_bound_commercial_ids())
        if bound:
            raise AccessError(
                _(
                    "Only %(group)s may move %(partners)s to another company or "
                    "change whether it is a company: %(customers)s is on "
                    "financial hold or has open receivables or confirmed orders "
                    "not invoiced yet, and the hold follows the debt."
                )
                % {
                    "group": self.env.ref(GROUP_CREDIT).sudo().full_name,
                    "partners": ", ".join(moving.mapped("display_name")),
                    "customers": ", ".join(bound.mapped("display_name")),
                }
            )

    @api.multi
    def _get_bound_commercial_ids(self):
        """Ids of the commercial entities of ``self`` (or of ``self`` when
        commercial) that are on hold, have open receivables in any company or
        confirmed orders not fully invoiced: one query."""
        self.env.cr.execute(
            """
            SELECT c.id
              FROM res_partner c
             WHERE c.id IN (SELECT COALESCE(commercial_partner_id, id)
                              FROM res_partner WHERE id IN %(ids)s)
               AND (c.customer_status = 'hold'
                    OR EXISTS (
                        SELECT 1 FROM account_move_line aml
                          JOIN account_account acc ON acc.id = aml.account_id
                          JOIN res_partner ap ON ap.id = aml.partner_id
                         WHERE ap.commercial_partner_id = c.id
                           AND acc.internal_type = 'receivable'
                           AND NOT aml.reconciled AND aml.amount_residual <> 0)
                    OR EXISTS (
                        SELECT 1 FROM sale_order so
                          JOIN res_partner sp ON sp.id = so.partner_id
                          JOIN sale_order_line sol ON sol.order_id = so.id
                         WHERE sp.commercial_partner_id = c.id
                           AND so.state IN ('sale', 'done')
                           AND sol.qty_invoiced < sol.product_uom_qty))""",
            {"ids": tuple(self.ids)},
        )
        return [row[0] for row in self.env.cr.fetchall()]

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model
    def create(self, vals):
        # defaults from the context (default_credit_limit=...) are values too
        context_defaults = {
            key[8:]: value
            for key, value in self.env.context.items()
            if key.startswith("default_") and key[8:] in self._fields
        }
        values = dict(context_defaults, **vals)
        check_finite_numbers(self, values)
        self._check_field_rights(self._with_parent_commercial_values(values))
        return super(ResPartner, self).create(vals)

    @api.multi
    def write(self, vals):
        check_finite_numbers(self, vals)
        self._check_field_rights(vals)
        self._check_reparenting(vals)
        return super(ResPartner, self).write(vals)

    @api.model
    def _without_context_defaults(self):
        context = {
            k: v for k, v in self.env.context.items() if not k.startswith("default_")
        }
        return self.with_env(self.env(context=context))

    @api.model
    def _with_parent_commercial_values(self, vals):
        """Values of a new partner without the commercial fields that only
        repeat its parent's (the form and the commercial sync send them)."""
        parent = self.browse(vals.get("parent_id") or [])
        if not parent or vals.get("is_company"):
            return vals
        commercial = parent.commercial_partner_id
        table = self._get_field_rights()
        return {
            name: value
            for name, value in vals.items()
            if not (
                name in table
                and name in self._commercial_fields()
                and self._normalize_right_value(self._fields[name], value)
                == self._normalize_right_value(self._fields[name], commercial[name])
            )
        }

    # ------------------------------------------------------------------
    # Hold actions
    # ------------------------------------------------------------------
    @api.multi
    def action_place_hold(self, reason):
        """A hold placed by hand on an automatic hold makes it manual (released
        by hand only), with the new reason; both reasons go to the chatter."""
        self._check_credit_manager()
        reason = self._check_hold_reason(reason)
        self.mapped("commercial_partner_id")._make_holds_manual(reason)
        return super(ResPartner, self).action_place_hold(reason)

    @api.multi
    def _make_holds_manual(self, reason):
        """Turn the automatic holds among ``self`` into manual ones with
        ``reason``: one write (the tracked reason logs old and new) and one
        note per customer."""
        automatic = self.filtered(
            lambda p: p.customer_status == "hold" and p.hold_automatic
        )
        if not automatic:
            return automatic
        notes = [
            (
                partner.id,
                _(
                    "<b>Automatic hold made manual</b> by %(user)s: only a Credit "
                    "Manager releases it now.<br/>Reason: %(reason)s<br/>Automatic "
                    "reason before: %(old)s"
                )
                % {
                    "user": html_escape(self.env.user.name),
                    "reason": html_escape(reason),
                    "old": html_escape(partner.hold_reason or ""),
                },
            )
            for partner in automatic
        ]
        automatic.with_context(**self._hold_action_env()).write(
            {"hold_automatic": False, "hold_reason": reason}
        )
        self._bulk_post_notes(notes)
        return automatic

    # ------------------------------------------------------------------
    # Numbers stored before they were checked
    # ------------------------------------------------------------------
    @api.multi
    def _credit_hold_reasons(  # pylint: disable=too-many-arguments
        self, company=None, extra_amounts=None, limits=None, used=None, figures=None
    ):
        """A customer whose stored credit numbers are not finite (NaN,
        infinity: written before they were checked) is held until a Credit
        Manager enters real ones; the rest of the rule skips it meanwhile."""
        company = company or self.env.user.company_id
        if limits is not None:
            # the review's batches: their other reasons still count
            unusable = self._get_unusable_number_ids(list(limits), limits)
            limits = {pid: 0.0 if pid in unusable else v for pid, v in limits.items()}
        else:
            # The limits read here with the rest of what the rule weighs, in
            # one statement (through the ORM a company-dependent limit costs
            # four queries). The rule skips the unusable ones.
            if figures is None:
                figures = self._read_credit_figures(
                    company,
                    self._get_commercial_partner_ids(),
                    used=used is None,
                    overdue=True,
                    limits=True,
                )
            limits = figures["limits"]
            unusable = self._get_unusable_number_ids(list(limits), limits)
            limits = {pid: v for pid, v in limits.items() if pid not in unusable}
        reasons = super(ResPartner, self)._credit_hold_reasons(
            company, extra_amounts, limits, used, figures
        )
        if unusable:
            message = _(
                "its credit limit, early-pay discount or commission rate is not a "
                "number: a Credit Manager must correct it"
            )
            for partner_id in unusable:
                reasons.setdefault(partner_id, []).append(
                    {"code": "unusable_number", "message": message}
                )
        return reasons

    @api.model
    def _get_unusable_number_ids(self, partner_ids, limits=None):
        """Ids (a set) of the partners among ``partner_ids`` whose stored
        credit numbers are not finite: the credit limit from ``limits`` when
        given (else through the ORM, whatever stores it), the module's
        numeric columns in one query."""
        if not partner_ids:
            return set()
        if limits is None:
            limits = {
                p.id: p.credit_limit
                for p in self.with_context(prefetch_fields=False).browse(partner_ids)
            }
        unusable = {pid for pid, limit in limits.items() if not _finite(limit)}
        partners = self.browse(partner_ids)
        if len(partner_ids) <= SMALL_SET and all(
            name in partner._cache
            for partner in partners
            for name in CREDIT_NUMBER_FIELDS[1:]
        ):
            # a confirmation's few customers: already in the ORM cache (a
            # form's are not: one query rather than their whole rows)
            return unusable | {
                partner.id
                for partner in partners
                if any(not _finite(partner[name]) for name in CREDIT_NUMBER_FIELDS[1:])
            }
        self.env.cr.execute(
            """
            SELECT id FROM res_partner
             WHERE id IN %s
               AND (early_discount_value IN ('NaN', 'Infinity', '-Infinity')
                    OR affiliate_commission_rate
                       IN ('NaN', 'Infinity', '-Infinity'))""",
            (tuple(partner_ids),),
        )
        return unusable | {row[0] for row in self.env.cr.fetchall()}

    @api.multi
    def read(self, fields=None, load="_classic_read"):
        # The web client cannot parse NaN: an unusable stored number reads as
        # 0 (the credit warning says what is wrong), so the form still opens.
        result = super(ResPartner, self).read(fields=fields, load=load)
        for row in result:
            for name, value in row.items():
                if isinstance(value, float) and not math.isfinite(value):
                    _logger.warning(
                        "res.partner %s: %s is %s, read as 0",
                        row.get("id"),
                        name,
                        value,
                    )
                    row[name] = 0.0
        return result


def _finite(value):
    return isinstance(value, (int, float)) and math.isfinite(value) or not value
