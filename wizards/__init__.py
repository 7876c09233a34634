from . import customer_hold_wizard
