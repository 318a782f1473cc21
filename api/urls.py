from api.v1 import api

# ninja reverses its own URLs (the OpenAPI document) in the namespace it was given.
app_name = api.urls_namespace
urlpatterns = api.urls[0]
