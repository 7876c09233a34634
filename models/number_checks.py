"""Numbers the module stores or relies on must be finite and in range.

PostgreSQL stores NaN and infinity in float and numeric columns, and Python
reads "nan" and "inf" (RPC, CSV import) as floats: one NaN credit limit makes
every comparison false (orders pass any limit) and breaks the rounding of the
computes that read it. ``check_finite_numbers`` runs in create/write before
anything is written, for every number field of the values, and refuses with a
message naming the field; the range constraints of each field (negative days,
rates above 100 %...) still apply after it.
"""
import math

from odoo import _, api, models
from odoo.exceptions import ValidationError

NUMBER_TYPES = ("float", "monetary", "integer")
# Beyond this an amount or rate makes no sense and rounding to the field's
# digits overflows (1e308 x 100): refused with a message, not a traceback.
MAX_FLOAT = 1e15
# PostgreSQL's integer column.
MAX_INTEGER = 2**31 - 1


def _as_number(value):
    """``value`` as a float (False/None: 0.0); None when it is no number."""
    if value is None or value is False:
        return 0.0
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def check_finite_numbers(model, vals):
    """Raise a ValidationError when a number field of ``vals`` (values for
    create/write on ``model``) is NaN, infinite or beyond what the field can
    hold. Strings that Python turns into numbers ("nan", "1e308") count."""
    for name, value in vals.items():
        field = model._fields.get(name)
        if field is None or field.type not in NUMBER_TYPES:
            continue
        number = _as_number(value)
        if number is None:
            continue  # not a number at all: the field's conversion says so
        limit = MAX_INTEGER if field.type == "integer" else MAX_FLOAT
        if math.isfinite(number) and abs(number) <= limit:
            continue
        raise ValidationError(
            _(
                "%(field)s: %(value)s is not a usable number. Enter a finite "
                "number between -%(limit)s and %(limit)s."
            )
            % {
                "field": field._description_string(model.env),
                "value": value,
                "limit": "{:,.0f}".format(limit),
            }
        )


class ResConfigSettings(  # pylint: disable=consider-merging-classes-inherited
    models.TransientModel
):
    _inherit = "res.config.settings"

    @api.model
    def _get_cm_number_settings(self):
        """Number settings of the module: days, counts, thresholds; none of
        them may be negative."""
        return [
            name
            for name, _key, default in self._customer_management_params()
            if isinstance(default, (int, float))
            and not isinstance(default, bool)
            and not name.endswith("_id")
        ]

    @api.model
    def _check_cm_numbers(self, vals):
        check_finite_numbers(self, vals)
        for name in self._get_cm_number_settings():
            number = _as_number(vals.get(name))
            if number is not None and number < 0:
                raise ValidationError(
                    _("'%(setting)s' cannot be negative (%(value)s).")
                    % {
                        "setting": self._fields[name]._description_string(self.env),
                        "value": vals[name],
                    }
                )

    @api.model
    def create(self, vals):
        self._check_cm_numbers(vals)
        return super(ResConfigSettings, self).create(vals)

    @api.multi
    def write(self, vals):
        self._check_cm_numbers(vals)
        return super(ResConfigSettings, self).write(vals)
