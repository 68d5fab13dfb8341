from django.contrib import admin

from .models import Actor, ActorAlias


class ActorAliasInline(admin.TabularInline):
    model = ActorAlias
    fields = ("name", "language")
    extra = 0


@admin.register(Actor)
class ActorAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "category",
        "parent",
        "country",
        "needs_review",
        "published",
        "organisation",
    )
    list_filter = ("category", "needs_review", "published")
    search_fields = ("name", "key", "aliases__name")
    raw_id_fields = ("parent",)
    inlines = [ActorAliasInline]
