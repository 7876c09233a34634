"""Names shared by the module's models, wizards and reports."""

# The customer status, in pipeline order then the two states off it.
CUSTOMER_STATUS = [
    ("prospect_c", "C-level prospect"),
    ("prospect_b", "B-level prospect"),
    ("prospect_a", "A-level prospect"),
    ("negotiation", "Negotiation"),
    ("active", "Active customer"),
    ("hold", "Financial hold"),
    ("inactive", "Inactive"),
]
# The sales pipeline, in the order the forward/back buttons walk it.
PIPELINE = ["prospect_c", "prospect_b", "prospect_a", "negotiation", "active"]

# Prospect classes by how soon the customer will close.
PROSPECT_CLASS = [
    ("a", "A - closes within 1 month"),
    ("b", "B - closes within 3 months"),
    ("c", "C - closes within 6 months"),
    ("d", "D - potential, 6+ months away"),
    ("e", "E - no need (dead)"),
]
# The key of customers without a class in grouped views and reports.
NO_CLASS = "none"

GROUP_USER = "customer_management.group_customer_user"
GROUP_CREDIT = "customer_management.group_credit_manager"
GROUP_MANAGER = "customer_management.group_customer_manager"

# The early-pay terms of a customer that its draft invoices follow.
EARLY_DISCOUNT_TERMS = (
    "early_discount_type",
    "early_discount_value",
    "early_discount_days",
)

# Customers per committed batch of the crons.
BATCH_SIZE = 2000
