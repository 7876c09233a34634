# The OCA layout: `make package` (tools/package.sh) stages the add-on under
# odoo/addons/customer_management beside this file, then builds the wheel
# odoo11-addon-customer_management; name, version and dependencies come from
# the manifest (setuptools-odoo).
import setuptools

setuptools.setup(
    setup_requires=["setuptools-odoo"],
    odoo_addon=True,
)
