"""Customers whose activities were inserted in bulk before 11.0.2.0.0 kept an
empty stored next activity deadline: store the earliest one, as core does."""


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        """
        UPDATE res_partner p
           SET activity_date_deadline = a.deadline
          FROM (SELECT res_id, MIN(date_deadline) AS deadline
                  FROM mail_activity
                 WHERE res_model = 'res.partner'
                 GROUP BY res_id) a
         WHERE p.id = a.res_id
           AND p.activity_date_deadline IS DISTINCT FROM a.deadline"""
    )
