"""Form rendering helpers for the GOV.UK field templates (templates/includes/fields/)."""

from django import template
from django.utils.html import format_html_join

register = template.Library()


@register.filter
def select_options(field):
    """A select's <option> elements, built straight from the field's choices: what
    `{% for option in field %}` gives, without a sub-widget per option or a template loop
    over them (the queues page's owner list has hundreds). Groups are flattened, as that
    loop did."""
    value = field.value()
    values = value if isinstance(value, list | tuple) else [value]
    chosen = {"" if v is None else str(v) for v in values}
    options = []
    for choice, label in field.field.choices:
        group = label if isinstance(label, list | tuple) else [(choice, label)]
        for option, text in group:
            option = "" if option is None else str(option)
            options.append((option, " selected" if option in chosen else "", text))
    return format_html_join("", '<option value="{}"{}>{}</option>', options)
