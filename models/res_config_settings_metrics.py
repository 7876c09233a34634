"""Validation of the customer metrics settings (relationship category periods,
rating thresholds, payment reliability thresholds).

The fields and their parameters are declared in res_config_settings.py with
the other settings; this file holds their check. It runs when the settings
record is created, i.e. before execute()/set_values() store anything.
"""
from odoo import _, api, models
from odoo.exceptions import ValidationError

# (settings field, smallest value allowed)
METRICS_SETTINGS_MINIMUMS = [
    ("cm_active_paying_days", 1),
    ("cm_non_active_days", 1),
    ("cm_rating_threshold_a", 0),
    ("cm_rating_threshold_b", 0),
    ("cm_rating_support_load", 1),
    ("cm_rating_discount", 0),
    ("cm_reliability_watch_days", 0),
    ("cm_reliability_watch_count", 1),
    ("cm_reliability_poor_days", 0),
    ("cm_reliability_poor_count", 1),
]


class ResConfigSettings(  # pylint: disable=consider-merging-classes-inherited
    models.TransientModel
):
    _inherit = "res.config.settings"

    @api.constrains(*[name for name, _minimum in METRICS_SETTINGS_MINIMUMS])
    def _check_cm_metrics_settings(self):
        for settings in self:
            errors = settings._get_cm_metrics_settings_errors()
            if errors:
                raise ValidationError("\n".join(errors))

    @api.multi
    def _get_cm_metrics_settings_errors(self):
        """What is wrong with the customer metrics settings, one sentence each
        (empty list: all good). Negative values are refused everywhere; day
        periods and invoice/interaction counts must be at least 1; the
        non-active period must be longer than the active-paying one, threshold A
        at least threshold B, the discount a percentage, and the 'poor'
        thresholds at least the 'watch' ones."""
        self.ensure_one()
        label = {
            name: self._fields[name].string
            for name, _minimum in METRICS_SETTINGS_MINIMUMS
        }
        errors = []
        for name, minimum in METRICS_SETTINGS_MINIMUMS:
            value = self[name] or 0
            if value < 0:
                errors.append(
                    _(
                        "'%(setting)s' cannot be negative (%(value)s): enter "
                        "%(minimum)s "
                        "or more."
                    )
                    % {"setting": label[name], "value": value, "minimum": minimum}
                )
            elif value < minimum:
                errors.append(
                    _("'%(setting)s' must be at least %(minimum)s (not %(value)s).")
                    % {"setting": label[name], "value": value, "minimum": minimum}
                )
        if errors:
            return errors
        if self.cm_non_active_days <= self.cm_active_paying_days:
            errors.append(
                _(
                    "'%(non_active)s' (%(non_active_days)s) must be more than "
                    "'%(paying)s' (%(paying_days)s): customers in between are 'Active "
                    "occasional'."
                )
                % {
                    "non_active": label["cm_non_active_days"],
                    "non_active_days": self.cm_non_active_days,
                    "paying": label["cm_active_paying_days"],
                    "paying_days": self.cm_active_paying_days,
                }
            )
        if self.cm_rating_threshold_a < self.cm_rating_threshold_b:
            errors.append(
                _(
                    "The revenue threshold for rating A (%(a)s) cannot be below the "
                    "one "
                    "for rating B (%(b)s)."
                )
                % {"a": self.cm_rating_threshold_a, "b": self.cm_rating_threshold_b}
            )
        if self.cm_rating_discount > 100:
            errors.append(
                _(
                    "The discount threshold is a percentage: enter a value between 0 "
                    "and "
                    "100 (not %(value)s)."
                )
                % {"value": self.cm_rating_discount}
            )
        for watch, poor in (
            ("cm_reliability_watch_days", "cm_reliability_poor_days"),
            ("cm_reliability_watch_count", "cm_reliability_poor_count"),
        ):
            if self[poor] < self[watch]:
                errors.append(
                    _(
                        "'%(poor)s' (%(poor_value)s) cannot be below '%(watch)s' "
                        "(%(watch_value)s)."
                    )
                    % {
                        "poor": label[poor],
                        "poor_value": self[poor],
                        "watch": label[watch],
                        "watch_value": self[watch],
                    }
                )
        return errors
