import contextlib

from odoo.exceptions import ValidationError

from .common import CustomerCase


class RelationshipCase(CustomerCase):
    """CustomerCase with a check that an operation is refused and leaves nothing."""

    @contextlib.contextmanager
    def refused(self, exception=ValidationError):
        """The block raises ``exception``; what it did is rolled back as a real
        request would be (savepoint) and the caches are dropped, so assertions
        after it read what the database holds."""
        with self.assertRaises(exception):
            with self.env.cr.savepoint():
                yield
        self.env.clear()
