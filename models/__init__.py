from . import customer_type
from . import res_config_settings
from . import res_partner
