"""Sessions in the database (Django's `db` engine), read by one written-out query.

Every page reads its session. Django's engine builds the same SELECT with the
ORM on each request (`Session.objects.get(session_key=…, expire_date__gt=now)`),
which costs more CPU than PostgreSQL spends running it (issue 14,
docs/performance.md). Only the read is written out: the same table, the same
rows and encoding, the same answer (an unknown or expired key is an empty
session whose key is dropped, as Django's); saving, creating, cycling and
deleting are Django's. Settings: `SESSION_ENGINE = "community.sessions"`.
"""

from django.contrib.sessions.backends.db import SessionStore as DatabaseStore
from django.contrib.sessions.models import Session
from django.db import connections, router
from django.utils import timezone

_SELECT = (
    f'SELECT "session_data" FROM "{Session._meta.db_table}"'  # noqa: S608 (names from the model)
    ' WHERE "session_key" = %s AND "expire_date" > %s'
)


class SessionStore(DatabaseStore):
    def load(self) -> dict:
        if not self.session_key:
            self._session_key = None
            return {}
        connection = connections[router.db_for_read(Session)]
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(_SELECT, [self.session_key, now])
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return {}
        return self.decode(row[0])
