from . import customer_hold_wizard
from . import customer_credit_override_wizard
from . import account_register_payments
from . import customer_followup_wizard
from . import customer_affiliate_commission_wizard
