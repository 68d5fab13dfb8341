"""URLs of rest api."""

app_name = "api"
urlpatterns: list = []
