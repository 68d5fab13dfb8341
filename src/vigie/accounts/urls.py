"""URLs of accounts and access."""

app_name = "accounts"
urlpatterns: list = []
