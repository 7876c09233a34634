# Python side of the QWeb reports (report.* models).
from . import customer_pipeline_report
from . import customer_profile_report
from . import customer_affiliate_commission_report
