"""Template tags of the web pages: what the navigation may show to the user who looks."""

from __future__ import annotations

from django import forms, template
from django.forms.utils import flatatt
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import mark_safe

from vigie.core.permissions import may

register = template.Library()
# Inputs quick_widget writes itself (their Django templates are simple and were slow to run).
PLAIN_INPUTS = (forms.TextInput, forms.NumberInput, forms.EmailInput, forms.URLInput)


@register.simple_tag(takes_context=True)
def vigie_nav(context) -> dict:
    """Which parts of Vigie the navigation shows to this user: each by the role grants that open it
    (vigie.core.permissions). A link whose page does not exist is left out by the template."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not (user.is_authenticated and user.is_active):
        return dict.fromkeys(
            ("signed_in", "report", "review", "reference", "cases", "victims", "organisation"),
            False,
        )
    cached = getattr(request, "_vigie_nav", None)
    if cached is not None:
        return cached
    nav = {
        "signed_in": True,
        "report": may(user, "reports.Report", "add"),
        "review": may(user, "incidents.Incident", "change"),
        "reference": True,  # sources, actors and places: every member
        "cases": may(user, "cases.Case"),
        "victims": may(user, "victims.Victim"),
        "organisation": may(user, "core.Membership", "change"),  # administrators, by the grants
    }
    request._vigie_nav = nav
    return nav


@register.filter
def current(request, names: str) -> bool:
    """Whether the page answering ``request`` is one of ``names`` ("web:incident_list web:incident_detail")."""
    match = getattr(request, "resolver_match", None)
    return bool(match) and match.view_name in names.split()


@register.simple_tag
def quick_widget(bound_field):
    """A form field's widget; a select is written here rather than by Django's widget templates (one
    template per option), which would be most of the time spent on the incident list's filter form."""
    widget = bound_field.field.widget
    if type(widget) in PLAIN_INPUTS:
        return _plain_input(bound_field, widget)
    if not isinstance(widget, forms.Select) or isinstance(widget, forms.SelectMultiple):
        return bound_field.as_widget()
    value = bound_field.value()
    values = value if isinstance(value, list | tuple) else [value]
    chosen = {str(item) for item in values if item is not None}

    def options(choices):
        return format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (key, mark_safe(" selected") if str(key) in chosen else "", label)
                for key, label in choices
            ),
        )

    parts = []
    for key, label in widget.choices:
        if isinstance(label, list | tuple):
            parts.append(format_html('<optgroup label="{}">{}</optgroup>', key, options(label)))
        else:
            parts.append(options([(key, label)]))
    attributes = bound_field.build_widget_attrs({**widget.attrs, "name": bound_field.html_name})
    if bound_field.auto_id:
        attributes["id"] = bound_field.auto_id
    return format_html("<select{}>{}</select>", flatatt(attributes), mark_safe("".join(parts)))


def _plain_input(bound_field, widget):
    """What Django's input.html and attrs.html templates write, without running them (the incident
    page has twelve figure boxes)."""
    attrs = bound_field.build_widget_attrs({}, widget)
    if bound_field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", bound_field.auto_id)
    context = widget.get_context(bound_field.html_name, bound_field.value(), attrs)["widget"]
    value = "" if context["value"] is None else f' value="{conditional_escape(context["value"])}"'
    attributes = "".join(
        f" {conditional_escape(name)}"
        if attribute is True
        else f' {conditional_escape(name)}="{conditional_escape(attribute)}"'
        for name, attribute in context["attrs"].items()
        if attribute is not False
    )
    kind, name = conditional_escape(context["type"]), conditional_escape(context["name"])
    return mark_safe(f'<input type="{kind}" name="{name}"{value}{attributes}>')  # noqa: S308 (escaped above)


@register.filter
def without_language_prefix(path: str) -> str:
    """'/en/incidents/?x=1' -> '/incidents/?x=1': the language switch's `next`, which Django's
    set_language then translates into the chosen language (a prefixed path would not resolve in
    French, the default language, whose URLs carry no prefix)."""
    from django.conf import settings

    for code, _name in settings.LANGUAGES:
        prefix = f"/{code}/"
        if path.startswith(prefix):
            return "/" + path[len(prefix) :]
    return path


@register.filter
def rule_text(rule: str) -> str:
    """An incident's stored estimate rule (English) in the page's language (vigie.incidents.wording)."""
    from vigie.incidents.wording import rule_text as translate

    return translate(rule)


@register.filter
def grade_reason_text(reason: str) -> str:
    """An incident's stored grade reason (English) in the page's language (vigie.incidents.wording)."""
    from vigie.incidents.wording import grade_reason_text as translate

    return translate(reason)
