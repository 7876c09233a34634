from odoo import api, fields, models

PARAM_PREFIX = "customer_management."


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    # Follow-up cadence per prospect class, in days (A daily ... E yearly).
    cm_cadence_a = fields.Integer("Class A follow-up (days)")
    cm_cadence_b = fields.Integer("Class B follow-up (days)")
    cm_cadence_c = fields.Integer("Class C follow-up (days)")
    cm_cadence_d = fields.Integer("Class D follow-up (days)")
    cm_cadence_e = fields.Integer("Class E follow-up (days)")
    # [settings fields: add below, one block per topic]

    @api.model
    def _customer_management_params(self):
        """(settings field, ir.config_parameter key suffix, default) of every
        setting of the module. Extend through super() to add settings."""
        return [
            ("cm_cadence_a", "cadence_a", 1),
            ("cm_cadence_b", "cadence_b", 7),
            ("cm_cadence_c", "cadence_c", 15),
            ("cm_cadence_d", "cadence_d", 30),
            ("cm_cadence_e", "cadence_e", 365),
            # [settings params: add below]
        ]

    @api.model
    def get_customer_management_param(self, key):
        """Value of one setting, typed like its default (int, float, bool, str)."""
        default = {k: d for _f, k, d in self._customer_management_params()}[key]
        raw = self.env["ir.config_parameter"].sudo().get_param(PARAM_PREFIX + key)
        if raw in (None, False, ""):
            return default
        if isinstance(default, bool):
            return raw in ("True", "1", "true")
        return type(default)(raw) if default is not None else raw

    @api.model
    def get_values(self):
        res = super(ResConfigSettings, self).get_values()
        for field_name, key, _default in self._customer_management_params():
            res[field_name] = self.get_customer_management_param(key)
        return res

    @api.multi
    def set_values(self):
        super(ResConfigSettings, self).set_values()
        params = self.env["ir.config_parameter"].sudo()
        for field_name, key, default in self._customer_management_params():
            value = self[field_name]
            if isinstance(value, models.BaseModel):
                value = value.id or ""
            elif isinstance(default, bool):
                value = str(bool(value))  # "False" must not fall back to the default
            elif value is False:
                value = ""
            params.set_param(PARAM_PREFIX + key, value)
