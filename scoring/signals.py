"""What the scoring core tells the rest of the site, without depending on it."""

from django.dispatch import Signal

# Sent by `import_readings` once new or changed readings are committed
# (no argument): challenges re-checks its reduction goals.
readings_imported = Signal()
