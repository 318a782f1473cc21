"""Response helpers every app shares."""

from django.views.decorators.cache import cache_control

# Pages that show a person's data (contact details, a tracking link, an export) are kept by no cache: not a
# shared proxy's, not the browser's disk ("private, no-store").
personal_data = cache_control(private=True, no_store=True)
