from odoo import _, api, models

from .customer_pipeline_report import check_report_access

LAST_INTERACTIONS = 10


class ReportCustomerProfile(models.AbstractModel):
    """Customer profile sheet: one page per commercial customer of ``docids``
    (a contact prints its company's sheet, once).

    Everything the sheet shows is read for all customers at once: the records
    share their prefetch, the last interactions of every customer come from one
    query, contacts and guarantors from one read of the one2many each."""

    _name = "report.customer_management.report_customer_profile"
    _description = "Customer Profile Sheet"

    @api.model
    def get_report_values(self, docids, data=None):
        check_report_access(self.env, _("customer profile sheet"))
        partners = (
            self.env["res.partner"].browse(docids or []).mapped("commercial_partner_id")
        )
        contacts = {partner.id: partners.browse() for partner in partners}
        for child in partners.mapped("child_ids"):
            if child.type == "contact":
                contacts[child.parent_id.id] |= child
        guarantors = {partner.id: partner.guarantor_ids for partner in partners}
        return {
            "doc_ids": partners.ids,
            "doc_model": "res.partner",
            "docs": partners,
            "contacts": contacts,
            "guarantors": guarantors,
            "interactions": self._get_last_interactions(partners),
            "last_interactions": LAST_INTERACTIONS,
        }

    @api.model
    def _get_last_interactions(self, partners):
        """{partner id: its last LAST_INTERACTIONS interactions, newest first}
        in one query (a window over the interactions the user may read)."""
        Interaction = self.env["customer.interaction"]
        result = {partner.id: Interaction for partner in partners}
        if not partners:
            return result
        Interaction.check_access_rights("read")
        query = Interaction._where_calc([("partner_id", "in", partners.ids)])
        Interaction._apply_ir_rules(query, "read")
        from_clause, where_clause, params = query.get_sql()
        # Only clauses built by the ORM are inserted; every value is a parameter.
        sql = (
            "SELECT id FROM (SELECT customer_interaction.id, row_number() OVER ("
            "PARTITION BY customer_interaction.partner_id ORDER BY "
            "customer_interaction.date DESC, customer_interaction.id DESC) AS rank "
            "FROM " + from_clause + " WHERE " + where_clause + ") AS ranked "
            "WHERE rank <= %s"
        )
        self.env.cr.execute(sql, params + [LAST_INTERACTIONS])
        ids = [row[0] for row in self.env.cr.fetchall()]
        # One read for all of them; _order is date desc, id desc.
        for interaction in Interaction.browse(ids).sorted(
            key=lambda i: (i.date, i.id), reverse=True
        ):
            result[interaction.partner_id.id] |= interaction
        return result
